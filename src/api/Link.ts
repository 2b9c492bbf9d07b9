/**
 * Network interfaces: list, get, add, change and remove links — what `ip
 * link` does, as Effects, on one object model: what {@link list} returns is
 * what {@link add} and {@link remove} accept.
 *
 * A {@link Link} is `{ name, kind?, mtu, address, txqlen, group, master?, up,
 * alias?, numTxQueues, numRxQueues, ...kind options, port?, status }`:
 * - the kind's options sit at the top level, named as `ip link add ... type
 *   KIND` names them in camelCase (a vxlan's `id`, `remote`, `dev`; a bridge's
 *   `stpState`, `multicastSnooping`, ...). Where a kind's option takes a common
 *   name, the common field is renamed: a vxlan's device group is `deviceGroup`
 *   (its `group` is the multicast group, as in `ip`);
 * - `port` holds the options a master gives its port (bridge: `learning`,
 *   `cost`, ...; bond: `queueId`, ...), applied after the link joins `master`;
 * - `status` is what the kernel reports by itself: index, operstate, link type,
 *   all flags by name, carrier, the kind's and the port's state, and lazily
 *   the counters (`stats64`, `stats`), `afSpec` and the whole decoded `message`.
 *   Equality ignores it; inputs accept and ignore it.
 *
 * Kinds are modules (src/api/link/kinds/*.ts, listed in src/api/link/registry.ts);
 * this module holds no per-kind code. Kinds the registry lacks (and physical
 * devices) are listed with `kind` and their decoded kind data under `data`;
 * they cannot be added.
 *
 * A veth pair lists as two links whose `peer` names each other; `add` of one
 * end creates both, so to recreate a namespace add one end of each pair.
 *
 * Deliberate differences from iproute2:
 * - IFLA_INFO_KIND is sent NUL-terminated (iproute2 omits the NUL); the kernel
 *   reads it with nla_strscpy and accepts both. IFLA_IFALIAS goes without a
 *   NUL, as iproute2 sends it (with one, a 255-byte alias would be refused).
 * - The kernel ignores IFLA_IFALIAS when creating a link, so `add` with an
 *   `alias` sends a second request that sets it (iproute2 silently loses it);
 *   port options likewise follow in a request of their own.
 * - `list({ kind })` also filters on our side: the kernel drops the kind
 *   filter when the kind is not registered (module not loaded) and would
 *   return every link.
 * - `ip link show` asks for RTEXT_FILTER_VF; `list` does not (no per-VF data).
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { release } from "node:os"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { NLM_F_APPEND, NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  AfSpecAttrsTypes,
  ArphrdNames,
  decodeLinkAttrsViewInto,
  decodeLinkMessage,
  encodeLinkAttrs,
  encodeLinkMessage,
  IfinfomsgOffsets,
  type LinkAttrs,
  LinkAttrsTypes,
  type LinkinfoAttrs,
  type LinkinfoDataMsg,
  LinkMessage,
  LinkMessageHeaderSize,
  LinkMessageMeta,
  LinkMessageTypes,
  NetDeviceFlags,
  OperstateNames,
  RtextFilter,
  type RtnlLinkStats,
  type RtnlLinkStats64,
  type VfInfoAttrs,
  type VfStatsAttrs,
  XdpAttachedNames,
  XdpFlags
} from "../generated/rt-link/index.ts"
import {
  Inet6Fields,
  type Inet6Options,
  inet6Canonical,
  inet6FromWire,
  inet6KernelChosen,
  inet6ToWire,
  LinkFields,
  type LinkOptions,
  type LinkStatus as ViewStatus,
  linkCanonical,
  linkFromWire,
  linkKernelChosen,
  linkStatusFields,
  linkToWire
} from "../generated/rt-link/view.ts"
import { describePath } from "../runtime/Describe.ts"
import * as Ns from "../runtime/Namespace.ts"
import { kernel as kernelError, type NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { keepBytes, macToString, parseMac, readString } from "../runtime/Wire.ts"
import { Netlink } from "./Netlink.ts"
import {
  buildMessage,
  checkBuilt,
  invalid,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  operation,
  validate
} from "./internal/Common.ts"
import { defined, isEmpty } from "./internal/Kind.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { flagNames } from "./internal/Names.ts"
import { type LinkRef, linkIndex, writeDeviceName } from "./internal/Resolve.ts"
import type { BridgePortInput, BridgePortOptions } from "./link/kinds/bridge.ts"
import type { VethPeer as VethPeerOptions } from "./link/kinds/veth.ts"
import {
  emptyHeader,
  groupNumber,
  type LinkKind,
  type NamespaceTarget as Target,
  type PortDescriptor,
  NamespaceSchema,
  nsAttrs,
  type ResolvedNamespace as Resolved
} from "./link/LinkKind.ts"
import { missingKind } from "./link/Missing.ts"
import { byKind, registry } from "./link/registry.ts"

/**
 * Reads `ip link add` words into a link spec (`parseChanges`: `ip link set`'s,
 * `parseDel`: `ip link del`'s device).
 *
 * @example
 * ```ts
 * Link.parse("vx0 type vxlan id 42 dstport 4789 dev eth0")
 * // { kind: "vxlan", name: "vx0", id: 42, dstport: 4789, dev: "eth0" }
 * ```
 * @since 0.3.0
 */
export { parse, parseChanges, parseDel, parseProperty } from "./parse/Link.ts"

// ---------------------------------------------------------------------------
// types

/**
 * A device by name or index.
 *
 * @example
 * ```ts
 * const a: Link.Ref = "eth0"
 * const b: Link.Ref = 2
 * ```
 * @since 0.1.0
 */
export type Ref = LinkRef

/**
 * A network namespace to move a link (or a veth peer) to: a name as
 * `ip netns` knows it, a pid (as `ip link set ... netns PID`), or explicitly
 * `{ name }`, `{ pid }`, `{ fd }` (an open nsfs file descriptor) or `{ path }`.
 *
 * @example
 * ```ts
 * const byName: Link.NamespaceTarget = "blue"
 * const byPid: Link.NamespaceTarget = { pid: 4242 }
 * ```
 * @since 0.1.0
 */
export type NamespaceTarget = Target

/**
 * A namespace as the request carries it: IFLA_NET_NS_FD or IFLA_NET_NS_PID.
 *
 * @example
 * ```ts
 * const t: Link.ResolvedNamespace = { fd: 4 }
 * ```
 * @since 0.1.0
 */
export type ResolvedNamespace = Resolved

/**
 * What the kernel reports about a link by itself. Equality ignores it. The
 * counters, per-family data and the whole decoded message are decoded on
 * first access.
 *
 * @example
 * ```ts
 * const [eth0] = yield* Link.list()
 * eth0.status?.operstate // "up"
 * eth0.status?.stats64?.rxBytes // 1234n
 * ```
 * @since 0.2.0
 */
export interface LinkStatus extends Omit<ViewStatus, "xdp" | "propList" | "vfinfoList"> {
  readonly index: number
  /** "up", "down", "unknown", ... (a number when unnamed). */
  readonly operstate: string | number
  /** ARPHRD name: "ether", "loopback", "none", ... */
  readonly linkType: string | number
  /** Every flag of ifi_flags by `ip`'s name: "up", "broadcast", "lower_up", ... */
  readonly flags: ReadonlyArray<string | number>
  readonly carrier?: boolean | undefined
  /** IFLA_LINK as a number: the parent or peer's index (in `linkNetnsId` when set). */
  readonly link?: number | undefined
  readonly linkNetnsId?: number | undefined
  /** The kind data's status attributes (a bridge's root id, timers, ...). */
  readonly data?: object | undefined
  /** The port's status in its master (bridge port state, bond port MII status, ...). */
  readonly port?: object | undefined
  readonly stats64?: RtnlLinkStats64 | undefined
  readonly stats?: RtnlLinkStats | undefined
  readonly afSpec?: LinkMessage["afSpec"]
  /** Alternative names (IFLA_PROP_LIST), as `ip link property add ... altname` adds them. */
  readonly altnames?: ReadonlyArray<string> | undefined
  /** The attached XDP program(s): mode "none", "drv", "skb", "hw" or "multi", and program ids. */
  readonly xdp?: XdpStatus | undefined
  /** SR-IOV virtual functions (IFLA_VFINFO_LIST; the kernel reports them when asked with RTEXT_FILTER_VF). */
  readonly vfs?: ReadonlyArray<VfInfo> | undefined
  /** The whole message as decoded by the generated codec. */
  readonly message: LinkMessage
}

/**
 * One SR-IOV virtual function as the kernel reports it (IFLA_VF_INFO), named
 * as `ip link show` prints it; what {@link setVf} takes, plus `stats`.
 *
 * @example
 * ```ts
 * const vf: Link.VfInfo = { vf: 0, mac: "02:00:00:00:00:05", vlan: 10, spoofchk: true, linkState: "auto" }
 * ```
 * @since 0.3.0
 */
export interface VfInfo extends VfSetting {
  readonly stats?: VfStatsAttrs | undefined
}

/**
 * A VF's settings (`ip link set DEV vf N mac ... vlan ... qos ... rate ...
 * spoofchk ... trust ... state ...`).
 *
 * @example
 * ```ts
 * const s: Link.VfSetting = { vf: 0, mac: "02:00:00:00:00:05", trust: true }
 * ```
 * @since 0.3.0
 */
export interface VfSetting {
  readonly vf: number
  readonly mac?: string | undefined
  readonly vlan?: number | undefined
  readonly qos?: number | undefined
  /** Max TX rate in Mbps (IFLA_VF_TX_RATE; 0 unlimited). */
  readonly txRate?: number | undefined
  readonly minTxRate?: number | undefined
  readonly maxTxRate?: number | undefined
  readonly spoofchk?: boolean | undefined
  readonly trust?: boolean | undefined
  readonly rssQueryEn?: boolean | undefined
  /** "auto" (follows the uplink), "enable" or "disable". */
  readonly linkState?: "auto" | "enable" | "disable" | number | undefined
}

const VF_LINK_STATES = ["auto", "enable", "disable"] as const

/** A VF on/off setting; the kernel reports -1 (all ones) when the driver has none. */
const vfBool = (x: { readonly setting: number } | undefined): boolean | undefined =>
  x === undefined || x.setting === 0xffffffff ? undefined : x.setting !== 0

/** IFLA_VF_INFO → the model (the MAC as its first 6 bytes, as `ip` prints an Ethernet VF). */
const vfFrom = (v: VfInfoAttrs): VfInfo =>
  defined({
    vf: v.mac?.vf ?? v.vlan?.vf ?? v.txRate?.vf ?? 0,
    mac: v.mac === undefined ? undefined : macToString(v.mac.mac, 0, 6),
    vlan: v.vlan?.vlan,
    qos: v.vlan?.qos,
    txRate: v.txRate?.rate,
    minTxRate: v.rate?.minTxRate,
    maxTxRate: v.rate?.maxTxRate,
    spoofchk: vfBool(v.spoofchk),
    trust: vfBool(v.trust),
    rssQueryEn: vfBool(v.rssQueryEn),
    linkState:
      v.linkState === undefined
        ? undefined
        : (VF_LINK_STATES[v.linkState.linkState] ?? v.linkState.linkState),
    stats: v.stats
  })

