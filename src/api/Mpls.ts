/**
 * MPLS label routes (AF_MPLS), as `ip -f mpls route` manages them: the
 * incoming label, the labels it is swapped to (`as to`), where it goes (`via
 * inet 10.0.0.1 dev eth0`, or a device alone to pop the label) and the TTL
 * propagation on pop; multipath routes with a nexthop each. One shape,
 * {@link MplsRoute}, is what `list` returns and `add`/`replace`/`remove` take.
 * The kernel needs the mpls_router module and `net.mpls.platform_labels`
 * above the labels used (and `net.mpls.conf.DEV.input` to accept labelled
 * packets on DEV). Pushing labels onto IP routes is `Route`'s `encap: { type:
 * "mpls" }`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Mpls, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Mpls.add({ label: 100, as: [200, 300], via: { family: "inet", address: "10.0.0.1" }, dev: "eth0" })
 *   const routes = yield* Mpls.list()
 *   // [{ label: 100, protocol: "boot", dev: "eth0", via: { family: "inet", address: "10.0.0.1" }, as: [200, 300] }]
 *   for (const r of routes) yield* Mpls.remove(r)
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  decodeRouteMessage,
  encodeRouteMessage,
  type RouteMessage,
  RouteMessageHeaderSize,
  RouteMessageMeta,
  RouteMessageTypes,
  RtnhFlags
} from "../generated/rt-route/index.ts"
import { describePath, type PathContext } from "../runtime/Describe.ts"
import * as P from "../runtime/Primitives.ts"
import { DecodeFailure, ipToString, parseIPv4, parseIPv6, type Writer } from "../runtime/Wire.ts"
import {
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  operation,
  validate
} from "./internal/Common.ts"
import { familyOfAddress } from "./internal/Inet.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { type LinkNames, type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

const AF_INET = 2
const AF_INET6 = 10
const AF_PACKET = 17
const AF_MPLS = 28
const RT_TABLE_MAIN = 254
const RTPROT_BOOT = 3
const RTN_UNICAST = 1
const RTA_DST = 1
const RTA_OIF = 4
const RTA_MULTIPATH = 9
const RTA_VIA = 18
const RTA_NEWDST = 19
const RTA_TTL_PROPAGATE = 26
const RTM_NEWROUTE = RouteMessageTypes.RTM_NEWROUTE
const RTM_DELROUTE = RouteMessageTypes.RTM_DELROUTE
const RTM_GETROUTE = RouteMessageTypes.RTM_GETROUTE
/** Labels 0-15 are reserved (explicit null, router alert, ...); the kernel refuses routes for them. */
const FIRST_LABEL = 16
const MAX_LABEL = 0xfffff
/** MAX_NEW_LABELS in the kernel (net/mpls/internal.h). */
const MAX_NEW_LABELS = 30

/**
 * A gateway: an IPv4 or IPv6 neighbour (`via inet 10.0.0.1`, `via inet6
 * fe80::1`), or a link-layer address (family "packet", `via packet
 * 02:00:00:00:00:01`: the frame is sent to that address).
 *
 * @example
 * ```ts
 * const v: Mpls.Via = { family: "inet", address: "10.0.0.1" }
 * ```
 * @since 0.2.0
 */
export interface Via {
  readonly family: "inet" | "inet6" | "packet"
  readonly address: string
}

/**
 * One path of a multipath label route (`nexthop as to 300 via inet
 * 10.0.0.1 dev eth0`). Every nexthop of a route swaps to the same number of
 * labels, and they share the traffic equally: the kernel refuses mixed
 * stacks and has no weights (nor nexthop flags) for label routes.
 *
 * @example
 * ```ts
 * const nh: Mpls.Nexthop = { as: [300], via: { family: "inet", address: "10.0.0.1" }, dev: "eth0" }
 * ```
 * @since 0.2.0
 */
export interface Nexthop {
  readonly dev?: LinkRef | undefined
  readonly via?: Via | undefined
  /** RTA_NEWDST: the labels the incoming one is swapped to, outermost first; none pops it. */
  readonly as?: ReadonlyArray<number> | undefined
}

