/**
 * Traffic control handles in `tc`'s notation: `"1:"` (major 1, a qdisc),
 * `"1:10"` (class 0x10 of qdisc 1; both halves hexadecimal), `":10"`,
 * `"root"`, `"ingress"` / `"clsact"` (ffff:fff1, where the ingress and clsact
 * qdiscs hang), `"none"` (0); or the 32-bit number itself.
 *
 * @example
 * ```ts
 * Handle.parse("1:10")     // 0x00010010
 * Handle.format(0x10010)   // "1:10"
 * Handle.format(0xffffffff) // "root"
 * ```
 * @since 0.3.0
 */
import { TC_H_MIN_EGRESS, TC_H_MIN_INGRESS } from "../../generated/tc-filter/index.ts"
import * as Schema from "effect/Schema"

/**
 * A handle as text in `tc`'s notation or as its 32-bit number.
 *
 * @example
 * ```ts
 * const h: Handle.Handle = "1:10"
 * ```
 * @since 0.3.0
 */
export type Handle = string | number

/** TC_H_ROOT. */
export const ROOT = 0xffffffff
/** TC_H_INGRESS (= TC_H_CLSACT). */
export const INGRESS = 0xfffffff1
/** TC_H_UNSPEC. */
export const NONE = 0
/** Where filters hang on a clsact/ingress qdisc: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS). */
export const FILTER_INGRESS = (0xffff0000 | TC_H_MIN_INGRESS) >>> 0
/** TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS). */
export const FILTER_EGRESS = (0xffff0000 | TC_H_MIN_EGRESS) >>> 0

/**
 * The handle's number, or undefined when `tc` would refuse it (get_tc_classid:
 * hexadecimal halves below 0x10000; text without a colon is the whole
 * handle in hexadecimal).
 *
 * @example
 * ```ts
 * Handle.parse("ffff:")  // 0xffff0000
 * Handle.parse("root")   // 0xffffffff
 * Handle.parse(65536)    // 65536
 * ```
 * @since 0.3.0
 */
export const parse = (h: Handle): number | undefined => {
  if (typeof h === "number") return Number.isInteger(h) && h >= 0 && h <= 0xffffffff ? h : undefined
  switch (h) {
    case "root":
      return ROOT
    case "none":
      return NONE
    case "ingress":
    case "clsact":
      return INGRESS
  }
  const m = /^([0-9a-f]{0,8})(?::([0-9a-f]{0,8}))?$/i.exec(h)
  if (m === null || h === "") return undefined
  if (m[2] === undefined) return Number.parseInt(m[1], 16) >>> 0
  const major = m[1] === "" ? 0 : Number.parseInt(m[1], 16)
  const minor = m[2] === "" ? 0 : Number.parseInt(m[2], 16)
  if (major > 0xffff || minor > 0xffff) return undefined
  return ((major << 16) | minor) >>> 0
}

/**
 * The handle as `tc` prints it, with `"ingress"` for ffff:fff1.
 *
 * @example
 * ```ts
 * Handle.format(0x10000) // "1:"
 * Handle.format(0x10)    // ":10"
 * ```
 * @since 0.3.0
 */
export const format = (n: number): string => {
  if (n === ROOT) return "root"
  if (n === NONE) return "none"
  if (n === INGRESS) return "ingress"
  const major = n >>> 16
  const minor = n & 0xffff
  if (major === 0) return `:${minor.toString(16)}`
  if (minor === 0) return `${major.toString(16)}:`
  return `${major.toString(16)}:${minor.toString(16)}`
}

/**
 * The major half (the qdisc's number) of a handle.
 *
 * @example
 * ```ts
 * Handle.major(0x10010) // 1
 * ```
 * @since 0.3.0
 */
export const major = (n: number): number => n >>> 16

/**
 * The Schema of a handle: text `tc` reads or a 32-bit number.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Handle.schema)("1:10")
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Handle> = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter(
    (h: Handle) =>
      parse(h) !== undefined ||
      `${JSON.stringify(h)} is not a tc handle (like "1:", "1:10", "root", "ingress")`,
    { expected: 'a tc handle like "1:10"' }
  )
)