const VfSettingSchema = Schema.Struct({
  vf: P.U32,
  mac: Schema.optional(P.MacAddress),
  vlan: Schema.optional(P.intBetween(P.U32, 0, 4095)),
  qos: Schema.optional(P.intBetween(P.U32, 0, 7)),
  txRate: Schema.optional(P.U32),
  minTxRate: Schema.optional(P.U32),
  maxTxRate: Schema.optional(P.U32),
  spoofchk: Schema.optional(Schema.Boolean),
  trust: Schema.optional(Schema.Boolean),
  rssQueryEn: Schema.optional(Schema.Boolean),
  linkState: Schema.optional(Schema.Union([Schema.Literals(VF_LINK_STATES), P.U32]))
})

/**
 * IFLA_VF_INFO of a VF setting, as `ip link set DEV vf N ...` sends it (VLAN
 * and QoS together; min and max rate together).
 *
 * @example
 * ```ts
 * Link.vfAttrs({ vf: 0, trust: true }) // { trust: { vf: 0, setting: 1 } }
 * ```
 * @since 0.3.0
 */
export const vfAttrs = (s: VfSetting): VfInfoAttrs => {
  const vf = s.vf
  const setting = (b: boolean | undefined) => (b === undefined ? undefined : { vf, setting: b ? 1 : 0 })
  let mac: Uint8Array | undefined
  if (s.mac !== undefined) {
    mac = new Uint8Array(32)
    mac.set(parseMac(s.mac)!)
  }
  return defined({
    mac: mac === undefined ? undefined : { vf, mac },
    vlan:
      s.vlan === undefined && s.qos === undefined ? undefined : { vf, vlan: s.vlan ?? 0, qos: s.qos ?? 0 },
    txRate: s.txRate === undefined ? undefined : { vf, rate: s.txRate },
    rate:
      s.minTxRate === undefined && s.maxTxRate === undefined
        ? undefined
        : { vf, minTxRate: s.minTxRate ?? 0, maxTxRate: s.maxTxRate ?? 0 },
    spoofchk: setting(s.spoofchk),
    trust: setting(s.trust),
    rssQueryEn: setting(s.rssQueryEn),
    linkState:
      s.linkState === undefined
        ? undefined
        : {
            vf,
            linkState: typeof s.linkState === "number" ? s.linkState : VF_LINK_STATES.indexOf(s.linkState)
          }
  })
}

/**
 * The `ip link set DEV vf N ...` request (RTM_NEWLINK, IFLA_VFINFO_LIST) for link `index`.
 *
 * @example
 * ```ts
 * const bytes = Link.vfRequest(3, { vf: 0, mac: "02:00:00:00:00:05" })
 * ```
 * @since 0.3.0
 */
export const vfRequest = (index: number, s: VfSetting): Uint8Array =>
  newlink(NLM_F_ACK, { ...emptyHeader, index, vfinfoList: { info: [vfAttrs(s)] } })

/**
 * XDP state of a link (IFLA_XDP): the attach mode and the program ids.
 *
 * @example
 * ```ts
 * const x: Link.XdpStatus = { mode: "skb", progId: 42 }
 * ```
 * @since 0.3.0
 */
export interface XdpStatus {
  /** "none", "drv" (native), "skb" (generic), "hw" (offloaded) or "multi". */
  readonly mode: string | number
  readonly progId?: number | undefined
  readonly drvProgId?: number | undefined
  readonly skbProgId?: number | undefined
  readonly hwProgId?: number | undefined
}

/**
 * Fields every link has.
 *
 * @example
 * ```ts
 * const common: Link.CommonOptions = { name: "br0", mtu: 9000, up: true }
 * ```
 * @since 0.1.0
 */
export interface CommonOptions extends LinkOptions, Inet6Options {
  /** Interface name: 1..15 bytes, no '/' or whitespace. */
  readonly name: string
  /**
   * Protocol-down reason bits (IFLA_PROTO_DOWN_REASON, `ip link set ...
   * protodown_reason`); 0 when none.
   */
  readonly protodownReason?: number
  /** Administratively up (IFF_UP). */
  readonly up?: boolean
  /** Promiscuous mode set by the user (`ip link set ... promisc on`). */
  readonly promisc?: boolean
  /** All-multicast mode set by the user. */
  readonly allmulticast?: boolean
  /** On add: create the link directly in this namespace. */
  readonly netns?: NamespaceTarget
  /** Options of this link as a port of `master` (its kind's port options). */
  readonly port?: Readonly<Record<string, unknown>>
  /** What the kernel reports; ignored by equality and by add/remove. */
  readonly status?: LinkStatus
}

/**
 * The peer end of a veth pair.
 *
 * @example
 * ```ts
 * const peer: Link.VethPeer = { name: "veth1", netns: "blue" }
 * ```
 * @since 0.1.0
 */
export type VethPeer = VethPeerOptions

/** The input/read shape of one kind's descriptor: common fields (minus those the kind's options redefine), its options, its kind. */
type SpecOf<D> =
  D extends LinkKind<infer O, infer K> ? Omit<CommonOptions, keyof O> & O & { readonly kind: K } : never

/**
 * What {@link add} creates, selected by `kind`: one member per kind in the
 * registry (src/api/link/registry.ts), from the kind module's options.
 *
 * @example
 * ```ts
 * const spec: Link.AddSpec = { kind: "dummy", name: "dummy0" }
 * ```
 * @since 0.1.0
 */
export type AddSpec = SpecOf<(typeof registry)[number]>

/**
 * `ip link add NAME type veth peer name PEER [netns NS]`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "veth", name: "veth0", peer: { name: "veth1" } })
 * ```
 * @since 0.1.0
 */
export type VethSpec = Extract<AddSpec, { readonly kind: "veth" }>

/**
 * `ip link add NAME type bridge ...`; times in centiseconds, as `ip` takes them.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "bridge", name: "br0", stpState: true, forwardDelay: 400 })
 * ```
 * @since 0.1.0
 */
export type BridgeSpec = Extract<AddSpec, { readonly kind: "bridge" }>

/**
 * Options of a bridge port (`ip link set PORT type bridge_slave ...`), given as
 * `port` of a link whose master is a bridge.
 *
 * @example
 * ```ts
 * const p: Link.BridgePort = { learning: false, cost: 10 }
 * ```
 * @since 0.2.0
 */
export type BridgePort = BridgePortOptions

/**
 * `ip link add NAME type vxlan id VNI ...`. `remote` (unicast) and `group`
 * (multicast) both set IFLA_VXLAN_GROUP/GROUP6; give at most one. Learning is
 * on unless `learning: false` or `external`. The device group is `deviceGroup`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vxlan", name: "vx0", id: 42, remote: "10.0.0.2", dev: "eth0", dstport: 4789 })
 * ```
 * @since 0.1.0
 */
export type VxlanSpec = Extract<AddSpec, { readonly kind: "vxlan" }>

/**
 * `ip link add NAME link PARENT type macvlan|macvtap mode MODE`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "macvlan", name: "mv0", link: "eth0", mode: "bridge" })
 * ```
 * @since 0.1.0
 */
export type MacvlanSpec = Extract<AddSpec, { readonly kind: "macvlan" | "macvtap" }>

/**
 * `ip link add NAME type ifb` / `type dummy`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "ifb", name: "ifb0" })
 * ```
 * @since 0.1.0
 */
export type SimpleSpec = Extract<AddSpec, { readonly kind: "ifb" | "dummy" }>

/**
 * `ip link add NAME link PARENT type vlan id ID [protocol 802.1ad] [egress-qos-map ...]`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vlan", name: "eth0.7", link: "eth0", id: 7, egressQos: { 1: 2 } })
 * ```
 * @since 0.1.0
 */
export type VlanSpec = Extract<AddSpec, { readonly kind: "vlan" }>

/**
 * `ip link add NAME type bond mode MODE ...`. Options newer than the running
 * kernel (which it would silently ignore) fail with the version they need.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "bond", name: "bond0", mode: "802.3ad", miimon: 100 })
 * ```
 * @since 0.1.0
 */
export type BondSpec = Extract<AddSpec, { readonly kind: "bond" }>

/**
 * `ip link add NAME type vrf table N`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vrf", name: "vrf-blue", table: 10, up: true })
 * ```
 * @since 0.1.0
 */
export type VrfSpec = Extract<AddSpec, { readonly kind: "vrf" }>

/**
 * A link of a kind the registry does not know (or a physical device, without
 * `kind`): its kind data as decoded, under `data`.
 *
 * @example
 * ```ts
 * const lo: Link.OtherLink = { name: "lo", mtu: 65536, up: true }
 * ```
 * @since 0.2.0
 */
export interface OtherLink extends CommonOptions {
  readonly kind?: string
  readonly data?: unknown
}

/**
 * A link as {@link list} returns it and {@link add}/{@link remove} take it.
 *
 * @example
 * ```ts
 * const link: Link.Link = yield* Link.get("eth0")
 * link.name // "eth0"
 * link.status?.operstate // "up"
 * ```
 * @since 0.1.0
 */
export type Link = AddSpec | OtherLink

/**
 * Changes {@link set} applies, as `ip link set` does. `alias: null` removes the
 * alias, `master: null` detaches (nomaster). Port options: {@link setPort}.
 *
 * @example
 * ```ts
 * const c: Link.Changes = { up: true, mtu: 1400, master: "br0" }
 * ```
 * @since 0.1.0
 */
export interface Changes
  extends Omit<LinkOptions, "alias" | "master" | "numTxQueues" | "numRxQueues">,
    Inet6Options {
  readonly up?: boolean
  /** Rename. */
  readonly name?: string
  readonly alias?: string | null
  readonly master?: Ref | null
  /** Protocol-down reason bits, all at once (0 clears them). */
  readonly protodownReason?: number
  readonly netns?: NamespaceTarget
  readonly promisc?: boolean
  /** false sets IFF_NOARP. */
  readonly arp?: boolean
  readonly multicast?: boolean
  readonly allmulticast?: boolean
  /** Carrier on/off (only devices with ndo_change_carrier, e.g. dummy). */
  readonly carrier?: boolean
}

/**
 * Which links {@link list} returns; the kernel filters by kind and master.
 *
 * @example
 * ```ts
 * const ports = yield* Link.list({ master: "br0" })
 * ```
 * @since 0.1.0
 */
export interface ListFilter {
  /** Link kind (IFLA_INFO_KIND): "veth", "bridge" ... */
  readonly kind?: string
  /** Only ports of this master. */
  readonly master?: Ref
  /**
   * Ask for counters; default true. With false the kernel is asked
   * (RTEXT_FILTER_SKIP_STATS) to skip per-VF counters and `status.stats64` /
   * `status.stats` are left out.
   */
  readonly stats?: boolean
}

// ---------------------------------------------------------------------------
// input schemas

const Bool = Schema.Boolean
// optional, not optionalKey: callers may pass `field: undefined`
const opt = Schema.optional
const RefSchema = Schema.Union([Schema.String, Schema.Number])

// The top-level attributes come from the spec's view (LinkFields, Inet6Fields).
const commonFields = {
  name: P.InterfaceName,
  ...LinkFields,
  ...Inet6Fields,
  protodownReason: opt(P.U32),
  up: opt(Bool),
  promisc: opt(Bool),
  allmulticast: opt(Bool),
  netns: opt(NamespaceSchema),
  // checked against the master kind's port Schema once the master is known
  port: opt(Schema.Unknown),
  // what list returns is accepted as input: status is ignored
  status: opt(Schema.Unknown)
}

