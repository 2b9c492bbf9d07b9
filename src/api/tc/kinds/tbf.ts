/**
 * tbf, the token bucket filter: `rate` and `burst`, a `limit` (bytes) or
 * `latency` to derive it from, an optional `peakrate` with its `mtu`, and
 * the rate table's `mpu`, `overhead` and `linklayer`. Requests are what
 * `tc qdisc add ... tbf` sends (PARMS with the rate table, BURST, RATE64
 * above 2^32 bytes/s, PTAB/PBURST/PRATE64 with a peak rate).
 *
 * Reading back, the kernel reports the buckets in ticks; `burst` and `mtu`
 * are the smallest sizes the kernel turns into those ticks (so what was
 * written reads back, unless another size gives the same bucket), and the
 * canonical form computes the same from what was written.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { decodeTcTbfAttrs, encodeTcTbfAttrs, type TcTbfAttrs } from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * tbf options. `rate` and `burst` are required, and one of `limit` and
 * `latency`; `mtu` is required with `peakrate`.
 *
 * @example
 * ```ts
 * const o: TbfOptions = { rate: "1mbit", burst: "10kb", latency: "50ms" }
 * ```
 * @since 0.3.0
 */
export interface TbfOptions {
  /** Bits per second. */
  readonly rate: Units.Rate
  /** Bucket size in bytes (`burst`, `buffer`, `maxburst`). */
  readonly burst: Units.Size
  /** Bytes that may wait for tokens. */
  readonly limit?: Units.Size | undefined
  /** The longest a packet may wait; turned into `limit` as `tc` does (write only). */
  readonly latency?: Units.Time | undefined
  /** Bits per second of the second bucket. */
  readonly peakrate?: Units.Rate | undefined
  /** Size of the peak rate bucket in bytes (`mtu`, `minburst`). */
  readonly mtu?: Units.Size | undefined
  /** Minimum packet size accounted, in bytes. */
  readonly mpu?: number | undefined
  /** Bytes added to each packet's size. */
  readonly overhead?: number | undefined
  readonly linklayer?: Units.LinkLayer | undefined
}

const U16 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffff }))
const LINKLAYER_NAMES: Readonly<Record<number, Units.LinkLayer>> = { 1: "ethernet", 2: "atm" }
const TWO32 = 2 ** 32

interface Parsed {
  rateBytes: number
  burst: number
  limit: number
  prateBytes: number
  mtu: number
  mpu: number
  overhead: number
  linklayer: Units.LinkLayer
}

// What tc computes from the options (tbf_parse_opt).
const parse = (o: TbfOptions): Parsed => {
  const rateBytes = Units.parseRate(o.rate)! / 8
  const burst = Units.parseSize(o.burst)!
  const prateBytes = o.peakrate === undefined ? 0 : Units.parseRate(o.peakrate)! / 8
  const mtu = o.mtu === undefined ? 0 : Units.parseSize(o.mtu)!
  let limit = o.limit === undefined ? 0 : Units.parseSize(o.limit)!
  if (limit === 0 && o.latency !== undefined) {
    const latency = Units.parseTime(o.latency)!
    let lim = (rateBytes * latency) / 1000000 + burst
    if (prateBytes > 0) {
      const lim2 = (prateBytes * latency) / 1000000 + mtu
      if (lim2 < lim) lim = lim2
    }
    limit = Math.trunc(lim) >>> 0
  }
  return {
    rateBytes,
    burst,
    limit,
    prateBytes,
    mtu,
    mpu: o.mpu ?? 0,
    overhead: o.overhead ?? 0,
    linklayer: o.linklayer ?? "ethernet"
  }
}

const TOO_LONG =
  "the bucket lasts more than 2^32 ticks (about 274 s) at its rate: the kernel cannot report it"

const rate32 = (bytes: number): number => (bytes >= TWO32 ? 0xffffffff : bytes)

