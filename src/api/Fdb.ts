/**
 * The bridge forwarding database (AF_BRIDGE neighbour entries), as `bridge
 * fdb` manages it: entries of a bridge port (`master`), of a device's own
 * address lists and VXLAN remotes (`self`); list, add, append, replace,
 * remove and bulk flush.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Fdb, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Fdb.add({ mac: "02:00:00:00:00:01", dev: "eth0", master: true, state: "static" })
 *   yield* Fdb.append({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.2" })
 *   // [{ mac: "02:00:00:00:00:01", dev: "eth0", master: true, state: "static", status: {...} }, ...]
 *   return yield* Fdb.list({ master: "br0" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  decodeNeighMessage,
  encodeNeighMessage,
  NdaCacheinfo,
  NeighMessage,
  NeighMessageHeaderSize,
  NeighMessageMeta,
  NeighMessageTypes,
  NtfFlags,
  NudState
} from "../generated/rt-neigh/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { ipToString, parseIp } from "../runtime/Wire.ts"
import {
  AF_BRIDGE,
  buildMessage,
  checkBuilt,
  invalid,
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  operation,
  validate
} from "./internal/Common.ts"
import { consistentDump } from "./internal/Consistent.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { flagNames } from "./internal/Names.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Reads `bridge fdb add|append|replace|del` words into an {@link Fdb} entry
 * (`parseFlush`: `bridge fdb flush`'s filter).
 *
 * @example
 * ```ts
 * Fdb.parse("02:00:00:00:00:01 dev eth0 master static vlan 10")
 * // { mac: "02:00:00:00:00:01", dev: "eth0", master: true, state: "static", vlan: 10 }
 * ```
 * @since 0.3.0
 */
export { parse, parseFlush } from "./parse/Fdb.ts"

/**
 * How an entry lives, by `bridge fdb`'s names: "permanent" (a local entry,
 * NUD_PERMANENT: the bridge delivers to itself), "static" (NUD_NOARP: never
 * ages) and "dynamic" (ages out; the kernel reports it as reachable or stale).
 *
 * @example
 * ```ts
 * const s: Fdb.State = "static"
 * ```
 * @since 0.2.0
 */
export type State = "permanent" | "static" | "dynamic"

/**
 * Entry flags a user sets: "sticky" (NTF_STICKY: the entry never moves to
 * another port), "externLearn" (NTF_EXT_LEARNED: learned by an external
 * control plane), "router" (NTF_ROUTER, VXLAN), and on input "use" (NTF_USE:
 * mark the entry used, an action the kernel does not store).
 *
 * @example
 * ```ts
 * const f: Fdb.FlagName = "sticky"
 * ```
 * @since 0.2.0
 */
export type FlagName = "sticky" | "externLearn" | "router" | "use"

/**
 * What the kernel reports about an entry by itself; equality ignores it and
 * add/replace/remove accept and ignore it.
 *
 * @example
 * ```ts
 * e.status?.master // "br0"
 * ```
 * @since 0.2.0
 */
export interface Status {
  /** The device's index. */
  readonly index: number
  /** NDA_MASTER: the bridge the entry belongs to, by name. */
  readonly master?: string | number | undefined
  /** The state as read ("permanent", "noarp", "reachable", "stale", ...), or a number. */
  readonly state: string | number
  /** Flags the kernel sets ("offloaded", ...). */
  readonly flags: ReadonlyArray<string | number>
  /** NDA_CACHEINFO: ages in clock ticks (confirmed, used, updated) and reference count. */
  readonly cacheinfo?: NdaCacheinfo | undefined
  /** NDA_LINK_NETNSID: namespace id of the VXLAN device's underlay link. */
  readonly linkNetnsid?: number | undefined
  /** NDA_FLAGS_EXT: extended flags (bits of NTF_EXT_*). */
  readonly flagsExt?: number | undefined
}

