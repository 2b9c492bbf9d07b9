/**
 * Traffic control filters (classifiers), as `tc filter` manages them: add,
 * replace, change, remove, get, list, flush. A filter hangs on a device's
 * qdisc or class (`parent`: "ingress" / "egress" of a clsact or ingress
 * qdisc, or a handle "1:") or on a shared `block`, in a `chain` (0 by
 * default), with a `protocol` ("all", "ip", "ipv6", "802.1q" ...), a
 * `priority` and a `handle` (the kernel picks both when not given); its
 * `kind`'s `options` say what matches and its `actions` what happens then.
 * What the kernel reports (offload state, hit counters, the actions'
 * statistics) is under `status`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Filter, Netlink, Qdisc } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Qdisc.add({ dev: "eth0", kind: "clsact" })
 *   yield* Filter.add({
 *     dev: "eth0", parent: "ingress", protocol: "ip", priority: 10, kind: "u32",
 *     options: { match: ["ip src 10.0.0.0/8"] },
 *     actions: [{ kind: "gact", options: { action: "drop" } }]
 *   })
 *   return yield* Filter.list({ dev: "eth0", parent: "ingress" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { decodeQdiscMessage, QdiscMessageTypes } from "../generated/tc/index.ts"
import {
  decodeFilterMessage,
  encodeFilterMessage,
  type FilterMessage,
  FilterMessageMeta,
  FilterMessageTypes,
  TCM_IFINDEX_MAGIC_BLOCK,
  TcmsgSize
} from "../generated/tc-filter/index.ts"
import { describePath } from "../runtime/Describe.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { DecodeFailure, Writer } from "../runtime/Wire.ts"
import {
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  operation,
  validate,
  validateNow
} from "./internal/Common.ts"
import { deepEqual, type ObjectType, onlyWhenBoth, optionsOnlyWhenBoth } from "./internal/Model.ts"
import { type LinkNames, linkIndex, linkNames, linkNamesOf } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"
import type * as Control from "./tc/action/Control.ts"
import * as Actions from "./tc/action/Engine.ts"
import type { GactOptions } from "./tc/action/kinds/gact.ts"
import type { MirredOptions } from "./tc/action/kinds/mirred.ts"
import type { NatOptions } from "./tc/action/kinds/nat.ts"
import type { PoliceOptions } from "./tc/action/kinds/police.ts"
import type { PeditOptions } from "./tc/action/kinds/pedit.ts"
import type { SkbeditOptions } from "./tc/action/kinds/skbedit.ts"
import type { VlanOptions } from "./tc/action/kinds/vlan.ts"
import type { TunnelKeyOptions } from "./tc/action/kinds/tunnel_key.ts"
import type { CsumOptions } from "./tc/action/kinds/csum.ts"
import type { CtOptions } from "./tc/action/kinds/ct.ts"
import type { ConnmarkOptions } from "./tc/action/kinds/connmark.ts"
import type { MplsOptions } from "./tc/action/kinds/mpls.ts"
import type { SkbmodOptions } from "./tc/action/kinds/skbmod.ts"
import type { SampleOptions } from "./tc/action/kinds/sample.ts"
import type { SimpleOptions } from "./tc/action/kinds/simple.ts"
import type { CtinfoOptions } from "./tc/action/kinds/ctinfo.ts"
import type { GateOptions } from "./tc/action/kinds/gate.ts"
import type { IfeOptions } from "./tc/action/kinds/ife.ts"
import type { BpfActionOptions } from "./tc/action/kinds/bpf.ts"
import type { AnyFilterKind } from "./tc/filter/FilterKind.ts"
import type { BasicOptions } from "./tc/filter/kinds/basic.ts"
import type { BpfOptions } from "./tc/filter/kinds/bpf.ts"
import type { CgroupOptions } from "./tc/filter/kinds/cgroup.ts"
import type { FlowOptions } from "./tc/filter/kinds/flow.ts"
import type { FlowerOptions } from "./tc/filter/kinds/flower.ts"
import type { FwOptions } from "./tc/filter/kinds/fw.ts"
import type { MatchallOptions } from "./tc/filter/kinds/matchall.ts"
import type { RouteOptions } from "./tc/filter/kinds/route.ts"
import type { U32Key, U32Options } from "./tc/filter/kinds/u32.ts"
import * as Ematch from "./tc/filter/Ematch.ts"
import * as IpSet from "./tc/filter/IpSet.ts"
import * as Protocol from "./tc/filter/Protocol.ts"
import { filterKinds } from "./tc/filter/registry.ts"
import { qdiscKinds } from "./tc/registry.ts"
import * as Handle from "./tc/Handle.ts"

export type { ActionStatus } from "./tc/action/Engine.ts"
export type {
  BasicOptions,
  BpfActionOptions,
  GateOptions,
  IfeOptions,
  CgroupOptions,
  FlowOptions,
  RouteOptions,
  Control,
  ConnmarkOptions,
  CsumOptions,
  CtinfoOptions,
  CtOptions,
  GactOptions,
  MatchallOptions,
  MirredOptions,
  MplsOptions,
  NatOptions,
  PeditOptions,
  PoliceOptions,
  SampleOptions,
  SimpleOptions,
  SkbeditOptions,
  SkbmodOptions,
  TunnelKeyOptions,
  U32Key,
  U32Options,
  VlanOptions
}

/**
 * An action of a filter (or a standalone one): its kind and options, the
 * shared `index` (an existing one binds the filter to that action), a
 * `cookie`, flags; counters and reference counts under `status`.
 *
 * @example
 * ```ts
 * const a: Filter.Action = { kind: "mirred", options: { mode: "redirect", dev: "eth1" } }
 * ```
 * @since 0.3.0
 */
