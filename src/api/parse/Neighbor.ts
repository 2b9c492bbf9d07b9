/**
 * `ip neigh add|del|replace|get|flush` words → a {@link Neighbor}, with
 * iproute2's keywords (ip/ipneigh.c's ipneigh_modify).
 *
 * @since 0.3.0
 */
import * as Names from "../internal/Names.ts"
import { isError, type Keyword, keywords, matches, type Parsed, Words } from "../internal/Words.ts"
import type { Neighbor } from "../Neighbor.ts"
import { checkAddress, type Draft, kw, namedValue, once, set, devKeyword } from "./Common.ts"

// nud_state_a2n: which state names match by prefix, which exactly, in ip's order
const STATES: ReadonlyArray<readonly [string, boolean]> = [
  ["permanent", false],
  ["reachable", false],
  ["noarp", true],
  ["none", true],
  ["stale", true],
  ["incomplete", true],
  ["delay", true],
  ["probe", true],
  ["failed", false]
]
const STATE_BITS = [
  "incomplete",
  "reachable",
  "stale",
  "delay",
  "probe",
  "failed",
  "noarp",
  "permanent"
] as const

/** A NUD state word: a name, or one state bit as a number (ip's nud_state_a2n). */
export const stateWord = (w: Words, keyword: string, v: string): Parsed<string> => {
  for (const [name, exact] of STATES) if (exact ? v === name : matches(v, name)) return name
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : Number.NaN
  if (Number.isInteger(n) && n === 0) return "none"
  if (Number.isInteger(n) && n > 0 && n < 0x100 && (n & (n - 1)) === 0)
    return STATE_BITS[Math.log2(n)] as string
  return w.fail(keyword, `"${v}" is not a NUD state`)
}

const flagOf =
  (name: string) =>
  (_w: Words, s: Draft): Parsed<void> => {
    const flags = (s.flags ??= []) as Array<string>
    if (!flags.includes(name)) flags.push(name)
  }

const address = (w: Words, s: Draft, keyword: string, v: string): Parsed<void> => {
  const dup = once(w, s, "address", keyword)
  if (isError(dup)) return dup
  const a = checkAddress(w, keyword, v)
  if (isError(a)) return a
  s.address = a
}

const table: ReadonlyArray<Keyword<Draft>> = [
  kw("lladdr", (w, s) => {
    const dup = once(w, s, "lladdr", "lladdr")
    if (isError(dup)) return dup
    const v = w.value("lladdr")
    if (isError(v)) return v
    if (v === "null") return
    if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2})*$/i.test(v))
      return w.fail("lladdr", `"${v}" is not a link-layer address`)
    s.lladdr = v
  }),
  kw(
    "nud",
    (w, s) => {
      const v = w.value("nud")
      if (isError(v)) return v
      const st = stateWord(w, "nud", v)
      if (isError(st)) return st
      s.state = st
    },
    { exact: true }
  ),
  kw("proxy", (w, s) => {
    const v = w.value("proxy")
    if (isError(v)) return v
    s.proxy = true
    s.$dev = true
    return address(w, s, "proxy", v)
  }),
  kw("router", flagOf("router"), { exact: true }),
  kw("use", flagOf("use"), { exact: true }),
  kw("managed", flagOf("managed"), { exact: true }),
  kw("extern_learn", flagOf("externLearn")),
  kw(
    "dev",
    (w, s) => {
      const v = w.value("dev")
      if (isError(v)) return v
      s.dev = v
    },
    { exact: true }
  ),
  kw("protocol", set("protocol", namedValue(Names.protocol, 255)))
]

/**
 * Reads the words of `ip neigh add|del|replace|get` (after the verb) into a
 * {@link Neighbor}: `[to] ADDR`, `lladdr`, `nud STATE`, `proxy ADDR`,
 * `router`, `use`, `managed`, `extern_learn`, `dev`, `protocol`. A proxy
 * entry has `proxy: true` (Neighbor.addProxy/removeProxy take it).
 *
 * @example
 * ```ts
 * Neighbor.parse("10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0 nud reachable")
 * // { address: "10.0.0.2", lladdr: "02:00:00:00:00:02", dev: "eth0", state: "reachable" }
 * ```
 * @since 0.3.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "neigh add"): Parsed<Neighbor> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, table, s, (word, w, s) => {
    const v = word === "to" ? w.next() : word
    if (v === undefined) return w.fail("to", `"to" needs a value`)
    const a = address(w, s, "to", v)
    if (isError(a))
      return word === v && s.address === undefined
        ? w.unknown(
            word,
            table.map((k) => k.name)
          )
        : a
    return true
  })
  if (isError(r)) return r
  if (s.address === undefined || (s.dev === undefined && s.$dev === undefined))
    return w.fail("", "Device and destination are required arguments")
  const { $dev: _, ...out } = s
  return out as unknown as Neighbor
}

/**
 * Reads `ip neigh flush` selectors: `dev`, `nud STATE` (repeatable; `all`),
 * `to PREFIX`/a bare address, `proxy`. Without `nud`, permanent and noarp
 * entries are kept, as ip keeps them.
 *
 * @example
 * ```ts
 * Neighbor.parseFlush("dev eth0 nud stale")
 * // { dev: "eth0", states: ["stale"] }
 * ```
 * @since 0.3.0
 */
export const parseFlush = (
  input: string | ReadonlyArray<string>,
  command = "neigh flush"
): Parsed<{
  readonly dev?: string
  readonly states?: ReadonlyArray<string>
  readonly address?: string
  readonly proxy?: boolean
}> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords<Draft>(
    w,
    [
      devKeyword(),
      kw(
        "nud",
        (w, s) => {
          const v = w.value("nud")
          if (isError(v)) return v
          const states = (s.states ??= []) as Array<string>
          if (v === "all") {
            states.push(...STATE_BITS, "none")
            return
          }
          const st = stateWord(w, "nud", v)
          if (isError(st)) return st
          states.push(st)
        },
        { exact: true }
      ),
      kw(
        "proxy",
        (_w, s) => {
          s.proxy = true
        },
        { exact: true }
      )
    ],
    s,
    (word, w, s) => {
      const v = word === "to" ? w.next() : word
      if (v === undefined) return w.fail("to", `"to" needs a value`)
      const a = checkAddress(w, "to", v)
      if (isError(a)) return a
      s.address = a
      return true
    }
  )
  if (isError(r)) return r
  if (Object.keys(s).length === 0) return w.fail("", "flush requires arguments")
  return s
}
