/**
 * tunnel_key: set the tunnel metadata (key id, outer addresses, UDP
 * destination port, tos/ttl, checksum, geneve/vxlan/erspan options) that a
 * collect_md tunnel device then uses, or release it ("unset"), as `tc ...
 * action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 42` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActTunnelKeyAttrs,
  decodeActTunnelKeyAttrs,
  encodeActTunnelKeyAttrs,
  TCA_TUNNEL_KEY_ACT_RELEASE,
  TCA_TUNNEL_KEY_ACT_SET
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import {
  DecodeFailure,
  fromHex,
  ipToString,
  parseIPv4,
  parseIPv6,
  toHex,
  type Writer
} from "../../../../runtime/Wire.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * One geneve option: class, type and 4 to 124 bytes of data (a multiple of
 * 4) as hexadecimal text, as tc's `geneve_opts 0102:80:00880022`.
 *
 * @example
 * ```ts
 * const g: GeneveOption = { class: 0x102, type: 0x80, data: "00880022" }
 * ```
 * @since 0.3.0
 */
export interface GeneveOption {
  readonly class: number
  readonly type: number
  readonly data: string
}

/**
 * tunnel_key options. "set" needs `src` and `dst` of one family.
 *
 * @example
 * ```ts
 * const o: TunnelKeyOptions = { op: "set", src: "10.0.0.1", dst: "10.0.0.2", id: 42, dstPort: 4789 }
 * ```
 * @since 0.3.0
 */