export type Action = Omit<Actions.AnyAction, "kind" | "options"> &
  (
    | { readonly kind: "gact"; readonly options?: GactOptions | undefined }
    | { readonly kind: "mirred"; readonly options: MirredOptions }
    | { readonly kind: "police"; readonly options: PoliceOptions }
    | { readonly kind: "nat"; readonly options: NatOptions }
    | { readonly kind: "pedit"; readonly options?: PeditOptions | undefined }
    | { readonly kind: "skbedit"; readonly options?: SkbeditOptions | undefined }
    | { readonly kind: "vlan"; readonly options?: VlanOptions | undefined }
    | { readonly kind: "tunnel_key"; readonly options?: TunnelKeyOptions | undefined }
    | { readonly kind: "csum"; readonly options?: CsumOptions | undefined }
    | { readonly kind: "ct"; readonly options?: CtOptions | undefined }
    | { readonly kind: "connmark"; readonly options?: ConnmarkOptions | undefined }
    | { readonly kind: "mpls"; readonly options?: MplsOptions | undefined }
    | { readonly kind: "skbmod"; readonly options?: SkbmodOptions | undefined }
    | { readonly kind: "sample"; readonly options?: SampleOptions | undefined }
    | { readonly kind: "simple"; readonly options?: SimpleOptions | undefined }
    | { readonly kind: "ctinfo"; readonly options?: CtinfoOptions | undefined }
    | { readonly kind: "gate"; readonly options: GateOptions }
    | { readonly kind: "ife"; readonly options: IfeOptions }
    | { readonly kind: "bpf"; readonly options?: BpfActionOptions | undefined }
    | { readonly kind: string & {}; readonly options?: object | undefined }
  )

/**
 * What the kernel reports about a filter: the kind's state (`inHw`,
 * counters such as matchall's `packets` or u32's `hits`).
 *
 * @example
 * ```ts
 * filter.status?.kind // { inHw: false, packets: 0n }
 * ```
 * @since 0.3.0
 */
export interface Status {
  readonly kind?: object | undefined
}

interface Common {
  /** The device, by name or index; or give `block`. */
  readonly dev?: string | number | undefined
  /** A shared block (qdiscs' ingressBlock/egressBlock) in place of a device. */
  readonly block?: number | undefined
  /**
   * Where on the device: "ingress" / "egress" (clsact and ingress qdiscs),
   * or a qdisc or class handle ("1:", "1:10"). Not with `block`.
   */
  readonly parent?: Handle.Handle | undefined
  /** The chain (default 0). */
  readonly chain?: number | undefined
  /** The ethertype the filter applies to: "all" (default), "ip", "ipv6", "802.1q", or a number. */
  readonly protocol?: Protocol.Protocol | undefined
  /** 1 to 65535, lower first (`tc`'s pref); the kernel picks one when not given. */
  readonly priority?: number | undefined
  /** The filter's handle (u32: "800::800"); the kernel picks one when not given. */
  readonly handle?: string | number | undefined
  /** The actions run on a match, in order. */
  readonly actions?: ReadonlyArray<Action> | undefined
  /** What the kernel reports; add/remove ignore it. */
  readonly status?: Status | undefined
}

/**
 * A filter: what `list`/`get` return and `add`/`replace`/`change`/`remove`
 * take. Kinds the library does not describe are listed with their `kind`
 * and no options (the raw TCA_OPTIONS stays in {@link listRaw}).
 *
 * @example
 * ```ts
 * const f: Filter.Filter = { dev: "eth0", parent: "ingress", protocol: "all", priority: 1, kind: "matchall",
 *   actions: [{ kind: "gact", options: { action: "drop" } }] }
 * ```
 * @since 0.3.0
 */
export type Filter = Common &
  (
    | { readonly kind: "matchall"; readonly options?: MatchallOptions | undefined }
    | { readonly kind: "u32"; readonly options?: U32Options | undefined }
    | { readonly kind: "flower"; readonly options?: FlowerOptions | undefined }
    | { readonly kind: "bpf"; readonly options?: BpfOptions | undefined }
    | { readonly kind: "fw"; readonly options?: FwOptions | undefined }
    | { readonly kind: "basic"; readonly options?: BasicOptions | undefined }
    | { readonly kind: "cgroup"; readonly options?: CgroupOptions | undefined }
    | { readonly kind: "flow"; readonly options?: FlowOptions | undefined }
    | { readonly kind: "route"; readonly options?: RouteOptions | undefined }
    | { readonly kind: string & {}; readonly options?: object | undefined }
  )

const byKind = new Map<string, AnyFilterKind>(filterKinds.map((k) => [k.kind, k]))

// ---- parents: "ingress"/"egress" are the clsact minor handles

const qdiscByKind = new Map(qdiscKinds.map((k) => [k.kind, k]))
const qdiscKindOf = (kind: string) => qdiscByKind.get(kind)
const INGRESS = Handle.FILTER_INGRESS
const EGRESS = Handle.FILTER_EGRESS

