/**
 * flower: matches on parsed packet keys, written with `tc`'s names in
 * camelCase: MAC addresses (`dstMac`, `srcMac`, "aa:bb:cc:dd:ee:ff" or with
 * "/mask"), `ipProto`, addresses with prefixes (`srcIp`, `dstIp`), ports
 * and port ranges (`srcPort`, `dstPort`: 80 or "1000-2000"), vlan and
 * cvlan id/prio/ethtype, `ipTos`, `ipTtl`, `tcpFlags` (value or
 * "value/mask"), icmp `icmpType`/`icmpCode`, MPLS label/tc/bos/ttl, tunnel
 * (enc) key id, addresses, ports, tos and ttl, tunnel options (`geneveOpts`,
 * `vxlanGbp`, `erspanOpts`, `gtpOpts` in `tc`'s notation), conntrack state,
 * zone, mark and labels, ARP fields, `ipFlags`, `numOfVlans`, PPPoE, an MPLS
 * label stack (`mpls`), L2TPv3 session id, IPsec SPI, CFM, and
 * skipHw/skipSw (`status.inHw` and `status.inHwCount` read back). The
 * ethertype key is the filter's protocol, as `tc` sends it.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  type ClsFlowerAttrs,
  decodeClsFlowerAttrs,
  encodeClsFlowerAttrs
} from "../../../../generated/tc-filter/index.ts"
import { parseIPv4, parseIPv6, parseMac, type Writer } from "../../../../runtime/Wire.ts"
import type * as Handle from "../../Handle.ts"
import type { FilterKind } from "../FilterKind.ts"
import * as C from "./common.ts"
import * as N from "./flowerNests.ts"

/**
 * A value and mask: a number (full mask) or "value/mask" text ("0x10/0xf0").
 *
 * @example
 * ```ts
 * const tos: Masked = "0x10/0xfc"
 * ```
 * @since 0.3.0
 */
export type Masked = number | string

/**
 * flower options.
 *
 * @example
 * ```ts
 * const o: FlowerOptions = { ipProto: "tcp", dstIp: "10.0.0.0/8", dstPort: 443, skipHw: true }
 * ```
 * @since 0.3.0
 */
