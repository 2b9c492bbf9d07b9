/**
 * Standalone traffic control actions, as `tc actions` manages them: add,
 * replace, remove, get by kind and index, list per kind (optionally terse),
 * flush a kind. A standalone action has a shared index; filters bind to it
 * by giving the same kind and index (their `bindcnt` counts them). The
 * shape is the one filters carry in `actions` ({@link Filter.Action}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Action, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Action.add({ kind: "police", index: 1, options: { rate: "1mbit", burst: "10kb", exceed: "drop" } })
 *   return yield* Action.list("police")
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import {
  type ActionMessage,
  ActionMessageMeta,
  ActionMessageTypes,
  decodeActionMessage,
  TCA_ACT_FLAG_TERSE_DUMP,
  TCA_FLAG_LARGE_DUMP_ON,
  TcamsgSize
} from "../generated/tc-action/index.ts"
import { describePath } from "../runtime/Describe.ts"
import * as P from "../runtime/Primitives.ts"
import type { Writer } from "../runtime/Wire.ts"
import {
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLM_F_ROOT,
  operation,
  validate
} from "./internal/Common.ts"
import type { ObjectType } from "./internal/Model.ts"
import { type LinkNames, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import type { Action as FilterAction } from "./Filter.ts"
import * as Actions from "./tc/action/Engine.ts"

export type { BpfActionOptions, BpfInstruction } from "./tc/action/kinds/bpf.ts"
export type { CtHelper } from "./tc/action/kinds/ct.ts"
export type { GateEntry, GateOptions } from "./tc/action/kinds/gate.ts"
export type { IfeMeta, IfeOptions } from "./tc/action/kinds/ife.ts"

/**
 * An action: its kind, options, shared index, cookie and flags; counters,
 * `refcnt` and `bindcnt` under `status`.
 *
 * @example
 * ```ts
 * const a: Action.Action = { kind: "gact", index: 5, options: { action: "drop" } }
 * ```
 * @since 0.3.0
 */
export type Action = FilterAction

/**
 * The Schema of {@link Action}: one member per kind.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Action.schema)({ kind: "gact", options: { action: "pass" } })
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Action, any> = Actions.actionSchema as any

/**
 * The canonical form: the kind's defaults filled in, control actions by
 * their names, status dropped.
 *
 * @example
 * ```ts
 * Action.canonical({ kind: "gact" }) // { kind: "gact", options: { action: "pass" } }
 * ```
 * @since 0.3.0
 */
export const canonical: (a: Action) => Action = Actions.canonical as any

/**
 * Same configuration (status ignored; the index compared when both give it).
 *
 * @example
 * ```ts
 * Action.equals({ kind: "gact", options: { action: "ok" } }, { kind: "gact", options: { action: "pass" } }) // true
 * ```
 * @since 0.3.0
 */
export const equals: (a: Action, b: Action) => boolean = Actions.equals as any

/**
 * The identity of a standalone action: kind and index.
 *
 * @example
 * ```ts
 * Action.key({ kind: "gact", index: 5 }) // "gact|5"
 * ```
 * @since 0.3.0
 */
export const key = (a: Action): string => `${a.kind}|${a.index ?? ""}`

/**
 * The action object type.
 *
 * @example
 * ```ts
 * Action.model.equals(listed, wanted)
 * ```
 * @since 0.3.0
 */
export const model: ObjectType<Action> = { name: "action", schema, key, equals, canonical }

/**
 * The actions of a decoded RTM_NEWACTION (a dump message carries several).
 *
 * @example
 * ```ts
 * const raw = yield* Action.listRaw("gact")
 * raw.flatMap((m) => Action.fromMessage(m))
 * ```
 * @since 0.3.0
 */
export const fromMessage = (m: ActionMessage, names?: LinkNames): Array<Action> =>
  (m.tab ?? []).map((a) => Actions.fromAttrs(a, names) as Action)

const requestOptions = (operation: string) => ({
  headerLength: TcamsgSize,
  describePath: (t: ReadonlyArray<number>) => describePath(ActionMessageMeta, t),
  operation
})

/** tcamsg, then TCA_ACT_TAB with the actions numbered from 1 (plain nests, as `tc` writes them). */
const build = (
  type: number,
  flags: number,
  entries: ReadonlyArray<Parameters<typeof Actions.writeAttrs>[1]>,
  rootFlags?: number
): Uint8Array =>
  buildMessage(type, flags, (w: Writer) => {
    w.zeros(TcamsgSize)
    const tab = w.nestStart(1, false)
    for (let i = 0; i < entries.length; i++) {
      const s = w.nestStart(i + 1, false)
      Actions.writeAttrs(w, entries[i])
      w.attrEnd(s)
    }
    w.attrEnd(tab)
    if (rootFlags !== undefined) {
      const s = w.attrStart(2)
      w.u32(rootFlags)
      w.u32(rootFlags)
      w.attrEnd(s)
    }
  })