const kindSchema = (k: LinkKind): Schema.Codec<any, any> => {
  const fields: Record<string, Schema.Top> = { kind: Schema.Literal(k.kind), ...commonFields }
  if (k.renames?.group !== undefined) {
    delete fields.group
    fields[k.renames.group] = LinkFields.group
  }
  return Schema.Struct({ ...fields, ...k.fields }) as unknown as Schema.Codec<any, any>
}

/**
 * The input Schema of each kind {@link add} accepts (e.g. to check a config
 * file up front), generated from the kinds' descriptors.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * Schema.decodeUnknownSync(Link.specSchemas.bridge)({ kind: "bridge", name: "br0" })
 * ```
 * @since 0.1.0
 */
export const specSchemas: Readonly<Record<AddSpec["kind"], Schema.Codec<any, any>>> = Object.fromEntries(
  registry.map((k) => [k.kind, kindSchema(k)])
) as Record<AddSpec["kind"], Schema.Codec<any, any>>

/**
 * The kinds {@link add} can build.
 *
 * @example
 * ```ts
 * Link.kinds.includes("vxlan") // true
 * ```
 * @since 0.1.0
 */
export const kinds: ReadonlyArray<AddSpec["kind"]> = registry.map((k) => k.kind)

/**
 * The Schema of the link shape (any registered kind), for validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Link.schema)({ kind: "dummy", name: "d0" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<AddSpec, any> = Schema.Union(
  registry.map(kindSchema)
) as unknown as Schema.Codec<AddSpec, any>

/**
 * The input Schema of {@link set}'s changes.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Link.ChangesSchema)({ mtu: 1400 })
 * ```
 * @since 0.1.0
 */
const { numTxQueues: _tx, numRxQueues: _rx, alias: _alias, master: _master, ...settable } = LinkFields

export const ChangesSchema = Schema.Struct({
  ...settable,
  ...Inet6Fields,
  protodownReason: opt(P.U32),
  up: opt(Bool),
  name: opt(P.InterfaceName),
  alias: opt(Schema.NullOr(LinkFields.alias)),
  master: opt(Schema.NullOr(RefSchema)),
  netns: opt(NamespaceSchema),
  promisc: opt(Bool),
  arp: opt(Bool),
  multicast: opt(Bool),
  allmulticast: opt(Bool),
  carrier: opt(Bool)
})

const ListFilterSchema = Schema.Struct({
  kind: opt(P.stringMaxBytes(55, 1)),
  master: opt(RefSchema),
  stats: opt(Bool)
})

// ---------------------------------------------------------------------------
// the object type

const COMMON_KEYS = new Set(Object.keys(commonFields))

/** Kind-chosen common values (random MACs, inherited MTUs, GSO limits): compared only when both sides give them. */
const KERNEL_CHOSEN = new Set([...linkKernelChosen, ...inet6KernelChosen])

/**
 * The links the kernel creates along with `l` when it is added, as `list`
 * shows them (a veth's peer), from the kind's module.
 *
 * @example
 * ```ts
 * Link.companions({ kind: "veth", name: "v0", peer: { name: "v1" } })
 * // [{ kind: "veth", name: "v1", peer: { name: "v0" } }]
 * ```
 * @since 0.2.0
 */
export const companions = (l: Link): ReadonlyArray<Link> => {
  const desc = l.kind === undefined ? undefined : byKind.get(l.kind)
  return (desc?.companions?.(l.name, l) ?? []) as ReadonlyArray<Link>
}

/**
 * The canonical form: status and `netns` dropped, defaults the kernel applies
 * filled in (up false, group 0, the kind's option defaults, port defaults).
 *
 * @example
 * ```ts
 * Link.canonical({ kind: "bridge", name: "br0" }).stpState // false
 * ```
 * @since 0.2.0
 */
export const canonical = (l: Link): Link => {
  const desc = l.kind === undefined ? undefined : byKind.get(l.kind)
  const out: Record<string, unknown> = {}
  const opts: Record<string, unknown> = {}
  const groupKey = desc?.renames?.group ?? "group"
  for (const [k, v] of Object.entries(l)) {
    if (v === undefined || k === "status" || k === "netns") continue
    // a kind that renames `group` uses the name for an option of its own
    const common =
      k === groupKey || k === "kind" || (COMMON_KEYS.has(k) && (k !== "group" || groupKey === "group"))
    if (common) out[k] = v
    else opts[k] = v
  }
  const group = (l as Record<string, any>)[groupKey]
  Object.assign(out, linkCanonical({ ...(out as LinkOptions), group }))
  Object.assign(out, inet6Canonical(out as Inet6Options))
  if (groupKey !== "group") {
    out[groupKey] = out.group
    delete out.group
  }
  out.protodownReason = l.protodownReason ?? 0
  out.up = l.up ?? false
  out.promisc = l.promisc ?? false
  out.allmulticast = l.allmulticast ?? false
  if (desc !== undefined) Object.assign(out, desc.canonical(opts as any))
  else Object.assign(out, opts)
  return out as unknown as Link
}

/**
 * Equal configuration: canonical forms compared, status ignored. Values the
 * kernel picks when none is given (MAC addresses, MTUs inherited from a
 * parent, queue counts, a kind's `kernelChosen` options such as a veth's peer
 * name) are compared only when both sides have them, so a link added without
 * an address equals the listed link.
 *
 * @example
 * ```ts
 * Link.equals({ kind: "dummy", name: "d0" }, listed) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Link, b: Link): boolean => {
  const ca = canonical(a) as unknown as Record<string, unknown>
  const cb = canonical(b) as unknown as Record<string, unknown>
  const ignore = new Set<string>()
  const chosen = (a.kind === undefined ? undefined : byKind.get(a.kind))?.kernelChosen ?? []
  for (const k of [...KERNEL_CHOSEN, ...chosen]) if (ca[k] === undefined || cb[k] === undefined) ignore.add(k)
  // A port's options are compared over the fields both give (the master's kind fills the rest).
  if (ca.port !== undefined && cb.port !== undefined) {
    const pa = ca.port as Record<string, unknown>
    const pb = cb.port as Record<string, unknown>
    for (const k of Object.keys(pa)) if (pb[k] !== undefined && !deepEqual(pa[k], pb[k])) return false
    ignore.add("port")
  } else if (ca.port === undefined || cb.port === undefined) ignore.add("port")
  return deepEqual(ca, cb, ignore)
}

/**
 * Identity: the name (within a namespace).
 *
 * @example
 * ```ts
 * Link.key({ name: "eth0" }) // "eth0"
 * ```
 * @since 0.2.0
 */
export const key = (l: Link): string => l.name

/**
 * The link object type (Model.ObjectType).
 *
 * @example
 * ```ts
 * Link.model.key(link) // "eth0"
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Link> = { name: "link", schema: schema as any, key, equals, canonical }

// ---------------------------------------------------------------------------
// reading: the model directly from the wire

const RTM_NEWLINK = LinkMessageTypes.RTM_NEWLINK
const RTM_DELLINK = LinkMessageTypes.RTM_DELLINK
const RTM_GETLINK = LinkMessageTypes.RTM_GETLINK
const RTM_SETLINK = LinkMessageTypes.RTM_SETLINK
const AF_INET6 = AfSpecAttrsTypes.inet6
const IFF_UP = NetDeviceFlags.up
const IFF_NOARP = NetDeviceFlags.noarp
const IFF_PROMISC = NetDeviceFlags.promisc
const IFF_ALLMULTI = NetDeviceFlags.allmulti
const IFF_MULTICAST = NetDeviceFlags.multicast
const IFLA_IFALIAS = LinkAttrsTypes.ifalias
const IFLA_IFNAME = LinkAttrsTypes.ifname

/** ifi_flags by `ip`'s names ("lower_up", not "lowerUp"). */
const FLAG_NAMES: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(NetDeviceFlags).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v])
)

/** One link message as the model reads it: the header and the view's attributes (one walk). */
interface Head {
  index: number
  type: number
  flags: number
  name: string
  master: number | undefined
  link: number | undefined
  linkNetnsId: number | undefined
  info: LinkinfoAttrs | undefined
  /** The attributes the link view reads (counters and per-family tables skipped). */
  attrs: LinkAttrs
  /** The message body, for the status decoded on demand. */
  bytes: Uint8Array | undefined
  message: LinkMessage | undefined
  stats: boolean
}

const headFrom = (
  index: number,
  type: number,
  flags: number,
  attrs: LinkAttrs,
  bytes: Uint8Array | undefined,
  message: LinkMessage | undefined,
  stats: boolean
): Head => ({
  index,
  type,
  flags,
  name: attrs.ifname ?? "",
  master: attrs.master,
  link: attrs.link,
  linkNetnsId: attrs.linkNetnsid,
  info: attrs.linkInfo,
  attrs,
  bytes,
  message,
  stats
})

/** Reads a link message (start: the nlmsghdr) through the generated view decoder; the rest stays in `bytes`. */
const readHead = (buf: Uint8Array, view: DataView, start: number, end: number, stats: boolean): Head => {
  const h = start + NLMSG_HDRLEN
  return headFrom(
    view.getInt32(h + IfinfomsgOffsets.index, true),
    view.getUint16(h + IfinfomsgOffsets.type, true),
    view.getUint32(h + IfinfomsgOffsets.flags, true),
    decodeLinkAttrsViewInto({}, buf, view, h + LinkMessageHeaderSize, end),
    keepBytes(buf, h, end),
    undefined,
    stats
  )
}

/** The same from an already decoded message (fromMessage). */
const headOf = (m: LinkMessage): Head => headFrom(m.index, m.type, m.flags, m, undefined, m, true)