/**
 * One forwarding database entry: what `list`/`stream` return and what
 * `add`, `append`, `replace` and `remove` take.
 *
 * - `mac` is the link-layer address, `dev` the device it is reached through
 *   (a bridge port, or the VXLAN/other device itself).
 * - `master: true` is an entry of the bridge the device is a port of;
 *   `self: true` an entry of the device itself (its own address list, or a
 *   VXLAN remote). Neither given means `self`, as for `bridge fdb add`.
 * - `state`: "permanent" by default (as `bridge fdb add`), "static" or
 *   "dynamic"; a listed dynamic entry is "dynamic" whatever its age.
 * - VXLAN remotes: `dst` (remote VTEP), `port` (UDP port), `vni`, `via`
 *   (underlay device), `srcVni` (collect-metadata devices), or `nhid` (a
 *   nexthop group of FDB nexthops). The kernel reports `port`, `vni` and
 *   `via` only where they differ from the device's own settings.
 * - A bridge entry added without `vlan` on a port that has VLANs (every
 *   port of a bridge built with VLAN support has its default PVID, 1, even
 *   without VLAN filtering) is added by the kernel once without a VLAN and
 *   once per VLAN of the port: each is its own entry (its own key) and is
 *   listed; removing the one without a VLAN removes the copies too.
 *
 * @example
 * ```ts
 * const e: Fdb.Fdb = { mac: "02:00:00:00:00:01", dev: "eth0", master: true, vlan: 10, state: "static" }
 * const [listed] = yield* Fdb.list({ dev: "eth0" })
 * yield* Fdb.remove(listed)
 * ```
 * @since 0.2.0
 */
export interface Fdb {
  readonly mac: string
  readonly dev: LinkRef
  readonly master?: boolean | undefined
  readonly self?: boolean | undefined
  /** NDA_VLAN: the VLAN id (absent: the entry without a VLAN, VLAN 0). */
  readonly vlan?: number | undefined
  readonly state?: State | undefined
  readonly flags?: ReadonlyArray<FlagName> | undefined
  /** NDA_DST: remote VTEP address. */
  readonly dst?: string | undefined
  /** NDA_PORT: remote UDP port. */
  readonly port?: number | undefined
  /** NDA_VNI: remote VNI. */
  readonly vni?: number | undefined
  /** NDA_SRC_VNI: source VNI (collect-metadata VXLAN devices). */
  readonly srcVni?: number | undefined
  /** NDA_IFINDEX: the device to reach the remote through. */
  readonly via?: LinkRef | undefined
  /** NDA_NH_ID: a nexthop group of FDB nexthops. */
  readonly nhid?: number | undefined
  readonly status?: Status | undefined
}

/**
 * Which entries `list` and `stream` return, as `bridge fdb show [br BR]
 * [brport DEV] [vlan VID] [state STATE]`: `master` (the bridge) and `dev`
 * (the device) are applied by the kernel, `vlan` and `state` here.
 *
 * @example
 * ```ts
 * const f: Fdb.Filter = { master: "br0", state: "static" }
 * ```
 * @since 0.2.0
 */
export interface Filter {
  readonly dev?: LinkRef
  readonly master?: LinkRef
  readonly vlan?: number
  readonly state?: State | ReadonlyArray<State>
}

/**
 * Which entries `flush` removes, as `bridge fdb flush dev DEV [brport DEV]
 * [vlan VID] [self] [master] [[no]permanent | [no]static | [no]dynamic]
 * [[no]added_by_user] [[no]extern_learn] [[no]sticky] [[no]offloaded]`: a
 * condition set to true requires it, false excludes it; left out, it does not
 * matter. `dev` is a bridge (all its entries) or a port (that port's).
 * `dynamic: false` means "static", as bridge reads `nodynamic`.
 *
 * @example
 * ```ts
 * const f: Fdb.FlushFilter = { dev: "br0", permanent: false, vlan: 10 }
 * ```
 * @since 0.2.0
 */
export interface FlushFilter {
  readonly dev: LinkRef
  /** NDA_IFINDEX: only entries of this port. */
  readonly port?: LinkRef | undefined
  readonly vlan?: number | undefined
  readonly master?: boolean | undefined
  readonly self?: boolean | undefined
  readonly permanent?: boolean | undefined
  readonly static?: boolean | undefined
  readonly dynamic?: boolean | undefined
  /** NTF_USE in a flush: entries added by a user. */
  readonly addedByUser?: boolean | undefined
  readonly externLearn?: boolean | undefined
  readonly sticky?: boolean | undefined
  readonly offloaded?: boolean | undefined
}

