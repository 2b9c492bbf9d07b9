/**
 * Nexthop objects, as `ip nexthop` manages them: single nexthops (gateway,
 * device, onlink, blackhole, fdb), groups of them (weighted multipath, or
 * resilient with buckets and timers), resilient-group buckets, and routes
 * that use them through `nexthopId` (RTA_NH_ID). Requests carry what `ip
 * nexthop add/replace/del/get` send for the same options.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Netlink, Nexthop, Route } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Nexthop.add({ id: 1, gateway: "10.0.0.1", dev: "eth0" })
 *   yield* Nexthop.add({ id: 2, gateway: "10.0.0.2", dev: "eth0" })
 *   yield* Nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] })
 *   yield* Route.add({ destination: "10.9.0.0/16", nexthopId: 10 })
 *   return yield* Nexthop.list({ groups: true })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  decodeNexthopBucketMessage,
  decodeNexthopMessage,
  encodeNexthopBucketMessage,
  encodeNexthopMessage,
  type NexthopBucketMessage,
  NexthopBucketMessageTypes,
  NexthopGrpType,
  NexthopMessage,
  NexthopMessageHeaderSize,
  NexthopMessageMeta,
  NexthopMessageTypes,
  NhaOpFlags
} from "../generated/rt-nexthop/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { ipToString, parseIp } from "../runtime/Wire.ts"
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
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { type LinkNames, type LinkRef, linkIndex, linkNames, linkNamesOf } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import * as Encap from "./nexthop/Encap.ts"

/**
 * Reads `ip nexthop add|replace|del|get` words into a {@link Nexthop}.
 *
 * @example
 * ```ts
 * Nexthop.parse("id 1 via 10.0.0.1 dev eth0")
 * // { id: 1, gateway: "10.0.0.1", dev: "eth0" }
 * ```
 * @since 0.3.0
 */
export { parse, parseBucketGet, parseBuckets } from "./parse/Nexthop.ts"

/**
 * Group types and NHA_OP_FLAGS bits by name, for {@link listRaw}'s messages.
 *
 * @example
 * ```ts
 * raw.groupType === Nexthop.NexthopGrpType.res
 * ```
 * @since 0.2.0
 */
export { NexthopGrpType, NhaOpFlags }

const RTM_NEWNEXTHOP = NexthopMessageTypes.RTM_NEWNEXTHOP
const RTM_DELNEXTHOP = NexthopMessageTypes.RTM_DELNEXTHOP
const RTM_GETNEXTHOP = NexthopMessageTypes.RTM_GETNEXTHOP
const RTM_NEWNEXTHOPBUCKET = NexthopBucketMessageTypes.RTM_NEWNEXTHOPBUCKET
const RTM_GETNEXTHOPBUCKET = NexthopBucketMessageTypes.RTM_GETNEXTHOPBUCKET

// RTNH_F_* bits of nhmsg.nh_flags: onlink is configuration, the rest the kernel's.
const RTNH_F_ONLINK = 0x04
const KERNEL_FLAGS: Readonly<Record<string, number>> = {
  dead: 0x01,
  pervasive: 0x02,
  offload: 0x08,
  linkdown: 0x10,
  unresolved: 0x20,
  trap: 0x40
}
// clock_t values reach user space in USER_HZ, 100 per second on every architecture.
const USER_HZ = 100
const GRP_SIZE = 8

/**
 * One member of a group: a nexthop id and its weight (1..65536; default 1;
 * above 256 needs a kernel from 6.12).
 *
 * @example
 * ```ts
 * const m: Nexthop.Member = { id: 2, weight: 3 }
 * ```
 * @since 0.2.0
 */
export interface Member {
  readonly id: number
  readonly weight?: number | undefined
}

/**
 * Resilient group parameters (`ip nexthop ... type resilient buckets N
 * idle_timer S unbalanced_timer S`), timers in seconds. `buckets` is
 * required when adding; kernel defaults: idle timer 120 s, unbalanced timer 0
 * (off).
 *
 * @example
 * ```ts
 * const r: Nexthop.Resilient = { buckets: 32, idleTimer: 100, unbalancedTimer: 200 }
 * ```
 * @since 0.2.0
 */
export interface Resilient {
  readonly buckets?: number | undefined
  readonly idleTimer?: number | undefined
  readonly unbalancedTimer?: number | undefined
}

/**
 * Packet counters of one group member (`ip -s nexthop`), asked for with
 * `list(filter, { stats: true })`; kernels from 6.10.
 *
 * @example
 * ```ts
 * nh.status?.groupStats?.[0]?.packets // 12n
 * ```
 * @since 0.2.0
 */
export interface MemberStats {
  readonly id: number
  readonly packets: bigint
  readonly packetsHw?: bigint | undefined
}

/**
 * What the kernel reports about a nexthop by itself; equality ignores it and
 * add/remove accept and ignore it.
 *
 * @example
 * ```ts
 * nh.status?.scope // "link"
 * ```
 * @since 0.2.0
 */
