/**
 * Network interfaces: list, get, add (veth, bridge, vxlan, macvlan, macvtap,
 * ifb, dummy, vlan, bond, vrf), change and remove links — what `ip link` does,
 * as Effects. Ports join a bridge, bond or vrf with `set(port, { master })`; a
 * port's `linkInfo.portKind` / `portData` then carry its state in the master
 * (bond: state, MII status, LACP states; vrf: table; bridge: STP state ...).
 *
 * A {@link Link} is the generated `LinkMessage` as the kernel reported it
 * (ifinfomsg fields plus IFLA_* attributes, `linkInfo` carrying the kind and
 * its settings); nothing is mapped per object when dumping.
 *
 * Inputs are friendly option objects, validated before anything is sent (a
 * bad field is a `Validation` error naming it, e.g. "name" or "peer.name").
 * The request builders ({@link addRequest}, {@link setRequest}, ...) are pure
 * and produce what `ip link` sends, checked against iproute2 in the golden tests.
 *
 * Deliberate differences from iproute2:
 * - IFLA_INFO_KIND is sent NUL-terminated (iproute2 omits the NUL); the kernel
 *   reads it with nla_strscpy and accepts both. IFLA_IFALIAS goes without a
 *   NUL, as iproute2 sends it (with one, a 255-byte alias would be refused).
 * - The kernel ignores IFLA_IFALIAS when creating a link, so `add` with an
 *   `alias` sends a second request that sets it (iproute2 silently loses it).
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
import {
  decodeLinkMessage,
  type LinkinfoAttrs,
  type LinkinfoBridgeAttrs,
  type LinkinfoDataMsg,
  type LinkinfoMacvlanAttrs,
  type LinkinfoVxlanAttrs,
  LinkMessage,
  LinkMessageHeaderSize,
  LinkMessageMeta,
  LinkMessageTypes,
  MacvlanMacaddrMode,
  MacvlanMode,
  NetDeviceFlags,
  RtextFilter,
  VlanProtocol,
  VxlanDf,
  encodeLinkAttrs,
  encodeLinkMessage,
  type Ifinfomsg
} from "../generated/rt-link/index.ts"
import { describePath } from "../runtime/Describe.ts"
import * as Ns from "../runtime/Namespace.ts"
import { kernel as kernelError, type NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { parseIp } from "../runtime/Wire.ts"
import { Netlink } from "./Netlink.ts"
import {
  buildMessage,
  invalid,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  validate,
  operation,
  checkBuilt
} from "./internal/Common.ts"
import {
  BondFields,
  type BondSpec as BondOptions,
  bondInfo,
  type ResolvedDevices,
  ignoredOptions,
  VlanFields,
  type VlanSpec as VlanOptions,
  VrfFields,
  type VrfSpec as VrfOptions,
  vlanInfo,
  vrfInfo
} from "./internal/LinkKinds.ts"
import { type LinkRef, linkIndex } from "./internal/Resolve.ts"

// ---------------------------------------------------------------------------
// types

/**
 * A link as the kernel reports it: ifinfomsg (`index`, `flags`, `type`, ...)
 * plus the IFLA_* attributes (`ifname`, `mtu`, `address`, `master`,
 * `linkInfo: { kind, data }`, `stats64`, ...).
 *
 * @example
 * ```ts
 * const link: Link.Link = yield* Link.get("eth0")
 * link.ifname // "eth0"
 * link.linkInfo?.kind // undefined for a physical device, "veth" ...
 * ```
 * @since 0.1.0
 */
export type Link = LinkMessage

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
export type NamespaceTarget =
  | string
  | number
  | { readonly name: string }
  | { readonly pid: number }
  | { readonly fd: number }
  | { readonly path: string }

/**
 * A namespace as the request carries it: IFLA_NET_NS_FD or IFLA_NET_NS_PID.
 *
 * @example
 * ```ts
 * const t: Link.ResolvedNamespace = { fd: 4 }
 * ```
 * @since 0.1.0
 */
export type ResolvedNamespace = { readonly fd: number } | { readonly pid: number }

/**
 * Options every kind accepts on `add`.
 *
 * @example
 * ```ts
 * const common: Link.CommonOptions = { name: "br0", mtu: 9000, up: true }
 * ```
 * @since 0.1.0
 */
