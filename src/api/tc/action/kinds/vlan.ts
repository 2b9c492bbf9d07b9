/**
 * vlan: pop the outer VLAN tag, push one (id, protocol 802.1Q/802.1ad,
 * priority) or modify the outer tag, as `tc ... action vlan push id 100
 * protocol 802.1ad priority 3` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ActVlanAttrs,
  decodeActVlanAttrs,
  encodeActVlanAttrs,
  TCA_VLAN_ACT_MODIFY,
  TCA_VLAN_ACT_POP,
  TCA_VLAN_ACT_PUSH
} from "../../../../generated/tc-action/index.ts"
import * as P from "../../../../runtime/Primitives.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

const OPS = { pop: TCA_VLAN_ACT_POP, push: TCA_VLAN_ACT_PUSH, modify: TCA_VLAN_ACT_MODIFY } as const
type Op = keyof typeof OPS
const OP_NAMES: Readonly<Record<number, Op>> = { 1: "pop", 2: "push", 3: "modify" }
const PROTOCOLS = { "802.1Q": 0x8100, "802.1ad": 0x88a8 } as const
const PROTOCOL_NAMES: Readonly<Record<number, "802.1Q" | "802.1ad">> = { 33024: "802.1Q", 34984: "802.1ad" }

/**
 * vlan options. `push` and `modify` need `id`.
 *
 * @example
 * ```ts
 * const o: VlanOptions = { op: "push", id: 100, protocol: "802.1ad", priority: 3 }
 * ```
 * @since 0.3.0
 */
export interface VlanOptions {
  readonly op: Op
  /** The VLAN id (push, modify). */
  readonly id?: number | undefined
  /** The tag protocol (push, modify); default "802.1Q". */
  readonly protocol?: "802.1Q" | "802.1ad" | undefined
  /** The priority (PCP) of the tag (push, modify); default 0. */
  readonly priority?: number | undefined
  /** The control action after it; default "pipe". */
  readonly action?: Control.Control | undefined
}

/** The vlan kind. @since 0.3.0 */
export const vlan: ActionKind<VlanOptions, ActVlanAttrs> = {
  kind: "vlan",
  fields: {
    op: Schema.Literals(["pop", "push", "modify"]),
    id: Schema.optional(P.intBetween(P.U16, 0, 4095)),
    protocol: Schema.optional(Schema.Literals(["802.1Q", "802.1ad"])),
    priority: Schema.optional(P.intBetween(P.U8, 0, 7)),
    action: Schema.optional(Control.schema)
  },
  devices: [],
  check: (o) => {
    if (o.op === "pop") {
      for (const f of ["id", "protocol", "priority"] as const)
        if (o[f] !== undefined) return [f, "pop takes no tag fields"]
    } else if (o.id === undefined) return ["id", `${o.op} needs an id`]
    return undefined
  },
  toKernel: (o, _d, index) => {
    const d: { -readonly [K in keyof ActVlanAttrs]: ActVlanAttrs[K] } = {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? "pipe")!,
        refcnt: 0,
        bindcnt: 0,
        vAction: OPS[o.op]
      }
    }
    if (o.id !== undefined) d.pushVlanId = o.id
    if (o.protocol !== undefined) d.pushVlanProtocol = PROTOCOLS[o.protocol]
    if (o.priority !== undefined) d.pushVlanPriority = o.priority
    return d
  },
  fromKernel: (d) => {
    const p = d?.parms
    if (p === undefined) return {}
    const op = OP_NAMES[p.vAction] ?? (p.vAction as unknown as Op)
    const out: { -readonly [K in keyof VlanOptions]: VlanOptions[K] } = { op }
    if (op !== "pop") {
      if (d!.pushVlanId !== undefined) out.id = d!.pushVlanId
      out.protocol = PROTOCOL_NAMES[d!.pushVlanProtocol ?? 0x8100] ?? (d!.pushVlanProtocol as any)
      out.priority = d!.pushVlanPriority ?? 0
    }
    out.action = Control.format(p.action)
    return out
  },
  canonical: (o) => {
    const out: { -readonly [K in keyof VlanOptions]: VlanOptions[K] } = { op: o.op ?? "pop" }
    if (out.op !== "pop") {
      if (o.id !== undefined) out.id = o.id
      out.protocol = o.protocol ?? "802.1Q"
      out.priority = o.priority ?? 0
    }
    out.action = Control.canonical(o.action ?? "pipe")
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActVlanAttrs,
  decode: decodeActVlanAttrs
}
