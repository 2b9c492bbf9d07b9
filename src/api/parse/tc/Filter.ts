/**
 * `tc filter add|del|replace|change` words → the library's Filter: `dev
 * eth0 ingress protocol ip pref 10 flower ip_proto tcp dst_port 80 action
 * drop`, `dev eth0 parent 1: protocol ip u32 match ip src 1.2.3.4/32 flowid
 * 1:1`. Before the kind: `dev`/`block`, `parent`/`root`/`ingress`/
 * `egress`, `protocol`, `pref`/`priority`/`prio`, `chain`, `handle`; the
 * kind's words after it, with `action ...` lists anywhere among them
 * (src/api/parse/tc/Action.ts).
 *
 * @since 0.4.0
 */
import type * as Filter from "../../Filter.ts"
import { isError, type Parsed, Words } from "../../internal/Words.ts"
import * as Ematch from "../../tc/filter/Ematch.ts"
import { filterKinds } from "../../tc/filter/registry.ts"
import { parseAction } from "./Action.ts"
import { constant, type Into, type KindKeyword, numberOf, options, valueAs } from "./Options.ts"

const intWord = (w: Words, keyword: string, min = 0, max = 0xffffffff): Parsed<number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const n = numberOf(v)
  if (n === undefined || !Number.isInteger(n)) return w.fail(keyword, `"${v}" is not an integer`)
  if (n < min || n > max) return w.fail(keyword, `${n} is out of range ${min}..${max}`)
  return n
}

const kindOf = (kind: string) => filterKinds.find((k) => k.kind === kind)

// u32's selector keywords: `match` takes the words up to the next of these
const U32_WORDS = new Set([
  "match",
  "classid",
  "flowid",
  "divisor",
  "ht",
  "link",
  "hashkey",
  "indev",
  "skip_hw",
  "skip_sw",
  "action",
  "actions"
])

const handleText = (name: string, field: string): KindKeyword => ({
  name,
  parse: (w, into) => {
    const v = w.value(name)
    if (isError(v)) return v
    // tc writes a bucket as `2:a:`; the library reads `2:a`
    into[field] = (v.match(/:/g) ?? []).length === 2 && v.endsWith(":") ? v.slice(0, -1) : v
  }
})

// the words that continue an ematch expression after a complete one
const EMATCH_JOINS = new Set(["and", "or", "&&", "||"])

/**
 * `match EXPR`: the ematch expression may span words (`meta(nf_mark eq 5)
 * and cmp(...)`, as tc joins its arguments); it ends after the shortest run
 * of words that Ematch reads whole and that no `and`/`or` continues.
 */
const ematch: KindKeyword = {
  name: "match",
  parse: (w, into) => {
    const words: Array<string> = []
    let bad: string | undefined = '"match" needs an ematch expression'
    while (!w.done) {
      words.push(w.next() as string)
      bad = Ematch.check(words.join(" "))
      if (bad === undefined && !EMATCH_JOINS.has(w.peek() ?? "")) break
    }
    if (bad !== undefined) return w.fail("match", `"${words.join(" ")}" is not an ematch expression: ${bad}`)
    into.match = words.join(" ")
  }
}

const u32Word = (w: Words, keyword: string): Parsed<number> => intWord(w, keyword)

// flow's `addend`: a number or (for address keys) an IPv4/IPv6 address, either after an optional "-"
const ADDRESS_KEYS = new Set(["src", "dst", "nfct-src", "nfct-dst"])
const addendOf = (word: string, keys: ReadonlyArray<string>): number | undefined => {
  const negative = word.startsWith("-")
  const text = negative ? word.slice(1) : word
  let n = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? numberOf(text) : undefined
  if (n !== undefined && n > 0xffffffff) return undefined
  if (n === undefined && keys.some((k) => ADDRESS_KEYS.has(k))) {
    const v4 = text.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/)
    if (v4?.slice(1).every((x) => Number(x) <= 255)) n = v4!.slice(1).reduce((a, x) => a * 256 + Number(x), 0)
    else if (text.includes(":")) {
      // an IPv6 address adds its last 32 bits, as tc does
      const groups = ipv6Groups(text)
      if (groups !== undefined) n = (groups[6]! * 0x10000 + groups[7]!) >>> 0
    }
  }
  if (n === undefined) return undefined
  return negative ? (0x100000000 - n) % 0x100000000 : n
}

