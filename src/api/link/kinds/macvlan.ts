/**
 * macvlan and macvtap: `ip link add NAME link PARENT type macvlan|macvtap mode
 * MODE`. The parent is IFLA_LINK (`link`); mode and broadcast queue length
 * come from the spec's view (linkinfo-macvlan-attrs). By hand: `nopromisc`
 * (a bit of IFLA_MACVLAN_FLAGS) and the source addresses of mode "source"
 * (`macaddrs`: MACADDR_MODE set + MACADDR_DATA, as `macaddr set ...`).
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoMacvlanAttrs } from "../../../generated/rt-link/index.ts"
import { MacvlanFlags, MacvlanMacaddrMode } from "../../../generated/rt-link/index.ts"
import {
  DeviceRef,
  MacvlanFields,
  type MacvlanOptions as Generated,
  macvlanCanonical,
  macvlanDevices,
  macvlanFromWire,
  macvlanKernelChosen,
  macvlanStatusFromWire,
  macvlanToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"

/**
 * The options of a macvlan or macvtap link.
 *
 * @example
 * ```ts
 * const o: MacvlanOptions = { link: "eth0", mode: "bridge" }
 * ```
 * @since 0.2.0
 */
export interface MacvlanOptions extends Generated {
  /** The parent device (IFLA_LINK). */
  readonly link: string | number
  /** Source MAC addresses (mode "source" only). */
  readonly macaddrs?: ReadonlyArray<string>
  /** passthru without promiscuous mode. */
  readonly nopromisc?: boolean
}

const fields = {
  ...MacvlanFields,
  link: DeviceRef,
  macaddrs: Schema.optional(Schema.Array(P.MacAddress)),
  nopromisc: Schema.optional(Schema.Boolean)
}

/**
 * A macvlan-like descriptor under another kind name (macvtap shares macvlan's options).
 *
 * @example
 * ```ts
 * const k = makeMacvlanKind("macvtap")
 * ```
 * @since 0.2.0
 */
export const makeMacvlanKind = <K extends "macvlan" | "macvtap">(kind: K): LinkKind<MacvlanOptions, K> => ({
  kind,
  fields,
  devices: macvlanDevices,
  kernelChosen: macvlanKernelChosen,
  parent: "link",
  check: (o) =>
    o.macaddrs !== undefined && o.mode !== "source"
      ? ["macaddrs", 'source addresses need mode "source"']
      : undefined,
  toKernel: (o, ctx) => {
    const w: { -readonly [F in keyof LinkinfoMacvlanAttrs]: LinkinfoMacvlanAttrs[F] } = macvlanToWire(
      o,
      ctx.devices
    )
    if (o.nopromisc) w.flags = MacvlanFlags.nopromisc
    if (o.macaddrs !== undefined) {
      w.macaddrMode = MacvlanMacaddrMode.set
      // `set` with an empty list clears the source addresses.
      w.macaddrData = o.macaddrs.length === 0 ? {} : { macaddr: o.macaddrs }
    }
    return isEmpty(w) ? undefined : (w as any)
  },
  fromKernel: (d, ctx) => {
    const o: any = d === undefined ? {} : macvlanFromWire(d, ctx.name)
    if (ctx.link !== undefined && ctx.link !== 0 && ctx.linkNetnsId === undefined) o.link = ctx.name(ctx.link)
    if (d?.flags !== undefined) o.nopromisc = (d.flags & MacvlanFlags.nopromisc) !== 0
    if (d?.macaddrData?.macaddr !== undefined) o.macaddrs = d.macaddrData.macaddr
    return o
  },
  status: (d) => macvlanStatusFromWire(d),
  canonical: (o) => {
    const c: any = macvlanCanonical(o as Generated)
    if (c.nopromisc === undefined) c.nopromisc = false
    // the kernel reports source addresses in its hash order
    if (c.macaddrs !== undefined) c.macaddrs = c.macaddrs.length === 0 ? undefined : [...c.macaddrs].sort()
    return c
  }
})

/**
 * The macvlan descriptor.
 *
 * @example
 * ```ts
 * macvlan.parent // "link"
 * ```
 * @since 0.2.0
 */
export const macvlan: LinkKind<MacvlanOptions, "macvlan"> = makeMacvlanKind("macvlan")
