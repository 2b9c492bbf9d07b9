/**
 * Routes (IPv4 and IPv6), as `ip route` manages them: list, stream, add,
 * replace, remove, and `get` (the kernel's route lookup), all on one shape,
 * {@link Route}: what `list` returns, `add` accepts and `remove` removes
 * exactly. Requests carry what `ip route add` / `ip route del` / `ip route
 * get` send for the same configuration; dumps are filtered by the kernel where
 * it can (table, protocol, type, output device) and decoded straight into
 * routes, with devices and kernel numbers by name.
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
 *   const routes = yield* Route.list({ table: "all", protocol: "static" })
 *   // { family: "inet", destination: "10.2.0.0/16", table: "main", protocol: "boot", scope: "global",
 *   //   type: "unicast", dev: "eth0", gateway: "10.0.0.1", metric: 100, tos: 0, ... }
 *   for (const r of routes) yield* Route.remove(r)
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  decodeMetricsAttrs,
  decodeRouteMessage,
  encodeRouteMessage,
  type MetricsAttrs,
  type RtaCacheinfo,
  RouteMessage,
  RouteMessageHeaderSize,
  RouteMessageMeta,
  RouteMessageTypes,
  RtmFlags,
  RtaCacheinfoOffsets as CI,
  RtaCacheinfoSize,
  RtmsgOffsets,
  RtmsgSize,
  RtnexthopOffsets as NH,
  RtnexthopSize,
  RtnhFlags,
  RtPref,
  RtProtocol,
  RtScope,
  RtTable,
  RtType,
  Rtax
} from "../generated/rt-route/index.ts"
import { describePath, type PathContext } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { DecodeFailure, ipToString, parseIPv4, parseIPv6 } from "../runtime/Wire.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  checkBuilt,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  operation,
  validate
} from "./internal/Common.ts"
import { familyOfAddress, type Prefix, parsePrefix, prefixError } from "./internal/Inet.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { type LinkNames, type LinkRef, linkIndex, linkNames, linkNamesOf } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import * as Encap from "./nexthop/Encap.ts"

/**
 * Enum tables by name: route types, protocols, scopes, tables, RTM_F_* and
 * RTNH_F_* flags, RTAX_* metric numbers, IPv6 router preferences (for
 * {@link listRaw}'s messages, which keep the kernel's numbers).
 *
 * @example
 * ```ts
 * raw.type === Route.RtType.blackhole
 * ```
 * @since 0.1.0
 */
export { RtmFlags, RtnhFlags, RtPref, RtProtocol, RtScope, RtTable, RtType, Rtax }
/**
 * Reads `ip route add|del|replace` words into a {@link Route} (`parseGet`: `ip route get`'s).
 *
 * @example
 * ```ts
 * Route.parse("10.0.0.0/24 via 10.0.0.1 dev eth0 table 100")
 * // { destination: "10.0.0.0/24", gateway: "10.0.0.1", dev: "eth0", table: 100 }
 * ```
 * @since 0.3.0
 */
export { parse, parseGet } from "./parse/Route.ts"

// ---------------------------------------------------------------------------
// the shape

/**
 * An address family by ip's name: "inet" (IPv4) or "inet6" (IPv6); listed
 * routes of other families (MPLS, ...) carry the number.
 *
 * @example
 * ```ts
 * const f: Route.Family = "inet6"
 * ```
 * @since 0.2.0
 */
export type Family = "inet" | "inet6"

/**
 * A routing table: "main", "local", "default", a name from iproute2's
 * rt_tables, or a number (1..2^32-1). Listed routes name the table when it
 * has a name.
 *
 * @example
 * ```ts
 * const t: Route.Table = "main"
 * ```
 * @since 0.1.0
 */
export type Table = string | number

/**
 * A route type by the name `ip route add TYPE PREFIX` uses ("unicast",
 * "blackhole", "local", ...), or its number.
 *
 * @example
 * ```ts
 * const t: Route.Type = "blackhole"
 * ```
 * @since 0.1.0
 */
export type Type = string | number

/**
 * A route protocol (who installed it) by name ("kernel", "boot", "static",
 * names from rt_protos) or number.
 *
 * @example
 * ```ts
 * const p: Route.Protocol = "static"
 * ```
 * @since 0.1.0
 */
export type Protocol = string | number

/**
 * A scope by ip's name ("global" — "universe" is accepted too — "site",
 * "link", "host", "nowhere", names from rt_scopes) or number.
 *
 * @example
 * ```ts
 * const s: Route.Scope = "link"
 * ```
 * @since 0.1.0
 */
export type Scope = string | number

/**
 * A gateway of the other address family (RTA_VIA), as `ip route add
 * 10.0.0.0/24 via inet6 fe80::1 dev eth0` gives it: IPv4 routes over an IPv6
 * nexthop.
 *
 * @example
 * ```ts
 * const v: Route.Via = { family: "inet6", address: "fe80::1" }
 * ```
 * @since 0.2.0
 */
export interface Via {
  readonly family: Family | number
  readonly address: string
}

/**
 * One nexthop of a multipath route (`nexthop via GW dev DEV weight W onlink`).
 * `weight` is 1..256 (sent as rtnh_hops = weight - 1; listed routes carry
 * it). `via` is a gateway of the other family (RTA_VIA).
 *
 * @example
 * ```ts
 * const nh: Route.Nexthop = { gateway: "10.0.0.1", dev: "eth0", weight: 2 }
 * ```
 * @since 0.1.0
 */
