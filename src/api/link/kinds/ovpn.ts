/**
 * ovpn: `ip link add NAME type ovpn [mode p2p|mp]`, the OpenVPN data channel
 * offload device (Linux 6.16+). Peers and keys are set over the ovpn generic
 * netlink family by the OpenVPN daemon. Its module has no `rtnl-link-ovpn`
 * alias, so the kernel does not load it on a create: load it first
 * (`modprobe ovpn`); until then an add fails with the missing-kind error.
 *
 * @since 0.2.0
 */
import {
  OvpnFields,
  type OvpnOptions,
  ovpnCanonical,
  ovpnDevices,
  ovpnFromWire,
  ovpnKernelChosen,
  ovpnToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"

export type { OvpnOptions }

/**
 * The ovpn descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "ovpn", name: "ovpn0", mode: "mp" })
 * ```
 * @since 0.2.0
 */
export const ovpn: LinkKind<OvpnOptions, "ovpn"> = {
  kind: "ovpn",
  fields: OvpnFields,
  devices: ovpnDevices,
  kernelChosen: ovpnKernelChosen,
  toKernel: (o) => ovpnToWire(o),
  fromKernel: (d, ctx) => (d === undefined ? {} : ovpnFromWire(d, ctx.name)),
  canonical: ovpnCanonical
}
