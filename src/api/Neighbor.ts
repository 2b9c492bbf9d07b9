/**
 * Neighbour entries (the ARP and NDP caches) and proxy ARP/NDP entries, as
 * `ip neigh` manages them: list, stream, add, replace, remove.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Neighbor, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Neighbor.add({ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02" })
 *   yield* Neighbor.add({ dev: "eth0", address: "10.0.0.9", proxy: true })
 *   // [{ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02", state: "permanent", status: {...} }]
 *   return yield* Neighbor.list({ dev: "eth0", family: "inet" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  decodeNeighMessage,
  encodeNeighMessage,
  NdaCacheinfo,
  NdmsgOffsets,
  NeighMessage,
  NeighMessageHeaderSize,
  NeighMessageMeta,
  NeighMessageTypes,
  NtfExtFlags,
  NtfFlags,
  NudState
} from "../generated/rt-neigh/index.ts"
import { describePath, type PathContext } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { ipToString, parseIp } from "../runtime/Wire.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  validate,
  operation,
  checkBuilt
} from "./internal/Common.ts"
import { consistentDump } from "./internal/Consistent.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { flagNames, makeNameTable } from "./internal/Names.ts"
import { type LinkRef, linkIndex, linkNames, linkNamesOf } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Reads `ip neigh add|del|replace|get` words into a {@link Neighbor}
 * (`parseFlush`: `ip neigh flush`'s selectors).
 *
 * @example
 * ```ts
 * Neighbor.parse("10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0 nud reachable")
 * // { address: "10.0.0.2", lladdr: "02:00:00:00:00:02", dev: "eth0", state: "reachable" }
 * ```
 * @since 0.3.0
 */
export { parse, parseFlush } from "./parse/Neighbor.ts"

/**
 * NUD state bits and NTF flag bits by name (`NudState.permanent === 0x80`),
 * for the raw messages of {@link listRaw}.
 *
 * @example
 * ```ts
 * (raw.flags & Neighbor.NtfFlags.router) !== 0
 * ```
 * @since 0.1.0
 */
export { NtfFlags, NudState }

/**
 * A neighbour state by the name `ip neigh ... nud NAME` uses.
 *
 * @example
 * ```ts
 * const s: Neighbor.State = "reachable"
 * ```
 * @since 0.1.0
 */
export type State = keyof typeof NudState

/**
 * The entry flags a user sets: "router" (NTF_ROUTER), "externLearn"
 * (NTF_EXT_LEARNED: learned by an external control plane), "managed"
 * (NTF_EXT_MANAGED: the kernel keeps it resolved), and on input "use"
 * (NTF_USE: mark the entry used, an action the kernel does not store).
 *
 * @example
 * ```ts
 * const f: Neighbor.FlagName = "router"
 * ```
 * @since 0.2.0
 */
export type FlagName = "router" | "externLearn" | "managed" | "use"

/**
 * What the kernel reports about an entry by itself; equality ignores it and
 * add/replace/remove accept and ignore it.
 *
 * @example
 * ```ts
 * n.status?.state // "reachable", "stale", ...
 * ```
 * @since 0.2.0
 */
export interface Status {
  readonly family: "inet" | "inet6"
  /** The device's index. */
  readonly index: number
  /** The state as read ("reachable", "stale", "delay", "probe", ...), or a number. */
  readonly state: string | number
  /** Flags the kernel sets ("offloaded", "self", "master", "sticky", ...). */
  readonly flags: ReadonlyArray<string | number>
  /** NDA_CACHEINFO: ages (confirmed, used, updated, in clock ticks) and reference count. */
  readonly cacheinfo?: NdaCacheinfo | undefined
  /** NDA_PROBES: probes sent. */
  readonly probes?: number | undefined
  /** The header's route type (RTN_*). */
  readonly type: number
}

