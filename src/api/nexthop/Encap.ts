/**
 * Lightweight-tunnel encapsulation of a route or nexthop (RTA_ENCAP_TYPE +
 * RTA_ENCAP, NHA_ENCAP_TYPE + NHA_ENCAP; linux/lwtunnel.h, mpls_iptunnel.h),
 * as `ip route add ... encap TYPE ...` writes it and `ip -d -j route` shows
 * it: MPLS label push, IPv4 and IPv6 tunnel metadata. Other encapsulation
 * types are kept as their type name and payload bytes, written back as they
 * were read.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as P from "../../runtime/Primitives.ts"
import { ipToString, parseIp, readU64, Writer } from "../../runtime/Wire.ts"

// LWTUNNEL_ENCAP_* (linux/lwtunnel.h)
const TYPES = {
  mpls: 1,
  ip: 2,
  ila: 3,
  ip6: 4,
  seg6: 5,
  bpf: 6,
  seg6local: 7,
  rpl: 8,
  ioam6: 9,
  xfrm: 10
} as const
const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(TYPES).map(([k, v]) => [v, k])
)

/**
 * Encapsulation type names ("mpls", "ip", "ip6", "seg6", "seg6local", "bpf",
 * "ioam6", ...), as `ip route ... encap NAME`.
 *
 * @example
 * ```ts
 * const t: Encap.TypeName = "mpls"
 * ```
 * @since 0.2.0
 */
export type TypeName = keyof typeof TYPES

/**
 * MPLS label push (`encap mpls 100/200 ttl 5`): labels outermost first.
 *
 * @example
 * ```ts
 * const e: Encap.Mpls = { type: "mpls", labels: [100, 200], ttl: 5 }
 * ```
 * @since 0.2.0
 */
export interface Mpls {
  readonly type: "mpls"
  readonly labels: ReadonlyArray<number>
  /** MPLS_IPTUNNEL_TTL; omitted: the kernel's default (propagate or the sysctl). */
  readonly ttl?: number | undefined
}

/**
 * IPv4 tunnel metadata for collect-metadata tunnels (`encap ip id 100 dst
 * 10.0.0.1 src 10.0.0.2 tos 4 ttl 9 key csum seq`). Unset fields are zero
 * to the kernel.
 *
 * @example
 * ```ts
 * const e: Encap.Ip = { type: "ip", id: 100n, dst: "10.9.9.9", ttl: 9, key: true }
 * ```
 * @since 0.2.0
 */
export interface Ip {
  readonly type: "ip"
  /** LWTUNNEL_IP_ID: tunnel key (VNI, GRE key); read back as a bigint (JSON gives decimal text). */
  readonly id?: bigint | number | string | undefined
  readonly dst?: string | undefined
  readonly src?: string | undefined
  readonly tos?: number | undefined
  readonly ttl?: number | undefined
  readonly key?: boolean | undefined
  readonly csum?: boolean | undefined
  readonly seq?: boolean | undefined
}

/**
 * IPv6 tunnel metadata (`encap ip6 id 7 dst 2001:db8::9 hoplimit 3 tc 1`).
 *
 * @example
 * ```ts
 * const e: Encap.Ip6 = { type: "ip6", id: 7n, dst: "2001:db8::9", hoplimit: 3, tc: 1 }
 * ```
 * @since 0.2.0
 */
export interface Ip6 {
  readonly type: "ip6"
  readonly id?: bigint | number | string | undefined
  readonly dst?: string | undefined
  readonly src?: string | undefined
  readonly tc?: number | undefined
  readonly hoplimit?: number | undefined
  readonly key?: boolean | undefined
  readonly csum?: boolean | undefined
  readonly seq?: boolean | undefined
}

/**
 * SRv6 encapsulation (`encap seg6 mode encap segs A,B [hmac KEYID]`): the
 * segments in the order they are visited; inline mode inserts the SRH into
 * the packet (the kernel fills in the final destination as the last segment).
 *
 * @example
 * ```ts
 * const e: Encap.Seg6 = { type: "seg6", mode: "encap", segments: ["2001:db8::a", "2001:db8::b"], hmac: 7 }
 * ```
 * @since 0.2.0
 */
