/**
 * connmark: copy the connection's mark (looked up in a conntrack zone) to
 * the packet, as `tc ... action connmark zone 4` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActConnmarkAttrs,
  decodeActConnmarkAttrs,
  encodeActConnmarkAttrs
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * connmark options.
 *
 * @example
 * ```ts
 * const o: ConnmarkOptions = { zone: 4 }
 * ```
 * @since 0.3.0
 */
export interface ConnmarkOptions {
  /** The conntrack zone; default 0. */
  readonly zone?: number | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

/** The connmark kind. @since 0.3.0 */
export const connmark: ActionKind<ConnmarkOptions, ActConnmarkAttrs> = {
  kind: "connmark",
  fields: { zone: Schema.optional(P.U16), action: Schema.optional(Control.schema) },
  devices: [],
  toKernel: (o, _d, index) => ({
    parms: {
      index,
      capab: 0,
      action: Control.parse(o.action ?? "pipe")!,
      refcnt: 0,
      bindcnt: 0,
      zone: o.zone ?? 0,
      pad: 0
    }
  }),
  fromKernel: (d) =>
    d?.parms === undefined ? {} : { zone: d.parms.zone, action: Control.format(d.parms.action) },
  canonical: (o) => ({ zone: o.zone ?? 0, action: Control.canonical(o.action ?? "pipe") }),
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActConnmarkAttrs,
  decode: decodeActConnmarkAttrs
}