export interface Nexthop {
  readonly gateway?: string | undefined
  readonly via?: Via | undefined
  readonly dev?: LinkRef | undefined
  readonly weight?: number | undefined
  readonly onlink?: boolean | undefined
  /** RTA_FLOW: routing realms (source realm in the high 16 bits). */
  readonly realms?: number | undefined
  /** RTA_ENCAP_TYPE + RTA_ENCAP of this nexthop (`encap mpls ...`). */
  readonly encap?: Encap.Encap | undefined
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
export type Metrics = Omit<MetricsAttrs, "lock" | "unknown"> & {
  readonly locked?: ReadonlyArray<MetricName> | undefined
}

/**
 * What the kernel reports about a route by itself: flags it derives
 * (`linkdown`, `dead`, `offload`, ...), per-nexthop flags, the cache
 * information and remaining lifetime of IPv6 routes, what a nexthop object
 * resolves to, and for `get` answers the lookup's input device, mark and uid.
 * Equality ignores it; `add`/`remove` accept and ignore it.
 *
 * @example
 * ```ts
 * route.status?.flags?.includes("linkdown")
 * ```
 * @since 0.2.0
 */
export interface Status {
  readonly flags?: ReadonlyArray<string | number> | undefined
  readonly nexthopFlags?: ReadonlyArray<ReadonlyArray<string | number>> | undefined
  readonly cacheinfo?: RtaCacheinfo | undefined
  /** A route using a nexthop object (`nexthopId`): the gateway, device and nexthops it resolves to. */
  readonly resolved?:
    | {
        readonly gateway?: string | undefined
        readonly via?: Via | undefined
        readonly dev?: LinkRef | undefined
        readonly nexthops?: ReadonlyArray<Nexthop> | undefined
      }
    | undefined
  /** `get` answers: the input device, firewall mark and uid of the lookup. */
  readonly iif?: LinkRef | undefined
  readonly mark?: number | undefined
  readonly uid?: number | undefined
}

/**
 * A route, as `list`/`get`/`stream` return it and `add`/`replace`/`remove`
 * take it (`Route.Options` is the same type).
 *
 * - `destination`: a prefix ("10.2.0.0/16", "2001:db8::/32"; a bare address
 *   is a host route) or "default"; `family` follows it (for "default":
 *   `family`, else the gateway's, else IPv4). `source` is RTA_SRC, a source
 *   prefix (IPv6 source-specific routes); `prefsrc` is ip's `src`.
 * - `gateway` is of the route's own family (RTA_GATEWAY). A gateway of the
 *   other family is refused: as with ip, it must be asked for explicitly as
 *   `via: { family: "inet6", address: "fe80::1" }` (RTA_VIA, ip's `via inet6
 *   fe80::1`).
 * - Defaults as `ip route add`: table main (local for local, broadcast,
 *   anycast and nat routes), protocol boot, type unicast, scope link for a
 *   unicast IPv4 route without a gateway, host for local routes, global
 *   otherwise; IPv6 routes get metric 1024 and pref medium from the kernel.
 *   {@link canonical} fills them in, so a route read back `equals` what was
 *   written.
 * - `remove` sends only what is given (as `ip route del`): a listed route
 *   removes exactly itself.
 * - `status` is what the kernel reports by itself; accepted and ignored.
 *
 * @example
 * ```ts
 * const r: Route.Route = {
 *   destination: "10.3.0.0/16",
 *   dev: "eth0",
 *   table: 1000,
 *   metric: 50,
 *   protocol: "static"
 * }
 * ```
 * @since 0.1.0
 */
export interface Route {
  readonly family?: Family | number | undefined
  readonly destination: string
  /** RTA_SRC: the source prefix the route applies to (IPv6). */
  readonly source?: string | undefined
  /** rtm_tos: the TOS (IPv4 DSCP) the route matches. */
  readonly tos?: number | undefined
  readonly table?: Table | undefined
  readonly protocol?: Protocol | undefined
  readonly scope?: Scope | undefined
  readonly type?: Type | undefined
  readonly dev?: LinkRef | undefined
  readonly gateway?: string | undefined
  readonly via?: Via | undefined
  /** RTA_PREFSRC: the preferred source address (ip's `src`). */
  readonly prefsrc?: string | undefined
  /** RTA_PRIORITY (ip's `metric`). */
  readonly metric?: number | undefined
  readonly metrics?: Metrics | undefined
  /** Shorthand for `metrics.mtu` (input only). */
  readonly mtu?: number | undefined
  /** Shorthand for `metrics.advmss` (input only). */
  readonly advmss?: number | undefined
  readonly nexthops?: ReadonlyArray<Nexthop> | undefined
  /** RTA_NH_ID: use a nexthop object (`ip nexthop add id N ...`) instead of a gateway. */
  readonly nexthopId?: number | undefined
  /** RTNH_F_ONLINK: the gateway is on the link even without a matching prefix. */
  readonly onlink?: boolean | undefined
  /** RTA_PREF: IPv6 router preference. */
  readonly pref?: "low" | "medium" | "high" | number | undefined
  /** RTA_FLOW: routing realms (source realm in the high 16 bits). */
  readonly realms?: number | undefined
  /** RTA_ENCAP_TYPE + RTA_ENCAP: lightweight-tunnel encapsulation (`encap mpls 100`, `encap ip ...`). */
  readonly encap?: Encap.Encap | undefined
  /**
   * RTA_EXPIRES: seconds until the kernel removes the route (ip's `expires`;
   * IPv6 routes, IPv4 ones on kernels that support it). Listed routes carry
   * the seconds that remain (routes from router advertisements too), so
   * `add(listed)` makes a route that expires when the listed one would;
   * equality ignores it, as it counts down.
   */
  readonly expires?: number | undefined
  readonly status?: Status | undefined
}

/**
 * What add, replace and remove take: a {@link Route}.
 *
 * @example
 * ```ts
 * const o: Route.Options = { destination: "10.3.0.0/16", dev: "eth0", table: 1000, metric: 50, protocol: "static" }
 * ```
 * @since 0.1.0
 */
export type Options = Route

/**
 * What `get` takes besides the destination: `from` (RTA_SRC; an address),
 * `iif` (RTA_IIF, simulates a packet arriving there), `oif` (RTA_OIF),
 * `mark` (RTA_MARK), `uid` (RTA_UID), `fibMatch` (RTM_F_FIB_MATCH: return the
 * matching FIB entry rather than the resolved route), `connected` (ip's
 * `connected`: without `from`, look the route up again from the preferred
 * source address the first lookup answered, as a connection from this host
 * would; with policy routing that may be another route).
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
  readonly connected?: boolean
}

/**
 * Which routes `list` and `stream` return. `table` (default "main", as `ip
 * route show`; "all" for every table), `protocol`, `type`, `dev`/`oif` and
 * `family` (default both) are applied by the kernel (strict dump request);
 * `scope` is applied here, as routes arrive. A table that does not exist
 * lists as empty.
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
  readonly family?: Family
  readonly type?: Type
  readonly scope?: Scope
}

// ---------------------------------------------------------------------------
// prefixes and addresses

/** A destination: a parsed prefix, or "default" (no RTA_DST). */
type Destination = Pick<Prefix, "family" | "address" | "length"> & { readonly any?: boolean }

const familyText = (f: number) => (f === AF_INET6 ? "IPv6" : "IPv4")
const familyNumber = (f: Family | number): number =>
  f === "inet" ? AF_INET : f === "inet6" ? AF_INET6 : (f as number)

/** An address as the kernel prints it back ("2001:0db8::0001" → "2001:db8::1"). */
const normalAddress = (a: string): string => {
  const b = a.includes(":") ? parseIPv6(a) : parseIPv4(a)
  return b === undefined ? a : ipToString(b, 0, b.length)
}

/** A prefix as listed: host bits cleared, "/len" always, "default" for length 0. */
const normalPrefix = (s: string): string => {
  if (s === "default") return s
  const p = parsePrefix(s)
  if (p === undefined) return s
  if (p.length === 0) return "default"
  const b = p.bytes
  for (let i = 0; i < b.length; i++) {
    const keep = Math.max(0, Math.min(8, p.length - i * 8))
    b[i] &= (0xff00 >> keep) & 0xff
  }
  return `${ipToString(b, 0, b.length)}/${p.length}`
}

// ---------------------------------------------------------------------------
// names

/** RTM_F_* and RTNH_F_* bits of rtm_flags by the names ip prints. */
const ROUTE_FLAGS: Readonly<Record<string, number>> = {
  dead: RtnhFlags.dead,
  pervasive: RtnhFlags.pervasive,
  onlink: RtnhFlags.onlink,
  offload: RtnhFlags.offload,
  linkdown: RtnhFlags.linkdown,
  unresolved: RtnhFlags.unresolved,
  trap: RtnhFlags.trap,
  notify: RtmFlags.notify,
  cloned: RtmFlags.cloned,
  equalize: RtmFlags.equalize,
  prefix: RtmFlags.prefix,
  lookup_table: RtmFlags.lookupTable,
  fib_match: RtmFlags.fibMatch,
  rt_offload: RtmFlags.offload,
  rt_trap: RtmFlags.trap,
  rt_offload_failed: RtmFlags.offloadFailed
}

const PREF_NAMES: ReadonlyArray<"medium" | "high" | number | "low"> = ["medium", "high", 2, "low"]

/** u8 enumerations named once per process (names are shared strings). */
interface U8Names {
  readonly protocol: ReadonlyArray<string | number>
  readonly scope: ReadonlyArray<string | number>
  readonly type: ReadonlyArray<string | number>
}
let u8Names: U8Names | undefined
const names8 = (): U8Names => {
  if (u8Names === undefined) {
    const all = (t: Names.NameTable) => Array.from({ length: 256 }, (_, i) => t.name(i))
    u8Names = { protocol: all(Names.protocol), scope: all(Names.scope), type: all(Names.routeType) }
  }
  return u8Names
}
const tableName = (n: number): string | number => (n === RtTable.main ? "main" : Names.table.name(n))

const tableValue = (t: Table): number => Names.table.number(t)!
const typeValue = (t: Type): number => Names.routeType.number(t)!
const protocolValue = (p: Protocol): number => Names.protocol.number(p)!
const scopeValue = (s: Scope): number => Names.scope.number(s)!
const prefValue = (p: NonNullable<Route["pref"]>): number =>
  typeof p === "number" ? p : p === "low" ? RtPref.low : p === "high" ? RtPref.high : RtPref.medium

// ---------------------------------------------------------------------------
// schemas (field names are the user's, for Validation paths)

const knownName = (table: Names.NameTable, what: string) =>
  Schema.String.check(
    Schema.makeFilter((s: string) => table.number(s) !== undefined || `"${s}" is not a ${what} name`, {
      expected: `a ${what} name`
    })
  )

const DestinationInput = Schema.String.check(
  Schema.makeFilter(
    (s: string) =>
      s === "default" || parsePrefix(s) !== undefined || prefixError(s, 'an IP address (or "default")'),
    {
      expected: 'a prefix like 10.2.0.0/16 or "default"'
    }
  )
)
const PrefixInput = Schema.String.check(
  Schema.makeFilter(
    (s: string) => parsePrefix(s) !== undefined || prefixError(s, 'an IP address (or "default")'),
    {
      expected: "an IP address with an optional prefix length"
    }
  )
)
const DevRef = Schema.Union([Schema.String, Schema.Number])
const TableInput = Schema.Union([knownName(Names.table, "table"), P.intBetween(P.U32, 1, 0xffffffff)])
const ProtocolInput = Schema.Union([knownName(Names.protocol, "protocol"), P.U8])
const ScopeInput = Schema.Union([knownName(Names.scope, "scope"), P.U8])
const TypeInput = Schema.Union([knownName(Names.routeType, "route type"), P.U8])
const FamilyInput = Schema.Literals(["inet", "inet6"])
const METRIC_NAMES = (Object.keys(Rtax) as Array<keyof typeof Rtax>)
  .filter((k) => k !== "unspec" && k !== "lock")
  .map((k) => k as MetricName)

const ViaSchema = Schema.Struct({ family: FamilyInput, address: P.InetAddress })
const opt = Schema.optional

const NexthopSchema = Schema.Struct({
  gateway: opt(P.InetAddress),
  via: opt(ViaSchema),
  dev: opt(DevRef),
  weight: opt(P.intBetween(P.U32, 1, 256)),
  onlink: opt(Schema.Boolean),
  realms: opt(P.U32),
  encap: opt(Encap.schema)
})

const MetricsSchema = Schema.Struct({
  mtu: opt(P.U32),
  window: opt(P.U32),
  rtt: opt(P.U32),
  rttvar: opt(P.U32),
  ssthresh: opt(P.U32),
  cwnd: opt(P.U32),
  advmss: opt(P.U32),
  reordering: opt(P.U32),
  hoplimit: opt(P.intBetween(P.U32, 0, 255)),
  initcwnd: opt(P.U32),
  features: opt(P.U32),
  rtoMin: opt(P.U32),
  initrwnd: opt(P.U32),
  quickack: opt(P.intBetween(P.U32, 0, 1)),
  ccAlgo: opt(P.stringMaxBytes(15, 1)),
  fastopenNoCookie: opt(P.intBetween(P.U32, 0, 1)),
  locked: opt(Schema.Array(Schema.Literals(METRIC_NAMES)))
})

const FlagList = Schema.Array(Schema.Union([Schema.String, Schema.Number]))
const StatusSchema = Schema.Struct({
  flags: opt(FlagList),
  nexthopFlags: opt(Schema.Array(FlagList)),
  cacheinfo: opt(Schema.Unknown),
  resolved: opt(Schema.Unknown),
  iif: opt(DevRef),
  mark: opt(Schema.Number),
  uid: opt(Schema.Number)
})

/**
 * The Schema of {@link Route}: what `add`/`replace`/`remove` validate
 * their input with (a Validation error names the field) and what JSON uses.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Route.schema)({ destination: "10.0.0.0/8", dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Route> = Schema.Struct({
  family: opt(Schema.Union([FamilyInput, P.U8])),
  destination: DestinationInput,
  source: opt(PrefixInput),
  tos: opt(P.U8),
  table: opt(TableInput),
  protocol: opt(ProtocolInput),
  scope: opt(ScopeInput),
  type: opt(TypeInput),
  dev: opt(DevRef),
  gateway: opt(P.InetAddress),
  via: opt(ViaSchema),
  prefsrc: opt(P.InetAddress),
  metric: opt(P.U32),
  metrics: opt(MetricsSchema),
  mtu: opt(P.U32),
  advmss: opt(P.U32),
  nexthops: opt(Schema.Array(NexthopSchema)),
  nexthopId: opt(P.intBetween(P.U32, 1, 0xffffffff)),
  onlink: opt(Schema.Boolean),
  pref: opt(Schema.Union([Schema.Literals(["low", "medium", "high"]), P.U8])),
  realms: opt(P.U32),
  encap: opt(Encap.schema),
  expires: opt(P.U32),
  status: opt(StatusSchema)
}) as unknown as Schema.Codec<Route>

const GetOptionsSchema = Schema.Struct({
  from: Schema.optionalKey(PrefixInput),
  iif: Schema.optionalKey(DevRef),
  oif: Schema.optionalKey(DevRef),
  mark: Schema.optionalKey(P.U32),
  uid: Schema.optionalKey(P.U32),
  fibMatch: Schema.optionalKey(Schema.Boolean),
  connected: Schema.optionalKey(Schema.Boolean)
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
// rtmsg scope from the start of the message, checked before decoding a listed route
const RTM_SCOPE = NLMSG_HDRLEN + RtmsgOffsets.scope

// ---------------------------------------------------------------------------
// families and defaults

/** The route's address family: `family`, else the destination's, else a gateway's or prefsrc's, else IPv4. */
const routeFamily = (o: Route): number => {
  if (o.family !== undefined) return typeof o.family === "number" ? o.family : familyNumber(o.family)
  if (o.destination !== "default") {
    const p = parsePrefix(o.destination)
    if (p !== undefined) return p.family
  }
  if (o.gateway !== undefined) return familyOfAddress(o.gateway)
  const nh = o.nexthops?.find((n) => n.gateway !== undefined)
  if (nh?.gateway !== undefined) return familyOfAddress(nh.gateway)
  if (o.prefsrc !== undefined) return familyOfAddress(o.prefsrc)
  if (o.source !== undefined) return familyOfAddress(o.source)
  return AF_INET
}

/** The destination as a prefix; "default" takes the route's family. */
const destinationOf = (o: Route): Destination => {
  if (o.destination !== "default") return parsePrefix(o.destination)!
  const family = routeFamily(o)
  return { family, address: family === AF_INET6 ? "::" : "0.0.0.0", length: 0, any: true }
}

const isLocalTable = (type: number) =>
  type === RtType.local || type === RtType.broadcast || type === RtType.nat || type === RtType.anycast

/** A via of the route's own family is a plain gateway (as ip sends `via inet 10.0.0.1` on an IPv4 route). */
const gatewayOf = (o: { gateway?: string | undefined; via?: Via | undefined }, family: number) =>
  o.gateway ?? (o.via !== undefined && familyNumber(o.via.family) === family ? o.via.address : undefined)
const viaOf = (o: { via?: Via | undefined }, family: number) =>
  o.via !== undefined && familyNumber(o.via.family) !== family ? o.via : undefined

/** The scope `ip route add` picks when none is given. */
const defaultScope = (o: Route, family: number, type: number): number => {
  if (family === AF_INET6) return RtScope.universe
  if (type === RtType.local || type === RtType.nat) return RtScope.host
  if (type === RtType.broadcast || type === RtType.multicast || type === RtType.anycast) return RtScope.link
  if (type === RtType.unicast || type === RtType.unspec)
    return o.gateway === undefined &&
      o.via === undefined &&
      o.nexthops === undefined &&
      o.nexthopId === undefined
      ? RtScope.link
      : RtScope.universe
  return RtScope.universe
}

/** IPv6 routes that carry no packets: the kernel puts them on lo whatever was asked. */
const isRejectType = (type: number) =>
  type === RtType.blackhole ||
  type === RtType.unreachable ||
  type === RtType.prohibit ||
  type === RtType.throw

// ---------------------------------------------------------------------------
// the model: canonical form, identity, equality

const metricsOf = (o: Route): MetricsAttrs | undefined => {
  const { locked, ...values } = o.metrics ?? {}
  const m: { -readonly [K in keyof MetricsAttrs]: MetricsAttrs[K] } = {}
  for (const [k, v] of Object.entries(values)) if (v !== undefined) (m as any)[k] = v
  if (o.mtu !== undefined) m.mtu = o.mtu
  if (o.advmss !== undefined) m.advmss = o.advmss
  if (locked !== undefined && locked.length > 0) {
    let lock = 0
    for (const k of locked) lock |= 1 << Rtax[k]
    m.lock = lock
  }
  return Object.keys(m).length === 0 ? undefined : m
}

const canonicalMetrics = (o: Route): Metrics | undefined => {
  const m = metricsOf(o)
  if (m === undefined) return undefined
  const { lock, unknown: _, ...values } = m
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(values).sort()) out[k] = (values as any)[k]
  if (lock !== undefined && lock !== 0) out.locked = METRIC_NAMES.filter((k) => (lock & (1 << Rtax[k])) !== 0)
  return out as Metrics
}

