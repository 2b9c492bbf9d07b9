/**
 * bond: `ip link add NAME type bond mode MODE ...`, option names as ip-link(8)
 * in camelCase, from the spec's view (linkinfo-bond-attrs). By hand: the ARP
 * and NS targets (indexed-array nests the spec cannot type yet), leaving out
 * of a listed bond what its mode refuses (so it can be added back), and the
 * read-back check after create: a kernel older than an option parses kind data
 * leniently and drops it without an error, so the engine reads the new bond
 * back and `verify` names what is missing (and the version that added it).
 * Ports report their state as status and take `queueId`, `prio` and
 * `actorPortPrio`.
 *
 * @since 0.2.0
 */
import { release } from "node:os"
import * as Schema from "effect/Schema"
import type { LinkinfoBondAttrs } from "../../../generated/rt-link/index.ts"
import {
  BondFields,
  type BondOptions as Generated,
  BondPortFields,
  bondCanonical,
  bondDevices,
  bondFromWire,
  bondKernelChosen,
  bondPortCanonical,
  bondPortDevices,
  bondPortFromWire,
  bondPortStatusFromWire,
  bondPortToWire,
  bondStatusFromWire,
  bondToWire
} from "../../../generated/rt-link/view.ts"
import { encodeLinkinfoBondPortAttrs } from "../../../generated/rt-link/index.ts"
import * as P from "../../../runtime/Primitives.ts"
import { ipToString, parseIPv4, parseIPv6, Writer } from "../../../runtime/Wire.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"
import { ipText } from "./tunnel.ts"

/**
 * The options of a bond.
 *
 * @example
 * ```ts
 * const o: BondOptions = { mode: "802.3ad", miimon: 100, lacpRate: "fast", xmitHashPolicy: "layer3+4" }
 * ```
 * @since 0.2.0
 */
export interface BondOptions extends Generated {
  readonly arpIpTargets?: ReadonlyArray<string>
  readonly nsIp6Targets?: ReadonlyArray<string>
}

const fields = {
  ...BondFields,
  arpIpTargets: Schema.optional(Schema.Array(P.IPv4).check(Schema.isMaxLength(16))),
  nsIp6Targets: Schema.optional(Schema.Array(P.IPv6).check(Schema.isMaxLength(16)))
}

/**
 * An indexed-array nest payload (IFLA_BOND_ARP_IP_TARGET, IFLA_BOND_NS_IP6_TARGET):
 * one attribute per address, typed by its slot 0..15, as iproute2 writes it.
 *
 * @example
 * ```ts
 * encodeIndexedAddresses(["10.0.0.1"])
 * ```
 * @since 0.2.0
 */
export const encodeIndexedAddresses = (addrs: ReadonlyArray<string>): Uint8Array => {
  const w = new Writer(addrs.length * 20 + 4)
  addrs.forEach((a, i) => {
    w.attrBinary(i, (a.includes(":") ? parseIPv6(a) : parseIPv4(a))!)
  })
  return w.finish()
}

/**
 * The addresses of an indexed-array nest payload, in slot order.
 *
 * @example
 * ```ts
 * decodeIndexedAddresses(encodeIndexedAddresses(["10.0.0.1"])) // ["10.0.0.1"]
 * ```
 * @since 0.2.0
 */
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
 * Bond options newer kernels added, which an older kernel drops without an
 * error. A version check cannot tell (Debian's 6.1 has coupled_control
 * backported), so the new bond is read back: each is always reported by a
 * kernel that knows it.
 *
 * @example
 * ```ts
 * bondOptionSince.coupledControl.since // "6.9"
 * ```
 * @since 0.2.0
 */
export const bondOptionSince = {
  coupledControl: { attr: "coupledControl", uapi: "IFLA_BOND_COUPLED_CONTROL", since: "6.9" },
  broadcastNeighbor: { attr: "broadcastNeigh", uapi: "IFLA_BOND_BROADCAST_NEIGH", since: "6.17" }
} as const satisfies Record<
  string,
  { readonly attr: keyof LinkinfoBondAttrs; readonly uapi: string; readonly since: string }
>

/**
 * The options `options` asked for that the kernel did not report back on the
 * new bond (`reported`: its kind data), with the version that added each.
 *
 * @example
 * ```ts
 * ignoredOptions({ coupledControl: true }, { mode: 0 }) // [{ field: "coupledControl", ... }]
 * ```
 * @since 0.2.0
 */
