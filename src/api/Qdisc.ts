/**
 * Queueing disciplines, as `tc qdisc` manages them: add, replace, change,
 * remove, get, list. An object is the device, where it hangs (`parent`:
 * "root", "ingress", or a class such as "1:10"), its `handle` ("1:"), its
 * `kind` and the kind's `options` in `tc`'s units; statistics are under
 * `status`. Requests carry what `tc qdisc add ...` sends for the same options.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Netlink, Qdisc } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Qdisc.add({ dev: "eth0", parent: "root", handle: "1:", kind: "htb", options: { default: 0x10 } })
 *   return yield* Qdisc.list({ dev: "eth0" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type QdiscMessage, QdiscMessageTypes } from "../generated/tc/index.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { operation, validate } from "./internal/Common.ts"
import type { ObjectType } from "./internal/Model.ts"
import { type LinkNames, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import * as Engine from "./tc/Engine.ts"
import type * as Handle from "./tc/Handle.ts"
import type { CodelOptions } from "./tc/kinds/codel.ts"
import type { FifoOptions } from "./tc/kinds/fifo.ts"
import type { FqCodelOptions } from "./tc/kinds/fqCodel.ts"
import type { HtbOptions } from "./tc/kinds/htb.ts"
import type { PrioOptions } from "./tc/kinds/prio.ts"
import type { TbfOptions } from "./tc/kinds/tbf.ts"
import { qdiscKinds } from "./tc/registry.ts"

export type { CodelOptions, FifoOptions, FqCodelOptions, HtbOptions, PrioOptions, TbfOptions }
export type { Stats, Status } from "./tc/Engine.ts"

interface Common {
  /** The device, by name or index (listed qdiscs name it). */
  readonly dev: string | number
  /** Where the qdisc hangs: "root" (default), "ingress", or a class ("1:10"). */
  readonly parent?: Handle.Handle | undefined
  /** The qdisc's handle ("1:"); the kernel picks one when none is given. */
  readonly handle?: Handle.Handle | undefined
  /** What the kernel reports: statistics; add/remove ignore it. */
  readonly status?: Engine.Status | undefined
}

/**
 * A qdisc: what `list`/`get` return and `add`/`replace`/`change`/`remove`
 * take. Kinds the library does not describe are listed with their `kind`
 * and no options (their raw TCA_OPTIONS stays in {@link listRaw}).
 *
 * @example
 * ```ts
 * const q: Qdisc.Qdisc = { dev: "eth0", parent: "root", handle: "1:", kind: "tbf", options: { rate: "1mbit", burst: "10kb", latency: "50ms" } }
 * ```
 * @since 0.3.0
 */
export type Qdisc = Common &
  (
    | { readonly kind: "pfifo" | "bfifo" | "pfifo_head_drop"; readonly options?: FifoOptions | undefined }
    | { readonly kind: "tbf"; readonly options: TbfOptions }
    | { readonly kind: "htb"; readonly options?: HtbOptions | undefined }
    | { readonly kind: "prio"; readonly options?: PrioOptions | undefined }
    | { readonly kind: "fq_codel"; readonly options?: FqCodelOptions | undefined }
    | { readonly kind: "codel"; readonly options?: CodelOptions | undefined }
    | { readonly kind: "pfifo_fast" | "noqueue" | "ingress" | "clsact"; readonly options?: {} | undefined }
    | { readonly kind: string & {}; readonly options?: object | undefined }
  )

const engine = Engine.make({
  name: "qdisc",
  id: "handle",
  kinds: qdiscKinds,
  types: {
    add: QdiscMessageTypes.RTM_NEWQDISC,
    del: QdiscMessageTypes.RTM_DELQDISC,
    get: QdiscMessageTypes.RTM_GETQDISC
  }
})

/**
 * The Schema of {@link Qdisc}: one member per kind (input validation, JSON).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Qdisc.schema)({ dev: "eth0", kind: "pfifo", options: { limit: 100 } })
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Qdisc, any> = engine.schema as any

/**
 * The qdisc a decoded RTM_NEWQDISC describes; `names` names devices.
 *
 * @example
 * ```ts
 * const raw = yield* Qdisc.listRaw()
 * raw.map((m) => Qdisc.fromMessage(m))
 * ```
 * @since 0.3.0
 */
