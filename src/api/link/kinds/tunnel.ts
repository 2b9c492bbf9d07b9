/**
 * What the IP tunnel kinds (gre, ip6gre, ipip/sit, ip6tnl) share beyond their
 * generated views: fou/gue encapsulation options, "inherit" TTL/TOS, the
 * IPv6 tunnel flags (encaplimit none, tclass/flowlabel/fwmark inherit, dscp
 * inherit, allow-localremote) and the flow info word. Values are ip's:
 * `encap-sport auto` is 0, `ttl inherit` 0, `tos inherit` 1.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as P from "../../../runtime/Primitives.ts"
import { ipToString, parseIp } from "../../../runtime/Wire.ts"

/** TUNNEL_ENCAP_FLAG_* (if_tunnel.h; header-checked as spec tunnel-encap-flags). */
const ENCAP_CSUM = 0x1
const ENCAP_CSUM6 = 0x2
const ENCAP_REMCSUM = 0x4

/** IP6_TNL_F_* (ip6_tunnel.h; header-checked as spec ip6-tnl-flags). */
const IGN_ENCAP_LIMIT = 0x1
const USE_ORIG_TCLASS = 0x2
const USE_ORIG_FLOWLABEL = 0x4
const RCV_DSCP_COPY = 0x10
const USE_ORIG_FWMARK = 0x20
const ALLOW_LOCAL_REMOTE = 0x40

/**
 * The encapsulation options every IP tunnel has besides `encap` and
 * `encapDport` (those come from the views).
 *
 * @example
 * ```ts
 * const o: EncapOptions = { encapSport: "auto", encapCsum: true }
 * ```
 * @since 0.2.0
 */
export interface EncapOptions {
  /** UDP source port of the encapsulation, or "auto" (one per flow). */
  readonly encapSport?: number | "auto"
  /** UDP checksum over IPv4. */
  readonly encapCsum?: boolean
  /** UDP checksum over IPv6. */
  readonly encapCsum6?: boolean
  /** Remote checksum offload. */
  readonly encapRemcsum?: boolean
}

/**
 * Input Schema fields of {@link EncapOptions}.
 *
 * @example
 * ```ts
 * Schema.Struct(encapFields)
 * ```
 * @since 0.2.0
 */
export const encapFields = {
  encapSport: Schema.optional(Schema.Union([P.U16, Schema.Literal("auto")])),
  encapCsum: Schema.optional(Schema.Boolean),
  encapCsum6: Schema.optional(Schema.Boolean),
  encapRemcsum: Schema.optional(Schema.Boolean)
}

/**
 * ENCAP_FLAGS and ENCAP_SPORT as `ip` sends them on create; IPv6 tunnels
 * checksum over IPv6 unless told not to (ip's default).
 *
 * @example
 * ```ts
 * encapToWire({ encapCsum: true }, false) // { encapFlags: 1, encapSport: 0 }
 * ```
 * @since 0.2.0
 */
export const encapToWire = (o: EncapOptions, v6: boolean): { encapFlags: number; encapSport: number } => ({
  encapFlags:
    (o.encapCsum ? ENCAP_CSUM : 0) |
    ((o.encapCsum6 ?? v6) ? ENCAP_CSUM6 : 0) |
    (o.encapRemcsum ? ENCAP_REMCSUM : 0),
  encapSport: o.encapSport === undefined || o.encapSport === "auto" ? 0 : o.encapSport
})

/**
 * ENCAP_FLAGS and ENCAP_SPORT back to options.
 *
 * @example
 * ```ts
 * encapFromWire(1, 0) // { encapSport: "auto", encapCsum: true, encapCsum6: false, encapRemcsum: false }
 * ```
 * @since 0.2.0
 */
export const encapFromWire = (flags: number | undefined, sport: number | undefined): EncapOptions => {
  const f = flags ?? 0
  return {
    encapSport: sport === undefined || sport === 0 ? "auto" : sport,
    encapCsum: (f & ENCAP_CSUM) !== 0,
    encapCsum6: (f & ENCAP_CSUM6) !== 0,
    encapRemcsum: (f & ENCAP_REMCSUM) !== 0
  }
}

/**
 * Canonical encapsulation options (ip's defaults; `encapSport: 0` is "auto").
 *
 * @example
 * ```ts
 * encapCanonical({}, true).encapCsum6 // true
 * ```
 * @since 0.2.0
 */
