/**
 * vxlan: `ip link add NAME type vxlan id VNI ...`. Everything but the
 * endpoints, TTL/TOS and the source port range comes from the spec's view
 * (linkinfo-vxlan-attrs in spec/rt-link.yaml → VxlanFields, vxlanToWire,
 * vxlanFromWire, vxlanCanonical). By hand: `remote` (unicast) and `group`
 * (multicast) both travel as IFLA_VXLAN_GROUP/GROUP6 and are told apart by
 * the address; `local` picks LOCAL/LOCAL6 by family; `ttl` ("auto" is 0, "inherit" the
 * TTL_INHERIT flag: the view's keywords); `tos: "inherit"` is 1; learning is on unless `learning:
 * false` or `external` (as `ip` does), and always sent on create.
 *
 * The device group is `deviceGroup` here: `group` is the multicast group, as
 * in `ip`.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoVxlanAttrs } from "../../../generated/rt-link/index.ts"
import {
  VxlanFields,
  type VxlanOptions as Generated,
  vxlanCanonical,
  vxlanDevices,
  vxlanFromWire,
  vxlanKernelChosen,
  vxlanStatusFromWire,
  vxlanToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import { parseIp } from "../../../runtime/Wire.ts"
import type { LinkKind } from "../LinkKind.ts"
import { ipText, isAnyAddress } from "./tunnel.ts"

/**
 * The options of a vxlan link.
 *
 * @example
 * ```ts
 * const o: VxlanOptions = { id: 42, remote: "10.0.0.2", dev: "eth0", dstport: 4789 }
 * ```
 * @since 0.2.0
 */
export interface VxlanOptions extends Generated {
  /** Multicast group (IPv4 or IPv6). */
  readonly group?: string
  /** Unicast remote endpoint (IPv4 or IPv6). */
  readonly remote?: string
  /** Local source address. */
  readonly local?: string
  /** Outer TOS, or "inherit" (1). */
  readonly tos?: number | "inherit"
  /** UDP source port range. */
  readonly srcPortRange?: { readonly low: number; readonly high: number }
  /** The device group (the common `group` of other kinds; here `group` is the multicast group). */
  readonly deviceGroup?: number | "default"
}

const fields = {
  ...VxlanFields,
  group: Schema.optional(P.InetAddress),
  remote: Schema.optional(P.InetAddress),
  local: Schema.optional(P.InetAddress),
  tos: Schema.optional(Schema.Union([P.U8, Schema.Literal("inherit")])),
  srcPortRange: Schema.optional(Schema.Struct({ low: P.U16, high: P.U16 }))
}

const isV6 = (s: string): boolean => s.includes(":")
const isMulticast = (s: string): boolean => {
  const a = parseIp(s)
  // text that is no address (kernel data of the wrong length) is not a group either
  if (a === undefined) return false
  return a.length === 4 ? (a[0] & 0xf0) === 0xe0 : a[0] === 0xff
}
const ZERO4 = "0.0.0.0"
const ZERO6 = "::"

/**
 * The vxlan descriptor.
 *
 * @example
 * ```ts
 * vxlan.toKernel({ id: 42 }, { devices: {}, namespaces: {} }) // { id: 42, learning: 1 }
 * ```
 * @since 0.2.0
 */
export const vxlan: LinkKind<VxlanOptions, "vxlan"> = {
  kind: "vxlan",
  fields,
  devices: vxlanDevices,
  kernelChosen: vxlanKernelChosen,
  renames: { group: "deviceGroup" },
  check: (o) => {
    if (o.id === undefined && o.external !== true) return ["id", "a VNI is needed unless external is set"]
    if (o.group !== undefined && o.remote !== undefined)
      return ["remote", "give either group (multicast) or remote (unicast), not both"]
    if (o.group !== undefined && !isMulticast(o.group))
      return ["group", `${o.group} is not a multicast address`]
    if (o.remote !== undefined && isMulticast(o.remote))
      return ["remote", `${o.remote} is a multicast address; use group`]
    const peer = o.group ?? o.remote
    if (peer !== undefined && o.local !== undefined && isV6(peer) !== isV6(o.local))
      return ["local", "local and remote/group must be of the same address family"]
    if (o.srcPortRange !== undefined && o.srcPortRange.high < o.srcPortRange.low)
      return ["srcPortRange", "high must not be below low"]
    return undefined
  },
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoVxlanAttrs]: LinkinfoVxlanAttrs[K] } = vxlanToWire(
      o,
      ctx.devices
    )
    const peer = o.group ?? o.remote
    if (peer !== undefined) {
      if (isV6(peer)) w.group6 = peer
      else w.group = peer
    }
    if (o.local !== undefined) {
      if (isV6(o.local)) w.local6 = o.local
      else w.local = o.local
    }
    if (o.tos !== undefined) w.tos = o.tos === "inherit" ? 1 : o.tos
    if (o.srcPortRange !== undefined) w.portRange = o.srcPortRange
    // ip sends learning on create, off with external (metadata mode has no FDB to learn into).
    w.learning = o.learning === undefined ? (o.external ? 0 : 1) : o.learning ? 1 : 0
    return w
  },
  // a change sends learning only when given (toKernel sends it on every create, as ip does)
  change: (o, ctx) => {
    const w: any = vxlan.toKernel(o as VxlanOptions, ctx)
    if (o.learning === undefined) delete w.learning
    return w
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof VxlanOptions]?: VxlanOptions[K] } = vxlanFromWire(d, ctx.name)
    const peer =
      d.group !== undefined && d.group !== ZERO4
        ? d.group
        : d.group6 !== undefined && d.group6 !== ZERO6
          ? d.group6
          : undefined
    if (peer !== undefined) {
      if (isMulticast(peer)) o.group = peer
      else o.remote = peer
    }
    const local =
      d.local !== undefined && d.local !== ZERO4
        ? d.local
        : d.local6 !== undefined && d.local6 !== ZERO6
          ? d.local6
          : undefined
    if (local !== undefined) o.local = local
    if (d.tos !== undefined) o.tos = d.tos === 1 ? "inherit" : d.tos
    if (d.portRange !== undefined) o.srcPortRange = { low: d.portRange.low, high: d.portRange.high }
    return o
  },
  status: (d) => vxlanStatusFromWire(d),
  canonical: (o) => {
    const c: any = vxlanCanonical(o as Generated)
    // the unspecified address is what the kernel lists for none (and fromKernel reads so)
    for (const k of ["group", "remote", "local"] as const)
      if (typeof c[k] === "string") {
        if (isAnyAddress(c[k])) delete c[k]
        else c[k] = ipText(c[k])
      }
    if (c.learning === undefined) c.learning = !o.external
    if (c.tos === undefined) c.tos = 0
    else if (c.tos === 1) c.tos = "inherit" // one value on the wire
    if (c.srcPortRange === undefined) c.srcPortRange = { low: 0, high: 0 }
    // VXLAN-GPE's default UDP port is its own (IANA 4790), not the kernel's 8472.
    if (o.gpe === true && (o as Generated).dstport === undefined) c.dstport = 4790
    // The kernel reports id 0 for an external device created without one.
    if (c.id === undefined && c.external) c.id = 0
    return c
  }
}