export interface Status {
  /** Scope the kernel derived ("link" with a gateway, "host" for a device alone). */
  readonly scope: string | number
  /** RTNH_F_* flags the kernel sets: "dead", "linkdown", "offload", "trap", ... */
  readonly flags: ReadonlyArray<string | number>
  /** Seconds a resilient group has been unbalanced. */
  readonly unbalancedTime?: number | undefined
  /** Per-member counters, when asked for (kernels from 6.10). */
  readonly groupStats?: ReadonlyArray<MemberStats> | undefined
  /** NHA_HW_STATS_USED: hardware counters in use, when statistics were asked for. */
  readonly hwStatsUsed?: boolean | undefined
}

/**
 * A nexthop object: what `list`/`get`/`stream` return and what `add`,
 * `replace` and `remove` take. A single nexthop has a `gateway` and/or a
 * `dev` (or is a `blackhole`); a group has `group` members and a `type`
 * ("mpath", the default, or "resilient" with `resilient` parameters). `fdb`
 * marks a nexthop (or group) for bridge FDB entries (a gateway and no
 * device). `family` is the gateway's (default "inet", as `ip`); groups have
 * none. Without `id` the kernel picks one.
 *
 * @example
 * ```ts
 * const single: Nexthop.Nexthop = { id: 1, gateway: "10.0.0.1", dev: "eth0", protocol: "static" }
 * const group: Nexthop.Nexthop = { id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] }
 * const res: Nexthop.Nexthop = { id: 11, group: [{ id: 1 }, { id: 2 }], type: "resilient", resilient: { buckets: 32 } }
 * ```
 * @since 0.2.0
 */
export interface Nexthop {
  /** NHA_ID; the identity. */
  readonly id?: number | undefined
  /** nh_family of a single nexthop: that of its gateway, else "inet". */
  readonly family?: "inet" | "inet6" | undefined
  /** NHA_GATEWAY. */
  readonly gateway?: string | undefined
  /** NHA_OIF by name (or index). */
  readonly dev?: LinkRef | undefined
  /** RTNH_F_ONLINK: the gateway is on the device even without a matching prefix. */
  readonly onlink?: boolean | undefined
  /** NHA_BLACKHOLE: drop packets. */
  readonly blackhole?: boolean | undefined
  /** NHA_FDB: for bridge FDB entries (vxlan). */
  readonly fdb?: boolean | undefined
  /** NHA_ENCAP_TYPE + NHA_ENCAP: lightweight-tunnel encapsulation (mpls, ip, ip6, ...). */
  readonly encap?: Encap.Encap | undefined
  /** Who installed it ("static", "boot", ... or a number); omitted means 0 (unspec). */
  readonly protocol?: string | number | undefined
  /** NHA_GROUP members. */
  readonly group?: ReadonlyArray<Member> | undefined
  /** NHA_GROUP_TYPE of a group. */
  readonly type?: "mpath" | "resilient" | undefined
  /** NHA_RES_GROUP of a resilient group. */
  readonly resilient?: Resilient | undefined
  readonly status?: Status | undefined
}

/**
 * What add, replace and remove take: a {@link Nexthop}.
 *
 * @example
 * ```ts
 * const o: Nexthop.Options = { id: 3, blackhole: true }
 * ```
 * @since 0.2.0
 */
export type Options = Nexthop

/**
 * Which nexthops `list` returns, like `ip nexthop show [dev D] [groups]
 * [fdb] [master M] [proto P]`: the kernel filters by device, groups and master;
 * `protocol` and `fdb` are applied here (the request carries NHA_FDB as
 * ip's does, but kernels return every nexthop for it).
 *
 * @example
 * ```ts
 * const f: Nexthop.Filter = { dev: "eth0" }
 * ```
 * @since 0.2.0
 */
export interface Filter {
  readonly dev?: LinkRef
  readonly groups?: boolean
  readonly fdb?: boolean
  readonly master?: LinkRef
  readonly protocol?: string | number
}

/**
 * How `list` dumps: `stats` asks for group member counters (NHA_OP_FLAGS,
 * kernels from 6.10; older kernels refuse the request).
 *
 * @example
 * ```ts
 * yield* Nexthop.list({ groups: true }, { stats: true })
 * ```
 * @since 0.2.0
 */
export interface ListOptions {
  readonly stats?: boolean
}

/**
 * One bucket of a resilient group, as `ip nexthop bucket show` prints it.
 *
 * @example
 * ```ts
 * const b: Nexthop.Bucket = { id: 11, index: 3, nexthop: 2, status: { idleTime: 0.5, flags: [] } }
 * ```
 * @since 0.2.0
 */
export interface Bucket {
  /** The group's id. */
  readonly id: number
  readonly index: number
  /** Id of the nexthop the bucket holds. */
  readonly nexthop: number
  readonly status: { readonly idleTime: number; readonly flags: ReadonlyArray<string | number> }
}

