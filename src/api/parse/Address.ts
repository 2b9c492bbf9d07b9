/**
 * `ip address add|del|replace|flush` words → an {@link Address} (or a flush
 * {@link Filter}), with iproute2's keywords (ip/ipaddress.c's ipaddr_modify).
 *
 * @since 0.3.0
 */
import type { Address, Filter } from "../Address.ts"
import { AF_INET6 } from "../internal/Common.ts"
import * as Names from "../internal/Names.ts"
import { int, intValue, isError, type Keyword, keywords, type Parsed, Words } from "../internal/Words.ts"
import {
  checkAddress,
  checkPrefix,
  type Draft,
  familyOf,
  kw,
  namedValue,
  once,
  set,
  devKeyword
} from "./Common.ts"

// Flags ip takes by name: which may be set (the rest are the kernel's and
// ip ignores them with a warning), and which apply to IPv6 only.
const FLAGS: Readonly<Record<string, { readonly name?: string; readonly v6only: boolean }>> = {
  secondary: { v6only: false },
  temporary: { v6only: false },
  nodad: { name: "nodad", v6only: true },
  optimistic: { name: "optimistic", v6only: true },
  dadfailed: { v6only: true },
  home: { name: "homeaddress", v6only: true },
  deprecated: { v6only: true },
  tentative: { v6only: true },
  permanent: { v6only: true },
  mngtmpaddr: { name: "mngtmpaddr", v6only: true },
  noprefixroute: { name: "noprefixroute", v6only: false },
  autojoin: { name: "autojoin", v6only: false },
  "stable-privacy": { v6only: true }
}

// ip's rt_addrprotos names and the model's (IfaProto) names for them
const PROTO_WORDS: Readonly<Record<string, string>> = {
  unspec: "unspec",
  kernel_lo: "kernelLo",
  kernel_ra: "kernelRa",
  kernel_ll: "kernelLl"
}

/** An address protocol: ip's name (kernel_lo, ...) or a number 0..255. */
const protoValue = (w: Words, keyword: string): Parsed<string | number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const name = PROTO_WORDS[v]
  return name !== undefined ? name : int(w, keyword, v, 0, 255)
}

/** `forever` or seconds, as ip's set_lifetime reads them. */
const lifetime = (w: Words, keyword: string): Parsed<number | "forever"> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  return v === "forever" ? "forever" : int(w, keyword, v)
}

const addressWord =
  (field: string, prefix: boolean) =>
  (w: Words, s: Draft): Parsed<void> => {
    const keyword = field === "address" ? "local" : field
    const v = w.value(keyword)
    if (isError(v)) return v
    const dup = once(w, s, field, keyword)
    if (isError(dup)) return dup
    const a = prefix ? checkPrefix(w, keyword, v) : checkAddress(w, keyword, v)
    if (isError(a)) return a
    if (a === "default") return w.fail(keyword, `"${v}" is not an address`)
    s.$family ??= familyOf(v)
    s[field] = v
  }

