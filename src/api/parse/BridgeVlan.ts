/**
 * `bridge vlan add|del|set` words → a {@link BridgeVlan} (bridge/vlan.c).
 *
 * @since 0.3.0
 */
import type { BridgeVlan, GlobalOptions } from "../BridgeVlan.ts"
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

const u32 = (name: string, field: string, max = 0xffffffff): Keyword<Draft> =>
  kw(
    name,
    set(field, (w, k) => intValue(w, k, 0, max), name),
    { exact: true }
  )

const u64 = (name: string, field: string): Keyword<Draft> =>
  kw(
    name,
    (w, s) => {
      const v = w.value(name)
      if (isError(v)) return v
      if (!/^(\d+|0x[0-9a-f]+)$/i.test(v) || BigInt(v) > 0xffffffffffffffffn)
        return w.fail(name, `"${v}" is not a 64-bit number`)
      s[field] = BigInt(v)
    },
    { exact: true }
  )

const onOff01 = (name: string, field: string): Keyword<Draft> =>
  kw(
    name,
    (w, s) => {
      const v = intValue(w, name, 0, 255)
      if (isError(v)) return v
      s[field] = v !== 0
    },
    { exact: true }
  )

// bridge/vlan.c vlan_global_option_set's words (compared exactly), values as bridge sends them
const globalTable: ReadonlyArray<Keyword<Draft>> = [
  devKeyword(),
  table[1]!,
  onOff01("mcast_snooping", "mcastSnooping"),
  onOff01("mcast_querier", "mcastQuerier"),
  u32("mcast_igmp_version", "mcastIgmpVersion", 255),
  u32("mcast_mld_version", "mcastMldVersion", 255),
  u32("mcast_last_member_count", "mcastLastMemberCount"),
  u32("mcast_startup_query_count", "mcastStartupQueryCount"),
  u64("mcast_last_member_interval", "mcastLastMemberInterval"),
  u64("mcast_membership_interval", "mcastMembershipInterval"),
  u64("mcast_querier_interval", "mcastQuerierInterval"),
  u64("mcast_query_interval", "mcastQueryInterval"),
  u64("mcast_query_response_interval", "mcastQueryResponseInterval"),
  u64("mcast_startup_query_interval", "mcastStartupQueryInterval"),
  u32("msti", "msti", 0xffff)
]

/**
 * Reads `bridge vlan global set` words into `BridgeVlan.setGlobal`'s
 * options: `dev BRIDGE vid N[-M]` and the per-VLAN multicast options
 * (`mcast_snooping 0|1`, `mcast_querier 0|1`, versions, counts, intervals in
 * the kernel's ticks as bridge sends them, `msti N`).
 *
 * @example
 * ```ts
 * BridgeVlan.parseGlobal("dev br0 vid 10 mcast_snooping 1")
 * // { dev: "br0", vid: 10, mcastSnooping: true }
 * ```
 * @since 0.4.0
 */
export const parseGlobal = (
  input: string | ReadonlyArray<string>,
  command = "vlan global set"
): Parsed<GlobalOptions> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, globalTable, s)
  if (isError(r)) return r
  if (s.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  if (s.vid === undefined) return w.fail("vid", "a VLAN id is required (vid N)")
  return s as unknown as GlobalOptions
}
