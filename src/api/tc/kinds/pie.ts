/**
 * pie and fq_pie: proportional integral controller enhanced, alone or per
 * flow. `target` goes through the kernel's 64 ns ticks (it reads back as
 * the whole microseconds the kernel reports); `tupdate` is kept in the
 * kernel's jiffies, so it reads back as written when it is a multiple of
 * the kernel's tick (1 ms at HZ=1000, 4 ms at HZ=250, 10 ms at HZ=100;
 * 40 ms is one everywhere), and the default (15 ms) is compared only when
 * both sides give it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcFqPieAttrs,
  decodeTcFqPieXstats,
  decodeTcPieAttrs,
  decodeTcPieXstats,
  encodeTcFqPieAttrs,
  encodeTcPieAttrs,
  type TcFqPieAttrs,
  type TcPieAttrs
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * pie options.
 *
 * @example
 * ```ts
 * const o: PieOptions = { limit: 2000, target: "20ms", tupdate: "32ms", ecn: true }
 * ```
 * @since 0.3.0
 */
export interface PieOptions {
  /** Packets; default 1000. */
  readonly limit?: number | undefined
  /** Queue delay aimed at; default 15ms. */
  readonly target?: Units.Time | undefined
  /** How often the drop probability is recomputed; default 15ms. */
  readonly tupdate?: Units.Time | undefined
  /** Default 2. */
  readonly alpha?: number | undefined
  /** Default 20. */
  readonly beta?: number | undefined
  readonly ecn?: boolean | undefined
  readonly bytemode?: boolean | undefined
  readonly dqRateEstimator?: boolean | undefined
}

/**
 * fq_pie options: pie's per flow, with fq_codel's flow options.
 *
 * @example
 * ```ts
 * const o: FqPieOptions = { limit: 2048, flows: 256, target: "10ms", ecnProb: 20, ecn: true }
 * ```
 * @since 0.3.0
 */
export interface FqPieOptions extends PieOptions {
  /** Packets; default 10240. */
  readonly limit?: number | undefined
  /** Flow buckets; default 1024 (fixed once created). */
  readonly flows?: number | undefined
  /** Bytes per flow per round; the kernel uses the device's MTU plus header when not given. */
  readonly quantum?: number | undefined
  /** Default 32mb. */
  readonly memoryLimit?: Units.Size | undefined
  /** Percent of drop probability under which ECN marks instead of drops; default 10. */
  readonly ecnProb?: number | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const Alpha = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 32 }))

/** A target as the kernel reports it: through 64 ns ticks, whole microseconds. */
const canonicalTarget = (t: Units.Time): number =>
  Math.floor((Math.floor((Units.parseTime(t)! * 1000) / 64) * 64) / 1000)
const bool = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0)

const pieFields = {
  limit: Schema.optional(U32),
  target: Schema.optional(Units.TimeSchema),
  tupdate: Schema.optional(Units.TimeSchema),
  alpha: Schema.optional(Alpha),
  beta: Schema.optional(Alpha),
  ecn: Schema.optional(Schema.Boolean),
  bytemode: Schema.optional(Schema.Boolean),
  dqRateEstimator: Schema.optional(Schema.Boolean)
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

const readPie = (d: TcPieAttrs | TcFqPieAttrs): Mutable<PieOptions> =>
  defined({
    limit: d.limit,
    target: d.target,
    tupdate: d.tupdate,
    alpha: d.alpha,
    beta: d.beta,
    ecn: d.ecn === undefined ? undefined : d.ecn !== 0,
    bytemode: d.bytemode === undefined ? undefined : d.bytemode !== 0,
    dqRateEstimator: d.dqRateEstimator === undefined ? undefined : d.dqRateEstimator !== 0
  })

const writePie = (o: PieOptions): Mutable<TcPieAttrs> =>
  defined({
    limit: o.limit,
    target: o.target === undefined ? undefined : Units.parseTime(o.target)!,
    tupdate: o.tupdate === undefined ? undefined : Units.parseTime(o.tupdate)!,
    alpha: o.alpha,
    beta: o.beta,
    ecn: bool(o.ecn),
    bytemode: bool(o.bytemode),
    dqRateEstimator: bool(o.dqRateEstimator)
  })

const canonicalPie = (o: PieOptions, limit: number): Mutable<PieOptions> => ({
  limit: o.limit ?? limit,
  target: canonicalTarget(o.target ?? 15000),
  tupdate: o.tupdate === undefined ? undefined : Units.parseTime(o.tupdate)!,
  alpha: o.alpha ?? 2,
  beta: o.beta ?? 20,
  ecn: o.ecn ?? false,
  bytemode: o.bytemode ?? false,
  dqRateEstimator: o.dqRateEstimator ?? false
})

/** The pie kind. @since 0.3.0 */
export const pie: TcKind<PieOptions, TcPieAttrs> = {
  kind: "pie",
  fields: pieFields,
  devices: [],
  toKernel: writePie,
  fromKernel: (d) => (d === undefined ? {} : readPie(d)),
  // the default 15ms reads back rounded up to the kernel's tick (16ms at HZ=250)
  kernelChosen: ["tupdate"],
  canonical: (o) => defined(canonicalPie(o, 1000)),
  xstats: (buf, view, start, end) => decodeTcPieXstats(buf, view, start, end),
  encode: encodeTcPieAttrs,
  decode: decodeTcPieAttrs
}

/** The fq_pie kind. @since 0.3.0 */
export const fqPie: TcKind<FqPieOptions, TcFqPieAttrs> = {
  kind: "fq_pie",
  fields: {
    ...pieFields,
    flows: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 65536 }))
    ),
    quantum: Schema.optional(U32),
    memoryLimit: Schema.optional(Units.SizeSchema),
    ecnProb: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 100 }))
    )
  },
  devices: [],
  kernelChosen: ["quantum", "tupdate"],
  toKernel: (o) =>
    defined({
      ...writePie(o),
      flows: o.flows,
      quantum: o.quantum,
      memoryLimit: o.memoryLimit === undefined ? undefined : Units.parseSize(o.memoryLimit)!,
      ecnProb: o.ecnProb
    }),
  fromKernel: (d) =>
    d === undefined
      ? {}
      : defined({
          ...readPie(d),
          flows: d.flows,
          quantum: d.quantum,
          memoryLimit: d.memoryLimit,
          ecnProb: d.ecnProb
        }),
  canonical: (o) =>
    defined({
      ...canonicalPie(o, 10240),
      flows: o.flows ?? 1024,
      quantum: o.quantum,
      memoryLimit: Units.parseSize(o.memoryLimit ?? 32 * 1024 * 1024)!,
      ecnProb: o.ecnProb ?? 10
    }),
  xstats: (buf, view, start, end) => decodeTcFqPieXstats(buf, view, start, end),
  // the kernel parses fq_pie's options strictly: TCA_OPTIONS needs NLA_F_NESTED (tc sets it)
  nestedOptions: true,
  encode: encodeTcFqPieAttrs,
  decode: decodeTcFqPieAttrs
}
