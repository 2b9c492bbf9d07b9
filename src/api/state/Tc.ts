/**
 * State registry entries of tc's filter side: standalone actions, chains
 * and filters (with their actions). They come after the qdiscs and classes
 * they hang on; a chain before the filters in it; an action before the
 * filters that take it by index.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Action from "../Action.ts"
import * as Chain from "../Chain.ts"
import * as Filter from "../Filter.ts"
import * as Link from "../Link.ts"
import * as Qdisc from "../Qdisc.ts"
import * as Handle from "../tc/Handle.ts"
import { actionKinds } from "../tc/action/registry.ts"
import { type Entry, type Listed, linkRef, namesOf, type Op } from "./Entry.ts"

/** The reference of what a filter or chain hangs on: a clsact/ingress qdisc, a qdisc, or a class. */
const parentRefs = (dev: string | number | undefined, parent: Handle.Handle | undefined): Array<string> => {
  if (typeof dev !== "string" || parent === undefined) return []
  const p = Filter.parseParent(parent)
  if (p === undefined) return []
  if (p === Handle.FILTER_INGRESS || p === Handle.FILTER_EGRESS) return [`qdisc-handle:${dev}|ffff:`]
  return (p & 0xffff) === 0
    ? [`qdisc-handle:${dev}|${Handle.format(p)}`]
    : [`class:${dev}|${Handle.format(p)}`]
}

const devOf = (x: { readonly dev?: string | number | undefined }) =>
  typeof x.dev === "string" ? x.dev : undefined

/** Device references in an action's options (mirred's `dev`). */
const actionDevs = (a: { readonly options?: object | undefined }): Array<string> =>
  linkRef((a.options as { dev?: string | number } | undefined)?.dev)

// An action nlink did not add by itself: held by filters only (made by their adds).
const boundOnly = (a: Action.Action): boolean => {
  const s = a.status
  return s?.bindcnt !== undefined && s.bindcnt > 0 && s.refcnt === s.bindcnt
}

const listActions = (listed: Listed): Op<ReadonlyArray<Action.Action>> =>
  Effect.gen(function* () {
    const out: Array<Action.Action> = []
    for (const k of actionKinds) {
      // a kind whose module the kernel lacks dumps nothing
      for (const m of yield* Action.listRaw(k.kind))
        for (const a of Action.fromMessage(m, namesOf(listed))) out.push(a)
    }
    return out
  })

/**
 * Standalone actions (`tc actions add`), every kind nlink describes. Those
 * only filters hold were made by the filters' adds and are the kernel's
 * here (the filter's own copy restores them); one a filter takes by index
 * is added before it.
 *
 * @example
 * ```ts
 * Registry.action.key({ kind: "gact", index: 5 }) // "gact|5"
 * ```
 * @since 0.3.0
 */
export const action: Entry<Action.Action> = {
  model: Action.model,
  rank: 52,
  list: Effect.gen(function* () {
    const out: Array<Action.Action> = []
    for (const k of actionKinds) for (const a of yield* Action.list(k.kind)) out.push(a)
    return out as ReadonlyArray<Action.Action>
  }),
  listWith: listActions,
  add: (a) => Action.add(a),
  remove: (a) => Action.remove(a),
  update: (from, to) => (from.kind === to.kind ? Action.replace(to) : undefined),
  needs: actionDevs,
  dev: () => undefined,
  kernelMade: boundOnly
}

/** The (device, parent) pairs filters and chains hang on, from the listed qdiscs. */
const tcParents = (listed: Listed): Array<{ dev: string | number; index: number; parent: string }> => {
  const index = new Map<string | number, number>()
  for (const l of listed.link ?? []) if (l.status?.index !== undefined) index.set(l.name, l.status.index)
  const out: Array<{ dev: string | number; index: number; parent: string }> = []
  for (const q of listed.qdisc ?? []) {
    const i = typeof q.dev === "number" ? q.dev : index.get(q.dev)
    if (i === undefined) continue
    if (q.kind === "clsact")
      out.push({ dev: q.dev, index: i, parent: "ingress" }, { dev: q.dev, index: i, parent: "egress" })
    else if (q.kind === "ingress") out.push({ dev: q.dev, index: i, parent: "ingress" })
    else if (q.handle !== undefined && q.handle !== 0 && q.handle !== "none" && q.handle !== "0:")
      out.push({ dev: q.dev, index: i, parent: Handle.format(Handle.parse(q.handle) ?? 0) })
  }
  return out
}

const listFromQdiscs = <A>(
  listed: Listed,
  read: (index: number, parent: string, names: (i: number) => string | number) => Op<ReadonlyArray<A>>
): Op<ReadonlyArray<A>> =>
  Effect.map(
    Effect.forEach(tcParents(listed), (t) => read(t.index, t.parent, namesOf(listed))),
    (parts) => parts.flat()
  )

