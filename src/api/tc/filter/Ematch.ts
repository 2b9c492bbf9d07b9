/**
 * Extended matches (ematch trees) of the basic, cgroup and flow filters,
 * written as `tc` writes them: `cmp(u16 at 3 layer transport mask 0xff00 gt
 * 20) and not (meta(nf_mark eq 5) or u32(u16 0x1122 0xffff at nexthdr+4))`.
 * Terms are joined left to right by `and` / `or` (no precedence, as the
 * kernel evaluates them), `not` inverts a term, parentheses group. Matches:
 * `cmp`, `meta` (int metas against a number, `dev`/`sk_bind_if` also against
 * a quoted name), `u32`, `nbyte`, `canid` and `ipset(NAME src,dst)` (an IP
 * set by name, its dimensions matched against the source or destination:
 * the request carries the set's index, see {@link ipsets} and IpSet.ts).
 *
 * The tree goes to the kernel flat, as `tc` sends it: the top-level terms
 * first, a group as a container pointing at the index where its own terms
 * are appended. {@link canonical} is the text a tree reads back as.
 *
 * @since 0.4.0
 */
import {
  TCF_EM_CANID,
  TCF_EM_CMP,
  TCF_EM_CMP_TRANS,
  TCF_EM_CONTAINER,
  TCF_EM_INVERT,
  TCF_EM_IPSET,
  TCF_EM_META,
  TCF_EM_NBYTE,
  TCF_EM_REL_AND,
  TCF_EM_REL_OR,
  TCF_EM_U32,
  TCF_META_TYPE_INT,
  TCF_META_TYPE_VAR
} from "../../../generated/tc-filter/index.ts"
import { Writer } from "../../../runtime/Wire.ts"

type Layer = 0 | 1 | 2
type Op = "eq" | "gt" | "lt"
const OPS: ReadonlyArray<Op> = ["eq", "gt", "lt"]
const LAYERS = ["link", "network", "transport"] as const

type Match =
  | {
      readonly kind: "cmp"
      readonly align: 1 | 2 | 4
      readonly at: number
      readonly layer: Layer
      readonly mask: number
      readonly trans: boolean
      readonly op: Op
      readonly value: number
    }
  | {
      readonly kind: "meta"
      readonly id: number
      readonly shift: number
      readonly mask: number
      readonly op: Op
      readonly value: number | Uint8Array
    }
  | {
      readonly kind: "u32"
      readonly mask: number
      readonly value: number
      readonly off: number
      readonly nexthdr: boolean
    }
  | { readonly kind: "nbyte"; readonly needle: Uint8Array; readonly at: number; readonly layer: Layer }
  | {
      readonly kind: "canid"
      readonly rules: ReadonlyArray<{ readonly eff: boolean; readonly id: number; readonly mask: number }>
    }
  /** `name` "#N" stands for a set known by its index N alone (read back without the namespace's sets). */
  | { readonly kind: "ipset"; readonly name: string; readonly dirs: ReadonlyArray<"src" | "dst"> }

interface Term {
  readonly not: boolean
  readonly match?: Match
  readonly group?: Expr
  /** The relation to the next term; undefined ends the list. */
  readonly rel?: "and" | "or" | undefined
}
type Expr = ReadonlyArray<Term>

// ---- meta ids (TCF_META_ID_*), named as tc names them