/** A filter parent's number ("ingress" is ffff:fff2 here, not the qdisc's ffff:fff1). */
export const parseParent = (p: Handle.Handle): number | undefined => {
  if (p === "ingress") return INGRESS
  if (p === "egress") return EGRESS
  if (p === "root") return undefined
  return Handle.parse(p)
}

/** A filter parent as read back: "ingress", "egress" or a handle. */
export const formatParent = (n: number): string =>
  n === INGRESS ? "ingress" : n === EGRESS ? "egress" : Handle.format(n)

const ParentSchema = Schema.Union([Schema.Number, Schema.String]).check(
  Schema.makeFilter(
    (p: Handle.Handle) =>
      parseParent(p) !== undefined ||
      `${JSON.stringify(p)} is not a filter parent ("ingress", "egress", or a qdisc or class handle like "1:")`,
    { expected: "a filter parent" }
  )
)
const Dev = Schema.Union([P.InterfaceName, Schema.Number])
const U32 = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
const Block = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xfffffffe }))
const Priority = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xffff }))

const REQUIRED = (k: AnyFilterKind): boolean =>
  Object.values(k.fields).some((f: any) => !(f?.ast?.context?.isOptional === true))

/**
 * The Schema of {@link Filter}: one member per kind (input validation, JSON).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Filter.schema)({ dev: "eth0", parent: "ingress", kind: "matchall" })
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Filter, any> = Schema.Union(
  filterKinds.map((k) =>
    Schema.Struct({
      dev: Schema.optional(Dev),
      block: Schema.optional(Block),
      parent: Schema.optional(ParentSchema),
      chain: Schema.optional(U32),
      protocol: Schema.optional(Protocol.schema),
      priority: Schema.optional(Priority),
      handle: Schema.optional(Schema.Union([Schema.Number, Schema.String])),
      kind: Schema.Literal(k.kind),
      options: REQUIRED(k) ? Schema.Struct(k.fields) : Schema.optional(Schema.Struct(k.fields)),
      actions: Schema.optional(Schema.Array(Actions.actionSchema)),
      status: Schema.optional(Schema.Any)
    })
  )
) as any

// a filter names its kind: validate with that member alone, not by trying each in turn
const memberOf = new Map<unknown, Schema.Codec<Filter, any>>(
  ((schema as any).members as ReadonlyArray<Schema.Codec<Filter, any>>).map((m, i) => [
    filterKinds[i].kind,
    m
  ])
)
const schemaOf = (f: unknown): Schema.Codec<Filter, any> =>
  memberOf.get(typeof f === "object" && f !== null ? (f as any).kind : undefined) ?? schema

const handleOf = (k: AnyFilterKind | undefined, h: string | number): number | undefined =>
  k?.handle !== undefined ? k.handle.parse(h) : Handle.parse(h)

const handleText = (k: AnyFilterKind | undefined, n: number): string | number =>
  k?.handle !== undefined ? k.handle.format(n) : n

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength)

/**
 * The filter a decoded RTM_NEWTFILTER describes; `names` names devices.
 * An ematch's IP set reads back by its index (`ipset(#3 src)`, which is
 * also accepted as input); {@link list}, {@link get} and {@link stream}
 * name it from the namespace's sets.
 *
 * @example
 * ```ts
 * const raw = yield* Filter.listRaw({ dev: "eth0", parent: "ingress" })
 * raw.map((m) => Filter.fromMessage(m))
 * ```
 * @since 0.3.0
 */
export const fromMessage = (m: FilterMessage, names?: LinkNames): Filter => {
  const k = m.kind === undefined ? undefined : byKind.get(m.kind)
  const name = names ?? ((i: number) => i)
  const out: any = {}
  if (m.ifindex === -1 || m.ifindex >>> 0 === TCM_IFINDEX_MAGIC_BLOCK) out.block = m.parent
  else {
    out.dev = name(m.ifindex)
    out.parent = formatParent(m.parent)
  }
  out.chain = m.chain ?? 0
  out.protocol = Protocol.format(((m.info & 0xff) << 8) | ((m.info >>> 8) & 0xff))
  out.priority = m.info >>> 16
  out.handle = handleText(k, m.handle)
  out.kind = m.kind ?? ""
  let kindStatus: object | undefined
  if (k !== undefined && m.options !== undefined) {
    const b = m.options
    try {
      const data = k.decode(b, viewOf(b), 0, b.length)
      const options = k.fromKernel(data, name)
      if (Object.keys(options).length > 0) out.options = options
      if (k.status !== undefined) kindStatus = k.status(data)
      const act = k.act === undefined ? undefined : (data as any)[k.act]
      if (act !== undefined) out.actions = Actions.decodeList(act).map((a) => Actions.fromAttrs(a, names))
    } catch (e) {
      if (!(e instanceof DecodeFailure)) throw e
    }
  }
  out.status = { kind: kindStatus }
  return out
}

const protocolOf = (f: Filter): number => (f.protocol === undefined ? 0x0003 : Protocol.parse(f.protocol)!)

/**
 * The canonical form: chain 0 and protocol "all" by default, names for the
 * parent and protocol, the kind's handle notation, options with the
 * kernel's defaults, actions canonical, status dropped.
 *
 * @example
 * ```ts
 * Filter.canonical({ dev: "eth0", parent: "ingress", kind: "matchall" })
 * // { dev: "eth0", parent: "ingress", chain: 0, protocol: "all", kind: "matchall", options: { skipHw: false, skipSw: false } }
 * ```
 * @since 0.3.0
 */
