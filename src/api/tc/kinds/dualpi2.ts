/**
 * dualpi2, the dual-queue coupled AQM of L4S (RFC 9332; Linux 6.17+):
 * `limit` (packets), `memoryLimit` (bytes), the PI controller's `target`
 * and `tupdate` (microseconds) and gains `alpha`/`beta` (Hz; the kernel
 * keeps 1/256 Hz), the L4S step marking threshold (`stepThresh` as a time or
 * `stepThreshPackets`), `minQlenStep`, the `couplingFactor`, what to do on
 * overload (`dropOnOverload`), when to drop (`dropEnqueue`), the classic
 * queue's share (`classicProtection`, percent), which packets are L4S
 * (`ecnMask`) and `splitGso`. Options not given are the kernel's choice and
 * compared only when both sides give them.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcDualpi2Attrs,
  decodeTcDualpi2Xstats,
  encodeTcDualpi2Attrs,
  type TcDualpi2Attrs
} from "../../../generated/tc-sched/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const U8 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xff }))
// gains are u32 in 1/256 Hz
const Gain = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 0xffffffff / 256 }))

/**
 * dualpi2 options.
 *
 * @example
 * ```ts
 * const o: Dualpi2Options = { limit: 5000, target: "10ms", alpha: 0.16, beta: 3.2, ecnMask: "l4s_ect" }
 * ```
 * @since 0.3.0
 */
export interface Dualpi2Options {
  /** Packets both queues hold. */
  readonly limit?: number | undefined
  /** Bytes both queues hold. */
  readonly memoryLimit?: Units.Size | undefined
  /** Classic queue delay target, microseconds. */
  readonly target?: Units.Time | undefined
  /** Controller update interval, microseconds. */
  readonly tupdate?: Units.Time | undefined
  /** Integral gain, Hz (a multiple of 1/256). */
  readonly alpha?: number | undefined
  /** Proportional gain, Hz (a multiple of 1/256). */
  readonly beta?: number | undefined
  /** L4S marking threshold as a queue delay, microseconds. */
  readonly stepThresh?: Units.Time | undefined
  /** L4S marking threshold in packets (instead of `stepThresh`). */
  readonly stepThreshPackets?: number | undefined
  /** Packets the L4S queue holds before the step threshold applies. */
  readonly minQlenStep?: number | undefined
  readonly couplingFactor?: number | undefined
  /** drop (true) or let the queue overflow (false) when overloaded. */
  readonly dropOnOverload?: boolean | undefined
  /** Drop at enqueue (true) or dequeue (false). */
  readonly dropEnqueue?: boolean | undefined
  /** Percent of the link the classic queue is guaranteed. */
  readonly classicProtection?: number | undefined
  readonly ecnMask?: "l4s_ect" | "cla_ect" | "any_ect" | undefined
  readonly splitGso?: boolean | undefined
}

const ECN = { l4s_ect: 1, cla_ect: 2, any_ect: 3 } as const
const ECN_NAMES: Readonly<Record<number, "l4s_ect" | "cla_ect" | "any_ect">> = {
  1: "l4s_ect",
  2: "cla_ect",
  3: "any_ect"
}
const ALL = [
  "limit",
  "memoryLimit",
  "target",
  "tupdate",
  "alpha",
  "beta",
  "stepThresh",
  "stepThreshPackets",
  "minQlenStep",
  "couplingFactor",
  "dropOnOverload",
  "dropEnqueue",
  "classicProtection",
  "ecnMask",
  "splitGso"
]

const gain = (hz: number): number => Math.round(hz * 256)
const flag = (b: boolean): number => (b ? 1 : 0)

