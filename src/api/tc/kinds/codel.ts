/**
 * codel: controlled delay. Times are microseconds as `tc` reads them and
 * read back through the kernel's 1024 ns units as fq_codel's do.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { decodeTcCodelAttrs, encodeTcCodelAttrs, type TcCodelAttrs } from "../../../generated/tc/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"
import { canonicalTime, readTime } from "./fqCodel.ts"

/**
 * codel options.
 *
 * @example
 * ```ts
 * const o: CodelOptions = { limit: 500, target: "4ms", interval: "80ms", ecn: true }
 * ```
 * @since 0.3.0
 */
export interface CodelOptions {
  /** Packets; default 1000. */
  readonly limit?: number | undefined
  /** Acceptable queue delay; default 5ms. */
  readonly target?: Units.Time | undefined
  /** Window over which the delay is measured; default 100ms. */
  readonly interval?: Units.Time | undefined
  /** Mark ECN-capable packets instead of dropping; default false. */
  readonly ecn?: boolean | undefined
  /** Mark packets queued longer than this (off when not given). */
  readonly ceThreshold?: Units.Time | undefined
}

const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))

/** The codel kind. @since 0.3.0 */
export const codel: TcKind<CodelOptions, TcCodelAttrs> = {
  kind: "codel",
  fields: {
    limit: Schema.optional(U32),
    target: Schema.optional(Units.TimeSchema),
    interval: Schema.optional(Units.TimeSchema),
    ecn: Schema.optional(Schema.Boolean),
    ceThreshold: Schema.optional(Units.TimeSchema)
  },
  devices: [],
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcCodelAttrs]: TcCodelAttrs[K] } = {}
    if (o.limit !== undefined) d.limit = o.limit
    if (o.target !== undefined) d.target = Units.parseTime(o.target)!
    if (o.interval !== undefined) d.interval = Units.parseTime(o.interval)!
    if (o.ecn !== undefined) d.ecn = o.ecn ? 1 : 0
    if (o.ceThreshold !== undefined) d.ceThreshold = Units.parseTime(o.ceThreshold)!
    return d
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const out: { -readonly [K in keyof CodelOptions]: CodelOptions[K] } = {}
    if (d.limit !== undefined) out.limit = d.limit
    if (d.target !== undefined) out.target = readTime(d.target)
    if (d.interval !== undefined) out.interval = readTime(d.interval)
    if (d.ecn !== undefined) out.ecn = d.ecn !== 0
    if (d.ceThreshold !== undefined) out.ceThreshold = readTime(d.ceThreshold)
    return out
  },
  canonical: (o) => ({
    limit: o.limit ?? 1000,
    target: canonicalTime(o.target ?? 5000),
    interval: canonicalTime(o.interval ?? 100000),
    ecn: o.ecn ?? false,
    ...(o.ceThreshold === undefined ? {} : { ceThreshold: canonicalTime(o.ceThreshold) })
  }),
  encode: encodeTcCodelAttrs,
  decode: decodeTcCodelAttrs
}
