/**
 * red (random early detection), choke (RED that also drops a random queued
 * packet of the same flow), and the RED parameters `tc` derives: the EWMA
 * weight from `burst` and `avpkt`, the probability scale from `min`, `max`
 * and `probability`, and the idle damping table (TCA_*_STAB) from
 * `bandwidth` (tc_red_eval_ewma, tc_red_eval_P, tc_red_eval_idle_damping).
 *
 * `avpkt`, `burst` and `bandwidth` are write only: the kernel reports what
 * `tc` derives from them (`ewmaLog`, `scellLog`), which is what reads back
 * and what a listed object writes again (with the table for 10mbit, `tc`'s
 * default bandwidth).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcChokeAttrs,
  decodeTcChokeXstats,
  decodeTcRedAttrs,
  decodeTcRedXstats,
  encodeTcChokeAttrs,
  encodeTcRedAttrs,
  type TcChokeAttrs,
  type TcRedAttrs
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/** The EWMA weight's log (tc_red_eval_ewma), or -1 when `burst` is too small. */
export const evalEwma = (qmin: number, burst: number, avpkt: number): number => {
  const a = burst + 1 - qmin / avpkt
  if (a < 1) return -1
  let w = 0.5
  for (let wlog = 1; wlog < 32; wlog++, w /= 2) if (a <= (1 - (1 - w) ** burst) / w) return wlog
  return -1
}

/** The probability scale's log (tc_red_eval_P), or -1. */
export const evalP = (qmin: number, qmax: number, probability: number): number => {
  let i = qmax - qmin
  if (i === 0) return 0
  if (i < 0) return -1
  let prob = probability / i
  for (i = 0; i < 32; i++) {
    if (prob > 1) break
    prob *= 2
  }
  return i >= 32 ? -1 : i
}

/** The idle damping table and its cell log (tc_red_eval_idle_damping). */
export const evalIdleDamping = (
  wlog: number,
  avpkt: number,
  rateBytes: number
): { readonly scellLog: number; readonly stab: Uint8Array } | undefined => {
  const xmit = Units.xmitTime(rateBytes, avpkt)
  const lW = -Math.log(1 - 1 / 2 ** wlog) / xmit
  const maxtime = 31 / lW
  let clog = 0
  for (; clog < 32; clog++) if (maxtime / 2 ** clog < 512) break
  if (clog >= 32) return undefined
  const stab = new Uint8Array(256)
  for (let i = 1; i < 255; i++) {
    const v = Math.trunc(i * 2 ** clog * lW) & 0xff
    stab[i] = Math.min(v, 31)
  }
  stab[255] = 31
  return { scellLog: clog, stab }
}

/** max_P as `tc` sends it: probability × 2^32, truncated. */
const maxP = (probability: number): number => Math.min(Math.trunc(probability * 2 ** 32), 0xffffffff)
/** The probability the kernel reports (max_P / 2^32), rounded to the shortest decimal giving it back. */
export const readProbability = (v: number): number => {
  const exact = v / 2 ** 32
  for (let d = 1; d < 17; d++) {
    const p = Number(exact.toPrecision(d))
    if (maxP(p) === v) return p
  }
  return exact
}

/**
 * red options. `limit`, `min` and `max` are bytes; `avpkt` is required
 * (write only, with `burst` and `bandwidth`); `ewmaLog` and `scellLog` are
 * what the kernel reports, derived when not given.
 *
 * @example
 * ```ts
 * const o: RedOptions = { limit: 400000, min: 30000, max: 90000, avpkt: 1000, burst: 55, bandwidth: "10mbit", ecn: true }
 * ```
 * @since 0.3.0
 */
export interface RedOptions {
  readonly limit: Units.Size
  /** Default max / 3. */
  readonly min?: Units.Size | undefined
  /** Default min × 3, or limit / 4. */
  readonly max?: Units.Size | undefined
  /** Average packet size in bytes (write only). */
  readonly avpkt?: number | undefined
  /** Packets allowed to burst (write only); default (2 min + max) / (3 avpkt). */
  readonly burst?: number | undefined
  /** The link's rate for idle damping (write only); default 10mbit. */
  readonly bandwidth?: Units.Rate | undefined
  /** Mark or drop probability at max, 0 to 1; default 0.02. */
  readonly probability?: number | undefined
  /** log2 of the EWMA weight (derived from burst and avpkt when not given). */
  readonly ewmaLog?: number | undefined
  /** Idle damping cell log (derived from bandwidth when not given). */
  readonly scellLog?: number | undefined
  readonly ecn?: boolean | undefined
  readonly harddrop?: boolean | undefined
  readonly adaptive?: boolean | undefined
  readonly nodrop?: boolean | undefined
}

