/**
 * Virtual tunnel interfaces for IPsec: `ip link add NAME type vti|vti6 remote A
 * local B ikey K okey K ...`. Everything comes from the spec's views
 * (linkinfo-vti-attrs, linkinfo-vti6-attrs); a create sends the keys and
 * fwmark always, as `ip` does.
 *
 * @since 0.2.0
 */
import type { LinkinfoVti6Attrs, LinkinfoVtiAttrs } from "../../../generated/rt-link/index.ts"
import {
  VtiFields,
  type VtiOptions,
  Vti6Fields,
  type Vti6Options,
  vti6Canonical,
  vti6Devices,
  vti6FromWire,
  vti6KernelChosen,
  vti6ToWire,
  vtiCanonical,
  vtiDevices,
  vtiFromWire,
  vtiKernelChosen,
  vtiToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"
import { addressesCanonical } from "./tunnel.ts"

export type { Vti6Options, VtiOptions }

const withDefaults = <W extends LinkinfoVtiAttrs | LinkinfoVti6Attrs>(w: W): W => ({
  ...w,
  ikey: w.ikey ?? 0,
  okey: w.okey ?? 0,
  fwmark: w.fwmark ?? 0
})

/**
 * vti: IPv4 IPsec tunnel interface.
 *
 * @example
 * ```ts
 * vti.toKernel({ remote: "10.0.0.2", local: "10.0.0.1", ikey: 7, okey: 7 }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const vti: LinkKind<VtiOptions, "vti"> = {
  kind: "vti",
  fields: VtiFields,
  devices: vtiDevices,
  kernelChosen: vtiKernelChosen,
  toKernel: (o, ctx) => withDefaults(vtiToWire(o, ctx.devices)),
  fromKernel: (d, ctx) => (d === undefined ? {} : vtiFromWire(d, ctx.name)),
  canonical: (o) => addressesCanonical(vtiCanonical(o), ["local", "remote"])
}

/**
 * vti6: IPv6 IPsec tunnel interface.
 *
 * @example
 * ```ts
 * vti6.toKernel({ remote: "2001:db8::2", ikey: 9, okey: 9 }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const vti6: LinkKind<Vti6Options, "vti6"> = {
  kind: "vti6",
  fields: Vti6Fields,
  devices: vti6Devices,
  kernelChosen: vti6KernelChosen,
  toKernel: (o, ctx) => withDefaults(vti6ToWire(o, ctx.devices)),
  fromKernel: (d, ctx) => (d === undefined ? {} : vti6FromWire(d, ctx.name)),
  canonical: (o) => addressesCanonical(vti6Canonical(o), ["local", "remote"])
}
