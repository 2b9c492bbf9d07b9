/**
 * Traffic control units, read and printed as `tc` reads and prints them:
 * rates in bits per second (`"100mbit"`; `"10mbps"` is bytes per second),
 * sizes in bytes (`"10kb"`, `"64kbit"`), times in microseconds (`"10ms"`).
 * A number is always the base unit (bits/s, bytes, microseconds); what the
 * model reads back is that number, so `"100mbit"` reads back as 100000000.
 *
 * Also here: the kernel's packet scheduler clock (psched ticks, from
 * /proc/net/psched as `tc` reads it) and the rate tables `tc` sends
 * (tc_calc_rtable: cell_log, mpu, linklayer ethernet/atm).
 *
 * @example
 * ```ts
 * Units.parseRate("100mbit") // 100000000 (bits/s)
 * Units.parseSize("10kb")    // 10240 (bytes)
 * Units.parseTime("10ms")    // 10000 (us)
 * Units.formatRate(100000000) // "100Mbit"
 * ```
 * @since 0.3.0
 */
import { readFileSync } from "node:fs"
import * as Schema from "effect/Schema"

/**
 * A rate: bits per second as a number, or text with `tc`'s units (`bit`,
 * `kbit`, `mbit`, `gbit`, `tbit`, `kibit`..., and bytes per second `bps`,
 * `kbps`, `mbps`, ..., `kibps`...; a bare number in text is bits/s).
 *
 * @example
 * ```ts
 * const r: Units.Rate = "100mbit" // or 100_000_000
 * ```
 * @since 0.3.0
 */
export type Rate = number | string

/**
 * A size: bytes as a number, or text with `tc`'s units (`b`, `k`/`kb`,
 * `m`/`mb`, `g`/`gb` in KiB/MiB/GiB; `kbit`, `mbit`, `gbit` in 1024-based bits).
 *
 * @example
 * ```ts
 * const s: Units.Size = "10kb" // 10240 bytes
 * ```
 * @since 0.3.0
 */
export type Size = number | string

/**
 * A time: microseconds as a number, or text with `s`, `ms`, `us` (also
 * `sec`, `msec`, `usec` ...); bare text is microseconds, as in `tc`.
 *
 * @example
 * ```ts
 * const t: Units.Time = "50ms" // 50000 us
 * ```
 * @since 0.3.0
 */
export type Time = number | string

