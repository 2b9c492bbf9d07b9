/**
 * amt: `ip link add NAME type amt mode gateway|relay local ADDR dev DEV
 * [discovery ADDR] [relay_port N] [gateway_port N] [max_tunnels N]`, automatic
 * multicast tunnelling (RFC 7450). All options come from the view; the relay
 * a gateway discovered is `status.remote`. A relay reports discovery
 * 0.0.0.0, which reads back as no discovery address.
 *
 * @since 0.2.0
 */
import {
  AmtFields,
  type AmtOptions,
  amtCanonical,
  amtDevices,
  amtFromWire,
  amtKernelChosen,
  amtStatusFromWire,
  amtToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"
import { addressesCanonical } from "./tunnel.ts"

export type { AmtOptions }

/**
 * The amt descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "amt", name: "amt0", mode: "gateway", local: "10.0.0.1", discovery: "10.0.0.2", dev: "eth0" })
 * ```
 * @since 0.2.0
 */
export const amt: LinkKind<AmtOptions, "amt"> = {
  kind: "amt",
  fields: AmtFields,
  devices: amtDevices,
  kernelChosen: amtKernelChosen,
  check: (o) =>
    (o.mode === "gateway" || o.mode === 0) && o.discovery === undefined
      ? ["discovery", "a gateway needs the discovery address of a relay"]
      : undefined,
  toKernel: (o, ctx) => amtToWire(o, ctx.devices),
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof AmtOptions]?: AmtOptions[K] } = amtFromWire(d, ctx.name)
    if (o.discovery === "0.0.0.0") delete o.discovery
    return o
  },
  status: amtStatusFromWire,
  canonical: (o) => addressesCanonical(amtCanonical(o as AmtOptions), ["local", "discovery"])
}
