/**
 * gate (IEEE 802.1Qci): a time schedule that opens and closes a gate for
 * the packets passing the action, as `tc ... action gate base-time 0
 * sched-entry open 10000000 sched-entry close 10000000` sends it. Each
 * entry is a gate state for an interval (ns), optionally with the internal
 * priority of passing packets and the bytes allowed in it; the schedule
 * starts at `baseTime` on `clockid` and repeats every `cycleTime`.
 *
 * The kernel keeps the priority, base time, extension and clock of an
 * action a replace leaves them out of, so nlink sends them always (`tc`
 * sends only those given): a replace sets exactly the object written.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { type ActGateAttrs, decodeActGateAttrs, encodeTcGen } from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { Writer } from "../../../../runtime/Wire.ts"
import {
  type Clock,
  ClockSchema,
  clockId,
  clockName,
  type Nanoseconds,
  NsSchema
} from "../../kinds/taprio.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * One schedule entry. `ipv` and `maxOctets` are left out for "any" (the
 * kernel's -1).
 *
 * @example
 * ```ts
 * const e: GateEntry = { gate: "open", interval: 10000000, ipv: 2, maxOctets: 1500 }
 * ```
 * @since 0.3.0
 */
export interface GateEntry {
  readonly gate: "open" | "close"
  /** Nanoseconds. */
  readonly interval: number
  /** The internal priority value of packets passing in this interval. */
  readonly ipv?: number | undefined
  /** Bytes allowed through in this interval. */
  readonly maxOctets?: number | undefined
}

/**
 * gate options.
 *
 * @example
 * ```ts
 * const o: GateOptions = { baseTime: 1000000n, clockid: "CLOCK_TAI", entries: [{ gate: "open", interval: 10000000 }, { gate: "close", interval: 10000000 }] }
 * ```
 * @since 0.3.0
 */