export interface CommonOptions {
  /** Interface name: 1..15 bytes, no '/' or whitespace. */
  readonly name: string
  readonly mtu?: number
  /** Link-layer address, "02:00:00:00:00:01". */
  readonly address?: string
  /** Transmit queue length (`ip link ... txqueuelen`). */
  readonly txqlen?: number
  /** Device group number, or "default" (0). */
  readonly group?: number | "default"
  /** Enslave the new link to this master (bridge ...). */
  readonly master?: Ref
  /** Bring the link up (true) or leave it down. */
  readonly up?: boolean
  /** Interface alias (at most 255 bytes). */
  readonly alias?: string
  readonly numTxQueues?: number
  readonly numRxQueues?: number
  /** Create the link directly in this namespace. */
  readonly netns?: NamespaceTarget
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
export interface VethPeer {
  readonly name: string
  readonly netns?: NamespaceTarget
  readonly mtu?: number
  readonly address?: string
  readonly txqlen?: number
  readonly group?: number | "default"
  readonly numTxQueues?: number
  readonly numRxQueues?: number
}

/**
 * `ip link add NAME type veth peer name PEER [netns NS]`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "veth", name: "veth0", peer: { name: "veth1" } })
 * ```
 * @since 0.1.0
 */
export interface VethSpec extends CommonOptions {
  readonly kind: "veth"
  readonly peer: VethPeer
}

/**
 * `ip link add NAME type bridge ...`. Times are in centiseconds, as `ip`
 * takes and prints them (forward_delay 1500 = 15 s).
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "bridge", name: "br0", stpState: true, forwardDelay: 400 })
 * ```
 * @since 0.1.0
 */
export interface BridgeSpec extends CommonOptions {
  readonly kind: "bridge"
  readonly stpState?: boolean
  readonly forwardDelay?: number
  readonly helloTime?: number
  readonly maxAge?: number
  readonly ageingTime?: number
  readonly priority?: number
  readonly vlanFiltering?: boolean
  readonly vlanProtocol?: "802.1Q" | "802.1ad"
  readonly vlanDefaultPvid?: number
  readonly vlanStatsEnabled?: boolean
  readonly vlanStatsPerPort?: boolean
  readonly groupFwdMask?: number
  readonly groupAddress?: string
  readonly multicastSnooping?: boolean
  /** 0 disabled, 1 automatic (temp query), 2 permanent. */
  readonly multicastRouter?: number
  readonly multicastQueryUseIfaddr?: boolean
  readonly multicastQuerier?: boolean
  readonly multicastHashMax?: number
  readonly multicastLastMemberCount?: number
  readonly multicastStartupQueryCount?: number
  readonly multicastStatsEnabled?: boolean
  readonly multicastIgmpVersion?: 2 | 3
  readonly multicastMldVersion?: 1 | 2
  readonly nfCallIptables?: boolean
  readonly nfCallIp6tables?: boolean
  readonly nfCallArptables?: boolean
  readonly fdbMaxLearned?: number
}

/**
 * `ip link add NAME type vxlan id VNI ...`. `remote` (unicast) and `group`
 * (multicast) both set IFLA_VXLAN_GROUP/GROUP6; give at most one. Learning is
 * on unless `learning: false`, and is always sent, as `ip` does. As in `ip`,
 * `group` here is the multicast group: the device group is `deviceGroup`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vxlan", name: "vx0", id: 42, remote: "10.0.0.2", dev: "eth0", port: 4789 })
 * ```
 * @since 0.1.0
 */
export interface VxlanSpec extends Omit<CommonOptions, "group"> {
  readonly kind: "vxlan"
  /** Device group (the common `group` option of the other kinds). */
  readonly deviceGroup?: number | "default"
  /** VXLAN network identifier (0..16777215). */
  readonly id: number
  /** Multicast group (IPv4 or IPv6). */
  readonly group?: string
  /** Unicast remote endpoint (IPv4 or IPv6). */
  readonly remote?: string
  /** Local source address. */
  readonly local?: string
  /** Underlay device. */
  readonly dev?: Ref
  /** UDP destination port (`dstport`); the kernel's default is 8472. */
  readonly port?: number
  readonly srcPortRange?: { readonly low: number; readonly high: number }
  /** Outer TTL, or "inherit" from the inner packet. */
  readonly ttl?: number | "inherit"
  /** Outer TOS, or "inherit" (1). */
  readonly tos?: number | "inherit"
  readonly df?: "unset" | "set" | "inherit"
  /** IPv6 flow label (0..1048575). */
  readonly label?: number
  readonly learning?: boolean
  readonly proxy?: boolean
  readonly rsc?: boolean
  readonly l2miss?: boolean
  readonly l3miss?: boolean
  readonly udpCsum?: boolean
  readonly udp6ZeroCsumTx?: boolean
  readonly udp6ZeroCsumRx?: boolean
  readonly remcsumTx?: boolean
  readonly remcsumRx?: boolean
  /** FDB ageing time in seconds. */
  readonly ageing?: number
  /** Maximum number of FDB entries. */
  readonly limit?: number
  readonly gbp?: boolean
  readonly gpe?: boolean
  /** External control plane (collect metadata). */
  readonly external?: boolean
}

/**
 * `ip link add NAME link PARENT type macvlan|macvtap mode MODE`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "macvlan", name: "mv0", link: "eth0", mode: "bridge" })
 * ```
 * @since 0.1.0
 */
export interface MacvlanSpec extends CommonOptions {
  readonly kind: "macvlan" | "macvtap"
  /** The parent device. */
  readonly link: Ref
  readonly mode?: "private" | "vepa" | "bridge" | "passthru" | "source"
  /** Source MAC addresses (mode "source" only): `macaddr set ...`. */
  readonly macaddrs?: ReadonlyArray<string>
  /** passthru without promiscuous mode. */
  readonly nopromisc?: boolean
  readonly bcQueueLen?: number
}

/**
 * `ip link add NAME type ifb` / `type dummy`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "ifb", name: "ifb0" })
 * ```
 * @since 0.1.0
 */
export interface SimpleSpec extends CommonOptions {
  readonly kind: "ifb" | "dummy"
}

/**
 * `ip link add NAME link PARENT type vlan id ID [protocol 802.1ad] [egress-qos-map ...]`.
 * `link` is the parent device; QoS maps are `{ from: to }` records or `[from, to]` pairs.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vlan", name: "eth0.7", link: "eth0", id: 7, egressQos: { 1: 2 } })
 * ```
 * @since 0.1.0
 */
export interface VlanSpec extends CommonOptions, VlanOptions {
  readonly kind: "vlan"
}

/**
 * `ip link add NAME type bond mode MODE ...`, option names as ip-link(8) in
 * camelCase (`miimon`, `xmitHashPolicy: "layer3+4"`, `lacpRate: "fast"`,
 * `arpIpTargets: [...]`). Options newer than the running kernel (which an older
 * kernel would silently ignore) fail validation with the version they need.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "bond", name: "bond0", mode: "802.3ad", miimon: 100 })
 * yield* Link.set("eth1", { master: "bond0" })
 * ```
 * @since 0.1.0
 */
export interface BondSpec extends CommonOptions, BondOptions {
  readonly kind: "bond"
}

/**
 * `ip link add NAME type vrf table N`.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "vrf", name: "vrf-blue", table: 10, up: true })
 * ```
 * @since 0.1.0
 */
export interface VrfSpec extends CommonOptions, VrfOptions {
  readonly kind: "vrf"
}

/**
 * What {@link add} creates, selected by `kind`.
 *
 * @example
 * ```ts
 * const spec: Link.AddSpec = { kind: "dummy", name: "dummy0" }
 * ```
 * @since 0.1.0
 */
export type AddSpec =
  | VethSpec
  | BridgeSpec
  | VxlanSpec
  | MacvlanSpec
  | SimpleSpec
  | VlanSpec
  | BondSpec
  | VrfSpec

/**
 * Changes {@link set} applies, as `ip link set` does. `alias: null` removes the
 * alias, `master: null` detaches (nomaster).
 *
 * @example
 * ```ts
 * const c: Link.Changes = { up: true, mtu: 1400, master: "br0" }
 * ```
 * @since 0.1.0
 */
export interface Changes {
  readonly up?: boolean
  readonly mtu?: number
  readonly address?: string
  /** Rename. */
  readonly name?: string
  readonly alias?: string | null
  readonly txqlen?: number
  readonly group?: number | "default"
  readonly master?: Ref | null
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
   * Include the counters (`stats64`, `stats`); default true. With false they are
   * left out of the results and the kernel is asked (RTEXT_FILTER_SKIP_STATS)
   * to skip per-VF counters; it sends the device counters regardless.
   */
  readonly stats?: boolean
}

// ---------------------------------------------------------------------------
// input schemas

const U8 = P.U8
const U16 = P.U16
const U32 = P.U32
const Bool = Schema.Boolean
// optional, not optionalKey: callers may pass `field: undefined`
const opt = Schema.optional
const RefSchema = Schema.Union([Schema.String, Schema.Number])
const GroupSchema = Schema.Union([U32, Schema.Literal("default")])
const NamespaceSchema = Schema.Union([
  Schema.String,
  Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 0x7fffffff })),
  Schema.Struct({ name: Schema.String }),
  Schema.Struct({ pid: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 0x7fffffff })) }),
  Schema.Struct({ fd: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0x7fffffff })) }),
  Schema.Struct({ path: Schema.String })
])
const Alias = P.stringMaxBytes(255)

