/**
 * ctinfo: restore conntrack information into the packet: the DSCP stored
 * in the connection mark (bits `dscpMask`, only when the bits of
 * `dscpStateMask` are set) and/or the connection mark itself (`cpmark`,
 * under a mask), as `tc ... action ctinfo dscp 0xfc000000 0x01000000
 * cpmark 0xff zone 2` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActCtinfoAttrs,
  decodeActCtinfoAttrs,
  encodeActCtinfoAttrs
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * ctinfo options (give dscpMask, cpmark or both).
 *
 * @example
 * ```ts
 * const o: CtinfoOptions = { dscpMask: 0xfc000000, dscpStateMask: 0x01000000, cpmark: 0xff, zone: 2 }
 * ```
 * @since 0.3.0
 */
export interface CtinfoOptions {
  /** The conntrack zone; default 0. */
  readonly zone?: number | undefined
  /** The 6 contiguous bits of the connection mark holding the DSCP. */
  readonly dscpMask?: number | undefined
  /** Restore the DSCP only when these mark bits are set; default 0 (always). */
  readonly dscpStateMask?: number | undefined
  /** Copy the connection mark to the packet, under this mask (true: all bits). */
  readonly cpmark?: number | true | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

// six contiguous set bits
const isDscpMask = (m: number): boolean => {
  if (m === 0) return false
  let low = 0
  while (((m >>> low) & 1) === 0) low++
  return m >>> low === 0x3f
}

/** The ctinfo kind. @since 0.3.0 */
export const ctinfo: ActionKind<CtinfoOptions, ActCtinfoAttrs> = {
  kind: "ctinfo",
  fields: {
    zone: Schema.optional(P.U16),
    dscpMask: Schema.optional(P.U32),
    dscpStateMask: Schema.optional(P.U32),
    cpmark: Schema.optional(Schema.Union([P.U32, Schema.Literal(true)])),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    if (o.dscpMask === undefined && o.cpmark === undefined)
      return ["dscpMask", "give dscpMask, cpmark or both"]
    if (o.dscpMask !== undefined && !isDscpMask(o.dscpMask)) return ["dscpMask", "6 contiguous bits"]
    if (o.dscpStateMask !== undefined && o.dscpMask === undefined)
      return ["dscpStateMask", "a state mask needs dscpMask"]
    if (o.dscpStateMask !== undefined && o.dscpMask !== undefined && (o.dscpStateMask & o.dscpMask) !== 0)
      return ["dscpStateMask", "the state mask overlaps dscpMask"]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActCtinfoAttrs]: ActCtinfoAttrs[K] } = {
      act: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 }
    }
    if (o.zone !== undefined) d.zone = o.zone
    if (o.dscpMask !== undefined) {
      d.parmsDscpMask = o.dscpMask
      if (o.dscpStateMask !== undefined) d.parmsDscpStatemask = o.dscpStateMask
    }
    if (o.cpmark !== undefined) d.parmsCpmarkMask = o.cpmark === true ? 0xffffffff : o.cpmark
    return d
  },
  fromKernel: (d) => {
    if (d?.act === undefined) return {}
    const out: { -readonly [K in keyof CtinfoOptions]: CtinfoOptions[K] } = { zone: d.zone ?? 0 }
    if (d.parmsDscpMask !== undefined) {
      out.dscpMask = d.parmsDscpMask
      out.dscpStateMask = d.parmsDscpStatemask ?? 0
    }
    if (d.parmsCpmarkMask !== undefined) out.cpmark = d.parmsCpmarkMask
    out.action = Control.format(d.act.action)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof CtinfoOptions]: CtinfoOptions[K] } = { zone: o.zone ?? 0 }
    if (o.dscpMask !== undefined) {
      out.dscpMask = o.dscpMask
      out.dscpStateMask = o.dscpStateMask ?? 0
    }
    if (o.cpmark !== undefined) out.cpmark = o.cpmark === true ? 0xffffffff : o.cpmark
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  // the counters of what it set: DSCPs set and failed, connection marks set
  status: (d) =>
    d.statsDscpSet === undefined && d.statsDscpError === undefined && d.statsCpmarkSet === undefined
      ? undefined
      : {
          dscpSet: d.statsDscpSet ?? 0n,
          dscpError: d.statsDscpError ?? 0n,
          cpmarkSet: d.statsCpmarkSet ?? 0n
        },
  common: (d) => (d.act === undefined ? undefined : { ...d.act, tm: d.tm }),
  encode: encodeActCtinfoAttrs,
  decode: decodeActCtinfoAttrs
}