const canonicalVia = (v: Via | undefined): Via | undefined =>
  v === undefined
    ? undefined
    : { family: Names.family.name(familyNumber(v.family)) as Family, address: normalAddress(v.address) }

const canonicalNexthop = (nh: Nexthop, family: number): Nexthop => {
  const gateway = gatewayOf(nh, family)
  return {
    gateway: gateway === undefined ? undefined : normalAddress(gateway),
    via: canonicalVia(viaOf(nh, family)),
    dev: nh.dev,
    weight: nh.weight ?? 1,
    onlink: nh.onlink === true ? true : undefined,
    realms: nh.realms === 0 ? undefined : nh.realms,
    encap: nh.encap === undefined ? undefined : Encap.canonical(nh.encap)
  }
}

/**
 * The canonical form of a route: the defaults `ip route add` and the kernel
 * apply filled in (family, table, protocol boot, type unicast, scope, tos 0,
 * IPv6 metric 1024 and pref medium), names for numbers that have one,
 * addresses and prefixes as the kernel prints them, `mtu`/`advmss` folded
 * into `metrics`, a one-nexthop multipath route as the plain route the
 * kernel stores, and `status` dropped.
 *
 * @example
 * ```ts
 * Route.canonical({ destination: "10.0.0.0/8", dev: "eth0" })
 * // { family: "inet", destination: "10.0.0.0/8", tos: 0, table: "main", protocol: "boot", scope: "link", type: "unicast", dev: "eth0", metric: 0, ... }
 * ```
 * @since 0.2.0
 */