class Status implements LinkStatus {
  readonly #head: Head
  #message: LinkMessage | undefined
  #flags: ReadonlyArray<string | number> | undefined
  readonly index: number
  readonly operstate: string | number
  readonly linkType: string | number
  readonly carrier: boolean | undefined
  readonly link: number | undefined
  readonly linkNetnsId: number | undefined
  readonly data: object | undefined
  readonly port: object | undefined
  constructor(head: Head, data: object | undefined, port: object | undefined) {
    const a = head.attrs
    this.#head = head
    this.#message = head.message
    this.index = head.index
    this.operstate = a.operstate === undefined ? "unknown" : (OperstateNames[a.operstate] ?? a.operstate)
    this.linkType = ArphrdNames[head.type] ?? head.type
    this.carrier = a.carrier === undefined ? undefined : a.carrier !== 0
    this.link = head.link
    this.linkNetnsId = head.linkNetnsId
    this.data = data
    this.port = port
  }
  get altnames(): ReadonlyArray<string> | undefined {
    return this.message.propList?.altIfname
  }
  get vfs(): ReadonlyArray<VfInfo> | undefined {
    return this.message.vfinfoList?.info?.map(vfFrom)
  }
  get xdp(): XdpStatus | undefined {
    const x = this.message.xdp
    return x === undefined
      ? undefined
      : defined({
          mode: XdpAttachedNames[x.attached ?? 0] ?? x.attached ?? 0,
          progId: x.progId,
          drvProgId: x.drvProgId,
          skbProgId: x.skbProgId,
          hwProgId: x.hwProgId
        })
  }
  get flags(): ReadonlyArray<string | number> {
    return (this.#flags ??= flagNames(this.#head.flags, FLAG_NAMES))
  }
  get message(): LinkMessage {
    if (this.#message === undefined) {
      const b = this.#head.bytes!
      this.#message = decodeLinkMessage(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length)
    }
    return this.#message
  }
  get stats64(): RtnlLinkStats64 | undefined {
    return this.#head.stats ? this.message.stats64 : undefined
  }
  get stats(): RtnlLinkStats | undefined {
    return this.#head.stats ? this.message.stats : undefined
  }
  get afSpec(): LinkMessage["afSpec"] {
    return this.message.afSpec
  }
  toJSON(): object {
    const out: Record<string, unknown> = {
      index: this.index,
      operstate: this.operstate,
      linkType: this.linkType,
      flags: this.flags,
      carrier: this.carrier,
      link: this.link,
      linkNetnsId: this.linkNetnsId,
      data: this.data,
      port: this.port,
      altnames: this.altnames,
      xdp: this.xdp,
      vfs: this.vfs
    }
    for (const k of EXTRA_STATUS) out[k] = (this as any)[k]
    out.stats64 = this.stats64
    out.stats = this.stats
    return defined(out)
  }
}

// The view's other status fields (min/max MTU, TSO limits, permanent address, ...):
// getters that read the whole message, decoded on first access.
const OWN_STATUS = new Set(["xdp", "propList", "vfinfoList"])
const EXTRA_STATUS = Object.keys(linkStatusFields).filter((k) => !OWN_STATUS.has(k))
for (const k of EXTRA_STATUS) {
  const field = linkStatusFields[k]!
  Object.defineProperty(Status.prototype, k, {
    get(this: Status) {
      return this.message[field]
    },
    enumerable: false,
    configurable: false
  })
}

/** Names for indexes, as a function; an index without a name stays a number. */
type Names = (index: number) => string | number

const ZERO_MAC = "00:00:00:00:00:00"

const toLink = (h: Head, name: Names): Link => {
  const info = h.info
  const kind = info?.kind
  const desc = kind === undefined ? undefined : byKind.get(kind)
  const a = h.attrs
  const inet6 = a.afSpec?.inet6
  const out: Record<string, unknown> = { name: h.name, kind }
  linkFromWire(a, name, out)
  // all zeros is "no address" (loopback, an L3 netkit): not one the kernel would take back
  if (out.address === ZERO_MAC) out.address = undefined
  if (inet6 !== undefined) inet6FromWire(inet6, undefined, out)
  if (a.protoDownReason !== undefined) out.protodownReason = a.protoDownReason.value
  out.up = (h.flags & IFF_UP) !== 0
  // gflags: what the user set, not the promiscuity a bridge port holds
  out.promisc = (h.flags & IFF_PROMISC) !== 0
  out.allmulticast = (h.flags & IFF_ALLMULTI) !== 0
  let dataStatus: object | undefined
  if (desc !== undefined) {
    const data = info?.data as any
    // the device group moves aside first: the kind's own `group` (vxlan's multicast group) follows
    if (desc.renames?.group !== undefined) {
      out[desc.renames.group] = out.group
      delete out.group
    }
    Object.assign(out, desc.fromKernel(data, { name, link: h.link, linkNetnsId: h.linkNetnsId }))
    if (data !== undefined && desc.status !== undefined) dataStatus = desc.status(data)
  } else if (kind !== undefined) out.data = info?.data ?? info?.dataRaw
  let portStatus: object | undefined
  const portKind = info?.portKind
  const port = portKind === undefined ? undefined : byKind.get(portKind)?.port
  if (port !== undefined && info?.portData !== undefined) {
    out.port = port.fromKernel(info.portData, name)
    portStatus = port.status?.(info.portData)
  }
  out.status = new Status(h, dataStatus, portStatus)
  return out as unknown as Link
}

/**
 * The object of a decoded message (as {@link listRaw} returns them); `names`
 * names ifindexes (master, parent, peer, devices in kind data).
 *
 * @example
 * ```ts
 * const raw = yield* Link.listRaw()
 * const names = new Map(raw.map((m) => [m.index, m.ifname]))
 * const links = raw.map((m) => Link.fromMessage(m, (i) => names.get(i) ?? i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (msg: LinkMessage, names: Names = (i) => i): Link => toLink(headOf(msg), names)

// ---------------------------------------------------------------------------
// pure request builders

const b = (v: boolean | undefined): number | undefined => (v === undefined ? undefined : v ? 1 : 0)

/**
 * References an `add` request needs resolved to numbers: the master's and the
 * parent's (IFLA_LINK) ifindex, devices named in the kind's options (by field),
 * and namespaces (`netns`; others by option path, e.g. "peer.netns").
 *
 * @example
 * ```ts
 * const r: Link.AddResolved = { link: 3, devices: { dev: 2 }, netns: { fd: 4 } }
 * ```
 * @since 0.1.0
 */
export interface AddResolved {
  readonly master?: number
  /** The parent (IFLA_LINK) of kinds with one (macvlan, vlan). */
  readonly link?: number
  /** Devices named inside a kind's options, by field (vxlan `dev`, bond `primary`). */
  readonly devices?: Readonly<Record<string, number>>
  readonly netns?: ResolvedNamespace
  /** A veth peer's namespace (same as namespaces["peer.netns"]). */
  readonly peerNetns?: ResolvedNamespace
  readonly namespaces?: Readonly<Record<string, ResolvedNamespace>>
}

const descriptorOf = (kind: string): LinkKind => {
  const d = byKind.get(kind)
  // Link.add validated the kind; a direct caller of the pure builders gets a plain error.
  if (d === undefined) throw new Error(`unknown link kind ${JSON.stringify(kind)}`)
  return d
}

/**
 * The RTM_NEWLINK body `add` sends, as a generated message object.
 *
 * @example
 * ```ts
 * Link.addMessage({ kind: "ifb", name: "ifb0" }).linkInfo // { kind: "ifb" }
 * ```
 * @since 0.1.0
 */
export const addMessage = (spec: AddSpec, resolved: AddResolved = {}): LinkMessage => {
  const desc = descriptorOf(spec.kind)
  const namespaces = {
    ...(resolved.peerNetns === undefined ? {} : { "peer.netns": resolved.peerNetns }),
    ...resolved.namespaces
  }
  const data = desc.toKernel(spec, { devices: resolved.devices ?? {}, namespaces })
  const linkInfo: LinkinfoAttrs =
    data === undefined
      ? { kind: spec.kind }
      : { kind: spec.kind, data: { kind: spec.kind, ...data } as LinkinfoDataMsg }
  const s = spec as CommonOptions & Record<string, any>
  const parentRef = desc.parent === undefined ? undefined : s[desc.parent]
  const flags = (s.up ? IFF_UP : 0) | (s.promisc ? IFF_PROMISC : 0) | (s.allmulticast ? IFF_ALLMULTI : 0)
  const change =
    (s.up !== undefined ? IFF_UP : 0) |
    (s.promisc !== undefined ? IFF_PROMISC : 0) |
    (s.allmulticast !== undefined ? IFF_ALLMULTI : 0)
  // the view's attributes, less what the kernel applies only to an existing link (sent after create)
  const { master: _m, group: _g, protodown: _p, ...common } = pickCommon(s, LINK_KEYS)
  return defined({
    ...emptyHeader,
    flags,
    change,
    ifname: s.name,
    link:
      parentRef === undefined
        ? undefined
        : (resolved.link ?? (typeof parentRef === "number" ? parentRef : undefined)),
    ...linkToWire(common),
    group: groupNumber(s[desc.renames?.group ?? "group"]),
    master: resolved.master,
    ...nsAttrs(resolved.netns),
    linkInfo
  })
}

const LINK_KEYS = Object.keys(LinkFields)

/** The fields of `o` named in `keys` (a kind's options share the object with the common fields). */
const pickCommon = (o: Record<string, any>, keys: ReadonlyArray<string>): Record<string, any> => {
  const out: Record<string, any> = {}
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k]
  return out
}

/** The inet6 part of IFLA_AF_SPEC a change carries (addrgenmode; the token goes as `ip token` sends it). */
const afSpecOf = (c: { readonly addrgenmode?: Inet6Options["addrgenmode"] }): LinkMessage["afSpec"] =>
  c.addrgenmode === undefined ? undefined : { inet6: inet6ToWire({ addrgenmode: c.addrgenmode }) }

/**
 * The whole RTM_NEWLINK request (NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK) for `add`.
 *
 * @example
 * ```ts
 * const bytes = Link.addRequest({ kind: "veth", name: "veth0", peer: { name: "veth1" } })
 * ```
 * @since 0.1.0
 */
export const addRequest = (spec: AddSpec, resolved: AddResolved = {}): Uint8Array =>
  newlink(NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, addMessage(spec, resolved))

/**
 * RTM_NEWLINK around `msg`. IFLA_IFALIAS goes without a NUL, as iproute2 sends
 * it: the kernel stores the attribute's whole length and rejects 256 bytes, so
 * a NUL would make a 255-byte alias fail. `removeAlias` sends it empty.
 */
const newlink = (flags: number, msg: LinkMessage, removeAlias = false): Uint8Array =>
  buildMessage(RTM_NEWLINK, flags, (w) => {
    const { ifalias, ...rest } = msg
    encodeLinkMessage(w, rest)
    if (ifalias !== undefined) w.attrBinary(IFLA_IFALIAS, textEncoder.encode(ifalias))
    else if (removeAlias) w.attrBinary(IFLA_IFALIAS, new Uint8Array(0))
  })

const textEncoder = new TextEncoder()

/**
 * References a `set` request needs resolved: the master's ifindex (0 to
 * detach) and the target namespace.
 *
 * @example
 * ```ts
 * const r: Link.SetResolved = { master: 0 }
 * ```
 * @since 0.1.0
 */
export interface SetResolved {
  readonly master?: number
  readonly netns?: ResolvedNamespace
  /** Devices named in kind options, by field. */
  readonly devices?: Readonly<Record<string, number>>
}

const flagChange = (
  acc: { flags: number; change: number },
  bit: number,
  on: boolean | undefined
): { flags: number; change: number } =>
  on === undefined ? acc : { flags: on ? acc.flags | bit : acc.flags & ~bit, change: acc.change | bit }

/**
 * The RTM_NEWLINK body `set` sends for link `index` (iproute2 uses NEWLINK,
 * not SETLINK, for `ip link set`). `alias: null` is written by
 * {@link setRequest} as an empty IFLA_IFALIAS.
 *
 * @example
 * ```ts
 * Link.setMessage(3, { mtu: 1400 }) // { index: 3, mtu: 1400, ... }
 * ```
 * @since 0.1.0
 */
export const setMessage = (
  index: number,
  input: Changes | KindChanges,
  resolved: SetResolved = {}
): LinkMessage => {
  const split = splitKind(input)
  const changes = split.common as Changes
  const linkInfo =
    split.desc === undefined ? undefined : changeInfo(split.desc, split.opts, resolved.devices ?? {})
  let f = { flags: 0, change: 0 }
  f = flagChange(f, IFF_UP, changes.up)
  f = flagChange(f, IFF_PROMISC, changes.promisc)
  f = flagChange(f, IFF_NOARP, changes.arp === undefined ? undefined : !changes.arp)
  f = flagChange(f, IFF_MULTICAST, changes.multicast)
  f = flagChange(f, IFF_ALLMULTI, changes.allmulticast)
  const { master: _m, alias: _a, ...common } = pickCommon(changes, LINK_KEYS)
  return defined({
    ...emptyHeader,
    index,
    flags: f.flags,
    change: f.change,
    ifname: changes.name,
    ...linkToWire(common),
    master: changes.master === null ? 0 : resolved.master,
    ifalias: changes.alias === null ? undefined : changes.alias,
    carrier: b(changes.carrier),
    // the value alone replaces every reason bit (with a mask the kernel changes only those)
    protoDownReason: changes.protodownReason === undefined ? undefined : { value: changes.protodownReason },
    afSpec: afSpecOf(changes),
    ...nsAttrs(resolved.netns),
    linkInfo
  })
}

