/**
 * The options of a tc kind (qdisc, class, filter or action) read from
 * `tc`'s words. Most keywords are the option's field name in tc's spelling
 * (`directQlen` is `direct_qlen`), so the grammar is derived from the kind's
 * Schema fields: a boolean field is a bare flag (`ecn`; `noecn` sets it
 * false), an array field takes the words that follow (`priomap 1 2 2 ...`),
 * any other field one word, kept as a number when the field takes one
 * (`limit 100`) and as text otherwise (`rate 1mbit`, tc's units). Where
 * tc's word differs, a kind gives explicit keywords, tried first.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import { isError, matches, type Parsed, type Words } from "../../internal/Words.ts"

/**
 * Options being read: field → value, as the kind's Schema takes them.
 *
 * @example
 * ```ts
 * const into: Into = { limit: 100 }
 * ```
 */
export type Into = Record<string, unknown>

/**
 * An explicit keyword of a kind: `parse` reads the words after `name` into the options.
 *
 * @example
 * ```ts
 * const k: KindKeyword = constant("diffserv4", "diffserv", "diffserv4")
 * ```
 */
export interface KindKeyword {
  readonly name: string
  readonly min?: number
  readonly aliases?: ReadonlyArray<string>
  readonly parse: (w: Words, into: Into) => Parsed<void>
}

/**
 * The part of a kind descriptor the grammar reads.
 *
 * @example
 * ```ts
 * const k: KindFields = { kind: "pfifo", fields: pfifo.fields }
 * ```
 */
export interface KindFields {
  readonly kind: string
  readonly fields: Schema.Struct.Fields
}

type Shape = "flag" | "list" | "value"

interface Field {
  readonly name: string
  readonly keyword: string
  readonly shape: Shape
  readonly is: (v: unknown) => boolean
}

/**
 * camelCase field name → tc's keyword (`directQlen` → `direct_qlen`).
 *
 * @example
 * ```ts
 * keywordOf("directQlen") // "direct_qlen"
 * ```
 */
export const keywordOf = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

// an array type, possibly optional (a union with undefined)
const isArray = (ast: any): boolean =>
  ast?._tag === "Arrays" || (ast?._tag === "Union" && (ast.types as ReadonlyArray<unknown>).some(isArray))

const cache = new WeakMap<Schema.Struct.Fields, ReadonlyArray<Field>>()

const fieldsOf = (fields: Schema.Struct.Fields): ReadonlyArray<Field> => {
  let out = cache.get(fields)
  if (out !== undefined) return out
  out = Object.entries(fields).map(([name, s]) => {
    const check = Schema.is(Schema.Struct({ [name]: s as any }) as any) as (u: unknown) => boolean
    const is = (v: unknown) => check({ [name]: v })
    const shape: Shape =
      is(true) || is(false) ? "flag" : !(is(1) || is("1")) && isArray((s as any).ast) ? "list" : "value"
    return { name, keyword: keywordOf(name), shape, is }
  })
  cache.set(fields, out)
  return out
}

const NUMBER = /^(-?\d+(\.\d*)?|-?\.\d+)(e-?\d+)?$/i
const HEX = /^0x[0-9a-f]+$/i

/**
 * A word as a number when it is one (decimal or 0x hex), else undefined.
 *
 * @example
 * ```ts
 * numberOf("0x10") // 16
 * numberOf("1mbit") // undefined
 * ```
 */
export const numberOf = (word: string): number | undefined =>
  HEX.test(word) ? Number.parseInt(word, 16) : NUMBER.test(word) ? Number(word) : undefined

/**
 * The value of one word as `accepts` takes it: a number when it reads as one and is accepted, else the text.
 *
 * @example
 * ```ts
 * wordValue("100", (v) => typeof v === "number") // 100
 * ```
 */
export const wordValue = (word: string, accepts: (v: unknown) => boolean): unknown => {
  const n = numberOf(word)
  if (n !== undefined && accepts(n)) return n
  if (accepts(word)) return word
  return undefined
}

/** Reads one value word for `field`, checked against its Schema. */
const readValue = (w: Words, keyword: string, accepts: (v: unknown) => boolean): Parsed<unknown> => {
  const word = w.value(keyword)
  if (isError(word)) return word
  const v = wordValue(word, accepts)
  return v === undefined ? w.fail(keyword, `"${word}" is not a valid ${keyword}`) : v
}