/**
 * A neighbour entry (ARP or NDP cache), or with `proxy: true` a proxy
 * ARP/NDP entry: what `list`/`listProxy`/`stream` return and what `add`,
 * `replace` and `remove` take.
 *
 * - `address` is the neighbour's IPv4 or IPv6 address (NDA_DST; it picks the
 *   family), `lladdr` its link-layer address.
 * - `state`: "permanent" (the default of add, as `ip neigh add`), "noarp",
 *   or a dynamic state. Dynamic states change by themselves, so a listed
 *   entry in "reachable", "stale", "delay" or "probe" carries "stale" (what
 *   a learned entry is recreated as: usable, verified by the kernel on use;
 *   the state as read is `status.state`), and equality treats those four as
 *   one. "incomplete", "failed" and "none" are carried as read.
 * - `flags`: what a user sets; what the kernel sets is in `status`.
 * - A proxy entry has only `dev`, `address`, `proxy: true` and `protocol`.
 * - A "managed" entry is resolved by the kernel: its state and link-layer
 *   address are status only (add defaults its state to "none").
 *
 * @example
 * ```ts
 * const n: Neighbor.Neighbor = { dev: "eth0", address: "fe80::1", lladdr: "02:00:00:00:00:01", flags: ["router"] }
 * const [listed] = yield* Neighbor.list({ dev: "eth0" })
 * yield* Neighbor.remove(listed)
 * ```
 * @since 0.1.0
 */
export interface Neighbor {
  readonly dev: LinkRef
  readonly address: string
  readonly lladdr?: string | undefined
  readonly state?: State | number | undefined
  readonly flags?: ReadonlyArray<FlagName> | undefined
  readonly proxy?: boolean | undefined
  /** NDA_PROTOCOL: who installed the entry ("static", ... or a number). */
  readonly protocol?: string | number | undefined
  readonly status?: Status | undefined
}

/**
 * What add, replace and remove take: a {@link Neighbor}; the flags may also
 * be given as 0.1's booleans `router`, `extern_learn` and `use`.
 *
 * @example
 * ```ts
 * const o: Neighbor.Options = { dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02", state: "noarp" }
 * ```
 * @since 0.1.0
 */
export interface Options extends Neighbor {
  readonly router?: boolean | undefined
  readonly extern_learn?: boolean | undefined
  readonly use?: boolean | undefined
}

/**
 * Which entry to remove, or which proxy entry to add or remove.
 *
 * @example
 * ```ts
 * const o: Neighbor.Target = { dev: "eth0", address: "10.0.0.2" }
 * ```
 * @since 0.1.0
 */
export type Target = Options

/**
 * Which entries `list` and `stream` return. `dev`, `master` and `proxy` are
 * applied by the kernel (NDA_IFINDEX, NDA_MASTER, NTF_PROXY in a strict
 * dump request), `family` too (the header's family); `state` is applied
 * here, as entries arrive: an entry matches when it is in any of the given
 * states.
 *
 * @example
 * ```ts
 * const f: Neighbor.Filter = { dev: "eth0", family: "inet6", state: ["reachable", "stale"] }
 * ```
 * @since 0.1.0
 */
export interface Filter {
  readonly dev?: LinkRef
  readonly family?: "inet" | "inet6"
  readonly state?: State | number | ReadonlyArray<State | number>
  /** List proxy entries (the pneigh table) instead of the cache. */
  readonly proxy?: boolean
  /** Only entries on ports of this master (bridge, VRF). */
  readonly master?: LinkRef
}

/**
 * How `list` dumps: `retryInterrupted` re-runs a dump that cannot be shown
 * consistent (entries changed meanwhile) up to this many times before
 * failing with the DumpInterrupted reason. Default 0.
 *
 * @example
 * ```ts
 * yield* Neighbor.list({ dev: "eth0" }, { retryInterrupted: 5 })
 * ```
 * @since 0.2.0
 */
export interface ListOptions {
  readonly retryInterrupted?: number
}

// ---------------------------------------------------------------------------
// names

const USER_FLAGS = { router: NtfFlags.router, externLearn: NtfFlags.extLearned, use: NtfFlags.use } as const
const STORED_USER_BITS = NtfFlags.router | NtfFlags.extLearned
const KERNEL_FLAGS: Readonly<Record<string, number>> = {
  self: NtfFlags.self,
  master: NtfFlags.master,
  offloaded: NtfFlags.offloaded,
  sticky: NtfFlags.sticky
}
const NTF_EXT_MANAGED = NtfExtFlags.managed
const DYNAMIC = NudState.reachable | NudState.stale | NudState.delay | NudState.probe

