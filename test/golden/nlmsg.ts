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
import { expect } from "vitest"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"

/** Where the fixture JSON files live. */
export const fixtureDir: URL = new URL("../fixtures/golden/", import.meta.url)

/** NLA_F_NESTED: the attribute's payload is itself a list of attributes. */
export const NLA_F_NESTED = 0x8000
/** NLA_F_NET_BYTEORDER: the payload is big-endian. */
export const NLA_F_NET_BYTEORDER = 0x4000
/** Mask of the attribute type bits. */
export const NLA_TYPE_MASK = 0x3fff
/** NLM_F_ACK: the engine adds it when it sends a request, so builders leave it out. */
export const NLM_F_ACK = 0x04

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

/** nlmsg_len, nlmsg_type and nlmsg_flags of a message. */
export function nlmsgHeader(bytes: Uint8Array): { len: number; type: number; flags: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { len: view.getUint32(0, true), type: view.getUint16(4, true), flags: view.getUint16(6, true) }
}

/** A generated body decoder (decodeAddrMessage, ...): buffer, its view, body start and end. */
export type BodyDecoder<M> = (buf: Uint8Array, view: DataView, start: number, end: number) => M

/** Decodes a whole message (nlmsghdr included) with a generated body decoder. */
export const messageDecoder =
  <M>(decodeBody: BodyDecoder<M>) =>
  (bytes: Uint8Array): M =>
    decodeBody(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 16, bytes.length)

/**
 * The fixture's only message. With `exitCode`, `ip` must also have exited with it; the link
 * tests leave it out because kernels without a kind reject the request (it was still sent).
 */
export function onlyMessage(name: string, exitCode?: number): FixtureMessage {
  const f = loadFixture(name)
  if (exitCode !== undefined) expect(f.exitCode).toBe(exitCode)
  expect(f.messages).toHaveLength(1)
  return f.messages[0]
}

/**
 * The checks of one message family's golden tests, bound to its generated decoder, family
 * header length and extra nests: `expectSame(ours, theirs)` holds when our request has its
 * own length in nlmsg_len and iproute2's type, flags (NLM_F_ACK added when `ack`), decoded
 * body and attribute tree.
 */
export function requestChecks<M>(decodeBody: BodyDecoder<M>, headerLen: number, nested?: NestedPredicate) {
  const decode = messageDecoder(decodeBody)
  const tree = (bytes: Uint8Array): AttributeTree => attributeTree(bytes, headerLen, nested)
  const expectSame = (ours: Uint8Array, theirs: Uint8Array, ack = true): void => {
    const a = nlmsgHeader(ours)
    const b = nlmsgHeader(theirs)
    expect(a.len).toBe(ours.length)
    expect(a.type).toBe(b.type)
    expect(ack ? a.flags | NLM_F_ACK : a.flags).toBe(b.flags)
    expect(decode(ours)).toEqual(decode(theirs))
    expect(tree(ours)).toEqual(tree(theirs))
  }
  return { decode, tree, expectSame }
}

/** ifinfomsg: the family header of link messages. */
export const IFINFOMSG = 16
/** IFLA_LINKINFO, and IFLA_INFO_KIND inside it. */
export const IFLA_LINKINFO = 18
export const IFLA_INFO_KIND = 1

/**
 * Link nests iproute2 sends without NLA_F_NESTED: IFLA_LINKINFO and IFLA_INFO_DATA, veth's
 * peer (after its ifinfomsg), macvlan/macvtap's address list, vlan's QoS maps and bond's
 * target arrays.
 */
export const linkNested =
  (kind: string | undefined): NestedPredicate =>
  (path) => {
    const p = path.join(",")
    if (p === "18" || p === "18,2") return true
    if (kind === "veth" && p === "18,2,1") return 16
    if ((kind === "macvlan" || kind === "macvtap") && p === "18,2,5") return true
    if (kind === "vlan") return p === "18,2,3" || p === "18,2,4"
    if (kind === "bond") return p === "18,2,8" || p === "18,2,31"
    return false
  }

/**
 * A link tree with IFLA_INFO_KIND's trailing NUL removed: iproute2 sends the kind without
 * it, the generated encoder writes it (the kernel accepts both: nla_strscpy).
 */
export const withoutKindNul = (t: AttributeTree): AttributeTree => ({
  header: t.header,
  attrs: t.attrs.map((a) =>
    a.type !== IFLA_LINKINFO
      ? a
      : {
          ...a,
          nested: a.nested!.map((n) =>
            n.type === IFLA_INFO_KIND && n.hex!.endsWith("00") ? { ...n, hex: n.hex!.slice(0, -2) } : n
          )
        }
  )
})

const decodeLink = messageDecoder(decodeLinkMessage)

/**
 * Our link request against iproute2's message: same nlmsg type and flags (link builders set
 * NLM_F_ACK themselves), same decoded body, same attribute tree but for the kind's NUL.
 */
export function expectLinkLikeIproute2(ours: Uint8Array, theirs: FixtureMessage): void {
  const msg = decodeLink(theirs.bytes)
  const nested = linkNested(msg.linkInfo?.kind)
  const { type, flags } = nlmsgHeader(ours)
  expect({ type, flags }).toEqual({ type: theirs.type, flags: theirs.flags })
  expect(decodeLink(ours)).toEqual(msg)
  expect(withoutKindNul(attributeTree(ours, IFINFOMSG, nested))).toEqual(
    attributeTree(theirs.bytes, IFINFOMSG, nested)
  )
}
