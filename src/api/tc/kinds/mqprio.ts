/**
 * mqprio, the multi-queue priority qdisc: `numTc` traffic classes, the
 * `map` from the 16 packet priorities to traffic classes, the transmit
 * `queues` of each class (`tc`'s `count@offset`), `hw` offload, and with
 * offload the `mode` (dcb or channel), `shaper` (dcb or bw_rlimit) and the
 * per-class `minRate`/`maxRate`. TCA_OPTIONS is struct tc_mqprio_qopt
 * followed by attributes, as `tc` sends it. Needs a device with several
 * transmit queues.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcMqprioAttrs,
  decodeTcMqprioQopt,
  encodeTcMqprioAttrs,
  encodeTcMqprioQopt,
  type TcMqprioAttrs,
  TcMqprioMode,
  type TcMqprioQopt,
  TcMqprioQoptSize,
  TcMqprioShaper
} from "../../../generated/tc-sched/index.ts"
import { DecodeFailure, type Writer } from "../../../runtime/Wire.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

const TC_MAX = 16
const PRIOS = 16

/**
 * The transmit queues of one traffic class: `count` queues from `offset`.
 *
 * @example
 * ```ts
 * const q: Queues = { count: 4, offset: 0 } // tc's 4@0
 * ```
 * @since 0.3.0
 */
export interface Queues {
  readonly count: number
  readonly offset: number
}

/** What mqprio and taprio share: struct tc_mqprio_qopt. @since 0.3.0 */
export interface PriorityMap {
  /** Number of traffic classes (1 to 16). */
  readonly numTc: number
  /** Traffic class of each priority, from priority 0 (at most 16; the rest go to class 0). */
  readonly map?: ReadonlyArray<number> | undefined
  /** The queues of each traffic class, in class order. */
  readonly queues: ReadonlyArray<Queues>
}

const U16 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffff }))

/** Schema fields of {@link PriorityMap}. @since 0.3.0 */
export const priorityMapFields = {
  numTc: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: TC_MAX })),
  map: Schema.optional(
    Schema.Array(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: TC_MAX - 1 }))
    ).check(Schema.isMaxLength(PRIOS))
  ),
  queues: Schema.Array(Schema.Struct({ count: U16, offset: U16 })).check(Schema.isMaxLength(TC_MAX))
}

/** The cross-field rules of {@link PriorityMap}. @since 0.3.0 */
export const checkPriorityMap = (o: PriorityMap): readonly [string, string] | undefined => {
  if (o.queues.length !== o.numTc)
    return ["queues", `give the queues of each of the ${o.numTc} traffic classes`]
  const bad = (o.map ?? []).findIndex((t) => t >= o.numTc)
  if (bad >= 0) return ["map", `priority ${bad} maps to traffic class ${o.map![bad]}, beyond ${o.numTc}`]
  return undefined
}

/** struct tc_mqprio_qopt of a priority map. @since 0.3.0 */
export const qoptOf = (o: PriorityMap, hw: number): TcMqprioQopt => {
  const map = new Uint8Array(PRIOS)
  ;(o.map ?? []).forEach((t, i) => {
    map[i] = t
  })
  const count = new Uint8Array(2 * TC_MAX)
  const offset = new Uint8Array(2 * TC_MAX)
  const cv = new DataView(count.buffer)
  const ov = new DataView(offset.buffer)
  o.queues.forEach((q, i) => {
    cv.setUint16(2 * i, q.count, true)
    ov.setUint16(2 * i, q.offset, true)
  })
  return { numTc: o.numTc, prioTcMap: map, hw, count, offset }
}

/** A priority map from struct tc_mqprio_qopt (the map in full, queues of each class). @since 0.3.0 */
export const priorityMapOf = (q: TcMqprioQopt): PriorityMap => {
  const cv = new DataView(q.count.buffer, q.count.byteOffset, q.count.byteLength)
  const ov = new DataView(q.offset.buffer, q.offset.byteOffset, q.offset.byteLength)
  const queues: Array<Queues> = []
  for (let i = 0; i < q.numTc && i < TC_MAX; i++)
    queues.push({ count: cv.getUint16(2 * i, true), offset: ov.getUint16(2 * i, true) })
  return { numTc: q.numTc, map: Array.from(q.prioTcMap), queues }
}

/** The canonical priority map: all 16 priorities mapped. @since 0.3.0 */
export const canonicalPriorityMap = (o: Partial<PriorityMap>): PriorityMap => {
  const map = [...(o.map ?? [])]
  while (map.length < PRIOS) map.push(0)
  return {
    numTc: o.numTc ?? 0,
    map,
    queues: (o.queues ?? []).map((q) => ({ count: q.count, offset: q.offset }))
  }
}

/**
 * mqprio options.
 *
 * @example
 * ```ts
 * const o: MqprioOptions = { numTc: 2, map: [0, 0, 0, 0, 1, 1, 1, 1], queues: [{ count: 4, offset: 0 }, { count: 4, offset: 4 }], hw: false }
 * ```
 * @since 0.3.0
 */
