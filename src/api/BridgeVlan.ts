/**
 * Bridge VLANs, as `bridge vlan` manages them on a VLAN-filtering bridge:
 * which VLANs a port (or the bridge itself) carries, its PVID and untagged
 * VLANs, VLAN to tunnel id mappings (ports with `vlan_tunnel on`), per-VLAN
 * options (STP state, multicast router) and statistics; and the bridge's
 * global per-VLAN options (multicast snooping settings).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BridgeVlan, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* BridgeVlan.add({ dev: "eth0", vid: 10, pvid: true, untagged: true })
 *   yield* BridgeVlan.add({ dev: "eth0", vid: 20, vidEnd: 30 })
 *   // [{ dev: "eth0", vid: 10, pvid: true, untagged: true, state: "forwarding", status: {...} }, { dev: "eth0", vid: 20, vidEnd: 30, ... }]
 *   return yield* BridgeVlan.list({ dev: "eth0" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  BridgeFlags,
  type BridgeLinkMessage,
  BridgeLinkMessageHeaderSize,
  BridgeLinkMessageMeta,
  BridgeLinkMessageTypes,
  BridgeVlandbDumpFlags,
  BridgeVlanInfoFlags,
  BrState,
  decodeVlanMessage,
  encodeBridgeLinkMessage,
  encodeVlanMessage,
  type VlandbEntryAttrs,
  type VlandbGoptsAttrs,
  type VlanMessage,
  VlanMessageHeaderSize,
  VlanMessageMeta,
  VlanMessageTypes
} from "../generated/rt-vlan/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { AF_BRIDGE, buildMessage, invalid, NLM_F_DUMP, operation, validate } from "./internal/Common.ts"
import { consistentDump } from "./internal/Consistent.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { makeNameTable } from "./internal/Names.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Reads `bridge vlan add|del|set` words into a {@link BridgeVlan}.
 *
 * @example
 * ```ts
 * BridgeVlan.parse("vid 10-20 dev eth0 untagged")
 * // { vid: 10, vidEnd: 20, dev: "eth0", untagged: true }
 * ```
 * @since 0.3.0
 */
export { parse, parseGlobal } from "./parse/BridgeVlan.ts"

/**
 * A per-VLAN STP state by the name `bridge vlan set ... state` uses.
 *
 * @example
 * ```ts
 * const s: BridgeVlan.State = "blocking"
 * ```
 * @since 0.2.0
 */
export type State = "disabled" | "listening" | "learning" | "forwarding" | "blocking"

/**
 * Per-VLAN counters (kernel-maintained; under `status`).
 *
 * @example
 * ```ts
 * v.status?.stats?.rxBytes // 1234n
 * ```
 * @since 0.2.0
 */
export interface Stats {
  readonly rxBytes: bigint
  readonly rxPackets: bigint
  readonly txBytes: bigint
  readonly txPackets: bigint
}

/**
 * What the kernel reports about a VLAN by itself; equality ignores it.
 *
 * @example
 * ```ts
 * v.status?.stats?.rxPackets
 * ```
 * @since 0.2.0
 */
export interface Status {
  /** The device's index. */
  readonly index: number
  /** Counters, when listed with `stats: true`. */
  readonly stats?: Stats | undefined
  /** Multicast groups in use on this VLAN (kernels with per-VLAN multicast snooping). */
  readonly mcastGroups?: number | undefined
}

/**
 * A VLAN (or a range of VLANs `vid`..`vidEnd`) on a bridge port or, with
 * `self: true`, on the bridge device itself: what `list` returns and what
 * `add`/`remove` take.
 *
 * - `pvid`: untagged ingress frames get this VLAN; `untagged`: frames leave
 *   untagged.
 * - `tunnelId`: the VLAN maps to this tunnel id (a range maps to
 *   `tunnelId`..`tunnelId + (vidEnd - vid)`), on ports with `vlan_tunnel on`.
 * - `state` (default "forwarding") and `mcastRouter` are per-VLAN options
 *   (RTM_NEWVLAN); `mcastRouter` is reported on bridges with
 *   `mcast_vlan_snooping` only.
 * - The kernel lists adjacent VLANs with the same settings as one range,
 *   as `bridge vlan show` does.
 *
 * @example
 * ```ts
 * const v: BridgeVlan.BridgeVlan = { dev: "eth0", vid: 100, vidEnd: 199, tunnelId: 10100 }
 * ```
 * @since 0.2.0
 */
