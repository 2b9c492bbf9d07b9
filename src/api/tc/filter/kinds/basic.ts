/**
 * basic: matches by an ematch expression (`match`, in `tc`'s syntax: see
 * src/api/tc/filter/Ematch.ts), or every packet when none is given; sends to
 * `classid` and runs the filter's actions. `status.packets`/`status.hits`
 * count the packets looked at and matched.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsBasicAttrs,
  decodeClsBasicAttrs,
  encodeClsBasicAttrs
} from "../../../../generated/tc-filter/index.ts"
import type * as Handle from "../../Handle.ts"
import * as Ematch from "../Ematch.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as C from "./common.ts"

/**
 * basic options.
 *
 * @example
 * ```ts
 * const o: BasicOptions = { match: "cmp(u8 at 9 eq 6) and not meta(nf_mark eq 5)", classid: "1:10" }
 * ```
 * @since 0.4.0
 */
export interface BasicOptions {
  /** An ematch expression (`tc ... basic match EXPR`). */
  readonly match?: string | undefined
  readonly classid?: Handle.Handle | undefined
}

/** An ematch expression field: checked by parsing it. */
export const matchField = Schema.String.check(
  Schema.makeFilter(
    (s: string) => {
      const bad = Ematch.check(s)
      return bad === undefined || `not an ematch expression: ${bad}`
    },
    { expected: "an ematch expression" }
  )
)

/** The basic kind. @since 0.4.0 */
export const basic: FilterKind<BasicOptions, ClsBasicAttrs> = {
  kind: "basic",
  act: "act",
  fields: { match: Schema.optional(matchField), ...C.classidField },
  devices: [],
  ipsets: (o) => (o.match === undefined ? [] : Ematch.ipsets(o.match)),
  toKernel: (o, context) => {
    const d: { -readonly [K in keyof ClsBasicAttrs]: ClsBasicAttrs[K] } = {}
    if (o.match !== undefined) d.ematches = Ematch.encode(o.match, context.ipsets)
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof BasicOptions]: BasicOptions[K] } = {}
    const match = d?.ematches === undefined ? undefined : Ematch.decode(d.ematches)
    if (match !== undefined) out.match = match
    if (d?.classid !== undefined) out.classid = C.classidText(d.classid)
    return out
  },
  status: (d) => (d.pcnt === undefined ? undefined : { packets: d.pcnt.rcnt, hits: d.pcnt.rhit }),
  canonical: (o) => {
    const out: { -readonly [K in keyof BasicOptions]: BasicOptions[K] } = {}
    if (o.match !== undefined) out.match = Ematch.canonical(o.match)
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    return out
  },
  encode: encodeClsBasicAttrs,
  decode: decodeClsBasicAttrs
}
