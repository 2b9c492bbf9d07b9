/**
 * u32: matches on 32-bit words of the packet (`match` keys, written as `tc`
 * accepts them: "ip src 10.0.0.0/8", "ip dport 80 0xffff", "tcp dst 22
 * 0xffff", "u16 0x0800 0xffff at -2", or as key objects `{ value, mask, at,
 * nexthdr }` — what listing returns), hash tables (`divisor`, placing a node
 * with `ht`, following with `link`, choosing the bucket with `hashkey`) and
 * `classid`. Handles in `tc`'s notation "800::800" (table:bucket:node).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsU32Attrs,
  decodeClsU32Attrs,
  decodeTcU32Key,
  decodeTcU32Pcnt,
  decodeTcU32Sel,
  encodeClsU32Attrs,
  encodeTcU32Key,
  encodeTcU32Sel,
  TC_U32_TERMINAL,
  TcU32KeySize,
  TcU32PcntSize,
  TcU32SelSize
} from "../../../../generated/tc-filter/index.ts"
import { parseIPv4, parseIPv6, Writer } from "../../../../runtime/Wire.ts"
import type * as Handle from "../../Handle.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as C from "./common.ts"

/**
 * One u32 key: `value` under `mask` at byte `at` of the header (of the
 * next header, past the IP header, when `nexthdr`). Values and masks are
 * the word as it reads in network order (10.0.0.0/8 is 0x0a000000 /
 * 0xff000000); `at` is a multiple of 4.
 *
 * @example
 * ```ts
 * const k: U32Key = { value: 0x0a000000, mask: 0xff000000, at: 12 }
 * ```
 * @since 0.3.0
 */
export interface U32Key {
  readonly value: number
  readonly mask: number
  readonly at: number
  readonly nexthdr?: boolean | undefined
}

/**
 * u32 options. A node (a filter with keys) has `match`; a hash table has
 * `divisor` (1 to 256 buckets) and nothing else.
 *
 * @example
 * ```ts
 * const o: U32Options = { match: ["ip dst 10.0.0.0/8", "ip dport 80 0xffff"], classid: "1:10" }
 * ```
 * @since 0.3.0
 */
export interface U32Options {
  readonly match?: ReadonlyArray<string | U32Key> | undefined
  readonly classid?: Handle.Handle | undefined
  /** Buckets of the hash table this filter creates (its handle is the table's, "1:"). */
  readonly divisor?: number | undefined
  /** The table (and bucket) the node goes in: "800:", "1:a"; the kernel uses 800: when not given. */
  readonly ht?: string | undefined
  /** The table a match continues in ("1:"). */
  readonly link?: string | undefined
  /** Which bits of which word pick the bucket in the linked table. */
  readonly hashkey?: { readonly mask: number; readonly at: number } | undefined
  /** Only packets that came in on this device. */
  readonly indev?: string | undefined
  readonly skipHw?: boolean | undefined
  readonly skipSw?: boolean | undefined
}

// ---- handles: 12-bit table, 8-bit bucket, 12-bit node, each hexadecimal

/** A u32 handle "htid:hash:node" (any part may be empty) as its number, or undefined. */
export const parseHandle = (h: string | number): number | undefined => {
  if (typeof h === "number") return Number.isInteger(h) && h >= 0 && h <= 0xffffffff ? h : undefined
  const m = /^([0-9a-f]{0,3})(?::([0-9a-f]{0,2})(?::([0-9a-f]{0,3}))?)?$/i.exec(h)
  if (m === null || h === "") return undefined
  const part = (s: string | undefined) => (s === undefined || s === "" ? 0 : Number.parseInt(s, 16))
  return ((part(m[1]) << 20) | (part(m[2]) << 12) | part(m[3])) >>> 0
}

/** A u32 handle as `tc` prints it: "800:", "800::800", "1:a:1". */
export const formatHandle = (n: number): string => {
  const ht = n >>> 20
  const hash = (n >>> 12) & 0xff
  const node = n & 0xfff
  let s = `${ht.toString(16)}:`
  if (hash !== 0 || node !== 0) s += hash === 0 ? "" : hash.toString(16)
  if (node !== 0) s += `:${node.toString(16)}`
  return s
}

// ---- match text, as tc reads it

const num = (s: string | undefined): number | undefined => {
  if (s === undefined) return undefined
  const v = /^0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : Number.NaN
  return Number.isFinite(v) ? v : undefined
}

