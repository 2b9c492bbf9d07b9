/**
 * `ip nexthop add|replace|del|get` words → a {@link Nexthop} (ip/ipnexthop.c).
 *
 * @since 0.3.0
 */
import { AF_INET, AF_INET6 } from "../internal/Common.ts"
import * as Names from "../internal/Names.ts"
import { int, intValue, isError, type Keyword, keywords, type Parsed, Words } from "../internal/Words.ts"
import type { BucketFilter, Nexthop } from "../Nexthop.ts"
import { checkAddress, type Draft, familyOf, kw, namedValue, set, devKeyword } from "./Common.ts"
import { parseEncap } from "./Encap.ts"

const flagKw = (name: string, field: string): Keyword<Draft> =>
  kw(
    name,
    (_w, s) => {
      s[field] = true
      if (name === "blackhole") s.$family ??= AF_INET
    },
    { exact: true }
  )

/** `ID[,WEIGHT]/ID[,WEIGHT]/...` (weights 1..65536). */
const group = (w: Words, s: Draft): Parsed<void> => {
  const v = w.value("group")
  if (isError(v)) return v
  const members: Array<{ id: number; weight?: number }> = []
  for (const m of v.split("/")) {
    const [id, weight] = m.split(",", 2)
    const n = int(w, "group", id!)
    if (isError(n)) return n
    if (weight === undefined) members.push({ id: n })
    else {
      const wt = int(w, "group", weight, 1, 65536)
      if (isError(wt)) return wt
      members.push({ id: n, weight: wt })
    }
  }
  s.group = members
}

/** `type mpath | resilient [buckets N] [idle_timer S] [unbalanced_timer S]`. */
const groupType = (w: Words, s: Draft): Parsed<void> => {
  const v = w.value("type")
  if (isError(v)) return v
  if (v !== "mpath" && v !== "resilient")
    return w.fail("type", `"${v}" is not a group type (mpath, resilient)`)
  s.type = v
  if (v === "mpath") return
  const res: Draft = {}
  for (;;) {
    const field = w.acceptExact("buckets")
      ? "buckets"
      : w.acceptExact("idle_timer")
        ? "idleTimer"
        : w.acceptExact("unbalanced_timer")
          ? "unbalancedTimer"
          : undefined
    if (field === undefined) break
    const keyword =
      field === "buckets" ? "buckets" : field === "idleTimer" ? "idle_timer" : "unbalanced_timer"
    const n = intValue(w, keyword, 0, field === "buckets" ? 0xffff : Math.floor(0xffffffff / 100) - 1)
    if (isError(n)) return n
    res[field] = n
  }
  if (Object.keys(res).length > 0) s.resilient = res
}

const table: ReadonlyArray<Keyword<Draft>> = [
  kw(
    "id",
    set("id", (w, k) => intValue(w, k, 1)),
    { exact: true }
  ),
  devKeyword(),
  kw(
    "via",
    (w, s) => {
      const first = w.value("via")
      if (isError(first)) return first
      const explicit = first === "inet" ? AF_INET : first === "inet6" ? AF_INET6 : undefined
      const word = explicit === undefined ? first : w.value("via")
      if (isError(word)) return word
      const a = checkAddress(w, "via", word, explicit ?? (s.$family as number | undefined))
      if (isError(a)) return a
      if (s.$family !== undefined && s.$family !== familyOf(a))
        return w.fail("via", "address family mismatch")
      s.$family = familyOf(a)
      s.gateway = a
    },
    { exact: true }
  ),
  kw(
    "encap",
    (w, s) => {
      const e = parseEncap(w)
      if (isError(e)) return e
      s.encap = e
    },
    { exact: true }
  ),
  flagKw("blackhole", "blackhole"),
  flagKw("fdb", "fdb"),
  flagKw("onlink", "onlink"),
  kw("group", group, { exact: true }),
  kw("type", groupType, { exact: true }),
  kw("protocol", set("protocol", namedValue(Names.protocol, 255))),
  kw("hw_stats", (w) => w.fail("hw_stats", "hardware statistics are not part of the Nexthop model"), {
    exact: true
  })
]

/**
 * Reads the words of `ip nexthop add|replace|del|get` into a {@link Nexthop}:
 * `id`, `via [FAMILY] ADDR`, `dev`, `blackhole`, `onlink`, `fdb`,
 * `encap ...`, `group ID[,W]/...`, `type mpath|resilient` with `buckets`,
 * `idle_timer`, `unbalanced_timer`, `protocol`.
 *
 * @example
 * ```ts
 * Nexthop.parse("id 1 via 10.0.0.1 dev eth0")
 * // { id: 1, gateway: "10.0.0.1", dev: "eth0" }
 * ```
 * @since 0.3.0
 */
export const parse = (
  input: string | ReadonlyArray<string>,
  command = "nexthop add",
  family?: "inet" | "inet6"
): Parsed<Nexthop> => {
  const w = Words.of(input, command)
  const s: Draft = family === undefined ? {} : { family, $family: family === "inet6" ? AF_INET6 : AF_INET }
  const r = keywords(w, table, s)
  if (isError(r)) return r
  const { $family: _, ...out } = s
  return out as unknown as Nexthop
}

const bucketTable: ReadonlyArray<Keyword<Draft>> = [
  kw(
    "id",
    set("id", (w, k) => intValue(w, k, 1, 0xffffffff)),
    { exact: true }
  ),
  kw(
    "nhid",
    set("nexthop", (w, k) => intValue(w, k, 1, 0xffffffff)),
    { exact: true }
  ),
  devKeyword(),
  kw(
    "master",
    set("master", (w, k) => w.value(k)),
    { exact: true }
  )
]

/**
 * `ip nexthop bucket show` selectors → `Nexthop.buckets`' filter: `id G`,
 * `nhid N`, `dev D`, `master M`.
 *
 * @example
 * ```ts
 * Nexthop.parseBuckets("id 11 nhid 2") // { id: 11, nexthop: 2 }
 * ```
 */
export const parseBuckets = (
  input: string | ReadonlyArray<string>,
  command = "nexthop bucket list"
): Parsed<BucketFilter> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, bucketTable, s)
  return isError(r) ? r : (s as BucketFilter)
}

/**
 * `ip nexthop bucket get id G index I` → the group and the bucket's index
 * (`Nexthop.getBucket(id, index)`); both are required, as ip requires them.
 *
 * @example
 * ```ts
 * Nexthop.parseBucketGet("id 11 index 3") // { id: 11, index: 3 }
 * ```
 */
export const parseBucketGet = (
  input: string | ReadonlyArray<string>,
  command = "nexthop bucket get"
): Parsed<{ readonly id: number; readonly index: number }> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(
    w,
    [
      kw(
        "id",
        set("id", (w, k) => intValue(w, k, 1, 0xffffffff)),
        { exact: true }
      ),
      kw(
        "index",
        set("index", (w, k) => intValue(w, k, 0, 0xffff)),
        { exact: true }
      )
    ],
    s
  )
  if (isError(r)) return r
  if (s.id === undefined) return w.fail("id", "a nexthop group id is required (id G)")
  if (s.index === undefined) return w.fail("index", "a bucket index is required (index I)")
  return { id: s.id as number, index: s.index as number }
}