/**
 * Which buckets {@link buckets} returns (`ip nexthop bucket show [id G]
 * [nhid N] [dev D] [master M]`), all filtered by the kernel.
 *
 * @example
 * ```ts
 * const f: Nexthop.BucketFilter = { id: 11, nexthop: 2 }
 * ```
 * @since 0.2.0
 */
export interface BucketFilter {
  readonly id?: number
  readonly nexthop?: number
  readonly dev?: LinkRef
  readonly master?: LinkRef
}

// ---------------------------------------------------------------------------
// schemas

const LinkRefInput = Schema.Union([P.DeviceName, P.intBetween(P.U32, 1, 0x7fffffff)])
const ProtocolInput = Schema.Union([
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const n = Names.protocol.number(s)
        return (n !== undefined && n <= 0xff) || `"${s}" is not a protocol name (static, boot, ...) or 0..255`
      },
      { expected: "a protocol name or number" }
    )
  ),
  P.U8
])
const Id = P.intBetween(P.U32, 1, 0xffffffff)
const MemberSchema = Schema.Struct({
  id: Id,
  weight: Schema.optional(P.intBetween(P.U32, 1, 65536))
})
const ResilientSchema = Schema.Struct({
  buckets: Schema.optional(P.intBetween(P.U16, 1, 0xffff)),
  // seconds; the kernel takes clock ticks as u32
  idleTimer: Schema.optional(P.intBetween(P.U32, 0, Math.floor(0xffffffff / USER_HZ))),
  unbalancedTimer: Schema.optional(P.intBetween(P.U32, 0, Math.floor(0xffffffff / USER_HZ)))
})
const StatusSchema = Schema.Struct({
  scope: Schema.Union([Schema.String, Schema.Number]),
  flags: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  unbalancedTime: Schema.optional(Schema.Number),
  groupStats: Schema.optional(
    Schema.Array(Schema.Struct({ id: Schema.Number, packets: P.U64, packetsHw: Schema.optional(P.U64) }))
  ),
  hwStatsUsed: Schema.optional(Schema.Boolean)
})

const OptionsSchema = Schema.Struct({
  id: Schema.optional(Id),
  family: Schema.optional(Schema.Literals(["inet", "inet6"])),
  gateway: Schema.optional(P.InetAddress),
  dev: Schema.optional(LinkRefInput),
  onlink: Schema.optional(Schema.Boolean),
  blackhole: Schema.optional(Schema.Boolean),
  fdb: Schema.optional(Schema.Boolean),
  encap: Schema.optional(Encap.schema),
  protocol: Schema.optional(ProtocolInput),
  group: Schema.optional(Schema.Array(MemberSchema).check(Schema.isMinLength(1))),
  type: Schema.optional(Schema.Literals(["mpath", "resilient"])),
  resilient: Schema.optional(ResilientSchema),
  status: Schema.optional(StatusSchema)
})

/**
 * The Schema of {@link Nexthop}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Nexthop.schema)({ id: 1, gateway: "10.0.0.1", dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Nexthop, any> = OptionsSchema as any

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(LinkRefInput),
  groups: Schema.optionalKey(Schema.Boolean),
  fdb: Schema.optionalKey(Schema.Boolean),
  master: Schema.optionalKey(LinkRefInput),
  protocol: Schema.optionalKey(ProtocolInput)
})
const ListOptionsSchema = Schema.Struct({ stats: Schema.optionalKey(Schema.Boolean) })
const BucketFilterSchema = Schema.Struct({
  id: Schema.optionalKey(Id),
  nexthop: Schema.optionalKey(Id),
  dev: Schema.optionalKey(LinkRefInput),
  master: Schema.optionalKey(LinkRefInput)
})

const familyOf = (address: string): number => (address.includes(":") ? AF_INET6 : AF_INET)
const familyName = (f: number): "inet" | "inet6" => (f === AF_INET6 ? "inet6" : "inet")

/** What one field's check cannot see: which attributes go together (the kernel's rules). */
const crossCheck = (o: Options): NetlinkError | undefined => {
  if (o.group !== undefined) {
    for (const k of ["gateway", "dev", "onlink", "blackhole", "family", "encap"] as const)
      if (o[k] !== undefined && o[k] !== false) return invalid(k, "a group takes members only, not " + k)
    const seen = new Set<number>()
    for (let i = 0; i < o.group.length; i++) {
      const id = o.group[i]!.id
      if (seen.has(id)) return invalid(`group[${i}].id`, `nexthop ${id} is in the group twice`)
      if (id === o.id) return invalid(`group[${i}].id`, "a group cannot contain itself")
      seen.add(id)
    }
    if (o.resilient !== undefined && o.type !== "resilient")
      return invalid("resilient", 'resilient parameters need type "resilient"')
    if (o.type === "resilient" && o.resilient?.buckets === undefined)
      return invalid("resilient.buckets", "a resilient group needs its number of buckets")
    return undefined
  }
  if (o.type !== undefined) return invalid("type", "a group type needs group members")
  if (o.resilient !== undefined) return invalid("resilient", "resilient parameters need a resilient group")
  if (o.gateway !== undefined && o.family !== undefined && familyName(familyOf(o.gateway)) !== o.family)
    return invalid("gateway", `"${o.gateway}" is not an ${o.family} address`)
  if (o.blackhole === true) {
    for (const k of ["gateway", "dev", "onlink", "fdb", "encap"] as const)
      if (o[k] !== undefined && o[k] !== false) return invalid(k, `a blackhole nexthop takes no ${k}`)
    return undefined
  }
  if (o.fdb === true) {
    if (o.dev !== undefined) return invalid("dev", "an fdb nexthop takes no device")
    if (o.encap !== undefined) return invalid("encap", "an fdb nexthop takes no encapsulation")
    if (o.gateway === undefined) return invalid("gateway", "an fdb nexthop needs a gateway")
    return undefined
  }
  if (o.dev === undefined) return invalid("dev", "a nexthop needs a device (or blackhole, fdb or group)")
  if (o.onlink === true && o.gateway === undefined) return invalid("onlink", "onlink needs a gateway")
  return undefined
}