export interface BridgeVlan {
  readonly dev: LinkRef
  readonly vid: number
  readonly vidEnd?: number | undefined
  readonly pvid?: boolean | undefined
  readonly untagged?: boolean | undefined
  /** The bridge device's own VLAN (`bridge vlan add ... dev BR self`). */
  readonly self?: boolean | undefined
  readonly tunnelId?: number | undefined
  readonly state?: State | undefined
  /** Per-VLAN multicast router mode: 0 disabled, 1 temporary (query), 2 permanent, 3 temporary. */
  readonly mcastRouter?: number | undefined
  readonly status?: Status | undefined
}

/**
 * Which VLANs `list` returns: `dev` is applied by the kernel; `stats: true`
 * asks for per-VLAN counters (the kernel then lists every VLAN on its own,
 * not as ranges).
 *
 * @example
 * ```ts
 * const f: BridgeVlan.Filter = { dev: "eth0", stats: true }
 * ```
 * @since 0.2.0
 */
export interface Filter {
  readonly dev?: LinkRef
  readonly stats?: boolean
}

/**
 * A bridge's global options of a VLAN (or range), as `bridge vlan global
 * set/show`: multicast snooping per VLAN (with `mcast_vlan_snooping` on)
 * and the MST instance. Intervals are in hundredths of a second, as the
 * kernel takes them.
 *
 * @example
 * ```ts
 * const g: BridgeVlan.GlobalOptions = { dev: "br0", vid: 10, mcastSnooping: true, mcastIgmpVersion: 3 }
 * ```
 * @since 0.2.0
 */
export interface GlobalOptions {
  readonly dev: LinkRef
  readonly vid: number
  readonly vidEnd?: number | undefined
  readonly mcastSnooping?: boolean | undefined
  readonly mcastIgmpVersion?: number | undefined
  readonly mcastMldVersion?: number | undefined
  readonly mcastLastMemberCount?: number | undefined
  readonly mcastStartupQueryCount?: number | undefined
  readonly mcastLastMemberInterval?: bigint | undefined
  readonly mcastMembershipInterval?: bigint | undefined
  readonly mcastQuerierInterval?: bigint | undefined
  readonly mcastQueryInterval?: bigint | undefined
  readonly mcastQueryResponseInterval?: bigint | undefined
  readonly mcastStartupQueryInterval?: bigint | undefined
  readonly mcastQuerier?: boolean | undefined
  readonly msti?: number | undefined
}

// ---------------------------------------------------------------------------
// names and schemas

const stateNames = makeNameTable(BrState)
const STATES = ["disabled", "listening", "learning", "forwarding", "blocking"] as const
const Vid = P.intBetween(P.U16, 1, 4094)
const DevRef = Schema.Union([Schema.String, Schema.Number])

const StatsSchema = Schema.Struct({
  rxBytes: Schema.BigInt,
  rxPackets: Schema.BigInt,
  txBytes: Schema.BigInt,
  txPackets: Schema.BigInt
})