const ipv6Groups = (s: string): Array<number> | undefined => {
  const halves = s.split("::")
  if (halves.length > 2) return undefined
  const part = (x: string) => (x === "" ? [] : x.split(":"))
  const head = part(halves[0]!)
  const tail = halves.length === 2 ? part(halves[1]!) : []
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0
  const all = [...head, ...Array<string>(Math.max(fill, 0)).fill("0"), ...tail]
  if (all.length !== 8 || (halves.length === 2 && fill < 1)) return undefined
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined
  return all.map((g) => Number.parseInt(g, 16))
}

const FLOW_KEYS = new Set([
  "src",
  "dst",
  "proto",
  "proto-src",
  "proto-dst",
  "iif",
  "priority",
  "mark",
  "nfct",
  "nfct-src",
  "nfct-dst",
  "nfct-proto-src",
  "nfct-proto-dst",
  "rt-classid",
  "sk-uid",
  "sk-gid",
  "vlan-tag",
  "rxhash"
])

/** flow's words: `map key KEY [and|or|xor|rshift|addend N]...` or `hash keys K1,K2,...`, then divisor, perturb, baseclass, match. */
const flowGrammar = (k: ReturnType<typeof kindOf> & object): ReadonlyArray<KindKeyword> => {
  // the map operations fold into mask and xor as tc folds them
  const op = (name: string, apply: (mask: number, xor: number, v: number) => readonly [number, number]) => ({
    name,
    parse: (w: Words, into: Into) => {
      const v = u32Word(w, name)
      if (isError(v)) return v
      const [mask, xor] = apply((into.mask as number) ?? 0xffffffff, (into.xor as number) ?? 0, v)
      into.mask = mask >>> 0
      into.xor = xor >>> 0
    }
  })
  return [
    constant("map", "mode", "map"),
    constant("hash", "mode", "hash"),
    {
      name: "keys",
      min: 3,
      parse: (w, into) => {
        const v = w.value("keys")
        if (isError(v)) return v
        const keys = v.split(",")
        const bad = keys.find((x) => !FLOW_KEYS.has(x))
        if (bad !== undefined) return w.fail("keys", `"${bad}" is not a flow key`)
        if (into.mode === "map" && keys.length > 1) return w.fail("keys", "map mode takes one key")
        into.keys = keys
      }
    },
    op("and", (m, x, v) => [m & v, x & v]),
    op("or", (m, x, v) => [m & ~v, x | v]),
    op("xor", (m, x, v) => [m, x ^ v]),
    {
      name: "rshift",
      parse: (w, into) => {
        const v = intWord(w, "rshift", 0, 31)
        if (isError(v)) return v
        into.rshift = v
      }
    },
    {
      name: "addend",
      parse: (w, into) => {
        const v = w.value("addend")
        if (isError(v)) return v
        const n = addendOf(v, (into.keys as Array<string>) ?? [])
        if (n === undefined)
          return w.fail("addend", `"${v}" is not a number or (for an address key) an address`)
        into.addend = n
      }
    },
    valueAs(k, "baseclass", "baseclass"),
    ematch
  ]
}