// strtod's decimal forms (tc reads numbers with strtod).
const NUMBER = /^\s*([+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(.*)$/i

const split = (s: string): readonly [number, string] | undefined => {
  const m = NUMBER.exec(s)
  return m === null ? undefined : [Number(m[1]), m[2]]
}

const RATE_SCALE: Readonly<Record<string, number>> = {
  bit: 1,
  kibit: 1024,
  kbit: 1000,
  mibit: 1024 * 1024,
  mbit: 1000000,
  gibit: 1024 * 1024 * 1024,
  gbit: 1000000000,
  tibit: 1024 * 1024 * 1024 * 1024,
  tbit: 1000000000000,
  bps: 8,
  kibps: 8 * 1024,
  kbps: 8000,
  mibps: 8 * 1024 * 1024,
  mbps: 8000000,
  gibps: 8 * 1024 * 1024 * 1024,
  gbps: 8000000000,
  tibps: 8 * 1024 * 1024 * 1024 * 1024,
  tbps: 8000000000000
}

const U64_MAX = 2 ** 64

/**
 * A rate in bits per second (always a multiple of 8: the kernel counts
 * bytes), or undefined when `tc` would refuse it (unknown unit, a fraction
 * of a byte per second, beyond 64 bits).
 *
 * @example
 * ```ts
 * Units.parseRate("10mbps") // 80000000
 * Units.parseRate(8000)     // 8000
 * ```
 * @since 0.3.0
 */
export const parseRate = (r: Rate): number | undefined => {
  let bits: number
  if (typeof r === "number") bits = r
  else {
    const p = split(r)
    if (p === undefined) return undefined
    const scale = p[1] === "" ? 1 : RATE_SCALE[p[1].toLowerCase()]
    if (scale === undefined) return undefined
    bits = p[0] * scale
  }
  const bytes = bits / 8
  if (!Number.isFinite(bytes) || bytes < 0 || bytes >= U64_MAX || bytes !== Math.floor(bytes))
    return undefined
  return bits
}

/**
 * A rate as `tc` prints it: the largest of K/M/G/T (powers of 1000) that
 * divides it, or that it reaches a thousand times (`"1500Kbit"`, `"100Mbit"`).
 *
 * @example
 * ```ts
 * Units.formatRate(100000000) // "100Mbit"
 * ```
 * @since 0.3.0
 */
export const formatRate = (bits: number): string => {
  const units = ["", "K", "M", "G", "T"]
  let rate = bits
  let i = 0
  for (; i < units.length - 1; i++) {
    if (rate < 1000) break
    if (rate % 1000 !== 0 && rate < 1000 * 1000) break
    rate = Math.floor(rate / 1000)
  }
  return `${rate}${units[i]}bit`
}

const SIZE_SCALE: Readonly<Record<string, number>> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 * 1024,
  mb: 1024 * 1024,
  g: 1024 * 1024 * 1024,
  gb: 1024 * 1024 * 1024,
  kbit: 1024 / 8,
  mbit: (1024 * 1024) / 8,
  gbit: (1024 * 1024 * 1024) / 8
}

/**
 * A size in bytes (an unsigned 32-bit integer), or undefined when `tc`
 * would refuse it.
 *
 * @example
 * ```ts
 * Units.parseSize("64kbit") // 8192
 * ```
 * @since 0.3.0
 */
export const parseSize = (s: Size): number | undefined => {
  let bytes: number
  if (typeof s === "number") bytes = s
  else {
    const p = split(s)
    if (p === undefined) return undefined
    const scale = p[1] === "" ? 1 : SIZE_SCALE[p[1].toLowerCase()]
    if (scale === undefined) return undefined
    bytes = p[0] * scale
  }
  if (!Number.isFinite(bytes) || bytes < 0 || bytes > 0xffffffff || bytes !== Math.floor(bytes))
    return undefined
  return bytes
}

const TIME_SCALE: Readonly<Record<string, number>> = {
  s: 1000000,
  sec: 1000000,
  secs: 1000000,
  ms: 1000,
  msec: 1000,
  msecs: 1000,
  us: 1,
  usec: 1,
  usecs: 1
}

/**
 * A time in microseconds (truncated to a whole microsecond as `tc` does),
 * or undefined when `tc` would refuse it.
 *
 * @example
 * ```ts
 * Units.parseTime("1.5ms") // 1500
 * ```
 * @since 0.3.0
 */
export const parseTime = (t: Time): number | undefined => {
  let us: number
  if (typeof t === "number") {
    if (!Number.isInteger(t)) return undefined
    us = t
  } else {
    const p = split(t)
    if (p === undefined) return undefined
    const scale = p[1] === "" ? 1 : TIME_SCALE[p[1].toLowerCase()]
    if (scale === undefined) return undefined
    us = Math.trunc(p[0] * scale)
  }
  return Number.isFinite(us) && us >= 0 && us <= 0xffffffff ? us : undefined
}

const filter = <A>(parse: (x: A) => number | undefined, what: string, example: string) =>
  Schema.makeFilter(
    (x: A) => parse(x) !== undefined || `${JSON.stringify(x)} is not ${what} (like ${example})`,
    { expected: `${what} like ${example}` }
  )

/**
 * Schemas of the three units: a number in the base unit or text `tc` reads.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Units.RateSchema)("1gbit")
 * ```
 * @since 0.3.0
 */
export const RateSchema: Schema.Codec<Rate> = Schema.Union([Schema.Number, Schema.String]).check(
  filter(parseRate, "a rate in bits/s", '"100mbit" or 8000')
)
/** @see RateSchema @since 0.3.0 */
export const SizeSchema: Schema.Codec<Size> = Schema.Union([Schema.Number, Schema.String]).check(
  filter(parseSize, "a size in bytes", '"10kb" or 1500')
)
/** @see RateSchema @since 0.3.0 */
export const TimeSchema: Schema.Codec<Time> = Schema.Union([Schema.Number, Schema.String]).check(
  filter(parseTime, "a time in microseconds", '"10ms" or 400')
)

// ---------------------------------------------------------------------------
// the packet scheduler clock

/**
 * The kernel's packet scheduler clock as `tc` derives it from
 * /proc/net/psched: ticks per microsecond and the timer frequency.
 *
 * @example
 * ```ts
 * Units.psched().tickInUsec // 15.625 on current kernels (64 ns ticks)
 * ```
 * @since 0.3.0
 */
export interface Psched {
  readonly tickInUsec: number
  readonly clockFactor: number
  /** What `tc` uses as HZ for default bursts (get_hz). */
  readonly hz: number
}

/**
 * Parses /proc/net/psched's text as `tc` does (tc_core_init, get_hz).
 *
 * @example
 * ```ts
 * Units.pschedFrom("000003e8 00000040 000f4240 3b9aca00\n").tickInUsec // 15.625
 * ```
 * @since 0.3.0
 */
export const pschedFrom = (text: string): Psched => {
  const [t2usRaw, us2t, clockRes, fourth] = text
    .trim()
    .split(/\s+/)
    .map((h) => Number.parseInt(h, 16))
  // An old kernel advertised 1000 as the tick multiplier for nanosecond resolution.
  const t2us = clockRes === 1000000000 ? us2t : t2usRaw
  const clockFactor = clockRes / 1000000
  return {
    tickInUsec: (t2us / us2t) * clockFactor,
    clockFactor,
    hz: clockRes === 1000000 && fourth ? fourth : 100
  }
}

let cached: Psched | undefined
/**
 * This machine's psched clock (read once). Without /proc/net/psched, the
 * values of every kernel since 2.6.31 (64 ns ticks, high-resolution timers).
 *
 * @example
 * ```ts
 * Units.psched().hz
 * ```
 * @since 0.3.0
 */
export const psched = (): Psched => {
  if (cached === undefined) {
    let text = "000003e8 00000040 000f4240 3b9aca00"
    try {
      text = readFileSync("/proc/net/psched", "utf8")
    } catch {
      // keep the modern kernel's values
    }
    cached = pschedFrom(text)
  }
  return cached
}

// C's conversion of a double to unsigned int (the low 32 bits of the truncation).
const u32 = (x: number): number => {
  const t = Math.trunc(x)
  return t >= 0 && t <= 0xffffffff ? t : Number(BigInt.asUintN(32, BigInt(t)))
}

/**
 * Microseconds → psched ticks (tc_core_time2tick).
 *
 * @example
 * ```ts
 * Units.timeToTicks(1000) // 15625
 * ```
 * @since 0.3.0
 */
export const timeToTicks = (us: number, p: Psched = psched()): number => u32(u32(us) * p.tickInUsec)

/**
 * psched ticks → microseconds (tc_core_tick2time).
 *
 * @example
 * ```ts
 * Units.ticksToTime(15625) // 1000
 * ```
 * @since 0.3.0
 */
export const ticksToTime = (ticks: number, p: Psched = psched()): number => u32(u32(ticks) / p.tickInUsec)

/**
 * The time to send `size` bytes at `rate` bytes/s, in ticks (tc_calc_xmittime).
 *
 * @example
 * ```ts
 * Units.xmitTime(125000, 1600) // ticks for 1600 bytes at 1mbit
 * ```
 * @since 0.3.0
 */
export const xmitTime = (rateBytes: number, size: number, p: Psched = psched()): number =>
  timeToTicks(u32(1000000 * (size / rateBytes)), p)

/**
 * The bytes sent in `ticks` at `rate` bytes/s (tc_calc_xmitsize): how `tc`
 * turns a buffer in ticks back into a burst.
 *
 * @example
 * ```ts
 * Units.xmitSize(125000, Units.xmitTime(125000, 10240)) // 10240
 * ```
 * @since 0.3.0
 */
export const xmitSize = (rateBytes: number, ticks: number, p: Psched = psched()): number =>
  u32((rateBytes * ticksToTime(ticks, p)) / 1000000)

/**
 * The link layer a rate table accounts for: ATM pays 53 bytes per 48-byte cell.
 *
 * @example
 * ```ts
 * const l: Units.LinkLayer = "atm"
 * ```
 * @since 0.3.0
 */
export type LinkLayer = "ethernet" | "atm"

/** TC_LINKLAYER_* values. */
export const LINKLAYER: Readonly<Record<LinkLayer, number>> = { ethernet: 1, atm: 2 }

const adjust = (size: number, mpu: number, linklayer: LinkLayer): number => {
  const sz = Math.max(size, mpu)
  if (linklayer !== "atm") return sz
  return Math.ceil(sz / 48) * 53
}

/**
 * A rate table as `tc` computes it (tc_calc_rtable): 256 transmit times in
 * ticks for packets of (i+1) << cellLog bytes, and the cell_log used (from
 * `mtu`, default 2047, when `cellLog` is negative). `rateBytes` is the
 * 32-bit rate of the tc_ratespec (~0 for rates of 2^32 bytes/s and more).
 *
 * @example
 * ```ts
 * const { table, cellLog } = Units.rateTable(125000, { mtu: 1600 })
 * ```
 * @since 0.3.0
 */
export const rateTable = (
  rateBytes: number,
  o: {
    readonly mtu?: number
    readonly mpu?: number
    readonly linklayer?: LinkLayer
    readonly cellLog?: number
  },
  p: Psched = psched()
): { readonly table: Array<number>; readonly cellLog: number } => {
  const mtu = o.mtu === undefined || o.mtu === 0 ? 2047 : o.mtu
  let cellLog = o.cellLog ?? -1
  if (cellLog < 0) {
    cellLog = 0
    while (mtu >>> cellLog > 255) cellLog++
  }
  const table = new Array<number>(256)
  for (let i = 0; i < 256; i++)
    table[i] = xmitTime(rateBytes, adjust((i + 1) << cellLog, o.mpu ?? 0, o.linklayer ?? "ethernet"), p)
  return { table, cellLog }
}

/**
 * The time in psched ticks the kernel gives `len` bytes at `rateBytes`
 * bytes/s (psched_ratecfg_precompute and psched_l2t_ns, then ns → ticks):
 * how it turns a burst in bytes (TCA_TBF_BURST) into the buffer it reports.
 *
 * @example
 * ```ts
 * Units.kernelTicks(125000, 10240) // 1280000
 * ```
 * @since 0.3.0
 */
export const kernelTicks = (
  rateBytes: number,
  len: number,
  o: { readonly overhead?: number; readonly mpu?: number; readonly linklayer?: LinkLayer } = {}
): number => {
  const rate = BigInt(rateBytes)
  let mult = 1n
  let shift = 0n
  if (rate > 0n) {
    let factor = 1000000000n
    for (;;) {
      mult = factor / rate
      if (mult & (1n << 31n) || factor & (1n << 63n)) break
      factor <<= 1n
      shift++
    }
  }
  let l = (len + (o.overhead ?? 0)) >>> 0
  if (l < (o.mpu ?? 0)) l = o.mpu ?? 0
  if (o.linklayer === "atm") l = Math.ceil(l / 48) * 53
  const ns = (BigInt(l) * mult) >> shift
  return Number(BigInt.asUintN(32, ns >> 6n))
}

/**
 * The smallest size whose time `f` (non-decreasing, such as the kernel's
 * bytes → ticks) is `target`, searched from `guess`; undefined when no
 * size gives exactly `target`. Reading a bucket back, it gives the burst a
 * user wrote (the smallest of those the kernel cannot tell apart), so a
 * burst read back and written again reads back the same.
 *
 * @example
 * ```ts
 * Units.smallestSize((b) => Units.xmitTime(125000, b), 1280000, 10240) // 10240
 * ```
 * @since 0.3.0
 */
export const smallestSize = (
  f: (size: number) => number,
  target: number,
  guess: number
): number | undefined => {
  const max = 0xffffffff
  let hi = Math.min(Math.max(Math.trunc(guess), 0), max)
  let step = 1
  while (f(hi) < target) {
    if (hi === max) return undefined
    hi = Math.min(max, hi + step)
    step *= 2
  }
  let lo = hi - 1
  step = 1
  while (lo >= 0 && f(lo) >= target) {
    hi = lo
    lo -= step
    step *= 2
  }
  if (lo < -1) lo = -1
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (f(mid) >= target) hi = mid
    else lo = mid
  }
  return f(hi) === target ? hi : undefined
}