export interface FlowerOptions {
  readonly classid?: Handle.Handle | undefined
  readonly indev?: string | undefined
  readonly skipHw?: boolean | undefined
  readonly skipSw?: boolean | undefined
  readonly dstMac?: string | undefined
  readonly srcMac?: string | undefined
  /** "tcp", "udp", "sctp", "icmp", "icmpv6" or the number. */
  readonly ipProto?: string | number | undefined
  readonly srcIp?: string | undefined
  readonly dstIp?: string | undefined
  /** A port or a range "min-max" (needs ipProto tcp, udp or sctp). */
  readonly srcPort?: number | string | undefined
  readonly dstPort?: number | string | undefined
  readonly tcpFlags?: Masked | undefined
  readonly ipTos?: Masked | undefined
  readonly ipTtl?: Masked | undefined
  readonly icmpType?: Masked | undefined
  readonly icmpCode?: Masked | undefined
  readonly vlanId?: number | undefined
  readonly vlanPrio?: number | undefined
  readonly vlanEthType?: string | number | undefined
  readonly cvlanId?: number | undefined
  readonly cvlanPrio?: number | undefined
  readonly cvlanEthType?: string | number | undefined
  readonly mplsLabel?: number | undefined
  readonly mplsTc?: number | undefined
  readonly mplsBos?: number | undefined
  readonly mplsTtl?: number | undefined
  readonly encKeyId?: number | undefined
  readonly encSrcIp?: string | undefined
  readonly encDstIp?: string | undefined
  readonly encSrcPort?: Masked | undefined
  readonly encDstPort?: Masked | undefined
  readonly encTos?: Masked | undefined
  readonly encTtl?: Masked | undefined
  /** Geneve options "CLASS:TYPE:DATA[/MASK],..." in hex ("0102:80:00800022/ffff:ff:ffffffff"). */
  readonly geneveOpts?: string | undefined
  /** The VXLAN group policy id (value or "value/mask"). */
  readonly vxlanGbp?: Masked | undefined
  /** ERSPAN options "VER:INDEX:DIR:HWID[/MASK]" in decimal. */
  readonly erspanOpts?: string | undefined
  /** GTP options "PDU_TYPE:QFI[/MASK]" in hex. */
  readonly gtpOpts?: string | undefined
  /** Conntrack state flags, "+trk+est-new" (new, est, rel, trk, inv, rpl). */
  readonly ctState?: string | undefined
  readonly ctZone?: Masked | undefined
  readonly ctMark?: Masked | undefined
  /** Conntrack labels in hex, "value[/mask]" (up to 128 bits). */
  readonly ctLabel?: string | undefined
  /** ARP sender/target addresses (IPv4 with /prefix or /mask), op and hardware addresses. */
  readonly arpSip?: string | undefined
  readonly arpTip?: string | undefined
  /** "request", "reply" or the number. */
  readonly arpOp?: "request" | "reply" | number | undefined
  readonly arpSha?: string | undefined
  readonly arpTha?: string | undefined
  /** Fragment flags: "frag", "nofrag", "firstfrag", "nofirstfrag", joined by "/". */
  readonly ipFlags?: string | undefined
  readonly numOfVlans?: number | undefined
  readonly pppoeSid?: number | undefined
  /** "ip", "ipv6", "mpls_uc", "mpls_mc" or the number. */
  readonly pppProto?: string | number | undefined
  /** MPLS label stack entries by depth (1: the outermost); see also mplsLabel & co. */
  readonly mpls?: ReadonlyArray<N.MplsLse> | undefined
  readonly l2tpv3Sid?: number | undefined
  /** IPsec security parameter index (value or "value/mask"; needs ipProto esp or ah). */
  readonly spi?: Masked | undefined
  readonly cfm?: N.Cfm | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const PROTOS: Readonly<Record<string, number>> = {
  tcp: 6,
  udp: 17,
  sctp: 132,
  icmp: 1,
  icmpv6: 58,
  esp: 50,
  ah: 51,
  l2tp: 115
}
const PPP: Readonly<Record<string, number>> = { ip: 0x21, ipv6: 0x57, mpls_uc: 0x281, mpls_mc: 0x283 }
const PPP_NAMES = new Map(Object.entries(PPP).map(([k, v]) => [v, k]))
const ARP_OPS = new Map<number, "request" | "reply">([
  [1, "request"],
  [2, "reply"]
])
const PROTO_NAMES = new Map(Object.entries(PROTOS).map(([k, v]) => [v, k]))
const ETH: Readonly<Record<string, number>> = {
  ip: 0x0800,
  ipv6: 0x86dd,
  "802.1q": 0x8100,
  "802.1ad": 0x88a8,
  arp: 0x0806,
  mpls_uc: 0x8847,
  mpls_mc: 0x8848,
  ppp_ses: 0x8864
}
const ETH_NAMES = new Map(Object.entries(ETH).map(([k, v]) => [v, k]))

const num = (s: string): number | undefined =>
  /^0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : undefined

/** [value, mask] of a Masked within `max`, or undefined. */
const masked = (m: Masked, max: number): readonly [number, number] | undefined => {
  if (typeof m === "number") return Number.isInteger(m) && m >= 0 && m <= max ? [m, max] : undefined
  const [v, k] = m.split("/")
  const value = num(v)
  const mask = k === undefined ? max : num(k)
  return value === undefined || mask === undefined || value > max || mask > max ? undefined : [value, mask]
}
const maskedText = (v: number, m: number | undefined, max: number): Masked =>
  m === undefined || m === max ? v : `0x${v.toString(16)}/0x${m.toString(16)}`

const ethType = (e: string | number): number | undefined =>
  typeof e === "number" ? (e >= 0 && e <= 0xffff ? e : undefined) : (ETH[e] ?? num(e))

// ---- addresses with prefixes or masks

const bytesMask = (len: number, bits: number): Uint8Array => {
  const out = new Uint8Array(bits / 8)
  for (let i = 0; i < out.length; i++)
    out[i] = len >= 8 * (i + 1) ? 0xff : len > 8 * i ? (0xff << (8 - (len - 8 * i))) & 0xff : 0
  return out
}
const prefixLen = (mask: Uint8Array): number | undefined => {
  let n = 0
  let ended = false
  for (const b of mask)
    for (let i = 7; i >= 0; i--) {
      const set = ((b >> i) & 1) === 1
      if (set && ended) return undefined
      if (set) n++
      else ended = true
    }
  return n
}
const v4Text = (b: Uint8Array) => Array.from(b).join(".")
const v6Text = (b: Uint8Array): string => {
  const words: Array<string> = []
  for (let i = 0; i < 16; i += 2) words.push(((b[i] << 8) | b[i + 1]).toString(16))
  // the longest run of zero words becomes "::"
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== "0") {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === "0") j++
    if (j - i > bestLen && j - i > 1) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  if (best < 0) return words.join(":")
  return `${words.slice(0, best).join(":")}::${words.slice(best + bestLen).join(":")}`
}

