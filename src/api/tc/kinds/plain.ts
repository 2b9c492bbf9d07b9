/**
 * Kinds without options: pfifo_fast (its three bands and priority map are
 * fixed; the kernel reports them, read into status), noqueue, ingress and
 * clsact (at ffff:fff1 with handle ffff:).
 *
 * @since 0.3.0
 */
import { decodeTcPrioQopt, encodeTcPrioQopt, type TcPrioQopt } from "../../../generated/tc/index.ts"
import * as Handle from "../Handle.ts"
import type { TcKind } from "../TcKind.ts"

const none = {
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: () => ({})
} as const

/** pfifo_fast: no options; `status.options` shows its bands and priomap. @since 0.3.0 */
export const pfifoFast: TcKind<object, TcPrioQopt> = {
  kind: "pfifo_fast",
  ...none,
  status: (d) => ({ bands: d.bands, priomap: Array.from(d.priomap) }),
  encode: encodeTcPrioQopt,
  decode: decodeTcPrioQopt
}

const noData: Pick<TcKind<object, undefined>, "encode" | "decode"> = {
  encode: () => {},
  decode: () => undefined
}

/** noqueue: no queue at all (the default of virtual devices). @since 0.3.0 */
export const noqueue: TcKind<object, undefined> = { kind: "noqueue", ...none, ...noData }

const fixed = { parent: Handle.INGRESS, handle: 0xffff0000 }
/** ingress: the ingress hook for filters. @since 0.3.0 */
export const ingress: TcKind<object, undefined> = {
  kind: "ingress",
  ...none,
  ...noData,
  fixed,
  filterParents: [Handle.FILTER_INGRESS]
}
/** clsact: ingress and egress hooks for filters. @since 0.3.0 */
export const clsact: TcKind<object, undefined> = {
  kind: "clsact",
  ...none,
  ...noData,
  fixed,
  filterParents: [Handle.FILTER_INGRESS, Handle.FILTER_EGRESS]
}