// an array's items: the words up to the next keyword (numbers where they read as numbers), checked whole
const readList = (w: Words, f: Field, isKeyword: (word: string) => boolean): Parsed<unknown> => {
  const words: Array<string> = []
  while (!w.done && !isKeyword(w.peek() as string)) words.push(w.next() as string)
  if (words.length === 0) return w.fail(f.keyword, `"${f.keyword}" needs a value`)
  const numbers = words.map((x) => numberOf(x) ?? x)
  if (f.is(numbers)) return numbers
  if (f.is(words)) return words
  return w.fail(f.keyword, `"${words.join(" ")}" is not a valid ${f.keyword}`)
}

/**
 * Reads a kind's options from the words until they end or `stop` says a
 * word belongs to what follows (`action`, handled by the caller); `open`
 * stops at the first word that is no keyword of the kind instead of failing
 * (an action inside a filter: the filter's words may follow).
 * Explicit keywords are tried before the derived ones; abbreviations are
 * taken as tc takes them only for explicit keywords (tc's kinds compare
 * option words whole, with `matches` only where noted).
 *
 * @example
 * ```ts
 * const o = options(Words.of("limit 100", "qdisc add pfifo"), pfifo)
 * // { limit: 100 }
 * ```
 * @since 0.4.0
 */
export const options = (
  w: Words,
  kind: KindFields,
  explicit: ReadonlyArray<KindKeyword> = [],
  stop: (word: string) => boolean = () => false,
  open = false
): Parsed<Into> => {
  const into: Into = {}
  const derived = fieldsOf(kind.fields)
  const findExplicit = (word: string) =>
    explicit.find((k) => k.aliases?.includes(word) || matches(word, k.name, k.min ?? k.name.length))
  const findDerived = (word: string): readonly [Field, boolean] | undefined => {
    const f = derived.find((f) => f.keyword === word)
    if (f !== undefined) return [f, true]
    if (word.startsWith("no")) {
      const g = derived.find((f) => f.shape === "flag" && f.keyword === word.slice(2))
      if (g !== undefined) return [g, false]
    }
    return undefined
  }
  const isKeyword = (word: string) =>
    stop(word) || findExplicit(word) !== undefined || findDerived(word) !== undefined
  while (!w.done) {
    const word = w.peek() as string
    if (stop(word)) break
    w.next()
    const k = findExplicit(word)
    if (k !== undefined) {
      const r = k.parse(w, into)
      if (isError(r)) return r
      continue
    }
    const d = findDerived(word)
    if (d === undefined) {
      w.back()
      if (open) break
      return w.unknown(word, [...new Set([...explicit.map((k) => k.name), ...derived.map((f) => f.keyword)])])
    }
    const [f, on] = d
    if (f.shape === "flag") {
      into[f.name] = on
      continue
    }
    const v = f.shape === "list" ? readList(w, f, isKeyword) : readValue(w, f.keyword, f.is)
    if (isError(v)) return v
    into[f.name] = v
  }
  return into
}

/**
 * An explicit keyword that sets `field` from one value word checked by the kind's Schema.
 *
 * @example
 * ```ts
 * valueAs(tbf, "buffer", "burst") // tbf's `buffer 10k` sets burst
 * ```
 */
export const valueAs = (
  kind: KindFields,
  name: string,
  field: string,
  aliases?: ReadonlyArray<string>
): KindKeyword => {
  const f = fieldsOf(kind.fields).find((f) => f.name === field)
  if (f === undefined) throw new Error(`${kind.kind} has no field ${field}`)
  return {
    name,
    ...(aliases === undefined ? {} : { aliases }),
    parse: (w, into) => {
      const v = readValue(w, name, f.is)
      if (isError(v)) return v
      into[field] = v
    }
  }
}

/**
 * An explicit keyword that sets `field` to a constant (`diffserv4` → diffserv "diffserv4").
 *
 * @example
 * ```ts
 * constant("nonat", "nat", false)
 * ```
 */
export const constant = (name: string, field: string, value: unknown): KindKeyword => ({
  name,
  parse: (_w, into) => {
    into[field] = value
  }
})

/**
 * An explicit keyword whose value is hexadecimal without 0x, as tc reads htb's and hfsc's `default`.
 *
 * @example
 * ```ts
 * hexValue("default", "default") // htb's `default 20` is 0x20
 * ```
 */
export const hexValue = (name: string, field: string, max = 0xffffffff): KindKeyword => ({
  name,
  parse: (w, into) => {
    const word = w.value(name)
    if (isError(word)) return word
    const n = /^(0x)?[0-9a-f]+$/i.test(word) ? Number.parseInt(word.replace(/^0x/i, ""), 16) : Number.NaN
    if (!Number.isSafeInteger(n) || n > max)
      return w.fail(name, `"${word}" is not a hexadecimal number up to ${max.toString(16)}`)
    into[field] = n
  }
})
