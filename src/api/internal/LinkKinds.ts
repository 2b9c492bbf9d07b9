/**
 * Link kinds beyond veth/bridge: dummy, vlan, bond and vrf. Each kind has a
 * friendly input Schema (the names `ip link add ... type KIND` uses, camelCased)
 * and a pure builder from the validated input to the generated IFLA_LINKINFO
 * value (`{ kind, data }`), which the generated encoder writes. Internal: Link.add
 * validates with these Schemas (root "vlan", "bond", ...) and calls the builders.
 *
 * Device references inside a kind's options (the vlan's parent, the bond's
 * primary) are resolved by the caller: `deviceFields` names them, and the
 * builders take the resolved indexes.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import {
  BondAdLacpRate,
  BondAdSelect,
  BondArpAllTargets,
  BondArpValidate,
  BondFailOverMac,
  BondMode,
  BondPrimaryReselect,
  BondXmitHashPolicy,
  type LinkinfoAttrs,
  type LinkinfoBondAttrs,
  type LinkinfoVlanAttrs,
  VlanFlags,
  VlanProtocol
} from "../../generated/rt-link/index.ts"
import { InterfaceName, IPv4, IPv6, MacAddress, U8, U16, U32 } from "../../runtime/Primitives.ts"
import { ipToString, parseIPv4, parseIPv6, Writer } from "../../runtime/Wire.ts"

// ------------------------------------------------------------------ helpers

/** A device by name or index. */
export const DeviceRef = Schema.Union([
  InterfaceName,
  Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 0x7fffffff }))
])
export type DeviceRef = typeof DeviceRef.Type

/** Resolved device indexes, by the input field that named the device. */
export type ResolvedDevices = Readonly<Record<string, number>>

const deviceIndex = (ref: DeviceRef, field: string, resolved: ResolvedDevices): number => {
  if (typeof ref === "number") return ref
  const i = resolved[field]
  // The caller resolves every field listed in deviceFields before building.
  if (i === undefined) throw new Error(`LinkKinds: device "${ref}" in ${field} was not resolved`)
  return i
}

/** A name from `names` or a number in [0, max]: how `ip` accepts enum options. */
const named = <const N extends string>(names: ReadonlyArray<N>, max: number) =>
  Schema.Union([Schema.Literals(names), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: max }))])

const toNumber = (v: string | number, table: Readonly<Record<string, number>>): number =>
  typeof v === "number" ? v : table[v]!

const bool = (b: boolean | undefined): number | undefined => (b === undefined ? undefined : b ? 1 : 0)

/** Drops undefined values so the generated encoder only writes what was asked for. */
const defined = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A

// -------------------------------------------------------------------- dummy

/**
 * Options of a dummy link: none. Each kind exports its `XFields` (to spread into
 * a larger input Schema, as Link.add does) and `XSpec` (the Struct of them).
 *
 * @example
 * ```ts
 * dummyInfo() // { kind: "dummy" }
 * ```
 */
export const DummyFields = {}
export const DummySpec = Schema.Struct(DummyFields)
export type DummySpec = typeof DummySpec.Type

/** IFLA_LINKINFO of a dummy link: the kind alone, as iproute2 sends it. */
export const dummyInfo = (): LinkinfoAttrs => ({ kind: "dummy" })

// --------------------------------------------------------------------- vlan

const Pcp = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 7 }))
const NumericKey = Schema.String.check(
  Schema.makeFilter(
    (k: string) =>
      (/^(0|[1-9][0-9]{0,9})$/.test(k) && Number(k) <= 0xffffffff) || `"${k}" is not a number 0..4294967295`
  )
)

/**
 * A QoS map: `{ 1: 2, 3: 4 }` or `[[1, 2], [3, 4]]` (from → to), as
 * `egress-qos-map 1:2 3:4`. Egress maps skb priority → PCP (0..7); ingress maps
 * PCP (0..7) → skb priority.
 */