export const canonical = (r: Route): Route => {
  const family = routeFamily(r)
  const type = r.type === undefined ? RtType.unicast : (Names.routeType.number(r.type) ?? -1)
  const table =
    r.table === undefined ? (isLocalTable(type) ? RtTable.local : RtTable.main) : Names.table.number(r.table)
  let nexthops = r.nexthops
  let gateway = gatewayOf(r, family)
  let via = viaOf(r, family)
  let dev = r.dev
  let onlink = r.onlink === true
  let realms = r.realms
  let encap = r.encap
  // The kernel stores a one-nexthop multipath route as a plain route.
  if (nexthops !== undefined && nexthops.length === 1) {
    const nh = nexthops[0]!
    gateway = gatewayOf(nh, family)
    via = viaOf(nh, family)
    dev = nh.dev ?? dev
    onlink = nh.onlink === true
    realms = nh.realms ?? realms
    encap = nh.encap ?? encap
    nexthops = undefined
  }
  const usesObject = r.nexthopId !== undefined
  if (usesObject) {
    gateway = undefined
    via = undefined
    dev = undefined
    nexthops = undefined
  }
  if (family === AF_INET6 && isRejectType(type)) dev = undefined
  const scope =
    r.scope !== undefined
      ? Names.scope.number(r.scope)
      : defaultScope({ ...r, gateway, via, nexthops }, family, type)
  return {
    family: family === AF_INET ? "inet" : family === AF_INET6 ? "inet6" : family,
    destination: normalPrefix(r.destination),
    source:
      r.source === undefined || parsePrefix(r.source)?.length === 0 ? undefined : normalPrefix(r.source),
    tos: r.tos ?? 0,
    table: table === undefined ? r.table : tableName(table),
    protocol: Names.protocol.name(
      r.protocol === undefined ? RtProtocol.boot : (Names.protocol.number(r.protocol) ?? -1)
    ),
    scope: scope === undefined ? r.scope : Names.scope.name(scope),
    type: Names.routeType.name(type),
    dev,
    gateway: gateway === undefined ? undefined : normalAddress(gateway),
    via: canonicalVia(via),
    prefsrc: r.prefsrc === undefined ? undefined : normalAddress(r.prefsrc),
    // IPv6 makes metric 0 (or none) 1024, IP6_RT_PRIO_USER
    metric:
      family === AF_INET6 ? (r.metric === undefined || r.metric === 0 ? 1024 : r.metric) : (r.metric ?? 0),
    metrics: canonicalMetrics(r),
    nexthops: nexthops?.map((nh) => canonicalNexthop(nh, family)),
    nexthopId: r.nexthopId,
    onlink: onlink ? true : undefined,
    pref:
      family === AF_INET6
        ? r.pref === undefined
          ? "medium"
          : typeof r.pref === "number"
            ? (PREF_NAMES[r.pref] ?? r.pref)
            : r.pref
        : undefined,
    realms: realms === 0 ? undefined : realms,
    encap: encap === undefined ? undefined : Encap.canonical(encap)
  }
}

/** fe80::/10: a gateway that names a nexthop only together with its device. */
const LINK_LOCAL = /^fe[89ab]/i

/**
 * A route's identity as the kernel defines it: family, table, destination,
 * source prefix, tos and metric, then the nexthop (`nh<id>` for
 * a nexthop object, `mp` for a multipath route, else the gateway, or the
 * device when there is no gateway or the gateway is link-local). The
 * nexthop is part of it because the kernel keeps routes that differ only
 * there side by side: IPv6 keeps one route per device or gateway (every
 * IPv6 device has its own `fe80::/64` and local-table `ff00::/8`), and IPv4
 * keeps the routes `ip route append` adds (a delete that names the nexthop
 * removes just that one). Two routes with one key cannot both exist.
 *
 * @example
 * ```ts
 * Route.key({ destination: "10.0.0.0/8", dev: "eth0" }) // "inet|main|10.0.0.0/8||0|0|dev eth0"
 * Route.key({ destination: "10.0.0.0/8", gateway: "10.1.0.1" }) // "inet|main|10.0.0.0/8||0|0|via 10.1.0.1"
 * ```
 * @since 0.2.0
 */
export const key = (r: Route): string => {
  const c = canonical(r)
  const gateway = c.gateway ?? c.via?.address
  const hop =
    c.nexthopId !== undefined
      ? `nh${c.nexthopId}`
      : c.nexthops !== undefined
        ? "mp"
        : gateway === undefined
          ? `dev ${c.dev ?? ""}`
          : // a link-local gateway means something only on its device
            LINK_LOCAL.test(gateway)
            ? `via ${gateway} dev ${c.dev ?? ""}`
            : `via ${gateway}`
  return `${c.family}|${c.table}|${c.destination}|${c.source ?? ""}|${c.tos}|${c.metric}|${hop}`
}

/**
 * Whether two routes have the same configuration: their canonical forms are
 * equal (`status` is ignored, omitted fields are the defaults). Devices are
 * compared as given: a route added with a gateway but no `dev` is listed with
 * the device the kernel chose for it, so give `dev` to compare such routes
 * (and give it by name: an index is not a name).
 *
 * @example
 * ```ts
 * Route.equals({ destination: "10.0.0.0/8", dev: "eth0" }, listed) // true for the route it added
 * ```
 * @since 0.2.0
 */
