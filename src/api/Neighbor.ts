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
 *   return yield* Neighbor.list({ dev: "eth0", family: "inet" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  decodeNeighMessage,
  encodeNeighMessage,
  NeighMessage,
  NeighMessageHeaderSize,
  NeighMessageMeta,
  NeighMessageTypes,
  NtfFlags,
  NudState,
  RtProtocol
} from "../generated/rt-neigh/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
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
import { type LinkRef, linkIndex } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * A neighbour entry as the kernel reports it: the `ndmsg` header (`family`,
 * `ifindex`, `state`, `flags`, `type`) and the NDA_* attributes (`dst`,
 * `lladdr`, `cacheinfo`, `probes`, `protocol`, ...).
 *
 * @example
 * ```ts
 * const entries: ReadonlyArray<Neighbor.Neighbor> = yield* Neighbor.list()
 * entries.filter((n) => n.state === Neighbor.NudState.reachable)
 * ```
 * @since 0.1.0
 */
export type Neighbor = NeighMessage

/**
 * NUD state bits and NTF flag bits by name (`NudState.permanent === 0x80`).
 *
 * @example
 * ```ts
 * (entry.flags & Neighbor.NtfFlags.router) !== 0
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
 * What add, replace and remove take. `address` is the neighbour's IPv4 or
 * IPv6 address (NDA_DST; it also picks the family), `lladdr` its link-layer
 * address (NDA_LLADDR). `state` defaults to "permanent", as `ip neigh add`
 * does.
 *
 * @example
 * ```ts
 * const o: Neighbor.Options = { dev: "eth0", address: "fe80::1", lladdr: "02:00:00:00:00:01", router: true }
 * ```
 * @since 0.1.0
 */
export interface Options {
  readonly dev: LinkRef
  readonly address: string
  readonly lladdr?: string
  readonly state?: State | number
  /** NTF_ROUTER: the neighbour is a router (NDP). */
  readonly router?: boolean
  /** NTF_EXT_LEARNED: learned by an external control plane. */
  readonly extern_learn?: boolean
  /** NTF_USE: mark the entry used, triggering resolution when needed. */
  readonly use?: boolean
  /** NDA_PROTOCOL: who installed the entry, "static" or a number. */
  readonly protocol?: keyof typeof RtProtocol | number
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
export interface Target {
  readonly dev: LinkRef
  readonly address: string
}

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

// ---------------------------------------------------------------------------
// input schemas (field names are the user's, for Validation paths)

const DevRef = Schema.Union([Schema.String, Schema.Number])
const StateInput = Schema.Union([Schema.Literals(Object.keys(NudState) as Array<State>), P.U16])
const ProtocolInput = Schema.Union([
  Schema.Literals(Object.keys(RtProtocol) as Array<keyof typeof RtProtocol>),
  P.U8
])

const OptionsSchema = Schema.Struct({
  dev: DevRef,
  address: P.InetAddress,
  lladdr: Schema.optionalKey(P.MacAddress),
  state: Schema.optionalKey(StateInput),
  router: Schema.optionalKey(Schema.Boolean),
  extern_learn: Schema.optionalKey(Schema.Boolean),
  use: Schema.optionalKey(Schema.Boolean),
  protocol: Schema.optionalKey(ProtocolInput)
})

const TargetSchema = Schema.Struct({ dev: DevRef, address: P.InetAddress })

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  family: Schema.optionalKey(Schema.Literals(["inet", "inet6"])),
  state: Schema.optionalKey(Schema.Union([StateInput, Schema.Array(StateInput)])),
  proxy: Schema.optionalKey(Schema.Boolean),
  master: Schema.optionalKey(DevRef)
})

const stateValue = (s: State | number): number => (typeof s === "number" ? s : NudState[s])
const familyOf = (address: string): number => (address.includes(":") ? AF_INET6 : AF_INET)
const RTM_NEWNEIGH = NeighMessageTypes.RTM_NEWNEIGH
const RTM_DELNEIGH = NeighMessageTypes.RTM_DELNEIGH
const RTM_GETNEIGH = NeighMessageTypes.RTM_GETNEIGH

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The neighbour message `add`/`replace` send for `options` on device
 * `ifindex` (no nlmsghdr). Defaults as `ip neigh add`: state permanent.
 *
 * @example
 * ```ts
 * Neighbor.toMessage({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" }, 3).state // 128
 * ```
 * @since 0.1.0
 */
