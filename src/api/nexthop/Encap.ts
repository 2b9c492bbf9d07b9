/**
 * Lightweight-tunnel encapsulation of a route or nexthop (RTA_ENCAP_TYPE +
 * RTA_ENCAP, NHA_ENCAP_TYPE + NHA_ENCAP; linux/lwtunnel.h, mpls_iptunnel.h),
 * as `ip route add ... encap TYPE ...` writes it and `ip -d -j route` shows
 * it: MPLS label push, IPv4 and IPv6 tunnel metadata, SRv6 (seg6) and
 * local SRv6 behaviours (seg6local), BPF programs (bpf) and IOAM (ioam6).
 * Other encapsulation types are kept as their type name and payload bytes,
 * written back as they were read.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import * as P from "../../runtime/Primitives.ts"
import { ipToString, parseIp, readU64, Writer } from "../../runtime/Wire.ts"
import * as Names from "../internal/Names.ts"
import { type LinkNames, type LinkRef, linkIndex } from "../internal/Resolve.ts"
import type { Netlink } from "../Netlink.ts"

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
 * SEG6_LOCAL_ACTION_* by the names ip uses. End.BM, End.S, End.AS and End.AM
 * are defined by the UAPI but no kernel implements them (it refuses them).
 *
 * @example
 * ```ts
 * const a: Encap.Seg6LocalAction = "End.DT46"
 * ```
 * @since 0.2.0
 */
export type Seg6LocalAction =
  | "End"
  | "End.X"
  | "End.T"
  | "End.DX2"
  | "End.DX6"
  | "End.DX4"
  | "End.DT6"
  | "End.DT4"
  | "End.B6"
  | "End.B6.Encaps"
  | "End.BM"
  | "End.S"
  | "End.AS"
  | "End.AM"
  | "End.BPF"
  | "End.DT46"
// index = SEG6_LOCAL_ACTION_* number
const SEG6LOCAL_ACTIONS: ReadonlyArray<Seg6LocalAction | undefined> = [
  undefined,
  "End",
  "End.X",
  "End.T",
  "End.DX2",
  "End.DX6",
  "End.DX4",
  "End.DT6",
  "End.DT4",
  "End.B6",
  "End.B6.Encaps",
  "End.BM",
  "End.S",
  "End.AS",
  "End.AM",
  "End.BPF",
  "End.DT46"
]

/**
 * SEG6_LOCAL_FLV_OP_* flavor operations, as `flavors psp,usp,usd,next-csid`.
 *
 * @example
 * ```ts
 * const f: Encap.Seg6Flavor = "next-csid"
 * ```
 * @since 0.2.0
 */
export type Seg6Flavor = "psp" | "usp" | "usd" | "next-csid"
// index = SEG6_LOCAL_FLV_OP_* number (bit in SEG6_LOCAL_FLV_OPERATION)
const SEG6_FLAVORS: ReadonlyArray<Seg6Flavor | undefined> = [undefined, "psp", "usp", "usd", "next-csid"]

/**
 * A BPF program given to the kernel by file descriptor, with the name the
 * kernel keeps for it. Listed routes carry the name (and for seg6local
 * End.BPF the program's id, which the kernel reports in place of the fd);
 * equality compares the name only.
 *
 * @example
 * ```ts
 * const p: Encap.BpfProgram = { fd: 7, name: "lwt_in" }
 * ```
 * @since 0.2.0
 */
export interface BpfProgram {
  /** LWT_BPF_PROG_FD / SEG6_LOCAL_BPF_PROG on input: an fd of a loaded program (needed to add). */
  readonly fd?: number | undefined
  readonly name: string
  /** SEG6_LOCAL_BPF_PROG as the kernel reports it: the program id (listed End.BPF routes only). */
  readonly id?: number | undefined
}

/**
 * Local SRv6 segment processing (`encap seg6local action ACTION ...`): the
 * behaviour and its parameters. `table`/`vrftable` are routing tables by name
 * or number; `oif`/`iif` are devices; `srh` is End.B6's and End.B6.Encaps'
 * segment list (in visiting order); `bpf` is End.BPF's program; `counters`
 * asks the kernel to count (ip's `count`: the counts are listed under
 * `status`, which equality ignores); `flavors` are End/End.X/End.T's flavor
 * operations (next-csid with `lblen`/`nflen`: the kernel's defaults are 32
 * and 16).
 *
 * @example
 * ```ts
 * const e: Encap.Seg6Local = { type: "seg6local", action: "End.DT46", vrftable: 100 }
 * const x: Encap.Seg6Local = { type: "seg6local", action: "End.X", nh6: "2001:db8::2", counters: true }
 * ```
 * @since 0.2.0
 */
