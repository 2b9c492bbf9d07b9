/**
 * Routes (IPv4 and IPv6), as `ip route` manages them: list, stream, add,
 * replace, remove, and `get` (the kernel's route lookup). Requests carry
 * exactly what `ip route add` / `ip route del` / `ip route get` send for the
 * same options; dumps are filtered by the kernel where it can (table,
 * protocol, type, output device) and decoded with no per-route mapping.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Netlink, Route } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Route.add({ destination: "10.2.0.0/16", gateway: "10.0.0.1", metric: 100 })
 *   yield* Route.add({
 *     destination: "default",
 *     table: 1000,
 *     nexthops: [{ gateway: "10.0.0.1", weight: 1 }, { gateway: "10.0.0.2", weight: 3 }]
 *   })
 *   const answer = yield* Route.get("10.2.3.4")
 *   return yield* Route.list({ table: "all", protocol: "static" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  decodeRouteMessage,
  encodeRouteMessage,
  type MetricsAttrs,
  RouteMessage,
  RouteMessageHeaderSize,
  RouteMessageMeta,
  RouteMessageTypes,
  RtmFlags,
  RtnhFlags,
  RtPref,
  RtProtocol,
  RtScope,
  RtTable,
  RtType,
  Rtax
} from "../generated/rt-route/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { parseIPv4, parseIPv6 } from "../runtime/Wire.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  checkBuilt,
  validate,
  operation
} from "./internal/Common.ts"
import { type LinkRef, linkIndex } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * A route as the kernel reports it: the `rtmsg` header (`family`, `dstLen`,
 * `srcLen`, `tos`, `tableId`, `protocol`, `scope`, `type`, `flags`) and the
 * RTA_* attributes (`dst`, `gateway`, `oif`, `priority`, `prefsrc`, `table`,
 * `metrics`, `multipath`, ...). `table` (RTA_TABLE) carries the full table id.
 *
 * @example
 * ```ts
 * const routes: ReadonlyArray<Route.Route> = yield* Route.list()
 * routes.map((r) => `${r.dst ?? "default"}/${r.dstLen} via ${r.gateway}`)
 * ```
 * @since 0.1.0
 */
export type Route = RouteMessage

/**
 * Enum tables by name: route types, protocols, scopes, tables, RTM_F_* and
 * RTNH_F_* flags, RTAX_* metric numbers, IPv6 router preferences.
 *
 * @example
 * ```ts
 * route.type === Route.RtType.blackhole
 * (route.flags & Route.RtnhFlags.onlink) !== 0
 * ```
 * @since 0.1.0
 */
export { RtmFlags, RtnhFlags, RtPref, RtProtocol, RtScope, RtTable, RtType, Rtax }

/**
 * A routing table: a number (1..2^32-1) or the name ip uses.
 *
 * @example
 * ```ts
 * const t: Route.Table = "main"
 * ```
 * @since 0.1.0
 */
export type Table = number | "main" | "local" | "default"

/**
 * A route type by the name `ip route add TYPE PREFIX` uses, or its number.
 *
 * @example
 * ```ts
 * const t: Route.Type = "blackhole"
 * ```
 * @since 0.1.0
 */
export type Type = keyof typeof RtType | number

/**
 * A route protocol (who installed it) by name or number.
 *
 * @example
 * ```ts
 * const p: Route.Protocol = "static"
 * ```
 * @since 0.1.0
 */
export type Protocol = keyof typeof RtProtocol | number

/**
 * A scope by name ("global" is "universe", as in ip) or number.
 *
 * @example
 * ```ts
 * const s: Route.Scope = "link"
 * ```
 * @since 0.1.0
 */
export type Scope = keyof typeof RtScope | "global" | number

/**
 * One nexthop of a multipath route (`nexthop via GW dev DEV weight W onlink`).
 * `weight` is 1..256 (sent as rtnh_hops = weight - 1).
 *
 * @example
 * ```ts
 * const nh: Route.Nexthop = { gateway: "10.0.0.1", dev: "eth0", weight: 2 }
 * ```
 * @since 0.1.0
 */
export interface Nexthop {
  readonly gateway?: string
  readonly dev?: LinkRef
  readonly weight?: number
  readonly onlink?: boolean
}

/** Names of the RTAX_* metrics a route may carry. @since 0.1.0 */
export type MetricName = Exclude<keyof MetricsAttrs, "lock" | "unknown">

