/**
 * Changes that happen together or not at all. Each operation is recorded
 * with its inverse, computed from what the touched objects were before it
 * ran (read once when the transaction begins and kept current as it goes:
 * removing a link also records the addresses, routes, neighbours, ports and
 * stacked links the kernel takes with it). When a step fails, the inverses
 * run in reverse order; then the namespace is read again and anything still
 * different from before is repaired from the first read. A failure reports
 * the original error, every rollback error and the objects left changed.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Transaction } from "nlink"
 *
 * yield* Transaction.run((tx) =>
 *   Effect.gen(function* () {
 *     yield* tx.add("link", { kind: "bridge", name: "br0", up: true })
 *     yield* tx.add("address", { dev: "br0", address: "10.0.0.1/24" })
 *     yield* tx.add("route", { destination: "10.1.0.0/16", gateway: "10.0.0.254" })
 *   })
 * )
 * ```
 * @since 0.3.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as Diff from "./Diff.ts"
import * as Link from "./Link.ts"
import { invalid } from "./internal/Common.ts"
import type { Netlink } from "./Netlink.ts"
import * as Snapshot from "./Snapshot.ts"
import { byName, entries, strip } from "./state/Registry.ts"

/**
 * A rollback step that failed.
 *
 * @example
 * ```ts
 * err.rollbackErrors.map((r) => `${Diff.changeText(r.change)}: ${r.error.message}`)
 * ```
 * @since 0.3.0
 */
export interface RollbackFailure {
  readonly change: Diff.Change
  readonly error: NetlinkError
}

/**
 * A transaction that failed: the original error, the step it failed at,
 * the rollback steps that failed, and what is still changed after the
 * rollback (the plan that would restore it; empty when the rollback restored
 * everything).
 *
 * @example
 * ```ts
 * Effect.catchTag("TransactionError", (e) => Console.log(e.message, e.leftChanged.length))
 * ```
 * @since 0.3.0
 */
export class TransactionError extends Data.TaggedError("TransactionError")<{
  readonly error: unknown
  readonly failedAt: Diff.Change | undefined
  readonly rollbackErrors: ReadonlyArray<RollbackFailure>
  /** What the inverses did not restore and the repair from the first read did (kernel side effects). */
  readonly repaired: Diff.Plan
  readonly leftChanged: Diff.Plan
}> {
  get rolledBack(): boolean {
    return this.leftChanged.length === 0
  }
  override get message(): string {
    const cause = (this.error as { message?: string } | undefined)?.message ?? String(this.error)
    const at = this.failedAt === undefined ? "" : ` at "${Diff.changeText(this.failedAt)}"`
    const rb =
      this.rollbackErrors.length === 0
        ? ""
        : `; ${this.rollbackErrors.length} rollback step(s) failed (${this.rollbackErrors
            .map((r) => `${Diff.changeText(r.change)}: ${r.error.message}`)
            .join("; ")})`
    const left =
      this.leftChanged.length === 0
        ? "; rolled back"
        : `; left changed: ${this.leftChanged.map(Diff.changeText).join("; ")}`
    return `transaction failed${at}: ${cause}${rb}${left}`
  }
}

/**
 * The operations of a running transaction. Each runs at once and records its
 * inverse; `type` is a state registry name ("link", "address", "route",
 * "neighbor", "rule", ...).
 *
 * @example
 * ```ts
 * yield* tx.remove("route", { destination: "10.1.0.0/16", gateway: "10.0.0.254" })
 * ```
 * @since 0.3.0
 */
export interface Transaction {
  readonly add: (type: string, object: unknown) => Effect.Effect<void, NetlinkError, Netlink>
  readonly remove: (type: string, object: unknown) => Effect.Effect<void, NetlinkError, Netlink>
  /** Makes the object with `to`'s key equal to `to` (in place where the type can). */
  readonly update: (type: string, to: unknown) => Effect.Effect<void, NetlinkError, Netlink>
  /** Runs one change of a plan. */
  readonly apply: (change: Diff.Change) => Effect.Effect<void, NetlinkError, Netlink>
  /** The changes done so far, in order. */
  readonly done: ReadonlyArray<Diff.Change>
}

type Live = Map<string, Map<string, any>>

const unknownType = (type: string): NetlinkError =>
  invalid("type", `unknown object type ${JSON.stringify(type)}; one of ${[...byName.keys()].join(", ")}`)

