/**
 * bridge: `ip link add NAME type bridge ...`, and the options of its ports
 * (`ip link set PORT type bridge_slave ...`, IFLA_INFO_SLAVE_DATA). Both come
 * whole from the spec's view (linkinfo-bridge-attrs, linkinfo-brport-attrs).
 * Times are in centiseconds, as `ip` takes and prints them.
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
  toKernel: (o, ctx) => {
    const d = bridgeToWire(o, ctx.devices)
    return isEmpty(d) ? undefined : d
  },
  fromKernel: (d, ctx) => (d === undefined ? {} : bridgeFromWire(d, ctx.name)),
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