/** The tbf kind. @since 0.3.0 */
export const tbf: TcKind<TbfOptions, TcTbfAttrs> = {
  kind: "tbf",
  fields: {
    rate: Units.RateSchema,
    burst: Units.SizeSchema,
    limit: Schema.optional(Units.SizeSchema),
    latency: Schema.optional(Units.TimeSchema),
    peakrate: Schema.optional(Units.RateSchema),
    mtu: Schema.optional(Units.SizeSchema),
    mpu: Schema.optional(U16),
    overhead: Schema.optional(U16),
    linklayer: Schema.optional(Schema.Literals(["ethernet", "atm"]))
  },
  devices: [],
  check: (o) => {
    if (Units.parseRate(o.rate) === 0) return ["rate", "a rate above 0 is required"]
    if (Units.parseSize(o.burst) === 0) return ["burst", "a burst above 0 is required"]
    if (o.limit === undefined && o.latency === undefined) return ["limit", "give limit or latency"]
    if (o.limit !== undefined && o.latency !== undefined)
      return ["latency", "give limit or latency, not both"]
    if (o.peakrate !== undefined && o.mtu === undefined) return ["mtu", "mtu is required with peakrate"]
    if (o.peakrate !== undefined && Units.parseRate(o.peakrate)! <= Units.parseRate(o.rate)!)
      return ["peakrate", "peakrate must be above rate"]
    const p = parse(o)
    if (!Units.bucketFits(p.rateBytes, p.burst)) return ["burst", TOO_LONG]
    if (p.prateBytes > 0 && !Units.bucketFits(p.prateBytes, p.mtu)) return ["mtu", TOO_LONG]
    return undefined
  },
  toKernel: (o) => {
    const p = parse(o)
    const rate = Units.rateTable(rate32(p.rateBytes), { mtu: p.mtu, mpu: p.mpu, linklayer: p.linklayer })
    const peak =
      p.prateBytes > 0
        ? Units.rateTable(rate32(p.prateBytes), { mtu: p.mtu, mpu: p.mpu, linklayer: p.linklayer })
        : undefined
    const ll = Units.LINKLAYER[p.linklayer]
    const d: { -readonly [K in keyof TcTbfAttrs]: TcTbfAttrs[K] } = {
      parms: {
        rateCellLog: rate.cellLog,
        rateLinklayer: ll,
        rateOverhead: p.overhead,
        rateCellAlign: -1,
        rateMpu: p.mpu,
        rate: rate32(p.rateBytes),
        peakCellLog: peak?.cellLog ?? 0,
        peakLinklayer: peak ? ll : 0,
        peakOverhead: peak ? p.overhead : 0,
        peakCellAlign: peak ? -1 : 0,
        peakMpu: peak ? p.mpu : 0,
        peakrate: peak ? rate32(p.prateBytes) : 0,
        limit: p.limit,
        buffer: Units.xmitTime(rate32(p.rateBytes), p.burst),
        mtu: peak ? Units.xmitTime(rate32(p.prateBytes), p.mtu) : 0
      },
      burst: p.burst,
      rtab: rate.table
    }
    if (p.rateBytes >= TWO32) d.rate64 = BigInt(p.rateBytes)
    if (peak) {
      if (p.prateBytes >= TWO32) d.prate64 = BigInt(p.prateBytes)
      d.pburst = p.mtu
      d.ptab = peak.table
    }
    return d
  },
  fromKernel: (d) => {
    const q = d?.parms
    if (q === undefined) return {}
    const rateBytes = d!.rate64 !== undefined ? Number(d!.rate64) : q.rate
    const prateBytes = d!.prate64 !== undefined ? Number(d!.prate64) : q.peakrate
    const cfg = {
      overhead: q.rateOverhead,
      mpu: q.rateMpu,
      linklayer: LINKLAYER_NAMES[q.rateLinklayer] ?? ("ethernet" as const)
    }
    const bytes = (rate: number, ticks: number) =>
      Units.smallestSize((b) => Units.kernelTicks(rate, b, cfg), ticks, Units.xmitSize(rate, ticks)) ??
      Units.xmitSize(rate, ticks)
    const out: { -readonly [K in keyof TbfOptions]: TbfOptions[K] } = {
      rate: rateBytes * 8,
      burst: bytes(rateBytes, q.buffer),
      limit: q.limit,
      mpu: q.rateMpu,
      overhead: q.rateOverhead,
      linklayer: LINKLAYER_NAMES[q.rateLinklayer] ?? "ethernet"
    }
    if (prateBytes > 0) {
      out.peakrate = prateBytes * 8
      out.mtu = bytes(prateBytes, q.mtu)
    }
    return out
  },
  // the buckets as the kernel keeps them (BURST/PBURST in ticks), as the smallest sizes giving those ticks
  canonical: (o) => {
    if (o.rate === undefined || o.burst === undefined) return o
    const p = parse(o as TbfOptions)
    const cfg = { overhead: p.overhead, mpu: p.mpu, linklayer: p.linklayer }
    const out: { -readonly [K in keyof TbfOptions]: TbfOptions[K] } = {
      rate: p.rateBytes * 8,
      burst: Units.canonicalSize((b) => Units.kernelTicks(p.rateBytes, b, cfg), p.burst),
      limit: p.limit,
      mpu: p.mpu,
      overhead: p.overhead,
      linklayer: p.linklayer
    }
    if (p.prateBytes > 0) {
      out.peakrate = p.prateBytes * 8
      out.mtu = Units.canonicalSize((m) => Units.kernelTicks(p.prateBytes, m, cfg), p.mtu)
    }
    return out
  },
  encode: encodeTcTbfAttrs,
  decode: decodeTcTbfAttrs
}