export const equals = (a: Route, b: Route): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The route object type (identity, equality, canonical form, Schema).
 *
 * @example
 * ```ts
 * const t: Model.ObjectType<Route.Route> = Route.model
 * t.key(route)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Route> = { name: "route", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// decoding: messages to routes

const SLASH: ReadonlyArray<string> = Array.from({ length: 129 }, (_, i) => `/${i}`)

const familyName = (f: number): Family | number => (f === AF_INET ? "inet" : f === AF_INET6 ? "inet6" : f)

/** struct rtvia: u16 family (host order), then the address. */
const decodeVia = (buf: Uint8Array, view: DataView, p: number, e: number): Via => {
  if (e - p < 2) throw new DecodeFailure(`RTA_VIA: ${e - p} bytes, expected at least 2`, p)
  return { family: familyName(view.getUint16(p, true)), address: ipToString(buf, p + 2, e - p - 2) }
}

// Flag lists, and statuses that hold only flags, are shared per value: a down link
// marks every one of its routes "linkdown", and a list must not build that 100k times.
const flagLists = new Map<number, ReadonlyArray<string | number>>()
const flagList = (flags: number): ReadonlyArray<string | number> | undefined => {
  if (flags === 0) return undefined
  let l = flagLists.get(flags)
  if (l === undefined) {
    l = Object.freeze(Names.flagNames(flags, ROUTE_FLAGS))
    flagLists.set(flags, l)
  }
  return l
}
const flagStatuses = new Map<number, Status>()
const flagStatus = (flags: number): Status => {
  let st = flagStatuses.get(flags)
  if (st === undefined) {
    st = Object.freeze({
      flags: flagList(flags),
      nexthopFlags: undefined,
      cacheinfo: undefined,
      resolved: undefined,
      iif: undefined,
      mark: undefined,
      uid: undefined
    })
    flagStatuses.set(flags, st)
  }
  return st
}

/** RTA_MULTIPATH records into nexthops; kernel-set nexthop flags go to `flags[i]`. */
const decodeNexthops = (
  buf: Uint8Array,
  view: DataView,
  p: number,
  e: number,
  devName: LinkNames,
  flags: Array<ReadonlyArray<string | number>>
): Array<Nexthop> => {
  const out: Array<Nexthop> = []
  let any = false
  while (p + RtnexthopSize <= e) {
    const len = view.getUint16(p + NH.len, true)
    if (len < RtnexthopSize || p + len > e) throw new DecodeFailure(`RTA_MULTIPATH: record length ${len}`, p)
    const f = buf[p + NH.flags]!
    const ifindex = view.getInt32(p + NH.ifindex, true)
    let gateway: string | undefined
    let via: Via | undefined
    let realms: number | undefined
    let encapType = -1
    let encapAt = -1
    let encapEnd = -1
    let off = p + RtnexthopSize
    const end = p + len
    while (off + 4 <= end) {
      const alen = view.getUint16(off, true)
      if (alen < 4 || off + alen > end)
        throw new DecodeFailure(`RTA_MULTIPATH: attribute length ${alen}`, off)
      const t = view.getUint16(off + 2, true) & 0x3fff
      if (t === 5) gateway = ipToString(buf, off + 4, alen - 4)
      else if (t === 18) via = decodeVia(buf, view, off + 4, off + alen)
      else if (t === 11 && alen >= 8) realms = view.getUint32(off + 4, true)
      else if (t === 21 && alen >= 6) encapType = view.getUint16(off + 4, true)
      else if (t === 22) {
        encapAt = off + 4
        encapEnd = off + alen
      }
      off += (alen + 3) & ~3
    }
    out.push({
      gateway,
      via,
      dev: ifindex > 0 ? devName(ifindex) : undefined,
      weight: buf[p + NH.hops]! + 1,
      onlink: (f & RtnhFlags.onlink) !== 0 ? true : undefined,
      realms,
      encap:
        encapType >= 0 && encapAt >= 0
          ? Encap.decode(encapType, buf.slice(encapAt, encapEnd), devName)
          : undefined
    })
    const rest = f & ~RtnhFlags.onlink
    if (rest !== 0) any = true
    flags.push(rest === 0 ? [] : Names.flagNames(rest, ROUTE_FLAGS))
    p += (len + 3) & ~3
  }
  if (!any) flags.length = 0
  return out
}

const lockedOf = (lock: number): Array<MetricName> =>
  METRIC_NAMES.filter((k) => (lock & (1 << Rtax[k])) !== 0)

const metricsFrom = (m: MetricsAttrs): Metrics => {
  const { lock, unknown: _, ...values } = m
  return lock !== undefined && lock !== 0 ? { ...values, locked: lockedOf(lock) } : values
}

/**
 * Decodes one route message (rtmsg + attributes at [p, end)) straight into a
 * {@link Route}: one object of one fixed shape per route, names from shared
 * tables, no intermediate message object (the list hot path).
 */
export const decodeRoute = (
  buf: Uint8Array,
  view: DataView,
  p: number,
  end: number,
  devName: LinkNames
): Route => {
  if (end - p < RtmsgSize) throw new DecodeFailure(`rtmsg: ${end - p} bytes, expected ${RtmsgSize}`, p)
  const family = buf[p + RtmsgOffsets.family]!
  const dstLen = buf[p + RtmsgOffsets.dstLen]!
  const srcLen = buf[p + RtmsgOffsets.srcLen]!
  const tos = buf[p + RtmsgOffsets.tos]!
  let table = buf[p + RtmsgOffsets.tableId]!
  const n8 = names8()
  const flags = view.getUint32(p + RtmsgOffsets.flags, true)
  let destination: string | undefined
  let source: string | undefined
  let dev: LinkRef | undefined
  let gateway: string | undefined
  let via: Via | undefined
  let prefsrc: string | undefined
  let metric: number | undefined
  let metrics: Metrics | undefined
  let nexthops: Array<Nexthop> | undefined
  let nexthopId: number | undefined
  let pref: Route["pref"]
  let realms: number | undefined
  let cacheinfo: RtaCacheinfo | undefined
  let expires: number | undefined
  let iif: LinkRef | undefined
  let mark: number | undefined
  let uid: number | undefined
  let nexthopFlags: Array<ReadonlyArray<string | number>> | undefined
  let encapType = -1
  let encapAt = -1
  let encapEnd = -1
  let off = p + RtmsgSize
  while (off + 4 <= end) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > end)
      throw new DecodeFailure(`route-attrs: attribute length ${len} at ${off - p} of ${end - p}`, off)
    const q = off + 4
    const n = len - 4
    switch (view.getUint16(off + 2, true) & 0x3fff) {
      case 1: // RTA_DST
        destination = ipToString(buf, q, n) + SLASH[dstLen]
        break
      case 2: // RTA_SRC
        source = ipToString(buf, q, n) + SLASH[srcLen]
        break
      case 3: // RTA_IIF
        if (n >= 4) iif = devName(view.getUint32(q, true))
        break
      case 4: // RTA_OIF
        if (n >= 4) dev = devName(view.getUint32(q, true))
        break
      case 5: // RTA_GATEWAY
        gateway = ipToString(buf, q, n)
        break
      case 6: // RTA_PRIORITY
        if (n >= 4) metric = view.getUint32(q, true)
        break
      case 7: // RTA_PREFSRC
        prefsrc = ipToString(buf, q, n)
        break
      case 8: // RTA_METRICS
        metrics = metricsFrom(decodeMetricsAttrs(buf, view, q, off + len))
        break
      case 9: // RTA_MULTIPATH
        nexthopFlags = []
        nexthops = decodeNexthops(buf, view, q, off + len, devName, nexthopFlags)
        break
      case 11: // RTA_FLOW
        if (n >= 4) realms = view.getUint32(q, true)
        break
      case 12: // RTA_CACHEINFO
        if (n >= RtaCacheinfoSize)
          cacheinfo = {
            clntref: view.getUint32(q + CI.clntref, true),
            lastuse: view.getUint32(q + CI.lastuse, true),
            expires: view.getInt32(q + CI.expires, true),
            error: view.getUint32(q + CI.error, true),
            used: view.getUint32(q + CI.used, true),
            id: view.getUint32(q + CI.id, true),
            ts: view.getUint32(q + CI.ts, true),
            tsage: view.getUint32(q + CI.tsage, true)
          }
        break
      case 15: // RTA_TABLE
        if (n >= 4) table = view.getUint32(q, true)
        break
      case 16: // RTA_MARK
        if (n >= 4) mark = view.getUint32(q, true)
        break
      case 18: // RTA_VIA
        via = decodeVia(buf, view, q, off + len)
        break
      case 21: // RTA_ENCAP_TYPE
        if (n >= 2) encapType = view.getUint16(q, true)
        break
      case 22: // RTA_ENCAP
        encapAt = q
        encapEnd = off + len
        break
      case 20: // RTA_PREF
        if (n >= 1) pref = PREF_NAMES[buf[q]!] ?? buf[q]!
        break
      case 23: // RTA_EXPIRES
        if (n >= 4) expires = view.getUint32(q, true)
        break
      case 25: // RTA_UID
        if (n >= 4) uid = view.getUint32(q, true)
        break
      case 30: // RTA_NH_ID
        if (n >= 4) nexthopId = view.getUint32(q, true)
        break
    }
    off += (len + 3) & ~3
  }
  let resolved: Status["resolved"]
  if (
    nexthopId !== undefined &&
    (gateway !== undefined || via !== undefined || dev !== undefined || nexthops !== undefined)
  ) {
    // What the nexthop object resolves to is the kernel's, not this route's configuration.
    resolved = { gateway, via, dev, nexthops }
    gateway = undefined
    via = undefined
    dev = undefined
    nexthops = undefined
  }
  const other = flags & ~RtnhFlags.onlink
  let status: Status | undefined
  if (
    cacheinfo !== undefined ||
    resolved !== undefined ||
    iif !== undefined ||
    mark !== undefined ||
    uid !== undefined ||
    (nexthopFlags !== undefined && nexthopFlags.length > 0)
  )
    status = {
      flags: flagList(other),
      nexthopFlags: nexthopFlags !== undefined && nexthopFlags.length > 0 ? nexthopFlags : undefined,
      cacheinfo,
      resolved,
      iif,
      mark,
      uid
    }
  else if (other !== 0) status = flagStatus(other)
  return new (RouteObject as any)(
    family === AF_INET ? "inet" : family === AF_INET6 ? "inet6" : family,
    destination ?? (dstLen === 0 ? "default" : `${family === AF_INET6 ? "::" : "0.0.0.0"}${SLASH[dstLen]}`),
    source,
    tos,
    tableName(table),
    n8.protocol[buf[p + RtmsgOffsets.protocol]!]!,
    n8.scope[buf[p + RtmsgOffsets.scope]!]!,
    n8.type[buf[p + RtmsgOffsets.type]!]!,
    dev,
    gateway,
    via,
    prefsrc,
    metric,
    metrics,
    nexthops,
    nexthopId,
    (flags & RtnhFlags.onlink) !== 0 ? true : undefined,
    pref,
    realms,
    encapType >= 0 && encapAt >= 0
      ? Encap.decode(encapType, buf.slice(encapAt, encapEnd), devName)
      : undefined,
    // the remaining lifetime: RTA_EXPIRES, else the cache info's (clock ticks at USER_HZ 100, as ip reads it)
    expires ??
      (cacheinfo !== undefined && cacheinfo.expires > 0 ? Math.floor(cacheinfo.expires / 100) : undefined),
    status
  ) as Route
}

/**
 * Every listed route is built by this constructor, its fields in one order
 * (routes with the same attributes share one hidden class, sized by V8's
 * slack tracking); fields without a value are left out, which keeps 100k
 * routes small; its prototype is Object.prototype, so a route is a plain
 * object.
 */
function RouteObject(
  this: any,
  family: unknown,
  destination: unknown,
  source: unknown,
  tos: unknown,
  table: unknown,
  protocol: unknown,
  scope: unknown,
  type: unknown,
  dev: unknown,
  gateway: unknown,
  via: unknown,
  prefsrc: unknown,
  metric: unknown,
  metrics: unknown,
  nexthops: unknown,
  nexthopId: unknown,
  onlink: unknown,
  pref: unknown,
  realms: unknown,
  encap: unknown,
  expires: unknown,
  status: unknown
): void {
  this.family = family
  this.destination = destination
  if (source !== undefined) this.source = source
  this.tos = tos
  this.table = table
  this.protocol = protocol
  this.scope = scope
  this.type = type
  if (dev !== undefined) this.dev = dev
  if (gateway !== undefined) this.gateway = gateway
  if (via !== undefined) this.via = via
  if (prefsrc !== undefined) this.prefsrc = prefsrc
  if (metric !== undefined) this.metric = metric
  if (metrics !== undefined) this.metrics = metrics
  if (nexthops !== undefined) this.nexthops = nexthops
  if (nexthopId !== undefined) this.nexthopId = nexthopId
  if (onlink !== undefined) this.onlink = onlink
  if (pref !== undefined) this.pref = pref
  if (realms !== undefined) this.realms = realms
  if (encap !== undefined) this.encap = encap
  if (expires !== undefined) this.expires = expires
  if (status !== undefined) this.status = status
}
RouteObject.prototype = Object.prototype

/**
 * A decoded route message (as {@link listRaw} returns it) as a {@link Route},
 * naming devices with `names` (index → name; without it devices stay
 * indexes).
 *
 * @example
 * ```ts
 * const raw = yield* Route.listRaw()
 * const routes = raw.map((m) => Route.fromMessage(m))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (message: RouteMessage, names: LinkNames = (i) => i): Route => {
  // One decoder for both paths: the message is re-encoded and decoded as the list path does.
  const bytes = buildMessage(RTM_NEWROUTE, 0, (w) => encodeRouteMessage(w, message))
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return decodeRoute(bytes, view, 16, bytes.length, names)
}

