/**
 * pedit: rewrite packet header fields, as `tc ... action pedit ex munge ip
 * dst set 10.0.0.1 munge ip ttl add 255` sends it. Each field becomes one
 * 32-bit word edit per word it touches (kept bits in the mask, new bits in
 * the value) with its header type and command in TCA_PEDIT_KEYS_EX; words
 * that are no named field read back as raw word keys.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActPeditAttrs,
  decodeActPeditAttrs,
  encodeActPeditAttrs,
  TCA_PEDIT_KEY_EX_CMD_ADD,
  TCA_PEDIT_KEY_EX_CMD_SET
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import {
  DecodeFailure,
  ipToString,
  macToString,
  parseIPv4,
  parseIPv6,
  parseMac
} from "../../../../runtime/Wire.ts"
import type { ActionKind, Common } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/** Header types by name (TCA_PEDIT_KEY_EX_HDR_TYPE_*). */
const HEADERS = { network: 0, eth: 1, ip: 2, ip6: 3, tcp: 4, udp: 5 } as const
type Header = keyof typeof HEADERS
const HEADER_NAMES = Object.keys(HEADERS) as Array<Header>

type Format = "number" | "ipv4" | "ipv6" | "mac"
interface Field {
  readonly offset: number
  readonly length: number
  readonly format: Format
}

/** The fields tc names, by header: byte offset in the header, length, value format. */
const FIELDS = {
  eth: {
    dst: { offset: 0, length: 6, format: "mac" },
    src: { offset: 6, length: 6, format: "mac" },
    type: { offset: 12, length: 2, format: "number" }
  },
  ip: {
    tos: { offset: 1, length: 1, format: "number" },
    len: { offset: 2, length: 2, format: "number" },
    ttl: { offset: 8, length: 1, format: "number" },
    protocol: { offset: 9, length: 1, format: "number" },
    src: { offset: 12, length: 4, format: "ipv4" },
    dst: { offset: 16, length: 4, format: "ipv4" }
  },
  ip6: {
    payload_len: { offset: 4, length: 2, format: "number" },
    nexthdr: { offset: 6, length: 1, format: "number" },
    hoplimit: { offset: 7, length: 1, format: "number" },
    src: { offset: 8, length: 16, format: "ipv6" },
    dst: { offset: 24, length: 16, format: "ipv6" }
  },
  tcp: {
    sport: { offset: 0, length: 2, format: "number" },
    dport: { offset: 2, length: 2, format: "number" },
    flags: { offset: 13, length: 1, format: "number" }
  },
  udp: {
    sport: { offset: 0, length: 2, format: "number" },
    dport: { offset: 2, length: 2, format: "number" }
  }
} as const satisfies Record<string, Record<string, Field>>
type Named = keyof typeof FIELDS

/**
 * One edit: a named header field set to a value or increased by one, or a
 * raw 32-bit word at `offset` in a header that becomes `(word & mask) ^
 * value` ("set") or `word + value` in the bits outside `mask` ("add"); mask
 * and value are read in network byte order (0xffff0000 keeps the first two
 * bytes of the word).
 *
 * @example
 * ```ts
 * const k: PeditKey = { header: "ip", field: "dst", value: "10.0.0.1" }
 * const w: PeditKey = { header: "udp", offset: 4, mask: 0xffff0000, value: 0 }
 * ```
 * @since 0.3.0
 */
export type PeditKey =
  | {
      readonly [H in Named]: {
        readonly header: H
        readonly field: keyof (typeof FIELDS)[H]
        readonly op?: "set" | "add" | undefined
        /** Address text for address fields; a number for the others. */
        readonly value: string | number
      }
    }[Named]
  | {
      readonly header: Header
      readonly offset: number
      readonly mask: number
      readonly value: number
      readonly op?: "set" | "add" | undefined
    }

/**
 * pedit options.
 *
 * @example
 * ```ts
 * const o: PeditOptions = { keys: [{ header: "ip", field: "ttl", op: "add", value: 255 }], action: "pipe" }
 * ```
 * @since 0.3.0
 */
export interface PeditOptions {
  /** The edits, in order (at least one). */
  readonly keys: ReadonlyArray<PeditKey>
  /** The control action after it; default "pass". */
  readonly action?: Control.Control | undefined
}

const Op = Schema.optional(Schema.Literals(["set", "add"]))
const KeySchema = Schema.Union([
  ...(Object.keys(FIELDS) as Array<Named>).map((h) =>
    Schema.Struct({
      header: Schema.Literal(h),
      field: Schema.Literals(Object.keys(FIELDS[h]) as [string, ...Array<string>]),
      op: Op,
      value: Schema.Union([Schema.String, Schema.Number])
    })
  ),
  Schema.Struct({
    header: Schema.Literals(HEADER_NAMES),
    offset: P.intBetween(P.U32, 0, 0xfffc).check(
      Schema.makeFilter((n: number) => n % 4 === 0 || "a multiple of 4", { expected: "a word offset" })
    ),
    mask: P.U32,
    value: P.U32,
    op: Op
  })
])

