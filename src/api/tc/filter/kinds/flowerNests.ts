/**
 * flower's nested keys: tunnel options (TCA_FLOWER_KEY_ENC_OPTS and its
 * mask: geneve, vxlan gbp, erspan, gtp), MPLS label stack entries
 * (TCA_FLOWER_KEY_MPLS_OPTS) and CFM (TCA_FLOWER_KEY_CFM); the text forms
 * `tc` takes for the tunnel options, and conntrack state and ip flags names.
 *
 * @since 0.4.0
 */
import {
  TCA_FLOWER_KEY_CT_FLAGS_ESTABLISHED,
  TCA_FLOWER_KEY_CT_FLAGS_INVALID,
  TCA_FLOWER_KEY_CT_FLAGS_NEW,
  TCA_FLOWER_KEY_CT_FLAGS_RELATED,
  TCA_FLOWER_KEY_CT_FLAGS_REPLY,
  TCA_FLOWER_KEY_CT_FLAGS_TRACKED,
  TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST,
  TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
} from "../../../../generated/tc-filter/index.ts"
import { NLA_TYPE_MASK, type Writer } from "../../../../runtime/Wire.ts"

const TCA_FLOWER_KEY_ENC_OPTS = 84
const TCA_FLOWER_KEY_ENC_OPTS_MASK = 85
const TCA_FLOWER_KEY_MPLS_OPTS = 99
const TCA_FLOWER_KEY_CFM = 107
const GENEVE = 1
const VXLAN = 2
const ERSPAN = 3
const GTP = 4

// ---- small helpers

const hexNum = (s: string | undefined, max: number): number | undefined =>
  s !== undefined && /^(0x)?[0-9a-f]{1,8}$/i.test(s) && Number.parseInt(s, 16) <= max
    ? Number.parseInt(s, 16)
    : undefined
const decNum = (s: string | undefined, max: number): number | undefined => {
  const v =
    s === undefined
      ? undefined
      : /^0x[0-9a-f]+$/i.test(s)
        ? Number.parseInt(s, 16)
        : /^\d+$/.test(s)
          ? Number(s)
          : undefined
  return v !== undefined && v <= max ? v : undefined
}
const hexBytes = (s: string | undefined): Uint8Array | undefined =>
  s !== undefined && /^([0-9a-f]{2})+$/i.test(s) ? Uint8Array.from(Buffer.from(s, "hex")) : undefined
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const h2 = (n: number) => n.toString(16).padStart(2, "0")
const h4 = (n: number) => n.toString(16).padStart(4, "0")

/** The attributes of a nest payload: type → [start, end], each type's occurrences in order. */
const attrs = (b: Uint8Array): Array<{ type: number; body: Uint8Array }> => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const out: Array<{ type: number; body: Uint8Array }> = []
  let p = 0
  while (p + 4 <= b.length) {
    const len = v.getUint16(p, true)
    if (len < 4 || p + len > b.length) break
    out.push({ type: v.getUint16(p + 2, true) & NLA_TYPE_MASK, body: b.subarray(p + 4, p + len) })
    p += (len + 3) & ~3
  }
  return out
}
const u8 = (b: Uint8Array | undefined) => (b === undefined || b.length < 1 ? 0 : b[0])
const be16 = (b: Uint8Array | undefined) => (b === undefined || b.length < 2 ? 0 : (b[0] << 8) | b[1])
const be32 = (b: Uint8Array | undefined) =>
  b === undefined || b.length < 4 ? 0 : new DataView(b.buffer, b.byteOffset, 4).getUint32(0, false)
const le32 = (b: Uint8Array | undefined) =>
  b === undefined || b.length < 4 ? 0 : new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true)
const find = (xs: ReadonlyArray<{ type: number; body: Uint8Array }>, t: number) =>
  xs.find((x) => x.type === t)?.body

// ---- geneve: "CLASS:TYPE:DATA[/CLASS:TYPE:DATA],..." in hex, as tc writes it