/**
 * The Schema of {@link BridgeVlan}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(BridgeVlan.schema)({ dev: "eth0", vid: 10 })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<BridgeVlan, any> = Schema.Struct({
  dev: DevRef,
  vid: Vid,
  vidEnd: Schema.optional(Vid),
  pvid: Schema.optional(Schema.Boolean),
  untagged: Schema.optional(Schema.Boolean),
  self: Schema.optional(Schema.Boolean),
  tunnelId: Schema.optional(P.intBetween(P.U32, 1, 0xffffffff)),
  state: Schema.optional(Schema.Literals(STATES)),
  mcastRouter: Schema.optional(P.intBetween(P.U8, 0, 3)),
  status: Schema.optional(
    Schema.Struct({
      index: P.U32,
      stats: Schema.optional(StatsSchema),
      mcastGroups: Schema.optional(Schema.Number)
    })
  )
}) as any

const GlobalSchema: Schema.Codec<GlobalOptions, any> = Schema.Struct({
  dev: DevRef,
  vid: Vid,
  vidEnd: Schema.optional(Vid),
  mcastSnooping: Schema.optional(Schema.Boolean),
  mcastIgmpVersion: Schema.optional(P.intBetween(P.U8, 2, 3)),
  mcastMldVersion: Schema.optional(P.intBetween(P.U8, 1, 2)),
  mcastLastMemberCount: Schema.optional(P.U32),
  mcastStartupQueryCount: Schema.optional(P.U32),
  mcastLastMemberInterval: Schema.optional(P.U64),
  mcastMembershipInterval: Schema.optional(P.U64),
  mcastQuerierInterval: Schema.optional(P.U64),
  mcastQueryInterval: Schema.optional(P.U64),
  mcastQueryResponseInterval: Schema.optional(P.U64),
  mcastStartupQueryInterval: Schema.optional(P.U64),
  mcastQuerier: Schema.optional(Schema.Boolean),
  msti: Schema.optional(P.U16)
}) as any

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  stats: Schema.optionalKey(Schema.Boolean)
})

const RTM_SETLINK = BridgeLinkMessageTypes.RTM_SETLINK
const RTM_DELLINK = BridgeLinkMessageTypes.RTM_DELLINK
const RTM_NEWVLAN = VlanMessageTypes.RTM_NEWVLAN
const RTM_GETVLAN = VlanMessageTypes.RTM_GETVLAN
const BRIDGE_VLANDB_DUMP_FLAGS = 1

// ---------------------------------------------------------------------------
// the model

const statsOf = (e: VlandbEntryAttrs): Stats | undefined =>
  e.stats === undefined
    ? undefined
    : {
        rxBytes: e.stats.rxBytes ?? 0n,
        rxPackets: e.stats.rxPackets ?? 0n,
        txBytes: e.stats.txBytes ?? 0n,
        txPackets: e.stats.txPackets ?? 0n
      }

/**
 * The VLANs one decoded RTM_NEWVLAN message describes (one per
 * BRIDGE_VLANDB_ENTRY); `names` gives a device's name by index. Whether the
 * device is a bridge (its VLANs then are `self`) is not in the message:
 * {@link list} adds it.
 *
 * @example
 * ```ts
 * const raw = yield* BridgeVlan.listRaw()
 * raw.flatMap((m) => BridgeVlan.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: VlanMessage, names: (index: number) => string | number): Array<BridgeVlan> => {
  const out: Array<BridgeVlan> = []
  const dev = names(m.ifindex)
  for (const e of m.entry ?? []) {
    const info = e.info
    if (info === undefined) continue
    const flags = info.flags
    out.push({
      dev,
      vid: info.vid,
      vidEnd: e.range !== undefined && e.range !== info.vid ? e.range : undefined,
      pvid: (flags & BridgeVlanInfoFlags.pvid) !== 0 ? true : undefined,
      untagged: (flags & BridgeVlanInfoFlags.untagged) !== 0 ? true : undefined,
      self: undefined,
      tunnelId: e.tunnelInfo?.id,
      state: e.state === undefined ? undefined : (stateNames.name(e.state) as State),
      mcastRouter: e.mcastRouter,
      status: { index: m.ifindex, stats: statsOf(e), mcastGroups: e.mcastNGroups }
    })
  }
  return out
}

/**
 * The canonical form: `vidEnd` dropped when it equals `vid`, state
 * "forwarding" and mcastRouter 1 (temporary, learned from queries) when none
 * is given, flags as `true` or absent, status dropped.
 *
 * @example
 * ```ts
 * BridgeVlan.canonical({ dev: "eth0", vid: 10, vidEnd: 10, pvid: false }) // { dev: "eth0", vid: 10, state: "forwarding", mcastRouter: 1 }
 * ```
 * @since 0.2.0
 */
export const canonical = (v: BridgeVlan): BridgeVlan => {
  const out: { -readonly [K in keyof BridgeVlan]: BridgeVlan[K] } = { dev: v.dev, vid: v.vid }
  if (v.vidEnd !== undefined && v.vidEnd !== v.vid) out.vidEnd = v.vidEnd
  if (v.pvid === true) out.pvid = true
  if (v.untagged === true) out.untagged = true
  if (v.self === true) out.self = true
  if (v.tunnelId !== undefined) out.tunnelId = v.tunnelId
  out.state = v.state ?? "forwarding"
  // MDB_RTR_TYPE_TEMP_QUERY is the kernel's default (reported with per-VLAN snooping only)
  out.mcastRouter = v.mcastRouter ?? 1
  return out
}

/**
 * Whether two VLAN entries have the same configuration (status ignored).
 *
 * @example
 * ```ts
 * BridgeVlan.equals({ dev: "eth0", vid: 10 }, { dev: "eth0", vid: 10, state: "forwarding" }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: BridgeVlan, b: BridgeVlan): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of a VLAN entry: device and VLAN range.
 *
 * @example
 * ```ts
 * BridgeVlan.key({ dev: "eth0", vid: 20, vidEnd: 30 }) // "eth0|20-30"
 * ```
 * @since 0.2.0
 */