interface RawKey {
  value: number
  mask: number
  off: number
  offmask: number
}

/** Keys of one width at one offset, shifted into their aligned word as tc packs them. */
const sized = (
  bits: 8 | 16 | 32,
  value: number,
  mask: number,
  at: number,
  nexthdr: boolean
): RawKey | string => {
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1
  if (value > max || mask > max) return `the value and mask must fit in ${bits} bits`
  if (bits === 16 && at % 2 !== 0) return "a u16 must be at an even offset"
  if (bits === 32 && at % 4 !== 0) return "a u32 must be at a multiple of 4"
  const lane = ((at % 4) + 4) % 4
  const shift = bits === 32 ? 0 : 32 - bits - lane * 8
  return {
    value: ((value & mask) * 2 ** shift) >>> 0,
    mask: (mask * 2 ** shift) >>> 0,
    off: at - lane,
    offmask: nexthdr ? -1 : 0
  }
}

const prefix4 = (s: string): { addr: number; mask: number } | undefined => {
  const [a, l] = s.split("/")
  const b = parseIPv4(a)
  if (b === undefined) return undefined
  const len = l === undefined ? 32 : num(l)
  if (len === undefined || len > 32) return undefined
  const addr = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0
  return { addr, mask: len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0 }
}

/** The raw keys of a match written as tc's words, or a message saying what is wrong. */
const keysOfText = (text: string): Array<RawKey> | string => {
  const w = text.trim().split(/\s+/)
  const vm = (i: number): [number, number] | undefined => {
    const v = num(w[i])
    const m = num(w[i + 1])
    return v === undefined || m === undefined ? undefined : [v, m]
  }
  const one = (bits: 8 | 16 | 32, i: number, at: number, nexthdr = false) => {
    const p = vm(i)
    if (p === undefined || w.length !== i + 2) return `expected VALUE MASK after "${w.slice(0, i).join(" ")}"`
    const k = sized(bits, p[0], p[1], at, nexthdr)
    return typeof k === "string" ? k : [k]
  }
  switch (w[0]) {
    case "u32":
    case "u16":
    case "u8": {
      const p = vm(1)
      if (p === undefined || w[3] !== "at" || w.length !== 5) return `expected "${w[0]} VALUE MASK at OFFSET"`
      const nexthdr = w[4].startsWith("nexthdr+")
      const at = num(nexthdr ? w[4].slice(8) : w[4]) ?? (/^-\d+$/.test(w[4]) ? Number(w[4]) : undefined)
      if (at === undefined) return `bad offset "${w[4]}"`
      const k = sized(Number(w[0].slice(1)) as 8 | 16 | 32, p[0], p[1], at, nexthdr)
      return typeof k === "string" ? k : [k]
    }
    case "ip": {
      if ((w[1] === "src" || w[1] === "dst") && w.length === 3) {
        const p = prefix4(w[2])
        if (p === undefined) return `bad IPv4 prefix "${w[2]}"`
        return [{ value: (p.addr & p.mask) >>> 0, mask: p.mask, off: w[1] === "src" ? 12 : 16, offmask: 0 }]
      }
      const at: Record<string, readonly [8 | 16, number]> = {
        protocol: [8, 9],
        tos: [8, 1],
        dsfield: [8, 1],
        ihl: [8, 0],
        sport: [16, 20],
        dport: [16, 22],
        icmp_type: [8, 20],
        icmp_code: [8, 21]
      }
      const f = at[w[1]]
      return f === undefined ? `unknown ip field "${w[1]}"` : one(f[0], 2, f[1])
    }
    case "ip6": {
      if ((w[1] === "src" || w[1] === "dst") && w.length === 3) {
        const [a, l] = w[2].split("/")
        const b = parseIPv6(a)
        const len = l === undefined ? 128 : num(l)
        if (b === undefined || len === undefined || len > 128) return `bad IPv6 prefix "${w[2]}"`
        const out: Array<RawKey> = []
        const base = w[1] === "src" ? 8 : 24
        for (let i = 0, left = len; i < 4 && left > 0; i++, left -= 32) {
          const mask = left >= 32 ? 0xffffffff : (0xffffffff << (32 - left)) >>> 0
          const word = ((b[4 * i] << 24) | (b[4 * i + 1] << 16) | (b[4 * i + 2] << 8) | b[4 * i + 3]) >>> 0
          out.push({ value: (word & mask) >>> 0, mask, off: base + 4 * i, offmask: 0 })
        }
        return out
      }
      const at: Record<string, readonly [8 | 16, number]> = {
        protocol: [8, 6],
        sport: [16, 40],
        dport: [16, 42],
        icmp_type: [8, 40],
        icmp_code: [8, 41]
      }
      const f = at[w[1]]
      return f === undefined ? `unknown ip6 field "${w[1]}"` : one(f[0], 2, f[1])
    }
    case "tcp":
    case "udp": {
      if (w[1] !== "src" && w[1] !== "dst") return `unknown ${w[0]} field "${w[1]}"`
      return one(16, 2, w[1] === "src" ? 0 : 2, true)
    }
    case "icmp": {
      if (w[1] !== "type" && w[1] !== "code") return `unknown icmp field "${w[1]}"`
      return one(8, 2, w[1] === "type" ? 0 : 1, true)
    }
  }
  return `unknown match "${text}" (ip, ip6, tcp, udp, icmp, u32, u16, u8)`
}