/**
 * How `list` dumps: `retryInterrupted` re-runs a dump that cannot be shown
 * consistent up to this many times before failing with DumpInterrupted.
 *
 * @example
 * ```ts
 * yield* Fdb.list({ master: "br0" }, { retryInterrupted: 5 })
 * ```
 * @since 0.2.0
 */
export interface ListOptions {
  readonly retryInterrupted?: number
}

// ---------------------------------------------------------------------------
// names

const USER_FLAGS = {
  sticky: NtfFlags.sticky,
  externLearn: NtfFlags.extLearned,
  router: NtfFlags.router,
  use: NtfFlags.use
} as const
const STORED_USER_BITS = NtfFlags.sticky | NtfFlags.extLearned | NtfFlags.router
const KERNEL_FLAGS: Readonly<Record<string, number>> = { offloaded: NtfFlags.offloaded }
const STATE_BITS: Readonly<Record<State, number>> = {
  // what bridge sends for `local`/`permanent`, `static` and `dynamic`
  permanent: NudState.permanent | NudState.noarp,
  static: NudState.noarp | NudState.reachable,
  dynamic: NudState.reachable
}
const STATE_NAMES: Readonly<Record<string, number>> = { ...NudState }

const userFlagCache = new Map<number, ReadonlyArray<FlagName> | undefined>()
const userFlags = (bits: number): ReadonlyArray<FlagName> | undefined => {
  const v = bits & STORED_USER_BITS
  if (v === 0) return undefined
  let out = userFlagCache.get(v)
  if (out === undefined) {
    out = Object.freeze(flagNames(v, USER_FLAGS) as Array<FlagName>)
    userFlagCache.set(v, out)
  }
  return out
}
const kernelFlagCache = new Map<number, ReadonlyArray<string | number>>()
const kernelFlags = (bits: number): ReadonlyArray<string | number> => {
  const v = bits & ~(STORED_USER_BITS | NtfFlags.self | NtfFlags.master | NtfFlags.use)
  let out = kernelFlagCache.get(v)
  if (out === undefined) {
    out = Object.freeze(flagNames(v, KERNEL_FLAGS))
    kernelFlagCache.set(v, out)
  }
  return out
}
const rawStateCache = new Map<number, string | number>()
const rawStateName = (s: number): string | number => {
  let out = rawStateCache.get(s)
  if (out === undefined) {
    const names = flagNames(s, STATE_NAMES)
    out = s === 0 ? "none" : names.length === 1 ? names[0]! : names.join(",")
    rawStateCache.set(s, out)
  }
  return out
}

const stateOf = (bits: number): State =>
  (bits & NudState.permanent) !== 0 ? "permanent" : (bits & NudState.noarp) !== 0 ? "static" : "dynamic"

// ---------------------------------------------------------------------------
// schemas (field names are the user's, for Validation paths)

const DevRef = Schema.Union([Schema.String, Schema.Number])
const StateInput = Schema.Literals(["permanent", "static", "dynamic"])
const FlagList = Schema.Array(Schema.Literals(["sticky", "externLearn", "router", "use"]))
const Vlan = P.intBetween(P.U16, 1, 4094)
const Vni = P.intBetween(P.U32, 0, 0xffffff)

const StatusSchema = Schema.Struct({
  index: P.U32,
  master: Schema.optional(Schema.Union([Schema.String, Schema.Number])),
  state: Schema.Union([Schema.String, Schema.Number]),
  flags: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  cacheinfo: Schema.optional(NdaCacheinfo),
  linkNetnsid: Schema.optional(Schema.Number),
  flagsExt: Schema.optional(Schema.Number)
})