export interface MqprioOptions extends PriorityMap {
  /** Offload the configuration to the device; default true (as `tc`). Devices without offload need false. */
  readonly hw?: boolean | undefined
  /** dcb (default) or channel; with hw only. */
  readonly mode?: "dcb" | "channel" | undefined
  /** dcb (default) or bw_rlimit (then minRate/maxRate); with hw only. */
  readonly shaper?: "dcb" | "bw_rlimit" | undefined
  /** Minimum rate of each traffic class, bits per second (bw_rlimit). */
  readonly minRate?: ReadonlyArray<Units.Rate> | undefined
  /** Maximum rate of each traffic class, bits per second (bw_rlimit). */
  readonly maxRate?: ReadonlyArray<Units.Rate> | undefined
}

interface MqprioData {
  readonly qopt: TcMqprioQopt
  readonly attrs: TcMqprioAttrs
}

const MODES = { dcb: TcMqprioMode.dcb, channel: TcMqprioMode.channel } as const
const SHAPERS = { dcb: TcMqprioShaper.dcb, bw_rlimit: TcMqprioShaper.bwRate } as const
const MODE_NAMES = ["dcb", "channel"] as const
const SHAPER_NAMES = ["dcb", "bw_rlimit"] as const

// tc sends all 16 rate slots, zero beyond the classes given
const rates = (r: ReadonlyArray<Units.Rate>): Array<bigint> => {
  const out: Array<bigint> = []
  for (let i = 0; i < TC_MAX; i++)
    out.push(i < r.length ? BigInt(Math.floor(Units.parseRate(r[i])! / 8)) : 0n)
  return out
}

const ratesBack = (r: ReadonlyArray<bigint> | undefined, numTc: number): Array<number> | undefined =>
  r === undefined ? undefined : r.slice(0, numTc).map((b) => Number(b) * 8)

/** The mqprio kind. @since 0.3.0 */
export const mqprio: TcKind<MqprioOptions, MqprioData> = {
  kind: "mqprio",
  fields: {
    ...priorityMapFields,
    hw: Schema.optional(Schema.Boolean),
    mode: Schema.optional(Schema.Literals(["dcb", "channel"])),
    shaper: Schema.optional(Schema.Literals(["dcb", "bw_rlimit"])),
    minRate: Schema.optional(Schema.Array(Units.RateSchema).check(Schema.isMaxLength(TC_MAX))),
    maxRate: Schema.optional(Schema.Array(Units.RateSchema).check(Schema.isMaxLength(TC_MAX)))
  },
  devices: [],
  check: (o) => {
    const p = checkPriorityMap(o)
    if (p !== undefined) return p
    if ((o.minRate !== undefined || o.maxRate !== undefined) && o.shaper !== "bw_rlimit")
      return ["shaper", "minRate and maxRate need shaper bw_rlimit"]
    if (o.minRate !== undefined && o.minRate.length !== o.numTc)
      return ["minRate", `one rate per traffic class (${o.numTc})`]
    if (o.maxRate !== undefined && o.maxRate.length !== o.numTc)
      return ["maxRate", `one rate per traffic class (${o.numTc})`]
    return undefined
  },
  toKernel: (o) => {
    const attrs: { -readonly [K in keyof TcMqprioAttrs]: TcMqprioAttrs[K] } = {}
    if (o.mode !== undefined) attrs.mode = MODES[o.mode]
    if (o.shaper !== undefined) attrs.shaper = SHAPERS[o.shaper]
    if (o.minRate !== undefined) attrs.minRate64 = { rates: rates(o.minRate) }
    if (o.maxRate !== undefined) attrs.maxRate64 = { rates: rates(o.maxRate) }
    return { qopt: qoptOf(o, o.hw === false ? 0 : 1), attrs }
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: { -readonly [K in keyof MqprioOptions]: MqprioOptions[K] } = {
      ...priorityMapOf(d.qopt),
      hw: d.qopt.hw !== 0
    }
    if (d.attrs.mode !== undefined) out.mode = MODE_NAMES[d.attrs.mode] ?? (d.attrs.mode as never)
    if (d.attrs.shaper !== undefined) out.shaper = SHAPER_NAMES[d.attrs.shaper] ?? (d.attrs.shaper as never)
    const min = ratesBack(d.attrs.minRate64?.rates, d.qopt.numTc)
    const max = ratesBack(d.attrs.maxRate64?.rates, d.qopt.numTc)
    if (min !== undefined) out.minRate = min
    if (max !== undefined) out.maxRate = max
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof MqprioOptions]: MqprioOptions[K] } = {
      ...canonicalPriorityMap(o),
      hw: o.hw ?? true,
      mode: o.mode ?? "dcb",
      shaper: o.shaper ?? "dcb"
    }
    if (o.minRate !== undefined) out.minRate = o.minRate.map((r) => Math.floor(Units.parseRate(r)! / 8) * 8)
    if (o.maxRate !== undefined) out.maxRate = o.maxRate.map((r) => Math.floor(Units.parseRate(r)! / 8) * 8)
    return out
  },
  // the struct padded to 4 bytes, then the attributes
  encode: (w: Writer, d: MqprioData) => {
    encodeTcMqprioQopt(w, d.qopt)
    w.align()
    encodeTcMqprioAttrs(w, d.attrs)
  },
  decode: (buf, view, start, end) => {
    if (end - start < TcMqprioQoptSize)
      throw new DecodeFailure("mqprio: TCA_OPTIONS shorter than tc_mqprio_qopt", start)
    const qopt = decodeTcMqprioQopt(buf, view, start, end)
    const at = start + ((TcMqprioQoptSize + 3) & ~3)
    return { qopt, attrs: at < end ? decodeTcMqprioAttrs(buf, view, at, end) : {} }
  }
}