/**
 * Route metrics (RTA_METRICS), in the kernel's units (rtt and rttvar as the
 * kernel stores them: ip's `rtt 10ms` is 80, `rttvar 10ms` is 40). `locked`
 * names metrics the kernel must not change (RTAX_LOCK, ip's `mtu lock N`).
 *
 * @example
 * ```ts
 * const m: Route.Metrics = { mtu: 1400, advmss: 1360, initcwnd: 10, locked: ["mtu"] }
 * ```
 * @since 0.1.0
 */
export type Metrics = Omit<MetricsAttrs, "lock" | "unknown"> & { readonly locked?: ReadonlyArray<MetricName> }

/**
 * What add, replace and remove take. `destination` is a prefix ("10.2.0.0/16",
 * "2001:db8::/32", a bare address is a host route) or "default"; the family
 * follows it (for "default": `family`, else the gateway's, else IPv4).
 * Defaults as `ip route add`: table main (local for local/broadcast/anycast/nat
 * routes), protocol boot, type unicast, scope link for a unicast route without
 * a gateway, host for local routes, universe otherwise. `remove` sends what
 * `ip route del` does: only what is given, protocol and type unset, scope
 * nowhere for IPv4 unicast.
 *
 * @example
 * ```ts
 * const o: Route.Options = { destination: "10.3.0.0/16", dev: "eth0", table: 1000, metric: 50, protocol: "static" }
 * ```
 * @since 0.1.0
 */
export interface Options {
  readonly destination: string
  readonly family?: "inet" | "inet6"
  readonly gateway?: string
  readonly dev?: LinkRef
  readonly table?: Table
  /** RTA_PRIORITY. */
  readonly metric?: number
  readonly protocol?: Protocol
  readonly scope?: Scope
  readonly type?: Type
  /** RTA_PREFSRC: the preferred source address (ip's `src`). */
  readonly source?: string
  readonly nexthops?: ReadonlyArray<Nexthop>
  /** Shorthand for `metrics.mtu`. */
  readonly mtu?: number
  /** Shorthand for `metrics.advmss`. */
  readonly advmss?: number
  readonly metrics?: Metrics
  /** RTNH_F_ONLINK: the gateway is on the link even without a matching prefix. */
  readonly onlink?: boolean
  /** RTA_PREF: IPv6 router preference. */
  readonly pref?: "low" | "medium" | "high" | number
  /** RTA_NH_ID: use a nexthop object (`ip nexthop add id N ...`) instead of a gateway. */
  readonly nexthopId?: number
  /** rtm_tos: the TOS (IPv4 DSCP) the route matches. */
  readonly tos?: number
}

/**
 * What `get` takes besides the destination: `from` (RTA_SRC; an address),
 * `iif` (RTA_IIF, simulates a packet arriving there), `oif` (RTA_OIF),
 * `mark` (RTA_MARK), `uid` (RTA_UID), `fibMatch` (RTM_F_FIB_MATCH: return the
 * matching FIB entry rather than the resolved route).
 *
 * @example
 * ```ts
 * const o: Route.GetOptions = { from: "10.1.2.3", iif: "eth0", mark: 5 }
 * ```
 * @since 0.1.0
 */
export interface GetOptions {
  readonly from?: string
  readonly iif?: LinkRef
  readonly oif?: LinkRef
  readonly mark?: number
  readonly uid?: number
  readonly fibMatch?: boolean
}

/**
 * Which routes `list` and `stream` return. `table` (default "main", as `ip
 * route show`; "all" for every table), `protocol`, `type`, `dev`/`oif` and
 * `family` are applied by the kernel (strict dump request); `scope` is
 * applied here, as routes arrive. A table that does not exist lists as empty.
 *
 * @example
 * ```ts
 * const f: Route.Filter = { table: "all", family: "inet6", protocol: "kernel" }
 * ```
 * @since 0.1.0
 */
export interface Filter {
  readonly table?: Table | "all"
  readonly protocol?: Protocol
  readonly dev?: LinkRef
  readonly oif?: LinkRef
  readonly family?: "inet" | "inet6"
  readonly type?: Type
  readonly scope?: Scope
}

// ---------------------------------------------------------------------------
// prefixes

interface Prefix {
  readonly family: number
  readonly address: string
  readonly length: number
  /** "default": no RTA_DST. */
  readonly any: boolean
}

