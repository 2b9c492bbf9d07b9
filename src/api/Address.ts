/**
 * Interface addresses (IPv4 and IPv6), as `ip address` manages them: list,
 * stream, add, replace, remove, flush. Requests carry exactly what `ip addr
 * add` / `ip addr del` send for the same options.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Address, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Address.add({ dev: "eth0", address: "10.0.0.1/24", broadcast: "+" })
 *   yield* Address.add({ dev: "eth0", address: "2001:db8::1/64", flags: ["nodad"] })
 *   const listed = yield* Address.list({ dev: "eth0", family: "inet6" })
 *   // a listed address is a valid input: remove exactly it
 *   yield* Address.remove(listed[0])
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { NLA_HDRLEN, NlattrOffsets, NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  AddrAttrsTypes,
  AddrMessage,
  AddrMessageHeaderSize,
  AddrMessageMeta,
  AddrMessageTypes,
  decodeAddrMessage,
  encodeAddrMessage,
  IfaCacheinfo,
  IfaddrmsgOffsets,
  IfaFlags,
  IfaProto,
  RtScope
} from "../generated/rt-addr/index.ts"
import { describePath, type PathContext } from "../runtime/Describe.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { align4, ipToString, NLA_TYPE_MASK } from "../runtime/Wire.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { flagNames, makeNameTable } from "./internal/Names.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  checkBuiltNow,
  operation,
  operationOf,
  validate,
  validateNow
} from "./internal/Common.ts"
import { type Prefix, parsePrefix, prefixError } from "./internal/Inet.ts"
import { consistentDump } from "./internal/Consistent.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Reads `ip address add|del|replace` words into an {@link Address}
 * (`parseFlush`: `ip address flush`'s selectors).
 *
 * @example
 * ```ts
 * Address.parse("10.1.2.3/24 dev eth0 label eth0:1")
 * // { address: "10.1.2.3/24", dev: "eth0", label: "eth0:1" }
 * ```
 * @since 0.3.0
 */
export { parse, parseFlush } from "./parse/Address.ts"

/**
 * IFA_F_* flag bits, IFAPROT_* and RT_SCOPE_* values by name (for the raw
 * messages of {@link listRaw}).
 *
 * @example
 * ```ts
 * ((m.flags ?? m.flags8) & Address.IfaFlags.permanent) !== 0
 * ```
 * @since 0.1.0
 */
export { IfaFlags, IfaProto, RtScope }

/**
 * A scope by name ("global", "site", "link", "host", "nowhere", a name from
 * rt_scopes; "universe" is accepted for "global") or its number.
 *
 * @example
 * ```ts
 * const s: Address.Scope = "link"
 * ```
 * @since 0.1.0
 */
export type Scope = "global" | "universe" | "site" | "link" | "host" | "nowhere" | (string & {}) | number

/**
 * A lifetime in seconds, or "forever" (0xffffffff), as `valid_lft` /
 * `preferred_lft` take it.
 *
 * @example
 * ```ts
 * const l: Address.Lifetime = 3600
 * ```
 * @since 0.1.0
 */
export type Lifetime = number | "forever"

/**
 * The address flags a user sets (`ip addr add ... nodad noprefixroute`).
 * nodad, optimistic, homeaddress and mngtmpaddr are IPv6 only; autojoin
 * needs a multicast address. The kernel clears optimistic once duplicate
 * address detection is done.
 *
 * @example
 * ```ts
 * const f: Address.FlagName = "noprefixroute"
 * ```
 * @since 0.2.0
 */
export type FlagName = "nodad" | "optimistic" | "homeaddress" | "mngtmpaddr" | "noprefixroute" | "autojoin"

/**
 * The flags as an object of booleans, the form 0.1 took: still accepted by
 * add, replace and remove.
 *
 * @example
 * ```ts
 * const f: Address.Flags = { nodad: true, noprefixroute: true }
 * ```
 * @since 0.1.0
 */
export type Flags = { readonly [K in FlagName]?: boolean }

/**
 * An address protocol (IFA_PROTO): "kernelLo", "kernelRa", "kernelLl" or a
 * number (what configured it; "unspec" when nobody said).
 *
 * @example
 * ```ts
 * const p: Address.Proto = "kernelLo"
 * ```
 * @since 0.2.0
 */
export type Proto = keyof typeof IfaProto | number

/**
 * What the kernel reports about an address by itself; equality ignores it
 * and add/replace/remove accept and ignore it.
 *
 * @example
 * ```ts
 * a.status?.flags.includes("tentative") // duplicate address detection still running
 * ```
 * @since 0.2.0
 */
export interface Status {
  readonly family: "inet" | "inet6"
  /** The device's index. */
  readonly index: number
  /**
   * The flags the kernel sets: "secondary" (IPv4) or "temporary" (IPv6),
   * "tentative", "dadfailed", "deprecated", "permanent", "stablePrivacy";
   * unnamed bits as one number.
   */
  readonly flags: ReadonlyArray<string | number>
  /**
   * IFA_CACHEINFO as reported: remaining preferred and valid seconds, and the
   * creation and update times (hundredths of a second since boot).
   */
  readonly cacheinfo?: IfaCacheinfo | undefined
  /** IFA_ANYCAST and IFA_MULTICAST, in anycast and multicast dumps. */
  readonly anycast?: string | undefined
  readonly multicast?: string | undefined
}

/**
 * An interface address: what `list`/`stream` return and what `add`,
 * `replace` and `remove` take.
 *
 * - `address` is the local address with the prefix length ("10.0.0.1/24";
 *   without a length a host address, /32 or /128, as in ip).
 * - `peer` makes a point-to-point address: IFA_ADDRESS is the peer, and its
 *   length is the prefix length ("10.9.9.9/32").
 * - `broadcast` is an IPv4 address, or on input "+" / "-" to derive it from
 *   the prefix (host bits set / cleared), as `brd +`. Listed addresses show
 *   what the kernel stored (none unless one was given).
 * - `label` (IPv4, at most 15 bytes): listed only when it differs from the
 *   device name, which is the kernel's default label.
 * - `scope`: "global" by default, "host" for 127/8; the kernel derives IPv6
 *   scopes from the address itself.
 * - `flags`: the flags a user sets; what the kernel sets is in `status`.
 * - Lifetimes: a listed address carries the seconds that remain of its
 *   lifetimes when it was read (listed only when finite; absent means
 *   "forever"). These are what recreate it: `add(listed)` makes an address
 *   that expires when the listed one would, and reading it back gives the
 *   same values as long as less than a second passes between the add and
 *   the read. The kernel does not report the lifetimes first configured.
 * - `metric` (IFA_RT_PRIORITY) is the metric of the prefix route the kernel
 *   adds; `proto` (IFA_PROTO) who configured the address.
 *
 * @example
 * ```ts
 * const a: Address.Address = { dev: "eth0", address: "10.0.0.1/24", broadcast: "10.0.0.255", label: "eth0:web", metric: 100 }
 * const listed = yield* Address.list({ dev: "eth0" })
 * yield* Address.remove(listed[0])
 * ```
 * @since 0.1.0
 */