export const ignoredOptions = (
  options: Partial<BondOptions>,
  reported: LinkinfoBondAttrs | undefined
): Array<{ readonly field: string; readonly uapi: string; readonly since: string }> => {
  const out: Array<{ field: string; uapi: string; since: string }> = []
  for (const [field, o] of Object.entries(bondOptionSince)) {
    if ((options as Record<string, unknown>)[field] === undefined) continue
    if (reported?.[o.attr] === undefined) out.push({ field, uapi: o.uapi, since: o.since })
  }
  return out
}

type Mode =
  | "balance-rr"
  | "active-backup"
  | "balance-xor"
  | "broadcast"
  | "802.3ad"
  | "balance-tlb"
  | "balance-alb"
const ARP: ReadonlyArray<Mode> = ["balance-rr", "active-backup", "balance-xor", "broadcast"]
/**
 * Options the kernel refuses outside some modes (EACCES, even when the value is
 * the default) but reports in every mode: a listed bond leaves them out when its
 * mode has no use for them, so it can be added back.
 */
const onlyIn: Readonly<Record<string, ReadonlyArray<Mode>>> = {
  packetsPerSlave: ["balance-rr"],
  xmitHashPolicy: ["balance-xor", "802.3ad", "balance-tlb", "balance-alb"],
  arpInterval: ARP,
  arpValidate: ARP,
  missedMax: ARP,
  primary: ["active-backup", "balance-tlb", "balance-alb"],
  activeSlave: ["active-backup", "balance-tlb", "balance-alb"],
  tlbDynamicLb: ["balance-tlb", "balance-alb"],
  lacpRate: ["802.3ad"],
  adSelect: ["802.3ad"],
  lacpActive: ["802.3ad"],
  adActorSysPrio: ["802.3ad"],
  adUserPortKey: ["802.3ad"],
  adActorSystem: ["802.3ad"],
  coupledControl: ["802.3ad"],
  broadcastNeighbor: ["802.3ad"]
}
/** Delays the kernel refuses (EPERM) while MII monitoring is off, reported as 0 regardless. */
const MII_DELAYS = ["updelay", "downdelay", "peerNotifyDelay"] as const

/**
 * The bond descriptor.
 *
 * @example
 * ```ts
 * bond.toKernel({ mode: "802.3ad" }, { devices: {}, namespaces: {} }) // { mode: 4 }
 * ```
 * @since 0.2.0
 */
export const bond: LinkKind<BondOptions, "bond"> = {
  kind: "bond",
  fields,
  devices: bondDevices,
  kernelChosen: bondKernelChosen,
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoBondAttrs]: LinkinfoBondAttrs[K] } = bondToWire(o, ctx.devices)
    if (o.arpIpTargets !== undefined) w.arpIpTarget = encodeIndexedAddresses(o.arpIpTargets)
    if (o.nsIp6Targets !== undefined) w.nsIp6Target = encodeIndexedAddresses(o.nsIp6Targets)
    // no options: the kind alone, as `ip link add bond0 type bond` sends it
    return isEmpty(w) ? undefined : w
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: any = bondFromWire(d, ctx.name)
    if (d.arpIpTarget !== undefined) o.arpIpTargets = decodeIndexedAddresses(d.arpIpTarget)
    if (d.nsIp6Target !== undefined) o.nsIp6Targets = decodeIndexedAddresses(d.nsIp6Target)
    const mode = o.mode as Mode | undefined
    if (mode !== undefined)
      for (const [field, modes] of Object.entries(onlyIn)) if (!modes.includes(mode)) delete o[field]
    if (!o.miimon) for (const f of MII_DELAYS) if (o[f] === 0) delete o[f]
    return o
  },
  status: (d) => bondStatusFromWire(d),
  canonical: (o) => {
    const c: any = bondCanonical(o as Generated)
    // addresses as the listing spells them ("::1", not "0:0:0:0:0:0:0:1")
    c.arpIpTargets = (c.arpIpTargets ?? []).map(ipText)
    c.nsIp6Targets = (c.nsIp6Targets ?? []).map(ipText)
    return c
  },
  verify: (o, data) => {
    const [missing] = ignoredOptions(o, data)
    return missing === undefined
      ? undefined
      : [
          missing.field,
          `${missing.uapi} needs Linux ${missing.since} or a kernel with it backported; this kernel (${release()}) ignored it, so the bond was removed again`
        ]
  },
  port: {
    fields: BondPortFields,
    devices: bondPortDevices,
    toKernel: bondPortToWire,
    fromKernel: bondPortFromWire,
    status: bondPortStatusFromWire,
    canonical: bondPortCanonical,
    encode: encodeLinkinfoBondPortAttrs
  }
}