interface GeneveOpt {
  readonly cls: number
  readonly type: number
  readonly data: Uint8Array
}
const parseGenevePart = (s: string): GeneveOpt | undefined => {
  const [c, t, d] = s.split(":")
  const cls = hexNum(c, 0xffff)
  const type = hexNum(t, 0xff)
  const data = hexBytes(d)
  return cls === undefined ||
    type === undefined ||
    data === undefined ||
    data.length % 4 !== 0 ||
    data.length > 124
    ? undefined
    : { cls, type, data }
}
const parseGeneve = (s: string): Array<readonly [GeneveOpt, GeneveOpt]> | undefined => {
  const out: Array<readonly [GeneveOpt, GeneveOpt]> = []
  for (const part of s.split(",")) {
    const [k, m] = part.split("/")
    const key = parseGenevePart(k)
    if (key === undefined) return undefined
    const mask =
      m === undefined
        ? { cls: 0xffff, type: 0xff, data: new Uint8Array(key.data.length).fill(0xff) }
        : parseGenevePart(m)
    if (mask === undefined || mask.data.length !== key.data.length) return undefined
    out.push([key, mask])
  }
  return out
}
const geneveText = (pairs: ReadonlyArray<readonly [GeneveOpt, GeneveOpt]>): string =>
  pairs
    .map(([k, m]) => {
      const full = m.cls === 0xffff && m.type === 0xff && m.data.every((x) => x === 0xff)
      const t = (o: GeneveOpt) => `${h4(o.cls)}:${h2(o.type)}:${toHex(o.data)}`
      return full ? t(k) : `${t(k)}/${t(m)}`
    })
    .join(",")

// ---- erspan: "VER:INDEX:DIR:HWID[/VER:INDEX:DIR:HWID]" in decimal

type Erspan = readonly [ver: number, index: number, dir: number, hwid: number]
const parseErspanPart = (s: string): Erspan | undefined => {
  const [a, b, c, d, ...rest] = s.split(":")
  const v = [decNum(a, 0xff), decNum(b, 0xffffffff), decNum(c, 0xff), decNum(d, 0xff)]
  return rest.length > 0 || v.some((x) => x === undefined) ? undefined : (v as unknown as Erspan)
}
const parseErspan = (s: string): readonly [Erspan, Erspan] | undefined => {
  const [k, m, ...rest] = s.split("/")
  const key = parseErspanPart(k)
  const mask = m === undefined ? ([0xff, 0xffffffff, 0xff, 0xff] as const) : parseErspanPart(m)
  return key === undefined || mask === undefined || rest.length > 0 ? undefined : [key, mask]
}
const erspanText = ([k, m]: readonly [Erspan, Erspan]) => `${k.join(":")}/${m.join(":")}`

// ---- gtp: "PDU_TYPE:QFI[/PDU_TYPE:QFI]" in hex

type Gtp = readonly [pdu: number, qfi: number]
const parseGtpPart = (s: string): Gtp | undefined => {
  const [a, b, ...rest] = s.split(":")
  const pdu = hexNum(a, 0xff)
  const qfi = hexNum(b, 0xff)
  return pdu === undefined || qfi === undefined || rest.length > 0 ? undefined : [pdu, qfi]
}
const parseGtp = (s: string): readonly [Gtp, Gtp] | undefined => {
  const [k, m, ...rest] = s.split("/")
  const key = parseGtpPart(k)
  const mask = m === undefined ? ([0xff, 0xff] as const) : parseGtpPart(m)
  return key === undefined || mask === undefined || rest.length > 0 ? undefined : [key, mask]
}
const gtpText = ([k, m]: readonly [Gtp, Gtp]) =>
  m[0] === 0xff && m[1] === 0xff
    ? `${h2(k[0])}:${h2(k[1])}`
    : `${h2(k[0])}:${h2(k[1])}/${h2(m[0])}:${h2(m[1])}`

/** Whether a text is a valid tunnel option of the kind. */
export const validOpts = {
  geneve: (s: string) => parseGeneve(s) !== undefined,
  erspan: (s: string) => parseErspan(s) !== undefined,
  gtp: (s: string) => parseGtp(s) !== undefined
}

