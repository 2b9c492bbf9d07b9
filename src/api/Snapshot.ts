/**
 * The whole configuration of a network namespace as one versioned document:
 * links (with kind data and port options), addresses, routes of every table
 * and both families, permanent and proxy neighbours, rules — every type in
 * the state registry. Objects the kernel made by itself (loopback, local and
 * prefix routes, link-local addresses, default rules) and links nlink cannot
 * create (devices without a kind, kinds without a module) are kept apart
 * under `external`: shown, compared, never restored.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Netlink, Snapshot } from "nlink"
 *
 * const json = yield* Effect.map(Snapshot.take, Snapshot.toJson)
 * // later, in an empty namespace:
 * yield* Snapshot.restore(yield* Snapshot.fromJson(json))
 * ```
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import * as Apply from "./Apply.ts"
import * as Diff from "./Diff.ts"
import { invalid } from "./internal/Common.ts"
import { byKind } from "./link/registry.ts"
import type { Netlink } from "./Netlink.ts"
import { type Entry, entries, type Listed, strip } from "./state/Registry.ts"

/**
 * The document version this module writes and reads.
 *
 * @example
 * ```ts
 * Snapshot.VERSION // 1
 * ```
 * @since 0.3.0
 */
export const VERSION = 1

/**
 * A snapshot: configured objects by type (what restore creates) and the
 * external ones (what the kernel or something else made).
 *
 * @example
 * ```ts
 * const s: Snapshot.Snapshot = { version: 1, objects: { link: [{ kind: "dummy", name: "d0" }] }, external: {} }
 * ```
 * @since 0.3.0
 */
export interface Snapshot {
  readonly version: 1
  readonly objects: Diff.State
  readonly external: Diff.State
}

/** Links whose kind has no module (or no kind at all) cannot be created. */
const creatable = (e: Entry, o: any, listed: Listed): boolean =>
  !e.kernelMade(o, listed) && (e.model.name !== "link" || (o.kind !== undefined && byKind.has(o.kind)))

const objectsSchema = Schema.Struct(
  Object.fromEntries(entries.map((e) => [e.model.name, Schema.optional(Schema.Array(e.model.schema))]))
)
const externalSchema = Schema.Struct(
  Object.fromEntries(
    entries.map((e) => [
      e.model.name,
      Schema.optional(Schema.Array(Schema.Record(Schema.String, Schema.Unknown)))
    ])
  )
)

/**
 * The Schema of a snapshot document: each object is checked by its type's
 * Schema.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Snapshot.schema)(JSON.parse(text))
 * ```
 * @since 0.3.0
 */
export const schema: Schema.Codec<Snapshot, any> = Schema.Struct({
  version: Schema.Literal(VERSION),
  objects: objectsSchema,
  external: Schema.optionalKey(externalSchema)
}) as any

/** Without the keys whose value is undefined (a JSON document has none). */
const defined = <A>(o: A): A =>
  Object.fromEntries(Object.entries(o as object).filter(([, v]) => v !== undefined)) as A

// keys computed once (a key is a canonical form: costly inside a comparator)
const sortByKey = (e: Entry, xs: Array<any>) => {
  const keyed = xs.map((o) => [e.model.key(o), o] as const)
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return keyed.map(([, o]) => o)
}

/**
 * Reads the namespace as a plan needs it: every type listed (a later type
 * takes device names from the links listed first), split into what nlink
 * creates and the rest, objects as listed (with `status`, unsorted). What
 * {@link take} makes a document of; apply plans from it directly.
 *
 * @example
 * ```ts
 * const now = yield* Snapshot.read
 * Diff.diff(now.objects, wanted)
 * ```
 * @since 0.3.0
 */
export const read: Effect.Effect<Snapshot, NetlinkError, Netlink> = Effect.gen(function* () {
  // types in creation order: a later type reads device names (and more) from what is listed
  const listed: Record<string, ReadonlyArray<any>> = {}
  for (const e of entries) listed[e.model.name] = yield* e.listWith?.(listed) ?? e.list
  const objects: Record<string, Array<any>> = {}
  const external: Record<string, Array<any>> = {}
  for (const e of entries) {
    const mine: Array<any> = []
    const theirs: Array<any> = []
    for (const o of listed[e.model.name]) (creatable(e, o, listed) ? mine : theirs).push(o)
    objects[e.model.name] = mine
    external[e.model.name] = theirs
  }
  return { version: VERSION, objects, external }
})

