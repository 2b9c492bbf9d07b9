/**
 * bridge: `ip link add NAME type bridge ...`, and the options of its ports
 * (`ip link set PORT type bridge_slave ...`, IFLA_INFO_SLAVE_DATA). Both come
 * whole from the spec's view (linkinfo-bridge-attrs, linkinfo-brport-attrs).
 * Times are in centiseconds, as `ip` takes and prints them. By hand: only
 * leaving out a reported `vlanFiltering: false` (see fromKernel).
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoBrportAttrs } from "../../../generated/rt-link/index.ts"
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
  bridgeToWire,
  DeviceRef
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import { encodeLinkinfoBrportAttrs } from "../../../generated/rt-link/index.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"

import type { BridgePortOptions } from "../../../generated/rt-link/view.ts"

export type { BridgeOptions, BridgePortOptions } from "../../../generated/rt-link/view.ts"

/** STP port states by BR_STATE_* number, as `bridge link` names them. */
const PORT_STATES = ["disabled", "listening", "learning", "forwarding", "blocking"] as const

/**
 * Bridge port options as `setPort`/`setBridgePort` take them: the listed
 * options, `backupPort: null` to remove the backup port, and a write-only STP
 * `state` (what the kernel reports is under status).
 *
 * @example
 * ```ts
 * const p: BridgePortInput = { cost: 5, backupPort: null, state: "blocking" }
 * ```
 * @since 0.4.0
 */
export interface BridgePortInput extends Omit<BridgePortOptions, "backupPort"> {
  readonly backupPort?: string | number | null
  readonly state?: (typeof PORT_STATES)[number] | number
}

const portFields = {
  ...BridgePortFields,
  backupPort: Schema.optional(Schema.NullOr(DeviceRef)),
  state: Schema.optional(Schema.Union([Schema.Literals(PORT_STATES), P.intBetween(P.U8, 0, 4)]))
}

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
    fields: portFields,
    devices: bridgePortDevices,
    toKernel: (o: BridgePortInput, devices: Readonly<Record<string, number>>) => {
      const { state, backupPort, ...rest } = o
      const w: { -readonly [K in keyof LinkinfoBrportAttrs]: LinkinfoBrportAttrs[K] } = bridgePortToWire(
        backupPort === null ? rest : { ...rest, backupPort },
        devices
      )
      if (backupPort === null) w.backupPort = 0
      if (state !== undefined) w.state = typeof state === "number" ? state : PORT_STATES.indexOf(state)
      return w
    },
    fromKernel: bridgePortFromWire,
    status: bridgePortStatusFromWire,
    // state is write-only (listed under status); a removed backup port is no backup port
    canonical: (o: BridgePortInput) => {
      const { state: _state, backupPort, ...rest } = o
      return bridgePortCanonical(backupPort === null ? rest : { ...rest, backupPort })
    },
    encode: encodeLinkinfoBrportAttrs
  }
}