// ---------------------------------------------------------------------------
// the model

const flagsCache = new Map<number, ReadonlyArray<string | number>>()
const kernelFlags = (flags: number): ReadonlyArray<string | number> => {
  const v = (flags & ~RTNH_F_ONLINK) >>> 0
  let out = flagsCache.get(v)
  if (out === undefined) {
    out = Object.freeze(Names.flagNames(v, KERNEL_FLAGS))
    flagsCache.set(v, out)
  }
  return out
}

/** NHA_GROUP entries: id, weight-1 in two bytes (high byte from 6.12). */
const decodeGroup = (bytes: Uint8Array): Array<Member> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<Member> = []
  for (let p = 0; p + GRP_SIZE <= bytes.length; p += GRP_SIZE) {
    const weight = view.getUint8(p + 4) + (view.getUint8(p + 5) << 8) + 1
    out.push(weight === 1 ? { id: view.getUint32(p, true) } : { id: view.getUint32(p, true), weight })
  }
  return out
}

const encodeGroup = (members: ReadonlyArray<Member>): Uint8Array => {
  const bytes = new Uint8Array(members.length * GRP_SIZE)
  const view = new DataView(bytes.buffer)
  members.forEach((m, i) => {
    const w = (m.weight ?? 1) - 1
    view.setUint32(i * GRP_SIZE, m.id, true)
    view.setUint8(i * GRP_SIZE + 4, w & 0xff)
    view.setUint8(i * GRP_SIZE + 5, w >>> 8)
  })
  return bytes
}

const seconds = (ticks: number | bigint): number => Number(ticks) / USER_HZ

/**
 * The nexthop a decoded RTM_NEWNEXTHOP message describes, devices named by
 * `names` (an index without a name stays a number).
 *
 * @example
 * ```ts
 * const raw = yield* Nexthop.listRaw()
 * raw.map((m) => Nexthop.fromMessage(m))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: NexthopMessage, names?: LinkNames): Nexthop => {
  const isGroup = m.group !== undefined
  const res = m.resGroup
  const status: { -readonly [K in keyof Status]: Status[K] } = {
    scope: Names.scope.name(m.scope),
    flags: kernelFlags(m.flags)
  }
  if (res?.unbalancedTime !== undefined) status.unbalancedTime = seconds(res.unbalancedTime)
  if (m.groupStats?.entry !== undefined)
    status.groupStats = m.groupStats.entry.map((e) =>
      e.packetsHw === undefined
        ? { id: e.id ?? 0, packets: e.packets ?? 0n }
        : { id: e.id ?? 0, packets: e.packets ?? 0n, packetsHw: e.packetsHw }
    )
  if (m.hwStatsUsed !== undefined) status.hwStatsUsed = m.hwStatsUsed !== 0
  return {
    id: m.id,
    family: isGroup || m.family === AF_UNSPEC ? undefined : familyName(m.family),
    gateway: m.gateway,
    dev: m.oif === undefined ? undefined : names === undefined ? m.oif : names(m.oif),
    onlink: (m.flags & RTNH_F_ONLINK) !== 0 ? true : undefined,
    blackhole: m.blackhole,
    fdb: m.fdb,
    encap:
      m.encapType === undefined || m.encap === undefined ? undefined : Encap.decode(m.encapType, m.encap),
    protocol: m.protocol === 0 ? undefined : Names.protocol.name(m.protocol),
    group: isGroup ? decodeGroup(m.group!) : undefined,
    type: !isGroup ? undefined : m.groupType === NexthopGrpType.res ? "resilient" : "mpath",
    resilient:
      res === undefined
        ? undefined
        : {
            buckets: res.buckets,
            idleTimer: res.idleTimer === undefined ? undefined : seconds(res.idleTimer),
            unbalancedTimer: res.unbalancedTimer === undefined ? undefined : seconds(res.unbalancedTimer)
          },
    status
  }
}

/**
 * The canonical form: family from the gateway (default "inet") for single
 * nexthops, type "mpath" for groups, weights of 1 dropped, the kernel's
 * resilient timer defaults (idle timer 120 s, unbalanced timer 0)
 * filled in, gateway text standardised, protocol named, false flags and
 * status dropped. Devices are compared as given.
 *
 * @example
 * ```ts
 * Nexthop.canonical({ id: 10, group: [{ id: 1, weight: 1 }] })
 * // { id: 10, group: [{ id: 1 }], type: "mpath" }
 * ```
 * @since 0.2.0
 */