/** "a.b.c.d/len", "x::y/len" or a bare address (host prefix). */
const parsePrefix = (s: string): Prefix | undefined => {
  const slash = s.indexOf("/")
  const address = slash < 0 ? s : s.slice(0, slash)
  const v6 = address.includes(":")
  if ((v6 ? parseIPv6(address) : parseIPv4(address)) === undefined) return undefined
  const max = v6 ? 128 : 32
  let length = max
  if (slash >= 0) {
    const text = s.slice(slash + 1)
    if (!/^\d{1,3}$/.test(text)) return undefined
    length = Number(text)
    if (length > max) return undefined
  }
  return { family: v6 ? AF_INET6 : AF_INET, address, length, any: false }
}

const prefixError = (s: string): string => {
  const slash = s.indexOf("/")
  const address = slash < 0 ? s : s.slice(0, slash)
  const v6 = address.includes(":")
  if ((v6 ? parseIPv6(address) : parseIPv4(address)) === undefined)
    return `"${address}" is not an IP address (or "default")`
  return `"${s.slice(slash + 1)}" is not a prefix length for ${v6 ? "IPv6 (0..128)" : "IPv4 (0..32)"}`
}

const DestinationInput = Schema.String.check(
  Schema.makeFilter((s: string) => s === "default" || parsePrefix(s) !== undefined || prefixError(s), {
    expected: 'a prefix like 10.2.0.0/16 or "default"'
  })
)
const PrefixInput = Schema.String.check(
  Schema.makeFilter((s: string) => parsePrefix(s) !== undefined || prefixError(s), {
    expected: "an IP address with an optional prefix length"
  })
)

const familyOfAddress = (a: string): number => (a.includes(":") ? AF_INET6 : AF_INET)

// ---------------------------------------------------------------------------
// input schemas (field names are the user's, for Validation paths)

const DevRef = Schema.Union([Schema.String, Schema.Number])
const names = <T extends object>(t: T) => Object.keys(t) as Array<keyof T & string>
const TableInput = Schema.Union([
  Schema.Literals(["main", "local", "default"]),
  P.intBetween(P.U32, 1, 0xffffffff)
])
const ProtocolInput = Schema.Union([Schema.Literals(names(RtProtocol)), P.U8])
// "global" is ip's name for universe
const ScopeInput = Schema.Union([Schema.Literals([...names(RtScope), "global"]), P.U8])
const TypeInput = Schema.Union([Schema.Literals(names(RtType)), P.U8])
const FamilyInput = Schema.Literals(["inet", "inet6"])
const METRIC_NAMES = names(Rtax)
  .filter((k) => k !== "unspec" && k !== "lock")
  .map((k) => k as MetricName)

const NexthopSchema = Schema.Struct({
  gateway: Schema.optionalKey(P.InetAddress),
  dev: Schema.optionalKey(DevRef),
  weight: Schema.optionalKey(P.intBetween(P.U32, 1, 256)),
  onlink: Schema.optionalKey(Schema.Boolean)
})

const MetricsSchema = Schema.Struct({
  mtu: Schema.optionalKey(P.U32),
  window: Schema.optionalKey(P.U32),
  rtt: Schema.optionalKey(P.U32),
  rttvar: Schema.optionalKey(P.U32),
  ssthresh: Schema.optionalKey(P.U32),
  cwnd: Schema.optionalKey(P.U32),
  advmss: Schema.optionalKey(P.U32),
  reordering: Schema.optionalKey(P.U32),
  hoplimit: Schema.optionalKey(P.intBetween(P.U32, 0, 255)),
  initcwnd: Schema.optionalKey(P.U32),
  features: Schema.optionalKey(P.U32),
  rtoMin: Schema.optionalKey(P.U32),
  initrwnd: Schema.optionalKey(P.U32),
  quickack: Schema.optionalKey(P.intBetween(P.U32, 0, 1)),
  ccAlgo: Schema.optionalKey(P.stringMaxBytes(15, 1)),
  fastopenNoCookie: Schema.optionalKey(P.intBetween(P.U32, 0, 1)),
  locked: Schema.optionalKey(Schema.Array(Schema.Literals(METRIC_NAMES)))
})