export const canonical = (f: Filter): Filter => {
  const k = byKind.get(f.kind)
  const out: any = {}
  if (f.block !== undefined) out.block = f.block
  else {
    out.dev = f.dev
    if (f.parent !== undefined) out.parent = formatParent(parseParent(f.parent) ?? 0)
  }
  out.chain = f.chain ?? 0
  out.protocol = Protocol.format(protocolOf(f))
  if (f.priority !== undefined) out.priority = f.priority
  if (f.handle !== undefined) {
    const h = handleOf(k, f.handle)
    out.handle = h === undefined ? f.handle : handleText(k, h)
  }
  out.kind = f.kind
  const options = k === undefined ? f.options : k.canonical((f.options ?? {}) as any)
  if (options !== undefined && Object.keys(options).length > 0) out.options = options
  if (f.actions !== undefined && f.actions.length > 0) {
    // the kernel gives a filter's actions its skip_hw / skip_sw
    const o: any = f.options ?? {}
    const inherited: Array<"skip_hw" | "skip_sw"> = []
    if (o.skipHw === true) inherited.push("skip_hw")
    if (o.skipSw === true) inherited.push("skip_sw")
    out.actions = f.actions.map((a: Actions.AnyAction) =>
      Actions.canonical(inherited.length === 0 ? a : { ...a, flags: [...(a.flags ?? []), ...inherited] })
    )
  }
  return out
}

/**
 * Same configuration: status ignored; the priority, handle and options the
 * kernel picks are compared only when both sides give them; actions one by
 * one ({@link Action} indexes likewise).
 *
 * @example
 * ```ts
 * Filter.equals({ dev: "d0", parent: "ingress", kind: "matchall" }, listed)
 * ```
 * @since 0.3.0
 */
export const equals = (a: Filter, b: Filter): boolean => {
  const ca: any = canonical(a)
  const cb: any = canonical(b)
  onlyWhenBoth(ca, cb, ["priority", "handle"])
  optionsOnlyWhenBoth(ca, cb, byKind.get(ca.kind)?.kernelChosen)
  const aa = ca.actions ?? []
  const ab = cb.actions ?? []
  delete ca.actions
  delete cb.actions
  return deepEqual(ca, cb) && Actions.equalLists(aa, ab)
}

/**
 * The identity: device (or block), parent, chain, priority, protocol and
 * handle.
 *
 * @example
 * ```ts
 * Filter.key({ dev: "eth0", parent: "ingress", priority: 1, handle: 1, kind: "matchall" }) // "eth0|ingress|0|1|all|1"
 * ```
 * @since 0.3.0
 */
export const key = (f: Filter): string => {
  const c: any = canonical(f)
  const where = c.block !== undefined ? `block ${c.block}` : `${c.dev}|${c.parent}`
  return `${where}|${c.chain}|${c.priority ?? ""}|${c.protocol}|${c.handle ?? ""}`
}

/**
 * The filter object type.
 *
 * @example
 * ```ts
 * Filter.model.equals(listed, wanted)
 * ```
 * @since 0.3.0
 */
export const model: ObjectType<Filter> = { name: "filter", schema, key, equals, canonical }

// ---- requests

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * The message of a validated filter with its device and the actions'
 * devices resolved. `mode` "write" sends options and actions, "select"
 * (remove, get) only what names the filter.
 */
const toMessage = (
  f: Filter,
  ifindex: number,
  devices: Actions.Devices,
  mode: "write" | "select",
  kindDevices: Readonly<Record<string, number>> = {},
  ipsets?: ReadonlyMap<string, number>
): FilterMessage => {
  const k = byKind.get(f.kind)
  const protocol =
    mode === "write" ? protocolOf(f) : f.protocol === undefined ? 0 : Protocol.parse(f.protocol)!
  const block = f.block !== undefined
  const m: Mutable<FilterMessage> = {
    family: 0,
    ifindex: block ? -1 : ifindex,
    handle: f.handle === undefined ? 0 : handleOf(k, f.handle)!,
    parent: block ? f.block! : parseParent(f.parent!)!,
    // priority in the upper half, the protocol in network order in the lower
    info: (((f.priority ?? 0) << 16) | ((protocol & 0xff) << 8) | (protocol >>> 8)) >>> 0
  }
  m.kind = f.kind
  if (f.chain !== undefined) m.chain = f.chain
  if (mode === "write" && k !== undefined) {
    const actions = f.actions ?? []
    const context = { devices: kindDevices, protocol, hasActions: actions.length > 0, ipsets }
    if (f.handle === undefined && k.handleFor !== undefined)
      m.handle = k.handleFor((f.options ?? {}) as any, context)
    const data: any = k.toKernel((f.options ?? {}) as any, context)
    if (k.act !== undefined && actions.length > 0) data[k.act] = Actions.encodeList(actions, devices)
    const w = new Writer(1024)
    k.encode(w, data)
    m.options = w.finish()
  }
  return m
}

/** What remove names: a kind with one filter per priority is removed by its priority. */
const removable = (f: Filter): Filter =>
  byKind.get(f.kind)?.single === true && f.handle !== undefined ? { ...f, handle: undefined } : f

const build = (type: number, flags: number, m: FilterMessage): Uint8Array =>
  buildMessage(type, flags, (w) => encodeFilterMessage(w, m))

