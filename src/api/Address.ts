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
 *   yield* Address.add({ dev: "eth0", address: "2001:db8::1/64", flags: { nodad: true } })
 *   return yield* Address.list({ dev: "eth0", family: "inet6" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  AddrMessage,
  AddrMessageHeaderSize,
  AddrMessageMeta,
  AddrMessageTypes,
  decodeAddrMessage,
  encodeAddrMessage,
  IfaFlags,
  IfaProto,
  RtScope
} from "../generated/rt-addr/index.ts"
import { describePath } from "../runtime/Describe.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { parseIPv4, parseIPv6 } from "../runtime/Wire.ts"
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
import { type LinkRef, linkIndex } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * An address as the kernel reports it: the `ifaddrmsg` header (`family`,
 * `prefixlen`, `flags8`, `scope`, `index`) and the IFA_* attributes
 * (`local`, `address`, `label`, `broadcast`, `cacheinfo`, `flags`, ...).
 * `flags` (IFA_FLAGS, all 32 bits) supersedes `flags8` when present.
 *
 * @example
 * ```ts
 * const all: ReadonlyArray<Address.Address> = yield* Address.list()
 * all.map((a) => `${a.local ?? a.address}/${a.prefixlen}`)
 * ```
 * @since 0.1.0
 */
export type Address = AddrMessage

/**
 * IFA_F_* flag bits and RT_SCOPE_* values by name.
 *
 * @example
 * ```ts
 * ((a.flags ?? a.flags8) & Address.IfaFlags.permanent) !== 0
 * a.scope === Address.RtScope.link
 * ```
 * @since 0.1.0
 */
export { IfaFlags, IfaProto, RtScope }

/**
 * A scope by the name `ip addr ... scope NAME` uses ("global" is
 * "universe"), or its number.
 *
 * @example
 * ```ts
 * const s: Address.Scope = "link"
 * ```
 * @since 0.1.0
 */
export type Scope = keyof typeof RtScope | "global" | number

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
 * The address flags a user may set (`ip addr add ... nodad noprefixroute`).
 * nodad, optimistic, homeaddress and mngtmpaddr are IPv6 only; autojoin
 * needs a multicast address.
 *
 * @example
 * ```ts
 * const f: Address.Flags = { nodad: true, noprefixroute: true }
 * ```
 * @since 0.1.0
 */
export interface Flags {
  readonly nodad?: boolean
  readonly noprefixroute?: boolean
  readonly homeaddress?: boolean
  readonly mngtmpaddr?: boolean
  readonly autojoin?: boolean
  readonly optimistic?: boolean
}

/**
 * What add and replace take. `address` is "a.b.c.d/len" or "x::y/len"; without
 * a length it is a host address (/32, /128), as in ip. `peer` makes a
 * point-to-point address (IFA_ADDRESS is the peer, its length the prefix
 * length). `broadcast` is an IPv4 address, or "+" / "-" to derive it from the
 * prefix (host bits set / cleared), as `brd +`.
 *
 * @example
 * ```ts
 * const o: Address.Options = { dev: "eth0", address: "10.0.0.1/24", label: "eth0:web", metric: 100 }
 * ```
 * @since 0.1.0
 */
export interface Options {
  readonly dev: LinkRef
  readonly address: string
  readonly peer?: string
  readonly broadcast?: string
  /** IFA_LABEL (IPv4 only, at most 15 bytes), such as "eth0:1". */
  readonly label?: string
  readonly scope?: Scope
  readonly validLifetime?: Lifetime
  readonly preferredLifetime?: Lifetime
  readonly flags?: Flags
  /** IFA_RT_PRIORITY: metric of the prefix route the kernel adds. */
  readonly metric?: number
  /** IFA_PROTO: who configured the address, a name of {@link IfaProto} or a number. */
  readonly proto?: keyof typeof IfaProto | number
}

/**
 * Which address to remove: as `ip addr del ADDR [peer P] [label L] dev DEV`.
 * An IPv4 address without a prefix length removes the first address equal to
 * it whatever its length (ip's "wildcard deletion").
 *
 * @example
 * ```ts
 * const t: Address.Target = { dev: "eth0", address: "10.0.0.1/24" }
 * ```
 * @since 0.1.0
 */
export interface Target {
  readonly dev: LinkRef
  readonly address: string
  readonly peer?: string
  readonly label?: string
}

/**
 * Which addresses `list`, `stream` and `flush` take. `dev` and `family` are
 * applied by the kernel (strict dump header); `scope`, `label` (exact, or a
 * pattern with `*` and `?` as ip's `label PATTERN`) and `address` (an exact
 * address, or a prefix that the local address must fall in, as ip's `to
 * PREFIX`) are applied here as messages arrive.
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
}

// ---------------------------------------------------------------------------
// prefixes

interface Prefix {
  readonly family: number
  readonly bytes: Uint8Array
  readonly address: string
  readonly length: number
  /** Whether the text carried "/len". */
  readonly explicit: boolean
}

