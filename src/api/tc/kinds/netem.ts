/**
 * netem, the network emulator: delay with jitter, correlation and a
 * distribution table, loss (random, the 4-state model, Gilbert-Elliot),
 * duplication, reordering, corruption, a rate with packet and cell
 * overhead, slots, and ECN marking instead of loss. TCA_OPTIONS is struct
 * tc_netem_qopt followed by attributes; requests are what `tc qdisc add ...
 * netem` sends.
 *
 * Probabilities are percent (`1` or `"1%"`) and read back as the shortest
 * percent the kernel's 2^32 scale gives back. Delays go through the kernel's
 * 64 ns ticks and read back as the smallest microsecond count with the same
 * ticks. The distribution tables (delay and slot) are write-only: the kernel
 * does not report them.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcNetemAttrs,
  decodeTcNetemQopt,
  decodeTcNetemXstats,
  encodeTcNetemAttrs,
  encodeTcNetemQopt,
  type TcNetemAttrs,
  type TcNetemQopt,
  TcNetemQoptSize,
  TcNetemXstatsSize
} from "../../../generated/tc/index.ts"
import type { Writer } from "../../../runtime/Wire.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * A distribution: the name of one of iproute2's tables (`normal`, `pareto`,
 * `paretonormal`, `experimental`) or the table itself (signed 16-bit values
 * in units of 1/8192 jitter).
 *
 * @example
 * ```ts
 * const d: NetemDistribution = "normal"
 * ```
 * @since 0.3.0
 */
export type NetemDistribution = string | ReadonlyArray<number>

/**
 * netem's slots: packets leave in bursts every `minDelay` to `maxDelay`
 * (or `delay` ± `jitter` drawn from `distribution`), at most `packets` and
 * `bytes` per slot (unlimited when not given).
 *
 * @example
 * ```ts
 * const s: NetemSlot = { minDelay: "1ms", maxDelay: "5ms", packets: 10 }
 * ```
 * @since 0.3.0
 */
export interface NetemSlot {
  readonly minDelay?: Units.Time | undefined
  readonly maxDelay?: Units.Time | undefined
  /** Write only (the kernel does not report the table). */
  readonly distribution?: NetemDistribution | undefined
  readonly delay?: Units.Time | undefined
  readonly jitter?: Units.Time | undefined
  readonly packets?: number | undefined
  readonly bytes?: Units.Size | undefined
}

/**
 * netem options. A bare `loss` is random loss; `lossState` (the 4-state
 * model: `tc`'s `loss state p13 p31 p32 p23 p14`) and `lossGemodel`
 * (Gilbert-Elliot: `p`, `r`, `h` and `k1` as the kernel keeps them; `tc`'s
 * third argument is 100 − h) replace it.
 *
 * @example
 * ```ts
 * const o: NetemOptions = { delay: "100ms", jitter: "10ms", delayCorrelation: 25, distribution: "normal", loss: "1%" }
 * ```
 * @since 0.3.0
 */
export interface NetemOptions {
  /** Packets; default 1000. */
  readonly limit?: number | undefined
  readonly delay?: Units.Time | undefined
  readonly jitter?: Units.Time | undefined
  readonly delayCorrelation?: Units.Percent | undefined
  /** The jitter's distribution; needs `jitter`. Write only. */
  readonly distribution?: NetemDistribution | undefined
  readonly loss?: Units.Percent | undefined
  readonly lossCorrelation?: Units.Percent | undefined
  readonly lossState?:
    | {
        readonly p13: Units.Percent
        readonly p31?: Units.Percent | undefined
        readonly p32?: Units.Percent | undefined
        readonly p23?: Units.Percent | undefined
        readonly p14?: Units.Percent | undefined
      }
    | undefined
  readonly lossGemodel?:
    | {
        readonly p: Units.Percent
        readonly r?: Units.Percent | undefined
        readonly h?: Units.Percent | undefined
        readonly k1?: Units.Percent | undefined
      }
    | undefined
  /** Mark ECN-capable packets instead of dropping them. */
  readonly ecn?: boolean | undefined
  readonly duplicate?: Units.Percent | undefined
  readonly duplicateCorrelation?: Units.Percent | undefined
  readonly reorder?: Units.Percent | undefined
  readonly reorderCorrelation?: Units.Percent | undefined
  /** Reorder every gap-th packet; with a gap and no `reorder` the kernel reorders at 100%. */
  readonly gap?: number | undefined
  readonly corrupt?: Units.Percent | undefined
  readonly corruptCorrelation?: Units.Percent | undefined
  readonly rate?: Units.Rate | undefined
  readonly packetOverhead?: number | undefined
  readonly cellSize?: number | undefined
  readonly cellOverhead?: number | undefined
  readonly slot?: NetemSlot | undefined
}

