/**
 * Decoding of NLMSG_ERROR / NLMSG_DONE payloads: the errno, the extended ack
 * TLVs (message, offset, policy, missing attribute) and the resolution of an
 * offset to an attribute path in the request we sent.
 *
 * @since 0.1.0
 */
import type * as NetlinkError from "./NetlinkError.ts"
import { align4, NLA_F_NESTED, NLA_TYPE_MASK, NLMSG_HDRLEN, readString } from "./Wire.ts"

/** @since 0.1.0 */
export const NLM_F_CAPPED = 0x100
/** @since 0.1.0 */
export const NLM_F_ACK_TLVS = 0x200

const NLMSGERR_ATTR_MSG = 1
const NLMSGERR_ATTR_OFFS = 2
const NLMSGERR_ATTR_POLICY = 4
const NLMSGERR_ATTR_MISS_TYPE = 5
const NLMSGERR_ATTR_MISS_NEST = 6

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

/** How an attribute path is printed: generated code passes names. @since 0.1.0 */
export type DescribePath = (types: ReadonlyArray<number>) => string

/** The default: "attr 3 > attr 2". @since 0.1.0 */
export const defaultDescribePath: DescribePath = (types) => types.map((t) => `attr ${t}`).join(" > ")

// Whether [start, end) is exactly tiled by well-formed attributes.
const tiles = (view: DataView, start: number, end: number): boolean => {
  if (end - start < 4) return false
  let p = start
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4 || p + len > end) return false
    p += align4(len)
  }
  return p >= end && p - end < 4
}

/**
 * Resolves a byte offset (from the start of the request's nlmsghdr) to the
 * chain of attribute types that contains it. Nests are entered when flagged
 * NLA_F_NESTED or when their payload parses as attributes.
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
  headerLength: number
): ReadonlyArray<number> | undefined => {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  if (message.length < NLMSG_HDRLEN) return undefined
  let start = NLMSG_HDRLEN + align4(headerLength)
  let end = Math.min(view.getUint32(0, true), message.length)
  const path: Array<number> = []
  outer: while (start + 4 <= end) {
    let p = start
    while (p + 4 <= end) {
      const len = view.getUint16(p, true)
      if (len < 4) break outer
      const type = view.getUint16(p + 2, true)
      const next = p + align4(len)
      if (offset === p) {
        path.push(type & NLA_TYPE_MASK)
        return path
      }
      if (offset > p && offset < next) {
        path.push(type & NLA_TYPE_MASK)
        const inner = p + 4
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

const decodePolicy = (view: DataView, start: number, end: number): NetlinkError.Policy => {
  const out: {
    -readonly [K in keyof NetlinkError.Policy]: NetlinkError.Policy[K]
  } = {}
  let p = start
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4 || p + len > end) break
    const type = view.getUint16(p + 2, true) & NLA_TYPE_MASK
    const v = p + 4
    const plen = len - 4
    switch (type) {
      case 1:
        if (plen >= 4)
          out.type = policyTypeNames[view.getUint32(v, true)] ?? `type ${view.getUint32(v, true)}`
        break
      case 2:
        out.min = readU64(view, v, plen, true)
        break
      case 3:
        out.max = readU64(view, v, plen, true)
        break
      case 4:
        out.min = readU64(view, v, plen, false)
        break
      case 5:
        out.max = readU64(view, v, plen, false)
        break
      case 6:
        if (plen >= 4) out.minLength = view.getUint32(v, true)
        break
      case 7:
        if (plen >= 4) out.maxLength = view.getUint32(v, true)
        break
      case 8:
        if (plen >= 4) out.policyIndex = view.getUint32(v, true)
        break
      case 9:
        if (plen >= 4) out.policyMaxType = view.getUint32(v, true)
        break
      case 10:
        if (plen >= 4) out.bitfield32Mask = view.getUint32(v, true)
        break
      case 12:
        if (plen >= 8) out.mask = view.getBigUint64(v, true)
        break
    }
    p += align4(len)
  }
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
  let any = false
  let p = start
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4 || p + len > end) break
    const type = view.getUint16(p + 2, true) & NLA_TYPE_MASK
    const v = p + 4
    switch (type) {
      case NLMSGERR_ATTR_MSG:
        out.message = readString(buf, v, p + len)
        any = true
        break
      case NLMSGERR_ATTR_OFFS:
        if (len >= 8) {
          out.offset = view.getUint32(v, true)
          any = true
        }
        break
      case NLMSGERR_ATTR_POLICY:
        out.policy = decodePolicy(view, v, p + len)
        any = true
        break
      case NLMSGERR_ATTR_MISS_TYPE:
        if (len >= 8) {
          out.missingType = view.getUint32(v, true)
          any = true
        }
        break
      case NLMSGERR_ATTR_MISS_NEST:
        if (len >= 8) {
          const off = view.getUint32(v, true)
          const path = resolveWith(off, options)
          out.missingNest = path ?? `offset ${off}`
          any = true
        }
        break
    }
    p += align4(len)
  }
  if (!any) return undefined
  if (out.offset !== undefined) {
    const path = resolveWith(out.offset, options)
    if (path !== undefined) out.attributePath = path
  }
  return out
}

const resolveWith = (offset: number, options: ResolveOptions): string | undefined => {
  if (options.request === undefined) return undefined
  const types = resolveOffset(options.request, offset, options.headerLength ?? 0)
  if (types === undefined) return undefined
  return (options.describePath ?? defaultDescribePath)(types)
}

/**
 * Decodes the payload of an NLMSG_ERROR message at `[start, end)` (start is
 * the nlmsghdr). Returns the errno (0 for an ack) and the extack if present.
 *
 * @since 0.1.0
 */
export const decodeError = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  flags: number,
  options: ResolveOptions
): { readonly errno: number; readonly extack: NetlinkError.Extack | undefined } => {
  if (end - start < NLMSG_HDRLEN + 4) return { errno: 0, extack: undefined }
  const errno = -view.getInt32(start + NLMSG_HDRLEN, true)
  if ((flags & NLM_F_ACK_TLVS) === 0) return { errno, extack: undefined }
  const orig = start + NLMSG_HDRLEN + 4
  let tlv = orig + NLMSG_HDRLEN
  if ((flags & NLM_F_CAPPED) === 0 && orig + 4 <= end) tlv = orig + align4(view.getUint32(orig, true))
  return { errno, extack: decodeTlvs(buf, view, tlv, end, options) }
}

/**
 * Decodes an NLMSG_DONE payload: the dump's final status and extack.
 *
 * @since 0.1.0
 */
export const decodeDone = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  flags: number,
  options: ResolveOptions
): { readonly errno: number; readonly extack: NetlinkError.Extack | undefined } => {
  if (end - start < NLMSG_HDRLEN + 4) return { errno: 0, extack: undefined }
  const errno = -view.getInt32(start + NLMSG_HDRLEN, true)
  if ((flags & NLM_F_ACK_TLVS) === 0) return { errno, extack: undefined }
  return { errno, extack: decodeTlvs(buf, view, start + NLMSG_HDRLEN + 4, end, options) }
}