export interface Address {
  readonly dev: LinkRef
  readonly address: string
  readonly peer?: string | undefined
  readonly broadcast?: string | undefined
  readonly label?: string | undefined
  readonly scope?: Scope | undefined
  readonly flags?: ReadonlyArray<FlagName> | undefined
  readonly validLifetime?: Lifetime | undefined
  readonly preferredLifetime?: Lifetime | undefined
  readonly metric?: number | undefined
  readonly proto?: Proto | undefined
  readonly status?: Status | undefined
}

/**
 * What add, replace and remove take: an {@link Address}, whose `flags` may
 * also be given in 0.1's object form.
 *
 * @example
 * ```ts
 * const o: Address.Options = { dev: "eth0", address: "2001:db8::1/64", flags: ["nodad"] }
 * ```
 * @since 0.1.0
 */
export type Options = Omit<Address, "flags"> & {
  readonly flags?: ReadonlyArray<FlagName> | Flags | undefined
}

/**
 * Which address to remove: as `ip addr del ADDR [peer P] [label L] dev DEV`
 * (any other field is accepted and ignored, so a listed address removes
 * exactly itself). An IPv4 address without a prefix length removes the first
 * address equal to it whatever its length (ip's "wildcard deletion").
 *
 * @example
 * ```ts
 * const t: Address.Target = { dev: "eth0", address: "10.0.0.1/24" }
 * ```
 * @since 0.1.0
 */
export type Target = Options

/**
 * Which addresses `list`, `stream` and `flush` take. `family` is applied by
 * the kernel (strict dump header); `dev`, `scope`, `label` (exact, or a
 * pattern with `*` and `?` as ip's `label PATTERN`), `address` (an exact
 * address, or a prefix that the local address must fall in, as ip's `to
 * PREFIX`), `permanent` (ip's `permanent` / `dynamic`) and `proto` are
 * applied here as messages arrive. (`dev` is applied here, not
 * by the kernel: a dump filtered by device is never flagged as interrupted
 * by the kernel, so it could silently miss or repeat addresses that change
 * meanwhile.)
 *
 * @example
 * ```ts
 * const f: Address.Filter = { dev: "eth0", family: "inet", scope: "global", address: "10.0.0.0/8" }
 * ```
 * @since 0.1.0
 */
export interface Filter {
  readonly dev?: LinkRef
  readonly family?: "inet" | "inet6"
  readonly scope?: Scope
  readonly label?: string
  readonly address?: string
  /**
   * true: only permanent addresses (IFA_F_PERMANENT, ip's `permanent`: a
   * valid lifetime of forever, set by hand); false: only dynamic ones (ip's
   * `dynamic`: finite lifetimes, autoconfiguration).
   */
  readonly permanent?: boolean
  /** Only addresses of this protocol (IFA_PROTO; "unspec" or 0: addresses without one). */
  readonly proto?: Proto
}

/**
 * How `list` and `flush` dump: `retryInterrupted` re-runs a dump the kernel
 * flagged as interrupted (addresses changed meanwhile) up to this many times
 * before failing with the DumpInterrupted reason. Default 0.
 *
 * @example
 * ```ts
 * yield* Address.list({ dev: "eth0" }, { retryInterrupted: 5 })
 * ```
 * @since 0.2.0
 */
export interface ListOptions {
  readonly retryInterrupted?: number
}

// ---------------------------------------------------------------------------
// prefixes

const PrefixInput = Schema.String.check(
  Schema.makeFilter((s: string) => parsePrefix(s) !== undefined || prefixError(s), {
    expected: "an IPv4 or IPv6 address with an optional prefix length, like 10.0.0.1/24"
  })
)

/** Whether the address of `len` bytes at `buf[at]` falls in `prefix` (same family). */
const inPrefix = (buf: Uint8Array, at: number, len: number, prefix: Prefix): boolean => {
  if (len !== prefix.bytes.length) return false
  const full = prefix.length >> 3
  for (let i = 0; i < full; i++) if (buf[at + i] !== prefix.bytes[i]) return false
  const rest = prefix.length & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (buf[at + full] & mask) === (prefix.bytes[full] & mask)
}

const IFA_ADDRESS = AddrAttrsTypes.address
const IFA_LOCAL = AddrAttrsTypes.local
const NLA_TYPE = NlattrOffsets.type
const ADDR_ATTRS = NLMSG_HDRLEN + AddrMessageHeaderSize

/** Whether the message's local address (IFA_LOCAL, else IFA_ADDRESS) is in `prefix`, read in its bytes. */
const localInPrefix = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  prefix: Prefix
): boolean => {
  let address = -1
  let addressEnd = -1
  for (let p = start + ADDR_ATTRS; p + NLA_HDRLEN <= end; ) {
    const len = view.getUint16(p, true)
    if (len < NLA_HDRLEN || p + len > end) break
    const type = view.getUint16(p + NLA_TYPE, true) & NLA_TYPE_MASK
    if (type === IFA_LOCAL) return inPrefix(buf, p + NLA_HDRLEN, len - NLA_HDRLEN, prefix)
    if (type === IFA_ADDRESS) {
      address = p + NLA_HDRLEN
      addressEnd = p + len
    }
    p += align4(len)
  }
  return address >= 0 && inPrefix(buf, address, addressEnd - address, prefix)
}

// ---------------------------------------------------------------------------
// names

const FOREVER = 0xffffffff

/** The user's flags by name, in ip's order. */
const USER_FLAGS: Readonly<Record<FlagName, number>> = {
  nodad: IfaFlags.nodad,
  optimistic: IfaFlags.optimistic,
  homeaddress: IfaFlags.homeaddress,
  mngtmpaddr: IfaFlags.managetempaddr,
  noprefixroute: IfaFlags.noprefixroute,
  autojoin: IfaFlags.mcautojoin
}
const USER_FLAG_NAMES = Object.keys(USER_FLAGS) as Array<FlagName>
const USER_MASK = USER_FLAG_NAMES.reduce((m, k) => m | USER_FLAGS[k], 0)

// What the kernel sets; bit 1 is "secondary" for IPv4 and "temporary" for IPv6.
const kernelFlagTable = (first: string): Readonly<Record<string, number>> => ({
  [first]: IfaFlags.secondary,
  dadfailed: IfaFlags.dadfailed,
  deprecated: IfaFlags.deprecated,
  tentative: IfaFlags.tentative,
  permanent: IfaFlags.permanent,
  stablePrivacy: IfaFlags.stablePrivacy
})
const KERNEL_FLAGS_V4 = kernelFlagTable("secondary")
const KERNEL_FLAGS_V6 = kernelFlagTable("temporary")

