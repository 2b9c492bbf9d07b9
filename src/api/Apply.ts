/**
 * Declarative configuration: a desired state names the objects it manages;
 * `apply` validates it, plans the changes from what the namespace holds,
 * (optionally stops at the plan: dry run), runs the plan in one transaction,
 * then reads the namespace again until the desired state holds (retrying
 * briefly what the kernel settles by itself) and reports.
 *
 * Only what the state names is managed: an object it names is created or
 * changed (fields it leaves out are not compared, see `Diff.covers`);
 * objects it does not name stay, unless a `purge` scope names their type and
 * link (`{ type: "address", dev: "br0" }`: addresses on br0 the state does
 * not name are removed). A second apply of the same state plans nothing; a
 * failed apply leaves the namespace as it was (the transaction rolls back).
 *
 * @example
 * ```ts
 * import { Apply } from "nlink"
 *
 * const report = yield* Apply.apply({
 *   link: [{ kind: "bridge", name: "br0", up: true }],
 *   address: [{ dev: "br0", address: "10.0.0.1/24" }],
 *   route: [{ destination: "10.1.0.0/16", gateway: "10.0.0.254" }],
 *   purge: [{ type: "address", dev: "br0" }]
 * }, { dryRun: true })
 * console.log(Diff.toText(report.plan))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import * as Diff from "./Diff.ts"
import { invalid } from "./internal/Common.ts"
import type { Netlink } from "./Netlink.ts"
import * as Snapshot from "./Snapshot.ts"
import { byName, entries, names } from "./state/Registry.ts"
import * as Transaction from "./Transaction.ts"

/**
 * A purge scope: objects of `type` on link `dev` that the state does not
 * name are removed (for `type: "link"`, the ports of `dev`).
 *
 * @example
 * ```ts
 * const p: Apply.Purge = { type: "route", dev: "eth1" }
 * ```
 * @since 0.3.0
 */
export interface Purge {
  readonly type: string
  readonly dev: string
}

/**
 * A desired state: objects by type name (each in its type's shape), and
 * purge scopes.
 *
 * @example
 * ```ts
 * const d: Apply.Desired = { link: [{ kind: "dummy", name: "d0", up: true }], address: [{ dev: "d0", address: "10.9.0.1/24" }] }
 * ```
 * @since 0.3.0
 */
export interface Desired {
  readonly version?: 1
  readonly purge?: ReadonlyArray<Purge>
  readonly [type: string]: ReadonlyArray<any> | number | undefined
}

const PurgeSchema = Schema.Struct({
  type: Schema.Literals(names as [string, ...Array<string>]),
  dev: Schema.String
})

/**
 * The Schema of a desired-state document (each object checked by its
 * type's Schema).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Apply.schema)(yaml.parse(text))
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Desired, any> = Schema.Struct({
  version: Schema.optional(Schema.Literal(1)),
  purge: Schema.optional(Schema.Array(PurgeSchema)),
  ...Object.fromEntries(entries.map((e) => [e.model.name, Schema.optional(Schema.Array(e.model.schema))]))
}) as any

/**
 * The JSON Schema (draft 2020-12) of a desired-state document, generated
 * from {@link schema}: point an editor at it to complete and check files.
 *
 * @example
 * ```ts
 * fs.writeFileSync("nlink-state.schema.json", JSON.stringify(Apply.jsonSchema(), null, 2))
 * ```
 * @since 0.3.0
 */
export const jsonSchema = () => Schema.toJsonSchemaDocument(schema)

/**
 * What `apply` did: the plan, whether it ran, and whether re-reading
 * showed the desired state (with what still differs when it did not).
 *
 * @example
 * ```ts
 * if (!report.verified) console.log(Diff.toText(report.remaining))
 * ```
 * @since 0.3.0
 */
export interface Report {
  readonly plan: Diff.Plan
  readonly applied: boolean
  readonly verified: boolean
  readonly remaining: Diff.Plan
}

/**
 * Options of {@link apply} and {@link plan}.
 *
 * @example
 * ```ts
 * const o: Apply.Options = { dryRun: true }
 * ```
 * @since 0.3.0
 */
export interface Options {
  /** Plan only; change nothing. */
  readonly dryRun?: boolean
  /** The state is the whole configuration (restore): remove everything it does not name. */
  readonly whole?: boolean
  /** How long to re-read until the desired state holds; default 1 second. */
  readonly settleMs?: number
}

/**
 * Why an apply failed: a Validation error (nothing was changed), or a
 * transaction that failed and was rolled back.
 *
 * @example
 * ```ts
 * const e: Apply.ApplyError = error
 * ```
 * @since 0.3.0
 */
export type ApplyError = NetlinkError | Transaction.TransactionError

/**
 * Checks a parsed desired-state document against {@link schema}: a
 * Validation error names the bad path.
 *
 * @example
 * ```ts
 * const desired = yield* Apply.validate(JSON.parse(text))
 * ```
 * @since 0.3.0
 */
export const validate = (input: unknown): Effect.Effect<Desired, NetlinkError> =>
  Effect.mapError(Schema.decodeUnknownEffect(schema)(input), (e) =>
    e instanceof NetlinkError ? e : invalid("desired", e.message)
  )