const OptionsSchema = Schema.Struct({
  destination: DestinationInput,
  family: Schema.optionalKey(FamilyInput),
  gateway: Schema.optionalKey(P.InetAddress),
  dev: Schema.optionalKey(DevRef),
  table: Schema.optionalKey(TableInput),
  metric: Schema.optionalKey(P.U32),
  protocol: Schema.optionalKey(ProtocolInput),
  scope: Schema.optionalKey(ScopeInput),
  type: Schema.optionalKey(TypeInput),
  source: Schema.optionalKey(P.InetAddress),
  nexthops: Schema.optionalKey(Schema.Array(NexthopSchema)),
  mtu: Schema.optionalKey(P.U32),
  advmss: Schema.optionalKey(P.U32),
  metrics: Schema.optionalKey(MetricsSchema),
  onlink: Schema.optionalKey(Schema.Boolean),
  pref: Schema.optionalKey(Schema.Union([Schema.Literals(["low", "medium", "high"]), P.U8])),
  nexthopId: Schema.optionalKey(P.intBetween(P.U32, 1, 0xffffffff)),
  tos: Schema.optionalKey(P.U8)
})

const GetOptionsSchema = Schema.Struct({
  from: Schema.optionalKey(PrefixInput),
  iif: Schema.optionalKey(DevRef),
  oif: Schema.optionalKey(DevRef),
  mark: Schema.optionalKey(P.U32),
  uid: Schema.optionalKey(P.U32),
  fibMatch: Schema.optionalKey(Schema.Boolean)
})

const FilterSchema = Schema.Struct({
  table: Schema.optionalKey(Schema.Union([Schema.Literal("all"), TableInput])),
  protocol: Schema.optionalKey(ProtocolInput),
  dev: Schema.optionalKey(DevRef),
  oif: Schema.optionalKey(DevRef),
  family: Schema.optionalKey(FamilyInput),
  type: Schema.optionalKey(TypeInput),
  scope: Schema.optionalKey(ScopeInput)
})

const RTM_NEWROUTE = RouteMessageTypes.RTM_NEWROUTE
const RTM_DELROUTE = RouteMessageTypes.RTM_DELROUTE
const RTM_GETROUTE = RouteMessageTypes.RTM_GETROUTE

const tableValue = (t: Table): number => (typeof t === "number" ? t : RtTable[t])
const typeValue = (t: Type): number => (typeof t === "number" ? t : RtType[t])
const protocolValue = (p: Protocol): number => (typeof p === "number" ? p : RtProtocol[p])
const scopeValue = (s: Scope): number =>
  typeof s === "number" ? s : s === "global" ? RtScope.universe : RtScope[s]
const prefValue = (p: NonNullable<Options["pref"]>): number =>
  typeof p === "number" ? p : p === "low" ? RtPref.low : p === "high" ? RtPref.high : RtPref.medium

/** The destination as a prefix; "default" takes the route's family. */
const destinationOf = (o: Options): Prefix => {
  if (o.destination !== "default") return parsePrefix(o.destination)!
  const family =
    o.family !== undefined
      ? o.family === "inet6"
        ? AF_INET6
        : AF_INET
      : o.gateway !== undefined
        ? familyOfAddress(o.gateway)
        : o.nexthops?.find((n) => n.gateway !== undefined)?.gateway !== undefined
          ? familyOfAddress(o.nexthops.find((n) => n.gateway !== undefined)!.gateway!)
          : o.source !== undefined
            ? familyOfAddress(o.source)
            : AF_INET
  return { family, address: family === AF_INET6 ? "::" : "0.0.0.0", length: 0, any: true }
}

const familyText = (f: number) => (f === AF_INET6 ? "IPv6" : "IPv4")

/** What one field's schema cannot check. Returns the Validation error or undefined. */
const crossCheck = (o: Options): NetlinkError | undefined => {
  const dst = destinationOf(o)
  if (o.family !== undefined && (o.family === "inet6" ? AF_INET6 : AF_INET) !== dst.family)
    return invalid("family", `"${o.destination}" is not an ${o.family} destination`)
  if (o.source !== undefined && familyOfAddress(o.source) !== dst.family)
    return invalid("source", `"${o.source}" is not an ${familyText(dst.family)} address`)
  if (o.gateway !== undefined && o.nexthops !== undefined)
    return invalid("gateway", "give either gateway or nexthops (each nexthop has its own gateway)")
  if (o.nexthopId !== undefined && (o.gateway !== undefined || o.nexthops !== undefined))
    return invalid("nexthopId", "a route using a nexthop object takes no gateway or nexthops")
  if (o.nexthops !== undefined && o.nexthops.length === 0)
    return invalid("nexthops", "a multipath route needs at least one nexthop")
  const m = o.metrics
  if (m?.mtu !== undefined && o.mtu !== undefined && m.mtu !== o.mtu)
    return invalid("mtu", `mtu ${o.mtu} disagrees with metrics.mtu ${m.mtu}`)
  if (m?.advmss !== undefined && o.advmss !== undefined && m.advmss !== o.advmss)
    return invalid("advmss", `advmss ${o.advmss} disagrees with metrics.advmss ${m.advmss}`)
  return undefined
}