const fieldOf = (k: PeditKey): Field | undefined =>
  "field" in k ? ((FIELDS as any)[k.header]?.[k.field] as Field | undefined) : undefined

/** The bytes of a field's value, or a problem. */
const valueBytes = (f: Field, v: string | number): Uint8Array | string => {
  switch (f.format) {
    case "ipv4":
      return (typeof v === "string" && parseIPv4(v)) || "an IPv4 address"
    case "ipv6":
      return (typeof v === "string" && parseIPv6(v)) || "an IPv6 address"
    case "mac":
      return (typeof v === "string" && parseMac(v)?.length === 6 && parseMac(v)) || "a MAC address"
    default: {
      const max = 2 ** (8 * f.length) - 1
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) return `an integer 0..${max}`
      const out = new Uint8Array(f.length)
      for (let i = 0; i < f.length; i++) out[i] = (v / 2 ** (8 * (f.length - 1 - i))) & 0xff
      return out
    }
  }
}

const valueText = (f: Field, b: Uint8Array): string | number => {
  switch (f.format) {
    case "ipv4":
    case "ipv6":
      return ipToString(b, 0, b.length)
    case "mac":
      return macToString(b, 0, b.length)
    default:
      return b.reduce((a, x) => a * 256 + x, 0)
  }
}

/** One word edit as the kernel holds it: mask and value as bytes in packet order. */
interface Word {
  readonly htype: number
  readonly cmd: number
  readonly off: number
  readonly mask: Uint8Array
  readonly val: Uint8Array
  readonly at: number
  readonly offmask: number
  readonly shift: number
}

const be = (n: number): Uint8Array => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])
const beRead = (b: Uint8Array): number => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0

/** The word edits of one key. */
const wordsOf = (k: PeditKey): Array<Word> => {
  const htype = HEADERS[k.header]
  const cmd = k.op === "add" ? TCA_PEDIT_KEY_EX_CMD_ADD : TCA_PEDIT_KEY_EX_CMD_SET
  const f = fieldOf(k)
  if (f === undefined) {
    const r = k as Extract<PeditKey, { offset: number }>
    return [{ htype, cmd, off: r.offset, mask: be(r.mask), val: be(r.value), at: 0, offmask: 0, shift: 0 }]
  }
  const v = valueBytes(f, k.value) as Uint8Array
  const out: Array<Word> = []
  for (let w = f.offset & ~3; w < f.offset + f.length; w += 4) {
    const mask = new Uint8Array([255, 255, 255, 255])
    const val = new Uint8Array(4)
    for (let i = 0; i < 4; i++) {
      const b = w + i - f.offset
      if (b >= 0 && b < f.length) {
        mask[i] = 0
        val[i] = v[b]
      }
    }
    out.push({ htype, cmd, off: w, mask, val, at: 0, offmask: 0, shift: 0 })
  }
  return out
}

/** The named field whose bytes these word edits (starting at i) cover exactly, and how many words. */
const matchField = (
  ws: ReadonlyArray<Word>,
  i: number
): readonly [string, Field, Uint8Array, number] | undefined => {
  const w0 = ws[i]
  const header = HEADER_NAMES[w0.htype] as Named | "network" | undefined
  if (header === undefined || header === "network" || w0.at !== 0 || w0.offmask !== 0 || w0.shift !== 0)
    return undefined
  const first = w0.mask.indexOf(0)
  if (first < 0) return undefined
  for (const [name, f] of Object.entries(FIELDS[header]) as Array<[string, Field]>) {
    if (f.offset !== w0.off + first) continue
    const n = ((f.offset + f.length - 1) >> 2) - (f.offset >> 2) + 1
    if (i + n > ws.length) continue
    const value = new Uint8Array(f.length)
    let ok = true
    for (let j = 0; j < n && ok; j++) {
      const w = ws[i + j]
      if (w.htype !== w0.htype || w.cmd !== w0.cmd || w.off !== (f.offset & ~3) + 4 * j) ok = false
      for (let b = 0; b < 4 && ok; b++) {
        const at = w.off + b - f.offset
        const inside = at >= 0 && at < f.length
        if (inside !== (w.mask[b] === 0)) ok = false
        else if (inside) value[at] = w.val[b]
        else if (w.val[b] !== 0) ok = false
      }
    }
    if (ok) return [name, f, value, n]
  }
  return undefined
}

