/**
 * Filter chains, as `tc chain` manages them: add (optionally with a
 * template: the filter kind, protocol and options mask every filter of the
 * chain must fit), remove, list per device parent or block. Filters name
 * their chain with {@link Filter.Filter}'s `chain`; actions jump to one with
 * "goto chain N".
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Chain, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Chain.add({ dev: "eth0", parent: "ingress", chain: 5 })
 *   return yield* Chain.list({ dev: "eth0", parent: "ingress" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import {
  ChainMessageTypes,
  decodeChainMessage,
  encodeChainMessage,
  type FilterMessage,
  FilterMessageMeta,
  TCM_IFINDEX_MAGIC_BLOCK,
  TcmsgSize
} from "../generated/tc-filter/index.ts"
import { describePath } from "../runtime/Describe.ts"
import * as P from "../runtime/Primitives.ts"
import { DecodeFailure, Writer } from "../runtime/Wire.ts"
import {
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  operation,
  validate
} from "./internal/Common.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import { type LinkNames, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import { formatParent, parseParent } from "./Filter.ts"
import * as Protocol from "./tc/filter/Protocol.ts"
import { filterKinds } from "./tc/filter/registry.ts"
import type * as Handle from "./tc/Handle.ts"

/**
 * A chain of a device's parent ("ingress", "egress", "1:") or of a shared
 * block, with its optional template.
 *
 * @example
 * ```ts
 * const c: Chain.Chain = { dev: "eth0", parent: "ingress", chain: 5 }
 * ```
 * @since 0.3.0
 */
export interface Chain {
  readonly dev?: string | number | undefined
  readonly block?: number | undefined
  readonly parent?: Handle.Handle | undefined
  readonly chain: number
  /** The filter kind, protocol and options (masks) every filter of the chain must have. */
  readonly template?:
    | {
        readonly kind: string
        readonly protocol?: Protocol.Protocol | undefined
        readonly options?: object | undefined
      }
    | undefined
}

const byKind = new Map(filterKinds.map((k) => [k.kind, k]))
const Dev = Schema.Union([P.InterfaceName, Schema.Number])
const Block = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xfffffffe }))
const Parent = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter(
    (p: Handle.Handle) => parseParent(p) !== undefined || "a filter parent (ingress, egress, 1:)",
    {
      expected: "a filter parent"
    }
  )
)

/**
 * The Schema of {@link Chain}.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Chain.schema)({ dev: "eth0", parent: "ingress", chain: 1 })
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Chain, any> = Schema.Struct({
  dev: Schema.optional(Dev),
  block: Schema.optional(Block),
  parent: Schema.optional(Parent),
  chain: Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff })),
  template: Schema.optional(
    Schema.Struct({
      kind: Schema.Literals(filterKinds.map((k) => k.kind)),
      protocol: Schema.optional(Protocol.schema),
      options: Schema.optional(Schema.Record(Schema.String, Schema.Any))
    })
  )
}) as any

/**
 * The chain a decoded RTM_NEWCHAIN describes.
 *
 * @example
 * ```ts
 * (yield* Chain.listRaw({ dev: "eth0", parent: "ingress" })).map((m) => Chain.fromMessage(m))
 * ```
 * @since 0.3.0
 */
export const fromMessage = (m: FilterMessage, names?: LinkNames): Chain => {
  const out: any =
    m.ifindex === -1 || m.ifindex >>> 0 === TCM_IFINDEX_MAGIC_BLOCK
      ? { block: m.parent }
      : { dev: names === undefined ? m.ifindex : names(m.ifindex), parent: formatParent(m.parent) }
  out.chain = m.chain ?? 0
  if (m.kind !== undefined) {
    const template: any = {
      kind: m.kind,
      protocol: Protocol.format(((m.info & 0xff) << 8) | ((m.info >>> 8) & 0xff))
    }
    const k = byKind.get(m.kind)
    if (k !== undefined && m.options !== undefined) {
      const b = m.options
      try {
        const opts = k.fromKernel(
          k.decode(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length),
          (i) => i
        )
        if (Object.keys(opts).length > 0) template.options = opts
      } catch (e) {
        if (!(e instanceof DecodeFailure)) throw e
      }
    }
    out.template = template
  }
  return out
}