const stateNames = makeNameTable(NudState)

// Shared per value: few distinct flag values, no array per entry.
const userFlagCache = new Map<number, ReadonlyArray<FlagName> | undefined>()
const userFlags = (bits: number, managed: boolean): ReadonlyArray<FlagName> | undefined => {
  const v = (bits & STORED_USER_BITS) | (managed ? 0x10000 : 0)
  if (v === 0) return undefined
  let out = userFlagCache.get(v)
  if (out === undefined) {
    const names = flagNames(bits & STORED_USER_BITS, USER_FLAGS) as Array<FlagName>
    if (managed) names.push("managed")
    out = Object.freeze(names)
    userFlagCache.set(v, out)
  }
  return out
}
const kernelFlagCache = new Map<number, ReadonlyArray<string | number>>()
const kernelFlags = (bits: number): ReadonlyArray<string | number> => {
  const v = bits & ~(STORED_USER_BITS | NtfFlags.proxy | NtfFlags.use) & 0xff
  let out = kernelFlagCache.get(v)
  if (out === undefined) {
    out = Object.freeze(flagNames(v, KERNEL_FLAGS))
    kernelFlagCache.set(v, out)
  }
  return out
}

// ---------------------------------------------------------------------------
// schemas (field names are the user's, for Validation paths)

const DevRef = Schema.Union([Schema.String, Schema.Number])
const StateInput = Schema.Union([Schema.Literals(Object.keys(NudState) as Array<State>), P.U16])
const ProtocolInput = Schema.Union([
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const n = Names.protocol.number(s)
        return (n !== undefined && n <= 0xff) || `"${s}" is not a protocol name (static, boot, ...) or 0..255`
      },
      { expected: "a protocol name or number" }
    )
  ),
  P.U8
])
const FlagList = Schema.Array(Schema.Literals(["router", "externLearn", "managed", "use"]))

const StatusSchema = Schema.Struct({
  family: Schema.Literals(["inet", "inet6"]),
  index: P.U32,
  state: Schema.Union([Schema.String, Schema.Number]),
  flags: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  cacheinfo: Schema.optional(NdaCacheinfo),
  probes: Schema.optional(Schema.Number),
  type: Schema.Number
})

const fields = {
  dev: DevRef,
  address: P.InetAddress,
  lladdr: Schema.optional(P.MacAddress),
  state: Schema.optional(StateInput),
  flags: Schema.optional(FlagList),
  proxy: Schema.optional(Schema.Boolean),
  protocol: Schema.optional(ProtocolInput),
  status: Schema.optional(StatusSchema)
}

/**
 * The Schema of {@link Neighbor}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Neighbor.schema)({ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Neighbor, any> = Schema.Struct(fields) as any

const InputSchema: Schema.Codec<Options, any> = Schema.Struct({
  ...fields,
  router: Schema.optional(Schema.Boolean),
  extern_learn: Schema.optional(Schema.Boolean),
  use: Schema.optional(Schema.Boolean)
}) as any

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"])),
  state: Schema.optionalKey(Schema.Union([StateInput, Schema.Array(StateInput)])),
  proxy: Schema.optionalKey(Schema.Boolean),
  master: Schema.optionalKey(DevRef)
})

const ListOptionsSchema = Schema.Struct({
  retryInterrupted: Schema.optionalKey(P.intBetween(P.U32, 0, 1000))
})

const stateValue = (s: State | number): number => (typeof s === "number" ? s : NudState[s])
const familyOf = (address: string): number => (address.includes(":") ? AF_INET6 : AF_INET)
const RTM_NEWNEIGH = NeighMessageTypes.RTM_NEWNEIGH
const RTM_DELNEIGH = NeighMessageTypes.RTM_DELNEIGH
const RTM_GETNEIGH = NeighMessageTypes.RTM_GETNEIGH
// ndmsg fields from the start of the message, read before decoding a listed entry
const NDM_FAMILY = NLMSG_HDRLEN + NdmsgOffsets.family
const NDM_STATE = NLMSG_HDRLEN + NdmsgOffsets.state

/** The NTF_* bits and NTF_EXT_* bits of an input. */
const inputFlags = (o: Options): { readonly flags: number; readonly ext: number } => {
  let flags = 0
  let ext = 0
  for (const f of o.flags ?? []) {
    if (f === "managed") ext |= NTF_EXT_MANAGED
    else flags |= USER_FLAGS[f]
  }
  if (o.router === true) flags |= NtfFlags.router
  if (o.extern_learn === true) flags |= NtfFlags.extLearned
  if (o.use === true) flags |= NtfFlags.use
  return { flags, ext }
}

