/**
 * fq, fair queueing with pacing: per-flow limits and quanta, a maximum
 * rate per flow, the flow table size (`buckets`, a power of two), and the
 * pacing knobs. Rates are bits per second (the kernel keeps bytes, up to
 * 2^32 - 1 per second), times microseconds (`timerSlack` too: the kernel
 * keeps nanoseconds). `priomap` and `weights` (the three bands) are newer
 * than Linux 6.1 (6.7): they are compared only when both sides have them,
 * and on older kernels giving them is a Validation error naming the option
 * and the release (those kernels would ignore them silently).
 *
 * @since 0.3.0
 */
import { release } from "node:os"
import * as Schema from "effect/Schema"
import {
  decodeTcFqAttrs,
  decodeTcFqQdStats,
  encodeTcFqAttrs,
  type TcFqAttrs,
  TcFqQdStatsOffsets,
  TcFqQdStatsSize
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * fq options.
 *
 * @example
 * ```ts
 * const o: FqOptions = { limit: 5000, flowLimit: 50, maxrate: "1gbit", buckets: 2048, pacing: false }
 * ```
 * @since 0.3.0
 */
export interface FqOptions {
  /** Packets; default 10000. */
  readonly limit?: number | undefined
  /** Packets per flow; default 100. */
  readonly flowLimit?: number | undefined
  /** Bytes per round; the kernel uses twice the MTU when not given. */
  readonly quantum?: number | undefined
  /** Bytes for a new flow's first round; the kernel uses ten MTUs when not given. */
  readonly initialQuantum?: number | undefined
  /** Per-flow rate cap (unlimited when not given). */
  readonly maxrate?: Units.Rate | undefined
  /** Flow table size, a power of two; default 1024. */
  readonly buckets?: number | undefined
  readonly orphanMask?: number | undefined
  /** Default true. */
  readonly pacing?: boolean | undefined
  /** Default 40ms. */
  readonly refillDelay?: Units.Time | undefined
  /** Flows below this rate get one packet per round; default 550kbit. */
  readonly lowRateThreshold?: Units.Rate | undefined
  /** Mark packets queued longer than this (off when not given). */
  readonly ceThreshold?: Units.Time | undefined
  /** Default 10us. */
  readonly timerSlack?: Units.Time | undefined
  /** Packets timestamped further ahead are dropped or capped; default 10s. */
  readonly horizon?: Units.Time | undefined
  /** Drop (true, default) or cap (false) packets beyond the horizon. */
  readonly horizonDrop?: boolean | undefined
  /** Band (0-2) of each of the 16 priorities (Linux 6.7+). */
  readonly priomap?: ReadonlyArray<number> | undefined
  /** The three bands' weights (Linux 6.7+). */
  readonly weights?: ReadonlyArray<number> | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const UMAX = 0xffffffff
/** Whether the running kernel is at least `major.minor` (namespaces share it). */
const kernelAtLeast = (major: number, minor: number, rel: string = release()): boolean => {
  const [a = 0, b = 0] = rel.split(/[.-]/).map((x) => Number.parseInt(x, 10))
  return a > major || (a === major && b >= minor)
}
const bytesPerSecond = (r: Units.Rate): number => Units.parseRate(r)! / 8

/** The fq kind. @since 0.3.0 */
export const fq: TcKind<FqOptions, TcFqAttrs> = {
  kind: "fq",
  fields: {
    limit: Schema.optional(U32),
    flowLimit: Schema.optional(U32),
    quantum: Schema.optional(U32),
    initialQuantum: Schema.optional(U32),
    maxrate: Schema.optional(Units.RateSchema),
    buckets: Schema.optional(U32),
    orphanMask: Schema.optional(U32),
    pacing: Schema.optional(Schema.Boolean),
    refillDelay: Schema.optional(Units.TimeSchema),
    lowRateThreshold: Schema.optional(Units.RateSchema),
    ceThreshold: Schema.optional(Units.TimeSchema),
    timerSlack: Schema.optional(Units.TimeSchema),
    horizon: Schema.optional(Units.TimeSchema),
    horizonDrop: Schema.optional(Schema.Boolean),
    priomap: Schema.optional(
      Schema.Array(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 2 }))).check(
        Schema.isMinLength(16),
        Schema.isMaxLength(16)
      )
    ),
    weights: Schema.optional(
      Schema.Array(
        Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 16384, maximum: 2 ** 31 - 1 }))
      ).check(Schema.isMinLength(3), Schema.isMaxLength(3))
    )
  },
  devices: [],
  kernelChosen: ["quantum", "initialQuantum", "priomap", "weights"],
  check: (o) => {
    // older kernels parse fq's options leniently and would drop these without an error
    for (const f of ["priomap", "weights"] as const)
      if (o[f] !== undefined && !kernelAtLeast(6, 7))
        return [f, `${f} (TCA_FQ_${f.toUpperCase()}) needs Linux 6.7; this kernel is ${release()}`]
    if (
      o.buckets !== undefined &&
      (o.buckets < 1 || (o.buckets & (o.buckets - 1)) !== 0 || o.buckets > 2 ** 30)
    )
      return ["buckets", "a power of two up to 2^30"]
    if (o.maxrate !== undefined && bytesPerSecond(o.maxrate) >= UMAX)
      return ["maxrate", "fq keeps the per-flow rate in 32 bits: below 34359738360 bit/s"]
    if (o.lowRateThreshold !== undefined && bytesPerSecond(o.lowRateThreshold) > UMAX)
      return ["lowRateThreshold", "fq keeps it in 32 bits of bytes/s"]
    if (o.timerSlack !== undefined && Units.parseTime(o.timerSlack)! * 1000 > UMAX)
      return ["timerSlack", "fq keeps it in 32 bits of nanoseconds (4.29 s)"]
    return undefined
  },
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcFqAttrs]: TcFqAttrs[K] } = {}
    if (o.limit !== undefined) d.plimit = o.limit
    if (o.flowLimit !== undefined) d.flowPlimit = o.flowLimit
    if (o.quantum !== undefined) d.quantum = o.quantum
    if (o.initialQuantum !== undefined) d.initialQuantum = o.initialQuantum
    if (o.pacing !== undefined) d.rateEnable = o.pacing ? 1 : 0
    if (o.maxrate !== undefined) d.flowMaxRate = bytesPerSecond(o.maxrate)
    if (o.buckets !== undefined) d.bucketsLog = Math.log2(o.buckets)
    if (o.refillDelay !== undefined) d.flowRefillDelay = Units.parseTime(o.refillDelay)!
    if (o.orphanMask !== undefined) d.orphanMask = o.orphanMask
    if (o.lowRateThreshold !== undefined) d.lowRateThreshold = bytesPerSecond(o.lowRateThreshold)
    if (o.ceThreshold !== undefined) d.ceThreshold = Units.parseTime(o.ceThreshold)!
    if (o.timerSlack !== undefined) d.timerSlack = Units.parseTime(o.timerSlack)! * 1000
    if (o.horizon !== undefined) d.horizon = Units.parseTime(o.horizon)!
    if (o.horizonDrop !== undefined) d.horizonDrop = o.horizonDrop ? 1 : 0
    if (o.priomap !== undefined) d.priomap = { bands: 3, priomap: Uint8Array.from(o.priomap) }
    if (o.weights !== undefined) d.weights = [...o.weights]
    return d
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: { -readonly [K in keyof FqOptions]: FqOptions[K] } = {}
    if (d.plimit !== undefined) out.limit = d.plimit
    if (d.flowPlimit !== undefined) out.flowLimit = d.flowPlimit
    if (d.quantum !== undefined) out.quantum = d.quantum
    if (d.initialQuantum !== undefined) out.initialQuantum = d.initialQuantum
    if (d.flowMaxRate !== undefined && d.flowMaxRate !== UMAX) out.maxrate = d.flowMaxRate * 8
    if (d.bucketsLog !== undefined) out.buckets = 2 ** d.bucketsLog
    if (d.orphanMask !== undefined) out.orphanMask = d.orphanMask
    if (d.rateEnable !== undefined) out.pacing = d.rateEnable !== 0
    if (d.flowRefillDelay !== undefined) out.refillDelay = d.flowRefillDelay
    if (d.lowRateThreshold !== undefined) out.lowRateThreshold = d.lowRateThreshold * 8
    // ~0 ns (reported as 4294967 us) is "no threshold"
    if (d.ceThreshold !== undefined && d.ceThreshold !== Math.floor(UMAX / 1000) && d.ceThreshold !== UMAX)
      out.ceThreshold = d.ceThreshold
    if (d.timerSlack !== undefined) out.timerSlack = d.timerSlack / 1000
    if (d.horizon !== undefined) out.horizon = d.horizon
    if (d.horizonDrop !== undefined) out.horizonDrop = d.horizonDrop !== 0
    if (d.priomap !== undefined) out.priomap = Array.from(d.priomap.priomap)
    if (d.weights !== undefined) out.weights = [...d.weights]
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof FqOptions]: FqOptions[K] } = {
      limit: o.limit ?? 10000,
      flowLimit: o.flowLimit ?? 100,
      buckets: o.buckets ?? 1024,
      orphanMask: o.orphanMask ?? 1023,
      pacing: o.pacing ?? true,
      refillDelay: Units.parseTime(o.refillDelay ?? 40000)!,
      lowRateThreshold: Units.parseRate(o.lowRateThreshold ?? 550000)!,
      timerSlack: Units.parseTime(o.timerSlack ?? 10)!,
      horizon: Units.parseTime(o.horizon ?? 10000000)!,
      horizonDrop: o.horizonDrop ?? true
    }
    if (o.quantum !== undefined) out.quantum = o.quantum
    if (o.initialQuantum !== undefined) out.initialQuantum = o.initialQuantum
    if (o.maxrate !== undefined) out.maxrate = Units.parseRate(o.maxrate)!
    if (o.ceThreshold !== undefined) out.ceThreshold = Units.parseTime(o.ceThreshold)!
    if (o.priomap !== undefined) out.priomap = [...o.priomap]
    if (o.weights !== undefined) out.weights = [...o.weights]
    return out
  },
  xstats: (buf, _view, start, end) => {
    // older kernels send a shorter struct: keep the fields it has
    const n = end - start
    const full = new Uint8Array(TcFqQdStatsSize)
    full.set(buf.subarray(start, start + Math.min(n, TcFqQdStatsSize)))
    const { pad: _, ...all } = decodeTcFqQdStats(full, new DataView(full.buffer), 0, TcFqQdStatsSize)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(all))
      if (TcFqQdStatsOffsets[k as keyof typeof TcFqQdStatsOffsets] + 4 <= n) out[k] = v
    return out
  },
  encode: encodeTcFqAttrs,
  decode: decodeTcFqAttrs
}
