/**
 * taprio, the time-aware priority shaper (IEEE 802.1Qbv): mqprio's
 * traffic classes, map and queues, plus a gate `schedule` (entries of a
 * command, a gate mask of traffic classes and an interval in ns) that
 * starts at `baseTime` and repeats every `cycleTime` (default: the sum of
 * the intervals), the `clockid` it runs on, `flags` (txtime-assist,
 * full-offload), the `txtimeDelay` of txtime-assist, and the `maxSdu` of
 * each traffic class. Times are nanoseconds; 64-bit ones are bigints.
 *
 * The kernel reports the schedule in use and, until its base time, the
 * pending one (TCA_TAPRIO_ATTR_ADMIN_SCHED); the options read back are the
 * pending schedule when there is one: the last one written.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcTaprioAttrs,
  encodeTcTaprioAttrs,
  type TcTaprioAttrs,
  TcTaprioCmd,
  TcTaprioFlags
} from "../../../generated/tc-sched/index.ts"
import type { TcKind } from "../TcKind.ts"
import {
  canonicalPriorityMap,
  checkPriorityMap,
  type PriorityMap,
  priorityMapFields,
  priorityMapOf,
  qoptOf
} from "./mqprio.ts"

/**
 * Clocks by the names `tc` takes (`clockid CLOCK_TAI`); other ids stay numbers.
 *
 * @example
 * ```ts
 * const c: Clock = "CLOCK_TAI"
 * ```
 * @since 0.3.0
 */
export type Clock = "CLOCK_REALTIME" | "CLOCK_MONOTONIC" | "CLOCK_BOOTTIME" | "CLOCK_TAI" | number

const CLOCKS = { CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_BOOTTIME: 7, CLOCK_TAI: 11 } as const
const CLOCK_NAMES: Readonly<Record<number, Clock>> = {
  0: "CLOCK_REALTIME",
  1: "CLOCK_MONOTONIC",
  7: "CLOCK_BOOTTIME",
  11: "CLOCK_TAI"
}

/** Schema of {@link Clock}. @since 0.3.0 */
export const ClockSchema: Schema.Codec<Clock> = Schema.Union([
  Schema.Literals(["CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_BOOTTIME", "CLOCK_TAI"]),
  Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0x7fffffff }))
])
/** A clock's id. @since 0.3.0 */
export const clockId = (c: Clock): number => (typeof c === "number" ? c : CLOCKS[c])
/** A clock id's name (or the number). @since 0.3.0 */
export const clockName = (id: number): Clock => CLOCK_NAMES[id] ?? id

/**
 * One schedule entry: for `interval` ns, the gates of the traffic classes
 * in `gates` (bit n: class n) are open. `command` is `tc`'s letter: S (set
 * gates, default), H (set and hold), R (set and release).
 *
 * @example
 * ```ts
 * const e: TaprioEntry = { command: "S", gates: 0x1, interval: 300000 }
 * ```
 * @since 0.3.0
 */
export interface TaprioEntry {
  readonly command?: "S" | "H" | "R" | undefined
  readonly gates: number
  readonly interval: number
}

/** A 64-bit time in ns: a bigint, or a safe integer. */
export type Nanoseconds = bigint | number

/**
 * taprio options.
 *
 * @example
 * ```ts
 * const o: TaprioOptions = {
 *   numTc: 2, map: [0, 0, 0, 0, 1], queues: [{ count: 4, offset: 0 }, { count: 4, offset: 4 }],
 *   baseTime: 1000000000n, schedule: [{ gates: 0x1, interval: 300000 }, { gates: 0x2, interval: 200000 }],
 *   clockid: "CLOCK_TAI"
 * }
 * ```
 * @since 0.3.0
 */
export interface TaprioOptions extends PriorityMap {
  /** When the schedule starts (ns on `clockid`); default 0. */
  readonly baseTime?: Nanoseconds | undefined
  readonly schedule: ReadonlyArray<TaprioEntry>
  /** Length of a cycle, ns; default the sum of the intervals. */
  readonly cycleTime?: Nanoseconds | undefined
  /** How much a cycle may be stretched at a schedule change, ns; default 0. */
  readonly cycleTimeExtension?: Nanoseconds | undefined
  /** The clock (required unless full-offload). */
  readonly clockid?: Clock | undefined
  readonly flags?: ReadonlyArray<"txtime-assist" | "full-offload"> | undefined
  /** With txtime-assist: ns before its transmit time a packet is handed to the device. */
  readonly txtimeDelay?: number | undefined
  /** Largest frame in bytes of each traffic class (0: no limit). Linux 6.3+. */
  readonly maxSdu?: ReadonlyArray<number> | undefined
}

/** A 64-bit time in ns as input: a bigint, or a safe integer. @since 0.3.0 */
export const NsSchema = Schema.Union([
  Schema.BigInt.check(Schema.isBetweenBigInt({ minimum: 0n, maximum: 0x7fffffffffffffffn })),
  Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))
])
const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const COMMANDS = { S: TcTaprioCmd.gates, H: TcTaprioCmd.andHold, R: TcTaprioCmd.andRelease } as const
const COMMAND_NAMES = ["S", "H", "R"] as const
const FLAGS = {
  "txtime-assist": TcTaprioFlags.txtimeAssist,
  "full-offload": TcTaprioFlags.fullOffload
} as const
const TC_MAX = 16

const flagsOf = (f: ReadonlyArray<"txtime-assist" | "full-offload"> | undefined): number =>
  (f ?? []).reduce((a, n) => a | FLAGS[n], 0)
const flagNames = (v: number): Array<"txtime-assist" | "full-offload"> =>
  (["txtime-assist", "full-offload"] as const).filter((n) => (v & FLAGS[n]) !== 0)

