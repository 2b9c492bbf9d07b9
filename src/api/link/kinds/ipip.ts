/**
 * IPv4 tunnels: `ip link add NAME type ipip ...` and `type sit ...` (IPv6 in
 * IPv4, with 6rd and ISATAP). linkinfo-iptun-attrs gives the view; by hand:
 * `mode` (IFLA_IPTUN_PROTO: ip sends 0, "any", when no mode is given),
 * `ttl`/`tos: "inherit"`, the fou/gue source port and checksum flags
 * (./tunnel.ts), sit's `isatap` flag and its 6rd prefixes ("2001:db8::/32"
 * is 6RD_PREFIX + 6RD_PREFIXLEN). A create sends what `ip` sends.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoIptunAttrs } from "../../../generated/rt-link/index.ts"
import {
  IptunFields,
  type IptunOptions as Generated,
  iptunCanonical,
  iptunDevices,
  iptunFromWire,
  iptunKernelChosen,
  iptunToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import { parseIPv4, parseIPv6 } from "../../../runtime/Wire.ts"
import type { LinkKind } from "../LinkKind.ts"
import {
  addressesCanonical,
  type EncapOptions,
  encapCanonical,
  encapFields,
  encapFromWire,
  encapToWire,
  Ttl,
  tosFromWire,
  tosToWire,
  ttlFromWire,
  ttlToWire
} from "./tunnel.ts"

/** IFLA_IPTUN_PROTO values (spec iptun-proto, from linux/in.h). */
const PROTO = { any: 0, ipip: 4, ip6ip: 41, mplsip: 137 } as const
const PROTO_NAME: Readonly<Record<number, IpipMode>> = { 0: "any", 4: "ipip", 41: "ip6ip", 137: "mplsip" }
/** SIT_ISATAP (if_tunnel.h). */
const SIT_ISATAP = 0x1

/**
 * Inner protocols: ipip takes ipip, mplsip, any; sit also ip6ip.
 *
 * @example
 * ```ts
 * const m: IpipMode = "any"
 * ```
 * @since 0.2.0
 */
export type IpipMode = "ipip" | "ip6ip" | "mplsip" | "any"

/**
 * The options of an ipip or sit link.
 *
 * @example
 * ```ts
 * const o: IpipOptions = { remote: "10.0.0.2", local: "10.0.0.1", ttl: 64, mode: "ipip" }
 * ```
 * @since 0.2.0
 */
export interface IpipOptions extends Generated, EncapOptions {
  /** Inner protocol; "any" (what ip sends without `mode`) takes every one the kind has. */
  readonly mode?: IpipMode
  /** Outer TTL (1..255), or "inherit" from the inner packet. */
  readonly ttl?: number | "inherit"
  /** Outer TOS, or "inherit" (1). */
  readonly tos?: number | "inherit"
  /** sit: ISATAP (RFC 5214) tunnel. */
  readonly isatap?: boolean
  /** sit: the 6rd prefix, "2001:db8::/32". */
  readonly "6rdPrefix"?: string
  /** sit: the 6rd relay prefix, "10.0.0.0/8". */
  readonly "6rdRelayPrefix"?: string
}

const prefix = (family: 4 | 6) => {
  const max = family === 4 ? 32 : 128
  const parse = family === 4 ? parseIPv4 : parseIPv6
  return Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const [addr, len, extra] = s.split("/")
        const n = Number(len)
        return (
          (extra === undefined && parse(addr) !== undefined && /^\d+$/.test(len ?? "") && n <= max) ||
          `"${s}" is not an IPv${family} prefix (address/length)`
        )
      },
      { expected: `an IPv${family} prefix` }
    )
  )
}

const fields = {
  ...IptunFields,
  ...encapFields,
  mode: Schema.optional(Schema.Literals(["ipip", "ip6ip", "mplsip", "any"])),
  ttl: Schema.optional(Ttl),
  tos: Schema.optional(Schema.Union([P.U8, Schema.Literal("inherit")])),
  isatap: Schema.optional(Schema.Boolean),
  "6rdPrefix": Schema.optional(prefix(6)),
  "6rdRelayPrefix": Schema.optional(prefix(4))
}

const split = (p: string): readonly [string, number] => {
  const [a, l] = p.split("/")
  return [a!, Number(l)]
}