const commonFields = {
  name: P.InterfaceName,
  mtu: opt(U32),
  address: opt(P.MacAddress),
  txqlen: opt(U32),
  group: opt(GroupSchema),
  master: opt(RefSchema),
  up: opt(Bool),
  alias: opt(Alias),
  numTxQueues: opt(U32),
  numRxQueues: opt(U32),
  netns: opt(NamespaceSchema)
}

const VethPeerSchema = Schema.Struct({
  name: P.InterfaceName,
  netns: opt(NamespaceSchema),
  mtu: opt(U32),
  address: opt(P.MacAddress),
  txqlen: opt(U32),
  group: opt(GroupSchema),
  numTxQueues: opt(U32),
  numRxQueues: opt(U32)
})

const VethSchema = Schema.Struct({ kind: Schema.Literal("veth"), ...commonFields, peer: VethPeerSchema })

const BridgeSchema = Schema.Struct({
  kind: Schema.Literal("bridge"),
  ...commonFields,
  stpState: opt(Bool),
  forwardDelay: opt(U32),
  helloTime: opt(U32),
  maxAge: opt(U32),
  ageingTime: opt(U32),
  priority: opt(U16),
  vlanFiltering: opt(Bool),
  vlanProtocol: opt(Schema.Literals(["802.1Q", "802.1ad"])),
  vlanDefaultPvid: opt(P.intBetween(U16, 0, 4094)),
  vlanStatsEnabled: opt(Bool),
  vlanStatsPerPort: opt(Bool),
  groupFwdMask: opt(U16),
  groupAddress: opt(P.MacAddress),
  multicastSnooping: opt(Bool),
  multicastRouter: opt(P.intBetween(U8, 0, 2)),
  multicastQueryUseIfaddr: opt(Bool),
  multicastQuerier: opt(Bool),
  multicastHashMax: opt(U32),
  multicastLastMemberCount: opt(U32),
  multicastStartupQueryCount: opt(U32),
  multicastStatsEnabled: opt(Bool),
  multicastIgmpVersion: opt(Schema.Literals([2, 3])),
  multicastMldVersion: opt(Schema.Literals([1, 2])),
  nfCallIptables: opt(Bool),
  nfCallIp6tables: opt(Bool),
  nfCallArptables: opt(Bool),
  fdbMaxLearned: opt(U32)
})