// ---------------------------------------------------------------------------
// validation that one field's schema cannot do

/**
 * The largest route message every reader can dump. The kernel never splits a
 * route across dump datagrams, and sizes a dump datagram by what the reading
 * socket has received before: NLMSG_GOODSIZE (a 4 KiB page less struct
 * skb_shared_info: 3776 bytes on x86-64) for a socket that has not, up to
 * SKB_WITH_OVERHEAD(32 KiB) for one that received with a large buffer. iproute2
 * reads with buffers sized to each message, so `ip route show` gets 3776-byte
 * datagrams for good; a larger route is accepted by RTM_NEWROUTE, but such
 * dumps then end at it without an error, losing it and every route after it
 * (measured on 6.18: 233 IPv4 nexthops list, 234 do not). Older kernels fail
 * those dumps with EMSGSIZE instead.
 */
const MAX_DUMP_MESSAGE = 4096 - 320

const attr = (payload: number) => (4 + payload + 3) & ~3
const addrLen = (family: number) => (family === AF_INET6 ? 16 : 4)

const metricsSize = (m: MetricsAttrs | undefined): number => {
  if (m === undefined) return 0
  let n = 4
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined || k === "unknown") continue
    n += k === "ccAlgo" ? attr(Buffer.byteLength(v as string) + 1) : 8
  }
  return n
}

/** RTA_ENCAP_TYPE and RTA_ENCAP as the kernel dumps them (ip tunnels report every field, set or not; the id may need a pad attribute). */
const encapSize = (e: Encap.Encap | undefined): number =>
  e === undefined ? 0 : 8 + 4 + (e.type === "ip" ? 56 : e.type === "ip6" ? 80 : Encap.encode(e).length)

/** The size of the message the kernel would dump for `o` (IPv4: fib_dump_info; IPv6: rt6_fill_node). */
const dumpSize = (o: Route, family: number, dst: Destination): { fixed: number; nexthops: Array<number> } => {
  const a = addrLen(family)
  let fixed = 16 + 12 + 8 // nlmsghdr, rtmsg, RTA_TABLE
  if (dst.length > 0) fixed += attr(a)
  if (o.source !== undefined && (parsePrefix(o.source)?.length ?? 0) > 0) fixed += attr(a)
  if (o.prefsrc !== undefined) fixed += attr(a)
  fixed += metricsSize(metricsOf(o))
  fixed += encapSize(o.encap)
  if (family === AF_INET6)
    fixed += 8 + 8 + attr(32) // RTA_PRIORITY, RTA_PREF, RTA_CACHEINFO
  else if (o.metric !== undefined && o.metric !== 0) fixed += 8
  const nexthops = (o.nexthops ?? []).map((nh) => {
    let n = 8 // struct rtnexthop
    const gw = gatewayOf(nh, family)
    const via = viaOf(nh, family)
    if (gw !== undefined) n += attr(a)
    if (via !== undefined) n += attr(2 + addrLen(familyNumber(via.family)))
    if (nh.realms !== undefined && nh.realms !== 0) n += 8
    n += encapSize(nh.encap)
    return n
  })
  if (nexthops.length > 0) fixed += 4 // RTA_MULTIPATH
  return { fixed, nexthops }
}