// Flag lists are shared per value (few distinct values; no array per address).
const userFlagCache = new Map<number, ReadonlyArray<FlagName> | undefined>()
const userFlags = (bits: number): ReadonlyArray<FlagName> | undefined => {
  const v = bits & USER_MASK
  if (v === 0) return undefined
  let out = userFlagCache.get(v)
  if (out === undefined) {
    out = Object.freeze(flagNames(v, USER_FLAGS) as Array<FlagName>)
    userFlagCache.set(v, out)
  }
  return out
}
const kernelFlagCache = [new Map<number, ReadonlyArray<string | number>>(), new Map()] as const
const kernelFlags = (bits: number, family: number): ReadonlyArray<string | number> => {
  const v = (bits & ~USER_MASK) >>> 0
  const cache = kernelFlagCache[family === AF_INET6 ? 1 : 0]
  let out = cache.get(v)
  if (out === undefined) {
    out = Object.freeze(flagNames(v, family === AF_INET6 ? KERNEL_FLAGS_V6 : KERNEL_FLAGS_V4))
    cache.set(v, out)
  }
  return out
}

/** IFA_PROTO values by name. */
const protoNames = makeNameTable(IfaProto)

const scopeNumber = (s: Scope): number | undefined => {
  const n = Names.scope.number(s)
  return n !== undefined && n <= 0xff ? n : undefined
}

// ---------------------------------------------------------------------------
// schemas (field names are the user's, for Validation paths)

const DevRef = Schema.Union([Schema.String, Schema.Number])
const ScopeInput = Schema.Union([
  Schema.String.check(
    Schema.makeFilter(
      (s: string) =>
        scopeNumber(s) !== undefined || `"${s}" is not a scope (global, site, link, host, nowhere or 0..255)`,
      { expected: "a scope name or number" }
    )
  ),
  P.U8
])
const LifetimeInput = Schema.Union([Schema.Literal("forever"), P.U32])
const BroadcastInput = Schema.Union([Schema.Literals(["+", "-"]), P.IPv4])
const LabelInput = P.stringMaxBytes(15, 1)
const ProtoInput = Schema.Union([
  Schema.Literals(Object.keys(IfaProto) as Array<keyof typeof IfaProto>),
  P.U8
])
const FlagList = Schema.Array(Schema.Literals(USER_FLAG_NAMES))
const FlagsObject = Schema.Struct(
  Object.fromEntries(USER_FLAG_NAMES.map((k) => [k, Schema.optionalKey(Schema.Boolean)])) as {
    [K in FlagName]: Schema.optionalKey<typeof Schema.Boolean>
  }
)

const StatusSchema = Schema.Struct({
  family: Schema.Literals(["inet", "inet6"]),
  index: P.U32,
  flags: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  cacheinfo: Schema.optional(IfaCacheinfo),
  anycast: Schema.optional(Schema.String),
  multicast: Schema.optional(Schema.String)
})

const fields = {
  dev: DevRef,
  address: PrefixInput,
  peer: Schema.optional(PrefixInput),
  broadcast: Schema.optional(BroadcastInput),
  label: Schema.optional(LabelInput),
  scope: Schema.optional(ScopeInput),
  flags: Schema.optional(FlagList),
  validLifetime: Schema.optional(LifetimeInput),
  preferredLifetime: Schema.optional(LifetimeInput),
  metric: Schema.optional(P.U32),
  proto: Schema.optional(ProtoInput),
  status: Schema.optional(StatusSchema)
}

/**
 * The Schema of {@link Address}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Address.schema)({ dev: "eth0", address: "10.0.0.1/24" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Address, any> = Schema.Struct(fields) as any

/**
 * Input: the flags may also be 0.1's object. The prefixes are parsed (and
 * their errors reported) once, by `run`, whose parse builds the message: no
 * second parse, no cache between requests.
 */
const InputSchema: Schema.Codec<Options, any> = Schema.Struct({
  ...fields,
  address: Schema.String,
  peer: Schema.optional(Schema.String),
  flags: Schema.optional(Schema.Union([FlagList, FlagsObject]))
}) as any

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"])),
  scope: Schema.optionalKey(ScopeInput),
  label: Schema.optionalKey(Schema.String),
  address: Schema.optionalKey(PrefixInput),
  permanent: Schema.optionalKey(Schema.Boolean),
  proto: Schema.optionalKey(ProtoInput)
})

const ListOptionsSchema = Schema.Struct({
  retryInterrupted: Schema.optionalKey(P.intBetween(P.U32, 0, 1000))
})

const RTM_NEWADDR = AddrMessageTypes.RTM_NEWADDR
const RTM_DELADDR = AddrMessageTypes.RTM_DELADDR
const RTM_GETADDR = AddrMessageTypes.RTM_GETADDR
// ifaddrmsg fields from the start of the message, read before decoding a listed one
const IFA_SCOPE = NLMSG_HDRLEN + IfaddrmsgOffsets.scope
const IFA_INDEX = NLMSG_HDRLEN + IfaddrmsgOffsets.index

const V6_ONLY: ReadonlyArray<FlagName> = ["nodad", "optimistic", "homeaddress", "mngtmpaddr"]

/** The flag bits of either input form. */
const flagBits = (f: Options["flags"]): number => {
  if (f === undefined) return 0
  let bits = 0
  if (Array.isArray(f)) for (const k of f as ReadonlyArray<FlagName>) bits |= USER_FLAGS[k]
  else for (const k of USER_FLAG_NAMES) if ((f as Flags)[k] === true) bits |= USER_FLAGS[k]
  return bits
}

const lifetime = (l: Lifetime | undefined): number => (l === undefined || l === "forever" ? FOREVER : l)
const familyName = (f: number) => (f === AF_INET6 ? "IPv6" : "IPv4")
const isMulticast = (p: Prefix) => (p.family === AF_INET ? (p.bytes[0] & 0xf0) === 0xe0 : p.bytes[0] === 0xff)

/**
 * What one field's schema cannot check: families agree, v6-only flags, the
 * lifetimes' order, autojoin on a multicast address (a removal checks only
 * what it sends). Returns the Validation error or undefined.
 */
