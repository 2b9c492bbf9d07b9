/**
 * hfsc, the hierarchical fair service curve scheduler: the qdisc (`default`
 * class) and its classes with real-time (`rt`), link-sharing (`ls`) and
 * upper-limit (`ul`) service curves, each two segments: slope `m1` for `d`,
 * then slope `m2`. `sc` sets `rt` and `ls` to one curve, as `tc` does.
 * Slopes are rates in bits per second (the kernel keeps bytes per second),
 * `d` a time in microseconds; both survive the kernel's round trip exactly.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcHfscAttrs,
  decodeTcHfscQopt,
  decodeTcHfscStats,
  encodeTcHfscAttrs,
  encodeTcHfscQopt,
  type TcHfscAttrs,
  type TcHfscQopt,
  type TcServiceCurve
} from "../../../generated/tc-sched/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

const U16 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffff }))
const U32_MAX = 0xffffffff

/**
 * hfsc qdisc options.
 *
 * @example
 * ```ts
 * const o: HfscOptions = { default: 0x10 }
 * ```
 * @since 0.3.0
 */
export interface HfscOptions {
  /** Minor number of the class unclassified traffic goes to (0: dropped). `tc`'s `default 10` is hexadecimal: 0x10. */
  readonly default?: number | undefined
}

/** The hfsc qdisc (TCA_OPTIONS is struct tc_hfsc_qopt). @since 0.3.0 */
export const hfsc: TcKind<HfscOptions, TcHfscQopt> = {
  kind: "hfsc",
  fields: { default: Schema.optional(U16) },
  devices: [],
  toKernel: (o) => ({ defcls: o.default ?? 0 }),
  fromKernel: (d) => (d === undefined ? {} : { default: d.defcls }),
  canonical: (o) => ({ default: o.default ?? 0 }),
  encode: encodeTcHfscQopt,
  decode: decodeTcHfscQopt
}

/**
 * A service curve: slope `m1` (bits/s) for `d` (microseconds), then `m2`.
 *
 * @example
 * ```ts
 * const c: HfscCurve = { m1: "10mbit", d: "10ms", m2: "5mbit" }
 * ```
 * @since 0.3.0
 */
export interface HfscCurve {
  /** Slope of the first segment, bits per second; default 0. */
  readonly m1?: Units.Rate | undefined
  /** Length of the first segment, microseconds; default 0. */
  readonly d?: Units.Time | undefined
  /** Slope of the second segment, bits per second. */
  readonly m2: Units.Rate
}

/**
 * hfsc class options: at least one of `rt`, `ls` and `sc`; `ul` needs a
 * link-sharing curve. `sc` is written as `rt` and `ls` and reads back so.
 *
 * @example
 * ```ts
 * const o: HfscClassOptions = { sc: { m1: "10mbit", d: "10ms", m2: "5mbit" }, ul: { m2: "20mbit" } }
 * ```
 * @since 0.3.0
 */
export interface HfscClassOptions {
  /** Real-time curve (TCA_HFSC_RSC). */
  readonly rt?: HfscCurve | undefined
  /** Link-sharing curve (TCA_HFSC_FSC). */
  readonly ls?: HfscCurve | undefined
  /** Upper-limit curve (TCA_HFSC_USC). */
  readonly ul?: HfscCurve | undefined
  /** Both `rt` and `ls` (write only). */
  readonly sc?: HfscCurve | undefined
}

const CurveSchema = Schema.Struct({
  m1: Schema.optional(Units.RateSchema),
  d: Schema.optional(Units.TimeSchema),
  m2: Units.RateSchema
})

const bytes = (r: Units.Rate | undefined): number =>
  r === undefined ? 0 : Math.floor(Units.parseRate(r)! / 8)

const toWire = (c: HfscCurve): TcServiceCurve => ({
  m1: bytes(c.m1),
  d: c.d === undefined ? 0 : Units.parseTime(c.d)!,
  m2: bytes(c.m2)
})

const fromWire = (c: TcServiceCurve): HfscCurve => ({ m1: c.m1 * 8, d: c.d, m2: c.m2 * 8 })

// the curves as the kernel keeps them: rt and ls from sc, rates in whole bytes/s
const curves = (o: Partial<HfscClassOptions>) => ({
  rt: o.rt ?? o.sc,
  ls: o.ls ?? o.sc,
  ul: o.ul
})

const tooFast = (name: string, c: HfscCurve | undefined): readonly [string, string] | undefined => {
  if (c === undefined) return undefined
  if (bytes(c.m1) > U32_MAX) return [`${name}.m1`, "at most 2^32-1 bytes per second (about 34gbit)"]
  if (bytes(c.m2) > U32_MAX) return [`${name}.m2`, "at most 2^32-1 bytes per second (about 34gbit)"]
  return undefined
}

/** The hfsc class kind. @since 0.3.0 */
export const hfscClass: TcKind<HfscClassOptions, TcHfscAttrs> = {
  kind: "hfsc",
  added: true,
  fields: {
    rt: Schema.optional(CurveSchema),
    ls: Schema.optional(CurveSchema),
    ul: Schema.optional(CurveSchema),
    sc: Schema.optional(CurveSchema)
  },
  devices: [],
  check: (o) => {
    if (o.sc !== undefined && (o.rt !== undefined || o.ls !== undefined))
      return ["sc", "sc sets rt and ls: give sc or them, not both"]
    const c = curves(o)
    if (c.rt === undefined && c.ls === undefined) return ["rt", "a class needs rt, ls or sc"]
    if (c.ul !== undefined && c.ls === undefined) return ["ul", "ul needs a link-sharing curve (ls or sc)"]
    return tooFast("rt", o.rt) ?? tooFast("ls", o.ls) ?? tooFast("ul", o.ul) ?? tooFast("sc", o.sc)
  },
  toKernel: (o) => {
    const c = curves(o)
    const d: { -readonly [K in keyof TcHfscAttrs]: TcHfscAttrs[K] } = {}
    if (c.rt !== undefined) d.rsc = toWire(c.rt)
    if (c.ls !== undefined) d.fsc = toWire(c.ls)
    if (c.ul !== undefined) d.usc = toWire(c.ul)
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof HfscClassOptions]: HfscClassOptions[K] } = {}
    if (d?.rsc !== undefined) out.rt = fromWire(d.rsc)
    if (d?.fsc !== undefined) out.ls = fromWire(d.fsc)
    if (d?.usc !== undefined) out.ul = fromWire(d.usc)
    return out
  },
  canonical: (o) => {
    const c = curves(o)
    const out: { -readonly [K in keyof HfscClassOptions]: HfscClassOptions[K] } = {}
    if (c.rt !== undefined) out.rt = fromWire(toWire(c.rt))
    if (c.ls !== undefined) out.ls = fromWire(toWire(c.ls))
    if (c.ul !== undefined) out.ul = fromWire(toWire(c.ul))
    return out
  },
  xstats: (buf, view, start, end) => decodeTcHfscStats(buf, view, start, end),
  encode: encodeTcHfscAttrs,
  decode: decodeTcHfscAttrs
}