export const fromMessage: (m: QdiscMessage, names?: LinkNames) => Qdisc = engine.fromMessage as any

/**
 * The canonical form: parent "root" by default, handles in `tc`'s notation,
 * options with the kernel's defaults and in base units (bits/s, bytes, us),
 * status dropped.
 *
 * @example
 * ```ts
 * Qdisc.canonical({ dev: "eth0", kind: "htb" }) // { dev: "eth0", parent: "root", kind: "htb", options: { r2q: 10, default: 0 } }
 * ```
 * @since 0.3.0
 */
export const canonical: (q: Qdisc) => Qdisc = engine.canonical as any

/**
 * Same configuration (status ignored; a handle or option the kernel picks
 * is compared only when both sides give it).
 *
 * @example
 * ```ts
 * Qdisc.equals({ dev: "d0", kind: "tbf", options: { rate: "1mbit", burst: "10kb", limit: 10000 } }, listed)
 * ```
 * @since 0.3.0
 */
export const equals: (a: Qdisc, b: Qdisc) => boolean = engine.equals as any

/**
 * The identity: device and parent (one qdisc per slot).
 *
 * @example
 * ```ts
 * Qdisc.key({ dev: "eth0", kind: "htb" }) // "eth0|root"
 * ```
 * @since 0.3.0
 */
export const key: (q: Qdisc) => string = engine.key as any

/**
 * The qdisc object type.
 *
 * @example
 * ```ts
 * Qdisc.model.equals(listed, wanted)
 * ```
 * @since 0.3.0
 */
export const model: ObjectType<Qdisc> = { name: "qdisc", schema, key, equals, canonical }

/**
 * The request bytes `tc qdisc add|replace|change|del` sends for a qdisc on
 * the device with index `ifindex` (pure; the input must be valid).
 *
 * @example
 * ```ts
 * Qdisc.request("add", { dev: "d0", kind: "pfifo", options: { limit: 100 } }, 3)
 * ```
 * @since 0.3.0
 */
export const request = (
  command: "add" | "replace" | "change" | "remove",
  q: Qdisc,
  ifindex: number
): Uint8Array =>
  command === "remove"
    ? engine.build(QdiscMessageTypes.RTM_DELQDISC, 0, engine.toMessage(q, ifindex, false))
    : engine.build(QdiscMessageTypes.RTM_NEWQDISC, engine.flags[command], engine.toMessage(q, ifindex, true))

/**
 * Adds a qdisc, like `tc qdisc add`; EEXIST if the slot is taken.
 *
 * @example
 * ```ts
 * yield* Qdisc.add({ dev: "eth0", handle: "1:", kind: "htb", options: { default: 0x10 } })
 * yield* Qdisc.add({ dev: "eth0", kind: "ingress" })
 * ```
 * @since 0.3.0
 */
export const add = operation("Qdisc.add", function* (q: Qdisc) {
  yield* engine.write(q, engine.flags.add, "qdisc add")
})

/**
 * Adds or replaces the qdisc in its slot, like `tc qdisc replace`.
 *
 * @example
 * ```ts
 * yield* Qdisc.replace({ dev: "eth0", kind: "pfifo", options: { limit: 50 } })
 * ```
 * @since 0.3.0
 */
export const replace = operation("Qdisc.replace", function* (q: Qdisc) {
  yield* engine.write(q, engine.flags.replace, "qdisc replace")
})

/**
 * Changes an existing qdisc's options, like `tc qdisc change` (kinds that
 * cannot change refuse with EOPNOTSUPP).
 *
 * @example
 * ```ts
 * yield* Qdisc.change({ dev: "eth0", handle: "1:", kind: "tbf", options: { rate: "2mbit", burst: "10kb", limit: 10000 } })
 * ```
 * @since 0.3.0
 */
