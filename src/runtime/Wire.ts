/**
 * Netlink wire primitives: a growable message writer, attribute iteration and
 * the address/MAC text conversions the generated codecs share.
 *
 * Everything here works on `Uint8Array`/`DataView` directly; no Schema and no
 * allocation per attribute beyond the decoded values themselves.
 *
 * @since 0.1.0
 */

// The generated module imports this one back: use these only inside functions, never
// at this module's top level (whichever of the two loads first must not need the other).
import { NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN } from "../generated/netlink/index.ts"

/** Attribute type bits; the top two bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
export const NLA_TYPE_MASK = 0x3fff

/** Rounds up to netlink's 4-byte alignment. */
export const align4 = (n: number): number => (n + 3) & ~3

/**
 * Thrown by decoders on malformed input; the engine turns it into a
 * `NetlinkError` with reason `Decode`. Internal: never escapes the library.
 *
 * @since 0.1.0
 */
export class DecodeFailure extends Error {
  readonly offset: number
  constructor(message: string, offset: number) {
    super(message)
    this.offset = offset
  }
}

/**
 * Thrown by {@link Writer.finish} when an attribute grew past netlink's
 * 64 KiB attribute limit (see {@link Writer.overflow}); the API refuses such
 * a message with a Validation error before sending anything.
 *
 * @since 0.1.0
 */
export class EncodeOverflow extends Error {
  readonly overflow: Overflow
  constructor(overflow: Overflow) {
    super(
      `attribute ${overflow.types.join(" > ")} needs ${overflow.bytes} bytes, more than the 65535 a netlink attribute can hold`
    )
    this.overflow = overflow
  }
}

/**
 * The attribute that outgrew its 16-bit length: its type and those of the
 * nests around it, outermost first, and how many bytes the outermost needed.
 *
 * @since 0.1.0
 */
export interface Overflow {
  readonly types: ReadonlyArray<number>
  readonly bytes: number
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder("utf-8", { fatal: false })

/**
 * A growable little-endian netlink message writer.
 *
 * @example
 * ```ts
 * const w = new Writer()
 * const msg = w.beginMessage(18, 0x1, 1)
 * w.u32(0) // family header
 * w.attrString(3, "eth0")
 * w.endMessage(msg)
 * const bytes = w.finish()
 * ```
 * @since 0.1.0
 */
export class Writer {
  buf: Uint8Array
  view: DataView
  pos = 0
  /**
   * The first attribute that outgrew 65535 bytes, with the nests around it;
   * `undefined` while everything fits. Recorded rather than thrown, so the
   * nests that close after it can add their types: the error then names the
   * whole path. {@link finish} refuses a message that has one.
   */
  overflow: { types: Array<number>; bytes: number; at: number } | undefined = undefined