export interface Seg6Local {
  readonly type: "seg6local"
  readonly action: Seg6LocalAction | number
  /** SEG6_LOCAL_TABLE: the table End.T, End.DT6 (without a VRF) and End.S look up. */
  readonly table?: string | number | undefined
  /** SEG6_LOCAL_VRFTABLE: the VRF table of End.DT4, End.DT6 and End.DT46. */
  readonly vrftable?: string | number | undefined
  readonly nh4?: string | undefined
  readonly nh6?: string | undefined
  readonly iif?: LinkRef | undefined
  readonly oif?: LinkRef | undefined
  readonly srh?: { readonly segments: ReadonlyArray<string>; readonly hmac?: number | undefined } | undefined
  readonly bpf?: BpfProgram | undefined
  readonly counters?: boolean | undefined
  readonly flavors?:
    | {
        readonly operations: ReadonlyArray<Seg6Flavor | number>
        /** SEG6_LOCAL_FLV_LCBLOCK_BITS (next-csid; default 32). */
        readonly lblen?: number | undefined
        /** SEG6_LOCAL_FLV_LCNODE_FN_BITS (next-csid; default 16). */
        readonly nflen?: number | undefined
      }
    | undefined
  /** What the kernel counted (with `counters`); ignored by equality and on input. */
  readonly status?: { readonly packets: bigint; readonly bytes: bigint; readonly errors: bigint } | undefined
}

/**
 * BPF programs run on a route's packets (`encap bpf in PROG out PROG xmit
 * PROG headroom N`): the input, output and transmit hooks, and the headroom
 * an xmit program may push.
 *
 * @example
 * ```ts
 * const e: Encap.Bpf = { type: "bpf", xmit: { fd, name: "tunnel" }, headroom: 14 }
 * ```
 * @since 0.2.0
 */
export interface Bpf {
  readonly type: "bpf"
  readonly in?: BpfProgram | undefined
  readonly out?: BpfProgram | undefined
  readonly xmit?: BpfProgram | undefined
  /**
   * LWT_BPF_XMIT_HEADROOM: bytes (at most 256). Write-only: the kernel keeps
   * it but does not report it, so equality leaves it out.
   */
  readonly headroom?: number | undefined
}

/**
 * IOAM6_IPTUNNEL_MODE_*: insert the IOAM option in the packet ("inline"), in
 * an outer IPv6 header ("encap"), or inline for local traffic and
 * encapsulated for forwarded ("auto").
 *
 * @example
 * ```ts
 * const m: Encap.Ioam6Mode = "encap"
 * ```
 * @since 0.2.0
 */
export type Ioam6Mode = "inline" | "encap" | "auto"
const IOAM6_MODES: ReadonlyArray<Ioam6Mode | undefined> = [undefined, "inline", "encap", "auto"]

/**
 * In-situ OAM pre-allocated trace (`encap ioam6 [freq K/N] mode MODE [tunsrc
 * A] [tundst A] trace prealloc type T ns N size S`): `trace.type` is the
 * 24-bit IOAM trace type (0x800000 = hop limit and node id), `size` the
 * bytes pre-allocated for node data (a multiple of 4, at most 244). `mode`
 * defaults to "inline"; `tundst` is needed for "encap" and "auto"; `freq`
 * (k of every n packets, default 1/1) and `tunsrc` need Linux 6.6+.
 *
 * @example
 * ```ts
 * const e: Encap.Ioam6 = { type: "ioam6", mode: "encap", tundst: "2001:db8::9", trace: { namespace: 1, type: 0x800000, size: 12 } }
 * ```
 * @since 0.2.0
 */
export interface Ioam6 {
  readonly type: "ioam6"
  readonly mode?: Ioam6Mode | undefined
  readonly freq?: { readonly k: number; readonly n: number } | undefined
  readonly tunsrc?: string | undefined
  readonly tundst?: string | undefined
  readonly trace: { readonly namespace: number; readonly type: number; readonly size: number }
}

