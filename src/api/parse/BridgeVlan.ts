/**
 * `bridge vlan add|del|set` words → a {@link BridgeVlan} (bridge/vlan.c).
 *
 * @since 0.3.0
 */
import type { BridgeVlan } from "../BridgeVlan.ts"
import { int, intValue, isError, type Keyword, keywords, type Parsed, Words } from "../internal/Words.ts"
import { type Draft, kw, set, devKeyword } from "./Common.ts"

const STATES = ["disabled", "listening", "learning", "forwarding", "blocking"]

/** `N` or `N-M`. */
const range = (w: Words, keyword: string, max: number): Parsed<readonly [number, number | undefined]> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const [a, b] = v.split("-", 2)
  const start = int(w, keyword, a!, 0, max)
  if (isError(start)) return start
  if (b === undefined) return [start, undefined]
  const end = int(w, keyword, b, start, max)
  return isError(end) ? end : [start, end]
}

const bool = (name: string, field: string): Keyword<Draft> =>
  kw(
    name,
    (_w, s) => {
      s[field] = true
    },
    { exact: true }
  )

const table: ReadonlyArray<Keyword<Draft>> = [
  devKeyword(),
  kw(
    "vid",
    (w, s) => {
      const r = range(w, "vid", 4094)
      if (isError(r)) return r
      s.vid = r[0]
      if (r[1] !== undefined) s.vidEnd = r[1]
    },
    { exact: true }
  ),
  kw(
    "tunnel_info",
    (w, s) => {
      if (!w.acceptExact("id")) return w.fail("tunnel_info", `"tunnel_info" needs "id N"`)
      const r = range(w, "tunnel_info id", 0xffffff)
      if (isError(r)) return r
      s.tunnelId = r[0]
    },
    { exact: true }
  ),
  bool("pvid", "pvid"),
  bool("untagged", "untagged"),
  bool("self", "self"),
  kw(
    "master",
    (_w, s) => {
      s.$master = true
    },
    { exact: true }
  ),
  kw(
    "state",
    (w, s) => {
      const v = w.value("state")
      if (isError(v)) return v
      if (/^\d+$/.test(v)) {
        const n = int(w, "state", v, 0, 4)
        if (isError(n)) return n
        s.state = STATES[n]
      } else if (STATES.includes(v)) s.state = v
      else return w.fail("state", `"${v}" is not a port state (${STATES.join(", ")})`)
    },
    { exact: true }
  ),
  kw(
    "mcast_router",
    set("mcastRouter", (w, k) => intValue(w, k, 0, 3)),
    { exact: true }
  )
]

/**
 * Reads the words of `bridge vlan add|del|set` into a {@link BridgeVlan}:
 * `dev DEV vid N[-M] [pvid] [untagged] [self] [master] [tunnel_info id N]
 * [state S] [mcast_router N]`.
 *
 * @example
 * ```ts
 * BridgeVlan.parse("vid 10-20 dev eth0 untagged")
 * // { vid: 10, vidEnd: 20, dev: "eth0", untagged: true }
 * ```
 * @since 0.3.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "vlan add"): Parsed<BridgeVlan> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, table, s)
  if (isError(r)) return r
  if (s.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  if (s.vid === undefined) return w.fail("vid", "a VLAN id is required (vid N)")
  const { $master: _, ...out } = s
  return out as unknown as BridgeVlan
}