/** References to links that neither exist nor will; two objects with one key and different contents. */
const check = (desired: Desired, current: Snapshot.Snapshot, whole: boolean): NetlinkError | undefined => {
  const links = new Set<string>()
  for (const l of (desired.link as ReadonlyArray<any> | undefined) ?? []) links.add(l.name)
  if (!whole) {
    for (const l of current.objects.link ?? []) links.add(l.name)
    for (const l of current.external.link ?? []) links.add(l.name)
  } else for (const l of current.external.link ?? []) links.add(l.name)
  for (const e of entries) {
    const seen = new Map<string, unknown>()
    const list = (desired[e.model.name] as ReadonlyArray<any> | undefined) ?? []
    if (e.readOnly !== undefined && list.length > 0) return invalid(`${e.model.name}[0]`, e.readOnly)
    for (const [i, o] of list.entries()) {
      for (const n of e.needs(o)) {
        if (n.startsWith("link:") && !links.has(n.slice(5)))
          return invalid(
            `${e.model.name}[${i}]`,
            `needs link ${n.slice(5)}, which neither exists nor is in the state`
          )
      }
      // a filter the kernel numbers by itself would be found under another identity next time
      if (e.model.name === "filter" && !whole && (o.priority === undefined || o.handle === undefined))
        return invalid(
          `filter[${i}].${o.priority === undefined ? "priority" : "handle"}`,
          "a desired filter gives its priority and handle (the kernel picks them otherwise, and a second apply could not find it)"
        )
      const k = e.model.key(o)
      const other = seen.get(k)
      if (other !== undefined && !e.model.equals(other, o))
        return invalid(
          `${e.model.name}[${i}]`,
          `conflicts with another ${e.model.name} of the same identity (${k})`
        )
      seen.set(k, o)
    }
  }
  for (const [i, p] of (desired.purge ?? []).entries())
    if (!links.has(p.dev)) return invalid(`purge[${i}].dev`, `no link ${p.dev} exists or is in the state`)
  return undefined
}

/**
 * The objects of a desired state by type (what `Diff.diff` compares).
 *
 * @example
 * ```ts
 * Apply.stateOf({ link: [{ kind: "dummy", name: "d0" }] }).link?.length // 1
 * ```
 * @since 0.3.0
 */
export const stateOf = (desired: Desired): Diff.State =>
  Object.fromEntries(names.map((n) => [n, (desired[n] as ReadonlyArray<any> | undefined) ?? []]))

const purgeOf = (desired: Desired) => {
  const scopes = desired.purge ?? []
  return (type: string, o: any): boolean => {
    const e = byName.get(type)!
    return scopes.some(
      (p) => p.type === type && (type === "link" ? o.master === p.dev : e.dev?.(o) === p.dev)
    )
  }
}

const planFrom = (desired: Desired, current: Snapshot.Snapshot, whole: boolean): Diff.Plan =>
  Diff.diff(current.objects, stateOf(desired), whole ? {} : { partial: true, purge: purgeOf(desired) })

/** What a plan would create without what it needs (checked before anything is sent). */
const uncreatable = (steps: Diff.Plan): NetlinkError | undefined => {
  for (const c of steps) {
    if (c.op !== "add") continue
    const bad = byName.get(c.type)?.creates?.(c.object, `${c.type}[${c.key}]`)
    if (bad !== undefined) return bad
  }
  return undefined
}

/**
 * Validates a desired state and plans it against the namespace, changing
 * nothing (what `apply` with `dryRun` reports).
 *
 * @example
 * ```ts
 * const steps = yield* Apply.plan(desired)
 * console.log(Diff.toText(steps))
 * ```
 * @since 0.3.0
 */
export const plan = (
  input: unknown,
  options: Options = {}
): Effect.Effect<Diff.Plan, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const desired = yield* validate(input)
    const current = yield* Snapshot.read
    const bad = check(desired, current, options.whole === true)
    if (bad !== undefined) return yield* Effect.fail(bad)
    const steps = planFrom(desired, current, options.whole === true)
    const missing = uncreatable(steps)
    return missing === undefined ? steps : yield* Effect.fail(missing)
  })

/**
 * Validates, plans, and (unless `dryRun`) runs the plan in one transaction,
 * then re-reads until the desired state holds or `settleMs` passes.
 *
 * @example
 * ```ts
 * const report = yield* Apply.apply(desired)
 * report.verified // true
 * ```
 * @since 0.3.0
 */
export const apply = (input: unknown, options: Options = {}): Effect.Effect<Report, ApplyError, Netlink> =>
  Effect.gen(function* () {
    const whole = options.whole === true
    const desired = yield* validate(input)
    const current = yield* Snapshot.read
    const bad = check(desired, current, whole)
    if (bad !== undefined) return yield* Effect.fail(bad)
    const steps = planFrom(desired, current, whole)
    const missing = uncreatable(steps)
    if (missing !== undefined) return yield* Effect.fail(missing)
    if (options.dryRun === true || steps.length === 0)
      return { plan: steps, applied: false, verified: steps.length === 0, remaining: steps }
    yield* Transaction.execute(steps, { before: current })
    const settle = options.settleMs ?? 1000
    const reread = Effect.map(Snapshot.read, (now) => planFrom(desired, now, whole))
    const remaining = yield* reread.pipe(
      Effect.flatMap((left) => (left.length === 0 ? Effect.succeed(left) : Effect.fail(left))),
      Effect.retry({ schedule: Schedule.spaced(50), times: Math.max(0, Math.ceil(settle / 50)) }),
      Effect.catch((left: Diff.Plan | NetlinkError) =>
        left instanceof NetlinkError ? Effect.fail(left) : Effect.succeed(left)
      )
    )
    return { plan: steps, applied: true, verified: remaining.length === 0, remaining }
  })