/** Gateway of the route's family → RTA_GATEWAY; of the other family → RTA_VIA (rtvia: u16 family, address). */
const gatewayFields = (gateway: string, family: number): { gateway?: string; via?: Uint8Array } => {
  const gf = familyOfAddress(gateway)
  if (gf === family) return { gateway }
  const bytes = gf === AF_INET6 ? parseIPv6(gateway)! : parseIPv4(gateway)!
  const via = new Uint8Array(2 + bytes.length)
  new DataView(via.buffer).setUint16(0, gf, true)
  via.set(bytes, 2)
  return { via }
}

const metricsOf = (o: Options): MetricsAttrs | undefined => {
  const { locked, ...values } = o.metrics ?? {}
  const m: { -readonly [K in keyof MetricsAttrs]: MetricsAttrs[K] } = { ...values }
  if (o.mtu !== undefined) m.mtu = o.mtu
  if (o.advmss !== undefined) m.advmss = o.advmss
  if (locked !== undefined && locked.length > 0) {
    let lock = 0
    for (const k of locked) lock |= 1 << Rtax[k]
    m.lock = lock
  }
  return Object.keys(m).length === 0 ? undefined : m
}

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The route message `add`/`replace` (command "add") or `remove` (command
 * "remove") send for validated `options`, with devices resolved: `oif` for
 * `dev`, `nexthopIndexes[i]` for `nexthops[i].dev`. Built as `ip route`
 * builds it: tables above 255 in RTA_TABLE with rtm_table 0, multipath as
 * RTA_MULTIPATH records, metrics in RTA_METRICS.
 *
 * @example
 * ```ts
 * Route.toMessage({ destination: "10.2.0.0/16", gateway: "10.1.2.1" }) // { family: 2, dstLen: 16, tableId: 254, protocol: 3, type: 1, ... }
 * ```
 * @since 0.1.0
 */
export const toMessage = (
  options: Options,
  oif?: number,
  nexthopIndexes: ReadonlyArray<number | undefined> = [],
  command: "add" | "remove" = "add"
): RouteMessage => {
  const add = command === "add"
  const dst = destinationOf(options)
  const family = dst.family
  const type = options.type !== undefined ? typeValue(options.type) : add ? RtType.unicast : RtType.unspec
  const table =
    options.table !== undefined
      ? tableValue(options.table)
      : type === RtType.local || type === RtType.broadcast || type === RtType.nat || type === RtType.anycast
        ? RtTable.local
        : RtTable.main
  let scope: number
  if (options.scope !== undefined) scope = scopeValue(options.scope)
  else if (family === AF_INET6) scope = RtScope.universe
  else if (type === RtType.local || type === RtType.nat) scope = RtScope.host
  else if (type === RtType.broadcast || type === RtType.multicast || type === RtType.anycast)
    scope = RtScope.link
  else if (type === RtType.unicast || type === RtType.unspec)
    scope = !add
      ? RtScope.nowhere
      : options.gateway === undefined && options.nexthops === undefined && options.nexthopId === undefined
        ? RtScope.link
        : RtScope.universe
  else scope = add ? RtScope.universe : RtScope.nowhere
  const m: { -readonly [K in keyof RouteMessage]: RouteMessage[K] } = {
    family,
    dstLen: dst.length,
    srcLen: 0,
    tos: options.tos ?? 0,
    tableId: table < 256 ? table : RtTable.unspec,
    protocol: options.protocol !== undefined ? protocolValue(options.protocol) : add ? RtProtocol.boot : 0,
    scope,
    type,
    flags: options.onlink === true ? RtnhFlags.onlink : 0
  }
  if (!dst.any) m.dst = dst.address
  if (table >= 256) m.table = table
  if (options.gateway !== undefined) Object.assign(m, gatewayFields(options.gateway, family))
  if (oif !== undefined) m.oif = oif
  if (options.metric !== undefined) m.priority = options.metric
  if (options.source !== undefined) m.prefsrc = options.source
  const metrics = metricsOf(options)
  if (metrics !== undefined) m.metrics = metrics
  if (options.pref !== undefined) m.pref = prefValue(options.pref)
  if (options.nexthopId !== undefined) m.nhId = options.nexthopId
  if (options.nexthops !== undefined) {
    m.multipath = options.nexthops.map((nh, i) => ({
      flags: nh.onlink === true ? RtnhFlags.onlink : 0,
      hops: nh.weight === undefined ? 0 : nh.weight - 1,
      ifindex: nexthopIndexes[i] ?? 0,
      ...(nh.gateway !== undefined ? gatewayFields(nh.gateway, family) : {})
    }))
  }
  return m
}

