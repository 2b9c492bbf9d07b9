/**
 * `bridge fdb add|append|replace|del` words → an {@link Fdb} entry, with the
 * keywords of iproute2's bridge/fdb.c (fdb_modify).
 *
 * @since 0.3.0
 */
import type { Fdb, FlushFilter } from "../Fdb.ts"
import { intValue, isError, type Keyword, keywords, type Parsed, Words } from "../internal/Words.ts"
import { addressValue, type Draft, kw, once, set, devKeyword } from "./Common.ts"

const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i

const flag = (name: string, value: string, exact: boolean): Keyword<Draft> =>
  kw(
    name,
    (_w, s) => {
      const flags = (s.flags ??= []) as Array<string>
      if (!flags.includes(value)) flags.push(value)
    },
    { exact }
  )

const state = (name: string, value: string, exact = false): Keyword<Draft> =>
  kw(
    name,
    (_w, s) => {
      s.state = value
    },
    { exact }
  )

const refuse = (name: string): Keyword<Draft> =>
  kw(name, (w) => w.fail(name, `"${name}" (an FDB activity flag) is not part of the Fdb model`), {
    exact: true
  })

const table: ReadonlyArray<Keyword<Draft>> = [
  devKeyword(),
  kw(
    "dst",
    set("dst", (w, k) => addressValue(w, k)),
    { exact: true }
  ),
  kw(
    "nhid",
    set("nhid", (w, k) => intValue(w, k)),
    { exact: true }
  ),
  kw(
    "port",
    set("port", (w, k) => intValue(w, k, 0, 0xffff)),
    { exact: true }
  ),
  kw(
    "vni",
    set("vni", (w, k) => intValue(w, k, 0, 0xffffff)),
    { exact: true }
  ),
  kw(
    "src_vni",
    set("srcVni", (w, k) => intValue(w, k, 0, 0xffffff)),
    { exact: true }
  ),
  kw(
    "via",
    set("via", (w, k) => w.value(k)),
    { exact: true }
  ),
  kw(
    "self",
    (_w, s) => {
      s.self = true
    },
    { exact: true }
  ),
  kw("master", (_w, s) => {
    s.master = true
  }),
  flag("router", "router", false),
  state("local", "permanent"),
  state("permanent", "permanent"),
  state("temp", "static"),
  state("static", "static"),
  state("dynamic", "dynamic"),
  kw(
    "vlan",
    set("vlan", (w, k) => intValue(w, k, 0, 4095))
  ),
  flag("use", "use", false),
  flag("extern_learn", "externLearn", false),
  flag("sticky", "sticky", false),
  refuse("activity_notify"),
  refuse("inactive"),
  refuse("norefresh")
]

/**
 * Reads the words of `bridge fdb add|append|replace|del` into an {@link Fdb}:
 * `[to] MAC dev DEV`, `dst`, `port`, `vni`, `src_vni`, `via`, `nhid`,
 * `self`/`master`, `local`/`permanent`, `temp`/`static`, `dynamic`, `vlan`,
 * `router`, `use`, `extern_learn`, `sticky`.
 *
 * @example
 * ```ts
 * Fdb.parse("02:00:00:00:00:01 dev eth0 master static vlan 10")
 * // { mac: "02:00:00:00:00:01", dev: "eth0", master: true, state: "static", vlan: 10 }
 * ```
 * @since 0.3.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "fdb add"): Parsed<Fdb> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, table, s, (word, w, s) => {
    const v = word === "to" ? w.next() : word
    if (v === undefined) return w.fail("to", `"to" needs a value`)
    if (!MAC.test(v))
      return word === v
        ? w.unknown(
            word,
            table.map((k) => k.name)
          )
        : w.fail("to", `"${v}" is not a MAC address`)
    const dup = once(w, s, "mac", "to")
    if (isError(dup)) return dup
    s.mac = v.toLowerCase()
    return true
  })
  if (isError(r)) return r
  if (s.mac === undefined) return w.fail("to", "a MAC address is required")
  if (s.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  return s as unknown as Fdb
}

// `bridge fdb flush` conditions: the word sets the field, `noWORD` clears it
const FLUSH_BOOLS: ReadonlyArray<readonly [string, string]> = [
  ["permanent", "permanent"],
  ["static", "static"],
  ["dynamic", "dynamic"],
  ["added_by_user", "addedByUser"],
  ["extern_learn", "externLearn"],
  ["sticky", "sticky"],
  ["offloaded", "offloaded"]
]

const flushTable: ReadonlyArray<Keyword<Draft>> = [
  devKeyword(),
  kw(
    "brport",
    set("port", (w, k) => w.value(k)),
    { exact: true }
  ),
  kw(
    "vlan",
    set("vlan", (w, k) => intValue(w, k, 0, 4095)),
    { exact: true }
  ),
  kw(
    "self",
    (_w, s) => {
      s.self = true
    },
    { exact: true }
  ),
  kw(
    "master",
    (_w, s) => {
      s.master = true
    },
    { exact: true }
  ),
  ...FLUSH_BOOLS.flatMap(([word, field]) => [
    kw(
      word,
      (_w, s: Draft) => {
        s[field] = true
      },
      { exact: true }
    ),
    kw(
      `no${word}`,
      (_w, s: Draft) => {
        s[field] = false
      },
      { exact: true }
    )
  ])
]

/**
 * Reads the words of `bridge fdb flush`: `dev DEV [brport P] [vlan N] [self]
 * [master]` and the conditions `[no]permanent`, `[no]static`, `[no]dynamic`,
 * `[no]added_by_user`, `[no]extern_learn`, `[no]sticky`, `[no]offloaded`.
 *
 * @example
 * ```ts
 * Fdb.parseFlush("dev br0 vlan 5 nopermanent")
 * // { dev: "br0", vlan: 5, permanent: false }
 * ```
 * @since 0.3.0
 */
export const parseFlush = (
  input: string | ReadonlyArray<string>,
  command = "fdb flush"
): Parsed<FlushFilter> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, flushTable, s)
  if (isError(r)) return r
  if (s.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  return s as unknown as FlushFilter
}
