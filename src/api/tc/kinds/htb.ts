/**
 * htb, the hierarchical token bucket: the qdisc (`r2q`, `default` class,
 * `directQlen`) and its classes (`rate`, `ceil`, `burst`, `cburst`, `prio`,
 * `quantum`, and the rate tables' `mtu`, `mpu`, `overhead`, `linklayer`),
 * sent as `tc qdisc add ... htb` / `tc class add ... htb` send them.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcHtbAttrs,
  decodeTcHtbXstats,
  encodeTcHtbAttrs,
  type TcHtbAttrs
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const U16 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffff }))
const TWO32 = 2 ** 32
const LINKLAYER_NAMES: Readonly<Record<number, Units.LinkLayer>> = { 1: "ethernet", 2: "atm" }

/**
 * htb qdisc options.
 *
 * @example
 * ```ts
 * const o: HtbOptions = { r2q: 10, default: 0x20 }
 * ```
 * @since 0.3.0
 */
export interface HtbOptions {
  /** Divisor of a class's rate (bytes/s) for its default quantum; default 10. */
  readonly r2q?: number | undefined
  /**
   * The minor number of the class unclassified traffic goes to (0: sent
   * directly). `tc`'s `default 20` is hexadecimal: 0x20.
   */
  readonly default?: number | undefined
  /** Packets the direct queue holds; the kernel uses the txqueuelen when not given. */
  readonly directQlen?: number | undefined
}

/** The htb qdisc. @since 0.3.0 */
export const htb: TcKind<HtbOptions, TcHtbAttrs> = {
  kind: "htb",
  fields: {
    r2q: Schema.optional(U32),
    default: Schema.optional(U32),
    directQlen: Schema.optional(U32)
  },
  devices: [],
  kernelChosen: ["directQlen"],
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcHtbAttrs]: TcHtbAttrs[K] } = {
      init: { version: 3, rate2quantum: o.r2q ?? 10, defcls: o.default ?? 0, debug: 0, directPkts: 0 }
    }
    if (o.directQlen !== undefined) d.directQlen = o.directQlen
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof HtbOptions]: HtbOptions[K] } = {}
    if (d?.init !== undefined) {
      out.r2q = d.init.rate2quantum
      out.default = d.init.defcls
    }
    if (d?.directQlen !== undefined) out.directQlen = d.directQlen
    return out
  },
  status: (d) => (d.init === undefined ? undefined : { directPackets: d.init.directPkts }),
  canonical: (o) => ({
    r2q: o.r2q ?? 10,
    default: o.default ?? 0,
    ...(o.directQlen === undefined ? {} : { directQlen: o.directQlen })
  }),
  encode: encodeTcHtbAttrs,
  decode: decodeTcHtbAttrs
}

/**
 * htb class options. Without `ceil` it is `rate`; without `burst`/`cburst`
 * the bucket holds what the rate sends in one timer tick plus `mtu`, as `tc`
 * computes it. `mtu` (default 1600) only shapes the rate tables and the
 * default bursts: it is not read back.
 *
 * @example
 * ```ts
 * const o: HtbClassOptions = { rate: "10mbit", ceil: "20mbit", prio: 1 }
 * ```
 * @since 0.3.0
 */
export interface HtbClassOptions {
  /** Guaranteed rate, bits per second. */
  readonly rate: Units.Rate
  /** Rate it may borrow up to, bits per second. */
  readonly ceil?: Units.Rate | undefined
  /** Bytes sent at ceil speed in a burst at `rate`. */
  readonly burst?: Units.Size | undefined
  /** Bytes sent at line speed in a burst at `ceil`. */
  readonly cburst?: Units.Size | undefined
  /** 0 (first) to 7. */
  readonly prio?: number | undefined
  /** Bytes served per round when borrowing; the kernel derives it from rate / r2q when not given. */
  readonly quantum?: number | undefined
  readonly mtu?: number | undefined
  readonly mpu?: number | undefined
  readonly overhead?: number | undefined
  readonly linklayer?: Units.LinkLayer | undefined
}

// the smallest burst tc turns into these ticks at this rate
const bucket = (rateBytes: number, ticks: number): number =>
  Units.smallestSize((b) => Units.xmitTime(rateBytes, b), ticks, Units.xmitSize(rateBytes, ticks)) ??
  Units.xmitSize(rateBytes, ticks)

const TOO_LONG =
  "the bucket lasts more than 2^32 ticks (about 274 s) at its rate: the kernel cannot report it"

const rate32 = (bytes: number): number => (bytes >= TWO32 ? 0xffffffff : bytes)

const parseClass = (o: HtbClassOptions) => {
  const p = Units.psched()
  const rateBytes = Units.parseRate(o.rate)! / 8
  const ceilBytes = o.ceil === undefined ? rateBytes : Units.parseRate(o.ceil)! / 8
  const mtu = o.mtu ?? 1600
  return {
    rateBytes,
    ceilBytes,
    mtu,
    burst: o.burst === undefined ? Math.trunc(rateBytes / p.hz + mtu) >>> 0 : Units.parseSize(o.burst)!,
    cburst: o.cburst === undefined ? Math.trunc(ceilBytes / p.hz + mtu) >>> 0 : Units.parseSize(o.cburst)!,
    mpu: o.mpu ?? 0,
    overhead: o.overhead ?? 0,
    linklayer: o.linklayer ?? ("ethernet" as Units.LinkLayer)
  }
}