/** The objects the kernel removes with `ref` (what needs it, transitively, and what it takes along). */
const dependents = (live: Live, ref: string): Array<{ type: string; key: string; port: boolean }> => {
  const out: Array<{ type: string; key: string; port: boolean }> = []
  const seen = new Set([ref])
  const queue = [ref]
  while (queue.length > 0) {
    const r = queue.shift()!
    const [type, ...rest] = r.split(":")
    const self = live.get(type)?.get(rest.join(":"))
    const along = self === undefined ? [] : (byName.get(type)?.takesAlong?.(self) ?? [])
    // the names others need it by: its key, and the entry's other references
    const names = new Set([r, ...(self === undefined ? [] : (byName.get(type)?.refs?.(self) ?? []))])
    for (const a of along) {
      if (!seen.has(a)) {
        seen.add(a)
        queue.push(a)
        const [t, ...k] = a.split(":")
        out.push({ type: t, key: k.join(":"), port: false })
      }
    }
    for (const e of entries) {
      for (const [key, o] of live.get(e.model.name)!) {
        const me = `${e.model.name}:${key}`
        if (seen.has(me) || !e.needs(o).some((n) => names.has(n))) continue
        seen.add(me)
        // a port is detached from a removed master, not removed
        const port = e.model.name === "link" && o.master !== undefined && `link:${o.master}` === r
        out.push({ type: e.model.name, key, port })
        if (!port) queue.push(me)
      }
    }
  }
  return out
}

const subset = (
  live: Live,
  refs: ReadonlyArray<{ type: string; key: string }>
): Record<string, Array<any>> => {
  const out: Record<string, Array<any>> = {}
  for (const r of refs) {
    const o = live.get(r.type)?.get(r.key)
    if (o !== undefined) (out[r.type] ??= []).push(o)
  }
  return out
}

const begin = (before: Snapshot.Snapshot) => {
  const live: Live = new Map()
  for (const e of entries) {
    const m = new Map<string, any>()
    for (const o of before.objects[e.model.name] ?? []) m.set(e.model.key(o), strip(o))
    live.set(e.model.name, m)
  }
  const inverses: Array<Diff.Plan> = []
  const done: Array<Diff.Change> = []
  let current: Diff.Change | undefined

  const step = (change: Diff.Change): Effect.Effect<void, NetlinkError, Netlink> =>
    Effect.suspend(() => {
      const entry = byName.get(change.type)
      if (entry === undefined) return Effect.fail(unknownType(change.type))
      const objects = live.get(change.type)!
      const key = change.key
      // an update may move an object to another key in the same place (Entry.slot)
      const fromKey = change.op === "update" && change.from !== undefined ? entry.model.key(change.from) : key
      const prior = objects.get(key) ?? objects.get(fromKey)
      // what the caller knows and the kernel never reports (a MACsec SA's key): kept for the inverse
      if (change.op === "remove" && prior !== undefined)
        objects.set(key, strip({ ...change.object, ...definedOf(prior) }))
      current = change
      // what the touched objects are now, and will be after the change
      const touched: Array<{ type: string; key: string; port: boolean }> = [
        { type: change.type, key, port: false }
      ]
      if (fromKey !== key) touched.push({ type: change.type, key: fromKey, port: false })
      if (change.op === "remove") touched.push(...dependents(live, `${change.type}:${key}`))
      const was = subset(live, touched)
      let run: Effect.Effect<void, NetlinkError, Netlink>
      if (change.op === "add") run = entry.add(change.object)
      else if (change.op === "remove") run = entry.remove(prior ?? change.object)
      else {
        const from = prior ?? change.from
        // not known before (made by the kernel along with another object): an add brings it to `to`
        run =
          from === undefined
            ? entry.add(change.to)
            : (entry.update?.(from, change.to) ?? Effect.andThen(entry.remove(from), entry.add(change.to)))
      }
      const effects = change.op === "add" ? [] : (entry.sideEffects ?? [])
      const reread = Effect.forEach(effects, (t) =>
        Effect.map(byName.get(t)!.list, (xs) => [t, new Set(xs.map(byName.get(t)!.model.key))] as const)
      )
      return Effect.map(
        Effect.flatMap(run, () => reread),
        (lists) => {
          // what the kernel removed by itself: touched too
          for (const [t, present] of lists) {
            for (const k of live.get(t)!.keys()) {
              if (present.has(k) || touched.some((x) => x.type === t && x.key === k)) continue
              ;(was[t] ??= []).push(live.get(t)!.get(k))
              live.get(t)!.delete(k)
            }
          }
          if (change.op === "remove") {
            for (const t of touched) {
              const m = live.get(t.type)!
              if (t.port) m.set(t.key, { ...m.get(t.key), master: undefined })
              else m.delete(t.key)
            }
          } else {
            // an update makes the object its target in canonical form (defaults it leaves
            // out included: a link updated without `up` goes down); what the kernel chose stays
            const now = strip(
              change.op === "add"
                ? change.object
                : { ...prior, ...definedOf(entry.model.canonical(change.to)) }
            )
            if (fromKey !== key) objects.delete(fromKey)
            objects.set(key, now)
            // what the kernel made along with it (a veth's peer), as its kind says
            if (change.op === "add" && change.type === "link")
              for (const c of Link.companions(now as Link.Link))
                if (!objects.has(c.name)) objects.set(c.name, c)
          }
          const now = subset(live, touched)
          inverses.push(Diff.diff(now, was))
          done.push(change)
          current = undefined
        }
      )
    })

  const rollback = Effect.gen(function* () {
    const failures: Array<RollbackFailure> = []
    for (let i = inverses.length - 1; i >= 0; i--) {
      for (const c of inverses[i]) {
        const r = yield* Effect.result(byChange(c))
        if (r._tag === "Failure") failures.push({ change: c, error: r.failure })
      }
    }
    // What the inverses did not bring back (side effects of the kernel's
    // own, such as routes flushed with a link taken down): from the first read.
    let left = Diff.diff((yield* Snapshot.read).objects, before.objects)
    const repaired = left
    if (left.length > 0) {
      for (const c of left) {
        const r = yield* Effect.result(byChange(c))
        if (r._tag === "Failure") failures.push({ change: c, error: r.failure })
      }
      left = Diff.diff((yield* Snapshot.read).objects, before.objects)
    }
    return { failures, repaired, left }
  })

  const tx: Transaction = {
    add: (type, object) => step({ op: "add", type, key: keyOf(type, object), object }),
    remove: (type, object) => step({ op: "remove", type, key: keyOf(type, object), object }),
    update: (type, to) => step({ op: "update", type, key: keyOf(type, to), from: undefined, to }),
    apply: step,
    done
  }
  return { tx, rollback, failedAt: () => current }
}

