/**
 * Traffic control classes, as `tc class` manages them: add, replace,
 * change, remove, get, list and stream. An object is the device, its
 * `parent` ("root" for a class right under its qdisc, or a parent class
 * "1:10"), its `classid` ("1:20"), the `kind` (its qdisc's) and the kind's
 * `options` in `tc`'s units; statistics are under `status`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Class, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Class.add({ dev: "eth0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "100mbit" } })
 *   return yield* Class.list({ dev: "eth0" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type QdiscMessage, type TclassMessage, TclassMessageTypes } from "../generated/tc/index.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { buildMessage, NLM_F_DUMP, operation, validate } from "./internal/Common.ts"
import type { ObjectType } from "./internal/Model.ts"
import { type LinkNames, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import * as Engine from "./tc/Engine.ts"
import * as Handle from "./tc/Handle.ts"
import type { DrrClassOptions } from "./tc/kinds/drr.ts"
import type { EtsClassOptions } from "./tc/kinds/ets.ts"
import type { HfscClassOptions } from "./tc/kinds/hfsc.ts"
import type { HtbClassOptions } from "./tc/kinds/htb.ts"
import type { QfqClassOptions } from "./tc/kinds/qfq.ts"
import { classKinds } from "./tc/registry.ts"

export type { DrrClassOptions, EtsClassOptions, HfscClassOptions, HtbClassOptions, QfqClassOptions }
export type { Stats, Status } from "./tc/Engine.ts"

/**
 * A class: what `list`/`get`/`stream` return and `add`/`replace`/`change`/
 * `remove` take. Classes of kinds the library does not describe are listed
 * with their `kind` and no options.
 *
 * @example
 * ```ts
 * const c: Class.Class = { dev: "eth0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "10mbit", ceil: "20mbit" } }
 * ```
 * @since 0.3.0
 */
export type Class = {
  /** The device, by name or index (listed classes name it). */
  readonly dev: string | number
  /** The parent: its qdisc ("1:", read back as "root") or a class ("1:10"). */
  readonly parent?: Handle.Handle | undefined
  /** The class id ("1:10"). */
  readonly classid: Handle.Handle
  /** What the kernel reports: statistics and the kind's xstats; add/remove ignore it. */
  readonly status?: Engine.Status | undefined
} & (
  | { readonly kind: "htb"; readonly options: HtbClassOptions }
  | { readonly kind: "hfsc"; readonly options: HfscClassOptions }
  | { readonly kind: "drr"; readonly options?: DrrClassOptions | undefined }
  | { readonly kind: "qfq"; readonly options?: QfqClassOptions | undefined }
  | { readonly kind: "ets"; readonly options?: EtsClassOptions | undefined }
  | { readonly kind: string & {}; readonly options?: object | undefined }
)

const engine = Engine.make({
  name: "class",
  id: "classid",
  kinds: classKinds,
  types: {
    add: TclassMessageTypes.RTM_NEWTCLASS,
    del: TclassMessageTypes.RTM_DELTCLASS,
    get: TclassMessageTypes.RTM_GETTCLASS
  }
})

/**
 * The Schema of {@link Class}.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Class.schema)({ dev: "eth0", classid: "1:10", kind: "htb", options: { rate: "1mbit" } })
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Class, any> = engine.schema as any

/**
 * The class a decoded RTM_NEWTCLASS describes; `names` names devices.
 *
 * @example
 * ```ts
 * const raw = yield* Class.listRaw({ dev: "eth0" })
 * raw.map((m) => Class.fromMessage(m))
 * ```
 * @since 0.3.0
 */
export const fromMessage: (m: TclassMessage, names?: LinkNames) => Class = engine.fromMessage as any

/**
 * The canonical form: parent "root" for a class right under its qdisc,
 * handles in `tc`'s notation, options with defaults in base units.
 *
 * @example
 * ```ts
 * Class.canonical({ dev: "d0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "1mbit" } })
 * ```
 * @since 0.3.0
 */
export const canonical: (c: Class) => Class = engine.canonical as any

/**
 * Same configuration (status ignored; an option the kernel picks, such as
 * htb's quantum, compared only when both sides give it).
 *
 * @example
 * ```ts
 * Class.equals(wanted, listed)
 * ```
 * @since 0.3.0
 */