/**
 * choke options: red's in packets (`limit`, `min`, `max`). `tc` requires
 * `bandwidth`; here it defaults to 10mbit as for red, so that a listed
 * choke (which has none) can be written again.
 *
 * @example
 * ```ts
 * const o: ChokeOptions = { limit: 1000, bandwidth: "10mbit", min: 100, max: 300, avpkt: 1000, burst: 200 }
 * ```
 * @since 0.3.0
 */
export interface ChokeOptions {
  readonly limit: number
  readonly min?: number | undefined
  readonly max?: number | undefined
  readonly avpkt?: number | undefined
  readonly burst?: number | undefined
  readonly bandwidth?: Units.Rate | undefined
  readonly probability?: number | undefined
  readonly ewmaLog?: number | undefined
  readonly scellLog?: number | undefined
  readonly ecn?: boolean | undefined
  readonly harddrop?: boolean | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const Log = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 31 }))
const Prob = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }))
const ECN = 1
const HARDDROP = 2
const ADAPTATIVE = 4
const NODROP = 8
const TEN_MBIT = 10000000 / 8

export interface Derived {
  readonly limit: number
  readonly qthMin: number
  readonly qthMax: number
  readonly wlog: number
  readonly plog: number
  readonly scellLog: number
  readonly stab: Uint8Array
  readonly maxP: number
}

type Common = RedOptions | (ChokeOptions & { readonly limit: Units.Size })

/** What `tc` computes from RED options (red, choke, each gred queue); `unit` is 1 for bytes, avpkt for packets (choke). */
export const derive = (o: Common, packets: boolean): Derived | string => {
  const limit = Units.parseSize(o.limit)!
  const avpkt = o.avpkt ?? 1000
  let qthMax = o.max === undefined ? 0 : Units.parseSize(o.max)!
  let qthMin = o.min === undefined ? 0 : Units.parseSize(o.min)!
  if (qthMax === 0) qthMax = qthMin !== 0 ? qthMin * 3 : Math.floor(limit / 4)
  if (qthMin === 0) qthMin = Math.floor(qthMax / 3)
  const unit = packets ? avpkt : 1
  const burst = o.burst ?? Math.floor((2 * qthMin + qthMax) / (packets ? 3 : 3 * avpkt))
  const probability = o.probability ?? 0.02
  const wlog = o.ewmaLog ?? evalEwma(qthMin * unit, burst, avpkt)
  if (wlog < 0) return `burst ${burst} is too small for min ${qthMin} and avpkt ${avpkt}`
  const plog = evalP(qthMin * unit, qthMax * unit, probability)
  if (plog < 0) return "max must be above min"
  const rate = o.bandwidth === undefined ? TEN_MBIT : Units.parseRate(o.bandwidth)! / 8
  const damping = evalIdleDamping(wlog, avpkt, rate)
  if (damping === undefined) return "no idle damping table fits this bandwidth and avpkt"
  return {
    limit,
    qthMin,
    qthMax,
    wlog,
    plog,
    scellLog: o.scellLog ?? damping.scellLog,
    stab: damping.stab,
    maxP: maxP(probability)
  }
}

const commonFields = {
  avpkt: Schema.optional(U32.check(Schema.isGreaterThan(0))),
  burst: Schema.optional(U32),
  bandwidth: Schema.optional(Units.RateSchema),
  probability: Schema.optional(Prob),
  ewmaLog: Schema.optional(Log),
  scellLog: Schema.optional(Log),
  ecn: Schema.optional(Schema.Boolean),
  harddrop: Schema.optional(Schema.Boolean)
}

