/**
 * Neighbour tables (ARP's "arp_cache", NDP's "ndisc_cache"), as `ip ntable
 * show` and `ip ntable change` read and set them: the table's garbage
 * collection thresholds and interval, and the neighbour parameters (reachable
 * time, probes, queues, ...) of the table's defaults and of each device. One
 * object per (family, table, device); times are milliseconds. What the kernel
 * counts and derives (configuration, statistics, the randomised reachable
 * time) is under `status`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NeighborTable, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   const tables = yield* NeighborTable.list({ name: "arp_cache" })
 *   yield* NeighborTable.change({ family: "inet", name: "arp_cache", dev: "eth0", ucastProbes: 5, retransTime: 500 })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  decodeNeightblMessage,
  encodeNeightblMessage,
  type NdtConfig,
  type NdtStats,
  type NeightblMessage,
  NeightblMessageHeaderSize,
  NeightblMessageMeta,
  NeightblMessageTypes,
  type NeightblParms
} from "../generated/rt-neightbl/index.ts"
import { describePath, type PathContext } from "../runtime/Describe.ts"
import * as P from "../runtime/Primitives.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  invalid,
  NLM_F_DUMP,
  NLM_F_REPLACE,
  operation,
  validate
} from "./internal/Common.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { type LinkNames, type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * The neighbour parameters of a table's defaults or of one device
 * (NDTPA_*), as `ip ntable change` names them: times in milliseconds.
 *
 * @example
 * ```ts
 * const p: NeighborTable.Parameters = { baseReachableTime: 30000, ucastProbes: 3 }
 * ```
 * @since 0.2.0
 */
export interface Parameters {
  /** ip's `base_reachable`. */
  readonly baseReachableTime?: number | undefined
  /** ip's `retrans`. */
  readonly retransTime?: number | undefined
  /** ip's `gc_stale`. */
  readonly gcStaleTime?: number | undefined
  /** ip's `delay_probe`. */
  readonly delayProbeTime?: number | undefined
  /**
   * ip's `queue`: the queue in packets, input only. The kernel keeps it as
   * `queueLenBytes` (packets times the size of a full frame's buffer) and
   * reports the packets it makes of that under `status`.
   */
  readonly queueLen?: number | undefined
  readonly queueLenBytes?: number | undefined
  readonly appProbes?: number | undefined
  readonly ucastProbes?: number | undefined
  readonly mcastProbes?: number | undefined
  readonly mcastReprobes?: number | undefined
  /** ip's `anycast_delay`. */
  readonly anycastDelay?: number | undefined
  /** ip's `proxy_delay`. */
  readonly proxyDelay?: number | undefined
  /** ip's `proxy_queue`. */
  readonly proxyQueueLen?: number | undefined
  readonly locktime?: number | undefined
  /** NDTPA_INTERVAL_PROBE_TIME_MS: probe interval of managed entries (Linux 6.0+). */
  readonly intervalProbeTime?: number | undefined
}

/**
 * What the kernel reports by itself: the table's configuration and
 * statistics (table objects), the current randomised reachable time and the
 * reference count (parameters). Equality ignores it.
 *
 * @example
 * ```ts
 * table.status?.stats?.lookups // 12n
 * ```
 * @since 0.2.0
 */
export interface Status {
  readonly config?: NdtConfig | undefined
  readonly stats?: NdtStats | undefined
  readonly reachableTime?: number | undefined
  readonly refcnt?: number | undefined
  /** NDTPA_QUEUE_LEN: `queueLenBytes` in packets. */
  readonly queueLen?: number | undefined
}

/**
 * A neighbour table's settings: without `dev`, the table itself (its
 * thresholds and garbage collection interval, which only the initial network
 * namespace may change, and its default parameters); with `dev`, one
 * device's parameters. `family` is "inet" (arp_cache) or "inet6"
 * (ndisc_cache), or a number for other tables.
 *
 * @example
 * ```ts
 * const t: NeighborTable.NeighborTable = { family: "inet", name: "arp_cache", dev: "eth0", ucastProbes: 5 }
 * ```
 * @since 0.2.0
 */
