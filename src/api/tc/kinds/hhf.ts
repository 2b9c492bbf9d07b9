/**
 * hhf, the heavy-hitter filter. `resetTimeout` and `evictTimeout` are
 * kept in the kernel's jiffies: they read back as written when they are
 * multiples of the kernel's tick (1 ms at HZ=1000, 4 ms at HZ=250).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcHhfAttrs,
  decodeTcHhfXstats,
  encodeTcHhfAttrs,
  type TcHhfAttrs
} from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * hhf options (`tc`'s `hh_limit` is `hhLimit`).
 *
 * @example
 * ```ts
 * const o: HhfOptions = { limit: 2000, hhLimit: 1024, resetTimeout: "50ms", nonHhWeight: 3 }
 * ```
 * @since 0.3.0
 */
export interface HhfOptions {
  /** Packets; default 1000. */
  readonly limit?: number | undefined
  /** Bytes per round; the kernel uses the device's MTU when not given. */
  readonly quantum?: number | undefined
  /** Heavy hitters tracked at most; default 2048. */
  readonly hhLimit?: number | undefined
  /** Default 40ms. */
  readonly resetTimeout?: Units.Time | undefined
  /** Bytes a flow sends before it counts as a heavy hitter; default 128kb. */
  readonly admitBytes?: Units.Size | undefined
  /** Default 1s. */
  readonly evictTimeout?: Units.Time | undefined
  /** Default 2. */
  readonly nonHhWeight?: number | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))

/** The hhf kind. @since 0.3.0 */
export const hhf: TcKind<HhfOptions, TcHhfAttrs> = {
  kind: "hhf",
  fields: {
    limit: Schema.optional(U32),
    quantum: Schema.optional(U32),
    hhLimit: Schema.optional(U32),
    resetTimeout: Schema.optional(Units.TimeSchema),
    admitBytes: Schema.optional(Units.SizeSchema),
    evictTimeout: Schema.optional(Units.TimeSchema),
    nonHhWeight: Schema.optional(U32)
  },
  devices: [],
  kernelChosen: ["quantum"],
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcHhfAttrs]: TcHhfAttrs[K] } = {}
    if (o.limit !== undefined) d.backlogLimit = o.limit
    if (o.quantum !== undefined) d.quantum = o.quantum
    if (o.hhLimit !== undefined) d.hhFlowsLimit = o.hhLimit
    if (o.resetTimeout !== undefined) d.resetTimeout = Units.parseTime(o.resetTimeout)!
    if (o.admitBytes !== undefined) d.admitBytes = Units.parseSize(o.admitBytes)!
    if (o.evictTimeout !== undefined) d.evictTimeout = Units.parseTime(o.evictTimeout)!
    if (o.nonHhWeight !== undefined) d.nonHhWeight = o.nonHhWeight
    return d
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: { -readonly [K in keyof HhfOptions]: HhfOptions[K] } = {}
    if (d.backlogLimit !== undefined) out.limit = d.backlogLimit
    if (d.quantum !== undefined) out.quantum = d.quantum
    if (d.hhFlowsLimit !== undefined) out.hhLimit = d.hhFlowsLimit
    if (d.resetTimeout !== undefined) out.resetTimeout = d.resetTimeout
    if (d.admitBytes !== undefined) out.admitBytes = d.admitBytes
    if (d.evictTimeout !== undefined) out.evictTimeout = d.evictTimeout
    if (d.nonHhWeight !== undefined) out.nonHhWeight = d.nonHhWeight
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof HhfOptions]: HhfOptions[K] } = {
      limit: o.limit ?? 1000,
      hhLimit: o.hhLimit ?? 2048,
      resetTimeout: Units.parseTime(o.resetTimeout ?? 40000)!,
      admitBytes: Units.parseSize(o.admitBytes ?? 131072)!,
      evictTimeout: Units.parseTime(o.evictTimeout ?? 1000000)!,
      nonHhWeight: o.nonHhWeight ?? 2
    }
    if (o.quantum !== undefined) out.quantum = o.quantum
    return out
  },
  xstats: (buf, view, start, end) => decodeTcHhfXstats(buf, view, start, end),
  encode: encodeTcHhfAttrs,
  decode: decodeTcHhfAttrs
}
