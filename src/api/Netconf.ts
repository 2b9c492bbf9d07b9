/**
 * Per-device IP configuration as the kernel reports it over netlink, like
 * `ip netconf show`: forwarding, reverse-path filter, proxy neighbour,
 * multicast forwarding, ignore-routes-with-linkdown, MPLS input. The kernel
 * takes these from sysctl (`net.ipv4.conf.*`), not from netlink: the model
 * is read only (list, get).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Netconf, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   // { family: "inet", dev: "eth0", forwarding: false, rpFilter: "off", ... }
 *   return yield* Netconf.get({ family: "inet", dev: "eth0" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import {
  decodeNetconfMessage,
  NETCONFA_IFINDEX_ALL,
  NETCONFA_IFINDEX_DEFAULT,
  type NetconfMessage,
  NetconfMessageHeaderSize,
  NetconfMessageMeta,
  NetconfMessageTypes
} from "../generated/rt-netconf/index.ts"
import { describePath } from "../runtime/Describe.ts"
import { Decode, NetlinkError } from "../runtime/NetlinkError.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  NLM_F_DUMP,
  operation,
  validate
} from "./internal/Common.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * The families that have a netconf: "inet", "inet6", "mpls".
 *
 * @example
 * ```ts
 * const f: Netconf.Family = "inet6"
 * ```
 * @since 0.2.0
 */
export type Family = "inet" | "inet6" | "mpls"

/**
 * One family's configuration of one device (or of "all" / "default", the
 * values new devices start from), with `ip netconf`'s meaning: booleans
 * for the switches, rpFilter as "off", "strict" or "loose". A field the
 * kernel does not report for the family is absent.
 *
 * @example
 * ```ts
 * const c: Netconf.Netconf = { family: "inet", dev: "all", forwarding: true, rpFilter: "strict" }
 * ```
 * @since 0.2.0
 */
export interface Netconf {
  readonly family: Family | number
  /** A device by name (a number when it has none), or "all" / "default". */
  readonly dev: LinkRef
  readonly forwarding?: boolean | undefined
  readonly rpFilter?: "off" | "strict" | "loose" | number | undefined
  readonly mcForwarding?: boolean | undefined
  readonly proxyNeigh?: boolean | undefined
  readonly ignoreRoutesWithLinkdown?: boolean | undefined
  /** MPLS: whether the device accepts labelled packets. */
  readonly input?: boolean | undefined
  readonly bcForwarding?: boolean | undefined
}

/**
 * The Schema of {@link Netconf} (JSON).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Netconf.schema)({ family: "inet", dev: "all", forwarding: true })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Netconf, any> = Schema.Struct({
  family: Schema.Union([Schema.Literals(["inet", "inet6", "mpls"]), Schema.Number]),
  dev: Schema.Union([Schema.String, Schema.Number]),
  forwarding: Schema.optional(Schema.Boolean),
  rpFilter: Schema.optional(Schema.Union([Schema.Literals(["off", "strict", "loose"]), Schema.Number])),
  mcForwarding: Schema.optional(Schema.Boolean),
  proxyNeigh: Schema.optional(Schema.Boolean),
  ignoreRoutesWithLinkdown: Schema.optional(Schema.Boolean),
  input: Schema.optional(Schema.Boolean),
  bcForwarding: Schema.optional(Schema.Boolean)
}) as any

const AF_MPLS = 28
const FAMILIES: Readonly<Record<Family, number>> = { inet: AF_INET, inet6: AF_INET6, mpls: AF_MPLS }
const familyName = (n: number): Family | number =>
  n === AF_INET ? "inet" : n === AF_INET6 ? "inet6" : n === AF_MPLS ? "mpls" : n
const RP = ["off", "strict", "loose"] as const
const bool = (v: number | undefined): boolean | undefined => (v === undefined ? undefined : v !== 0)

/**
 * The configuration a decoded RTM_NEWNETCONF message describes.
 *
 * @example
 * ```ts
 * const raw = yield* Netconf.listRaw()
 * raw.map((m) => Netconf.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: NetconfMessage, names: (index: number) => string | number): Netconf => {
  const i = m.ifindex ?? 0
  return {
    family: familyName(m.family),
    dev: i === NETCONFA_IFINDEX_ALL ? "all" : i === NETCONFA_IFINDEX_DEFAULT ? "default" : names(i),
    forwarding: bool(m.forwarding),
    rpFilter: m.rpFilter === undefined ? undefined : (RP[m.rpFilter] ?? m.rpFilter),
    mcForwarding: bool(m.mcForwarding),
    proxyNeigh: bool(m.proxyNeigh),
    ignoreRoutesWithLinkdown: bool(m.ignoreRoutesWithLinkdown),
    input: bool(m.input),
    bcForwarding: bool(m.bcForwarding)
  }
}

/**
 * The canonical form: the fields as given, undefined ones dropped.
 *
 * @example
 * ```ts
 * Netconf.canonical({ family: "inet", dev: "all", forwarding: undefined }) // { family: "inet", dev: "all" }
 * ```
 * @since 0.2.0
 */