/**
 * What the kernel reports by itself: nexthop flags (`linkdown`, `dead`).
 * Equality ignores it; inputs accept and ignore it.
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
}

/**
 * An MPLS label route: packets arriving with `label` at the top of their
 * stack leave with it swapped to `as` (or popped when `as` is absent) towards
 * `via` on `dev`, or along one of `nexthops`. `ttlPropagate` overrides
 * `net.mpls.ip_ttl_propagate` for this route when the last label is popped.
 * `protocol` is who installed it (default "boot", as ip). The key is the
 * label: the kernel has one label table.
 *
 * @example
 * ```ts
 * const r: Mpls.MplsRoute = { label: 100, as: [200], via: { family: "inet6", address: "2001:db8::2" }, dev: "eth0", ttlPropagate: false }
 * ```
 * @since 0.2.0
 */
export interface MplsRoute {
  readonly label: number
  readonly protocol?: string | number | undefined
  readonly dev?: LinkRef | undefined
  readonly via?: Via | undefined
  readonly as?: ReadonlyArray<number> | undefined
  readonly nexthops?: ReadonlyArray<Nexthop> | undefined
  readonly ttlPropagate?: boolean | undefined
  readonly status?: Status | undefined
}

// ---------------------------------------------------------------------------
// schemas

const Label = P.intBetween(P.U32, FIRST_LABEL, MAX_LABEL)
const OutLabel = P.intBetween(P.U32, 0, MAX_LABEL)
const Labels = Schema.Array(OutLabel).check(Schema.isMaxLength(MAX_NEW_LABELS))
const DevRef = Schema.Union([Schema.String, Schema.Number])
const ViaSchema = Schema.Union([
  Schema.Struct({ family: Schema.Literal("inet"), address: P.IPv4 }),
  Schema.Struct({ family: Schema.Literal("inet6"), address: P.IPv6 }),
  Schema.Struct({ family: Schema.Literal("packet"), address: P.MacAddress })
])
const FlagList = Schema.Array(Schema.Union([Schema.String, Schema.Number]))
const opt = Schema.optional

/**
 * The Schema of {@link MplsRoute}: what `add`/`replace`/`remove` validate
 * their input with (a Validation error names the field).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Mpls.schema)({ label: 100, dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<MplsRoute, any> = Schema.Struct({
  label: Label,
  protocol: opt(
    Schema.Union([
      Schema.String.check(
        Schema.makeFilter(
          (s: string) => Names.protocol.number(s) !== undefined || `"${s}" is not a protocol name`,
          {
            expected: "a protocol name"
          }
        )
      ),
      P.U8
    ])
  ),
  dev: opt(DevRef),
  via: opt(ViaSchema),
  as: opt(Labels),
  nexthops: opt(
    Schema.Array(
      Schema.Struct({
        dev: opt(DevRef),
        via: opt(ViaSchema),
        as: opt(Labels)
      })
    ).check(Schema.isMinLength(1))
  ),
  ttlPropagate: opt(Schema.Boolean),
  status: opt(Schema.Struct({ flags: opt(FlagList), nexthopFlags: opt(Schema.Array(FlagList)) }))
}) as any

// ---------------------------------------------------------------------------
// model

const macText = (s: string) => s.toLowerCase()
const canonicalVia = (v: Via | undefined): Via | undefined =>
  v === undefined
    ? undefined
    : {
        family: v.family,
        address:
          v.family === "packet"
            ? macText(v.address)
            : ipToString(
                v.family === "inet" ? parseIPv4(v.address)! : parseIPv6(v.address)!,
                0,
                v.family === "inet" ? 4 : 16
              )
      }
const canonicalLabels = (l: ReadonlyArray<number> | undefined) =>
  l === undefined || l.length === 0 ? undefined : l

/**
 * The canonical form: protocol "boot" by default and by name, addresses as
 * the kernel prints them, no empty label stacks, a
 * one-nexthop multipath route as the plain route the kernel stores, `status`
 * dropped.
 *
 * @example
 * ```ts
 * Mpls.canonical({ label: 100, dev: "eth0" }) // { label: 100, protocol: "boot", dev: "eth0" }
 * ```
 * @since 0.2.0
 */