const keysOfMatch = (m: string | U32Key): Array<RawKey> | string => {
  if (typeof m === "string") return keysOfText(m)
  if (m.at % 4 !== 0) return "a key's offset must be a multiple of 4"
  return [
    { value: (m.value & m.mask) >>> 0, mask: m.mask >>> 0, off: m.at, offmask: m.nexthdr === true ? -1 : 0 }
  ]
}

/** The keys of all matches merged as tc merges them (same word: one key), or a problem. */
export const packKeys = (
  match: ReadonlyArray<string | U32Key>
): Array<RawKey> | { readonly index: number; readonly problem: string } => {
  const keys: Array<RawKey> = []
  for (let i = 0; i < match.length; i++) {
    const ks = keysOfMatch(match[i])
    if (typeof ks === "string") return { index: i, problem: ks }
    for (const k of ks) {
      const same = keys.find((x) => x.off === k.off && x.offmask === k.offmask)
      if (same === undefined) {
        keys.push({ ...k })
        continue
      }
      if (((same.value ^ k.value) & same.mask & k.mask) >>> 0 !== 0)
        return { index: i, problem: "it contradicts an earlier match on the same word" }
      same.value = (same.value | k.value) >>> 0
      same.mask = (same.mask | k.mask) >>> 0
    }
  }
  if (keys.length > 128) return { index: match.length - 1, problem: "at most 128 keys" }
  return keys
}

const keyOut = (k: RawKey): U32Key =>
  k.offmask !== 0
    ? { value: k.value, mask: k.mask, at: k.off, nexthdr: true }
    : { value: k.value, mask: k.mask, at: k.off }

const Key = Schema.Struct({
  value: C.U32,
  mask: C.U32,
  at: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: -32768, maximum: 32767 })),
  nexthdr: Schema.optional(Schema.Boolean)
})
const HandleText = Schema.String.check(
  Schema.makeFilter(
    (s: string) => parseHandle(s) !== undefined || 'a u32 table handle such as "800:" or "1:a"',
    {
      expected: "a u32 handle"
    }
  )
)