export const key = (v: BridgeVlan): string => {
  const end = v.vidEnd ?? v.vid
  return `${v.dev}|${end === v.vid ? v.vid : `${v.vid}-${end}`}`
}

/**
 * The bridge VLAN object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * BridgeVlan.model.key(v)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<BridgeVlan> = { name: "bridge-vlan", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// pure request builders

const vlanFlags = (v: BridgeVlan): number =>
  (v.pvid === true ? BridgeVlanInfoFlags.pvid : 0) | (v.untagged === true ? BridgeVlanInfoFlags.untagged : 0)

/**
 * The link message `add`/`remove` send (no nlmsghdr), as `bridge vlan
 * add|del vid VID[-END] dev DEV [pvid] [untagged] [self]` builds it: the
 * VLAN (or the two ends of a range) in IFLA_AF_SPEC, then the tunnel
 * mapping when `tunnelId` is given (`withTunnel`).
 *
 * @example
 * ```ts
 * BridgeVlan.toLinkMessage({ dev: "d0", vid: 20, vidEnd: 30 }, 4, true).afSpec?.vlanInfo?.length // 2
 * ```
 * @since 0.2.0
 */
export const toLinkMessage = (v: BridgeVlan, ifindex: number, withTunnel: boolean): BridgeLinkMessage => {
  const flags = vlanFlags(v)
  const end = v.vidEnd ?? v.vid
  const range = end !== v.vid
  const vlanInfo = range
    ? [
        { flags: flags | BridgeVlanInfoFlags.rangeBegin, vid: v.vid },
        { flags: flags | BridgeVlanInfoFlags.rangeEnd, vid: end }
      ]
    : [{ flags, vid: v.vid }]
  const tunnel = withTunnel && v.tunnelId !== undefined ? tunnelInfo(v.vid, end, v.tunnelId) : undefined
  return {
    family: AF_BRIDGE,
    pad: 0,
    type: 0,
    index: ifindex,
    flags: 0,
    change: 0,
    afSpec: {
      ...(v.self === true ? { flags: BridgeFlags.self } : {}),
      vlanInfo,
      ...(tunnel !== undefined ? { vlanTunnelInfo: tunnel } : {})
    }
  }
}

const tunnelInfo = (vid: number, end: number, id: number) =>
  end === vid
    ? [{ id, vid, flags: 0 }]
    : [
        { id, vid, flags: BridgeVlanInfoFlags.rangeBegin },
        { id: id + (end - vid), vid: end, flags: BridgeVlanInfoFlags.rangeEnd }
      ]

/**
 * The link message of `bridge vlan add dev DEV vid VID[-END] tunnel_info id
 * ID[-END]`: the tunnel mapping alone, for a VLAN that exists.
 *
 * @example
 * ```ts
 * const bytes = BridgeVlan.tunnelRequest({ dev: "d0", vid: 100, tunnelId: 1000 }, 4)
 * ```
 * @since 0.2.0
 */
export const tunnelRequest = (v: BridgeVlan, ifindex: number, remove = false): Uint8Array =>
  buildMessage(remove ? RTM_DELLINK : RTM_SETLINK, 0, (w) =>
    encodeBridgeLinkMessage(w, {
      family: AF_BRIDGE,
      pad: 0,
      type: 0,
      index: ifindex,
      flags: 0,
      change: 0,
      afSpec: {
        ...(v.self === true ? { flags: BridgeFlags.self } : {}),
        vlanTunnelInfo: tunnelInfo(v.vid, v.vidEnd ?? v.vid, v.tunnelId ?? 0)
      }
    })
  )

/**
 * RTM_SETLINK (AF_BRIDGE), as `bridge vlan add` sends; with the tunnel
 * mapping after the VLAN when `tunnelId` is given.
 *
 * @example
 * ```ts
 * const bytes = BridgeVlan.addRequest({ dev: "d0", vid: 10, pvid: true, untagged: true }, 4)
 * ```
 * @since 0.2.0
 */
export const addRequest = (v: BridgeVlan, ifindex: number): Uint8Array =>
  buildMessage(RTM_SETLINK, 0, (w) => encodeBridgeLinkMessage(w, toLinkMessage(v, ifindex, true)))

