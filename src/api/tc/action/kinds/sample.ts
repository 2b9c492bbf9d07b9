/**
 * sample: send one packet in `rate` (optionally truncated) to a psample
 * group, as `tc ... action sample rate 100 group 5 trunc 128` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActSampleAttrs,
  decodeActSampleAttrs,
  encodeActSampleAttrs
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * sample options.
 *
 * @example
 * ```ts
 * const o: SampleOptions = { rate: 100, group: 5, trunc: 128 }
 * ```
 * @since 0.3.0
 */
export interface SampleOptions {
  /** One packet in this many. */
  readonly rate: number
  /** The psample group. */
  readonly group: number
  /** Bytes of the packet to send; default all. A replace without it keeps the truncation the action had (the kernel never clears it). */
  readonly trunc?: number | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

/** The sample kind. @since 0.3.0 */
export const sample: ActionKind<SampleOptions, ActSampleAttrs> = {
  kind: "sample",
  fields: {
    rate: P.intBetween(P.U32, 1, 0xffffffff),
    group: P.U32,
    trunc: Schema.optional(P.intBetween(P.U32, 1, 0xffffffff)),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActSampleAttrs]: ActSampleAttrs[K] } = {
      parms: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 },
      rate: o.rate
    }
    if (o.trunc !== undefined) d.truncSize = o.trunc
    d.psampleGroup = o.group
    return d
  },
  fromKernel: (d) => {
    if (d?.parms === undefined) return {}
    const out: { -readonly [K in keyof SampleOptions]: SampleOptions[K] } = {
      rate: d.rate ?? 0,
      group: d.psampleGroup ?? 0
    }
    if (d.truncSize !== undefined && d.truncSize !== 0) out.trunc = d.truncSize
    out.action = Control.format(d.parms.action)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof SampleOptions]: SampleOptions[K] } = {
      rate: o.rate ?? 0,
      group: o.group ?? 0
    }
    if (o.trunc !== undefined) out.trunc = o.trunc
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActSampleAttrs,
  decode: decodeActSampleAttrs
}