  constructor(size = 1024) {
    this.buf = new Uint8Array(size)
    this.view = new DataView(this.buf.buffer)
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8(v: number): void {
    this.ensure(1)
    this.view.setUint8(this.pos, v)
    this.pos += 1
  }
  s8(v: number): void {
    this.ensure(1)
    this.view.setInt8(this.pos, v)
    this.pos += 1
  }
  u16(v: number, be = false): void {
    this.ensure(2)
    this.view.setUint16(this.pos, v, !be)
    this.pos += 2
  }
  s16(v: number, be = false): void {
    this.ensure(2)
    this.view.setInt16(this.pos, v, !be)
    this.pos += 2
  }
  u32(v: number, be = false): void {
    this.ensure(4)
    this.view.setUint32(this.pos, v >>> 0, !be)
    this.pos += 4
  }
  s32(v: number, be = false): void {
    this.ensure(4)
    this.view.setInt32(this.pos, v, !be)
    this.pos += 4
  }
  u64(v: bigint, be = false): void {
    this.ensure(8)
    this.view.setBigUint64(this.pos, v, !be)
    this.pos += 8
  }
  s64(v: bigint, be = false): void {
    this.ensure(8)
    this.view.setBigInt64(this.pos, v, !be)
    this.pos += 8
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }
  zeros(n: number): void {
    this.ensure(n)
    this.buf.fill(0, this.pos, this.pos + n)
    this.pos += n
  }
  /** Pads with zeros to the next 4-byte boundary. */
  align(): void {
    const target = align4(this.pos)
    if (target !== this.pos) this.zeros(target - this.pos)
  }

  /** Writes an nlmsghdr with a placeholder length; returns its offset. */
  beginMessage(type: number, flags: number, seq: number, pid = 0): number {
    const start = this.pos
    this.ensure(NLMSG_HDRLEN)
    this.view.setUint32(start, 0, true)
    this.view.setUint16(start + 4, type, true)
    this.view.setUint16(start + 6, flags, true)
    this.view.setUint32(start + 8, seq >>> 0, true)
    this.view.setUint32(start + 12, pid >>> 0, true)
    this.pos += NLMSG_HDRLEN
    return start
  }
  endMessage(start: number): void {
    this.align()
    this.view.setUint32(start, this.pos - start, true)
  }

  /** Starts an attribute; returns its offset for {@link attrEnd}. */
  attrStart(type: number): number {
    this.align()
    const start = this.pos
    this.ensure(NLA_HDRLEN)
    this.view.setUint16(start + 2, type, true)
    this.pos += NLA_HDRLEN
    return start
  }
  /** Starts a nested attribute (NLA_F_NESTED is set, as iproute2 does for new-style nests). */
  nestStart(type: number, flagNested = true): number {
    return this.attrStart(flagNested ? type | NLA_F_NESTED : type)
  }
  attrEnd(start: number): void {
    const len = this.pos - start
    if (len > 0xffff) this.overflowed(start, len)
    else this.view.setUint16(start, len, true)
    this.align()
  }

  private overflowed(start: number, len: number): void {
    const type = this.view.getUint16(start + 2, true) & NLA_TYPE_MASK
    const o = this.overflow
    if (o === undefined) this.overflow = { types: [type], bytes: len, at: start }
    else if (start < o.at) {
      // Started before the recorded one and ends after it: a nest around it.
      o.types.unshift(type)
      o.bytes = len
      o.at = start
    }
  }

  /** Empties the writer for a new message, keeping its buffer. */
  reset(): void {
    this.pos = 0
    this.overflow = undefined
  }

  attrFlag(type: number): void {
    this.attrEnd(this.attrStart(type))
  }
  attrU8(type: number, v: number): void {
    const s = this.attrStart(type)
    this.u8(v)
    this.attrEnd(s)
  }
  attrS8(type: number, v: number): void {
    const s = this.attrStart(type)
    this.s8(v)
    this.attrEnd(s)
  }
  attrU16(type: number, v: number, be = false): void {
    const s = this.attrStart(type)
    this.u16(v, be)
    this.attrEnd(s)
  }
  attrS16(type: number, v: number, be = false): void {
    const s = this.attrStart(type)
    this.s16(v, be)
    this.attrEnd(s)
  }
  attrU32(type: number, v: number, be = false): void {
    const s = this.attrStart(type)
    this.u32(v, be)
    this.attrEnd(s)
  }
  attrS32(type: number, v: number, be = false): void {
    const s = this.attrStart(type)
    this.s32(v, be)
    this.attrEnd(s)
  }
  attrU64(type: number, v: bigint, be = false): void {
    const s = this.attrStart(type)
    this.u64(v, be)
    this.attrEnd(s)
  }
  attrS64(type: number, v: bigint, be = false): void {
    const s = this.attrStart(type)
    this.s64(v, be)
    this.attrEnd(s)
  }
  /** A NUL-terminated string, as the kernel's NLA_NUL_STRING/NLA_STRING policies accept. */
  attrString(type: number, v: string): void {
    const s = this.attrStart(type)
    const encoded = textEncoder.encode(v)
    this.bytes(encoded)
    this.u8(0)
    this.attrEnd(s)
  }
  attrBinary(type: number, v: Uint8Array): void {
    const s = this.attrStart(type)
    this.bytes(v)
    this.attrEnd(s)
  }

  /** A copy of the written bytes; throws {@link EncodeOverflow} if an attribute overflowed. */
  finish(): Uint8Array {
    if (this.overflow !== undefined) throw new EncodeOverflow(this.overflow)
    return this.buf.slice(0, this.pos)
  }
}

// Ownership of a freshly built request. The builder copies its scratch
// buffer into a message of exact size; the engine must then write the
// header's seq and flags, and would copy again to keep the caller's bytes
// untouched. A message handed over here is one nobody else holds yet: the
// first request that claims it writes into it directly (one buffer per
// request instead of two). A single slot: a message claimed late, or built
// while another waited, is simply copied as before.
let handedOver: Uint8Array | undefined

/**
 * Marks a message just built by the library as owned by whoever sends it
 * first. Returns the message.
 *
 * @since 0.1.0
 */
export const handOver = (message: Uint8Array): Uint8Array => {
  handedOver = message
  return message
}

/**
 * Whether `message` is the one last handed over and not claimed yet; if so,
 * the caller owns it from now on and may write into it instead of copying.
 *
 * @example
 * ```ts
 * const out = claimOwnership(message) ? message : message.slice()
 * ```
 * @since 0.1.0
 */
export const claimOwnership = (message: Uint8Array): boolean => {
  if (message !== handedOver) return false
  handedOver = undefined
  return true
}

/** Reads a NUL-terminated (or unterminated) string from `[start, end)`. */
export const readString = (buf: Uint8Array, start: number, end: number): string => {
  let e = start
  while (e < end && buf[e] !== 0) e++
  // ASCII fast path: interface names and kinds are short and ASCII.
  if (e - start <= 32) {
    let ascii = true
    let s = ""
    for (let i = start; i < e; i++) {
      const c = buf[i]
      if (c > 0x7f) {
        ascii = false
        break
      }
      s += String.fromCharCode(c)
    }
    if (ascii) return s
  }
  return textDecoder.decode(buf.subarray(start, e))
}

/** Copies `[start, end)` into a fresh array, so decoded values never alias a receive buffer. */
export const readBytes = (buf: Uint8Array, start: number, end: number): Uint8Array => buf.slice(start, end)

// Bodies kept for decoding later share 32 KiB slabs: an ArrayBuffer of its
// own per link cost more than the copy (W2: ~40% of the list decode).
const SLAB = 1 << 15
let slab = new Uint8Array(0)
let slabAt = 0

/**
 * Copies `[start, end)` out of a receive buffer for the library's own later
 * reading (a status decoded on first access): the copy is a view into a
 * shared slab, so its `.buffer` is not its own. Never hand it to users.
 */
export const keepBytes = (buf: Uint8Array, start: number, end: number): Uint8Array => {
  const n = end - start
  if (n > SLAB >> 3) return buf.slice(start, end)
  if (slabAt + n > slab.length) {
    slab = new Uint8Array(SLAB)
    slabAt = 0
  }
  const out = slab.subarray(slabAt, slabAt + n)
  out.set(buf.subarray(start, end))
  slabAt += (n + 7) & ~7
  return out
}

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))
// IPv6 group text, made on first use of each group and shared after that:
// building all 65,536 at import cost every user 17 ms and 2 MB.
let groupText: Array<string> | undefined

