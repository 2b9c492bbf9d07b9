/**
 * mirred: mirror or redirect the packet to a device's egress or ingress
 * (or to every device of a shared block, Linux 6.10+), as `tc ... action
 * mirred egress redirect dev X` sends it. The control action defaults as in
 * `tc`: "stolen" after a redirect, "pipe" after a mirror.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import * as P from "../../../../runtime/Primitives.ts"
import {
  type ActMirredAttrs,
  decodeActMirredAttrs,
  encodeActMirredAttrs,
  TCA_EGRESS_MIRROR,
  TCA_EGRESS_REDIR,
  TCA_INGRESS_MIRROR,
  TCA_INGRESS_REDIR
} from "../../../../generated/tc-action/index.ts"
import type { ActionKind } from "../ActionKind.ts"
import * as Control from "../Control.ts"

/**
 * mirred options: `dev` or `block` says where to.
 *
 * @example
 * ```ts
 * const o: MirredOptions = { direction: "egress", mode: "redirect", dev: "eth1" }
 * ```
 * @since 0.3.0
 */
export interface MirredOptions {
  /** Where on the target the packet goes in; default "egress". */
  readonly direction?: "egress" | "ingress" | undefined
  /** "redirect" sends the packet there; "mirror" sends a copy. */
  readonly mode: "redirect" | "mirror"
  /** The target device, by name or index. */
  readonly dev?: string | number | undefined
  /** A shared block: every device of it gets the packet (Linux 6.10+). */
  readonly block?: number | undefined
  /** The control action after it; default "stolen" (redirect) or "pipe" (mirror). */
  readonly action?: Control.Control | undefined
}

const EACTION = {
  "egress redirect": TCA_EGRESS_REDIR,
  "egress mirror": TCA_EGRESS_MIRROR,
  "ingress redirect": TCA_INGRESS_REDIR,
  "ingress mirror": TCA_INGRESS_MIRROR
} as const
const EACTION_NAMES = new Map(
  Object.entries(EACTION).map(([k, v]) => [
    v as number,
    k.split(" ") as ["egress" | "ingress", "redirect" | "mirror"]
  ])
)

const defaultAction = (mode: "redirect" | "mirror"): Control.Control =>
  mode === "redirect" ? "stolen" : "pipe"

/** The mirred kind. @since 0.3.0 */
export const mirred: ActionKind<MirredOptions, ActMirredAttrs> = {
  kind: "mirred",
  fields: {
    direction: Schema.optional(Schema.Literals(["egress", "ingress"])),
    mode: Schema.Literals(["redirect", "mirror"]),
    dev: Schema.optional(Schema.Union([P.InterfaceName, Schema.Number])),
    block: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xffffffff }))
    ),
    action: Schema.optional(Control.schema)
  },
  devices: ["dev"],
  check: (o) => {
    if ((o.dev === undefined) === (o.block === undefined)) return ["dev", "give exactly one of dev and block"]
    return undefined
  },
  toKernel: (o, devices, index) => {
    const d: { -readonly [K in keyof ActMirredAttrs]: ActMirredAttrs[K] } = {
      parms: {
        index,
        capab: 0,
        action: Control.parse(o.action ?? defaultAction(o.mode))!,
        refcnt: 0,
        bindcnt: 0,
        eaction: EACTION[`${o.direction ?? "egress"} ${o.mode}`],
        ifindex: devices.dev ?? 0
      }
    }
    if (o.block !== undefined) d.blockid = o.block
    return d
  },
  fromKernel: (d, name) => {
    const p = d?.parms
    if (p === undefined) return {}
    const [direction, mode] = EACTION_NAMES.get(p.eaction) ?? ["egress", "redirect"]
    const out: { -readonly [K in keyof MirredOptions]: MirredOptions[K] } = {
      direction,
      mode,
      action: Control.format(p.action)
    }
    if (d!.blockid !== undefined && d!.blockid !== 0) out.block = d!.blockid
    else out.dev = name(p.ifindex)
    return out
  },
  canonical: (o) => {
    const mode = o.mode ?? "redirect"
    const out: { -readonly [K in keyof MirredOptions]: MirredOptions[K] } = {
      direction: o.direction ?? "egress",
      mode,
      action: Control.canonical(o.action ?? defaultAction(mode))
    }
    if (o.block !== undefined) out.block = o.block
    if (o.dev !== undefined) out.dev = o.dev
    return out
  },
  common: (d) => (d.parms === undefined ? undefined : { ...d.parms, tm: d.tm }),
  encode: encodeActMirredAttrs,
  decode: decodeActMirredAttrs
}
