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
import { release } from "node:os"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type QdiscMessage, QdiscMessageTypes } from "../generated/tc/index.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as NetlinkErrors from "../runtime/NetlinkError.ts"
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
import type { CbsOptions } from "./tc/kinds/cbs.ts"
import type { Dualpi2Options } from "./tc/kinds/dualpi2.ts"
import type { EtfOptions } from "./tc/kinds/etf.ts"
import type { EtsOptions } from "./tc/kinds/ets.ts"
import type { HfscOptions } from "./tc/kinds/hfsc.ts"
import type { MqprioOptions } from "./tc/kinds/mqprio.ts"
import type { TaprioOptions } from "./tc/kinds/taprio.ts"
import type { GredOptions, GredQueue } from "./tc/kinds/gred.ts"
import { qdiscKinds, qdiscKindSince } from "./tc/registry.ts"

export type { CodelOptions, FifoOptions, FqCodelOptions, HtbOptions, PrioOptions, TbfOptions }
export type { CbsOptions, Dualpi2Options, EtfOptions, EtsOptions, HfscOptions, MqprioOptions, TaprioOptions }
export type { GredOptions, GredQueue }
export type { Stats, Status } from "./tc/Engine.ts"

interface Common {
  /** The device, by name or index (listed qdiscs name it). */
  readonly dev: string | number
  /** Where the qdisc hangs: "root" (default), "ingress", or a class ("1:10"). */
  readonly parent?: Handle.Handle | undefined
  /** The qdisc's handle ("1:"); the kernel picks one when none is given. */
  readonly handle?: Handle.Handle | undefined
  /** ingress/clsact: the shared block (a number) whose filters the ingress hook runs. */
  readonly ingressBlock?: number | undefined
  /** clsact: the shared block whose filters the egress hook runs. */
  readonly egressBlock?: number | undefined
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
    | { readonly kind: "hfsc"; readonly options?: HfscOptions | undefined }
    | { readonly kind: "drr" | "qfq" | "mq" | "multiq"; readonly options?: {} | undefined }
    | { readonly kind: "ets"; readonly options: EtsOptions }
    | { readonly kind: "mqprio"; readonly options: MqprioOptions }
    | { readonly kind: "taprio"; readonly options: TaprioOptions }
    | { readonly kind: "gred"; readonly options: GredOptions }
    | { readonly kind: "etf"; readonly options: EtfOptions }
    | { readonly kind: "cbs"; readonly options?: CbsOptions | undefined }
    | { readonly kind: "dualpi2"; readonly options?: Dualpi2Options | undefined }
    | { readonly kind: string & {}; readonly options?: object | undefined }
  )

// shared blocks (TCA_INGRESS_BLOCK / TCA_EGRESS_BLOCK) sit beside the engine's fields
const Block = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xfffffffe }))

