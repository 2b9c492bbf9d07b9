/**
 * pfifo, bfifo and pfifo_head_drop: a queue limited in packets (pfifo,
 * pfifo_head_drop) or bytes (bfifo). TCA_OPTIONS is struct tc_fifo_qopt;
 * without a limit `tc` sends no options and the kernel uses the device's
 * txqueuelen (times its MTU for bfifo).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { decodeTcFifoQopt, encodeTcFifoQopt, type TcFifoQopt } from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * Options of pfifo and pfifo_head_drop (`limit` in packets) and bfifo
 * (`limit` in bytes: a Size such as "10kb").
 *
 * @example
 * ```ts
 * const o: FifoOptions = { limit: 100 }
 * ```
 * @since 0.3.0
 */
export interface FifoOptions {
  readonly limit?: Units.Size | undefined
}

const make = (kind: string, packets: boolean): TcKind<FifoOptions, TcFifoQopt> => ({
  kind,
  fields: {
    limit: Schema.optional(
      packets
        ? Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
        : Units.SizeSchema
    )
  },
  devices: [],
  // the kernel reports the limit it chose: it is configuration once read
  kernelChosen: ["limit"],
  toKernel: (o) => (o.limit === undefined ? undefined : { limit: Units.parseSize(o.limit)! }),
  fromKernel: (d) => (d === undefined ? {} : { limit: d.limit }),
  canonical: (o) => (o.limit === undefined ? {} : { limit: Units.parseSize(o.limit)! }),
  encode: encodeTcFifoQopt,
  decode: decodeTcFifoQopt
})

/** pfifo: limit in packets. @since 0.3.0 */
export const pfifo = make("pfifo", true)
/** bfifo: limit in bytes. @since 0.3.0 */
export const bfifo = make("bfifo", false)
/** pfifo_head_drop: limit in packets, drops from the head. @since 0.3.0 */
export const pfifoHeadDrop = make("pfifo_head_drop", true)