/**
 * An encapsulation of a type this module does not describe field by field:
 * its type (name or number) and the attributes inside RTA_ENCAP as bytes.
 *
 * @example
 * ```ts
 * const e: Encap.Raw = { type: "rpl", data: new Uint8Array([]) }
 * ```
 * @since 0.2.0
 */
export interface Raw {
  readonly type: Exclude<TypeName, "mpls" | "ip" | "ip6" | "seg6" | "seg6local" | "bpf" | "ioam6"> | number
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
export type Encap = Mpls | Ip | Ip6 | Seg6 | Seg6Local | Bpf | Ioam6 | Raw

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

const TableRef = Schema.Union([
  Schema.String.check(
    Schema.makeFilter((s: string) => Names.table.number(s) !== undefined || `"${s}" is not a table name`, {
      expected: "a table name"
    })
  ),
  P.intBetween(P.U32, 1, 0xffffffff)
])
const DevRef = Schema.Union([Schema.String, Schema.Number])
const BpfProgramSchema = Schema.Struct({
  fd: Schema.optional(P.intBetween(P.U32, 0, 0x7fffffff)),
  name: P.stringMaxBytes(255, 1),
  id: Schema.optional(P.U32)
})
// next-csid block and function lengths: bits, a positive multiple of 8
const CsidBits = P.intBetween(P.U8, 8, 248).check(
  Schema.makeFilter((n: number) => n % 8 === 0 || `${n} is not a multiple of 8`, {
    expected: "a multiple of 8"
  })
)

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
    type: Schema.Literal("seg6local"),
    action: Schema.Union([
      Schema.Literals(SEG6LOCAL_ACTIONS.filter((a) => a !== undefined)),
      P.intBetween(P.U32, 1, 0xffffffff)
    ]),
    table: Schema.optional(TableRef),
    vrftable: Schema.optional(TableRef),
    nh4: Schema.optional(P.IPv4),
    nh6: Schema.optional(P.IPv6),
    iif: Schema.optional(DevRef),
    oif: Schema.optional(DevRef),
    srh: Schema.optional(
      Schema.Struct({
        segments: Schema.Array(P.IPv6).check(Schema.isMinLength(1), Schema.isMaxLength(127)),
        hmac: Schema.optional(P.intBetween(P.U32, 1, 0xffffffff))
      })
    ),
    bpf: Schema.optional(BpfProgramSchema),
    counters: Schema.optional(Schema.Boolean),
    flavors: Schema.optional(
      Schema.Struct({
        operations: Schema.Array(
          Schema.Union([Schema.Literals(["psp", "usp", "usd", "next-csid"]), P.intBetween(P.U32, 0, 31)])
        ),
        lblen: Schema.optional(CsidBits),
        nflen: Schema.optional(CsidBits)
      })
    ),
    status: Schema.optional(Schema.Unknown)
  }),
  Schema.Struct({
    type: Schema.Literal("bpf"),
    in: Schema.optional(BpfProgramSchema),
    out: Schema.optional(BpfProgramSchema),
    xmit: Schema.optional(BpfProgramSchema),
    headroom: Schema.optional(P.intBetween(P.U32, 0, 256))
  }),
  Schema.Struct({
    type: Schema.Literal("ioam6"),
    mode: Schema.optional(Schema.Literals(["inline", "encap", "auto"])),
    freq: Schema.optional(
      Schema.Struct({ k: P.intBetween(P.U32, 1, 1000000), n: P.intBetween(P.U32, 1, 1000000) }).check(
        Schema.makeFilter((f: { k: number; n: number }) => f.k <= f.n || `k ${f.k} is more than n ${f.n}`, {
          expected: "k of every n packets, k <= n"
        })
      )
    ),
    tunsrc: Schema.optional(P.IPv6),
    tundst: Schema.optional(P.IPv6),
    trace: Schema.Struct({
      namespace: P.U16,
      type: P.intBetween(P.U32, 0, 0xffffff),
      size: P.intBetween(P.U32, 0, 244).check(
        Schema.makeFilter((n: number) => n % 4 === 0 || `${n} is not a multiple of 4`, {
          expected: "a multiple of 4"
        })
      )
    })
  }),
  Schema.Struct({
    type: Schema.Union([Schema.Literals(["ila", "rpl", "xfrm"]), P.intBetween(P.U16, 11, 0xffff)]),
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

/**
 * struct ipv6_sr_hdr and its segments (last visited first); `slot` adds the
 * zeroed segment the kernel fills with the packet's final destination (SRH
 * insertion: seg6 inline, seg6local End.B6).
 */
const srhBytes = (segments: ReadonlyArray<string>, hmac: number | undefined, slot: boolean): Uint8Array => {
  const n = segments.length + (slot ? 1 : 0)
  const tlv = hmac !== undefined ? HMAC_TLV : 0
  const out = new Uint8Array(8 + n * 16 + tlv)
  const v = new DataView(out.buffer)
  out[1] = (n * 16 + tlv) >> 3 // hdrlen
  out[2] = 4 // IPV6_SRCRT_TYPE_4
  out[3] = n - 1 // segments_left
  out[4] = n - 1 // first_segment
  out[5] = hmac !== undefined ? SR6_FLAG1_HMAC : 0
  segments.forEach((seg, i) => {
    out.set(parseIp(seg)!, 8 + (n - 1 - i) * 16)
  })
  if (hmac !== undefined) {
    const t = 8 + n * 16
    out[t] = SR6_TLV_HMAC
    out[t + 1] = HMAC_TLV - 2
    v.setUint32(t + 4, hmac, false)
  }
  return out
}

/** The segments (visiting order, without the insertion slot) and HMAC key id of an SRH at [p, p + n). */
const parseSrh = (
  data: Uint8Array,
  p: number,
  n: number,
  slot: boolean
): { segments: Array<string>; hmac?: number } | undefined => {
  if (n < 8) return undefined
  const first = data[p + 4]! + 1
  if (8 + first * 16 > n) return undefined
  const segments: Array<string> = []
  for (let i = first - 1; i >= (slot ? 1 : 0); i--) segments.push(ipToString(data, p + 8 + i * 16, 16))
  const t = p + 8 + first * 16
  if ((data[p + 5]! & SR6_FLAG1_HMAC) !== 0 && t + 8 <= p + n && data[t] === SR6_TLV_HMAC) {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength)
    return { segments, hmac: v.getUint32(t + 4, false) }
  }
  return { segments }
}

/** struct seg6_iptunnel_encap: int mode, then the SRH. */
const encodeSeg6 = (e: Seg6): Uint8Array => {
  const srh = srhBytes(e.segments, e.hmac, e.mode === "inline")
  const out = new Uint8Array(4 + srh.length)
  new DataView(out.buffer).setInt32(0, SEG6_MODES.indexOf(e.mode), true)
  out.set(srh, 4)
  return out
}

const decodeSeg6 = (data: Uint8Array, p: number, n: number): Seg6 | undefined => {
  if (n < 12) return undefined
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const mode = SEG6_MODES[v.getInt32(p, true)]
  if (mode === undefined) return undefined
  const srh = parseSrh(data, p + 4, n - 4, mode === "inline")
  if (srh === undefined) return undefined
  return srh.hmac !== undefined
    ? { type: "seg6", mode, segments: srh.segments, hmac: srh.hmac }
    : { type: "seg6", mode, segments: srh.segments }
}

// SEG6_LOCAL_* (linux/seg6_local.h)
const SL_ACTION = 1
const SL_SRH = 2
const SL_TABLE = 3
const SL_NH4 = 4
const SL_NH6 = 5
const SL_IIF = 6
const SL_OIF = 7
const SL_BPF = 8
const SL_VRFTABLE = 9
const SL_COUNTERS = 10
const SL_FLAVORS = 11
const SL_BPF_PROG = 1
const SL_BPF_PROG_NAME = 2
const SL_CNT_PACKETS = 2
const SL_CNT_BYTES = 3
const SL_CNT_ERRORS = 4
const SL_FLV_OPERATION = 1
const SL_FLV_LCBLOCK_BITS = 2
const SL_FLV_LCNODE_FN_BITS = 3
const SL_FLV_OP_NEXT_CSID = 4
// the kernel's next-csid defaults (SEG6_LOCAL_LCBLOCK_DBITS, SEG6_LOCAL_LCNODE_FN_DBITS)
const CSID_LBLEN = 32
const CSID_NFLEN = 16

// LWT_BPF_* (linux/lwtunnel.h)
const BPF_IN = 1
const BPF_OUT = 2
const BPF_XMIT = 3
const BPF_XMIT_HEADROOM = 4
const BPF_PROG_FD = 1
const BPF_PROG_NAME = 2

// IOAM6_IPTUNNEL_* (linux/ioam6_iptunnel.h)
const IOAM_MODE = 1
const IOAM_DST = 2
const IOAM_TRACE = 3
const IOAM_FREQ_K = 4
const IOAM_FREQ_N = 5
const IOAM_SRC = 6

const actionNumber = (a: Seg6Local["action"]): number =>
  typeof a === "number" ? a : SEG6LOCAL_ACTIONS.indexOf(a)
const flavorBit = (f: Seg6Flavor | number): number => (typeof f === "number" ? f : SEG6_FLAVORS.indexOf(f))
const hasNextCsid = (ops: ReadonlyArray<Seg6Flavor | number>): boolean =>
  ops.some((o) => flavorBit(o) === SL_FLV_OP_NEXT_CSID)

/** A device reference as an ifindex (names are resolved by {@link resolve} before encoding). */
const ifindexOf = (ref: LinkRef): number => (typeof ref === "number" ? ref : 0)

const encodeSeg6Local = (w: Writer, e: Seg6Local): void => {
  const action = actionNumber(e.action)
  w.attrU32(SL_ACTION, action)
  if (e.srh !== undefined)
    w.attrBinary(
      SL_SRH,
      srhBytes(e.srh.segments, e.srh.hmac, action !== SEG6LOCAL_ACTIONS.indexOf("End.B6.Encaps"))
    )
  if (e.table !== undefined) w.attrU32(SL_TABLE, Names.table.number(e.table)!)
  if (e.vrftable !== undefined) w.attrU32(SL_VRFTABLE, Names.table.number(e.vrftable)!)
  if (e.nh4 !== undefined) w.attrBinary(SL_NH4, addr(e.nh4))
  if (e.nh6 !== undefined) w.attrBinary(SL_NH6, addr(e.nh6))
  if (e.iif !== undefined) w.attrU32(SL_IIF, ifindexOf(e.iif))
  if (e.oif !== undefined) w.attrU32(SL_OIF, ifindexOf(e.oif))
  if (e.bpf !== undefined) {
    const b = w.nestStart(SL_BPF)
    w.attrU32(SL_BPF_PROG, e.bpf.fd ?? e.bpf.id ?? 0)
    w.attrString(SL_BPF_PROG_NAME, e.bpf.name)
    w.attrEnd(b)
  }
  if (e.counters === true) {
    // as ip sends `count`: the three counters, zero
    const c = w.nestStart(SL_COUNTERS)
    w.attrU64(SL_CNT_PACKETS, 0n)
    w.attrU64(SL_CNT_BYTES, 0n)
    w.attrU64(SL_CNT_ERRORS, 0n)
    w.attrEnd(c)
  }
  if (e.flavors !== undefined) {
    const f = w.nestStart(SL_FLAVORS)
    let ops = 0
    for (const o of e.flavors.operations) ops |= 1 << flavorBit(o)
    w.attrU32(SL_FLV_OPERATION, ops >>> 0)
    if (e.flavors.lblen !== undefined) w.attrU8(SL_FLV_LCBLOCK_BITS, e.flavors.lblen)
    if (e.flavors.nflen !== undefined) w.attrU8(SL_FLV_LCNODE_FN_BITS, e.flavors.nflen)
    w.attrEnd(f)
  }
}

const encodeBpfProgram = (w: Writer, type: number, p: BpfProgram | undefined): void => {
  if (p === undefined) return
  const s = w.nestStart(type)
  if (p.fd !== undefined) w.attrU32(BPF_PROG_FD, p.fd)
  w.attrString(BPF_PROG_NAME, p.name)
  w.attrEnd(s)
}

/** struct ioam6_trace_hdr: be16 namespace, nodelen/overflow (the kernel's), remlen in 4-byte words, be32 type << 8. */
const ioamTrace = (t: Ioam6["trace"]): Uint8Array => {
  const out = new Uint8Array(8)
  const v = new DataView(out.buffer)
  v.setUint16(0, t.namespace, false)
  out[3] = t.size / 4
  v.setUint32(4, (t.type << 8) >>> 0, false)
  return out
}

const encodeIoam6 = (w: Writer, e: Ioam6): void => {
  // freq only when asked: kernels before 6.6 refuse the attribute
  if (e.freq !== undefined) {
    w.attrU32(IOAM_FREQ_K, e.freq.k)
    w.attrU32(IOAM_FREQ_N, e.freq.n)
  }
  w.attrU8(IOAM_MODE, IOAM6_MODES.indexOf(e.mode ?? "inline"))
  if (e.tunsrc !== undefined) w.attrBinary(IOAM_SRC, addr(e.tunsrc))
  if (e.tundst !== undefined) w.attrBinary(IOAM_DST, addr(e.tundst))
  w.attrBinary(IOAM_TRACE, ioamTrace(e.trace))
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
    case "seg6local":
      encodeSeg6Local(w, e)
      break
    case "bpf":
      encodeBpfProgram(w, BPF_IN, e.in)
      encodeBpfProgram(w, BPF_OUT, e.out)
      encodeBpfProgram(w, BPF_XMIT, e.xmit)
      if (e.headroom !== undefined) w.attrU32(BPF_XMIT_HEADROOM, e.headroom)
      break
    case "ioam6":
      encodeIoam6(w, e)
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

/** Calls `f(type, payload start, payload length)` for each attribute in [p, end). */
const eachAttr = (
  view: DataView,
  p: number,
  end: number,
  f: (t: number, q: number, n: number) => void
): void => {
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4 || p + len > end) return
    f(view.getUint16(p + 2, true) & 0x3fff, p + 4, len - 4)
    p += (len + 3) & ~3
  }
}

