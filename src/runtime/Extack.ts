/**
 * Decoding of NLMSG_ERROR / NLMSG_DONE payloads: the errno, the extended ack
 * TLVs (message, offset, policy, missing attribute) and the resolution of an
 * offset to an attribute path in the request we sent.
 *
 * @since 0.1.0
 */
import type { PathContext } from "./Describe.ts"
import type * as NetlinkError from "./NetlinkError.ts"
import {
  NLA_F_NESTED,
  NLA_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NlattrOffsets,
  NLMSG_HDRLEN,
  NLMSGERR_ATTR_MISS_NEST,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_POLICY
} from "../generated/netlink/index.ts"
import { align4, NLA_TYPE_MASK, readString } from "./Wire.ts"

const NLA_TYPE = NlattrOffsets.type

const policyTypeNames = [
  "invalid",
  "flag",
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "binary",
  "string",
  "nul-string",
  "nested",
  "nested-array",
  "bitfield32",
  "sint",
  "uint"
]

/**
 * How an attribute path is printed: generated code passes names. The context
 * locates each attribute in the request (a sub-message reads its selector there).
 *
 * @since 0.1.0
 */
export type DescribePath = (types: ReadonlyArray<number>, context?: PathContext) => string

/** The default: "attr 3 > attr 2". @since 0.1.0 */
export const defaultDescribePath: DescribePath = (types) => types.map((t) => `attr ${t}`).join(" > ")

// Whether [start, end) is exactly tiled by well-formed attributes.
const tiles = (view: DataView, start: number, end: number): boolean => {
  if (end - start < NLA_HDRLEN) return false
  let p = start
  while (p + NLA_HDRLEN <= end) {
    const len = view.getUint16(p, true)
    if (len < NLA_HDRLEN || p + len > end) return false
    p += align4(len)
  }
  return p >= end && p - end < 4
}

/**
 * Resolves a byte offset (from the start of the request's nlmsghdr) to the
 * chain of attribute types that contains it. Nests are entered when flagged
 * NLA_F_NESTED or when their payload parses as attributes. `containers`, when
 * given, receives the byte range of the attribute list holding each path element.
 *
 * @example
 * ```ts
 * resolveOffset(request, 36, 16) // [18, 1]  (IFLA_LINKINFO > IFLA_INFO_KIND)
 * ```
 * @since 0.1.0
 */
export const resolveOffset = (
  message: Uint8Array,
  offset: number,
  headerLength: number,
  containers?: Array<readonly [number, number]>
): ReadonlyArray<number> | undefined => {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  if (message.length < NLMSG_HDRLEN) return undefined
  let start = NLMSG_HDRLEN + align4(headerLength)
  let end = Math.min(view.getUint32(0, true), message.length)
  const path: Array<number> = []
  outer: while (start + NLA_HDRLEN <= end) {
    let p = start
    while (p + NLA_HDRLEN <= end) {
      const len = view.getUint16(p, true)
      if (len < NLA_HDRLEN) break outer
      const type = view.getUint16(p + NLA_TYPE, true)
      const next = p + align4(len)
      if (offset === p) {
        path.push(type & NLA_TYPE_MASK)
        containers?.push([start, end])
        return path
      }
      if (offset > p && offset < next) {
        path.push(type & NLA_TYPE_MASK)
        containers?.push([start, end])
        const inner = p + NLA_HDRLEN
        const innerEnd = Math.min(p + len, end)
        if (offset >= inner && ((type & NLA_F_NESTED) !== 0 || tiles(view, inner, innerEnd))) {
          start = inner
          end = innerEnd
          continue outer
        }
        return path
      }
      p = next
    }
    break
  }
  return path.length > 0 ? path : undefined
}

const readU64 = (view: DataView, p: number, len: number, signed: boolean): number | bigint => {
  if (len < 8) return len >= 4 ? (signed ? view.getInt32(p, true) : view.getUint32(p, true)) : 0
  const v = signed ? view.getBigInt64(p, true) : view.getBigUint64(p, true)
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
}

// Calls `f` with the type and payload bounds of each attribute in [start, end);
// stops at the first malformed one.
const eachAttribute = (
  view: DataView,
  start: number,
  end: number,
  f: (type: number, value: number, valueEnd: number) => void
): void => {
  let p = start
  while (p + NLA_HDRLEN <= end) {
    const len = view.getUint16(p, true)
    if (len < NLA_HDRLEN || p + len > end) break
    f(view.getUint16(p + NLA_TYPE, true) & NLA_TYPE_MASK, p + NLA_HDRLEN, p + len)
    p += align4(len)
  }
}

type MutablePolicy = { -readonly [K in keyof NetlinkError.Policy]: NetlinkError.Policy[K] }
type PolicyField = (out: MutablePolicy, view: DataView, v: number, plen: number) => void

const bound =
  (key: "min" | "max", signed: boolean): PolicyField =>
  (out, view, v, plen) => {
    out[key] = readU64(view, v, plen, signed)
  }
// A u32 is only taken when the payload holds one.
const u32 =
  (key: "minLength" | "maxLength" | "policyIndex" | "policyMaxType" | "bitfield32Mask"): PolicyField =>
  (out, view, v, plen) => {
    if (plen >= 4) out[key] = view.getUint32(v, true)
  }

