/**
 * What several filter kinds share: the classid a match sends to, the
 * skip_hw/skip_sw flags (TCA_CLS_FLAGS_*) and the in_hw state read back.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  TCA_CLS_FLAGS_IN_HW,
  TCA_CLS_FLAGS_SKIP_HW,
  TCA_CLS_FLAGS_SKIP_SW
} from "../../../../generated/tc-filter/index.ts"
import * as Handle from "../../Handle.ts"

export const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
export const U16 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffff }))
export const U8 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xff }))

/** The classid field (a class handle, "1:10"). */
export const classidField = { classid: Schema.optional(Handle.schema) }
/** skip_hw / skip_sw. */
export const skipFields = { skipHw: Schema.optional(Schema.Boolean), skipSw: Schema.optional(Schema.Boolean) }

/** The TCA_CLS_FLAGS_* value of skipHw/skipSw (undefined when neither is set, as `tc` sends none). */
export const skipFlags = (o: {
  readonly skipHw?: boolean | undefined
  readonly skipSw?: boolean | undefined
}) => {
  const v = (o.skipHw === true ? TCA_CLS_FLAGS_SKIP_HW : 0) | (o.skipSw === true ? TCA_CLS_FLAGS_SKIP_SW : 0)
  return v === 0 ? undefined : v
}

/** skipHw/skipSw as read back (always both). */
export const skipFrom = (flags: number | undefined) => ({
  skipHw: ((flags ?? 0) & TCA_CLS_FLAGS_SKIP_HW) !== 0,
  skipSw: ((flags ?? 0) & TCA_CLS_FLAGS_SKIP_SW) !== 0
})

/** skipHw/skipSw in canonical form. */
export const skipCanonical = (o: {
  readonly skipHw?: boolean | undefined
  readonly skipSw?: boolean | undefined
}) => ({
  skipHw: o.skipHw === true,
  skipSw: o.skipSw === true
})

/** Whether the kernel reports the filter offloaded. */
export const inHw = (flags: number | undefined): boolean => ((flags ?? 0) & TCA_CLS_FLAGS_IN_HW) !== 0

/** A classid's number, or undefined. */
export const classidOf = (c: Handle.Handle | undefined): number | undefined =>
  c === undefined ? undefined : Handle.parse(c)

/** A classid as read back. */
export const classidText = (n: number | undefined): string | undefined =>
  n === undefined ? undefined : Handle.format(n)