const cstring = (data: Uint8Array, q: number, n: number): string => {
  let e = q
  while (e < q + n && data[e] !== 0) e++
  return Buffer.from(data.buffer, data.byteOffset + q, e - q).toString("utf8")
}

const tableName = (n: number): string | number => Names.table.name(n)

const decodeSeg6Local = (data: Uint8Array, view: DataView, names: LinkNames): Seg6Local => {
  const out: { -readonly [K in keyof Seg6Local]: Seg6Local[K] } = { type: "seg6local", action: 0 }
  let srhAt = -1
  let srhLen = 0
  eachAttr(view, 0, data.length, (t, q, n) => {
    switch (t) {
      case SL_ACTION:
        if (n >= 4) {
          const a = view.getUint32(q, true)
          out.action = SEG6LOCAL_ACTIONS[a] ?? a
        }
        break
      case SL_SRH:
        srhAt = q
        srhLen = n
        break
      case SL_TABLE:
        if (n >= 4) out.table = tableName(view.getUint32(q, true))
        break
      case SL_VRFTABLE:
        if (n >= 4) out.vrftable = tableName(view.getUint32(q, true))
        break
      case SL_NH4:
        out.nh4 = ipToString(data, q, n)
        break
      case SL_NH6:
        out.nh6 = ipToString(data, q, n)
        break
      case SL_IIF:
        if (n >= 4) out.iif = names(view.getUint32(q, true))
        break
      case SL_OIF:
        if (n >= 4) out.oif = names(view.getUint32(q, true))
        break
      case SL_BPF: {
        let id: number | undefined
        let name = ""
        eachAttr(view, q, q + n, (bt, bq, bn) => {
          if (bt === SL_BPF_PROG && bn >= 4) id = view.getUint32(bq, true)
          else if (bt === SL_BPF_PROG_NAME) name = cstring(data, bq, bn)
        })
        out.bpf = id === undefined ? { name } : { name, id }
        break
      }
      case SL_COUNTERS: {
        let packets = 0n
        let bytes = 0n
        let errors = 0n
        eachAttr(view, q, q + n, (ct, cq, cn) => {
          if (cn < 8) return
          if (ct === SL_CNT_PACKETS) packets = readU64(view, cq, true)
          else if (ct === SL_CNT_BYTES) bytes = readU64(view, cq, true)
          else if (ct === SL_CNT_ERRORS) errors = readU64(view, cq, true)
        })
        out.counters = true
        out.status = { packets, bytes, errors }
        break
      }
      case SL_FLAVORS: {
        const operations: Array<Seg6Flavor | number> = []
        let lblen: number | undefined
        let nflen: number | undefined
        eachAttr(view, q, q + n, (ft, fq, fn) => {
          if (ft === SL_FLV_OPERATION && fn >= 4) {
            const ops = view.getUint32(fq, true)
            for (let b = 0; b < 32; b++) if ((ops >>> b) & 1) operations.push(SEG6_FLAVORS[b] ?? b)
          } else if (ft === SL_FLV_LCBLOCK_BITS && fn >= 1) lblen = data[fq]
          else if (ft === SL_FLV_LCNODE_FN_BITS && fn >= 1) nflen = data[fq]
        })
        // the kernel applies (and reports) next-csid's default lengths
        if (hasNextCsid(operations)) {
          lblen ??= CSID_LBLEN
          nflen ??= CSID_NFLEN
        }
        out.flavors = {
          operations,
          ...(lblen !== undefined ? { lblen } : {}),
          ...(nflen !== undefined ? { nflen } : {})
        }
        break
      }
    }
  })
  if (srhAt >= 0) {
    const srh = parseSrh(data, srhAt, srhLen, out.action !== "End.B6.Encaps")
    if (srh !== undefined) out.srh = srh
  }
  return out
}