/** What TCA_OPTIONS of netem holds: the struct head and the attributes after it. */
export interface NetemData {
  readonly qopt: TcNetemQopt
  readonly attrs: TcNetemAttrs
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const S32 = Schema.Number.check(
  Schema.isInt(),
  Schema.isBetween({ minimum: -(2 ** 31), maximum: 2 ** 31 - 1 })
)
const P = Schema.optional(Units.PercentSchema)
const Dist = Schema.Union([
  Schema.String,
  Schema.Array(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: -32768, maximum: 32767 })))
])
const UMAX = 0xffffffff
const TWO32 = 2 ** 32

const pk = (p: Units.Percent | undefined): number => (p === undefined ? 0 : Units.percentToKernel(p))
const fraction = (f: number): number => {
  // tc's set_percent(1 - x): the same double arithmetic
  const x = Math.floor(f * UMAX)
  const d = f * UMAX - x
  return d > 0.5 || (d === 0.5 && x % 2 !== 0) ? x + 1 : x
}
const table = (d: NetemDistribution): ReadonlyArray<number> | undefined =>
  typeof d === "string" ? Units.distributionTable(d) : d
const ticks = (t: Units.Time): number => Units.timeToTicks(Units.parseTime(t)!)
/** A delay the kernel keeps in 64 ns ticks, as the smallest microseconds with those ticks. */
const readNs = (ns: bigint | number): number => Math.ceil(Number(ns) / 1000)
/** Whether a delay fits the 32-bit ticks of struct tc_netem_qopt. */
const fits = (t: Units.Time): boolean => Units.parseTime(t)! * Units.psched().tickInUsec <= UMAX
const ns = (t: Units.Time): bigint => BigInt(Units.parseTime(t)!) * 1000n

const TOO_LONG = "longer than 2^32 psched ticks (about 274 s)"

