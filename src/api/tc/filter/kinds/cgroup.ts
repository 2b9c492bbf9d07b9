/**
 * cgroup: classifies by the net_cls cgroup of the sending socket (the
 * class id the cgroup's net_cls.classid gives); an optional ematch
 * expression (`match`) narrows it. Its actions run on a match. The kernel
 * wants a handle and keeps one cgroup filter per priority.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsCgroupAttrs,
  decodeClsCgroupAttrs,
  encodeClsCgroupAttrs
} from "../../../../generated/tc-filter/index.ts"
import * as Ematch from "../Ematch.ts"
import type { FilterKind } from "../FilterKind.ts"
import { matchField } from "./basic.ts"

/**
 * cgroup options.
 *
 * @example
 * ```ts
 * const o: CgroupOptions = { match: "meta(nf_mark eq 5)" }
 * ```
 * @since 0.4.0
 */
export interface CgroupOptions {
  /** An ematch expression (`tc ... cgroup match EXPR`). */
  readonly match?: string | undefined
}

/** The cgroup kind. @since 0.4.0 */
export const cgroup: FilterKind<CgroupOptions, ClsCgroupAttrs> = {
  kind: "cgroup",
  act: "act",
  fields: { match: Schema.optional(matchField) },
  devices: [],
  single: true,
  needsHandle: true,
  ipsets: (o) => (o.match === undefined ? [] : Ematch.ipsets(o.match)),
  toKernel: (o, context) =>
    o.match === undefined ? {} : { ematches: Ematch.encode(o.match, context.ipsets) },
  fromKernel: (d) => {
    const match = d?.ematches === undefined ? undefined : Ematch.decode(d.ematches)
    return match === undefined ? {} : { match }
  },
  canonical: (o) => (o.match === undefined ? {} : { match: Ematch.canonical(o.match) }),
  encode: encodeClsCgroupAttrs,
  decode: decodeClsCgroupAttrs
}