const qosMap = (from: Schema.Codec<number>, to: Schema.Codec<number>) =>
  Schema.Union([Schema.Record(NumericKey, to), Schema.Array(Schema.Tuple([from, to]))])

/**
 * Options of an 802.1Q / 802.1ad vlan (`ip link add NAME link PARENT type vlan ...`).
 *
 * @example
 * ```ts
 * vlanInfo({ link: "eth0", id: 7, protocol: "802.1ad", egressQos: { 1: 2 } })
 * ```
 */
export const VlanFields = {
  /** The parent device (IFLA_LINK of the request). */
  link: DeviceRef,
  id: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4094 })),
  protocol: Schema.optional(Schema.Literals(["802.1Q", "802.1ad"])),
  flags: Schema.optional(
    Schema.Struct({
      reorderHdr: Schema.optional(Schema.Boolean),
      gvrp: Schema.optional(Schema.Boolean),
      looseBinding: Schema.optional(Schema.Boolean),
      mvrp: Schema.optional(Schema.Boolean),
      bridgeBinding: Schema.optional(Schema.Boolean)
    })
  ),
  egressQos: Schema.optional(qosMap(U32, Pcp)),
  ingressQos: Schema.optional(qosMap(Pcp, U32))
}
export const VlanSpec = Schema.Struct(VlanFields)
export type VlanSpec = typeof VlanSpec.Type

const vlanFlagBits = {
  reorderHdr: VlanFlags.reorderHdr,
  gvrp: VlanFlags.gvrp,
  looseBinding: VlanFlags.looseBinding,
  mvrp: VlanFlags.mvrp,
  bridgeBinding: VlanFlags.bridgeBinding
} as const

const qosMappings = (m: VlanSpec["egressQos"]) => {
  if (m === undefined) return undefined
  const pairs = Array.isArray(m)
    ? (m as ReadonlyArray<readonly [number, number]>)
    : Object.entries(m as Record<string, number>)
        .map(([k, v]) => [Number(k), v] as const)
        .sort((a, b) => a[0] - b[0])
  // an empty map is an empty nest, which decodes without `mapping`
  return pairs.length === 0 ? {} : { mapping: pairs.map(([from, to]) => ({ from, to })) }
}

/**
 * IFLA_LINKINFO of a vlan. The parent is not part of it: it goes into IFLA_LINK
 * of the request (see `deviceFields.vlan`). Flags are sent as iproute2 does:
 * `mask` holds every flag named, `flags` those set to true.
 */
export const vlanInfo = (spec: VlanSpec): LinkinfoAttrs => {
  let flags: LinkinfoVlanAttrs["flags"]
  if (spec.flags !== undefined) {
    let value = 0
    let mask = 0
    for (const [k, bit] of Object.entries(vlanFlagBits)) {
      const v = spec.flags[k as keyof typeof vlanFlagBits]
      if (v === undefined) continue
      mask |= bit
      if (v) value |= bit
    }
    flags = { flags: value, mask }
  }
  const data: LinkinfoVlanAttrs = defined({
    id: spec.id,
    flags,
    egressQos: qosMappings(spec.egressQos),
    ingressQos: qosMappings(spec.ingressQos),
    protocol:
      spec.protocol === undefined
        ? undefined
        : spec.protocol === "802.1ad"
          ? VlanProtocol.dot1ad
          : VlanProtocol.dot1q
  })
  return { kind: "vlan", data: { kind: "vlan", ...data } }
}

// --------------------------------------------------------------------- bond

