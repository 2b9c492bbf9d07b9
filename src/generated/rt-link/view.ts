/**
 * The view layer of rt-link: the object model's names, types and
 * mappings of the attribute sets with a `view`.
 *
 * Generated from spec/rt-link.yaml by `npm run codegen` (codegen/View.ts). Do not edit.
 */
import * as Schema from "effect/Schema"
import * as P from "../../runtime/Primitives.ts"
import type { AfSpecAttrs, Inet6Attrs, LinkAttrs, LinkinfoAmtAttrs, LinkinfoBareudpAttrs, LinkinfoBatadvAttrs, LinkinfoBondAttrs, LinkinfoBondPortAttrs, LinkinfoBridgeAttrs, LinkinfoBrportAttrs, LinkinfoGeneveAttrs, LinkinfoGreAttrs, LinkinfoGtpAttrs, LinkinfoHsrAttrs, LinkinfoIp6greAttrs, LinkinfoIp6tnlAttrs, LinkinfoIpoibAttrs, LinkinfoIptunAttrs, LinkinfoIpvlanAttrs, LinkinfoMacsecAttrs, LinkinfoMacvlanAttrs, LinkinfoNetkitAttrs, LinkinfoOvpnAttrs, LinkinfoRmnetAttrs, LinkinfoTunAttrs, LinkinfoVlanAttrs, LinkinfoVrfAttrs, LinkinfoVrfPortAttrs, LinkinfoVti6Attrs, LinkinfoVtiAttrs, LinkinfoVxlanAttrs, LinkinfoXfrmAttrs } from "./index.ts"

/** A device by name or ifindex, as a view's device fields take it. */
export const DeviceRef = Schema.Union([P.DeviceName, P.intBetween(P.S32, 1, 0x7fffffff)])

/** The index of a device field: given as a number, or resolved by the engine into `devices`. */
export const deviceIndex = (ref: string | number, field: string, devices: Readonly<Record<string, number>>): number => {
  if (typeof ref === "number") return ref
  const i = devices[field]
  if (i === undefined) throw new Error(`device "${ref}" in ${field} was not resolved`)
  return i
}

