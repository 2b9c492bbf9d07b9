/**
 * police: a token bucket meter. Packets within `rate`/`burst` (and
 * `peakrate`/`mtu`, `avrate`, or `pktsRate`/`pktsBurst` packets per second)
 * conform and get `conform` (default "pass"); the others get `exceed`
 * (default "reclassify"), as `tc ... action police rate 1mbit burst 10k
 * conform-exceed drop/pass` sends it, rate tables included.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActPoliceAttrs,
  decodeActPoliceAttrs,
  encodeActPoliceAttrs
} from "../../../../generated/tc-action/index.ts"
import * as Units from "../../Units.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const U16 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffff }))
const TWO32 = 2 ** 32
const LINKLAYER_NAMES: Readonly<Record<number, Units.LinkLayer>> = { 1: "ethernet", 2: "atm" }

/**
 * police options. `rate` needs `burst`; `peakrate` needs `rate` and `mtu`;
 * `pktsRate` needs `pktsBurst`. `mtu` (bytes; the kernel derives one from
 * the rate table when not given) bounds the packets that can conform.
 *
 * @example
 * ```ts
 * const o: PoliceOptions = { rate: "1mbit", burst: "10kb", exceed: "drop" }
 * ```
 * @since 0.3.0
 */
export interface PoliceOptions {
  readonly rate?: Units.Rate | undefined
  readonly burst?: Units.Size | undefined
  readonly mtu?: Units.Size | undefined
  readonly peakrate?: Units.Rate | undefined
  /** The rate estimate (TCA_RATE) must stay under this (bits per second). */
  readonly avrate?: Units.Rate | undefined
  readonly mpu?: number | undefined
  readonly overhead?: number | undefined
  readonly linklayer?: Units.LinkLayer | undefined
  /** Packets per second. */
  readonly pktsRate?: number | undefined
  /** Packets in a burst at `pktsRate`. */
  readonly pktsBurst?: number | undefined
  /** For packets over the limits; default "reclassify". */
  readonly exceed?: Control.Control | undefined
  /** For packets within them; default "pass". */
  readonly conform?: Control.Control | undefined
}

const bytesOf = (r: Units.Rate | undefined): number => (r === undefined ? 0 : Units.parseRate(r)! / 8)
const rate32 = (bytes: number): number => (bytes >= TWO32 ? 0xffffffff : bytes)
const sizeOf = (s: Units.Size | undefined): number => (s === undefined ? 0 : Units.parseSize(s)!)

// the smallest size tc turns into these ticks at this rate
const bucket = (rateBytes: number, ticks: number): number =>
  Units.smallestSize((b) => Units.xmitTime(rateBytes, b), ticks, Units.xmitSize(rateBytes, ticks)) ??
  Units.xmitSize(rateBytes, ticks)

const NO_RATE = { cellLog: 0, linklayer: 0, overhead: 0, cellAlign: 0, mpu: 0, rate: 0 }