export interface TunnelKeyOptions {
  readonly op: "set" | "unset"
  /** The tunnel key (VNI, GRE key ...). */
  readonly id?: number | undefined
  /** Outer source address (IPv4 or IPv6). */
  readonly src?: string | undefined
  /** Outer destination address. */
  readonly dst?: string | undefined
  /** Outer UDP destination port. */
  readonly dstPort?: number | undefined
  /** Outer TOS; 0 (absent) inherits. */
  readonly tos?: number | undefined
  /** Outer TTL; 0 (absent) takes the device's. */
  readonly ttl?: number | undefined
  /** No outer UDP checksum (`nocsum`); default false. */
  readonly noCsum?: boolean | undefined
  readonly geneveOpts?: ReadonlyArray<GeneveOption> | undefined
  /** The VXLAN group policy id. */
  readonly vxlanOpts?: { readonly gbp: number } | undefined
  /** ERSPAN version 1 takes `index`, version 2 `dir` and `hwid`. */
  readonly erspanOpts?:
    | { readonly version: 1 | 2; readonly index?: number; readonly dir?: number; readonly hwid?: number }
    | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

const Hex = Schema.String.check(
  Schema.makeFilter(
    (s: string) =>
      (/^([0-9a-f]{8})+$/i.test(s) && s.length <= 248) ||
      "4 to 124 bytes (a multiple of 4) as hexadecimal text",
    { expected: "geneve option data" }
  )
)

const family = (s: string | undefined): 4 | 6 | undefined =>
  s === undefined ? undefined : parseIPv4(s) !== undefined ? 4 : parseIPv6(s) !== undefined ? 6 : undefined

/** The tunnel_key kind. @since 0.3.0 */
export const tunnelKey: ActionKind<TunnelKeyOptions, ActTunnelKeyAttrs> = {
  kind: "tunnel_key",
  fields: {
    op: Schema.Literals(["set", "unset"]),
    id: Schema.optional(P.U32),
    src: Schema.optional(P.InetAddress),
    dst: Schema.optional(P.InetAddress),
    dstPort: Schema.optional(P.U16),
    tos: Schema.optional(P.U8),
    ttl: Schema.optional(P.U8),
    noCsum: Schema.optional(Schema.Boolean),
    geneveOpts: Schema.optional(
      Schema.Array(Schema.Struct({ class: P.U16, type: P.U8, data: Hex })).check(Schema.isMinLength(1))
    ),
    vxlanOpts: Schema.optional(Schema.Struct({ gbp: P.U32 })),
    erspanOpts: Schema.optional(
      Schema.Struct({
        version: Schema.Literals([1, 2]),
        index: Schema.optional(P.U32),
        dir: Schema.optional(P.intBetween(P.U8, 0, 1)),
        hwid: Schema.optional(P.intBetween(P.U8, 0, 63))
      })
    ),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    if (o.op === "unset") {
      for (const f of [
        "id",
        "src",
        "dst",
        "dstPort",
        "tos",
        "ttl",
        "noCsum",
        "geneveOpts",
        "vxlanOpts",
        "erspanOpts"
      ] as const)
        if (o[f] !== undefined) return [f, "unset takes no tunnel fields"]
      return undefined
    }
    if (o.src === undefined) return ["src", "set needs src and dst"]
    if (o.dst === undefined) return ["dst", "set needs src and dst"]
    if (family(o.src) !== family(o.dst)) return ["dst", "src and dst of one family"]
    const opts = [o.geneveOpts, o.vxlanOpts, o.erspanOpts].filter((x) => x !== undefined).length
    if (opts > 1) return ["geneveOpts", "give one of geneveOpts, vxlanOpts and erspanOpts"]
    const e = o.erspanOpts
    if (e !== undefined && e.version === 1 && (e.dir !== undefined || e.hwid !== undefined))
      return ["erspanOpts", "version 1 takes index only"]
    if (e !== undefined && e.version === 2 && e.index !== undefined)
      return ["erspanOpts", "version 2 takes dir and hwid, not index"]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActTunnelKeyAttrs]: ActTunnelKeyAttrs[K] } = {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? "pipe")!,
        refcnt: 0,
        bindcnt: 0,
        tAction: o.op === "set" ? TCA_TUNNEL_KEY_ACT_SET : TCA_TUNNEL_KEY_ACT_RELEASE
      }
    }
    if (o.src !== undefined) {
      if (family(o.src) === 4) d.encIpv4Src = o.src
      else d.encIpv6Src = o.src
    }
    if (o.dst !== undefined) {
      if (family(o.dst) === 4) d.encIpv4Dst = o.dst
      else d.encIpv6Dst = o.dst
    }
    if (o.id !== undefined) d.encKeyId = o.id
    if (o.dstPort !== undefined) d.encDstPort = o.dstPort
    d.noCsum = o.noCsum === true ? 1 : 0
    if (o.geneveOpts !== undefined)
      d.encOpts = {
        geneve: o.geneveOpts.map((g) => ({ class_: g.class, type: g.type, data: fromHex(g.data) }))
      }
    if (o.vxlanOpts !== undefined) d.encOpts = { vxlan: { gbp: o.vxlanOpts.gbp } }
    const e = o.erspanOpts
    if (e !== undefined)
      d.encOpts = { erspan: { ver: e.version, index: e.index ?? 0, dir: e.dir ?? 0, hwid: e.hwid ?? 0 } }
    if (o.tos !== undefined) d.encTos = o.tos
    if (o.ttl !== undefined) d.encTtl = o.ttl
    return d
  },
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    const action = Control.format(p.action)
    if (p.tAction !== TCA_TUNNEL_KEY_ACT_SET) return { op: "unset", action }
    const out: { -readonly [K in keyof TunnelKeyOptions]: TunnelKeyOptions[K] } = { op: "set" }
    const src = d!.encIpv4Src ?? d!.encIpv6Src
    const dst = d!.encIpv4Dst ?? d!.encIpv6Dst
    if (src !== undefined) out.src = src
    if (dst !== undefined) out.dst = dst
    if (d!.encKeyId !== undefined) out.id = d!.encKeyId
    if (d!.encDstPort !== undefined && d!.encDstPort !== 0) out.dstPort = d!.encDstPort
    if (d!.encTos !== undefined && d!.encTos !== 0) out.tos = d!.encTos
    if (d!.encTtl !== undefined && d!.encTtl !== 0) out.ttl = d!.encTtl
    out.noCsum = d!.noCsum === 1
    const opts = d!.encOpts
    if (opts?.geneve !== undefined)
      out.geneveOpts = opts.geneve.map((g) => ({
        class: g.class_ ?? 0,
        type: g.type ?? 0,
        data: toHex(g.data ?? new Uint8Array())
      }))
    if (opts?.vxlan !== undefined) out.vxlanOpts = { gbp: opts.vxlan.gbp ?? 0 }
    const e = opts?.erspan
    if (e !== undefined)
      out.erspanOpts =
        e.ver === 2 ? { version: 2, dir: e.dir ?? 0, hwid: e.hwid ?? 0 } : { version: 1, index: e.index ?? 0 }
    out.action = action
    return out
  },
  canonical: (o) => {
    const action = Control.canonical(o.action ?? "pipe")
    if (o.op === "unset") return { op: "unset", action }
    const out: { -readonly [K in keyof TunnelKeyOptions]: TunnelKeyOptions[K] } = { op: o.op ?? "set" }
    const addr = (s: string) => {
      const b = family(s) === 4 ? parseIPv4(s) : parseIPv6(s)
      return b === undefined ? s : ipToString(b, 0, b.length)
    }
    if (o.src !== undefined) out.src = addr(o.src)
    if (o.dst !== undefined) out.dst = addr(o.dst)
    if (o.id !== undefined) out.id = o.id
    if (o.dstPort !== undefined && o.dstPort !== 0) out.dstPort = o.dstPort
    if (o.tos !== undefined && o.tos !== 0) out.tos = o.tos
    if (o.ttl !== undefined && o.ttl !== 0) out.ttl = o.ttl
    out.noCsum = o.noCsum === true
    if (o.geneveOpts !== undefined)
      out.geneveOpts = o.geneveOpts.map((g) => ({ class: g.class, type: g.type, data: g.data.toLowerCase() }))
    if (o.vxlanOpts !== undefined) out.vxlanOpts = { gbp: o.vxlanOpts.gbp }
    const e = o.erspanOpts
    if (e !== undefined)
      out.erspanOpts =
        e.version === 2
          ? { version: 2, dir: e.dir ?? 0, hwid: e.hwid ?? 0 }
          : { version: 1, index: e.index ?? 0 }
    out.action = action
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  // tc nests geneve options without NLA_F_NESTED and vxlan/erspan ones with it; the
  // kernel takes both, the golden bytes want tc's
  encode: (w: Writer, d: ActTunnelKeyAttrs) => {
    const { encOpts, encTos, encTtl, ...head } = d
    encodeActTunnelKeyAttrs(w, head)
    if (encOpts !== undefined) {
      const flagged = encOpts.geneve === undefined
      const s = w.nestStart(11, flagged)
      for (const g of encOpts.geneve ?? []) {
        const n = w.nestStart(1, false)
        w.attrU16(1, g.class_ ?? 0, true)
        w.attrU8(2, g.type ?? 0)
        w.attrBinary(3, g.data ?? new Uint8Array())
        w.attrEnd(n)
      }
      if (encOpts.vxlan !== undefined) {
        const n = w.nestStart(2, true)
        w.attrU32(1, encOpts.vxlan.gbp ?? 0)
        w.attrEnd(n)
      }
      const e = encOpts.erspan
      if (e !== undefined) {
        const n = w.nestStart(3, true)
        w.attrU8(1, e.ver ?? 1)
        w.attrU32(2, e.index ?? 0, true)
        w.attrU8(3, e.dir ?? 0)
        w.attrU8(4, e.hwid ?? 0)
        w.attrEnd(n)
      }
      w.attrEnd(s)
    }
    encodeActTunnelKeyAttrs(w, { encTos, encTtl })
  },
  decode: (buf, view, start, end) => {
    const d = decodeActTunnelKeyAttrs(buf, view, start, end)
    if (d.encOpts?.geneve === undefined) return d
    return { ...d, encOpts: { ...d.encOpts, geneve: geneveOptions(buf, view, start, end) } }
  }
}