/**
 * The `ip token set TOKEN dev NAME` request: RTM_SETLINK, family AF_INET6,
 * IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_TOKEN } } ("::" clears it).
 *
 * @example
 * ```ts
 * const bytes = Link.tokenRequest(3, "::1a")
 * ```
 * @since 0.3.0
 */
export const tokenRequest = (index: number, token: string): Uint8Array =>
  buildMessage(RTM_SETLINK, NLM_F_ACK, (w) =>
    encodeLinkMessage(w, {
      ...emptyHeader,
      family: AF_INET6,
      index,
      afSpec: { inet6: inet6ToWire({ token }) }
    })
  )

/**
 * The whole `ip link set` request (RTM_NEWLINK, NLM_F_ACK) for link `index`.
 *
 * @example
 * ```ts
 * const bytes = Link.setRequest(3, { up: true })
 * ```
 * @since 0.1.0
 */
export const setRequest = (
  index: number,
  changes: Changes | KindChanges,
  resolved: SetResolved = {}
): Uint8Array =>
  // A zero-length IFLA_IFALIAS removes the alias (iproute2: alias "").
  newlink(NLM_F_ACK, setMessage(index, changes, resolved), changes.alias === null)

/**
 * The `ip link del` request (RTM_DELLINK, NLM_F_ACK) for link `index`.
 *
 * @example
 * ```ts
 * const bytes = Link.removeRequest(3)
 * ```
 * @since 0.1.0
 */
export const removeRequest = (index: number): Uint8Array =>
  buildMessage(RTM_DELLINK, NLM_F_ACK, (w) => encodeLinkMessage(w, { ...emptyHeader, index }))

const extMask = (stats: boolean | undefined): number | undefined =>
  stats === false ? RtextFilter.skipStats : undefined

/**
 * The RTM_GETLINK dump request: kind and master filters go in the request
 * (IFLA_LINKINFO/IFLA_INFO_KIND, IFLA_MASTER) so the kernel filters.
 *
 * @example
 * ```ts
 * const bytes = Link.listRequest({ kind: "veth", master: 4 })
 * ```
 * @since 0.1.0
 */
export const listRequest = (filter: {
  readonly kind?: string
  readonly master?: number
  readonly stats?: boolean
}): Uint8Array =>
  buildMessage(RTM_GETLINK, NLM_F_DUMP, (w) =>
    encodeLinkMessage(
      w,
      defined({
        ...emptyHeader,
        extMask: extMask(filter.stats),
        master: filter.master,
        linkInfo: filter.kind === undefined ? undefined : { kind: filter.kind }
      })
    )
  )

/**
 * The RTM_GETLINK request for one link, by index or by name (IFLA_IFNAME).
 *
 * @example
 * ```ts
 * const bytes = Link.getRequest("eth0")
 * ```
 * @since 0.1.0
 */
export const getRequest = (ref: Ref, options: { readonly stats?: boolean } = {}): Uint8Array =>
  buildMessage(RTM_GETLINK, 0, (w) => {
    const mask = extMask(options.stats)
    if (typeof ref === "number") encodeLinkMessage(w, defined({ ...emptyHeader, index: ref, extMask: mask }))
    else {
      encodeLinkMessage(w, emptyHeader)
      if (mask !== undefined) encodeLinkAttrs(w, { extMask: mask })
      writeDeviceName(w, ref)
    }
  })

// ---------------------------------------------------------------------------
// operations

const options = (operation: string) => ({
  headerLength: LinkMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(LinkMessageMeta, t),
  operation
})

const decodeRaw = (buf: Uint8Array, view: DataView, start: number, end: number): LinkMessage =>
  decodeLinkMessage(buf, view, start + NLMSG_HDRLEN, end)

const withoutStats = (link: LinkMessage): LinkMessage => {
  const { stats: _s, stats64: _s64, ...rest } = link
  return rest
}

/** Opens a namespace for the request; the fd closes with the scope. */
const resolveNamespace = (
  target: NamespaceTarget,
  field: string
): Effect.Effect<ResolvedNamespace, NetlinkError, Scope.Scope> => {
  if (typeof target === "number") return Effect.succeed({ pid: target })
  if (typeof target === "object" && "pid" in target) return Effect.succeed({ pid: target.pid })
  if (typeof target === "object" && "fd" in target) return Effect.succeed({ fd: target.fd })
  return Effect.suspend(() => {
    let path: string
    try {
      path = typeof target === "string" ? Ns.pathOf({ name: target }) : Ns.pathOf(target)
    } catch {
      return Effect.fail(invalid(field, `invalid namespace ${JSON.stringify(target)}`))
    }
    return Effect.acquireRelease(
      Effect.try({
        try: () => ({ fd: fs.openSync(path, "r") }),
        catch: (e: any) =>
          invalid(field, `cannot open namespace ${JSON.stringify(target)} (${path}): ${e?.code ?? e}`)
      }),
      ({ fd }) => Effect.sync(() => fs.closeSync(fd))
    )
  })
}

const checkMessage = (msg: LinkMessage): Effect.Effect<LinkMessage, NetlinkError> =>
  checkBuilt(LinkMessage, msg)

/** index → name of every link: one dump without counters, reading only IFLA_IFNAME. */
const nameDump = Effect.gen(function* () {
  const { route } = yield* Netlink
  const pairs = yield* route.dumpAll(
    listRequest({ stats: false }),
    (buf, view, start, end): readonly [number, string] => {
      const index = view.getInt32(start + NLMSG_HDRLEN + IfinfomsgOffsets.index, true)
      let off = start + NLMSG_HDRLEN + LinkMessageHeaderSize
      while (off + 4 <= end) {
        const len = view.getUint16(off, true)
        if (len < 4 || off + len > end) break
        if ((view.getUint16(off + 2, true) & 0x3fff) === IFLA_IFNAME)
          return [index, readString(buf, off + 4, off + len)]
        off += (len + 3) & ~3
      }
      return [index, ""]
    },
    options("link names")
  )
  return new Map(pairs)
})

/** The indexes a link refers to (master, parent/peer, devices in kind data) that `known` lacks. */
const missingNames = (h: Head, known: ReadonlyMap<number, string>, out: Set<number>): void => {
  if (h.master !== undefined && h.master !== 0 && !known.has(h.master)) out.add(h.master)
  if (h.link !== undefined && h.link !== 0 && h.linkNetnsId === undefined && !known.has(h.link))
    out.add(h.link)
  const kind = h.info?.kind
  const desc = kind === undefined ? undefined : byKind.get(kind)
  // device fields in kind data: found by reading them back with a recording name function
  if (desc !== undefined && desc.devices.length > 0 && h.info?.data !== undefined) {
    desc.fromKernel(h.info.data as any, {
      name: (i) => {
        if (i !== 0 && !known.has(i)) out.add(i)
        return i
      }
    })
  }
  // and in port data (a bridge port's backupPort)
  const port = h.info?.portKind === undefined ? undefined : byKind.get(h.info.portKind)?.port
  if (port !== undefined && port.devices.length > 0 && h.info?.portData !== undefined) {
    port.fromKernel(h.info.portData, (i) => {
      if (i !== 0 && !known.has(i)) out.add(i)
      return i
    })
  }
}

// Up to this many unknown indexes are looked up one by one (a get, a short
// list); more take one dump of every name. A dump per `Link.get` made
// namespaces with thousands of links quadratic.
const LOOKUP_ONE_BY_ONE = 8

/** The name of one index, or nothing when it is gone (or in another namespace). */
const nameOf = (index: number) =>
  Effect.gen(function* () {
    const { route } = yield* Netlink
    return yield* route.requestReply(
      getRequest(index, { stats: false }),
      (buf, view, start, end) => readHead(buf, view, start, end, false).name,
      options(`link get index ${index}`)
    )
  }).pipe(Effect.option)

/** Heads to links; names of indexes not among `heads` come from gets, or one name dump when many. */
const finish = (heads: ReadonlyArray<Head>) =>
  Effect.gen(function* () {
    let names = new Map<number, string>()
    for (const h of heads) names.set(h.index, h.name)
    const missing = new Set<number>()
    for (const h of heads) missingNames(h, names, missing)
    if (missing.size > LOOKUP_ONE_BY_ONE) names = yield* nameDump
    else
      for (const i of missing) {
        const n = yield* nameOf(i)
        if (n._tag === "Some") names.set(i, n.value)
      }
    const name: Names = (i) => names.get(i) ?? i
    return heads.map((h) => toLink(h, name))
  })

const prepareList = (filter: ListFilter) =>
  Effect.gen(function* () {
    const f = yield* validate(ListFilterSchema, filter)
    const master = f.master === undefined ? undefined : yield* linkIndex(f.master, "master")
    const kind = f.kind
    const stats = f.stats !== false
    const message = listRequest({ kind, master, stats: f.stats })
    const keep = (info: LinkinfoAttrs | undefined, m: number | undefined): boolean =>
      (kind === undefined || info?.kind === kind) && (master === undefined || m === master)
    return { message, keep, stats }
  })

/**
 * All links, like `ip link show`, as {@link Link} objects; `kind` and `master`
 * are filtered by the kernel. Names of masters and parents come from the same
 * dump (one more dump of names when a filter left them out).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Link, Netlink } from "nlink"
 *
 * const veths = Link.list({ kind: "veth" }).pipe(Effect.provide(Netlink.layer))
 * // [{ name: "veth0", kind: "veth", peer: { name: "veth1" }, mtu: 1500, up: false, ... }]
 * ```
 * @since 0.1.0
 */
export const list = operation("Link.list", function* (filter: ListFilter = {}) {
  const { message, keep, stats } = yield* prepareList(filter)
  const { route } = yield* Netlink
  const heads = yield* route.dumpAll(
    message,
    (buf, view, start, end): Head | undefined => {
      const h = readHead(buf, view, start, end, stats)
      return keep(h.info, h.master) ? h : undefined
    },
    options("link list")
  )
  return yield* finish(heads)
})

/**
 * The decoded messages of all links (every attribute the generated codec
 * knows), as the kernel reported them.
 *
 * @example
 * ```ts
 * const raw = yield* Link.listRaw({ kind: "veth" })
 * raw[0].linkInfo?.kind // "veth"
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Link.listRaw", function* (filter: ListFilter = {}) {
  const { message, keep, stats } = yield* prepareList(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(
    message,
    (buf, view, start, end): LinkMessage | undefined => {
      const m = decodeRaw(buf, view, start, end)
      if (!keep(m.linkInfo, m.master)) return undefined
      return stats ? m : withoutStats(m)
    },
    options("link list")
  )
})

/**
 * Links as a stream, read as the consumer pulls (for very many links); names
 * of masters and parents come from one name dump taken first.
 *
 * @example
 * ```ts
 * const count = yield* Stream.runCount(Link.stream({ kind: "veth" }))
 * ```
 * @since 0.1.0
 */
export const stream = (filter: ListFilter = {}): Stream.Stream<Link, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const { message, keep, stats } = yield* prepareList(filter)
      const names = yield* nameDump
      const name: Names = (i) => names.get(i) ?? i
      const { route } = yield* Netlink
      return route.dump(
        message,
        (buf, view, start, end): Link | undefined => {
          const h = readHead(buf, view, start, end, stats)
          return keep(h.info, h.master) ? toLink(h, name) : undefined
        },
        options("link list")
      )
    })
  )