/**
 * The canonical size for a bucket written as `size`: the smallest size the
 * same time `f` gives (see {@link smallestSize}).
 *
 * @example
 * ```ts
 * Units.canonicalSize((b) => Units.xmitTime(125000, b), 10240) // 10240
 * ```
 * @since 0.3.0
 */
export const canonicalSize = (f: (size: number) => number, size: number): number =>
  smallestSize(f, f(size), size) ?? size

/**
 * Whether `size` bytes at `rateBytes` bytes/s last less than 2^32 psched
 * ticks (about 274 s): the kernel reports buckets in 32-bit ticks, so a
 * longer one would read back as something else.
 *
 * @example
 * ```ts
 * Units.bucketFits(125000, 10240) // true
 * Units.bucketFits(12, 8192)      // false (682 s)
 * ```
 * @since 0.3.0
 */
export const bucketFits = (rateBytes: number, size: number, p: Psched = psched()): boolean =>
  rateBytes > 0 && (1000000 * size * p.tickInUsec) / rateBytes < 2 ** 32

// ---------------------------------------------------------------------------
// probabilities and netem's distribution tables

/**
 * A probability: a number of percent (`1` is 1%), or text with `%` as `tc`
 * reads it (`"0.5%"`). The kernel keeps it scaled to 2^32 - 1.
 *
 * @example
 * ```ts
 * const p: Units.Percent = "0.1%" // or 0.1
 * ```
 * @since 0.3.0
 */
