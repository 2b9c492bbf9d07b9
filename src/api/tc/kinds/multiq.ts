/**
 * mq and multiq, the qdiscs of multi-queue devices. mq (root only) gives
 * each transmit queue its own child qdisc; multiq has one band per queue.
 * Neither takes options: multiq's TCA_OPTIONS is struct tc_multiq_qopt,
 * sent zeroed and filled in by the kernel (its bands and the device's
 * queues are reported under `status.kind`).
 *
 * @since 0.3.0
 */
import {
  decodeTcMultiqQopt,
  encodeTcMultiqQopt,
  type TcMultiqQopt
} from "../../../generated/tc-sched/index.ts"
import type { TcKind } from "../TcKind.ts"

const none = {
  fields: {},
  devices: [],
  fromKernel: () => ({}),
  canonical: () => ({})
} as const

/** mq: kind alone. @since 0.3.0 */
export const mq: TcKind<object, undefined> = {
  kind: "mq",
  ...none,
  toKernel: () => undefined,
  encode: () => {},
  decode: () => undefined
}

/** multiq: a zeroed struct tc_multiq_qopt, as `tc` sends. @since 0.3.0 */
export const multiq: TcKind<object, TcMultiqQopt> = {
  kind: "multiq",
  ...none,
  toKernel: () => ({ bands: 0, maxBands: 0 }),
  status: (d) => ({ bands: d.bands, maxBands: d.maxBands }),
  encode: encodeTcMultiqQopt,
  decode: decodeTcMultiqQopt
}
