/**
 * skbmod: rewrite the Ethernet header (destination and source MAC, the
 * ethertype), swap the two MAC addresses, or mark ECN-capable packets CE,
 * as `tc ... action skbmod set dmac 02:00:00:00:00:01 set etype 0x8847` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActSkbmodAttrs,
  decodeActSkbmodAttrs,
  encodeActSkbmodAttrs,
  SKBMOD_F_DMAC,
  SKBMOD_F_ECN,
  SKBMOD_F_ETYPE,
  SKBMOD_F_SMAC,
  SKBMOD_F_SWAPMAC
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import { macToString, parseMac } from "../../../../runtime/Wire.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * skbmod options: any of `dmac`, `smac`, `etype`, or `swapMac` alone, or `ecn` alone.
 *
 * @example
 * ```ts
 * const o: SkbmodOptions = { dmac: "02:00:00:00:00:01", etype: 0x8847 }
 * ```
 * @since 0.3.0
 */
export interface SkbmodOptions {
  readonly dmac?: string | undefined
  readonly smac?: string | undefined
  readonly etype?: number | undefined
  /** Swap the destination and source MAC addresses. */
  readonly swapMac?: boolean | undefined
  /** Set CE on ECN-capable IP packets. */
  readonly ecn?: boolean | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

const mac = (s: string): string => {
  const b = parseMac(s)
  return b === undefined ? s : macToString(b, 0, b.length)
}

/** The skbmod kind. @since 0.3.0 */
export const skbmod: ActionKind<SkbmodOptions, ActSkbmodAttrs> = {
  kind: "skbmod",
  fields: {
    dmac: Schema.optional(P.MacAddress),
    smac: Schema.optional(P.MacAddress),
    etype: Schema.optional(P.U16),
    swapMac: Schema.optional(Schema.Boolean),
    ecn: Schema.optional(Schema.Boolean),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    const sets = o.dmac !== undefined || o.smac !== undefined || o.etype !== undefined
    if (o.swapMac === true && (sets || o.ecn === true)) return ["swapMac", "swapMac goes alone"]
    if (o.ecn === true && sets) return ["ecn", "ecn goes alone"]
    if (!sets && o.swapMac !== true && o.ecn !== true)
      return ["dmac", "give dmac, smac, etype, swapMac or ecn"]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const flags =
      (o.dmac !== undefined ? SKBMOD_F_DMAC : 0) |
      (o.smac !== undefined ? SKBMOD_F_SMAC : 0) |
      (o.etype !== undefined ? SKBMOD_F_ETYPE : 0) |
      (o.swapMac === true ? SKBMOD_F_SWAPMAC : 0) |
      (o.ecn === true ? SKBMOD_F_ECN : 0)
    const d: { -readonly [K in keyof ActSkbmodAttrs]: ActSkbmodAttrs[K] } = {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? "pipe")!,
        refcnt: 0,
        bindcnt: 0,
        pad: 0,
        flags: BigInt(flags)
      }
    }
    if (o.dmac !== undefined) d.dmac = o.dmac
    if (o.smac !== undefined) d.smac = o.smac
    if (o.etype !== undefined) d.etype = o.etype
    return d
  },
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    const f = Number(p.flags)
    const out: { -readonly [K in keyof SkbmodOptions]: SkbmodOptions[K] } = {}
    if ((f & SKBMOD_F_DMAC) !== 0 && d!.dmac !== undefined) out.dmac = d!.dmac
    if ((f & SKBMOD_F_SMAC) !== 0 && d!.smac !== undefined) out.smac = d!.smac
    if ((f & SKBMOD_F_ETYPE) !== 0 && d!.etype !== undefined) out.etype = d!.etype
    if ((f & SKBMOD_F_SWAPMAC) !== 0) out.swapMac = true
    if ((f & SKBMOD_F_ECN) !== 0) out.ecn = true
    out.action = Control.format(p.action)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof SkbmodOptions]: SkbmodOptions[K] } = {}
    if (o.dmac !== undefined) out.dmac = mac(o.dmac)
    if (o.smac !== undefined) out.smac = mac(o.smac)
    if (o.etype !== undefined) out.etype = o.etype
    if (o.swapMac === true) out.swapMac = true
    if (o.ecn === true) out.ecn = true
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActSkbmodAttrs,
  decode: decodeActSkbmodAttrs
}