// ---------------------------------------------------------------------------
// the model

/**
 * The entry a decoded RTM_NEWNEIGH message describes; `names` gives a
 * device's name by index (a number when it has none).
 *
 * @example
 * ```ts
 * const raw = yield* Neighbor.listRaw()
 * raw.map((m) => Neighbor.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: NeighMessage, names: (index: number) => string | number): Neighbor => {
  const proxy = (m.flags & NtfFlags.proxy) !== 0
  const managed = m.flagsExt !== undefined && (m.flagsExt & NTF_EXT_MANAGED) !== 0
  const st = m.state
  return {
    dev: names(m.ifindex),
    address: m.dst ?? "",
    // the kernel keeps a managed entry resolved by itself: its state is status only
    lladdr: managed ? undefined : m.lladdr,
    state:
      proxy || managed
        ? undefined
        : (stateNames.name((st & DYNAMIC) !== 0 ? NudState.stale : st) as State | number),
    flags: userFlags(m.flags, managed),
    proxy: proxy ? true : undefined,
    protocol: m.protocol === undefined || m.protocol === 0 ? undefined : Names.protocol.name(m.protocol),
    status: {
      family: m.family === AF_INET6 ? "inet6" : "inet",
      index: m.ifindex,
      state: stateNames.name(st),
      flags: kernelFlags(m.flags),
      cacheinfo: m.cacheinfo,
      probes: m.probes,
      type: m.type
    }
  }
}

/**
 * The canonical form of an entry: state "permanent" when none is given (as
 * `ip neigh add`), the dynamic states as "stale", addresses in their
 * standard text, flags as a list (the legacy booleans folded in, "use"
 * dropped: the kernel does not store it), protocol by name, status dropped.
 *
 * @example
 * ```ts
 * Neighbor.canonical({ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02" }).state // "permanent"
 * ```
 * @since 0.2.0
 */
export const canonical = (n: Options): Neighbor => {
  const bytes = parseIp(n.address)
  const address = bytes === undefined ? n.address : ipToString(bytes, 0, bytes.length)
  const protocolN = n.protocol === undefined ? 0 : (Names.protocol.number(n.protocol) ?? 0)
  const protocol = protocolN === 0 ? undefined : Names.protocol.name(protocolN)
  if (n.proxy === true) {
    const out: { -readonly [K in keyof Neighbor]: Neighbor[K] } = { dev: n.dev, address, proxy: true }
    if (protocol !== undefined) out.protocol = protocol
    return out
  }
  const st = n.state === undefined ? NudState.permanent : stateValue(n.state)
  const { flags, ext } = inputFlags(n)
  const managed = (ext & NTF_EXT_MANAGED) !== 0
  const out: { -readonly [K in keyof Neighbor]: Neighbor[K] } = { dev: n.dev, address }
  if (!managed) out.state = stateNames.name((st & DYNAMIC) !== 0 ? NudState.stale : st) as State | number
  if (n.lladdr !== undefined && !managed) out.lladdr = n.lladdr.toLowerCase()
  const f = userFlags(flags, (ext & NTF_EXT_MANAGED) !== 0)
  if (f !== undefined) out.flags = [...f]
  if (protocol !== undefined) out.protocol = protocol
  return out
}

/**
 * Whether two entries have the same configuration (status ignored).
 *
 * @example
 * ```ts
 * Neighbor.equals({ dev: "eth0", address: "10.0.0.2" }, { dev: "eth0", address: "10.0.0.2", state: "permanent" }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Options, b: Options): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of an entry as the kernel defines it: family (from the
 * address), device, address, and whether it is a proxy entry.
 *
 * @example
 * ```ts
 * Neighbor.key({ dev: "eth0", address: "10.0.0.2" }) // "eth0|10.0.0.2|"
 * ```
 * @since 0.2.0
 */