const { group: _deviceGroup, ...commonWithoutGroup } = commonFields
const VxlanSchema = Schema.Struct({
  kind: Schema.Literal("vxlan"),
  ...commonWithoutGroup,
  deviceGroup: opt(GroupSchema),
  id: P.intBetween(U32, 0, 0xffffff),
  group: opt(P.InetAddress),
  remote: opt(P.InetAddress),
  local: opt(P.InetAddress),
  dev: opt(RefSchema),
  port: opt(U16),
  srcPortRange: opt(Schema.Struct({ low: U16, high: U16 })),
  ttl: opt(Schema.Union([U8, Schema.Literal("inherit")])),
  tos: opt(Schema.Union([U8, Schema.Literal("inherit")])),
  df: opt(Schema.Literals(["unset", "set", "inherit"])),
  label: opt(P.intBetween(U32, 0, 0xfffff)),
  learning: opt(Bool),
  proxy: opt(Bool),
  rsc: opt(Bool),
  l2miss: opt(Bool),
  l3miss: opt(Bool),
  udpCsum: opt(Bool),
  udp6ZeroCsumTx: opt(Bool),
  udp6ZeroCsumRx: opt(Bool),
  remcsumTx: opt(Bool),
  remcsumRx: opt(Bool),
  ageing: opt(U32),
  limit: opt(U32),
  gbp: opt(Bool),
  gpe: opt(Bool),
  external: opt(Bool)
})

const MacvlanSchema = Schema.Struct({
  kind: Schema.Literals(["macvlan", "macvtap"]),
  ...commonFields,
  link: RefSchema,
  mode: opt(Schema.Literals(["private", "vepa", "bridge", "passthru", "source"])),
  macaddrs: opt(Schema.Array(P.MacAddress)),
  nopromisc: opt(Bool),
  bcQueueLen: opt(U32)
})

const SimpleSchema = Schema.Struct({ kind: Schema.Literals(["ifb", "dummy"]), ...commonFields })

const VlanSchema = Schema.Struct({ kind: Schema.Literal("vlan"), ...commonFields, ...VlanFields })
const BondSchema = Schema.Struct({ kind: Schema.Literal("bond"), ...commonFields, ...BondFields })
const VrfSchema = Schema.Struct({ kind: Schema.Literal("vrf"), ...commonFields, ...VrfFields })

/**
 * The input Schema of each kind {@link add} accepts (e.g. to check a config
 * file up front).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * Schema.decodeUnknownSync(Link.specSchemas.bridge)({ kind: "bridge", name: "br0" })
 * ```
 * @since 0.1.0
 */
export const specSchemas: Readonly<Record<AddSpec["kind"], Schema.Codec<any, any>>> = {
  veth: VethSchema,
  bridge: BridgeSchema,
  vxlan: VxlanSchema,
  macvlan: MacvlanSchema,
  macvtap: MacvlanSchema,
  ifb: SimpleSchema,
  dummy: SimpleSchema,
  vlan: VlanSchema,
  bond: BondSchema,
  vrf: VrfSchema
}

/**
 * The kinds {@link add} can build.
 *
 * @example
 * ```ts
 * Link.kinds.includes("vxlan") // true
 * ```
 * @since 0.1.0
 */
export const kinds: ReadonlyArray<AddSpec["kind"]> = Object.keys(specSchemas) as Array<AddSpec["kind"]>

/**
 * The input Schema of {@link set}'s changes.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Link.ChangesSchema)({ mtu: 1400 })
 * ```
 * @since 0.1.0
 */
