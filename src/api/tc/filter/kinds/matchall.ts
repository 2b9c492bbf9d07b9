/**
 * matchall: every packet matches; the filter's actions (and `classid`) do
 * the work. Offload flags skipHw/skipSw; `status.inHw` says whether a device
 * runs it, `status.packets` how many packets it matched.
 *
 * @since 0.3.0
 */
import {
  type ClsMatchallAttrs,
  decodeClsMatchallAttrs,
  encodeClsMatchallAttrs
} from "../../../../generated/tc-filter/index.ts"
import type * as Handle from "../../Handle.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as C from "./common.ts"

/**
 * matchall options.
 *
 * @example
 * ```ts
 * const o: MatchallOptions = { skipHw: true }
 * ```
 * @since 0.3.0
 */
export interface MatchallOptions {
  /** The class matched packets go to ("1:10"). */
  readonly classid?: Handle.Handle | undefined
  readonly skipHw?: boolean | undefined
  readonly skipSw?: boolean | undefined
}

/** The matchall kind. @since 0.3.0 */
export const matchall: FilterKind<MatchallOptions, ClsMatchallAttrs> = {
  kind: "matchall",
  act: "act",
  fields: { ...C.classidField, ...C.skipFields },
  devices: [],
  toKernel: (o) => {
    const d: { -readonly [K in keyof ClsMatchallAttrs]: ClsMatchallAttrs[K] } = {}
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    const flags = C.skipFlags(o)
    if (flags !== undefined) d.flags = flags
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof MatchallOptions]: MatchallOptions[K] } = C.skipFrom(d?.flags)
    if (d?.classid !== undefined) out.classid = C.classidText(d.classid)
    return out
  },
  status: (d) => ({ inHw: C.inHw(d.flags), packets: d.pcnt ?? 0n }),
  canonical: (o) => {
    const out: { -readonly [K in keyof MatchallOptions]: MatchallOptions[K] } = C.skipCanonical(o)
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    return out
  },
  encode: encodeClsMatchallAttrs,
  decode: decodeClsMatchallAttrs
}