const requestOptions = (operation: string) => ({
  headerLength: TcmsgSize,
  describePath: (t: ReadonlyArray<number>) => describePath(FilterMessageMeta, t),
  operation
})

// `tc filter replace` sends NLM_F_CREATE alone: the kernel creates the filter or changes it in place
const FLAGS = { add: NLM_F_CREATE | NLM_F_EXCL, replace: NLM_F_CREATE, change: 0 } as const

/** The rules of a Schema-valid filter across fields: where it hangs, the kind's and actions' own rules. */
const problemOf = (f: Filter): NetlinkError | undefined => {
  if (f.block === undefined && f.dev === undefined) return invalid("dev", "give dev or block")
  if (f.block !== undefined && f.dev !== undefined) return invalid("block", "give dev or block, not both")
  if (f.block !== undefined && f.parent !== undefined)
    return invalid("parent", "a block filter has no parent")
  if (f.block === undefined && f.parent === undefined)
    return invalid("parent", 'say where the filter hangs: "ingress", "egress" or a handle ("1:")')
  const k = byKind.get(f.kind)
  if (f.handle !== undefined && handleOf(k, f.handle) === undefined)
    return invalid("handle", `${JSON.stringify(f.handle)} is not a ${f.kind} handle`)
  const problem = k?.check?.((f.options ?? {}) as any)
  if (problem !== undefined) return invalid(`options.${problem[0]}`, problem[1])
  if (f.actions !== undefined && f.actions.length > 0 && k?.act === undefined)
    return invalid("actions", `${f.kind} filters take no actions`)
  return Actions.checkActions(f.actions ?? [], "actions")
}

/** Validates a filter: the Schema of its kind, then {@link problemOf}. */
const check = (input: Filter): Effect.Effect<Filter, NetlinkError> =>
  Effect.flatMap(validate(schemaOf(input), input), (f) => {
    const bad = problemOf(f)
    return bad === undefined ? Effect.succeed(f) : Effect.fail(bad)
  })

const handleNeeded = (f: Filter): NetlinkError | undefined =>
  f.handle === undefined && byKind.get(f.kind)?.needsHandle === true
    ? invalid("handle", `a ${f.kind} filter needs a handle (the kernel picks none)`)
    : undefined

const prepare = (input: Filter, mode: "write" | "select") =>
  Effect.gen(function* () {
    const f = yield* check(input)
    const noHandle = mode === "write" ? handleNeeded(f) : undefined
    if (noHandle !== undefined) return yield* Effect.fail(noHandle)
    const ifindex = f.dev === undefined ? 0 : yield* linkIndex(f.dev)
    const devices = mode === "write" ? yield* Actions.resolveDevices(f.actions ?? []) : []
    const kindDevices: Record<string, number> = {}
    const k = byKind.get(f.kind)
    if (mode === "write" && k !== undefined)
      for (const field of k.devices) {
        const d = (f.options as any)?.[field]
        if (d !== undefined) kindDevices[field] = yield* linkIndex(d)
      }
    // IP sets named in the options go by their index in this namespace
    const setNames = mode === "write" && f.options !== undefined ? (k?.ipsets?.(f.options as any) ?? []) : []
    const sets = setNames.length === 0 ? undefined : yield* IpSet.indexes(setNames, "options.match")
    return toMessage(f, ifindex, devices, mode, kindDevices, sets)
  })

/**
 * The request bytes `tc filter add|replace|change|del` sends for a filter
 * on the device with index `ifindex`; `devices` maps the device names the
 * actions give (mirred's `dev`) to indexes, `sets` the IP sets an ematch
 * names to theirs (pure; the input must be valid).
 *
 * @example
 * ```ts
 * Filter.request("add", { dev: "d0", parent: "ingress", kind: "matchall" }, 3)
 * ```
 * @since 0.3.0
 */
export const request = (
  command: "add" | "replace" | "change" | "remove",
  f: Filter,
  ifindex: number,
  devices: Readonly<Record<string, number>> = {},
  sets?: ReadonlyMap<string, number>
): Uint8Array => {
  if (command === "remove")
    return build(FilterMessageTypes.RTM_DELTFILTER, 0, toMessage(removable(f), ifindex, [], "select"))
  const resolved: Actions.Devices = (f.actions ?? []).map(
    (a: any): Record<string, number> =>
      a.options?.dev === undefined
        ? {}
        : { dev: typeof a.options.dev === "number" ? a.options.dev : (devices[a.options.dev] ?? 0) }
  )
  // the kind's device fields (route's fromif) by name from `devices` too
  const kindDevices: Record<string, number> = {}
  for (const field of byKind.get(f.kind)?.devices ?? []) {
    const d = (f.options as any)?.[field]
    if (d !== undefined) kindDevices[field] = typeof d === "number" ? d : (devices[d] ?? 0)
  }
  return build(
    FilterMessageTypes.RTM_NEWTFILTER,
    FLAGS[command],
    toMessage(f, ifindex, resolved, "write", kindDevices, sets)
  )
}

/**
 * Whether a filter needs something done for its own request: a bpf
 * program by its pinned path held open (kinds with such options, or an
 * action's), or IP sets named in an ematch looked up. Such a filter is sent
 * on its own, not built ahead of time (see {@link batchRequest}).
 *
 * @example
 * ```ts
 * Filter.opensForRequest({ dev: "eth0", parent: "ingress", kind: "bpf", options: { pinned: "/sys/fs/bpf/p" } }) // true
 * ```
 * @since 0.4.0
 */