/** Bond modes by their `ip` names. */
export const bondModes = {
  "balance-rr": BondMode.balanceRr,
  "active-backup": BondMode.activeBackup,
  "balance-xor": BondMode.balanceXor,
  broadcast: BondMode.broadcast,
  "802.3ad": BondMode.ieee8023ad,
  "balance-tlb": BondMode.balanceTlb,
  "balance-alb": BondMode.balanceAlb
} as const
/** Transmit hash policies by their `ip` names. */
export const bondXmitHashPolicies = {
  layer2: BondXmitHashPolicy.layer2,
  "layer3+4": BondXmitHashPolicy.layer34,
  "layer2+3": BondXmitHashPolicy.layer23,
  "encap2+3": BondXmitHashPolicy.encap23,
  "encap3+4": BondXmitHashPolicy.encap34,
  "vlan+srcmac": BondXmitHashPolicy.vlanSrcmac
} as const
const lacpRates = { slow: BondAdLacpRate.slow, fast: BondAdLacpRate.fast } as const
const adSelects = {
  stable: BondAdSelect.stable,
  bandwidth: BondAdSelect.bandwidth,
  count: BondAdSelect.count,
  prio: BondAdSelect.prio
} as const
const arpValidates = {
  none: BondArpValidate.none,
  active: BondArpValidate.active,
  backup: BondArpValidate.backup,
  all: BondArpValidate.all,
  filter: BondArpValidate.filter,
  filter_active: BondArpValidate.filterActive,
  filter_backup: BondArpValidate.filterBackup
} as const
const arpAllTargets = { any: BondArpAllTargets.any, all: BondArpAllTargets.all } as const
const failOverMacs = {
  none: BondFailOverMac.none,
  active: BondFailOverMac.active,
  follow: BondFailOverMac.follow
} as const
const primaryReselects = {
  always: BondPrimaryReselect.always,
  better: BondPrimaryReselect.better,
  failure: BondPrimaryReselect.failure
} as const

const keys = <T extends object>(o: T) => Object.keys(o) as Array<keyof T & string>

/**
 * Options of a bond (`ip link add NAME type bond ...`); names follow ip-link(8)
 * in camelCase. Ports join with `Link.set(port, { master: bond })`.
 *
 * @example
 * ```ts
 * bondInfo({ mode: "802.3ad", miimon: 100, lacpRate: "fast", xmitHashPolicy: "layer3+4" })
 * ```
 */
export const BondFields = {
  mode: Schema.optional(named(keys(bondModes), 6)),
  /** The active port (active-backup, balance-tlb, balance-alb). */
  activeSlave: Schema.optional(DeviceRef),
  miimon: Schema.optional(U32),
  updelay: Schema.optional(U32),
  downdelay: Schema.optional(U32),
  peerNotifyDelay: Schema.optional(U32),
  useCarrier: Schema.optional(Schema.Boolean),
  arpInterval: Schema.optional(U32),
  arpIpTargets: Schema.optional(Schema.Array(IPv4).check(Schema.isMaxLength(16))),
  nsIp6Targets: Schema.optional(Schema.Array(IPv6).check(Schema.isMaxLength(16))),
  arpValidate: Schema.optional(named(keys(arpValidates), 6)),
  arpAllTargets: Schema.optional(named(keys(arpAllTargets), 1)),
  missedMax: Schema.optional(U8.check(Schema.isBetween({ minimum: 1, maximum: 255 }))),
  /** The preferred port. */
  primary: Schema.optional(DeviceRef),
  primaryReselect: Schema.optional(named(keys(primaryReselects), 2)),
  failOverMac: Schema.optional(named(keys(failOverMacs), 2)),
  xmitHashPolicy: Schema.optional(named(keys(bondXmitHashPolicies), 5)),
  resendIgmp: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 255 }))),
  numPeerNotif: Schema.optional(U8),
  allSlavesActive: Schema.optional(Schema.Boolean),
  minLinks: Schema.optional(U32),
  lpInterval: Schema.optional(U32.check(Schema.isBetween({ minimum: 1, maximum: 0x7fffffff }))),
  packetsPerSlave: Schema.optional(U16),
  lacpRate: Schema.optional(named(keys(lacpRates), 1)),
  lacpActive: Schema.optional(Schema.Boolean),
  adSelect: Schema.optional(named(keys(adSelects), 3)),
  adActorSysPrio: Schema.optional(U16.check(Schema.isBetween({ minimum: 1, maximum: 65535 }))),
  adUserPortKey: Schema.optional(U16.check(Schema.isBetween({ minimum: 0, maximum: 1023 }))),
  adActorSystem: Schema.optional(MacAddress),
  tlbDynamicLb: Schema.optional(Schema.Boolean),
  coupledControl: Schema.optional(Schema.Boolean),
  broadcastNeighbor: Schema.optional(Schema.Boolean)
}
export const BondSpec = Schema.Struct(BondFields)
export type BondSpec = typeof BondSpec.Type