const crossCheck = (
  o: Options,
  command: "add" | "remove",
  local: Prefix,
  peer: Prefix | undefined
): NetlinkError | undefined => {
  const f = familyName(local.family)
  if (peer !== undefined && peer.family !== local.family)
    return invalid("peer", `"${o.peer}" is not an ${f} address like "${o.address}"`)
  if (o.label !== undefined && local.family !== AF_INET)
    return invalid("label", "labels exist only for IPv4 addresses")
  if (command === "remove") return undefined
  if (o.broadcast !== undefined && local.family !== AF_INET)
    return invalid("broadcast", "a broadcast address exists only for IPv4 addresses")
  if (o.flags !== undefined) {
    const bits = flagBits(o.flags)
    for (const k of V6_ONLY) {
      if ((bits & USER_FLAGS[k]) !== 0 && local.family !== AF_INET6)
        return invalid(`flags.${k}`, `${k} can be set only for IPv6 addresses`)
    }
    if ((bits & USER_FLAGS.autojoin) !== 0 && !isMulticast(local))
      return invalid("flags.autojoin", `autojoin needs a multicast address, "${o.address}" is not one`)
  }
  if (o.validLifetime !== undefined || o.preferredLifetime !== undefined) {
    const valid = lifetime(o.validLifetime)
    const preferred = lifetime(o.preferredLifetime)
    if (valid === 0) return invalid("validLifetime", "the valid lifetime cannot be zero")
    if (valid < preferred)
      return invalid(
        "preferredLifetime",
        `the preferred lifetime ${preferred} is greater than the valid lifetime ${valid}`
      )
  }
  return undefined
}

/** Broadcast from the prefix: host bits set ("+") or cleared ("-"); none above /30, as ip. */
const derivedBroadcast = (p: Prefix, length: number, mode: "+" | "-"): string | undefined => {
  if (length > 30) return undefined
  const b = Uint8Array.from(p.bytes)
  for (let i = length; i < 32; i++) {
    const bit = 0x80 >> (i & 7)
    if (mode === "+") b[i >> 3] |= bit
    else b[i >> 3] &= ~bit
  }
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
}

// ---------------------------------------------------------------------------
// the model: message -> object, identity, canonical form

/**
 * The address a decoded RTM_NEWADDR message describes; `names` gives a
 * device's name by index (a number when it has none).
 *
 * @example
 * ```ts
 * const raw = yield* Address.listRaw()
 * const names = (i: number) => (i === 1 ? "lo" : i)
 * raw.map((m) => Address.fromMessage(m, names))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: AddrMessage, names: (index: number) => string | number): Address => {
  const family = m.family
  const len = m.prefixlen
  const local = m.local ?? m.address
  const peer =
    m.local !== undefined && m.address !== undefined && m.address !== m.local ? m.address : undefined
  const bits = m.flags ?? m.flags8
  const ci = m.cacheinfo
  const dev = names(m.index)
  return {
    dev,
    address: `${local}/${len}`,
    peer: peer === undefined ? undefined : `${peer}/${len}`,
    broadcast: m.broadcast,
    label: m.label !== undefined && m.label !== dev ? m.label : undefined,
    scope: Names.scope.name(m.scope),
    flags: userFlags(bits),
    validLifetime: ci === undefined || ci.valid === FOREVER ? undefined : ci.valid,
    preferredLifetime: ci === undefined || ci.prefered === FOREVER ? undefined : ci.prefered,
    metric: m.rtPriority === 0 ? undefined : m.rtPriority,
    proto: m.proto === undefined || m.proto === 0 ? undefined : (protoNames.name(m.proto) as Proto),
    status: {
      family: family === AF_INET6 ? "inet6" : "inet",
      index: m.index,
      flags: kernelFlags(bits, family),
      cacheinfo: ci,
      anycast: m.anycast,
      multicast: m.multicast
    }
  }
}

const prefixText = (p: Prefix, length: number): string =>
  `${ipToString(p.bytes, 0, p.bytes.length)}/${length}`

/** The scope the kernel gives an IPv6 address (it ignores the one asked for). */
const v6Scope = (b: Uint8Array): Scope => {
  if (b[0] === 0xff) {
    const s = b[1] & 0x0f
    return s === 1 ? "host" : s === 2 ? "link" : s === 5 ? "site" : "global"
  }
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return "link"
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return "site"
  if (b.every((x, i) => (i === 15 ? x === 1 : x === 0))) return "host"
  return "global"
}

/**
 * The canonical form of an address: the defaults the kernel and ip apply
 * filled in (prefix length, scope, broadcast "+"/"-" resolved, lifetimes
 * "forever", the default label dropped), addresses in their standard text,
 * flags as a list in ip's order, zero metric and protocol dropped, status
 * dropped.
 *
 * @example
 * ```ts
 * Address.canonical({ dev: "eth0", address: "10.0.0.1", broadcast: "+" })
 * // { dev: "eth0", address: "10.0.0.1/32", scope: "global", validLifetime: "forever", preferredLifetime: "forever" }
 * ```
 * @since 0.2.0
 */
export const canonical = (a: Options): Address => {
  const local = parsePrefix(a.address)
  if (local === undefined) return a as Address
  const peer = a.peer === undefined ? undefined : parsePrefix(a.peer)
  const length = peer !== undefined ? peer.length : local.length
  const v4 = local.family === AF_INET
  const broadcast =
    !v4 || a.broadcast === undefined
      ? undefined
      : a.broadcast === "+" || a.broadcast === "-"
        ? derivedBroadcast(peer ?? local, length, a.broadcast)
        : a.broadcast
  const scopeN = a.scope === undefined ? undefined : scopeNumber(a.scope)
  const scope = !v4
    ? v6Scope(local.bytes)
    : scopeN !== undefined
      ? Names.scope.name(scopeN)
      : local.bytes[0] === 127
        ? "host"
        : "global"
  const flags = userFlags(flagBits(a.flags))
  const protoN = a.proto === undefined ? 0 : (protoNames.number(a.proto) ?? 0)
  const out: { -readonly [K in keyof Address]: Address[K] } = {
    dev: a.dev,
    address: prefixText(local, length),
    scope,
    validLifetime: a.validLifetime === undefined || a.validLifetime === FOREVER ? "forever" : a.validLifetime,
    preferredLifetime:
      a.preferredLifetime === undefined || a.preferredLifetime === FOREVER ? "forever" : a.preferredLifetime
  }
  if (peer !== undefined) out.peer = prefixText(peer, length)
  if (broadcast !== undefined) out.broadcast = broadcast
  if (v4 && a.label !== undefined && a.label !== a.dev) out.label = a.label
  if (flags !== undefined) out.flags = [...flags]
  if (a.metric !== undefined && a.metric !== 0) out.metric = a.metric
  if (protoN !== 0) out.proto = protoNames.name(protoN) as Proto
  return out
}

/**
 * Whether two addresses have the same configuration (status ignored,
 * defaults applied).
 *
 * @example
 * ```ts
 * Address.equals({ dev: "eth0", address: "10.0.0.1" }, { dev: "eth0", address: "10.0.0.1/32", scope: "global" }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Options, b: Options): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of an address as the kernel defines it: device, local
 * address with prefix length, and peer. Two addresses with one key cannot
 * both exist.
 *
 * @example
 * ```ts
 * Address.key({ dev: "eth0", address: "10.0.0.1/24" }) // "eth0|10.0.0.1/24|"
 * ```
 * @since 0.2.0
 */
