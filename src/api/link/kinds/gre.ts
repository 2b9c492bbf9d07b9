/**
 * GRE tunnels over IPv4 and IPv6: `ip link add NAME type gre|gretap|erspan
 * ...` (linkinfo-gre-attrs → GreFields, greToWire ...) and `type
 * ip6gre|ip6gretap|ip6erspan` (linkinfo-ip6gre-attrs). By hand: keys and the
 * GRE flags (`ikey`/`okey` set GRE_KEY, `icsum`/`ocsum`, `iseq`/`oseq`; both
 * big-endian), `ttl`/`tos: "inherit"`, the fou/gue source port and checksum
 * flags, the IPv6 flags and flow info (./tunnel.ts) and `erspanDir`. A create
 * sends what `ip` sends: every endpoint, key and encap attribute, with ip's
 * defaults.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoGreAttrs, LinkinfoIp6greAttrs } from "../../../generated/rt-link/index.ts"
import {
  GreFields,
  type GreOptions as GreGenerated,
  greCanonical,
  greDevices,
  greFromWire,
  greKernelChosen,
  greToWire,
  Ip6greFields,
  type Ip6greOptions as Ip6greGenerated,
  ip6greCanonical,
  ip6greDevices,
  ip6greFromWire,
  ip6greKernelChosen,
  ip6greToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import type { LinkKind } from "../LinkKind.ts"
import {
  addressesCanonical,
  defined,
  type EncapOptions,
  encapCanonical,
  encapFields,
  encapFromWire,
  encapToWire,
  type Ip6Options,
  ip6Canonical,
  ip6Fields,
  ip6FromWire,
  ip6ToWire,
  Ttl,
  tosFromWire,
  tosToWire,
  ttlFromWire,
  ttlToWire
} from "./tunnel.ts"

/** GRE_CSUM, GRE_KEY, GRE_SEQ in host order (the attributes are big-endian). */
const GRE_CSUM = 0x8000
const GRE_KEY = 0x2000
const GRE_SEQ = 0x1000

/**
 * Keys, checksums and sequence numbers of a GRE tunnel, per direction.
 *
 * @example
 * ```ts
 * const k: GreKeys = { ikey: 5, okey: 5, ocsum: true }
 * ```
 * @since 0.2.0
 */
export interface GreKeys {
  /** Key expected on received packets (sets GRE_KEY in iflags). */
  readonly ikey?: number
  /** Key put on sent packets (sets GRE_KEY in oflags). */
  readonly okey?: number
  /** Require checksums on received packets. */
  readonly icsum?: boolean
  /** Checksum sent packets. */
  readonly ocsum?: boolean
  /** Require in-order sequence numbers on received packets. */
  readonly iseq?: boolean
  /** Number sent packets. */
  readonly oseq?: boolean
  /** ERSPAN v2 direction. */
  readonly erspanDir?: "ingress" | "egress"
}

const keyFields = {
  ikey: Schema.optional(P.U32),
  okey: Schema.optional(P.U32),
  icsum: Schema.optional(Schema.Boolean),
  ocsum: Schema.optional(Schema.Boolean),
  iseq: Schema.optional(Schema.Boolean),
  oseq: Schema.optional(Schema.Boolean),
  erspanDir: Schema.optional(Schema.Literals(["ingress", "egress"]))
}

const greFlags = (key: number | undefined, csum: boolean | undefined, seq: boolean | undefined): number =>
  (csum ? GRE_CSUM : 0) | (key !== undefined ? GRE_KEY : 0) | (seq ? GRE_SEQ : 0)

type Wire = { -readonly [K in keyof LinkinfoGreAttrs]: LinkinfoGreAttrs[K] }

const keysToWire = (o: GreKeys & { erspanVer?: number }, w: Wire, erspan: boolean): void => {
  w.iflags = greFlags(o.ikey, o.icsum, o.iseq)
  w.oflags = greFlags(o.okey, o.ocsum, o.oseq)
  w.ikey = o.ikey ?? 0
  w.okey = o.okey ?? 0
  if (erspan && w.erspanVer === undefined) w.erspanVer = 1
  if (o.erspanDir !== undefined) w.erspanDir = o.erspanDir === "egress" ? 1 : 0
}