const build = (type: number, flags: number, m: RouteMessage): Uint8Array =>
  buildMessage(type, flags, (w) => encodeRouteMessage(w, m))

/**
 * RTM_NEWROUTE with NLM_F_CREATE|NLM_F_EXCL, as `ip route add` sends.
 *
 * @example
 * ```ts
 * const bytes = Route.addRequest({ destination: "10.3.0.0/16", dev: "d0", table: 1000 }, 3)
 * ```
 * @since 0.1.0
 */
export const addRequest = (
  options: Options,
  oif?: number,
  nexthopIndexes?: ReadonlyArray<number | undefined>
): Uint8Array => build(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, toMessage(options, oif, nexthopIndexes))

/**
 * RTM_NEWROUTE with NLM_F_CREATE|NLM_F_REPLACE, as `ip route replace` sends.
 *
 * @example
 * ```ts
 * const bytes = Route.replaceRequest({ destination: "10.2.0.0/16", gateway: "10.1.2.1" })
 * ```
 * @since 0.1.0
 */
export const replaceRequest = (
  options: Options,
  oif?: number,
  nexthopIndexes?: ReadonlyArray<number | undefined>
): Uint8Array => build(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, toMessage(options, oif, nexthopIndexes))

/**
 * RTM_DELROUTE, as `ip route del` sends.
 *
 * @example
 * ```ts
 * const bytes = Route.removeRequest({ destination: "10.2.0.0/16", gateway: "10.1.2.1" })
 * ```
 * @since 0.1.0
 */
export const removeRequest = (
  options: Options,
  oif?: number,
  nexthopIndexes?: ReadonlyArray<number | undefined>
): Uint8Array => build(RTM_DELROUTE, 0, toMessage(options, oif, nexthopIndexes, "remove"))

/**
 * RTM_GETROUTE for a lookup, as `ip route get` sends it: RTA_DST with a full
 * length, RTM_F_LOOKUP_TABLE for IPv4 (the kernel then reports the table),
 * RTM_F_FIB_MATCH for `fibMatch`; `iif`/`oif` are resolved indexes.
 *
 * @example
 * ```ts
 * const bytes = Route.getRequest("10.2.3.4", { from: "10.1.2.3", mark: 5 }, { iif: 3 })
 * ```
 * @since 0.1.0
 */
export const getRequest = (
  destination: string,
  options: Omit<GetOptions, "iif" | "oif"> = {},
  indexes: { readonly iif?: number; readonly oif?: number } = {}
): Uint8Array => {
  const dst = parsePrefix(destination)!
  const from = options.from === undefined ? undefined : parsePrefix(options.from)!
  let flags = dst.family === AF_INET ? RtmFlags.lookupTable : 0
  if (options.fibMatch === true) flags |= RtmFlags.fibMatch
  const m: { -readonly [K in keyof RouteMessage]: RouteMessage[K] } = {
    family: dst.family,
    dstLen: dst.family === AF_INET6 ? 128 : 32,
    srcLen: from?.length ?? 0,
    tos: 0,
    tableId: 0,
    protocol: 0,
    scope: 0,
    type: 0,
    flags,
    dst: dst.address
  }
  if (from !== undefined) m.src = from.address
  if (indexes.iif !== undefined) m.iif = indexes.iif
  if (indexes.oif !== undefined) m.oif = indexes.oif
  if (options.mark !== undefined) m.mark = options.mark
  if (options.uid !== undefined) m.uid = options.uid
  return build(RTM_GETROUTE, 0, m)
}

