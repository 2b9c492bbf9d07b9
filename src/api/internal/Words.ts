/**
 * Reading iproute2's command-line grammar (`ip`, `tc`, `bridge`, `wg`): a
 * cursor over the words, keywords matched by prefix as iproute2's
 * `matches()` does, and a keyword-table loop. The per-object `parse`
 * functions (`Route.parse("10.0.0.0/24 via 10.0.0.1 dev eth0")`) and the
 * `nlink` command's writing subcommands are built on it, so the library and
 * the command accept the same words.
 *
 * Every failure is a `NetlinkError` (reason Validation) whose path names the
 * command and the keyword, e.g. `route add: mtu`.
 *
 * @since 0.2.0
 */
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { invalid } from "./Common.ts"

/** A parse result: the value or the Validation error naming the keyword. */
export type Parsed<A> = A | NetlinkError

/** True when `r` is the error branch of a {@link Parsed}. */
export const isError = (r: unknown): r is NetlinkError =>
  typeof r === "object" && r !== null && (r as { readonly _tag?: unknown })._tag === "NetlinkError"

/**
 * True when `word` abbreviates `keyword`: a non-empty prefix of it at least
 * `min` characters long. iproute2 accepts any prefix and lets the first
 * keyword tried win (`ip r a` = `ip route add`); `min` lets a table require
 * more where iproute2's order would pick another keyword first.
 */
export const matches = (word: string, keyword: string, min = 1): boolean =>
  word.length >= min && word.length <= keyword.length && keyword.startsWith(word)

/**
 * A cursor over the words of one command line.
 *
 * @example
 * ```ts
 * const w = Words.of("10.0.0.0/24 via 10.0.0.1 dev eth0", "route add")
 * w.next() // "10.0.0.0/24"
 * w.accept("via") // true
 * ```
 */
export class Words {
  private at = 0
  readonly words: ReadonlyArray<string>
  /** Names the command in errors: "route add", "qdisc add htb". */
  readonly command: string
  constructor(words: ReadonlyArray<string>, command: string) {
    this.words = words
    this.command = command
  }

  /** Splits a line on whitespace (no quoting: pass an array to keep spaces in a word). */
  static of(input: string | ReadonlyArray<string>, command: string): Words {
    return new Words(typeof input === "string" ? input.split(/\s+/).filter((s) => s !== "") : input, command)
  }

  /** No words are left. */
  get done(): boolean {
    return this.at >= this.words.length
  }

  /** Index of the next word (to report where parsing stopped). */
  get position(): number {
    return this.at
  }

  /** The next word, not consumed. */
  peek(): string | undefined {
    return this.words[this.at]
  }

  /** The words not yet consumed. */
  rest(): ReadonlyArray<string> {
    return this.words.slice(this.at)
  }

  /** Consumes and returns the next word. */
  next(): string | undefined {
    return this.words[this.at++]
  }

  /** Steps back one word (after a look-ahead that did not match). */
  back(): void {
    if (this.at > 0) this.at--
  }

  /** Consumes the next word when it abbreviates `keyword` (see {@link matches}). */
  accept(keyword: string, min = 1): boolean {
    const w = this.words[this.at]
    if (w !== undefined && matches(w, keyword, min)) {
      this.at++
      return true
    }
    return false
  }

  /** Consumes the next word when it is exactly `word`. */
  acceptExact(word: string): boolean {
    if (this.words[this.at] === word) {
      this.at++
      return true
    }
    return false
  }

  /** The word after `keyword` (already consumed); fails naming the keyword when none is left. */
  value(keyword: string): Parsed<string> {
    const w = this.next()
    return w === undefined ? this.fail(keyword, `"${keyword}" needs a value`) : w
  }

  /** A Validation error whose path is `<command>: <field>`. */
  fail(field: string, message: string): NetlinkError {
    return invalid(field === "" ? this.command : `${this.command}: ${field}`, message)
  }

  /** The error for a word no keyword matched. */
  unknown(word: string, expected?: ReadonlyArray<string>): NetlinkError {
    const hint = expected && expected.length > 0 ? ` (expected one of: ${expected.join(", ")})` : ""
    return this.fail(word, `unknown keyword "${word}"${hint}`)
  }