/** Canonical texts of the tunnel options. */
export const canonicalOpts = {
  geneve: (s: string) => {
    const p = parseGeneve(s)
    return p === undefined ? s : geneveText(p)
  },
  erspan: (s: string) => {
    const p = parseErspan(s)
    return p === undefined ? s : erspanText(p)
  },
  gtp: (s: string) => {
    const p = parseGtp(s)
    return p === undefined ? s : gtpText(p)
  }
}

/**
 * The tunnel options of a filter (one kind at a time, as the kernel keeps
 * them). `vxlanGbp` is [gbp, mask].
 */
export interface EncOpts {
  readonly geneveOpts?: string | undefined
  readonly vxlanGbp?: readonly [number, number] | undefined
  readonly erspanOpts?: string | undefined
  readonly gtpOpts?: string | undefined
}

/** Writes ENC_OPTS and ENC_OPTS_MASK as tc does (geneve without NLA_F_NESTED, the others with it). */
export const writeEncOpts = (w: Writer, o: EncOpts): void => {
  for (const [type, which] of [
    [TCA_FLOWER_KEY_ENC_OPTS, 0],
    [TCA_FLOWER_KEY_ENC_OPTS_MASK, 1]
  ] as const) {
    if (o.geneveOpts !== undefined) {
      const outer = w.attrStart(type)
      for (const pair of parseGeneve(o.geneveOpts)!) {
        const x = pair[which]
        const inner = w.attrStart(GENEVE)
        w.attrU16(1, x.cls, true)
        w.attrU8(2, x.type)
        w.attrBinary(3, x.data)
        w.attrEnd(inner)
      }
      w.attrEnd(outer)
    } else if (o.vxlanGbp !== undefined) {
      const outer = w.nestStart(type)
      const inner = w.nestStart(VXLAN)
      w.attrU32(1, o.vxlanGbp[which])
      w.attrEnd(inner)
      w.attrEnd(outer)
    } else if (o.erspanOpts !== undefined) {
      const x = parseErspan(o.erspanOpts)![which]
      const outer = w.nestStart(type)
      const inner = w.nestStart(ERSPAN)
      w.attrU8(1, x[0])
      w.attrU32(2, x[1], true)
      w.attrU8(3, x[2])
      w.attrU8(4, x[3])
      w.attrEnd(inner)
      w.attrEnd(outer)
    } else if (o.gtpOpts !== undefined) {
      const x = parseGtp(o.gtpOpts)![which]
      const outer = w.nestStart(type)
      const inner = w.nestStart(GTP)
      w.attrU8(1, x[0])
      w.attrU8(2, x[1])
      w.attrEnd(inner)
      w.attrEnd(outer)
    }
  }
}

/** The tunnel options of ENC_OPTS and its mask as read back. */
export const readEncOpts = (key: Uint8Array | undefined, mask: Uint8Array | undefined): EncOpts => {
  if (key === undefined) return {}
  const k = attrs(key)
  const m = mask === undefined ? [] : attrs(mask)
  const first = k[0]?.type
  if (first === GENEVE) {
    // the kernel dumps every option in one GENEVE nest (class, type, data repeated);
    // tc writes one nest per option: read both
    const opts = (xs: ReadonlyArray<{ type: number; body: Uint8Array }>): Array<GeneveOpt> => {
      const out: Array<{ cls: number; type: number; data: Uint8Array }> = []
      for (const nest of xs.filter((x) => x.type === GENEVE))
        for (const a of attrs(nest.body)) {
          if (a.type === 1) out.push({ cls: be16(a.body), type: 0, data: new Uint8Array(0) })
          else if (out.length > 0 && a.type === 2) out[out.length - 1].type = u8(a.body)
          else if (out.length > 0 && a.type === 3) out[out.length - 1].data = Uint8Array.from(a.body)
        }
      return out
    }
    const ks = opts(k)
    const ms = opts(m)
    return {
      geneveOpts: geneveText(
        ks.map(
          (key, i) =>
            [
              key,
              ms[i] ?? { cls: 0xffff, type: 0xff, data: new Uint8Array(key.data.length).fill(0xff) }
            ] as const
        )
      )
    }
  }
  const inner = (xs: ReadonlyArray<{ type: number; body: Uint8Array }>, t: number) => {
    const b = find(xs, t)
    return b === undefined ? undefined : attrs(b)
  }
  if (first === VXLAN) {
    const mk = inner(m, VXLAN)
    return { vxlanGbp: [le32(find(inner(k, VXLAN)!, 1)), mk === undefined ? 0xffffffff : le32(find(mk, 1))] }
  }
  if (first === ERSPAN) {
    const e = (a: ReadonlyArray<{ type: number; body: Uint8Array }>): Erspan => [
      u8(find(a, 1)),
      be32(find(a, 2)),
      u8(find(a, 3)),
      u8(find(a, 4))
    ]
    const mk = inner(m, ERSPAN)
    return {
      erspanOpts: erspanText([
        e(inner(k, ERSPAN)!),
        mk === undefined ? [0xff, 0xffffffff, 0xff, 0xff] : e(mk)
      ])
    }
  }
  if (first === GTP) {
    const g = (a: ReadonlyArray<{ type: number; body: Uint8Array }>): Gtp => [u8(find(a, 1)), u8(find(a, 2))]
    const mk = inner(m, GTP)
    return { gtpOpts: gtpText([g(inner(k, GTP)!), mk === undefined ? [0xff, 0xff] : g(mk)]) }
  }
  return {}
}