const checkDerived = (o: Common, packets: boolean): readonly [string, string] | undefined => {
  if (o.bandwidth !== undefined && Units.parseRate(o.bandwidth) === 0) return ["bandwidth", "a rate above 0"]
  if (o.min !== undefined && o.max !== undefined && Units.parseSize(o.max)! <= Units.parseSize(o.min)!)
    return ["max", "max must be above min"]
  const d = derive(o, packets)
  return typeof d === "string" ? [d.startsWith("burst") ? "burst" : "max", d] : undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The red kind. @since 0.3.0 */
export const red: TcKind<RedOptions, TcRedAttrs> = {
  kind: "red",
  fields: {
    limit: Units.SizeSchema,
    min: Schema.optional(Units.SizeSchema),
    max: Schema.optional(Units.SizeSchema),
    ...commonFields,
    adaptive: Schema.optional(Schema.Boolean),
    nodrop: Schema.optional(Schema.Boolean)
  },
  devices: [],
  check: (o) => checkDerived(o, false),
  toKernel: (o) => {
    const d = derive(o, false) as Derived
    const flags =
      (o.ecn ? ECN : 0) |
      (o.harddrop ? HARDDROP : 0) |
      (o.adaptive ? ADAPTATIVE : 0) |
      (o.nodrop ? NODROP : 0)
    return {
      parms: {
        limit: d.limit,
        qthMin: d.qthMin,
        qthMax: d.qthMax,
        wlog: d.wlog,
        plog: d.plog,
        scellLog: d.scellLog,
        flags: 0
      },
      stab: d.stab,
      maxP: d.maxP,
      flags: { value: flags, selector: ECN | HARDDROP | ADAPTATIVE | NODROP }
    }
  },
  fromKernel: (d) => {
    const q = d?.parms
    if (q === undefined) return { limit: 0 }
    const flags = (d!.flags?.value ?? 0) | q.flags
    const out: Mutable<RedOptions> = {
      limit: q.limit,
      min: q.qthMin,
      max: q.qthMax,
      probability: readProbability(d!.maxP ?? 0),
      ewmaLog: q.wlog,
      scellLog: q.scellLog,
      ecn: (flags & ECN) !== 0,
      harddrop: (flags & HARDDROP) !== 0,
      adaptive: (flags & ADAPTATIVE) !== 0,
      nodrop: (flags & NODROP) !== 0
    }
    return out
  },
  canonical: (o) => {
    if (o.limit === undefined) return o
    const d = derive(o as RedOptions, false)
    if (typeof d === "string") return o
    return red.fromKernel(red.toKernel(o as RedOptions, {}), (i: number) => i)
  },
  xstats: (buf, view, start, end) => decodeTcRedXstats(buf, view, start, end),
  encode: encodeTcRedAttrs,
  decode: decodeTcRedAttrs
}

/** The choke kind. @since 0.3.0 */
export const choke: TcKind<ChokeOptions, TcChokeAttrs> = {
  kind: "choke",
  fields: {
    limit: U32,
    min: Schema.optional(U32),
    max: Schema.optional(U32),
    ...commonFields
  },
  devices: [],
  check: (o) => checkDerived(o, true),
  toKernel: (o) => {
    const d = derive(o, true) as Derived
    return {
      parms: {
        limit: d.limit,
        qthMin: d.qthMin,
        qthMax: d.qthMax,
        wlog: d.wlog,
        plog: d.plog,
        scellLog: d.scellLog,
        flags: (o.ecn ? ECN : 0) | (o.harddrop ? HARDDROP : 0)
      },
      stab: d.stab,
      maxP: d.maxP
    }
  },
  fromKernel: (d) => {
    const q = d?.parms
    if (q === undefined) return { limit: 0 }
    return {
      limit: q.limit,
      min: q.qthMin,
      max: q.qthMax,
      probability: readProbability(d!.maxP ?? 0),
      ewmaLog: q.wlog,
      scellLog: q.scellLog,
      ecn: (q.flags & ECN) !== 0,
      harddrop: (q.flags & HARDDROP) !== 0
    }
  },
  canonical: (o) => {
    if (o.limit === undefined || typeof derive(o as ChokeOptions, true) === "string") return o
    return choke.fromKernel(choke.toKernel(o as ChokeOptions, {}), (i: number) => i)
  },
  xstats: (buf, view, start, end) => decodeTcChokeXstats(buf, view, start, end),
  encode: encodeTcChokeAttrs,
  decode: decodeTcChokeAttrs
}