// flower's `mpls lse depth D [label L] [tc T] [bos B] [ttl T] [lse ...]`
const LSE_FIELDS: Readonly<Record<string, readonly [string, number]>> = {
  depth: ["depth", 255],
  label: ["label", 0xfffff],
  tc: ["tc", 7],
  bos: ["bos", 1],
  ttl: ["ttl", 0xff]
}
const mplsStack: KindKeyword = {
  name: "mpls",
  parse: (w, into) => {
    const lses: Array<Record<string, number>> = []
    while (w.peek() === "lse") {
      w.next()
      const lse: Record<string, number> = {}
      for (let word = w.peek(); word !== undefined && LSE_FIELDS[word] !== undefined; word = w.peek()) {
        w.next()
        const [field, max] = LSE_FIELDS[word]!
        const n = intWord(w, `mpls lse ${word}`, field === "depth" ? 1 : 0, max)
        if (isError(n)) return n
        lse[field] = n
      }
      if (lse.depth === undefined) return w.fail("mpls lse", '"lse" needs "depth N"')
      lses.push(lse)
    }
    if (lses.length === 0) return w.fail("mpls", '"mpls" is followed by "lse depth N ..."')
    into.mpls = lses
  }
}

// flower's `cfm [mdl LEVEL] [op OPCODE]` (newer tc's words for the CFM key)
const cfmKey: KindKeyword = {
  name: "cfm",
  parse: (w, into) => {
    const cfm: Record<string, number> = {}
    for (let word = w.peek(); word === "mdl" || word === "op"; word = w.peek()) {
      w.next()
      const n = intWord(w, `cfm ${word}`, 0, word === "mdl" ? 7 : 0xff)
      if (isError(n)) return n
      cfm[word === "mdl" ? "mdl" : "opcode"] = n
    }
    if (Object.keys(cfm).length === 0)
      return w.fail("cfm", '"cfm" is followed by "mdl LEVEL" and/or "op OPCODE"')
    into.cfm = cfm
  }
}

/** Each filter kind's words beyond those spelled as its Schema fields. */
const grammar = (kind: string): ReadonlyArray<KindKeyword> => {
  const k = kindOf(kind)!
  const classid =
    "classid" in k.fields ? [valueAs(k, "classid", "classid", ["flowid"])] : ([] as Array<KindKeyword>)
  switch (kind) {
    case "u32":
      return [
        {
          name: "match",
          parse: (w, into) => {
            const words: Array<string> = []
            while (!w.done && !U32_WORDS.has(w.peek() as string)) words.push(w.next() as string)
            if (words.length === 0) return w.fail("match", '"match" needs a selector (ip src 10.0.0.0/8)')
            into.match = [...((into.match as Array<string>) ?? []), words.join(" ")]
          }
        },
        ...classid,
        handleText("ht", "ht"),
        handleText("link", "link"),
        {
          name: "hashkey",
          parse: (w, into) => {
            if (!w.acceptExact("mask"))
              return w.fail("hashkey", '"hashkey" is followed by "mask MASK at OFFSET"')
            const mask = intWord(w, "hashkey mask")
            if (isError(mask)) return mask
            // `at OFFSET` may be left out: tc then hashes at offset 0
            let at = 0
            if (w.acceptExact("at")) {
              const n = intWord(w, "hashkey at", -32768, 32767)
              if (isError(n)) return n
              at = n
            }
            into.hashkey = { mask, at }
          }
        }
      ]
    case "flower":
      return [
        ...classid,
        valueAs(k, "type", "icmpType"),
        valueAs(k, "code", "icmpCode"),
        valueAs(k, "vlan_ethtype", "vlanEthType"),
        valueAs(k, "cvlan_ethtype", "cvlanEthType"),
        valueAs(k, "vxlan_opts", "vxlanGbp"),
        mplsStack,
        cfmKey
      ]
    case "bpf":
      return [
        ...classid,
        constant("da", "directAction", true),
        constant("direct-action", "directAction", true),
        valueAs(k, "object-pinned", "pinned", ["pinned"])
      ]
    case "flow":
      return flowGrammar(k)
    case "basic":
    case "cgroup":
      return [...classid, ematch]
    default:
      return classid
  }
}