/**
 * The Schema of {@link Fdb}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Fdb.schema)({ mac: "02:00:00:00:00:01", dev: "eth0", master: true })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Fdb, any> = Schema.Struct({
  mac: P.MacAddress,
  dev: DevRef,
  master: Schema.optional(Schema.Boolean),
  self: Schema.optional(Schema.Boolean),
  vlan: Schema.optional(Vlan),
  state: Schema.optional(StateInput),
  flags: Schema.optional(FlagList),
  dst: Schema.optional(P.InetAddress),
  port: Schema.optional(P.U16),
  vni: Schema.optional(Vni),
  srcVni: Schema.optional(Vni),
  via: Schema.optional(DevRef),
  nhid: Schema.optional(P.intBetween(P.U32, 1, 0xffffffff)),
  status: Schema.optional(StatusSchema)
}) as any

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  master: Schema.optionalKey(DevRef),
  vlan: Schema.optionalKey(Vlan),
  state: Schema.optionalKey(Schema.Union([StateInput, Schema.Array(StateInput)]))
})

const FlushSchema: Schema.Codec<FlushFilter, any> = Schema.Struct({
  dev: DevRef,
  port: Schema.optional(DevRef),
  vlan: Schema.optional(Vlan),
  master: Schema.optional(Schema.Boolean),
  self: Schema.optional(Schema.Boolean),
  permanent: Schema.optional(Schema.Boolean),
  static: Schema.optional(Schema.Boolean),
  dynamic: Schema.optional(Schema.Boolean),
  addedByUser: Schema.optional(Schema.Boolean),
  externLearn: Schema.optional(Schema.Boolean),
  sticky: Schema.optional(Schema.Boolean),
  offloaded: Schema.optional(Schema.Boolean)
}) as any

const ListOptionsSchema = Schema.Struct({
  retryInterrupted: Schema.optionalKey(P.intBetween(P.U32, 0, 1000))
})

const RTM_NEWNEIGH = NeighMessageTypes.RTM_NEWNEIGH
const RTM_DELNEIGH = NeighMessageTypes.RTM_DELNEIGH
const RTM_GETNEIGH = NeighMessageTypes.RTM_GETNEIGH
/** NLM_F_BULK (linux/netlink.h, 6.0+): a delete request that removes every match. */
const NLM_F_BULK = 0x200

const inputFlagBits = (flags: ReadonlyArray<FlagName> | undefined): number => {
  let bits = 0
  for (const f of flags ?? []) bits |= USER_FLAGS[f]
  return bits
}

// ---------------------------------------------------------------------------
// the model

/**
 * The entry a decoded AF_BRIDGE RTM_NEWNEIGH message describes; `names`
 * gives a device's name by index (a number when it has none).
 *
 * @example
 * ```ts
 * const raw = yield* Fdb.listRaw()
 * raw.map((m) => Fdb.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: NeighMessage, names: (index: number) => string | number): Fdb => {
  // An entry of a device's own table carries NTF_SELF; one of its bridge's
  // does not, except the bridge's own entries (dev and master the bridge),
  // which `bridge fdb add ... dev BR self` makes.
  const self = (m.flags & NtfFlags.self) !== 0 || (m.master !== undefined && m.master === m.ifindex)
  return {
    mac: m.lladdr ?? "",
    dev: names(m.ifindex),
    master: self ? undefined : true,
    self: self ? true : undefined,
    vlan: m.vlan,
    state: stateOf(m.state),
    flags: userFlags(m.flags),
    dst: m.dst,
    port: m.port,
    vni: m.vni,
    srcVni: m.srcVni,
    via: m.ndaIfindex === undefined ? undefined : names(m.ndaIfindex),
    nhid: m.nhId,
    status: {
      index: m.ifindex,
      master: m.master === undefined ? undefined : names(m.master),
      state: rawStateName(m.state),
      flags: kernelFlags(m.flags),
      cacheinfo: m.cacheinfo,
      linkNetnsid: m.linkNetnsid,
      flagsExt: m.flagsExt
    }
  }
}

/**
 * The canonical form of an entry: `self` when neither `self` nor `master`
 * is given (as `bridge fdb add`), state "permanent" when none is given, the
 * MAC in lowercase, `dst` in its standard text, flags in a fixed order with
 * "use" dropped (the kernel does not store it), status dropped.
 *
 * @example
 * ```ts
 * Fdb.canonical({ mac: "02:00:00:00:00:0A", dev: "vx0" }) // { mac: "02:00:00:00:00:0a", dev: "vx0", self: true, state: "permanent" }
 * ```
 * @since 0.2.0
 */