export const opensForRequest = (f: Filter): boolean => {
  const k = byKind.get(f.kind)
  return (
    (f.options !== undefined &&
      (k?.withOpen !== undefined || (k?.ipsets?.(f.options as any).length ?? 0) > 0)) ||
    Actions.opens(f.actions)
  )
}

/**
 * The request of one filter operation built ahead of time, for
 * {@link Batch.run}: `input` is validated (the Schema of its kind and the
 * rules across fields, as {@link add} does); `index` gives the index of a
 * device named in it (the filter's, its actions' and options' devices) or
 * the Validation error. Returns the bytes, or the error (Validation naming
 * the field) and nothing is to be sent.
 *
 * @example
 * ```ts
 * const byName = new Map([["eth0", 2]])
 * Filter.batchRequest("add", { dev: "eth0", parent: "ingress", kind: "matchall" }, (n) => byName.get(n as string) ?? 0)
 * ```
 * @since 0.4.0
 */
export const batchRequest = (
  command: "add" | "replace" | "remove",
  input: unknown,
  index: (name: string | number, field: string) => number | NetlinkError
): Uint8Array | NetlinkError => {
  const f = validateNow(schemaOf(input), input)
  if (f instanceof NetlinkError) return f
  const bad = problemOf(f) ?? (command === "remove" ? undefined : handleNeeded(f))
  if (bad !== undefined) return bad
  const ifindex = f.dev === undefined ? 0 : index(f.dev, "dev")
  if (typeof ifindex !== "number") return ifindex
  if (command === "remove")
    return build(FilterMessageTypes.RTM_DELTFILTER, 0, toMessage(removable(f), ifindex, [], "select"))
  const actions = f.actions ?? []
  const devices: Array<Record<string, number>> = []
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]
    const out: Record<string, number> = {}
    for (const field of Actions.kindOf(a.kind)?.devices ?? []) {
      const d = (a.options as any)?.[field]
      if (d === undefined) continue
      const n = index(d, `actions[${i}].options.${field}`)
      if (typeof n !== "number") return n
      out[field] = n
    }
    devices.push(out)
  }
  const kindDevices: Record<string, number> = {}
  for (const field of byKind.get(f.kind)?.devices ?? []) {
    const d = (f.options as any)?.[field]
    if (d === undefined) continue
    const n = index(d, `options.${field}`)
    if (typeof n !== "number") return n
    kindDevices[field] = n
  }
  return build(
    FilterMessageTypes.RTM_NEWTFILTER,
    FLAGS[command],
    toMessage(f, ifindex, devices, "write", kindDevices)
  )
}

const send = (input: Filter, flags: number, operation: string) =>
  Effect.gen(function* () {
    const m = yield* prepare(input, "write")
    const { route } = yield* Netlink
    yield* route.request(build(FilterMessageTypes.RTM_NEWTFILTER, flags, m), requestOptions(operation))
  })

// what the kind's options or the actions hold open for the request (bpf's pinned path) is opened after validation
const write = (input: Filter, flags: number, operation: string) => {
  const open = input.options === undefined ? undefined : byKind.get(input.kind)?.withOpen
  if (open === undefined && !Actions.opens(input.actions)) return send(input, flags, operation)
  return Effect.flatMap(check(input), () => {
    const withActions = (f: Filter) =>
      Actions.withOpen(f.actions ?? [], (actions) =>
        send(f.actions === undefined ? f : ({ ...f, actions } as Filter), flags, operation)
      )
    return open === undefined
      ? withActions(input)
      : open(input.options as any, (options) => withActions({ ...input, options } as Filter))
  })
}

/**
 * Adds a filter, like `tc filter add`; EEXIST when the handle is taken.
 *
 * @example
 * ```ts
 * yield* Filter.add({ dev: "eth0", parent: "ingress", protocol: "ip", kind: "u32", options: { match: ["ip dport 22 0xffff"] } })
 * ```
 * @since 0.3.0
 */
export const add = operation("Filter.add", function* (f: Filter) {
  yield* write(f, FLAGS.add, "filter add")
})

/**
 * Adds the filter, or changes the one with that priority and handle, like
 * `tc filter replace`.
 *
 * @example
 * ```ts
 * yield* Filter.replace({ dev: "eth0", parent: "ingress", priority: 1, handle: 1, kind: "matchall", actions: [{ kind: "gact", options: { action: "pass" } }] })
 * ```
 * @since 0.3.0
 */
export const replace = operation("Filter.replace", function* (f: Filter) {
  yield* write(f, FLAGS.replace, "filter replace")
})

/**
 * Changes an existing filter, like `tc filter change` (it needs its
 * priority and handle).
 *
 * @example
 * ```ts
 * yield* Filter.change({ ...listed, actions: [{ kind: "gact", options: { action: "drop" } }] })
 * ```
 * @since 0.3.0
 */
export const change = operation("Filter.change", function* (f: Filter) {
  yield* write(f, FLAGS.change, "filter change")
})

/**
 * Removes filters, like `tc filter del`: with a priority and handle the
 * one filter (a listed filter removes exactly itself), with a priority
 * alone every filter of that priority.
 *
 * @example
 * ```ts
 * yield* Filter.remove(listed)
 * ```
 * @since 0.3.0
 */