// One request parses its address three times in a row (the input check,
// the cross-field check, the message); remember the last one.
let lastText: string | undefined
let lastPrefix: Prefix | undefined

/** "a.b.c.d/len", "x::y/len" or a bare address (host prefix). */
const parsePrefix = (s: string): Prefix | undefined => {
  if (s === lastText) return lastPrefix
  const p = parsePrefixText(s)
  lastText = s
  lastPrefix = p
  return p
}

const parsePrefixText = (s: string): Prefix | undefined => {
  const slash = s.indexOf("/")
  const address = slash < 0 ? s : s.slice(0, slash)
  const v6 = address.includes(":")
  const bytes = v6 ? parseIPv6(address) : parseIPv4(address)
  if (bytes === undefined) return undefined
  const max = v6 ? 128 : 32
  let length = max
  if (slash >= 0) {
    const text = s.slice(slash + 1)
    if (!/^\d{1,3}$/.test(text)) return undefined
    length = Number(text)
    if (length > max) return undefined
  }
  return { family: v6 ? AF_INET6 : AF_INET, bytes, address, length, explicit: slash >= 0 }
}

const prefixError = (s: string): string => {
  const slash = s.indexOf("/")
  const address = slash < 0 ? s : s.slice(0, slash)
  const v6 = address.includes(":")
  if ((v6 ? parseIPv6(address) : parseIPv4(address)) === undefined) return `"${address}" is not an IP address`
  return `"${s.slice(slash + 1)}" is not a prefix length for ${v6 ? "IPv6 (0..128)" : "IPv4 (0..32)"}`
}

const PrefixInput = Schema.String.check(
  Schema.makeFilter((s: string) => parsePrefix(s) !== undefined || prefixError(s), {
    expected: "an IPv4 or IPv6 address with an optional prefix length, like 10.0.0.1/24"
  })
)

/** Whether `bytes` falls in `prefix` (same family). */
const inPrefix = (bytes: Uint8Array, prefix: Prefix): boolean => {
  if (bytes.length !== prefix.bytes.length) return false
  const full = prefix.length >> 3
  for (let i = 0; i < full; i++) if (bytes[i] !== prefix.bytes[i]) return false
  const rest = prefix.length & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (bytes[full] & mask) === (prefix.bytes[full] & mask)
}

// ---------------------------------------------------------------------------
// input schemas (field names are the user's, for Validation paths)

const DevRef = Schema.Union([Schema.String, Schema.Number])
// "global" is ip's name for universe
const ScopeInput = Schema.Union([
  Schema.Literals([...(Object.keys(RtScope) as Array<keyof typeof RtScope>), "global"]),
  P.U8
])
const LifetimeInput = Schema.Union([Schema.Literal("forever"), P.U32])
const BroadcastInput = Schema.Union([Schema.Literals(["+", "-"]), P.IPv4])
const LabelInput = P.stringMaxBytes(15, 1)

const FlagsSchema = Schema.Struct({
  nodad: Schema.optionalKey(Schema.Boolean),
  noprefixroute: Schema.optionalKey(Schema.Boolean),
  homeaddress: Schema.optionalKey(Schema.Boolean),
  mngtmpaddr: Schema.optionalKey(Schema.Boolean),
  autojoin: Schema.optionalKey(Schema.Boolean),
  optimistic: Schema.optionalKey(Schema.Boolean)
})