export const key = (a: Options): string => {
  const c = canonical(a)
  return `${c.dev}|${c.address}|${c.peer ?? ""}`
}

/**
 * The address object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Address.model.equals(listed, wanted)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Address> = { name: "address", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The address message `add`/`replace` (command "add") or `remove` (command
 * "remove") send for validated `options` on device `ifindex`, built as `ip
 * addr` builds it: IFA_LOCAL and IFA_ADDRESS (the peer, or the address
 * itself), flags in the header when they fit 8 bits and in IFA_FLAGS
 * otherwise, IFA_CACHEINFO when a lifetime is given, scope host for 127/8.
 * A removal carries what `ip addr del` sends: the prefix, peer and label.
 *
 * @example
 * ```ts
 * Address.toMessage({ dev: "d0", address: "10.1.2.3/24" }, 3) // { family: 2, prefixlen: 24, index: 3, local: "10.1.2.3", address: "10.1.2.3", ... }
 * ```
 * @since 0.1.0
 */
export const toMessage = (
  options: Options,
  ifindex: number,
  command: "add" | "remove" = "add"
): AddrMessage => messageOf(options, parsePrefix(options.address)!, peerOf(options), ifindex, command)

const peerOf = (o: Options): Prefix | undefined => (o.peer === undefined ? undefined : parsePrefix(o.peer)!)

/** {@link toMessage} with the prefixes parsed (once per request). */
const messageOf = (
  options: Options,
  local: Prefix,
  peer: Prefix | undefined,
  ifindex: number,
  command: "add" | "remove"
): AddrMessage => {
  const add = command === "add"
  const flags = add ? flagBits(options.flags) : 0
  // ip keeps a prefix-less IPv4 deletion a wildcard: no IFA_ADDRESS
  const wildcard = !add && peer === undefined && local.family === AF_INET && !local.explicit
  const m: {
    -readonly [K in keyof AddrMessage]: AddrMessage[K]
  } = {
    family: local.family,
    prefixlen: peer !== undefined ? peer.length : local.length,
    flags8: flags <= 0xff ? flags : 0,
    scope: !add
      ? 0
      : options.scope !== undefined
        ? scopeNumber(options.scope)!
        : local.family === AF_INET && local.bytes[0] === 127
          ? RtScope.host
          : 0,
    index: ifindex,
    local: local.address
  }
  if (peer !== undefined) m.address = peer.address
  else if (!wildcard) m.address = local.address
  if (options.label !== undefined) m.label = options.label
  if (!add) return m
  if (options.broadcast !== undefined) {
    const b =
      options.broadcast === "+" || options.broadcast === "-"
        ? derivedBroadcast(peer ?? local, m.prefixlen, options.broadcast)
        : options.broadcast
    if (b !== undefined) m.broadcast = b
  }
  if (flags > 0xff) m.flags = flags
  if (options.validLifetime !== undefined || options.preferredLifetime !== undefined) {
    m.cacheinfo = {
      prefered: lifetime(options.preferredLifetime),
      valid: lifetime(options.validLifetime),
      cstamp: 0,
      tstamp: 0
    }
  }
  if (options.metric !== undefined) m.rtPriority = options.metric
  if (options.proto !== undefined) m.proto = protoNames.number(options.proto)!
  return m
}

const build = (type: number, flags: number, m: AddrMessage): Uint8Array =>
  buildMessage(type, flags, (w) => encodeAddrMessage(w, m))

/**
 * RTM_NEWADDR with NLM_F_CREATE|NLM_F_EXCL, as `ip addr add` sends.
 *
 * @example
 * ```ts
 * const bytes = Address.addRequest({ dev: "d0", address: "10.1.2.3/24" }, 3)
 * ```
 * @since 0.1.0
 */
export const addRequest = (options: Options, ifindex: number): Uint8Array =>
  build(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, toMessage(options, ifindex))

/**
 * RTM_NEWADDR with NLM_F_CREATE|NLM_F_REPLACE, as `ip addr replace` sends.
 *
 * @example
 * ```ts
 * const bytes = Address.replaceRequest({ dev: "d0", address: "10.1.2.3/24", validLifetime: 60 }, 3)
 * ```
 * @since 0.1.0
 */
export const replaceRequest = (options: Options, ifindex: number): Uint8Array =>
  build(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, toMessage(options, ifindex))

/**
 * RTM_DELADDR, as `ip addr del` sends.
 *
 * @example
 * ```ts
 * const bytes = Address.removeRequest({ dev: "d0", address: "10.1.2.3/24" }, 3)
 * ```
 * @since 0.1.0
 */
export const removeRequest = (target: Target, ifindex: number): Uint8Array =>
  build(RTM_DELADDR, 0, toMessage(target, ifindex, "remove"))

/**
 * The strict-check dump request: the kernel filters on the header's family
 * and interface index (prefixlen, flags and scope must be zero). `list`
 * never sends an index (see {@link Filter}).
 *
 * @example
 * ```ts
 * const bytes = Address.listRequest({ family: "inet6" })
 * ```
 * @since 0.1.0
 */
export const listRequest = (filter: Pick<Filter, "family">, ifindex?: number): Uint8Array =>
  build(RTM_GETADDR, NLM_F_DUMP, {
    family: filter.family === "inet" ? AF_INET : filter.family === "inet6" ? AF_INET6 : AF_UNSPEC,
    prefixlen: 0,
    flags8: 0,
    scope: 0,
    index: ifindex ?? 0
  })

/**
 * The RTM_DELADDR that removes an address as a decoded message (what `ip
 * addr flush` sends back for each match): its family, prefix length, index,
 * IFA_LOCAL and IFA_ADDRESS.
 *
 * @example
 * ```ts
 * const [raw] = yield* Address.listRaw({ dev: "eth0" })
 * const bytes = Address.removeListedRequest(raw)
 * ```
 * @since 0.1.0
 */
export const removeListedRequest = (a: AddrMessage): Uint8Array =>
  build(RTM_DELADDR, 0, {
    family: a.family,
    prefixlen: a.prefixlen,
    flags8: 0,
    scope: 0,
    index: a.index,
    ...(a.local !== undefined ? { local: a.local } : {}),
    ...(a.address !== undefined ? { address: a.address } : {})
  })

// ---------------------------------------------------------------------------
// operations

const requestOptions = (operation: string) => ({
  headerLength: AddrMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>, c?: PathContext) => describePath(AddrMessageMeta, t, c),
  operation
})

const addOptions = requestOptions("address add")
const replaceOptions = requestOptions("address replace")
const removeOptions = requestOptions("address remove")

/**
 * Validates the input, resolves the device, builds the message (checked
 * against the generated schema only in debug mode, see `checkBuilt`) and
 * sends it. Plain calls, no generator: this is the whole per-request path.
 */
