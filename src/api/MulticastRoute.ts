/**
 * Multicast forwarding cache entries (IPv4 `ipmr` and IPv6 `ip6mr`), as
 * `ip mroute show` reads them: read only, since a multicast routing daemon
 * owns them through its socket (MRT_ADD_MFC), not netlink.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MulticastRoute, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   // [{ family: "inet", table: "default", source: "10.1.0.5", group: "239.1.1.1", iif: "eth0", oifs: [{ dev: "eth1", ttl: 1 }], status: {...} }]
 *   return yield* MulticastRoute.list()
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import {
  decodeRouteMessage,
  encodeRouteMessage,
  type RouteMessage,
  RouteMessageHeaderSize,
  RouteMessageMeta
} from "../generated/rt-route/index.ts"
import { describePath } from "../runtime/Describe.ts"
import { buildMessage, NLM_F_DUMP, operation, validate } from "./internal/Common.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { type LinkRef, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Counters and timers the kernel keeps for an entry.
 *
 * @example
 * ```ts
 * r.status?.packets // 12n
 * ```
 * @since 0.2.0
 */
export interface Status {
  readonly packets?: bigint | undefined
  readonly bytes?: bigint | undefined
  /** Packets that arrived on another interface than `iif`. */
  readonly wrongIf?: bigint | undefined
}

/**
 * One (source, group) entry: packets from `source` to `group` arriving on
 * `iif` leave through `oifs` (each with its TTL threshold).
 *
 * @example
 * ```ts
 * const r: MulticastRoute.MulticastRoute = { family: "inet", table: "default", source: "10.1.0.5", group: "239.1.1.1", iif: "eth0", oifs: [{ dev: "eth1", ttl: 1 }] }
 * ```
 * @since 0.2.0
 */
export interface MulticastRoute {
  readonly family: "inet" | "inet6"
  /** The multicast routing table ("default" unless a daemon uses several). */
  readonly table: string | number
  readonly source: string
  readonly group: string
  readonly iif?: LinkRef | undefined
  readonly oifs: ReadonlyArray<{ readonly dev: LinkRef; readonly ttl: number }>
  readonly status?: Status | undefined
}

const DevRef = Schema.Union([Schema.String, Schema.Number])

/**
 * The Schema of {@link MulticastRoute} (JSON).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(MulticastRoute.schema)(json)
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<MulticastRoute, any> = Schema.Struct({
  family: Schema.Literals(["inet", "inet6"]),
  table: Schema.Union([Schema.String, Schema.Number]),
  source: Schema.String,
  group: Schema.String,
  iif: Schema.optional(DevRef),
  oifs: Schema.Array(Schema.Struct({ dev: DevRef, ttl: Schema.Number })),
  status: Schema.optional(
    Schema.Struct({
      packets: Schema.optional(Schema.BigInt),
      bytes: Schema.optional(Schema.BigInt),
      wrongIf: Schema.optional(Schema.BigInt)
    })
  )
}) as any

/** RTNL_FAMILY_IPMR and RTNL_FAMILY_IP6MR (linux/rtnetlink.h). */
const RTNL_FAMILY_IPMR = 128
const RTNL_FAMILY_IP6MR = 129
const RTM_NEWROUTE = 24
const RTM_GETROUTE = 26

// struct rta_mfc_stats: three u64 (packets, bytes, wrong_if)
const mfcStats = (b: Uint8Array | undefined): Status | undefined => {
  if (b === undefined || b.length < 24) return undefined
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return {
    packets: v.getBigUint64(0, true),
    bytes: v.getBigUint64(8, true),
    wrongIf: v.getBigUint64(16, true)
  }
}

/**
 * The entry a decoded RTM_NEWROUTE message of family RTNL_FAMILY_IPMR or
 * RTNL_FAMILY_IP6MR describes.
 *
 * @example
 * ```ts
 * const raw = yield* MulticastRoute.listRaw()
 * raw.map((m) => MulticastRoute.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: RouteMessage, names: (index: number) => string | number): MulticastRoute => ({
  family: m.family === RTNL_FAMILY_IP6MR ? "inet6" : "inet",
  table: Names.table.name(m.table ?? m.tableId),
  source: m.src ?? (m.family === RTNL_FAMILY_IP6MR ? "::" : "0.0.0.0"),
  group: m.dst ?? (m.family === RTNL_FAMILY_IP6MR ? "::" : "0.0.0.0"),
  iif: m.iif === undefined ? undefined : names(m.iif),
  // the kernel reports each output interface's TTL threshold in rtnh_hops
  oifs: (m.multipath ?? []).map((n) => ({ dev: names(n.ifindex), ttl: n.hops })),
  status: mfcStats(m.mfcStats)
})

/**
 * The canonical form: status dropped.
 *
 * @example
 * ```ts
 * MulticastRoute.canonical(r)
 * ```
 * @since 0.2.0
 */
