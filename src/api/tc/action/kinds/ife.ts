/**
 * ife (inter-FE encapsulation, RFC 8013): `encode` wraps the packet in an
 * ethernet frame of `type` (to `dst`, from `src`) carrying metadata (the
 * skb mark, priority, tc index); `decode` takes it off again and applies
 * the metadata, as `tc ... action ife encode allow mark dst 02:00:00:00:00:02`
 * sends it. Metadata is either allowed (the packet's own value travels) or
 * used (a fixed value always travels).
 *
 * Without any metadata named, the kernel takes every metadata kind whose
 * module is loaded: that list is the kernel's choice (compared only when
 * both sides give it).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActIfeAttrs,
  decodeActIfeAttrs,
  encodeActIfeMetaAttrs,
  encodeTcIfe,
  IFE_DECODE,
  IFE_ENCODE
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import { macToString, parseMac, type Writer } from "../../../../runtime/Wire.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/** The metadata kinds the kernel has modules for. @since 0.3.0 */
export type IfeMeta = "mark" | "prio" | "tcindex"

/**
 * ife options.
 *
 * @example
 * ```ts
 * const o: IfeOptions = { mode: "encode", use: { mark: 0x12 }, allow: ["prio"], dst: "02:00:00:00:00:02" }
 * ```
 * @since 0.3.0
 */