const table: ReadonlyArray<Keyword<Draft>> = [
  kw("peer", addressWord("peer", true), { exact: true, aliases: ["remote"] }),
  kw(
    "broadcast",
    (w, s) => {
      const v = w.value("broadcast")
      if (isError(v)) return v
      const dup = once(w, s, "broadcast", "broadcast")
      if (isError(dup)) return dup
      if (v !== "+" && v !== "-") {
        const a = checkAddress(w, "broadcast", v)
        if (isError(a)) return a
        s.$family ??= familyOf(v)
      }
      s.broadcast = v
    },
    { aliases: ["brd"] }
  ),
  kw(
    "anycast",
    (w) => w.fail("anycast", "IFA_ANYCAST is not part of the Address model (add an anycast address with ip)"),
    { exact: true }
  ),
  kw("scope", set("scope", namedValue(Names.scope, 255)), { exact: true }),
  devKeyword(),
  kw(
    "label",
    set("label", (w, k) => w.value(k)),
    { exact: true }
  ),
  kw(
    "metric",
    set("metric", (w, k) => intValue(w, k))
  ),
  kw(
    "priority",
    set("metric", (w, k) => intValue(w, k))
  ),
  kw(
    "preference",
    set("metric", (w, k) => intValue(w, k))
  ),
  kw("valid_lft", (w, s) => {
    const dup = once(w, s, "validLifetime", "valid_lft")
    if (isError(dup)) return dup
    return set("validLifetime", lifetime, "valid_lft")(w, s)
  }),
  kw("preferred_lft", (w, s) => {
    const dup = once(w, s, "preferredLifetime", "preferred_lft")
    if (isError(dup)) return dup
    return set("preferredLifetime", lifetime, "preferred_lft")(w, s)
  }),
  ...Object.entries(FLAGS).map(([word, f]) =>
    kw(
      word,
      (_w, s: Draft) => {
        // as ip: kernel-owned flags, and IPv6 flags before an IPv6 address, are ignored
        if (f.name === undefined || (f.v6only && s.$family !== AF_INET6)) return
        const flags = (s.flags ??= []) as Array<string>
        if (!flags.includes(f.name)) flags.push(f.name)
      },
      { exact: true }
    )
  ),
  kw("proto", set("proto", protoValue), { exact: true })
]

/**
 * Reads the words of `ip address add|del|replace` (after the verb) into an
 * {@link Address}: `[local] ADDR[/LEN]`, `peer`/`remote`, `broadcast`/`brd`
 * (`+`, `-` or an address), `scope`, `dev`, `label`, `metric`, `valid_lft`,
 * `preferred_lft`, `proto` and the flags (`nodad`, `optimistic`, `home`,
 * `mngtmpaddr`, `noprefixroute`, `autojoin`).
 *
 * @example
 * ```ts
 * Address.parse("10.1.2.3/24 dev eth0 label eth0:1 valid_lft 100 preferred_lft 50")
 * // { address: "10.1.2.3/24", dev: "eth0", label: "eth0:1", validLifetime: 100, preferredLifetime: 50 }
 * ```
 * @since 0.3.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "address add"): Parsed<Address> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, table, s, (word, w, s) => {
    if (word === "local") return addressWord("address", true)(w, s) ?? true
    w.back()
    const v = addressWord("address", true)(w, s)
    return isError(v)
      ? w.unknown(
          word,
          table.map((k) => k.name)
        )
      : true
  })
  if (isError(r)) return r
  if (s.address === undefined) return w.fail("local", "an address is required")
  if (s.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  const { $family: _, ...out } = s
  return out as unknown as Address
}

/**
 * Reads the selectors of `ip address flush`: `dev`, `scope`, `label`
 * (a pattern), `to PREFIX` (or a bare prefix), `permanent`/`dynamic`, `proto`.
 *
 * @example
 * ```ts
 * Address.parseFlush("dev eth0 scope global")
 * // { dev: "eth0", scope: "global" }
 * ```
 * @since 0.3.0
 */
export const parseFlush = (
  input: string | ReadonlyArray<string>,
  command = "address flush"
): Parsed<Filter> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords<Draft>(
    w,
    [
      devKeyword(),
      kw("scope", set("scope", namedValue(Names.scope, 255)), { exact: true }),
      kw(
        "label",
        set("label", (w, k) => w.value(k)),
        { exact: true }
      ),
      kw(
        "to",
        set("address", (w, k) => w.value(k)),
        { exact: true }
      ),
      kw(
        "permanent",
        (_w, s) => {
          s.permanent = true
        },
        { exact: true }
      ),
      kw(
        "dynamic",
        (_w, s) => {
          s.permanent = false
        },
        { exact: true }
      ),
      kw("proto", set("proto", protoValue), { exact: true })
    ],
    s,
    (word, w, s) => {
      const p = checkPrefix(w, "to", word)
      if (isError(p)) return p
      s.address = word
      return true
    }
  )
  if (isError(r)) return r
  if (Object.keys(s).length === 0) return w.fail("", "flush needs a selector (dev, scope, label, to ...)")
  return s as Filter
}