export const canonical = (r: MplsRoute): MplsRoute => {
  let { dev, via, as, nexthops } = r
  if (nexthops !== undefined && nexthops.length === 1) {
    const nh = nexthops[0]!
    dev = nh.dev
    via = nh.via
    as = nh.as
    nexthops = undefined
  }
  const out: { -readonly [K in keyof MplsRoute]: MplsRoute[K] } = {
    label: r.label,
    protocol: Names.protocol.name(
      r.protocol === undefined ? RTPROT_BOOT : (Names.protocol.number(r.protocol) ?? -1)
    )
  }
  if (dev !== undefined) out.dev = dev
  if (via !== undefined) out.via = canonicalVia(via)
  if (canonicalLabels(as) !== undefined) out.as = as
  if (nexthops !== undefined)
    out.nexthops = nexthops.map((nh) => {
      const n: { -readonly [K in keyof Nexthop]: Nexthop[K] } = {}
      if (nh.dev !== undefined) n.dev = nh.dev
      if (nh.via !== undefined) n.via = canonicalVia(nh.via)
      if (canonicalLabels(nh.as) !== undefined) n.as = nh.as
      return n
    })
  if (r.ttlPropagate !== undefined) out.ttlPropagate = r.ttlPropagate
  return out
}

/**
 * A label route's identity: its incoming label (the kernel's one label table).
 *
 * @example
 * ```ts
 * Mpls.key({ label: 100, dev: "eth0" }) // "100"
 * ```
 * @since 0.2.0
 */
export const key = (r: MplsRoute): string => String(r.label)

/**
 * Whether two label routes have the same configuration (canonical forms
 * equal; `status` ignored; devices compared as given).
 *
 * @example
 * ```ts
 * Mpls.equals({ label: 100, dev: "eth0" }, listed)
 * ```
 * @since 0.2.0
 */