/** The attributes in [start, end): type (flags masked off) and payload range. */
const attrs = (view: DataView, start: number, end: number): Array<readonly [number, number, number]> => {
  const out: Array<readonly [number, number, number]> = []
  for (let p = start; p + 4 <= end; ) {
    const len = view.getUint16(p, true)
    if (len < 4 || p + len > end) throw new DecodeFailure("tunnel_key attribute overruns its nest", p)
    out.push([view.getUint16(p + 2, true) & 0x3fff, p + 4, p + len])
    p += (len + 3) & ~3
  }
  return out
}

// The kernel reports every geneve option in one TCA_TUNNEL_KEY_ENC_OPTS_GENEVE nest
// (class, type, data, class, type, data ...); requests carry one nest per option.
const geneveOptions = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number
): Array<{ class_?: number; type?: number; data?: Uint8Array }> => {
  const out: Array<{ class_?: number; type?: number; data?: Uint8Array }> = []
  for (const [t, s, e] of attrs(view, start, end)) {
    if (t !== 11) continue
    for (const [gt, gs, ge] of attrs(view, s, e)) {
      if (gt !== 1) continue
      for (const [ot, os, oe] of attrs(view, gs, ge)) {
        if (ot === 1) out.push({ class_: view.getUint16(os, false) })
        else if (ot === 2 && out.length > 0) out[out.length - 1].type = buf[os]
        else if (ot === 3 && out.length > 0) out[out.length - 1].data = buf.slice(os, oe)
      }
    }
  }
  return out
}