/**
 * The decoded messages as a stream.
 *
 * @example
 * ```ts
 * const count = yield* Stream.runCount(Link.streamRaw())
 * ```
 * @since 0.2.0
 */
export const streamRaw = (filter: ListFilter = {}): Stream.Stream<LinkMessage, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const { message, keep, stats } = yield* prepareList(filter)
      const { route } = yield* Netlink
      return route.dump(
        message,
        (buf, view, start, end): LinkMessage | undefined => {
          const m = decodeRaw(buf, view, start, end)
          return keep(m.linkInfo, m.master) ? (stats ? m : withoutStats(m)) : undefined
        },
        options("link list")
      )
    })
  )

const getHead = (ref: Ref, opts: { readonly stats?: boolean }) =>
  Effect.gen(function* () {
    if (typeof ref === "number") yield* linkIndex(ref, "ref")
    else yield* validate(P.DeviceName, ref, "ref")
    const { route } = yield* Netlink
    return yield* route.requestReply(
      getRequest(ref, opts),
      (buf, view, start, end) => readHead(buf, view, start, end, opts.stats !== false),
      // the device in the operation: "link get eth9: no such device (ENODEV)"
      options(`link get ${typeof ref === "number" ? `index ${ref}` : ref}`)
    )
  })

/**
 * One link by name or index; a missing link fails with a Kernel error, code
 * ENODEV, naming the device.
 *
 * @example
 * ```ts
 * const lo = yield* Link.get("lo")
 * const same = yield* Link.get(1)
 * ```
 * @since 0.1.0
 */
export const get = operation("Link.get", function* (ref: Ref, opts: { readonly stats?: boolean } = {}) {
  const h = yield* getHead(ref, opts)
  const [link] = yield* finish([h])
  return link!
})

/**
 * One link's decoded message.
 *
 * @example
 * ```ts
 * const msg = yield* Link.getRaw("lo")
 * msg.ifname // "lo"
 * ```
 * @since 0.2.0
 */
export const getRaw = operation("Link.getRaw", function* (ref: Ref, opts: { readonly stats?: boolean } = {}) {
  const h = yield* getHead(ref, opts)
  const b = h.bytes!
  const m = decodeLinkMessage(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length)
  return opts.stats === false ? withoutStats(m) : m
})

/** Port options for link `index` in `master`: validated by the master kind's port Schema, one request. */
const applyPort = (index: number, master: number, port: Readonly<Record<string, unknown>>, name: string) =>
  Effect.gen(function* () {
    const m = yield* getHead(master, { stats: false })
    const portKind = m.info?.kind
    const desc = portKind === undefined ? undefined : byKind.get(portKind)?.port
    if (portKind === undefined || desc === undefined)
      return yield* Effect.fail(
        invalid("port", `the master ${m.name} (${portKind ?? "no kind"}) has no port options`)
      )
    const p = (yield* validate(Schema.Struct(desc.fields) as any, port, "port")) as Record<string, unknown>
    yield* requirePortOptions(index, p)
    const devices: Record<string, number> = {}
    for (const f of desc.devices) {
      const r = p[f]
      if (r !== undefined && r !== null) devices[f] = yield* linkIndex(r as Ref, `port.${f}`)
    }
    const data = desc.toKernel(p, devices)
    // nothing to set (a listed vrf port: its port data is all status): sending an empty
    // IFLA_INFO_SLAVE_DATA fails where the master kind has no port changelink (vrf: EOPNOTSUPP)
    if (isEmpty(data)) return
    const { route } = yield* Netlink
    yield* route.request(
      portDataRequest(index, portKind, desc, data),
      options(`link set ${name} type ${portKind}_slave`)
    )
  })

/** Port options newer kernels added (silently ignored by older ones): field, attribute, release. */
const NEWER_PORT: ReadonlyArray<readonly [string, string, string]> = [
  ["neighForwardGrat", "IFLA_BRPORT_NEIGH_FORWARD_GRAT", "newer than 6.18"]
]

/**
 * Port options the running kernel would silently ignore fail up front, nothing
 * sent: a kernel that has one reports it for every port, so the port's own
 * data tells.
 */
const requirePortOptions = (index: number, p: Readonly<Record<string, unknown>>) =>
  Effect.gen(function* () {
    const given = NEWER_PORT.filter(([f]) => p[f] !== undefined)
    if (given.length === 0) return
    const h = yield* getHead(index, { stats: false })
    const data = (h.info?.portData ?? {}) as Record<string, unknown>
    for (const [field, uapi, since] of given)
      if (data[field] === undefined)
        return yield* Effect.fail(
          invalid(
            `port.${field}`,
            `${uapi} needs a Linux release ${since}; this kernel (${release()}) does not report it`
          )
        )
  })

const IFLA_LINKINFO = LinkAttrsTypes.linkInfo
const IFLA_PROTINFO = LinkAttrsTypes.protinfo
const IFLA_INFO_KIND = 1
const IFLA_INFO_SLAVE_DATA = 5
const AF_BRIDGE = 7

/** RTM_NEWLINK with IFLA_INFO_KIND "<kind>_slave" and IFLA_INFO_SLAVE_DATA, as `ip link set PORT type KIND_slave` sends it. */
const portDataRequest = (index: number, portKind: string, desc: PortDescriptor, data: object): Uint8Array =>
  buildMessage(RTM_NEWLINK, NLM_F_ACK, (w) => {
    encodeLinkMessage(w, { ...emptyHeader, index })
    const info = w.nestStart(IFLA_LINKINFO, false)
    w.attrString(IFLA_INFO_KIND, `${portKind}_slave`)
    const d = w.nestStart(IFLA_INFO_SLAVE_DATA, false)
    desc.encode(w, data)
    w.attrEnd(d)
    w.attrEnd(info)
  })

/**
 * The request {@link setPort} sends for port options of a master of kind
 * `portKind` ("bridge", "bond"): what `ip link set PORT type bridge_slave ...`
 * sends. `options` are the master kind's port options; `devices` the indexes
 * of the devices they name (bridge: `backupPort`).
 *
 * @example
 * ```ts
 * const bytes = Link.portRequest(3, "bond", { queueId: 3, prio: 7 })
 * ```
 * @since 0.4.0
 */
export const portRequest = (
  index: number,
  portKind: string,
  options: Readonly<Record<string, unknown>>,
  devices: Readonly<Record<string, number>> = {}
): Uint8Array => {
  const desc = byKind.get(portKind)?.port
  if (desc === undefined) throw new Error(`link kind ${portKind} has no port options`)
  return portDataRequest(index, portKind, desc, desc.toKernel(options, devices))
}

/**
 * The `bridge link set dev PORT ...` request: RTM_SETLINK, family AF_BRIDGE,
 * IFLA_PROTINFO (nested) with the IFLA_BRPORT_* attributes of `options`
 * (bridge port options; `devices`: the index of `backupPort`, 0 removes it).
 *
 * @example
 * ```ts
 * const bytes = Link.bridgePortRequest(3, { cost: 5, learning: false })
 * ```
 * @since 0.4.0
 */
export const bridgePortRequest = (
  index: number,
  options: BridgePortInput,
  devices: Readonly<Record<string, number>> = {}
): Uint8Array => {
  const desc = byKind.get("bridge")!.port!
  return buildMessage(RTM_SETLINK, NLM_F_ACK, (w) => {
    encodeLinkMessage(w, { ...emptyHeader, family: AF_BRIDGE, index })
    const p = w.nestStart(IFLA_PROTINFO)
    desc.encode(w, desc.toKernel(options, devices))
    w.attrEnd(p)
  })
}

/**
 * Sets a bridge port's options the way `bridge link set dev PORT ...` does
 * (RTM_SETLINK, AF_BRIDGE, IFLA_PROTINFO) rather than through IFLA_LINKINFO
 * as {@link setPort} does; the options and their names are the same
 * (`Link.BridgePort`, plus a write-only `state`). `backupPort: 0` removes the
 * backup port (`nobackup_port`).
 *
 * @example
 * ```ts
 * yield* Link.setBridgePort("veth1", { cost: 5, learning: false, isolated: true })
 * yield* Link.setBridgePort("veth1", { state: "blocking" })
 * ```
 * @since 0.4.0
 */
export const setBridgePort = operation("Link.setBridgePort", function* (ref: Ref, port: BridgePortInput) {
  const index = yield* linkIndex(ref, "ref")
  const desc = byKind.get("bridge")!.port!
  const p = (yield* validate(Schema.Struct(desc.fields) as any, port, "port")) as Record<string, unknown>
  yield* requirePortOptions(index, p)
  const devices: Record<string, number> = {}
  for (const f of desc.devices) {
    const r = p[f]
    if (r !== undefined && r !== null) devices[f] = yield* linkIndex(r as Ref, `port.${f}`)
  }
  const { route } = yield* Netlink
  yield* route.request(bridgePortRequest(index, p as BridgePortInput, devices), options("bridge link set"))
})

/** On EEXIST: if the link's own name is free, say which other name the kind creates is taken. */
const explainExists = (s: AddSpec, desc: LinkKind, e: NetlinkError) =>
  Effect.gen(function* () {
    if (e.reason._tag !== "Kernel" || e.reason.code !== "EEXIST" || desc.alsoCreates === undefined) return e
    const own = yield* Effect.exit(linkIndex(s.name, "name"))
    if (own._tag === "Success") return e
    for (const [field, other] of desc.alsoCreates(s)) {
      const taken = yield* Effect.exit(linkIndex(other, field))
      if (taken._tag === "Success")
        return kernelError(-17, {
          operation: `link add ${s.name}: ${field} ${other} is taken by another link`
        })
    }
    return e
  })

/** A namespace target as the Namespace module names it (an open fd through /proc/self/fd). */
const namespaceRef = (t: NamespaceTarget): Ns.Ref =>
  typeof t === "string"
    ? { name: t }
    : typeof t === "number"
      ? { pid: t }
      : "fd" in t
        ? { path: `/proc/self/fd/${t.fd}` }
        : t

/**
 * `add` of a kind created without RTM_NEWLINK (tun/tap): the kind creates the
 * device in the provided namespace (or inside `netns`: the whole add runs
 * there, as such devices cannot move), then the common settings, the master,
 * the port options and `up` follow as changes; if any fails the device is
 * removed again.
 */