/**
 * RTM_DELLINK (AF_BRIDGE), as `bridge vlan del` sends (the tunnel mapping
 * goes with the VLAN).
 *
 * @example
 * ```ts
 * const bytes = BridgeVlan.removeRequest({ dev: "d0", vid: 20, vidEnd: 30 }, 4)
 * ```
 * @since 0.2.0
 */
export const removeRequest = (v: BridgeVlan, ifindex: number): Uint8Array =>
  buildMessage(RTM_DELLINK, 0, (w) => encodeBridgeLinkMessage(w, toLinkMessage(v, ifindex, false)))

/**
 * RTM_NEWVLAN with the per-VLAN options of `v` (state, mcastRouter), as
 * `bridge vlan set dev DEV vid VID[-END] state STATE mcast_router N` sends;
 * undefined when `v` has none.
 *
 * @example
 * ```ts
 * const bytes = BridgeVlan.optionsRequest({ dev: "d0", vid: 10, state: "blocking" }, 4)
 * ```
 * @since 0.2.0
 */
export const optionsRequest = (v: BridgeVlan, ifindex: number): Uint8Array | undefined => {
  if (v.state === undefined && v.mcastRouter === undefined) return undefined
  const end = v.vidEnd ?? v.vid
  const entry: VlandbEntryAttrs = {
    // ONLY_OPTS: change the options, not the VLAN's membership or flags
    info: { flags: BridgeVlanInfoFlags.onlyOpts, vid: v.vid },
    ...(end !== v.vid ? { range: end } : {}),
    ...(v.state !== undefined ? { state: BrState[v.state] } : {}),
    ...(v.mcastRouter !== undefined ? { mcastRouter: v.mcastRouter } : {})
  }
  return buildMessage(RTM_NEWVLAN, 0, (w) =>
    encodeVlanMessage(w, { family: AF_BRIDGE, reserved1: 0, reserved2: 0, ifindex, entry: [entry] })
  )
}

/**
 * RTM_NEWVLAN with BRIDGE_VLANDB_GLOBAL_OPTIONS, as `bridge vlan global set
 * dev BR vid VID[-END] ...` sends.
 *
 * @example
 * ```ts
 * const bytes = BridgeVlan.globalRequest({ dev: "br0", vid: 10, mcastSnooping: true }, 2)
 * ```
 * @since 0.2.0
 */
export const globalRequest = (g: GlobalOptions, ifindex: number): Uint8Array => {
  const end = g.vidEnd ?? g.vid
  const bool = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0)
  const opts: Record<string, unknown> = {
    id: g.vid,
    range: end !== g.vid ? end : undefined,
    mcastSnooping: bool(g.mcastSnooping),
    mcastIgmpVersion: g.mcastIgmpVersion,
    mcastMldVersion: g.mcastMldVersion,
    mcastLastMemberCnt: g.mcastLastMemberCount,
    mcastStartupQueryCnt: g.mcastStartupQueryCount,
    mcastLastMemberIntvl: g.mcastLastMemberInterval,
    mcastMembershipIntvl: g.mcastMembershipInterval,
    mcastQuerierIntvl: g.mcastQuerierInterval,
    mcastQueryIntvl: g.mcastQueryInterval,
    mcastQueryResponseIntvl: g.mcastQueryResponseInterval,
    mcastStartupQueryIntvl: g.mcastStartupQueryInterval,
    mcastQuerier: bool(g.mcastQuerier),
    msti: g.msti
  }
  for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k]
  return buildMessage(RTM_NEWVLAN, 0, (w) =>
    encodeVlanMessage(w, {
      family: AF_BRIDGE,
      reserved1: 0,
      reserved2: 0,
      ifindex,
      globalOptions: [opts as VlandbGoptsAttrs]
    })
  )
}

/**
 * The RTM_GETVLAN dump request `bridge -d vlan show` sends (with `stats`,
 * BRIDGE_VLANDB_DUMPF_STATS; with `global`, BRIDGE_VLANDB_DUMPF_GLOBAL).
 *
 * @example
 * ```ts
 * const bytes = BridgeVlan.listRequest({ stats: true })
 * ```
 * @since 0.2.0
 */
