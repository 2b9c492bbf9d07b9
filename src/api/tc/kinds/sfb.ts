/**
 * sfb, stochastic fair blue: per-bin marking probabilities that rise on
 * loss (`increment`) and fall when idle (`decrement`), with a penalty box
 * for flows that do not respond. `tc` sends every field, its defaults for
 * those not given; `rehash` and `db` are milliseconds as `tc` reads them.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcSfbAttrs,
  decodeTcSfbXstats,
  encodeTcSfbAttrs,
  type TcSfbAttrs
} from "../../../generated/tc/index.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * sfb options (`tc`'s `target` is the bin size).
 *
 * @example
 * ```ts
 * const o: SfbOptions = { rehash: 600000, db: 60000, limit: 100, max: 25, target: 20, increment: 0.0005 }
 * ```
 * @since 0.3.0
 */
export interface SfbOptions {
  /** Milliseconds between hash changes; default 600000. */
  readonly rehash?: number | undefined
  /** Milliseconds of double buffering before a change; default 60000. */
  readonly db?: number | undefined
  /** Packets; the kernel uses the device's txqueuelen when not given. */
  readonly limit?: number | undefined
  /** Packets a bin holds at most; default 25. */
  readonly max?: number | undefined
  /** Packets per bin aimed at; default 20. */
  readonly target?: number | undefined
  /** Probability step up, 0 to 1; default 0.0005. */
  readonly increment?: number | undefined
  /** Probability step down, 0 to 1; default 0.00005. */
  readonly decrement?: number | undefined
  /** Packets per second let out of the penalty box; default 10. */
  readonly penaltyRate?: number | undefined
  /** Default 20. */
  readonly penaltyBurst?: number | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const MAX_PROB = 0xffff
// tc: probability × SFB_MAX_PROB, rounded
const q16 = (p: number): number => Math.trunc(p * MAX_PROB + 0.5)
const readQ16 = (v: number): number => {
  const exact = v / MAX_PROB
  for (let d = 1; d < 17; d++) {
    const p = Number(exact.toPrecision(d))
    if (q16(p) === v) return p
  }
  return exact
}
const DEFAULTS = {
  rehashInterval: 600000,
  warmupTime: 60000,
  max: 25,
  binSize: 20,
  increment: Math.trunc((MAX_PROB + 1000) / 2000),
  decrement: Math.trunc((MAX_PROB + 10000) / 20000),
  limit: 0,
  penaltyRate: 10,
  penaltyBurst: 20
}

/** The sfb kind. @since 0.3.0 */
export const sfb: TcKind<SfbOptions, TcSfbAttrs> = {
  kind: "sfb",
  fields: {
    rehash: Schema.optional(U32),
    db: Schema.optional(U32),
    limit: Schema.optional(U32),
    max: Schema.optional(U32),
    target: Schema.optional(U32),
    increment: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
    decrement: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
    penaltyRate: Schema.optional(U32),
    penaltyBurst: Schema.optional(U32)
  },
  devices: [],
  kernelChosen: ["limit"],
  check: (o) =>
    (o.db ?? DEFAULTS.warmupTime) > (o.rehash ?? DEFAULTS.rehashInterval)
      ? ["db", "the double buffering time must not exceed rehash"]
      : undefined,
  toKernel: (o) => ({
    parms: {
      rehashInterval: o.rehash ?? DEFAULTS.rehashInterval,
      warmupTime: o.db ?? DEFAULTS.warmupTime,
      max: o.max ?? DEFAULTS.max,
      binSize: o.target ?? DEFAULTS.binSize,
      increment: o.increment === undefined ? DEFAULTS.increment : q16(o.increment),
      decrement: o.decrement === undefined ? DEFAULTS.decrement : q16(o.decrement),
      limit: o.limit ?? 0,
      penaltyRate: o.penaltyRate ?? DEFAULTS.penaltyRate,
      penaltyBurst: o.penaltyBurst ?? DEFAULTS.penaltyBurst
    }
  }),
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    return {
      rehash: p.rehashInterval,
      db: p.warmupTime,
      limit: p.limit,
      max: p.max,
      target: p.binSize,
      increment: readQ16(p.increment),
      decrement: readQ16(p.decrement),
      penaltyRate: p.penaltyRate,
      penaltyBurst: p.penaltyBurst
    }
  },
  canonical: (o) => {
    const c = sfb.fromKernel(sfb.toKernel(o, {}), (i: number) => i) as {
      -readonly [K in keyof SfbOptions]: SfbOptions[K]
    }
    if (o.limit === undefined) delete c.limit
    return c
  },
  xstats: (buf, view, start, end) => decodeTcSfbXstats(buf, view, start, end),
  encode: encodeTcSfbAttrs,
  decode: decodeTcSfbAttrs
}
