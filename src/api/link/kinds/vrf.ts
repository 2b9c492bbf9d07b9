/**
 * vrf: `ip link add NAME type vrf table N`; the table comes from the spec's
 * view (linkinfo-vrf-attrs). By hand: the reserved tables are refused. Ports
 * (`Link.set(port, { master: vrf })`) report the VRF's table as status.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import {
  VrfFields,
  type VrfOptions,
  vrfCanonical,
  vrfFromWire,
  vrfKernelChosen,
  vrfPortCanonical,
  vrfPortFromWire,
  vrfPortStatusFromWire,
  vrfPortToWire,
  vrfToWire,
  VrfPortFields
} from "../../../generated/rt-link/view.ts"
import { encodeLinkinfoVrfPortAttrs } from "../../../generated/rt-link/index.ts"
import type { LinkKind } from "../LinkKind.ts"

export type { VrfOptions } from "../../../generated/rt-link/view.ts"

const RESERVED = new Set([0, 253, 254, 255])

const fields = {
  ...VrfFields,
  table: VrfFields.table.check(
    Schema.makeFilter(
      (t: number) => !RESERVED.has(t) || `table ${t} is reserved (0 unspec, 253 default, 254 main, 255 local)`
    )
  )
}

/**
 * The vrf descriptor.
 *
 * @example
 * ```ts
 * vrf.toKernel({ table: 10 }, { devices: {}, namespaces: {} }) // { table: 10 }
 * ```
 * @since 0.2.0
 */
export const vrf: LinkKind<VrfOptions, "vrf"> = {
  kind: "vrf",
  fields,
  devices: [],
  kernelChosen: vrfKernelChosen,
  toKernel: (o) => vrfToWire(o),
  fromKernel: (d) => (d === undefined ? {} : vrfFromWire(d)),
  canonical: (o) => vrfCanonical(o as VrfOptions),
  port: {
    fields: VrfPortFields,
    devices: [],
    toKernel: vrfPortToWire,
    fromKernel: vrfPortFromWire,
    status: vrfPortStatusFromWire,
    canonical: vrfPortCanonical,
    encode: encodeLinkinfoVrfPortAttrs
  }
}