const keysFromWire = (d: LinkinfoGreAttrs): GreKeys => {
  const i = d.iflags ?? 0
  const o = d.oflags ?? 0
  return defined({
    ikey: i & GRE_KEY ? (d.ikey ?? 0) : undefined,
    okey: o & GRE_KEY ? (d.okey ?? 0) : undefined,
    icsum: (i & GRE_CSUM) !== 0,
    ocsum: (o & GRE_CSUM) !== 0,
    iseq: (i & GRE_SEQ) !== 0,
    oseq: (o & GRE_SEQ) !== 0,
    erspanDir: d.erspanDir === undefined ? undefined : d.erspanDir === 1 ? "egress" : "ingress"
  })
}

const keysCanonical = (o: GreKeys): GreKeys => ({
  icsum: o.icsum ?? false,
  ocsum: o.ocsum ?? false,
  iseq: o.iseq ?? false,
  oseq: o.oseq ?? false
})

const erspanOnly = (
  kind: string,
  o: { erspan?: number; erspanVer?: number; erspanHwid?: number; erspanDir?: string }
): readonly [string, string] | undefined => {
  const isErspan = kind === "erspan" || kind === "ip6erspan"
  if (!isErspan) {
    for (const f of ["erspan", "erspanVer", "erspanHwid", "erspanDir"] as const)
      if (o[f] !== undefined) return [f, `${f} is an option of erspan / ip6erspan, not of ${kind}`]
    return undefined
  }
  if (o.erspanVer === 0) return ["erspanVer", "erspan needs version 1 or 2"]
  const v2 = o.erspanVer === 2
  if (!v2 && (o.erspanDir !== undefined || o.erspanHwid !== undefined))
    return [o.erspanDir !== undefined ? "erspanDir" : "erspanHwid", "direction and hwid need erspanVer 2"]
  if (v2 && o.erspan !== undefined) return ["erspan", "the session index is erspan version 1's"]
  return undefined
}

/**
 * A listed link of a kind other than erspan/ip6erspan without the ERSPAN options (ip sends
 * version 1 on every ip6gre kind; a kernel reporting it back must not make the listed
 * object one that `erspanOnly` refuses as input).
 */
const withoutErspan = <O extends Record<string, unknown>>(kind: string, o: O): O => {
  if (kind === "erspan" || kind === "ip6erspan") return o
  const { erspan: _i, erspanVer: _v, erspanHwid: _h, erspanDir: _d, ...rest } = o
  return rest as O
}

/**
 * The options of a gre, gretap or erspan link.
 *
 * @example
 * ```ts
 * const o: GreOptions = { remote: "10.0.0.2", local: "10.0.0.1", ttl: 64, ikey: 5, okey: 5 }
 * ```
 * @since 0.2.0
 */
export interface GreOptions extends GreGenerated, GreKeys, EncapOptions {
  /** Outer TTL (1..255), or "inherit" from the inner packet. */
  readonly ttl?: number | "inherit"
  /** Outer TOS, or "inherit" (1). */
  readonly tos?: number | "inherit"
}

const v4Fields = {
  ...GreFields,
  ...keyFields,
  ...encapFields,
  ttl: Schema.optional(Ttl),
  tos: Schema.optional(Schema.Union([P.U8, Schema.Literal("inherit")]))
}

const v4 = <K extends "gre" | "gretap" | "erspan">(kind: K): LinkKind<GreOptions, K> => ({
  kind,
  fields: v4Fields,
  devices: greDevices,
  kernelChosen: [...greKernelChosen, "erspanDir"],
  check: (o) => {
    if (o.pmtudisc === false && o.ttl !== undefined && o.ttl !== "inherit" && o.ttl !== 0)
      return ["pmtudisc", "path MTU discovery can be off only with ttl inherit"]
    return erspanOnly(kind, o)
  },
  toKernel: (o, ctx) => {
    const w: Wire = greToWire(o, ctx.devices)
    w.pmtudisc = o.pmtudisc === false ? 0 : 1
    w.ttl = ttlToWire(o.ttl)
    w.tos = tosToWire(o.tos)
    w.fwmark = o.fwmark ?? 0
    keysToWire(o, w, kind === "erspan")
    Object.assign(w, encapToWire(o, false))
    w.encapType = w.encapType ?? 0
    w.encapDport = w.encapDport ?? 0
    return w as any
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    return withoutErspan(kind, {
      ...greFromWire(d, ctx.name),
      ...keysFromWire(d),
      ...encapFromWire(d.encapFlags, d.encapSport),
      ttl: ttlFromWire(d.ttl),
      tos: tosFromWire(d.tos)
    }) as Partial<GreOptions>
  },
  canonical: (o) => ({
    ...addressesCanonical(greCanonical(o), ["local", "remote"]),
    ...(kind === "erspan" ? { erspanVer: o.erspanVer ?? 1 } : {}),
    ...keysCanonical(o),
    ...encapCanonical(o, false),
    ttl: ttlFromWire(o.ttl),
    tos: tosFromWire(o.tos)
  })
})