const linkGroupWords = { "default": 0 } as const
const linkGroupByNumber: Readonly<Record<number, string>> = { "0": "default" }
const linkLinkmodeNames = { "default": 0, "dormant": 1, "testing": 2 } as const
const linkLinkmodeByNumber: Readonly<Record<number, string>> = { "0": "default", "1": "dormant", "2": "testing" }
/** Input Schema fields of the link view (link-attrs). */
export const LinkFields = {
  /** Hardware (link-layer) address. (IFLA_ADDRESS) */
  address: Schema.optional(P.MacAddress),
  /** Link-layer broadcast address. (IFLA_BROADCAST) */
  broadcast: Schema.optional(P.MacAddress),
  /** MTU in bytes. (IFLA_MTU) */
  mtu: Schema.optional(P.U32),
  /** Ifindex of the master (bridge, bond, vrf); 0 detaches. (IFLA_MASTER) */
  master: Schema.optional(DeviceRef),
  /** Transmit queue length. (IFLA_TXQLEN) */
  txqlen: Schema.optional(P.U32),
  /** Link mode (default or dormant). (IFLA_LINKMODE) */
  linkmode: Schema.optional(Schema.Union([Schema.Literals(["default", "dormant", "testing"]), P.U8])),
  /** Free-form interface alias. (IFLA_IFALIAS) */
  alias: Schema.optional(P.stringMaxBytes(255)),
  /** Device group. (IFLA_GROUP) */
  group: Schema.optional(Schema.Union([Schema.Literals(["default"]), P.U32])),
  /** Number of transmit queues. (IFLA_NUM_TX_QUEUES) */
  numTxQueues: Schema.optional(P.U32),
  /** Number of receive queues. (IFLA_NUM_RX_QUEUES) */
  numRxQueues: Schema.optional(P.U32),
  /** Protocol down state (1 down). (IFLA_PROTO_DOWN) */
  protodown: Schema.optional(Schema.Boolean),
  /** Maximum GSO segment count. (IFLA_GSO_MAX_SEGS) */
  gsoMaxSegs: Schema.optional(P.U32),
  /** Maximum GSO size in bytes. (IFLA_GSO_MAX_SIZE) */
  gsoMaxSize: Schema.optional(P.U32),
  /** Maximum GRO packet size. (IFLA_GRO_MAX_SIZE) */
  groMaxSize: Schema.optional(P.U32),
  /** Maximum GSO size for IPv4. (IFLA_GSO_IPV4_MAX_SIZE) */
  gsoIpv4MaxSize: Schema.optional(P.U32),
  /** Maximum GRO size for IPv4. (IFLA_GRO_IPV4_MAX_SIZE) */
  groIpv4MaxSize: Schema.optional(P.U32),
}
/** The link view's configuration. */
export interface LinkOptions {
  /** Hardware (link-layer) address. (IFLA_ADDRESS) */
  readonly address?: string
  /** Link-layer broadcast address. (IFLA_BROADCAST) */
  readonly broadcast?: string
  /** MTU in bytes. (IFLA_MTU) */
  readonly mtu?: number
  /** Ifindex of the master (bridge, bond, vrf); 0 detaches. (IFLA_MASTER) */
  readonly master?: string | number
  /** Transmit queue length. (IFLA_TXQLEN) */
  readonly txqlen?: number
  /** Link mode (default or dormant). (IFLA_LINKMODE) */
  readonly linkmode?: "default" | "dormant" | "testing" | number
  /** Free-form interface alias. (IFLA_IFALIAS) */
  readonly alias?: string
  /** Device group. (IFLA_GROUP) */
  readonly group?: number | "default"
  /** Number of transmit queues. (IFLA_NUM_TX_QUEUES) */
  readonly numTxQueues?: number
  /** Number of receive queues. (IFLA_NUM_RX_QUEUES) */
  readonly numRxQueues?: number
  /** Protocol down state (1 down). (IFLA_PROTO_DOWN) */
  readonly protodown?: boolean
  /** Maximum GSO segment count. (IFLA_GSO_MAX_SEGS) */
  readonly gsoMaxSegs?: number
  /** Maximum GSO size in bytes. (IFLA_GSO_MAX_SIZE) */
  readonly gsoMaxSize?: number
  /** Maximum GRO packet size. (IFLA_GRO_MAX_SIZE) */
  readonly groMaxSize?: number
  /** Maximum GSO size for IPv4. (IFLA_GSO_IPV4_MAX_SIZE) */
  readonly gsoIpv4MaxSize?: number
  /** Maximum GRO size for IPv4. (IFLA_GRO_IPV4_MAX_SIZE) */
  readonly groIpv4MaxSize?: number
}
/** What the kernel reports by itself in link-attrs. */
export interface LinkStatus {
  /** Name of the root queueing discipline. (IFLA_QDISC) */
  readonly qdisc?: LinkAttrs["qdisc"]
  /** Number of SR-IOV virtual functions. (IFLA_NUM_VF) */
  readonly numVf?: LinkAttrs["numVf"]
  /** Per-VF information (with RTEXT_FILTER_VF), and VF settings. (IFLA_VFINFO_LIST) */
  readonly vfinfoList?: LinkAttrs["vfinfoList"]
  /** Promiscuity count; above 0 means promiscuous. (IFLA_PROMISCUITY) */
  readonly promiscuity?: LinkAttrs["promiscuity"]
  /** Physical port identifier. (IFLA_PHYS_PORT_ID) */
  readonly physPortId?: LinkAttrs["physPortId"]
  /** Number of carrier changes. (IFLA_CARRIER_CHANGES) */
  readonly carrierChanges?: LinkAttrs["carrierChanges"]
  /** Switch identifier. (IFLA_PHYS_SWITCH_ID) */
  readonly physSwitchId?: LinkAttrs["physSwitchId"]
  /** Physical port name. (IFLA_PHYS_PORT_NAME) */
  readonly physPortName?: LinkAttrs["physPortName"]
  /** XDP program state. (IFLA_XDP) */
  readonly xdp?: LinkAttrs["xdp"]
  /** Number of carrier up events. (IFLA_CARRIER_UP_COUNT) */
  readonly carrierUpCount?: LinkAttrs["carrierUpCount"]
  /** Number of carrier down events. (IFLA_CARRIER_DOWN_COUNT) */
  readonly carrierDownCount?: LinkAttrs["carrierDownCount"]
  /** Smallest MTU the device accepts. (IFLA_MIN_MTU) */
  readonly minMtu?: LinkAttrs["minMtu"]
  /** Largest MTU the device accepts. (IFLA_MAX_MTU) */
  readonly maxMtu?: LinkAttrs["maxMtu"]
  /** Link properties (alternative names). (IFLA_PROP_LIST) */
  readonly propList?: LinkAttrs["propList"]
  /** Permanent hardware address. (IFLA_PERM_ADDRESS) */
  readonly permAddress?: LinkAttrs["permAddress"]
  /** Name of the parent device (bus device). (IFLA_PARENT_DEV_NAME) */
  readonly parentDevName?: LinkAttrs["parentDevName"]
  /** Bus of the parent device. (IFLA_PARENT_DEV_BUS_NAME) */
  readonly parentDevBusName?: LinkAttrs["parentDevBusName"]
  /** Maximum TSO size the device supports. (IFLA_TSO_MAX_SIZE) */
  readonly tsoMaxSize?: LinkAttrs["tsoMaxSize"]
  /** Maximum TSO segments the device supports. (IFLA_TSO_MAX_SEGS) */
  readonly tsoMaxSegs?: LinkAttrs["tsoMaxSegs"]
  /** Allmulti count; above 0 means all-multicast. (IFLA_ALLMULTI) */
  readonly allmulti?: LinkAttrs["allmulti"]
  /** EDT offload horizon of the device in ns. (IFLA_MAX_PACING_OFFLOAD_HORIZON) */
  readonly maxPacingOffloadHorizon?: LinkAttrs["maxPacingOffloadHorizon"]
  /** 1 when the link cannot change netns. (IFLA_NETNS_IMMUTABLE) */
  readonly netnsImmutable?: LinkAttrs["netnsImmutable"]
  /** Needed headroom in bytes. (IFLA_HEADROOM) */
  readonly headroom?: LinkAttrs["headroom"]
  /** Needed tailroom in bytes. (IFLA_TAILROOM) */
  readonly tailroom?: LinkAttrs["tailroom"]
}
/** Fields of the link view that name devices. */
export const linkDevices: ReadonlyArray<string> = ["master"]
/** link options → link-attrs (device fields from `devices`, resolved by the engine). */
export const linkToWire = (o: LinkOptions, devices: Readonly<Record<string, number>> = {}): LinkAttrs => {
  const w: { -readonly [K in keyof LinkAttrs]: LinkAttrs[K] } = {}
  if (o.address !== undefined) w.address = o.address
  if (o.broadcast !== undefined) w.broadcast = o.broadcast
  if (o.mtu !== undefined) w.mtu = o.mtu
  if (o.master !== undefined) w.master = deviceIndex(o.master, "master", devices)
  if (o.txqlen !== undefined) w.txqlen = o.txqlen
  if (o.linkmode !== undefined) w.linkMode = typeof o.linkmode === "number" ? o.linkmode : linkLinkmodeNames[o.linkmode]
  if (o.alias !== undefined) w.ifalias = o.alias
  if (o.group !== undefined) {
    w.group = typeof o.group === "number" ? o.group : linkGroupWords[o.group as keyof typeof linkGroupWords]
  }
  if (o.numTxQueues !== undefined) w.numTxQueues = o.numTxQueues
  if (o.numRxQueues !== undefined) w.numRxQueues = o.numRxQueues
  if (o.protodown !== undefined) w.protoDown = o.protodown ? 1 : 0
  if (o.gsoMaxSegs !== undefined) w.gsoMaxSegs = o.gsoMaxSegs
  if (o.gsoMaxSize !== undefined) w.gsoMaxSize = o.gsoMaxSize
  if (o.groMaxSize !== undefined) w.groMaxSize = o.groMaxSize
  if (o.gsoIpv4MaxSize !== undefined) w.gsoIpv4MaxSize = o.gsoIpv4MaxSize
  if (o.groIpv4MaxSize !== undefined) w.groIpv4MaxSize = o.groIpv4MaxSize
  return w
}
/** link-attrs → link options (configuration; device indexes named by `name`), written into `into` when given. */
export const linkFromWire = (a: LinkAttrs, name: (index: number) => string | number = (i) => i, into?: object): LinkOptions => {
  const o: { -readonly [K in keyof LinkOptions]?: LinkOptions[K] } = into ?? {}
  if (a.address !== undefined) o.address = a.address
  if (a.broadcast !== undefined) o.broadcast = a.broadcast
  if (a.mtu !== undefined) o.mtu = a.mtu
  if (a.master !== undefined && a.master !== 0) o.master = name(a.master)
  if (a.txqlen !== undefined) o.txqlen = a.txqlen
  if (a.linkMode !== undefined) o.linkmode = (linkLinkmodeByNumber[a.linkMode] ?? a.linkMode) as any
  if (a.ifalias !== undefined) o.alias = a.ifalias
  if (a.group !== undefined) o.group = (linkGroupByNumber[a.group] ?? a.group) as any
  if (a.numTxQueues !== undefined) o.numTxQueues = a.numTxQueues
  if (a.numRxQueues !== undefined) o.numRxQueues = a.numRxQueues
  if (a.protoDown !== undefined) o.protodown = a.protoDown !== 0
  if (a.gsoMaxSegs !== undefined) o.gsoMaxSegs = a.gsoMaxSegs
  if (a.gsoMaxSize !== undefined) o.gsoMaxSize = a.gsoMaxSize
  if (a.groMaxSize !== undefined) o.groMaxSize = a.groMaxSize
  if (a.gsoIpv4MaxSize !== undefined) o.gsoIpv4MaxSize = a.gsoIpv4MaxSize
  if (a.groIpv4MaxSize !== undefined) o.groIpv4MaxSize = a.groIpv4MaxSize
  return o as LinkOptions
}
/** The status fields of the link view and the link-attrs field each reads. */
export const linkStatusFields: Readonly<Record<string, keyof LinkAttrs>> = { "qdisc": "qdisc", "numVf": "numVf", "vfinfoList": "vfinfoList", "promiscuity": "promiscuity", "physPortId": "physPortId", "carrierChanges": "carrierChanges", "physSwitchId": "physSwitchId", "physPortName": "physPortName", "xdp": "xdp", "carrierUpCount": "carrierUpCount", "carrierDownCount": "carrierDownCount", "minMtu": "minMtu", "maxMtu": "maxMtu", "propList": "propList", "permAddress": "permAddress", "parentDevName": "parentDevName", "parentDevBusName": "parentDevBusName", "tsoMaxSize": "tsoMaxSize", "tsoMaxSegs": "tsoMaxSegs", "allmulti": "allmulti", "maxPacingOffloadHorizon": "maxPacingOffloadHorizon", "netnsImmutable": "netnsImmutable", "headroom": "headroom", "tailroom": "tailroom" }
/** The status attributes of link-attrs, or undefined when there are none. */
export const linkStatusFromWire = (a: LinkAttrs): LinkStatus | undefined => {
  let s: { -readonly [K in keyof LinkStatus]: LinkStatus[K] } | undefined
  if (a.qdisc !== undefined) (s ??= {}).qdisc = a.qdisc
  if (a.numVf !== undefined) (s ??= {}).numVf = a.numVf
  if (a.vfinfoList !== undefined) (s ??= {}).vfinfoList = a.vfinfoList
  if (a.promiscuity !== undefined) (s ??= {}).promiscuity = a.promiscuity
  if (a.physPortId !== undefined) (s ??= {}).physPortId = a.physPortId
  if (a.carrierChanges !== undefined) (s ??= {}).carrierChanges = a.carrierChanges
  if (a.physSwitchId !== undefined) (s ??= {}).physSwitchId = a.physSwitchId
  if (a.physPortName !== undefined) (s ??= {}).physPortName = a.physPortName
  if (a.xdp !== undefined) (s ??= {}).xdp = a.xdp
  if (a.carrierUpCount !== undefined) (s ??= {}).carrierUpCount = a.carrierUpCount
  if (a.carrierDownCount !== undefined) (s ??= {}).carrierDownCount = a.carrierDownCount
  if (a.minMtu !== undefined) (s ??= {}).minMtu = a.minMtu
  if (a.maxMtu !== undefined) (s ??= {}).maxMtu = a.maxMtu
  if (a.propList !== undefined) (s ??= {}).propList = a.propList
  if (a.permAddress !== undefined) (s ??= {}).permAddress = a.permAddress
  if (a.parentDevName !== undefined) (s ??= {}).parentDevName = a.parentDevName
  if (a.parentDevBusName !== undefined) (s ??= {}).parentDevBusName = a.parentDevBusName
  if (a.tsoMaxSize !== undefined) (s ??= {}).tsoMaxSize = a.tsoMaxSize
  if (a.tsoMaxSegs !== undefined) (s ??= {}).tsoMaxSegs = a.tsoMaxSegs
  if (a.allmulti !== undefined) (s ??= {}).allmulti = a.allmulti
  if (a.maxPacingOffloadHorizon !== undefined) (s ??= {}).maxPacingOffloadHorizon = a.maxPacingOffloadHorizon
  if (a.netnsImmutable !== undefined) (s ??= {}).netnsImmutable = a.netnsImmutable
  if (a.headroom !== undefined) (s ??= {}).headroom = a.headroom
  if (a.tailroom !== undefined) (s ??= {}).tailroom = a.tailroom
  return s
}
/** The kernel's defaults of the link view, for canonical forms. */
export const linkDefaults: Partial<LinkOptions> = {
  linkmode: "default",
  group: "default",
  protodown: false,
}
/** Options of the link view without a known default: compared only when both sides give them. */
export const linkKernelChosen: ReadonlyArray<string> = ["address", "broadcast", "mtu", "txqlen", "numTxQueues", "numRxQueues", "gsoMaxSegs", "gsoMaxSize", "groMaxSize", "gsoIpv4MaxSize", "groIpv4MaxSize"]
/** link options with the kernel's defaults filled in and enum numbers named. */
export const linkCanonical = (o: LinkOptions): LinkOptions => {
  const c: any = { ...linkDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.group === "number") c.group = linkGroupByNumber[c.group] ?? c.group
  if (typeof c.linkmode === "number") c.linkmode = linkLinkmodeByNumber[c.linkmode] ?? c.linkmode
  return c
}
/** Input Schema fields of the af-spec view (af-spec-attrs). */
export const AfSpecFields = {
}
/** The af-spec view's configuration. */
export interface AfSpecOptions {
}
/** What the kernel reports by itself in af-spec-attrs. */
export interface AfSpecStatus {
}
/** Fields of the af-spec view that name devices. */
export const afSpecDevices: ReadonlyArray<string> = []
/** af-spec options → af-spec-attrs (device fields from `devices`, resolved by the engine). */
export const afSpecToWire = (o: AfSpecOptions, devices: Readonly<Record<string, number>> = {}): AfSpecAttrs => {
  const w: { -readonly [K in keyof AfSpecAttrs]: AfSpecAttrs[K] } = {}
  void devices
  return w
}
/** af-spec-attrs → af-spec options (configuration; device indexes named by `name`), written into `into` when given. */
export const afSpecFromWire = (a: AfSpecAttrs, name: (index: number) => string | number = (i) => i, into?: object): AfSpecOptions => {
  const o: { -readonly [K in keyof AfSpecOptions]?: AfSpecOptions[K] } = into ?? {}
  void name
  return o as AfSpecOptions
}
/** The status fields of the af-spec view and the af-spec-attrs field each reads. */
export const afSpecStatusFields: Readonly<Record<string, keyof AfSpecAttrs>> = {}
/** The status attributes of af-spec-attrs, or undefined when there are none. */
export const afSpecStatusFromWire = (a: AfSpecAttrs): AfSpecStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the af-spec view, for canonical forms. */
export const afSpecDefaults: Partial<AfSpecOptions> = {
}
/** Options of the af-spec view without a known default: compared only when both sides give them. */
export const afSpecKernelChosen: ReadonlyArray<string> = []
/** af-spec options with the kernel's defaults filled in and enum numbers named. */
export const afSpecCanonical = (o: AfSpecOptions): AfSpecOptions => {
  const c: any = { ...afSpecDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
const inet6AddrgenmodeNames = { "eui64": 0, "none": 1, "stable_secret": 2, "random": 3 } as const
const inet6AddrgenmodeByNumber: Readonly<Record<number, string>> = { "0": "eui64", "1": "none", "2": "stable_secret", "3": "random" }
/** Input Schema fields of the inet6 view (inet6-attrs). */
export const Inet6Fields = {
  /** Interface identifier token (`ip token`); :: is none. (IFLA_INET6_TOKEN) */
  token: Schema.optional(P.IPv6),
  /** How link-local addresses are generated. (IFLA_INET6_ADDR_GEN_MODE) */
  addrgenmode: Schema.optional(Schema.Union([Schema.Literals(["eui64", "none", "stable_secret", "random"]), P.intBetween(P.U8, 0, 3)])),
}
/** The inet6 view's configuration. */
export interface Inet6Options {
  /** Interface identifier token (`ip token`); :: is none. (IFLA_INET6_TOKEN) */
  readonly token?: string
  /** How link-local addresses are generated. (IFLA_INET6_ADDR_GEN_MODE) */
  readonly addrgenmode?: "eui64" | "none" | "stable_secret" | "random" | number
}
/** What the kernel reports by itself in inet6-attrs. */
export interface Inet6Status {
  /** IPv6 device flags (IF_RA_*, IF_READY). (IFLA_INET6_FLAGS) */
  readonly flags?: Inet6Attrs["flags"]
  /** MTU announced in router advertisements. (IFLA_INET6_RA_MTU) */
  readonly raMtu?: Inet6Attrs["raMtu"]
}
/** Fields of the inet6 view that name devices. */
export const inet6Devices: ReadonlyArray<string> = []
/** inet6 options → inet6-attrs (device fields from `devices`, resolved by the engine). */
export const inet6ToWire = (o: Inet6Options, devices: Readonly<Record<string, number>> = {}): Inet6Attrs => {
  const w: { -readonly [K in keyof Inet6Attrs]: Inet6Attrs[K] } = {}
  void devices
  if (o.token !== undefined) w.token = o.token
  if (o.addrgenmode !== undefined) w.addrGenMode = typeof o.addrgenmode === "number" ? o.addrgenmode : inet6AddrgenmodeNames[o.addrgenmode]
  return w
}
/** inet6-attrs → inet6 options (configuration; device indexes named by `name`), written into `into` when given. */
export const inet6FromWire = (a: Inet6Attrs, name: (index: number) => string | number = (i) => i, into?: object): Inet6Options => {
  const o: { -readonly [K in keyof Inet6Options]?: Inet6Options[K] } = into ?? {}
  void name
  if (a.token !== undefined) o.token = a.token
  if (a.addrGenMode !== undefined) o.addrgenmode = (inet6AddrgenmodeByNumber[a.addrGenMode] ?? a.addrGenMode) as any
  return o as Inet6Options
}
/** The status fields of the inet6 view and the inet6-attrs field each reads. */
export const inet6StatusFields: Readonly<Record<string, keyof Inet6Attrs>> = { "flags": "flags", "raMtu": "raMtu" }
/** The status attributes of inet6-attrs, or undefined when there are none. */
export const inet6StatusFromWire = (a: Inet6Attrs): Inet6Status | undefined => {
  let s: { -readonly [K in keyof Inet6Status]: Inet6Status[K] } | undefined
  if (a.flags !== undefined) (s ??= {}).flags = a.flags
  if (a.raMtu !== undefined) (s ??= {}).raMtu = a.raMtu
  return s
}
/** The kernel's defaults of the inet6 view, for canonical forms. */
export const inet6Defaults: Partial<Inet6Options> = {
  token: "::",
}
/** Options of the inet6 view without a known default: compared only when both sides give them. */
export const inet6KernelChosen: ReadonlyArray<string> = ["addrgenmode"]
/** inet6 options with the kernel's defaults filled in and enum numbers named. */
export const inet6Canonical = (o: Inet6Options): Inet6Options => {
  const c: any = { ...inet6Defaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.addrgenmode === "number") c.addrgenmode = inet6AddrgenmodeByNumber[c.addrgenmode] ?? c.addrgenmode
  return c
}
const bridgeVlanProtocolNames = { "802.1Q": 33024, "802.1ad": 34984 } as const
const bridgeVlanProtocolByNumber: Readonly<Record<number, string>> = { "33024": "802.1Q", "34984": "802.1ad" }
const bridgeStpModeNames = { "auto": 0, "user": 1, "kernel": 2 } as const
const bridgeStpModeByNumber: Readonly<Record<number, string>> = { "0": "auto", "1": "user", "2": "kernel" }
/** Input Schema fields of the bridge view (linkinfo-bridge-attrs). */
export const BridgeFields = {
  /** Forward delay in centiseconds (USER_HZ). Unit: centiseconds. (IFLA_BR_FORWARD_DELAY) */
  forwardDelay: Schema.optional(P.U32),
  /** Hello time in centiseconds. Unit: centiseconds. (IFLA_BR_HELLO_TIME) */
  helloTime: Schema.optional(P.U32),
  /** Max message age in centiseconds. Unit: centiseconds. (IFLA_BR_MAX_AGE) */
  maxAge: Schema.optional(P.U32),
  /** FDB ageing time in centiseconds. Unit: centiseconds. (IFLA_BR_AGEING_TIME) */
  ageingTime: Schema.optional(P.U32),
  /** STP on (non-zero) or off. (IFLA_BR_STP_STATE) */
  stpState: Schema.optional(Schema.Boolean),
  /** Bridge priority for root election. (IFLA_BR_PRIORITY) */
  priority: Schema.optional(P.U16),
  /** VLAN filtering on (1) or off. (IFLA_BR_VLAN_FILTERING) */
  vlanFiltering: Schema.optional(Schema.Boolean),
  /** VLAN protocol (802.1Q or 802.1ad). (IFLA_BR_VLAN_PROTOCOL) */
  vlanProtocol: Schema.optional(Schema.Union([Schema.Literals(["802.1Q", "802.1ad"]), P.U16])),
  /** Link-local groups to forward (bit per 01:80:c2:00:00:0X). (IFLA_BR_GROUP_FWD_MASK) */
  groupFwdMask: Schema.optional(P.U16),
  /** STP group address. (IFLA_BR_GROUP_ADDR) */
  groupAddress: Schema.optional(P.MacAddress),
  /** Multicast router mode (0 off, 1 auto, 2 on). (IFLA_BR_MCAST_ROUTER) */
  multicastRouter: Schema.optional(P.intBetween(P.U8, 0, 2)),
  /** Multicast snooping on (1) or off. (IFLA_BR_MCAST_SNOOPING) */
  multicastSnooping: Schema.optional(Schema.Boolean),
  /** Use the bridge's address as query source. (IFLA_BR_MCAST_QUERY_USE_IFADDR) */
  multicastQueryUseIfaddr: Schema.optional(Schema.Boolean),
  /** Send multicast queries. (IFLA_BR_MCAST_QUERIER) */
  multicastQuerier: Schema.optional(Schema.Boolean),
  /** Size of the multicast group table. (IFLA_BR_MCAST_HASH_MAX) */
  multicastHashMax: Schema.optional(P.U32),
  /** Last member query count. (IFLA_BR_MCAST_LAST_MEMBER_CNT) */
  multicastLastMemberCount: Schema.optional(P.U32),
  /** Startup query count. (IFLA_BR_MCAST_STARTUP_QUERY_CNT) */
  multicastStartupQueryCount: Schema.optional(P.U32),
  /** Last member query interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_LAST_MEMBER_INTVL) */
  multicastLastMemberInterval: Schema.optional(P.U64),
  /** Group membership interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_MEMBERSHIP_INTVL) */
  multicastMembershipInterval: Schema.optional(P.U64),
  /** Other querier present interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_QUERIER_INTVL) */
  multicastQuerierInterval: Schema.optional(P.U64),
  /** General query interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_QUERY_INTVL) */
  multicastQueryInterval: Schema.optional(P.U64),
  /** Query max response time (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_QUERY_RESPONSE_INTVL) */
  multicastQueryResponseInterval: Schema.optional(P.U64),
  /** Startup query interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_STARTUP_QUERY_INTVL) */
  multicastStartupQueryInterval: Schema.optional(P.U64),
  /** Pass bridged IPv4 through iptables. (IFLA_BR_NF_CALL_IPTABLES) */
  nfCallIptables: Schema.optional(Schema.Boolean),
  /** Pass bridged IPv6 through ip6tables. (IFLA_BR_NF_CALL_IP6TABLES) */
  nfCallIp6tables: Schema.optional(Schema.Boolean),
  /** Pass bridged ARP through arptables. (IFLA_BR_NF_CALL_ARPTABLES) */
  nfCallArptables: Schema.optional(Schema.Boolean),
  /** Default PVID of new ports; 0 means none. (IFLA_BR_VLAN_DEFAULT_PVID) */
  vlanDefaultPvid: Schema.optional(P.intBetween(P.U16, 0, 4094)),
  /** Per-VLAN statistics. (IFLA_BR_VLAN_STATS_ENABLED) */
  vlanStatsEnabled: Schema.optional(Schema.Boolean),
  /** Multicast (IGMP/MLD) statistics. (IFLA_BR_MCAST_STATS_ENABLED) */
  multicastStatsEnabled: Schema.optional(Schema.Boolean),
  /** IGMP version of queries. (IFLA_BR_MCAST_IGMP_VERSION) */
  multicastIgmpVersion: Schema.optional(P.intBetween(P.U8, 2, 3)),
  /** MLD version of queries. (IFLA_BR_MCAST_MLD_VERSION) */
  multicastMldVersion: Schema.optional(P.intBetween(P.U8, 1, 2)),
  /** Per-VLAN per-port statistics. (IFLA_BR_VLAN_STATS_PER_PORT) */
  vlanStatsPerPort: Schema.optional(Schema.Boolean),
  /** Limit of learned FDB entries; 0 means no limit. (IFLA_BR_FDB_MAX_LEARNED) */
  fdbMaxLearned: Schema.optional(P.U32),
  /** Whether STP runs in the kernel or userspace. (IFLA_BR_STP_MODE) */
  stpMode: Schema.optional(Schema.Union([Schema.Literals(["auto", "user", "kernel"]), P.U32])),
}
/** The bridge view's configuration. */
export interface BridgeOptions {
  /** Forward delay in centiseconds (USER_HZ). Unit: centiseconds. (IFLA_BR_FORWARD_DELAY) */
  readonly forwardDelay?: number
  /** Hello time in centiseconds. Unit: centiseconds. (IFLA_BR_HELLO_TIME) */
  readonly helloTime?: number
  /** Max message age in centiseconds. Unit: centiseconds. (IFLA_BR_MAX_AGE) */
  readonly maxAge?: number
  /** FDB ageing time in centiseconds. Unit: centiseconds. (IFLA_BR_AGEING_TIME) */
  readonly ageingTime?: number
  /** STP on (non-zero) or off. (IFLA_BR_STP_STATE) */
  readonly stpState?: boolean
  /** Bridge priority for root election. (IFLA_BR_PRIORITY) */
  readonly priority?: number
  /** VLAN filtering on (1) or off. (IFLA_BR_VLAN_FILTERING) */
  readonly vlanFiltering?: boolean
  /** VLAN protocol (802.1Q or 802.1ad). (IFLA_BR_VLAN_PROTOCOL) */
  readonly vlanProtocol?: "802.1Q" | "802.1ad" | number
  /** Link-local groups to forward (bit per 01:80:c2:00:00:0X). (IFLA_BR_GROUP_FWD_MASK) */
  readonly groupFwdMask?: number
  /** STP group address. (IFLA_BR_GROUP_ADDR) */
  readonly groupAddress?: string
  /** Multicast router mode (0 off, 1 auto, 2 on). (IFLA_BR_MCAST_ROUTER) */
  readonly multicastRouter?: number
  /** Multicast snooping on (1) or off. (IFLA_BR_MCAST_SNOOPING) */
  readonly multicastSnooping?: boolean
  /** Use the bridge's address as query source. (IFLA_BR_MCAST_QUERY_USE_IFADDR) */
  readonly multicastQueryUseIfaddr?: boolean
  /** Send multicast queries. (IFLA_BR_MCAST_QUERIER) */
  readonly multicastQuerier?: boolean
  /** Size of the multicast group table. (IFLA_BR_MCAST_HASH_MAX) */
  readonly multicastHashMax?: number
  /** Last member query count. (IFLA_BR_MCAST_LAST_MEMBER_CNT) */
  readonly multicastLastMemberCount?: number
  /** Startup query count. (IFLA_BR_MCAST_STARTUP_QUERY_CNT) */
  readonly multicastStartupQueryCount?: number
  /** Last member query interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_LAST_MEMBER_INTVL) */
  readonly multicastLastMemberInterval?: bigint
  /** Group membership interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_MEMBERSHIP_INTVL) */
  readonly multicastMembershipInterval?: bigint
  /** Other querier present interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_QUERIER_INTVL) */
  readonly multicastQuerierInterval?: bigint
  /** General query interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_QUERY_INTVL) */
  readonly multicastQueryInterval?: bigint
  /** Query max response time (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_QUERY_RESPONSE_INTVL) */
  readonly multicastQueryResponseInterval?: bigint
  /** Startup query interval (centiseconds). Unit: centiseconds. (IFLA_BR_MCAST_STARTUP_QUERY_INTVL) */
  readonly multicastStartupQueryInterval?: bigint
  /** Pass bridged IPv4 through iptables. (IFLA_BR_NF_CALL_IPTABLES) */
  readonly nfCallIptables?: boolean
  /** Pass bridged IPv6 through ip6tables. (IFLA_BR_NF_CALL_IP6TABLES) */
  readonly nfCallIp6tables?: boolean
  /** Pass bridged ARP through arptables. (IFLA_BR_NF_CALL_ARPTABLES) */
  readonly nfCallArptables?: boolean
  /** Default PVID of new ports; 0 means none. (IFLA_BR_VLAN_DEFAULT_PVID) */
  readonly vlanDefaultPvid?: number
  /** Per-VLAN statistics. (IFLA_BR_VLAN_STATS_ENABLED) */
  readonly vlanStatsEnabled?: boolean
  /** Multicast (IGMP/MLD) statistics. (IFLA_BR_MCAST_STATS_ENABLED) */
  readonly multicastStatsEnabled?: boolean
  /** IGMP version of queries. (IFLA_BR_MCAST_IGMP_VERSION) */
  readonly multicastIgmpVersion?: number
  /** MLD version of queries. (IFLA_BR_MCAST_MLD_VERSION) */
  readonly multicastMldVersion?: number
  /** Per-VLAN per-port statistics. (IFLA_BR_VLAN_STATS_PER_PORT) */
  readonly vlanStatsPerPort?: boolean
  /** Limit of learned FDB entries; 0 means no limit. (IFLA_BR_FDB_MAX_LEARNED) */
  readonly fdbMaxLearned?: number
  /** Whether STP runs in the kernel or userspace. (IFLA_BR_STP_MODE) */
  readonly stpMode?: "auto" | "user" | "kernel" | number
}
/** What the kernel reports by itself in linkinfo-bridge-attrs. */
export interface BridgeStatus {
  /** Root bridge id. (IFLA_BR_ROOT_ID) */
  readonly rootId?: LinkinfoBridgeAttrs["rootId"]
  /** This bridge's id. (IFLA_BR_BRIDGE_ID) */
  readonly bridgeId?: LinkinfoBridgeAttrs["bridgeId"]
  /** Root port number. (IFLA_BR_ROOT_PORT) */
  readonly rootPort?: LinkinfoBridgeAttrs["rootPort"]
  /** Path cost to the root. (IFLA_BR_ROOT_PATH_COST) */
  readonly rootPathCost?: LinkinfoBridgeAttrs["rootPathCost"]
  /** Topology change flag. (IFLA_BR_TOPOLOGY_CHANGE) */
  readonly topologyChange?: LinkinfoBridgeAttrs["topologyChange"]
  /** Topology change detected flag. (IFLA_BR_TOPOLOGY_CHANGE_DETECTED) */
  readonly topologyChangeDetected?: LinkinfoBridgeAttrs["topologyChangeDetected"]
  /** Hello timer in centiseconds. Unit: centiseconds. (IFLA_BR_HELLO_TIMER) */
  readonly helloTimer?: LinkinfoBridgeAttrs["helloTimer"]
  /** Topology change notification timer. Unit: centiseconds. (IFLA_BR_TCN_TIMER) */
  readonly tcnTimer?: LinkinfoBridgeAttrs["tcnTimer"]
  /** Topology change timer. Unit: centiseconds. (IFLA_BR_TOPOLOGY_CHANGE_TIMER) */
  readonly topologyChangeTimer?: LinkinfoBridgeAttrs["topologyChangeTimer"]
  /** FDB garbage collection timer. Unit: centiseconds. (IFLA_BR_GC_TIMER) */
  readonly gcTimer?: LinkinfoBridgeAttrs["gcTimer"]
  /** Deprecated; always 16. (IFLA_BR_MCAST_HASH_ELASTICITY) */
  readonly mcastHashElasticity?: LinkinfoBridgeAttrs["mcastHashElasticity"]
  /** Nested querier state (kept raw). (IFLA_BR_MCAST_QUERIER_STATE) */
  readonly mcastQuerierState?: LinkinfoBridgeAttrs["mcastQuerierState"]
  /** Number of learned FDB entries. (IFLA_BR_FDB_N_LEARNED) */
  readonly fdbNLearned?: LinkinfoBridgeAttrs["fdbNLearned"]
}
/** Fields of the bridge view that name devices. */
export const bridgeDevices: ReadonlyArray<string> = []
/** bridge options → linkinfo-bridge-attrs (device fields from `devices`, resolved by the engine). */
export const bridgeToWire = (o: BridgeOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoBridgeAttrs => {
  const w: { -readonly [K in keyof LinkinfoBridgeAttrs]: LinkinfoBridgeAttrs[K] } = {}
  void devices
  if (o.forwardDelay !== undefined) w.forwardDelay = o.forwardDelay
  if (o.helloTime !== undefined) w.helloTime = o.helloTime
  if (o.maxAge !== undefined) w.maxAge = o.maxAge
  if (o.ageingTime !== undefined) w.ageingTime = o.ageingTime
  if (o.stpState !== undefined) w.stpState = o.stpState ? 1 : 0
  if (o.priority !== undefined) w.priority = o.priority
  if (o.vlanFiltering !== undefined) w.vlanFiltering = o.vlanFiltering ? 1 : 0
  if (o.vlanProtocol !== undefined) w.vlanProtocol = typeof o.vlanProtocol === "number" ? o.vlanProtocol : bridgeVlanProtocolNames[o.vlanProtocol]
  if (o.groupFwdMask !== undefined) w.groupFwdMask = o.groupFwdMask
  if (o.groupAddress !== undefined) w.groupAddr = o.groupAddress
  if (o.multicastRouter !== undefined) w.mcastRouter = o.multicastRouter
  if (o.multicastSnooping !== undefined) w.mcastSnooping = o.multicastSnooping ? 1 : 0
  if (o.multicastQueryUseIfaddr !== undefined) w.mcastQueryUseIfaddr = o.multicastQueryUseIfaddr ? 1 : 0
  if (o.multicastQuerier !== undefined) w.mcastQuerier = o.multicastQuerier ? 1 : 0
  if (o.multicastHashMax !== undefined) w.mcastHashMax = o.multicastHashMax
  if (o.multicastLastMemberCount !== undefined) w.mcastLastMemberCnt = o.multicastLastMemberCount
  if (o.multicastStartupQueryCount !== undefined) w.mcastStartupQueryCnt = o.multicastStartupQueryCount
  if (o.multicastLastMemberInterval !== undefined) w.mcastLastMemberIntvl = o.multicastLastMemberInterval
  if (o.multicastMembershipInterval !== undefined) w.mcastMembershipIntvl = o.multicastMembershipInterval
  if (o.multicastQuerierInterval !== undefined) w.mcastQuerierIntvl = o.multicastQuerierInterval
  if (o.multicastQueryInterval !== undefined) w.mcastQueryIntvl = o.multicastQueryInterval
  if (o.multicastQueryResponseInterval !== undefined) w.mcastQueryResponseIntvl = o.multicastQueryResponseInterval
  if (o.multicastStartupQueryInterval !== undefined) w.mcastStartupQueryIntvl = o.multicastStartupQueryInterval
  if (o.nfCallIptables !== undefined) w.nfCallIptables = o.nfCallIptables ? 1 : 0
  if (o.nfCallIp6tables !== undefined) w.nfCallIp6tables = o.nfCallIp6tables ? 1 : 0
  if (o.nfCallArptables !== undefined) w.nfCallArptables = o.nfCallArptables ? 1 : 0
  if (o.vlanDefaultPvid !== undefined) w.vlanDefaultPvid = o.vlanDefaultPvid
  if (o.vlanStatsEnabled !== undefined) w.vlanStatsEnabled = o.vlanStatsEnabled ? 1 : 0
  if (o.multicastStatsEnabled !== undefined) w.mcastStatsEnabled = o.multicastStatsEnabled ? 1 : 0
  if (o.multicastIgmpVersion !== undefined) w.mcastIgmpVersion = o.multicastIgmpVersion
  if (o.multicastMldVersion !== undefined) w.mcastMldVersion = o.multicastMldVersion
  if (o.vlanStatsPerPort !== undefined) w.vlanStatsPerPort = o.vlanStatsPerPort ? 1 : 0
  if (o.fdbMaxLearned !== undefined) w.fdbMaxLearned = o.fdbMaxLearned
  if (o.stpMode !== undefined) w.stpMode = typeof o.stpMode === "number" ? o.stpMode : bridgeStpModeNames[o.stpMode]
  return w
}
/** linkinfo-bridge-attrs → bridge options (configuration; device indexes named by `name`), written into `into` when given. */
export const bridgeFromWire = (a: LinkinfoBridgeAttrs, name: (index: number) => string | number = (i) => i, into?: object): BridgeOptions => {
  const o: { -readonly [K in keyof BridgeOptions]?: BridgeOptions[K] } = into ?? {}
  void name
  if (a.forwardDelay !== undefined) o.forwardDelay = a.forwardDelay
  if (a.helloTime !== undefined) o.helloTime = a.helloTime
  if (a.maxAge !== undefined) o.maxAge = a.maxAge
  if (a.ageingTime !== undefined) o.ageingTime = a.ageingTime
  if (a.stpState !== undefined) o.stpState = a.stpState !== 0
  if (a.priority !== undefined) o.priority = a.priority
  if (a.vlanFiltering !== undefined) o.vlanFiltering = a.vlanFiltering !== 0
  if (a.vlanProtocol !== undefined) o.vlanProtocol = (bridgeVlanProtocolByNumber[a.vlanProtocol] ?? a.vlanProtocol) as any
  if (a.groupFwdMask !== undefined) o.groupFwdMask = a.groupFwdMask
  if (a.groupAddr !== undefined) o.groupAddress = a.groupAddr
  if (a.mcastRouter !== undefined) o.multicastRouter = a.mcastRouter
  if (a.mcastSnooping !== undefined) o.multicastSnooping = a.mcastSnooping !== 0
  if (a.mcastQueryUseIfaddr !== undefined) o.multicastQueryUseIfaddr = a.mcastQueryUseIfaddr !== 0
  if (a.mcastQuerier !== undefined) o.multicastQuerier = a.mcastQuerier !== 0
  if (a.mcastHashMax !== undefined) o.multicastHashMax = a.mcastHashMax
  if (a.mcastLastMemberCnt !== undefined) o.multicastLastMemberCount = a.mcastLastMemberCnt
  if (a.mcastStartupQueryCnt !== undefined) o.multicastStartupQueryCount = a.mcastStartupQueryCnt
  if (a.mcastLastMemberIntvl !== undefined) o.multicastLastMemberInterval = a.mcastLastMemberIntvl
  if (a.mcastMembershipIntvl !== undefined) o.multicastMembershipInterval = a.mcastMembershipIntvl
  if (a.mcastQuerierIntvl !== undefined) o.multicastQuerierInterval = a.mcastQuerierIntvl
  if (a.mcastQueryIntvl !== undefined) o.multicastQueryInterval = a.mcastQueryIntvl
  if (a.mcastQueryResponseIntvl !== undefined) o.multicastQueryResponseInterval = a.mcastQueryResponseIntvl
  if (a.mcastStartupQueryIntvl !== undefined) o.multicastStartupQueryInterval = a.mcastStartupQueryIntvl
  if (a.nfCallIptables !== undefined) o.nfCallIptables = a.nfCallIptables !== 0
  if (a.nfCallIp6tables !== undefined) o.nfCallIp6tables = a.nfCallIp6tables !== 0
  if (a.nfCallArptables !== undefined) o.nfCallArptables = a.nfCallArptables !== 0
  if (a.vlanDefaultPvid !== undefined) o.vlanDefaultPvid = a.vlanDefaultPvid
  if (a.vlanStatsEnabled !== undefined) o.vlanStatsEnabled = a.vlanStatsEnabled !== 0
  if (a.mcastStatsEnabled !== undefined) o.multicastStatsEnabled = a.mcastStatsEnabled !== 0
  if (a.mcastIgmpVersion !== undefined) o.multicastIgmpVersion = a.mcastIgmpVersion
  if (a.mcastMldVersion !== undefined) o.multicastMldVersion = a.mcastMldVersion
  if (a.vlanStatsPerPort !== undefined) o.vlanStatsPerPort = a.vlanStatsPerPort !== 0
  if (a.fdbMaxLearned !== undefined) o.fdbMaxLearned = a.fdbMaxLearned
  if (a.stpMode !== undefined) o.stpMode = (bridgeStpModeByNumber[a.stpMode] ?? a.stpMode) as any
  return o as BridgeOptions
}
/** The status fields of the bridge view and the linkinfo-bridge-attrs field each reads. */
export const bridgeStatusFields: Readonly<Record<string, keyof LinkinfoBridgeAttrs>> = { "rootId": "rootId", "bridgeId": "bridgeId", "rootPort": "rootPort", "rootPathCost": "rootPathCost", "topologyChange": "topologyChange", "topologyChangeDetected": "topologyChangeDetected", "helloTimer": "helloTimer", "tcnTimer": "tcnTimer", "topologyChangeTimer": "topologyChangeTimer", "gcTimer": "gcTimer", "mcastHashElasticity": "mcastHashElasticity", "mcastQuerierState": "mcastQuerierState", "fdbNLearned": "fdbNLearned" }
/** The status attributes of linkinfo-bridge-attrs, or undefined when there are none. */
export const bridgeStatusFromWire = (a: LinkinfoBridgeAttrs): BridgeStatus | undefined => {
  let s: { -readonly [K in keyof BridgeStatus]: BridgeStatus[K] } | undefined
  if (a.rootId !== undefined) (s ??= {}).rootId = a.rootId
  if (a.bridgeId !== undefined) (s ??= {}).bridgeId = a.bridgeId
  if (a.rootPort !== undefined) (s ??= {}).rootPort = a.rootPort
  if (a.rootPathCost !== undefined) (s ??= {}).rootPathCost = a.rootPathCost
  if (a.topologyChange !== undefined) (s ??= {}).topologyChange = a.topologyChange
  if (a.topologyChangeDetected !== undefined) (s ??= {}).topologyChangeDetected = a.topologyChangeDetected
  if (a.helloTimer !== undefined) (s ??= {}).helloTimer = a.helloTimer
  if (a.tcnTimer !== undefined) (s ??= {}).tcnTimer = a.tcnTimer
  if (a.topologyChangeTimer !== undefined) (s ??= {}).topologyChangeTimer = a.topologyChangeTimer
  if (a.gcTimer !== undefined) (s ??= {}).gcTimer = a.gcTimer
  if (a.mcastHashElasticity !== undefined) (s ??= {}).mcastHashElasticity = a.mcastHashElasticity
  if (a.mcastQuerierState !== undefined) (s ??= {}).mcastQuerierState = a.mcastQuerierState
  if (a.fdbNLearned !== undefined) (s ??= {}).fdbNLearned = a.fdbNLearned
  return s
}
/** The kernel's defaults of the bridge view, for canonical forms. */
export const bridgeDefaults: Partial<BridgeOptions> = {
  forwardDelay: 1500,
  helloTime: 200,
  maxAge: 2000,
  ageingTime: 30000,
  stpState: false,
  priority: 32768,
  vlanFiltering: false,
  vlanProtocol: "802.1Q",
  groupFwdMask: 0,
  groupAddress: "01:80:c2:00:00:00",
  multicastRouter: 1,
  multicastSnooping: true,
  multicastQueryUseIfaddr: false,
  multicastQuerier: false,
  multicastHashMax: 4096,
  multicastLastMemberCount: 2,
  multicastStartupQueryCount: 2,
  multicastLastMemberInterval: 100n,
  multicastMembershipInterval: 26000n,
  multicastQuerierInterval: 25500n,
  multicastQueryInterval: 12500n,
  multicastQueryResponseInterval: 1000n,
  nfCallIptables: false,
  nfCallIp6tables: false,
  nfCallArptables: false,
  vlanDefaultPvid: 1,
  vlanStatsEnabled: false,
  multicastStatsEnabled: false,
  multicastIgmpVersion: 2,
  multicastMldVersion: 1,
  vlanStatsPerPort: false,
  fdbMaxLearned: 0,
  stpMode: "auto",
}
/** Options of the bridge view without a known default: compared only when both sides give them. */
export const bridgeKernelChosen: ReadonlyArray<string> = ["multicastStartupQueryInterval"]
/** bridge options with the kernel's defaults filled in and enum numbers named. */
export const bridgeCanonical = (o: BridgeOptions): BridgeOptions => {
  const c: any = { ...bridgeDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.vlanProtocol === "number") c.vlanProtocol = bridgeVlanProtocolByNumber[c.vlanProtocol] ?? c.vlanProtocol
  if (typeof c.stpMode === "number") c.stpMode = bridgeStpModeByNumber[c.stpMode] ?? c.stpMode
  return c
}
/** Input Schema fields of the bridge-port view (linkinfo-brport-attrs). */
export const BridgePortFields = {
  /** Port priority. (IFLA_BRPORT_PRIORITY) */
  priority: Schema.optional(P.intBetween(P.U16, 0, 63)),
  /** Port path cost. (IFLA_BRPORT_COST) */
  cost: Schema.optional(P.U32),
  /** Hairpin mode (1 on). (IFLA_BRPORT_MODE) */
  hairpin: Schema.optional(Schema.Boolean),
  /** BPDU guard (1 on). (IFLA_BRPORT_GUARD) */
  guard: Schema.optional(Schema.Boolean),
  /** Root port protection (1 on). (IFLA_BRPORT_PROTECT) */
  rootBlock: Schema.optional(Schema.Boolean),
  /** Multicast fast leave (1 on). (IFLA_BRPORT_FAST_LEAVE) */
  fastleave: Schema.optional(Schema.Boolean),
  /** MAC learning (1 on). (IFLA_BRPORT_LEARNING) */
  learning: Schema.optional(Schema.Boolean),
  /** Flood unknown unicast (1 on). (IFLA_BRPORT_UNICAST_FLOOD) */
  flood: Schema.optional(Schema.Boolean),
  /** Proxy ARP (1 on). (IFLA_BRPORT_PROXYARP) */
  proxyArp: Schema.optional(Schema.Boolean),
  /** Sync learned addresses from the device (1 on); write only, never reported. (IFLA_BRPORT_LEARNING_SYNC) */
  learningSync: Schema.optional(Schema.Boolean),
  /** Proxy ARP for Wi-Fi (1 on). (IFLA_BRPORT_PROXYARP_WIFI) */
  proxyArpWifi: Schema.optional(Schema.Boolean),
  /** Multicast router mode of the port. (IFLA_BRPORT_MULTICAST_ROUTER) */
  multicastRouter: Schema.optional(P.intBetween(P.U8, 0, 3)),
  /** Flood unknown multicast (1 on). (IFLA_BRPORT_MCAST_FLOOD) */
  mcastFlood: Schema.optional(Schema.Boolean),
  /** Multicast to unicast (1 on). (IFLA_BRPORT_MCAST_TO_UCAST) */
  mcastToUnicast: Schema.optional(Schema.Boolean),
  /** VLAN to tunnel id mapping (1 on). (IFLA_BRPORT_VLAN_TUNNEL) */
  vlanTunnel: Schema.optional(Schema.Boolean),
  /** Flood broadcast (1 on). (IFLA_BRPORT_BCAST_FLOOD) */
  bcastFlood: Schema.optional(Schema.Boolean),
  /** Link-local groups to forward from this port. (IFLA_BRPORT_GROUP_FWD_MASK) */
  groupFwdMask: Schema.optional(P.U16),
  /** ARP/ND suppression (1 on). (IFLA_BRPORT_NEIGH_SUPPRESS) */
  neighSuppress: Schema.optional(Schema.Boolean),
  /** Isolated port (1 on). (IFLA_BRPORT_ISOLATED) */
  isolated: Schema.optional(Schema.Boolean),
  /** Ifindex of the backup port; 0 removes. (IFLA_BRPORT_BACKUP_PORT) */
  backupPort: Schema.optional(DeviceRef),
  /** Limit of tracked EHT hosts. (IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT) */
  mcastEhtHostsLimit: Schema.optional(P.U32),
  /** Locked port (1 on). (IFLA_BRPORT_LOCKED) */
  locked: Schema.optional(Schema.Boolean),
  /** MAC authentication bypass (1 on). (IFLA_BRPORT_MAB) */
  mab: Schema.optional(Schema.Boolean),
  /** Limit of multicast groups; 0 means no limit. (IFLA_BRPORT_MCAST_MAX_GROUPS) */
  mcastMaxGroups: Schema.optional(P.U32),
  /** Per-VLAN ARP/ND suppression (1 on). (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS) */
  neighVlanSuppress: Schema.optional(Schema.Boolean),
  /** Backup nexthop id; 0 removes (reported only when set). (IFLA_BRPORT_BACKUP_NHID) */
  backupNhid: Schema.optional(P.U32),
  /** Forward gratuitous ARP/NA despite suppression (1 on; newer than Linux 6.18, whose kernel ignores it). (IFLA_BRPORT_NEIGH_FORWARD_GRAT) */
  neighForwardGrat: Schema.optional(Schema.Boolean),
}
/** The bridge-port view's configuration. */
export interface BridgePortOptions {
  /** Port priority. (IFLA_BRPORT_PRIORITY) */
  readonly priority?: number
  /** Port path cost. (IFLA_BRPORT_COST) */
  readonly cost?: number
  /** Hairpin mode (1 on). (IFLA_BRPORT_MODE) */
  readonly hairpin?: boolean
  /** BPDU guard (1 on). (IFLA_BRPORT_GUARD) */
  readonly guard?: boolean
  /** Root port protection (1 on). (IFLA_BRPORT_PROTECT) */
  readonly rootBlock?: boolean
  /** Multicast fast leave (1 on). (IFLA_BRPORT_FAST_LEAVE) */
  readonly fastleave?: boolean
  /** MAC learning (1 on). (IFLA_BRPORT_LEARNING) */
  readonly learning?: boolean
  /** Flood unknown unicast (1 on). (IFLA_BRPORT_UNICAST_FLOOD) */
  readonly flood?: boolean
  /** Proxy ARP (1 on). (IFLA_BRPORT_PROXYARP) */
  readonly proxyArp?: boolean
  /** Sync learned addresses from the device (1 on); write only, never reported. (IFLA_BRPORT_LEARNING_SYNC) */
  readonly learningSync?: boolean
  /** Proxy ARP for Wi-Fi (1 on). (IFLA_BRPORT_PROXYARP_WIFI) */
  readonly proxyArpWifi?: boolean
  /** Multicast router mode of the port. (IFLA_BRPORT_MULTICAST_ROUTER) */
  readonly multicastRouter?: number
  /** Flood unknown multicast (1 on). (IFLA_BRPORT_MCAST_FLOOD) */
  readonly mcastFlood?: boolean
  /** Multicast to unicast (1 on). (IFLA_BRPORT_MCAST_TO_UCAST) */
  readonly mcastToUnicast?: boolean
  /** VLAN to tunnel id mapping (1 on). (IFLA_BRPORT_VLAN_TUNNEL) */
  readonly vlanTunnel?: boolean
  /** Flood broadcast (1 on). (IFLA_BRPORT_BCAST_FLOOD) */
  readonly bcastFlood?: boolean
  /** Link-local groups to forward from this port. (IFLA_BRPORT_GROUP_FWD_MASK) */
  readonly groupFwdMask?: number
  /** ARP/ND suppression (1 on). (IFLA_BRPORT_NEIGH_SUPPRESS) */
  readonly neighSuppress?: boolean
  /** Isolated port (1 on). (IFLA_BRPORT_ISOLATED) */
  readonly isolated?: boolean
  /** Ifindex of the backup port; 0 removes. (IFLA_BRPORT_BACKUP_PORT) */
  readonly backupPort?: string | number
  /** Limit of tracked EHT hosts. (IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT) */
  readonly mcastEhtHostsLimit?: number
  /** Locked port (1 on). (IFLA_BRPORT_LOCKED) */
  readonly locked?: boolean
  /** MAC authentication bypass (1 on). (IFLA_BRPORT_MAB) */
  readonly mab?: boolean
  /** Limit of multicast groups; 0 means no limit. (IFLA_BRPORT_MCAST_MAX_GROUPS) */
  readonly mcastMaxGroups?: number
  /** Per-VLAN ARP/ND suppression (1 on). (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS) */
  readonly neighVlanSuppress?: boolean
  /** Backup nexthop id; 0 removes (reported only when set). (IFLA_BRPORT_BACKUP_NHID) */
  readonly backupNhid?: number
  /** Forward gratuitous ARP/NA despite suppression (1 on; newer than Linux 6.18, whose kernel ignores it). (IFLA_BRPORT_NEIGH_FORWARD_GRAT) */
  readonly neighForwardGrat?: boolean
}
/** What the kernel reports by itself in linkinfo-brport-attrs. */
export interface BridgePortStatus {
  /** STP port state. (IFLA_BRPORT_STATE) */
  readonly state?: LinkinfoBrportAttrs["state"]
  /** Designated root. (IFLA_BRPORT_ROOT_ID) */
  readonly rootId?: LinkinfoBrportAttrs["rootId"]
  /** Designated bridge. (IFLA_BRPORT_BRIDGE_ID) */
  readonly bridgeId?: LinkinfoBrportAttrs["bridgeId"]
  /** Designated port. (IFLA_BRPORT_DESIGNATED_PORT) */
  readonly designatedPort?: LinkinfoBrportAttrs["designatedPort"]
  /** Designated cost. (IFLA_BRPORT_DESIGNATED_COST) */
  readonly designatedCost?: LinkinfoBrportAttrs["designatedCost"]
  /** Port id. (IFLA_BRPORT_ID) */
  readonly id?: LinkinfoBrportAttrs["id"]
  /** Port number. (IFLA_BRPORT_NO) */
  readonly no?: LinkinfoBrportAttrs["no"]
  /** Topology change ack pending. (IFLA_BRPORT_TOPOLOGY_CHANGE_ACK) */
  readonly topologyChangeAck?: LinkinfoBrportAttrs["topologyChangeAck"]
  /** Config BPDU pending. (IFLA_BRPORT_CONFIG_PENDING) */
  readonly configPending?: LinkinfoBrportAttrs["configPending"]
  /** Message age timer (centiseconds). Unit: centiseconds. (IFLA_BRPORT_MESSAGE_AGE_TIMER) */
  readonly messageAgeTimer?: LinkinfoBrportAttrs["messageAgeTimer"]
  /** Forward delay timer (centiseconds). Unit: centiseconds. (IFLA_BRPORT_FORWARD_DELAY_TIMER) */
  readonly forwardDelayTimer?: LinkinfoBrportAttrs["forwardDelayTimer"]
  /** Hold timer (centiseconds). Unit: centiseconds. (IFLA_BRPORT_HOLD_TIMER) */
  readonly holdTimer?: LinkinfoBrportAttrs["holdTimer"]
  /** MRP ring open (read only). (IFLA_BRPORT_MRP_RING_OPEN) */
  readonly mrpRingOpen?: LinkinfoBrportAttrs["mrpRingOpen"]
  /** MRP interconnect open (read only). (IFLA_BRPORT_MRP_IN_OPEN) */
  readonly mrpInOpen?: LinkinfoBrportAttrs["mrpInOpen"]
  /** Tracked EHT hosts (read only). (IFLA_BRPORT_MCAST_EHT_HOSTS_CNT) */
  readonly mcastEhtHostsCnt?: LinkinfoBrportAttrs["mcastEhtHostsCnt"]
  /** Joined multicast groups (read only). (IFLA_BRPORT_MCAST_N_GROUPS) */
  readonly mcastNGroups?: LinkinfoBrportAttrs["mcastNGroups"]
}
/** Fields of the bridge-port view that name devices. */
export const bridgePortDevices: ReadonlyArray<string> = ["backupPort"]
/** bridge-port options → linkinfo-brport-attrs (device fields from `devices`, resolved by the engine). */
export const bridgePortToWire = (o: BridgePortOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoBrportAttrs => {
  const w: { -readonly [K in keyof LinkinfoBrportAttrs]: LinkinfoBrportAttrs[K] } = {}
  if (o.priority !== undefined) w.priority = o.priority
  if (o.cost !== undefined) w.cost = o.cost
  if (o.hairpin !== undefined) w.mode = o.hairpin ? 1 : 0
  if (o.guard !== undefined) w.guard = o.guard ? 1 : 0
  if (o.rootBlock !== undefined) w.protect = o.rootBlock ? 1 : 0
  if (o.fastleave !== undefined) w.fastLeave = o.fastleave ? 1 : 0
  if (o.learning !== undefined) w.learning = o.learning ? 1 : 0
  if (o.flood !== undefined) w.unicastFlood = o.flood ? 1 : 0
  if (o.proxyArp !== undefined) w.proxyarp = o.proxyArp ? 1 : 0
  if (o.learningSync !== undefined) w.learningSync = o.learningSync ? 1 : 0
  if (o.proxyArpWifi !== undefined) w.proxyarpWifi = o.proxyArpWifi ? 1 : 0
  if (o.multicastRouter !== undefined) w.multicastRouter = o.multicastRouter
  if (o.mcastFlood !== undefined) w.mcastFlood = o.mcastFlood ? 1 : 0
  if (o.mcastToUnicast !== undefined) w.mcastToUcast = o.mcastToUnicast ? 1 : 0
  if (o.vlanTunnel !== undefined) w.vlanTunnel = o.vlanTunnel ? 1 : 0
  if (o.bcastFlood !== undefined) w.bcastFlood = o.bcastFlood ? 1 : 0
  if (o.groupFwdMask !== undefined) w.groupFwdMask = o.groupFwdMask
  if (o.neighSuppress !== undefined) w.neighSuppress = o.neighSuppress ? 1 : 0
  if (o.isolated !== undefined) w.isolated = o.isolated ? 1 : 0
  if (o.backupPort !== undefined) w.backupPort = deviceIndex(o.backupPort, "backupPort", devices)
  if (o.mcastEhtHostsLimit !== undefined) w.mcastEhtHostsLimit = o.mcastEhtHostsLimit
  if (o.locked !== undefined) w.locked = o.locked ? 1 : 0
  if (o.mab !== undefined) w.mab = o.mab ? 1 : 0
  if (o.mcastMaxGroups !== undefined) w.mcastMaxGroups = o.mcastMaxGroups
  if (o.neighVlanSuppress !== undefined) w.neighVlanSuppress = o.neighVlanSuppress ? 1 : 0
  if (o.backupNhid !== undefined) w.backupNhid = o.backupNhid
  if (o.neighForwardGrat !== undefined) w.neighForwardGrat = o.neighForwardGrat ? 1 : 0
  return w
}
/** linkinfo-brport-attrs → bridge-port options (configuration; device indexes named by `name`), written into `into` when given. */
export const bridgePortFromWire = (a: LinkinfoBrportAttrs, name: (index: number) => string | number = (i) => i, into?: object): BridgePortOptions => {
  const o: { -readonly [K in keyof BridgePortOptions]?: BridgePortOptions[K] } = into ?? {}
  if (a.priority !== undefined) o.priority = a.priority
  if (a.cost !== undefined) o.cost = a.cost
  if (a.mode !== undefined) o.hairpin = a.mode !== 0
  if (a.guard !== undefined) o.guard = a.guard !== 0
  if (a.protect !== undefined) o.rootBlock = a.protect !== 0
  if (a.fastLeave !== undefined) o.fastleave = a.fastLeave !== 0
  if (a.learning !== undefined) o.learning = a.learning !== 0
  if (a.unicastFlood !== undefined) o.flood = a.unicastFlood !== 0
  if (a.proxyarp !== undefined) o.proxyArp = a.proxyarp !== 0
  if (a.learningSync !== undefined) o.learningSync = a.learningSync !== 0
  if (a.proxyarpWifi !== undefined) o.proxyArpWifi = a.proxyarpWifi !== 0
  if (a.multicastRouter !== undefined) o.multicastRouter = a.multicastRouter
  if (a.mcastFlood !== undefined) o.mcastFlood = a.mcastFlood !== 0
  if (a.mcastToUcast !== undefined) o.mcastToUnicast = a.mcastToUcast !== 0
  if (a.vlanTunnel !== undefined) o.vlanTunnel = a.vlanTunnel !== 0
  if (a.bcastFlood !== undefined) o.bcastFlood = a.bcastFlood !== 0
  if (a.groupFwdMask !== undefined) o.groupFwdMask = a.groupFwdMask
  if (a.neighSuppress !== undefined) o.neighSuppress = a.neighSuppress !== 0
  if (a.isolated !== undefined) o.isolated = a.isolated !== 0
  if (a.backupPort !== undefined && a.backupPort !== 0) o.backupPort = name(a.backupPort)
  if (a.mcastEhtHostsLimit !== undefined) o.mcastEhtHostsLimit = a.mcastEhtHostsLimit
  if (a.locked !== undefined) o.locked = a.locked !== 0
  if (a.mab !== undefined) o.mab = a.mab !== 0
  if (a.mcastMaxGroups !== undefined) o.mcastMaxGroups = a.mcastMaxGroups
  if (a.neighVlanSuppress !== undefined) o.neighVlanSuppress = a.neighVlanSuppress !== 0
  if (a.backupNhid !== undefined) o.backupNhid = a.backupNhid
  if (a.neighForwardGrat !== undefined) o.neighForwardGrat = a.neighForwardGrat !== 0
  return o as BridgePortOptions
}
/** The status fields of the bridge-port view and the linkinfo-brport-attrs field each reads. */
export const bridgePortStatusFields: Readonly<Record<string, keyof LinkinfoBrportAttrs>> = { "state": "state", "rootId": "rootId", "bridgeId": "bridgeId", "designatedPort": "designatedPort", "designatedCost": "designatedCost", "id": "id", "no": "no", "topologyChangeAck": "topologyChangeAck", "configPending": "configPending", "messageAgeTimer": "messageAgeTimer", "forwardDelayTimer": "forwardDelayTimer", "holdTimer": "holdTimer", "mrpRingOpen": "mrpRingOpen", "mrpInOpen": "mrpInOpen", "mcastEhtHostsCnt": "mcastEhtHostsCnt", "mcastNGroups": "mcastNGroups" }
/** The status attributes of linkinfo-brport-attrs, or undefined when there are none. */
export const bridgePortStatusFromWire = (a: LinkinfoBrportAttrs): BridgePortStatus | undefined => {
  let s: { -readonly [K in keyof BridgePortStatus]: BridgePortStatus[K] } | undefined
  if (a.state !== undefined) (s ??= {}).state = a.state
  if (a.rootId !== undefined) (s ??= {}).rootId = a.rootId
  if (a.bridgeId !== undefined) (s ??= {}).bridgeId = a.bridgeId
  if (a.designatedPort !== undefined) (s ??= {}).designatedPort = a.designatedPort
  if (a.designatedCost !== undefined) (s ??= {}).designatedCost = a.designatedCost
  if (a.id !== undefined) (s ??= {}).id = a.id
  if (a.no !== undefined) (s ??= {}).no = a.no
  if (a.topologyChangeAck !== undefined) (s ??= {}).topologyChangeAck = a.topologyChangeAck
  if (a.configPending !== undefined) (s ??= {}).configPending = a.configPending
  if (a.messageAgeTimer !== undefined) (s ??= {}).messageAgeTimer = a.messageAgeTimer
  if (a.forwardDelayTimer !== undefined) (s ??= {}).forwardDelayTimer = a.forwardDelayTimer
  if (a.holdTimer !== undefined) (s ??= {}).holdTimer = a.holdTimer
  if (a.mrpRingOpen !== undefined) (s ??= {}).mrpRingOpen = a.mrpRingOpen
  if (a.mrpInOpen !== undefined) (s ??= {}).mrpInOpen = a.mrpInOpen
  if (a.mcastEhtHostsCnt !== undefined) (s ??= {}).mcastEhtHostsCnt = a.mcastEhtHostsCnt
  if (a.mcastNGroups !== undefined) (s ??= {}).mcastNGroups = a.mcastNGroups
  return s
}
/** The kernel's defaults of the bridge-port view, for canonical forms. */
export const bridgePortDefaults: Partial<BridgePortOptions> = {
  priority: 32,
  hairpin: false,
  guard: false,
  rootBlock: false,
  fastleave: false,
  learning: true,
  flood: true,
  proxyArp: false,
  proxyArpWifi: false,
  multicastRouter: 1,
  mcastFlood: true,
  mcastToUnicast: false,
  vlanTunnel: false,
  bcastFlood: true,
  groupFwdMask: 0,
  neighSuppress: false,
  isolated: false,
  mcastEhtHostsLimit: 512,
  locked: false,
  mab: false,
  mcastMaxGroups: 0,
  neighVlanSuppress: false,
  backupNhid: 0,
}
/** Options of the bridge-port view without a known default: compared only when both sides give them. */
export const bridgePortKernelChosen: ReadonlyArray<string> = ["cost", "learningSync", "backupPort", "neighForwardGrat"]
/** bridge-port options with the kernel's defaults filled in and enum numbers named. */
export const bridgePortCanonical = (o: BridgePortOptions): BridgePortOptions => {
  const c: any = { ...bridgePortDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
const vxlanTtlWords = { "auto": 0 } as const
const vxlanTtlByNumber: Readonly<Record<number, string>> = { "0": "auto" }
const vxlanDfNames = { "unset": 0, "set": 1, "inherit": 2 } as const
const vxlanDfByNumber: Readonly<Record<number, string>> = { "0": "unset", "1": "set", "2": "inherit" }
const vxlanLabelPolicyNames = { "fixed": 0, "inherit": 1 } as const
const vxlanLabelPolicyByNumber: Readonly<Record<number, string>> = { "0": "fixed", "1": "inherit" }
/** Input Schema fields of the vxlan view (linkinfo-vxlan-attrs). */
export const VxlanFields = {
  /** VXLAN network identifier (24 bits). (IFLA_VXLAN_ID) */
  id: Schema.optional(P.intBetween(P.U32, 0, 16777215)),
  /** Ifindex of the underlay device. (IFLA_VXLAN_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Outer TTL; 0 (auto) takes the route's. (IFLA_VXLAN_TTL) */
  ttl: Schema.optional(Schema.Union([Schema.Literals(["auto", "inherit"]), P.U8])),
  /** Learn remote addresses (1 on). (IFLA_VXLAN_LEARNING) */
  learning: Schema.optional(Schema.Boolean),
  /** FDB ageing time in seconds. Unit: seconds. (IFLA_VXLAN_AGEING) */
  ageing: Schema.optional(P.U32),
  /** Maximum FDB entries; 0 means no limit. (IFLA_VXLAN_LIMIT) */
  limit: Schema.optional(P.U32),
  /** ARP/ND proxy (1 on). (IFLA_VXLAN_PROXY) */
  proxy: Schema.optional(Schema.Boolean),
  /** Route short circuit (1 on). (IFLA_VXLAN_RSC) */
  rsc: Schema.optional(Schema.Boolean),
  /** Notify L2 misses (1 on). (IFLA_VXLAN_L2MISS) */
  l2miss: Schema.optional(Schema.Boolean),
  /** Notify L3 misses (1 on). (IFLA_VXLAN_L3MISS) */
  l3miss: Schema.optional(Schema.Boolean),
  /** UDP destination port. (IFLA_VXLAN_PORT) */
  dstport: Schema.optional(P.U16),
  /** UDP checksum over IPv4 (1 on). (IFLA_VXLAN_UDP_CSUM) */
  udpCsum: Schema.optional(Schema.Boolean),
  /** Send zero UDP checksum over IPv6 (1 on). (IFLA_VXLAN_UDP_ZERO_CSUM6_TX) */
  udp6ZeroCsumTx: Schema.optional(Schema.Boolean),
  /** Accept zero UDP checksum over IPv6 (1 on). (IFLA_VXLAN_UDP_ZERO_CSUM6_RX) */
  udp6ZeroCsumRx: Schema.optional(Schema.Boolean),
  /** Remote checksum offload on transmit (1 on). (IFLA_VXLAN_REMCSUM_TX) */
  remcsumTx: Schema.optional(Schema.Boolean),
  /** Remote checksum offload on receive (1 on). (IFLA_VXLAN_REMCSUM_RX) */
  remcsumRx: Schema.optional(Schema.Boolean),
  /** Group policy extension. (IFLA_VXLAN_GBP) */
  gbp: Schema.optional(Schema.Boolean),
  /** Remote checksum without partial offload. (IFLA_VXLAN_REMCSUM_NOPARTIAL) */
  remcsumNopartial: Schema.optional(Schema.Boolean),
  /** External control (metadata) mode (1 on). (IFLA_VXLAN_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
  /** IPv6 flow label (20 bits). (IFLA_VXLAN_LABEL) */
  label: Schema.optional(P.intBetween(P.U32, 0, 1048575)),
  /** Generic protocol extension. (IFLA_VXLAN_GPE) */
  gpe: Schema.optional(Schema.Boolean),
  /** Outer DF bit policy. (IFLA_VXLAN_DF) */
  df: Schema.optional(Schema.Union([Schema.Literals(["unset", "set", "inherit"]), P.intBetween(P.U8, 0, 2)])),
  /** Per-VNI filtering, with collect-metadata (1 on). (IFLA_VXLAN_VNIFILTER) */
  vnifilter: Schema.optional(Schema.Boolean),
  /** Deliver to local VNIs directly (1 on). (IFLA_VXLAN_LOCALBYPASS) */
  localbypass: Schema.optional(Schema.Boolean),
  /** IPv6 flow label policy. (IFLA_VXLAN_LABEL_POLICY) */
  labelPolicy: Schema.optional(Schema.Union([Schema.Literals(["fixed", "inherit"]), P.intBetween(P.U32, 0, 1)])),
  /** Route multicast through the multicast routing table (1 on). (IFLA_VXLAN_MC_ROUTE) */
  mcRoute: Schema.optional(Schema.Boolean),
}
/** The vxlan view's configuration. */
export interface VxlanOptions {
  /** VXLAN network identifier (24 bits). (IFLA_VXLAN_ID) */
  readonly id?: number
  /** Ifindex of the underlay device. (IFLA_VXLAN_LINK) */
  readonly dev?: string | number
  /** Outer TTL; 0 (auto) takes the route's. (IFLA_VXLAN_TTL) */
  readonly ttl?: number | "auto" | "inherit"
  /** Learn remote addresses (1 on). (IFLA_VXLAN_LEARNING) */
  readonly learning?: boolean
  /** FDB ageing time in seconds. Unit: seconds. (IFLA_VXLAN_AGEING) */
  readonly ageing?: number
  /** Maximum FDB entries; 0 means no limit. (IFLA_VXLAN_LIMIT) */
  readonly limit?: number
  /** ARP/ND proxy (1 on). (IFLA_VXLAN_PROXY) */
  readonly proxy?: boolean
  /** Route short circuit (1 on). (IFLA_VXLAN_RSC) */
  readonly rsc?: boolean
  /** Notify L2 misses (1 on). (IFLA_VXLAN_L2MISS) */
  readonly l2miss?: boolean
  /** Notify L3 misses (1 on). (IFLA_VXLAN_L3MISS) */
  readonly l3miss?: boolean
  /** UDP destination port. (IFLA_VXLAN_PORT) */
  readonly dstport?: number
  /** UDP checksum over IPv4 (1 on). (IFLA_VXLAN_UDP_CSUM) */
  readonly udpCsum?: boolean
  /** Send zero UDP checksum over IPv6 (1 on). (IFLA_VXLAN_UDP_ZERO_CSUM6_TX) */
  readonly udp6ZeroCsumTx?: boolean
  /** Accept zero UDP checksum over IPv6 (1 on). (IFLA_VXLAN_UDP_ZERO_CSUM6_RX) */
  readonly udp6ZeroCsumRx?: boolean
  /** Remote checksum offload on transmit (1 on). (IFLA_VXLAN_REMCSUM_TX) */
  readonly remcsumTx?: boolean
  /** Remote checksum offload on receive (1 on). (IFLA_VXLAN_REMCSUM_RX) */
  readonly remcsumRx?: boolean
  /** Group policy extension. (IFLA_VXLAN_GBP) */
  readonly gbp?: boolean
  /** Remote checksum without partial offload. (IFLA_VXLAN_REMCSUM_NOPARTIAL) */
  readonly remcsumNopartial?: boolean
  /** External control (metadata) mode (1 on). (IFLA_VXLAN_COLLECT_METADATA) */
  readonly external?: boolean
  /** IPv6 flow label (20 bits). (IFLA_VXLAN_LABEL) */
  readonly label?: number
  /** Generic protocol extension. (IFLA_VXLAN_GPE) */
  readonly gpe?: boolean
  /** Outer DF bit policy. (IFLA_VXLAN_DF) */
  readonly df?: "unset" | "set" | "inherit" | number
  /** Per-VNI filtering, with collect-metadata (1 on). (IFLA_VXLAN_VNIFILTER) */
  readonly vnifilter?: boolean
  /** Deliver to local VNIs directly (1 on). (IFLA_VXLAN_LOCALBYPASS) */
  readonly localbypass?: boolean
  /** IPv6 flow label policy. (IFLA_VXLAN_LABEL_POLICY) */
  readonly labelPolicy?: "fixed" | "inherit" | number
  /** Route multicast through the multicast routing table (1 on). (IFLA_VXLAN_MC_ROUTE) */
  readonly mcRoute?: boolean
}
/** What the kernel reports by itself in linkinfo-vxlan-attrs. */
export interface VxlanStatus {
  /** Reserved header bits accepted on receive (8-byte VXLAN header mask). (IFLA_VXLAN_RESERVED_BITS) */
  readonly reservedBits?: LinkinfoVxlanAttrs["reservedBits"]
}
/** Fields of the vxlan view that name devices. */
export const vxlanDevices: ReadonlyArray<string> = ["dev"]
/** vxlan options → linkinfo-vxlan-attrs (device fields from `devices`, resolved by the engine). */
export const vxlanToWire = (o: VxlanOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoVxlanAttrs => {
  const w: { -readonly [K in keyof LinkinfoVxlanAttrs]: LinkinfoVxlanAttrs[K] } = {}
  if (o.id !== undefined) w.id = o.id
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.ttl !== undefined) {
    if (o.ttl === "inherit") w.ttlInherit = true
    else w.ttl = typeof o.ttl === "number" ? o.ttl : vxlanTtlWords[o.ttl as keyof typeof vxlanTtlWords]
  }
  if (o.learning !== undefined) w.learning = o.learning ? 1 : 0
  if (o.ageing !== undefined) w.ageing = o.ageing
  if (o.limit !== undefined) w.limit = o.limit
  if (o.proxy !== undefined) w.proxy = o.proxy ? 1 : 0
  if (o.rsc !== undefined) w.rsc = o.rsc ? 1 : 0
  if (o.l2miss !== undefined) w.l2miss = o.l2miss ? 1 : 0
  if (o.l3miss !== undefined) w.l3miss = o.l3miss ? 1 : 0
  if (o.dstport !== undefined) w.port = o.dstport
  if (o.udpCsum !== undefined) w.udpCsum = o.udpCsum ? 1 : 0
  if (o.udp6ZeroCsumTx !== undefined) w.udpZeroCsum6Tx = o.udp6ZeroCsumTx ? 1 : 0
  if (o.udp6ZeroCsumRx !== undefined) w.udpZeroCsum6Rx = o.udp6ZeroCsumRx ? 1 : 0
  if (o.remcsumTx !== undefined) w.remcsumTx = o.remcsumTx ? 1 : 0
  if (o.remcsumRx !== undefined) w.remcsumRx = o.remcsumRx ? 1 : 0
  if (o.gbp === true) w.gbp = true
  if (o.remcsumNopartial === true) w.remcsumNopartial = true
  if (o.external !== undefined) w.collectMetadata = o.external ? 1 : 0
  if (o.label !== undefined) w.label = o.label
  if (o.gpe === true) w.gpe = true
  if (o.df !== undefined) w.df = typeof o.df === "number" ? o.df : vxlanDfNames[o.df]
  if (o.vnifilter !== undefined) w.vnifilter = o.vnifilter ? 1 : 0
  if (o.localbypass !== undefined) w.localbypass = o.localbypass ? 1 : 0
  if (o.labelPolicy !== undefined) w.labelPolicy = typeof o.labelPolicy === "number" ? o.labelPolicy : vxlanLabelPolicyNames[o.labelPolicy]
  if (o.mcRoute !== undefined) w.mcRoute = o.mcRoute ? 1 : 0
  return w
}
/** linkinfo-vxlan-attrs → vxlan options (configuration; device indexes named by `name`), written into `into` when given. */
export const vxlanFromWire = (a: LinkinfoVxlanAttrs, name: (index: number) => string | number = (i) => i, into?: object): VxlanOptions => {
  const o: { -readonly [K in keyof VxlanOptions]?: VxlanOptions[K] } = into ?? {}
  if (a.id !== undefined) o.id = a.id
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.ttlInherit === true) o.ttl = "inherit"
  else if (a.ttl !== undefined) o.ttl = (vxlanTtlByNumber[a.ttl] ?? a.ttl) as any
  if (a.learning !== undefined) o.learning = a.learning !== 0
  if (a.ageing !== undefined) o.ageing = a.ageing
  if (a.limit !== undefined) o.limit = a.limit
  if (a.proxy !== undefined) o.proxy = a.proxy !== 0
  if (a.rsc !== undefined) o.rsc = a.rsc !== 0
  if (a.l2miss !== undefined) o.l2miss = a.l2miss !== 0
  if (a.l3miss !== undefined) o.l3miss = a.l3miss !== 0
  if (a.port !== undefined) o.dstport = a.port
  if (a.udpCsum !== undefined) o.udpCsum = a.udpCsum !== 0
  if (a.udpZeroCsum6Tx !== undefined) o.udp6ZeroCsumTx = a.udpZeroCsum6Tx !== 0
  if (a.udpZeroCsum6Rx !== undefined) o.udp6ZeroCsumRx = a.udpZeroCsum6Rx !== 0
  if (a.remcsumTx !== undefined) o.remcsumTx = a.remcsumTx !== 0
  if (a.remcsumRx !== undefined) o.remcsumRx = a.remcsumRx !== 0
  o.gbp = a.gbp === true
  o.remcsumNopartial = a.remcsumNopartial === true
  if (a.collectMetadata !== undefined) o.external = a.collectMetadata !== 0
  if (a.label !== undefined) o.label = a.label
  o.gpe = a.gpe === true
  if (a.df !== undefined) o.df = (vxlanDfByNumber[a.df] ?? a.df) as any
  if (a.vnifilter !== undefined) o.vnifilter = a.vnifilter !== 0
  if (a.localbypass !== undefined) o.localbypass = a.localbypass !== 0
  if (a.labelPolicy !== undefined) o.labelPolicy = (vxlanLabelPolicyByNumber[a.labelPolicy] ?? a.labelPolicy) as any
  if (a.mcRoute !== undefined) o.mcRoute = a.mcRoute !== 0
  return o as VxlanOptions
}
/** The status fields of the vxlan view and the linkinfo-vxlan-attrs field each reads. */
export const vxlanStatusFields: Readonly<Record<string, keyof LinkinfoVxlanAttrs>> = { "reservedBits": "reservedBits" }
/** The status attributes of linkinfo-vxlan-attrs, or undefined when there are none. */
export const vxlanStatusFromWire = (a: LinkinfoVxlanAttrs): VxlanStatus | undefined => {
  let s: { -readonly [K in keyof VxlanStatus]: VxlanStatus[K] } | undefined
  if (a.reservedBits !== undefined) (s ??= {}).reservedBits = a.reservedBits
  return s
}
/** The kernel's defaults of the vxlan view, for canonical forms. */
export const vxlanDefaults: Partial<VxlanOptions> = {
  ttl: "auto",
  ageing: 300,
  limit: 0,
  proxy: false,
  rsc: false,
  l2miss: false,
  l3miss: false,
  dstport: 8472,
  udpCsum: true,
  udp6ZeroCsumTx: false,
  udp6ZeroCsumRx: false,
  remcsumTx: false,
  remcsumRx: false,
  gbp: false,
  remcsumNopartial: false,
  external: false,
  label: 0,
  gpe: false,
  df: "unset",
  vnifilter: false,
  localbypass: true,
  labelPolicy: "fixed",
  mcRoute: false,
}
/** Options of the vxlan view without a known default: compared only when both sides give them. */
export const vxlanKernelChosen: ReadonlyArray<string> = ["id", "dev", "learning"]
/** vxlan options with the kernel's defaults filled in and enum numbers named. */
export const vxlanCanonical = (o: VxlanOptions): VxlanOptions => {
  const c: any = { ...vxlanDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.ttl === "number") c.ttl = vxlanTtlByNumber[c.ttl] ?? c.ttl
  if (typeof c.df === "number") c.df = vxlanDfByNumber[c.df] ?? c.df
  if (typeof c.labelPolicy === "number") c.labelPolicy = vxlanLabelPolicyByNumber[c.labelPolicy] ?? c.labelPolicy
  return c
}
const macvlanModeNames = { "private": 1, "vepa": 2, "bridge": 4, "passthru": 8, "source": 16 } as const
const macvlanModeByNumber: Readonly<Record<number, string>> = { "1": "private", "2": "vepa", "4": "bridge", "8": "passthru", "16": "source" }
/** Input Schema fields of the macvlan view (linkinfo-macvlan-attrs). */
export const MacvlanFields = {
  /** Forwarding mode. (IFLA_MACVLAN_MODE) */
  mode: Schema.optional(Schema.Union([Schema.Literals(["private", "vepa", "bridge", "passthru", "source"]), P.U32])),
  /** Requested broadcast queue length. (IFLA_MACVLAN_BC_QUEUE_LEN) */
  bcQueueLen: Schema.optional(P.U32),
  /** Broadcast cutoff; negative disables queueing. (IFLA_MACVLAN_BC_CUTOFF) */
  bcCutoff: Schema.optional(P.S32),
}
/** The macvlan view's configuration. */
export interface MacvlanOptions {
  /** Forwarding mode. (IFLA_MACVLAN_MODE) */
  readonly mode?: "private" | "vepa" | "bridge" | "passthru" | "source" | number
  /** Requested broadcast queue length. (IFLA_MACVLAN_BC_QUEUE_LEN) */
  readonly bcQueueLen?: number
  /** Broadcast cutoff; negative disables queueing. (IFLA_MACVLAN_BC_CUTOFF) */
  readonly bcCutoff?: number
}
/** What the kernel reports by itself in linkinfo-macvlan-attrs. */
export interface MacvlanStatus {
  /** Number of source MAC addresses. (IFLA_MACVLAN_MACADDR_COUNT) */
  readonly macaddrCount?: LinkinfoMacvlanAttrs["macaddrCount"]
  /** Broadcast queue length in use. (IFLA_MACVLAN_BC_QUEUE_LEN_USED) */
  readonly bcQueueLenUsed?: LinkinfoMacvlanAttrs["bcQueueLenUsed"]
}
/** Fields of the macvlan view that name devices. */
export const macvlanDevices: ReadonlyArray<string> = []
/** macvlan options → linkinfo-macvlan-attrs (device fields from `devices`, resolved by the engine). */
export const macvlanToWire = (o: MacvlanOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoMacvlanAttrs => {
  const w: { -readonly [K in keyof LinkinfoMacvlanAttrs]: LinkinfoMacvlanAttrs[K] } = {}
  void devices
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : macvlanModeNames[o.mode]
  if (o.bcQueueLen !== undefined) w.bcQueueLen = o.bcQueueLen
  if (o.bcCutoff !== undefined) w.bcCutoff = o.bcCutoff
  return w
}
/** linkinfo-macvlan-attrs → macvlan options (configuration; device indexes named by `name`), written into `into` when given. */
export const macvlanFromWire = (a: LinkinfoMacvlanAttrs, name: (index: number) => string | number = (i) => i, into?: object): MacvlanOptions => {
  const o: { -readonly [K in keyof MacvlanOptions]?: MacvlanOptions[K] } = into ?? {}
  void name
  if (a.mode !== undefined) o.mode = (macvlanModeByNumber[a.mode] ?? a.mode) as any
  if (a.bcQueueLen !== undefined) o.bcQueueLen = a.bcQueueLen
  if (a.bcCutoff !== undefined) o.bcCutoff = a.bcCutoff
  return o as MacvlanOptions
}
/** The status fields of the macvlan view and the linkinfo-macvlan-attrs field each reads. */
export const macvlanStatusFields: Readonly<Record<string, keyof LinkinfoMacvlanAttrs>> = { "macaddrCount": "macaddrCount", "bcQueueLenUsed": "bcQueueLenUsed" }
/** The status attributes of linkinfo-macvlan-attrs, or undefined when there are none. */
export const macvlanStatusFromWire = (a: LinkinfoMacvlanAttrs): MacvlanStatus | undefined => {
  let s: { -readonly [K in keyof MacvlanStatus]: MacvlanStatus[K] } | undefined
  if (a.macaddrCount !== undefined) (s ??= {}).macaddrCount = a.macaddrCount
  if (a.bcQueueLenUsed !== undefined) (s ??= {}).bcQueueLenUsed = a.bcQueueLenUsed
  return s
}
/** The kernel's defaults of the macvlan view, for canonical forms. */
export const macvlanDefaults: Partial<MacvlanOptions> = {
  mode: "vepa",
  bcQueueLen: 1000,
}
/** Options of the macvlan view without a known default: compared only when both sides give them. */
export const macvlanKernelChosen: ReadonlyArray<string> = ["bcCutoff"]
/** macvlan options with the kernel's defaults filled in and enum numbers named. */
export const macvlanCanonical = (o: MacvlanOptions): MacvlanOptions => {
  const c: any = { ...macvlanDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = macvlanModeByNumber[c.mode] ?? c.mode
  return c
}
const vlanProtocolNames = { "802.1Q": 33024, "802.1ad": 34984 } as const
const vlanProtocolByNumber: Readonly<Record<number, string>> = { "33024": "802.1Q", "34984": "802.1ad" }
/** Input Schema fields of the vlan view (linkinfo-vlan-attrs). */
export const VlanFields = {
  /** VLAN id (0..4094); required when creating. (IFLA_VLAN_ID) */
  id: P.intBetween(P.U16, 0, 4094),
  /** Tag protocol: 0x8100 (802.1Q) or 0x88a8 (802.1ad). (IFLA_VLAN_PROTOCOL) */
  protocol: Schema.optional(Schema.Union([Schema.Literals(["802.1Q", "802.1ad"]), P.U16])),
}
/** The vlan view's configuration. */
export interface VlanOptions {
  /** VLAN id (0..4094); required when creating. (IFLA_VLAN_ID) */
  readonly id: number
  /** Tag protocol: 0x8100 (802.1Q) or 0x88a8 (802.1ad). (IFLA_VLAN_PROTOCOL) */
  readonly protocol?: "802.1Q" | "802.1ad" | number
}
/** What the kernel reports by itself in linkinfo-vlan-attrs. */
export interface VlanStatus {
}
/** Fields of the vlan view that name devices. */
export const vlanDevices: ReadonlyArray<string> = []
/** vlan options → linkinfo-vlan-attrs (device fields from `devices`, resolved by the engine). */
export const vlanToWire = (o: VlanOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoVlanAttrs => {
  const w: { -readonly [K in keyof LinkinfoVlanAttrs]: LinkinfoVlanAttrs[K] } = {}
  void devices
  if (o.id !== undefined) w.id = o.id
  if (o.protocol !== undefined) w.protocol = typeof o.protocol === "number" ? o.protocol : vlanProtocolNames[o.protocol]
  return w
}
/** linkinfo-vlan-attrs → vlan options (configuration; device indexes named by `name`), written into `into` when given. */
export const vlanFromWire = (a: LinkinfoVlanAttrs, name: (index: number) => string | number = (i) => i, into?: object): VlanOptions => {
  const o: { -readonly [K in keyof VlanOptions]?: VlanOptions[K] } = into ?? {}
  void name
  if (a.id !== undefined) o.id = a.id
  if (a.protocol !== undefined) o.protocol = (vlanProtocolByNumber[a.protocol] ?? a.protocol) as any
  return o as VlanOptions
}
/** The status fields of the vlan view and the linkinfo-vlan-attrs field each reads. */
export const vlanStatusFields: Readonly<Record<string, keyof LinkinfoVlanAttrs>> = {}
/** The status attributes of linkinfo-vlan-attrs, or undefined when there are none. */
export const vlanStatusFromWire = (a: LinkinfoVlanAttrs): VlanStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the vlan view, for canonical forms. */
export const vlanDefaults: Partial<VlanOptions> = {
  protocol: "802.1Q",
}
/** Options of the vlan view without a known default: compared only when both sides give them. */
export const vlanKernelChosen: ReadonlyArray<string> = []
/** vlan options with the kernel's defaults filled in and enum numbers named. */
export const vlanCanonical = (o: VlanOptions): VlanOptions => {
  const c: any = { ...vlanDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.protocol === "number") c.protocol = vlanProtocolByNumber[c.protocol] ?? c.protocol
  return c
}
const bondModeNames = { "balance-rr": 0, "active-backup": 1, "balance-xor": 2, "broadcast": 3, "802.3ad": 4, "balance-tlb": 5, "balance-alb": 6 } as const
const bondModeByNumber: Readonly<Record<number, string>> = { "0": "balance-rr", "1": "active-backup", "2": "balance-xor", "3": "broadcast", "4": "802.3ad", "5": "balance-tlb", "6": "balance-alb" }
const bondArpValidateNames = { "none": 0, "active": 1, "backup": 2, "all": 3, "filter": 4, "filter_active": 5, "filter_backup": 6 } as const
const bondArpValidateByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "active", "2": "backup", "3": "all", "4": "filter", "5": "filter_active", "6": "filter_backup" }
const bondArpAllTargetsNames = { "any": 0, "all": 1 } as const
const bondArpAllTargetsByNumber: Readonly<Record<number, string>> = { "0": "any", "1": "all" }
const bondPrimaryReselectNames = { "always": 0, "better": 1, "failure": 2 } as const
const bondPrimaryReselectByNumber: Readonly<Record<number, string>> = { "0": "always", "1": "better", "2": "failure" }
const bondFailOverMacNames = { "none": 0, "active": 1, "follow": 2 } as const
const bondFailOverMacByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "active", "2": "follow" }
const bondXmitHashPolicyNames = { "layer2": 0, "layer3+4": 1, "layer2+3": 2, "encap2+3": 3, "encap3+4": 4, "vlan+srcmac": 5 } as const
const bondXmitHashPolicyByNumber: Readonly<Record<number, string>> = { "0": "layer2", "1": "layer3+4", "2": "layer2+3", "3": "encap2+3", "4": "encap3+4", "5": "vlan+srcmac" }
const bondLacpRateNames = { "slow": 0, "fast": 1 } as const
const bondLacpRateByNumber: Readonly<Record<number, string>> = { "0": "slow", "1": "fast" }
const bondAdSelectNames = { "stable": 0, "bandwidth": 1, "count": 2, "prio": 3 } as const
const bondAdSelectByNumber: Readonly<Record<number, string>> = { "0": "stable", "1": "bandwidth", "2": "count", "3": "prio" }
/** Input Schema fields of the bond view (linkinfo-bond-attrs). */
export const BondFields = {
  /** Bonding mode; changing it needs the bond down and without ports. (IFLA_BOND_MODE) */
  mode: Schema.optional(Schema.Union([Schema.Literals(["balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"]), P.intBetween(P.U8, 0, 6)])),
  /** Ifindex of the active port (active-backup, tlb, alb); 0 clears. (IFLA_BOND_ACTIVE_SLAVE) */
  activeSlave: Schema.optional(DeviceRef),
  /** MII link monitoring interval in ms; 0 disables. Unit: milliseconds. (IFLA_BOND_MIIMON) */
  miimon: Schema.optional(P.U32),
  /** Delay before enabling a port after link up, in ms (multiple of miimon). Unit: milliseconds. (IFLA_BOND_UPDELAY) */
  updelay: Schema.optional(P.U32),
  /** Delay before disabling a port after link down, in ms (multiple of miimon). Unit: milliseconds. (IFLA_BOND_DOWNDELAY) */
  downdelay: Schema.optional(P.U32),
  /** Use netif_carrier for MII monitoring (1) or ethtool/ioctls (0). (IFLA_BOND_USE_CARRIER) */
  useCarrier: Schema.optional(Schema.Boolean),
  /** ARP monitoring interval in ms; 0 disables. Unit: milliseconds. (IFLA_BOND_ARP_INTERVAL) */
  arpInterval: Schema.optional(P.U32),
  /** Which ARP probes/replies validate a port. (IFLA_BOND_ARP_VALIDATE) */
  arpValidate: Schema.optional(Schema.Union([Schema.Literals(["none", "active", "backup", "all", "filter", "filter_active", "filter_backup"]), P.intBetween(P.U32, 0, 6)])),
  /** Port is up if any (0) or all (1) targets answer. (IFLA_BOND_ARP_ALL_TARGETS) */
  arpAllTargets: Schema.optional(Schema.Union([Schema.Literals(["any", "all"]), P.intBetween(P.U32, 0, 1)])),
  /** Ifindex of the preferred port; 0 clears. (IFLA_BOND_PRIMARY) */
  primary: Schema.optional(DeviceRef),
  /** When the primary becomes active again. (IFLA_BOND_PRIMARY_RESELECT) */
  primaryReselect: Schema.optional(Schema.Union([Schema.Literals(["always", "better", "failure"]), P.intBetween(P.U8, 0, 2)])),
  /** MAC address policy on failover (active-backup). (IFLA_BOND_FAIL_OVER_MAC) */
  failOverMac: Schema.optional(Schema.Union([Schema.Literals(["none", "active", "follow"]), P.intBetween(P.U8, 0, 2)])),
  /** Transmit hash policy (balance-xor, 802.3ad, tlb). (IFLA_BOND_XMIT_HASH_POLICY) */
  xmitHashPolicy: Schema.optional(Schema.Union([Schema.Literals(["layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac"]), P.intBetween(P.U8, 0, 5)])),
  /** IGMP reports sent after a failover. (IFLA_BOND_RESEND_IGMP) */
  resendIgmp: Schema.optional(P.intBetween(P.U32, 0, 255)),
  /** Peer notifications (gratuitous ARP / unsolicited NA) after a failover. (IFLA_BOND_NUM_PEER_NOTIF) */
  numPeerNotif: Schema.optional(P.U8),
  /** Deliver duplicate frames received on inactive ports (1). (IFLA_BOND_ALL_SLAVES_ACTIVE) */
  allSlavesActive: Schema.optional(Schema.Boolean),
  /** Minimum active ports before asserting carrier. (IFLA_BOND_MIN_LINKS) */
  minLinks: Schema.optional(P.U32),
  /** Seconds between learning packets to the peer switch (tlb, alb). Unit: seconds. (IFLA_BOND_LP_INTERVAL) */
  lpInterval: Schema.optional(P.intBetween(P.U32, 1, 2147483647)),
  /** Packets sent through a port before moving on (balance-rr). (IFLA_BOND_PACKETS_PER_SLAVE) */
  packetsPerSlave: Schema.optional(P.intBetween(P.U32, 0, 65535)),
  /** LACPDU rate requested from the partner (802.3ad). (IFLA_BOND_AD_LACP_RATE) */
  lacpRate: Schema.optional(Schema.Union([Schema.Literals(["slow", "fast"]), P.intBetween(P.U8, 0, 1)])),
  /** Aggregator selection logic (802.3ad). (IFLA_BOND_AD_SELECT) */
  adSelect: Schema.optional(Schema.Union([Schema.Literals(["stable", "bandwidth", "count", "prio"]), P.intBetween(P.U8, 0, 3)])),
  /** System priority (802.3ad). (IFLA_BOND_AD_ACTOR_SYS_PRIO) */
  adActorSysPrio: Schema.optional(P.intBetween(P.U16, 1, 65535)),
  /** Upper 10 bits of the port key (802.3ad). (IFLA_BOND_AD_USER_PORT_KEY) */
  adUserPortKey: Schema.optional(P.intBetween(P.U16, 0, 1023)),
  /** System MAC address in LACPDUs (802.3ad). (IFLA_BOND_AD_ACTOR_SYSTEM) */
  adActorSystem: Schema.optional(P.MacAddress),
  /** Dynamic flow shuffling (balance-tlb, balance-alb). (IFLA_BOND_TLB_DYNAMIC_LB) */
  tlbDynamicLb: Schema.optional(Schema.Boolean),
  /** Delay between peer notifications in ms (multiple of miimon). Unit: milliseconds. (IFLA_BOND_PEER_NOTIF_DELAY) */
  peerNotifyDelay: Schema.optional(P.U32),
  /** Send LACPDUs periodically (1) or only in reply (0). (IFLA_BOND_AD_LACP_ACTIVE) */
  lacpActive: Schema.optional(Schema.Boolean),
  /** ARP/NS monitor intervals a port may miss before it is down. (IFLA_BOND_MISSED_MAX) */
  missedMax: Schema.optional(P.intBetween(P.U8, 1, 255)),
  /** Coupled (1) or independent (0) collecting/distributing (802.3ad). (IFLA_BOND_COUPLED_CONTROL) */
  coupledControl: Schema.optional(Schema.Boolean),
  /** Broadcast ARP/ND to all ports (802.3ad). (IFLA_BOND_BROADCAST_NEIGH) */
  broadcastNeighbor: Schema.optional(Schema.Boolean),
}
/** The bond view's configuration. */
export interface BondOptions {
  /** Bonding mode; changing it needs the bond down and without ports. (IFLA_BOND_MODE) */
  readonly mode?: "balance-rr" | "active-backup" | "balance-xor" | "broadcast" | "802.3ad" | "balance-tlb" | "balance-alb" | number
  /** Ifindex of the active port (active-backup, tlb, alb); 0 clears. (IFLA_BOND_ACTIVE_SLAVE) */
  readonly activeSlave?: string | number
  /** MII link monitoring interval in ms; 0 disables. Unit: milliseconds. (IFLA_BOND_MIIMON) */
  readonly miimon?: number
  /** Delay before enabling a port after link up, in ms (multiple of miimon). Unit: milliseconds. (IFLA_BOND_UPDELAY) */
  readonly updelay?: number
  /** Delay before disabling a port after link down, in ms (multiple of miimon). Unit: milliseconds. (IFLA_BOND_DOWNDELAY) */
  readonly downdelay?: number
  /** Use netif_carrier for MII monitoring (1) or ethtool/ioctls (0). (IFLA_BOND_USE_CARRIER) */
  readonly useCarrier?: boolean
  /** ARP monitoring interval in ms; 0 disables. Unit: milliseconds. (IFLA_BOND_ARP_INTERVAL) */
  readonly arpInterval?: number
  /** Which ARP probes/replies validate a port. (IFLA_BOND_ARP_VALIDATE) */
  readonly arpValidate?: "none" | "active" | "backup" | "all" | "filter" | "filter_active" | "filter_backup" | number
  /** Port is up if any (0) or all (1) targets answer. (IFLA_BOND_ARP_ALL_TARGETS) */
  readonly arpAllTargets?: "any" | "all" | number
  /** Ifindex of the preferred port; 0 clears. (IFLA_BOND_PRIMARY) */
  readonly primary?: string | number
  /** When the primary becomes active again. (IFLA_BOND_PRIMARY_RESELECT) */
  readonly primaryReselect?: "always" | "better" | "failure" | number
  /** MAC address policy on failover (active-backup). (IFLA_BOND_FAIL_OVER_MAC) */
  readonly failOverMac?: "none" | "active" | "follow" | number
  /** Transmit hash policy (balance-xor, 802.3ad, tlb). (IFLA_BOND_XMIT_HASH_POLICY) */
  readonly xmitHashPolicy?: "layer2" | "layer3+4" | "layer2+3" | "encap2+3" | "encap3+4" | "vlan+srcmac" | number
  /** IGMP reports sent after a failover. (IFLA_BOND_RESEND_IGMP) */
  readonly resendIgmp?: number
  /** Peer notifications (gratuitous ARP / unsolicited NA) after a failover. (IFLA_BOND_NUM_PEER_NOTIF) */
  readonly numPeerNotif?: number
  /** Deliver duplicate frames received on inactive ports (1). (IFLA_BOND_ALL_SLAVES_ACTIVE) */
  readonly allSlavesActive?: boolean
  /** Minimum active ports before asserting carrier. (IFLA_BOND_MIN_LINKS) */
  readonly minLinks?: number
  /** Seconds between learning packets to the peer switch (tlb, alb). Unit: seconds. (IFLA_BOND_LP_INTERVAL) */
  readonly lpInterval?: number
  /** Packets sent through a port before moving on (balance-rr). (IFLA_BOND_PACKETS_PER_SLAVE) */
  readonly packetsPerSlave?: number
  /** LACPDU rate requested from the partner (802.3ad). (IFLA_BOND_AD_LACP_RATE) */
  readonly lacpRate?: "slow" | "fast" | number
  /** Aggregator selection logic (802.3ad). (IFLA_BOND_AD_SELECT) */
  readonly adSelect?: "stable" | "bandwidth" | "count" | "prio" | number
  /** System priority (802.3ad). (IFLA_BOND_AD_ACTOR_SYS_PRIO) */
  readonly adActorSysPrio?: number
  /** Upper 10 bits of the port key (802.3ad). (IFLA_BOND_AD_USER_PORT_KEY) */
  readonly adUserPortKey?: number
  /** System MAC address in LACPDUs (802.3ad). (IFLA_BOND_AD_ACTOR_SYSTEM) */
  readonly adActorSystem?: string
  /** Dynamic flow shuffling (balance-tlb, balance-alb). (IFLA_BOND_TLB_DYNAMIC_LB) */
  readonly tlbDynamicLb?: boolean
  /** Delay between peer notifications in ms (multiple of miimon). Unit: milliseconds. (IFLA_BOND_PEER_NOTIF_DELAY) */
  readonly peerNotifyDelay?: number
  /** Send LACPDUs periodically (1) or only in reply (0). (IFLA_BOND_AD_LACP_ACTIVE) */
  readonly lacpActive?: boolean
  /** ARP/NS monitor intervals a port may miss before it is down. (IFLA_BOND_MISSED_MAX) */
  readonly missedMax?: number
  /** Coupled (1) or independent (0) collecting/distributing (802.3ad). (IFLA_BOND_COUPLED_CONTROL) */
  readonly coupledControl?: boolean
  /** Broadcast ARP/ND to all ports (802.3ad). (IFLA_BOND_BROADCAST_NEIGH) */
  readonly broadcastNeighbor?: boolean
}
/** What the kernel reports by itself in linkinfo-bond-attrs. */
export interface BondStatus {
  /** Active aggregator (802.3ad, read only). (IFLA_BOND_AD_INFO) */
  readonly adInfo?: LinkinfoBondAttrs["adInfo"]
}
/** Fields of the bond view that name devices. */
export const bondDevices: ReadonlyArray<string> = ["activeSlave", "primary"]
/** bond options → linkinfo-bond-attrs (device fields from `devices`, resolved by the engine). */
export const bondToWire = (o: BondOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoBondAttrs => {
  const w: { -readonly [K in keyof LinkinfoBondAttrs]: LinkinfoBondAttrs[K] } = {}
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : bondModeNames[o.mode]
  if (o.activeSlave !== undefined) w.activeSlave = deviceIndex(o.activeSlave, "activeSlave", devices)
  if (o.miimon !== undefined) w.miimon = o.miimon
  if (o.updelay !== undefined) w.updelay = o.updelay
  if (o.downdelay !== undefined) w.downdelay = o.downdelay
  if (o.useCarrier !== undefined) w.useCarrier = o.useCarrier ? 1 : 0
  if (o.arpInterval !== undefined) w.arpInterval = o.arpInterval
  if (o.arpValidate !== undefined) w.arpValidate = typeof o.arpValidate === "number" ? o.arpValidate : bondArpValidateNames[o.arpValidate]
  if (o.arpAllTargets !== undefined) w.arpAllTargets = typeof o.arpAllTargets === "number" ? o.arpAllTargets : bondArpAllTargetsNames[o.arpAllTargets]
  if (o.primary !== undefined) w.primary = deviceIndex(o.primary, "primary", devices)
  if (o.primaryReselect !== undefined) w.primaryReselect = typeof o.primaryReselect === "number" ? o.primaryReselect : bondPrimaryReselectNames[o.primaryReselect]
  if (o.failOverMac !== undefined) w.failOverMac = typeof o.failOverMac === "number" ? o.failOverMac : bondFailOverMacNames[o.failOverMac]
  if (o.xmitHashPolicy !== undefined) w.xmitHashPolicy = typeof o.xmitHashPolicy === "number" ? o.xmitHashPolicy : bondXmitHashPolicyNames[o.xmitHashPolicy]
  if (o.resendIgmp !== undefined) w.resendIgmp = o.resendIgmp
  if (o.numPeerNotif !== undefined) w.numPeerNotif = o.numPeerNotif
  if (o.allSlavesActive !== undefined) w.allSlavesActive = o.allSlavesActive ? 1 : 0
  if (o.minLinks !== undefined) w.minLinks = o.minLinks
  if (o.lpInterval !== undefined) w.lpInterval = o.lpInterval
  if (o.packetsPerSlave !== undefined) w.packetsPerSlave = o.packetsPerSlave
  if (o.lacpRate !== undefined) w.adLacpRate = typeof o.lacpRate === "number" ? o.lacpRate : bondLacpRateNames[o.lacpRate]
  if (o.adSelect !== undefined) w.adSelect = typeof o.adSelect === "number" ? o.adSelect : bondAdSelectNames[o.adSelect]
  if (o.adActorSysPrio !== undefined) w.adActorSysPrio = o.adActorSysPrio
  if (o.adUserPortKey !== undefined) w.adUserPortKey = o.adUserPortKey
  if (o.adActorSystem !== undefined) w.adActorSystem = o.adActorSystem
  if (o.tlbDynamicLb !== undefined) w.tlbDynamicLb = o.tlbDynamicLb ? 1 : 0
  if (o.peerNotifyDelay !== undefined) w.peerNotifDelay = o.peerNotifyDelay
  if (o.lacpActive !== undefined) w.adLacpActive = o.lacpActive ? 1 : 0
  if (o.missedMax !== undefined) w.missedMax = o.missedMax
  if (o.coupledControl !== undefined) w.coupledControl = o.coupledControl ? 1 : 0
  if (o.broadcastNeighbor !== undefined) w.broadcastNeigh = o.broadcastNeighbor ? 1 : 0
  return w
}
/** linkinfo-bond-attrs → bond options (configuration; device indexes named by `name`), written into `into` when given. */
export const bondFromWire = (a: LinkinfoBondAttrs, name: (index: number) => string | number = (i) => i, into?: object): BondOptions => {
  const o: { -readonly [K in keyof BondOptions]?: BondOptions[K] } = into ?? {}
  if (a.mode !== undefined) o.mode = (bondModeByNumber[a.mode] ?? a.mode) as any
  if (a.activeSlave !== undefined && a.activeSlave !== 0) o.activeSlave = name(a.activeSlave)
  if (a.miimon !== undefined) o.miimon = a.miimon
  if (a.updelay !== undefined) o.updelay = a.updelay
  if (a.downdelay !== undefined) o.downdelay = a.downdelay
  if (a.useCarrier !== undefined) o.useCarrier = a.useCarrier !== 0
  if (a.arpInterval !== undefined) o.arpInterval = a.arpInterval
  if (a.arpValidate !== undefined) o.arpValidate = (bondArpValidateByNumber[a.arpValidate] ?? a.arpValidate) as any
  if (a.arpAllTargets !== undefined) o.arpAllTargets = (bondArpAllTargetsByNumber[a.arpAllTargets] ?? a.arpAllTargets) as any
  if (a.primary !== undefined && a.primary !== 0) o.primary = name(a.primary)
  if (a.primaryReselect !== undefined) o.primaryReselect = (bondPrimaryReselectByNumber[a.primaryReselect] ?? a.primaryReselect) as any
  if (a.failOverMac !== undefined) o.failOverMac = (bondFailOverMacByNumber[a.failOverMac] ?? a.failOverMac) as any
  if (a.xmitHashPolicy !== undefined) o.xmitHashPolicy = (bondXmitHashPolicyByNumber[a.xmitHashPolicy] ?? a.xmitHashPolicy) as any
  if (a.resendIgmp !== undefined) o.resendIgmp = a.resendIgmp
  if (a.numPeerNotif !== undefined) o.numPeerNotif = a.numPeerNotif
  if (a.allSlavesActive !== undefined) o.allSlavesActive = a.allSlavesActive !== 0
  if (a.minLinks !== undefined) o.minLinks = a.minLinks
  if (a.lpInterval !== undefined) o.lpInterval = a.lpInterval
  if (a.packetsPerSlave !== undefined) o.packetsPerSlave = a.packetsPerSlave
  if (a.adLacpRate !== undefined) o.lacpRate = (bondLacpRateByNumber[a.adLacpRate] ?? a.adLacpRate) as any
  if (a.adSelect !== undefined) o.adSelect = (bondAdSelectByNumber[a.adSelect] ?? a.adSelect) as any
  if (a.adActorSysPrio !== undefined) o.adActorSysPrio = a.adActorSysPrio
  if (a.adUserPortKey !== undefined) o.adUserPortKey = a.adUserPortKey
  if (a.adActorSystem !== undefined) o.adActorSystem = a.adActorSystem
  if (a.tlbDynamicLb !== undefined) o.tlbDynamicLb = a.tlbDynamicLb !== 0
  if (a.peerNotifDelay !== undefined) o.peerNotifyDelay = a.peerNotifDelay
  if (a.adLacpActive !== undefined) o.lacpActive = a.adLacpActive !== 0
  if (a.missedMax !== undefined) o.missedMax = a.missedMax
  if (a.coupledControl !== undefined) o.coupledControl = a.coupledControl !== 0
  if (a.broadcastNeigh !== undefined) o.broadcastNeighbor = a.broadcastNeigh !== 0
  return o as BondOptions
}
/** The status fields of the bond view and the linkinfo-bond-attrs field each reads. */
export const bondStatusFields: Readonly<Record<string, keyof LinkinfoBondAttrs>> = { "adInfo": "adInfo" }
/** The status attributes of linkinfo-bond-attrs, or undefined when there are none. */
export const bondStatusFromWire = (a: LinkinfoBondAttrs): BondStatus | undefined => {
  let s: { -readonly [K in keyof BondStatus]: BondStatus[K] } | undefined
  if (a.adInfo !== undefined) (s ??= {}).adInfo = a.adInfo
  return s
}
/** The kernel's defaults of the bond view, for canonical forms. */
export const bondDefaults: Partial<BondOptions> = {
  mode: "balance-rr",
}
/** Options of the bond view without a known default: compared only when both sides give them. */
export const bondKernelChosen: ReadonlyArray<string> = ["activeSlave", "miimon", "updelay", "downdelay", "useCarrier", "arpInterval", "arpValidate", "arpAllTargets", "primary", "primaryReselect", "failOverMac", "xmitHashPolicy", "resendIgmp", "numPeerNotif", "allSlavesActive", "minLinks", "lpInterval", "packetsPerSlave", "lacpRate", "adSelect", "adActorSysPrio", "adUserPortKey", "adActorSystem", "tlbDynamicLb", "peerNotifyDelay", "lacpActive", "missedMax", "coupledControl", "broadcastNeighbor"]
/** bond options with the kernel's defaults filled in and enum numbers named. */
export const bondCanonical = (o: BondOptions): BondOptions => {
  const c: any = { ...bondDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = bondModeByNumber[c.mode] ?? c.mode
  if (typeof c.arpValidate === "number") c.arpValidate = bondArpValidateByNumber[c.arpValidate] ?? c.arpValidate
  if (typeof c.arpAllTargets === "number") c.arpAllTargets = bondArpAllTargetsByNumber[c.arpAllTargets] ?? c.arpAllTargets
  if (typeof c.primaryReselect === "number") c.primaryReselect = bondPrimaryReselectByNumber[c.primaryReselect] ?? c.primaryReselect
  if (typeof c.failOverMac === "number") c.failOverMac = bondFailOverMacByNumber[c.failOverMac] ?? c.failOverMac
  if (typeof c.xmitHashPolicy === "number") c.xmitHashPolicy = bondXmitHashPolicyByNumber[c.xmitHashPolicy] ?? c.xmitHashPolicy
  if (typeof c.lacpRate === "number") c.lacpRate = bondLacpRateByNumber[c.lacpRate] ?? c.lacpRate
  if (typeof c.adSelect === "number") c.adSelect = bondAdSelectByNumber[c.adSelect] ?? c.adSelect
  return c
}
/** Input Schema fields of the bond-port view (linkinfo-bond-port-attrs). */
export const BondPortFields = {
  /** Transmit queue id of the port. (IFLA_BOND_SLAVE_QUEUE_ID) */
  queueId: Schema.optional(P.U16),
  /** Port priority for active port reselection. (IFLA_BOND_SLAVE_PRIO) */
  prio: Schema.optional(P.S32),
  /** LACP actor port priority (802.3ad, ad_select prio). (IFLA_BOND_SLAVE_ACTOR_PORT_PRIO) */
  actorPortPrio: Schema.optional(P.U16),
}
/** The bond-port view's configuration. */
export interface BondPortOptions {
  /** Transmit queue id of the port. (IFLA_BOND_SLAVE_QUEUE_ID) */
  readonly queueId?: number
  /** Port priority for active port reselection. (IFLA_BOND_SLAVE_PRIO) */
  readonly prio?: number
  /** LACP actor port priority (802.3ad, ad_select prio). (IFLA_BOND_SLAVE_ACTOR_PORT_PRIO) */
  readonly actorPortPrio?: number
}
/** What the kernel reports by itself in linkinfo-bond-port-attrs. */
export interface BondPortStatus {
  /** Active or backup (read only). (IFLA_BOND_SLAVE_STATE) */
  readonly state?: LinkinfoBondPortAttrs["state"]
  /** Link state seen by the bond (read only). (IFLA_BOND_SLAVE_MII_STATUS) */
  readonly miiStatus?: LinkinfoBondPortAttrs["miiStatus"]
  /** Link failures counted (read only). (IFLA_BOND_SLAVE_LINK_FAILURE_COUNT) */
  readonly linkFailureCount?: LinkinfoBondPortAttrs["linkFailureCount"]
  /** The port's own MAC address (read only). (IFLA_BOND_SLAVE_PERM_HWADDR) */
  readonly permHwaddr?: LinkinfoBondPortAttrs["permHwaddr"]
  /** Aggregator id (802.3ad, read only). (IFLA_BOND_SLAVE_AD_AGGREGATOR_ID) */
  readonly adAggregatorId?: LinkinfoBondPortAttrs["adAggregatorId"]
  /** Actor LACP state bits (802.3ad, read only). (IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE) */
  readonly adActorOperPortState?: LinkinfoBondPortAttrs["adActorOperPortState"]
  /** Partner LACP state bits (802.3ad, read only). (IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE) */
  readonly adPartnerOperPortState?: LinkinfoBondPortAttrs["adPartnerOperPortState"]
  /** Actor churn detection state (802.3ad, read only). (IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE) */
  readonly adChurnActorState?: LinkinfoBondPortAttrs["adChurnActorState"]
  /** Partner churn detection state (802.3ad, read only). (IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE) */
  readonly adChurnPartnerState?: LinkinfoBondPortAttrs["adChurnPartnerState"]
}
/** Fields of the bond-port view that name devices. */
export const bondPortDevices: ReadonlyArray<string> = []
/** bond-port options → linkinfo-bond-port-attrs (device fields from `devices`, resolved by the engine). */
export const bondPortToWire = (o: BondPortOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoBondPortAttrs => {
  const w: { -readonly [K in keyof LinkinfoBondPortAttrs]: LinkinfoBondPortAttrs[K] } = {}
  void devices
  if (o.queueId !== undefined) w.queueId = o.queueId
  if (o.prio !== undefined) w.prio = o.prio
  if (o.actorPortPrio !== undefined) w.actorPortPrio = o.actorPortPrio
  return w
}
/** linkinfo-bond-port-attrs → bond-port options (configuration; device indexes named by `name`), written into `into` when given. */
export const bondPortFromWire = (a: LinkinfoBondPortAttrs, name: (index: number) => string | number = (i) => i, into?: object): BondPortOptions => {
  const o: { -readonly [K in keyof BondPortOptions]?: BondPortOptions[K] } = into ?? {}
  void name
  if (a.queueId !== undefined) o.queueId = a.queueId
  if (a.prio !== undefined) o.prio = a.prio
  if (a.actorPortPrio !== undefined) o.actorPortPrio = a.actorPortPrio
  return o as BondPortOptions
}
/** The status fields of the bond-port view and the linkinfo-bond-port-attrs field each reads. */
export const bondPortStatusFields: Readonly<Record<string, keyof LinkinfoBondPortAttrs>> = { "state": "state", "miiStatus": "miiStatus", "linkFailureCount": "linkFailureCount", "permHwaddr": "permHwaddr", "adAggregatorId": "adAggregatorId", "adActorOperPortState": "adActorOperPortState", "adPartnerOperPortState": "adPartnerOperPortState", "adChurnActorState": "adChurnActorState", "adChurnPartnerState": "adChurnPartnerState" }
/** The status attributes of linkinfo-bond-port-attrs, or undefined when there are none. */
export const bondPortStatusFromWire = (a: LinkinfoBondPortAttrs): BondPortStatus | undefined => {
  let s: { -readonly [K in keyof BondPortStatus]: BondPortStatus[K] } | undefined
  if (a.state !== undefined) (s ??= {}).state = a.state
  if (a.miiStatus !== undefined) (s ??= {}).miiStatus = a.miiStatus
  if (a.linkFailureCount !== undefined) (s ??= {}).linkFailureCount = a.linkFailureCount
  if (a.permHwaddr !== undefined) (s ??= {}).permHwaddr = a.permHwaddr
  if (a.adAggregatorId !== undefined) (s ??= {}).adAggregatorId = a.adAggregatorId
  if (a.adActorOperPortState !== undefined) (s ??= {}).adActorOperPortState = a.adActorOperPortState
  if (a.adPartnerOperPortState !== undefined) (s ??= {}).adPartnerOperPortState = a.adPartnerOperPortState
  if (a.adChurnActorState !== undefined) (s ??= {}).adChurnActorState = a.adChurnActorState
  if (a.adChurnPartnerState !== undefined) (s ??= {}).adChurnPartnerState = a.adChurnPartnerState
  return s
}
/** The kernel's defaults of the bond-port view, for canonical forms. */
export const bondPortDefaults: Partial<BondPortOptions> = {
}
/** Options of the bond-port view without a known default: compared only when both sides give them. */
export const bondPortKernelChosen: ReadonlyArray<string> = ["queueId", "prio", "actorPortPrio"]
/** bond-port options with the kernel's defaults filled in and enum numbers named. */
export const bondPortCanonical = (o: BondPortOptions): BondPortOptions => {
  const c: any = { ...bondPortDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
/** Input Schema fields of the vrf view (linkinfo-vrf-attrs). */
export const VrfFields = {
  /** Routing table of the VRF; required when creating. (IFLA_VRF_TABLE) */
  table: P.U32,
}
/** The vrf view's configuration. */
export interface VrfOptions {
  /** Routing table of the VRF; required when creating. (IFLA_VRF_TABLE) */
  readonly table: number
}
/** What the kernel reports by itself in linkinfo-vrf-attrs. */
export interface VrfStatus {
}
/** Fields of the vrf view that name devices. */
export const vrfDevices: ReadonlyArray<string> = []
/** vrf options → linkinfo-vrf-attrs (device fields from `devices`, resolved by the engine). */
export const vrfToWire = (o: VrfOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoVrfAttrs => {
  const w: { -readonly [K in keyof LinkinfoVrfAttrs]: LinkinfoVrfAttrs[K] } = {}
  void devices
  if (o.table !== undefined) w.table = o.table
  return w
}
/** linkinfo-vrf-attrs → vrf options (configuration; device indexes named by `name`), written into `into` when given. */
export const vrfFromWire = (a: LinkinfoVrfAttrs, name: (index: number) => string | number = (i) => i, into?: object): VrfOptions => {
  const o: { -readonly [K in keyof VrfOptions]?: VrfOptions[K] } = into ?? {}
  void name
  if (a.table !== undefined) o.table = a.table
  return o as VrfOptions
}
/** The status fields of the vrf view and the linkinfo-vrf-attrs field each reads. */
export const vrfStatusFields: Readonly<Record<string, keyof LinkinfoVrfAttrs>> = {}
/** The status attributes of linkinfo-vrf-attrs, or undefined when there are none. */
export const vrfStatusFromWire = (a: LinkinfoVrfAttrs): VrfStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the vrf view, for canonical forms. */
export const vrfDefaults: Partial<VrfOptions> = {
}
/** Options of the vrf view without a known default: compared only when both sides give them. */
export const vrfKernelChosen: ReadonlyArray<string> = []
/** vrf options with the kernel's defaults filled in and enum numbers named. */
export const vrfCanonical = (o: VrfOptions): VrfOptions => {
  const c: any = { ...vrfDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
/** Input Schema fields of the vrf-port view (linkinfo-vrf-port-attrs). */
export const VrfPortFields = {
}
/** The vrf-port view's configuration. */
export interface VrfPortOptions {
}
/** What the kernel reports by itself in linkinfo-vrf-port-attrs. */
export interface VrfPortStatus {
  /** Routing table of the port's VRF (read only). (IFLA_VRF_PORT_TABLE) */
  readonly table?: LinkinfoVrfPortAttrs["table"]
}
/** Fields of the vrf-port view that name devices. */
export const vrfPortDevices: ReadonlyArray<string> = []
/** vrf-port options → linkinfo-vrf-port-attrs (device fields from `devices`, resolved by the engine). */
export const vrfPortToWire = (o: VrfPortOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoVrfPortAttrs => {
  const w: { -readonly [K in keyof LinkinfoVrfPortAttrs]: LinkinfoVrfPortAttrs[K] } = {}
  void devices
  return w
}
/** linkinfo-vrf-port-attrs → vrf-port options (configuration; device indexes named by `name`), written into `into` when given. */
export const vrfPortFromWire = (a: LinkinfoVrfPortAttrs, name: (index: number) => string | number = (i) => i, into?: object): VrfPortOptions => {
  const o: { -readonly [K in keyof VrfPortOptions]?: VrfPortOptions[K] } = into ?? {}
  void name
  return o as VrfPortOptions
}
/** The status fields of the vrf-port view and the linkinfo-vrf-port-attrs field each reads. */
export const vrfPortStatusFields: Readonly<Record<string, keyof LinkinfoVrfPortAttrs>> = { "table": "table" }
/** The status attributes of linkinfo-vrf-port-attrs, or undefined when there are none. */
export const vrfPortStatusFromWire = (a: LinkinfoVrfPortAttrs): VrfPortStatus | undefined => {
  let s: { -readonly [K in keyof VrfPortStatus]: VrfPortStatus[K] } | undefined
  if (a.table !== undefined) (s ??= {}).table = a.table
  return s
}
/** The kernel's defaults of the vrf-port view, for canonical forms. */
export const vrfPortDefaults: Partial<VrfPortOptions> = {
}
/** Options of the vrf-port view without a known default: compared only when both sides give them. */
export const vrfPortKernelChosen: ReadonlyArray<string> = []
/** vrf-port options with the kernel's defaults filled in and enum numbers named. */
export const vrfPortCanonical = (o: VrfPortOptions): VrfPortOptions => {
  const c: any = { ...vrfPortDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
const greEncapNames = { "none": 0, "fou": 1, "gue": 2, "mpls": 3 } as const
const greEncapByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "fou", "2": "gue", "3": "mpls" }
/** Input Schema fields of the gre view (linkinfo-gre-attrs). */
export const GreFields = {
  /** Ifindex of the underlay device. (IFLA_GRE_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Local endpoint. (IFLA_GRE_LOCAL) */
  local: Schema.optional(P.IPv4),
  /** Remote endpoint. (IFLA_GRE_REMOTE) */
  remote: Schema.optional(P.IPv4),
  /** Path MTU discovery (1 on). (IFLA_GRE_PMTUDISC) */
  pmtudisc: Schema.optional(Schema.Boolean),
  /** Outer UDP encapsulation. (IFLA_GRE_ENCAP_TYPE) */
  encap: Schema.optional(Schema.Union([Schema.Literals(["none", "fou", "gue", "mpls"]), P.intBetween(P.U16, 0, 3)])),
  /** Encapsulation UDP destination port. (IFLA_GRE_ENCAP_DPORT) */
  encapDport: Schema.optional(P.U16),
  /** External control (metadata) mode. (IFLA_GRE_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
  /** Ignore the inner DF bit (1 on). (IFLA_GRE_IGNORE_DF) */
  ignoreDf: Schema.optional(Schema.Boolean),
  /** Firewall mark of the outer packets. (IFLA_GRE_FWMARK) */
  fwmark: Schema.optional(P.U32),
  /** ERSPAN v1 session index (20 bits). (IFLA_GRE_ERSPAN_INDEX) */
  erspan: Schema.optional(P.intBetween(P.U32, 0, 1048575)),
  /** ERSPAN version (1 or 2). (IFLA_GRE_ERSPAN_VER) */
  erspanVer: Schema.optional(P.intBetween(P.U8, 0, 2)),
  /** ERSPAN v2 hardware id (6 bits). (IFLA_GRE_ERSPAN_HWID) */
  erspanHwid: Schema.optional(P.intBetween(P.U16, 0, 63)),
}
/** The gre view's configuration. */
export interface GreOptions {
  /** Ifindex of the underlay device. (IFLA_GRE_LINK) */
  readonly dev?: string | number
  /** Local endpoint. (IFLA_GRE_LOCAL) */
  readonly local?: string
  /** Remote endpoint. (IFLA_GRE_REMOTE) */
  readonly remote?: string
  /** Path MTU discovery (1 on). (IFLA_GRE_PMTUDISC) */
  readonly pmtudisc?: boolean
  /** Outer UDP encapsulation. (IFLA_GRE_ENCAP_TYPE) */
  readonly encap?: "none" | "fou" | "gue" | "mpls" | number
  /** Encapsulation UDP destination port. (IFLA_GRE_ENCAP_DPORT) */
  readonly encapDport?: number
  /** External control (metadata) mode. (IFLA_GRE_COLLECT_METADATA) */
  readonly external?: boolean
  /** Ignore the inner DF bit (1 on). (IFLA_GRE_IGNORE_DF) */
  readonly ignoreDf?: boolean
  /** Firewall mark of the outer packets. (IFLA_GRE_FWMARK) */
  readonly fwmark?: number
  /** ERSPAN v1 session index (20 bits). (IFLA_GRE_ERSPAN_INDEX) */
  readonly erspan?: number
  /** ERSPAN version (1 or 2). (IFLA_GRE_ERSPAN_VER) */
  readonly erspanVer?: number
  /** ERSPAN v2 hardware id (6 bits). (IFLA_GRE_ERSPAN_HWID) */
  readonly erspanHwid?: number
}
/** What the kernel reports by itself in linkinfo-gre-attrs. */
export interface GreStatus {
}
/** Fields of the gre view that name devices. */
export const greDevices: ReadonlyArray<string> = ["dev"]
/** gre options → linkinfo-gre-attrs (device fields from `devices`, resolved by the engine). */
export const greToWire = (o: GreOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoGreAttrs => {
  const w: { -readonly [K in keyof LinkinfoGreAttrs]: LinkinfoGreAttrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.local !== undefined) w.local = o.local
  if (o.remote !== undefined) w.remote = o.remote
  if (o.pmtudisc !== undefined) w.pmtudisc = o.pmtudisc ? 1 : 0
  if (o.encap !== undefined) w.encapType = typeof o.encap === "number" ? o.encap : greEncapNames[o.encap]
  if (o.encapDport !== undefined) w.encapDport = o.encapDport
  if (o.external === true) w.collectMetadata = true
  if (o.ignoreDf !== undefined) w.ignoreDf = o.ignoreDf ? 1 : 0
  if (o.fwmark !== undefined) w.fwmark = o.fwmark
  if (o.erspan !== undefined) w.erspanIndex = o.erspan
  if (o.erspanVer !== undefined) w.erspanVer = o.erspanVer
  if (o.erspanHwid !== undefined) w.erspanHwid = o.erspanHwid
  return w
}
/** linkinfo-gre-attrs → gre options (configuration; device indexes named by `name`), written into `into` when given. */
export const greFromWire = (a: LinkinfoGreAttrs, name: (index: number) => string | number = (i) => i, into?: object): GreOptions => {
  const o: { -readonly [K in keyof GreOptions]?: GreOptions[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.local !== undefined) o.local = a.local
  if (a.remote !== undefined) o.remote = a.remote
  if (a.pmtudisc !== undefined) o.pmtudisc = a.pmtudisc !== 0
  if (a.encapType !== undefined) o.encap = (greEncapByNumber[a.encapType] ?? a.encapType) as any
  if (a.encapDport !== undefined) o.encapDport = a.encapDport
  o.external = a.collectMetadata === true
  if (a.ignoreDf !== undefined) o.ignoreDf = a.ignoreDf !== 0
  if (a.fwmark !== undefined) o.fwmark = a.fwmark
  if (a.erspanIndex !== undefined) o.erspan = a.erspanIndex
  if (a.erspanVer !== undefined) o.erspanVer = a.erspanVer
  if (a.erspanHwid !== undefined) o.erspanHwid = a.erspanHwid
  return o as GreOptions
}
/** The status fields of the gre view and the linkinfo-gre-attrs field each reads. */
export const greStatusFields: Readonly<Record<string, keyof LinkinfoGreAttrs>> = {}
/** The status attributes of linkinfo-gre-attrs, or undefined when there are none. */
export const greStatusFromWire = (a: LinkinfoGreAttrs): GreStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the gre view, for canonical forms. */
export const greDefaults: Partial<GreOptions> = {
  local: "0.0.0.0",
  remote: "0.0.0.0",
  pmtudisc: true,
  encap: "none",
  encapDport: 0,
  external: false,
  ignoreDf: false,
  fwmark: 0,
}
/** Options of the gre view without a known default: compared only when both sides give them. */
export const greKernelChosen: ReadonlyArray<string> = ["dev", "erspan", "erspanVer", "erspanHwid"]
/** gre options with the kernel's defaults filled in and enum numbers named. */
export const greCanonical = (o: GreOptions): GreOptions => {
  const c: any = { ...greDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.encap === "number") c.encap = greEncapByNumber[c.encap] ?? c.encap
  return c
}
const ip6greEncapNames = { "none": 0, "fou": 1, "gue": 2, "mpls": 3 } as const
const ip6greEncapByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "fou", "2": "gue", "3": "mpls" }
/** Input Schema fields of the ip6gre view (linkinfo-ip6gre-attrs). */
export const Ip6greFields = {
  /** Ifindex of the underlay device. (IFLA_GRE_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Local endpoint. (IFLA_GRE_LOCAL) */
  local: Schema.optional(P.IPv6),
  /** Remote endpoint. (IFLA_GRE_REMOTE) */
  remote: Schema.optional(P.IPv6),
  /** Hop limit. (IFLA_GRE_TTL) */
  hoplimit: Schema.optional(P.U8),
  /** Outer UDP encapsulation. (IFLA_GRE_ENCAP_TYPE) */
  encap: Schema.optional(Schema.Union([Schema.Literals(["none", "fou", "gue", "mpls"]), P.intBetween(P.U16, 0, 3)])),
  /** Encapsulation UDP destination port. (IFLA_GRE_ENCAP_DPORT) */
  encapDport: Schema.optional(P.U16),
  /** External control (metadata) mode. (IFLA_GRE_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
  /** ERSPAN v1 session index (20 bits). (IFLA_GRE_ERSPAN_INDEX) */
  erspan: Schema.optional(P.intBetween(P.U32, 0, 1048575)),
  /** ERSPAN version (1 or 2). (IFLA_GRE_ERSPAN_VER) */
  erspanVer: Schema.optional(P.intBetween(P.U8, 0, 2)),
  /** ERSPAN v2 hardware id (6 bits). (IFLA_GRE_ERSPAN_HWID) */
  erspanHwid: Schema.optional(P.intBetween(P.U16, 0, 63)),
}
/** The ip6gre view's configuration. */
export interface Ip6greOptions {
  /** Ifindex of the underlay device. (IFLA_GRE_LINK) */
  readonly dev?: string | number
  /** Local endpoint. (IFLA_GRE_LOCAL) */
  readonly local?: string
  /** Remote endpoint. (IFLA_GRE_REMOTE) */
  readonly remote?: string
  /** Hop limit. (IFLA_GRE_TTL) */
  readonly hoplimit?: number
  /** Outer UDP encapsulation. (IFLA_GRE_ENCAP_TYPE) */
  readonly encap?: "none" | "fou" | "gue" | "mpls" | number
  /** Encapsulation UDP destination port. (IFLA_GRE_ENCAP_DPORT) */
  readonly encapDport?: number
  /** External control (metadata) mode. (IFLA_GRE_COLLECT_METADATA) */
  readonly external?: boolean
  /** ERSPAN v1 session index (20 bits). (IFLA_GRE_ERSPAN_INDEX) */
  readonly erspan?: number
  /** ERSPAN version (1 or 2). (IFLA_GRE_ERSPAN_VER) */
  readonly erspanVer?: number
  /** ERSPAN v2 hardware id (6 bits). (IFLA_GRE_ERSPAN_HWID) */
  readonly erspanHwid?: number
}
/** What the kernel reports by itself in linkinfo-ip6gre-attrs. */
export interface Ip6greStatus {
}
/** Fields of the ip6gre view that name devices. */
export const ip6greDevices: ReadonlyArray<string> = ["dev"]
/** ip6gre options → linkinfo-ip6gre-attrs (device fields from `devices`, resolved by the engine). */
export const ip6greToWire = (o: Ip6greOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoIp6greAttrs => {
  const w: { -readonly [K in keyof LinkinfoIp6greAttrs]: LinkinfoIp6greAttrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.local !== undefined) w.local = o.local
  if (o.remote !== undefined) w.remote = o.remote
  if (o.hoplimit !== undefined) w.ttl = o.hoplimit
  if (o.encap !== undefined) w.encapType = typeof o.encap === "number" ? o.encap : ip6greEncapNames[o.encap]
  if (o.encapDport !== undefined) w.encapDport = o.encapDport
  if (o.external === true) w.collectMetadata = true
  if (o.erspan !== undefined) w.erspanIndex = o.erspan
  if (o.erspanVer !== undefined) w.erspanVer = o.erspanVer
  if (o.erspanHwid !== undefined) w.erspanHwid = o.erspanHwid
  return w
}
/** linkinfo-ip6gre-attrs → ip6gre options (configuration; device indexes named by `name`), written into `into` when given. */
export const ip6greFromWire = (a: LinkinfoIp6greAttrs, name: (index: number) => string | number = (i) => i, into?: object): Ip6greOptions => {
  const o: { -readonly [K in keyof Ip6greOptions]?: Ip6greOptions[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.local !== undefined) o.local = a.local
  if (a.remote !== undefined) o.remote = a.remote
  if (a.ttl !== undefined) o.hoplimit = a.ttl
  if (a.encapType !== undefined) o.encap = (ip6greEncapByNumber[a.encapType] ?? a.encapType) as any
  if (a.encapDport !== undefined) o.encapDport = a.encapDport
  o.external = a.collectMetadata === true
  if (a.erspanIndex !== undefined) o.erspan = a.erspanIndex
  if (a.erspanVer !== undefined) o.erspanVer = a.erspanVer
  if (a.erspanHwid !== undefined) o.erspanHwid = a.erspanHwid
  return o as Ip6greOptions
}
/** The status fields of the ip6gre view and the linkinfo-ip6gre-attrs field each reads. */
export const ip6greStatusFields: Readonly<Record<string, keyof LinkinfoIp6greAttrs>> = {}
/** The status attributes of linkinfo-ip6gre-attrs, or undefined when there are none. */
export const ip6greStatusFromWire = (a: LinkinfoIp6greAttrs): Ip6greStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the ip6gre view, for canonical forms. */
export const ip6greDefaults: Partial<Ip6greOptions> = {
  local: "::",
  remote: "::",
  hoplimit: 64,
  encap: "none",
  encapDport: 0,
  external: false,
}
/** Options of the ip6gre view without a known default: compared only when both sides give them. */
export const ip6greKernelChosen: ReadonlyArray<string> = ["dev", "erspan", "erspanVer", "erspanHwid"]
/** ip6gre options with the kernel's defaults filled in and enum numbers named. */
export const ip6greCanonical = (o: Ip6greOptions): Ip6greOptions => {
  const c: any = { ...ip6greDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.encap === "number") c.encap = ip6greEncapByNumber[c.encap] ?? c.encap
  return c
}
const iptunEncapNames = { "none": 0, "fou": 1, "gue": 2, "mpls": 3 } as const
const iptunEncapByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "fou", "2": "gue", "3": "mpls" }
/** Input Schema fields of the iptun view (linkinfo-iptun-attrs). */
export const IptunFields = {
  /** Ifindex of the underlay device (0: none). (IFLA_IPTUN_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Local endpoint. (IFLA_IPTUN_LOCAL) */
  local: Schema.optional(P.IPv4),
  /** Remote endpoint. (IFLA_IPTUN_REMOTE) */
  remote: Schema.optional(P.IPv4),
  /** Path MTU discovery (1 on). (IFLA_IPTUN_PMTUDISC) */
  pmtudisc: Schema.optional(Schema.Boolean),
  /** Outer UDP encapsulation. (IFLA_IPTUN_ENCAP_TYPE) */
  encap: Schema.optional(Schema.Union([Schema.Literals(["none", "fou", "gue", "mpls"]), P.intBetween(P.U16, 0, 3)])),
  /** Encapsulation UDP destination port. (IFLA_IPTUN_ENCAP_DPORT) */
  encapDport: Schema.optional(P.U16),
  /** External control (metadata) mode. (IFLA_IPTUN_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
  /** Firewall mark of the outer packets. (IFLA_IPTUN_FWMARK) */
  fwmark: Schema.optional(P.U32),
}
/** The iptun view's configuration. */
export interface IptunOptions {
  /** Ifindex of the underlay device (0: none). (IFLA_IPTUN_LINK) */
  readonly dev?: string | number
  /** Local endpoint. (IFLA_IPTUN_LOCAL) */
  readonly local?: string
  /** Remote endpoint. (IFLA_IPTUN_REMOTE) */
  readonly remote?: string
  /** Path MTU discovery (1 on). (IFLA_IPTUN_PMTUDISC) */
  readonly pmtudisc?: boolean
  /** Outer UDP encapsulation. (IFLA_IPTUN_ENCAP_TYPE) */
  readonly encap?: "none" | "fou" | "gue" | "mpls" | number
  /** Encapsulation UDP destination port. (IFLA_IPTUN_ENCAP_DPORT) */
  readonly encapDport?: number
  /** External control (metadata) mode. (IFLA_IPTUN_COLLECT_METADATA) */
  readonly external?: boolean
  /** Firewall mark of the outer packets. (IFLA_IPTUN_FWMARK) */
  readonly fwmark?: number
}
/** What the kernel reports by itself in linkinfo-iptun-attrs. */
export interface IptunStatus {
}
/** Fields of the iptun view that name devices. */
export const iptunDevices: ReadonlyArray<string> = ["dev"]
/** iptun options → linkinfo-iptun-attrs (device fields from `devices`, resolved by the engine). */
export const iptunToWire = (o: IptunOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoIptunAttrs => {
  const w: { -readonly [K in keyof LinkinfoIptunAttrs]: LinkinfoIptunAttrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.local !== undefined) w.local = o.local
  if (o.remote !== undefined) w.remote = o.remote
  if (o.pmtudisc !== undefined) w.pmtudisc = o.pmtudisc ? 1 : 0
  if (o.encap !== undefined) w.encapType = typeof o.encap === "number" ? o.encap : iptunEncapNames[o.encap]
  if (o.encapDport !== undefined) w.encapDport = o.encapDport
  if (o.external === true) w.collectMetadata = true
  if (o.fwmark !== undefined) w.fwmark = o.fwmark
  return w
}
/** linkinfo-iptun-attrs → iptun options (configuration; device indexes named by `name`), written into `into` when given. */
export const iptunFromWire = (a: LinkinfoIptunAttrs, name: (index: number) => string | number = (i) => i, into?: object): IptunOptions => {
  const o: { -readonly [K in keyof IptunOptions]?: IptunOptions[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.local !== undefined) o.local = a.local
  if (a.remote !== undefined) o.remote = a.remote
  if (a.pmtudisc !== undefined) o.pmtudisc = a.pmtudisc !== 0
  if (a.encapType !== undefined) o.encap = (iptunEncapByNumber[a.encapType] ?? a.encapType) as any
  if (a.encapDport !== undefined) o.encapDport = a.encapDport
  o.external = a.collectMetadata === true
  if (a.fwmark !== undefined) o.fwmark = a.fwmark
  return o as IptunOptions
}
/** The status fields of the iptun view and the linkinfo-iptun-attrs field each reads. */
export const iptunStatusFields: Readonly<Record<string, keyof LinkinfoIptunAttrs>> = {}
/** The status attributes of linkinfo-iptun-attrs, or undefined when there are none. */
export const iptunStatusFromWire = (a: LinkinfoIptunAttrs): IptunStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the iptun view, for canonical forms. */
export const iptunDefaults: Partial<IptunOptions> = {
  local: "0.0.0.0",
  remote: "0.0.0.0",
  pmtudisc: true,
  encap: "none",
  encapDport: 0,
  external: false,
  fwmark: 0,
}
/** Options of the iptun view without a known default: compared only when both sides give them. */
export const iptunKernelChosen: ReadonlyArray<string> = ["dev"]
/** iptun options with the kernel's defaults filled in and enum numbers named. */
export const iptunCanonical = (o: IptunOptions): IptunOptions => {
  const c: any = { ...iptunDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.encap === "number") c.encap = iptunEncapByNumber[c.encap] ?? c.encap
  return c
}
const ip6tnlEncapNames = { "none": 0, "fou": 1, "gue": 2, "mpls": 3 } as const
const ip6tnlEncapByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "fou", "2": "gue", "3": "mpls" }
/** Input Schema fields of the ip6tnl view (linkinfo-ip6tnl-attrs). */
export const Ip6tnlFields = {
  /** Ifindex of the underlay device (0: none). (IFLA_IPTUN_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Local endpoint. (IFLA_IPTUN_LOCAL) */
  local: Schema.optional(P.IPv6),
  /** Remote endpoint. (IFLA_IPTUN_REMOTE) */
  remote: Schema.optional(P.IPv6),
  /** Hop limit. (IFLA_IPTUN_TTL) */
  hoplimit: Schema.optional(P.U8),
  /** Outer UDP encapsulation. (IFLA_IPTUN_ENCAP_TYPE) */
  encap: Schema.optional(Schema.Union([Schema.Literals(["none", "fou", "gue", "mpls"]), P.intBetween(P.U16, 0, 3)])),
  /** Encapsulation UDP destination port. (IFLA_IPTUN_ENCAP_DPORT) */
  encapDport: Schema.optional(P.U16),
  /** External control (metadata) mode. (IFLA_IPTUN_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
}
/** The ip6tnl view's configuration. */
export interface Ip6tnlOptions {
  /** Ifindex of the underlay device (0: none). (IFLA_IPTUN_LINK) */
  readonly dev?: string | number
  /** Local endpoint. (IFLA_IPTUN_LOCAL) */
  readonly local?: string
  /** Remote endpoint. (IFLA_IPTUN_REMOTE) */
  readonly remote?: string
  /** Hop limit. (IFLA_IPTUN_TTL) */
  readonly hoplimit?: number
  /** Outer UDP encapsulation. (IFLA_IPTUN_ENCAP_TYPE) */
  readonly encap?: "none" | "fou" | "gue" | "mpls" | number
  /** Encapsulation UDP destination port. (IFLA_IPTUN_ENCAP_DPORT) */
  readonly encapDport?: number
  /** External control (metadata) mode. (IFLA_IPTUN_COLLECT_METADATA) */
  readonly external?: boolean
}
/** What the kernel reports by itself in linkinfo-ip6tnl-attrs. */
export interface Ip6tnlStatus {
}
/** Fields of the ip6tnl view that name devices. */
export const ip6tnlDevices: ReadonlyArray<string> = ["dev"]
/** ip6tnl options → linkinfo-ip6tnl-attrs (device fields from `devices`, resolved by the engine). */
export const ip6tnlToWire = (o: Ip6tnlOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoIp6tnlAttrs => {
  const w: { -readonly [K in keyof LinkinfoIp6tnlAttrs]: LinkinfoIp6tnlAttrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.local !== undefined) w.local = o.local
  if (o.remote !== undefined) w.remote = o.remote
  if (o.hoplimit !== undefined) w.ttl = o.hoplimit
  if (o.encap !== undefined) w.encapType = typeof o.encap === "number" ? o.encap : ip6tnlEncapNames[o.encap]
  if (o.encapDport !== undefined) w.encapDport = o.encapDport
  if (o.external === true) w.collectMetadata = true
  return w
}
/** linkinfo-ip6tnl-attrs → ip6tnl options (configuration; device indexes named by `name`), written into `into` when given. */
export const ip6tnlFromWire = (a: LinkinfoIp6tnlAttrs, name: (index: number) => string | number = (i) => i, into?: object): Ip6tnlOptions => {
  const o: { -readonly [K in keyof Ip6tnlOptions]?: Ip6tnlOptions[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.local !== undefined) o.local = a.local
  if (a.remote !== undefined) o.remote = a.remote
  if (a.ttl !== undefined) o.hoplimit = a.ttl
  if (a.encapType !== undefined) o.encap = (ip6tnlEncapByNumber[a.encapType] ?? a.encapType) as any
  if (a.encapDport !== undefined) o.encapDport = a.encapDport
  o.external = a.collectMetadata === true
  return o as Ip6tnlOptions
}
/** The status fields of the ip6tnl view and the linkinfo-ip6tnl-attrs field each reads. */
export const ip6tnlStatusFields: Readonly<Record<string, keyof LinkinfoIp6tnlAttrs>> = {}
/** The status attributes of linkinfo-ip6tnl-attrs, or undefined when there are none. */
export const ip6tnlStatusFromWire = (a: LinkinfoIp6tnlAttrs): Ip6tnlStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the ip6tnl view, for canonical forms. */
export const ip6tnlDefaults: Partial<Ip6tnlOptions> = {
  local: "::",
  remote: "::",
  hoplimit: 64,
  encap: "none",
  encapDport: 0,
  external: false,
}
/** Options of the ip6tnl view without a known default: compared only when both sides give them. */
export const ip6tnlKernelChosen: ReadonlyArray<string> = ["dev"]
/** ip6tnl options with the kernel's defaults filled in and enum numbers named. */
export const ip6tnlCanonical = (o: Ip6tnlOptions): Ip6tnlOptions => {
  const c: any = { ...ip6tnlDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.encap === "number") c.encap = ip6tnlEncapByNumber[c.encap] ?? c.encap
  return c
}
/** Input Schema fields of the vti view (linkinfo-vti-attrs). */
export const VtiFields = {
  /** Ifindex of the underlay device. (IFLA_VTI_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Input key (the xfrm mark of inbound policies). (IFLA_VTI_IKEY) */
  ikey: Schema.optional(P.U32),
  /** Output key. (IFLA_VTI_OKEY) */
  okey: Schema.optional(P.U32),
  /** Local endpoint. (IFLA_VTI_LOCAL) */
  local: Schema.optional(P.IPv4),
  /** Remote endpoint. (IFLA_VTI_REMOTE) */
  remote: Schema.optional(P.IPv4),
  /** Firewall mark of the outer packets. (IFLA_VTI_FWMARK) */
  fwmark: Schema.optional(P.U32),
}
/** The vti view's configuration. */
export interface VtiOptions {
  /** Ifindex of the underlay device. (IFLA_VTI_LINK) */
  readonly dev?: string | number
  /** Input key (the xfrm mark of inbound policies). (IFLA_VTI_IKEY) */
  readonly ikey?: number
  /** Output key. (IFLA_VTI_OKEY) */
  readonly okey?: number
  /** Local endpoint. (IFLA_VTI_LOCAL) */
  readonly local?: string
  /** Remote endpoint. (IFLA_VTI_REMOTE) */
  readonly remote?: string
  /** Firewall mark of the outer packets. (IFLA_VTI_FWMARK) */
  readonly fwmark?: number
}
/** What the kernel reports by itself in linkinfo-vti-attrs. */
export interface VtiStatus {
}
/** Fields of the vti view that name devices. */
export const vtiDevices: ReadonlyArray<string> = ["dev"]
/** vti options → linkinfo-vti-attrs (device fields from `devices`, resolved by the engine). */
export const vtiToWire = (o: VtiOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoVtiAttrs => {
  const w: { -readonly [K in keyof LinkinfoVtiAttrs]: LinkinfoVtiAttrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.ikey !== undefined) w.ikey = o.ikey
  if (o.okey !== undefined) w.okey = o.okey
  if (o.local !== undefined) w.local = o.local
  if (o.remote !== undefined) w.remote = o.remote
  if (o.fwmark !== undefined) w.fwmark = o.fwmark
  return w
}
/** linkinfo-vti-attrs → vti options (configuration; device indexes named by `name`), written into `into` when given. */
export const vtiFromWire = (a: LinkinfoVtiAttrs, name: (index: number) => string | number = (i) => i, into?: object): VtiOptions => {
  const o: { -readonly [K in keyof VtiOptions]?: VtiOptions[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.ikey !== undefined) o.ikey = a.ikey
  if (a.okey !== undefined) o.okey = a.okey
  if (a.local !== undefined) o.local = a.local
  if (a.remote !== undefined) o.remote = a.remote
  if (a.fwmark !== undefined) o.fwmark = a.fwmark
  return o as VtiOptions
}
/** The status fields of the vti view and the linkinfo-vti-attrs field each reads. */
export const vtiStatusFields: Readonly<Record<string, keyof LinkinfoVtiAttrs>> = {}
/** The status attributes of linkinfo-vti-attrs, or undefined when there are none. */
export const vtiStatusFromWire = (a: LinkinfoVtiAttrs): VtiStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the vti view, for canonical forms. */
export const vtiDefaults: Partial<VtiOptions> = {
  ikey: 0,
  okey: 0,
  local: "0.0.0.0",
  remote: "0.0.0.0",
  fwmark: 0,
}
/** Options of the vti view without a known default: compared only when both sides give them. */
export const vtiKernelChosen: ReadonlyArray<string> = ["dev"]
/** vti options with the kernel's defaults filled in and enum numbers named. */
export const vtiCanonical = (o: VtiOptions): VtiOptions => {
  const c: any = { ...vtiDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
/** Input Schema fields of the vti6 view (linkinfo-vti6-attrs). */
export const Vti6Fields = {
  /** Ifindex of the underlay device. (IFLA_VTI_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Input key (the xfrm mark of inbound policies). (IFLA_VTI_IKEY) */
  ikey: Schema.optional(P.U32),
  /** Output key. (IFLA_VTI_OKEY) */
  okey: Schema.optional(P.U32),
  /** Local endpoint. (IFLA_VTI_LOCAL) */
  local: Schema.optional(P.IPv6),
  /** Remote endpoint. (IFLA_VTI_REMOTE) */
  remote: Schema.optional(P.IPv6),
  /** Firewall mark of the outer packets. (IFLA_VTI_FWMARK) */
  fwmark: Schema.optional(P.U32),
}
/** The vti6 view's configuration. */
export interface Vti6Options {
  /** Ifindex of the underlay device. (IFLA_VTI_LINK) */
  readonly dev?: string | number
  /** Input key (the xfrm mark of inbound policies). (IFLA_VTI_IKEY) */
  readonly ikey?: number
  /** Output key. (IFLA_VTI_OKEY) */
  readonly okey?: number
  /** Local endpoint. (IFLA_VTI_LOCAL) */
  readonly local?: string
  /** Remote endpoint. (IFLA_VTI_REMOTE) */
  readonly remote?: string
  /** Firewall mark of the outer packets. (IFLA_VTI_FWMARK) */
  readonly fwmark?: number
}
/** What the kernel reports by itself in linkinfo-vti6-attrs. */
export interface Vti6Status {
}
/** Fields of the vti6 view that name devices. */
export const vti6Devices: ReadonlyArray<string> = ["dev"]
/** vti6 options → linkinfo-vti6-attrs (device fields from `devices`, resolved by the engine). */
export const vti6ToWire = (o: Vti6Options, devices: Readonly<Record<string, number>> = {}): LinkinfoVti6Attrs => {
  const w: { -readonly [K in keyof LinkinfoVti6Attrs]: LinkinfoVti6Attrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.ikey !== undefined) w.ikey = o.ikey
  if (o.okey !== undefined) w.okey = o.okey
  if (o.local !== undefined) w.local = o.local
  if (o.remote !== undefined) w.remote = o.remote
  if (o.fwmark !== undefined) w.fwmark = o.fwmark
  return w
}
/** linkinfo-vti6-attrs → vti6 options (configuration; device indexes named by `name`), written into `into` when given. */
export const vti6FromWire = (a: LinkinfoVti6Attrs, name: (index: number) => string | number = (i) => i, into?: object): Vti6Options => {
  const o: { -readonly [K in keyof Vti6Options]?: Vti6Options[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.ikey !== undefined) o.ikey = a.ikey
  if (a.okey !== undefined) o.okey = a.okey
  if (a.local !== undefined) o.local = a.local
  if (a.remote !== undefined) o.remote = a.remote
  if (a.fwmark !== undefined) o.fwmark = a.fwmark
  return o as Vti6Options
}
/** The status fields of the vti6 view and the linkinfo-vti6-attrs field each reads. */
export const vti6StatusFields: Readonly<Record<string, keyof LinkinfoVti6Attrs>> = {}
/** The status attributes of linkinfo-vti6-attrs, or undefined when there are none. */
export const vti6StatusFromWire = (a: LinkinfoVti6Attrs): Vti6Status | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the vti6 view, for canonical forms. */
export const vti6Defaults: Partial<Vti6Options> = {
  ikey: 0,
  okey: 0,
  local: "::",
  remote: "::",
  fwmark: 0,
}
/** Options of the vti6 view without a known default: compared only when both sides give them. */
export const vti6KernelChosen: ReadonlyArray<string> = ["dev"]
/** vti6 options with the kernel's defaults filled in and enum numbers named. */
export const vti6Canonical = (o: Vti6Options): Vti6Options => {
  const c: any = { ...vti6Defaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
/** Input Schema fields of the xfrm view (linkinfo-xfrm-attrs). */
export const XfrmFields = {
  /** Ifindex of the underlay device. (IFLA_XFRM_LINK) */
  dev: Schema.optional(DeviceRef),
  /** Interface id matched by xfrm states and policies (non-zero unless external). (IFLA_XFRM_IF_ID) */
  ifId: Schema.optional(P.U32),
  /** External control (metadata) mode. (IFLA_XFRM_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
}
/** The xfrm view's configuration. */
export interface XfrmOptions {
  /** Ifindex of the underlay device. (IFLA_XFRM_LINK) */
  readonly dev?: string | number
  /** Interface id matched by xfrm states and policies (non-zero unless external). (IFLA_XFRM_IF_ID) */
  readonly ifId?: number
  /** External control (metadata) mode. (IFLA_XFRM_COLLECT_METADATA) */
  readonly external?: boolean
}
/** What the kernel reports by itself in linkinfo-xfrm-attrs. */
export interface XfrmStatus {
}
/** Fields of the xfrm view that name devices. */
export const xfrmDevices: ReadonlyArray<string> = ["dev"]
/** xfrm options → linkinfo-xfrm-attrs (device fields from `devices`, resolved by the engine). */
export const xfrmToWire = (o: XfrmOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoXfrmAttrs => {
  const w: { -readonly [K in keyof LinkinfoXfrmAttrs]: LinkinfoXfrmAttrs[K] } = {}
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.ifId !== undefined) w.ifId = o.ifId
  if (o.external === true) w.collectMetadata = true
  return w
}
/** linkinfo-xfrm-attrs → xfrm options (configuration; device indexes named by `name`), written into `into` when given. */
export const xfrmFromWire = (a: LinkinfoXfrmAttrs, name: (index: number) => string | number = (i) => i, into?: object): XfrmOptions => {
  const o: { -readonly [K in keyof XfrmOptions]?: XfrmOptions[K] } = into ?? {}
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.ifId !== undefined) o.ifId = a.ifId
  o.external = a.collectMetadata === true
  return o as XfrmOptions
}
/** The status fields of the xfrm view and the linkinfo-xfrm-attrs field each reads. */
export const xfrmStatusFields: Readonly<Record<string, keyof LinkinfoXfrmAttrs>> = {}
/** The status attributes of linkinfo-xfrm-attrs, or undefined when there are none. */
export const xfrmStatusFromWire = (a: LinkinfoXfrmAttrs): XfrmStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the xfrm view, for canonical forms. */
export const xfrmDefaults: Partial<XfrmOptions> = {
  external: false,
}
/** Options of the xfrm view without a known default: compared only when both sides give them. */
export const xfrmKernelChosen: ReadonlyArray<string> = ["dev", "ifId"]
/** xfrm options with the kernel's defaults filled in and enum numbers named. */
export const xfrmCanonical = (o: XfrmOptions): XfrmOptions => {
  const c: any = { ...xfrmDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
const geneveTtlWords = { "auto": 0 } as const
const geneveTtlByNumber: Readonly<Record<number, string>> = { "0": "auto" }
const geneveDfNames = { "unset": 0, "set": 1, "inherit": 2 } as const
const geneveDfByNumber: Readonly<Record<number, string>> = { "0": "unset", "1": "set", "2": "inherit" }
/** Input Schema fields of the geneve view (linkinfo-geneve-attrs). */
export const GeneveFields = {
  /** Virtual network identifier (24 bits). (IFLA_GENEVE_ID) */
  id: Schema.optional(P.intBetween(P.U32, 0, 16777215)),
  /** Outer TTL; 0 (auto) picks the route's. (IFLA_GENEVE_TTL) */
  ttl: Schema.optional(Schema.Union([Schema.Literals(["auto", "inherit"]), P.U8])),
  /** UDP destination port. (IFLA_GENEVE_PORT) */
  dstport: Schema.optional(P.U16),
  /** External control (metadata) mode. (IFLA_GENEVE_COLLECT_METADATA) */
  external: Schema.optional(Schema.Boolean),
  /** UDP checksum over IPv4 (1 on). (IFLA_GENEVE_UDP_CSUM) */
  udpcsum: Schema.optional(Schema.Boolean),
  /** Send zero UDP checksums over IPv6 (1 on). (IFLA_GENEVE_UDP_ZERO_CSUM6_TX) */
  udp6zerocsumtx: Schema.optional(Schema.Boolean),
  /** Accept zero UDP checksums over IPv6 (1 on). (IFLA_GENEVE_UDP_ZERO_CSUM6_RX) */
  udp6zerocsumrx: Schema.optional(Schema.Boolean),
  /** IPv6 flow label (20 bits). (IFLA_GENEVE_LABEL) */
  flowlabel: Schema.optional(P.intBetween(P.U32, 0, 1048575)),
  /** Outer DF bit policy. (IFLA_GENEVE_DF) */
  df: Schema.optional(Schema.Union([Schema.Literals(["unset", "set", "inherit"]), P.intBetween(P.U8, 0, 2)])),
  /** Carry the inner protocol without an Ethernet header. (IFLA_GENEVE_INNER_PROTO_INHERIT) */
  innerprotoinherit: Schema.optional(Schema.Boolean),
}
/** The geneve view's configuration. */
export interface GeneveOptions {
  /** Virtual network identifier (24 bits). (IFLA_GENEVE_ID) */
  readonly id?: number
  /** Outer TTL; 0 (auto) picks the route's. (IFLA_GENEVE_TTL) */
  readonly ttl?: number | "auto" | "inherit"
  /** UDP destination port. (IFLA_GENEVE_PORT) */
  readonly dstport?: number
  /** External control (metadata) mode. (IFLA_GENEVE_COLLECT_METADATA) */
  readonly external?: boolean
  /** UDP checksum over IPv4 (1 on). (IFLA_GENEVE_UDP_CSUM) */
  readonly udpcsum?: boolean
  /** Send zero UDP checksums over IPv6 (1 on). (IFLA_GENEVE_UDP_ZERO_CSUM6_TX) */
  readonly udp6zerocsumtx?: boolean
  /** Accept zero UDP checksums over IPv6 (1 on). (IFLA_GENEVE_UDP_ZERO_CSUM6_RX) */
  readonly udp6zerocsumrx?: boolean
  /** IPv6 flow label (20 bits). (IFLA_GENEVE_LABEL) */
  readonly flowlabel?: number
  /** Outer DF bit policy. (IFLA_GENEVE_DF) */
  readonly df?: "unset" | "set" | "inherit" | number
  /** Carry the inner protocol without an Ethernet header. (IFLA_GENEVE_INNER_PROTO_INHERIT) */
  readonly innerprotoinherit?: boolean
}
/** What the kernel reports by itself in linkinfo-geneve-attrs. */
export interface GeneveStatus {
}
/** Fields of the geneve view that name devices. */
export const geneveDevices: ReadonlyArray<string> = []
/** geneve options → linkinfo-geneve-attrs (device fields from `devices`, resolved by the engine). */
export const geneveToWire = (o: GeneveOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoGeneveAttrs => {
  const w: { -readonly [K in keyof LinkinfoGeneveAttrs]: LinkinfoGeneveAttrs[K] } = {}
  void devices
  if (o.id !== undefined) w.id = o.id
  if (o.ttl !== undefined) {
    if (o.ttl === "inherit") w.ttlInherit = 1
    else w.ttl = typeof o.ttl === "number" ? o.ttl : geneveTtlWords[o.ttl as keyof typeof geneveTtlWords]
  }
  if (o.dstport !== undefined) w.port = o.dstport
  if (o.external === true) w.collectMetadata = true
  if (o.udpcsum !== undefined) w.udpCsum = o.udpcsum ? 1 : 0
  if (o.udp6zerocsumtx !== undefined) w.udpZeroCsum6Tx = o.udp6zerocsumtx ? 1 : 0
  if (o.udp6zerocsumrx !== undefined) w.udpZeroCsum6Rx = o.udp6zerocsumrx ? 1 : 0
  if (o.flowlabel !== undefined) w.label = o.flowlabel
  if (o.df !== undefined) w.df = typeof o.df === "number" ? o.df : geneveDfNames[o.df]
  if (o.innerprotoinherit === true) w.innerProtoInherit = true
  return w
}
/** linkinfo-geneve-attrs → geneve options (configuration; device indexes named by `name`), written into `into` when given. */
export const geneveFromWire = (a: LinkinfoGeneveAttrs, name: (index: number) => string | number = (i) => i, into?: object): GeneveOptions => {
  const o: { -readonly [K in keyof GeneveOptions]?: GeneveOptions[K] } = into ?? {}
  void name
  if (a.id !== undefined) o.id = a.id
  if ((a.ttlInherit !== undefined && a.ttlInherit !== 0)) o.ttl = "inherit"
  else if (a.ttl !== undefined) o.ttl = (geneveTtlByNumber[a.ttl] ?? a.ttl) as any
  if (a.port !== undefined) o.dstport = a.port
  o.external = a.collectMetadata === true
  if (a.udpCsum !== undefined) o.udpcsum = a.udpCsum !== 0
  if (a.udpZeroCsum6Tx !== undefined) o.udp6zerocsumtx = a.udpZeroCsum6Tx !== 0
  if (a.udpZeroCsum6Rx !== undefined) o.udp6zerocsumrx = a.udpZeroCsum6Rx !== 0
  if (a.label !== undefined) o.flowlabel = a.label
  if (a.df !== undefined) o.df = (geneveDfByNumber[a.df] ?? a.df) as any
  o.innerprotoinherit = a.innerProtoInherit === true
  return o as GeneveOptions
}
/** The status fields of the geneve view and the linkinfo-geneve-attrs field each reads. */
export const geneveStatusFields: Readonly<Record<string, keyof LinkinfoGeneveAttrs>> = {}
/** The status attributes of linkinfo-geneve-attrs, or undefined when there are none. */
export const geneveStatusFromWire = (a: LinkinfoGeneveAttrs): GeneveStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the geneve view, for canonical forms. */
export const geneveDefaults: Partial<GeneveOptions> = {
  ttl: "auto",
  dstport: 6081,
  external: false,
  flowlabel: 0,
  df: "unset",
  innerprotoinherit: false,
}
/** Options of the geneve view without a known default: compared only when both sides give them. */
export const geneveKernelChosen: ReadonlyArray<string> = ["id", "udpcsum", "udp6zerocsumtx", "udp6zerocsumrx"]
/** geneve options with the kernel's defaults filled in and enum numbers named. */
export const geneveCanonical = (o: GeneveOptions): GeneveOptions => {
  const c: any = { ...geneveDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.ttl === "number") c.ttl = geneveTtlByNumber[c.ttl] ?? c.ttl
  if (typeof c.df === "number") c.df = geneveDfByNumber[c.df] ?? c.df
  return c
}
const bareudpEthertypeNames = { "ipv4": 2048, "ipv6": 34525, "mpls_uc": 34887, "mpls_mc": 34888 } as const
const bareudpEthertypeByNumber: Readonly<Record<number, string>> = { "2048": "ipv4", "34525": "ipv6", "34887": "mpls_uc", "34888": "mpls_mc" }
/** Input Schema fields of the bareudp view (linkinfo-bareudp-attrs). */
export const BareudpFields = {
  /** UDP destination port; required. (IFLA_BAREUDP_PORT) */
  dstport: P.U16,
  /** Inner protocol; required. (IFLA_BAREUDP_ETHERTYPE) */
  ethertype: Schema.Union([Schema.Literals(["ipv4", "ipv6", "mpls_uc", "mpls_mc"]), P.U16]),
  /** Lowest UDP source port. (IFLA_BAREUDP_SRCPORT_MIN) */
  srcportmin: Schema.optional(P.U16),
  /** Also carry the family's other protocol (IPv6 with IPv4, MPLS multicast with unicast). (IFLA_BAREUDP_MULTIPROTO_MODE) */
  multiproto: Schema.optional(Schema.Boolean),
}
/** The bareudp view's configuration. */
export interface BareudpOptions {
  /** UDP destination port; required. (IFLA_BAREUDP_PORT) */
  readonly dstport: number
  /** Inner protocol; required. (IFLA_BAREUDP_ETHERTYPE) */
  readonly ethertype: "ipv4" | "ipv6" | "mpls_uc" | "mpls_mc" | number
  /** Lowest UDP source port. (IFLA_BAREUDP_SRCPORT_MIN) */
  readonly srcportmin?: number
  /** Also carry the family's other protocol (IPv6 with IPv4, MPLS multicast with unicast). (IFLA_BAREUDP_MULTIPROTO_MODE) */
  readonly multiproto?: boolean
}
/** What the kernel reports by itself in linkinfo-bareudp-attrs. */
export interface BareudpStatus {
}
/** Fields of the bareudp view that name devices. */
export const bareudpDevices: ReadonlyArray<string> = []
/** bareudp options → linkinfo-bareudp-attrs (device fields from `devices`, resolved by the engine). */
export const bareudpToWire = (o: BareudpOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoBareudpAttrs => {
  const w: { -readonly [K in keyof LinkinfoBareudpAttrs]: LinkinfoBareudpAttrs[K] } = {}
  void devices
  if (o.dstport !== undefined) w.port = o.dstport
  if (o.ethertype !== undefined) w.ethertype = typeof o.ethertype === "number" ? o.ethertype : bareudpEthertypeNames[o.ethertype]
  if (o.srcportmin !== undefined) w.srcportMin = o.srcportmin
  if (o.multiproto === true) w.multiprotoMode = true
  return w
}
/** linkinfo-bareudp-attrs → bareudp options (configuration; device indexes named by `name`), written into `into` when given. */
export const bareudpFromWire = (a: LinkinfoBareudpAttrs, name: (index: number) => string | number = (i) => i, into?: object): BareudpOptions => {
  const o: { -readonly [K in keyof BareudpOptions]?: BareudpOptions[K] } = into ?? {}
  void name
  if (a.port !== undefined) o.dstport = a.port
  if (a.ethertype !== undefined) o.ethertype = (bareudpEthertypeByNumber[a.ethertype] ?? a.ethertype) as any
  if (a.srcportMin !== undefined) o.srcportmin = a.srcportMin
  o.multiproto = a.multiprotoMode === true
  return o as BareudpOptions
}
/** The status fields of the bareudp view and the linkinfo-bareudp-attrs field each reads. */
export const bareudpStatusFields: Readonly<Record<string, keyof LinkinfoBareudpAttrs>> = {}
/** The status attributes of linkinfo-bareudp-attrs, or undefined when there are none. */
export const bareudpStatusFromWire = (a: LinkinfoBareudpAttrs): BareudpStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the bareudp view, for canonical forms. */
export const bareudpDefaults: Partial<BareudpOptions> = {
  multiproto: false,
}
/** Options of the bareudp view without a known default: compared only when both sides give them. */
export const bareudpKernelChosen: ReadonlyArray<string> = ["srcportmin"]
/** bareudp options with the kernel's defaults filled in and enum numbers named. */
export const bareudpCanonical = (o: BareudpOptions): BareudpOptions => {
  const c: any = { ...bareudpDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.ethertype === "number") c.ethertype = bareudpEthertypeByNumber[c.ethertype] ?? c.ethertype
  return c
}
const ipvlanModeNames = { "l2": 0, "l3": 1, "l3s": 2 } as const
const ipvlanModeByNumber: Readonly<Record<number, string>> = { "0": "l2", "1": "l3", "2": "l3s" }
/** Input Schema fields of the ipvlan view (linkinfo-ipvlan-attrs). */
export const IpvlanFields = {
  /** Mode. (IFLA_IPVLAN_MODE) */
  mode: Schema.optional(Schema.Union([Schema.Literals(["l2", "l3", "l3s"]), P.intBetween(P.U16, 0, 2)])),
}
/** The ipvlan view's configuration. */
export interface IpvlanOptions {
  /** Mode. (IFLA_IPVLAN_MODE) */
  readonly mode?: "l2" | "l3" | "l3s" | number
}
/** What the kernel reports by itself in linkinfo-ipvlan-attrs. */
export interface IpvlanStatus {
}
/** Fields of the ipvlan view that name devices. */
export const ipvlanDevices: ReadonlyArray<string> = []
/** ipvlan options → linkinfo-ipvlan-attrs (device fields from `devices`, resolved by the engine). */
export const ipvlanToWire = (o: IpvlanOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoIpvlanAttrs => {
  const w: { -readonly [K in keyof LinkinfoIpvlanAttrs]: LinkinfoIpvlanAttrs[K] } = {}
  void devices
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : ipvlanModeNames[o.mode]
  return w
}
/** linkinfo-ipvlan-attrs → ipvlan options (configuration; device indexes named by `name`), written into `into` when given. */
export const ipvlanFromWire = (a: LinkinfoIpvlanAttrs, name: (index: number) => string | number = (i) => i, into?: object): IpvlanOptions => {
  const o: { -readonly [K in keyof IpvlanOptions]?: IpvlanOptions[K] } = into ?? {}
  void name
  if (a.mode !== undefined) o.mode = (ipvlanModeByNumber[a.mode] ?? a.mode) as any
  return o as IpvlanOptions
}
/** The status fields of the ipvlan view and the linkinfo-ipvlan-attrs field each reads. */
export const ipvlanStatusFields: Readonly<Record<string, keyof LinkinfoIpvlanAttrs>> = {}
/** The status attributes of linkinfo-ipvlan-attrs, or undefined when there are none. */
export const ipvlanStatusFromWire = (a: LinkinfoIpvlanAttrs): IpvlanStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the ipvlan view, for canonical forms. */
export const ipvlanDefaults: Partial<IpvlanOptions> = {
  mode: "l3",
}
/** Options of the ipvlan view without a known default: compared only when both sides give them. */
export const ipvlanKernelChosen: ReadonlyArray<string> = []
/** ipvlan options with the kernel's defaults filled in and enum numbers named. */
export const ipvlanCanonical = (o: IpvlanOptions): IpvlanOptions => {
  const c: any = { ...ipvlanDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = ipvlanModeByNumber[c.mode] ?? c.mode
  return c
}
const macsecValidateNames = { "disabled": 0, "check": 1, "strict": 2 } as const
const macsecValidateByNumber: Readonly<Record<number, string>> = { "0": "disabled", "1": "check", "2": "strict" }
const macsecOffloadNames = { "off": 0, "phy": 1, "mac": 2 } as const
const macsecOffloadByNumber: Readonly<Record<number, string>> = { "0": "off", "1": "phy", "2": "mac" }
/** Input Schema fields of the macsec view (linkinfo-macsec-attrs). */
export const MacsecFields = {
  /** ICV length in bytes. (IFLA_MACSEC_ICV_LEN) */
  icvlen: Schema.optional(P.intBetween(P.U8, 8, 32)),
  /** Association number of the TX SA in use. (IFLA_MACSEC_ENCODING_SA) */
  encodingsa: Schema.optional(P.intBetween(P.U8, 0, 3)),
  /** Encrypt (1) or only integrity-protect (0). (IFLA_MACSEC_ENCRYPT) */
  encrypt: Schema.optional(Schema.Boolean),
  /** Protect frames sent. (IFLA_MACSEC_PROTECT) */
  protect: Schema.optional(Schema.Boolean),
  /** Include the SCI in every frame (send_sci). (IFLA_MACSEC_INC_SCI) */
  sendSci: Schema.optional(Schema.Boolean),
  /** End station bit. (IFLA_MACSEC_ES) */
  endStation: Schema.optional(Schema.Boolean),
  /** Single copy broadcast bit. (IFLA_MACSEC_SCB) */
  scb: Schema.optional(Schema.Boolean),
  /** Replay protection (needs a window). (IFLA_MACSEC_REPLAY_PROTECT) */
  replay: Schema.optional(Schema.Boolean),
  /** Validation of frames received. (IFLA_MACSEC_VALIDATION) */
  validate: Schema.optional(Schema.Union([Schema.Literals(["disabled", "check", "strict"]), P.intBetween(P.U8, 0, 2)])),
  /** Offload to the PHY or MAC of the lower device. (IFLA_MACSEC_OFFLOAD) */
  offload: Schema.optional(Schema.Union([Schema.Literals(["off", "phy", "mac"]), P.intBetween(P.U8, 0, 2)])),
}
/** The macsec view's configuration. */
export interface MacsecOptions {
  /** ICV length in bytes. (IFLA_MACSEC_ICV_LEN) */
  readonly icvlen?: number
  /** Association number of the TX SA in use. (IFLA_MACSEC_ENCODING_SA) */
  readonly encodingsa?: number
  /** Encrypt (1) or only integrity-protect (0). (IFLA_MACSEC_ENCRYPT) */
  readonly encrypt?: boolean
  /** Protect frames sent. (IFLA_MACSEC_PROTECT) */
  readonly protect?: boolean
  /** Include the SCI in every frame (send_sci). (IFLA_MACSEC_INC_SCI) */
  readonly sendSci?: boolean
  /** End station bit. (IFLA_MACSEC_ES) */
  readonly endStation?: boolean
  /** Single copy broadcast bit. (IFLA_MACSEC_SCB) */
  readonly scb?: boolean
  /** Replay protection (needs a window). (IFLA_MACSEC_REPLAY_PROTECT) */
  readonly replay?: boolean
  /** Validation of frames received. (IFLA_MACSEC_VALIDATION) */
  readonly validate?: "disabled" | "check" | "strict" | number
  /** Offload to the PHY or MAC of the lower device. (IFLA_MACSEC_OFFLOAD) */
  readonly offload?: "off" | "phy" | "mac" | number
}
/** What the kernel reports by itself in linkinfo-macsec-attrs. */
export interface MacsecStatus {
}
/** Fields of the macsec view that name devices. */
export const macsecDevices: ReadonlyArray<string> = []
/** macsec options → linkinfo-macsec-attrs (device fields from `devices`, resolved by the engine). */
export const macsecToWire = (o: MacsecOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoMacsecAttrs => {
  const w: { -readonly [K in keyof LinkinfoMacsecAttrs]: LinkinfoMacsecAttrs[K] } = {}
  void devices
  if (o.icvlen !== undefined) w.icvLen = o.icvlen
  if (o.encodingsa !== undefined) w.encodingSa = o.encodingsa
  if (o.encrypt !== undefined) w.encrypt = o.encrypt ? 1 : 0
  if (o.protect !== undefined) w.protect = o.protect ? 1 : 0
  if (o.sendSci !== undefined) w.incSci = o.sendSci ? 1 : 0
  if (o.endStation !== undefined) w.es = o.endStation ? 1 : 0
  if (o.scb !== undefined) w.scb = o.scb ? 1 : 0
  if (o.replay !== undefined) w.replayProtect = o.replay ? 1 : 0
  if (o.validate !== undefined) w.validation = typeof o.validate === "number" ? o.validate : macsecValidateNames[o.validate]
  if (o.offload !== undefined) w.offload = typeof o.offload === "number" ? o.offload : macsecOffloadNames[o.offload]
  return w
}
/** linkinfo-macsec-attrs → macsec options (configuration; device indexes named by `name`), written into `into` when given. */
export const macsecFromWire = (a: LinkinfoMacsecAttrs, name: (index: number) => string | number = (i) => i, into?: object): MacsecOptions => {
  const o: { -readonly [K in keyof MacsecOptions]?: MacsecOptions[K] } = into ?? {}
  void name
  if (a.icvLen !== undefined) o.icvlen = a.icvLen
  if (a.encodingSa !== undefined) o.encodingsa = a.encodingSa
  if (a.encrypt !== undefined) o.encrypt = a.encrypt !== 0
  if (a.protect !== undefined) o.protect = a.protect !== 0
  if (a.incSci !== undefined) o.sendSci = a.incSci !== 0
  if (a.es !== undefined) o.endStation = a.es !== 0
  if (a.scb !== undefined) o.scb = a.scb !== 0
  if (a.replayProtect !== undefined) o.replay = a.replayProtect !== 0
  if (a.validation !== undefined) o.validate = (macsecValidateByNumber[a.validation] ?? a.validation) as any
  if (a.offload !== undefined) o.offload = (macsecOffloadByNumber[a.offload] ?? a.offload) as any
  return o as MacsecOptions
}
/** The status fields of the macsec view and the linkinfo-macsec-attrs field each reads. */
export const macsecStatusFields: Readonly<Record<string, keyof LinkinfoMacsecAttrs>> = {}
/** The status attributes of linkinfo-macsec-attrs, or undefined when there are none. */
export const macsecStatusFromWire = (a: LinkinfoMacsecAttrs): MacsecStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the macsec view, for canonical forms. */
export const macsecDefaults: Partial<MacsecOptions> = {
  icvlen: 16,
  encodingsa: 0,
  encrypt: false,
  protect: true,
  sendSci: true,
  endStation: false,
  scb: false,
  replay: false,
  validate: "strict",
  offload: "off",
}
/** Options of the macsec view without a known default: compared only when both sides give them. */
export const macsecKernelChosen: ReadonlyArray<string> = []
/** macsec options with the kernel's defaults filled in and enum numbers named. */
export const macsecCanonical = (o: MacsecOptions): MacsecOptions => {
  const c: any = { ...macsecDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.validate === "number") c.validate = macsecValidateByNumber[c.validate] ?? c.validate
  if (typeof c.offload === "number") c.offload = macsecOffloadByNumber[c.offload] ?? c.offload
  return c
}
const netkitPolicyNames = { "forward": 0, "blackhole": 2 } as const
const netkitPolicyByNumber: Readonly<Record<number, string>> = { "0": "forward", "2": "blackhole" }
const netkitPeerPolicyNames = { "forward": 0, "blackhole": 2 } as const
const netkitPeerPolicyByNumber: Readonly<Record<number, string>> = { "0": "forward", "2": "blackhole" }
const netkitModeNames = { "l2": 0, "l3": 1 } as const
const netkitModeByNumber: Readonly<Record<number, string>> = { "0": "l2", "1": "l3" }
const netkitScrubNames = { "none": 0, "default": 1 } as const
const netkitScrubByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "default" }
const netkitPeerScrubNames = { "none": 0, "default": 1 } as const
const netkitPeerScrubByNumber: Readonly<Record<number, string>> = { "0": "none", "1": "default" }
const netkitPairingNames = { "pair": 0, "single": 1 } as const
const netkitPairingByNumber: Readonly<Record<number, string>> = { "0": "pair", "1": "single" }
/** Input Schema fields of the netkit view (linkinfo-netkit-attrs). */
export const NetkitFields = {
  /** Default verdict of this end without a BPF program. (IFLA_NETKIT_POLICY) */
  policy: Schema.optional(Schema.Union([Schema.Literals(["forward", "blackhole"]), P.U32])),
  /** Default verdict of the peer end. (IFLA_NETKIT_PEER_POLICY) */
  peerPolicy: Schema.optional(Schema.Union([Schema.Literals(["forward", "blackhole"]), P.U32])),
  /** L2 (Ethernet) or L3 (IP only) device. (IFLA_NETKIT_MODE) */
  mode: Schema.optional(Schema.Union([Schema.Literals(["l2", "l3"]), P.U32])),
  /** Whether skb mark and priority are cleared before this end's program runs (Linux 6.11+). (IFLA_NETKIT_SCRUB) */
  scrub: Schema.optional(Schema.Union([Schema.Literals(["none", "default"]), P.U32])),
  /** The same for the peer end (Linux 6.11+). (IFLA_NETKIT_PEER_SCRUB) */
  peerScrub: Schema.optional(Schema.Union([Schema.Literals(["none", "default"]), P.U32])),
  /** Extra headroom the devices reserve (Linux 6.14+). (IFLA_NETKIT_HEADROOM) */
  headroom: Schema.optional(P.U16),
  /** Extra tailroom the devices reserve (Linux 6.14+). (IFLA_NETKIT_TAILROOM) */
  tailroom: Schema.optional(P.U16),
  /** A pair, or a single device without peer (newest kernels). (IFLA_NETKIT_PAIRING) */
  pairing: Schema.optional(Schema.Union([Schema.Literals(["pair", "single"]), P.U32])),
}
/** The netkit view's configuration. */
export interface NetkitOptions {
  /** Default verdict of this end without a BPF program. (IFLA_NETKIT_POLICY) */
  readonly policy?: "forward" | "blackhole" | number
  /** Default verdict of the peer end. (IFLA_NETKIT_PEER_POLICY) */
  readonly peerPolicy?: "forward" | "blackhole" | number
  /** L2 (Ethernet) or L3 (IP only) device. (IFLA_NETKIT_MODE) */
  readonly mode?: "l2" | "l3" | number
  /** Whether skb mark and priority are cleared before this end's program runs (Linux 6.11+). (IFLA_NETKIT_SCRUB) */
  readonly scrub?: "none" | "default" | number
  /** The same for the peer end (Linux 6.11+). (IFLA_NETKIT_PEER_SCRUB) */
  readonly peerScrub?: "none" | "default" | number
  /** Extra headroom the devices reserve (Linux 6.14+). (IFLA_NETKIT_HEADROOM) */
  readonly headroom?: number
  /** Extra tailroom the devices reserve (Linux 6.14+). (IFLA_NETKIT_TAILROOM) */
  readonly tailroom?: number
  /** A pair, or a single device without peer (newest kernels). (IFLA_NETKIT_PAIRING) */
  readonly pairing?: "pair" | "single" | number
}
/** What the kernel reports by itself in linkinfo-netkit-attrs. */
export interface NetkitStatus {
  /** 1 on the end that was created by name (it holds the BPF links), 0 on its peer. (IFLA_NETKIT_PRIMARY) */
  readonly primary?: LinkinfoNetkitAttrs["primary"]
}
/** Fields of the netkit view that name devices. */
export const netkitDevices: ReadonlyArray<string> = []
/** netkit options → linkinfo-netkit-attrs (device fields from `devices`, resolved by the engine). */
export const netkitToWire = (o: NetkitOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoNetkitAttrs => {
  const w: { -readonly [K in keyof LinkinfoNetkitAttrs]: LinkinfoNetkitAttrs[K] } = {}
  void devices
  if (o.policy !== undefined) w.policy = typeof o.policy === "number" ? o.policy : netkitPolicyNames[o.policy]
  if (o.peerPolicy !== undefined) w.peerPolicy = typeof o.peerPolicy === "number" ? o.peerPolicy : netkitPeerPolicyNames[o.peerPolicy]
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : netkitModeNames[o.mode]
  if (o.scrub !== undefined) w.scrub = typeof o.scrub === "number" ? o.scrub : netkitScrubNames[o.scrub]
  if (o.peerScrub !== undefined) w.peerScrub = typeof o.peerScrub === "number" ? o.peerScrub : netkitPeerScrubNames[o.peerScrub]
  if (o.headroom !== undefined) w.headroom = o.headroom
  if (o.tailroom !== undefined) w.tailroom = o.tailroom
  if (o.pairing !== undefined) w.pairing = typeof o.pairing === "number" ? o.pairing : netkitPairingNames[o.pairing]
  return w
}
/** linkinfo-netkit-attrs → netkit options (configuration; device indexes named by `name`), written into `into` when given. */
export const netkitFromWire = (a: LinkinfoNetkitAttrs, name: (index: number) => string | number = (i) => i, into?: object): NetkitOptions => {
  const o: { -readonly [K in keyof NetkitOptions]?: NetkitOptions[K] } = into ?? {}
  void name
  if (a.policy !== undefined) o.policy = (netkitPolicyByNumber[a.policy] ?? a.policy) as any
  if (a.peerPolicy !== undefined) o.peerPolicy = (netkitPeerPolicyByNumber[a.peerPolicy] ?? a.peerPolicy) as any
  if (a.mode !== undefined) o.mode = (netkitModeByNumber[a.mode] ?? a.mode) as any
  if (a.scrub !== undefined) o.scrub = (netkitScrubByNumber[a.scrub] ?? a.scrub) as any
  if (a.peerScrub !== undefined) o.peerScrub = (netkitPeerScrubByNumber[a.peerScrub] ?? a.peerScrub) as any
  if (a.headroom !== undefined) o.headroom = a.headroom
  if (a.tailroom !== undefined) o.tailroom = a.tailroom
  if (a.pairing !== undefined) o.pairing = (netkitPairingByNumber[a.pairing] ?? a.pairing) as any
  return o as NetkitOptions
}
/** The status fields of the netkit view and the linkinfo-netkit-attrs field each reads. */
export const netkitStatusFields: Readonly<Record<string, keyof LinkinfoNetkitAttrs>> = { "primary": "primary" }
/** The status attributes of linkinfo-netkit-attrs, or undefined when there are none. */
export const netkitStatusFromWire = (a: LinkinfoNetkitAttrs): NetkitStatus | undefined => {
  let s: { -readonly [K in keyof NetkitStatus]: NetkitStatus[K] } | undefined
  if (a.primary !== undefined) (s ??= {}).primary = a.primary
  return s
}
/** The kernel's defaults of the netkit view, for canonical forms. */
export const netkitDefaults: Partial<NetkitOptions> = {
  policy: "forward",
  peerPolicy: "forward",
  mode: "l3",
  scrub: "default",
  peerScrub: "default",
  headroom: 0,
  tailroom: 0,
  pairing: "pair",
}
/** Options of the netkit view without a known default: compared only when both sides give them. */
export const netkitKernelChosen: ReadonlyArray<string> = []
/** netkit options with the kernel's defaults filled in and enum numbers named. */
export const netkitCanonical = (o: NetkitOptions): NetkitOptions => {
  const c: any = { ...netkitDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.policy === "number") c.policy = netkitPolicyByNumber[c.policy] ?? c.policy
  if (typeof c.peerPolicy === "number") c.peerPolicy = netkitPeerPolicyByNumber[c.peerPolicy] ?? c.peerPolicy
  if (typeof c.mode === "number") c.mode = netkitModeByNumber[c.mode] ?? c.mode
  if (typeof c.scrub === "number") c.scrub = netkitScrubByNumber[c.scrub] ?? c.scrub
  if (typeof c.peerScrub === "number") c.peerScrub = netkitPeerScrubByNumber[c.peerScrub] ?? c.peerScrub
  if (typeof c.pairing === "number") c.pairing = netkitPairingByNumber[c.pairing] ?? c.pairing
  return c
}
const hsrProtoNames = { "hsr": 0, "prp": 1 } as const
const hsrProtoByNumber: Readonly<Record<number, string>> = { "0": "hsr", "1": "prp" }
/** Input Schema fields of the hsr view (linkinfo-hsr-attrs). */
export const HsrFields = {
  /** Ifindex of the first port (ring port A). (IFLA_HSR_SLAVE1) */
  slave1: DeviceRef,
  /** Ifindex of the second port (ring port B). (IFLA_HSR_SLAVE2) */
  slave2: DeviceRef,
  /** HSR or PRP. (IFLA_HSR_PROTOCOL) */
  proto: Schema.optional(Schema.Union([Schema.Literals(["hsr", "prp"]), P.intBetween(P.U8, 0, 1)])),
  /** Ifindex of the interlink port (HSR-SAN; newer than Linux 6.12). (IFLA_HSR_INTERLINK) */
  interlink: Schema.optional(DeviceRef),
}
/** The hsr view's configuration. */
export interface HsrOptions {
  /** Ifindex of the first port (ring port A). (IFLA_HSR_SLAVE1) */
  readonly slave1: string | number
  /** Ifindex of the second port (ring port B). (IFLA_HSR_SLAVE2) */
  readonly slave2: string | number
  /** HSR or PRP. (IFLA_HSR_PROTOCOL) */
  readonly proto?: "hsr" | "prp" | number
  /** Ifindex of the interlink port (HSR-SAN; newer than Linux 6.12). (IFLA_HSR_INTERLINK) */
  readonly interlink?: string | number
}
/** What the kernel reports by itself in linkinfo-hsr-attrs. */
export interface HsrStatus {
  /** Next sequence number (read only). (IFLA_HSR_SEQ_NR) */
  readonly seqNr?: LinkinfoHsrAttrs["seqNr"]
}
/** Fields of the hsr view that name devices. */
export const hsrDevices: ReadonlyArray<string> = ["slave1", "slave2", "interlink"]
/** hsr options → linkinfo-hsr-attrs (device fields from `devices`, resolved by the engine). */
export const hsrToWire = (o: HsrOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoHsrAttrs => {
  const w: { -readonly [K in keyof LinkinfoHsrAttrs]: LinkinfoHsrAttrs[K] } = {}
  if (o.slave1 !== undefined) w.slave1 = deviceIndex(o.slave1, "slave1", devices)
  if (o.slave2 !== undefined) w.slave2 = deviceIndex(o.slave2, "slave2", devices)
  if (o.proto !== undefined) w.protocol = typeof o.proto === "number" ? o.proto : hsrProtoNames[o.proto]
  if (o.interlink !== undefined) w.interlink = deviceIndex(o.interlink, "interlink", devices)
  return w
}
/** linkinfo-hsr-attrs → hsr options (configuration; device indexes named by `name`), written into `into` when given. */
export const hsrFromWire = (a: LinkinfoHsrAttrs, name: (index: number) => string | number = (i) => i, into?: object): HsrOptions => {
  const o: { -readonly [K in keyof HsrOptions]?: HsrOptions[K] } = into ?? {}
  if (a.slave1 !== undefined && a.slave1 !== 0) o.slave1 = name(a.slave1)
  if (a.slave2 !== undefined && a.slave2 !== 0) o.slave2 = name(a.slave2)
  if (a.protocol !== undefined) o.proto = (hsrProtoByNumber[a.protocol] ?? a.protocol) as any
  if (a.interlink !== undefined && a.interlink !== 0) o.interlink = name(a.interlink)
  return o as HsrOptions
}
/** The status fields of the hsr view and the linkinfo-hsr-attrs field each reads. */
export const hsrStatusFields: Readonly<Record<string, keyof LinkinfoHsrAttrs>> = { "seqNr": "seqNr" }
/** The status attributes of linkinfo-hsr-attrs, or undefined when there are none. */
export const hsrStatusFromWire = (a: LinkinfoHsrAttrs): HsrStatus | undefined => {
  let s: { -readonly [K in keyof HsrStatus]: HsrStatus[K] } | undefined
  if (a.seqNr !== undefined) (s ??= {}).seqNr = a.seqNr
  return s
}
/** The kernel's defaults of the hsr view, for canonical forms. */
export const hsrDefaults: Partial<HsrOptions> = {
  proto: "hsr",
}
/** Options of the hsr view without a known default: compared only when both sides give them. */
export const hsrKernelChosen: ReadonlyArray<string> = ["interlink"]
/** hsr options with the kernel's defaults filled in and enum numbers named. */
export const hsrCanonical = (o: HsrOptions): HsrOptions => {
  const c: any = { ...hsrDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.proto === "number") c.proto = hsrProtoByNumber[c.proto] ?? c.proto
  return c
}
const gtpRoleNames = { "ggsn": 0, "sgsn": 1 } as const
const gtpRoleByNumber: Readonly<Record<number, string>> = { "0": "ggsn", "1": "sgsn" }
/** Input Schema fields of the gtp view (linkinfo-gtp-attrs). */
export const GtpFields = {
  /** Buckets of the PDP context hash. (IFLA_GTP_PDP_HASHSIZE) */
  hsize: Schema.optional(P.intBetween(P.U32, 1, 4294967295)),
  /** GGSN (network side) or SGSN (radio side). (IFLA_GTP_ROLE) */
  role: Schema.optional(Schema.Union([Schema.Literals(["ggsn", "sgsn"]), P.intBetween(P.U32, 0, 1)])),
  /** GTP restart counter sent in echo responses. (IFLA_GTP_RESTART_COUNT) */
  restartCount: Schema.optional(P.U8),
}
/** The gtp view's configuration. */
export interface GtpOptions {
  /** Buckets of the PDP context hash. (IFLA_GTP_PDP_HASHSIZE) */
  readonly hsize?: number
  /** GGSN (network side) or SGSN (radio side). (IFLA_GTP_ROLE) */
  readonly role?: "ggsn" | "sgsn" | number
  /** GTP restart counter sent in echo responses. (IFLA_GTP_RESTART_COUNT) */
  readonly restartCount?: number
}
/** What the kernel reports by itself in linkinfo-gtp-attrs. */
export interface GtpStatus {
}
/** Fields of the gtp view that name devices. */
export const gtpDevices: ReadonlyArray<string> = []
/** gtp options → linkinfo-gtp-attrs (device fields from `devices`, resolved by the engine). */
export const gtpToWire = (o: GtpOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoGtpAttrs => {
  const w: { -readonly [K in keyof LinkinfoGtpAttrs]: LinkinfoGtpAttrs[K] } = {}
  void devices
  if (o.hsize !== undefined) w.pdpHashsize = o.hsize
  if (o.role !== undefined) w.role = typeof o.role === "number" ? o.role : gtpRoleNames[o.role]
  if (o.restartCount !== undefined) w.restartCount = o.restartCount
  return w
}
/** linkinfo-gtp-attrs → gtp options (configuration; device indexes named by `name`), written into `into` when given. */
export const gtpFromWire = (a: LinkinfoGtpAttrs, name: (index: number) => string | number = (i) => i, into?: object): GtpOptions => {
  const o: { -readonly [K in keyof GtpOptions]?: GtpOptions[K] } = into ?? {}
  void name
  if (a.pdpHashsize !== undefined) o.hsize = a.pdpHashsize
  if (a.role !== undefined) o.role = (gtpRoleByNumber[a.role] ?? a.role) as any
  if (a.restartCount !== undefined) o.restartCount = a.restartCount
  return o as GtpOptions
}
/** The status fields of the gtp view and the linkinfo-gtp-attrs field each reads. */
export const gtpStatusFields: Readonly<Record<string, keyof LinkinfoGtpAttrs>> = {}
/** The status attributes of linkinfo-gtp-attrs, or undefined when there are none. */
export const gtpStatusFromWire = (a: LinkinfoGtpAttrs): GtpStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the gtp view, for canonical forms. */
export const gtpDefaults: Partial<GtpOptions> = {
  hsize: 1024,
  role: "ggsn",
  restartCount: 0,
}
/** Options of the gtp view without a known default: compared only when both sides give them. */
export const gtpKernelChosen: ReadonlyArray<string> = []
/** gtp options with the kernel's defaults filled in and enum numbers named. */
export const gtpCanonical = (o: GtpOptions): GtpOptions => {
  const c: any = { ...gtpDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.role === "number") c.role = gtpRoleByNumber[c.role] ?? c.role
  return c
}
const amtModeNames = { "gateway": 0, "relay": 1 } as const
const amtModeByNumber: Readonly<Record<number, string>> = { "0": "gateway", "1": "relay" }
/** Input Schema fields of the amt view (linkinfo-amt-attrs). */
export const AmtFields = {
  /** Gateway or relay. (IFLA_AMT_MODE) */
  mode: Schema.Union([Schema.Literals(["gateway", "relay"]), P.intBetween(P.U32, 0, 1)]),
  /** UDP port of the relay (a gateway's remote port, a relay's local one). (IFLA_AMT_RELAY_PORT) */
  relayPort: Schema.optional(P.U16),
  /** UDP port of the gateway (its local port). (IFLA_AMT_GATEWAY_PORT) */
  gatewayPort: Schema.optional(P.U16),
  /** Ifindex of the underlay device; required. (IFLA_AMT_LINK) */
  dev: DeviceRef,
  /** Local IPv4 address; required. (IFLA_AMT_LOCAL_IP) */
  local: P.IPv4,
  /** Address a gateway sends relay discovery to; required for a gateway. (IFLA_AMT_DISCOVERY_IP) */
  discovery: Schema.optional(P.IPv4),
  /** Most gateways a relay serves. (IFLA_AMT_MAX_TUNNELS) */
  maxTunnels: Schema.optional(P.U32),
}
/** The amt view's configuration. */
export interface AmtOptions {
  /** Gateway or relay. (IFLA_AMT_MODE) */
  readonly mode: "gateway" | "relay" | number
  /** UDP port of the relay (a gateway's remote port, a relay's local one). (IFLA_AMT_RELAY_PORT) */
  readonly relayPort?: number
  /** UDP port of the gateway (its local port). (IFLA_AMT_GATEWAY_PORT) */
  readonly gatewayPort?: number
  /** Ifindex of the underlay device; required. (IFLA_AMT_LINK) */
  readonly dev: string | number
  /** Local IPv4 address; required. (IFLA_AMT_LOCAL_IP) */
  readonly local: string
  /** Address a gateway sends relay discovery to; required for a gateway. (IFLA_AMT_DISCOVERY_IP) */
  readonly discovery?: string
  /** Most gateways a relay serves. (IFLA_AMT_MAX_TUNNELS) */
  readonly maxTunnels?: number
}
/** What the kernel reports by itself in linkinfo-amt-attrs. */
export interface AmtStatus {
  /** Relay address a gateway found by discovery (read only). (IFLA_AMT_REMOTE_IP) */
  readonly remote?: LinkinfoAmtAttrs["remoteIp"]
}
/** Fields of the amt view that name devices. */
export const amtDevices: ReadonlyArray<string> = ["dev"]
/** amt options → linkinfo-amt-attrs (device fields from `devices`, resolved by the engine). */
export const amtToWire = (o: AmtOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoAmtAttrs => {
  const w: { -readonly [K in keyof LinkinfoAmtAttrs]: LinkinfoAmtAttrs[K] } = {}
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : amtModeNames[o.mode]
  if (o.relayPort !== undefined) w.relayPort = o.relayPort
  if (o.gatewayPort !== undefined) w.gatewayPort = o.gatewayPort
  if (o.dev !== undefined) w.link = deviceIndex(o.dev, "dev", devices)
  if (o.local !== undefined) w.localIp = o.local
  if (o.discovery !== undefined) w.discoveryIp = o.discovery
  if (o.maxTunnels !== undefined) w.maxTunnels = o.maxTunnels
  return w
}
/** linkinfo-amt-attrs → amt options (configuration; device indexes named by `name`), written into `into` when given. */
export const amtFromWire = (a: LinkinfoAmtAttrs, name: (index: number) => string | number = (i) => i, into?: object): AmtOptions => {
  const o: { -readonly [K in keyof AmtOptions]?: AmtOptions[K] } = into ?? {}
  if (a.mode !== undefined) o.mode = (amtModeByNumber[a.mode] ?? a.mode) as any
  if (a.relayPort !== undefined) o.relayPort = a.relayPort
  if (a.gatewayPort !== undefined) o.gatewayPort = a.gatewayPort
  if (a.link !== undefined && a.link !== 0) o.dev = name(a.link)
  if (a.localIp !== undefined) o.local = a.localIp
  if (a.discoveryIp !== undefined) o.discovery = a.discoveryIp
  if (a.maxTunnels !== undefined) o.maxTunnels = a.maxTunnels
  return o as AmtOptions
}
/** The status fields of the amt view and the linkinfo-amt-attrs field each reads. */
export const amtStatusFields: Readonly<Record<string, keyof LinkinfoAmtAttrs>> = { "remote": "remoteIp" }
/** The status attributes of linkinfo-amt-attrs, or undefined when there are none. */
export const amtStatusFromWire = (a: LinkinfoAmtAttrs): AmtStatus | undefined => {
  let s: { -readonly [K in keyof AmtStatus]: AmtStatus[K] } | undefined
  if (a.remoteIp !== undefined) (s ??= {}).remote = a.remoteIp
  return s
}
/** The kernel's defaults of the amt view, for canonical forms. */
export const amtDefaults: Partial<AmtOptions> = {
  relayPort: 2268,
  gatewayPort: 2268,
  maxTunnels: 128,
}
/** Options of the amt view without a known default: compared only when both sides give them. */
export const amtKernelChosen: ReadonlyArray<string> = ["discovery"]
/** amt options with the kernel's defaults filled in and enum numbers named. */
export const amtCanonical = (o: AmtOptions): AmtOptions => {
  const c: any = { ...amtDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = amtModeByNumber[c.mode] ?? c.mode
  return c
}
const ovpnModeNames = { "p2p": 0, "mp": 1 } as const
const ovpnModeByNumber: Readonly<Record<number, string>> = { "0": "p2p", "1": "mp" }
/** Input Schema fields of the ovpn view (linkinfo-ovpn-attrs). */
export const OvpnFields = {
  /** Point-to-point (one peer) or multipeer (Linux 6.16+). (IFLA_OVPN_MODE) */
  mode: Schema.optional(Schema.Union([Schema.Literals(["p2p", "mp"]), P.intBetween(P.U8, 0, 1)])),
}
/** The ovpn view's configuration. */
export interface OvpnOptions {
  /** Point-to-point (one peer) or multipeer (Linux 6.16+). (IFLA_OVPN_MODE) */
  readonly mode?: "p2p" | "mp" | number
}
/** What the kernel reports by itself in linkinfo-ovpn-attrs. */
export interface OvpnStatus {
}
/** Fields of the ovpn view that name devices. */
export const ovpnDevices: ReadonlyArray<string> = []
/** ovpn options → linkinfo-ovpn-attrs (device fields from `devices`, resolved by the engine). */
export const ovpnToWire = (o: OvpnOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoOvpnAttrs => {
  const w: { -readonly [K in keyof LinkinfoOvpnAttrs]: LinkinfoOvpnAttrs[K] } = {}
  void devices
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : ovpnModeNames[o.mode]
  return w
}
/** linkinfo-ovpn-attrs → ovpn options (configuration; device indexes named by `name`), written into `into` when given. */
export const ovpnFromWire = (a: LinkinfoOvpnAttrs, name: (index: number) => string | number = (i) => i, into?: object): OvpnOptions => {
  const o: { -readonly [K in keyof OvpnOptions]?: OvpnOptions[K] } = into ?? {}
  void name
  if (a.mode !== undefined) o.mode = (ovpnModeByNumber[a.mode] ?? a.mode) as any
  return o as OvpnOptions
}
/** The status fields of the ovpn view and the linkinfo-ovpn-attrs field each reads. */
export const ovpnStatusFields: Readonly<Record<string, keyof LinkinfoOvpnAttrs>> = {}
/** The status attributes of linkinfo-ovpn-attrs, or undefined when there are none. */
export const ovpnStatusFromWire = (a: LinkinfoOvpnAttrs): OvpnStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the ovpn view, for canonical forms. */
export const ovpnDefaults: Partial<OvpnOptions> = {
  mode: "p2p",
}
/** Options of the ovpn view without a known default: compared only when both sides give them. */
export const ovpnKernelChosen: ReadonlyArray<string> = []
/** ovpn options with the kernel's defaults filled in and enum numbers named. */
export const ovpnCanonical = (o: OvpnOptions): OvpnOptions => {
  const c: any = { ...ovpnDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = ovpnModeByNumber[c.mode] ?? c.mode
  return c
}
const tunModeNames = { "tun": 1, "tap": 2 } as const
const tunModeByNumber: Readonly<Record<number, string>> = { "1": "tun", "2": "tap" }
/** Input Schema fields of the tun view (linkinfo-tun-attrs). */
export const TunFields = {
  /** tun (layer 3) or tap (ethernet). (IFLA_TUN_TYPE) */
  mode: Schema.Union([Schema.Literals(["tun", "tap"]), P.U8]),
  /** Packets carry a 4-byte packet information header (no IFF_NO_PI). (IFLA_TUN_PI) */
  pi: Schema.optional(Schema.Boolean),
  /** Packets carry a virtio-net header (IFF_VNET_HDR). (IFLA_TUN_VNET_HDR) */
  vnetHdr: Schema.optional(Schema.Boolean),
  /** Several queues, one per attached file descriptor (IFF_MULTI_QUEUE). (IFLA_TUN_MULTI_QUEUE) */
  multiQueue: Schema.optional(Schema.Boolean),
}
/** The tun view's configuration. */
export interface TunOptions {
  /** tun (layer 3) or tap (ethernet). (IFLA_TUN_TYPE) */
  readonly mode: "tun" | "tap" | number
  /** Packets carry a 4-byte packet information header (no IFF_NO_PI). (IFLA_TUN_PI) */
  readonly pi?: boolean
  /** Packets carry a virtio-net header (IFF_VNET_HDR). (IFLA_TUN_VNET_HDR) */
  readonly vnetHdr?: boolean
  /** Several queues, one per attached file descriptor (IFF_MULTI_QUEUE). (IFLA_TUN_MULTI_QUEUE) */
  readonly multiQueue?: boolean
}
/** What the kernel reports by itself in linkinfo-tun-attrs. */
export interface TunStatus {
  /** The device outlives its file descriptors (TUNSETPERSIST). (IFLA_TUN_PERSIST) */
  readonly persist?: LinkinfoTunAttrs["persist"]
  /** Attached queues (multi-queue devices). (IFLA_TUN_NUM_QUEUES) */
  readonly numQueues?: LinkinfoTunAttrs["numQueues"]
  /** Detached queues (multi-queue devices). (IFLA_TUN_NUM_DISABLED_QUEUES) */
  readonly numDisabledQueues?: LinkinfoTunAttrs["numDisabledQueues"]
}
/** Fields of the tun view that name devices. */
export const tunDevices: ReadonlyArray<string> = []
/** tun options → linkinfo-tun-attrs (device fields from `devices`, resolved by the engine). */
export const tunToWire = (o: TunOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoTunAttrs => {
  const w: { -readonly [K in keyof LinkinfoTunAttrs]: LinkinfoTunAttrs[K] } = {}
  void devices
  if (o.mode !== undefined) w.type = typeof o.mode === "number" ? o.mode : tunModeNames[o.mode]
  if (o.pi !== undefined) w.pi = o.pi ? 1 : 0
  if (o.vnetHdr !== undefined) w.vnetHdr = o.vnetHdr ? 1 : 0
  if (o.multiQueue !== undefined) w.multiQueue = o.multiQueue ? 1 : 0
  return w
}
/** linkinfo-tun-attrs → tun options (configuration; device indexes named by `name`), written into `into` when given. */
export const tunFromWire = (a: LinkinfoTunAttrs, name: (index: number) => string | number = (i) => i, into?: object): TunOptions => {
  const o: { -readonly [K in keyof TunOptions]?: TunOptions[K] } = into ?? {}
  void name
  if (a.type !== undefined) o.mode = (tunModeByNumber[a.type] ?? a.type) as any
  if (a.pi !== undefined) o.pi = a.pi !== 0
  if (a.vnetHdr !== undefined) o.vnetHdr = a.vnetHdr !== 0
  if (a.multiQueue !== undefined) o.multiQueue = a.multiQueue !== 0
  return o as TunOptions
}
/** The status fields of the tun view and the linkinfo-tun-attrs field each reads. */
export const tunStatusFields: Readonly<Record<string, keyof LinkinfoTunAttrs>> = { "persist": "persist", "numQueues": "numQueues", "numDisabledQueues": "numDisabledQueues" }
/** The status attributes of linkinfo-tun-attrs, or undefined when there are none. */
export const tunStatusFromWire = (a: LinkinfoTunAttrs): TunStatus | undefined => {
  let s: { -readonly [K in keyof TunStatus]: TunStatus[K] } | undefined
  if (a.persist !== undefined) (s ??= {}).persist = a.persist
  if (a.numQueues !== undefined) (s ??= {}).numQueues = a.numQueues
  if (a.numDisabledQueues !== undefined) (s ??= {}).numDisabledQueues = a.numDisabledQueues
  return s
}
/** The kernel's defaults of the tun view, for canonical forms. */
export const tunDefaults: Partial<TunOptions> = {
  pi: false,
  vnetHdr: false,
  multiQueue: false,
}
/** Options of the tun view without a known default: compared only when both sides give them. */
export const tunKernelChosen: ReadonlyArray<string> = []
/** tun options with the kernel's defaults filled in and enum numbers named. */
export const tunCanonical = (o: TunOptions): TunOptions => {
  const c: any = { ...tunDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = tunModeByNumber[c.mode] ?? c.mode
  return c
}
/** Input Schema fields of the batadv view (linkinfo-batadv-attrs). */
export const BatadvFields = {
  /** Routing algorithm (BATMAN_IV, BATMAN_V); create only, never reported. (IFLA_BATADV_ALGO_NAME) */
  ra: Schema.optional(Schema.String),
}
/** The batadv view's configuration. */
export interface BatadvOptions {
  /** Routing algorithm (BATMAN_IV, BATMAN_V); create only, never reported. (IFLA_BATADV_ALGO_NAME) */
  readonly ra?: string
}
/** What the kernel reports by itself in linkinfo-batadv-attrs. */
export interface BatadvStatus {
}
/** Fields of the batadv view that name devices. */
export const batadvDevices: ReadonlyArray<string> = []
/** batadv options → linkinfo-batadv-attrs (device fields from `devices`, resolved by the engine). */
export const batadvToWire = (o: BatadvOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoBatadvAttrs => {
  const w: { -readonly [K in keyof LinkinfoBatadvAttrs]: LinkinfoBatadvAttrs[K] } = {}
  void devices
  if (o.ra !== undefined) w.algoName = o.ra
  return w
}
/** linkinfo-batadv-attrs → batadv options (configuration; device indexes named by `name`), written into `into` when given. */
export const batadvFromWire = (a: LinkinfoBatadvAttrs, name: (index: number) => string | number = (i) => i, into?: object): BatadvOptions => {
  const o: { -readonly [K in keyof BatadvOptions]?: BatadvOptions[K] } = into ?? {}
  void name
  if (a.algoName !== undefined) o.ra = a.algoName
  return o as BatadvOptions
}
/** The status fields of the batadv view and the linkinfo-batadv-attrs field each reads. */
export const batadvStatusFields: Readonly<Record<string, keyof LinkinfoBatadvAttrs>> = {}
/** The status attributes of linkinfo-batadv-attrs, or undefined when there are none. */
export const batadvStatusFromWire = (a: LinkinfoBatadvAttrs): BatadvStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the batadv view, for canonical forms. */
export const batadvDefaults: Partial<BatadvOptions> = {
}
/** Options of the batadv view without a known default: compared only when both sides give them. */
export const batadvKernelChosen: ReadonlyArray<string> = ["ra"]
/** batadv options with the kernel's defaults filled in and enum numbers named. */
export const batadvCanonical = (o: BatadvOptions): BatadvOptions => {
  const c: any = { ...batadvDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
/** Input Schema fields of the rmnet view (linkinfo-rmnet-attrs). */
export const RmnetFields = {
  /** MAP multiplexing id of the channel. (IFLA_RMNET_MUX_ID) */
  muxId: P.intBetween(P.U16, 1, 254),
}
/** The rmnet view's configuration. */
export interface RmnetOptions {
  /** MAP multiplexing id of the channel. (IFLA_RMNET_MUX_ID) */
  readonly muxId: number
}
/** What the kernel reports by itself in linkinfo-rmnet-attrs. */
export interface RmnetStatus {
}
/** Fields of the rmnet view that name devices. */
export const rmnetDevices: ReadonlyArray<string> = []
/** rmnet options → linkinfo-rmnet-attrs (device fields from `devices`, resolved by the engine). */
export const rmnetToWire = (o: RmnetOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoRmnetAttrs => {
  const w: { -readonly [K in keyof LinkinfoRmnetAttrs]: LinkinfoRmnetAttrs[K] } = {}
  void devices
  if (o.muxId !== undefined) w.muxId = o.muxId
  return w
}
/** linkinfo-rmnet-attrs → rmnet options (configuration; device indexes named by `name`), written into `into` when given. */
export const rmnetFromWire = (a: LinkinfoRmnetAttrs, name: (index: number) => string | number = (i) => i, into?: object): RmnetOptions => {
  const o: { -readonly [K in keyof RmnetOptions]?: RmnetOptions[K] } = into ?? {}
  void name
  if (a.muxId !== undefined) o.muxId = a.muxId
  return o as RmnetOptions
}
/** The status fields of the rmnet view and the linkinfo-rmnet-attrs field each reads. */
export const rmnetStatusFields: Readonly<Record<string, keyof LinkinfoRmnetAttrs>> = {}
/** The status attributes of linkinfo-rmnet-attrs, or undefined when there are none. */
export const rmnetStatusFromWire = (a: LinkinfoRmnetAttrs): RmnetStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the rmnet view, for canonical forms. */
export const rmnetDefaults: Partial<RmnetOptions> = {
}
/** Options of the rmnet view without a known default: compared only when both sides give them. */
export const rmnetKernelChosen: ReadonlyArray<string> = []
/** rmnet options with the kernel's defaults filled in and enum numbers named. */
export const rmnetCanonical = (o: RmnetOptions): RmnetOptions => {
  const c: any = { ...rmnetDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  return c
}
const ipoibModeNames = { "datagram": 0, "connected": 1 } as const
const ipoibModeByNumber: Readonly<Record<number, string>> = { "0": "datagram", "1": "connected" }
/** Input Schema fields of the ipoib view (linkinfo-ipoib-attrs). */
export const IpoibFields = {
  /** Partition key of the child interface (the parent's when not given). (IFLA_IPOIB_PKEY) */
  pkey: Schema.optional(P.intBetween(P.U16, 32769, 65535)),
  /** Datagram or connected mode. (IFLA_IPOIB_MODE) */
  mode: Schema.optional(Schema.Union([Schema.Literals(["datagram", "connected"]), P.intBetween(P.U16, 0, 1)])),
  /** Allow user-space multicast (1 on). (IFLA_IPOIB_UMCAST) */
  umcast: Schema.optional(Schema.Boolean),
}
/** The ipoib view's configuration. */
export interface IpoibOptions {
  /** Partition key of the child interface (the parent's when not given). (IFLA_IPOIB_PKEY) */
  readonly pkey?: number
  /** Datagram or connected mode. (IFLA_IPOIB_MODE) */
  readonly mode?: "datagram" | "connected" | number
  /** Allow user-space multicast (1 on). (IFLA_IPOIB_UMCAST) */
  readonly umcast?: boolean
}
/** What the kernel reports by itself in linkinfo-ipoib-attrs. */
export interface IpoibStatus {
}
/** Fields of the ipoib view that name devices. */
export const ipoibDevices: ReadonlyArray<string> = []
/** ipoib options → linkinfo-ipoib-attrs (device fields from `devices`, resolved by the engine). */
export const ipoibToWire = (o: IpoibOptions, devices: Readonly<Record<string, number>> = {}): LinkinfoIpoibAttrs => {
  const w: { -readonly [K in keyof LinkinfoIpoibAttrs]: LinkinfoIpoibAttrs[K] } = {}
  void devices
  if (o.pkey !== undefined) w.pkey = o.pkey
  if (o.mode !== undefined) w.mode = typeof o.mode === "number" ? o.mode : ipoibModeNames[o.mode]
  if (o.umcast !== undefined) w.umcast = o.umcast ? 1 : 0
  return w
}
/** linkinfo-ipoib-attrs → ipoib options (configuration; device indexes named by `name`), written into `into` when given. */
export const ipoibFromWire = (a: LinkinfoIpoibAttrs, name: (index: number) => string | number = (i) => i, into?: object): IpoibOptions => {
  const o: { -readonly [K in keyof IpoibOptions]?: IpoibOptions[K] } = into ?? {}
  void name
  if (a.pkey !== undefined) o.pkey = a.pkey
  if (a.mode !== undefined) o.mode = (ipoibModeByNumber[a.mode] ?? a.mode) as any
  if (a.umcast !== undefined) o.umcast = a.umcast !== 0
  return o as IpoibOptions
}
/** The status fields of the ipoib view and the linkinfo-ipoib-attrs field each reads. */
export const ipoibStatusFields: Readonly<Record<string, keyof LinkinfoIpoibAttrs>> = {}
/** The status attributes of linkinfo-ipoib-attrs, or undefined when there are none. */
export const ipoibStatusFromWire = (a: LinkinfoIpoibAttrs): IpoibStatus | undefined => {
  void a
  return undefined
}
/** The kernel's defaults of the ipoib view, for canonical forms. */
export const ipoibDefaults: Partial<IpoibOptions> = {
  mode: "datagram",
  umcast: false,
}
/** Options of the ipoib view without a known default: compared only when both sides give them. */
export const ipoibKernelChosen: ReadonlyArray<string> = ["pkey"]
/** ipoib options with the kernel's defaults filled in and enum numbers named. */
export const ipoibCanonical = (o: IpoibOptions): IpoibOptions => {
  const c: any = { ...ipoibDefaults }
  for (const k in o) if ((o as any)[k] !== undefined) c[k] = (o as any)[k]
  if (typeof c.mode === "number") c.mode = ipoibModeByNumber[c.mode] ?? c.mode
  return c
}