const OptionsSchema = Schema.Struct({
  dev: DevRef,
  address: PrefixInput,
  peer: Schema.optionalKey(PrefixInput),
  broadcast: Schema.optionalKey(BroadcastInput),
  label: Schema.optionalKey(LabelInput),
  scope: Schema.optionalKey(ScopeInput),
  validLifetime: Schema.optionalKey(LifetimeInput),
  preferredLifetime: Schema.optionalKey(LifetimeInput),
  flags: Schema.optionalKey(FlagsSchema),
  metric: Schema.optionalKey(P.U32),
  proto: Schema.optionalKey(
    Schema.Union([Schema.Literals(Object.keys(IfaProto) as Array<keyof typeof IfaProto>), P.U8])
  )
})

const TargetSchema = Schema.Struct({
  dev: DevRef,
  address: PrefixInput,
  peer: Schema.optionalKey(PrefixInput),
  label: Schema.optionalKey(LabelInput)
})

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"])),
  scope: Schema.optionalKey(ScopeInput),
  label: Schema.optionalKey(Schema.String),
  address: Schema.optionalKey(PrefixInput)
})

const RTM_NEWADDR = AddrMessageTypes.RTM_NEWADDR
const RTM_DELADDR = AddrMessageTypes.RTM_DELADDR
const RTM_GETADDR = AddrMessageTypes.RTM_GETADDR
const FOREVER = 0xffffffff

const V6_ONLY: ReadonlyArray<keyof Flags> = ["nodad", "optimistic", "homeaddress", "mngtmpaddr"]
const FLAG_BITS: Record<keyof Flags, number> = {
  nodad: IfaFlags.nodad,
  noprefixroute: IfaFlags.noprefixroute,
  homeaddress: IfaFlags.homeaddress,
  mngtmpaddr: IfaFlags.managetempaddr,
  autojoin: IfaFlags.mcautojoin,
  optimistic: IfaFlags.optimistic
}

const scopeValue = (s: Scope): number =>
  typeof s === "number" ? s : s === "global" ? RtScope.universe : RtScope[s]
const lifetime = (l: Lifetime | undefined): number => (l === undefined || l === "forever" ? FOREVER : l)
const familyName = (f: number) => (f === AF_INET6 ? "IPv6" : "IPv4")
const isMulticast = (p: Prefix) => (p.family === AF_INET ? (p.bytes[0] & 0xf0) === 0xe0 : p.bytes[0] === 0xff)

/**
 * What one field's schema cannot check: families agree, v6-only flags, the
 * lifetimes' order, autojoin on a multicast address. Returns the Validation
 * error or undefined.
 */