export const listRequest = (
  o: { readonly stats?: boolean; readonly global?: boolean },
  ifindex?: number
): Uint8Array =>
  buildMessage(RTM_GETVLAN, NLM_F_DUMP, (w) => {
    w.u8(AF_BRIDGE)
    w.u8(0)
    w.u16(0)
    w.u32(ifindex ?? 0)
    // BRIDGE_VLANDB_DUMP_FLAGS shares its number with BRIDGE_VLANDB_ENTRY: written by hand
    w.attrU32(
      BRIDGE_VLANDB_DUMP_FLAGS,
      (o.stats === true ? BridgeVlandbDumpFlags.stats : 0) |
        (o.global === true ? BridgeVlandbDumpFlags.global : 0)
    )
  })

// ---------------------------------------------------------------------------
// operations

const linkOptions = (operation: string) => ({
  headerLength: BridgeLinkMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(BridgeLinkMessageMeta, t),
  operation
})
const vlanOptions = (operation: string) => ({
  headerLength: VlanMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(VlanMessageMeta, t),
  operation
})

const prepare = (input: BridgeVlan) =>
  Effect.gen(function* () {
    const v = yield* validate(schema, input)
    if (v.vidEnd !== undefined && v.vidEnd < v.vid)
      return yield* Effect.fail(invalid("vidEnd", `the range ends (${v.vidEnd}) before it begins (${v.vid})`))
    if (v.tunnelId !== undefined && v.tunnelId + ((v.vidEnd ?? v.vid) - v.vid) > 0xffffffff)
      return yield* Effect.fail(invalid("tunnelId", "the tunnel id range passes 2^32 - 1"))
    const ifindex = yield* linkIndex(v.dev, "dev")
    return { v, ifindex }
  })

/**
 * Adds a VLAN (or range) to a port or, with `self: true`, to the bridge
 * itself, like `bridge vlan add vid VID[-END] dev DEV [pvid] [untagged]
 * [self]`, with its tunnel mapping and per-VLAN options when given. Adding
 * a VLAN that exists updates its flags, as the kernel does. A listed entry
 * recreates itself.
 *
 * @example
 * ```ts
 * yield* BridgeVlan.add({ dev: "eth0", vid: 10, pvid: true, untagged: true })
 * ```
 * @since 0.2.0
 */
export const add = operation("BridgeVlan.add", function* (input: BridgeVlan) {
  const { v, ifindex } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(addRequest(v, ifindex), linkOptions("bridge vlan add"))
  const opts = optionsRequest(v, ifindex)
  if (opts !== undefined) yield* route.request(opts, vlanOptions("bridge vlan set"))
})

/**
 * Sets the per-VLAN options (`state`, `mcastRouter`) of VLANs that exist,
 * like `bridge vlan set dev DEV vid VID[-END] state STATE`.
 *
 * @example
 * ```ts
 * yield* BridgeVlan.set({ dev: "eth0", vid: 10, state: "blocking" })
 * ```
 * @since 0.2.0
 */
export const set = operation("BridgeVlan.set", function* (input: BridgeVlan) {
  const { v, ifindex } = yield* prepare(input)
  const opts = optionsRequest(v, ifindex)
  if (opts === undefined) return yield* Effect.fail(invalid("state", "set needs state or mcastRouter"))
  const { route } = yield* Netlink
  yield* route.request(opts, vlanOptions("bridge vlan set"))
})

/**
 * Removes a VLAN (or range) from a port or the bridge, like `bridge vlan
 * del vid VID[-END] dev DEV [self]`. A listed entry removes exactly itself.
 *
 * @example
 * ```ts
 * yield* BridgeVlan.remove({ dev: "eth0", vid: 20, vidEnd: 30 })
 * ```
 * @since 0.2.0
 */
export const remove = operation("BridgeVlan.remove", function* (input: BridgeVlan) {
  const { v, ifindex } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(removeRequest(v, ifindex), linkOptions("bridge vlan del"))
})

/**
 * Sets a bridge's global options of a VLAN (or range), like `bridge vlan
 * global set dev BR vid VID[-END] mcast_snooping 1 ...`.
 *
 * @example
 * ```ts
 * yield* BridgeVlan.setGlobal({ dev: "br0", vid: 10, mcastSnooping: true, mcastQuerier: true })
 * ```
 * @since 0.2.0
 */
export const setGlobal = operation("BridgeVlan.setGlobal", function* (input: GlobalOptions) {
  const g = yield* validate(GlobalSchema, input)
  if (g.vidEnd !== undefined && g.vidEnd < g.vid)
    return yield* Effect.fail(invalid("vidEnd", `the range ends (${g.vidEnd}) before it begins (${g.vid})`))
  const ifindex = yield* linkIndex(g.dev, "dev")
  const { route } = yield* Netlink
  yield* route.request(globalRequest(g, ifindex), vlanOptions("bridge vlan global set"))
})