const run = (
  input: Options,
  command: "add" | "remove",
  type: number,
  flags: number,
  options: ReturnType<typeof requestOptions>
): Effect.Effect<void, NetlinkError, Netlink> => {
  const valid = validateNow(InputSchema, input)
  if (valid instanceof NetlinkError) return Effect.fail(valid)
  const local = parsePrefix(valid.address)
  if (local === undefined) return Effect.fail(invalid("address", prefixError(valid.address)))
  const peer = valid.peer === undefined ? undefined : parsePrefix(valid.peer)
  if (valid.peer !== undefined && peer === undefined)
    return Effect.fail(invalid("peer", prefixError(valid.peer)))
  const bad = crossCheck(valid, command, local, peer)
  if (bad !== undefined) return Effect.fail(bad)
  const send = (ifindex: number) => {
    const m = checkBuiltNow(AddrMessage, messageOf(valid, local, peer, ifindex, command))
    if (m instanceof NetlinkError) return Effect.fail(m)
    return Netlink.use(({ route }) => route.request(build(type, flags, m), options))
  }
  return Effect.flatMap(linkIndex(valid.dev, "dev"), send)
}

/**
 * Adds an address, like `ip addr add ADDR/LEN dev DEV ...`; fails with
 * EEXIST if the device has it already. A listed address recreates itself.
 *
 * @example
 * ```ts
 * yield* Address.add({ dev: "eth0", address: "10.0.0.1/24", broadcast: "+", label: "eth0:a" })
 * yield* Address.add({ dev: "eth0", address: "2001:db8::1/64", flags: ["nodad"], validLifetime: 600, preferredLifetime: 300 })
 * ```
 * @since 0.1.0
 */
export const add = operationOf("Address.add", (input: Options) =>
  run(input, "add", RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, addOptions)
)

/**
 * Adds an address or updates an existing one (lifetimes, flags, metric),
 * like `ip addr replace`.
 *
 * @example
 * ```ts
 * yield* Address.replace({ dev: "eth0", address: "10.0.0.1/24", validLifetime: 60, preferredLifetime: 30 })
 * ```
 * @since 0.1.0
 */
export const replace = operationOf("Address.replace", (input: Options) =>
  run(input, "add", RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, replaceOptions)
)

/**
 * Removes an address, like `ip addr del ADDR/LEN dev DEV`; fails with
 * EADDRNOTAVAIL if the device does not have it. A listed address removes
 * exactly itself (its prefix, peer and label are sent).
 *
 * @example
 * ```ts
 * yield* Address.remove({ dev: "eth0", address: "10.0.0.1/24" })
 * ```
 * @since 0.1.0
 */
export const remove = operationOf("Address.remove", (target: Target) =>
  run(target, "remove", RTM_DELADDR, 0, removeOptions)
)

/**
 * Alias of {@link remove}, as `ip addr del`.
 *
 * @example
 * ```ts
 * yield* Address.del({ dev: "eth0", address: "10.0.0.1/24" })
 * ```
 * @since 0.1.0
 */
export const del = remove

type Decode<A> = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => A | undefined

interface Plan {
  readonly request: Uint8Array
  readonly decode: Decode<AddrMessage>
}

/** fnmatch-style `*` and `?`, as `ip addr show label PATTERN`. */
const labelMatcher = (pattern: string): ((label: string | undefined) => boolean) => {
  if (!/[*?]/.test(pattern)) return (l) => l === pattern
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`
  )
  return (l) => l !== undefined && re.test(l)
}

const plan = (input: Filter | undefined): Effect.Effect<Plan, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const filter = yield* validate(FilterSchema, input ?? {}, "")
    const ifindex = filter.dev === undefined ? undefined : yield* linkIndex(filter.dev, "dev")
    const scope = filter.scope === undefined ? undefined : scopeNumber(filter.scope)
    const label = filter.label === undefined ? undefined : labelMatcher(filter.label)
    const prefix = filter.address === undefined ? undefined : parsePrefix(filter.address)
    const permanent = filter.permanent
    const proto = filter.proto === undefined ? undefined : protoNames.number(filter.proto)
    // The device is filtered here, not by the kernel: the kernel never flags a
    // dump filtered by device as interrupted, so it may silently lose or
    // repeat addresses changed meanwhile; the whole dump is flagged.
    const request = listRequest(filter)
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== RTM_NEWADDR) return undefined
      // device and scope are checked in the ifaddrmsg before decoding
      if (ifindex !== undefined && view.getUint32(start + IFA_INDEX, true) !== ifindex) return undefined
      if (scope !== undefined && view.getUint8(start + IFA_SCOPE) !== scope) return undefined
      const a = decodeAddrMessage(buf, view, start + NLMSG_HDRLEN, end)
      if (label !== undefined && !label(a.label)) return undefined
      if (permanent !== undefined && (((a.flags ?? a.flags8) & IfaFlags.permanent) !== 0) !== permanent)
        return undefined
      if (proto !== undefined && (a.proto ?? 0) !== proto) return undefined
      // the address is matched in the message's bytes, not re-parsed from the decoded text
      if (prefix !== undefined && !localInPrefix(buf, view, start, end, prefix)) return undefined
      return a
    }
    return { request, decode }
  })

const dumpOptions = (operation: string, options: ListOptions | undefined) =>
  Effect.map(validate(ListOptionsSchema, options ?? {}, "options"), (o) => ({
    ...requestOptions(operation),
    retryInterrupted: o.retryInterrupted ?? 0
  }))

const rawKey = (m: AddrMessage): string => `${m.index}|${m.local}|${m.address}|${m.prefixlen}`
const modelKey = (a: Address): string => `${a.dev}|${a.address}|${a.peer}`

const named =
  (decode: Decode<AddrMessage>, names: (index: number) => string | number): Decode<Address> =>
  (buf, view, start, end, type) => {
    const m = decode(buf, view, start, end, type)
    return m === undefined ? undefined : fromMessage(m, names)
  }

/**
 * The addresses, like `ip addr show [dev DEV] [scope S] [label L] [to PREFIX]`
 * (`ip -4` / `ip -6` as `family`), with devices by name (one link dump per
 * call).
 *
 * @example
 * ```ts
 * const v4 = yield* Address.list({ dev: "eth0", family: "inet" })
 * ```
 * @since 0.1.0
 */
export const list = operation("Address.list", function* (filter?: Filter, options?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("address list", options)
  const names = yield* linkNames
  return yield* consistentDump(p.request, named(p.decode, names), modelKey, opts)
})

/**
 * Like {@link list}, the decoded messages as the kernel sent them (every
 * attribute, numbers as they are).
 *
 * @example
 * ```ts
 * const raw = yield* Address.listRaw({ dev: "eth0" })
 * raw[0].cacheinfo?.tstamp
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Address.listRaw", function* (filter?: Filter, options?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("address list", options)
  return yield* consistentDump(p.request, p.decode, rawKey, opts)
})