export const remove = operation("Filter.remove", function* (f: Filter) {
  const m = yield* prepare(removable(f), "select")
  const { route } = yield* Netlink
  yield* route.request(build(FilterMessageTypes.RTM_DELTFILTER, 0, m), requestOptions("filter remove"))
})

/**
 * Alias of {@link remove}, as `tc filter del`.
 *
 * @example
 * ```ts
 * yield* Filter.del(listed)
 * ```
 * @since 0.3.0
 */
export const del = remove

/**
 * Where filters are listed or flushed: a device and parent (or a block),
 * optionally one chain and one kind.
 *
 * @example
 * ```ts
 * const s: Filter.Selector = { dev: "eth0", parent: "ingress", chain: 0 }
 * ```
 * @since 0.3.0
 */
export interface Selector {
  readonly dev?: string | number | undefined
  readonly block?: number | undefined
  readonly parent?: Handle.Handle | undefined
  readonly chain?: number | undefined
  readonly kind?: string | undefined
}

const SelectorSchema = Schema.Struct({
  dev: Schema.optional(Dev),
  block: Schema.optional(Block),
  parent: Schema.optional(ParentSchema),
  chain: Schema.optional(U32),
  kind: Schema.optional(P.stringMaxBytes(15))
})

/**
 * Removes every filter of a device's parent (or of a block), in one chain
 * when `chain` is given, like `tc filter del dev X ingress`.
 *
 * @example
 * ```ts
 * yield* Filter.flush({ dev: "eth0", parent: "ingress" })
 * ```
 * @since 0.3.0
 */
export const flush = operation("Filter.flush", function* (s: Selector) {
  const v = yield* validate(SelectorSchema, s)
  if (v.block === undefined && (v.dev === undefined || v.parent === undefined))
    return yield* Effect.fail(invalid("parent", "flush needs dev and parent, or block"))
  const ifindex = v.dev === undefined ? 0 : yield* linkIndex(v.dev)
  const { route } = yield* Netlink
  yield* route.request(flushRequest(v, ifindex), requestOptions("filter flush"))
})

/**
 * The request {@link flush} sends for a device with index `ifindex` (pure;
 * the selector must be valid).
 *
 * @example
 * ```ts
 * Filter.flushRequest({ dev: "d0", parent: "ingress" }, 3)
 * ```
 * @since 0.3.0
 */
export const flushRequest = (s: Selector, ifindex: number): Uint8Array => {
  const m: Mutable<FilterMessage> = {
    family: 0,
    ifindex: s.block !== undefined ? -1 : ifindex,
    handle: 0,
    parent: s.block !== undefined ? s.block : parseParent(s.parent!)!,
    info: 0
  }
  if (s.chain !== undefined) m.chain = s.chain
  return build(FilterMessageTypes.RTM_DELTFILTER, 0, m)
}

const decodeBody = (buf: Uint8Array, view: DataView, start: number, end: number) =>
  decodeFilterMessage(buf, view, start + 16, end)

/**
 * One filter, asked of the kernel alone (RTM_GETTFILTER); it needs the
 * filter's priority and handle.
 *
 * @example
 * ```ts
 * const f = yield* Filter.get({ dev: "eth0", parent: "ingress", priority: 1, handle: 1, kind: "matchall" })
 * ```
 * @since 0.3.0
 */
export const get = operation("Filter.get", function* (f: Filter) {
  if (f.priority === undefined || f.handle === undefined)
    return yield* Effect.fail(
      invalid(f.priority === undefined ? "priority" : "handle", "get needs the filter's priority and handle")
    )
  const m = yield* prepare(f, "select")
  const { route } = yield* Netlink
  const raw = yield* route.requestReply(
    build(FilterMessageTypes.RTM_GETTFILTER, 0, m),
    decodeBody,
    requestOptions("filter get")
  )
  const names = raw.options === undefined ? yield* linkNamesOf([raw.ifindex]) : yield* linkNames
  return (yield* nameSets([fromMessage(raw, names)]))[0]
})

const setsRead = (f: Filter): string | undefined => {
  const m = (f.options as { match?: unknown } | undefined)?.match
  return typeof m === "string" && m.includes("ipset(#") ? m : undefined
}

/**
 * Names the IP sets that filters' ematches read back by index (the kernel
 * keeps the index): one lookup socket for the lot, none when no filter has
 * one. Where the sets cannot be read, the index stays (`ipset(#3 src)`).
 */
const nameSets = (filters: Array<Filter>): Effect.Effect<Array<Filter>, never, Netlink> => {
  const wanted = new Set<number>()
  for (const f of filters) {
    const m = setsRead(f)
    if (m !== undefined) for (const i of Ematch.setIndexes(m)) wanted.add(i)
  }
  if (wanted.size === 0) return Effect.succeed(filters)
  return IpSet.withSets((s) => {
    const names = new Map<number, string | undefined>()
    for (const i of wanted) names.set(i, s.name(i))
    return Effect.succeed(
      filters.map((f) => {
        const m = setsRead(f)
        return m === undefined
          ? f
          : ({ ...f, options: { ...f.options, match: Ematch.nameSets(m, (i) => names.get(i)) } } as Filter)
      })
    )
  }).pipe(Effect.orElseSucceed(() => filters))
}

