/**
 * fq_codel: fair queueing with CoDel per flow. Times (`target`, `interval`,
 * `ceThreshold`) are microseconds as `tc` reads them; the kernel keeps them
 * in 1024 ns units, so each reads back as the smallest microsecond count with
 * the same kernel value (what was written, in practice).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcFqCodelAttrs,
  decodeTcFqCodelQdStats,
  encodeTcFqCodelAttrs,
  type TcFqCodelAttrs
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * fq_codel options.
 *
 * @example
 * ```ts
 * const o: FqCodelOptions = { limit: 2000, target: "3ms", interval: "50ms", ecn: false }
 * ```
 * @since 0.3.0
 */
export interface FqCodelOptions {
  /** Packets; default 10240. */
  readonly limit?: number | undefined
  /** Flow buckets; default 1024 (fixed once created). */
  readonly flows?: number | undefined
  /** Acceptable queue delay; default 5ms. */
  readonly target?: Units.Time | undefined
  /** Window over which the delay is measured; default 100ms. */
  readonly interval?: Units.Time | undefined
  /** Bytes served per flow per round; the kernel uses the device's MTU plus header when not given. */
  readonly quantum?: number | undefined
  /** Mark ECN-capable packets instead of dropping; default true. */
  readonly ecn?: boolean | undefined
  /** Mark packets queued longer than this (off when not given). */
  readonly ceThreshold?: Units.Time | undefined
  readonly ceThresholdSelector?: number | undefined
  readonly ceThresholdMask?: number | undefined
  /** Bytes of memory the queue may use; default 32mb. */
  readonly memoryLimit?: Units.Size | undefined
  /** Packets dropped at once when over the limit; default 64. */
  readonly dropBatch?: number | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const U8 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xff }))

// codel keeps times as ns >> 10 and reports them as (t << 10) / 1000 us.
const codelOf = (us: number): number => Math.floor((us * 1000) / 1024)
const smallestUs = (codel: number): number => Math.floor((codel * 1024 + 999) / 1000)
/** A codel time the kernel reported, as the smallest microseconds with the same codel value. */
export const readTime = (reported: number): number => smallestUs(Math.ceil((reported * 1000) / 1024))
/** A codel time written, as it reads back. */
export const canonicalTime = (t: Units.Time): number => smallestUs(codelOf(Units.parseTime(t)!))

/** The fq_codel kind. @since 0.3.0 */
export const fqCodel: TcKind<FqCodelOptions, TcFqCodelAttrs> = {
  kind: "fq_codel",
  fields: {
    limit: Schema.optional(U32),
    flows: Schema.optional(U32),
    target: Schema.optional(Units.TimeSchema),
    interval: Schema.optional(Units.TimeSchema),
    quantum: Schema.optional(U32),
    ecn: Schema.optional(Schema.Boolean),
    ceThreshold: Schema.optional(Units.TimeSchema),
    ceThresholdSelector: Schema.optional(U8),
    ceThresholdMask: Schema.optional(U8),
    memoryLimit: Schema.optional(Units.SizeSchema),
    dropBatch: Schema.optional(U32)
  },
  devices: [],
  kernelChosen: ["quantum"],
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcFqCodelAttrs]: TcFqCodelAttrs[K] } = {}
    if (o.limit !== undefined) d.limit = o.limit
    if (o.flows !== undefined) d.flows = o.flows
    if (o.quantum !== undefined) d.quantum = o.quantum
    if (o.interval !== undefined) d.interval = Units.parseTime(o.interval)!
    if (o.target !== undefined) d.target = Units.parseTime(o.target)!
    if (o.ecn !== undefined) d.ecn = o.ecn ? 1 : 0
    if (o.ceThreshold !== undefined) d.ceThreshold = Units.parseTime(o.ceThreshold)!
    if (o.ceThresholdSelector !== undefined) d.ceThresholdSelector = o.ceThresholdSelector
    if (o.ceThresholdMask !== undefined) d.ceThresholdMask = o.ceThresholdMask
    if (o.memoryLimit !== undefined) d.memoryLimit = Units.parseSize(o.memoryLimit)!
    if (o.dropBatch !== undefined) d.dropBatchSize = o.dropBatch
    return d
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: { -readonly [K in keyof FqCodelOptions]: FqCodelOptions[K] } = {}
    if (d.limit !== undefined) out.limit = d.limit
    if (d.flows !== undefined) out.flows = d.flows
    if (d.target !== undefined) out.target = readTime(d.target)
    if (d.interval !== undefined) out.interval = readTime(d.interval)
    if (d.quantum !== undefined) out.quantum = d.quantum
    if (d.ecn !== undefined) out.ecn = d.ecn !== 0
    if (d.ceThreshold !== undefined) out.ceThreshold = readTime(d.ceThreshold)
    if (d.ceThresholdSelector !== undefined) out.ceThresholdSelector = d.ceThresholdSelector
    if (d.ceThresholdMask !== undefined) out.ceThresholdMask = d.ceThresholdMask
    if (d.memoryLimit !== undefined) out.memoryLimit = d.memoryLimit
    if (d.dropBatchSize !== undefined) out.dropBatch = d.dropBatchSize
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof FqCodelOptions]: FqCodelOptions[K] } = {
      limit: o.limit ?? 10240,
      flows: o.flows ?? 1024,
      target: canonicalTime(o.target ?? 5000),
      interval: canonicalTime(o.interval ?? 100000),
      ecn: o.ecn ?? true,
      memoryLimit: Math.min(Units.parseSize(o.memoryLimit ?? 32 * 1024 * 1024)!, 2 ** 31),
      dropBatch: o.dropBatch ?? 64
    }
    if (o.quantum !== undefined) out.quantum = o.quantum
    if (o.ceThreshold !== undefined) out.ceThreshold = canonicalTime(o.ceThreshold)
    if (o.ceThresholdSelector !== undefined && o.ceThresholdMask)
      out.ceThresholdSelector = o.ceThresholdSelector
    if (o.ceThresholdMask) out.ceThresholdMask = o.ceThresholdMask
    return out
  },
  xstats: (buf, view, start, end) => {
    const { type: _, ...x } = decodeTcFqCodelQdStats(buf, view, start, end)
    return x
  },
  encode: encodeTcFqCodelAttrs,
  decode: decodeTcFqCodelAttrs
}