// ---- MPLS label stack entries

/**
 * One MPLS label stack entry to match, by depth (1 is the outermost).
 *
 * @example
 * ```ts
 * const lse: MplsLse = { depth: 2, label: 100, bos: 1 }
 * ```
 * @since 0.4.0
 */
export interface MplsLse {
  readonly depth: number
  readonly label?: number | undefined
  readonly tc?: number | undefined
  readonly bos?: number | undefined
  readonly ttl?: number | undefined
}

/** Writes MPLS_OPTS (one LSE nest each, in tc's attribute order). */
export const writeMpls = (w: Writer, lses: ReadonlyArray<MplsLse>): void => {
  const outer = w.nestStart(TCA_FLOWER_KEY_MPLS_OPTS)
  for (const l of lses) {
    const n = w.nestStart(1)
    w.attrU8(1, l.depth)
    if (l.label !== undefined) w.attrU32(5, l.label)
    if (l.tc !== undefined) w.attrU8(4, l.tc)
    if (l.bos !== undefined) w.attrU8(3, l.bos)
    if (l.ttl !== undefined) w.attrU8(2, l.ttl)
    w.attrEnd(n)
  }
  w.attrEnd(outer)
}

/** MPLS_OPTS as read back. */
export const readMpls = (b: Uint8Array): Array<MplsLse> =>
  attrs(b)
    .filter((x) => x.type === 1)
    .map((x) => {
      const a = attrs(x.body)
      const out: { -readonly [K in keyof MplsLse]: MplsLse[K] } = { depth: u8(find(a, 1)) }
      if (find(a, 5) !== undefined) out.label = le32(find(a, 5))
      if (find(a, 4) !== undefined) out.tc = u8(find(a, 4))
      if (find(a, 3) !== undefined) out.bos = u8(find(a, 3))
      if (find(a, 2) !== undefined) out.ttl = u8(find(a, 2))
      return out
    })

// ---- CFM

/**
 * CFM (802.1ag) keys: maintenance domain level and opcode.
 *
 * @example
 * ```ts
 * const cfm: Cfm = { mdl: 5, opcode: 1 }
 * ```
 * @since 0.4.0
 */
export interface Cfm {
  readonly mdl?: number | undefined
  readonly opcode?: number | undefined
}

/** Writes TCA_FLOWER_KEY_CFM. */
export const writeCfm = (w: Writer, c: Cfm): void => {
  const n = w.nestStart(TCA_FLOWER_KEY_CFM)
  if (c.mdl !== undefined) w.attrU8(1, c.mdl)
  if (c.opcode !== undefined) w.attrU8(2, c.opcode)
  w.attrEnd(n)
}