const FLAGS = { add: NLM_F_CREATE | NLM_F_EXCL, replace: NLM_F_CREATE | NLM_F_REPLACE } as const

const checked = (input: Action) =>
  Effect.flatMap(validate(schema, input), (a) => {
    const bad = Actions.checkActions([a], "actions")
    return bad === undefined ? Effect.succeed(a) : Effect.fail(bad)
  })

/**
 * The request bytes `tc actions add|replace|del|get` sends for actions;
 * `devices` maps the device names they give (mirred's `dev`) to indexes
 * (pure; the input must be valid).
 *
 * @example
 * ```ts
 * Action.request("add", [{ kind: "gact", index: 5, options: { action: "drop" } }])
 * ```
 * @since 0.3.0
 */
export const request = (
  command: "add" | "replace" | "remove" | "get",
  actions: ReadonlyArray<Action>,
  devices: Readonly<Record<string, number>> = {}
): Uint8Array => {
  if (command === "remove" || command === "get")
    return build(
      command === "remove" ? ActionMessageTypes.RTM_DELACTION : ActionMessageTypes.RTM_GETACTION,
      0,
      actions.map((a) => Actions.toAttrs(a, {}, false))
    )
  const resolved = actions.map(
    (a: any): Record<string, number> =>
      a.options?.dev === undefined
        ? {}
        : { dev: typeof a.options.dev === "number" ? a.options.dev : (devices[a.options.dev] ?? 0) }
  )
  return build(
    ActionMessageTypes.RTM_NEWACTION,
    FLAGS[command],
    actions.map((a, i) => Actions.toAttrs(a, resolved[i], true))
  )
}

const write = (input: Action, flags: number, operation: string) =>
  Effect.gen(function* () {
    const valid = yield* checked(input)
    const [devices] = yield* Actions.resolveDevices([valid])
    const { route } = yield* Netlink
    // what the kind holds open for the request (bpf's pinned program) lives until the ack
    yield* Actions.withOpen([valid], ([a]) =>
      route.request(
        build(ActionMessageTypes.RTM_NEWACTION, flags, [Actions.toAttrs(a, devices, true)]),
        requestOptions(operation)
      )
    )
  })

/**
 * Adds a standalone action, like `tc actions add`; EEXIST when its index is
 * taken (the kernel picks an index when none is given).
 *
 * @example
 * ```ts
 * yield* Action.add({ kind: "gact", index: 5, options: { action: "drop" } })
 * ```
 * @since 0.3.0
 */
export const add = operation("Action.add", function* (a: Action) {
  yield* write(a, FLAGS.add, "action add")
})

/**
 * Adds the action or replaces the one with that index, like `tc actions
 * replace`.
 *
 * @example
 * ```ts
 * yield* Action.replace({ kind: "gact", index: 5, options: { action: "pass" } })
 * ```
 * @since 0.3.0
 */
export const replace = operation("Action.replace", function* (a: Action) {
  yield* write(a, FLAGS.replace, "action replace")
})

const Ref = Schema.Struct({
  kind: P.stringMaxBytes(15),
  index: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xffffffff }))
})

const byRef = (a: { readonly kind: string; readonly index?: number | undefined }, operation: string) =>
  Effect.gen(function* () {
    if (a.index === undefined)
      return yield* Effect.fail(invalid("index", `${operation} needs the action's index`))
    const r = yield* validate(Ref, { kind: a.kind, index: a.index })
    return Actions.toAttrs(r, {}, false)
  })

/**
 * Removes the standalone action of that kind and index, like `tc actions
 * del`; EPERM-like errors come back while filters still hold it.
 *
 * @example
 * ```ts
 * yield* Action.remove({ kind: "gact", index: 5 })
 * ```
 * @since 0.3.0
 */
export const remove = operation(
  "Action.remove",
  function* (a: { readonly kind: string; readonly index?: number | undefined }) {
    const attrs = yield* byRef(a, "remove")
    const { route } = yield* Netlink
    yield* route.request(build(ActionMessageTypes.RTM_DELACTION, 0, [attrs]), requestOptions("action remove"))
  }
)

/**
 * Alias of {@link remove}.
 *
 * @example
 * ```ts
 * yield* Action.del({ kind: "gact", index: 5 })
 * ```
 * @since 0.3.0
 */
export const del = remove