const big = (n: Nanoseconds | undefined): bigint | undefined => (n === undefined ? undefined : BigInt(n))

type Sched = Pick<
  TcTaprioAttrs,
  "schedBaseTime" | "schedCycleTime" | "schedCycleTimeExtension" | "schedEntryList"
>

/** The taprio kind. @since 0.3.0 */
export const taprio: TcKind<TaprioOptions, TcTaprioAttrs> = {
  kind: "taprio",
  fields: {
    ...priorityMapFields,
    baseTime: Schema.optional(NsSchema),
    schedule: Schema.Array(
      Schema.Struct({
        command: Schema.optional(Schema.Literals(["S", "H", "R"])),
        gates: U32,
        interval: U32.check(Schema.isGreaterThan(0))
      })
    ).check(Schema.isMinLength(1)),
    cycleTime: Schema.optional(NsSchema),
    cycleTimeExtension: Schema.optional(NsSchema),
    clockid: Schema.optional(ClockSchema),
    flags: Schema.optional(Schema.Array(Schema.Literals(["txtime-assist", "full-offload"]))),
    txtimeDelay: Schema.optional(U32),
    maxSdu: Schema.optional(Schema.Array(U32).check(Schema.isMaxLength(TC_MAX)))
  },
  devices: [],
  check: (o) => {
    const p = checkPriorityMap(o)
    if (p !== undefined) return p
    const offload = (o.flags ?? []).includes("full-offload")
    if (o.clockid === undefined && !offload) return ["clockid", "a clock is required unless full-offload"]
    if (o.txtimeDelay !== undefined && !(o.flags ?? []).includes("txtime-assist"))
      return ["txtimeDelay", "txtimeDelay goes with the txtime-assist flag"]
    if (o.maxSdu !== undefined && o.maxSdu.length > o.numTc)
      return ["maxSdu", `at most one per traffic class (${o.numTc})`]
    return undefined
  },
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcTaprioAttrs]: TcTaprioAttrs[K] } = {}
    if (o.clockid !== undefined) d.schedClockid = clockId(o.clockid)
    if (o.flags !== undefined) d.flags = flagsOf(o.flags)
    d.priomap = qoptOf(o, 0)
    if (o.txtimeDelay !== undefined) d.txtimeDelay = o.txtimeDelay
    d.schedBaseTime = big(o.baseTime) ?? 0n
    if (o.cycleTime !== undefined) d.schedCycleTime = BigInt(o.cycleTime)
    if (o.cycleTimeExtension !== undefined) d.schedCycleTimeExtension = BigInt(o.cycleTimeExtension)
    d.schedEntryList = {
      entry: o.schedule.map((e) => ({
        cmd: COMMANDS[e.command ?? "S"],
        gateMask: e.gates,
        interval: e.interval
      }))
    }
    if (o.maxSdu !== undefined) d.tcEntry = o.maxSdu.map((maxSdu, index) => ({ index, maxSdu }))
    return d
  },
  fromKernel: (d) => {
    if (d?.priomap === undefined) return {}
    // the pending schedule when there is one, else the one in use
    const s: Sched = d.adminSched?.schedEntryList !== undefined ? d.adminSched : d
    const out: { -readonly [K in keyof TaprioOptions]: TaprioOptions[K] } = {
      ...priorityMapOf(d.priomap),
      baseTime: s.schedBaseTime ?? 0n,
      schedule: (s.schedEntryList?.entry ?? []).map((e) => ({
        command: COMMAND_NAMES[e.cmd ?? 0] ?? (e.cmd as never),
        gates: e.gateMask ?? 0,
        interval: e.interval ?? 0
      })),
      cycleTimeExtension: s.schedCycleTimeExtension ?? 0n,
      flags: flagNames(d.flags ?? 0)
    }
    if (s.schedCycleTime !== undefined) out.cycleTime = s.schedCycleTime
    if (d.schedClockid !== undefined && d.schedClockid !== -1) out.clockid = clockName(d.schedClockid)
    if (d.txtimeDelay !== undefined && d.txtimeDelay !== 0) out.txtimeDelay = d.txtimeDelay
    const sdu = (d.tcEntry ?? []).filter((e) => (e.index ?? 0) < d.priomap!.numTc).map((e) => e.maxSdu ?? 0)
    if (sdu.some((x) => x !== 0)) out.maxSdu = sdu
    return out
  },
  canonical: (o) => {
    const schedule = (o.schedule ?? []).map((e) => ({
      command: e.command ?? "S",
      gates: e.gates,
      interval: e.interval
    }))
    const out: { -readonly [K in keyof TaprioOptions]: TaprioOptions[K] } = {
      ...canonicalPriorityMap(o),
      baseTime: big(o.baseTime) ?? 0n,
      schedule,
      cycleTime: big(o.cycleTime) ?? schedule.reduce((a, e) => a + BigInt(e.interval), 0n),
      cycleTimeExtension: big(o.cycleTimeExtension) ?? 0n,
      flags: flagNames(flagsOf(o.flags))
    }
    if (o.clockid !== undefined) out.clockid = clockName(clockId(o.clockid))
    if (o.txtimeDelay !== undefined && o.txtimeDelay !== 0) out.txtimeDelay = o.txtimeDelay
    if (o.maxSdu?.some((x) => x !== 0)) {
      const sdu = [...o.maxSdu]
      while (sdu.length < (o.numTc ?? 0)) sdu.push(0)
      out.maxSdu = sdu
    }
    return out
  },
  encode: encodeTcTaprioAttrs,
  decode: decodeTcTaprioAttrs
}