export const canonical = (e: Fdb): Fdb => {
  const out: { -readonly [K in keyof Fdb]: Fdb[K] } = { mac: e.mac.toLowerCase(), dev: e.dev }
  if (e.master === true) out.master = true
  if (e.self === true || e.master !== true) out.self = true
  if (e.vlan !== undefined) out.vlan = e.vlan
  out.state = e.state ?? "permanent"
  const f = userFlags(inputFlagBits(e.flags))
  if (f !== undefined) out.flags = [...f]
  if (e.dst !== undefined) {
    const bytes = parseIp(e.dst)
    out.dst = bytes === undefined ? e.dst : ipToString(bytes, 0, bytes.length)
  }
  if (e.port !== undefined) out.port = e.port
  if (e.vni !== undefined) out.vni = e.vni
  if (e.srcVni !== undefined) out.srcVni = e.srcVni
  if (e.via !== undefined) out.via = e.via
  if (e.nhid !== undefined) out.nhid = e.nhid
  return out
}

/**
 * Whether two entries have the same configuration (status ignored).
 *
 * @example
 * ```ts
 * Fdb.equals({ mac: "02:00:00:00:00:01", dev: "vx0" }, { mac: "02:00:00:00:00:01", dev: "vx0", self: true, state: "permanent" }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Fdb, b: Fdb): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of an entry as the kernel defines it: device, MAC, VLAN,
 * which table (master or self), and for a VXLAN remote its destination,
 * port, VNI, source VNI and underlay device.
 *
 * @example
 * ```ts
 * Fdb.key({ mac: "02:00:00:00:00:01", dev: "d0", master: true, vlan: 10 }) // "d0|02:00:00:00:00:01|10|master||||||"
 * ```
 * @since 0.2.0
 */
export const key = (e: Fdb): string => {
  const c = canonical(e)
  const table = c.master === true ? (c.self === true ? "master+self" : "master") : "self"
  return `${c.dev}|${c.mac}|${c.vlan ?? ""}|${table}|${c.dst ?? ""}|${c.port ?? ""}|${c.vni ?? ""}|${c.srcVni ?? ""}|${c.via ?? ""}|${c.nhid ?? ""}`
}

/**
 * The FDB entry object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Fdb.model.key(entry)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Fdb> = { name: "fdb", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// pure request builders

/** Device indexes an entry names, resolved. */
export interface Resolved {
  readonly ifindex: number
  readonly via?: number | undefined
}

/**
 * The message `add`/`append`/`replace`/`remove` send for `entry` (no
 * nlmsghdr), as `bridge fdb add MAC dev DEV ...` builds it.
 *
 * @example
 * ```ts
 * Fdb.toMessage({ mac: "02:00:00:00:00:01", dev: "d0", master: true }, { ifindex: 3 }).flags // 4 (NTF_MASTER)
 * ```
 * @since 0.2.0
 */
export const toMessage = (e: Fdb, r: Resolved): NeighMessage => {
  let flags = inputFlagBits(e.flags)
  if (e.self === true) flags |= NtfFlags.self
  if (e.master === true) flags |= NtfFlags.master
  if ((flags & (NtfFlags.self | NtfFlags.master)) === 0) flags |= NtfFlags.self
  return {
    family: AF_BRIDGE,
    pad1: 0,
    pad2: 0,
    ifindex: r.ifindex,
    state: STATE_BITS[e.state ?? "permanent"],
    flags,
    type: 0,
    lladdr: e.mac,
    ...(e.dst !== undefined ? { dst: e.dst } : {}),
    ...(e.vlan !== undefined ? { vlan: e.vlan } : {}),
    ...(e.port !== undefined ? { port: e.port } : {}),
    ...(e.vni !== undefined ? { vni: e.vni } : {}),
    ...(r.via !== undefined ? { ndaIfindex: r.via } : {}),
    ...(e.srcVni !== undefined ? { srcVni: e.srcVni } : {}),
    ...(e.nhid !== undefined ? { nhId: e.nhid } : {})
  }
}

const build = (type: number, flags: number, m: NeighMessage): Uint8Array =>
  buildMessage(type, flags, (w) => encodeNeighMessage(w, m))

/**
 * RTM_NEWNEIGH with NLM_F_CREATE|NLM_F_EXCL, as `bridge fdb add` sends.
 *
 * @example
 * ```ts
 * const bytes = Fdb.addRequest({ mac: "02:00:00:00:00:01", dev: "d0", master: true }, { ifindex: 3 })
 * ```
 * @since 0.2.0
 */
