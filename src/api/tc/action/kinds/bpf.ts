/**
 * bpf: run a BPF program on the packet, its return value the control action.
 * An eBPF program of type sched_act is given by `fd` (as loaded with bpf(2))
 * or by the path it is pinned at in a bpffs (`pinned`, tc's `object-pinned`:
 * opened for the request and closed after); `name` labels it. A classic BPF program by its `bytecode` (what `tc ...
 * action bpf bytecode "1,6 0 0 4294967295"` sends). The eBPF program's id and
 * tag read back under `status.kind` (the fd is not: it belongs to the process
 * that loaded the program).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActBpfAttrs,
  decodeActBpfAttrs,
  encodeActBpfAttrs
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import { toHex } from "../../../../runtime/Wire.ts"
import * as Pinned from "../../filter/Pinned.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/** One classic BPF instruction (struct sock_filter): code, jt, jf, k. @since 0.3.0 */
export type BpfInstruction = readonly [code: number, jt: number, jf: number, k: number]

/**
 * bpf action options: `fd`, `pinned` or `bytecode`.
 *
 * @example
 * ```ts
 * const o: BpfActionOptions = { fd: programFd, name: "act" }
 * const p: BpfActionOptions = { pinned: "/sys/fs/bpf/act", name: "act" }
 * const c: BpfActionOptions = { bytecode: [[6, 0, 0, 0xffffffff]] } // ret #-1
 * ```
 * @since 0.3.0
 */
export interface BpfActionOptions {
  /** An eBPF program (sched_act) by file descriptor; needed to add, not read back. */
  readonly fd?: number | undefined
  /** The path of an eBPF program pinned in a bpffs; not read back (the kernel keeps the program, not the path). */
  readonly pinned?: string | undefined
  readonly name?: string | undefined
  /** A classic BPF program, up to 4096 instructions. */
  readonly bytecode?: ReadonlyArray<BpfInstruction> | undefined
  /** The control action when the program returns TC_ACT_UNSPEC; default "pipe". */
  readonly action?: Control.Control | undefined
}

const SOCK_FILTER = 8
const Instruction = Schema.Tuple([P.U16, P.U8, P.U8, P.U32])

const opsOf = (code: ReadonlyArray<BpfInstruction>): Uint8Array => {
  const b = new Uint8Array(code.length * SOCK_FILTER)
  const v = new DataView(b.buffer)
  code.forEach(([c, jt, jf, k], i) => {
    v.setUint16(i * SOCK_FILTER, c, true)
    v.setUint8(i * SOCK_FILTER + 2, jt)
    v.setUint8(i * SOCK_FILTER + 3, jf)
    v.setUint32(i * SOCK_FILTER + 4, k, true)
  })
  return b
}

const codeOf = (ops: Uint8Array): Array<BpfInstruction> => {
  const v = new DataView(ops.buffer, ops.byteOffset, ops.byteLength)
  const out: Array<BpfInstruction> = []
  for (let off = 0; off + SOCK_FILTER <= ops.length; off += SOCK_FILTER)
    out.push([v.getUint16(off, true), v.getUint8(off + 2), v.getUint8(off + 3), v.getUint32(off + 4, true)])
  return out
}

/** The bpf action kind. @since 0.3.0 */
export const bpf: ActionKind<BpfActionOptions, ActBpfAttrs> = {
  kind: "bpf",
  fields: {
    fd: Schema.optional(P.intBetween(P.S32, 0, 0x7fffffff)),
    pinned: Schema.optional(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(4095))),
    name: Schema.optional(P.stringMaxBytes(255, 1)),
    bytecode: Schema.optional(
      Schema.Array(Instruction).check(Schema.isMinLength(1), Schema.isMaxLength(4096))
    ),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  kernelChosen: ["fd", "pinned"],
  check: (o) =>
    [o.fd, o.pinned, o.bytecode].filter((x) => x !== undefined).length > 1
      ? [o.bytecode !== undefined ? "bytecode" : "pinned", "give one of fd, pinned or bytecode"]
      : undefined,
  // a program given by its pinned path goes as an fd open for the request
  withOpen: (o, send) => {
    if (o.pinned === undefined || o.fd !== undefined) return send(o)
    const { pinned, ...rest } = o
    return Pinned.withFd(pinned, (fd) => send({ ...rest, fd }))
  },
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActBpfAttrs]: ActBpfAttrs[K] } = {
      parms: { index, capab: 0, action: Control.parse(o.action ?? "pipe")!, refcnt: 0, bindcnt: 0 }
    }
    if (o.bytecode !== undefined) {
      d.opsLen = o.bytecode.length
      d.ops = opsOf(o.bytecode)
    }
    if (o.fd !== undefined) d.fd = o.fd
    if (o.name !== undefined) d.name = o.name
    return d
  },
  fromKernel: (d) => {
    if (d?.parms === undefined) return {}
    const out: { -readonly [K in keyof BpfActionOptions]: BpfActionOptions[K] } = {}
    if (d.ops !== undefined) out.bytecode = codeOf(d.ops)
    if (d.name !== undefined) out.name = d.name
    out.action = Control.format(d.parms.action)
    return out
  },
  status: (d) =>
    d.id === undefined ? undefined : { id: d.id, tag: d.tag === undefined ? undefined : toHex(d.tag) },
  canonical: (o) => {
    const out: { -readonly [K in keyof BpfActionOptions]: BpfActionOptions[K] } = {}
    if (o.fd !== undefined) out.fd = o.fd
    if (o.pinned !== undefined) out.pinned = o.pinned
    if (o.bytecode !== undefined) out.bytecode = o.bytecode.map((i) => [i[0], i[1], i[2], i[3]] as const)
    if (o.name !== undefined) out.name = o.name
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActBpfAttrs,
  decode: decodeActBpfAttrs
}