/**
 * An "indexed array" nest payload (IFLA_BOND_ARP_IP_TARGET, IFLA_BOND_NS_IP6_TARGET):
 * one attribute per address, typed by its slot 0..15, as iproute2 writes it.
 */
export const encodeIndexedAddresses = (addrs: ReadonlyArray<string>): Uint8Array => {
  const w = new Writer(addrs.length * 20 + 4)
  addrs.forEach((a, i) => {
    w.attrBinary(i, (a.includes(":") ? parseIPv6(a) : parseIPv4(a))!)
  })
  return w.finish()
}

/** The addresses of an indexed-array nest payload, in slot order. */
export const decodeIndexedAddresses = (payload: Uint8Array): Array<string> => {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const out: Array<[number, string]> = []
  let off = 0
  while (off + 4 <= payload.length) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > payload.length) break
    out.push([view.getUint16(off + 2, true) & 0x3fff, ipToString(payload, off + 4, len - 4)])
    off += (len + 3) & ~3
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, a]) => a)
}

/**
 * IFLA_LINKINFO of a bond. `resolved` holds the indexes of `primary` and
 * `activeSlave` when they were given by name (see `deviceFields.bond`).
 */
export const bondInfo = (spec: BondSpec, resolved: ResolvedDevices = {}): LinkinfoAttrs => {
  const data: LinkinfoBondAttrs = defined({
    mode: spec.mode === undefined ? undefined : toNumber(spec.mode, bondModes),
    activeSlave:
      spec.activeSlave === undefined ? undefined : deviceIndex(spec.activeSlave, "activeSlave", resolved),
    miimon: spec.miimon,
    updelay: spec.updelay,
    downdelay: spec.downdelay,
    useCarrier: bool(spec.useCarrier),
    arpInterval: spec.arpInterval,
    arpIpTarget: spec.arpIpTargets === undefined ? undefined : encodeIndexedAddresses(spec.arpIpTargets),
    arpValidate: spec.arpValidate === undefined ? undefined : toNumber(spec.arpValidate, arpValidates),
    arpAllTargets: spec.arpAllTargets === undefined ? undefined : toNumber(spec.arpAllTargets, arpAllTargets),
    primary: spec.primary === undefined ? undefined : deviceIndex(spec.primary, "primary", resolved),
    primaryReselect:
      spec.primaryReselect === undefined ? undefined : toNumber(spec.primaryReselect, primaryReselects),
    failOverMac: spec.failOverMac === undefined ? undefined : toNumber(spec.failOverMac, failOverMacs),
    xmitHashPolicy:
      spec.xmitHashPolicy === undefined ? undefined : toNumber(spec.xmitHashPolicy, bondXmitHashPolicies),
    resendIgmp: spec.resendIgmp,
    numPeerNotif: spec.numPeerNotif,
    allSlavesActive: bool(spec.allSlavesActive),
    minLinks: spec.minLinks,
    lpInterval: spec.lpInterval,
    packetsPerSlave: spec.packetsPerSlave,
    adLacpRate: spec.lacpRate === undefined ? undefined : toNumber(spec.lacpRate, lacpRates),
    adSelect: spec.adSelect === undefined ? undefined : toNumber(spec.adSelect, adSelects),
    adActorSysPrio: spec.adActorSysPrio,
    adUserPortKey: spec.adUserPortKey,
    adActorSystem: spec.adActorSystem,
    tlbDynamicLb: bool(spec.tlbDynamicLb),
    peerNotifDelay: spec.peerNotifyDelay,
    adLacpActive: bool(spec.lacpActive),
    missedMax: spec.missedMax,
    nsIp6Target: spec.nsIp6Targets === undefined ? undefined : encodeIndexedAddresses(spec.nsIp6Targets),
    coupledControl: bool(spec.coupledControl),
    broadcastNeigh: bool(spec.broadcastNeighbor)
  })
  return { kind: "bond", data: { kind: "bond", ...data } }
}