export const ChangesSchema = Schema.Struct({
  up: opt(Bool),
  mtu: opt(U32),
  address: opt(P.MacAddress),
  name: opt(P.InterfaceName),
  alias: opt(Schema.NullOr(Alias)),
  txqlen: opt(U32),
  group: opt(GroupSchema),
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
// pure request builders

const RTM_NEWLINK = LinkMessageTypes.RTM_NEWLINK
const RTM_DELLINK = LinkMessageTypes.RTM_DELLINK
const RTM_GETLINK = LinkMessageTypes.RTM_GETLINK
const IFF_UP = NetDeviceFlags.up
const IFF_NOARP = NetDeviceFlags.noarp
const IFF_PROMISC = NetDeviceFlags.promisc
const IFF_ALLMULTI = NetDeviceFlags.allmulti
const IFF_MULTICAST = NetDeviceFlags.multicast
const IFLA_IFALIAS = 20

/** Drops keys whose value is undefined (generated Schemas reject them). */
const compact = <A extends object>(o: A): A => {
  const out: any = {}
  for (const k in o) if (o[k] !== undefined) out[k] = o[k]
  return out
}

const b = (v: boolean | undefined): number | undefined => (v === undefined ? undefined : v ? 1 : 0)
const groupNumber = (g: number | "default" | undefined): number | undefined => (g === "default" ? 0 : g)
const nsAttrs = (ns: ResolvedNamespace | undefined): { netNsFd?: number; netNsPid?: number } =>
  ns === undefined ? {} : "fd" in ns ? { netNsFd: ns.fd } : { netNsPid: ns.pid }

const emptyHeader: Ifinfomsg = { family: 0, pad: 0, type: 0, index: 0, flags: 0, change: 0 }

const isV6 = (s: string): boolean => s.includes(":")
const isMulticast = (s: string): boolean => {
  const a = parseIp(s)!
  return a.length === 4 ? (a[0] & 0xf0) === 0xe0 : a[0] === 0xff
}

const bridgeData = (s: BridgeSpec): LinkinfoBridgeAttrs =>
  compact({
    forwardDelay: s.forwardDelay,
    helloTime: s.helloTime,
    maxAge: s.maxAge,
    ageingTime: s.ageingTime,
    stpState: b(s.stpState),
    priority: s.priority,
    vlanFiltering: b(s.vlanFiltering),
    vlanProtocol:
      s.vlanProtocol === undefined
        ? undefined
        : s.vlanProtocol === "802.1Q"
          ? VlanProtocol.dot1q
          : VlanProtocol.dot1ad,
    groupFwdMask: s.groupFwdMask,
    groupAddr: s.groupAddress,
    mcastRouter: s.multicastRouter,
    mcastSnooping: b(s.multicastSnooping),
    mcastQueryUseIfaddr: b(s.multicastQueryUseIfaddr),
    mcastQuerier: b(s.multicastQuerier),
    mcastHashMax: s.multicastHashMax,
    mcastLastMemberCnt: s.multicastLastMemberCount,
    mcastStartupQueryCnt: s.multicastStartupQueryCount,
    nfCallIptables: b(s.nfCallIptables),
    nfCallIp6tables: b(s.nfCallIp6tables),
    nfCallArptables: b(s.nfCallArptables),
    vlanDefaultPvid: s.vlanDefaultPvid,
    vlanStatsEnabled: b(s.vlanStatsEnabled),
    mcastStatsEnabled: b(s.multicastStatsEnabled),
    mcastIgmpVersion: s.multicastIgmpVersion,
    mcastMldVersion: s.multicastMldVersion,
    vlanStatsPerPort: b(s.vlanStatsPerPort),
    fdbMaxLearned: s.fdbMaxLearned
  })

const vxlanData = (s: VxlanSpec, dev: number | undefined): LinkinfoVxlanAttrs => {
  const peer = s.group ?? s.remote
  return compact({
    id: s.id,
    link: dev,
    group: peer !== undefined && !isV6(peer) ? peer : undefined,
    group6: peer !== undefined && isV6(peer) ? peer : undefined,
    local: s.local !== undefined && !isV6(s.local) ? s.local : undefined,
    local6: s.local !== undefined && isV6(s.local) ? s.local : undefined,
    ttl: typeof s.ttl === "number" ? s.ttl : undefined,
    ttlInherit: s.ttl === "inherit" ? (true as const) : undefined,
    tos: s.tos === "inherit" ? 1 : s.tos,
    df: s.df === undefined ? undefined : VxlanDf[s.df],
    label: s.label,
    // iproute2 always sends learning on create (default on).
    learning: s.learning === false ? 0 : 1,
    proxy: b(s.proxy),
    rsc: b(s.rsc),
    l2miss: b(s.l2miss),
    l3miss: b(s.l3miss),
    udpCsum: b(s.udpCsum),
    udpZeroCsum6Tx: b(s.udp6ZeroCsumTx),
    udpZeroCsum6Rx: b(s.udp6ZeroCsumRx),
    remcsumTx: b(s.remcsumTx),
    remcsumRx: b(s.remcsumRx),
    ageing: s.ageing,
    limit: s.limit,
    portRange: s.srcPortRange,
    port: s.port,
    gbp: s.gbp ? (true as const) : undefined,
    gpe: s.gpe ? (true as const) : undefined,
    collectMetadata: b(s.external)
  })
}

const macvlanData = (s: MacvlanSpec): LinkinfoMacvlanAttrs =>
  compact({
    mode: s.mode === undefined ? undefined : MacvlanMode[s.mode],
    flags: s.nopromisc ? 1 : undefined,
    macaddrMode: s.macaddrs === undefined ? undefined : MacvlanMacaddrMode.set,
    // `set` with an empty list clears the source addresses.
    macaddrData:
      s.macaddrs === undefined ? undefined : s.macaddrs.length === 0 ? {} : { macaddr: s.macaddrs },
    bcQueueLen: s.bcQueueLen
  })

/**
 * References an `add` request needs resolved to numbers: the master's and
 * the parent's (macvlan `link`, vxlan `dev`) ifindex, and the namespaces.
 *
 * @example
 * ```ts
 * const r: Link.AddResolved = { link: 3, netns: { fd: 4 } }
 * ```
 * @since 0.1.0
 */
export interface AddResolved {
  readonly master?: number
  /** macvlan/macvtap/vlan parent, or vxlan underlay device. */
  readonly link?: number
  /** Devices named inside a kind's options: bond `primary` and `activeSlave`. */
  readonly devices?: ResolvedDevices
  readonly netns?: ResolvedNamespace
  readonly peerNetns?: ResolvedNamespace
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
  let data: LinkinfoDataMsg | undefined
  let lower: number | undefined
  switch (spec.kind) {
    case "veth": {
      const p = spec.peer
      const peer = compact({
        ...emptyHeader,
        ifname: p.name,
        mtu: p.mtu,
        address: p.address,
        txqlen: p.txqlen,
        group: groupNumber(p.group),
        numTxQueues: p.numTxQueues,
        numRxQueues: p.numRxQueues,
        ...nsAttrs(resolved.peerNetns)
      })
      data = { kind: "veth", peer }
      break
    }
    case "bridge": {
      const d = bridgeData(spec)
      if (Object.keys(d).length > 0) data = { kind: "bridge", ...d }
      break
    }
    case "vxlan":
      data = { kind: "vxlan", ...vxlanData(spec, resolved.link) }
      break
    case "macvlan":
    case "macvtap": {
      lower = resolved.link
      const d = macvlanData(spec)
      if (Object.keys(d).length > 0) data = { kind: spec.kind, ...d }
      break
    }
    case "vlan":
      lower = resolved.link
      data = vlanInfo(spec).data
      break
    case "bond": {
      const d = bondInfo(spec, resolved.devices).data
      // no options: the kind alone, as `ip link add bond0 type bond` sends it
      if (d !== undefined && Object.keys(d).length > 1) data = d
      break
    }
    case "vrf":
      data = vrfInfo(spec).data
      break
  }
  const linkInfo: LinkinfoAttrs = data === undefined ? { kind: spec.kind } : { kind: spec.kind, data }
  return compact({
    ...emptyHeader,
    flags: spec.up ? IFF_UP : 0,
    change: spec.up !== undefined ? IFF_UP : 0,
    ifname: spec.name,
    link: lower,
    mtu: spec.mtu,
    address: spec.address,
    txqlen: spec.txqlen,
    group: groupNumber(spec.kind === "vxlan" ? spec.deviceGroup : spec.group),
    master: resolved.master,
    ifalias: spec.alias,
    numTxQueues: spec.numTxQueues,
    numRxQueues: spec.numRxQueues,
    ...nsAttrs(resolved.netns),
    linkInfo
  })
}

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
export const setMessage = (index: number, changes: Changes, resolved: SetResolved = {}): LinkMessage => {
  let f = { flags: 0, change: 0 }
  f = flagChange(f, IFF_UP, changes.up)
  f = flagChange(f, IFF_PROMISC, changes.promisc)
  f = flagChange(f, IFF_NOARP, changes.arp === undefined ? undefined : !changes.arp)
  f = flagChange(f, IFF_MULTICAST, changes.multicast)
  f = flagChange(f, IFF_ALLMULTI, changes.allmulticast)
  return compact({
    ...emptyHeader,
    index,
    flags: f.flags,
    change: f.change,
    ifname: changes.name,
    mtu: changes.mtu,
    address: changes.address,
    txqlen: changes.txqlen,
    group: groupNumber(changes.group),
    master: changes.master === null ? 0 : resolved.master,
    ifalias: changes.alias === null ? undefined : changes.alias,
    carrier: b(changes.carrier),
    ...nsAttrs(resolved.netns)
  })
}

/**
 * The whole `ip link set` request (RTM_NEWLINK, NLM_F_ACK) for link `index`.
 *
 * @example
 * ```ts
 * const bytes = Link.setRequest(3, { up: true })
 * ```
 * @since 0.1.0
 */
export const setRequest = (index: number, changes: Changes, resolved: SetResolved = {}): Uint8Array =>
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
      compact({
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
    if (typeof ref === "number") encodeLinkMessage(w, compact({ ...emptyHeader, index: ref, extMask: mask }))
    else {
      encodeLinkMessage(w, emptyHeader)
      encodeLinkAttrs(w, compact({ extMask: mask, ifname: ref }))
    }
  })

// ---------------------------------------------------------------------------
// operations

const options = (operation: string) => ({
  headerLength: LinkMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(LinkMessageMeta, t),
  operation
})

const decodeLink = (buf: Uint8Array, view: DataView, start: number, end: number): Link =>
  decodeLinkMessage(buf, view, start + 16, end)

const withoutStats = (link: Link): Link => {
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

/**
 * All links, like `ip link show`; `kind` and `master` are filtered by the kernel.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Link, Netlink } from "nlink"
 *
 * const veths = Link.list({ kind: "veth" }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
export const list = operation("Link.list", function* (filter: ListFilter = {}) {
  const { message, decode } = yield* prepareList(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(message, decode, options("link list"))
})

const prepareList = (filter: ListFilter) =>
  Effect.gen(function* () {
    const f = yield* validate(ListFilterSchema, filter)
    const master = f.master === undefined ? undefined : yield* linkIndex(f.master, "master")
    const kind = f.kind
    const message = listRequest({ kind, master, stats: f.stats })
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number): Link | undefined => {
      const link = decodeLink(buf, view, start, end)
      if (kind !== undefined && link.linkInfo?.kind !== kind) return undefined
      if (master !== undefined && link.master !== master) return undefined
      return f.stats === false ? withoutStats(link) : link
    }
    return { message, decode }
  })

/**
 * Links as a stream, read as the consumer pulls (for very many links).
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
      const { message, decode } = yield* prepareList(filter)
      const { route } = yield* Netlink
      return route.dump(message, decode, options("link list"))
    })
  )

/**
 * One link by name or index; a missing link fails with a Kernel error, code ENODEV.
 *
 * @example
 * ```ts
 * const lo = yield* Link.get("lo")
 * const same = yield* Link.get(1)
 * ```
 * @since 0.1.0
 */
export const get = operation("Link.get", function* (ref: Ref, opts: { readonly stats?: boolean } = {}) {
  if (typeof ref === "number") yield* linkIndex(ref, "ref")
  else yield* validate(P.InterfaceName, ref, "ref")
  const { route } = yield* Netlink
  const link = yield* route.requestReply(getRequest(ref, opts), decodeLink, options("link get"))
  return opts.stats === false ? withoutStats(link) : link
})

/**
 * Creates a link, like `ip link add`. The spec's `kind` selects the builder.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "veth", name: "veth0", peer: { name: "veth1", netns: "blue" } })
 * yield* Link.add({ kind: "bridge", name: "br0", stpState: true, up: true })
 * yield* Link.add({ kind: "vxlan", name: "vx0", id: 42, group: "239.1.1.1", dev: "eth0", port: 4789 })
 * yield* Link.add({ kind: "macvlan", name: "mv0", link: "eth0", mode: "bridge" })
 * ```
 * @since 0.1.0
 */
export const add = operation("Link.add", function* (spec: AddSpec) {
  const kind = (spec as { kind?: unknown } | undefined)?.kind
  if (typeof kind !== "string" || !(kind in specSchemas)) {
    return yield* Effect.fail(
      invalid("kind", `unknown link kind ${JSON.stringify(kind)}; one of ${kinds.join(", ")}`)
    )
  }
  const s: AddSpec = yield* validate(specSchemas[kind as AddSpec["kind"]], spec)
  yield* checkSpec(s)
  const { route } = yield* Netlink
  yield* Effect.scoped(
    Effect.gen(function* () {
      const resolved: {
        master?: number
        link?: number
        devices?: ResolvedDevices
        netns?: ResolvedNamespace
        peerNetns?: ResolvedNamespace
      } = {}
      if (s.master !== undefined) resolved.master = yield* linkIndex(s.master, "master")
      if (s.kind === "macvlan" || s.kind === "macvtap") resolved.link = yield* linkIndex(s.link, "link")
      if (s.kind === "vxlan" && s.dev !== undefined) resolved.link = yield* linkIndex(s.dev, "dev")
      if (s.kind === "vlan") resolved.link = yield* linkIndex(s.link, "link")
      if (s.kind === "bond") {
        const devices: Record<string, number> = {}
        if (s.primary !== undefined) devices.primary = yield* linkIndex(s.primary, "primary")
        if (s.activeSlave !== undefined) devices.activeSlave = yield* linkIndex(s.activeSlave, "activeSlave")
        resolved.devices = devices
      }
      if (s.netns !== undefined) resolved.netns = yield* resolveNamespace(s.netns, "netns")
      if (s.kind === "veth" && s.peer.netns !== undefined) {
        resolved.peerNetns = yield* resolveNamespace(s.peer.netns, "peer.netns")
      }
      const msg = yield* checkMessage(addMessage(s, resolved))
      yield* route.request(newlink(NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, msg), options(`link add ${s.name}`))
    })
  )
  if (s.kind === "bond" && s.netns === undefined) yield* verifyBondOptions(s)
  // The kernel ignores IFLA_IFALIAS on create: set it on the new link. If that
  // fails, remove the link again so a failed add leaves nothing behind.
  if (s.alias !== undefined) {
    const alias = s.alias
    yield* Effect.gen(function* () {
      const index = yield* linkIndex(s.name, "name")
      yield* route.request(setRequest(index, { alias }), options(`link set ${s.name} alias`))
    }).pipe(
      Effect.tapError(() =>
        Effect.ignore(
          Effect.flatMap(linkIndex(s.name, "name"), (index) =>
            route.request(removeRequest(index), options(`link del ${s.name} (undo)`))
          )
        )
      )
    )
  }
})

/**
 * A kernel older than a bond option drops it without an error (lenient parsing of
 * kind data): read the new bond back, and if an option is missing, remove the bond
 * and fail with EOPNOTSUPP naming the option and the kernel version that added it.
 */
const verifyBondOptions = (s: BondSpec) =>
  Effect.gen(function* () {
    if (ignoredOptions(s, {}).length === 0) return
    const link = yield* get(s.name, { stats: false })
    const data = link.linkInfo?.data
    const [missing] = ignoredOptions(s, data?.kind === "bond" ? data : undefined)
    if (missing === undefined) return
    yield* Effect.ignore(remove(s.name))
    return yield* Effect.fail(
      kernelError(-95, {
        operation: `link add ${s.name}: ${missing.field} (${missing.uapi}) needs Linux ${missing.since} or a kernel with it backported; this kernel (${release()}) ignored it, so the bond was removed again`
      })
    )
  })

/** Cross-field rules the Schemas cannot express; nothing is sent when they fail. */
const checkSpec = (s: AddSpec): Effect.Effect<void, NetlinkError> => {
  if (s.alias !== undefined && s.netns !== undefined) {
    return Effect.fail(
      invalid("alias", "alias cannot be combined with netns on add (the kernel ignores an alias on create)")
    )
  }
  if (s.kind === "vxlan") {
    if (s.group !== undefined && s.remote !== undefined)
      return Effect.fail(invalid("remote", "give either group (multicast) or remote (unicast), not both"))
    if (s.group !== undefined && !isMulticast(s.group))
      return Effect.fail(invalid("group", `${s.group} is not a multicast address`))
    if (s.remote !== undefined && isMulticast(s.remote))
      return Effect.fail(invalid("remote", `${s.remote} is a multicast address; use group`))
    const peer = s.group ?? s.remote
    if (peer !== undefined && s.local !== undefined && isV6(peer) !== isV6(s.local))
      return Effect.fail(invalid("local", "local and remote/group must be of the same address family"))
    if (s.srcPortRange !== undefined && s.srcPortRange.high < s.srcPortRange.low)
      return Effect.fail(invalid("srcPortRange", "high must not be below low"))
  }
  if ((s.kind === "macvlan" || s.kind === "macvtap") && s.macaddrs !== undefined && s.mode !== "source") {
    return Effect.fail(invalid("macaddrs", 'source addresses need mode "source"'))
  }

  return Effect.void
}

/**
 * Deletes a link, like `ip link del` (a veth pair goes as a whole).
 *
 * @example
 * ```ts
 * yield* Link.remove("veth0")
 * ```
 * @since 0.1.0
 */
export const remove = operation("Link.remove", function* (ref: Ref) {
  const index = yield* linkIndex(ref, "ref")
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
export const set = operation("Link.set", function* (ref: Ref, changes: Changes) {
  const c: Changes = yield* validate(ChangesSchema, changes)
  const index = yield* linkIndex(ref, "ref")
  const { route } = yield* Netlink
  yield* Effect.scoped(
    Effect.gen(function* () {
      const resolved: { master?: number; netns?: ResolvedNamespace } = {}
      if (c.master !== undefined && c.master !== null) resolved.master = yield* linkIndex(c.master, "master")
      if (c.netns !== undefined) resolved.netns = yield* resolveNamespace(c.netns, "netns")
      const msg = yield* checkMessage(setMessage(index, c, resolved))
      yield* route.request(newlink(NLM_F_ACK, msg, c.alias === null), options("link set"))
    })
  )
})

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