/**
 * Reads the namespace (of the provided Netlink layer) as a document: one
 * list per object type, sorted by identity, `status` left out.
 *
 * @example
 * ```ts
 * const s = yield* Snapshot.take
 * s.objects.route?.length
 * ```
 * @since 0.3.0
 */
export const take: Effect.Effect<Snapshot, NetlinkError, Netlink> = Effect.map(read, (now) => {
  const objects: Record<string, Array<any>> = {}
  const external: Record<string, Array<any>> = {}
  for (const e of entries) {
    const name = e.model.name
    objects[name] = sortByKey(
      e,
      (now.objects[name] ?? []).map((o) => defined(strip(o)))
    )
    // shown as plain JSON data (no Schema checks what nlink does not create)
    external[name] = sortByKey(
      e,
      (now.external[name] ?? []).map((o) => JSON.parse(JSON.stringify(strip(o), Diff.jsonReplacer)))
    )
  }
  return { version: VERSION, objects, external }
})

/**
 * Whether two snapshots hold the same configuration (external objects not
 * compared): the plan between them is empty.
 *
 * @example
 * ```ts
 * Snapshot.equals(before, after) // true
 * ```
 * @since 0.3.0
 */
export const equals = (a: Snapshot, b: Snapshot): boolean => Diff.diff(a.objects, b.objects).length === 0

const jsonCodec = Schema.toCodecJson(schema)

/**
 * The snapshot as JSON text: the Schema's JSON encoding (64-bit values as
 * decimal strings, so they stay exact; {@link fromJson} reads them back).
 *
 * @example
 * ```ts
 * fs.writeFileSync("s.json", Snapshot.toJson(s))
 * ```
 * @since 0.3.0
 */
export const toJson = (s: Snapshot): string =>
  `${JSON.stringify(Schema.encodeUnknownSync(jsonCodec)(s), Diff.jsonReplacer, 2)}\n`

/**
 * The snapshot as the plain data of its JSON encoding (for YAML or any other
 * JSON-like format).
 *
 * @example
 * ```ts
 * yaml.stringify(Snapshot.encode(s))
 * ```
 * @since 0.3.0
 */
export const encode = (s: Snapshot): unknown => Schema.encodeUnknownSync(jsonCodec)(s)

/**
 * Validates a parsed document (from JSON or YAML, in the Schema's JSON encoding) against {@link schema};
 * a bad document fails with a Validation error naming the path.
 *
 * @example
 * ```ts
 * const s = yield* Snapshot.decode(JSON.parse(text))
 * ```
 * @since 0.3.0
 */
export const decode = (input: unknown): Effect.Effect<Snapshot, NetlinkError> =>
  Effect.mapError(Schema.decodeUnknownEffect(jsonCodec)(input), (e) =>
    e instanceof NetlinkError ? e : invalid("snapshot", e.message)
  )

/**
 * Parses JSON text and validates it.
 *
 * @example
 * ```ts
 * const s = yield* Snapshot.fromJson(fs.readFileSync("s.json", "utf8"))
 * ```
 * @since 0.3.0
 */
export const fromJson = (text: string): Effect.Effect<Snapshot, NetlinkError> =>
  Effect.flatMap(
    Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => invalid("snapshot", `not JSON: ${e}`)
    }),
    decode
  )

/**
 * Makes the namespace's configuration the snapshot's: removes what it does
 * not hold, changes what differs and creates what is missing, in one
 * transaction (rolled back when a step fails). Into an empty namespace this
 * recreates it; external objects are skipped.
 *
 * @example
 * ```ts
 * const report = yield* Snapshot.restore(s)
 * report.plan.length
 * ```
 * @since 0.3.0
 */
export const restore = (s: Snapshot): Effect.Effect<Apply.Report, Apply.ApplyError, Netlink> =>
  Apply.apply(s.objects, { whole: true })