export interface Seg6 {
  readonly type: "seg6"
  readonly mode: Seg6Mode
  readonly segments: ReadonlyArray<string>
  /** HMAC key id (SR6_TLV_HMAC); the key itself is set with `ip sr hmac`. */
  readonly hmac?: number | undefined
}

/**
 * SEG6_IPTUN_MODE_*: "inline", "encap", "l2encap", "encap.red", "l2encap.red".
 *
 * @example
 * ```ts
 * const m: Encap.Seg6Mode = "l2encap"
 * ```
 * @since 0.2.0
 */
export type Seg6Mode = "inline" | "encap" | "l2encap" | "encap.red" | "l2encap.red"
const SEG6_MODES: ReadonlyArray<Seg6Mode> = ["inline", "encap", "l2encap", "encap.red", "l2encap.red"]

/**
 * An encapsulation of a type this module does not describe field by field:
 * its type (name or number) and the attributes inside RTA_ENCAP as bytes.
 *
 * @example
 * ```ts
 * const e: Encap.Raw = { type: "seg6", data: new Uint8Array([]) }
 * ```
 * @since 0.2.0
 */
export interface Raw {
  readonly type: Exclude<TypeName, "mpls" | "ip" | "ip6" | "seg6"> | number
  readonly data: Uint8Array
}

/**
 * A route's or nexthop's encapsulation.
 *
 * @example
 * ```ts
 * yield* Route.add({ destination: "10.5.0.0/16", gateway: "10.1.2.1", encap: { type: "mpls", labels: [100] } })
 * ```
 * @since 0.2.0
 */
export type Encap = Mpls | Ip | Ip6 | Seg6 | Raw

const Label = P.intBetween(P.U32, 0, 0xfffff)
// bigint as read; a number or decimal text as JSON carries it
const TunnelId = Schema.Union([
  P.U64,
  Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => (/^\d{1,20}$/.test(s) && BigInt(s) < 2n ** 64n) || `"${s}" is not a u64`,
      {
        expected: "a 64-bit unsigned integer"
      }
    )
  )
])
const TunnelFlags = {
  key: Schema.optional(Schema.Boolean),
  csum: Schema.optional(Schema.Boolean),
  seq: Schema.optional(Schema.Boolean)
}

/**
 * The Schema of {@link Encap}.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Encap.schema)({ type: "mpls", labels: [100] })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Encap, any> = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("mpls"),
    labels: Schema.Array(Label).check(Schema.isMinLength(1), Schema.isMaxLength(30)),
    ttl: Schema.optional(P.U8)
  }),
  Schema.Struct({
    type: Schema.Literal("ip"),
    id: Schema.optional(TunnelId),
    dst: Schema.optional(P.IPv4),
    src: Schema.optional(P.IPv4),
    tos: Schema.optional(P.U8),
    ttl: Schema.optional(P.U8),
    ...TunnelFlags
  }),
  Schema.Struct({
    type: Schema.Literal("ip6"),
    id: Schema.optional(TunnelId),
    dst: Schema.optional(P.IPv6),
    src: Schema.optional(P.IPv6),
    tc: Schema.optional(P.U8),
    hoplimit: Schema.optional(P.U8),
    ...TunnelFlags
  }),
  Schema.Struct({
    type: Schema.Literal("seg6"),
    mode: Schema.Literals(SEG6_MODES),
    segments: Schema.Array(P.IPv6).check(Schema.isMinLength(1), Schema.isMaxLength(127)),
    hmac: Schema.optional(P.intBetween(P.U32, 1, 0xffffffff))
  }),
  Schema.Struct({
    type: Schema.Union([
      Schema.Literals(["ila", "bpf", "seg6local", "rpl", "ioam6", "xfrm"]),
      P.intBetween(P.U16, 11, 0xffff)
    ]),
    data: P.Bytes
  })
]) as any

// TUNNEL_* bits of LWTUNNEL_IP_FLAGS (__be16)
const TUNNEL_CSUM = 0x01
const TUNNEL_KEY = 0x04
const TUNNEL_SEQ = 0x08

const SEG6_IPTUNNEL_SRH = 1
const SR6_FLAG1_HMAC = 0x08
const SR6_TLV_HMAC = 5
const HMAC_TLV = 40

/** struct seg6_iptunnel_encap: int mode, then struct ipv6_sr_hdr and its segments (last visited first). */
const encodeSeg6 = (e: Seg6): Uint8Array => {
  const inline = e.mode === "inline"
  const n = e.segments.length + (inline ? 1 : 0)
  const tlv = e.hmac !== undefined ? HMAC_TLV : 0
  const out = new Uint8Array(4 + 8 + n * 16 + tlv)
  const v = new DataView(out.buffer)
  v.setInt32(0, SEG6_MODES.indexOf(e.mode), true)
  out[5] = (n * 16 + tlv) >> 3 // hdrlen
  out[6] = 4 // IPV6_SRCRT_TYPE_4
  out[7] = n - 1 // segments_left
  out[8] = n - 1 // first_segment
  out[9] = e.hmac !== undefined ? SR6_FLAG1_HMAC : 0
  e.segments.forEach((seg, i) => {
    out.set(parseIp(seg)!, 12 + (n - 1 - i) * 16)
  })
  if (e.hmac !== undefined) {
    const t = 12 + n * 16
    out[t] = SR6_TLV_HMAC
    out[t + 1] = HMAC_TLV - 2
    v.setUint32(t + 4, e.hmac, false)
  }
  return out
}

