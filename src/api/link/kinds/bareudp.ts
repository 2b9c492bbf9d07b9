/**
 * bareudp: `ip link add NAME type bareudp dstport PORT ethertype PROTO
 * [srcportmin PORT] [multiproto]`. Everything comes from the spec's view
 * (linkinfo-bareudp-attrs; `ethertype` by ip's names ipv4, ipv6, mpls_uc,
 * mpls_mc or a number).
 *
 * @since 0.2.0
 */
import {
  BareudpFields,
  type BareudpOptions,
  bareudpCanonical,
  bareudpDevices,
  bareudpFromWire,
  bareudpKernelChosen,
  bareudpToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"

export type { BareudpOptions }

/**
 * The bareudp descriptor.
 *
 * @example
 * ```ts
 * bareudp.toKernel({ dstport: 6635, ethertype: "mpls_uc" }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const bareudp: LinkKind<BareudpOptions, "bareudp"> = {
  kind: "bareudp",
  fields: BareudpFields,
  devices: bareudpDevices,
  kernelChosen: bareudpKernelChosen,
  check: (o) =>
    o.multiproto === true &&
    o.ethertype !== "ipv4" &&
    o.ethertype !== "mpls_uc" &&
    o.ethertype !== 0x0800 &&
    o.ethertype !== 0x8847
      ? ["multiproto", "multiproto needs ethertype ipv4 or mpls_uc"]
      : undefined,
  toKernel: (o) => bareudpToWire(o),
  fromKernel: (d, ctx) => (d === undefined ? {} : bareudpFromWire(d, ctx.name)),
  canonical: (o) => bareudpCanonical(o as BareudpOptions)
}