const META: ReadonlyArray<string | undefined> = [
  undefined,
  "random",
  "loadavg_1",
  "loadavg_5",
  "loadavg_15",
  "dev",
  "priority",
  "protocol",
  "pkt_type",
  "pkt_len",
  "data_len",
  "mac_len",
  "nf_mark",
  "tcindex",
  "rt_classid",
  "rt_iif",
  "sk_family",
  "sk_state",
  "sk_reuse",
  "sk_bind_if",
  "sk_refcnt",
  "sk_shutdown",
  "sk_proto",
  "sk_type",
  "sk_rcvbuf",
  "sk_rmem",
  "sk_wmem",
  "sk_omem",
  "sk_wmem_queue",
  "sk_rcv_queue",
  "sk_snd_queue",
  "sk_err_queue",
  "sk_fwd_alloc",
  "sk_sndbuf",
  "sk_allocs",
  undefined,
  "sk_hash",
  "sk_lingertime",
  "sk_ack_backlog",
  "sk_max_ack_backlog",
  "sk_prio",
  "sk_rcvlowat",
  "sk_rcvtimeo",
  "sk_sndtimeo",
  "sk_sendmsg_off",
  "sk_write_pending",
  "vlan",
  "rxhash"
]
const META_IDS = new Map<string, number>([
  ...META.flatMap((n, i) => (n === undefined ? [] : [[n, i] as const])),
  ["fwmark", 12],
  ["tc_index", 13]
])
/** Metas that compare as names when the right side is a quoted string. */
const META_VAR = new Set([5, 19])

const CAN_EFF_FLAG = 0x80000000
const CAN_SFF_MASK = 0x7ff
const CAN_EFF_MASK = 0x1fffffff
/** The kernel dumps canid's internal state: 500 rules, then their count. */
const CAN_RULES_MAX = 500
/** IPSET_MAXNAMELEN less the NUL, and IPSET_DIM_MAX. */
const IPSET_NAME_MAX = 31
const IPSET_DIM_MAX = 6

// ---- text → tree

/** A parse failure: its message names what was wrong. */
class Bad extends Error {}

const tokenize = (s: string): Array<string> => {
  const out: Array<string> = []
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (/\s/.test(c)) i++
    else if (c === "(" || c === ")") {
      out.push(c)
      i++
    } else if (c === '"') {
      let j = i + 1
      while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1
      if (j >= s.length) throw new Bad("an unterminated string")
      out.push(s.slice(i, j + 1))
      i = j + 1
    } else {
      let j = i
      while (j < s.length && !/[\s()"]/.test(s[j])) j++
      out.push(s.slice(i, j))
      i = j
    }
  }
  return out
}

const num = (s: string | undefined, what: string, max = 0xffffffff): number => {
  const v =
    s === undefined
      ? undefined
      : /^0x[0-9a-f]+$/i.test(s)
        ? Number.parseInt(s, 16)
        : /^\d+$/.test(s)
          ? Number(s)
          : undefined
  if (v === undefined || v > max)
    throw new Bad(`${what}: ${JSON.stringify(s ?? "")} is not a number up to ${max}`)
  return v
}
const layerOf = (s: string | undefined): Layer => {
  const i = LAYERS.indexOf(s as (typeof LAYERS)[number])
  if (i >= 0) return i as Layer
  if (s === "0" || s === "1" || s === "2") return Number(s) as Layer
  throw new Bad(`layer: ${JSON.stringify(s ?? "")} is not link, network, transport or 0..2`)
}
const alignOf = (s: string | undefined): 1 | 2 | 4 => {
  if (s === "u8") return 1
  if (s === "u16") return 2
  if (s === "u32") return 4
  throw new Bad(`${JSON.stringify(s ?? "")} is not u8, u16 or u32`)
}
const opOf = (s: string | undefined): Op => {
  if (s === "eq" || s === "gt" || s === "lt") return s
  throw new Bad(`${JSON.stringify(s ?? "")} is not eq, gt or lt`)
}

const unquote = (s: string): Uint8Array => {
  const body = s.slice(1, -1)
  const out: Array<number> = []
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c !== "\\") {
      out.push(...Buffer.from(c, "utf8"))
      continue
    }
    const n = body[++i]
    if (n === "x") {
      const h = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1))
      if (h === null) throw new Bad("\\x needs hex digits")
      out.push(Number.parseInt(h[0], 16))
      i += h[0].length
    } else out.push(({ n: 10, t: 9, r: 13, "0": 0 } as Record<string, number>)[n] ?? n.charCodeAt(0))
  }
  return Uint8Array.from(out)
}