const listChains = (listed: Listed): Op<ReadonlyArray<Chain.Chain>> =>
  listFromQdiscs(listed, (index, parent, names) =>
    Effect.map(Chain.listRaw({ dev: index, parent }), (raw) =>
      raw.map((m) => {
        const c = Chain.fromMessage(m, names)
        // the kernel reports a clsact's chains under the qdisc's handle: named by the hook asked for
        return c.block !== undefined ? c : { ...c, parent }
      })
    )
  )

// the links and qdiscs a read of chains outside a snapshot starts from
const tcListed: Op<Listed> = Effect.map(
  Effect.all([Link.list({ stats: false }), Qdisc.list()]),
  ([link, qdisc]) => ({ link, qdisc })
)

const chainKernelMade = (c: Chain.Chain, listed?: Listed): boolean => {
  if (c.template !== undefined || listed === undefined) return false
  // a chain without a template that holds filters comes back with them
  const k = Chain.key(c)
  return (listed.filter ?? []).some(
    (f) => f.block === undefined && Chain.key({ dev: f.dev, parent: f.parent, chain: f.chain ?? 0 }) === k
  )
}

/**
 * Chains of filters (`tc chain add`, with a template or empty): before the
 * filters in them. A chain without a template that holds filters is made
 * again by adding them (the kernel's here).
 *
 * @example
 * ```ts
 * Registry.chain.needs({ dev: "eth0", parent: "ingress", chain: 5 }) // ["link:eth0", "qdisc-handle:eth0|ffff:"]
 * ```
 * @since 0.3.0
 */
export const chain: Entry<Chain.Chain> = {
  model: Chain.model,
  rank: 58,
  list: Effect.flatMap(tcListed, (listed) => listChains(listed)),
  listWith: (listed) => listChains(listed),
  add: (c) => Chain.add(c),
  remove: (c) => Chain.remove(c),
  // a chain's filters go with it
  sideEffects: ["filter"],
  needs: (c) => [...linkRef(c.dev), ...parentRefs(c.dev, c.parent)],
  dev: devOf,
  kernelMade: chainKernelMade
}

/** The hash table number of a u32 handle ("801::800" → 0x801), or undefined. */
const u32Table = (f: Filter.Filter): number | undefined => {
  if (f.kind !== "u32" || typeof f.handle !== "string") return undefined
  const m = /^([0-9a-f]+):/i.exec(f.handle)
  return m === null ? undefined : Number.parseInt(m[1], 16)
}

// The root hash table the kernel makes with a u32 priority's first filter
// (800:, 801:, ... in order of creation, per qdisc): a table with one bucket.
const u32Root = (f: Filter.Filter): boolean =>
  f.kind === "u32" &&
  typeof f.handle === "string" &&
  /^[0-9a-f]+:$/i.test(f.handle) &&
  ((f.options as { divisor?: number } | undefined)?.divisor ?? 1) === 1

// The kernel numbers u32 root tables from 800: in order of creation: a
// filter in table 801: is added after those of 800:.
const U32_AUTO = 0x800
const u32Order = (f: Filter.Filter): Array<string> => {
  const t = u32Table(f)
  return t === undefined || t <= U32_AUTO || t > 0xfff || typeof f.dev !== "string"
    ? []
    : [`u32-table:${f.dev}|${(t - 1).toString(16)}`]
}

/**
 * Filters with their actions: after the qdisc or class they hang on, the
 * chain they are in and the standalone actions they take by index.
 *
 * @example
 * ```ts
 * Registry.filter.needs({ dev: "eth0", parent: "ingress", chain: 2, priority: 1, handle: 1, kind: "matchall" })
 * // ["link:eth0", "qdisc-handle:eth0|ffff:", "chain:eth0|ingress|2"]
 * ```
 * @since 0.3.0
 */
export const filter: Entry<Filter.Filter> = {
  model: Filter.model,
  rank: 60,
  list: Filter.list(),
  listWith: (listed) =>
    listFromQdiscs(listed, (index, parent, names) =>
      Effect.map(Filter.listRaw({ dev: index, parent }), (raw) =>
        raw.map((m) => Filter.fromMessage(m, names))
      )
    ),
  add: (f) => Filter.add(f),
  remove: (f) => Filter.remove(f),
  update: (from, to) => (from.kind === to.kind ? Filter.replace(to) : undefined),
  needs: (f) => [
    ...linkRef(f.dev),
    ...parentRefs(f.dev, f.parent),
    ...(f.chain === undefined || f.chain === 0 || f.block !== undefined
      ? []
      : [`chain:${Chain.key({ dev: f.dev, parent: f.parent, chain: f.chain })}`]),
    ...(f.actions ?? []).flatMap((a) => [
      ...(a.index === undefined ? [] : [`action:${a.kind}|${a.index}`]),
      ...actionDevs(a)
    ])
  ],
  after: u32Order,
  refs: (f) => {
    const t = u32Table(f)
    return t === undefined || typeof f.dev !== "string" ? [] : [`u32-table:${f.dev}|${t.toString(16)}`]
  },
  dev: devOf,
  kernelMade: u32Root
}
