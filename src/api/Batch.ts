/**
 * Many operations in as few `sendmsg` calls as the socket allows: address,
 * route, neighbour, rule and tc filter requests are built up front (devices
 * resolved from one link dump), packed into datagrams and acknowledged one
 * by one, each with its own result, in order. Link operations (which may resolve
 * namespaces, verify the created link or set port options) run one at a
 * time between the packed runs, in their place.
 *
 * @example
 * ```ts
 * import { Batch } from "nlink"
 *
 * const results = yield* Batch.run(
 *   Array.from({ length: 1000 }, (_, i) => ({
 *     op: "add" as const,
 *     type: "address",
 *     object: { dev: "eth0", address: `10.0.${i >> 8}.${i & 255}/32` }
 *   }))
 * )
 * results.filter((r) => r._tag === "Failed").length // 0
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import * as Address from "./Address.ts"
import * as Filter from "./Filter.ts"
import { invalid, validateNow } from "./internal/Common.ts"
import * as Link from "./Link.ts"
import * as Neighbor from "./Neighbor.ts"
import { Netlink } from "./Netlink.ts"
import * as Route from "./Route.ts"
import * as Rule from "./Rule.ts"
import { byName } from "./state/Registry.ts"

/**
 * One operation: add, remove or replace an object of a state registry type.
 *
 * @example
 * ```ts
 * const op: Batch.Operation = { op: "add", type: "route", object: { destination: "10.9.0.0/16", dev: "eth0" } }
 * ```
 * @since 0.3.0
 */
export interface Operation {
  readonly op: "add" | "remove" | "replace"
  readonly type: string
  readonly object: unknown
}

/**
 * What became of one operation: done, failed (with the kernel's or the
 * validation's error), or skipped (`stopOnError` after an earlier failure).
 *
 * @example
 * ```ts
 * const failed = outcomes.flatMap((o, i) => (o._tag === "Failed" ? [[i, o.error.message]] : []))
 * ```
 * @since 0.3.0
 */
export type Outcome =
  | { readonly _tag: "Done" }
  | { readonly _tag: "Failed"; readonly error: NetlinkError }
  | { readonly _tag: "Skipped" }

/**
 * Options of {@link run}.
 *
 * @example
 * ```ts
 * const o: Batch.Options = { stopOnError: true }
 * ```
 * @since 0.3.0
 */
export interface Options {
  /**
   * Send nothing more after a failure; what was not sent is `Skipped`.
   * Operations packed in the same datagram as the failing one were already
   * handed to the kernel and report their own results. Default false.
   */
  readonly stopOnError?: boolean
}

type Index = (name: unknown, field: string) => number | NetlinkError

/** How each packable type builds its requests, given resolved devices. */
const builders: Record<string, (op: Operation["op"], o: any, index: Index) => Uint8Array | NetlinkError> = {
  address: (op, a: Address.Options, index) => {
    const i = index(a.dev, "dev")
    if (i instanceof NetlinkError) return i
    return op === "add"
      ? Address.addRequest(a, i)
      : op === "replace"
        ? Address.replaceRequest(a, i)
        : Address.removeRequest(a, i)
  },
  route: (op, r: Route.Route, index) => {
    const oif = r.dev === undefined ? undefined : index(r.dev, "dev")
    if (oif instanceof NetlinkError) return oif
    const hops: Array<number | undefined> = []
    for (const [k, nh] of (r.nexthops ?? []).entries()) {
      const i = nh.dev === undefined ? undefined : index(nh.dev, `nexthops[${k}].dev`)
      if (i instanceof NetlinkError) return i
      hops.push(i)
    }
    return op === "add"
      ? Route.addRequest(r, oif, hops)
      : op === "replace"
        ? Route.replaceRequest(r, oif, hops)
        : Route.removeRequest(r, oif, hops)
  },
  neighbor: (op, n: Neighbor.Options, index) => {
    const i = index(n.dev, "dev")
    if (i instanceof NetlinkError) return i
    if (n.proxy === true)
      return op === "remove" ? Neighbor.removeProxyRequest(n, i) : Neighbor.addProxyRequest(n, i)
    return op === "add"
      ? Neighbor.addRequest(n, i)
      : op === "replace"
        ? Neighbor.replaceRequest(n, i)
        : Neighbor.removeRequest(n, i)
  },
  rule: (op, r: Rule.Options) => (op === "remove" ? Rule.removeRequest(r) : Rule.addRequest(r)),
  filter: (op, f: unknown, index) => Filter.batchRequest(op, f, index)
}

/** Types whose builder validates its input itself (a filter with its own kind's Schema alone). */
const selfValidating = new Set(["filter"])

/** Objects of a packable type that still go one at a time (a bpf program by its pinned path is opened per request). */
const packable = (o: Operation): boolean =>
  builders[o.type] !== undefined &&
  !(o.type === "filter" && Filter.opensForRequest(o.object as Filter.Filter))