export const equals: (a: Class, b: Class) => boolean = engine.equals as any

/**
 * The identity: device and class id.
 *
 * @example
 * ```ts
 * Class.key({ dev: "eth0", classid: "1:10", kind: "htb", options: { rate: 8000 } }) // "eth0|1:10"
 * ```
 * @since 0.3.0
 */
export const key: (c: Class) => string = engine.key as any

/**
 * The class object type.
 *
 * @example
 * ```ts
 * Class.model.key(listed)
 * ```
 * @since 0.3.0
 */
export const model: ObjectType<Class> = { name: "class", schema, key, equals, canonical }

/**
 * The request bytes `tc class add|replace|change|del` sends (pure; the
 * input must be valid).
 *
 * @example
 * ```ts
 * Class.request("add", { dev: "d0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "100mbit" } }, 3)
 * ```
 * @since 0.3.0
 */
export const request = (
  command: "add" | "replace" | "change" | "remove",
  c: Class,
  ifindex: number
): Uint8Array =>
  command === "remove"
    ? engine.build(TclassMessageTypes.RTM_DELTCLASS, 0, { ...engine.toMessage(c, ifindex, false), parent: 0 })
    : engine.build(
        TclassMessageTypes.RTM_NEWTCLASS,
        engine.flags[command],
        engine.toMessage(c, ifindex, true)
      )

/**
 * Adds a class, like `tc class add`.
 *
 * @example
 * ```ts
 * yield* Class.add({ dev: "eth0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "100mbit", ceil: "1gbit" } })
 * ```
 * @since 0.3.0
 */
export const add = operation("Class.add", function* (c: Class) {
  yield* engine.write(c, engine.flags.add, "class add")
})

/**
 * Adds or replaces a class, like `tc class replace`.
 *
 * @example
 * ```ts
 * yield* Class.replace({ dev: "eth0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "50mbit" } })
 * ```
 * @since 0.3.0
 */
export const replace = operation("Class.replace", function* (c: Class) {
  yield* engine.write(c, engine.flags.replace, "class replace")
})

/**
 * Changes a class's options, like `tc class change`.
 *
 * @example
 * ```ts
 * yield* Class.change({ dev: "eth0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: "20mbit" } })
 * ```
 * @since 0.3.0
 */
export const change = operation("Class.change", function* (c: Class) {
  yield* engine.write(c, engine.flags.change, "class change")
})

/**
 * Removes a class by its id, like `tc class del`.
 *
 * @example
 * ```ts
 * yield* Class.remove({ dev: "eth0", classid: "1:10", kind: "htb", options: { rate: 8000 } })
 * ```
 * @since 0.3.0
 */
export const remove = operation("Class.remove", function* (c: Class) {
  const o = yield* engine.check(c)
  const ifindex = yield* linkIndex(o.dev)
  const { route } = yield* Netlink
  yield* route.request(request("remove", o as Class, ifindex), engine.requestOptions("class remove"))
})

/**
 * Alias of {@link remove}.
 *
 * @example
 * ```ts
 * yield* Class.del(listed)
 * ```
 * @since 0.3.0
 */
export const del = remove

/**
 * One class, asked of the kernel alone (RTM_GETTCLASS).
 *
 * @example
 * ```ts
 * const c = yield* Class.get({ dev: "eth0", parent: "1:", classid: "1:10", kind: "htb", options: { rate: 8000 } })
 * ```
 * @since 0.3.0
 */
export const get = operation("Class.get", function* (c: Class) {
  return (yield* engine.get(c)) as Class
})

/**
 * Which classes `list` returns: of one device (all devices without one:
 * one dump per device), under one qdisc (`qdisc: "1:"`, applied by the
 * kernel).
 *
 * @example
 * ```ts
 * const f: Class.Filter = { dev: "eth0", qdisc: "1:" }
 * ```
 * @since 0.3.0
 */
export interface Filter {
  readonly dev?: string | number
  readonly qdisc?: Handle.Handle
}

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(Schema.Union([P.DeviceName, Schema.Number])),
  qdisc: Schema.optionalKey(Handle.schema)
})