/** The netem kind. @since 0.3.0 */
export const netem: TcKind<NetemOptions, NetemData> = {
  kind: "netem",
  fields: {
    limit: Schema.optional(U32),
    delay: Schema.optional(Units.TimeSchema),
    jitter: Schema.optional(Units.TimeSchema),
    delayCorrelation: P,
    distribution: Schema.optional(Dist),
    loss: P,
    lossCorrelation: P,
    lossState: Schema.optional(Schema.Struct({ p13: Units.PercentSchema, p31: P, p32: P, p23: P, p14: P })),
    lossGemodel: Schema.optional(Schema.Struct({ p: Units.PercentSchema, r: P, h: P, k1: P })),
    ecn: Schema.optional(Schema.Boolean),
    duplicate: P,
    duplicateCorrelation: P,
    reorder: P,
    reorderCorrelation: P,
    gap: Schema.optional(U32),
    corrupt: P,
    corruptCorrelation: P,
    rate: Schema.optional(Units.RateSchema),
    packetOverhead: Schema.optional(S32),
    cellSize: Schema.optional(U32),
    cellOverhead: Schema.optional(S32),
    slot: Schema.optional(
      Schema.Struct({
        minDelay: Schema.optional(Units.TimeSchema),
        maxDelay: Schema.optional(Units.TimeSchema),
        distribution: Schema.optional(Dist),
        delay: Schema.optional(Units.TimeSchema),
        jitter: Schema.optional(Units.TimeSchema),
        packets: Schema.optional(S32),
        bytes: Schema.optional(Units.SizeSchema)
      })
    )
  },
  devices: [],
  check: (o) => {
    const models = [o.loss !== undefined, o.lossState !== undefined, o.lossGemodel !== undefined]
    if (models.filter(Boolean).length > 1) return ["loss", "give one of loss, lossState and lossGemodel"]
    if (o.delay !== undefined && !fits(o.delay)) return ["delay", TOO_LONG]
    if (o.jitter !== undefined && !fits(o.jitter)) return ["jitter", TOO_LONG]
    if (o.distribution !== undefined) {
      if (o.jitter === undefined || Units.parseTime(o.jitter) === 0)
        return ["distribution", "a distribution needs a jitter"]
      if (table(o.distribution) === undefined)
        return ["distribution", `no table "${o.distribution}.dist" in iproute2's library directory`]
    }
    if (o.ecn === true && o.loss === undefined && o.lossState === undefined && o.lossGemodel === undefined)
      return ["ecn", "ecn marks what loss would drop: give a loss"]
    if (o.slot !== undefined) {
      const s = o.slot
      const dist = s.distribution !== undefined || s.delay !== undefined || s.jitter !== undefined
      if (dist && (s.minDelay !== undefined || s.maxDelay !== undefined))
        return ["slot", "give minDelay/maxDelay or distribution with delay and jitter, not both"]
      if (dist && (s.delay === undefined || s.jitter === undefined))
        return ["slot", "a slot distribution needs delay and jitter"]
      if (s.distribution !== undefined && table(s.distribution) === undefined)
        return ["slot.distribution", `no table "${s.distribution}.dist" in iproute2's library directory`]
      if (!dist && s.minDelay === undefined) return ["slot.minDelay", "a slot needs minDelay"]
    }
    return undefined
  },
  toKernel: (o) => {
    const rateBytes = o.rate === undefined ? undefined : Units.parseRate(o.rate)! / 8
    const qopt: TcNetemQopt = {
      latency: o.delay === undefined ? 0 : ticks(o.delay),
      limit: o.limit ?? 1000,
      loss: pk(o.loss),
      gap: o.gap ?? 0,
      duplicate: pk(o.duplicate),
      jitter: o.jitter === undefined ? 0 : ticks(o.jitter)
    }
    const a: { -readonly [K in keyof TcNetemAttrs]: TcNetemAttrs[K] } = {}
    if (
      o.delayCorrelation !== undefined ||
      o.lossCorrelation !== undefined ||
      o.duplicateCorrelation !== undefined
    )
      a.corr = {
        delayCorr: pk(o.delayCorrelation),
        lossCorr: pk(o.lossCorrelation),
        dupCorr: pk(o.duplicateCorrelation)
      }
    if (o.reorder !== undefined || o.reorderCorrelation !== undefined)
      a.reorder = { probability: pk(o.reorder), correlation: pk(o.reorderCorrelation) }
    if (o.ecn !== undefined) a.ecn = o.ecn ? 1 : 0
    if (o.corrupt !== undefined || o.corruptCorrelation !== undefined)
      a.corrupt = { probability: pk(o.corrupt), correlation: pk(o.corruptCorrelation) }
    if (o.slot !== undefined) {
      const s = o.slot
      a.slot = {
        minDelay: s.minDelay === undefined ? 0n : ns(s.minDelay),
        maxDelay:
          s.maxDelay === undefined ? (s.minDelay === undefined ? 0n : ns(s.minDelay)) : ns(s.maxDelay),
        maxPackets: s.packets ?? 0,
        maxBytes: s.bytes === undefined ? 0 : Units.parseSize(s.bytes)!,
        distDelay: s.delay === undefined ? 0n : ns(s.delay),
        distJitter: s.jitter === undefined ? 0n : ns(s.jitter)
      }
      if (s.distribution !== undefined) a.slotDist = [...table(s.distribution)!]
    }
    if (o.lossState !== undefined) {
      const g = o.lossState
      const p13 = Units.parsePercent(g.p13)! / 100
      a.loss = {
        gi: {
          p13: pk(g.p13),
          p31: g.p31 === undefined ? fraction(1 - p13) : pk(g.p31),
          p32: pk(g.p32),
          p14: pk(g.p14),
          p23: g.p23 === undefined ? UMAX : pk(g.p23)
        }
      }
    }
    if (o.lossGemodel !== undefined) {
      const g = o.lossGemodel
      const p = Units.parsePercent(g.p)! / 100
      a.loss = {
        ge: { p: pk(g.p), r: g.r === undefined ? fraction(1 - p) : pk(g.r), h: pk(g.h), k1: pk(g.k1) }
      }
    }
    if (rateBytes !== undefined) {
      if (rateBytes >= TWO32) a.rate64 = BigInt(rateBytes)
      a.rate = {
        rate: rateBytes >= TWO32 ? UMAX : rateBytes,
        packetOverhead: o.packetOverhead ?? 0,
        cellSize: o.cellSize ?? 0,
        cellOverhead: o.cellOverhead ?? 0
      }
    }
    if (o.distribution !== undefined) a.delayDist = [...table(o.distribution)!]
    return { qopt, attrs: a }
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const { qopt: q, attrs: a } = d
    const out: { -readonly [K in keyof NetemOptions]: NetemOptions[K] } = { limit: q.limit }
    const latency = a.latency64 ?? BigInt(q.latency) * 64n
    const jitter = a.jitter64 ?? BigInt(q.jitter) * 64n
    if (latency !== 0n) out.delay = readNs(latency)
    if (jitter !== 0n) out.jitter = readNs(jitter)
    const pct = Units.percentFromKernel
    if (a.corr?.delayCorr) out.delayCorrelation = pct(a.corr.delayCorr)
    if (q.loss !== 0) out.loss = pct(q.loss)
    if (a.corr?.lossCorr) out.lossCorrelation = pct(a.corr.lossCorr)
    const gi = a.loss?.gi
    if (gi !== undefined)
      out.lossState = {
        p13: pct(gi.p13),
        p31: pct(gi.p31),
        p32: pct(gi.p32),
        p23: pct(gi.p23),
        p14: pct(gi.p14)
      }
    const ge = a.loss?.ge
    if (ge !== undefined) out.lossGemodel = { p: pct(ge.p), r: pct(ge.r), h: pct(ge.h), k1: pct(ge.k1) }
    if (a.ecn) out.ecn = true
    if (q.duplicate !== 0) out.duplicate = pct(q.duplicate)
    if (a.corr?.dupCorr) out.duplicateCorrelation = pct(a.corr.dupCorr)
    if (a.reorder?.probability) out.reorder = pct(a.reorder.probability)
    if (a.reorder?.correlation) out.reorderCorrelation = pct(a.reorder.correlation)
    if (q.gap !== 0) out.gap = q.gap
    if (a.corrupt?.probability) out.corrupt = pct(a.corrupt.probability)
    if (a.corrupt?.correlation) out.corruptCorrelation = pct(a.corrupt.correlation)
    const rateBytes = a.rate64 !== undefined ? Number(a.rate64) : (a.rate?.rate ?? 0)
    if (rateBytes !== 0) {
      out.rate = rateBytes * 8
      if (a.rate!.packetOverhead !== 0) out.packetOverhead = a.rate!.packetOverhead
      if (a.rate!.cellSize !== 0) out.cellSize = a.rate!.cellSize
      if (a.rate!.cellOverhead !== 0) out.cellOverhead = a.rate!.cellOverhead
    }
    const s = a.slot
    if (s !== undefined && (s.minDelay !== 0n || s.maxDelay !== 0n || s.distJitter !== 0n)) {
      const slot: { -readonly [K in keyof NetemSlot]: NetemSlot[K] } = {}
      if (s.distJitter !== 0n) {
        slot.delay = readNs(s.distDelay)
        slot.jitter = readNs(s.distJitter)
      } else {
        slot.minDelay = readNs(s.minDelay)
        slot.maxDelay = readNs(s.maxDelay)
      }
      // the kernel keeps "unlimited" as INT_MAX and reports it so on some versions
      if (s.maxPackets > 0 && s.maxPackets < 0x7fffffff) slot.packets = s.maxPackets
      if (s.maxBytes > 0 && s.maxBytes < 0x7fffffff) slot.bytes = s.maxBytes
      out.slot = slot
    }
    return out
  },
  canonical: (o) => {
    const d = netem.toKernel(o as NetemOptions, {})!
    return netem.fromKernel(
      {
        qopt: d.qopt,
        attrs: {
          ...d.attrs,
          // a gap without a reorder probability reorders every gap-th packet
          reorder:
            d.attrs.reorder === undefined && d.qopt.gap !== 0
              ? { probability: UMAX, correlation: 0 }
              : d.attrs.reorder
        }
      },
      (i: number) => i
    )
  },
  xstats: (buf, view, start, end) =>
    end - start >= TcNetemXstatsSize ? decodeTcNetemXstats(buf, view, start, end) : {},
  encode: (w: Writer, d: NetemData) => {
    encodeTcNetemQopt(w, d.qopt)
    encodeTcNetemAttrs(w, d.attrs)
  },
  decode: (buf, view, start, end) => ({
    qopt: decodeTcNetemQopt(buf, view, start, end),
    attrs: decodeTcNetemAttrs(buf, view, start + TcNetemQoptSize, end)
  })
}