export const canonical = (r: MulticastRoute): MulticastRoute => {
  const { status: _, ...rest } = r
  return rest
}

/**
 * Whether two entries forward the same way (counters ignored).
 *
 * @example
 * ```ts
 * MulticastRoute.equals(a, b)
 * ```
 * @since 0.2.0
 */
export const equals = (a: MulticastRoute, b: MulticastRoute): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity: family, table, source and group.
 *
 * @example
 * ```ts
 * MulticastRoute.key(r) // "inet|default|10.1.0.5|239.1.1.1"
 * ```
 * @since 0.2.0
 */
export const key = (r: MulticastRoute): string => `${r.family}|${r.table}|${r.source}|${r.group}`

/**
 * The multicast route object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * MulticastRoute.model.key(r)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<MulticastRoute> = { name: "multicast-route", schema, key, equals, canonical }

/**
 * The dump request `ip [-6] mroute show [table T]` sends: RTM_GETROUTE of
 * family RTNL_FAMILY_IPMR / IP6MR with RTA_TABLE (ip asks for "default").
 *
 * @example
 * ```ts
 * const bytes = MulticastRoute.listRequest("inet", 253)
 * ```
 * @since 0.2.0
 */
export const listRequest = (family: "inet" | "inet6", table?: number): Uint8Array =>
  buildMessage(RTM_GETROUTE, NLM_F_DUMP, (w) =>
    encodeRouteMessage(w, {
      family: family === "inet6" ? RTNL_FAMILY_IP6MR : RTNL_FAMILY_IPMR,
      dstLen: 0,
      srcLen: 0,
      tos: 0,
      tableId: 0,
      protocol: 0,
      scope: 0,
      type: 0,
      flags: 0,
      ...(table !== undefined ? { table } : {})
    } as RouteMessage)
  )

const FilterSchema = Schema.Struct({
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"])),
  table: Schema.optionalKey(Schema.Union([Schema.String, Schema.Number]))
})

const options = {
  headerLength: RouteMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(RouteMessageMeta, t),
  operation: "mroute list",
  retryInterrupted: 3
}

/**
 * The decoded messages of `list`.
 *
 * @example
 * ```ts
 * const raw = yield* MulticastRoute.listRaw({ family: "inet6" })
 * ```
 * @since 0.2.0
 */
export const listRaw = operation(
  "MulticastRoute.listRaw",
  function* (filter?: { readonly family?: "inet" | "inet6"; readonly table?: string | number }) {
    const f = yield* validate(FilterSchema, filter ?? {}, "")
    const table = f.table === undefined ? undefined : Names.table.number(f.table)
    const family = f.family ?? "inet"
    const want = family === "inet6" ? RTNL_FAMILY_IP6MR : RTNL_FAMILY_IPMR
    const { route } = yield* Netlink
    return yield* route.dumpAll(
      listRequest(family, table),
      (buf, view, start, end, type) =>
        type === RTM_NEWROUTE && view.getUint8(start + 16) === want
          ? decodeRouteMessage(buf, view, start + 16, end)
          : undefined,
      options
    )
  }
)

/**
 * The multicast forwarding cache of one family (IPv4 unless `family:
 * "inet6"`), like `ip [-6] mroute show`, devices by name.
 *
 * @example
 * ```ts
 * const routes = yield* MulticastRoute.list({ family: "inet" })
 * ```
 * @since 0.2.0
 */
export const list = operation(
  "MulticastRoute.list",
  function* (filter?: { readonly family?: "inet" | "inet6"; readonly table?: string | number }) {
    const raw = yield* listRaw(filter)
    const names = yield* linkNames
    return raw.map((m) => fromMessage(m, names))
  }
)