/** Name → index of every link, from one dump (names given as indexes pass through). */
const linkIndexes: Effect.Effect<Index, NetlinkError, Netlink> = Effect.map(
  Link.listRaw({ stats: false }),
  (links) => {
    const byName = new Map(links.map((l) => [l.ifname, l.index]))
    return (name, field) => {
      if (typeof name === "number") return name
      const i = typeof name === "string" ? byName.get(name) : undefined
      return i ?? invalid(field, `no link named ${JSON.stringify(name)}`)
    }
  }
)

const DONE: Outcome = { _tag: "Done" }
const SKIPPED: Outcome = { _tag: "Skipped" }
/** One datagram's worth (the engine packs up to 128 messages / 64 KiB per sendmsg). */
const CHUNK = 128

/**
 * Runs the operations in order, packing consecutive address, route,
 * neighbour and rule operations into as few datagrams as the socket allows;
 * returns one outcome per operation, in order. Fails as a whole only when
 * the socket itself fails.
 *
 * @example
 * ```ts
 * const outcomes = yield* Batch.run([
 *   { op: "add", type: "address", object: { dev: "eth0", address: "10.0.0.1/24" } },
 *   { op: "add", type: "route", object: { destination: "10.1.0.0/16", gateway: "10.0.0.254" } }
 * ], { stopOnError: true })
 * ```
 * @since 0.3.0
 */
export const run = (
  operations: ReadonlyArray<Operation>,
  options: Options = {}
): Effect.Effect<ReadonlyArray<Outcome>, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const stop = options.stopOnError === true
    const { route } = yield* Netlink
    const out: Array<Outcome> = new Array(operations.length).fill(SKIPPED)
    let index: Index | undefined
    let failed = false
    let i = 0
    while (i < operations.length && !(stop && failed)) {
      const o = operations[i]
      const entry = byName.get(o.type)
      if (entry === undefined || !packable(o)) {
        // one at a time (links, and types without a request builder)
        const r = yield* Effect.result(single(o))
        out[i] = r._tag === "Success" ? DONE : { _tag: "Failed", error: r.failure }
        failed ||= r._tag === "Failure"
        index = undefined // links may have changed
        i++
        continue
      }
      index ??= yield* linkIndexes
      // the run of packable operations from here
      const slots: Array<number> = []
      const messages: Array<Uint8Array> = []
      let j = i
      for (; j < operations.length; j++) {
        const p = operations[j]
        const e = byName.get(p.type)
        if (e === undefined || !packable(p)) break
        const b = builders[p.type]
        const valid = selfValidating.has(p.type)
          ? p.object
          : validateNow(e.model.schema as Schema.Codec<unknown, any>, p.object)
        const req = valid instanceof NetlinkError ? valid : b(p.op, valid, index)
        if (req instanceof NetlinkError) {
          out[j] = { _tag: "Failed", error: req }
          if (stop) {
            j++
            break
          }
        } else {
          slots.push(j)
          messages.push(req)
        }
      }
      const firstBad = stop ? out.findIndex((x, k) => k >= i && k < j && x._tag === "Failed") : -1
      // with stopOnError, nothing at or after an invalid operation is sent
      const send = firstBad < 0 ? slots.length : slots.findIndex((s) => s > firstBad)
      const sendCount = send < 0 ? slots.length : send
      for (let k = 0; k < sendCount; ) {
        const n = stop ? Math.min(CHUNK, sendCount - k) : sendCount - k
        const results = yield* route.requestMany(messages.slice(k, k + n), { operation: "batch" })
        for (let m = 0; m < results.length; m++) {
          const r = results[m]
          out[slots[k + m]] = r._tag === "Success" ? DONE : { _tag: "Failed", error: r.failure }
          if (r._tag === "Failure") failed = true
        }
        k += n
        if (stop && failed) break
      }
      if (firstBad >= 0) failed = true
      if (stop && failed) {
        // after the first failure nothing counts as attempted that was not sent
        const first = out.findIndex((x, k) => k >= i && k < j && x._tag === "Failed")
        const sent = new Set(slots.slice(0, sendCount))
        for (let k = first + 1; k < j; k++) if (!sent.has(k)) out[k] = SKIPPED
      }
      i = j
    }
    return out
  })

const single = (o: Operation): Effect.Effect<void, NetlinkError, Netlink> => {
  const entry = byName.get(o.type)
  if (entry === undefined)
    return Effect.fail(invalid("type", `unknown object type ${JSON.stringify(o.type)}`))
  if (o.op === "add") return entry.add(o.object)
  if (o.op === "remove") return entry.remove(o.object)
  // a filter sent on its own (see `packable`) replaces as `tc filter replace`
  if (o.type === "filter") return Filter.replace(o.object as Filter.Filter)
  // replace: from what is there now (a link is the only other type run one at a time)
  return Effect.flatMap(Link.get((o.object as Link.Link).name), (now) => {
    const from = now as unknown
    return entry.update?.(from, o.object) ?? Effect.andThen(entry.remove(from), entry.add(o.object))
  })
}