export const key = (n: Options): string => {
  const c = canonical(n)
  return `${c.dev}|${c.address}|${c.proxy === true ? "proxy" : ""}`
}

/**
 * The neighbour object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Neighbor.model.key(entry)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Neighbor> = { name: "neighbor", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The neighbour message `add`/`replace` send for `options` on device
 * `ifindex` (no nlmsghdr). Defaults as `ip neigh add`: state permanent. A
 * proxy entry (`proxy: true`) is NTF_PROXY with the address alone, as `ip
 * neigh add proxy`.
 *
 * @example
 * ```ts
 * Neighbor.toMessage({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" }, 3).state // 128
 * ```
 * @since 0.1.0
 */
export const toMessage = (options: Options, ifindex: number): NeighMessage => {
  const protocol = options.protocol === undefined ? undefined : Names.protocol.number(options.protocol)
  const proxy = options.proxy === true
  const { flags, ext } = proxy ? { flags: NtfFlags.proxy, ext: 0 } : inputFlags(options)
  return {
    family: familyOf(options.address),
    pad1: 0,
    pad2: 0,
    ifindex,
    // a managed entry cannot be permanent: the kernel resolves it from state none
    state: proxy
      ? NudState.permanent
      : stateValue(options.state ?? ((ext & NTF_EXT_MANAGED) !== 0 ? "none" : "permanent")),
    flags,
    type: 0,
    dst: options.address,
    ...(options.lladdr !== undefined && !proxy ? { lladdr: options.lladdr } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
    ...(ext !== 0 ? { flagsExt: ext } : {})
  }
}

/** What `ip neigh del [proxy] ADDR dev DEV` sends: the address, and NTF_PROXY for a proxy entry. */
const removeMessage = (target: Target, ifindex: number): NeighMessage =>
  target.proxy === true
    ? proxyMessage(target, ifindex)
    : toMessage({ dev: target.dev, address: target.address }, ifindex)

const build = (type: number, flags: number, m: NeighMessage): Uint8Array =>
  buildMessage(type, flags, (w) => encodeNeighMessage(w, m))

/**
 * RTM_NEWNEIGH with NLM_F_CREATE|NLM_F_EXCL, as `ip neigh add` sends.
 *
 * @example
 * ```ts
 * const bytes = Neighbor.addRequest({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" }, 3)
 * ```
 * @since 0.1.0
 */
export const addRequest = (options: Options, ifindex: number): Uint8Array =>
  build(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, toMessage(options, ifindex))

/**
 * RTM_NEWNEIGH with NLM_F_CREATE|NLM_F_REPLACE, as `ip neigh replace` sends.
 *
 * @example
 * ```ts
 * const bytes = Neighbor.replaceRequest({ dev: "d0", address: "10.1.2.9", state: "reachable" }, 3)
 * ```
 * @since 0.1.0
 */
export const replaceRequest = (options: Options, ifindex: number): Uint8Array =>
  build(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, toMessage(options, ifindex))

/**
 * RTM_DELNEIGH as `ip neigh del ADDR dev DEV` sends it (the state field
 * carries ip's default, permanent; the kernel ignores it); for a proxy
 * entry as `ip neigh del proxy ADDR dev DEV`.
 *
 * @example
 * ```ts
 * const bytes = Neighbor.removeRequest({ dev: "d0", address: "10.1.2.9" }, 3)
 * ```
 * @since 0.1.0
 */
export const removeRequest = (target: Target, ifindex: number): Uint8Array =>
  build(RTM_DELNEIGH, 0, removeMessage(target, ifindex))

const proxyMessage = (target: Target, ifindex: number): NeighMessage =>
  toMessage({ dev: target.dev, address: target.address, protocol: target.protocol, proxy: true }, ifindex)

/**
 * RTM_NEWNEIGH with NTF_PROXY, as `ip neigh add proxy ADDR dev DEV` sends.
 *
 * @example
 * ```ts
 * const bytes = Neighbor.addProxyRequest({ dev: "d0", address: "10.1.2.10" }, 3)
 * ```
 * @since 0.1.0
 */
export const addProxyRequest = (target: Target, ifindex: number): Uint8Array =>
  build(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, proxyMessage(target, ifindex))

/**
 * RTM_DELNEIGH with NTF_PROXY, as `ip neigh del proxy ADDR dev DEV` sends.
 *
 * @example
 * ```ts
 * const bytes = Neighbor.removeProxyRequest({ dev: "d0", address: "10.1.2.10" }, 3)
 * ```
 * @since 0.1.0
 */
export const removeProxyRequest = (target: Target, ifindex: number): Uint8Array =>
  build(RTM_DELNEIGH, 0, proxyMessage(target, ifindex))

/**
 * The strict-check dump request for a filter whose devices are resolved:
 * header family and NTF_PROXY, NDA_IFINDEX for the device and NDA_MASTER
 * for the master (the kernel rejects a non-zero ndm_ifindex or ndm_state in
 * a strict dump, so those go in attributes or are filtered here).
 *
 * @example
 * ```ts
 * const bytes = Neighbor.listRequest({ family: "inet6", proxy: true }, 3)
 * ```
 * @since 0.1.0
 */
export const listRequest = (
  filter: Pick<Filter, "family" | "proxy">,
  ifindex?: number,
  masterIndex?: number
): Uint8Array =>
  build(RTM_GETNEIGH, NLM_F_DUMP, {
    family: filter.family === "inet" ? AF_INET : filter.family === "inet6" ? AF_INET6 : AF_UNSPEC,
    pad1: 0,
    pad2: 0,
    ifindex: 0,
    state: 0,
    flags: filter.proxy === true ? NtfFlags.proxy : 0,
    type: 0,
    ...(ifindex !== undefined ? { ndaIfindex: ifindex } : {}),
    ...(masterIndex !== undefined ? { master: masterIndex } : {})
  })

// ---------------------------------------------------------------------------
// operations

const options = (operation: string) => ({
  headerLength: NeighMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>, c?: PathContext) => describePath(NeighMessageMeta, t, c),
  operation
})