export interface GateOptions {
  readonly entries: ReadonlyArray<GateEntry>
  /** The internal priority value of passing packets (for every entry without its own). */
  readonly priority?: number | undefined
  /** When the schedule starts (ns on `clockid`); default 0. */
  readonly baseTime?: Nanoseconds | undefined
  /** Length of a cycle, ns; default the sum of the intervals. */
  readonly cycleTime?: Nanoseconds | undefined
  /** How much a cycle may be stretched at a schedule change, ns; default 0. */
  readonly cycleTimeExtension?: Nanoseconds | undefined
  /** The clock; default CLOCK_TAI. */
  readonly clockid?: Clock | undefined
  /** TCA_GATE_FLAGS (offload flags); default 0. */
  readonly flags?: number | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

const ANY = -1
const CLOCK_TAI = 11
const Interval = P.intBetween(P.U32, 1, 0xffffffff)
const Wildcard = P.intBetween(P.S32, 0, 0x7fffffff)

const big = (n: Nanoseconds | undefined): bigint | undefined => (n === undefined ? undefined : BigInt(n))
const entryOut = (gate: boolean, interval: number, ipv: number, maxOctets: number): GateEntry => {
  const e: { -readonly [K in keyof GateEntry]: GateEntry[K] } = { gate: gate ? "open" : "close", interval }
  if (ipv !== ANY) e.ipv = ipv
  if (maxOctets !== ANY) e.maxOctets = maxOctets
  return e
}

// tc's order: PARMS, PRIORITY, FLAGS, BASE_TIME, CYCLE_TIME, CYCLE_TIME_EXT, CLOCKID, ENTRY_LIST
const encode = (w: Writer, v: ActGateAttrs): void => {
  if (v.parms !== undefined) {
    const s = w.attrStart(2)
    encodeTcGen(w, v.parms)
    w.attrEnd(s)
  }
  if (v.priority !== undefined) w.attrS32(4, v.priority)
  if (v.flags !== undefined) w.attrU32(9, v.flags)
  if (v.baseTime !== undefined) w.attrU64(6, v.baseTime)
  if (v.cycleTime !== undefined) w.attrU64(7, v.cycleTime)
  if (v.cycleTimeExt !== undefined) w.attrU64(8, v.cycleTimeExt)
  if (v.clockid !== undefined) w.attrS32(10, v.clockid)
  if (v.entryList?.oneEntry !== undefined) {
    const list = w.nestStart(5, true)
    for (const e of v.entryList.oneEntry) {
      const s = w.nestStart(1, true)
      if (e.index !== undefined) w.attrU32(1, e.index)
      if (e.gate === true) w.attrFlag(2)
      if (e.interval !== undefined) w.attrU32(3, e.interval)
      if (e.ipv !== undefined) w.attrS32(4, e.ipv)
      if (e.maxOctets !== undefined) w.attrS32(5, e.maxOctets)
      w.attrEnd(s)
    }
    w.attrEnd(list)
  }
}

/** The gate kind. @since 0.3.0 */
export const gate: ActionKind<GateOptions, ActGateAttrs> = {
  kind: "gate",
  fields: {
    entries: Schema.Array(
      Schema.Struct({
        gate: Schema.Literals(["open", "close"]),
        interval: Interval,
        ipv: Schema.optional(Wildcard),
        maxOctets: Schema.optional(Wildcard)
      })
    ).check(Schema.isMinLength(1)),
    priority: Schema.optional(Wildcard),
    baseTime: Schema.optional(NsSchema),
    cycleTime: Schema.optional(NsSchema),
    cycleTimeExtension: Schema.optional(NsSchema),
    clockid: Schema.optional(ClockSchema),
    flags: Schema.optional(P.U32),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActGateAttrs]: ActGateAttrs[K] } = {
      parms: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 }
    }
    // unlike tc, the defaults are sent too: a replace keeps what a request leaves out
    d.priority = o.priority ?? ANY
    if (o.flags !== undefined && o.flags !== 0) d.flags = o.flags
    d.baseTime = big(o.baseTime) ?? 0n
    const cycle = big(o.cycleTime)
    if (cycle !== undefined && cycle !== 0n) d.cycleTime = cycle
    d.cycleTimeExt = big(o.cycleTimeExtension) ?? 0n
    d.clockid = o.clockid === undefined ? CLOCK_TAI : clockId(o.clockid)
    d.entryList = {
      oneEntry: o.entries.map((e) => ({
        ...(e.gate === "open" ? { gate: true as const } : {}),
        interval: e.interval,
        ipv: e.ipv ?? ANY,
        maxOctets: e.maxOctets ?? ANY
      }))
    }
    return d
  },
  fromKernel: (d) => {
    if (d?.parms === undefined) return {}
    const out: { -readonly [K in keyof GateOptions]: GateOptions[K] } = {
      entries: (d.entryList?.oneEntry ?? []).map((e) =>
        entryOut(e.gate === true, e.interval ?? 0, e.ipv ?? ANY, e.maxOctets ?? ANY)
      )
    }
    if (d.priority !== undefined && d.priority !== ANY) out.priority = d.priority
    out.baseTime = d.baseTime ?? 0n
    out.cycleTime = d.cycleTime ?? 0n
    out.cycleTimeExtension = d.cycleTimeExt ?? 0n
    out.clockid = clockName(d.clockid ?? CLOCK_TAI)
    if (d.flags !== undefined && d.flags !== 0) out.flags = d.flags
    out.action = Control.format(d.parms.action)
    return out
  },
  canonical: (o) => {
    const entries = (o.entries ?? []).map((e) =>
      entryOut(e.gate === "open", e.interval, e.ipv ?? ANY, e.maxOctets ?? ANY)
    )
    const out: { -readonly [K in keyof GateOptions]: GateOptions[K] } = { entries }
    if (o.priority !== undefined && o.priority !== ANY) out.priority = o.priority
    out.baseTime = big(o.baseTime) ?? 0n
    const cycle = big(o.cycleTime) ?? 0n
    // the kernel makes a cycle of the intervals when none is given
    out.cycleTime = cycle !== 0n ? cycle : entries.reduce((a, e) => a + BigInt(e.interval), 0n)
    out.cycleTimeExtension = big(o.cycleTimeExtension) ?? 0n
    out.clockid = clockName(o.clockid === undefined ? CLOCK_TAI : clockId(o.clockid))
    if (o.flags !== undefined && o.flags !== 0) out.flags = o.flags
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode,
  decode: decodeActGateAttrs
}
