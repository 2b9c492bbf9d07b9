/**
 * mpls: push an MPLS label stack entry (after the MAC header, or before it
 * with "mac_push"), pop one, modify the outer one or decrement its TTL, as
 * `tc ... action mpls push protocol mpls_uc label 100 tc 3 ttl 64` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActMplsAttrs,
  decodeActMplsAttrs,
  encodeActMplsAttrs,
  TCA_MPLS_ACT_DEC_TTL,
  TCA_MPLS_ACT_MAC_PUSH,
  TCA_MPLS_ACT_MODIFY,
  TCA_MPLS_ACT_POP,
  TCA_MPLS_ACT_PUSH
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

const OPS = {
  pop: TCA_MPLS_ACT_POP,
  push: TCA_MPLS_ACT_PUSH,
  modify: TCA_MPLS_ACT_MODIFY,
  dec_ttl: TCA_MPLS_ACT_DEC_TTL,
  mac_push: TCA_MPLS_ACT_MAC_PUSH
} as const
type Op = keyof typeof OPS
const OP_NAMES = Object.fromEntries(Object.entries(OPS).map(([k, v]) => [v, k])) as Record<number, Op>

/** Ethertypes by the names tc takes. */
const PROTOCOLS: Readonly<Record<string, number>> = {
  ipv4: 0x0800,
  ipv6: 0x86dd,
  mpls_uc: 0x8847,
  mpls_mc: 0x8848,
  "802.1Q": 0x8100,
  "802.1ad": 0x88a8
}
const PROTOCOL_NAMES = new Map(Object.entries(PROTOCOLS).map(([k, v]) => [v, k]))
const protocolOf = (p: string | number): number | undefined => (typeof p === "number" ? p : PROTOCOLS[p])
const protocolName = (n: number): string | number => PROTOCOL_NAMES.get(n) ?? n

/**
 * mpls options. push/mac_push need a `label`; pop needs the `protocol` of
 * the header under the popped entry; the others default to "mpls_uc".
 *
 * @example
 * ```ts
 * const o: MplsOptions = { op: "push", label: 100, tc: 3, ttl: 64, bos: 1 }
 * ```
 * @since 0.3.0
 */
export interface MplsOptions {
  readonly op: Op
  /** An ethertype by name ("ipv4", "ipv6", "mpls_uc", "mpls_mc", "802.1Q", "802.1ad") or number. */
  readonly protocol?: string | number | undefined
  /** The label (20 bits). */
  readonly label?: number | undefined
  /** The traffic class (3 bits). */
  readonly tc?: number | undefined
  /** The TTL; for a push the kernel picks one when not given. */
  readonly ttl?: number | undefined
  /** Bottom of stack (0 or 1); for a push the kernel works it out when not given. */
  readonly bos?: number | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

/** The mpls kind. @since 0.3.0 */
export const mpls: ActionKind<MplsOptions, ActMplsAttrs> = {
  kind: "mpls",
  fields: {
    op: Schema.Literals(Object.keys(OPS) as Array<Op>),
    protocol: Schema.optional(
      Schema.Union([P.U16, Schema.Literals(Object.keys(PROTOCOLS) as [string, ...Array<string>])])
    ),
    label: Schema.optional(P.intBetween(P.U32, 0, 0xfffff)),
    tc: Schema.optional(P.intBetween(P.U8, 0, 7)),
    ttl: Schema.optional(P.intBetween(P.U8, 1, 255)),
    bos: Schema.optional(P.intBetween(P.U8, 0, 1)),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  kernelChosen: ["ttl"],
  check: (o) => {
    const entry = ["label", "tc", "ttl", "bos"] as const
    if (o.op === "pop") {
      if (o.protocol === undefined) return ["protocol", "pop needs the protocol of the next header"]
      for (const f of entry) if (o[f] !== undefined) return [f, "pop takes only a protocol"]
    }
    if (o.op === "dec_ttl")
      for (const f of [...entry, "protocol"] as const)
        if (o[f] !== undefined) return [f, "dec_ttl takes no fields"]
    if ((o.op === "push" || o.op === "mac_push") && o.label === undefined)
      return ["label", `${o.op} needs a label`]
    if ((o.op === "push" || o.op === "mac_push") && o.protocol !== undefined) {
      const p = protocolOf(o.protocol)
      if (p !== 0x8847 && p !== 0x8848) return ["protocol", "a push takes mpls_uc or mpls_mc"]
    }
    if (o.op === "modify" && o.protocol !== undefined) return ["protocol", "modify takes no protocol"]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActMplsAttrs]: ActMplsAttrs[K] } = {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? "pipe")!,
        refcnt: 0,
        bindcnt: 0,
        mAction: OPS[o.op]
      }
    }
    if (o.protocol !== undefined) d.proto = protocolOf(o.protocol)
    if (o.label !== undefined) d.label = o.label
    if (o.tc !== undefined) d.tc = o.tc
    if (o.ttl !== undefined) d.ttl = o.ttl
    if (o.bos !== undefined) d.bos = o.bos
    return d
  },
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    const op = OP_NAMES[p.mAction] ?? (p.mAction as unknown as Op)
    const out: { -readonly [K in keyof MplsOptions]: MplsOptions[K] } = { op }
    // the kernel reports a protocol for every op; only push and pop use it
    if (d!.proto !== undefined && (op === "pop" || op === "push" || op === "mac_push"))
      out.protocol = protocolName(d!.proto)
    if (d!.label !== undefined) out.label = d!.label
    if (d!.tc !== undefined) out.tc = d!.tc
    if (d!.ttl !== undefined && d!.ttl !== 0) out.ttl = d!.ttl
    if (d!.bos !== undefined) out.bos = d!.bos
    out.action = Control.format(p.action)
    return out
  },
  canonical: (o) => {
    const op = o.op ?? "push"
    const out: { -readonly [K in keyof MplsOptions]: MplsOptions[K] } = { op }
    if (op === "pop" || op === "push" || op === "mac_push") {
      const p = o.protocol === undefined ? (op === "pop" ? undefined : 0x8847) : protocolOf(o.protocol)
      if (p !== undefined) out.protocol = protocolName(p)
      else if (o.protocol !== undefined) out.protocol = o.protocol
    }
    if (o.label !== undefined) out.label = o.label
    if (o.tc !== undefined) out.tc = o.tc
    if (o.ttl !== undefined) out.ttl = o.ttl
    if (o.bos !== undefined) out.bos = o.bos
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActMplsAttrs,
  decode: decodeActMplsAttrs
}