export const toMessage = (options: Options, ifindex: number): NeighMessage => {
  let flags = 0
  if (options.router === true) flags |= NtfFlags.router
  if (options.extern_learn === true) flags |= NtfFlags.extLearned
  if (options.use === true) flags |= NtfFlags.use
  const protocol =
    options.protocol === undefined
      ? undefined
      : typeof options.protocol === "number"
        ? options.protocol
        : RtProtocol[options.protocol]
  return {
    family: familyOf(options.address),
    pad1: 0,
    pad2: 0,
    ifindex,
    state: stateValue(options.state ?? "permanent"),
    flags,
    type: 0,
    dst: options.address,
    ...(options.lladdr !== undefined ? { lladdr: options.lladdr } : {}),
    ...(protocol !== undefined ? { protocol } : {})
  }
}

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
 * carries ip's default, permanent; the kernel ignores it).
 *
 * @example
 * ```ts
 * const bytes = Neighbor.removeRequest({ dev: "d0", address: "10.1.2.9" }, 3)
 * ```
 * @since 0.1.0
 */
export const removeRequest = (target: Target, ifindex: number): Uint8Array =>
  build(RTM_DELNEIGH, 0, toMessage({ dev: target.dev, address: target.address }, ifindex))

const proxyMessage = (target: Target, ifindex: number): NeighMessage => ({
  ...toMessage({ dev: target.dev, address: target.address }, ifindex),
  flags: NtfFlags.proxy
})

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
  describePath: (t: ReadonlyArray<number>) => describePath(NeighMessageMeta, t),
  operation
})

/** Validated input, device resolved, message checked against the generated schema. */
const prepare = <I extends Target>(
  schema: Schema.Codec<I, any>,
  input: I,
  message: (valid: I, ifindex: number) => NeighMessage
) =>
  Effect.gen(function* () {
    const valid = yield* validate(schema, input)
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
 * STATE`; fails with EEXIST if one exists.
 *
 * @example
 * ```ts
 * yield* Neighbor.add({ dev: "eth0", address: "10.0.0.2", lladdr: "02:00:00:00:00:02" })
 * ```
 * @since 0.1.0
 */
export const add = operation("Neighbor.add", function* (input: Options) {
  const m = yield* prepare(OptionsSchema as Schema.Codec<Options, any>, input, toMessage)
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
  const m = yield* prepare(OptionsSchema as Schema.Codec<Options, any>, input, toMessage)
  yield* send(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, m, "neighbor replace")
})

/**
 * Removes a neighbour entry, like `ip neigh del ADDR dev DEV`; fails with
 * ENOENT if there is none.
 *
 * @example
 * ```ts
 * yield* Neighbor.remove({ dev: "eth0", address: "10.0.0.2" })
 * ```
 * @since 0.1.0
 */
export const remove = operation("Neighbor.remove", function* (input: Target) {
  const m = yield* prepare(TargetSchema, input, (t, i) => toMessage({ dev: t.dev, address: t.address }, i))
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
  const m = yield* prepare(TargetSchema, input, proxyMessage)
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
  const m = yield* prepare(TargetSchema, input, proxyMessage)
  yield* send(RTM_DELNEIGH, 0, m, "neighbor remove proxy")
})

interface Plan {
  readonly request: Uint8Array
  readonly decode: (
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    type: number
  ) => Neighbor | undefined
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
      // The state is at ndmsg offset 8, after the 16-byte nlmsghdr: check it before decoding.
      if (states !== undefined) {
        const s = view.getUint16(start + 24, true)
        if ((s & mask) === 0 && !(none && s === 0)) return undefined
      }
      return decodeNeighMessage(buf, view, start + 16, end)
    }
    return { request, decode }
  })

/**
 * The neighbour entries (or, with `proxy: true`, the proxy entries), like
 * `ip neigh show [dev DEV] [nud STATE] [proxy] [master DEV]`. Unlike `ip`,
 * entries in state "none" are included unless a state filter excludes them.
 *
 * @example
 * ```ts
 * const reachable = yield* Neighbor.list({ dev: "eth0", state: "reachable" })
 * ```
 * @since 0.1.0
 */
export const list = operation("Neighbor.list", function* (filter?: Filter) {
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, p.decode, options("neighbor list"))
})

/**
 * Like {@link list}, as a stream: entries are decoded as the consumer pulls.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Neighbor.stream({ family: "inet6" }), (n) => Effect.log(n.dst))
 * ```
 * @since 0.1.0
 */
export const stream = (filter?: Filter): Stream.Stream<Neighbor, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const { route } = yield* Netlink
      return route.dump(p.request, p.decode, options("neighbor list"))
    })
  )

/**
 * The proxy ARP/NDP entries, like `ip neigh show proxy`.
 *
 * @example
 * ```ts
 * const proxies = yield* Neighbor.listProxy({ dev: "eth0" })
 * ```
 * @since 0.1.0
 */
export const listProxy = (
  filter?: Omit<Filter, "proxy">
): Effect.Effect<ReadonlyArray<Neighbor>, NetlinkError, Netlink> => list({ ...filter, proxy: true })