const decodeBpf = (data: Uint8Array, view: DataView): Bpf => {
  const out: { -readonly [K in keyof Bpf]: Bpf[K] } = { type: "bpf" }
  eachAttr(view, 0, data.length, (t, q, n) => {
    if (t === BPF_XMIT_HEADROOM) {
      if (n >= 4 && view.getUint32(q, true) !== 0) out.headroom = view.getUint32(q, true)
      return
    }
    if (t !== BPF_IN && t !== BPF_OUT && t !== BPF_XMIT) return
    let fd: number | undefined
    let name = ""
    eachAttr(view, q, q + n, (pt, pq, pn) => {
      if (pt === BPF_PROG_FD && pn >= 4) fd = view.getUint32(pq, true)
      else if (pt === BPF_PROG_NAME) name = cstring(data, pq, pn)
    })
    const prog: BpfProgram = fd === undefined ? { name } : { fd, name }
    if (t === BPF_IN) out.in = prog
    else if (t === BPF_OUT) out.out = prog
    else out.xmit = prog
  })
  return out
}

const decodeIoam6 = (data: Uint8Array, view: DataView): Ioam6 => {
  let mode: Ioam6Mode = "inline"
  let k = 1
  let n = 1
  let tunsrc: string | undefined
  let tundst: string | undefined
  let trace: Ioam6["trace"] = { namespace: 0, type: 0, size: 0 }
  eachAttr(view, 0, data.length, (t, q, len) => {
    switch (t) {
      case IOAM_MODE:
        if (len >= 1) mode = IOAM6_MODES[data[q]!] ?? mode
        break
      case IOAM_FREQ_K:
        if (len >= 4) k = view.getUint32(q, true)
        break
      case IOAM_FREQ_N:
        if (len >= 4) n = view.getUint32(q, true)
        break
      case IOAM_SRC:
        if (!isZero(data, q, len)) tunsrc = ipToString(data, q, len)
        break
      case IOAM_DST:
        if (!isZero(data, q, len)) tundst = ipToString(data, q, len)
        break
      case IOAM_TRACE:
        if (len >= 8)
          trace = {
            namespace: view.getUint16(q, false),
            type: view.getUint32(q + 4, false) >>> 8,
            size: (data[q + 3]! & 0x7f) * 4
          }
        break
    }
  })
  return {
    type: "ioam6",
    mode,
    // 1/1 (every packet) is the kernel's default and what kernels without freq do
    ...(k !== 1 || n !== 1 ? { freq: { k, n } } : {}),
    ...(tunsrc !== undefined ? { tunsrc } : {}),
    ...(tundst !== undefined ? { tundst } : {}),
    trace
  }
}