/** The u32 kind. @since 0.3.0 */
export const u32: FilterKind<U32Options, ClsU32Attrs> = {
  kind: "u32",
  act: "act",
  fields: {
    match: Schema.optional(Schema.Array(Schema.Union([Schema.String, Key]))),
    ...C.classidField,
    divisor: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 256 }))
    ),
    ht: Schema.optional(HandleText),
    link: Schema.optional(HandleText),
    hashkey: Schema.optional(
      Schema.Struct({
        mask: C.U32,
        at: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: -32768, maximum: 32767 }))
      })
    ),
    indev: Schema.optional(Schema.String.check(Schema.isMaxLength(15))),
    ...C.skipFields
  },
  devices: [],
  kernelChosen: ["ht"],
  handle: { parse: parseHandle, format: formatHandle },
  check: (o) => {
    if (o.match !== undefined) {
      const p = packKeys(o.match)
      if ("problem" in p) return [`match[${p.index}]`, p.problem]
    }
    if (
      o.divisor !== undefined &&
      (o.match !== undefined || o.hashkey !== undefined || o.classid !== undefined)
    )
      return ["divisor", "a hash table (divisor) has no match, hashkey or classid"]
    if (o.divisor === undefined && o.match === undefined && o.hashkey === undefined)
      return ["match", "a u32 node needs match keys (an empty list matches everything)"]
    if (o.ht !== undefined && (parseHandle(o.ht)! & 0xfff) !== 0)
      return ["ht", "a table and bucket, without a node"]
    return undefined
  },
  toKernel: (o, ctx) => {
    const d: { -readonly [K in keyof ClsU32Attrs]: ClsU32Attrs[K] } = {}
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    if (o.divisor !== undefined) d.divisor = o.divisor
    if (o.ht !== undefined) d.hash = parseHandle(o.ht)
    if (o.link !== undefined) d.link = parseHandle(o.link)
    if (o.indev !== undefined) d.indev = o.indev
    if (o.match !== undefined || o.hashkey !== undefined) {
      const keys = packKeys(o.match ?? []) as Array<RawKey>
      const w = new Writer(TcU32SelSize + keys.length * TcU32KeySize)
      encodeTcU32Sel(w, {
        flags: classid !== undefined || ctx.hasActions ? TC_U32_TERMINAL : 0,
        offshift: 0,
        nkeys: keys.length,
        offmask: 0,
        off: 0,
        offoff: 0,
        hoff: o.hashkey?.at ?? 0,
        hmask: o.hashkey?.mask ?? 0
      })
      for (const k of keys) encodeTcU32Key(w, { mask: k.mask, val: k.value, off: k.off, offmask: k.offmask })
      d.sel = w.finish()
    }
    const flags = C.skipFlags(o)
    if (flags !== undefined) d.flags = flags
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof U32Options]: U32Options[K] } = {}
    if (d === undefined) return out
    if (d.divisor !== undefined) out.divisor = d.divisor
    if (d.sel !== undefined) {
      const b = d.sel
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
      const sel = decodeTcU32Sel(b, view, 0, b.length)
      const keys: Array<U32Key> = []
      for (let i = 0; i < sel.nkeys && TcU32SelSize + (i + 1) * TcU32KeySize <= b.length; i++) {
        const k = decodeTcU32Key(b, view, TcU32SelSize + i * TcU32KeySize, b.length)
        keys.push(keyOut({ value: k.val, mask: k.mask, off: k.off, offmask: k.offmask }))
      }
      out.match = keys
      if (sel.hmask !== 0 || sel.hoff !== 0) out.hashkey = { mask: sel.hmask, at: sel.hoff }
    }
    if (d.classid !== undefined) out.classid = C.classidText(d.classid)
    if (d.hash !== undefined) out.ht = formatHandle(d.hash)
    if (d.link !== undefined) out.link = formatHandle(d.link)
    if (d.indev !== undefined) out.indev = d.indev
    Object.assign(out, C.skipFrom(d.flags))
    return out
  },
  status: (d) => {
    const out: { inHw: boolean; hits?: bigint; tried?: bigint; keyHits?: Array<bigint> } = {
      inHw: C.inHw(d.flags)
    }
    const p = d.pcnt
    if (p !== undefined && p.length >= TcU32PcntSize) {
      const view = new DataView(p.buffer, p.byteOffset, p.byteLength)
      const c = decodeTcU32Pcnt(p, view, 0, p.length)
      out.tried = c.rcnt
      out.hits = c.rhit
      out.keyHits = []
      for (let o = TcU32PcntSize; o + 8 <= p.length; o += 8) out.keyHits.push(view.getBigUint64(o, true))
    }
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof U32Options]: U32Options[K] } = {}
    if (o.divisor !== undefined) out.divisor = o.divisor
    else {
      const keys = packKeys(o.match ?? [])
      out.match = Array.isArray(keys) ? keys.map(keyOut) : o.match
      if (o.hashkey !== undefined && (o.hashkey.mask !== 0 || o.hashkey.at !== 0)) out.hashkey = o.hashkey
    }
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    if (o.ht !== undefined) out.ht = formatHandle(parseHandle(o.ht)!)
    if (o.link !== undefined) out.link = formatHandle(parseHandle(o.link)!)
    if (o.indev !== undefined) out.indev = o.indev
    Object.assign(out, C.skipCanonical(o))
    return out
  },
  encode: encodeClsU32Attrs,
  decode: decodeClsU32Attrs
}