export const addRequest = (e: Fdb, r: Resolved): Uint8Array =>
  build(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, toMessage(e, r))

/**
 * RTM_NEWNEIGH with NLM_F_CREATE|NLM_F_APPEND, as `bridge fdb append` sends
 * (one more remote for a VXLAN entry).
 *
 * @example
 * ```ts
 * const bytes = Fdb.appendRequest({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.2" }, { ifindex: 5 })
 * ```
 * @since 0.2.0
 */
export const appendRequest = (e: Fdb, r: Resolved): Uint8Array =>
  build(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, toMessage(e, r))

/**
 * RTM_NEWNEIGH with NLM_F_CREATE|NLM_F_REPLACE, as `bridge fdb replace` sends.
 *
 * @example
 * ```ts
 * const bytes = Fdb.replaceRequest({ mac: "02:00:00:00:00:01", dev: "d0", master: true }, { ifindex: 3 })
 * ```
 * @since 0.2.0
 */
export const replaceRequest = (e: Fdb, r: Resolved): Uint8Array =>
  build(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, toMessage(e, r))

/**
 * RTM_DELNEIGH, as `bridge fdb del` sends (a VXLAN entry's remote given by
 * `dst`/`port`/`vni`/`via` removes that remote only).
 *
 * @example
 * ```ts
 * const bytes = Fdb.removeRequest({ mac: "02:00:00:00:00:01", dev: "d0", master: true }, { ifindex: 3 })
 * ```
 * @since 0.2.0
 */
export const removeRequest = (e: Fdb, r: Resolved): Uint8Array => build(RTM_DELNEIGH, 0, toMessage(e, r))

/**
 * The dump request `bridge fdb show [br BR] [brport DEV]` sends: AF_BRIDGE,
 * the device in the header's ifindex, NDA_MASTER for the bridge.
 *
 * @example
 * ```ts
 * const bytes = Fdb.listRequest(undefined, 2)
 * ```
 * @since 0.2.0
 */
export const listRequest = (ifindex?: number, masterIndex?: number): Uint8Array =>
  build(RTM_GETNEIGH, NLM_F_DUMP, {
    family: AF_BRIDGE,
    pad1: 0,
    pad2: 0,
    ifindex: ifindex ?? 0,
    state: 0,
    flags: 0,
    type: 0,
    ...(masterIndex !== undefined ? { master: masterIndex } : {})
  })

/** Resolved devices of a flush. */
export interface FlushResolved {
  readonly ifindex: number
  readonly port?: number | undefined
}

/**
 * The bulk delete `bridge fdb flush` sends: RTM_DELNEIGH with NLM_F_BULK,
 * the wanted state and flags in the header and which of them matter in
 * NDA_NDM_STATE_MASK / NDA_NDM_FLAGS_MASK (kernel 6.0+).
 *
 * @example
 * ```ts
 * const bytes = Fdb.flushRequest({ dev: "br0", permanent: false }, { ifindex: 2 })
 * ```
 * @since 0.2.0
 */
export const flushRequest = (f: FlushFilter, r: FlushResolved): Uint8Array => {
  let state = 0
  let stateMask = 0
  let flags = 0
  let flagsMask = 0
  const cond = (v: boolean | undefined, bit: number, isState: boolean) => {
    if (v === undefined) return
    if (isState) {
      stateMask |= bit
      if (v) state |= bit
      else state &= ~bit
    } else {
      flagsMask |= bit
      if (v) flags |= bit
      else flags &= ~bit
    }
  }
  cond(f.permanent, NudState.permanent, true)
  cond(f.static, NudState.noarp, true)
  if (f.dynamic === true) {
    stateMask |= NudState.permanent | NudState.noarp
    state &= ~(NudState.permanent | NudState.noarp)
  } else if (f.dynamic === false) {
    // bridge's `nodynamic`: static entries
    stateMask |= NudState.noarp
    state |= NudState.noarp
  }
  cond(f.addedByUser, NtfFlags.use, false)
  cond(f.externLearn, NtfFlags.extLearned, false)
  cond(f.sticky, NtfFlags.sticky, false)
  cond(f.offloaded, NtfFlags.offloaded, false)
  if (f.self === true) flags |= NtfFlags.self
  if (f.master === true) flags |= NtfFlags.master
  if ((flags & (NtfFlags.self | NtfFlags.master)) === 0) flags |= NtfFlags.self
  return build(RTM_DELNEIGH, NLM_F_BULK, {
    family: AF_BRIDGE,
    pad1: 0,
    pad2: 0,
    ifindex: r.ifindex,
    state,
    flags,
    type: 0,
    ...(f.vlan !== undefined ? { vlan: f.vlan } : {}),
    ...(r.port !== undefined ? { ndaIfindex: r.port } : {}),
    ...(stateMask !== 0 ? { ndmStateMask: stateMask } : {}),
    ...(flagsMask !== 0 ? { ndmFlagsMask: flagsMask } : {})
  })
}