export const encapCanonical = (o: EncapOptions, v6: boolean): EncapOptions => ({
  encapSport: o.encapSport === undefined || o.encapSport === 0 ? "auto" : o.encapSport,
  encapCsum: o.encapCsum ?? false,
  encapCsum6: o.encapCsum6 ?? v6,
  encapRemcsum: o.encapRemcsum ?? false
})

/**
 * Schema of an IPv4 tunnel's TTL: 1..255 or "inherit" (0 on the wire).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Ttl)("inherit")
 * ```
 * @since 0.2.0
 */
export const Ttl = Schema.Union([P.U8, Schema.Literal("inherit")])

/**
 * TTL to the wire: "inherit" is 0.
 *
 * @example
 * ```ts
 * ttlToWire("inherit") // 0
 * ```
 * @since 0.2.0
 */
export const ttlToWire = (t: number | "inherit" | undefined): number =>
  t === undefined || t === "inherit" ? 0 : t

/**
 * TTL from the wire (and canonical): 0 is "inherit".
 *
 * @example
 * ```ts
 * ttlFromWire(0) // "inherit"
 * ```
 * @since 0.2.0
 */
export const ttlFromWire = (t: number | "inherit" | undefined): number | "inherit" =>
  t === undefined || t === 0 || t === "inherit" ? "inherit" : t

/**
 * TOS to the wire: "inherit" is 1.
 *
 * @example
 * ```ts
 * tosToWire("inherit") // 1
 * ```
 * @since 0.2.0
 */
export const tosToWire = (t: number | "inherit" | undefined): number => (t === "inherit" ? 1 : (t ?? 0))

/**
 * TOS from the wire (and canonical): 1 is "inherit".
 *
 * @example
 * ```ts
 * tosFromWire(1) // "inherit"
 * ```
 * @since 0.2.0
 */
export const tosFromWire = (t: number | "inherit" | undefined): number | "inherit" =>
  t === 1 || t === "inherit" ? "inherit" : (t ?? 0)

/**
 * The IPv6 tunnel options carried in IP6_TNL_F_* bits and the flow info word
 * (ip6gre, ip6gretap, ip6erspan, ip6tnl).
 *
 * @example
 * ```ts
 * const o: Ip6Options = { encaplimit: "none", tclass: "inherit", flowlabel: 0x1234 }
 * ```
 * @since 0.2.0
 */
export interface Ip6Options {
  /** Encapsulation limit (nested headers), or "none" to send no limit option. */
  readonly encaplimit?: number | "none"
  /** Traffic class, or "inherit" from the inner packet. */
  readonly tclass?: number | "inherit"
  /** Flow label, or "inherit" from the inner packet. */
  readonly flowlabel?: number | "inherit"
  /** Firewall mark of the outer packets, or "inherit" from the inner. */
  readonly fwmark?: number | "inherit"
  /** Copy DSCP from the outer header on receive (`dscp inherit`). */
  readonly dscpInherit?: boolean
  /** Allow a remote address that is local (`allow-localremote`). */
  readonly allowLocalremote?: boolean
}

/**
 * Input Schema fields of {@link Ip6Options}.
 *
 * @example
 * ```ts
 * Schema.Struct(ip6Fields)
 * ```
 * @since 0.2.0
 */
export const ip6Fields = {
  encaplimit: Schema.optional(Schema.Union([P.U8, Schema.Literal("none")])),
  tclass: Schema.optional(Schema.Union([P.U8, Schema.Literal("inherit")])),
  flowlabel: Schema.optional(Schema.Union([P.intBetween(P.U32, 0, 0xfffff), Schema.Literal("inherit")])),
  fwmark: Schema.optional(Schema.Union([P.U32, Schema.Literal("inherit")])),
  dscpInherit: Schema.optional(Schema.Boolean),
  allowLocalremote: Schema.optional(Schema.Boolean)
}

/**
 * ENCAP_LIMIT, FLOWINFO, FLAGS and FWMARK as `ip` sends them (limit 4 when
 * not given, also with "none").
 *
 * @example
 * ```ts
 * ip6ToWire({ encaplimit: "none" }) // { encapLimit: 4, flowinfo: 0, flags: 1, fwmark: 0 }
 * ```
 * @since 0.2.0
 */