/** The dualpi2 kind (Linux 6.17+). @since 0.3.0 */
export const dualpi2: TcKind<Dualpi2Options, TcDualpi2Attrs> = {
  kind: "dualpi2",
  fields: {
    limit: Schema.optional(U32.check(Schema.isGreaterThan(0))),
    memoryLimit: Schema.optional(Units.SizeSchema),
    target: Schema.optional(Units.TimeSchema),
    tupdate: Schema.optional(Units.TimeSchema),
    alpha: Schema.optional(Gain),
    beta: Schema.optional(Gain),
    stepThresh: Schema.optional(Units.TimeSchema),
    stepThreshPackets: Schema.optional(U32),
    minQlenStep: Schema.optional(U32),
    couplingFactor: Schema.optional(U8),
    dropOnOverload: Schema.optional(Schema.Boolean),
    dropEnqueue: Schema.optional(Schema.Boolean),
    classicProtection: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 100 }))
    ),
    ecnMask: Schema.optional(Schema.Literals(["l4s_ect", "cla_ect", "any_ect"])),
    splitGso: Schema.optional(Schema.Boolean)
  },
  devices: [],
  kernelChosen: ALL,
  check: (o) =>
    o.stepThresh !== undefined && o.stepThreshPackets !== undefined
      ? ["stepThreshPackets", "give stepThresh (a time) or stepThreshPackets, not both"]
      : undefined,
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcDualpi2Attrs]: TcDualpi2Attrs[K] } = {}
    if (o.limit !== undefined) d.limit = o.limit
    if (o.memoryLimit !== undefined) d.memoryLimit = Units.parseSize(o.memoryLimit)!
    if (o.target !== undefined) d.target = Units.parseTime(o.target)!
    if (o.tupdate !== undefined) d.tupdate = Units.parseTime(o.tupdate)!
    if (o.alpha !== undefined) d.alpha = gain(o.alpha)
    if (o.beta !== undefined) d.beta = gain(o.beta)
    if (o.stepThreshPackets !== undefined) d.stepThreshPkts = o.stepThreshPackets
    if (o.stepThresh !== undefined) d.stepThreshUs = Units.parseTime(o.stepThresh)!
    if (o.minQlenStep !== undefined) d.minQlenStep = o.minQlenStep
    if (o.couplingFactor !== undefined) d.coupling = o.couplingFactor
    if (o.dropOnOverload !== undefined) d.dropOverload = flag(o.dropOnOverload)
    if (o.dropEnqueue !== undefined) d.dropEarly = flag(o.dropEnqueue)
    if (o.classicProtection !== undefined) d.cProtection = o.classicProtection
    if (o.ecnMask !== undefined) d.ecnMask = ECN[o.ecnMask]
    if (o.splitGso !== undefined) d.splitGso = flag(o.splitGso)
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof Dualpi2Options]: Dualpi2Options[K] } = {}
    if (d === undefined) return out
    if (d.limit !== undefined) out.limit = d.limit
    if (d.memoryLimit !== undefined) out.memoryLimit = d.memoryLimit
    if (d.target !== undefined) out.target = d.target
    if (d.tupdate !== undefined) out.tupdate = d.tupdate
    if (d.alpha !== undefined) out.alpha = d.alpha / 256
    if (d.beta !== undefined) out.beta = d.beta / 256
    if (d.stepThreshPkts !== undefined) out.stepThreshPackets = d.stepThreshPkts
    if (d.stepThreshUs !== undefined) out.stepThresh = d.stepThreshUs
    if (d.minQlenStep !== undefined) out.minQlenStep = d.minQlenStep
    if (d.coupling !== undefined) out.couplingFactor = d.coupling
    if (d.dropOverload !== undefined) out.dropOnOverload = d.dropOverload !== 0
    if (d.dropEarly !== undefined) out.dropEnqueue = d.dropEarly !== 0
    if (d.cProtection !== undefined) out.classicProtection = d.cProtection
    if (d.ecnMask !== undefined) out.ecnMask = ECN_NAMES[d.ecnMask] ?? (d.ecnMask as never)
    if (d.splitGso !== undefined) out.splitGso = d.splitGso !== 0
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof Dualpi2Options]: Dualpi2Options[K] } = { ...o }
    if (o.memoryLimit !== undefined) out.memoryLimit = Units.parseSize(o.memoryLimit)!
    if (o.target !== undefined) out.target = Units.parseTime(o.target)!
    if (o.tupdate !== undefined) out.tupdate = Units.parseTime(o.tupdate)!
    if (o.stepThresh !== undefined) out.stepThresh = Units.parseTime(o.stepThresh)!
    if (o.alpha !== undefined) out.alpha = gain(o.alpha) / 256
    if (o.beta !== undefined) out.beta = gain(o.beta) / 256
    return out
  },
  xstats: (buf, view, start, end) => decodeTcDualpi2Xstats(buf, view, start, end),
  encode: encodeTcDualpi2Attrs,
  decode: decodeTcDualpi2Attrs
}