/** What the fields' schemas cannot check. Returns the Validation error or undefined. */
const crossCheck = (o: Route, command: "add" | "remove" = "add"): NetlinkError | undefined => {
  const dst = destinationOf(o)
  const family = dst.family
  if (o.family !== undefined && familyNumber(o.family) !== family)
    return invalid("family", `"${o.destination}" is not an ${o.family} destination`)
  if (o.prefsrc !== undefined && familyOfAddress(o.prefsrc) !== family)
    return invalid("prefsrc", `"${o.prefsrc}" is not an ${familyText(family)} address`)
  if (o.source !== undefined && familyOfAddress(o.source) !== family)
    return invalid("source", `"${o.source}" is not an ${familyText(family)} prefix`)
  const gatewayCheck = (nh: Nexthop, path: string): NetlinkError | undefined => {
    if (nh.gateway !== undefined && nh.via !== undefined)
      return invalid(`${path}via`, "give either gateway or via")
    if (nh.gateway !== undefined && familyOfAddress(nh.gateway) !== family) {
      const other = familyOfAddress(nh.gateway) === AF_INET6 ? "inet6" : "inet"
      return invalid(
        `${path}gateway`,
        `"${nh.gateway}" is not an ${familyText(family)} address; a gateway of the other family must be asked for as via: { family: "${other}", address: "${nh.gateway}" } (RTA_VIA, ip's "via ${other} ${nh.gateway}")`
      )
    }
    if (nh.via !== undefined && familyOfAddress(nh.via.address) !== familyNumber(nh.via.family))
      return invalid(
        `${path}via.address`,
        `"${nh.via.address}" is not an ${familyText(familyNumber(nh.via.family))} address`
      )
    return undefined
  }
  const g = gatewayCheck(o, "")
  if (g !== undefined) return g
  for (const [path, e] of [
    ["encap", o.encap] as const,
    ...(o.nexthops ?? []).map((nh, i) => [`nexthops[${i}].encap`, nh.encap] as const)
  ]) {
    const p = e === undefined || command === "remove" ? undefined : Encap.problem(e)
    if (p !== undefined) return invalid(`${path}.${p.field}`, p.message)
  }
  for (const [i, nh] of (o.nexthops ?? []).entries()) {
    const e = gatewayCheck(nh, `nexthops[${i}].`)
    if (e !== undefined) return e
  }
  if ((o.gateway !== undefined || o.via !== undefined) && o.nexthops !== undefined)
    return invalid(
      o.gateway !== undefined ? "gateway" : "via",
      "give either a gateway or nexthops (each nexthop has its own gateway)"
    )
  if (
    o.nexthopId !== undefined &&
    (o.gateway !== undefined || o.via !== undefined || o.nexthops !== undefined)
  )
    return invalid("nexthopId", "a route using a nexthop object takes no gateway, via or nexthops")
  if (o.nexthops !== undefined && o.nexthops.length === 0)
    return invalid("nexthops", "a multipath route needs at least one nexthop")
  const m = o.metrics
  if (m?.mtu !== undefined && o.mtu !== undefined && m.mtu !== o.mtu)
    return invalid("mtu", `mtu ${o.mtu} disagrees with metrics.mtu ${m.mtu}`)
  if (m?.advmss !== undefined && o.advmss !== undefined && m.advmss !== o.advmss)
    return invalid("advmss", `advmss ${o.advmss} disagrees with metrics.advmss ${m.advmss}`)
  if (o.nexthops !== undefined && o.nexthops.length > 1) {
    const size = dumpSize(o, family, dst)
    const total = size.nexthops.reduce((a, b) => a + b, size.fixed)
    if (total > MAX_DUMP_MESSAGE) {
      const each = size.nexthops[0]!
      const most = Math.floor((MAX_DUMP_MESSAGE - size.fixed) / each)
      return invalid(
        "nexthops",
        `${o.nexthops.length} nexthops make this route a ${total}-byte message; the kernel dumps each route whole, in datagrams of ${MAX_DUMP_MESSAGE} bytes for readers such as ip, so it would accept the route but route dumps would then lose it and every route after it (or fail with EMSGSIZE): at most ${most} nexthops like these (a nexthop group, nexthopId, has no such limit)`
      )
    }
  }
  return undefined
}

/** Gateway of the route's family → RTA_GATEWAY; of the other family → RTA_VIA (rtvia: u16 family, address). */
const gatewayFields = (
  o: { gateway?: string | undefined; via?: Via | undefined },
  family: number
): { gateway?: string; via?: Uint8Array } => {
  const gateway = gatewayOf(o, family)
  if (gateway !== undefined) return { gateway }
  const v = viaOf(o, family)
  if (v === undefined) return {}
  const vf = familyNumber(v.family)
  const bytes = vf === AF_INET6 ? parseIPv6(v.address)! : parseIPv4(v.address)!
  const via = new Uint8Array(2 + bytes.length)
  new DataView(via.buffer).setUint16(0, vf, true)
  via.set(bytes, 2)
  return { via }
}

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The route message `add`/`replace` (command "add") or `remove` (command
 * "remove") send for a validated route, with devices resolved: `oif` for
 * `dev`, `nexthopIndexes[i]` for `nexthops[i].dev`. Built as `ip route`
 * builds it: tables above 255 in RTA_TABLE with rtm_table 0, multipath as
 * RTA_MULTIPATH records, metrics in RTA_METRICS, a gateway of the other
 * family as RTA_VIA.
 *
 * @example
 * ```ts
 * Route.toMessage({ destination: "10.2.0.0/16", gateway: "10.1.2.1" }) // { family: 2, dstLen: 16, tableId: 254, protocol: 3, type: 1, ... }
 * ```
 * @since 0.1.0
 */
const RTA_ENCAP_TYPE = 21
const RTA_ENCAP = 22

const encapAttrs = (e: Encap.Encap) => {
  const type = new Uint8Array(2)
  new DataView(type.buffer).setUint16(0, Encap.typeNumber(e.type), true)
  return [
    { type: RTA_ENCAP | 0x8000, data: Encap.encode(e) },
    { type: RTA_ENCAP_TYPE, data: type }
  ]
}

export const toMessage = (
  options: Route,
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
      : isLocalTable(type)
        ? RtTable.local
        : RtTable.main
  let scope: number
  if (options.scope !== undefined) scope = scopeValue(options.scope)
  else if (family === AF_INET6) scope = RtScope.universe
  else if (type === RtType.unicast || type === RtType.unspec)
    scope = add ? defaultScope(options, family, type) : RtScope.nowhere
  else if (isLocalTable(type) || type === RtType.multicast) scope = defaultScope(options, family, type)
  else scope = add ? RtScope.universe : RtScope.nowhere
  const src = options.source === undefined ? undefined : parsePrefix(options.source)
  const m: { -readonly [K in keyof RouteMessage]: RouteMessage[K] } = {
    family,
    dstLen: dst.length,
    srcLen: src?.length ?? 0,
    tos: options.tos ?? 0,
    tableId: table < 256 ? table : RtTable.unspec,
    protocol: options.protocol !== undefined ? protocolValue(options.protocol) : add ? RtProtocol.boot : 0,
    scope,
    type,
    flags: options.onlink === true ? RtnhFlags.onlink : 0
  }
  if (!dst.any) m.dst = dst.address
  if (src !== undefined && src.length > 0) m.src = src.address
  if (table >= 256) m.table = table
  Object.assign(m, gatewayFields(options, family))
  if (oif !== undefined) m.oif = oif
  if (options.metric !== undefined) m.priority = options.metric
  if (options.prefsrc !== undefined) m.prefsrc = options.prefsrc
  const metrics = metricsOf(options)
  if (metrics !== undefined) m.metrics = metrics
  if (options.pref !== undefined) m.pref = prefValue(options.pref)
  if (options.nexthopId !== undefined) m.nhId = options.nexthopId
  if (options.realms !== undefined) m.flow = options.realms
  if (options.expires !== undefined) m.expires = options.expires
  if (options.encap !== undefined) {
    m.encapType = Encap.typeNumber(options.encap.type)
    m.encap = Encap.encode(options.encap)
  }
  if (options.nexthops !== undefined) {
    m.multipath = options.nexthops.map((nh, i) => ({
      flags: nh.onlink === true ? RtnhFlags.onlink : 0,
      hops: nh.weight === undefined ? 0 : nh.weight - 1,
      ifindex: nexthopIndexes[i] ?? 0,
      ...gatewayFields(nh, family),
      ...(nh.realms !== undefined ? { flow: nh.realms } : {}),
      // RTA_ENCAP as the nest ip sends (NLA_F_NESTED), then RTA_ENCAP_TYPE, in
      // ip's order: the records' encoder writes declared binaries without the
      // flag, undeclared attributes as given
      ...(nh.encap !== undefined ? { unknown: encapAttrs(nh.encap) } : {})
    }))
  }
  return m
}