const engine = Engine.make({
  name: "qdisc",
  extraFields: { ingressBlock: Schema.optional(Block), egressBlock: Schema.optional(Block) },
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
export const fromMessage = (m: QdiscMessage, names?: LinkNames): Qdisc => {
  const q: any = engine.fromMessage(m, names)
  if (m.ingressBlock === undefined && m.egressBlock === undefined) return q
  const { status, ...rest } = q
  return { ...rest, ...blocksOf(m), status }
}

const blocksOf = (b: {
  readonly ingressBlock?: number | undefined
  readonly egressBlock?: number | undefined
}) => {
  const out: { ingressBlock?: number; egressBlock?: number } = {}
  if (b.ingressBlock !== undefined && b.ingressBlock !== 0) out.ingressBlock = b.ingressBlock
  if (b.egressBlock !== undefined && b.egressBlock !== 0) out.egressBlock = b.egressBlock
  return out
}
const withoutBlocks = (q: Qdisc): Qdisc => {
  if (q.ingressBlock === undefined && q.egressBlock === undefined) return q
  const { ingressBlock: _i, egressBlock: _e, ...rest } = q as any
  return rest
}

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
export const canonical = (q: Qdisc): Qdisc => ({
  ...(engine.canonical(withoutBlocks(q) as any) as any),
  ...blocksOf(q)
})

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
export const equals = (a: Qdisc, b: Qdisc): boolean =>
  engine.equals(withoutBlocks(a) as any, withoutBlocks(b) as any) &&
  (a.ingressBlock ?? 0) === (b.ingressBlock ?? 0) &&
  (a.egressBlock ?? 0) === (b.egressBlock ?? 0)

/**
 * The identity: device and parent (one qdisc per slot).
 *
 * @example
 * ```ts
 * Qdisc.key({ dev: "eth0", kind: "htb" }) // "eth0|root"
 * ```
 * @since 0.3.0
 */
export const key = (q: Qdisc): string => engine.key(withoutBlocks(q) as any)

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
    ? engine.build(
        QdiscMessageTypes.RTM_DELQDISC,
        0,
        engine.toMessage(withoutBlocks(q) as any, ifindex, false)
      )
    : engine.build(QdiscMessageTypes.RTM_NEWQDISC, engine.flags[command], {
        ...engine.toMessage(withoutBlocks(q) as any, ifindex, true),
        ...blocksOf(q)
      })

/**
 * Every request `tc` sends for one command, in order: {@link request}'s,
 * then the kind's changes of what it made (gred: the table, then one change
 * per virtual queue).
 *
 * @example
 * ```ts
 * Qdisc.requests("add", { dev: "d0", handle: "1:", kind: "gred", options: { vqs: 2, default: 0, queues: [{ dp: 0, limit: "60KB", min: "15KB", max: "45KB" }] } }, 3).length // 2
 * ```
 * @since 0.3.0
 */
export const requests = (
  command: "add" | "replace" | "change",
  q: Qdisc,
  ifindex: number
): Array<Uint8Array> =>
  engine.requests(
    withoutBlocks(q) as any,
    { ...engine.toMessage(withoutBlocks(q) as any, ifindex, true), ...blocksOf(q) },
    engine.flags[command]
  )

// a kind some kernels lack: their "kind is unknown" answer says since when and with which option it exists
const newerKind = <A, R>(
  q: Qdisc,
  write: Effect.Effect<A, NetlinkError, R>
): Effect.Effect<A, NetlinkError, R> => {
  const since = qdiscKindSince[q.kind]
  if (since === undefined) return write
  return Effect.catchIf(
    write,
    (e) =>
      e.reason._tag === "Kernel" &&
      e.reason.code === "ENOENT" &&
      /kind is unknown/.test(e.reason.extack?.message ?? ""),
    (e) =>
      Effect.fail(
        NetlinkErrors.make(
          new NetlinkErrors.Kernel({
            ...(e.reason as NetlinkErrors.Kernel),
            operation: `qdisc ${q.kind}: this kernel (${release()}) does not have it; Linux ${since.linux} and later have it when built with ${since.config}`
          })
        )
      )
  )
}

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
  yield* newerKind(q, writeWithBlocks(q, engine.flags.add, "qdisc add"))
})

const writeWithBlocks = (q: Qdisc, flags: number, operation: string) =>
  Effect.gen(function* () {
    // the Schema checks the blocks with the kind's options
    const o = (yield* engine.check(q)) as Qdisc
    const ifindex = yield* linkIndex(o.dev)
    const m = { ...engine.toMessage(withoutBlocks(o) as any, ifindex, true), ...blocksOf(o) }
    yield* engine.send(o as any, m, flags, operation)
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
  yield* newerKind(q, writeWithBlocks(q, engine.flags.replace, "qdisc replace"))
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
  yield* writeWithBlocks(q, engine.flags.change, "qdisc change")
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
  yield* engine.remove(withoutBlocks(q))
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
  const got: any = yield* engine.get(withoutBlocks(q), fromMessage as any)
  return got as Qdisc
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

/**
 * The object `tc qdisc add` takes the same words for (the words after the verb),
 * or a Validation error naming the keyword; nothing is sent.
 *
 * @example
 * ```ts
 * Qdisc.parse("dev eth0 root handle 1: htb default 10")
 * // { dev: "eth0", parent: "root", handle: "1:", kind: "htb", options: { default: 0x10 } }
 * ```
 * @since 0.4.0
 */
export { parse } from "./parse/tc/Qdisc.ts"
