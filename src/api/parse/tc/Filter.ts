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

/** Each filter kind's words beyond those spelled as its Schema fields. */
const grammar = (kind: string): ReadonlyArray<KindKeyword> => {
  const k = kindOf(kind)!
  const classid = valueAs(k, "classid", "classid", ["flowid"])
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
        classid,
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
        classid,
        valueAs(k, "type", "icmpType"),
        valueAs(k, "code", "icmpCode"),
        valueAs(k, "vlan_ethtype", "vlanEthType"),
        valueAs(k, "cvlan_ethtype", "cvlanEthType")
      ]
    case "bpf":
      return [classid, constant("da", "directAction", true), constant("direct-action", "directAction", true)]
    default:
      return [classid]
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