export const change = operation("Qdisc.change", function* (q: Qdisc) {
  yield* engine.write(q, engine.flags.change, "qdisc change")
})

/**
 * Removes the qdisc at `parent` (and `handle` when given), like `tc qdisc
 * del`; a listed qdisc removes exactly itself.
 *
 * @example
 * ```ts
 * yield* Qdisc.remove({ dev: "eth0", parent: "root", kind: "htb" })
 * ```
 * @since 0.3.0
 */
export const remove = operation("Qdisc.remove", function* (q: Qdisc) {
  yield* engine.remove(q)
})

/**
 * Alias of {@link remove}, as `tc qdisc del`.
 *
 * @example
 * ```ts
 * yield* Qdisc.del({ dev: "eth0", kind: "ingress" })
 * ```
 * @since 0.3.0
 */
export const del = remove

/**
 * The qdisc at `parent` (or with `handle`) on `dev`, asked of the kernel
 * alone (RTM_GETQDISC).
 *
 * @example
 * ```ts
 * const q = yield* Qdisc.get({ dev: "eth0", parent: "root", kind: "htb" })
 * ```
 * @since 0.3.0
 */
export const get = operation("Qdisc.get", function* (q: Qdisc) {
  return (yield* engine.get(q)) as Qdisc
})

/**
 * Which qdiscs `list` returns: of one device, of one kind. The kernel's
 * qdisc dump covers every device, so both are applied here.
 *
 * @example
 * ```ts
 * const f: Qdisc.Filter = { dev: "eth0", kind: "htb" }
 * ```
 * @since 0.3.0
 */
export interface Filter {
  readonly dev?: string | number
  readonly kind?: string
}

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(Schema.Union([P.DeviceName, Schema.Number])),
  kind: Schema.optionalKey(P.stringMaxBytes(15))
})

const plan = (input: Filter | undefined) =>
  Effect.gen(function* () {
    const f = yield* validate(FilterSchema, input ?? {})
    const ifindex = f.dev === undefined ? 0 : yield* linkIndex(f.dev)
    return { request: engine.dumpRequest(0, 0), decode: engine.decoder(ifindex, f.kind) }
  })

/**
 * The decoded messages, as the kernel sent them.
 *
 * @example
 * ```ts
 * const raw = yield* Qdisc.listRaw({ dev: "eth0" })
 * raw[0].options // TCA_OPTIONS bytes
 * ```
 * @since 0.3.0
 */
export const listRaw = operation("Qdisc.listRaw", function* (filter?: Filter) {
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, p.decode, {
    ...engine.requestOptions("qdisc list"),
    retryInterrupted: 3
  })
})

/**
 * The qdiscs (of a device, of a kind), like `tc -s qdisc show`.
 *
 * @example
 * ```ts
 * const qs = yield* Qdisc.list({ dev: "eth0" })
 * // [{ dev: "eth0", parent: "root", handle: "1:", kind: "htb", options: { r2q: 10, default: 16, directQlen: 1000 }, status: { stats: ... } }]
 * ```
 * @since 0.3.0
 */
export const list = operation("Qdisc.list", function* (filter?: Filter) {
  const raw = yield* listRaw(filter)
  const names = yield* linkNames
  return raw.map((m) => fromMessage(m, names))
})

/**
 * Like {@link list}, read as the consumer pulls.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Qdisc.stream(), (q) => Effect.log(q.kind))
 * ```
 * @since 0.3.0
 */
export const stream = (filter?: Filter): Stream.Stream<Qdisc, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const names = yield* linkNames
      const { route } = yield* Netlink
      return route
        .dump(p.request, p.decode, engine.requestOptions("qdisc list"))
        .pipe(Stream.map((m) => fromMessage(m, names)))
    })
  )

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Qdisc.streamRaw(), (m) => Effect.log(m.kind))
 * ```
 * @since 0.3.0
 */
export const streamRaw = (filter?: Filter): Stream.Stream<QdiscMessage, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const { route } = yield* Netlink
      return route.dump(p.request, p.decode, engine.requestOptions("qdisc list"))
    })
  )