// one dump per device: the kernel's class dump is per device (tcm_ifindex)
const plans = (input: Filter | undefined) =>
  Effect.gen(function* () {
    const f = yield* validate(FilterSchema, input ?? {})
    const parent = f.qdisc === undefined ? 0 : (Handle.parse(f.qdisc)! & 0xffff0000) >>> 0
    const names = yield* linkNames
    let indexes: Array<number>
    if (f.dev !== undefined) indexes = [yield* linkIndex(f.dev)]
    else {
      const { route } = yield* Netlink
      indexes = [
        ...(yield* route.dumpAll(
          linkDump(),
          (_b, view, start, _e, type) => (type === 16 ? view.getInt32(start + 16 + 4, true) : undefined),
          { headerLength: 16, operation: "class list: links", retryInterrupted: 3 }
        ))
      ]
    }
    return {
      names,
      dumps: indexes.map((i) => ({
        request: engine.dumpRequest(i, parent),
        decode: engine.decoder(i, undefined)
      }))
    }
  })

// every link's index (no statistics asked for)
const linkDump = (): Uint8Array =>
  buildMessage(18 /* RTM_GETLINK */, NLM_F_DUMP, (w) => {
    w.zeros(16)
    w.attrU32(29 /* IFLA_EXT_MASK */, 1 << 3 /* RTEXT_FILTER_SKIP_STATS */)
  })

/**
 * The decoded messages, as the kernel sent them.
 *
 * @example
 * ```ts
 * const raw = yield* Class.listRaw({ dev: "eth0" })
 * ```
 * @since 0.3.0
 */
export const listRaw = operation("Class.listRaw", function* (filter?: Filter) {
  const p = yield* plans(filter)
  const { route } = yield* Netlink
  const out: Array<QdiscMessage> = []
  for (const d of p.dumps)
    out.push(
      ...(yield* route.dumpAll(d.request, d.decode, {
        ...engine.requestOptions("class list"),
        retryInterrupted: 3
      }))
    )
  return out as ReadonlyArray<TclassMessage>
})

/**
 * The classes (of a device, under a qdisc), like `tc -s class show`.
 *
 * @example
 * ```ts
 * const cs = yield* Class.list({ dev: "eth0" })
 * // [{ dev: "eth0", parent: "root", classid: "1:10", kind: "htb", options: { rate: 100000000, ... }, status: { stats: ..., xstats: ... } }]
 * ```
 * @since 0.3.0
 */
export const list = operation("Class.list", function* (filter?: Filter) {
  const p = yield* plans(filter)
  const { route } = yield* Netlink
  const out: Array<Class> = []
  for (const d of p.dumps) {
    const raw = yield* route.dumpAll(d.request, d.decode, {
      ...engine.requestOptions("class list"),
      retryInterrupted: 3
    })
    for (const m of raw) out.push(fromMessage(m, p.names))
  }
  return out
})

/**
 * Like {@link list}, read as the consumer pulls (one datagram at a time):
 * for devices with many classes.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Class.stream({ dev: "eth0" }), (c) => Effect.log(c.classid))
 * ```
 * @since 0.3.0
 */
export const stream = (filter?: Filter): Stream.Stream<Class, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plans(filter)
      const { route } = yield* Netlink
      return Stream.flatMap(Stream.fromIterable(p.dumps), (d) =>
        route
          .dump(d.request, d.decode, engine.requestOptions("class list"))
          .pipe(Stream.map((m) => fromMessage(m, p.names)))
      )
    })
  )

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Class.streamRaw({ dev: "eth0" }), (m) => Effect.log(m.handle))
 * ```
 * @since 0.3.0
 */
export const streamRaw = (filter?: Filter): Stream.Stream<TclassMessage, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plans(filter)
      const { route } = yield* Netlink
      return Stream.flatMap(Stream.fromIterable(p.dumps), (d) =>
        route.dump(d.request, d.decode, engine.requestOptions("class list"))
      )
    })
  )

/**
 * The object `tc class add` takes the same words for (the words after the verb),
 * or a Validation error naming the keyword; nothing is sent.
 *
 * @example
 * ```ts
 * Class.parse("dev eth0 parent 1: classid 1:10 htb rate 1mbit ceil 2mbit")
 * ```
 * @since 0.4.0
 */
export { parse } from "./parse/tc/Class.ts"