export interface NeighborTable extends Parameters {
  readonly family: "inet" | "inet6" | number
  readonly name: string
  readonly dev?: LinkRef | undefined
  /** gc_thresh1 (table only). */
  readonly thresh1?: number | undefined
  /** gc_thresh2 (table only). */
  readonly thresh2?: number | undefined
  /** gc_thresh3 (table only). */
  readonly thresh3?: number | undefined
  /** Garbage collection interval, milliseconds (ip's `gc_int`; table only). */
  readonly gcInterval?: number | undefined
  readonly status?: Status | undefined
}

/**
 * Which tables `list` returns: by family, by table name, by device (its
 * parameters only), or only the tables without their devices.
 *
 * @example
 * ```ts
 * const f: NeighborTable.Filter = { family: "inet6", dev: "eth0" }
 * ```
 * @since 0.2.0
 */
export interface Filter {
  readonly family?: "inet" | "inet6"
  readonly name?: string
  readonly dev?: LinkRef
}

const PARAMS = [
  "baseReachableTime",
  "retransTime",
  "gcStaleTime",
  "delayProbeTime",
  "queueLen",
  "queueLenBytes",
  "appProbes",
  "ucastProbes",
  "mcastProbes",
  "mcastReprobes",
  "anycastDelay",
  "proxyDelay",
  "proxyQueueLen",
  "locktime",
  "intervalProbeTime"
] as const
// parameters the kernel carries as u64 milliseconds; the others are u32
const MILLIS = new Set<string>([
  "baseReachableTime",
  "retransTime",
  "gcStaleTime",
  "delayProbeTime",
  "anycastDelay",
  "proxyDelay",
  "locktime",
  "intervalProbeTime"
])
/** Our names for the generated NDTPA_* fields where they differ. */
const WIRE: Readonly<Record<(typeof PARAMS)[number], keyof NeightblParms>> = {
  baseReachableTime: "baseReachableTime",
  retransTime: "retransTime",
  gcStaleTime: "gcStaletime",
  delayProbeTime: "delayProbeTime",
  queueLen: "queueLen",
  queueLenBytes: "queueLenbytes",
  appProbes: "appProbes",
  ucastProbes: "ucastProbes",
  mcastProbes: "mcastProbes",
  mcastReprobes: "mcastReprobes",
  anycastDelay: "anycastDelay",
  proxyDelay: "proxyDelay",
  proxyQueueLen: "proxyQlen",
  locktime: "locktime",
  intervalProbeTime: "intervalProbeTimeMs"
}

const Millis = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))
const DevRef = Schema.Union([Schema.String, Schema.Number])
const opt = Schema.optional
const paramFields = Object.fromEntries(PARAMS.map((k) => [k, opt(MILLIS.has(k) ? Millis : P.U32)]))

/**
 * The Schema of {@link NeighborTable} (what `change` validates).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(NeighborTable.schema)({ family: "inet", name: "arp_cache", ucastProbes: 3 })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<NeighborTable, any> = Schema.Struct({
  family: Schema.Union([Schema.Literals(["inet", "inet6"]), P.U8]),
  name: P.stringMaxBytes(63, 1),
  dev: opt(DevRef),
  thresh1: opt(P.U32),
  thresh2: opt(P.U32),
  thresh3: opt(P.U32),
  gcInterval: opt(Millis),
  ...paramFields,
  status: opt(Schema.Unknown)
}) as any

const FilterSchema = Schema.Struct({
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"])),
  name: Schema.optionalKey(Schema.String),
  dev: Schema.optionalKey(DevRef)
})

const familyName = (f: number): NeighborTable["family"] =>
  f === AF_INET ? "inet" : f === AF_INET6 ? "inet6" : f
const familyNumber = (f: NeighborTable["family"]): number =>
  f === "inet" ? AF_INET : f === "inet6" ? AF_INET6 : f

/**
 * The canonical form: `status` and the input-only `queueLen` dropped
 * (every other configured value is as the kernel keeps it).
 *
 * @example
 * ```ts
 * NeighborTable.canonical(listed)
 * ```
 * @since 0.2.0
 */