/** The htb class kind. @since 0.3.0 */
export const htbClass: TcKind<HtbClassOptions, TcHtbAttrs> = {
  kind: "htb",
  added: true,
  fields: {
    rate: Units.RateSchema,
    ceil: Schema.optional(Units.RateSchema),
    burst: Schema.optional(Units.SizeSchema),
    cburst: Schema.optional(Units.SizeSchema),
    prio: Schema.optional(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 7 }))),
    quantum: Schema.optional(U32),
    mtu: Schema.optional(U32),
    mpu: Schema.optional(U16),
    overhead: Schema.optional(U16),
    linklayer: Schema.optional(Schema.Literals(["ethernet", "atm"]))
  },
  devices: [],
  kernelChosen: ["quantum"],
  check: (o) => {
    if (Units.parseRate(o.rate) === 0) return ["rate", "a rate above 0 is required"]
    if (o.ceil !== undefined && Units.parseRate(o.ceil) === 0) return ["ceil", "a ceil above 0 is required"]
    const c = parseClass(o)
    if (!Units.bucketFits(c.rateBytes, c.burst)) return ["burst", TOO_LONG]
    if (!Units.bucketFits(c.ceilBytes, c.cburst)) return ["cburst", TOO_LONG]
    return undefined
  },
  toKernel: (o) => {
    const c = parseClass(o)
    const cfg = { mtu: c.mtu, mpu: c.mpu, linklayer: c.linklayer }
    const rtab = Units.rateTable(rate32(c.rateBytes), cfg)
    const ctab = Units.rateTable(rate32(c.ceilBytes), cfg)
    const ll = Units.LINKLAYER[c.linklayer]
    const d: { -readonly [K in keyof TcHtbAttrs]: TcHtbAttrs[K] } = {
      parms: {
        rateCellLog: rtab.cellLog,
        rateLinklayer: ll,
        rateOverhead: c.overhead,
        rateCellAlign: -1,
        rateMpu: c.mpu,
        rate: rate32(c.rateBytes),
        ceilCellLog: ctab.cellLog,
        ceilLinklayer: ll,
        ceilOverhead: c.overhead,
        ceilCellAlign: -1,
        ceilMpu: c.mpu,
        ceil: rate32(c.ceilBytes),
        buffer: Units.xmitTime(c.rateBytes, c.burst),
        cbuffer: Units.xmitTime(c.ceilBytes, c.cburst),
        quantum: o.quantum ?? 0,
        level: 0,
        prio: o.prio ?? 0
      },
      rtab: rtab.table,
      ctab: ctab.table
    }
    if (c.rateBytes >= TWO32) d.rate64 = BigInt(c.rateBytes)
    if (c.ceilBytes >= TWO32) d.ceil64 = BigInt(c.ceilBytes)
    return d
  },
  fromKernel: (d) => {
    const q = d?.parms
    if (q === undefined) return {}
    const rateBytes = d!.rate64 !== undefined ? Number(d!.rate64) : q.rate
    const ceilBytes = d!.ceil64 !== undefined ? Number(d!.ceil64) : q.ceil
    return {
      rate: rateBytes * 8,
      ceil: ceilBytes * 8,
      burst: bucket(rateBytes, q.buffer),
      cburst: bucket(ceilBytes, q.cbuffer),
      prio: q.prio,
      quantum: q.quantum,
      mpu: q.rateMpu,
      overhead: q.rateOverhead,
      linklayer: LINKLAYER_NAMES[q.rateLinklayer] ?? "ethernet"
    }
  },
  status: (d) => (d.parms === undefined ? undefined : { level: d.parms.level }),
  canonical: (o) => {
    if (o.rate === undefined) return o
    const c = parseClass(o as HtbClassOptions)
    const out: { -readonly [K in keyof HtbClassOptions]: HtbClassOptions[K] } = {
      rate: c.rateBytes * 8,
      ceil: c.ceilBytes * 8,
      burst: Units.canonicalSize((b) => Units.xmitTime(c.rateBytes, b), c.burst),
      cburst: Units.canonicalSize((b) => Units.xmitTime(c.ceilBytes, b), c.cburst),
      prio: o.prio ?? 0,
      mpu: c.mpu,
      overhead: c.overhead,
      linklayer: c.linklayer
    }
    if (o.quantum !== undefined) out.quantum = o.quantum
    return out
  },
  xstats: (buf, view, start, end) => {
    const x = decodeTcHtbXstats(buf, view, start, end)
    return { lends: x.lends, borrows: x.borrows, giants: x.giants, tokens: x.tokens, ctokens: x.ctokens }
  },
  encode: encodeTcHtbAttrs,
  decode: decodeTcHtbAttrs
}