// Octet text with and without the trailing dot: an IPv4 address is then three
// concatenations of shared strings instead of four number conversions and seven.
const decimal = Array.from({ length: 256 }, (_, i) => String(i))
const decimalDot = Array.from({ length: 256 }, (_, i) => `${i}.`)

/** IPv4 or IPv6 address text from 4 or 16 bytes; other lengths become hex. */
export const ipToString = (buf: Uint8Array, start: number, len: number): string => {
  if (len === 4)
    return (
      decimalDot[buf[start]] +
      decimalDot[buf[start + 1]] +
      decimalDot[buf[start + 2]] +
      decimal[buf[start + 3]]
    )
  if (len === 16) return ipv6ToString(buf, start)
  let s = ""
  for (let i = 0; i < len; i++) s += hex[buf[start + i]]
  return s
}

// Scratch for one formatting at a time (nothing below re-enters ipv6ToString).
const words = new Uint16Array(8)

const ipv6ToString = (buf: Uint8Array, start: number): string => {
  let any = 0
  for (let i = 0; i < 8; i++) any |= words[i] = (buf[start + 2 * i] << 8) | buf[start + 2 * i + 1]
  // Every link's IPv6 token is "::" unless set: no group lookups for it.
  if (any === 0) return "::"
  const groups = (groupText ??= new Array<string>(65536))
  // IPv4-mapped ::ffff:a.b.c.d
  if (
    words[0] === 0 &&
    words[1] === 0 &&
    words[2] === 0 &&
    words[3] === 0 &&
    words[4] === 0 &&
    words[5] === 0xffff
  ) {
    return `::ffff:${ipToString(buf, start + 12, 4)}`
  }
  // Longest run of zero words (length >= 2) collapses to "::" (RFC 5952).
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  let out = ""
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? "::" : ":"
      i += bestLen - 1
      continue
    }
    const w = words[i]
    out += groups[w] ?? (groups[w] = w.toString(16))
    if (i < 7) out += ":"
  }
  return out
}

/** MAC (or any link-layer address) text, colon-separated hex. */
export const macToString = (buf: Uint8Array, start: number, len: number): string => {
  let s = ""
  for (let i = 0; i < len; i++) {
    if (i > 0) s += ":"
    s += hex[buf[start + i]]
  }
  return s
}

