/**
 * fw: matches the packet's firewall mark. The filter's `handle` is the mark
 * (`tc ... handle 5 fw`); `mask` (default all bits) selects the mark's bits
 * compared, `classid` the class, `indev` the input device.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { type ClsFwAttrs, decodeClsFwAttrs, encodeClsFwAttrs } from "../../../../generated/tc-filter/index.ts"
import type * as Handle from "../../Handle.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as C from "./common.ts"

/**
 * fw options.
 *
 * @example
 * ```ts
 * const o: FwOptions = { classid: "1:5", mask: 0xff }
 * ```
 * @since 0.3.0
 */
export interface FwOptions {
  readonly classid?: Handle.Handle | undefined
  /** The mark bits compared with the handle; default 0xffffffff. */
  readonly mask?: number | undefined
  readonly indev?: string | undefined
}

const FULL = 0xffffffff

/** The fw kind. @since 0.3.0 */
export const fw: FilterKind<FwOptions, ClsFwAttrs> = {
  kind: "fw",
  act: "act",
  fields: {
    ...C.classidField,
    mask: Schema.optional(C.U32),
    indev: Schema.optional(Schema.String.check(Schema.isMaxLength(15)))
  },
  devices: [],
  handle: {
    parse: (h) =>
      typeof h === "number" ? (Number.isInteger(h) && h >= 0 && h <= FULL ? h : undefined) : parseMark(h),
    format: (n) => n
  },
  toKernel: (o) => {
    const d: { -readonly [K in keyof ClsFwAttrs]: ClsFwAttrs[K] } = {}
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    if (o.mask !== undefined && o.mask !== FULL) d.mask = o.mask
    if (o.indev !== undefined) d.indev = o.indev
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof FwOptions]: FwOptions[K] } = { mask: d?.mask ?? FULL }
    if (d?.classid !== undefined) out.classid = C.classidText(d.classid)
    if (d?.indev !== undefined) out.indev = d.indev
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof FwOptions]: FwOptions[K] } = { mask: o.mask ?? FULL }
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    if (o.indev !== undefined) out.indev = o.indev
    return out
  },
  encode: encodeClsFwAttrs,
  decode: decodeClsFwAttrs
}

/** A mark as text: decimal or 0x hexadecimal. */
function parseMark(s: string): number | undefined {
  const v = /^0x[0-9a-f]{1,8}$/i.test(s) ? Number.parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : undefined
  return v !== undefined && v <= FULL ? v : undefined
}