const crossCheck = (o: Options | Target): NetlinkError | undefined => {
  const local = parsePrefix(o.address)!
  const f = familyName(local.family)
  if (o.peer !== undefined && parsePrefix(o.peer)!.family !== local.family)
    return invalid("peer", `"${o.peer}" is not an ${f} address like "${o.address}"`)
  if (o.label !== undefined && local.family !== AF_INET)
    return invalid("label", "labels exist only for IPv4 addresses")
  if (!("validLifetime" in o || "preferredLifetime" in o || "broadcast" in o || "flags" in o))
    return undefined
  const opts = o as Options
  if (opts.broadcast !== undefined && local.family !== AF_INET)
    return invalid("broadcast", "a broadcast address exists only for IPv4 addresses")
  for (const k of V6_ONLY) {
    if (opts.flags?.[k] === true && local.family !== AF_INET6)
      return invalid(`flags.${k}`, `${k} can be set only for IPv6 addresses`)
  }
  if (opts.flags?.autojoin === true && !isMulticast(local))
    return invalid("flags.autojoin", `autojoin needs a multicast address, "${o.address}" is not one`)
  if (opts.validLifetime !== undefined || opts.preferredLifetime !== undefined) {
    const valid = lifetime(opts.validLifetime)
    const preferred = lifetime(opts.preferredLifetime)
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
const derivedBroadcast = (p: Prefix, mode: "+" | "-"): string | undefined => {
  if (p.length > 30) return undefined
  const b = Uint8Array.from(p.bytes)
  for (let i = p.length; i < 32; i++) {
    const bit = 0x80 >> (i & 7)
    if (mode === "+") b[i >> 3] |= bit
    else b[i >> 3] &= ~bit
  }
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
}

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The address message `add`/`replace` (command "add") or `remove` (command
 * "remove") send for validated `options` on device `ifindex`, built as `ip
 * addr` builds it: IFA_LOCAL and IFA_ADDRESS (the peer, or the address
 * itself), flags in the header when they fit 8 bits and in IFA_FLAGS
 * otherwise, IFA_CACHEINFO when a lifetime is given, scope host for 127/8.
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
): AddrMessage => {
  const local = parsePrefix(options.address)!
  const peer = options.peer === undefined ? undefined : parsePrefix(options.peer)!
  let flags = 0
  for (const k of Object.keys(FLAG_BITS) as Array<keyof Flags>)
    if (options.flags?.[k] === true) flags |= FLAG_BITS[k]
  // ip keeps a prefix-less IPv4 deletion a wildcard: no IFA_ADDRESS
  const wildcard = command === "remove" && peer === undefined && local.family === AF_INET && !local.explicit
  const m: {
    -readonly [K in keyof AddrMessage]: AddrMessage[K]
  } = {
    family: local.family,
    prefixlen: peer !== undefined ? peer.length : local.length,
    flags8: flags <= 0xff ? flags : 0,
    scope:
      options.scope !== undefined
        ? scopeValue(options.scope)
        : command === "add" && local.family === AF_INET && local.bytes[0] === 127
          ? RtScope.host
          : 0,
    index: ifindex,
    local: local.address
  }
  if (peer !== undefined) m.address = peer.address
  else if (!wildcard) m.address = local.address
  if (options.label !== undefined) m.label = options.label
  if (options.broadcast !== undefined) {
    const b =
      options.broadcast === "+" || options.broadcast === "-"
        ? command === "add"
          ? derivedBroadcast(peer ?? local, options.broadcast)
          : undefined
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
  if (options.proto !== undefined)
    m.proto = typeof options.proto === "number" ? options.proto : IfaProto[options.proto]
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
 * and interface index (prefixlen, flags and scope must be zero).
 *
 * @example
 * ```ts
 * const bytes = Address.listRequest({ family: "inet6" }, 3)
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
 * The RTM_DELADDR that removes a listed address (what `ip addr flush`
 * sends back for each match): its family, prefix length, index, IFA_LOCAL
 * and IFA_ADDRESS.
 *
 * @example
 * ```ts
 * const bytes = Address.removeListedRequest(address)
 * ```
 * @since 0.1.0
 */
export const removeListedRequest = (a: Address): Uint8Array =>
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
  describePath: (t: ReadonlyArray<number>) => describePath(AddrMessageMeta, t),
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
const run = <I extends Target>(
  schema: Schema.Codec<I, any>,
  input: I,
  command: "add" | "remove",
  type: number,
  flags: number,
  options: ReturnType<typeof requestOptions>
): Effect.Effect<void, NetlinkError, Netlink> => {
  const valid = validateNow(schema, input)
  if (valid instanceof NetlinkError) return Effect.fail(valid)
  const bad = crossCheck(valid)
  if (bad !== undefined) return Effect.fail(bad)
  const send = (ifindex: number) => {
    const m = checkBuiltNow(AddrMessage, toMessage(valid as Options, ifindex, command))
    if (m instanceof NetlinkError) return Effect.fail(m)
    return Netlink.use(({ route }) => route.request(build(type, flags, m), options))
  }
  return Effect.flatMap(linkIndex(valid.dev, "dev"), send)
}

/** RTM_NEWADDR with `flags`: add and replace differ only there. */
const newAddress = (flags: number, options: ReturnType<typeof requestOptions>) => (input: Options) =>
  run(OptionsSchema as Schema.Codec<Options, any>, input, "add", RTM_NEWADDR, flags, options)

/**
 * Adds an address, like `ip addr add ADDR/LEN dev DEV ...`; fails with
 * EEXIST if the device has it already.
 *
 * @example
 * ```ts
 * yield* Address.add({ dev: "eth0", address: "10.0.0.1/24", broadcast: "+", label: "eth0:a" })
 * yield* Address.add({ dev: "eth0", address: "2001:db8::1/64", validLifetime: 600, preferredLifetime: 300 })
 * ```
 * @since 0.1.0
 */
export const add = operationOf("Address.add", newAddress(NLM_F_CREATE | NLM_F_EXCL, addOptions))

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
export const replace = operationOf(
  "Address.replace",
  newAddress(NLM_F_CREATE | NLM_F_REPLACE, replaceOptions)
)

/**
 * Removes an address, like `ip addr del ADDR/LEN dev DEV`; fails with
 * EADDRNOTAVAIL if the device does not have it.
 *
 * @example
 * ```ts
 * yield* Address.remove({ dev: "eth0", address: "10.0.0.1/24" })
 * ```
 * @since 0.1.0
 */
export const remove = operationOf("Address.remove", (target: Target) =>
  run(TargetSchema as Schema.Codec<Target, any>, target, "remove", RTM_DELADDR, 0, removeOptions)
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

interface Plan {
  readonly request: Uint8Array
  readonly decode: (
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    type: number
  ) => Address | undefined
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
    const scope = filter.scope === undefined ? undefined : scopeValue(filter.scope)
    const label = filter.label === undefined ? undefined : labelMatcher(filter.label)
    const prefix = filter.address === undefined ? undefined : parsePrefix(filter.address)
    const request = listRequest(filter, ifindex)
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== RTM_NEWADDR) return undefined
      // ifaddrmsg.ifa_scope is at offset 3 after the 16-byte nlmsghdr: check before decoding
      if (scope !== undefined && view.getUint8(start + 19) !== scope) return undefined
      const a = decodeAddrMessage(buf, view, start + 16, end)
      if (label !== undefined && !label(a.label)) return undefined
      if (prefix !== undefined) {
        const local = a.local ?? a.address
        const bytes =
          local === undefined ? undefined : a.family === AF_INET6 ? parseIPv6(local) : parseIPv4(local)
        if (bytes === undefined || !inPrefix(bytes, prefix)) return undefined
      }
      return a
    }
    return { request, decode }
  })

/**
 * The addresses, like `ip addr show [dev DEV] [scope S] [label L] [to PREFIX]`
 * (`ip -4` / `ip -6` as `family`).
 *
 * @example
 * ```ts
 * const v4 = yield* Address.list({ dev: "eth0", family: "inet" })
 * ```
 * @since 0.1.0
 */
export const list = operation("Address.list", function* (filter?: Filter) {
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, p.decode, requestOptions("address list"))
})

/**
 * Like {@link list}, as a stream: addresses are decoded as the consumer pulls.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Address.stream({ family: "inet6" }), (a) => Effect.log(a.address))
 * ```
 * @since 0.1.0
 */
export const stream = (filter?: Filter): Stream.Stream<Address, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const { route } = yield* Netlink
      return route.dump(p.request, p.decode, requestOptions("address list"))
    })
  )

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
 * ```
 * @since 0.1.0
 */
export const flush = operation("Address.flush", function* (filter: Filter) {
  if (
    filter === undefined ||
    filter === null ||
    typeof filter !== "object" ||
    Object.values(filter).every((v) => v === undefined)
  )
    return yield* Effect.fail(
      invalid("(input)", "flush needs a filter (dev, family, scope, label or address)")
    )
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  let removed = 0
  for (let round = 0; round < ENOUGH_ROUNDS; round++) {
    const found = yield* route.dumpAll(p.request, p.decode, requestOptions("address flush"))
    if (found.length === 0) return removed
    const results = yield* route.requestMany(found.map(removeListedRequest), requestOptions("address flush"))
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