/**
 * The options of an ip6gre, ip6gretap or ip6erspan link.
 *
 * @example
 * ```ts
 * const o: Ip6greOptions = { remote: "2001:db8::2", local: "2001:db8::1", hoplimit: 32, encaplimit: "none" }
 * ```
 * @since 0.2.0
 */
export interface Ip6greOptions extends Omit<Ip6greGenerated, "fwmark">, GreKeys, EncapOptions, Ip6Options {}

const v6Fields = { ...Ip6greFields, ...keyFields, ...encapFields, ...ip6Fields }

const v6 = <K extends "ip6gre" | "ip6gretap" | "ip6erspan">(kind: K): LinkKind<Ip6greOptions, K> => ({
  kind,
  fields: v6Fields,
  devices: ip6greDevices,
  kernelChosen: [...ip6greKernelChosen, "erspanDir"],
  check: (o) => erspanOnly(kind, o),
  toKernel: (o, ctx) => {
    const w: Wire = ip6greToWire(o as Ip6greGenerated, ctx.devices) as Wire
    w.ttl = o.hoplimit ?? 64
    // ip sends version 1 on every ip6gre kind (the kernel reads it only for ip6erspan).
    keysToWire(o, w, true)
    Object.assign(w, ip6ToWire(o), encapToWire(o, true))
    w.encapType = w.encapType ?? 0
    w.encapDport = w.encapDport ?? 0
    return w as LinkinfoIp6greAttrs as any
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    return withoutErspan(kind, {
      ...ip6greFromWire(d, ctx.name),
      ...keysFromWire(d),
      ...encapFromWire(d.encapFlags, d.encapSport),
      ...ip6FromWire(d)
    }) as Partial<Ip6greOptions>
  },
  canonical: (o) => ({
    ...addressesCanonical(ip6greCanonical(o as Ip6greGenerated), ["local", "remote"]),
    ...(kind === "ip6erspan" ? { erspanVer: o.erspanVer ?? 1 } : {}),
    ...keysCanonical(o),
    ...encapCanonical(o, true),
    ...ip6Canonical(o)
  })
})

/**
 * gre: IPv4 GRE (layer 3), `ip link add NAME type gre remote A local B ...`.
 *
 * @example
 * ```ts
 * gre.toKernel({ remote: "10.0.0.2", local: "10.0.0.1" }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const gre = v4("gre")
/**
 * gretap: IPv4 GRE carrying Ethernet frames.
 *
 * @example
 * ```ts
 * gretap.kind // "gretap"
 * ```
 * @since 0.2.0
 */
export const gretap = v4("gretap")
/**
 * erspan: IPv4 ERSPAN (version 1 with `erspan` index, 2 with `erspanDir`/`erspanHwid`).
 *
 * @example
 * ```ts
 * erspan.kind // "erspan"
 * ```
 * @since 0.2.0
 */
export const erspan = v4("erspan")
/**
 * ip6gre: GRE over IPv6.
 *
 * @example
 * ```ts
 * ip6gre.kind // "ip6gre"
 * ```
 * @since 0.2.0
 */
export const ip6gre = v6("ip6gre")
/**
 * ip6gretap: GRE over IPv6 carrying Ethernet frames.
 *
 * @example
 * ```ts
 * ip6gretap.kind // "ip6gretap"
 * ```
 * @since 0.2.0
 */
export const ip6gretap = v6("ip6gretap")
/**
 * ip6erspan: ERSPAN over IPv6.
 *
 * @example
 * ```ts
 * ip6erspan.kind // "ip6erspan"
 * ```
 * @since 0.2.0
 */
export const ip6erspan = v6("ip6erspan")