const quote = (b: Uint8Array): string => {
  let s = '"'
  for (const x of b)
    s +=
      x === 0x22
        ? '\\"'
        : x === 0x5c
          ? "\\\\"
          : x >= 0x20 && x < 0x7f
            ? String.fromCharCode(x)
            : `\\x${x.toString(16).padStart(2, "0")}`
  return `${s}"`
}

const parseMatch = (module: string, args: Array<string>): Match => {
  let i = 0
  const next = () => args[i++]
  switch (module) {
    case "cmp": {
      const align = alignOf(next())
      if (next() !== "at") throw new Bad("cmp: expected 'at OFFSET'")
      const at = num(next(), "cmp offset", 0xffff)
      let layer: Layer = 1
      let mask = 0
      let trans = false
      for (;;) {
        const w = next()
        if (w === "layer") layer = layerOf(next())
        else if (w === "mask") mask = num(next(), "cmp mask")
        else if (w === "trans") trans = true
        else {
          const op = opOf(w)
          const value = num(next(), "cmp value")
          if (i !== args.length) throw new Bad(`cmp: unexpected ${JSON.stringify(args[i])}`)
          return { kind: "cmp", align, at, layer, mask, trans, op, value }
        }
      }
    }
    case "meta": {
      const name = next() ?? ""
      const id = META_IDS.get(name) ?? (/^\d+$/.test(name) ? Number(name) : undefined)
      if (id === undefined || id < 1 || id > 0x7ff)
        throw new Bad(`meta: unknown meta id ${JSON.stringify(name)}`)
      let shift = 0
      let mask = 0
      for (;;) {
        const w = next()
        if (w === "shift") shift = num(next(), "meta shift", 0xff)
        else if (w === "mask") mask = num(next(), "meta mask")
        else {
          const op = opOf(w)
          const r = next()
          const value = r?.startsWith('"') ? unquote(r) : num(r, "meta value")
          if (value instanceof Uint8Array && !META_VAR.has(id))
            throw new Bad(`meta: ${META[id] ?? id} compares with a number`)
          if (i !== args.length) throw new Bad(`meta: unexpected ${JSON.stringify(args[i])}`)
          return { kind: "meta", id, shift, mask, op, value }
        }
      }
    }
    case "u32": {
      const align = alignOf(next())
      const value = num(next(), "u32 value", align === 4 ? 0xffffffff : align === 2 ? 0xffff : 0xff)
      const mask = num(next(), "u32 mask", align === 4 ? 0xffffffff : align === 2 ? 0xffff : 0xff)
      if (next() !== "at") throw new Bad("u32: expected 'at [nexthdr+]OFFSET'")
      const w = next() ?? ""
      const nexthdr = w.startsWith("nexthdr+")
      const o = nexthdr ? w.slice(8) : w
      const at = /^-?\d+$/.test(o) ? Number(o) : Number.NaN
      if (!Number.isInteger(at) || at < -0x80000000 || at > 0x7fffffff)
        throw new Bad(`u32: bad offset ${JSON.stringify(w)}`)
      if (i !== args.length) throw new Bad(`u32: unexpected ${JSON.stringify(args[i])}`)
      // the key is a 32-bit word at an aligned offset, as the u32 classifier packs it
      const word = at & ~3
      const shift = (4 - align - (at - word)) * 8
      if (shift < 0) throw new Bad(`u32: a ${align * 8}-bit value at ${at} crosses a 32-bit word`)
      const m = align === 4 ? mask : (mask << shift) >>> 0
      return {
        kind: "u32",
        mask: m,
        value: ((align === 4 ? value : value << shift) & m) >>> 0,
        off: word,
        nexthdr
      }
    }
    case "nbyte": {
      const needle = next()
      if (needle === undefined || !needle.startsWith('"')) throw new Bad('nbyte: expected a "needle"')
      if (next() !== "at") throw new Bad("nbyte: expected 'at OFFSET'")
      const at = num(next(), "nbyte offset", 0xffff)
      let layer: Layer = 1
      if (args[i] === "layer") {
        i++
        layer = layerOf(next())
      }
      if (i !== args.length) throw new Bad(`nbyte: unexpected ${JSON.stringify(args[i])}`)
      const b = unquote(needle)
      if (b.length === 0 || b.length > 0xfff) throw new Bad("nbyte: the needle is 1 to 4095 bytes")
      return { kind: "nbyte", needle: b, at, layer }
    }
    case "canid": {
      const rules: Array<{ eff: boolean; id: number; mask: number }> = []
      while (i < args.length) {
        const t = next()
        if (t !== "sff" && t !== "eff") throw new Bad(`canid: ${JSON.stringify(t)} is not sff or eff`)
        const [a, m] = (next() ?? "").split(":")
        const eff = t === "eff"
        const max = eff ? CAN_EFF_MASK : CAN_SFF_MASK
        rules.push({
          eff,
          id: num(a, "canid id", max),
          mask: m === undefined ? max : num(m, "canid mask", max)
        })
      }
      if (rules.length === 0) throw new Bad("canid: give at least one rule")
      return { kind: "canid", rules }
    }
    case "ipset": {
      const name = next()
      const dirs = next()
      if (name === undefined || dirs === undefined || i !== args.length)
        throw new Bad("ipset: expected 'NAME src|dst[,src|dst...]'")
      if (Buffer.byteLength(name) > IPSET_NAME_MAX)
        throw new Bad(`ipset: the name is longer than ${IPSET_NAME_MAX} bytes`)
      if (name.startsWith("#") && !(/^#\d{1,5}$/.test(name) && Number(name.slice(1)) < 65535))
        throw new Bad(`ipset: ${JSON.stringify(name)} is not a set index (#0 to #65534)`)
      const list = dirs.split(",")
      if (list.length > IPSET_DIM_MAX) throw new Bad(`ipset: at most ${IPSET_DIM_MAX} of src/dst`)
      for (const d of list)
        if (d !== "src" && d !== "dst") throw new Bad(`ipset: ${JSON.stringify(d)} is not src or dst`)
      return { kind: "ipset", name, dirs: list as Array<"src" | "dst"> }
    }
    default:
      throw new Bad(`unknown ematch ${JSON.stringify(module)} (cmp, meta, u32, nbyte, canid, ipset)`)
  }
}

const parseExpr = (tokens: Array<string>, pos: { i: number }, depth: number): Expr => {
  if (depth > 32) throw new Bad("groups nested too deep")
  const terms: Array<Term> = []
  for (;;) {
    let not = false
    let t = tokens[pos.i++]
    if (t === "not" || t === "!") {
      not = true
      t = tokens[pos.i++]
    }
    let term: Term
    if (t === "(") {
      const group = parseExpr(tokens, pos, depth + 1)
      if (tokens[pos.i++] !== ")") throw new Bad("a group misses its ')'")
      term = { not, group }
    } else if (t !== undefined && /^[a-z0-9_]+$/.test(t) && tokens[pos.i] === "(") {
      pos.i++
      const args: Array<string> = []
      while (tokens[pos.i] !== ")") {
        if (pos.i >= tokens.length) throw new Bad(`${t}( misses its ')'`)
        args.push(tokens[pos.i++])
      }
      pos.i++
      term = { not, match: parseMatch(t, args) }
    } else throw new Bad(`expected a match or '(' at ${JSON.stringify(t ?? "the end")}`)
    const r = tokens[pos.i]
    if (r === "and" || r === "or" || r === "&&" || r === "||") {
      pos.i++
      terms.push({ ...term, rel: r === "and" || r === "&&" ? "and" : "or" })
    } else {
      terms.push(term)
      return terms
    }
  }
}

/**
 * Parses an ematch expression; a string naming what is wrong when it is not one.
 *
 * @example
 * ```ts
 * Ematch.check("meta(nf_mark eq 5)") // undefined
 * ```
 * @since 0.4.0
 */
export const check = (s: string): string | undefined => {
  try {
    parse(s)
    return undefined
  } catch (e) {
    if (e instanceof Bad) return e.message
    throw e
  }
}

const parse = (s: string): Expr => {
  const tokens = tokenize(s)
  const pos = { i: 0 }
  const e = parseExpr(tokens, pos, 0)
  if (pos.i !== tokens.length) throw new Bad(`unexpected ${JSON.stringify(tokens[pos.i])}`)
  return e
}

// ---- tree → text

const hex = (n: number) => `0x${n.toString(16)}`

const matchText = (m: Match): string => {
  switch (m.kind) {
    case "cmp":
      return `cmp(u${m.align * 8} at ${m.at}${m.layer === 1 ? "" : ` layer ${LAYERS[m.layer]}`}${
        m.mask === 0 ? "" : ` mask ${hex(m.mask)}`
      }${m.trans ? " trans" : ""} ${m.op} ${m.value})`
    case "meta": {
      const name = META[m.id] ?? String(m.id)
      const v = typeof m.value === "number" ? String(m.value) : quote(m.value)
      return `meta(${name}${m.shift === 0 ? "" : ` shift ${m.shift}`}${m.mask === 0 ? "" : ` mask ${hex(m.mask)}`} ${m.op} ${v})`
    }
    case "u32": {
      // the narrowest aligned field the mask covers
      const at = (shift: number, align: number) => m.off + (4 - align) - shift / 8
      for (const [align, full] of [
        [1, 0xff],
        [2, 0xffff]
      ] as const)
        for (let shift = 0; shift <= 32 - align * 8; shift += 8)
          if (m.mask !== 0 && (m.mask & ~(full << shift)) === 0 && shift / 8 + align <= 4)
            return `u32(u${align * 8} ${hex((m.value >>> shift) & full)} ${hex((m.mask >>> shift) & full)} at ${
              m.nexthdr ? "nexthdr+" : ""
            }${at(shift, align)})`
      return `u32(u32 ${hex(m.value)} ${hex(m.mask)} at ${m.nexthdr ? "nexthdr+" : ""}${m.off})`
    }
    case "nbyte":
      return `nbyte(${quote(m.needle)} at ${m.at}${m.layer === 1 ? "" : ` layer ${LAYERS[m.layer]}`})`
    case "canid":
      return `canid(${m.rules
        .map(
          (r) =>
            `${r.eff ? "eff" : "sff"} ${hex(r.id)}${r.mask === (r.eff ? CAN_EFF_MASK : CAN_SFF_MASK) ? "" : `:${hex(r.mask)}`}`
        )
        .join(" ")})`
    case "ipset":
      return `ipset(${m.name} ${m.dirs.join(",")})`
  }
}

const exprText = (e: Expr): string =>
  e
    .map(
      (t) =>
        `${t.not ? "not " : ""}${t.group !== undefined ? `(${exprText(t.group)})` : matchText(t.match!)}${
          t.rel === undefined ? "" : ` ${t.rel}`
        }`
    )
    .join(" ")

/** The kernel keeps CAN rules with extended ids first. */
const canonicalTree = (e: Expr): Expr =>
  e.map((t) =>
    t.group !== undefined
      ? { ...t, group: canonicalTree(t.group) }
      : t.match!.kind === "canid"
        ? {
            ...t,
            match: {
              ...t.match!,
              rules: [...t.match!.rules.filter((r) => r.eff), ...t.match!.rules.filter((r) => !r.eff)]
            }
          }
        : t
  )

/**
 * The expression as it reads back: one space between words, `tc`'s names,
 * defaults left out, numbers in the kernel's form.
 *
 * @example
 * ```ts
 * Ematch.canonical("meta(fwmark  eq 0x5)") // "meta(nf_mark eq 5)"
 * ```
 * @since 0.4.0
 */
export const canonical = (s: string): string => {
  try {
    return exprText(canonicalTree(parse(s)))
  } catch (e) {
    if (e instanceof Bad) return s
    throw e
  }
}

// ---- tree → wire (TCA_EMATCH_TREE_HDR and TCA_EMATCH_TREE_LIST)

interface Flat {
  readonly term: Term
  child?: number
}

/** tc's order: a list's terms, and after each group term its own terms (recursively). */
const flatten = (e: Expr): Array<Flat> => {
  const out: Array<Flat> = e.map((term) => ({ term }))
  const walk = (list: Array<Flat>) => {
    for (const f of list)
      if (f.term.group !== undefined) {
        f.child = out.length
        const sub = f.term.group.map((term) => ({ term }))
        out.push(...sub)
        walk(sub)
      }
  }
  walk(out.slice())
  return out
}

const writeMatch = (w: Writer, m: Match, sets: ReadonlyMap<string, number> | undefined): number => {
  switch (m.kind) {
    case "cmp":
      w.u32(m.value)
      w.u32(m.mask)
      w.u16(m.at)
      w.u8(m.align | ((m.trans ? TCF_EM_CMP_TRANS : 0) << 4))
      w.u8(m.layer | (OPS.indexOf(m.op) << 4))
      return TCF_EM_CMP
    case "meta": {
      const type = typeof m.value === "number" ? TCF_META_TYPE_INT : TCF_META_TYPE_VAR
      const hdr = w.attrStart(1)
      w.u16((type << 12) | m.id)
      w.u8(m.shift)
      w.u8(OPS.indexOf(m.op))
      w.u16(type << 12)
      w.u8(0)
      w.u8(0)
      w.attrEnd(hdr)
      w.attrU32(2, m.mask)
      if (typeof m.value === "number") w.attrU32(3, m.value)
      else w.attrBinary(3, m.value)
      return TCF_EM_META
    }
    case "u32":
      w.u32(m.mask, true)
      w.u32(m.value, true)
      w.s32(m.off)
      w.s32(m.nexthdr ? -1 : 0)
      return TCF_EM_U32
    case "nbyte":
      w.u16(m.at)
      w.u16(m.needle.length | (m.layer << 12))
      w.bytes(m.needle)
      w.zeros((4 - (m.needle.length % 4)) % 4)
      return TCF_EM_NBYTE
    case "canid":
      for (const r of m.rules) {
        w.u32(r.eff ? (r.id | CAN_EFF_FLAG) >>> 0 : r.id)
        w.u32((r.mask | CAN_EFF_FLAG) >>> 0)
      }
      return TCF_EM_CANID
    case "ipset": {
      // struct xt_set_info: index, dimensions, and bit i set when dimension i matches the source
      const index = m.name.startsWith("#") ? Number(m.name.slice(1)) : sets?.get(m.name)
      if (index === undefined) throw new Error(`ipset ${m.name}: its index was not looked up`)
      w.u16(index)
      w.u8(m.dirs.length)
      w.u8(m.dirs.reduce((f, d, i) => (d === "src" ? f | (1 << (i + 1)) : f), 0))
      return TCF_EM_IPSET
    }
  }
}

/**
 * The payload of TCA_<KIND>_EMATCHES for an expression (it must parse: see
 * {@link check}); `sets` gives the index of each IP set it names ({@link ipsets}).
 *
 * @example
 * ```ts
 * const bytes = Ematch.encode("cmp(u8 at 9 eq 6)")
 * ```
 * @since 0.4.0
 */
export const encode = (s: string, sets?: ReadonlyMap<string, number>): Uint8Array => {
  const flat = flatten(parse(s))
  const w = new Writer(256)
  const hdr = w.attrStart(1)
  w.u16(flat.length)
  w.u16(0)
  w.attrEnd(hdr)
  const list = w.attrStart(2)
  flat.forEach((f, i) => {
    const a = w.attrStart(i + 1)
    const flags =
      (f.term.rel === "and" ? TCF_EM_REL_AND : f.term.rel === "or" ? TCF_EM_REL_OR : 0) |
      (f.term.not ? TCF_EM_INVERT : 0)
    const head = w.pos
    w.u16(0)
    w.u16(0)
    w.u16(flags)
    w.u16(0)
    let kind = TCF_EM_CONTAINER
    if (f.child !== undefined) w.u32(f.child)
    else kind = writeMatch(w, f.term.match!, sets)
    w.view.setUint16(head + 2, kind, true)
    w.attrEnd(a)
  })
  w.attrEnd(list)
  return w.finish()
}

// ---- wire → text

const attrs = (v: DataView, start: number, end: number): Map<number, [number, number]> => {
  const out = new Map<number, [number, number]>()
  let p = start
  while (p + 4 <= end) {
    const len = v.getUint16(p, true)
    if (len < 4 || p + len > end) break
    out.set(v.getUint16(p + 2, true) & 0x3fff, [p + 4, p + len])
    p += (len + 3) & ~3
  }
  return out
}

const readMatch = (kind: number, b: Uint8Array, v: DataView, p: number, e: number): Match => {
  switch (kind) {
    case TCF_EM_CMP: {
      const af = v.getUint8(p + 10)
      const lo = v.getUint8(p + 11)
      return {
        kind: "cmp",
        value: v.getUint32(p, true),
        mask: v.getUint32(p + 4, true),
        at: v.getUint16(p + 8, true),
        align: (af & 0xf) as 1 | 2 | 4,
        trans: af >> 4 === TCF_EM_CMP_TRANS,
        layer: (lo & 0xf) as Layer,
        op: OPS[lo >> 4] ?? "eq"
      }
    }
    case TCF_EM_META: {
      const a = attrs(v, p, e)
      const [hp] = a.get(1)!
      const left = v.getUint16(hp, true)
      const value = (x: [number, number] | undefined) =>
        x === undefined ? 0 : x[1] - x[0] >= 4 ? v.getUint32(x[0], true) : 0
      const r = a.get(3)
      return {
        kind: "meta",
        id: left & 0x7ff,
        shift: v.getUint8(hp + 2),
        op: OPS[v.getUint8(hp + 3)] ?? "eq",
        mask: value(a.get(2)),
        value: left >> 12 === TCF_META_TYPE_VAR && r !== undefined ? b.slice(r[0], r[1]) : value(r)
      }
    }
    case TCF_EM_U32:
      return {
        kind: "u32",
        mask: v.getUint32(p, false),
        value: v.getUint32(p + 4, false),
        off: v.getInt32(p + 8, true),
        nexthdr: v.getInt32(p + 12, true) !== 0
      }
    case TCF_EM_NBYTE: {
      const lw = v.getUint16(p + 2, true)
      const len = lw & 0xfff
      return {
        kind: "nbyte",
        at: v.getUint16(p, true),
        layer: (lw >> 12) as Layer,
        needle: b.slice(p + 4, Math.min(p + 4 + len, e))
      }
    }
    case TCF_EM_CANID: {
      // our own request holds the rules alone; a dump holds the kernel's rule table and count
      const count = e - p >= CAN_RULES_MAX * 8 + 4 ? v.getInt32(p + CAN_RULES_MAX * 8, true) : (e - p) >> 3
      const rules: Array<{ eff: boolean; id: number; mask: number }> = []
      for (let i = 0; i < count; i++) {
        const id = v.getUint32(p + i * 8, true)
        const mask = v.getUint32(p + i * 8 + 4, true)
        const eff = (id & CAN_EFF_FLAG) !== 0
        const max = eff ? CAN_EFF_MASK : CAN_SFF_MASK
        rules.push({ eff, id: id & max, mask: mask & max })
      }
      return { kind: "canid", rules }
    }
    case TCF_EM_IPSET: {
      if (e - p < 4) throw new Bad("ipset: short")
      const dim = Math.min(v.getUint8(p + 2), IPSET_DIM_MAX)
      const flags = v.getUint8(p + 3)
      const dirs: Array<"src" | "dst"> = []
      for (let i = 1; i <= dim; i++) dirs.push((flags & (1 << i)) !== 0 ? "src" : "dst")
      return { kind: "ipset", name: `#${v.getUint16(p, true)}`, dirs }
    }
    default:
      throw new Bad(`ematch kind ${kind}`)
  }
}

/**
 * The expression of a TCA_<KIND>_EMATCHES payload; undefined when it holds
 * a match this module does not read (text, ipt, vlan). An IP set reads
 * back by its index, `ipset(#3 src)`, until {@link nameSets} names it.
 *
 * @example
 * ```ts
 * Ematch.decode(Ematch.encode("cmp(u8 at 9 eq 6)")) // "cmp(u8 at 9 eq 6)"
 * ```
 * @since 0.4.0
 */
export const decode = (bytes: Uint8Array): string | undefined => {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const top = attrs(v, 0, bytes.length)
  const list = top.get(2)
  if (list === undefined) return undefined
  const items = attrs(v, list[0], list[1])
  const build = (index: number, depth: number): Expr => {
    if (depth > 32) throw new Bad("ematch groups nested too deep")
    const out: Array<Term> = []
    for (let i = index; ; i++) {
      const item = items.get(i + 1)
      if (item === undefined) throw new Bad(`ematch ${i} missing`)
      const [p, e] = item
      const kind = v.getUint16(p + 2, true)
      const flags = v.getUint16(p + 4, true)
      const rel = (flags & 3) === TCF_EM_REL_AND ? "and" : (flags & 3) === TCF_EM_REL_OR ? "or" : undefined
      const not = (flags & TCF_EM_INVERT) !== 0
      out.push(
        kind === TCF_EM_CONTAINER
          ? { not, rel, group: build(v.getUint32(p + 8, true), depth + 1) }
          : { not, rel, match: readMatch(kind, bytes, v, p + 8, e) }
      )
      if (rel === undefined) return out
    }
  }
  try {
    return exprText(build(0, 0))
  } catch (e) {
    if (e instanceof Bad) return undefined
    throw e
  }
}

const walk = (e: Expr, f: (m: Match) => void): void => {
  for (const t of e)
    if (t.group !== undefined) walk(t.group, f)
    else f(t.match!)
}

/**
 * The IP sets an expression names (not those given by index, `#N`), to look
 * up before {@link encode}; empty when it names none or does not parse.
 *
 * @example
 * ```ts
 * Ematch.ipsets("ipset(blocked src) or ipset(allowed dst)") // ["blocked", "allowed"]
 * ```
 * @since 0.4.0
 */
export const ipsets = (s: string): ReadonlyArray<string> => {
  if (!s.includes("ipset")) return []
  const out = new Set<string>()
  try {
    walk(parse(s), (m) => {
      if (m.kind === "ipset" && !m.name.startsWith("#")) out.add(m.name)
    })
  } catch (e) {
    if (!(e instanceof Bad)) throw e
  }
  return [...out]
}

/**
 * The indexes of the sets a read-back expression holds (`ipset(#N ...)`).
 *
 * @example
 * ```ts
 * Ematch.setIndexes("ipset(#3 src)") // [3]
 * ```
 * @since 0.4.0
 */
export const setIndexes = (s: string): ReadonlyArray<number> => {
  const out = new Set<number>()
  for (const m of s.matchAll(/ipset\(#(\d+) /g)) out.add(Number(m[1]))
  return [...out]
}

/**
 * The expression with each set read back by index named (`ipset(#3 src)` →
 * `ipset(blocked src)`); an index `name` does not know stays.
 *
 * @example
 * ```ts
 * Ematch.nameSets("ipset(#3 src)", (i) => (i === 3 ? "blocked" : undefined)) // "ipset(blocked src)"
 * ```
 * @since 0.4.0
 */
export const nameSets = (s: string, name: (index: number) => string | undefined): string =>
  s.replace(/ipset\(#(\d+) /g, (whole, i: string) => {
    const n = name(Number(i))
    return n === undefined ? whole : `ipset(${n} `
  })