export const canonical = (o: Options): Nexthop => {
  const out: { -readonly [K in keyof Nexthop]: Nexthop[K] } = {}
  if (o.id !== undefined) out.id = o.id
  if (o.group !== undefined) {
    out.group = o.group.map((m) =>
      m.weight === undefined || m.weight === 1 ? { id: m.id } : { id: m.id, weight: m.weight }
    )
    out.type = o.type ?? "mpath"
    if (out.type === "resilient")
      out.resilient = {
        buckets: o.resilient?.buckets,
        idleTimer: o.resilient?.idleTimer ?? 120,
        unbalancedTimer: o.resilient?.unbalancedTimer ?? 0
      }
  } else {
    out.family = o.family ?? (o.gateway === undefined ? "inet" : familyName(familyOf(o.gateway)))
    if (o.gateway !== undefined) {
      const b = parseIp(o.gateway)
      out.gateway = b === undefined ? o.gateway : ipToString(b, 0, b.length)
    }
    if (o.dev !== undefined) out.dev = o.dev
    if (o.onlink === true) out.onlink = true
    if (o.blackhole === true) out.blackhole = true
    if (o.encap !== undefined) out.encap = Encap.canonical(o.encap)
  }
  if (o.fdb === true) out.fdb = true
  const protocol = o.protocol === undefined ? 0 : (Names.protocol.number(o.protocol) ?? 0)
  if (protocol !== 0) out.protocol = Names.protocol.name(protocol)
  return out
}

/**
 * Whether two nexthops have the same configuration (status ignored,
 * defaults applied).
 *
 * @example
 * ```ts
 * Nexthop.equals({ id: 1, gateway: "10.0.0.1", dev: "eth0" }, { id: 1, family: "inet", gateway: "10.0.0.1", dev: "eth0" }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Options, b: Options): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of a nexthop: its id (the kernel allows one object per id).
 *
 * @example
 * ```ts
 * Nexthop.key({ id: 10, group: [{ id: 1 }] }) // "10"
 * ```
 * @since 0.2.0
 */
export const key = (o: Options): string => (o.id === undefined ? "" : String(o.id))

/**
 * The nexthop object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Nexthop.model.equals(listed, wanted)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Nexthop> = { name: "nexthop", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// pure request builders

const emptyHeader = { family: AF_UNSPEC, scope: 0, protocol: 0, resvd: 0, flags: 0 }

/**
 * The RTM_NEWNEXTHOP body for `o` as `ip nexthop add` builds it (devices
 * already resolved: `oif`): family of the gateway (default inet) for a
 * single nexthop, AF_UNSPEC for a group; onlink in the header's flags;
 * resilient parameters in NHA_RES_GROUP, timers in clock ticks.
 *
 * @example
 * ```ts
 * Nexthop.toMessage({ id: 1, gateway: "10.0.0.1" }, 3)
 * // { family: 2, scope: 0, protocol: 0, resvd: 0, flags: 0, id: 1, gateway: "10.0.0.1", oif: 3 }
 * ```
 * @since 0.2.0
 */
export const toMessage = (o: Options, oif?: number): NexthopMessage => {
  const protocol = o.protocol === undefined ? 0 : (Names.protocol.number(o.protocol) ?? 0)
  if (o.group !== undefined) {
    const m: { -readonly [K in keyof NexthopMessage]: NexthopMessage[K] } = { ...emptyHeader, protocol }
    if (o.id !== undefined) m.id = o.id
    m.group = encodeGroup(o.group)
    if (o.type === "resilient") {
      m.groupType = NexthopGrpType.res
      const r = o.resilient ?? {}
      const res: { -readonly [K in keyof NonNullable<NexthopMessage["resGroup"]>]?: any } = {}
      if (r.buckets !== undefined) res.buckets = r.buckets
      if (r.idleTimer !== undefined) res.idleTimer = r.idleTimer * USER_HZ
      if (r.unbalancedTimer !== undefined) res.unbalancedTimer = r.unbalancedTimer * USER_HZ
      m.resGroup = res
    }
    if (o.fdb === true) m.fdb = true
    return m
  }
  const family =
    o.family !== undefined
      ? o.family === "inet6"
        ? AF_INET6
        : AF_INET
      : o.gateway !== undefined
        ? familyOf(o.gateway)
        : AF_INET
  const m: { -readonly [K in keyof NexthopMessage]: NexthopMessage[K] } = {
    ...emptyHeader,
    family,
    protocol,
    flags: o.onlink === true ? RTNH_F_ONLINK : 0
  }
  if (o.id !== undefined) m.id = o.id
  if (o.blackhole === true) m.blackhole = true
  if (o.gateway !== undefined) m.gateway = o.gateway
  if (oif !== undefined) m.oif = oif
  if (o.encap !== undefined) {
    m.encapType = Encap.typeNumber(o.encap.type)
    m.encap = Encap.encode(o.encap)
  }
  if (o.fdb === true) m.fdb = true
  return m
}

