/**
 * Word readers the per-object parsers share: addresses and prefixes checked
 * where they are read (so the error names the keyword), name-or-number
 * values through the Names tables, times as `ip route` writes them, and a
 * small helper to declare keyword table entries.
 *
 * @since 0.3.0
 */
import { AF_INET, AF_INET6 } from "../internal/Common.ts"
import { parsePrefix } from "../internal/Inet.ts"
import type { NameTable } from "../internal/Names.ts"
import { int, isError, type Keyword, type Parsed, type Words } from "../internal/Words.ts"

/** A mutable draft of the object being parsed; cast to the model type at the end. */
export type Draft = Record<string, unknown>

/**
 * A keyword table entry. `exact` makes the keyword match only when spelled
 * out (iproute2's `strcmp`), otherwise any prefix matches (its `matches`).
 */
export const kw = <S = Draft>(
  name: string,
  parse: (w: Words, into: S) => Parsed<void>,
  options: { readonly exact?: boolean; readonly aliases?: ReadonlyArray<string>; readonly min?: number } = {}
): Keyword<S> => ({
  name,
  min: options.exact === true ? name.length : (options.min ?? 1),
  ...(options.aliases === undefined ? {} : { aliases: options.aliases }),
  parse
})

/** A flag keyword that sets `field` to `value` (true by default). */
export const flag = (name: string, field: string, value: unknown = true, exact = true): Keyword<Draft> =>
  kw(
    name,
    (_w, s) => {
      s[field] = value
    },
    { exact }
  )

/** Sets `field` from a reader of the next word, failing with the reader's error. */
export const set =
  <A>(field: string, read: (w: Words, keyword: string) => Parsed<A>, keyword = field) =>
  (w: Words, s: Draft): Parsed<void> => {
    const v = read(w, keyword)
    if (isError(v)) return v
    s[field] = v
  }

/** `true` when `word` is an IPv4 or IPv6 address (no prefix length). */
export const isAddress = (word: string): boolean => {
  const p = parsePrefix(word)
  return p !== undefined && !word.includes("/")
}

/** An address after `keyword`, optionally of one family. */
export const addressValue = (w: Words, keyword: string, family?: number): Parsed<string> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  return checkAddress(w, keyword, v, family)
}

/** Checks that `word` is an address (of `family` when given). */
export const checkAddress = (w: Words, keyword: string, word: string, family?: number): Parsed<string> => {
  const p = parsePrefix(word)
  if (p === undefined || word.includes("/")) return w.fail(keyword, `"${word}" is not an IP address`)
  if (family !== undefined && family !== 0 && p.family !== family)
    return w.fail(keyword, `"${word}" is not an ${family === AF_INET ? "IPv4" : "IPv6"} address`)
  return word
}

/** A prefix ("10.0.0.0/8", a bare address, "default"/"all"/"any" as ip reads them). */
export const checkPrefix = (w: Words, keyword: string, word: string): Parsed<string> => {
  if (word === "default" || word === "all" || word === "any") return "default"
  if (parsePrefix(word) === undefined) return w.fail(keyword, `"${word}" is not a prefix`)
  return word
}

/** The family of an address or prefix word: AF_INET or AF_INET6 (0 for "default"). */
export const familyOf = (word: string): number => {
  const p = parsePrefix(word)
  return p === undefined ? 0 : p.family === AF_INET6 ? AF_INET6 : AF_INET
}

/** A value known by name or number in `table`; a known name stays a name, a number a number. */
export const namedValue =
  (table: NameTable, max = 0xffffffff) =>
  (w: Words, keyword: string): Parsed<string | number> => {
    const v = w.value(keyword)
    if (isError(v)) return v
    const n = table.number(v)
    if (n === undefined || n > max) return w.fail(keyword, `"${v}" is not a known ${keyword}`)
    return /^(0x[0-9a-f]+|\d+)$/i.test(v) ? n : v
  }

/**
 * A time as `ip route` reads rtt/rttvar/rto_min: milliseconds, with `s`,
 * `sec`, `secs`, `ms`, `msec`, `msecs` suffixes; `raw` when no unit was given.
 */
export const rttValue = (
  w: Words,
  keyword: string
): Parsed<{ readonly ms: number; readonly raw: boolean }> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const m = /^(\d+(?:\.\d*)?|0x[0-9a-f]+)([a-z]*)$/i.exec(v)
  if (m === null) return w.fail(keyword, `"${v}" is not a time`)
  const n = Number(m[1])
  const unit = m[2]!.toLowerCase()
  if (unit === "") return { ms: Math.trunc(n), raw: true }
  if (unit === "s" || unit === "sec" || unit === "secs") return { ms: Math.trunc(n * 1000), raw: false }
  if (unit === "ms" || unit === "msec" || unit === "msecs") return { ms: Math.trunc(n), raw: false }
  return w.fail(keyword, `"${v}" has an unknown time unit`)
}

/** Fails when `field` was already given (ip's "duplicate" errors). */
export const once = (w: Words, s: Draft, field: string, keyword: string): Parsed<void> =>
  s[field] !== undefined ? w.fail(keyword, `"${keyword}" given twice`) : undefined

/** Routing realms as ip reads them: `TO` or `FROM/TO` (FROM in the high 16 bits). */
export const realmsValue = (w: Words, keyword: string): Parsed<number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const parts = v.split("/")
  if (parts.length > 2) return w.fail(keyword, `"${v}" is not a realm or FROM/TO`)
  const nums: Array<number> = []
  for (const p of parts) {
    const n = int(w, keyword, p, 0, 0xffff)
    if (isError(n)) return n
    nums.push(n)
  }
  return nums.length === 2 ? ((nums[0]! << 16) | nums[1]!) >>> 0 : nums[0]!
}

/**
 * ip's `dev NAME` keyword (spelled out, as ip's `strcmp`), storing the name
 * in `field`; `aliases` are other spellings ip takes for it (`oif`, `iif`).
 */
export const devKeyword = (field = "dev", aliases?: ReadonlyArray<string>): Keyword<Draft> =>
  kw(
    "dev",
    set(field, (w, k) => w.value(k)),
    aliases === undefined ? { exact: true } : { exact: true, aliases }
  )