type Decode<A> = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => A | undefined

const decodeRaw: Decode<VlanMessage> = (buf, view, start, end, type) =>
  type === RTM_NEWVLAN ? decodeVlanMessage(buf, view, start + 16, end) : undefined

const dump = <A>(filter: Filter | undefined, global: boolean, decode: Decode<A>, key: (a: A) => string) =>
  Effect.gen(function* () {
    const f = yield* validate(FilterSchema, filter ?? {}, "")
    const ifindex = f.dev === undefined ? undefined : yield* linkIndex(f.dev, "dev")
    return yield* consistentDump(listRequest({ stats: f.stats === true, global }, ifindex), decode, key, {
      ...vlanOptions(global ? "bridge vlan global list" : "bridge vlan list"),
      retryInterrupted: 3
    })
  })

const rawKey = (m: VlanMessage): string =>
  `${m.ifindex}|${(m.entry ?? []).map((e) => e.info?.vid).join(",")}|${(m.globalOptions ?? []).map((g) => g.id).join(",")}`

/**
 * The VLANs of every port and bridge (or of `dev`), like `bridge -d vlan
 * show`, with devices by name. The bridge device's own VLANs
 * (BRIDGE_VLAN_INFO_BRENTRY) carry `self: true`.
 *
 * @example
 * ```ts
 * const vlans = yield* BridgeVlan.list({ dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const list = operation("BridgeVlan.list", function* (filter?: Filter) {
  const names = yield* linkNames
  const raw = yield* dump(filter, false, decodeRaw, rawKey)
  // the bridge device's own VLANs are listed on the bridge: those are `self`
  const bridges = new Set(yield* bridgeIndexes)
  const out: Array<BridgeVlan> = []
  for (const m of raw)
    for (const v of fromMessage(m, names)) out.push(bridges.has(m.ifindex) ? { ...v, self: true } : v)
  return out
})

/**
 * Like {@link list}, the decoded RTM_NEWVLAN messages.
 *
 * @example
 * ```ts
 * const raw = yield* BridgeVlan.listRaw({ stats: true })
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("BridgeVlan.listRaw", function* (filter?: Filter) {
  return yield* dump(filter, false, decodeRaw, rawKey)
})

/**
 * Like {@link list}, as a stream.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(BridgeVlan.stream(), (v) => Effect.log(v.vid))
 * ```
 * @since 0.2.0
 */
export const stream = (filter?: Filter): Stream.Stream<BridgeVlan, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(list(filter))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(BridgeVlan.streamRaw(), (m) => Effect.log(m.ifindex))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (filter?: Filter): Stream.Stream<VlanMessage, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(listRaw(filter))

const fromGlobal = (g: VlandbGoptsAttrs, dev: string | number): GlobalOptions => ({
  dev,
  vid: g.id ?? 0,
  vidEnd: g.range !== undefined && g.range !== g.id ? g.range : undefined,
  mcastSnooping: g.mcastSnooping === undefined ? undefined : g.mcastSnooping !== 0,
  mcastIgmpVersion: g.mcastIgmpVersion,
  mcastMldVersion: g.mcastMldVersion,
  mcastLastMemberCount: g.mcastLastMemberCnt,
  mcastStartupQueryCount: g.mcastStartupQueryCnt,
  mcastLastMemberInterval: g.mcastLastMemberIntvl,
  mcastMembershipInterval: g.mcastMembershipIntvl,
  mcastQuerierInterval: g.mcastQuerierIntvl,
  mcastQueryInterval: g.mcastQueryIntvl,
  mcastQueryResponseInterval: g.mcastQueryResponseIntvl,
  mcastStartupQueryInterval: g.mcastStartupQueryIntvl,
  mcastQuerier: g.mcastQuerier === undefined ? undefined : g.mcastQuerier !== 0,
  msti: g.msti
})

/**
 * The global VLAN options of every bridge (or of `dev`), like `bridge -d
 * vlan global show`.
 *
 * @example
 * ```ts
 * const opts = yield* BridgeVlan.listGlobal({ dev: "br0" })
 * ```
 * @since 0.2.0
 */