/**
 * The canonical form (parent by name, template options with their defaults).
 *
 * @example
 * ```ts
 * Chain.canonical({ dev: "eth0", parent: "ffff:fff2", chain: 1 }) // { dev: "eth0", parent: "ingress", chain: 1 }
 * ```
 * @since 0.3.0
 */
export const canonical = (c: Chain): Chain => {
  const out: any =
    c.block !== undefined
      ? { block: c.block }
      : { dev: c.dev, parent: formatParent(parseParent(c.parent ?? 0) ?? 0) }
  out.chain = c.chain
  if (c.template !== undefined) {
    const k = byKind.get(c.template.kind)
    const t: any = {
      kind: c.template.kind,
      protocol: Protocol.format(c.template.protocol === undefined ? 3 : Protocol.parse(c.template.protocol)!)
    }
    const o = k === undefined ? c.template.options : k.canonical((c.template.options ?? {}) as any)
    if (o !== undefined && Object.keys(o).length > 0) t.options = o
    out.template = t
  }
  return out
}

/**
 * Same chain and template.
 *
 * @example
 * ```ts
 * Chain.equals({ dev: "eth0", parent: "ingress", chain: 5 }, listed)
 * ```
 * @since 0.3.0
 */
export const equals = (a: Chain, b: Chain): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity: device (or block), parent and chain number.
 *
 * @example
 * ```ts
 * Chain.key({ dev: "eth0", parent: "ingress", chain: 5 }) // "eth0|ingress|5"
 * ```
 * @since 0.3.0
 */
export const key = (c: Chain): string => {
  const x: any = canonical(c)
  return x.block !== undefined ? `block ${x.block}|${x.chain}` : `${x.dev}|${x.parent}|${x.chain}`
}

/**
 * The chain object type.
 *
 * @example
 * ```ts
 * Chain.model.key(c)
 * ```
 * @since 0.3.0
 */
export const model: ObjectType<Chain> = { name: "chain", schema, key, equals, canonical }

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const toMessage = (c: Chain, ifindex: number, withTemplate: boolean): FilterMessage => {
  const block = c.block !== undefined
  const t = withTemplate ? c.template : undefined
  const protocol = t === undefined ? 0 : t.protocol === undefined ? 3 : Protocol.parse(t.protocol)!
  const m: Mutable<FilterMessage> = {
    family: 0,
    ifindex: block ? -1 : ifindex,
    handle: 0,
    parent: block ? c.block! : parseParent(c.parent!)!,
    info: ((protocol & 0xff) << 8) | (protocol >>> 8),
    chain: c.chain
  }
  if (t !== undefined) {
    m.kind = t.kind
    const k = byKind.get(t.kind)
    if (k !== undefined) {
      const w = new Writer(512)
      k.encode(w, k.toKernel((t.options ?? {}) as any, { devices: {}, protocol, hasActions: false }))
      m.options = w.finish()
    }
  }
  return m
}

const build = (type: number, flags: number, m: FilterMessage) =>
  buildMessage(type, flags, (w) => encodeChainMessage(w, m))

const requestOptions = (operation: string) => ({
  headerLength: TcmsgSize,
  describePath: (t: ReadonlyArray<number>) => describePath(FilterMessageMeta, t),
  operation
})

const prepare = (input: Chain, withTemplate: boolean) =>
  Effect.gen(function* () {
    const c = yield* validate(schema, input)
    if ((c.block === undefined) === (c.dev === undefined))
      return yield* Effect.fail(invalid("dev", "give dev or block"))
    if (c.dev !== undefined && c.parent === undefined)
      return yield* Effect.fail(invalid("parent", 'say where: "ingress", "egress" or a handle ("1:")'))
    const ifindex = c.dev === undefined ? 0 : yield* linkIndex(c.dev)
    return toMessage(c, ifindex, withTemplate)
  })

/**
 * The request bytes `tc chain add|del` sends (pure; the input must be valid).
 *
 * @example
 * ```ts
 * Chain.request("add", { dev: "d0", parent: "ingress", chain: 5 }, 3)
 * ```
 * @since 0.3.0
 */
export const request = (command: "add" | "remove", c: Chain, ifindex: number): Uint8Array =>
  command === "add"
    ? build(ChainMessageTypes.RTM_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, toMessage(c, ifindex, true))
    : build(ChainMessageTypes.RTM_DELCHAIN, 0, toMessage(c, ifindex, false))