/** Validated input, device resolved, message checked against the generated schema. */
const prepare = (input: Options, message: (valid: Options, ifindex: number) => NeighMessage) =>
  Effect.gen(function* () {
    const valid = yield* validate(InputSchema, input)
    const ifindex = yield* linkIndex(valid.dev, "dev")
    const m = message(valid, ifindex)
    return yield* checkBuilt(NeighMessage, m)
  })

const send = (type: number, flags: number, m: NeighMessage, operation: string) =>
  Effect.gen(function* () {
    const { route } = yield* Netlink
    yield* route.request(build(type, flags, m), options(operation))
  })

/**
 * Adds a neighbour entry, like `ip neigh add ADDR lladdr MAC dev DEV nud
 * STATE` (or with `proxy: true` a proxy entry, like `ip neigh add proxy`);
 * fails with EEXIST if one exists. A listed entry recreates itself.
 *
 * @example
 * ```ts
 * yield* Neighbor.add({ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02" })
 * ```
 * @since 0.1.0
 */
export const add = operation("Neighbor.add", function* (input: Options) {
  const m = yield* prepare(input, toMessage)
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, m, "neighbor add")
})

/**
 * Adds or replaces a neighbour entry, like `ip neigh replace`.
 *
 * @example
 * ```ts
 * yield* Neighbor.replace({ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:03", state: "reachable" })
 * ```
 * @since 0.1.0
 */
export const replace = operation("Neighbor.replace", function* (input: Options) {
  const m = yield* prepare(input, toMessage)
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, m, "neighbor replace")
})

/**
 * Removes a neighbour entry, like `ip neigh del ADDR dev DEV` (a proxy
 * entry when `proxy: true`); fails with ENOENT if there is none. A listed
 * entry removes exactly itself.
 *
 * @example
 * ```ts
 * yield* Neighbor.remove({ dev: "eth0", address: "10.0.0.2" })
 * ```
 * @since 0.1.0
 */
export const remove = operation("Neighbor.remove", function* (input: Target) {
  const m = yield* prepare(input, removeMessage)
  yield* send(RTM_DELNEIGH, 0, m, "neighbor remove")
})

/**
 * Alias of {@link remove}, as `ip neigh del`.
 *
 * @example
 * ```ts
 * yield* Neighbor.del({ dev: "eth0", address: "10.0.0.2" })
 * ```
 * @since 0.1.0
 */