export const equals = (a: MplsRoute, b: MplsRoute): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The MPLS route object type.
 *
 * @example
 * ```ts
 * Mpls.model.key(route)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<MplsRoute> = { name: "mpls-route", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// wire

/** Label stack entries, big-endian, bottom of stack on the last. */
const labelStack = (labels: ReadonlyArray<number>): Uint8Array => {
  const out = new Uint8Array(labels.length * 4)
  const v = new DataView(out.buffer)
  labels.forEach((l, i) => {
    v.setUint32(i * 4, ((l << 12) | (i === labels.length - 1 ? 0x100 : 0)) >>> 0, false)
  })
  return out
}

const readLabels = (view: DataView, p: number, e: number): Array<number> => {
  const out: Array<number> = []
  for (; p + 4 <= e; p += 4) out.push(view.getUint32(p, false) >>> 12)
  return out
}

const viaFamily = (f: Via["family"]) => (f === "inet" ? AF_INET : f === "inet6" ? AF_INET6 : AF_PACKET)

/** struct rtvia: u16 family (host order), then the address. */
const viaBytes = (v: Via): Uint8Array => {
  const addr =
    v.family === "inet"
      ? parseIPv4(v.address)!
      : v.family === "inet6"
        ? parseIPv6(v.address)!
        : Uint8Array.from(v.address.split(":").map((x) => Number.parseInt(x, 16)))
  const out = new Uint8Array(2 + addr.length)
  new DataView(out.buffer).setUint16(0, viaFamily(v.family), true)
  out.set(addr, 2)
  return out
}

const decodeVia = (buf: Uint8Array, view: DataView, p: number, e: number): Via => {
  if (e - p < 2) throw new DecodeFailure(`RTA_VIA: ${e - p} bytes, expected at least 2`, p)
  const f = view.getUint16(p, true)
  if (f === AF_INET || f === AF_INET6)
    return { family: f === AF_INET ? "inet" : "inet6", address: ipToString(buf, p + 2, e - p - 2) }
  const mac = Array.from(buf.subarray(p + 2, e), (b) => b.toString(16).padStart(2, "0")).join(":")
  return { family: "packet", address: mac }
}

const FLAG_NAMES: Readonly<Record<string, number>> = {
  dead: RtnhFlags.dead,
  pervasive: RtnhFlags.pervasive,
  onlink: RtnhFlags.onlink,
  offload: RtnhFlags.offload,
  linkdown: RtnhFlags.linkdown,
  unresolved: RtnhFlags.unresolved,
  trap: RtnhFlags.trap
}

/**
 * Decodes one AF_MPLS route message (rtmsg + attributes at [p, end)) into an
 * {@link MplsRoute}, devices named with `names`.
 */
const decodeMpls = (buf: Uint8Array, view: DataView, p: number, end: number, names: LinkNames): MplsRoute => {
  if (end - p < 12) throw new DecodeFailure(`rtmsg: ${end - p} bytes, expected 12`, p)
  const out: { -readonly [K in keyof MplsRoute]: MplsRoute[K] } = {
    label: 0,
    protocol: Names.protocol.name(buf[p + 5]!)
  }
  const flags = view.getUint32(p + 8, true)
  let nexthopFlags: Array<ReadonlyArray<string | number>> | undefined
  let off = p + 12
  while (off + 4 <= end) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > end) throw new DecodeFailure(`route-attrs: attribute length ${len}`, off)
    const q = off + 4
    const e = off + len
    switch (view.getUint16(off + 2, true) & 0x3fff) {
      case RTA_DST:
        if (len >= 8) out.label = view.getUint32(q, false) >>> 12
        break
      case RTA_OIF:
        if (len >= 8) out.dev = names(view.getUint32(q, true))
        break
      case RTA_VIA:
        out.via = decodeVia(buf, view, q, e)
        break
      case RTA_NEWDST:
        out.as = readLabels(view, q, e)
        break
      case RTA_TTL_PROPAGATE:
        if (len >= 5) out.ttlPropagate = buf[q] !== 0
        break
      case RTA_MULTIPATH: {
        const hops: Array<Nexthop> = []
        const hopFlags: Array<ReadonlyArray<string | number>> = []
        let r = q
        while (r + 8 <= e) {
          const rlen = view.getUint16(r, true)
          if (rlen < 8 || r + rlen > e) throw new DecodeFailure(`RTA_MULTIPATH: record length ${rlen}`, r)
          const nh: { -readonly [K in keyof Nexthop]: Nexthop[K] } = {}
          const ifindex = view.getInt32(r + 4, true)
          if (ifindex > 0) nh.dev = names(ifindex)
          let a = r + 8
          while (a + 4 <= r + rlen) {
            const alen = view.getUint16(a, true)
            if (alen < 4 || a + alen > r + rlen)
              throw new DecodeFailure(`RTA_MULTIPATH: attribute length ${alen}`, a)
            const t = view.getUint16(a + 2, true) & 0x3fff
            if (t === RTA_VIA) nh.via = decodeVia(buf, view, a + 4, a + alen)
            else if (t === RTA_NEWDST) nh.as = readLabels(view, a + 4, a + alen)
            a += (alen + 3) & ~3
          }
          hops.push(nh)
          hopFlags.push(Names.flagNames(buf[r + 2]!, FLAG_NAMES))
          r += (rlen + 3) & ~3
        }
        out.nexthops = hops
        if (hopFlags.some((f) => f.length > 0)) nexthopFlags = hopFlags
        break
      }
    }
    off += (len + 3) & ~3
  }
  if (flags !== 0 || nexthopFlags !== undefined)
    out.status = {
      ...(flags !== 0 ? { flags: Names.flagNames(flags, FLAG_NAMES) } : {}),
      ...(nexthopFlags !== undefined ? { nexthopFlags } : {})
    }
  return out
}

/** The indexes of `r`'s devices, resolved by the caller. */
interface Indexes {
  readonly dev?: number | undefined
  readonly nexthops?: ReadonlyArray<number | undefined> | undefined
}

const body = (r: MplsRoute, command: "add" | "remove", ix: Indexes) => (w: Writer) => {
  const add = command === "add"
  // rtmsg: AF_MPLS, a 20-bit label, table main, unicast; ip sends protocol 0 to delete
  w.u8(AF_MPLS)
  w.u8(20)
  w.u8(0)
  w.u8(0)
  w.u8(RT_TABLE_MAIN)
  w.u8(r.protocol !== undefined ? Names.protocol.number(r.protocol)! : add ? RTPROT_BOOT : 0)
  w.u8(0)
  w.u8(RTN_UNICAST)
  w.u32(0)
  w.attrBinary(RTA_DST, labelStack([r.label]))
  if (add) {
    if (r.as !== undefined && r.as.length > 0) w.attrBinary(RTA_NEWDST, labelStack(r.as))
    if (r.via !== undefined) w.attrBinary(RTA_VIA, viaBytes(r.via))
    if (ix.dev !== undefined) w.attrU32(RTA_OIF, ix.dev)
    if (r.ttlPropagate !== undefined) w.attrU8(RTA_TTL_PROPAGATE, r.ttlPropagate ? 1 : 0)
    if (r.nexthops !== undefined) {
      const mp = w.attrStart(RTA_MULTIPATH)
      r.nexthops.forEach((nh, i) => {
        const start = w.pos
        w.u16(0) // rtnh_len, set below
        w.u8(0)
        w.u8(0) // rtnh_hops: the kernel has no weights for label routes
        w.s32(ix.nexthops?.[i] ?? 0)
        if (nh.as !== undefined && nh.as.length > 0) w.attrBinary(RTA_NEWDST, labelStack(nh.as))
        if (nh.via !== undefined) w.attrBinary(RTA_VIA, viaBytes(nh.via))
        w.view.setUint16(start, w.pos - start, true)
      })
      w.attrEnd(mp)
    }
  }
}

/**
 * RTM_NEWROUTE (`add`: NLM_F_CREATE|NLM_F_EXCL; `replace`:
 * NLM_F_CREATE|NLM_F_REPLACE) or RTM_DELROUTE for a validated route, devices
 * as indexes, as `ip -f mpls route add|replace|del` sends them.
 *
 * @example
 * ```ts
 * const bytes = Mpls.request("add", { label: 100, as: [200], via: { family: "inet", address: "10.0.0.1" } }, { dev: 3 })
 * ```
 * @since 0.2.0
 */
export const request = (
  command: "add" | "replace" | "remove",
  route: MplsRoute,
  indexes: Indexes = {}
): Uint8Array =>
  command === "remove"
    ? buildMessage(RTM_DELROUTE, 0, body(route, "remove", indexes))
    : buildMessage(
        RTM_NEWROUTE,
        NLM_F_CREATE | (command === "add" ? NLM_F_EXCL : NLM_F_REPLACE),
        body(route, "add", indexes)
      )

/**
 * The dump request of `ip -f mpls route show`: RTM_GETROUTE for AF_MPLS.
 *
 * @example
 * ```ts
 * const bytes = Mpls.listRequest()
 * ```
 * @since 0.2.0
 */
export const listRequest = (): Uint8Array =>
  buildMessage(RTM_GETROUTE, NLM_F_DUMP, (w) => {
    w.u8(AF_MPLS)
    w.zeros(11)
  })

// ---------------------------------------------------------------------------
// operations

const requestOptions = (operation: string) => ({
  headerLength: RouteMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>, c?: PathContext) => describePath(RouteMessageMeta, t, c),
  operation
})

const crossCheck = (r: MplsRoute) => {
  if (r.nexthops !== undefined && (r.via !== undefined || r.dev !== undefined || r.as !== undefined))
    return invalid(
      r.via !== undefined ? "via" : r.dev !== undefined ? "dev" : "as",
      "give either nexthops or one path (each nexthop has its own dev, via and labels)"
    )
  // the kernel sizes a route's nexthops alike: each swaps to the same number of labels
  const counts = (r.nexthops ?? []).map((nh) => nh.as?.length ?? 0)
  const odd = counts.findIndex((n) => n !== counts[0])
  if (odd > 0)
    return invalid(
      `nexthops[${odd}].as`,
      `every nexthop must swap to the same number of labels (nexthop 0 has ${counts[0]}, nexthop ${odd} ${counts[odd]})`
    )
  const wrongFamily = (v: Via | undefined) =>
    v !== undefined && v.family !== "packet" && familyOfAddress(v.address) !== viaFamily(v.family)
  for (const [i, nh] of (r.nexthops ?? []).entries())
    if (wrongFamily(nh.via))
      return invalid(`nexthops[${i}].via.address`, `"${nh.via!.address}" is not an ${nh.via!.family} address`)
  if (wrongFamily(r.via))
    return invalid("via.address", `"${r.via!.address}" is not an ${r.via!.family} address`)
  return undefined
}

const send = (command: "add" | "replace" | "remove", input: MplsRoute) =>
  Effect.gen(function* () {
    const r = (yield* validate(schema, input)) as MplsRoute
    const bad = crossCheck(r)
    if (bad !== undefined) return yield* Effect.fail(bad)
    const dev = r.dev === undefined ? undefined : yield* linkIndex(r.dev, "dev")
    const nexthops: Array<number | undefined> = []
    for (const [i, nh] of (r.nexthops ?? []).entries())
      nexthops.push(nh.dev === undefined ? undefined : yield* linkIndex(nh.dev, `nexthops[${i}].dev`))
    const { route } = yield* Netlink
    yield* route.request(request(command, r, { dev, nexthops }), requestOptions(`mpls route ${command}`))
  })

/**
 * Adds a label route, like `ip -f mpls route add`; EEXIST if the label has one.
 *
 * @example
 * ```ts
 * yield* Mpls.add({ label: 100, as: [200, 300], via: { family: "inet", address: "10.0.0.1" }, dev: "eth0" })
 * yield* Mpls.add({ label: 101, dev: "eth0" }) // pop and deliver
 * ```
 * @since 0.2.0
 */
export const add = operation("Mpls.add", function* (route: MplsRoute) {
  yield* send("add", route)
})

/**
 * Adds or replaces the route of a label, like `ip -f mpls route replace`.
 *
 * @example
 * ```ts
 * yield* Mpls.replace({ label: 100, as: [400], via: { family: "inet", address: "10.0.0.1" }, dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const replace = operation("Mpls.replace", function* (route: MplsRoute) {
  yield* send("replace", route)
})

/**
 * Removes the route of a label, like `ip -f mpls route del LABEL` (only the
 * label is sent: a label has one route). The kernel answers success for a
 * label that has no route.
 *
 * @example
 * ```ts
 * yield* Mpls.remove({ label: 100 })
 * ```
 * @since 0.2.0
 */
export const remove = operation("Mpls.remove", function* (route: MplsRoute) {
  yield* send("remove", route)
})

/**
 * The label routes, like `ip -f mpls route show`, devices named from one
 * link dump per call.
 *
 * @example
 * ```ts
 * const routes = yield* Mpls.list()
 * ```
 * @since 0.2.0
 */
export const list = operation("Mpls.list", function* () {
  const names = yield* linkNames
  const { route } = yield* Netlink
  return yield* route.dumpAll(
    listRequest(),
    (buf, view, start, end, type) =>
      type === RTM_NEWROUTE && buf[start + NLMSG_HDRLEN] === AF_MPLS
        ? decodeMpls(buf, view, start + NLMSG_HDRLEN, end, names)
        : undefined,
    requestOptions("mpls route list")
  )
})

/**
 * Like {@link list}, the decoded messages (RTA_DST and RTA_NEWDST as label
 * stack bytes; {@link fromMessage} turns one into a route).
 *
 * @example
 * ```ts
 * const raw = yield* Mpls.listRaw()
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Mpls.listRaw", function* () {
  const { route } = yield* Netlink
  return yield* route.dumpAll(
    listRequest(),
    (buf, view, start, end, type) =>
      type === RTM_NEWROUTE && buf[start + NLMSG_HDRLEN] === AF_MPLS
        ? decodeRouteMessage(buf, view, start + NLMSG_HDRLEN, end)
        : undefined,
    requestOptions("mpls route list")
  )
})

/**
 * The {@link MplsRoute} of a message as {@link listRaw} returns it (devices
 * named with `names`, else left as indexes).
 *
 * @example
 * ```ts
 * const routes = (yield* Mpls.listRaw()).map((m) => Mpls.fromMessage(m))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (message: RouteMessage, names: LinkNames = (i) => i): MplsRoute => {
  // RTA_DST of an MPLS route is a label stack entry the generated decoder reads as 4 address bytes
  const { dst, ...rest } = message
  const bytes = buildMessage(RTM_NEWROUTE, 0, (w) => {
    encodeRouteMessage(w, rest as RouteMessage)
    if (dst !== undefined) w.attrBinary(RTA_DST, parseIPv4(dst) ?? new Uint8Array(4))
  })
  return decodeMpls(
    bytes,
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    16,
    bytes.length,
    names
  )
}
