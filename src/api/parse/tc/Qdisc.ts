/**
 * `tc qdisc add|del|replace|change` words → the library's Qdisc: `dev eth0
 * root handle 1: htb default 10`. The
 * words before the kind are tc's (`dev`, `root`, `ingress`, `clsact`,
 * `parent`, `handle`, `ingress_block`, `egress_block`); the first
 * other word is the kind and the rest its options
 * (src/api/parse/tc/Options.ts and QdiscKinds.ts).
 *
 * @since 0.4.0
 */
import { intValue, isError, type Parsed, Words } from "../../internal/Words.ts"
import type * as Qdisc from "../../Qdisc.ts"
import * as Handle from "../../tc/Handle.ts"
import { qdiscKinds } from "../../tc/registry.ts"
import { options } from "./Options.ts"
import { qdiscKeywords } from "./QdiscKinds.ts"

type Mutable = Record<string, unknown>

/**
 * A handle word as tc reads it (`1:`, `1:10`, `ffff:`; `1` is the qdisc `1:`).
 *
 * @example
 * ```ts
 * handleValue(Words.of("1", "qdisc add"), "handle", true) // "1:"
 * ```
 */
export const handleValue = (w: Words, keyword: string, qdisc: boolean): Parsed<string> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const text = qdisc && /^[0-9a-f]+$/i.test(v) ? `${v}:` : v
  if (v === "root" || v === "none" || Handle.parse(text) === undefined)
    return w.fail(keyword, `"${v}" is not a handle (MAJOR:MINOR in hexadecimal)`)
  return text
}

/**
 * The kind's options after its name, read into `into.options` (none when no words follow).
 *
 * @example
 * ```ts
 * kindOptions(Words.of("limit 100", "qdisc add"), "pfifo", qdiscKinds, qdiscKeywords, into, "qdisc")
 * ```
 */
export const kindOptions = (
  w: Words,
  kind: string,
  registry: ReadonlyArray<{ readonly kind: string; readonly fields: object }>,
  explicit: Readonly<Record<string, ReadonlyArray<import("./Options.ts").KindKeyword>>>,
  into: Mutable,
  what: string
): Parsed<void> => {
  const k = registry.find((k) => k.kind === kind)
  if (k === undefined)
    return w.fail("", `unknown ${what} kind "${kind}" (known: ${registry.map((k) => k.kind).join(", ")})`)
  if (w.done) return undefined
  const kw = new Words(w.rest(), `${w.command} ${kind}`)
  const o = options(kw, k as any, explicit[kind] ?? [])
  if (isError(o)) return o
  into.options = o
  for (let i = 0; i < kw.position; i++) w.next()
  return undefined
}

/**
 * The words of a qdisc command after `tc qdisc add` (or del/replace/change)
 * as the object the library takes; `kind: undefined` when the words name
 * none (`tc qdisc del dev eth0 root`: remove what is there).
 *
 * @example
 * ```ts
 * parseWords("dev eth0 root", "qdisc del") // { dev: "eth0", parent: "root" }
 * ```
 */
export const parseWords = (
  input: string | ReadonlyArray<string>,
  command = "qdisc add"
): Parsed<Omit<Qdisc.Qdisc, "kind"> & { readonly kind?: string }> => {
  const w = Words.of(input, command)
  const q: Mutable = {}
  while (!w.done) {
    const word = w.next() as string
    if (word === "dev") {
      const d = w.value("dev")
      if (isError(d)) return d
      q.dev = d
    } else if (word === "root") q.parent = "root"
    else if (word === "ingress" || word === "clsact") {
      if (q.parent !== undefined) return w.fail(word, `"${word}" and a parent are given`)
      q.kind = word
      break
    } else if (word === "parent") {
      const p = handleValue(w, "parent", false)
      if (isError(p)) return p
      q.parent = p
    } else if (word === "handle") {
      const h = handleValue(w, "handle", true)
      if (isError(h)) return h
      q.handle = h
    } else if (word === "ingress_block" || word === "egress_block") {
      const b = intValue(w, word, 1, 0xfffffffe)
      if (isError(b)) return b
      q[word === "ingress_block" ? "ingressBlock" : "egressBlock"] = b
    } else {
      q.kind = word
      break
    }
  }
  if (q.dev === undefined) return w.fail("dev", "a device is required (dev NAME)")
  if (q.kind === undefined) return q as any
  const r = kindOptions(w, q.kind as string, qdiscKinds, qdiscKeywords, q, "qdisc")
  if (isError(r)) return r
  const end = w.end()
  if (isError(end)) return end
  return q as any
}

/**
 * A qdisc from `tc qdisc add` words (what follows `tc qdisc add`).
 *
 * @example
 * ```ts
 * const q = parse("dev eth0 root handle 1: htb default 10")
 * // { dev: "eth0", parent: "root", handle: "1:", kind: "htb", options: { default: 0x10 } }
 * ```
 * @since 0.4.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "qdisc add"): Parsed<Qdisc.Qdisc> => {
  const q = parseWords(input, command)
  if (isError(q)) return q
  if (q.kind === undefined)
    return Words.of([], command).fail("", "a qdisc kind is required (htb, tbf, netem ...)")
  return q as Qdisc.Qdisc
}
