/**
 * simple: log a text (up to 31 bytes) for every packet, as `tc ... action
 * simple sdata hello` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActSimpleAttrs,
  decodeActSimpleAttrs,
  encodeActSimpleAttrs
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * simple options.
 *
 * @example
 * ```ts
 * const o: SimpleOptions = { sdata: "hello" }
 * ```
 * @since 0.3.0
 */
export interface SimpleOptions {
  /** The text (up to 31 bytes). */
  readonly sdata: string
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

/** The simple kind. @since 0.3.0 */
export const simple: ActionKind<SimpleOptions, ActSimpleAttrs> = {
  kind: "simple",
  fields: { sdata: P.stringMaxBytes(31, 1), action: Schema.optional(Control.schema) },
  devices: [],
  toKernel: (o, _d, index) => ({
    parms: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 },
    data: o.sdata
  }),
  fromKernel: (d) =>
    d?.parms === undefined ? {} : { sdata: d.data ?? "", action: Control.format(d.parms.action) },
  canonical: (o) => ({ sdata: o.sdata, action: Control.canonical(o.action ?? "pipe") }),
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActSimpleAttrs,
  decode: decodeActSimpleAttrs
}