// NL_POLICY_TYPE_ATTR_* by number (11 is PAD).
const policyFields: Readonly<Record<number, PolicyField>> = {
  1: (out, view, v, plen) => {
    if (plen >= 4) out.type = policyTypeNames[view.getUint32(v, true)] ?? `type ${view.getUint32(v, true)}`
  },
  2: bound("min", true),
  3: bound("max", true),
  4: bound("min", false),
  5: bound("max", false),
  6: u32("minLength"),
  7: u32("maxLength"),
  8: u32("policyIndex"),
  9: u32("policyMaxType"),
  10: u32("bitfield32Mask"),
  12: (out, view, v, plen) => {
    if (plen >= 8) out.mask = view.getBigUint64(v, true)
  }
}

const decodePolicy = (view: DataView, start: number, end: number): NetlinkError.Policy => {
  const out: MutablePolicy = {}
  eachAttribute(view, start, end, (type, v, e) => policyFields[type]?.(out, view, v, e - v))
  return out
}

/** @since 0.1.0 */
export interface ResolveOptions {
  /** The request as sent, to resolve offsets against. */
  readonly request?: Uint8Array
  /** Size of the family header after the nlmsghdr (ifinfomsg: 16, rtmsg: 12, genlmsghdr: 4). */
  readonly headerLength?: number
  readonly describePath?: DescribePath
}

/**
 * Decodes the extack TLVs in `[start, end)`.
 *
 * @since 0.1.0
 */
export const decodeTlvs = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  options: ResolveOptions
): NetlinkError.Extack | undefined => {
  const out: { -readonly [K in keyof NetlinkError.Extack]: NetlinkError.Extack[K] } = {}
  eachAttribute(view, start, end, (type, v, e) => {
    if (type === NLMSGERR_ATTR_MSG) out.message = readString(buf, v, e)
    else if (type === NLMSGERR_ATTR_POLICY) out.policy = decodePolicy(view, v, e)
    else if (e - v >= 4) {
      // The other attributes are a u32, ignored when shorter.
      const n = view.getUint32(v, true)
      if (type === NLMSGERR_ATTR_OFFS) out.offset = n
      else if (type === NLMSGERR_ATTR_MISS_TYPE) out.missingType = n
      else if (type === NLMSGERR_ATTR_MISS_NEST) out.missingNest = resolveWith(n, options) ?? `offset ${n}`
    }
  })
  if (Object.keys(out).length === 0) return undefined
  if (out.offset !== undefined) {
    const path = resolveWith(out.offset, options)
    if (path !== undefined) out.attributePath = path
  }
  return out
}

const resolveWith = (offset: number, options: ResolveOptions): string | undefined => {
  if (options.request === undefined) return undefined
  const containers: Array<readonly [number, number]> = []
  const types = resolveOffset(options.request, offset, options.headerLength ?? 0, containers)
  if (types === undefined) return undefined
  return (options.describePath ?? defaultDescribePath)(types, { request: options.request, containers })
}

// NLMSG_ERROR and NLMSG_DONE both carry the negated errno after the nlmsghdr; they
// differ in where the extack TLVs start, which `tlvs` finds from the end of the errno.
const statusDecoder =
  (tlvs: (afterErrno: number, view: DataView, end: number, flags: number) => number) =>
  (
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    flags: number,
    options: ResolveOptions
  ): Status => {
    if (end - start < NLMSG_HDRLEN + 4) return OK
    const errno = -view.getInt32(start + NLMSG_HDRLEN, true)
    // Without TLVs (every plain ack) nothing is allocated.
    if ((flags & NLM_F_ACK_TLVS) === 0) return errno === 0 ? OK : { errno, extack: undefined }
    return {
      errno,
      extack: decodeTlvs(buf, view, tlvs(start + NLMSG_HDRLEN + 4, view, end, flags), end, options)
    }
  }

/** An errno (0 for success) and the extended ack, if the kernel sent one. @since 0.1.0 */
export interface Status {
  readonly errno: number
  readonly extack: NetlinkError.Extack | undefined
}
const OK: Status = { errno: 0, extack: undefined }

/**
 * Decodes the payload of an NLMSG_ERROR message at `[start, end)` (start is
 * the nlmsghdr). Returns the errno (0 for an ack) and the extack if present.
 *
 * @since 0.1.0
 */
export const decodeError = statusDecoder((orig, view, end, flags) => {
  // The TLVs follow the echoed request: its nlmsghdr alone when capped, else all of it.
  if ((flags & NLM_F_CAPPED) !== 0 || orig + 4 > end) return orig + NLMSG_HDRLEN
  // An echoed length past the message (up to 0xffffffff) leaves no room for
  // TLVs; checked before rounding up, which would overflow 32-bit arithmetic.
  const len = view.getUint32(orig, true)
  return len > end - orig ? end : orig + align4(len)
})

/**
 * Decodes an NLMSG_DONE payload: the dump's final status and extack.
 *
 * @since 0.1.0
 */
export const decodeDone = statusDecoder((afterErrno) => afterErrno)
