/**
 * flow: picks the class from packet keys. In `mode` "map" one key's value
 * goes through `mask`, `xor`, `rshift` and `addend` (then modulo `divisor`);
 * in "hash" the `keys` are hashed into `divisor` buckets, the hash reseeded
 * every `perturb` seconds. The class is `baseclass` plus the result (the
 * kernel picks the qdisc's :1 when not given). An ematch expression
 * (`match`) narrows which packets are classified. The kernel wants a
 * handle for a new flow filter.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsFlowAttrs,
  decodeClsFlowAttrs,
  encodeClsFlowAttrs
} from "../../../../generated/tc-filter/index.ts"
import type * as Handle from "../../Handle.ts"
import * as Ematch from "../Ematch.ts"
import type { FilterKind } from "../FilterKind.ts"
import { matchField } from "./basic.ts"
import * as C from "./common.ts"

/** The flow keys, by FLOW_KEY_* bit, as `tc` names them. */
const KEYS = [
  "src",
  "dst",
  "proto",
  "proto-src",
  "proto-dst",
  "iif",
  "priority",
  "mark",
  "nfct",
  "nfct-src",
  "nfct-dst",
  "nfct-proto-src",
  "nfct-proto-dst",
  "rt-classid",
  "sk-uid",
  "sk-gid",
  "vlan-tag",
  "rxhash"
] as const

/**
 * A flow key.
 *
 * @example
 * ```ts
 * const k: FlowKey = "proto-dst"
 * ```
 * @since 0.4.0
 */
export type FlowKey = (typeof KEYS)[number]

/**
 * flow options.
 *
 * @example
 * ```ts
 * const hash: FlowOptions = { mode: "hash", keys: ["src", "dst"], divisor: 1024, perturb: 10 }
 * const map: FlowOptions = { mode: "map", keys: ["mark"], mask: 0xff, divisor: 16, baseclass: "1:10" }
 * ```
 * @since 0.4.0
 */
export interface FlowOptions {
  readonly mode: "map" | "hash"
  /** One key in map mode, one or more in hash mode. */
  readonly keys: ReadonlyArray<FlowKey>
  readonly baseclass?: Handle.Handle | undefined
  /** Map mode: the value is `((key & mask) ^ xor) >> rshift) + addend`. */
  readonly mask?: number | undefined
  readonly xor?: number | undefined
  readonly rshift?: number | undefined
  readonly addend?: number | undefined
  readonly divisor?: number | undefined
  /** Hash mode: seconds between reseeding the hash (0: never). */
  readonly perturb?: number | undefined
  /** An ematch expression. */
  readonly match?: string | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
const FULL = 0xffffffff

const normal = (o: Partial<FlowOptions>): FlowOptions => {
  const out: Mutable<FlowOptions> = {
    mode: o.mode ?? "map",
    keys: KEYS.filter((k) => (o.keys ?? []).includes(k)),
    mask: o.mask ?? FULL,
    xor: o.xor ?? 0,
    rshift: o.rshift ?? 0,
    addend: o.addend ?? 0,
    divisor: o.divisor ?? 0,
    perturb: o.perturb ?? 0
  }
  if (o.baseclass !== undefined) out.baseclass = C.classidText(C.classidOf(o.baseclass))
  if (o.match !== undefined) out.match = Ematch.canonical(o.match)
  return out
}

/** The flow kind. @since 0.4.0 */
export const flow: FilterKind<FlowOptions, ClsFlowAttrs> = {
  kind: "flow",
  act: "act",
  fields: {
    mode: Schema.Literals(["map", "hash"]),
    keys: Schema.Array(Schema.Literals(KEYS)).check(Schema.isMinLength(1)),
    baseclass: Schema.optional(
      Schema.Union([Schema.Number, Schema.String]).check(
        Schema.makeFilter((h: Handle.Handle) => C.classidOf(h) !== undefined || "a class handle", {
          expected: "a class handle"
        })
      )
    ),
    mask: Schema.optional(C.U32),
    xor: Schema.optional(C.U32),
    rshift: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 31 }))
    ),
    addend: Schema.optional(C.U32),
    divisor: Schema.optional(C.U32),
    perturb: Schema.optional(C.U32),
    match: Schema.optional(matchField)
  },
  devices: [],
  kernelChosen: ["baseclass"],
  needsHandle: true,
  check: (o) => {
    if (o.mode === "map" && o.keys.length > 1) return ["keys", "map mode takes one key"]
    if (o.mode !== "hash" && (o.perturb ?? 0) !== 0) return ["perturb", "perturb needs mode hash"]
    return undefined
  },
  toKernel: (o) => {
    const d: Mutable<ClsFlowAttrs> = {}
    d.keys = KEYS.reduce((bits, k, i) => (o.keys.includes(k) ? bits | (1 << i) : bits), 0) >>> 0
    d.mode = o.mode === "hash" ? 1 : 0
    // tc sends mask and xor together when either differs from the identity
    if ((o.mask !== undefined && o.mask !== FULL) || (o.xor !== undefined && o.xor !== 0)) {
      d.mask = o.mask ?? FULL
      d.xor = o.xor ?? 0
    }
    if (o.rshift !== undefined && o.rshift !== 0) d.rshift = o.rshift
    if (o.addend !== undefined && o.addend !== 0) d.addend = o.addend
    if (o.divisor !== undefined && o.divisor !== 0) d.divisor = o.divisor
    if (o.perturb !== undefined && o.perturb !== 0) d.perturb = o.perturb
    const base = C.classidOf(o.baseclass)
    if (base !== undefined) d.baseclass = base
    if (o.match !== undefined) d.ematches = Ematch.encode(o.match)
    return d
  },
  fromKernel: (d) => {
    const keys = KEYS.filter((_, i) => ((d?.keys ?? 0) & (1 << i)) !== 0)
    const o: Mutable<Partial<FlowOptions>> = { mode: d?.mode === 1 ? "hash" : "map", keys }
    if (d?.mask !== undefined) o.mask = d.mask
    if (d?.xor !== undefined) o.xor = d.xor
    if (d?.rshift !== undefined) o.rshift = d.rshift
    if (d?.addend !== undefined) o.addend = d.addend
    if (d?.divisor !== undefined) o.divisor = d.divisor
    if (d?.perturb !== undefined) o.perturb = d.perturb
    if (d?.baseclass !== undefined) o.baseclass = d.baseclass
    const match = d?.ematches === undefined ? undefined : Ematch.decode(d.ematches)
    if (match !== undefined) o.match = match
    return normal(o)
  },
  canonical: normal,
  encode: encodeClsFlowAttrs,
  decode: decodeClsFlowAttrs
}