const addCreated = (s: AddSpec, desc: LinkKind): Effect.Effect<void, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    if (s.netns !== undefined) {
      return yield* add({ ...s, netns: undefined } as AddSpec).pipe(
        Effect.provide(Netlink.layerNamespace(namespaceRef(s.netns)))
      )
    }
    const n = yield* Netlink
    const path = n.namespace === undefined ? undefined : yield* Ns.pathEffect(n.namespace)
    const failed = desc.create!(s, path)
    if (failed !== undefined) return yield* Effect.fail(failed)
    const rec = s as unknown as Record<string, unknown>
    const {
      group: _kindsGroup,
      numTxQueues: _tx,
      numRxQueues: _rx,
      master: _master,
      ...common
    } = pickCommon(rec, [
      ...LINK_KEYS,
      ...Object.keys(Inet6Fields),
      "protodownReason",
      "promisc",
      "allmulticast"
    ])
    const group = rec[desc.renames?.group ?? "group"]
    // as on RTM_NEWLINK: the defaults a new device has are not sent (protodown needs driver support)
    const changes = defined({
      ...common,
      group,
      protodown: s.protodown === true ? true : undefined,
      protodownReason: s.protodownReason === 0 ? undefined : s.protodownReason,
      token: s.token === "::" ? undefined : s.token
    }) as Changes
    yield* Effect.gen(function* () {
      if (!isEmpty(changes)) yield* set(s.name, changes)
      if (s.master !== undefined) yield* set(s.name, { master: s.master })
      if (s.port !== undefined) {
        const index = yield* linkIndex(s.name, "name")
        yield* applyPort(index, yield* linkIndex(s.master!, "master"), s.port, s.name)
      }
      if (s.up === true) yield* set(s.name, { up: true })
    }).pipe(
      Effect.tapError(() =>
        Effect.ignore(
          Effect.flatMap(linkIndex(s.name, "name"), (index) =>
            n.route.request(removeRequest(index), options(`link del ${s.name} (undo)`))
          )
        )
      )
    )
  })

/**
 * Creates a link, like `ip link add`; a listed link (of a registered kind) is
 * accepted as it is (its `status` is ignored). The kind's module builds the
 * kind data; devices it names are resolved first; `port` options follow once
 * the link is in its master.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "veth", name: "veth0", peer: { name: "veth1", netns: "blue" } })
 * yield* Link.add({ kind: "bridge", name: "br0", stpState: true, up: true })
 * yield* Link.add({ kind: "vxlan", name: "vx0", id: 42, group: "239.1.1.1", dev: "eth0", dstport: 4789 })
 * yield* Link.add({ kind: "macvlan", name: "mv0", link: "eth0", mode: "bridge" })
 * ```
 * @since 0.1.0
 */
export const add = operation("Link.add", function* (spec: AddSpec) {
  const kind = (spec as { kind?: unknown } | undefined)?.kind
  const desc = typeof kind === "string" ? byKind.get(kind) : undefined
  if (desc === undefined) {
    return yield* Effect.fail(
      invalid("kind", `unknown link kind ${JSON.stringify(kind)}; one of ${kinds.join(", ")}`)
    )
  }
  const s: AddSpec = yield* validate(specSchemas[desc.kind as AddSpec["kind"]], spec)
  for (const f of ["alias", "protodown", "protodownReason", "addrgenmode", "token"] as const) {
    if (s[f] !== undefined && s.netns !== undefined) {
      return yield* Effect.fail(
        invalid(f, `${f} cannot be combined with netns on add (the kernel ignores it on create)`)
      )
    }
  }
  yield* requireAttributes(s, 1)
  if (s.port !== undefined && (s.master === undefined || s.netns !== undefined))
    return yield* Effect.fail(invalid("port", "port options need a master (and no netns)"))
  const broken = desc.check?.(s)
  if (broken !== undefined) return yield* Effect.fail(invalid(broken[0], broken[1]))
  if (desc.create !== undefined) return yield* addCreated(s, desc)
  const { route } = yield* Netlink
  const master = s.master === undefined ? undefined : yield* linkIndex(s.master, "master")
  const upAfterMaster = master !== undefined && s.up === true && s.netns === undefined
  yield* Effect.scoped(
    Effect.gen(function* () {
      const rec = s as unknown as Record<string, unknown>
      const devices: Record<string, number> = {}
      for (const f of desc.devices) {
        const r = rec[f]
        if (r !== undefined) devices[f] = yield* linkIndex(r as Ref, f)
      }
      const parentRef = desc.parent === undefined ? undefined : rec[desc.parent]
      const link = parentRef === undefined ? undefined : yield* linkIndex(parentRef as Ref, desc.parent!)
      const namespaces: Record<string, ResolvedNamespace> = {}
      for (const [path, target] of desc.namespaces?.(s) ?? [])
        namespaces[path] = yield* resolveNamespace(target, path)
      const netns = s.netns === undefined ? undefined : yield* resolveNamespace(s.netns, "netns")
      // a port is created down and brought up after it joined (a bond refuses a port that is
      // up, and the kernel sets flags before the master on create)
      const created = upAfterMaster ? { ...s, up: undefined } : s
      const msg = yield* checkMessage(addMessage(created, { master, link, devices, netns, namespaces }))
      yield* route
        .request(newlink(NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, msg), options(`link add ${s.name}`))
        .pipe(
          Effect.catch((e: NetlinkError) =>
            Effect.flatMap(explainExists(s, desc, missingKind(desc.kind, s.name, e)), Effect.fail)
          )
        )
    })
  )
  // After create: what only works on the new link. If it fails, remove the
  // link again so a failed add leaves nothing behind.
  // a new link already has the defaults: only other values need the second request
  const later: Changes = defined({
    up: upAfterMaster && s.port === undefined ? true : undefined,
    alias: s.alias,
    protodown: s.protodown === true ? true : undefined,
    protodownReason: s.protodownReason === 0 ? undefined : s.protodownReason,
    addrgenmode: s.addrgenmode
  })
  const token = s.token === "::" ? undefined : s.token
  const port = s.port
  const changeLater = !isEmpty(later)
  const verify = desc.verify !== undefined && (desc.verifies?.(s) ?? true) ? desc.verify : undefined
  if (verify === undefined && !changeLater && token === undefined && port === undefined) return
  yield* Effect.gen(function* () {
    if (verify !== undefined && s.netns === undefined) {
      const h = yield* getHead(s.name, { stats: false })
      const broken = verify(s, h.info?.data as any)
      if (broken !== undefined) {
        return yield* Effect.fail(
          kernelError(-95, { operation: `link add ${s.name}: ${broken[0]} (${broken[1]})` })
        )
      }
    }
    if (!changeLater && token === undefined && port === undefined) return
    const index = yield* linkIndex(s.name, "name")
    if (changeLater) yield* route.request(setRequest(index, later), options(`link set ${s.name}`))
    if (token !== undefined) yield* route.request(tokenRequest(index, token), options(`token set ${s.name}`))
    if (port !== undefined) yield* applyPort(index, master!, port, s.name)
    if (upAfterMaster && port !== undefined)
      yield* route.request(setRequest(index, { up: true }), options(`link set ${s.name} up`))
  }).pipe(
    Effect.tapError(() =>
      Effect.ignore(
        Effect.flatMap(linkIndex(s.name, "name"), (index) =>
          route.request(removeRequest(index), options(`link del ${s.name} (undo)`))
        )
      )
    )
  )
})

/**
 * Deletes a link, like `ip link del` (a veth pair goes as a whole); takes a
 * name, an index, or a listed link (by its name).
 *
 * @example
 * ```ts
 * yield* Link.remove("veth0")
 * const [l] = yield* Link.list({ kind: "dummy" })
 * yield* Link.remove(l)
 * ```
 * @since 0.1.0
 */
export const remove = operation("Link.remove", function* (ref: Ref | Link) {
  const index = yield* linkIndex(typeof ref === "object" && ref !== null ? ref.name : ref, "ref")
  const { route } = yield* Netlink
  yield* route.request(removeRequest(index), options("link del"))
})

/**
 * Same as {@link remove}, named as `ip link del`.
 *
 * @example
 * ```ts
 * yield* Link.del("veth0")
 * ```
 * @since 0.1.0
 */
export const del = remove

/**
 * Changes a link, like `ip link set`: one request with every change given.
 *
 * @example
 * ```ts
 * yield* Link.set("veth0", { mtu: 1400, address: "02:00:00:00:00:01", up: true })
 * yield* Link.set("veth0", { master: null, alias: null })
 * ```
 * @since 0.1.0
 */
export const set = operation("Link.set", function* (ref: Ref, changes: Changes | KindChanges) {
  const index = yield* linkIndex(ref, "ref")
  const split = yield* kindChanges(index, changes)
  const c: Changes = yield* validate(ChangesSchema, split.common)
  const withKind: Changes | KindChanges = split.checked === undefined ? c : { ...split.checked, ...c }
  yield* requireAttributes(c, index)
  const { route } = yield* Netlink
  yield* Effect.scoped(
    Effect.gen(function* () {
      const resolved: { master?: number; netns?: ResolvedNamespace; devices: Record<string, number> } = {
        devices: split.devices
      }
      if (c.master !== undefined && c.master !== null) resolved.master = yield* linkIndex(c.master, "master")
      if (c.netns !== undefined) resolved.netns = yield* resolveNamespace(c.netns, "netns")
      const msg = yield* checkMessage(setMessage(index, withKind, resolved))
      yield* route.request(newlink(NLM_F_ACK, msg, c.alias === null), options("link set"))
      if (c.token !== undefined) yield* route.request(tokenRequest(index, c.token), options("token set"))
    })
  )
})

/**
 * Changes with a `kind`: the kind's options (named as in the link model, e.g.
 * a vxlan's `ttl`, a bridge's `stpState`, a macvlan's `mode`) next to common
 * changes; {@link set} sends only the given kind options in IFLA_LINKINFO, as
 * `ip link set NAME type KIND ...` does. `kind` must be the link's kind.
 *
 * @example
 * ```ts
 * yield* Link.set("br0", { kind: "bridge", stpState: true, mtu: 1400 })
 * ```
 * @since 0.3.0
 */
export type KindChanges = Omit<Changes, "group"> & {
  readonly kind: AddSpec["kind"]
  /** The device group, or (vxlan) the multicast group: the kind's own meaning wins, as in the model. */
  readonly group?: unknown
  readonly [option: string]: unknown
}

/** Changes with a kind: the common ones and the kind's options, apart (no validation). */
const splitKind = (changes: Changes | KindChanges) => {
  const kind = (changes as { kind?: unknown }).kind
  const desc = typeof kind === "string" ? byKind.get(kind) : undefined
  if (desc === undefined) return { desc, common: changes as Record<string, unknown>, opts: {} }
  const groupKey = desc.renames?.group
  const common: Record<string, unknown> = {}
  const opts: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(changes)) {
    if (k === "kind" || v === undefined) continue
    if (k === groupKey) common.group = v
    else if (k in desc.fields && (k !== "group" || groupKey !== undefined)) opts[k] = v
    else common[k] = v
  }
  return { desc, common, opts }
}

/** IFLA_LINKINFO carrying only the given kind options, as `ip link set NAME type KIND ...` sends it. */
const changeInfo = (
  desc: LinkKind,
  opts: Readonly<Record<string, unknown>>,
  devices: Readonly<Record<string, number>>
): LinkinfoAttrs | undefined => {
  if (isEmpty(opts)) return undefined
  const data = (desc.change ?? desc.toKernel)(opts as any, { devices, namespaces: {} })
  return data === undefined
    ? { kind: desc.kind }
    : { kind: desc.kind, data: { kind: desc.kind, ...data } as LinkinfoDataMsg }
}

/** Validates the kind part of changes against the link's kind and resolves its devices. */
const kindChanges = (index: number, changes: Changes | KindChanges) =>
  Effect.gen(function* () {
    const kind = (changes as { kind?: unknown } | undefined)?.kind
    if (kind === undefined) return { common: changes, checked: undefined, devices: {} }
    const { desc, common, opts } = splitKind(changes)
    if (desc === undefined)
      return yield* Effect.fail(
        invalid("kind", `unknown link kind ${JSON.stringify(kind)}; one of ${kinds.join(", ")}`)
      )
    const h = yield* getHead(index, { stats: false })
    if (h.info?.kind !== desc.kind)
      return yield* Effect.fail(
        invalid("kind", `${h.name} is ${h.info?.kind ?? "of no kind"}, not ${desc.kind}`)
      )
    const checked: Record<string, unknown> = { kind: desc.kind }
    for (const [k, v] of Object.entries(opts)) {
      // one option at a time: a change gives only some (required ones too)
      const one = yield* validate(Schema.Struct({ [k]: desc.fields[k]! }) as any, { [k]: v })
      checked[k] = (one as Record<string, unknown>)[k]
    }
    const devices: Record<string, number> = {}
    for (const f of desc.devices) if (opts[f] !== undefined) devices[f] = yield* linkIndex(opts[f] as Ref, f)
    return { common, checked, devices }
  })