export const canonical = (t: NeighborTable): NeighborTable => {
  const { status: _, queueLen: __, ...rest } = t
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v
  return out as unknown as NeighborTable
}

/**
 * Identity: family, table name and device (none for the table itself).
 *
 * @example
 * ```ts
 * NeighborTable.key({ family: "inet", name: "arp_cache", dev: "eth0" }) // "inet|arp_cache|eth0"
 * ```
 * @since 0.2.0
 */
export const key = (t: NeighborTable): string => `${t.family}|${t.name}|${t.dev ?? ""}`

/**
 * Whether two objects have the same settings (`status` ignored).
 *
 * @example
 * ```ts
 * NeighborTable.equals(a, b)
 * ```
 * @since 0.2.0
 */
export const equals = (a: NeighborTable, b: NeighborTable): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The neighbour table object type.
 *
 * @example
 * ```ts
 * NeighborTable.model.key(t)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<NeighborTable> = { name: "neighbor-table", schema, key, equals, canonical }

const toNumber = (v: bigint | number | undefined): number | undefined =>
  v === undefined ? undefined : Number(v)

/**
 * The object of one RTM_NEWNEIGHTBL message (a table, or one device's
 * parameters), devices named with `names`.
 *
 * @example
 * ```ts
 * const tables = (yield* NeighborTable.listRaw()).map((m) => NeighborTable.fromMessage(m))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: NeightblMessage, names: LinkNames = (i) => i): NeighborTable => {
  const out: Record<string, unknown> = { family: familyName(m.family), name: m.name ?? "" }
  const p = m.parms
  if (p?.ifindex !== undefined && p.ifindex !== 0) out.dev = names(p.ifindex)
  if (m.thresh1 !== undefined) out.thresh1 = m.thresh1
  if (m.thresh2 !== undefined) out.thresh2 = m.thresh2
  if (m.thresh3 !== undefined) out.thresh3 = m.thresh3
  if (m.gcInterval !== undefined) out.gcInterval = Number(m.gcInterval)
  if (p !== undefined)
    for (const k of PARAMS)
      if (k !== "queueLen" && p[WIRE[k]] !== undefined) out[k] = toNumber(p[WIRE[k]] as any)
  const status: Record<string, unknown> = {}
  if (m.config !== undefined) status.config = m.config
  if (m.stats !== undefined) status.stats = m.stats
  if (p?.reachableTime !== undefined) status.reachableTime = Number(p.reachableTime)
  if (p?.refcnt !== undefined) status.refcnt = p.refcnt
  if (p?.queueLen !== undefined) status.queueLen = p.queueLen
  if (Object.keys(status).length > 0) out.status = status
  return out as unknown as NeighborTable
}

const RTM_NEWNEIGHTBL = NeightblMessageTypes.RTM_NEWNEIGHTBL
const RTM_GETNEIGHTBL = NeightblMessageTypes.RTM_GETNEIGHTBL
const RTM_SETNEIGHTBL = NeightblMessageTypes.RTM_SETNEIGHTBL

/**
 * RTM_SETNEIGHTBL as `ip ntable change` sends it (NLM_F_REPLACE): the name,
 * the table-level values, and NDTA_PARMS with the device's index (or none,
 * for the table's defaults) and the parameters given.
 *
 * @example
 * ```ts
 * const bytes = NeighborTable.changeRequest({ family: "inet", name: "arp_cache", ucastProbes: 4 }, 3)
 * ```
 * @since 0.2.0
 */
export const changeRequest = (t: NeighborTable, ifindex?: number): Uint8Array => {
  const parms: Record<string, unknown> = {}
  if (ifindex !== undefined) parms.ifindex = ifindex
  for (const k of PARAMS) {
    const v = t[k]
    if (v !== undefined) parms[WIRE[k]] = MILLIS.has(k) ? BigInt(v) : v
  }
  const m: Record<string, unknown> = { family: familyNumber(t.family), pad1: 0, pad2: 0, name: t.name }
  if (t.thresh1 !== undefined) m.thresh1 = t.thresh1
  if (t.thresh2 !== undefined) m.thresh2 = t.thresh2
  if (t.thresh3 !== undefined) m.thresh3 = t.thresh3
  if (t.gcInterval !== undefined) m.gcInterval = BigInt(t.gcInterval)
  if (Object.keys(parms).length > 0) m.parms = parms
  return buildMessage(RTM_SETNEIGHTBL, NLM_F_REPLACE, (w) =>
    encodeNeightblMessage(w, m as unknown as NeightblMessage)
  )
}

