/**
 * gact, the generic action: a control action ("pass", "drop", "goto chain
 * 5", "jump 1" ...) and optionally a random second one (`random`: taken
 * instead one time in `value`, at random or every `value`th packet), as
 * `tc ... action gact ...` sends them.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActGactAttrs,
  decodeActGactAttrs,
  encodeActGactAttrs
} from "../../../../generated/tc-action/index.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

const PTYPES = { netrand: 1, determ: 2 } as const
const PTYPE_NAMES: Readonly<Record<number, "netrand" | "determ">> = { 1: "netrand", 2: "determ" }

/**
 * gact options.
 *
 * @example
 * ```ts
 * const o: GactOptions = { action: "drop", random: { type: "determ", value: 10, action: "pass" } }
 * ```
 * @since 0.3.0
 */
export interface GactOptions {
  /** What to do with the packet; default "pass". */
  readonly action?: Control.Control | undefined
  /** `random`: "netrand" takes `action` one time in `value` at random, "determ" every `value`th packet. */
  readonly random?:
    | { readonly type: "netrand" | "determ"; readonly value: number; readonly action: Control.Control }
    | undefined
}

/** The gact kind. @since 0.3.0 */
export const gact: ActionKind<GactOptions, ActGactAttrs> = {
  kind: "gact",
  fields: {
    action: Schema.optional(Control.schema),
    random: Schema.optional(
      Schema.Struct({
        type: Schema.Literals(["netrand", "determ"]),
        value: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 10000 })),
        action: Control.schema
      })
    )
  },
  devices: [],
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActGactAttrs]: ActGactAttrs[K] } = {
      parms: { index, capab: 0, action: Control.parse(o.action ?? "pass")!, refcnt: 0, bindcnt: 0 }
    }
    if (o.random !== undefined)
      d.prob = {
        ptype: PTYPES[o.random.type],
        pval: o.random.value,
        paction: Control.parse(o.random.action)!
      }
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof GactOptions]: GactOptions[K] } = {}
    if (d?.parms !== undefined) out.action = Control.format(d.parms.action)
    const p = d?.prob
    if (p !== undefined && PTYPE_NAMES[p.ptype] !== undefined)
      out.random = { type: PTYPE_NAMES[p.ptype], value: p.pval, action: Control.format(p.paction) }
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof GactOptions]: GactOptions[K] } = {
      action: Control.canonical(o.action ?? "pass")
    }
    if (o.random !== undefined)
      out.random = { type: o.random.type, value: o.random.value, action: Control.canonical(o.random.action) }
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActGactAttrs,
  decode: decodeActGactAttrs
}
