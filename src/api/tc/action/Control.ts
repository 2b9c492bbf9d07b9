/**
 * Control actions ("what next" after an action or a filter's match), in
 * `tc`'s words: "pass" (TC_ACT_OK), "drop" (TC_ACT_SHOT), "continue"
 * (TC_ACT_UNSPEC), "reclassify", "pipe", "stolen", "queued", "repeat",
 * "redirect", "trap", "goto chain N", "jump N". Numbers the kernel has no
 * name for read back as numbers.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  TC_ACT_GOTO_CHAIN,
  TC_ACT_JUMP,
  TC_ACT_OK,
  TC_ACT_PIPE,
  TC_ACT_QUEUED,
  TC_ACT_RECLASSIFY,
  TC_ACT_REDIRECT,
  TC_ACT_REPEAT,
  TC_ACT_SHOT,
  TC_ACT_STOLEN,
  TC_ACT_TRAP,
  TC_ACT_UNSPEC
} from "../../../generated/tc-action/index.ts"

/**
 * A control action: a name, "goto chain N", "jump N", or the kernel's number.
 *
 * @example
 * ```ts
 * const c: Control.Control = "goto chain 5"
 * ```
 * @since 0.3.0
 */
export type Control = string | number

const NAMES: ReadonlyArray<readonly [string, number]> = [
  ["pass", TC_ACT_OK],
  ["ok", TC_ACT_OK],
  ["drop", TC_ACT_SHOT],
  ["shot", TC_ACT_SHOT],
  ["continue", TC_ACT_UNSPEC],
  ["reclassify", TC_ACT_RECLASSIFY],
  ["pipe", TC_ACT_PIPE],
  ["stolen", TC_ACT_STOLEN],
  ["queued", TC_ACT_QUEUED],
  ["repeat", TC_ACT_REPEAT],
  ["redirect", TC_ACT_REDIRECT],
  ["trap", TC_ACT_TRAP]
]
const BY_NAME = new Map(NAMES)
// the first name of each value is the one read back (tc prints "pass", "drop")
const BY_VALUE = new Map<number, string>()
for (const [n, v] of NAMES) if (!BY_VALUE.has(v)) BY_VALUE.set(v, n)

const EXT_MASK = 0x0fffffff

/**
 * The kernel's value of a control action, or undefined when it is not one.
 *
 * @example
 * ```ts
 * Control.parse("drop")          // 2
 * Control.parse("goto chain 5")  // 0x20000005
 * ```
 * @since 0.3.0
 */
export const parse = (c: Control): number | undefined => {
  if (typeof c === "number") return Number.isInteger(c) && c >= -1 && c <= 0x7fffffff ? c : undefined
  const named = BY_NAME.get(c)
  if (named !== undefined) return named
  const m = /^(goto chain|jump) (\d+)$/.exec(c)
  if (m === null) return undefined
  const n = Number(m[2])
  if (n > EXT_MASK) return undefined
  return (m[1] === "jump" ? TC_ACT_JUMP : TC_ACT_GOTO_CHAIN) | n
}

/**
 * The control action as `tc` names it.
 *
 * @example
 * ```ts
 * Control.format(0)          // "pass"
 * Control.format(0x10000002) // "jump 2"
 * ```
 * @since 0.3.0
 */
export const format = (v: number): Control => {
  const named = BY_VALUE.get(v)
  if (named !== undefined) return named
  const op = v & ~EXT_MASK
  if (op === TC_ACT_JUMP) return `jump ${v & EXT_MASK}`
  if (op === TC_ACT_GOTO_CHAIN) return `goto chain ${v & EXT_MASK}`
  return v
}

/**
 * The canonical form: the name the kernel's value reads back as.
 *
 * @example
 * ```ts
 * Control.canonical("ok") // "pass"
 * ```
 * @since 0.3.0
 */
export const canonical = (c: Control): Control => {
  const v = parse(c)
  return v === undefined ? c : format(v)
}

/**
 * The Schema of a control action.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Control.schema)("goto chain 1")
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Control> = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter(
    (c: Control) =>
      parse(c) !== undefined ||
      `${JSON.stringify(c)} is not a control action (pass, drop, continue, reclassify, pipe, stolen, trap, "goto chain N", "jump N")`,
    { expected: "a control action" }
  )
)