/** The police kind. @since 0.3.0 */
export const police: ActionKind<PoliceOptions, ActPoliceAttrs> = {
  kind: "police",
  fields: {
    rate: Schema.optional(Units.RateSchema),
    burst: Schema.optional(Units.SizeSchema),
    mtu: Schema.optional(Units.SizeSchema),
    peakrate: Schema.optional(Units.RateSchema),
    avrate: Schema.optional(Units.RateSchema),
    mpu: Schema.optional(U16),
    overhead: Schema.optional(U16),
    linklayer: Schema.optional(Schema.Literals(["ethernet", "atm"])),
    pktsRate: Schema.optional(U32),
    pktsBurst: Schema.optional(U32),
    exceed: Schema.optional(Control.schema),
    conform: Schema.optional(Control.schema)
  },
  devices: [],
  kernelChosen: ["mtu"],
  check: (o) => {
    const rate = bytesOf(o.rate)
    if (o.rate !== undefined && rate === 0) return ["rate", "a rate above 0 is required"]
    if (rate > 0 && o.burst === undefined) return ["burst", "a rate needs a burst"]
    if (o.burst !== undefined && rate === 0) return ["rate", "a burst needs a rate"]
    if (rate > 0 && !Units.bucketFits(rate, sizeOf(o.burst)))
      return ["burst", "the bucket lasts more than 2^32 ticks at its rate"]
    if (o.peakrate !== undefined && rate === 0) return ["peakrate", "a peak rate needs a rate"]
    if (o.peakrate !== undefined && o.mtu === undefined) return ["mtu", "a peak rate needs an mtu"]
    if ((o.pktsRate === undefined) !== (o.pktsBurst === undefined))
      return ["pktsBurst", "pktsRate and pktsBurst go together"]
    if (o.pktsRate !== undefined && rate > 0) return ["pktsRate", "a packet rate excludes a byte rate"]
    if (rate === 0 && o.pktsRate === undefined && o.avrate === undefined)
      return ["rate", "give a rate, a packet rate or an avrate"]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const rate = bytesOf(o.rate)
    const peak = bytesOf(o.peakrate)
    const mtu = sizeOf(o.mtu)
    const cfg = { mtu, mpu: o.mpu ?? 0, linklayer: o.linklayer ?? ("ethernet" as Units.LinkLayer) }
    const ll = Units.LINKLAYER[cfg.linklayer]
    const rtab = rate > 0 ? Units.rateTable(rate32(rate), cfg) : undefined
    const ptab = peak > 0 ? Units.rateTable(rate32(peak), cfg) : undefined
    const d: { -readonly [K in keyof ActPoliceAttrs]: ActPoliceAttrs[K] } = {
      tbf: {
        index,
        action: Control.parse(o.exceed ?? "reclassify")!,
        limit: 0,
        burst: rate > 0 ? Units.xmitTime(rate, sizeOf(o.burst)) : 0,
        mtu,
        rateCellLog: rtab?.cellLog ?? 0,
        rateLinklayer: rtab === undefined ? 0 : ll,
        rateOverhead: rtab === undefined ? 0 : (o.overhead ?? 0),
        rateCellAlign: rtab === undefined ? 0 : -1,
        rateMpu: rtab === undefined ? 0 : cfg.mpu,
        rate: rate32(rate),
        peakCellLog: ptab?.cellLog ?? NO_RATE.cellLog,
        peakLinklayer: ptab === undefined ? 0 : ll,
        peakOverhead: ptab === undefined ? 0 : (o.overhead ?? 0),
        peakCellAlign: ptab === undefined ? 0 : -1,
        peakMpu: ptab === undefined ? 0 : cfg.mpu,
        peakrate: rate32(peak),
        refcnt: 0,
        bindcnt: 0,
        capab: 0
      }
    }
    if (rtab !== undefined) d.rate = rtab.table
    if (ptab !== undefined) d.peakrate = ptab.table
    if (rate >= TWO32) d.rate64 = BigInt(rate)
    if (peak >= TWO32) d.peakrate64 = BigInt(peak)
    if (o.avrate !== undefined) d.avrate = rate32(bytesOf(o.avrate))
    const conform = Control.parse(o.conform ?? "pass")!
    if (conform !== 0) d.result = conform
    if (o.pktsRate !== undefined) {
      d.pktrate64 = BigInt(o.pktsRate)
      d.pktburst64 = BigInt(Units.xmitTime(o.pktsRate, o.pktsBurst ?? 0))
    }
    return d
  },
  fromKernel: (d) => {
    const p = d?.tbf
    if (p === undefined) return {}
    const out: { -readonly [K in keyof PoliceOptions]: PoliceOptions[K] } = {}
    const rate = d!.rate64 !== undefined ? Number(d!.rate64) : p.rate
    if (rate > 0) {
      out.rate = rate * 8
      out.burst = bucket(rate, p.burst)
      out.mpu = p.rateMpu
      out.overhead = p.rateOverhead
      out.linklayer = LINKLAYER_NAMES[p.rateLinklayer] ?? "ethernet"
    }
    const peak = d!.peakrate64 !== undefined ? Number(d!.peakrate64) : p.peakrate
    if (peak > 0) out.peakrate = peak * 8
    if (p.mtu !== 0 && p.mtu !== 0xffffffff) out.mtu = p.mtu
    if (d!.avrate !== undefined && d!.avrate !== 0) out.avrate = d!.avrate * 8
    if (d!.pktrate64 !== undefined && d!.pktrate64 !== 0n) {
      const pps = Number(d!.pktrate64)
      out.pktsRate = pps
      out.pktsBurst = bucket(pps, Number(d!.pktburst64 ?? 0n))
    }
    out.exceed = Control.format(p.action)
    out.conform = Control.format(d!.result ?? 0)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof PoliceOptions]: PoliceOptions[K] } = {}
    const rate = bytesOf(o.rate)
    if (rate > 0) {
      out.rate = rate * 8
      out.burst = Units.canonicalSize((b) => Units.xmitTime(rate, b), sizeOf(o.burst))
      out.mpu = o.mpu ?? 0
      out.overhead = o.overhead ?? 0
      out.linklayer = o.linklayer ?? "ethernet"
    }
    if (o.peakrate !== undefined) out.peakrate = bytesOf(o.peakrate) * 8
    if (o.mtu !== undefined) out.mtu = sizeOf(o.mtu)
    if (o.avrate !== undefined) out.avrate = bytesOf(o.avrate) * 8
    if (o.pktsRate !== undefined) {
      out.pktsRate = o.pktsRate
      out.pktsBurst = Units.canonicalSize((b) => Units.xmitTime(o.pktsRate!, b), o.pktsBurst ?? 0)
    }
    out.exceed = Control.canonical(o.exceed ?? "reclassify")
    out.conform = Control.canonical(o.conform ?? "pass")
    return out
  },
  common: (d) => (d.tbf === undefined ? undefined : { ...d.tbf, tm: d.tm }),
  encode: encodeActPoliceAttrs,
  decode: decodeActPoliceAttrs
}