// RTA_ENCAP is a nest (NLA_F_NESTED, as ip sends it); the spec keeps its
// payload as bytes, whose meaning depends on RTA_ENCAP_TYPE.
const build = (type: number, flags: number, m: RouteMessage): Uint8Array =>
  buildMessage(type, flags, (w) => {
    if (m.encap === undefined) return encodeRouteMessage(w, m)
    const { encap, ...rest } = m
    encodeRouteMessage(w, rest)
    const s = w.nestStart(RTA_ENCAP)
    w.bytes(encap)
    w.attrEnd(s)
  })

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
  options: Route,
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
  options: Route,
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
  options: Route,
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
  indexes: { readonly iif?: number | undefined; readonly oif?: number | undefined } = {}
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
  describePath: (t: ReadonlyArray<number>, c?: PathContext) => describePath(RouteMessageMeta, t, c),
  operation
})

/** Validated input, devices resolved (the message is re-checked only in debug mode, see `checkBuilt`). */
const prepare = (input: Route, command: "add" | "remove") =>
  Effect.gen(function* () {
    let valid = (yield* validate(schema, input)) as Route
    const bad = crossCheck(valid, command)
    if (bad !== undefined) return yield* Effect.fail(bad)
    // devices inside encapsulations (seg6local oif/iif) as indexes
    if (valid.encap !== undefined) valid = { ...valid, encap: yield* Encap.resolve(valid.encap, "encap") }
    if (valid.nexthops?.some((nh) => nh.encap !== undefined)) {
      const nexthops: Array<Nexthop> = []
      for (const [i, nh] of valid.nexthops.entries())
        nexthops.push(
          nh.encap === undefined
            ? nh
            : { ...nh, encap: yield* Encap.resolve(nh.encap, `nexthops[${i}].encap`) }
        )
      valid = { ...valid, nexthops }
    }
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
 * A route listed elsewhere (with its `status`) is accepted as it is.
 *
 * @example
 * ```ts
 * yield* Route.add({ destination: "10.2.0.0/16", gateway: "10.0.0.1" })
 * yield* Route.add({ destination: "10.5.0.0/16", type: "blackhole" })
 * yield* Route.add({ destination: "10.8.0.0/24", via: { family: "inet6", address: "fe80::1" }, dev: "eth0" })
 * yield* Route.add({ destination: "2001:db8:1::/48", gateway: "2001:db8::2", metrics: { mtu: 1400 } })
 * ```
 * @since 0.1.0
 */
export const add = operation("Route.add", function* (route: Route) {
  const m = yield* prepare(route, "add")
  yield* send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, m, "route add")
})

/**
 * Adds a route or replaces the one with the same {@link key}, like `ip route
 * replace`.
 *
 * @example
 * ```ts
 * yield* Route.replace({ destination: "10.2.0.0/16", gateway: "10.0.0.2" })
 * ```
 * @since 0.1.0
 */
export const replace = operation("Route.replace", function* (route: Route) {
  const m = yield* prepare(route, "add")
  yield* send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, m, "route replace")
})

/**
 * Removes a route, like `ip route del`: what is given (gateway, dev, metric,
 * table, protocol, type, scope) must match, so a listed route removes exactly
 * itself; fails with ESRCH if nothing matches.
 *
 * @example
 * ```ts
 * yield* Route.remove({ destination: "10.2.0.0/16" })
 * for (const r of yield* Route.list({ protocol: "static" })) yield* Route.remove(r)
 * ```
 * @since 0.1.0
 */
export const remove = operation("Route.remove", function* (route: Route) {
  const m = yield* prepare(route, "remove")
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

/** Indexes a route message names (RTA_OIF, RTA_IIF, nexthops), for naming them. */
const indexesOf = (m: RouteMessage): Array<number> => {
  const out: Array<number> = []
  if (m.oif !== undefined) out.push(m.oif)
  if (m.iif !== undefined) out.push(m.iif)
  for (const nh of m.multipath ?? []) if (nh.ifindex > 0) out.push(nh.ifindex)
  return out
}

/**
 * Asks the kernel which route it would use for `destination`, like `ip route
 * get`; the answer is a {@link Route} with the table, device, gateway and
 * preferred source filled in (the lookup's `from` as `source`, its input
 * device, mark and uid under `status`). Fails with the kernel's errno when
 * there is no route (ENETUNREACH, EHOSTUNREACH, ...).
 *
 * @example
 * ```ts
 * const r = yield* Route.get("10.2.3.4", { from: "10.1.2.3", iif: "eth0", mark: 5 })
 * r.dev // "eth1"
 * ```
 * @since 0.1.0
 */
export const get = operation("Route.get", function* (destination: string, options?: GetOptions) {
  const raw = yield* getRaw(destination, options)
  return fromMessage(raw, yield* linkNamesOf(indexesOf(raw)))
})

/**
 * Like {@link get}, the kernel's answer as the decoded message (kernel
 * numbers, every attribute).
 *
 * @example
 * ```ts
 * const m = yield* Route.getRaw("10.2.3.4")
 * m.oif
 * ```
 * @since 0.2.0
 */
export const getRaw = operation("Route.getRaw", function* (destination: string, options?: GetOptions) {
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
  const lookup = (options: typeof o) =>
    route.requestReply(
      getRequest(dst, options, { iif, oif }),
      (buf, view, start, end, type) =>
        type === RTM_NEWROUTE ? decodeRouteMessage(buf, view, start + NLMSG_HDRLEN, end) : undefined,
      requestOptions("route get")
    )
  const answer = yield* lookup(o)
  if (o.connected !== true || o.from !== undefined) return answer
  if (answer.prefsrc === undefined)
    return yield* Effect.fail(
      invalid("connected", `the route to ${dst} has no preferred source address to connect from`)
    )
  return yield* lookup({ ...o, from: answer.prefsrc })
})

interface Plan {
  readonly request: Uint8Array
  /** Only messages of the asked scope (read in the rtmsg before decoding). */
  readonly accept: (view: DataView, start: number, type: number) => boolean
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
    const accept =
      scope === undefined
        ? (_view: DataView, _start: number, type: number) => type === RTM_NEWROUTE
        : (view: DataView, start: number, type: number) =>
            type === RTM_NEWROUTE && view.getUint8(start + RTM_SCOPE) === scope
    return { request, accept, table: filter.table !== "all" }
  })

const isMissingTable = (e: NetlinkError): boolean => e.reason._tag === "Kernel" && e.reason.code === "ENOENT"

const rawDecoder =
  (p: Plan) =>
  (buf: Uint8Array, view: DataView, start: number, end: number, type: number): RouteMessage | undefined =>
    p.accept(view, start, type) ? decodeRouteMessage(buf, view, start + NLMSG_HDRLEN, end) : undefined

const routeDecoder =
  (p: Plan, names: LinkNames) =>
  (buf: Uint8Array, view: DataView, start: number, end: number, type: number): Route | undefined =>
    p.accept(view, start, type) ? decodeRoute(buf, view, start + NLMSG_HDRLEN, end, names) : undefined

/**
 * The routes, like `ip route show [table T] [proto P] [type T] [dev D] [scope S]`
 * (both families unless `family` is given; `ip -4`/`ip -6` as `family`),
 * devices named from one link dump per call.
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
  const names = yield* linkNames
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, routeDecoder(p, names), requestOptions("route list")).pipe(
    Effect.catchIf(
      (e) => p.table && isMissingTable(e),
      () => Effect.succeed([] as ReadonlyArray<Route>)
    )
  )
})

/**
 * Like {@link list}, the decoded messages (kernel numbers, every attribute;
 * {@link fromMessage} turns one into a route).
 *
 * @example
 * ```ts
 * const raw = yield* Route.listRaw({ table: "all" })
 * raw[0].tableId
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Route.listRaw", function* (filter?: Filter) {
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, rawDecoder(p), requestOptions("route list")).pipe(
    Effect.catchIf(
      (e) => p.table && isMissingTable(e),
      () => Effect.succeed([] as ReadonlyArray<RouteMessage>)
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
      const names = yield* linkNames
      const { route } = yield* Netlink
      return route.dump(p.request, routeDecoder(p, names), requestOptions("route list")).pipe(
        Stream.catchIf(
          (e) => p.table && isMissingTable(e),
          () => Stream.empty
        )
      )
    })
  )

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * const n = yield* Stream.runCount(Route.streamRaw({ table: "all" }))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (filter?: Filter): Stream.Stream<RouteMessage, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const { route } = yield* Netlink
      return route.dump(p.request, rawDecoder(p), requestOptions("route list")).pipe(
        Stream.catchIf(
          (e) => p.table && isMissingTable(e),
          () => Stream.empty
        )
      )
    })
  )