// ---------------------------------------------------------------------------
// operations

const options = (operation: string) => ({
  headerLength: NeighMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(NeighMessageMeta, t),
  operation
})

const prepare = (input: Fdb) =>
  Effect.gen(function* () {
    const valid = yield* validate(schema, input)
    if (
      valid.nhid !== undefined &&
      (valid.dst !== undefined || valid.port !== undefined || valid.vni !== undefined)
    )
      return yield* Effect.fail(invalid("nhid", "nhid cannot be given with dst, port or vni"))
    const ifindex = yield* linkIndex(valid.dev, "dev")
    const via = valid.via === undefined ? undefined : yield* linkIndex(valid.via, "via")
    return yield* checkBuilt(NeighMessage, toMessage(valid, { ifindex, via }))
  })

const send = (type: number, flags: number, input: Fdb, operation: string) =>
  Effect.gen(function* () {
    const m = yield* prepare(input)
    const { route } = yield* Netlink
    yield* route.request(build(type, flags, m), options(operation))
  })

/**
 * Adds an entry, like `bridge fdb add MAC dev DEV [master|self] [STATE]
 * [vlan VID] [dst IP] ...`; fails with EEXIST if one exists. A listed entry
 * recreates itself.
 *
 * @example
 * ```ts
 * yield* Fdb.add({ mac: "02:00:00:00:00:01", dev: "eth0", master: true, state: "static", flags: ["sticky"] })
 * ```
 * @since 0.2.0
 */
export const add = operation("Fdb.add", function* (input: Fdb) {
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, input, "fdb add")
})

/**
 * Adds one more remote to a VXLAN entry (or the entry), like `bridge fdb
 * append`.
 *
 * @example
 * ```ts
 * yield* Fdb.append({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.3" })
 * ```
 * @since 0.2.0
 */
export const append = operation("Fdb.append", function* (input: Fdb) {
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, input, "fdb append")
})

/**
 * Adds or replaces an entry, like `bridge fdb replace`.
 *
 * @example
 * ```ts
 * yield* Fdb.replace({ mac: "02:00:00:00:00:01", dev: "eth1", master: true, state: "static" })
 * ```
 * @since 0.2.0
 */
export const replace = operation("Fdb.replace", function* (input: Fdb) {
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, input, "fdb replace")
})

/**
 * Removes an entry, like `bridge fdb del`; fails with ENOENT if there is
 * none. A listed entry removes exactly itself (for a VXLAN entry with
 * several remotes, that remote).
 *
 * @example
 * ```ts
 * yield* Fdb.remove({ mac: "02:00:00:00:00:01", dev: "eth0", master: true })
 * ```
 * @since 0.2.0
 */
export const remove = operation("Fdb.remove", function* (input: Fdb) {
  yield* send(RTM_DELNEIGH, 0, input, "fdb remove")
})

/**
 * Removes every entry that matches, in one bulk request, like `bridge fdb
 * flush` (kernel 6.0+; older kernels answer EINVAL or EOPNOTSUPP).
 *
 * @example
 * ```ts
 * // the dynamic entries of port eth0
 * yield* Fdb.flush({ dev: "br0", port: "eth0", master: true, dynamic: true })
 * ```
 * @since 0.2.0
 */
export const flush = operation("Fdb.flush", function* (input: FlushFilter) {
  const f = yield* validate(FlushSchema, input)
  const ifindex = yield* linkIndex(f.dev, "dev")
  const port = f.port === undefined ? undefined : yield* linkIndex(f.port, "port")
  const { route } = yield* Netlink
  yield* route.request(flushRequest(f, { ifindex, port }), options("fdb flush"))
})

