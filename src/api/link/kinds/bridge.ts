/**
 * bridge: `ip link add NAME type bridge ...`, and the options of its ports
 * (`ip link set PORT type bridge_slave ...`, IFLA_INFO_SLAVE_DATA). Both come
 * whole from the spec's view (linkinfo-bridge-attrs, linkinfo-brport-attrs).
 * Times are in centiseconds, as `ip` takes and prints them. By hand: only
 * leaving out a reported `vlanFiltering: false` (see fromKernel).
 *
 * @since 0.2.0
 */
import {
  BridgeFields,
  type BridgeOptions,
  BridgePortFields,
  bridgeCanonical,
  bridgeDevices,
  bridgeFromWire,
  bridgeKernelChosen,
  bridgePortCanonical,
  bridgePortDevices,
  bridgePortFromWire,
  bridgePortStatusFromWire,
  bridgePortToWire,
  bridgeStatusFromWire,
  bridgeToWire
} from "../../../generated/rt-link/view.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"

export type { BridgeOptions, BridgePortOptions } from "../../../generated/rt-link/view.ts"

/**
 * The bridge descriptor.
 *
 * @example
 * ```ts
 * bridge.toKernel({ stpState: true }, { devices: {}, namespaces: {} }) // { stpState: 1 }
 * ```
 * @since 0.2.0
 */
export const bridge: LinkKind<BridgeOptions, "bridge"> = {
  kind: "bridge",
  fields: BridgeFields,
  devices: bridgeDevices,
  kernelChosen: bridgeKernelChosen,
  toKernel: (o, ctx) => {
    const d = bridgeToWire(o, ctx.devices)
    return isEmpty(d) ? undefined : d
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof BridgeOptions]?: BridgeOptions[K] } = bridgeFromWire(d, ctx.name)
    // A kernel without CONFIG_BRIDGE_VLAN_FILTERING reports vlan_filtering 0 but
    // refuses the attribute on create: the default is left out, so a listed
    // bridge can be added back.
    if (o.vlanFiltering === false) delete o.vlanFiltering
    return o
  },
  status: (d) => bridgeStatusFromWire(d),
  canonical: (o) => bridgeCanonical(o),
  port: {
    fields: BridgePortFields,
    devices: bridgePortDevices,
    toKernel: bridgePortToWire,
    fromKernel: bridgePortFromWire,
    status: bridgePortStatusFromWire,
    canonical: bridgePortCanonical
  }
}