export const ip6ToWire = (
  o: Ip6Options
): { encapLimit: number; flowinfo: number; flags: number; fwmark: number } => ({
  encapLimit: o.encaplimit === undefined || o.encaplimit === "none" ? 4 : o.encaplimit,
  flowinfo:
    ((typeof o.tclass === "number" ? o.tclass : 0) << 20) +
    (typeof o.flowlabel === "number" ? o.flowlabel : 0),
  flags:
    (o.encaplimit === "none" ? IGN_ENCAP_LIMIT : 0) |
    (o.tclass === "inherit" ? USE_ORIG_TCLASS : 0) |
    (o.flowlabel === "inherit" ? USE_ORIG_FLOWLABEL : 0) |
    (o.dscpInherit ? RCV_DSCP_COPY : 0) |
    (o.fwmark === "inherit" ? USE_ORIG_FWMARK : 0) |
    (o.allowLocalremote ? ALLOW_LOCAL_REMOTE : 0),
  fwmark: typeof o.fwmark === "number" ? o.fwmark : 0
})

/**
 * The IPv6 tunnel options back from the wire.
 *
 * @example
 * ```ts
 * ip6FromWire({ encapLimit: 4, flowinfo: 0, flags: 1, fwmark: 0 }).encaplimit // "none"
 * ```
 * @since 0.2.0
 */
export const ip6FromWire = (d: {
  readonly encapLimit?: number | undefined
  readonly flowinfo?: number | undefined
  readonly flags?: number | undefined
  readonly fwmark?: number | undefined
}): Ip6Options => {
  const f = d.flags ?? 0
  const info = d.flowinfo ?? 0
  return {
    encaplimit: f & IGN_ENCAP_LIMIT ? "none" : (d.encapLimit ?? 4),
    tclass: f & USE_ORIG_TCLASS ? "inherit" : (info >>> 20) & 0xff,
    flowlabel: f & USE_ORIG_FLOWLABEL ? "inherit" : info & 0xfffff,
    fwmark: f & USE_ORIG_FWMARK ? "inherit" : (d.fwmark ?? 0),
    dscpInherit: (f & RCV_DSCP_COPY) !== 0,
    allowLocalremote: (f & ALLOW_LOCAL_REMOTE) !== 0
  }
}

/**
 * Canonical IPv6 tunnel options (the kernel's and ip's defaults).
 *
 * @example
 * ```ts
 * ip6Canonical({}).encaplimit // 4
 * ```
 * @since 0.2.0
 */
export const ip6Canonical = (o: Ip6Options): Ip6Options => ({
  encaplimit: o.encaplimit ?? 4,
  tclass: o.tclass ?? 0,
  flowlabel: o.flowlabel ?? 0,
  fwmark: o.fwmark ?? 0,
  dscpInherit: o.dscpInherit ?? false,
  allowLocalremote: o.allowLocalremote ?? false
})

/** Keeps only defined values (the views' objects never hold undefined). */
export const defined = <A extends object>(o: A): A => {
  const out: any = {}
  for (const k in o) if ((o as any)[k] !== undefined) out[k] = (o as any)[k]
  return out
}

/**
 * Address text as the kernel's listing spells it ("0:0:0:0:0:0:0:1" is "::1",
 * "2001:DB8::1" is "2001:db8::1"), so an address compares equal however it was
 * written; text that is no address stays as it is.
 *
 * @example
 * ```ts
 * ipText("2001:DB8:0:0:0:0:0:1") // "2001:db8::1"
 * ```
 * @since 0.4.0
 */
export const ipText = (s: string): string => {
  const b = parseIp(s)
  return b === undefined ? s : ipToString(b, 0, b.length)
}

/**
 * `c` with the address text of `keys` in the listing's spelling ({@link ipText}),
 * for canonical forms.
 *
 * @example
 * ```ts
 * addressesCanonical({ local: "::0" }, ["local"]) // { local: "::" }
 * ```
 * @since 0.4.0
 */
export const addressesCanonical = <A extends object>(c: A, keys: ReadonlyArray<string>): A => {
  const out: any = { ...c }
  for (const k of keys) if (typeof out[k] === "string") out[k] = ipText(out[k])
  return out
}

/**
 * Whether address text is the unspecified address (0.0.0.0 or ::), which a
 * kind's listing reads as no address.
 *
 * @example
 * ```ts
 * isAnyAddress("0:0:0:0:0:0:0:0") // true
 * ```
 * @since 0.4.0
 */
export const isAnyAddress = (s: string): boolean => {
  const b = parseIp(s)
  return b?.every((x) => x === 0) === true
}