/**
 * Adds a chain (with its template), like `tc chain add`.
 *
 * @example
 * ```ts
 * yield* Chain.add({ dev: "eth0", parent: "ingress", chain: 5 })
 * ```
 * @since 0.3.0
 */
export const add = operation("Chain.add", function* (c: Chain) {
  const m = yield* prepare(c, true)
  const { route } = yield* Netlink
  yield* route.request(
    build(ChainMessageTypes.RTM_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, m),
    requestOptions("chain add")
  )
})

/**
 * Removes a chain and its filters, like `tc chain del`.
 *
 * @example
 * ```ts
 * yield* Chain.remove({ dev: "eth0", parent: "ingress", chain: 5 })
 * ```
 * @since 0.3.0
 */
export const remove = operation("Chain.remove", function* (c: Chain) {
  const m = yield* prepare(c, false)
  const { route } = yield* Netlink
  yield* route.request(build(ChainMessageTypes.RTM_DELCHAIN, 0, m), requestOptions("chain remove"))
})

/**
 * Where chains are listed: a device and parent, or a block.
 *
 * @example
 * ```ts
 * const s: Chain.Selector = { block: 21 }
 * ```
 * @since 0.3.0
 */
export interface Selector {
  readonly dev?: string | number | undefined
  readonly block?: number | undefined
  readonly parent?: Handle.Handle | undefined
}

const SelectorSchema = Schema.Struct({
  dev: Schema.optional(Dev),
  block: Schema.optional(Block),
  parent: Schema.optional(Parent)
})

/**
 * The decoded messages of a chain dump.
 *
 * @example
 * ```ts
 * const raw = yield* Chain.listRaw({ dev: "eth0", parent: "ingress" })
 * ```
 * @since 0.3.0
 */
export const listRaw = operation("Chain.listRaw", function* (selector: Selector) {
  const s = yield* validate(SelectorSchema, selector)
  if (s.block === undefined && (s.dev === undefined || s.parent === undefined))
    return yield* Effect.fail(invalid("parent", "list chains of dev and parent, or of a block"))
  const ifindex = s.dev === undefined ? 0 : yield* linkIndex(s.dev)
  const m: FilterMessage = {
    family: 0,
    ifindex: s.block !== undefined ? -1 : ifindex,
    handle: 0,
    parent: s.block !== undefined ? s.block : parseParent(s.parent!)!,
    info: 0
  }
  const { route } = yield* Netlink
  return yield* route.dumpAll(
    build(ChainMessageTypes.RTM_GETCHAIN, NLM_F_DUMP, m),
    (buf, view, start, end, type) =>
      type === ChainMessageTypes.RTM_NEWCHAIN ? decodeChainMessage(buf, view, start + 16, end) : undefined,
    { ...requestOptions("chain list"), retryInterrupted: 3 }
  )
})

/**
 * The chains of a device's parent or of a block, like `tc chain show`
 * (chain 0 is listed once it holds filters or was added).
 *
 * @example
 * ```ts
 * const cs = yield* Chain.list({ dev: "eth0", parent: "ingress" })
 * // [{ dev: "eth0", parent: "ingress", chain: 0 }, { dev: "eth0", parent: "ingress", chain: 5 }]
 * ```
 * @since 0.3.0
 */
export const list = operation("Chain.list", function* (selector: Selector) {
  const raw = yield* listRaw(selector)
  const names = yield* linkNames
  // the kernel reports a clsact's chains under the qdisc's handle (ffff:) for both hooks:
  // they are named by the parent asked for
  const parent = selector.parent === undefined ? undefined : formatParent(parseParent(selector.parent)!)
  return raw.map((m) => {
    const c = fromMessage(m, names)
    return parent === undefined || c.block !== undefined ? c : { ...c, parent }
  })
})

/**
 * The object `tc chain add` takes the same words for (the words after the verb),
 * or a Validation error naming the keyword; nothing is sent.
 *
 * @example
 * ```ts
 * Chain.parse("dev eth0 ingress chain 5")
 * ```
 * @since 0.4.0
 */
export { parse } from "./parse/tc/Chain.ts"
