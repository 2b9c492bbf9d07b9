/**
 * ip6tnl: IPv4 or IPv6 in IPv6, `ip link add NAME type ip6tnl mode
 * ip6ip6|ipip6|any ...`. linkinfo-ip6tnl-attrs gives the view; by hand:
 * `mode` (IFLA_IPTUN_PROTO), the fou/gue source port and checksum flags, and
 * the IPv6 flags and flow info (`encaplimit`, `tclass`, `flowlabel`,
 * `fwmark` with "none"/"inherit", `dscpInherit`, `allowLocalremote`; see
 * ./tunnel.ts). A create sends what `ip` sends.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoIp6tnlAttrs } from "../../../generated/rt-link/index.ts"
import {
  Ip6tnlFields,
  type Ip6tnlOptions as Generated,
  ip6tnlCanonical,
  ip6tnlDevices,
  ip6tnlFromWire,
  ip6tnlKernelChosen,
  ip6tnlToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"
import {
  addressesCanonical,
  type EncapOptions,
  encapCanonical,
  encapFields,
  encapFromWire,
  encapToWire,
  type Ip6Options,
  ip6Canonical,
  ip6Fields,
  ip6FromWire,
  ip6ToWire
} from "./tunnel.ts"

/** IFLA_IPTUN_PROTO values (spec iptun-proto: IPPROTO_IPV6, IPPROTO_IPIP, 0). */
const PROTO = { ip6ip6: 41, ipip6: 4, any: 0 } as const
const PROTO_NAME: Readonly<Record<number, Ip6tnlMode>> = { 41: "ip6ip6", 4: "ipip6", 0: "any" }

/**
 * Inner protocols of an ip6tnl link.
 *
 * @example
 * ```ts
 * const m: Ip6tnlMode = "ip6ip6"
 * ```
 * @since 0.2.0
 */
export type Ip6tnlMode = "ip6ip6" | "ipip6" | "any"

/**
 * The options of an ip6tnl link.
 *
 * @example
 * ```ts
 * const o: Ip6tnlOptions = { mode: "ipip6", remote: "2001:db8::2", local: "2001:db8::1", encaplimit: "none" }
 * ```
 * @since 0.2.0
 */
export interface Ip6tnlOptions extends Omit<Generated, "fwmark">, EncapOptions, Ip6Options {
  /** Inner protocol: IPv6 (ip6ip6), IPv4 (ipip6) or either (any: what ip sends without `mode`). */
  readonly mode?: Ip6tnlMode
}

const fields = {
  ...Ip6tnlFields,
  ...encapFields,
  ...ip6Fields,
  mode: Schema.optional(Schema.Literals(["ip6ip6", "ipip6", "any"]))
}

/**
 * The ip6tnl descriptor.
 *
 * @example
 * ```ts
 * ip6tnl.toKernel({ mode: "any", remote: "2001:db8::2" }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const ip6tnl: LinkKind<Ip6tnlOptions, "ip6tnl"> = {
  kind: "ip6tnl",
  fields,
  devices: ip6tnlDevices,
  kernelChosen: ip6tnlKernelChosen,
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoIp6tnlAttrs]: LinkinfoIp6tnlAttrs[K] } = ip6tnlToWire(
      o as Generated,
      ctx.devices
    )
    w.proto = PROTO[o.mode ?? "any"]
    w.ttl = o.hoplimit ?? 64
    w.link = w.link ?? 0 // ip sends IFLA_IPTUN_LINK 0 without `dev`
    Object.assign(w, ip6ToWire(o), encapToWire(o, true))
    w.encapType = w.encapType ?? 0
    w.encapDport = w.encapDport ?? 0
    return w
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    return {
      ...ip6tnlFromWire(d, ctx.name),
      ...encapFromWire(d.encapFlags, d.encapSport),
      ...ip6FromWire(d),
      mode: PROTO_NAME[d.proto ?? 0] ?? "any"
    } as Partial<Ip6tnlOptions>
  },
  canonical: (o) => ({
    ...addressesCanonical(ip6tnlCanonical(o as Generated), ["local", "remote"]),
    ...encapCanonical(o, true),
    ...ip6Canonical(o),
    mode: o.mode ?? "any"
  })
}