export const del = remove

/**
 * Adds a proxy ARP (IPv4) or proxy NDP (IPv6) entry: the host answers for
 * `address` on `dev`, like `ip neigh add proxy ADDR dev DEV`.
 *
 * @example
 * ```ts
 * yield* Neighbor.addProxy({ dev: "eth0", address: "2001:db8::10" })
 * ```
 * @since 0.1.0
 */
export const addProxy = operation("Neighbor.addProxy", function* (input: Target) {
  const m = yield* prepare(input, proxyMessage)
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, m, "neighbor add proxy")
})

/**
 * Removes a proxy entry, like `ip neigh del proxy ADDR dev DEV`.
 *
 * @example
 * ```ts
 * yield* Neighbor.removeProxy({ dev: "eth0", address: "2001:db8::10" })
 * ```
 * @since 0.1.0
 */
export const removeProxy = operation("Neighbor.removeProxy", function* (input: Target) {
  const m = yield* prepare(input, proxyMessage)
  yield* send(RTM_DELNEIGH, 0, m, "neighbor remove proxy")
})

type Decode<A> = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => A | undefined

interface Plan {
  readonly request: Uint8Array
  readonly decode: Decode<NeighMessage>
}

const plan = (input: Filter | undefined): Effect.Effect<Plan, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const filter = yield* validate(FilterSchema, input ?? {}, "")
    const ifindex = filter.dev === undefined ? undefined : yield* linkIndex(filter.dev, "dev")
    const master = filter.master === undefined ? undefined : yield* linkIndex(filter.master, "master")
    const states =
      filter.state === undefined ? undefined : Array.isArray(filter.state) ? filter.state : [filter.state]
    let mask = 0
    let none = false
    for (const s of (states ?? []) as ReadonlyArray<State | number>) {
      const v = stateValue(s)
      if (v === 0) none = true
      mask |= v
    }
    const request = listRequest(filter, ifindex, master)
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== RTM_NEWNEIGH) return undefined
      // The state is checked in the ndmsg before decoding.
      if (states !== undefined) {
        const s = view.getUint16(start + NDM_STATE, true)
        if ((s & mask) === 0 && !(none && s === 0)) return undefined
      }
      return decodeNeighMessage(buf, view, start + NLMSG_HDRLEN, end)
    }
    return { request, decode }
  })

const dumpOptions = (operation: string, o: ListOptions | undefined) =>
  Effect.map(validate(ListOptionsSchema, o ?? {}, "options"), (v) => ({
    ...options(operation),
    retryInterrupted: v.retryInterrupted ?? 0
  }))

const rawKey = (m: NeighMessage): string => `${m.family}|${m.ifindex}|${m.dst}|${m.flags & NtfFlags.proxy}`
const modelKey = (n: Neighbor): string => `${n.dev}|${n.address}|${n.proxy}`

// The model covers ARP and NDP entries (a dump of every family also returns
// other tables' entries, such as the bridge's forwarding database).
const named =
  (decode: Decode<NeighMessage>, names: (index: number) => string | number): Decode<Neighbor> =>
  (buf, view, start, end, type) => {
    const family = view.getUint8(start + NDM_FAMILY)
    if (family !== AF_INET && family !== AF_INET6) return undefined
    const m = decode(buf, view, start, end, type)
    return m === undefined ? undefined : fromMessage(m, names)
  }

/**
 * The neighbour entries (or, with `proxy: true`, the proxy entries), like
 * `ip neigh show [dev DEV] [nud STATE] [proxy] [master DEV]`, with devices
 * by name. Unlike `ip`, entries in state "none" are included unless a state
 * filter excludes them. The kernel never flags a neighbour dump as
 * interrupted: a dump that came in several datagrams is checked against a
 * second one (see {@link ListOptions}).
 *
 * @example
 * ```ts
 * const reachable = yield* Neighbor.list({ dev: "eth0", state: "reachable" })
 * ```
 * @since 0.1.0
 */
export const list = operation("Neighbor.list", function* (filter?: Filter, o?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("neighbor list", o)
  const names = yield* linkNames
  return yield* consistentDump(p.request, named(p.decode, names), modelKey, opts)
})