/**
 * The words of a filter command after `tc filter add` (or del/replace/
 * change); `kind: undefined` when the words name none (`tc filter del dev
 * eth0 ingress pref 10`).
 *
 * @example
 * ```ts
 * parseWords("dev eth0 ingress pref 10", "filter del") // { dev: "eth0", parent: "ingress", priority: 10 }
 * ```
 */
export const parseWords = (
  input: string | ReadonlyArray<string>,
  command = "filter add"
): Parsed<Omit<Filter.Filter, "kind"> & { readonly kind?: string }> => {
  const w = Words.of(input, command)
  const f: Into = {}
  let kind: string | undefined
  while (!w.done) {
    const word = w.next() as string
    if (word === "dev") {
      const d = w.value("dev")
      if (isError(d)) return d
      f.dev = d
    } else if (word === "block") {
      const b = intWord(w, "block", 1, 0xfffffffe)
      if (isError(b)) return b
      f.block = b
    } else if (word === "root") f.parent = "root"
    else if (word === "ingress" || word === "egress") f.parent = word
    else if (word === "parent") {
      const p = w.value("parent")
      if (isError(p)) return p
      f.parent = p
    } else if (word === "protocol") {
      const p = w.value("protocol")
      if (isError(p)) return p
      f.protocol = /^(0x[0-9a-f]+|\d+)$/i.test(p) ? numberOf(p) : p
    } else if (word === "pref" || word === "priority" || word === "prio") {
      const n = intWord(w, "pref", 1, 0xffff)
      if (isError(n)) return n
      f.priority = n
    } else if (word === "chain") {
      const n = intWord(w, "chain")
      if (isError(n)) return n
      f.chain = n
    } else if (word === "handle") {
      const h = w.value("handle")
      if (isError(h)) return h
      f.handle = h
    } else {
      kind = word
      break
    }
  }
  if (f.dev === undefined && f.block === undefined)
    return w.fail("dev", "a device (dev NAME) or a block (block N) is required")
  if (kind === undefined) return f as any
  const k = kindOf(kind)
  if (k === undefined)
    return w.fail("", `unknown filter kind "${kind}" (known: ${filterKinds.map((k) => k.kind).join(", ")})`)
  f.kind = kind
  const inner = new Words(w.rest(), `${command} ${kind}`)
  const opts: Into = {}
  const actions: Array<unknown> = []
  const isAction = (word: string) => word === "action" || word === "actions"
  while (!inner.done) {
    if (isAction(inner.peek() as string)) {
      inner.next()
      const a = parseAction(inner)
      if (isError(a)) return a
      actions.push(a)
      continue
    }
    const o = options(inner, k, grammar(kind), isAction)
    if (isError(o)) return o
    Object.assign(opts, o)
  }
  if (kind === "fw" && typeof f.handle === "string" && f.handle.includes("/")) {
    // fw's handle is the mark, with the mask after a slash
    const [h, m] = f.handle.split("/")
    const mark = numberOf(h!)
    const mask = numberOf(m!)
    if (mark === undefined || mask === undefined) return w.fail("handle", `"${f.handle}" is not MARK/MASK`)
    f.handle = mark
    opts.mask = mask
  }
  if (Object.keys(opts).length > 0) f.options = opts
  if (actions.length > 0) f.actions = actions
  return f as any
}

/**
 * A filter from `tc filter add` words.
 *
 * @example
 * ```ts
 * const f = parse("dev eth0 ingress protocol ip pref 1 flower ip_proto tcp dst_port 80 action drop")
 * ```
 * @since 0.4.0
 */
export const parse = (
  input: string | ReadonlyArray<string>,
  command = "filter add"
): Parsed<Filter.Filter> => {
  const f = parseWords(input, command)
  if (isError(f)) return f
  if (f.kind === undefined)
    return Words.of([], command).fail("", "a filter kind is required (u32, flower, matchall ...)")
  return f as Filter.Filter
}