/**
 * The strict-check dump request: family, protocol and type in the header,
 * the table in RTA_TABLE (as ip sends it; 0 for every table) and the output
 * device in RTA_OIF. The kernel rejects a non-zero scope in a strict dump
 * request, so the scope is filtered client-side.
 *
 * @example
 * ```ts
 * const bytes = Route.listRequest({ family: "inet", table: 1000, protocol: "static" }, 3)
 * ```
 * @since 0.1.0
 */
export const listRequest = (filter: Omit<Filter, "dev" | "oif" | "scope">, oif?: number): Uint8Array => {
  const table = filter.table === "all" ? 0 : tableValue(filter.table ?? "main")
  return build(RTM_GETROUTE, NLM_F_DUMP, {
    family: filter.family === "inet" ? AF_INET : filter.family === "inet6" ? AF_INET6 : AF_UNSPEC,
    dstLen: 0,
    srcLen: 0,
    tos: 0,
    tableId: 0,
    protocol: filter.protocol === undefined ? 0 : protocolValue(filter.protocol),
    scope: 0,
    type: filter.type === undefined ? 0 : typeValue(filter.type),
    flags: 0,
    ...(table !== 0 ? { table } : {}),
    ...(oif !== undefined ? { oif } : {})
  })
}

// ---------------------------------------------------------------------------
// operations

const requestOptions = (operation: string) => ({
  headerLength: RouteMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(RouteMessageMeta, t),
  operation
})

/** Validated input, devices resolved (the message is re-checked only in debug mode, see `checkBuilt`). */
const prepare = (input: Options, command: "add" | "remove") =>
  Effect.gen(function* () {
    const valid = (yield* validate(OptionsSchema, input)) as Options
    const bad = crossCheck(valid)
    if (bad !== undefined) return yield* Effect.fail(bad)
    const oif = valid.dev === undefined ? undefined : yield* linkIndex(valid.dev, "dev")
    const indexes: Array<number | undefined> = []
    for (const [i, nh] of (valid.nexthops ?? []).entries())
      indexes.push(nh.dev === undefined ? undefined : yield* linkIndex(nh.dev, `nexthops[${i}].dev`))
    return yield* checkBuilt(RouteMessage, toMessage(valid, oif, indexes, command))
  })

const send = (type: number, flags: number, m: RouteMessage, operation: string) =>
  Effect.gen(function* () {
    const { route } = yield* Netlink
    yield* route.request(build(type, flags, m), requestOptions(operation))
  })

/**
 * Adds a route, like `ip route add`; fails with EEXIST if the table has it.
 *
 * @example
 * ```ts
 * yield* Route.add({ destination: "10.2.0.0/16", gateway: "10.0.0.1" })
 * yield* Route.add({ destination: "10.5.0.0/16", type: "blackhole" })
 * yield* Route.add({ destination: "2001:db8:1::/48", gateway: "2001:db8::2", metrics: { mtu: 1400 } })
 * ```
 * @since 0.1.0
 */
export const add = operation("Route.add", function* (options: Options) {
  const m = yield* prepare(options, "add")
  yield* send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, m, "route add")
})

/**
 * Adds a route or replaces the one with the same destination, table, tos and
 * metric (IPv4), like `ip route replace`.
 *
 * @example
 * ```ts
 * yield* Route.replace({ destination: "10.2.0.0/16", gateway: "10.0.0.2" })
 * ```
 * @since 0.1.0
 */
export const replace = operation("Route.replace", function* (options: Options) {
  const m = yield* prepare(options, "add")
  yield* send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, m, "route replace")
})

/**
 * Removes a route, like `ip route del`: what is given (gateway, dev, metric,
 * table, protocol, type) must match; fails with ESRCH if nothing does.
 *
 * @example
 * ```ts
 * yield* Route.remove({ destination: "10.2.0.0/16" })
 * ```
 * @since 0.1.0
 */
export const remove = operation("Route.remove", function* (options: Options) {
  const m = yield* prepare(options, "remove")
  yield* send(RTM_DELROUTE, 0, m, "route remove")
})

/**
 * Alias of {@link remove}, as `ip route del`.
 *
 * @example
 * ```ts
 * yield* Route.del({ destination: "10.2.0.0/16", table: 1000 })
 * ```
 * @since 0.1.0
 */
export const del = remove