interface Prefix {
  readonly v6: boolean
  readonly addr: Uint8Array
  readonly mask: Uint8Array
}
const prefix = (s: string): Prefix | undefined => {
  const [a, l] = s.split("/")
  const v6 = a.includes(":")
  const addr = v6 ? parseIPv6(a) : parseIPv4(a)
  if (addr === undefined) return undefined
  const bits = v6 ? 128 : 32
  if (l === undefined) return { v6, addr, mask: bytesMask(bits, bits) }
  const len = /^\d{1,3}$/.test(l) ? Number(l) : undefined
  if (len !== undefined) return len <= bits ? { v6, addr, mask: bytesMask(len, bits) } : undefined
  const mask = v6 ? parseIPv6(l) : parseIPv4(l)
  return mask === undefined ? undefined : { v6, addr, mask }
}
const addrText = (v6: boolean, addr: string | undefined, mask: string | undefined): string | undefined => {
  if (addr === undefined) return undefined
  const m = mask === undefined ? undefined : v6 ? parseIPv6(mask) : parseIPv4(mask)
  const a = (v6 ? parseIPv6(addr) : parseIPv4(addr))!
  const text = v6 ? v6Text(a) : v4Text(a)
  if (m === undefined) return text
  const len = prefixLen(m)
  if (len === (v6 ? 128 : 32)) return text
  return len === undefined ? `${text}/${v6 ? v6Text(m) : v4Text(m)}` : `${text}/${len}`
}
const canonicalAddr = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  const p = prefix(s)
  if (p === undefined) return s
  return addrText(p.v6, p.v6 ? v6Text(p.addr) : v4Text(p.addr), p.v6 ? v6Text(p.mask) : v4Text(p.mask))
}

const macPair = (s: string): readonly [string, string] | undefined => {
  const [a, m] = s.split("/")
  const addr = parseMac(a)
  if (addr === undefined) return undefined
  let mask: Uint8Array | undefined
  if (m === undefined) mask = bytesMask(48, 48)
  else if (/^\d{1,2}$/.test(m)) mask = Number(m) <= 48 ? bytesMask(Number(m), 48) : undefined
  else mask = parseMac(m)
  if (mask === undefined) return undefined
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":")
  return [hex(addr), hex(mask)]
}
const macText = (addr: string | undefined, mask: string | undefined): string | undefined => {
  if (addr === undefined) return undefined
  const m = mask === undefined ? undefined : parseMac(mask)
  const len = m === undefined ? 48 : prefixLen(m)
  return len === 48
    ? addr.toLowerCase()
    : len === undefined
      ? `${addr.toLowerCase()}/${mask!.toLowerCase()}`
      : `${addr.toLowerCase()}/${len}`
}

const portRange = (p: number | string): readonly [number, number] | undefined => {
  if (typeof p === "number") return Number.isInteger(p) && p >= 0 && p <= 0xffff ? [p, p] : undefined
  const m = /^(\d+)(?:-(\d+))?$/.exec(p)
  if (m === null) return undefined
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  return lo <= hi && hi <= 0xffff ? [lo, hi] : undefined
}

const text = (check: (s: string) => boolean, expected: string) =>
  Schema.String.check(Schema.makeFilter((s: string) => check(s) || expected, { expected }))
const MaskedSchema = (max: number) =>
  Schema.Union([Schema.Number, Schema.String]).check(
    Schema.makeFilter(
      (m: Masked) => masked(m, max) !== undefined || `a value up to ${max}, or "value/mask"`,
      {
        expected: "a masked value"
      }
    )
  )
const Ip = text((s) => prefix(s) !== undefined, "an IPv4 or IPv6 address with an optional /prefix or /mask")
const Mac = text((s) => macPair(s) !== undefined, "a MAC address with an optional /prefix or /mask")
const Port = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter((p: number | string) => portRange(p) !== undefined || 'a port or "min-max"', {
    expected: "a port"
  })
)
const EthType = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter(
    (e: string | number) => ethType(e) !== undefined || "an ethertype (ip, ipv6, 802.1q ... or a number)",
    {
      expected: "an ethertype"
    }
  )
)
const Proto = Schema.Union([
  C.U8,
  Schema.Literals(["tcp", "udp", "sctp", "icmp", "icmpv6", "esp", "ah", "l2tp"])
])
const Ipv4 = text((s) => prefix(s)?.v6 === false, "an IPv4 address with an optional /prefix or /mask")
const OptText = (ok: (s: string) => boolean, expected: string) => text(ok, expected)
const Small = (max: number) =>
  Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: max }))
const Lse = Schema.Struct({
  depth: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 255 })),
  label: Schema.optional(Small(0xfffff)),
  tc: Schema.optional(Small(7)),
  bos: Schema.optional(Small(1)),
  ttl: Schema.optional(Small(0xff))
})

/** The nested keys toKernel hands to encode (written by hand, not by the generated encoder). */
const NESTS = Symbol("nests")
type Nests = { -readonly [K in keyof N.EncOpts]: N.EncOpts[K] } & {
  mpls?: ReadonlyArray<N.MplsLse>
  cfm?: N.Cfm
}

const protoOf = (o: FlowerOptions): number | undefined =>
  o.ipProto === undefined ? undefined : typeof o.ipProto === "number" ? o.ipProto : PROTOS[o.ipProto]