const decodeSeg6 = (data: Uint8Array, p: number, n: number): Seg6 | undefined => {
  if (n < 12) return undefined
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const mode = SEG6_MODES[v.getInt32(p, true)]
  if (mode === undefined) return undefined
  const first = data[p + 8]! + 1
  if (12 + first * 16 > n) return undefined
  const segments: Array<string> = []
  for (let i = first - 1; i >= (mode === "inline" ? 1 : 0); i--)
    segments.push(ipToString(data, p + 12 + i * 16, 16))
  const t = p + 12 + first * 16
  if ((data[p + 9]! & SR6_FLAG1_HMAC) !== 0 && t + 8 <= p + n && data[t] === SR6_TLV_HMAC)
    return { type: "seg6", mode, segments, hmac: v.getUint32(t + 4, false) }
  return { type: "seg6", mode, segments }
}

const MPLS_IPTUNNEL_DST = 1
const MPLS_IPTUNNEL_TTL = 2
// LWTUNNEL_IP_* and LWTUNNEL_IP6_* share these numbers; 4 and 5 are ttl/tos
// for IPv4 and hoplimit/tc for IPv6.
const IP_ID = 1
const IP_DST = 2
const IP_SRC = 3
const IP_TTL = 4
const IP_TOS = 5
const IP_FLAGS = 6

/**
 * The LWTUNNEL_ENCAP_* number of a type.
 *
 * @example
 * ```ts
 * Encap.typeNumber("mpls") // 1
 * ```
 * @since 0.2.0
 */
export const typeNumber = (t: Encap["type"]): number => (typeof t === "number" ? t : TYPES[t])

const flagsOf = (e: Ip | Ip6): number =>
  (e.key === true ? TUNNEL_KEY : 0) | (e.csum === true ? TUNNEL_CSUM : 0) | (e.seq === true ? TUNNEL_SEQ : 0)

// validated by the Schema before encoding
const addr = (s: string): Uint8Array => parseIp(s)!

/**
 * The attributes inside RTA_ENCAP/NHA_ENCAP for `e`, as `ip` writes them.
 *
 * @example
 * ```ts
 * Encap.encode({ type: "mpls", labels: [100] }) // MPLS_IPTUNNEL_DST 00 06 41 00
 * ```
 * @since 0.2.0
 */