/**
 * Asks the kernel which route it would use for `destination`, like `ip route
 * get`; the answer is a route (RTM_NEWROUTE) with the table, output device,
 * gateway and preferred source filled in. Fails with the kernel's errno when
 * there is no route (ENETUNREACH, EHOSTUNREACH, ...).
 *
 * @example
 * ```ts
 * const r = yield* Route.get("10.2.3.4", { from: "10.1.2.3", iif: "eth0", mark: 5 })
 * r.oif
 * ```
 * @since 0.1.0
 */
export const get = operation("Route.get", function* (destination: string, options?: GetOptions) {
  const dst = yield* validate(PrefixInput, destination, "destination")
  const p = parsePrefix(dst)!
  if (p.length !== (p.family === AF_INET6 ? 128 : 32))
    return yield* Effect.fail(invalid("destination", `route get takes an address, not the prefix "${dst}"`))
  const o = yield* validate(GetOptionsSchema, options ?? {})
  if (o.from !== undefined && familyOfAddress(o.from) !== p.family)
    return yield* Effect.fail(invalid("from", `"${o.from}" is not an ${familyText(p.family)} address`))
  const iif = o.iif === undefined ? undefined : yield* linkIndex(o.iif, "iif")
  const oif = o.oif === undefined ? undefined : yield* linkIndex(o.oif, "oif")
  const { route } = yield* Netlink
  return yield* route.requestReply(
    getRequest(dst, o, { iif, oif }),
    (buf, view, start, end, type) =>
      type === RTM_NEWROUTE ? decodeRouteMessage(buf, view, start + 16, end) : undefined,
    requestOptions("route get")
  )
})

interface Plan {
  readonly request: Uint8Array
  readonly decode: (
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    type: number
  ) => Route | undefined
  /** A table was asked for: the kernel's "FIB table does not exist" means no routes. */
  readonly table: boolean
}

const plan = (input: Filter | undefined): Effect.Effect<Plan, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const filter = yield* validate(FilterSchema, input ?? {}, "")
    if (filter.dev !== undefined && filter.oif !== undefined)
      return yield* Effect.fail(invalid("oif", "give either dev or oif"))
    const dev = filter.dev ?? filter.oif
    const oif =
      dev === undefined ? undefined : yield* linkIndex(dev, filter.dev !== undefined ? "dev" : "oif")
    const request = listRequest(filter, oif)
    const scope = filter.scope === undefined ? undefined : scopeValue(filter.scope)
    // The hot path: the generated decoder, nothing else; the scope (rtmsg offset 6
    // after the 16-byte nlmsghdr) is checked before decoding.
    const decode =
      scope === undefined
        ? (buf: Uint8Array, view: DataView, start: number, end: number, type: number) =>
            type === RTM_NEWROUTE ? decodeRouteMessage(buf, view, start + 16, end) : undefined
        : (buf: Uint8Array, view: DataView, start: number, end: number, type: number) =>
            type === RTM_NEWROUTE && view.getUint8(start + 22) === scope
              ? decodeRouteMessage(buf, view, start + 16, end)
              : undefined
    return { request, decode, table: filter.table !== "all" }
  })

const isMissingTable = (e: NetlinkError): boolean => e.reason._tag === "Kernel" && e.reason.code === "ENOENT"

/**
 * The routes, like `ip route show [table T] [proto P] [type T] [dev D] [scope S]`
 * (both families unless `family` is given; `ip -4`/`ip -6` as `family`).
 *
 * @example
 * ```ts
 * const main = yield* Route.list()
 * const every = yield* Route.list({ table: "all" })
 * const static6 = yield* Route.list({ family: "inet6", protocol: "static" })
 * ```
 * @since 0.1.0
 */
export const list = operation("Route.list", function* (filter?: Filter) {
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, p.decode, requestOptions("route list")).pipe(
    Effect.catchIf(
      (e) => p.table && isMissingTable(e),
      () => Effect.succeed([] as ReadonlyArray<Route>)
    )
  )
})

/**
 * Like {@link list}, as a stream: routes are decoded as the consumer pulls,
 * one chunk per datagram, so a million routes never sit in memory at once.
 *
 * @example
 * ```ts
 * const n = yield* Stream.runCount(Route.stream({ table: "all", family: "inet" }))
 * ```
 * @since 0.1.0
 */
export const stream = (filter?: Filter): Stream.Stream<Route, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const { route } = yield* Netlink
      return route.dump(p.request, p.decode, requestOptions("route list")).pipe(
        Stream.catchIf(
          (e) => p.table && isMissingTable(e),
          () => Stream.empty
        )
      )
    })
  )