type Decode<A> = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => A | undefined

interface Plan {
  readonly request: Uint8Array
  readonly decode: Decode<NeighMessage>
}

const plan = (input: Filter | undefined): Effect.Effect<Plan, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const filter = yield* validate(FilterSchema, input ?? {}, "")
    const ifindex = filter.dev === undefined ? undefined : yield* linkIndex(filter.dev, "dev")
    const master = filter.master === undefined ? undefined : yield* linkIndex(filter.master, "master")
    const states =
      filter.state === undefined
        ? undefined
        : new Set<State>(Array.isArray(filter.state) ? filter.state : [filter.state as State])
    const vlan = filter.vlan
    const request = listRequest(ifindex, master)
    const decode: Decode<NeighMessage> = (buf, view, start, end, type) => {
      if (type !== RTM_NEWNEIGH || view.getUint8(start + 16) !== AF_BRIDGE) return undefined
      // the kernel dumps every entry of a device given by index, whatever its bridge
      if (ifindex !== undefined && view.getInt32(start + 20, true) !== ifindex) return undefined
      if (states !== undefined && !states.has(stateOf(view.getUint16(start + 24, true)))) return undefined
      const m = decodeNeighMessage(buf, view, start + 16, end)
      if (vlan !== undefined && m.vlan !== vlan) return undefined
      return m
    }
    return { request, decode }
  })

const dumpOptions = (operation: string, o: ListOptions | undefined) =>
  Effect.map(validate(ListOptionsSchema, o ?? {}, "options"), (v) => ({
    ...options(operation),
    retryInterrupted: v.retryInterrupted ?? 0
  }))

const rawKey = (m: NeighMessage): string =>
  `${m.ifindex}|${m.lladdr}|${m.vlan}|${m.flags & NtfFlags.self}|${m.dst}|${m.port}|${m.vni}|${m.srcVni}|${m.ndaIfindex}|${m.nhId}`

/**
 * The forwarding database entries, like `bridge fdb show [br BR] [brport
 * DEV] [vlan VID] [state STATE]`, with devices by name: a bridge's entries
 * (`master: true`) and the devices' own (`self: true`: address lists, VXLAN
 * remotes).
 *
 * @example
 * ```ts
 * const entries = yield* Fdb.list({ master: "br0", vlan: 10 })
 * ```
 * @since 0.2.0
 */
export const list = operation("Fdb.list", function* (filter?: Filter, o?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("fdb list", o)
  const names = yield* linkNames
  const decode: Decode<Fdb> = (buf, view, start, end, type) => {
    const m = p.decode(buf, view, start, end, type)
    return m === undefined ? undefined : fromMessage(m, names)
  }
  return uniqueByKey(yield* consistentDump(p.request, decode, key, opts))
})

// Linux 7.3 answers a dump filtered by master with each of a port's bridge
// entries twice (as `bridge fdb show br BR` prints them); one object per key.
const uniqueByKey = (entries: ReadonlyArray<Fdb>): ReadonlyArray<Fdb> => {
  const seen = new Set<string>()
  const out: Array<Fdb> = []
  for (const e of entries) {
    const k = key(e)
    if (!seen.has(k)) {
      seen.add(k)
      out.push(e)
    }
  }
  return out
}

/**
 * Like {@link list}, the decoded messages as the kernel sent them.
 *
 * @example
 * ```ts
 * const raw = yield* Fdb.listRaw({ master: "br0" })
 * raw[0].cacheinfo?.updated
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Fdb.listRaw", function* (filter?: Filter, o?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("fdb list", o)
  return yield* consistentDump(p.request, p.decode, rawKey, opts)
})

/**
 * Like {@link list}, as a stream.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Fdb.stream({ master: "br0" }), (e) => Effect.log(e.mac))
 * ```
 * @since 0.2.0
 */
export const stream = (filter?: Filter, o?: ListOptions): Stream.Stream<Fdb, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(list(filter, o))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Fdb.streamRaw(), (m) => Effect.log(m.lladdr))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (
  filter?: Filter,
  o?: ListOptions
): Stream.Stream<NeighMessage, NetlinkError, Netlink> => Stream.fromIterableEffect(listRaw(filter, o))