const NHA_ENCAP = 8

// NHA_ENCAP is a nest (NLA_F_NESTED, as ip sends it); the spec keeps its
// payload as bytes, whose meaning depends on NHA_ENCAP_TYPE.
const build = (type: number, flags: number, m: NexthopMessage): Uint8Array =>
  buildMessage(type, flags, (w) => {
    if (m.encap === undefined) return encodeNexthopMessage(w, m)
    const { encap, ...rest } = m
    encodeNexthopMessage(w, rest)
    const s = w.nestStart(NHA_ENCAP)
    w.bytes(encap)
    w.attrEnd(s)
  })

/**
 * RTM_NEWNEXTHOP with NLM_F_CREATE|NLM_F_EXCL, as `ip nexthop add` sends
 * (`dev` given as an index, since a pure builder cannot look names up).
 *
 * @example
 * ```ts
 * const bytes = Nexthop.addRequest({ id: 1, gateway: "10.0.0.1", dev: 3 })
 * ```
 * @since 0.2.0
 */
export const addRequest = (o: Options): Uint8Array =>
  build(
    RTM_NEWNEXTHOP,
    NLM_F_CREATE | NLM_F_EXCL,
    toMessage(o, typeof o.dev === "number" ? o.dev : undefined)
  )

/**
 * RTM_NEWNEXTHOP with NLM_F_CREATE|NLM_F_REPLACE, as `ip nexthop replace`.
 *
 * @example
 * ```ts
 * const bytes = Nexthop.replaceRequest({ id: 1, gateway: "10.0.0.2", dev: 3 })
 * ```
 * @since 0.2.0
 */
export const replaceRequest = (o: Options): Uint8Array =>
  build(
    RTM_NEWNEXTHOP,
    NLM_F_CREATE | NLM_F_REPLACE,
    toMessage(o, typeof o.dev === "number" ? o.dev : undefined)
  )

/**
 * RTM_DELNEXTHOP for an id, as `ip nexthop del id N`.
 *
 * @example
 * ```ts
 * const bytes = Nexthop.removeRequest(1)
 * ```
 * @since 0.2.0
 */
export const removeRequest = (id: number): Uint8Array => build(RTM_DELNEXTHOP, 0, { ...emptyHeader, id })

/**
 * RTM_GETNEXTHOP for one id, as `ip nexthop get id N` (`stats` adds
 * NHA_OP_FLAGS for member counters).
 *
 * @example
 * ```ts
 * const bytes = Nexthop.getRequest(10)
 * ```
 * @since 0.2.0
 */
export const getRequest = (id: number, stats = false): Uint8Array =>
  build(
    RTM_GETNEXTHOP,
    0,
    stats ? { ...emptyHeader, id, opFlags: NhaOpFlags.dumpStats } : { ...emptyHeader, id }
  )

/**
 * The dump request, as `ip nexthop show [dev D] [groups] [fdb] [master M]`
 * (devices as indexes).
 *
 * @example
 * ```ts
 * const bytes = Nexthop.listRequest({ groups: true })
 * ```
 * @since 0.2.0
 */
export const listRequest = (
  f: { readonly oif?: number; readonly groups?: boolean; readonly fdb?: boolean; readonly master?: number },
  stats = false
): Uint8Array => {
  const m: { -readonly [K in keyof NexthopMessage]: NexthopMessage[K] } = { ...emptyHeader }
  if (f.oif !== undefined) m.oif = f.oif
  if (f.groups === true) m.groups = true
  if (f.master !== undefined) m.master = f.master
  if (f.fdb === true) m.fdb = true
  if (stats) m.opFlags = NhaOpFlags.dumpStats
  return build(RTM_GETNEXTHOP, NLM_F_DUMP, m)
}

/**
 * The bucket dump request (`ip nexthop bucket show ...`), or with `index`
 * the request for one bucket (`ip nexthop bucket get id G index I`).
 *
 * @example
 * ```ts
 * const bytes = Nexthop.bucketRequest({ id: 11, index: 3 })
 * ```
 * @since 0.2.0
 */
export const bucketRequest = (f: {
  readonly id?: number
  readonly index?: number
  readonly nexthop?: number
  readonly oif?: number
  readonly master?: number
}): Uint8Array => {
  const m: { -readonly [K in keyof NexthopBucketMessage]: NexthopBucketMessage[K] } = { ...emptyHeader }
  if (f.id !== undefined) m.id = f.id
  if (f.oif !== undefined) m.oif = f.oif
  if (f.master !== undefined) m.master = f.master
  if (f.index !== undefined) m.resBucket = { index: f.index }
  else if (f.nexthop !== undefined) m.resBucket = { nhId: f.nexthop }
  return buildMessage(RTM_GETNEXTHOPBUCKET, f.index === undefined ? NLM_F_DUMP : 0, (w) =>
    encodeNexthopBucketMessage(w, m)
  )
}