/** Settings newer kernels added: the attribute, and the release that added it. */
const NEWER: ReadonlyArray<readonly [keyof LinkOptions, keyof LinkAttrs, string, string]> = [
  ["gsoIpv4MaxSize", "gsoIpv4MaxSize", "IFLA_GSO_IPV4_MAX_SIZE", "6.3"],
  ["groIpv4MaxSize", "groIpv4MaxSize", "IFLA_GRO_IPV4_MAX_SIZE", "6.3"]
]

/**
 * Settings the running kernel would silently ignore (it skips attribute types
 * it does not know) fail up front, nothing sent: a kernel that has one reports
 * it for every link, so link `probe` (lo is 1) tells.
 */
const requireAttributes = (o: { readonly [K in (typeof NEWER)[number][0]]?: unknown }, probe: number) =>
  Effect.gen(function* () {
    const given = NEWER.filter(([f]) => o[f] !== undefined)
    if (given.length === 0) return
    const h = yield* getHead(probe, { stats: false })
    for (const [field, attr, uapi, since] of given)
      if (h.attrs[attr] === undefined)
        return yield* Effect.fail(
          invalid(
            field,
            `${uapi} needs Linux ${since} or a kernel with it backported; this kernel (${release()}) does not report it`
          )
        )
  })

/**
 * Sets a port's options in its master, like `ip link set PORT type
 * bridge_slave ...` (bond_slave ...): validated by the master kind's port
 * Schema, one request.
 *
 * @example
 * ```ts
 * yield* Link.set("veth1", { master: "br0" })
 * yield* Link.setPort("veth1", { learning: false, cost: 10 })
 * ```
 * @since 0.2.0
 */
export const setPort = operation(
  "Link.setPort",
  function* (ref: Ref, port: Readonly<Record<string, unknown>>) {
    const index = yield* linkIndex(ref, "ref")
    const h = yield* getHead(index, { stats: false })
    if (h.master === undefined || h.master === 0)
      return yield* Effect.fail(invalid("port", `${h.name} has no master to take port options`))
    yield* applyPort(index, h.master, port, h.name)
  }
)

/**
 * `ip link set REF up`.
 *
 * @example
 * ```ts
 * yield* Link.setUp("veth0")
 * ```
 * @since 0.1.0
 */
export const setUp = (ref: Ref): Effect.Effect<void, NetlinkError, Netlink> => set(ref, { up: true })

/**
 * `ip link set REF down`.
 *
 * @example
 * ```ts
 * yield* Link.setDown("veth0")
 * ```
 * @since 0.1.0
 */
export const setDown = (ref: Ref): Effect.Effect<void, NetlinkError, Netlink> => set(ref, { up: false })

/**
 * `ip link set REF master MASTER`.
 *
 * @example
 * ```ts
 * yield* Link.setMaster("veth0", "br0")
 * ```
 * @since 0.1.0
 */
export const setMaster = (ref: Ref, master: Ref): Effect.Effect<void, NetlinkError, Netlink> =>
  set(ref, { master })

/**
 * `ip link set REF nomaster`.
 *
 * @example
 * ```ts
 * yield* Link.setNoMaster("veth0")
 * ```
 * @since 0.1.0
 */
export const setNoMaster = (ref: Ref): Effect.Effect<void, NetlinkError, Netlink> =>
  set(ref, { master: null })

/**
 * `ip link set REF netns NS`: moves the link to another namespace (by name,
 * pid, fd or path).
 *
 * @example
 * ```ts
 * yield* Link.moveToNamespace("veth1", "blue")
 * yield* Link.moveToNamespace("veth1", { pid: 4242 })
 * ```
 * @since 0.1.0
 */
export const moveToNamespace = (
  ref: Ref,
  netns: NamespaceTarget
): Effect.Effect<void, NetlinkError, Netlink> => set(ref, { netns })

const RTM_NEWLINKPROP = LinkMessageTypes.RTM_NEWLINKPROP
const RTM_DELLINKPROP = LinkMessageTypes.RTM_DELLINKPROP

/**
 * The `ip link property add|del dev NAME altname ALT` request for link `index`:
 * RTM_NEWLINKPROP (NLM_F_CREATE|NLM_F_EXCL|NLM_F_APPEND) or RTM_DELLINKPROP with
 * IFLA_PROP_LIST { IFLA_ALT_IFNAME }.
 *
 * @example
 * ```ts
 * const bytes = Link.altnameRequest("add", 3, "uplink-to-the-core")
 * ```
 * @since 0.3.0
 */
export const altnameRequest = (op: "add" | "del", index: number, altname: string): Uint8Array =>
  buildMessage(
    op === "add" ? RTM_NEWLINKPROP : RTM_DELLINKPROP,
    op === "add" ? NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND | NLM_F_ACK : NLM_F_ACK,
    (w) => encodeLinkMessage(w, { ...emptyHeader, index, propList: { altIfname: [altname] } })
  )

const altname = (op: "add" | "del") =>
  operation(`Link.${op}Altname`, function* (ref: Ref, name: string) {
    const alt = yield* validate(P.DeviceName, name, "altname")
    const index = yield* linkIndex(ref, "ref")
    const { route } = yield* Netlink
    yield* route.request(altnameRequest(op, index, alt), options(`link property ${op} altname ${alt}`))
  })

/**
 * Adds an alternative name to a link, like `ip link property add dev REF
 * altname NAME`: up to 127 bytes; the link can then be named by it wherever a
 * device is named. Listed under `status.altnames`.
 *
 * @example
 * ```ts
 * yield* Link.addAltname("eth0", "uplink-to-the-datacenter-core")
 * yield* Address.add({ dev: "uplink-to-the-datacenter-core", address: "10.0.0.1/24" })
 * ```
 * @since 0.3.0
 */
export const addAltname: (ref: Ref, name: string) => Effect.Effect<void, NetlinkError, Netlink> =
  altname("add")

/**
 * Removes an alternative name, like `ip link property del dev REF altname NAME`.
 *
 * @example
 * ```ts
 * yield* Link.removeAltname("eth0", "uplink-to-the-datacenter-core")
 * ```
 * @since 0.3.0
 */
export const removeAltname: (ref: Ref, name: string) => Effect.Effect<void, NetlinkError, Netlink> =
  altname("del")

/**
 * How {@link setXdp} attaches: the kernel's choice (native if the driver has
 * it), "skb" (generic, `xdpgeneric`), "drv" (native, `xdpdrv`) or "hw"
 * (offloaded, `xdpoffload`).
 *
 * @example
 * ```ts
 * const m: Link.XdpMode = "skb"
 * ```
 * @since 0.3.0
 */
export type XdpMode = "skb" | "drv" | "hw"

/**
 * An XDP attach or detach: `fd` is a loaded BPF program's fd (-1 or `null`
 * detaches); `expectedFd` replaces only if that program is attached
 * (XDP_FLAGS_REPLACE); `noReplace` fails if any program is attached
 * (XDP_FLAGS_UPDATE_IF_NOEXIST, what `ip link set ... xdp` sends unless `-force`).
 *
 * @example
 * ```ts
 * const x: Link.XdpSetting = { fd: progFd, mode: "skb" }
 * ```
 * @since 0.3.0
 */
export interface XdpSetting {
  readonly fd: number | null
  readonly mode?: XdpMode
  readonly expectedFd?: number
  readonly noReplace?: boolean
}

const XdpSettingSchema = Schema.Struct({
  fd: Schema.NullOr(P.intBetween(P.S32, -1, 0x7fffffff)),
  mode: opt(Schema.Literals(["skb", "drv", "hw"])),
  expectedFd: opt(P.intBetween(P.S32, 0, 0x7fffffff)),
  noReplace: opt(Bool)
})

const XDP_MODE_FLAG = { skb: XdpFlags.skbMode, drv: XdpFlags.drvMode, hw: XdpFlags.hwMode } as const

/**
 * The IFLA_XDP nest of an {@link XdpSetting}, as `ip link set dev NAME
 * xdp|xdpgeneric|xdpdrv|xdpoffload fd FD|off` sends it.
 *
 * @example
 * ```ts
 * Link.xdpAttrs({ fd: null, mode: "skb" }) // { fd: -1, flags: 2 }
 * ```
 * @since 0.3.0
 */
export const xdpAttrs = (x: XdpSetting): NonNullable<LinkMessage["xdp"]> => {
  const flags =
    (x.mode === undefined ? 0 : XDP_MODE_FLAG[x.mode]) |
    (x.noReplace ? XdpFlags.updateIfNoexist : 0) |
    (x.expectedFd !== undefined ? XdpFlags.replace : 0)
  return defined({
    fd: x.fd ?? -1,
    flags: flags === 0 ? undefined : flags,
    expectedFd: x.expectedFd
  })
}

/**
 * The `ip link set dev NAME xdp... fd FD|off` request (RTM_NEWLINK, IFLA_XDP)
 * for link `index`.
 *
 * @example
 * ```ts
 * const bytes = Link.xdpRequest(3, { fd: null })
 * ```
 * @since 0.3.0
 */
export const xdpRequest = (index: number, setting: XdpSetting): Uint8Array =>
  newlink(NLM_F_ACK, { ...emptyHeader, index, xdp: xdpAttrs(setting) })

/**
 * Attaches, replaces or detaches an XDP program, like `ip link set dev REF
 * xdpgeneric fd FD` / `... xdp off`. The attached program shows under
 * `status.xdp` (mode and program id).
 *
 * @example
 * ```ts
 * yield* Link.setXdp("eth0", { fd: progFd, mode: "skb" })
 * yield* Link.setXdp("eth0", { fd: null, mode: "skb" }) // detach
 * ```
 * @since 0.3.0
 */
export const setXdp = operation("Link.setXdp", function* (ref: Ref, setting: XdpSetting) {
  const x = yield* validate(XdpSettingSchema, setting, "xdp")
  const index = yield* linkIndex(ref, "ref")
  const { route } = yield* Netlink
  yield* route.request(
    xdpRequest(index, x),
    options(`link set xdp${x.fd === null || x.fd === -1 ? " off" : ""}`)
  )
})

/**
 * Sets a VF's options, like `ip link set DEV vf N mac ... vlan ... trust on`
 * (needs SR-IOV hardware; the kernel refuses it on other devices).
 *
 * @example
 * ```ts
 * yield* Link.setVf("eth0", { vf: 0, mac: "02:00:00:00:00:05", spoofchk: false })
 * ```
 * @since 0.3.0
 */
export const setVf = operation("Link.setVf", function* (ref: Ref, setting: VfSetting) {
  const v = yield* validate(VfSettingSchema, setting, "vf")
  const index = yield* linkIndex(ref, "ref")
  const { route } = yield* Netlink
  yield* route.request(vfRequest(index, v), options(`link set vf ${v.vf}`))
})