/** The sit kernel's 6rd default (the 6to4 prefix), reported on every sit link. */
const SIT_6RD_DEFAULTS = { "6rdPrefix": "2002::/16", "6rdRelayPrefix": "0.0.0.0/0" }

const make = <K extends "ipip" | "sit">(kind: K): LinkKind<IpipOptions, K> => ({
  kind,
  fields,
  devices: iptunDevices,
  kernelChosen: iptunKernelChosen,
  check: (o) => {
    if (kind === "ipip") {
      if (o.mode === "ip6ip") return ["mode", "ipip carries ipip, mplsip or any; ip6ip is sit's"]
      for (const f of ["isatap", "6rdPrefix", "6rdRelayPrefix"] as const)
        if (o[f] !== undefined) return [f, `${f} is an option of sit, not of ipip`]
    }
    if (o.pmtudisc === false && o.ttl !== undefined && o.ttl !== "inherit" && o.ttl !== 0)
      return ["pmtudisc", "path MTU discovery can be off only with ttl inherit"]
    return undefined
  },
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoIptunAttrs]: LinkinfoIptunAttrs[K] } = iptunToWire(
      o,
      ctx.devices
    )
    w.proto = PROTO[o.mode ?? "any"]
    w.pmtudisc = o.pmtudisc === false ? 0 : 1
    w.tos = tosToWire(o.tos)
    w.ttl = ttlToWire(o.ttl)
    w.link = w.link ?? 0 // ip sends IFLA_IPTUN_LINK 0 without `dev`
    w.fwmark = o.fwmark ?? 0
    Object.assign(w, encapToWire(o, false))
    w.encapType = w.encapType ?? 0
    w.encapDport = w.encapDport ?? 0
    if (kind === "sit") {
      w.flags = o.isatap ? SIT_ISATAP : 0
      if (o["6rdPrefix"] !== undefined) {
        const [a, l] = split(o["6rdPrefix"])
        w.v6rdPrefix = a
        w.v6rdPrefixlen = l
      }
      if (o["6rdRelayPrefix"] !== undefined) {
        const [a, l] = split(o["6rdRelayPrefix"])
        w.v6rdRelayPrefix = a
        w.v6rdRelayPrefixlen = l
      }
    }
    return w as any
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof IpipOptions]?: IpipOptions[K] } = {
      ...iptunFromWire(d, ctx.name),
      ...encapFromWire(d.encapFlags, d.encapSport),
      mode: PROTO_NAME[d.proto ?? 0] ?? ("any" as IpipMode),
      ttl: ttlFromWire(d.ttl),
      tos: tosFromWire(d.tos)
    }
    if (kind === "sit") {
      o.isatap = ((d.flags ?? 0) & SIT_ISATAP) !== 0
      if (d.v6rdPrefix !== undefined) o["6rdPrefix"] = `${d.v6rdPrefix}/${d.v6rdPrefixlen ?? 0}`
      if (d.v6rdRelayPrefix !== undefined)
        o["6rdRelayPrefix"] = `${d.v6rdRelayPrefix}/${d.v6rdRelayPrefixlen ?? 0}`
    }
    return o
  },
  canonical: (o) => ({
    ...addressesCanonical(iptunCanonical(o), ["local", "remote"]),
    ...encapCanonical(o, false),
    ...(kind === "sit"
      ? {
          isatap: o.isatap ?? false,
          "6rdPrefix": o["6rdPrefix"] ?? SIT_6RD_DEFAULTS["6rdPrefix"],
          "6rdRelayPrefix": o["6rdRelayPrefix"] ?? SIT_6RD_DEFAULTS["6rdRelayPrefix"]
        }
      : {}),
    mode: o.mode ?? "any",
    ttl: ttlFromWire(o.ttl),
    tos: tosFromWire(o.tos)
  })
})

/**
 * ipip: IPv4 in IPv4, `ip link add NAME type ipip remote A local B ...`.
 *
 * @example
 * ```ts
 * ipip.toKernel({ remote: "10.0.0.2" }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const ipip = make("ipip")

/**
 * sit: IPv6 in IPv4 (also 6rd and ISATAP), `ip link add NAME type sit ...`.
 *
 * @example
 * ```ts
 * sit.kind // "sit"
 * ```
 * @since 0.2.0
 */
export const sit = make("sit")