export interface IfeOptions {
  readonly mode: "encode" | "decode"
  /** encode: the destination MAC of the outer frame (default: the packet's). */
  readonly dst?: string | undefined
  /** encode: the source MAC of the outer frame (default: the packet's). */
  readonly src?: string | undefined
  /** encode: the outer frame's ethertype; default 0xed3e (ETH_P_IFE). */
  readonly type?: number | undefined
  /** Metadata whose packet value travels. */
  readonly allow?: ReadonlyArray<IfeMeta> | undefined
  /** Metadata sent with a fixed value (mark and prio 32-bit, tcindex 16-bit). */
  readonly use?:
    | {
        readonly mark?: number | undefined
        readonly prio?: number | undefined
        readonly tcindex?: number | undefined
      }
    | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

const ETH_P_IFE = 0xed3e
const METAS = ["mark", "prio", "tcindex"] as const
/** The attribute field of each metadata kind in act-ife-meta-attrs. */
const FIELD = { mark: "skbmark", prio: "prio", tcindex: "tcindex" } as const
const WIDTH = { mark: 4, prio: 4, tcindex: 2 } as const

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A MAC in the kernel's text (lowercase), or the text as given when it does not parse. */
const mac = (s: string): string => {
  const b = parseMac(s)
  return b === undefined ? s : macToString(b, 0, b.length)
}

const valueBytes = (m: IfeMeta, v: number): Uint8Array => {
  const b = new Uint8Array(WIDTH[m])
  const view = new DataView(b.buffer)
  if (WIDTH[m] === 4) view.setUint32(0, v, true)
  else view.setUint16(0, v, true)
  return b
}

const metaValue = (b: Uint8Array): number | undefined => {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return b.length >= 4 ? view.getUint32(0, true) : b.length >= 2 ? view.getUint16(0, true) : undefined
}

// tc's order: PARMS, DMAC, TYPE, SMAC, METALST
const encode = (w: Writer, v: ActIfeAttrs): void => {
  if (v.parms !== undefined) {
    const s = w.attrStart(1)
    encodeTcIfe(w, v.parms)
    w.attrEnd(s)
  }
  if (v.dmac !== undefined) w.attrBinary(3, parseMac(v.dmac)!)
  if (v.type !== undefined) w.attrU16(5, v.type)
  if (v.smac !== undefined) w.attrBinary(4, parseMac(v.smac)!)
  if (v.metalst !== undefined) {
    const s = w.nestStart(6, false)
    encodeActIfeMetaAttrs(w, v.metalst)
    w.attrEnd(s)
  }
}

/** Allowed and used metadata in canonical form: allow in the kernel's order, use without empty entries. */
const metadataOf = (o: Partial<IfeOptions>): Pick<Mutable<IfeOptions>, "allow" | "use"> => {
  const out: Pick<Mutable<IfeOptions>, "allow" | "use"> = {}
  const allow = METAS.filter((m) => o.allow?.includes(m))
  if (allow.length > 0) out.allow = allow
  const use: Mutable<NonNullable<IfeOptions["use"]>> = {}
  for (const m of METAS) if (o.use?.[m] !== undefined) use[m] = o.use[m]
  if (Object.keys(use).length > 0) out.use = use
  return out
}

/** The ife kind. @since 0.3.0 */
export const ife: ActionKind<IfeOptions, ActIfeAttrs> = {
  kind: "ife",
  fields: {
    mode: Schema.Literals(["encode", "decode"]),
    dst: Schema.optional(P.MacAddress),
    src: Schema.optional(P.MacAddress),
    type: Schema.optional(P.intBetween(P.U16, 1, 0xffff)),
    allow: Schema.optional(Schema.Array(Schema.Literals(METAS))),
    use: Schema.optional(
      Schema.Struct({
        mark: Schema.optional(P.U32),
        prio: Schema.optional(P.U32),
        tcindex: Schema.optional(P.U16)
      })
    ),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  kernelChosen: ["allow"],
  check: (o) => {
    if (o.mode === "decode")
      for (const f of ["dst", "src", "type"] as const)
        if (o[f] !== undefined) return [f, `${f} goes with encode`]
    for (const m of METAS)
      if (o.use?.[m] !== undefined && o.allow?.includes(m)) return [`allow`, `${m} is both allowed and used`]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const d: Mutable<ActIfeAttrs> = {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? "pipe")!,
        refcnt: 0,
        bindcnt: 0,
        flags: o.mode === "encode" ? IFE_ENCODE : IFE_DECODE
      }
    }
    if (o.dst !== undefined) d.dmac = o.dst
    if (o.type !== undefined) d.type = o.type
    if (o.src !== undefined) d.smac = o.src
    const meta: Record<string, Uint8Array> = {}
    for (const m of METAS) {
      const v = o.use?.[m]
      if (v !== undefined) meta[FIELD[m]] = valueBytes(m, v)
      else if (o.allow?.includes(m)) meta[FIELD[m]] = new Uint8Array(0)
    }
    if (Object.keys(meta).length > 0) d.metalst = meta
    return d
  },
  fromKernel: (d) => {
    if (d?.parms === undefined) return {}
    const out: Mutable<IfeOptions> = { mode: (d.parms.flags & IFE_ENCODE) !== 0 ? "encode" : "decode" }
    const zero = "00:00:00:00:00:00"
    if (d.dmac !== undefined && mac(d.dmac) !== zero) out.dst = mac(d.dmac)
    if (d.smac !== undefined && mac(d.smac) !== zero) out.src = mac(d.smac)
    // decode keeps no type (the kernel reports 0)
    if (out.mode === "encode") out.type = d.type ?? ETH_P_IFE
    const allow: Array<IfeMeta> = []
    const use: Mutable<NonNullable<IfeOptions["use"]>> = {}
    for (const m of METAS) {
      const b = (d.metalst as any)?.[FIELD[m]] as Uint8Array | undefined
      if (b === undefined) continue
      const v = metaValue(b)
      if (v === undefined) allow.push(m)
      else use[m] = v
    }
    Object.assign(out, metadataOf({ allow, use }))
    out.action = Control.format(d.parms.action)
    return out
  },
  canonical: (o) => {
    const out: Mutable<IfeOptions> = { mode: o.mode ?? "encode" }
    if (out.mode === "encode") {
      if (o.dst !== undefined) out.dst = mac(o.dst)
      if (o.src !== undefined) out.src = mac(o.src)
      out.type = o.type ?? ETH_P_IFE
    }
    Object.assign(out, metadataOf(o))
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode,
  decode: decodeActIfeAttrs
}