// ---------------------------------------------------------------------- vrf

/**
 * Options of a VRF (`ip link add NAME type vrf table N`). Ports join with
 * `Link.set(port, { master: vrf })`; routes go into `table`.
 *
 * @example
 * ```ts
 * vrfInfo({ table: 10 })
 * ```
 */
export const VrfFields = {
  /** The VRF's routing table: 1..2^32-1, not local (255), main (254) or default (253). */
  table: U32.check(
    Schema.makeFilter(
      (t: number) =>
        (t !== 0 && t !== 253 && t !== 254 && t !== 255) ||
        `table ${t} is reserved (0 unspec, 253 default, 254 main, 255 local)`
    )
  )
}
export const VrfSpec = Schema.Struct(VrfFields)
export type VrfSpec = typeof VrfSpec.Type

/** IFLA_LINKINFO of a VRF. */
export const vrfInfo = (spec: VrfSpec): LinkinfoAttrs => ({
  kind: "vrf",
  data: { kind: "vrf", table: spec.table }
})

// -------------------------------------------------------------- kernel gates

/**
 * Bond options newer kernels added. Older kernels parse kind data leniently and
 * DROP attribute types above their maximum without an error, so a request with
 * them "succeeds" without applying them. A version check cannot tell (Debian's
 * 6.1 has coupled_control backported), so Link.add reads the bond back and
 * compares with `ignoredOptions`: each of these is always reported by a kernel
 * that knows it.
 */
export const bondOptionSince = {
  coupledControl: { attr: "coupledControl", uapi: "IFLA_BOND_COUPLED_CONTROL", since: "6.9" },
  broadcastNeighbor: { attr: "broadcastNeigh", uapi: "IFLA_BOND_BROADCAST_NEIGH", since: "6.17" }
} as const satisfies Record<
  string,
  { readonly attr: keyof LinkinfoBondAttrs; readonly uapi: string; readonly since: string }
>

/**
 * The options `spec` asked for that the kernel did not report back on the new
 * bond (`reported`: its decoded IFLA_INFO_DATA), with the version that added
 * each; empty when the kernel knows them all.
 */
export const ignoredOptions = (
  spec: Partial<BondSpec>,
  reported: LinkinfoBondAttrs | undefined
): Array<{ readonly field: string; readonly uapi: string; readonly since: string }> => {
  const out: Array<{ field: string; uapi: string; since: string }> = []
  for (const [field, o] of Object.entries(bondOptionSince)) {
    if ((spec as Record<string, unknown>)[field] === undefined) continue
    if (reported?.[o.attr] === undefined) out.push({ field, uapi: o.uapi, since: o.since })
  }
  return out
}

// ------------------------------------------------------------------- lookup

/**
 * Fields of each kind's options that name other devices. `top: true` means the
 * index goes into IFLA_LINK of the request itself (the vlan's parent); the others
 * are passed to the builder in `resolved`.
 */
export const deviceFields = {
  dummy: [],
  vlan: [{ field: "link", top: true }],
  bond: [
    { field: "primary", top: false },
    { field: "activeSlave", top: false }
  ],
  vrf: []
} as const satisfies Record<string, ReadonlyArray<{ readonly field: string; readonly top: boolean }>>

/** The kinds this module builds. */
export type KindName = keyof typeof deviceFields