const keysOf = (ws: ReadonlyArray<Word>): Array<PeditKey> => {
  const out: Array<PeditKey> = []
  for (let i = 0; i < ws.length; ) {
    const w = ws[i]
    const op = w.cmd === TCA_PEDIT_KEY_EX_CMD_ADD ? "add" : "set"
    const m = matchField(ws, i)
    if (m !== undefined) {
      out.push({
        header: HEADER_NAMES[w.htype] as Named,
        field: m[0],
        op,
        value: valueText(m[1], m[2])
      } as PeditKey)
      i += m[3]
    } else {
      out.push({
        header: HEADER_NAMES[w.htype] ?? "network",
        offset: w.off,
        mask: beRead(w.mask),
        value: beRead(w.val),
        op
      })
      i++
    }
  }
  return out
}

const SEL = 24 // struct tc_pedit_sel: tc_gen, nkeys, flags, padding
const KEY = 24 // struct tc_pedit_key

/** The parameters and word edits of a pedit nest (PARMS_EX with KEYS_EX, or the legacy PARMS). */
const parse = (
  d: ActPeditAttrs
): { readonly common: Common; readonly action: number; readonly words: Array<Word> } | undefined => {
  const b = d.parmsEx ?? d.parms
  if (b === undefined) return undefined
  if (b.length < SEL) throw new DecodeFailure("pedit parameters shorter than tc_pedit_sel", 0)
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const nkeys = b[20]
  if (b.length < SEL + nkeys * KEY) throw new DecodeFailure("pedit keys overrun their parameters", 0)
  const ex = d.parmsEx !== undefined ? (d.keysEx?.keyEx ?? []) : []
  const words: Array<Word> = []
  for (let i = 0; i < nkeys; i++) {
    const p = SEL + i * KEY
    words.push({
      mask: b.slice(p, p + 4),
      val: b.slice(p + 4, p + 8),
      off: v.getUint32(p + 8, true),
      at: v.getUint32(p + 12, true),
      offmask: v.getUint32(p + 16, true),
      shift: v.getUint32(p + 20, true),
      htype: ex[i]?.htype ?? 0,
      cmd: ex[i]?.cmd ?? 0
    })
  }
  return {
    common: {
      index: v.getUint32(0, true),
      refcnt: v.getInt32(12, true),
      bindcnt: v.getInt32(16, true),
      tm: d.tm
    },
    action: v.getInt32(8, true),
    words
  }
}

const canonicalKey = (k: PeditKey): PeditKey => {
  const f = fieldOf(k)
  if (f === undefined) {
    const r = k as Extract<PeditKey, { offset: number }>
    return { header: r.header, offset: r.offset, mask: r.mask, value: r.value, op: r.op ?? "set" }
  }
  const b = valueBytes(f, k.value)
  return { ...k, op: k.op ?? "set", value: typeof b === "string" ? k.value : valueText(f, b) } as PeditKey
}

/** The pedit kind. @since 0.3.0 */
export const pedit: ActionKind<PeditOptions, ActPeditAttrs> = {
  kind: "pedit",
  fields: {
    keys: Schema.Array(KeySchema).check(Schema.isMinLength(1), Schema.isMaxLength(128)),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    let words = 0
    for (let i = 0; i < o.keys.length; i++) {
      const k = o.keys[i]
      const f = fieldOf(k)
      if (f !== undefined) {
        const b = valueBytes(f, k.value)
        if (typeof b === "string")
          return [`keys[${i}].value`, `${k.header} ${String((k as any).field)} takes ${b}`]
        if (k.op === "add" && f.format !== "number") return [`keys[${i}].op`, "add takes a numeric field"]
      }
      words += wordsOf(k).length
    }
    return words > 255 ? ["keys", "more than 255 words to edit"] : undefined
  },
  toKernel: (o, _d, index) => {
    const words = o.keys.flatMap(wordsOf)
    const b = new Uint8Array(SEL + words.length * KEY)
    const v = new DataView(b.buffer)
    v.setUint32(0, index, true)
    v.setInt32(8, Control.parse(o.action ?? "pass")!, true)
    b[20] = words.length
    words.forEach((w, i) => {
      const p = SEL + i * KEY
      b.set(w.mask, p)
      b.set(w.val, p + 4)
      v.setUint32(p + 8, w.off, true)
    })
    return { parmsEx: b, keysEx: { keyEx: words.map((w) => ({ htype: w.htype, cmd: w.cmd })) } }
  },
  fromKernel: (d) => {
    const p = d === undefined ? undefined : parse(d)
    if (p === undefined) return {}
    return { keys: keysOf(p.words), action: Control.format(p.action) }
  },
  canonical: (o) => ({
    keys: (o.keys ?? []).map(canonicalKey),
    action: Control.canonical(o.action ?? "pass")
  }),
  common: (d) => parse(d)?.common,
  encode: encodeActPeditAttrs,
  decode: decodeActPeditAttrs
}