const decodeBody = (buf: Uint8Array, view: DataView, start: number, end: number) =>
  decodeActionMessage(buf, view, start + 16, end)

/**
 * The action of that kind and index, asked of the kernel (`tc actions get`).
 *
 * @example
 * ```ts
 * const a = yield* Action.get({ kind: "gact", index: 5 })
 * a.status?.bindcnt // filters using it
 * ```
 * @since 0.3.0
 */
export const get = operation(
  "Action.get",
  function* (a: { readonly kind: string; readonly index?: number | undefined }) {
    const attrs = yield* byRef(a, "get")
    const { route } = yield* Netlink
    const raw = yield* route.requestReply(
      build(ActionMessageTypes.RTM_GETACTION, 0, [attrs]),
      decodeBody,
      requestOptions("action get")
    )
    const names = yield* linkNames
    const [found] = fromMessage(raw, names)
    if (found === undefined)
      return yield* Effect.fail(invalid("index", "the kernel answered without the action"))
    return found
  }
)

/**
 * Options of {@link list}: `terse` asks the kernel for kind, index and
 * statistics only (TCA_ACT_FLAG_TERSE_DUMP: no options), cheaper for many
 * actions.
 *
 * @example
 * ```ts
 * yield* Action.list("gact", { terse: true })
 * ```
 * @since 0.3.0
 */
export interface ListOptions {
  readonly terse?: boolean | undefined
}

const dumpRequest = (kind: string, terse: boolean) =>
  build(
    ActionMessageTypes.RTM_GETACTION,
    NLM_F_DUMP,
    [{ kind }],
    TCA_FLAG_LARGE_DUMP_ON | (terse ? TCA_ACT_FLAG_TERSE_DUMP : 0)
  )

/**
 * The decoded messages of a kind's dump, as the kernel sent them.
 *
 * @example
 * ```ts
 * const raw = yield* Action.listRaw("police")
 * raw[0].count // actions in this message
 * ```
 * @since 0.3.0
 */
export const listRaw = operation("Action.listRaw", function* (kind: string, options?: ListOptions) {
  const k = yield* validate(P.stringMaxBytes(15), kind, "kind")
  const { route } = yield* Netlink
  return yield* route.dumpAll(
    dumpRequest(k, options?.terse === true),
    // the kernel answers an action dump with messages of the request's type (RTM_GETACTION)
    (buf, view, start, end, type) =>
      type === ActionMessageTypes.RTM_NEWACTION || type === ActionMessageTypes.RTM_GETACTION
        ? decodeActionMessage(buf, view, start + 16, end)
        : undefined,
    { ...requestOptions("action list"), retryInterrupted: 3 }
  )
})

/**
 * Every action of a kind, standalone or bound to filters, like `tc -s
 * actions list action KIND`.
 *
 * @example
 * ```ts
 * const all = yield* Action.list("mirred")
 * // [{ kind: "mirred", index: 1, options: { direction: "egress", mode: "redirect", dev: "eth1", action: "stolen" }, status: { refcnt: 1, bindcnt: 1, ... } }]
 * ```
 * @since 0.3.0
 */
export const list = operation("Action.list", function* (kind: string, options?: ListOptions) {
  const raw = yield* listRaw(kind, options)
  const names = yield* linkNames
  return raw.flatMap((m) => fromMessage(m, names))
})

/**
 * Removes every standalone action of a kind, like `tc actions flush action
 * KIND` (actions filters hold stay).
 *
 * @example
 * ```ts
 * yield* Action.flush("gact")
 * ```
 * @since 0.3.0
 */
export const flush = operation("Action.flush", function* (kind: string) {
  const k = yield* validate(P.stringMaxBytes(15), kind, "kind")
  const { route } = yield* Netlink
  yield* route.request(
    build(ActionMessageTypes.RTM_DELACTION, NLM_F_ROOT, [{ kind: k }], TCA_FLAG_LARGE_DUMP_ON),
    requestOptions("action flush")
  )
})

/**
 * The request `flush` sends (pure).
 *
 * @example
 * ```ts
 * Action.flushRequest("gact")
 * ```
 * @since 0.3.0
 */
export const flushRequest = (kind: string): Uint8Array =>
  build(ActionMessageTypes.RTM_DELACTION, NLM_F_ROOT, [{ kind }], TCA_FLAG_LARGE_DUMP_ON)

/**
 * The object `tc actions add` takes the same words for (the words after the verb),
 * or a Validation error naming the keyword; nothing is sent.
 *
 * @example
 * ```ts
 * Action.parse("action mirred egress redirect dev eth1 index 3")
 * ```
 * @since 0.4.0
 */
export { parse } from "./parse/tc/Action.ts"
