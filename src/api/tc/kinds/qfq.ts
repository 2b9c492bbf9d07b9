/**
 * qfq, quick fair queueing: the qdisc has no options; each class has a
 * `weight` (1 to 1024, default 1) and `maxpkt`, the largest packet it sends
 * (TCA_QFQ_LMAX, 512 to 65536 bytes; the kernel uses the device's MTU plus
 * its header when not given).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcQfqAttrs,
  decodeTcQfqStats,
  encodeTcQfqAttrs,
  type TcQfqAttrs
} from "../../../generated/tc-sched/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/** The qfq qdisc: no options. @since 0.3.0 */
export const qfq: TcKind<object, undefined> = {
  kind: "qfq",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: () => ({}),
  encode: () => {},
  decode: () => undefined
}

/**
 * qfq class options.
 *
 * @example
 * ```ts
 * const o: QfqClassOptions = { weight: 10, maxpkt: 2000 }
 * ```
 * @since 0.3.0
 */
export interface QfqClassOptions {
  /** 1 to 1024; default 1. */
  readonly weight?: number | undefined
  /** The largest packet in bytes (512 to 65536). */
  readonly maxpkt?: Units.Size | undefined
}

/** The qfq class kind. @since 0.3.0 */
export const qfqClass: TcKind<QfqClassOptions, TcQfqAttrs> = {
  kind: "qfq",
  added: true,
  fields: {
    weight: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1024 }))
    ),
    maxpkt: Schema.optional(Units.SizeSchema)
  },
  devices: [],
  kernelChosen: ["maxpkt"],
  check: (o) => {
    if (o.maxpkt === undefined) return undefined
    const n = Units.parseSize(o.maxpkt)!
    return n < 512 || n > 65536 ? ["maxpkt", "between 512 and 65536 bytes"] : undefined
  },
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcQfqAttrs]: TcQfqAttrs[K] } = {}
    if (o.weight !== undefined) d.weight = o.weight
    if (o.maxpkt !== undefined) d.lmax = Units.parseSize(o.maxpkt)!
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof QfqClassOptions]: QfqClassOptions[K] } = {}
    if (d?.weight !== undefined) out.weight = d.weight
    if (d?.lmax !== undefined) out.maxpkt = d.lmax
    return out
  },
  canonical: (o) => ({
    weight: o.weight ?? 1,
    ...(o.maxpkt === undefined ? {} : { maxpkt: Units.parseSize(o.maxpkt)! })
  }),
  xstats: (buf, view, start, end) => decodeTcQfqStats(buf, view, start, end),
  encode: encodeTcQfqAttrs,
  decode: decodeTcQfqAttrs
}
