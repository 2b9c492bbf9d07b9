/**
 * bpf: runs an eBPF program of type sched_cls, given by `fd` (as loaded with
 * bpf(2)) or by the path it is pinned at in a bpffs (`pinned`, `tc`'s
 * object-pinned: opened for the request and closed after); `name` labels it, `directAction` lets its return value be the
 * control action (da), `classid` is the default class. The program's id and
 * tag are read back under `status` (the fd is not: it belongs to the
 * process that loaded the program).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsBpfAttrs,
  decodeClsBpfAttrs,
  encodeClsBpfAttrs,
  TCA_BPF_FLAG_ACT_DIRECT
} from "../../../../generated/tc-filter/index.ts"
import { toHex } from "../../../../runtime/Wire.ts"
import type * as Handle from "../../Handle.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as Pinned from "../Pinned.ts"
import * as C from "./common.ts"

/**
 * bpf options.
 *
 * @example
 * ```ts
 * const o: BpfOptions = { fd: programFd, name: "classifier", directAction: true }
 * ```
 * @since 0.3.0
 */
export interface BpfOptions {
  /** The program's file descriptor (sched_cls); needed to add, not read back. */
  readonly fd?: number | undefined
  /** The path of a program pinned in a bpffs; not read back (the kernel keeps the program, not the path). */
  readonly pinned?: string | undefined
  readonly name?: string | undefined
  /** The program's return value is the control action (tc's `da`). */
  readonly directAction?: boolean | undefined
  readonly classid?: Handle.Handle | undefined
  readonly skipHw?: boolean | undefined
  readonly skipSw?: boolean | undefined
}

/** The bpf kind. @since 0.3.0 */
export const bpf: FilterKind<BpfOptions, ClsBpfAttrs> = {
  kind: "bpf",
  act: "act",
  fields: {
    fd: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0x7fffffff }))
    ),
    pinned: Schema.optional(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(4095))),
    name: Schema.optional(Schema.String.check(Schema.isMaxLength(255))),
    directAction: Schema.optional(Schema.Boolean),
    ...C.classidField,
    ...C.skipFields
  },
  devices: [],
  kernelChosen: ["fd", "pinned"],
  check: (o) =>
    o.fd !== undefined && o.pinned !== undefined ? ["pinned", "give fd or pinned, not both"] : undefined,
  // a program given by its pinned path goes as an fd open for the request
  withOpen: (o, send) => {
    if (o.pinned === undefined || o.fd !== undefined) return send(o)
    const { pinned, ...rest } = o
    return Pinned.withFd(pinned, (fd) => send({ ...rest, fd }))
  },
  toKernel: (o) => {
    const d: { -readonly [K in keyof ClsBpfAttrs]: ClsBpfAttrs[K] } = {}
    if (o.fd !== undefined) d.fd = o.fd
    if (o.name !== undefined) d.name = o.name
    if (o.directAction === true) d.flags = TCA_BPF_FLAG_ACT_DIRECT
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    const gen = C.skipFlags(o)
    if (gen !== undefined) d.flagsGen = gen
    return d
  },
  fromKernel: (d) => {
    const out: { -readonly [K in keyof BpfOptions]: BpfOptions[K] } = {}
    if (d === undefined) return out
    if (d.name !== undefined) out.name = d.name
    out.directAction = ((d.flags ?? 0) & TCA_BPF_FLAG_ACT_DIRECT) !== 0
    if (d.classid !== undefined) out.classid = C.classidText(d.classid)
    Object.assign(out, C.skipFrom(d.flagsGen))
    return out
  },
  status: (d) => ({
    inHw: C.inHw(d.flagsGen),
    id: d.id,
    tag: d.tag === undefined ? undefined : toHex(d.tag)
  }),
  canonical: (o) => {
    const out: { -readonly [K in keyof BpfOptions]: BpfOptions[K] } = {}
    if (o.fd !== undefined) out.fd = o.fd
    if (o.pinned !== undefined) out.pinned = o.pinned
    if (o.name !== undefined) out.name = o.name
    out.directAction = o.directAction === true
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    Object.assign(out, C.skipCanonical(o))
    return out
  },
  encode: encodeClsBpfAttrs,
  decode: decodeClsBpfAttrs
}