export const canonical = (c: Netconf): Netconf =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as Netconf

/**
 * Whether two configurations are the same.
 *
 * @example
 * ```ts
 * Netconf.equals(a, b)
 * ```
 * @since 0.2.0
 */
export const equals = (a: Netconf, b: Netconf): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity: family and device.
 *
 * @example
 * ```ts
 * Netconf.key({ family: "inet", dev: "eth0" }) // "inet|eth0"
 * ```
 * @since 0.2.0
 */
export const key = (c: Netconf): string => `${c.family}|${c.dev}`

/**
 * The netconf object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Netconf.model.key(c)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Netconf> = { name: "netconf", schema, key, equals, canonical }

const RTM_NEWNETCONF = NetconfMessageTypes.RTM_NEWNETCONF
const RTM_GETNETCONF = NetconfMessageTypes.RTM_GETNETCONF
const NETCONFA_IFINDEX = 1

/**
 * The request `ip [-4|-6] netconf show` (a dump, `ifindex` undefined) or
 * `ip netconf show dev DEV` (one device; -1 all, -2 default) sends.
 *
 * @example
 * ```ts
 * const bytes = Netconf.getRequest(10, 3)
 * ```
 * @since 0.2.0
 */
export const getRequest = (family: number, ifindex?: number): Uint8Array =>
  buildMessage(RTM_GETNETCONF, ifindex === undefined ? NLM_F_DUMP : 0, (w) => {
    w.u8(family)
    w.u8(0)
    w.u16(0)
    if (ifindex !== undefined) w.attrU32(NETCONFA_IFINDEX, ifindex >>> 0)
  })

const options = (operation: string) => ({
  headerLength: NetconfMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(NetconfMessageMeta, t),
  operation
})

const decodeRaw = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) =>
  type === RTM_NEWNETCONF ? decodeNetconfMessage(buf, view, start + 16, end) : undefined

const FamilySchema = Schema.Literals(["inet", "inet6", "mpls"])
const FilterSchema = Schema.Struct({ family: Schema.optionalKey(FamilySchema) })
const QuerySchema = Schema.Struct({
  family: FamilySchema,
  dev: Schema.Union([Schema.String, Schema.Number])
})

/**
 * The decoded RTM_NEWNETCONF messages of a dump (every family unless one
 * is given).
 *
 * @example
 * ```ts
 * const raw = yield* Netconf.listRaw({ family: "inet6" })
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Netconf.listRaw", function* (filter?: { readonly family?: Family }) {
  const f = yield* validate(FilterSchema, filter ?? {}, "")
  const { route } = yield* Netlink
  return yield* route.dumpAll(
    getRequest(f.family === undefined ? AF_UNSPEC : FAMILIES[f.family]),
    decodeRaw,
    { ...options("netconf list"), retryInterrupted: 3 }
  )
})

/**
 * Every device's configuration (and "all" / "default"), like `ip netconf
 * show`, devices by name.
 *
 * @example
 * ```ts
 * const all = yield* Netconf.list({ family: "inet" })
 * ```
 * @since 0.2.0
 */
export const list = operation("Netconf.list", function* (filter?: { readonly family?: Family }) {
  const raw = yield* listRaw(filter)
  const names = yield* linkNames
  return raw.map((m) => fromMessage(m, names))
})

/**
 * One family's configuration of one device ("all" and "default" too), like
 * `ip -6 netconf show dev DEV`.
 *
 * @example
 * ```ts
 * const c = yield* Netconf.get({ family: "inet6", dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const get = operation(
  "Netconf.get",
  function* (query: { readonly family: Family; readonly dev: LinkRef }) {
    const q = yield* validate(QuerySchema, query)
    const ifindex =
      q.dev === "all"
        ? NETCONFA_IFINDEX_ALL
        : q.dev === "default"
          ? NETCONFA_IFINDEX_DEFAULT
          : yield* linkIndex(q.dev, "dev")
    const { route } = yield* Netlink
    const m = yield* route.requestReply(
      getRequest(FAMILIES[q.family], ifindex),
      decodeRaw,
      options("netconf get")
    )
    if (m === undefined)
      return yield* Effect.fail(
        new NetlinkError({
          reason: new Decode({
            message: "the answer was not an RTM_NEWNETCONF message",
            context: "netconf get"
          })
        })
      )
    const names = yield* linkNames
    return fromMessage(m, names)
  }
)