/**
 * Like {@link list}, as a stream. The addresses are checked as a whole
 * before the first is emitted (a dump resumed by position can repeat or
 * lose entries without the kernel saying so, and a stream cannot take back
 * what it emitted), so this is {@link list} emitted one by one.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Address.stream({ family: "inet6" }), (a) => Effect.log(a.address))
 * ```
 * @since 0.1.0
 */
export const stream = (
  filter?: Filter,
  options?: ListOptions
): Stream.Stream<Address, NetlinkError, Netlink> => Stream.fromIterableEffect(list(filter, options))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Address.streamRaw(), (m) => Effect.log(m.index))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (
  filter?: Filter,
  options?: ListOptions
): Stream.Stream<AddrMessage, NetlinkError, Netlink> => Stream.fromIterableEffect(listRaw(filter, options))

const ENOUGH_ROUNDS = 10

/**
 * Removes every address matching `filter`, like `ip addr flush`, and returns
 * how many were removed. Like ip it refuses an empty filter. Deleting a
 * primary IPv4 address also removes its secondaries (unless the device
 * promotes them): those count as removed too. Repeats until nothing matches.
 *
 * @example
 * ```ts
 * const n = yield* Address.flush({ dev: "eth0", family: "inet" })
 * yield* Address.flush({ dev: "eth0", permanent: false }) // ip addr flush dev eth0 dynamic
 * yield* Address.flush({ proto: 99, scope: "global", label: "eth0:*" })
 * ```
 * @since 0.1.0
 */
export const flush = operation("Address.flush", function* (filter: Filter, options?: ListOptions) {
  if (
    filter === undefined ||
    filter === null ||
    typeof filter !== "object" ||
    Object.values(filter).every((v) => v === undefined)
  )
    return yield* Effect.fail(
      invalid("(input)", "flush needs a filter (dev, family, scope, label, address, permanent or proto)")
    )
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("address flush", options)
  const { route } = yield* Netlink
  let removed = 0
  for (let round = 0; round < ENOUGH_ROUNDS; round++) {
    const found = yield* consistentDump(p.request, p.decode, rawKey, opts)
    if (found.length === 0) return removed
    const results = yield* route.requestMany(found.map(removeListedRequest), opts)
    for (const r of results) {
      if (Result.isSuccess(r)) removed++
      else {
        const reason = r.failure.reason
        // already gone: removed with its primary by an earlier delete of this flush
        if (reason._tag === "Kernel" && reason.code === "EADDRNOTAVAIL") removed++
        else return yield* Effect.fail(r.failure)
      }
    }
  }
  return removed
})

// ---------------------------------------------------------------------------
// multicast and anycast memberships (read only)

/**
 * A multicast group a device has joined (`ip maddr`) or an IPv6 anycast
 * address it answers for: what {@link listMulticast} and {@link listAnycast}
 * return. The kernel joins most of them by itself (all-nodes, solicited-node,
 * subnet-router anycast when forwarding); a program joins them through
 * sockets (IP_ADD_MEMBERSHIP, IPV6_JOIN_ANYCAST) or an address with
 * `autojoin`, not through rtnetlink, so there is no add or remove here.
 *
 * @example
 * ```ts
 * const g: Address.Group = { dev: "eth0", address: "ff02::1" }
 * ```
 * @since 0.3.0
 */
export interface Group {
  readonly dev: LinkRef
  /** The group (or anycast) address, without a prefix length. */
  readonly address: string
  readonly status?: GroupStatus | undefined
}

/**
 * What the kernel reports about a membership: family, device index, scope,
 * and IFA_CACHEINFO (creation and update times).
 *
 * @example
 * ```ts
 * g.status?.scope // "link"
 * ```
 * @since 0.3.0
 */
export interface GroupStatus {
  readonly family: "inet" | "inet6"
  readonly index: number
  readonly scope: string | number
  readonly cacheinfo?: IfaCacheinfo | undefined
}

/**
 * Which memberships {@link listMulticast} and {@link listAnycast} return:
 * `family` applied by the kernel (without one, both for multicast; anycast
 * is IPv6 only), `dev` here (by name or index).
 *
 * @example
 * ```ts
 * const f: Address.GroupFilter = { dev: "eth0", family: "inet6" }
 * ```
 * @since 0.3.0
 */
export interface GroupFilter {
  readonly dev?: LinkRef
  readonly family?: "inet" | "inet6"
}

const GroupStatusSchema = Schema.Struct({
  family: Schema.Literals(["inet", "inet6"]),
  index: P.U32,
  scope: Schema.Union([Schema.String, Schema.Number]),
  cacheinfo: Schema.optional(IfaCacheinfo)
})

/**
 * The Schema of {@link Group}: JSON and validation.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Address.groupSchema)({ dev: "eth0", address: "ff02::1" })
 * ```
 * @since 0.3.0
 */
export const groupSchema: Schema.Codec<Group, any> = Schema.Struct({
  dev: DevRef,
  address: P.InetAddress,
  status: Schema.optional(GroupStatusSchema)
}) as any

/**
 * A membership's canonical form: the address in standard text, status dropped.
 *
 * @example
 * ```ts
 * Address.groupCanonical({ dev: "eth0", address: "FF02::1" }) // { dev: "eth0", address: "ff02::1" }
 * ```
 * @since 0.3.0
 */
export const groupCanonical = (g: Group): Group => {
  const p = parsePrefix(g.address)
  return { dev: g.dev, address: p === undefined ? g.address : ipToString(p.bytes, 0, p.bytes.length) }
}

/**
 * The identity of a membership: device and address.
 *
 * @example
 * ```ts
 * Address.groupKey({ dev: "eth0", address: "ff02::1" }) // "eth0|ff02::1"
 * ```
 * @since 0.3.0
 */
export const groupKey = (g: Group): string => {
  const c = groupCanonical(g)
  return `${c.dev}|${c.address}`
}

/**
 * Whether two memberships are the same (status ignored).
 *
 * @example
 * ```ts
 * Address.groupEquals({ dev: "eth0", address: "ff02::1" }, listed)
 * ```
 * @since 0.3.0
 */
export const groupEquals = (a: Group, b: Group): boolean => deepEqual(groupCanonical(a), groupCanonical(b))

/**
 * The multicast membership object type.
 *
 * @example
 * ```ts
 * Address.multicastModel.key(group)
 * ```
 * @since 0.3.0
 */
export const multicastModel: ObjectType<Group> = {
  name: "multicast",
  schema: groupSchema,
  key: groupKey,
  equals: groupEquals,
  canonical: groupCanonical
}

/**
 * The anycast address object type.
 *
 * @example
 * ```ts
 * Address.anycastModel.key(group)
 * ```
 * @since 0.3.0
 */
