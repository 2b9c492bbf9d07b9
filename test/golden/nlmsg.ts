/**
 * Helpers for comparing requests against the iproute2 golden fixtures in
 * test/fixtures/golden (made by test/golden/capture.ts).
 *
 * Compare attribute trees, not bytes: iproute2 and nlink may order attributes differently,
 * and nlmsg_seq / nlmsg_pid are never part of a tree.
 *
 * @since 0.1.0
 */
import { readdirSync, readFileSync } from "node:fs"

/** Where the fixture JSON files live. */
export const fixtureDir: URL = new URL("../fixtures/golden/", import.meta.url)

/** NLA_F_NESTED: the attribute's payload is itself a list of attributes. */
export const NLA_F_NESTED = 0x8000
/** NLA_F_NET_BYTEORDER: the payload is big-endian. */
export const NLA_F_NET_BYTEORDER = 0x4000
/** Mask of the attribute type bits. */
export const NLA_TYPE_MASK = 0x3fff

/** One netlink message iproute2 sent, as stored in a fixture. */
export interface FixtureMessage {
  readonly type: number
  readonly flags: number
  /** The whole message, nlmsghdr included, lowercase hex. */
  readonly hex: string
  /** The same bytes, decoded from `hex` by `loadFixture`. */
  readonly bytes: Uint8Array
}

/** A golden fixture: one `ip` command and the requests it sent. */
export interface Fixture {
  readonly name: string
  readonly doc: string
  /** The ip arguments, without `-n <ns>`; `{other}` names the second namespace. */
  readonly command: ReadonlyArray<string>
  /** ip argument lists run (with `-n <ns>`) before the command. */
  readonly setup: ReadonlyArray<ReadonlyArray<string>>
  /** Exit status of `ip`: non-zero where this kernel rejected the request (it was still sent). */
  readonly exitCode: number
  readonly stderr: string
  readonly kernel: string
  readonly iproute2: string
  readonly messages: ReadonlyArray<FixtureMessage>
}

/** Hex (any case, whitespace ignored) to bytes. */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "")
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error(`not hex: ${hex.slice(0, 40)}`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Bytes to lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = ""
  for (const b of bytes) s += b.toString(16).padStart(2, "0")
  return s
}

/** Names of all stored fixtures, sorted. */
export function fixtureNames(): Array<string> {
  return readdirSync(fixtureDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort()
}

/** Read test/fixtures/golden/<name>.json, adding `bytes` to every message. */
export function loadFixture(name: string): Fixture {
  const raw = JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDir), "utf8"))
  return {
    ...raw,
    messages: raw.messages.map((m: { type: number; flags: number; hex: string }) => ({
      ...m,
      bytes: hexToBytes(m.hex)
    }))
  }
}

/** One attribute of an attribute tree. */
export interface AttributeNode {
  /** nla_type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  readonly type: number
  /** The NLA_F_* bits of nla_type, present only when non-zero. */
  readonly flags?: number
  /** For nested attributes that start with a fixed struct (e.g. VETH_INFO_PEER's ifinfomsg). */
  readonly header?: string
  /** Children, sorted, for nested attributes. */
  readonly nested?: ReadonlyArray<AttributeNode>
  /** Payload hex (padding excluded), for leaf attributes. */
  readonly hex?: string
}

/** A message body as a tree: the family header and the sorted attributes. */
export interface AttributeTree {
  readonly header: string
  readonly attrs: ReadonlyArray<AttributeNode>
}

/**
 * Which attributes are nested, beyond those carrying NLA_F_NESTED. Called with the path of
 * attribute types from the top (e.g. [18, 2] = IFLA_LINKINFO / IFLA_INFO_DATA). Return true
 * for a plain nest, a number for a nest that begins with a fixed struct of that many bytes,
 * false or undefined for a leaf.
 */
export type NestedPredicate = (path: ReadonlyArray<number>) => boolean | number | undefined

function compareNodes(a: AttributeNode, b: AttributeNode): number {
  if (a.type !== b.type) return a.type - b.type
  const sa = JSON.stringify(a)
  const sb = JSON.stringify(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

/** Parse a run of nlattrs (`bytes` is exactly the attribute area). */
export function parseAttributes(
  bytes: Uint8Array,
  nested: NestedPredicate = () => false,
  path: ReadonlyArray<number> = []
): Array<AttributeNode> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<AttributeNode> = []
  let off = 0
  while (off < bytes.length) {
    if (bytes.length - off < 4) {
      if (bytes.subarray(off).every((b) => b === 0)) break
      throw new Error(`attribute path [${path}]: ${bytes.length - off} stray bytes at offset ${off}`)
    }
    const len = dv.getUint16(off, true)
    const rawType = dv.getUint16(off + 2, true)
    if (len < 4 || off + len > bytes.length) {
      throw new Error(`attribute path [${path}]: bad nla_len ${len} at offset ${off} of ${bytes.length}`)
    }
    const type = rawType & NLA_TYPE_MASK
    const flags = rawType & ~NLA_TYPE_MASK
    const payload = bytes.subarray(off + 4, off + len)
    const here = [...path, type]
    const declared = nested(here)
    const base: { type: number; flags?: number } = flags !== 0 ? { type, flags } : { type }
    if (typeof declared === "number") {
      out.push({
        ...base,
        header: bytesToHex(payload.subarray(0, declared)),
        nested: parseAttributes(payload.subarray(declared), nested, here)
      })
    } else if (declared === true || (flags & NLA_F_NESTED) !== 0) {
      out.push({ ...base, nested: parseAttributes(payload, nested, here) })
    } else {
      out.push({ ...base, hex: bytesToHex(payload) })
    }
    off += (len + 3) & ~3
  }
  return out.sort(compareNodes)
}

/**
 * The attribute tree of a whole netlink message: skips the 16-byte nlmsghdr, takes the
 * family header (`headerLen` bytes: ifinfomsg 16, ifaddrmsg 8, rtmsg 12, ndmsg 12,
 * fib_rule_hdr 12, genlmsghdr 4, tcmsg 20) and parses the attributes after it, recursing into
 * NLA_F_NESTED attributes and those `nested` names. Attributes are sorted by type at every
 * level so trees compare equal regardless of attribute order.
 */
export function attributeTree(bytes: Uint8Array, headerLen: number, nested?: NestedPredicate): AttributeTree {
  if (bytes.length < 16 + headerLen) throw new Error(`message of ${bytes.length} bytes is too short`)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const len = dv.getUint32(0, true)
  if (len !== bytes.length) throw new Error(`nlmsg_len ${len} but ${bytes.length} bytes`)
  return {
    header: bytesToHex(bytes.subarray(16, 16 + headerLen)),
    attrs: parseAttributes(bytes.subarray(16 + headerLen), nested)
  }
}