/**
 * The dump request of `ip ntable show` (RTM_GETNEIGHTBL for `family`).
 *
 * @example
 * ```ts
 * const bytes = NeighborTable.listRequest("inet6")
 * ```
 * @since 0.2.0
 */
export const listRequest = (family?: "inet" | "inet6"): Uint8Array =>
  buildMessage(RTM_GETNEIGHTBL, NLM_F_DUMP, (w) =>
    encodeNeightblMessage(w, {
      family: family === undefined ? AF_UNSPEC : familyNumber(family),
      pad1: 0,
      pad2: 0
    })
  )

const requestOptions = (operation: string) => ({
  headerLength: NeightblMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>, c?: PathContext) => describePath(NeightblMessageMeta, t, c),
  operation
})

const TABLE_ONLY = ["thresh1", "thresh2", "thresh3", "gcInterval"] as const

/**
 * Changes a table's or a device's settings, like `ip ntable change name NAME
 * [dev DEV] ...`: only the values given are sent. Thresholds and the gc
 * interval belong to the table, not a device; they and the table's default
 * parameters exist only in the initial network namespace (elsewhere the
 * kernel answers ENOENT). A listed object is accepted as it is.
 *
 * @example
 * ```ts
 * yield* NeighborTable.change({ family: "inet", name: "arp_cache", dev: "eth0", baseReachableTime: 15000 })
 * ```
 * @since 0.2.0
 */
export const change = operation("NeighborTable.change", function* (input: NeighborTable) {
  const t = (yield* validate(schema, input)) as NeighborTable
  if (t.dev !== undefined)
    for (const k of TABLE_ONLY)
      if (t[k] !== undefined) return yield* Effect.fail(invalid(k, `${k} is a table setting, not a device's`))
  const ifindex = t.dev === undefined ? undefined : yield* linkIndex(t.dev, "dev")
  const { route } = yield* Netlink
  yield* route.request(changeRequest(t, ifindex), requestOptions("neighbor table change"))
})

const rawList = (family: "inet" | "inet6" | undefined) =>
  Effect.gen(function* () {
    const { route } = yield* Netlink
    return yield* route.dumpAll(
      listRequest(family),
      (buf, view, start, end, type) =>
        type === RTM_NEWNEIGHTBL ? decodeNeightblMessage(buf, view, start + NLMSG_HDRLEN, end) : undefined,
      requestOptions("neighbor table list")
    )
  })

/**
 * The decoded RTM_NEWNEIGHTBL messages, like `ip ntable show` reads them.
 *
 * @example
 * ```ts
 * const raw = yield* NeighborTable.listRaw({ family: "inet" })
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("NeighborTable.listRaw", function* (filter?: Filter) {
  const f = yield* validate(FilterSchema, filter ?? {}, "")
  return yield* rawList(f.family)
})

/**
 * The tables and their devices' parameters, like `ip ntable show [name NAME]
 * [dev DEV]`, devices by name.
 *
 * @example
 * ```ts
 * const arp = yield* NeighborTable.list({ name: "arp_cache" })
 * const eth0 = yield* NeighborTable.list({ family: "inet6", dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const list = operation("NeighborTable.list", function* (filter?: Filter) {
  const f = yield* validate(FilterSchema, filter ?? {}, "")
  const dev = f.dev === undefined ? undefined : yield* linkIndex(f.dev, "dev")
  const raw = yield* rawList(f.family)
  const names = yield* linkNames
  return raw
    .filter(
      (m) =>
        (f.name === undefined || m.name === f.name) && (dev === undefined || (m.parms?.ifindex ?? 0) === dev)
    )
    .map((m) => fromMessage(m, names))
})
