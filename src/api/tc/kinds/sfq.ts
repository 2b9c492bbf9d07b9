/**
 * sfq, stochastic fairness queueing, with optional RED per flow
 * (`redflowlimit` and the thresholds). TCA_OPTIONS is struct
 * tc_sfq_qopt_v1; `tc` sends none when no option is given.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcSfqQoptV1,
  decodeTcSfqXstats,
  encodeTcSfqQoptV1,
  type TcSfqQoptV1
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"
import { evalEwma, evalP, readProbability } from "./red.ts"

/**
 * sfq options. With `min` and `max` RED applies per flow; `redflowlimit`
 * (bytes per flow), `avpkt` and `burst` are write only (the kernel reports
 * `ewmaLog`, not them).
 *
 * @example
 * ```ts
 * const o: SfqOptions = { perturb: 10, quantum: 1514, limit: 200, divisor: 2048, flows: 100, depth: 64, headdrop: true }
 * ```
 * @since 0.3.0
 */
export interface SfqOptions {
  /** Bytes per round; the kernel uses the device's MTU when not given. */
  readonly quantum?: number | undefined
  /** Seconds between hash perturbations; default 0 (never). */
  readonly perturb?: number | undefined
  /** Packets; default 127. */
  readonly limit?: number | undefined
  /** Hash table size; default 1024. */
  readonly divisor?: number | undefined
  /** Default 128. */
  readonly flows?: number | undefined
  /** Packets per flow; default 127. */
  readonly depth?: number | undefined
  readonly headdrop?: boolean | undefined
  readonly redflowlimit?: Units.Size | undefined
  readonly min?: Units.Size | undefined
  readonly max?: Units.Size | undefined
  readonly avpkt?: number | undefined
  readonly burst?: number | undefined
  /** Default 0.02. */
  readonly probability?: number | undefined
  readonly ewmaLog?: number | undefined
  readonly ecn?: boolean | undefined
  readonly harddrop?: boolean | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const ECN = 1
const HARDDROP = 2
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const red = (o: SfqOptions) => {
  const qthMin = Units.parseSize(o.min!)!
  const qthMax = Units.parseSize(o.max!)!
  const avpkt = o.avpkt ?? 1000
  const burst = o.burst ?? Math.floor((2 * qthMin + qthMax) / (3 * avpkt))
  const probability = o.probability ?? 0.02
  return {
    qthMin,
    qthMax,
    wlog: o.ewmaLog ?? evalEwma(qthMin, burst, avpkt),
    plog: evalP(qthMin, qthMax, probability),
    maxP: Math.min(Math.trunc(probability * 2 ** 32), 0xffffffff)
  }
}

/** The sfq kind. @since 0.3.0 */
export const sfq: TcKind<SfqOptions, TcSfqQoptV1> = {
  kind: "sfq",
  fields: {
    quantum: Schema.optional(U32),
    perturb: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 2 ** 31 - 1 }))
    ),
    limit: Schema.optional(U32),
    divisor: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 65536 }))
    ),
    flows: Schema.optional(U32),
    depth: Schema.optional(U32),
    headdrop: Schema.optional(Schema.Boolean),
    redflowlimit: Schema.optional(Units.SizeSchema),
    min: Schema.optional(Units.SizeSchema),
    max: Schema.optional(Units.SizeSchema),
    avpkt: Schema.optional(U32.check(Schema.isGreaterThan(0))),
    burst: Schema.optional(U32),
    probability: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
    ewmaLog: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 31 }))
    ),
    ecn: Schema.optional(Schema.Boolean),
    harddrop: Schema.optional(Schema.Boolean)
  },
  devices: [],
  kernelChosen: ["quantum"],
  check: (o) => {
    if (o.divisor !== undefined && (o.divisor & (o.divisor - 1)) !== 0) return ["divisor", "a power of two"]
    const redGiven =
      o.redflowlimit !== undefined || o.min !== undefined || o.max !== undefined || o.ecn || o.harddrop
    if (!redGiven) return undefined
    if (o.min === undefined || o.max === undefined) return ["min", "RED per flow needs min and max"]
    const r = red(o)
    if (r.wlog < 0) return ["burst", "burst is too small for min and avpkt"]
    if (r.plog < 0) return ["max", "max must be above min"]
    return undefined
  },
  toKernel: (o) => {
    if (Object.values(o).every((v) => v === undefined)) return undefined
    const r = o.min === undefined || o.max === undefined ? undefined : red(o)
    return {
      quantum: o.quantum ?? 0,
      perturbPeriod: o.perturb ?? 0,
      limit: o.limit ?? 0,
      divisor: o.divisor ?? 0,
      flows: o.flows ?? 0,
      depth: o.depth ?? 0,
      headdrop: o.headdrop ? 1 : 0,
      redLimit: o.redflowlimit === undefined ? 0 : Units.parseSize(o.redflowlimit)!,
      qthMin: r?.qthMin ?? 0,
      qthMax: r?.qthMax ?? 0,
      wlog: r?.wlog ?? 0,
      plog: r?.plog ?? 0,
      scellLog: 0,
      flags: (o.ecn ? ECN : 0) | (o.harddrop ? HARDDROP : 0),
      maxP: r?.maxP ?? 0,
      probDrop: 0,
      forcedDrop: 0,
      probMark: 0,
      forcedMark: 0,
      probMarkHead: 0,
      forcedMarkHead: 0
    }
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: Mutable<SfqOptions> = {
      quantum: d.quantum,
      perturb: d.perturbPeriod,
      limit: d.limit,
      divisor: d.divisor,
      flows: d.flows,
      depth: d.depth,
      headdrop: d.headdrop !== 0
    }
    if (d.qthMin !== 0 || d.qthMax !== 0) {
      out.min = d.qthMin
      out.max = d.qthMax
      out.probability = readProbability(d.maxP)
      out.ewmaLog = d.wlog
      out.ecn = (d.flags & ECN) !== 0
      out.harddrop = (d.flags & HARDDROP) !== 0
    }
    return out
  },
  canonical: (o) => {
    const limit = o.limit ?? 127
    const depth = o.depth ?? 127
    let flows = o.flows ?? 128
    // the kernel bounds the limit by depth × flows and the flows by the limit
    const lim = Math.min(limit, depth * flows)
    flows = Math.min(flows, lim)
    const out: Mutable<SfqOptions> = {
      perturb: o.perturb ?? 0,
      limit: lim,
      divisor: o.divisor ?? 1024,
      flows,
      depth,
      headdrop: o.headdrop ?? false
    }
    if (o.quantum !== undefined) out.quantum = o.quantum
    if (o.min !== undefined && o.max !== undefined) {
      const r = red(o)
      out.min = r.qthMin
      out.max = r.qthMax
      out.probability = readProbability(r.maxP)
      out.ewmaLog = r.wlog
      out.ecn = o.ecn ?? false
      out.harddrop = o.harddrop ?? false
    }
    return out
  },
  encode: encodeTcSfqQoptV1,
  decode: decodeTcSfqQoptV1
}

/**
 * sfq's classes: the kernel lists each active flow as a class (`tc -s
 * class show`) with its `allot` (bytes left in its round) as xstats; they
 * have no options and are not created by request. The sfq qdisc itself
 * reports no xstats.
 *
 * @since 0.3.0
 */
export const sfqClass: TcKind<Record<string, never>, undefined> = {
  kind: "sfq",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: () => ({}),
  xstats: (buf, view, start, end) => decodeTcSfqXstats(buf, view, start, end),
  encode: () => {},
  decode: () => undefined
}