const definedOf = (o: unknown): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o as object)) if (v !== undefined) out[k] = v
  return out
}

const keyOf = (type: string, object: unknown): string => {
  const e = byName.get(type)
  return e === undefined ? "" : e.model.key(object)
}

/** Runs one change outside a transaction (what rollback and repair do). */
const byChange = (c: Diff.Change): Effect.Effect<void, NetlinkError, Netlink> => {
  const e = byName.get(c.type)!
  if (c.op === "add") return e.add(c.object)
  if (c.op === "remove") return e.remove(c.object)
  return e.update?.(c.from, c.to) ?? Effect.andThen(e.remove(c.from), e.add(c.to))
}

/**
 * Options of {@link run} and {@link execute}.
 *
 * @example
 * ```ts
 * const o: Transaction.RunOptions = { before: yield* Snapshot.take }
 * ```
 * @since 0.3.0
 */
export interface RunOptions {
  /** A snapshot taken just before (saves the first read when the caller has one, as apply does). */
  readonly before?: Snapshot.Snapshot
}

/**
 * Runs `body` as a transaction: the namespace is read first; when `body`
 * fails, what it did is rolled back and the result fails with a
 * {@link TransactionError} (whose `leftChanged` is empty when everything was
 * restored). On success the changes stay (commit).
 *
 * @example
 * ```ts
 * yield* Transaction.run((tx) => Effect.all([
 *   tx.add("link", { kind: "dummy", name: "d0", up: true }),
 *   tx.add("address", { dev: "d0", address: "10.0.0.1/24" })
 * ]))
 * ```
 * @since 0.3.0
 */
export const run = <A, E, R>(
  body: (tx: Transaction) => Effect.Effect<A, E, R>,
  options: RunOptions = {}
): Effect.Effect<A, TransactionError | NetlinkError, R | Netlink> =>
  Effect.gen(function* () {
    const before = options.before ?? (yield* Snapshot.read)
    const { tx, rollback, failedAt } = begin(before)
    const result = yield* Effect.result(body(tx))
    if (result._tag === "Success") return result.success
    const at = failedAt()
    const { failures, repaired, left } = yield* rollback
    return yield* Effect.fail(
      new TransactionError({
        error: result.failure,
        failedAt: at,
        rollbackErrors: failures,
        repaired,
        leftChanged: left
      })
    )
  })

/**
 * Runs a plan (from {@link Diff.diff}) as one transaction.
 *
 * @example
 * ```ts
 * yield* Transaction.execute(Diff.diff(now.objects, wanted))
 * ```
 * @since 0.3.0
 */
export const execute = (
  plan: Diff.Plan,
  options: RunOptions = {}
): Effect.Effect<void, TransactionError | NetlinkError, Netlink> =>
  run((tx) => Effect.forEach(plan, tx.apply, { discard: true }), options)