export const encode = (e: Encap): Uint8Array => {
  if ("data" in e) return e.data
  const w = new Writer(128)
  switch (e.type) {
    case "seg6":
      w.attrBinary(SEG6_IPTUNNEL_SRH, encodeSeg6(e))
      break
    case "mpls": {
      const stack = new Uint8Array(e.labels.length * 4)
      const v = new DataView(stack.buffer)
      const last = e.labels.length - 1
      for (let i = 0; i <= last; i++)
        v.setUint32(i * 4, ((e.labels[i]! << 12) | (i === last ? 0x100 : 0)) >>> 0, false)
      w.attrBinary(MPLS_IPTUNNEL_DST, stack)
      if (e.ttl !== undefined) w.attrU8(MPLS_IPTUNNEL_TTL, e.ttl)
      break
    }
    case "ip":
    case "ip6": {
      if (e.id !== undefined) w.attrU64(IP_ID, BigInt(e.id), true)
      if (e.dst !== undefined) w.attrBinary(IP_DST, addr(e.dst))
      if (e.src !== undefined) w.attrBinary(IP_SRC, addr(e.src))
      // ip's order: tos before ttl for IPv4, hoplimit before tc for IPv6
      if (e.type === "ip") {
        if (e.tos !== undefined) w.attrU8(IP_TOS, e.tos)
        if (e.ttl !== undefined) w.attrU8(IP_TTL, e.ttl)
      } else {
        if (e.hoplimit !== undefined) w.attrU8(IP_TTL, e.hoplimit)
        if (e.tc !== undefined) w.attrU8(IP_TOS, e.tc)
      }
      const f = flagsOf(e)
      if (f !== 0) w.attrU16(IP_FLAGS, f, true)
      break
    }
  }
  return w.finish()
}

const isZero = (buf: Uint8Array, p: number, n: number): boolean => {
  for (let i = 0; i < n; i++) if (buf[p + i] !== 0) return false
  return true
}

/**
 * The encapsulation of `type` whose attributes are `data` (what the kernel
 * reported), in the shape {@link encode} takes; zero values the kernel
 * reports for unset fields are left out.
 *
 * @example
 * ```ts
 * Encap.decode(1, bytes) // { type: "mpls", labels: [100, 200] }
 * ```
 * @since 0.2.0
 */
export const decode = (type: number, data: Uint8Array): Encap => {
  const name = TYPE_NAMES[type]
  const raw = { type: (name as Raw["type"] | undefined) ?? type, data } as Raw
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (name === "seg6") {
    // one SEG6_IPTUNNEL_SRH attribute; one that does not parse stays bytes
    if (data.length < 4 || (view.getUint16(2, true) & 0x3fff) !== SEG6_IPTUNNEL_SRH) return raw
    return decodeSeg6(data, 4, Math.min(view.getUint16(0, true), data.length) - 4) ?? raw
  }
  if (name !== "mpls" && name !== "ip" && name !== "ip6") return raw
  const out: Record<string, unknown> = { type: name }
  let off = 0
  while (off + 4 <= data.length) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > data.length) break
    const t = view.getUint16(off + 2, true) & 0x3fff
    const p = off + 4
    const n = len - 4
    if (name === "mpls") {
      if (t === MPLS_IPTUNNEL_DST) {
        const labels: Array<number> = []
        for (let i = 0; i + 4 <= n; i += 4) labels.push(view.getUint32(p + i, false) >>> 12)
        out.labels = labels
      } else if (t === MPLS_IPTUNNEL_TTL && n >= 1) out.ttl = data[p]
    } else {
      switch (t) {
        case IP_ID:
          if (n >= 8) {
            const id = readU64(view, p, false)
            if (id !== 0n) out.id = id
          }
          break
        case IP_DST:
          if (!isZero(data, p, n)) out.dst = ipToString(data, p, n)
          break
        case IP_SRC:
          if (!isZero(data, p, n)) out.src = ipToString(data, p, n)
          break
        case IP_TTL:
          if (n >= 1 && data[p] !== 0) out[name === "ip" ? "ttl" : "hoplimit"] = data[p]
          break
        case IP_TOS:
          if (n >= 1 && data[p] !== 0) out[name === "ip" ? "tos" : "tc"] = data[p]
          break
        case IP_FLAGS:
          if (n >= 2) {
            const f = view.getUint16(p, false)
            if (f & TUNNEL_KEY) out.key = true
            if (f & TUNNEL_CSUM) out.csum = true
            if (f & TUNNEL_SEQ) out.seq = true
          }
          break
      }
    }
    off += (len + 3) & ~3
  }
  if (name === "mpls" && out.labels === undefined) out.labels = []
  return out as unknown as Encap
}

/**
 * The canonical form: what {@link decode} gives for what {@link encode}
 * writes (zero values and false flags dropped, addresses in standard text).
 *
 * @example
 * ```ts
 * Encap.canonical({ type: "ip", id: 0n, dst: "10.0.0.1", key: false }) // { type: "ip", dst: "10.0.0.1" }
 * ```
 * @since 0.2.0
 */
export const canonical = (e: Encap): Encap => decode(typeNumber(e.type), encode(e))
