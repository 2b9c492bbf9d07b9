/**
 * skbedit: set packet metadata (priority, transmit queue, firewall mark
 * under a mask, packet type) or take the priority from the DS field, as
 * `tc ... action skbedit priority 1:10 mark 0x10/0xff` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActSkbeditAttrs,
  decodeActSkbeditAttrs,
  encodeActSkbeditAttrs,
  SKBEDIT_F_INHERITDSFIELD
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import * as Handle from "../../Handle.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/** Packet types by the names tc uses (PACKET_HOST ...). */
const PTYPES = { host: 0, broadcast: 1, multicast: 2, otherhost: 3 } as const
type PacketType = keyof typeof PTYPES
const PTYPE_NAMES = Object.fromEntries(Object.entries(PTYPES).map(([k, v]) => [v, k])) as Record<
  number,
  PacketType
>

/**
 * skbedit options; give at least one of them.
 *
 * @example
 * ```ts
 * const o: SkbeditOptions = { priority: "1:10", mark: 0x10, mask: 0xff, ptype: "host" }
 * ```
 * @since 0.3.0
 */
export interface SkbeditOptions {
  /** skb->priority, a class handle as tc writes it ("1:10"). */
  readonly priority?: Handle.Handle | undefined
  /** The transmit queue. */
  readonly queueMapping?: number | undefined
  /** The firewall mark; only the bits in `mask` change. */
  readonly mark?: number | undefined
  /** Which bits of `mark` to set; default all. */
  readonly mask?: number | undefined
  /** The packet type. */
  readonly ptype?: PacketType | undefined
  /** Take the priority from the packet's DS field (`inheritdsfield`). */
  readonly inheritDsfield?: boolean | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

/** The skbedit kind. @since 0.3.0 */
export const skbedit: ActionKind<SkbeditOptions, ActSkbeditAttrs> = {
  kind: "skbedit",
  fields: {
    priority: Schema.optional(Handle.schema),
    queueMapping: Schema.optional(P.U16),
    mark: Schema.optional(P.U32),
    mask: Schema.optional(P.U32),
    ptype: Schema.optional(Schema.Literals(["host", "broadcast", "multicast", "otherhost"])),
    inheritDsfield: Schema.optional(Schema.Boolean),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    if (o.mask !== undefined && o.mark === undefined) return ["mask", "a mask needs a mark"]
    if (
      o.priority === undefined &&
      o.queueMapping === undefined &&
      o.mark === undefined &&
      o.ptype === undefined &&
      o.inheritDsfield !== true
    )
      return ["priority", "give priority, queueMapping, mark, ptype or inheritDsfield"]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActSkbeditAttrs]: ActSkbeditAttrs[K] } = {
      parms: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 }
    }
    if (o.priority !== undefined) d.priority = Handle.parse(o.priority)!
    if (o.queueMapping !== undefined) d.queueMapping = o.queueMapping
    if (o.mark !== undefined) d.mark = o.mark
    if (o.ptype !== undefined) d.ptype = PTYPES[o.ptype]
    if (o.mask !== undefined) d.mask = o.mask
    if (o.inheritDsfield === true) d.flags = BigInt(SKBEDIT_F_INHERITDSFIELD)
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof SkbeditOptions]: SkbeditOptions[K] } = {}
    if (d === undefined) return out
    if (d.priority !== undefined) out.priority = Handle.format(d.priority)
    if (d.queueMapping !== undefined) out.queueMapping = d.queueMapping
    if (d.mark !== undefined) out.mark = d.mark
    if (d.mask !== undefined && d.mask !== 0xffffffff) out.mask = d.mask
    if (d.ptype !== undefined) out.ptype = PTYPE_NAMES[d.ptype] ?? (d.ptype as any)
    if (d.flags !== undefined && (d.flags & BigInt(SKBEDIT_F_INHERITDSFIELD)) !== 0n)
      out.inheritDsfield = true
    if (d.parms !== undefined) out.action = Control.format(d.parms.action)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof SkbeditOptions]: SkbeditOptions[K] } = {}
    if (o.priority !== undefined) {
      const p = Handle.parse(o.priority)
      out.priority = p === undefined ? o.priority : Handle.format(p)
    }
    if (o.queueMapping !== undefined) out.queueMapping = o.queueMapping
    if (o.mark !== undefined) out.mark = o.mark
    if (o.mask !== undefined && o.mask !== 0xffffffff) out.mask = o.mask
    if (o.ptype !== undefined) out.ptype = o.ptype
    if (o.inheritDsfield === true) out.inheritDsfield = true
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActSkbeditAttrs,
  decode: decodeActSkbeditAttrs
}