  /** Fails unless every word was consumed. */
  end(): Parsed<void> {
    const w = this.peek()
    return w === undefined ? undefined : this.fail(w, `unexpected "${w}": nothing may follow here`)
  }
}

/**
 * An integer word: decimal, or hex with 0x as iproute2's `get_unsigned`
 * takes it, within [min, max].
 */
export const int = (w: Words, keyword: string, word: string, min = 0, max = 0xffffffff): Parsed<number> => {
  const n = /^0x[0-9a-f]+$/i.test(word)
    ? Number.parseInt(word, 16)
    : /^-?\d+$/.test(word)
      ? Number(word)
      : Number.NaN
  if (!Number.isSafeInteger(n)) return w.fail(keyword, `"${word}" is not an integer`)
  if (n < min || n > max) return w.fail(keyword, `${n} is out of range ${min}..${max}`)
  return n
}

/** The value after `keyword` as an integer in [min, max]. */
export const intValue = (w: Words, keyword: string, min = 0, max = 0xffffffff): Parsed<number> => {
  const v = w.value(keyword)
  return isError(v) ? v : int(w, keyword, v, min, max)
}

/** `on`/`off` (and iproute2's other spellings: yes/no, 1/0) after `keyword`. */
export const onOffValue = (w: Words, keyword: string): Parsed<boolean> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  switch (v) {
    case "on":
    case "yes":
    case "1":
      return true
    case "off":
    case "no":
    case "0":
      return false
  }
  return w.fail(keyword, `"${v}" is not on or off`)
}

/** One of `choices` after `keyword` (exact, as iproute2 matches enum values). */
export const choiceValue = <const C extends string>(
  w: Words,
  keyword: string,
  choices: ReadonlyArray<C>
): Parsed<C> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  return (choices as ReadonlyArray<string>).includes(v)
    ? (v as C)
    : w.fail(keyword, `"${v}" is not one of ${choices.join(", ")}`)
}

/**
 * One keyword of a table: its name (matched by prefix in table order, as
 * iproute2's if/else chains do), the shortest abbreviation accepted, and what
 * it does with the words after it.
 */
export interface Keyword<S> {
  readonly name: string
  readonly min?: number
  /** Other spellings iproute2 takes, matched exactly ("dst" for "to"). */
  readonly aliases?: ReadonlyArray<string>
  readonly parse: (w: Words, into: S) => Parsed<void>
}

/**
 * Consumes keywords from `table` until the words end or a word matches none;
 * `other` may take such a word (a bare prefix, a device name) and return
 * false to stop. The first error stops the loop and is returned.
 *
 * @example
 * ```ts
 * const into: { mtu?: number } = {}
 * keywords(Words.of("mtu 1400", "link set"), [
 *   { name: "mtu", parse: (w, s) => { const v = intValue(w, "mtu"); if (isError(v)) return v; s.mtu = v } }
 * ], into)
 * ```
 */
export const keywords = <S>(
  w: Words,
  table: ReadonlyArray<Keyword<S>>,
  into: S,
  other?: (word: string, w: Words, into: S) => Parsed<boolean>
): Parsed<void> => {
  while (!w.done) {
    const word = w.next() as string
    const k = table.find((k) => k.aliases?.includes(word) || matches(word, k.name, k.min ?? 1))
    if (k !== undefined) {
      const r = k.parse(w, into)
      if (isError(r)) return r
      continue
    }
    if (other !== undefined) {
      const r = other(word, w, into)
      if (isError(r)) return r
      if (r) continue
    }
    w.back()
    return w.unknown(
      word,
      table.map((k) => k.name)
    )
  }
  return undefined
}

/**
 * Like {@link keywords}, but a word no keyword matches ends the loop without
 * an error and is left unconsumed: for a clause inside a longer command
 * (`encap ip dst 10.0.0.1 dev eth0`: the encap clause stops at `dev`).
 */
export const keywordsUntil = <S>(w: Words, table: ReadonlyArray<Keyword<S>>, into: S): Parsed<void> => {
  while (!w.done) {
    const word = w.peek() as string
    const k = table.find((k) => k.aliases?.includes(word) || matches(word, k.name, k.min ?? 1))
    if (k === undefined) return undefined
    w.next()
    const r = k.parse(w, into)
    if (isError(r)) return r
  }
  return undefined
}