export type Percent = number | string

/**
 * A probability in percent (0 to 100), or undefined when it is not one.
 *
 * @example
 * ```ts
 * Units.parsePercent("25%") // 25
 * ```
 * @since 0.3.0
 */
export const parsePercent = (p: Percent): number | undefined => {
  let v: number
  if (typeof p === "number") v = p
  else {
    const s = split(p)
    if (s === undefined || s[1] !== "%") return undefined
    v = s[0]
  }
  return Number.isFinite(v) && v >= 0 && v <= 100 ? v : undefined
}

/** @see RateSchema @since 0.3.0 */
export const PercentSchema: Schema.Codec<Percent> = Schema.Union([Schema.Number, Schema.String]).check(
  filter(parsePercent, "a probability in percent", '"0.5%" or 25')
)

// C's rint: to the nearest integer, halves to even.
const rint = (x: number): number => {
  const f = Math.floor(x)
  const d = x - f
  if (d > 0.5) return f + 1
  if (d < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}

/**
 * A probability as the kernel's u32 (`rint(fraction * (2^32 - 1))`, as `tc` scales it).
 *
 * @example
 * ```ts
 * Units.percentToKernel(25) // 1073741824
 * ```
 * @since 0.3.0
 */
export const percentToKernel = (p: Percent): number => rint((parsePercent(p)! / 100) * 0xffffffff)

/**
 * The kernel's u32 probability as percent: the shortest decimal that scales back to it.
 *
 * @example
 * ```ts
 * Units.percentFromKernel(1073741824) // 25
 * ```
 * @since 0.3.0
 */
export const percentFromKernel = (v: number): number => {
  const exact = (v / 0xffffffff) * 100
  for (let digits = 1; digits < 17; digits++) {
    const p = Number(exact.toPrecision(digits))
    if (p <= 100 && percentToKernel(p) === v) return p
  }
  return exact
}

/** Where iproute2 installs its distribution tables, in the order `tc` builds know them. */
const DIST_DIRS = [
  process.env.TC_LIB_DIR,
  "/usr/lib/x86_64-linux-gnu/tc",
  "/usr/lib/aarch64-linux-gnu/tc",
  "/usr/lib64/tc",
  "/usr/lib/tc",
  "/usr/share/tc"
]

const distCache = new Map<string, ReadonlyArray<number> | undefined>()

/**
 * A netem distribution table (`normal`, `pareto`, `paretonormal`,
 * `experimental`, or another `NAME.dist` of iproute2's), read as `tc` reads it
 * from iproute2's library directory (`$TC_LIB_DIR` first): the signed 16-bit
 * values, `#` lines skipped. Undefined when no such file is installed.
 *
 * @example
 * ```ts
 * Units.distributionTable("normal")?.length // 4096
 * ```
 * @since 0.3.0
 */
export const distributionTable = (name: string): ReadonlyArray<number> | undefined => {
  if (distCache.has(name)) return distCache.get(name)
  let table: ReadonlyArray<number> | undefined
  if (/^[\w.-]+$/.test(name))
    for (const dir of DIST_DIRS) {
      if (dir === undefined || dir === "") continue
      let text: string
      try {
        text = readFileSync(`${dir}/${name}.dist`, "utf8")
      } catch {
        continue
      }
      table = text
        .split("\n")
        .filter((l) => !l.trimStart().startsWith("#"))
        .join(" ")
        .split(/\s+/)
        .filter((x) => x !== "")
        .map((x) => Number.parseInt(x, 10))
      break
    }
  distCache.set(name, table)
  return table
}