// ---------------------------------------------------------------------------
// operations

const requestOptions = (operation: string) => ({
  headerLength: NexthopMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(NexthopMessageMeta, t),
  operation
})

const prepare = (input: Options) =>
  Effect.gen(function* () {
    const o = (yield* validate(OptionsSchema, input)) as Options
    const problem = crossCheck(o)
    if (problem !== undefined) return yield* Effect.fail(problem)
    const oif = o.dev === undefined ? undefined : yield* linkIndex(o.dev, "dev")
    return yield* checkBuilt(NexthopMessage, toMessage(o, oif))
  })

/**
 * Adds a nexthop, like `ip nexthop add`; fails with EEXIST if the id is
 * taken.
 *
 * @example
 * ```ts
 * yield* Nexthop.add({ id: 1, gateway: "10.0.0.1", dev: "eth0" })
 * yield* Nexthop.add({ id: 3, blackhole: true })
 * yield* Nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] })
 * ```
 * @since 0.2.0
 */
export const add = operation("Nexthop.add", function* (options: Options) {
  const m = yield* prepare(options)
  const { route } = yield* Netlink
  yield* route.request(build(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_EXCL, m), requestOptions("nexthop add"))
})

/**
 * Adds or replaces the nexthop with this id, like `ip nexthop replace`
 * (routes and groups using it follow the new configuration).
 *
 * @example
 * ```ts
 * yield* Nexthop.replace({ id: 1, gateway: "10.0.0.2", dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const replace = operation("Nexthop.replace", function* (options: Options) {
  const m = yield* prepare(options)
  const { route } = yield* Netlink
  yield* route.request(
    build(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE, m),
    requestOptions("nexthop replace")
  )
})

/**
 * Removes the nexthop with this id (a listed nexthop, or just `{ id }`),
 * like `ip nexthop del id N`; routes using it go with it. Fails with ENOENT
 * when there is none.
 *
 * @example
 * ```ts
 * yield* Nexthop.remove({ id: 1 })
 * ```
 * @since 0.2.0
 */
export const remove = operation("Nexthop.remove", function* (options: Options | number) {
  const id = typeof options === "number" ? options : options?.id
  if (id === undefined) return yield* Effect.fail(invalid("id", "removing a nexthop needs its id"))
  const valid = yield* validate(Id, id, "id")
  const { route } = yield* Netlink
  yield* route.request(removeRequest(valid), requestOptions("nexthop remove"))
})

/**
 * Alias of {@link remove}, as `ip nexthop del`.
 *
 * @example
 * ```ts
 * yield* Nexthop.del(1)
 * ```
 * @since 0.2.0
 */
export const del = remove

const decodeRaw = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) =>
  type === RTM_NEWNEXTHOP ? decodeNexthopMessage(buf, view, start + 16, end) : undefined

/**
 * The nexthop with this id, like `ip nexthop get id N`; fails with ENOENT
 * when there is none.
 *
 * @example
 * ```ts
 * const nh = yield* Nexthop.get(10)
 * nh.group // [{ id: 1 }, { id: 2, weight: 3 }]
 * ```
 * @since 0.2.0
 */
export const get = operation("Nexthop.get", function* (id: number, o?: ListOptions) {
  const raw = yield* getRaw(id, o)
  return fromMessage(raw, yield* linkNamesOf(raw.oif === undefined ? [] : [raw.oif]))
})

/**
 * Like {@link get}, the decoded message.
 *
 * @example
 * ```ts
 * const m = yield* Nexthop.getRaw(10)
 * m.group // Uint8Array of struct nexthop_grp
 * ```
 * @since 0.2.0
 */
export const getRaw = operation("Nexthop.getRaw", function* (id: number, o?: ListOptions) {
  const valid = yield* validate(Id, id, "id")
  const opts = yield* validate(ListOptionsSchema, o ?? {}, "options")
  const { route } = yield* Netlink
  return yield* route.requestReply(
    getRequest(valid, opts.stats === true),
    decodeRaw,
    requestOptions("nexthop get")
  )
})

const plan = (input: Filter | undefined, o: ListOptions | undefined) =>
  Effect.gen(function* () {
    const f = yield* validate(FilterSchema, input ?? {})
    const opts = yield* validate(ListOptionsSchema, o ?? {}, "options")
    const oif = f.dev === undefined ? undefined : yield* linkIndex(f.dev, "dev")
    const master = f.master === undefined ? undefined : yield* linkIndex(f.master, "master")
    const protocol = f.protocol === undefined ? undefined : Names.protocol.number(f.protocol)
    const request = listRequest({ oif, master, groups: f.groups, fdb: f.fdb }, opts.stats === true)
    const fdb = f.fdb === true
    // nhmsg.nh_protocol is at offset 2 after the 16-byte nlmsghdr
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== RTM_NEWNEXTHOP || (protocol !== undefined && view.getUint8(start + 18) !== protocol))
        return undefined
      const m = decodeNexthopMessage(buf, view, start + 16, end)
      return fdb && m.fdb !== true ? undefined : m
    }
    return { request, decode }
  })