export { parseIp, parseIPv4, parseIPv6, parseMac } from "./Parse.ts"

/** Lowercase hex of bytes, for fixtures and error messages. */
export const toHex = (b: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < b.length; i++) s += hex[b[i]]
  return s
}

/** Bytes from lowercase or uppercase hex. */
export const fromHex = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Fails a decode: an attribute's payload is shorter than its type needs. */
export const badLength = (where: string, n: number, want: number, off: number): never => {
  throw new DecodeFailure(`${where}: payload of ${n} bytes, expected at least ${want}`, off)
}

// One reader per element type keeps each call site monomorphic (no lookup by
// method name). Arrays are allocated at their final length: no growth copies.
export const readU8Array = (view: DataView, p: number, e: number, _le: boolean): Array<number> => {
  const n = e - p
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = view.getUint8(p + i)
  return out
}
export const readS8Array = (view: DataView, p: number, e: number, _le: boolean): Array<number> => {
  const n = e - p
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = view.getInt8(p + i)
  return out
}
export const readU16Array = (view: DataView, p: number, e: number, le: boolean): Array<number> => {
  const n = (e - p) >> 1
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = view.getUint16(p + 2 * i, le)
  return out
}
export const readS16Array = (view: DataView, p: number, e: number, le: boolean): Array<number> => {
  const n = (e - p) >> 1
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = view.getInt16(p + 2 * i, le)
  return out
}
export const readU32Array = (view: DataView, p: number, e: number, le: boolean): Array<number> => {
  const n = (e - p) >> 2
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = view.getUint32(p + 4 * i, le)
  return out
}
export const readS32Array = (view: DataView, p: number, e: number, le: boolean): Array<number> => {
  const n = (e - p) >> 2
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = view.getInt32(p + 4 * i, le)
  return out
}
// Counters are mostly zero or small: reads share the BigInts 0..1023 instead of
// allocating one per value (a link carries ~70 u64 counters; BigInts are values,
// so sharing them is invisible).
const SMALL_BIGINTS = 1024
const smallBigInt: Array<bigint> = Array.from({ length: SMALL_BIGINTS }, (_, i) => BigInt(i))

/** An unsigned 64-bit value at `p`. */
export const readU64 = (view: DataView, p: number, le: boolean): bigint => {
  const hi = view.getUint32(le ? p + 4 : p, le)
  const lo = view.getUint32(le ? p : p + 4, le)
  return hi === 0 && lo < SMALL_BIGINTS ? smallBigInt[lo] : view.getBigUint64(p, le)
}
/** A signed 64-bit value at `p`. */
export const readS64 = (view: DataView, p: number, le: boolean): bigint => {
  const hi = view.getUint32(le ? p + 4 : p, le)
  const lo = view.getUint32(le ? p : p + 4, le)
  return hi === 0 && lo < SMALL_BIGINTS ? smallBigInt[lo] : view.getBigInt64(p, le)
}
export const readU64Array = (view: DataView, p: number, e: number, le: boolean): Array<bigint> => {
  const n = (e - p) >> 3
  const out = new Array<bigint>(n)
  for (let i = 0; i < n; i++) out[i] = readU64(view, p + 8 * i, le)
  return out
}
export const readS64Array = (view: DataView, p: number, e: number, le: boolean): Array<bigint> => {
  const n = (e - p) >> 3
  const out = new Array<bigint>(n)
  for (let i = 0; i < n; i++) out[i] = readS64(view, p + 8 * i, le)
  return out
}

/**
 * Decodes a run of length-prefixed records (RTA_MULTIPATH's rtnexthop):
 * each starts with a u16 length covering the record, then a fixed header,
 * then attributes.
 */
export const decodeRecords = (
  buf: Uint8Array,
  view: DataView,
  p: number,
  e: number,
  headerSize: number,
  what: string,
  header: (buf: Uint8Array, view: DataView, p: number, e: number) => any,
  attrs: (out: any, buf: Uint8Array, view: DataView, p: number, e: number) => any
): Array<any> => {
  const out: Array<any> = []
  while (p + headerSize <= e) {
    const len = view.getUint16(p, true)
    if (len < headerSize || p + len > e) throw new DecodeFailure(`${what}: record length ${len}`, p)
    out.push(attrs(header(buf, view, p, p + len), buf, view, p + headerSize, p + len))
    p += (len + 3) & ~3
  }
  return out
}