/** The (ifindex, parent) pairs to dump: a device's qdiscs (clsact: both hooks) or all devices'. */
const targets = (s: Selector) =>
  Effect.gen(function* () {
    if (s.block !== undefined) return [{ ifindex: -1, parent: s.block }]
    const ifindex = s.dev === undefined ? 0 : yield* linkIndex(s.dev)
    if (s.parent !== undefined) return [{ ifindex, parent: parseParent(s.parent)! }]
    const { route } = yield* Netlink
    const qdiscs = yield* route.dumpAll(
      buildMessage(QdiscMessageTypes.RTM_GETQDISC, NLM_F_DUMP, (w) => w.bytes(new Uint8Array(TcmsgSize))),
      (buf, view, start, end, type) => {
        if (type !== QdiscMessageTypes.RTM_NEWQDISC) return undefined
        const q = decodeQdiscMessage(buf, view, start + 16, end)
        return ifindex !== 0 && q.ifindex !== ifindex ? undefined : q
      },
      { ...requestOptions("filter list"), retryInterrupted: 3 }
    )
    const out: Array<{ ifindex: number; parent: number }> = []
    for (const q of qdiscs) {
      const hooks = q.kind === undefined ? undefined : qdiscKindOf(q.kind)?.filterParents
      if (hooks !== undefined) for (const parent of hooks) out.push({ ifindex: q.ifindex, parent })
      else if (q.handle !== 0) out.push({ ifindex: q.ifindex, parent: q.handle })
    }
    return out
  })

const dumpRequest = (ifindex: number, parent: number, chain: number | undefined): Uint8Array => {
  const m: Mutable<FilterMessage> = { family: 0, ifindex, handle: 0, parent, info: 0 }
  if (chain !== undefined) m.chain = chain
  return build(FilterMessageTypes.RTM_GETTFILTER, NLM_F_DUMP, m)
}

const decoder =
  (kind: string | undefined) =>
  (buf: Uint8Array, view: DataView, start: number, end: number, type: number): FilterMessage | undefined => {
    if (type !== FilterMessageTypes.RTM_NEWTFILTER) return undefined
    const m = decodeFilterMessage(buf, view, start + 16, end)
    // each classifier instance opens with a message naming it alone (no handle, no options)
    if (m.handle === 0 && m.options === undefined) return undefined
    return kind !== undefined && m.kind !== kind ? undefined : m
  }

/**
 * The decoded messages, as the kernel sent them.
 *
 * @example
 * ```ts
 * const raw = yield* Filter.listRaw({ dev: "eth0", parent: "ingress" })
 * raw[0].options // TCA_OPTIONS bytes
 * ```
 * @since 0.3.0
 */
export const listRaw = operation("Filter.listRaw", function* (selector?: Selector) {
  const s = yield* validate(SelectorSchema, selector ?? {})
  const ts = yield* targets(s)
  const { route } = yield* Netlink
  const out: Array<FilterMessage> = []
  for (const t of ts) {
    const part = yield* route.dumpAll(dumpRequest(t.ifindex, t.parent, s.chain), decoder(s.kind), {
      ...requestOptions("filter list"),
      retryInterrupted: 3
    })
    for (const m of part) out.push(m)
  }
  return out
})

/**
 * The filters of a device's parent (or of every qdisc of the device, or of
 * every device; or of a block), like `tc -s filter show`.
 *
 * @example
 * ```ts
 * const fs = yield* Filter.list({ dev: "eth0", parent: "ingress" })
 * // [{ dev: "eth0", parent: "ingress", chain: 0, protocol: "all", priority: 49152, handle: 1, kind: "matchall", ... }]
 * ```
 * @since 0.3.0
 */
export const list = operation("Filter.list", function* (selector?: Selector) {
  const raw = yield* listRaw(selector)
  const names = yield* linkNames
  return yield* nameSets(raw.map((m) => fromMessage(m, names)))
})

/**
 * Like {@link list}, read as the consumer pulls.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Filter.stream({ dev: "eth0", parent: "ingress" }), (f) => Effect.log(f.kind))
 * ```
 * @since 0.3.0
 */
export const stream = (selector?: Selector): Stream.Stream<Filter, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const names = yield* linkNames
      return streamRaw(selector).pipe(
        Stream.map((m) => fromMessage(m, names)),
        Stream.mapEffect((f) =>
          setsRead(f) === undefined ? Effect.succeed(f) : Effect.map(nameSets([f]), (x) => x[0])
        )
      )
    })
  )

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Filter.streamRaw({ block: 10 }), (m) => Effect.log(m.kind))
 * ```
 * @since 0.3.0
 */
export const streamRaw = (selector?: Selector): Stream.Stream<FilterMessage, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const s = yield* validate(SelectorSchema, selector ?? {})
      const ts = yield* targets(s)
      const { route } = yield* Netlink
      return Stream.flatMap(Stream.fromIterable(ts), (t) =>
        route.dump(dumpRequest(t.ifindex, t.parent, s.chain), decoder(s.kind), requestOptions("filter list"))
      )
    })
  )

/**
 * The object `tc filter add` takes the same words for (the words after the verb),
 * or a Validation error naming the keyword; nothing is sent.
 *
 * @example
 * ```ts
 * Filter.parse("dev eth0 ingress protocol ip pref 1 flower ip_proto tcp dst_port 80 action drop")
 * ```
 * @since 0.4.0
 */
export { parse } from "./parse/tc/Filter.ts"