/** The flower kind. @since 0.3.0 */
export const flower: FilterKind<FlowerOptions, ClsFlowerAttrs> = {
  kind: "flower",
  act: "act",
  fields: {
    ...C.classidField,
    indev: Schema.optional(Schema.String.check(Schema.isMaxLength(15))),
    ...C.skipFields,
    dstMac: Schema.optional(Mac),
    srcMac: Schema.optional(Mac),
    ipProto: Schema.optional(Proto),
    srcIp: Schema.optional(Ip),
    dstIp: Schema.optional(Ip),
    srcPort: Schema.optional(Port),
    dstPort: Schema.optional(Port),
    tcpFlags: Schema.optional(MaskedSchema(0xfff)),
    ipTos: Schema.optional(MaskedSchema(0xff)),
    ipTtl: Schema.optional(MaskedSchema(0xff)),
    icmpType: Schema.optional(MaskedSchema(0xff)),
    icmpCode: Schema.optional(MaskedSchema(0xff)),
    vlanId: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 4095 }))
    ),
    vlanPrio: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 7 }))
    ),
    vlanEthType: Schema.optional(EthType),
    cvlanId: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 4095 }))
    ),
    cvlanPrio: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 7 }))
    ),
    cvlanEthType: Schema.optional(EthType),
    mplsLabel: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xfffff }))
    ),
    mplsTc: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 7 }))
    ),
    mplsBos: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 1 }))
    ),
    mplsTtl: Schema.optional(C.U8),
    encKeyId: Schema.optional(C.U32),
    encSrcIp: Schema.optional(Ip),
    encDstIp: Schema.optional(Ip),
    encSrcPort: Schema.optional(MaskedSchema(0xffff)),
    encDstPort: Schema.optional(MaskedSchema(0xffff)),
    encTos: Schema.optional(MaskedSchema(0xff)),
    encTtl: Schema.optional(MaskedSchema(0xff)),
    geneveOpts: Schema.optional(
      OptText(N.validOpts.geneve, 'geneve options "CLASS:TYPE:DATA[/MASK],..." in hex')
    ),
    vxlanGbp: Schema.optional(MaskedSchema(0xffffffff)),
    erspanOpts: Schema.optional(OptText(N.validOpts.erspan, 'erspan options "VER:INDEX:DIR:HWID[/MASK]"')),
    gtpOpts: Schema.optional(OptText(N.validOpts.gtp, 'gtp options "PDU_TYPE:QFI[/MASK]" in hex')),
    ctState: Schema.optional(text((s) => N.parseCtState(s) !== undefined, 'conntrack state like "+trk+est"')),
    ctZone: Schema.optional(MaskedSchema(0xffff)),
    ctMark: Schema.optional(MaskedSchema(0xffffffff)),
    ctLabel: Schema.optional(text((s) => N.parseCtLabel(s) !== undefined, 'labels in hex "value[/mask]"')),
    arpSip: Schema.optional(Ipv4),
    arpTip: Schema.optional(Ipv4),
    arpOp: Schema.optional(Schema.Union([Schema.Literals(["request", "reply"]), C.U8])),
    arpSha: Schema.optional(Mac),
    arpTha: Schema.optional(Mac),
    ipFlags: Schema.optional(
      text((s) => N.parseIpFlags(s) !== undefined, 'ip flags like "frag/nofirstfrag"')
    ),
    numOfVlans: Schema.optional(C.U8),
    pppoeSid: Schema.optional(C.U16),
    pppProto: Schema.optional(Schema.Union([C.U16, Schema.Literals(["ip", "ipv6", "mpls_uc", "mpls_mc"])])),
    mpls: Schema.optional(Schema.Array(Lse).check(Schema.isMinLength(1))),
    l2tpv3Sid: Schema.optional(C.U32),
    spi: Schema.optional(MaskedSchema(0xffffffff)),
    cfm: Schema.optional(Schema.Struct({ mdl: Schema.optional(Small(7)), opcode: Schema.optional(C.U8) }))
  },
  devices: [],
  check: (o) => {
    const proto = protoOf(o)
    if ((o.srcPort !== undefined || o.dstPort !== undefined) && proto !== 6 && proto !== 17 && proto !== 132)
      return [o.srcPort !== undefined ? "srcPort" : "dstPort", "ports need ipProto tcp, udp or sctp"]
    if (o.tcpFlags !== undefined && proto !== 6) return ["tcpFlags", "tcp flags need ipProto tcp"]
    if ((o.icmpType !== undefined || o.icmpCode !== undefined) && proto !== 1 && proto !== 58)
      return [o.icmpType !== undefined ? "icmpType" : "icmpCode", "icmp keys need ipProto icmp or icmpv6"]
    const tunnel = [o.geneveOpts, o.vxlanGbp, o.erspanOpts, o.gtpOpts].filter((x) => x !== undefined)
    if (tunnel.length > 1) return ["geneveOpts", "one kind of tunnel options at a time"]
    if (o.mpls !== undefined && [o.mplsLabel, o.mplsTc, o.mplsBos, o.mplsTtl].some((x) => x !== undefined))
      return ["mpls", "give mpls or mplsLabel/mplsTc/mplsBos/mplsTtl, not both"]
    if (o.spi !== undefined && proto !== 50 && proto !== 51) return ["spi", "spi needs ipProto esp or ah"]
    if (o.srcIp !== undefined && o.dstIp !== undefined && prefix(o.srcIp)!.v6 !== prefix(o.dstIp)!.v6)
      return ["dstIp", "srcIp and dstIp must be of one family"]
    const sr = o.srcPort === undefined ? undefined : portRange(o.srcPort)
    const dr = o.dstPort === undefined ? undefined : portRange(o.dstPort)
    if (sr !== undefined && dr !== undefined && (sr[0] !== sr[1]) !== (dr[0] !== dr[1]))
      return ["dstPort", "give both ports as ranges or neither"]
    return undefined
  },
  toKernel: (o, ctx) => {
    const d: Mutable<ClsFlowerAttrs> = {}
    const classid = C.classidOf(o.classid)
    if (classid !== undefined) d.classid = classid
    if (o.indev !== undefined) d.indev = o.indev
    if (o.vlanId !== undefined) d.keyVlanId = o.vlanId
    if (o.vlanPrio !== undefined) d.keyVlanPrio = o.vlanPrio
    if (o.vlanEthType !== undefined) d.keyVlanEthType = ethType(o.vlanEthType)
    if (o.cvlanId !== undefined) d.keyCvlanId = o.cvlanId
    if (o.cvlanPrio !== undefined) d.keyCvlanPrio = o.cvlanPrio
    if (o.cvlanEthType !== undefined) d.keyCvlanEthType = ethType(o.cvlanEthType)
    if (o.dstMac !== undefined) [d.keyEthDst, d.keyEthDstMask] = macPair(o.dstMac)!
    if (o.srcMac !== undefined) [d.keyEthSrc, d.keyEthSrcMask] = macPair(o.srcMac)!
    if (ctx.protocol !== 0 && ctx.protocol !== 0x0003) d.keyEthType = ctx.protocol
    const proto = protoOf(o)
    if (proto !== undefined) d.keyIpProto = proto
    for (const [field, v4, v4m, v6, v6m] of [
      ["srcIp", "keyIpv4Src", "keyIpv4SrcMask", "keyIpv6Src", "keyIpv6SrcMask"],
      ["dstIp", "keyIpv4Dst", "keyIpv4DstMask", "keyIpv6Dst", "keyIpv6DstMask"],
      ["encSrcIp", "keyEncIpv4Src", "keyEncIpv4SrcMask", "keyEncIpv6Src", "keyEncIpv6SrcMask"],
      ["encDstIp", "keyEncIpv4Dst", "keyEncIpv4DstMask", "keyEncIpv6Dst", "keyEncIpv6DstMask"]
    ] as const) {
      const s = o[field]
      if (s === undefined) continue
      const p = prefix(s)!
      const out = d as any
      out[p.v6 ? v6 : v4] = p.v6 ? v6Text(p.addr) : v4Text(p.addr)
      out[p.v6 ? v6m : v4m] = p.v6 ? v6Text(p.mask) : v4Text(p.mask)
    }
    const l4 = proto === 6 ? "Tcp" : proto === 17 ? "Udp" : proto === 132 ? "Sctp" : undefined
    for (const [field, side] of [
      ["srcPort", "Src"],
      ["dstPort", "Dst"]
    ] as const) {
      const p = o[field]
      if (p === undefined || l4 === undefined) continue
      const [lo, hi] = portRange(p)!
      if (lo !== hi) {
        ;(d as any)[`keyPort${side}Min`] = lo
        ;(d as any)[`keyPort${side}Max`] = hi
      } else (d as any)[`key${l4}${side}`] = lo
    }
    // tc sends a mask for most keys always, for tunnel ports only when one is written (the
    // kernel takes a missing mask as full)
    const put = (m: Masked | undefined, max: number, key: string, maskKey: string, fullMask = true) => {
      if (m === undefined) return
      const [v, k] = masked(m, max)!
      ;(d as any)[key] = v
      if (fullMask || k !== max) (d as any)[maskKey] = k
    }
    put(o.tcpFlags, 0xfff, "keyTcpFlags", "keyTcpFlagsMask")
    put(o.ipTos, 0xff, "keyIpTos", "keyIpTosMask")
    put(o.ipTtl, 0xff, "keyIpTtl", "keyIpTtlMask")
    const icmp = proto === 58 ? "Icmpv6" : "Icmpv4"
    put(o.icmpType, 0xff, `key${icmp}Type`, `key${icmp}TypeMask`)
    put(o.icmpCode, 0xff, `key${icmp}Code`, `key${icmp}CodeMask`)
    if (o.mplsLabel !== undefined) d.keyMplsLabel = o.mplsLabel
    if (o.mplsTc !== undefined) d.keyMplsTc = o.mplsTc
    if (o.mplsBos !== undefined) d.keyMplsBos = o.mplsBos
    if (o.mplsTtl !== undefined) d.keyMplsTtl = o.mplsTtl
    if (o.encKeyId !== undefined) d.keyEncKeyId = o.encKeyId
    put(o.encSrcPort, 0xffff, "keyEncUdpSrcPort", "keyEncUdpSrcPortMask", false)
    put(o.encDstPort, 0xffff, "keyEncUdpDstPort", "keyEncUdpDstPortMask", false)
    put(o.encTos, 0xff, "keyEncIpTos", "keyEncIpTosMask")
    put(o.encTtl, 0xff, "keyEncIpTtl", "keyEncIpTtlMask")
    if (o.ctState !== undefined) [d.keyCtState, d.keyCtStateMask] = N.parseCtState(o.ctState)!
    put(o.ctZone, 0xffff, "keyCtZone", "keyCtZoneMask")
    put(o.ctMark, 0xffffffff, "keyCtMark", "keyCtMarkMask")
    if (o.ctLabel !== undefined) [d.keyCtLabels, d.keyCtLabelsMask] = N.parseCtLabel(o.ctLabel)!
    for (const [field, key, mask] of [
      ["arpSip", "keyArpSip", "keyArpSipMask"],
      ["arpTip", "keyArpTip", "keyArpTipMask"]
    ] as const) {
      const s = o[field]
      if (s === undefined) continue
      const p = prefix(s)!
      d[key] = v4Text(p.addr)
      d[mask] = v4Text(p.mask)
    }
    if (o.arpOp !== undefined) {
      d.keyArpOp = typeof o.arpOp === "number" ? o.arpOp : o.arpOp === "request" ? 1 : 2
      d.keyArpOpMask = 0xff
    }
    if (o.arpSha !== undefined) [d.keyArpSha, d.keyArpShaMask] = macPair(o.arpSha)!
    if (o.arpTha !== undefined) [d.keyArpTha, d.keyArpThaMask] = macPair(o.arpTha)!
    if (o.ipFlags !== undefined) [d.keyFlags, d.keyFlagsMask] = N.parseIpFlags(o.ipFlags)!
    if (o.numOfVlans !== undefined) d.keyNumOfVlans = o.numOfVlans
    if (o.pppoeSid !== undefined) d.keyPppoeSid = o.pppoeSid
    if (o.pppProto !== undefined)
      d.keyPppProto = typeof o.pppProto === "number" ? o.pppProto : PPP[o.pppProto]
    if (o.l2tpv3Sid !== undefined) d.keyL2tpv3Sid = o.l2tpv3Sid
    put(o.spi, 0xffffffff, "keySpi", "keySpiMask")
    d.flags = C.skipFlags(o) ?? 0
    // the nests tc writes by hand (flags differ by kind) go through `encode` below
    const nests: Nests = {}
    if (o.geneveOpts !== undefined) nests.geneveOpts = o.geneveOpts
    if (o.vxlanGbp !== undefined) nests.vxlanGbp = masked(o.vxlanGbp, 0xffffffff)!
    if (o.erspanOpts !== undefined) nests.erspanOpts = o.erspanOpts
    if (o.gtpOpts !== undefined) nests.gtpOpts = o.gtpOpts
    if (o.mpls !== undefined) nests.mpls = o.mpls
    if (o.cfm !== undefined) nests.cfm = o.cfm
    if (Object.keys(nests).length > 0) (d as any)[NESTS] = nests
    return d
  },
  fromKernel: (d) => {
    const out: Mutable<FlowerOptions> = {}
    if (d === undefined) return out
    if (d.classid !== undefined) out.classid = C.classidText(d.classid)
    if (d.indev !== undefined) out.indev = d.indev
    Object.assign(out, C.skipFrom(d.flags))
    const set = (k: keyof FlowerOptions, v: unknown) => {
      if (v !== undefined) (out as any)[k] = v
    }
    set("dstMac", macText(d.keyEthDst, d.keyEthDstMask))
    set("srcMac", macText(d.keyEthSrc, d.keyEthSrcMask))
    if (d.keyIpProto !== undefined) out.ipProto = PROTO_NAMES.get(d.keyIpProto) ?? d.keyIpProto
    set(
      "srcIp",
      addrText(false, d.keyIpv4Src, d.keyIpv4SrcMask) ?? addrText(true, d.keyIpv6Src, d.keyIpv6SrcMask)
    )
    set(
      "dstIp",
      addrText(false, d.keyIpv4Dst, d.keyIpv4DstMask) ?? addrText(true, d.keyIpv6Dst, d.keyIpv6DstMask)
    )
    set(
      "encSrcIp",
      addrText(false, d.keyEncIpv4Src, d.keyEncIpv4SrcMask) ??
        addrText(true, d.keyEncIpv6Src, d.keyEncIpv6SrcMask)
    )
    set(
      "encDstIp",
      addrText(false, d.keyEncIpv4Dst, d.keyEncIpv4DstMask) ??
        addrText(true, d.keyEncIpv6Dst, d.keyEncIpv6DstMask)
    )
    const port = (single: number | undefined, lo: number | undefined, hi: number | undefined) =>
      lo !== undefined && hi !== undefined ? `${lo}-${hi}` : single
    set("srcPort", port(d.keyTcpSrc ?? d.keyUdpSrc ?? d.keySctpSrc, d.keyPortSrcMin, d.keyPortSrcMax))
    set("dstPort", port(d.keyTcpDst ?? d.keyUdpDst ?? d.keySctpDst, d.keyPortDstMin, d.keyPortDstMax))
    const m = (v: number | undefined, k: number | undefined, max: number) =>
      v === undefined ? undefined : maskedText(v, k, max)
    set("tcpFlags", m(d.keyTcpFlags, d.keyTcpFlagsMask, 0xfff))
    set("ipTos", m(d.keyIpTos, d.keyIpTosMask, 0xff))
    set("ipTtl", m(d.keyIpTtl, d.keyIpTtlMask, 0xff))
    set("icmpType", m(d.keyIcmpv4Type ?? d.keyIcmpv6Type, d.keyIcmpv4TypeMask ?? d.keyIcmpv6TypeMask, 0xff))
    set("icmpCode", m(d.keyIcmpv4Code ?? d.keyIcmpv6Code, d.keyIcmpv4CodeMask ?? d.keyIcmpv6CodeMask, 0xff))
    set("vlanId", d.keyVlanId)
    set("vlanPrio", d.keyVlanPrio)
    if (d.keyVlanEthType !== undefined) out.vlanEthType = ETH_NAMES.get(d.keyVlanEthType) ?? d.keyVlanEthType
    set("cvlanId", d.keyCvlanId)
    set("cvlanPrio", d.keyCvlanPrio)
    if (d.keyCvlanEthType !== undefined)
      out.cvlanEthType = ETH_NAMES.get(d.keyCvlanEthType) ?? d.keyCvlanEthType
    set("mplsLabel", d.keyMplsLabel)
    set("mplsTc", d.keyMplsTc)
    set("mplsBos", d.keyMplsBos)
    set("mplsTtl", d.keyMplsTtl)
    set("encKeyId", d.keyEncKeyId)
    set("encSrcPort", m(d.keyEncUdpSrcPort, d.keyEncUdpSrcPortMask, 0xffff))
    set("encDstPort", m(d.keyEncUdpDstPort, d.keyEncUdpDstPortMask, 0xffff))
    set("encTos", m(d.keyEncIpTos, d.keyEncIpTosMask, 0xff))
    set("encTtl", m(d.keyEncIpTtl, d.keyEncIpTtlMask, 0xff))
    const enc = N.readEncOpts(d.keyEncOpts, d.keyEncOptsMask)
    set("geneveOpts", enc.geneveOpts)
    if (enc.vxlanGbp !== undefined) out.vxlanGbp = maskedText(enc.vxlanGbp[0], enc.vxlanGbp[1], 0xffffffff)
    set("erspanOpts", enc.erspanOpts)
    set("gtpOpts", enc.gtpOpts)
    if (d.keyCtState !== undefined) out.ctState = N.ctStateText(d.keyCtState, d.keyCtStateMask ?? 0)
    set("ctZone", m(d.keyCtZone, d.keyCtZoneMask, 0xffff))
    set("ctMark", m(d.keyCtMark, d.keyCtMarkMask, 0xffffffff))
    if (d.keyCtLabels !== undefined) out.ctLabel = N.ctLabelText(d.keyCtLabels, d.keyCtLabelsMask)
    set("arpSip", addrText(false, d.keyArpSip, d.keyArpSipMask))
    set("arpTip", addrText(false, d.keyArpTip, d.keyArpTipMask))
    if (d.keyArpOp !== undefined) out.arpOp = ARP_OPS.get(d.keyArpOp) ?? d.keyArpOp
    set("arpSha", macText(d.keyArpSha, d.keyArpShaMask))
    set("arpTha", macText(d.keyArpTha, d.keyArpThaMask))
    if (d.keyFlags !== undefined) out.ipFlags = N.ipFlagsText(d.keyFlags, d.keyFlagsMask ?? 0)
    set("numOfVlans", d.keyNumOfVlans)
    set("pppoeSid", d.keyPppoeSid)
    if (d.keyPppProto !== undefined) out.pppProto = PPP_NAMES.get(d.keyPppProto) ?? d.keyPppProto
    if (d.keyMplsOpts !== undefined) out.mpls = N.readMpls(d.keyMplsOpts)
    set("l2tpv3Sid", d.keyL2tpv3Sid)
    set("spi", m(d.keySpi, d.keySpiMask, 0xffffffff))
    if (d.keyCfm !== undefined) out.cfm = N.readCfm(d.keyCfm)
    return out
  },
  status: (d) => ({ inHw: C.inHw(d.flags), inHwCount: d.inHwCount ?? 0 }),
  canonical: (o) => {
    const out: any = { ...o, ...C.skipCanonical(o) }
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
    if (o.classid !== undefined) out.classid = C.classidText(C.classidOf(o.classid))
    for (const f of ["srcIp", "dstIp", "encSrcIp", "encDstIp"] as const)
      if (o[f] !== undefined) out[f] = canonicalAddr(o[f])
    for (const f of ["dstMac", "srcMac"] as const) {
      const p = o[f] === undefined ? undefined : macPair(o[f]!)
      if (p !== undefined) out[f] = macText(p[0], p[1])
    }
    if (typeof o.ipProto === "number" && PROTO_NAMES.has(o.ipProto)) out.ipProto = PROTO_NAMES.get(o.ipProto)
    for (const f of ["srcPort", "dstPort"] as const) {
      const r = o[f] === undefined ? undefined : portRange(o[f]!)
      if (r !== undefined) out[f] = r[0] === r[1] ? r[0] : `${r[0]}-${r[1]}`
    }
    for (const [f, max] of [
      ["tcpFlags", 0xfff],
      ["ipTos", 0xff],
      ["ipTtl", 0xff],
      ["icmpType", 0xff],
      ["icmpCode", 0xff],
      ["encSrcPort", 0xffff],
      ["encDstPort", 0xffff],
      ["encTos", 0xff],
      ["encTtl", 0xff],
      ["vxlanGbp", 0xffffffff],
      ["ctZone", 0xffff],
      ["ctMark", 0xffffffff],
      ["spi", 0xffffffff]
    ] as const) {
      const v = o[f] === undefined ? undefined : masked(o[f]!, max)
      if (v !== undefined) out[f] = maskedText(v[0], v[1], max)
    }
    for (const f of ["vlanEthType", "cvlanEthType"] as const) {
      const e = o[f] === undefined ? undefined : ethType(o[f]!)
      if (e !== undefined) out[f] = ETH_NAMES.get(e) ?? e
    }
    if (o.geneveOpts !== undefined) out.geneveOpts = N.canonicalOpts.geneve(o.geneveOpts)
    if (o.erspanOpts !== undefined) out.erspanOpts = N.canonicalOpts.erspan(o.erspanOpts)
    if (o.gtpOpts !== undefined) out.gtpOpts = N.canonicalOpts.gtp(o.gtpOpts)
    const ct = o.ctState === undefined ? undefined : N.parseCtState(o.ctState)
    if (ct !== undefined) out.ctState = N.ctStateText(ct[0], ct[1])
    const label = o.ctLabel === undefined ? undefined : N.parseCtLabel(o.ctLabel)
    if (label !== undefined) out.ctLabel = N.ctLabelText(label[0], label[1])
    for (const f of ["arpSip", "arpTip"] as const) if (o[f] !== undefined) out[f] = canonicalAddr(o[f])
    for (const f of ["arpSha", "arpTha"] as const) {
      const p = o[f] === undefined ? undefined : macPair(o[f]!)
      if (p !== undefined) out[f] = macText(p[0], p[1])
    }
    if (typeof o.arpOp === "number" && ARP_OPS.has(o.arpOp)) out.arpOp = ARP_OPS.get(o.arpOp)
    const ipf = o.ipFlags === undefined ? undefined : N.parseIpFlags(o.ipFlags)
    if (ipf !== undefined) out.ipFlags = N.ipFlagsText(ipf[0], ipf[1])
    if (typeof o.pppProto === "number" && PPP_NAMES.has(o.pppProto)) out.pppProto = PPP_NAMES.get(o.pppProto)
    if (o.mpls !== undefined) {
      // the kernel reports a stack that only uses depth 1 with the single-label keys
      const lses = o.mpls.map((l) => {
        const x: any = { depth: l.depth }
        for (const k of ["label", "tc", "bos", "ttl"] as const) if (l[k] !== undefined) x[k] = l[k]
        return x
      })
      if (lses.every((l) => l.depth === 1)) {
        delete out.mpls
        for (const l of lses)
          for (const [k, f] of [
            ["label", "mplsLabel"],
            ["tc", "mplsTc"],
            ["bos", "mplsBos"],
            ["ttl", "mplsTtl"]
          ] as const)
            if (l[k] !== undefined) out[f] = l[k]
      } else out.mpls = lses.sort((a, b) => a.depth - b.depth)
    }
    if (o.cfm !== undefined) {
      const c: any = {}
      if (o.cfm.mdl !== undefined) c.mdl = o.cfm.mdl
      if (o.cfm.opcode !== undefined) c.opcode = o.cfm.opcode
      out.cfm = c
    }
    return out
  },
  encode: (w: Writer, d: ClsFlowerAttrs) => {
    const nests: Nests | undefined = (d as any)[NESTS]
    encodeClsFlowerAttrs(w, d)
    if (nests === undefined) return
    N.writeEncOpts(w, nests)
    if (nests.mpls !== undefined) N.writeMpls(w, nests.mpls)
    if (nests.cfm !== undefined) N.writeCfm(w, nests.cfm)
  },
  decode: decodeClsFlowerAttrs
}
