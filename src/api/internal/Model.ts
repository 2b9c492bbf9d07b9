/**
 * What every object type (link, address, route, neighbour, rule, and later
 * qdisc, filter, nexthop, ...) provides so that states can be compared,
 * diffed and applied: an identity as the kernel defines it, equality over
 * configuration, and the Schema of its one read/write shape.
 *
 * Convention for the shapes themselves: configuration at the top level, with
 * the names `ip` uses; what the kernel reports by itself (statistics,
 * cacheinfo, state it derives) under `status`, which equality ignores and
 * `add`/`remove` accept and ignore. The decoded message stays reachable through
 * each module's `listRaw`/`streamRaw` and `fromMessage` (message → object), so
 * no object carries a second copy of itself.
 *
 * @since 0.2.0
 */
import type * as Schema from "effect/Schema"

/**
 * The description of one object type.
 *
 * @example
 * ```ts
 * const t: Model.ObjectType<Route.Route> = Route.type
 * t.key(route) // "main|10.0.0.0/16|0|0"
 * t.equals(a, b)
 * ```
 * @since 0.2.0
 */
export interface ObjectType<A> {
  /** "link", "address", "route", ... */
  readonly name: string
  /** The Schema of the read/write shape (validation, JSON, JSON Schema). */
  readonly schema: Schema.Codec<A, any>
  /** Identity as the kernel defines it: two objects with one key cannot both exist. */
  readonly key: (a: A) => string
  /** Equal configuration (status is ignored; omitted fields mean the kernel's defaults). */
  readonly equals: (a: A, b: A) => boolean
  /**
   * The canonical form: the defaults the kernel (and `ip`) apply filled in,
   * status dropped; `equals(a, b)` is `deepEqual(canonical(a), canonical(b))`.
   */
  readonly canonical: (a: A) => A
}

/**
 * Deep equality over plain data (objects, arrays, bigints, Uint8Arrays),
 * ignoring keys whose value is undefined and the keys in `ignore` at the top
 * level.
 *
 * @example
 * ```ts
 * deepEqual({ a: [1n], b: undefined }, { a: [1n] }) // true
 * ```
 * @since 0.2.0
 */
export const deepEqual = (a: unknown, b: unknown, ignore: ReadonlySet<string> = NONE): boolean =>
  equalIgnoring(a, b, ignore, NONE)

/**
 * {@link deepEqual} with `ignore` skipped at the top level and `nested` at
 * every level below (Events' equivalence skips its volatile keys everywhere).
 */
export const equalIgnoring = (
  a: unknown,
  b: unknown,
  ignore: ReadonlySet<string>,
  nested: ReadonlySet<string>
): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as Array<unknown>
    if (a.length !== bb.length) return false
    for (let i = 0; i < a.length; i++) if (!equalIgnoring(a[i], bb[i], nested, nested)) return false
    return true
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  for (const k of Object.keys(ao)) {
    if (ignore.has(k) || ao[k] === undefined) continue
    if (!equalIgnoring(ao[k], bo[k], nested, nested)) return false
  }
  for (const k of Object.keys(bo)) {
    if (ignore.has(k) || bo[k] === undefined) continue
    if (ao[k] === undefined) return false
  }
  return true
}

const NONE: ReadonlySet<string> = new Set()

/**
 * Drops `fields` from both objects (in place) where either leaves them out:
 * values the kernel chooses by itself are compared only when both give them.
 */
export const onlyWhenBoth = (
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  fields: Iterable<string>
): void => {
  for (const f of fields)
    if (a[f] === undefined || b[f] === undefined) {
      delete a[f]
      delete b[f]
    }
}

/**
 * {@link onlyWhenBoth} on the `options` of two canonical objects (copied
 * first); an `options` left empty is dropped on both.
 */
export const optionsOnlyWhenBoth = (
  a: { options?: object | undefined },
  b: { options?: object | undefined },
  fields: ReadonlyArray<string> | undefined
): void => {
  if (fields === undefined) return
  const oa: Record<string, unknown> = { ...a.options }
  const ob: Record<string, unknown> = { ...b.options }
  onlyWhenBoth(oa, ob, fields)
  a.options = oa
  b.options = ob
  for (const x of [a, b]) if (Object.keys(x.options!).length === 0) delete x.options
}

/** The top-level keys equality ignores on every object type. */
export const STATUS_KEYS: ReadonlySet<string> = new Set(["status"])