/** TCA_FLOWER_KEY_CFM as read back. */
export const readCfm = (b: Uint8Array): Cfm => {
  const a = attrs(b)
  const out: { -readonly [K in keyof Cfm]: Cfm[K] } = {}
  if (find(a, 1) !== undefined) out.mdl = u8(find(a, 1))
  if (find(a, 2) !== undefined) out.opcode = u8(find(a, 2))
  return out
}

// ---- conntrack state and ip flags, as tc writes them

const CT: ReadonlyArray<readonly [string, number]> = [
  ["new", TCA_FLOWER_KEY_CT_FLAGS_NEW],
  ["est", TCA_FLOWER_KEY_CT_FLAGS_ESTABLISHED],
  ["rel", TCA_FLOWER_KEY_CT_FLAGS_RELATED],
  ["trk", TCA_FLOWER_KEY_CT_FLAGS_TRACKED],
  ["inv", TCA_FLOWER_KEY_CT_FLAGS_INVALID],
  ["rpl", TCA_FLOWER_KEY_CT_FLAGS_REPLY]
]

/** "+trk+est-new" → [state, mask]; undefined when not such a text. */
export const parseCtState = (s: string): readonly [number, number] | undefined => {
  let state = 0
  let mask = 0
  const re = /([+-])([a-z]+)/gy
  let m: RegExpExecArray | null = re.exec(s)
  let consumed = 0
  while (m !== null) {
    const bit = CT.find(([n]) => n === m![2])?.[1]
    if (bit === undefined) return undefined
    mask |= bit
    if (m[1] === "+") state |= bit
    consumed = re.lastIndex
    m = re.exec(s)
  }
  return consumed === s.length && s.length > 0 ? [state, mask] : undefined
}

/** [state, mask] → "+trk+est-new" in bit order. */
export const ctStateText = (state: number, mask: number): string =>
  CT.filter(([, bit]) => (mask & bit) !== 0)
    .map(([n, bit]) => `${(state & bit) !== 0 ? "+" : "-"}${n}`)
    .join("")

const IPF: ReadonlyArray<readonly [string, number]> = [
  ["frag", TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT],
  ["firstfrag", TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST]
]

/** "frag/nofirstfrag" → [flags, mask]. */
export const parseIpFlags = (s: string): readonly [number, number] | undefined => {
  let flags = 0
  let mask = 0
  for (const part of s.split("/")) {
    const no = part.startsWith("no")
    const bit = IPF.find(([n]) => n === (no ? part.slice(2) : part))?.[1]
    if (bit === undefined || (mask & bit) !== 0) return undefined
    mask |= bit
    if (!no) flags |= bit
  }
  return [flags, mask]
}

/** [flags, mask] → "frag/nofirstfrag". */
export const ipFlagsText = (flags: number, mask: number): string =>
  IPF.filter(([, bit]) => (mask & bit) !== 0)
    .map(([n, bit]) => `${(flags & bit) !== 0 ? "" : "no"}${n}`)
    .join("/")

/** CT labels "hex[/hex]" (up to 16 bytes each) → the bytes tc sends. */
export const parseCtLabel = (s: string): readonly [Uint8Array, Uint8Array] | undefined => {
  const [v, m, ...rest] = s.split("/")
  const value = hexBytes(v)
  const mask =
    m === undefined
      ? value === undefined
        ? undefined
        : new Uint8Array(value.length).fill(0xff)
      : hexBytes(m)
  return value === undefined || mask === undefined || value.length > 16 || mask.length > 16 || rest.length > 0
    ? undefined
    : [value, mask]
}

/** CT labels as read back (16 bytes each): "value" or "value/mask", 32 hex digits each. */
export const ctLabelText = (value: Uint8Array, mask: Uint8Array | undefined): string => {
  const pad = (b: Uint8Array) => {
    const out = new Uint8Array(16)
    out.set(b.subarray(0, 16))
    return out
  }
  const m = mask === undefined ? new Uint8Array(16).fill(0xff) : pad(mask)
  return m.every((x) => x === 0xff) ? toHex(pad(value)) : `${toHex(pad(value))}/${toHex(m)}`
}
