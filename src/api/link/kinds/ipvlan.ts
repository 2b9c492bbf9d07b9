/**
 * ipvlan and ipvtap: `ip link add NAME link PARENT type ipvlan|ipvtap [mode
 * l2|l3|l3s] [bridge|private|vepa]`. `mode` comes from the spec's view
 * (linkinfo-ipvlan-attrs); `flag` (ip's positional bridge/private/vepa,
 * IFLA_IPVLAN_FLAGS) is mapped here. Like ip, a mode is sent with its flags
 * (bridge when none is given), a flag alone without a mode.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import {
  DeviceRef,
  IpvlanFields,
  type IpvlanOptions as Generated,
  ipvlanCanonical,
  ipvlanFromWire,
  ipvlanToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"

/** IPVLAN_F_PRIVATE, IPVLAN_F_VEPA (spec ipvlan-flags). */
const FLAG = { bridge: 0, private: 0x1, vepa: 0x2 } as const

/**
 * The options of an ipvlan or ipvtap link.
 *
 * @example
 * ```ts
 * const o: IpvlanOptions = { link: "eth0", mode: "l3s", flag: "private" }
 * ```
 * @since 0.2.0
 */
export interface IpvlanOptions extends Generated {
  /** The parent device. */
  readonly link: string | number
  /** Forwarding between slaves: bridge (default), private or vepa. */
  readonly flag?: "bridge" | "private" | "vepa"
}

const fields = {
  ...IpvlanFields,
  link: DeviceRef,
  flag: Schema.optional(Schema.Literals(["bridge", "private", "vepa"]))
}

const make = <K extends "ipvlan" | "ipvtap">(kind: K): LinkKind<IpvlanOptions, K> => ({
  kind,
  fields,
  devices: [],
  parent: "link",
  toKernel: (o) => {
    const w: { mode?: number; flags?: number } = ipvlanToWire(o)
    if (o.mode !== undefined || o.flag !== undefined) w.flags = FLAG[o.flag ?? "bridge"]
    return w as any
  },
  fromKernel: (d, ctx) => {
    const o: any = d === undefined ? {} : ipvlanFromWire(d, ctx.name)
    if (ctx.link !== undefined && ctx.link !== 0 && ctx.linkNetnsId === undefined) o.link = ctx.name(ctx.link)
    const f = d?.flags ?? 0
    o.flag = f & FLAG.private ? "private" : f & FLAG.vepa ? "vepa" : "bridge"
    return o
  },
  canonical: (o) => ({ ...ipvlanCanonical(o), flag: o.flag ?? "bridge" })
})

/**
 * The ipvlan descriptor.
 *
 * @example
 * ```ts
 * ipvlan.parent // "link"
 * ```
 * @since 0.2.0
 */
export const ipvlan = make("ipvlan")

/**
 * The ipvtap descriptor (ipvlan with a tap character device).
 *
 * @example
 * ```ts
 * ipvtap.kind // "ipvtap"
 * ```
 * @since 0.2.0
 */
export const ipvtap = make("ipvtap")