export const anycastModel: ObjectType<Group> = { ...multicastModel, name: "anycast" }

/**
 * The membership a decoded multicast or anycast dump message describes.
 *
 * @example
 * ```ts
 * const raw = yield* Address.listMulticastRaw()
 * raw.map((m) => Address.groupFromMessage(m, (i) => i))
 * ```
 * @since 0.3.0
 */
export const groupFromMessage = (m: AddrMessage, names: (index: number) => string | number): Group => ({
  dev: names(m.index),
  address: m.multicast ?? m.anycast ?? m.address ?? "",
  status: {
    family: m.family === AF_INET6 ? "inet6" : "inet",
    index: m.index,
    scope: Names.scope.name(m.scope),
    cacheinfo: m.cacheinfo
  }
})

const RTM_NEWMULTICAST = AddrMessageTypes.RTM_NEWMULTICAST
const RTM_GETMULTICAST = AddrMessageTypes.RTM_GETMULTICAST
const RTM_NEWANYCAST = AddrMessageTypes.RTM_NEWANYCAST
const RTM_GETANYCAST = AddrMessageTypes.RTM_GETANYCAST

const GroupFilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"]))
})

/**
 * The dump request of multicast (`kind` "multicast", RTM_GETMULTICAST) or
 * anycast (RTM_GETANYCAST) memberships: a zeroed ifaddrmsg with the family.
 *
 * @example
 * ```ts
 * const bytes = Address.groupListRequest("multicast", "inet6")
 * ```
 * @since 0.3.0
 */
export const groupListRequest = (kind: "multicast" | "anycast", family?: "inet" | "inet6"): Uint8Array =>
  build(kind === "multicast" ? RTM_GETMULTICAST : RTM_GETANYCAST, NLM_F_DUMP, {
    family: family === "inet" ? AF_INET : family === "inet6" ? AF_INET6 : AF_UNSPEC,
    prefixlen: 0,
    flags8: 0,
    scope: 0,
    index: 0
  })

const groupPlan = (kind: "multicast" | "anycast", input: GroupFilter | undefined) =>
  Effect.gen(function* () {
    const filter = yield* validate(GroupFilterSchema, input ?? {}, "")
    const ifindex = filter.dev === undefined ? undefined : yield* linkIndex(filter.dev, "dev")
    // Dump replies carry the GET type; newer kernels name notifications NEW.
    const types =
      kind === "multicast" ? [RTM_GETMULTICAST, RTM_NEWMULTICAST] : [RTM_GETANYCAST, RTM_NEWANYCAST]
    const decode: Decode<AddrMessage> = (buf, view, start, end, type) => {
      if (type !== types[0] && type !== types[1]) return undefined
      if (ifindex !== undefined && view.getUint32(start + 20, true) !== ifindex) return undefined
      return decodeAddrMessage(buf, view, start + 16, end)
    }
    return { request: groupListRequest(kind, filter.family), decode }
  })

const groupRawKey = (m: AddrMessage): string => `${m.family}|${m.index}|${m.multicast ?? m.anycast}`

const listGroupsRaw = (
  kind: "multicast" | "anycast",
  filter?: GroupFilter,
  options?: ListOptions
): Effect.Effect<ReadonlyArray<AddrMessage>, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const family = filter?.family
    if (kind === "anycast" && family === "inet")
      return yield* Effect.fail(invalid("family", "anycast addresses exist only for IPv6"))
    // The kernel answers these dumps per family (none for AF_UNSPEC): ask each.
    if (family === undefined) {
      const v6 = yield* listGroupsRaw(kind, { ...filter, family: "inet6" }, options)
      if (kind === "anycast") return v6
      // Kernels before 6.13 do not dump IPv4 groups (EOPNOTSUPP): then IPv6 alone.
      const v4 = yield* listGroupsRaw(kind, { ...filter, family: "inet" }, options).pipe(
        Effect.catchIf(
          (e) => e.reason._tag === "Kernel" && e.reason.code === "EOPNOTSUPP",
          () => Effect.succeed([] as ReadonlyArray<AddrMessage>)
        )
      )
      return [...v4, ...v6]
    }
    const p = yield* groupPlan(kind, filter)
    const opts = yield* dumpOptions(`${kind} list`, options)
    return yield* consistentDump(p.request, p.decode, groupRawKey, opts)
  })

const listGroups = (kind: "multicast" | "anycast", filter?: GroupFilter, options?: ListOptions) =>
  Effect.gen(function* () {
    const raw = yield* listGroupsRaw(kind, filter, options)
    const names = yield* linkNames
    return raw.map((m) => groupFromMessage(m, names))
  })

/**
 * The multicast groups the devices have joined (RTM_GETMULTICAST), like `ip
 * maddr show` for IPv6 (and for IPv4 on kernels that dump IPv4 groups over
 * netlink, Linux 6.13 and later; older ones answer only for IPv6).
 *
 * @example
 * ```ts
 * const groups = yield* Address.listMulticast({ dev: "eth0", family: "inet6" })
 * // [{ dev: "eth0", address: "ff02::1", status: {...} }, ...]
 * ```
 * @since 0.3.0
 */
export const listMulticast = operation(
  "Address.listMulticast",
  function* (filter?: GroupFilter, options?: ListOptions) {
    return yield* listGroups("multicast", filter, options)
  }
)

/**
 * Like {@link listMulticast}, the decoded messages.
 *
 * @example
 * ```ts
 * const raw = yield* Address.listMulticastRaw({ family: "inet6" })
 * raw[0].multicast
 * ```
 * @since 0.3.0
 */
export const listMulticastRaw = operation(
  "Address.listMulticastRaw",
  function* (filter?: GroupFilter, options?: ListOptions) {
    return yield* listGroupsRaw("multicast", filter, options)
  }
)

/**
 * The IPv6 anycast addresses of the devices (RTM_GETANYCAST): the
 * subnet-router anycast address of each prefix when forwarding is on, and
 * those joined through sockets.
 *
 * @example
 * ```ts
 * const anycast = yield* Address.listAnycast({ dev: "eth0" })
 * // [{ dev: "eth0", address: "2001:db8::", status: {...} }]
 * ```
 * @since 0.3.0
 */
export const listAnycast = operation(
  "Address.listAnycast",
  function* (filter?: GroupFilter, options?: ListOptions) {
    return yield* listGroups("anycast", filter, options)
  }
)

/**
 * Like {@link listAnycast}, the decoded messages.
 *
 * @example
 * ```ts
 * const raw = yield* Address.listAnycastRaw()
 * raw[0].anycast
 * ```
 * @since 0.3.0
 */
export const listAnycastRaw = operation(
  "Address.listAnycastRaw",
  function* (filter?: GroupFilter, options?: ListOptions) {
    return yield* listGroupsRaw("anycast", filter, options)
  }
)