/**
 * The nexthops, like `ip nexthop show [dev D] [groups] [fdb] [master M]
 * [proto P]`, in id order, devices named from one link dump per call.
 *
 * @example
 * ```ts
 * const all = yield* Nexthop.list()
 * const groups = yield* Nexthop.list({ groups: true }, { stats: true })
 * ```
 * @since 0.2.0
 */
export const list = operation("Nexthop.list", function* (filter?: Filter, o?: ListOptions) {
  const raw = yield* listRaw(filter, o)
  const names = yield* linkNames
  return raw.map((m) => fromMessage(m, names))
})

/**
 * Like {@link list}, the decoded messages.
 *
 * @example
 * ```ts
 * const raw = yield* Nexthop.listRaw({ fdb: true })
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Nexthop.listRaw", function* (filter?: Filter, o?: ListOptions) {
  const p = yield* plan(filter, o)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, p.decode, { ...requestOptions("nexthop list"), retryInterrupted: 3 })
})

/**
 * Like {@link list}, as a stream.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Nexthop.stream(), (nh) => Effect.log(nh.id))
 * ```
 * @since 0.2.0
 */
export const stream = (filter?: Filter, o?: ListOptions): Stream.Stream<Nexthop, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(list(filter, o))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Nexthop.streamRaw(), (m) => Effect.log(m.id))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (
  filter?: Filter,
  o?: ListOptions
): Stream.Stream<NexthopMessage, NetlinkError, Netlink> => Stream.fromIterableEffect(listRaw(filter, o))

/**
 * Removes every nexthop the filter selects, like `ip nexthop flush [dev D]
 * [proto P] [groups] ...`: groups first (a group holding a member cannot
 * outlive it anyway), then single nexthops; one the kernel already removed
 * with another is not an error. Returns how many were removed.
 *
 * @example
 * ```ts
 * const n = yield* Nexthop.flush({ protocol: "static" })
 * ```
 * @since 0.2.0
 */
export const flush = operation("Nexthop.flush", function* (filter?: Filter) {
  const raw = yield* listRaw(filter)
  const ordered = [...raw.filter((m) => m.group !== undefined), ...raw.filter((m) => m.group === undefined)]
  const { route } = yield* Netlink
  const results = yield* route.requestMany(
    ordered.map((m) => removeRequest(m.id!)),
    requestOptions("nexthop flush")
  )
  let removed = 0
  for (const r of results) {
    if (r._tag === "Success") removed++
    else if (!(r.failure.reason._tag === "Kernel" && r.failure.reason.code === "ENOENT"))
      return yield* Effect.fail(r.failure)
  }
  return removed
})

const bucketOf = (m: NexthopBucketMessage): Bucket => ({
  id: m.id ?? 0,
  index: m.resBucket?.index ?? 0,
  nexthop: m.resBucket?.nhId ?? 0,
  status: { idleTime: seconds(m.resBucket?.idleTime ?? 0n), flags: kernelFlags(m.flags) }
})

const decodeBucket = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) =>
  type === RTM_NEWNEXTHOPBUCKET ? bucketOf(decodeNexthopBucketMessage(buf, view, start + 16, end)) : undefined

/**
 * The buckets of resilient groups, like `ip nexthop bucket show [id G]
 * [nhid N] [dev D] [master M]`.
 *
 * @example
 * ```ts
 * const b = yield* Nexthop.buckets({ id: 11 })
 * b.filter((x) => x.nexthop === 2).length
 * ```
 * @since 0.2.0
 */
export const buckets = operation("Nexthop.buckets", function* (filter?: BucketFilter) {
  const f = yield* validate(BucketFilterSchema, filter ?? {})
  const oif = f.dev === undefined ? undefined : yield* linkIndex(f.dev, "dev")
  const master = f.master === undefined ? undefined : yield* linkIndex(f.master, "master")
  const { route } = yield* Netlink
  return yield* route.dumpAll(bucketRequest({ id: f.id, nexthop: f.nexthop, oif, master }), decodeBucket, {
    ...requestOptions("nexthop bucket list"),
    retryInterrupted: 3
  })
})

/**
 * One bucket of a resilient group, like `ip nexthop bucket get id G index
 * I`.
 *
 * @example
 * ```ts
 * const b = yield* Nexthop.getBucket(11, 3)
 * b.nexthop // 2
 * ```
 * @since 0.2.0
 */
export const getBucket = operation("Nexthop.getBucket", function* (id: number, index: number) {
  const g = yield* validate(Id, id, "id")
  const i = yield* validate(P.U16, index, "index")
  const { route } = yield* Netlink
  return yield* route.requestReply(
    bucketRequest({ id: g, index: i }),
    decodeBucket,
    requestOptions("nexthop bucket get")
  )
})