export const listGlobal = operation("BridgeVlan.listGlobal", function* (filter?: { readonly dev?: LinkRef }) {
  const names = yield* linkNames
  const raw = yield* dump(filter, true, decodeRaw, rawKey)
  return raw.flatMap((m) => (m.globalOptions ?? []).map((g) => fromGlobal(g, names(m.ifindex))))
})

// Bridges by index: a link dump that reads IFLA_LINKINFO's IFLA_INFO_KIND only.
const RTM_NEWLINK = 16
const RTM_GETLINK = 18
const IFLA_LINKINFO = 18
const IFLA_INFO_KIND = 1
const IFLA_EXT_MASK = 29
const RTEXT_FILTER_SKIP_STATS = 1 << 3
const BRIDGE = [0x62, 0x72, 0x69, 0x64, 0x67, 0x65] // "bridge"

const kindIsBridge = (buf: Uint8Array, view: DataView, start: number, end: number): boolean => {
  let off = start + 32 // nlmsghdr, ifinfomsg
  while (off + 4 <= end) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > end) return false
    if ((view.getUint16(off + 2, true) & 0x3fff) === IFLA_LINKINFO) {
      let o = off + 4
      while (o + 4 <= off + len) {
        const l = view.getUint16(o, true)
        if (l < 4) return false
        if ((view.getUint16(o + 2, true) & 0x3fff) === IFLA_INFO_KIND) {
          const n = l - 4 - (buf[o + l - 1] === 0 ? 1 : 0)
          return n === 6 && BRIDGE.every((c, i) => buf[o + 4 + i] === c)
        }
        o += (l + 3) & ~3
      }
      return false
    }
    off += (len + 3) & ~3
  }
  return false
}

const bridgeIndexes: Effect.Effect<ReadonlyArray<number>, NetlinkError, Netlink> = Effect.gen(function* () {
  const { route } = yield* Netlink
  const msg = buildMessage(RTM_GETLINK, NLM_F_DUMP, (w) => {
    w.zeros(16)
    w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
  })
  return yield* route.dumpAll(
    msg,
    (buf, view, start, end, type) =>
      type === RTM_NEWLINK && kindIsBridge(buf, view, start, end)
        ? view.getInt32(start + 20, true)
        : undefined,
    { headerLength: 16, operation: "bridges", retryInterrupted: 3 }
  )
})

/**
 * The global options of each VLAN (range) in one decoded RTM_NEWVLAN message
 * of a global dump (`listRaw` does not ask for them; the state registry does),
 * devices named with `names`.
 *
 * @example
 * ```ts
 * BridgeVlan.globalFromMessage(message, (i) => names.get(i) ?? i)
 * ```
 * @since 0.4.0
 */
export const globalFromMessage = (
  m: VlanMessage,
  names: (index: number) => string | number
): Array<GlobalOptions> => (m.globalOptions ?? []).map((g) => fromGlobal(g, names(m.ifindex)))

/**
 * The global VLAN options of every bridge as decoded messages (a dump with
 * BRIDGE_VLANDB_DUMPF_GLOBAL).
 *
 * @example
 * ```ts
 * const raw = yield* BridgeVlan.listGlobalRaw()
 * ```
 * @since 0.4.0
 */
export const listGlobalRaw = operation("BridgeVlan.listGlobalRaw", function* () {
  return yield* dump(undefined, true, decodeRaw, rawKey)
})

/**
 * The canonical form of global options: undefined fields dropped, a range of
 * one VLAN as that VLAN.
 *
 * @example
 * ```ts
 * BridgeVlan.globalCanonical({ dev: "br0", vid: 10, vidEnd: 10 }) // { dev: "br0", vid: 10 }
 * ```
 * @since 0.4.0
 */
export const globalCanonical = (g: GlobalOptions): GlobalOptions => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(g)) if (v !== undefined) out[k] = v
  if (g.vidEnd === g.vid) delete out.vidEnd
  return out as unknown as GlobalOptions
}

/**
 * The global options object type (`bridge vlan global`): one per bridge and
 * VLAN range, keyed like {@link key}.
 *
 * @example
 * ```ts
 * BridgeVlan.globalModel.key({ dev: "br0", vid: 10, vidEnd: 20 }) // "br0|10-20"
 * ```
 * @since 0.4.0
 */
export const globalModel: ObjectType<GlobalOptions> = {
  name: "bridge-vlan-global",
  schema: GlobalSchema,
  key: (g) => key(g as BridgeVlan),
  equals: (a, b) => deepEqual(globalCanonical(a), globalCanonical(b)),
  canonical: globalCanonical
}