const isZero = (buf: Uint8Array, p: number, n: number): boolean => {
  for (let i = 0; i < n; i++) if (buf[p + i] !== 0) return false
  return true
}

/**
 * The encapsulation of `type` whose attributes are `data` (what the kernel
 * reported), in the shape {@link encode} takes; zero values the kernel
 * reports for unset fields are left out; `names` names devices (seg6local
 * `oif`/`iif`; without it they stay indexes).
 *
 * @example
 * ```ts
 * Encap.decode(1, bytes) // { type: "mpls", labels: [100, 200] }
 * ```
 * @since 0.2.0
 */
export const decode = (type: number, data: Uint8Array, names: LinkNames = (i) => i): Encap => {
  const name = TYPE_NAMES[type]
  const raw = { type: (name as Raw["type"] | undefined) ?? type, data } as Raw
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (name === "seg6local") return decodeSeg6Local(data, view, names)
  if (name === "bpf") return decodeBpf(data, view)
  if (name === "ioam6") return decodeIoam6(data, view)
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
export const canonical = (e: Encap): Encap => {
  const c = decode(typeNumber(e.type), encode(e))
  // configuration only: not a program's fd or id, nor what the kernel counted,
  // nor the bpf headroom the kernel does not report
  if (c.type === "seg6local" && e.type === "seg6local") {
    const { status: _, bpf, iif, oif, ...rest } = c
    return {
      ...rest,
      ...(iif !== undefined ? { iif: e.iif } : {}),
      ...(oif !== undefined ? { oif: e.oif } : {}),
      ...(bpf !== undefined ? { bpf: { name: bpf.name } } : {})
    }
  }
  if (c.type === "bpf") {
    const prog = (p: BpfProgram | undefined) => (p === undefined ? {} : { name: p.name })
    return {
      type: "bpf",
      ...(c.in !== undefined ? { in: prog(c.in) } : {}),
      ...(c.out !== undefined ? { out: prog(c.out) } : {}),
      ...(c.xmit !== undefined ? { xmit: prog(c.xmit) } : {})
    } as Bpf
  }
  return c
}

/**
 * `e` with its devices (seg6local `oif`/`iif`) as indexes, for {@link encode}.
 *
 * @example
 * ```ts
 * const e = yield* Encap.resolve({ type: "seg6local", action: "End.DX2", oif: "eth1" }, "encap")
 * ```
 * @since 0.2.0
 */
export const resolve = (e: Encap, path: string): Effect.Effect<Encap, NetlinkError, Netlink> =>
  e.type !== "seg6local" || (typeof e.iif !== "string" && typeof e.oif !== "string")
    ? Effect.succeed(e)
    : Effect.gen(function* () {
        const iif = e.iif === undefined ? undefined : yield* linkIndex(e.iif, `${path}.iif`)
        const oif = e.oif === undefined ? undefined : yield* linkIndex(e.oif, `${path}.oif`)
        return { ...e, iif, oif }
      })

/**
 * What the Schema cannot check about an encapsulation: the field (below the
 * encapsulation) and why, or undefined when it is fine.
 *
 * @example
 * ```ts
 * Encap.problem({ type: "ioam6", mode: "encap", trace: { namespace: 1, type: 0x800000, size: 12 } })
 * // { field: "tundst", message: "ioam6 mode encap needs tundst" }
 * ```
 * @since 0.2.0
 */
export const problem = (e: Encap): { readonly field: string; readonly message: string } | undefined => {
  if (e.type === "ioam6" && e.mode !== undefined && e.mode !== "inline" && e.tundst === undefined)
    return { field: "tundst", message: `ioam6 mode ${e.mode} needs tundst` }
  if (e.type === "ioam6" && e.tunsrc !== undefined && (e.mode ?? "inline") === "inline")
    return { field: "tunsrc", message: "tunsrc is for ioam6 modes encap and auto" }
  if (e.type === "bpf" && e.in === undefined && e.out === undefined && e.xmit === undefined)
    return { field: "in", message: "give at least one of in, out and xmit" }
  if (e.type === "bpf") {
    for (const k of ["in", "out", "xmit"] as const)
      if (e[k] !== undefined && e[k]!.fd === undefined)
        return { field: `${k}.fd`, message: "a program is attached by its fd" }
    if (e.headroom !== undefined && e.xmit === undefined)
      return { field: "headroom", message: "headroom is for an xmit program" }
  }
  if (e.type === "seg6local") {
    if (e.bpf !== undefined && e.bpf.fd === undefined)
      return { field: "bpf.fd", message: "a program is attached by its fd" }
    if (e.flavors !== undefined && !hasNextCsid(e.flavors.operations)) {
      if (e.flavors.lblen !== undefined) return { field: "flavors.lblen", message: "lblen is for next-csid" }
      if (e.flavors.nflen !== undefined) return { field: "flavors.nflen", message: "nflen is for next-csid" }
    }
  }
  return undefined
}