/**
 * RTM_GETNEIGH for one entry, as `ip neigh get ADDR dev DEV [proxy]` sends
 * it: the family, the device index, NTF_PROXY for a proxy entry, NDA_DST.
 *
 * @example
 * ```ts
 * const bytes = Neighbor.getRequest({ dev: 3, address: "10.0.0.2" }, 3)
 * ```
 * @since 0.2.0
 */
export const getRequest = (target: Pick<Neighbor, "address" | "proxy">, ifindex: number): Uint8Array =>
  build(RTM_GETNEIGH, 0, {
    family: familyOf(target.address),
    pad1: 0,
    pad2: 0,
    ifindex,
    state: 0,
    flags: target.proxy === true ? NtfFlags.proxy : 0,
    type: 0,
    dst: target.address
  })

const GetSchema = Schema.Struct({
  dev: DevRef,
  address: P.InetAddress,
  proxy: Schema.optional(Schema.Boolean)
})

/**
 * Like {@link get}, the kernel's answer as the decoded message.
 *
 * @example
 * ```ts
 * const m = yield* Neighbor.getRaw({ dev: "eth0", address: "10.0.0.2" })
 * m.lladdr
 * ```
 * @since 0.2.0
 */
export const getRaw = operation(
  "Neighbor.getRaw",
  function* (target: Pick<Neighbor, "dev" | "address" | "proxy">) {
    const t = yield* validate(GetSchema, target)
    const ifindex = yield* linkIndex(t.dev, "dev")
    const { route } = yield* Netlink
    return yield* route.requestReply(
      getRequest(t, ifindex),
      (buf, view, start, end, type) =>
        type === RTM_NEWNEIGH ? decodeNeighMessage(buf, view, start + NLMSG_HDRLEN, end) : undefined,
      options("neighbor get")
    )
  }
)

/**
 * One entry (or with `proxy: true` one proxy entry), like `ip neigh get ADDR
 * dev DEV` (Linux 4.19+), without dumping the table; fails with ENOENT when
 * there is none.
 *
 * @example
 * ```ts
 * const n = yield* Neighbor.get({ dev: "eth0", address: "10.0.0.2" })
 * n.lladdr // "02:00:00:00:00:02"
 * ```
 * @since 0.2.0
 */
export const get = operation("Neighbor.get", function* (target: Pick<Neighbor, "dev" | "address" | "proxy">) {
  const m = yield* getRaw(target)
  const names = yield* linkNamesOf([m.ifindex, ...(m.master !== undefined ? [m.master] : [])])
  return fromMessage(m, names)
})

/**
 * Like {@link list}, the decoded messages as the kernel sent them (every
 * family, every attribute).
 *
 * @example
 * ```ts
 * const raw = yield* Neighbor.listRaw({ dev: "eth0" })
 * raw[0].cacheinfo?.updated
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Neighbor.listRaw", function* (filter?: Filter, o?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions("neighbor list", o)
  return yield* consistentDump(p.request, p.decode, rawKey, opts)
})

/**
 * Like {@link list}, as a stream (checked as a whole first, as list is: a
 * stream cannot take back what it emitted).
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Neighbor.stream({ family: "inet6" }), (n) => Effect.log(n.address))
 * ```
 * @since 0.1.0
 */
export const stream = (filter?: Filter, o?: ListOptions): Stream.Stream<Neighbor, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(list(filter, o))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Neighbor.streamRaw(), (m) => Effect.log(m.dst))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (
  filter?: Filter,
  o?: ListOptions
): Stream.Stream<NeighMessage, NetlinkError, Netlink> => Stream.fromIterableEffect(listRaw(filter, o))

/**
 * The proxy ARP/NDP entries, like `ip neigh show proxy`; each has `proxy:
 * true`, so it can be passed to `remove` or `add` as it is.
 *
 * @example
 * ```ts
 * const proxies = yield* Neighbor.listProxy({ dev: "eth0" })
 * ```
 * @since 0.1.0
 */
export const listProxy = (
  filter?: Omit<Filter, "proxy">,
  o?: ListOptions
): Effect.Effect<ReadonlyArray<Neighbor>, NetlinkError, Netlink> => list({ ...filter, proxy: true }, o)
