/**
 * The generic part of a kind descriptor: what an object type with kinds
 * (links by IFLA_INFO_KIND now; qdiscs, classes, filters and actions by
 * TCA_KIND / TCA_OPTIONS later) needs from each kind's module. The object's
 * module holds no per-kind code: it validates with `fields`, resolves the
 * devices named in `devices`, builds the kind's data with `toKernel`, reads it
 * back with `fromKernel`, and compares through `canonical`.
 *
 * Most of a descriptor comes from the spec's view layer
 * (src/generated/<family>/view.ts: `<View>Fields`, `<view>ToWire`,
 * `<view>FromWire`, `<view>Canonical`, `<view>Devices`); a kind's module adds
 * only what has real logic.
 *
 * @since 0.2.0
 */
import type * as Schema from "effect/Schema"

/**
 * How a kind's options map to the kernel's kind data (`Data`: the generated
 * attribute object of the kind's options nest) and back.
 *
 * @example
 * ```ts
 * const vrf: Kind.KindDescriptor<{ table: number }, LinkinfoVrfAttrs> = {
 *   kind: "vrf",
 *   fields: VrfFields,
 *   devices: [],
 *   toKernel: (o) => vrfToWire(o),
 *   fromKernel: (d) => vrfFromWire(d ?? {}),
 *   canonical: vrfCanonical
 * }
 * ```
 * @since 0.2.0
 */
export interface KindDescriptor<Options, Data> {
  /** The kernel's kind name (IFLA_INFO_KIND, TCA_KIND). */
  readonly kind: string
  /** Input Schema fields of the kind's options (merged into the object's input Schema). */
  readonly fields: Schema.Struct.Fields
  /** Option fields that name devices; the engine resolves them before `toKernel`. */
  readonly devices: ReadonlyArray<string>
  /** Rules across fields that a Schema cannot express: `[field, message]` when broken. */
  readonly check?: (options: Options) => readonly [string, string] | undefined
  /** Options → kind data; undefined sends the kind alone. `devices` holds resolved indexes by field. */
  readonly toKernel: (options: Options, devices: Readonly<Record<string, number>>) => Data | undefined
  /** Kind data → options (configuration only); device indexes are named through `name`. */
  readonly fromKernel: (data: Data | undefined, name: (index: number) => string | number) => Partial<Options>
  /** What the kernel reports by itself in the kind data (status), if anything. */
  readonly status?: (data: Data) => object | undefined
  /** Options with the kernel's defaults filled in, for equality. */
  readonly canonical: (options: Partial<Options>) => Partial<Options>
}

/**
 * Drops keys whose value is undefined: generated encoders and Schemas take
 * absent keys, not `undefined` values.
 *
 * @example
 * ```ts
 * Kind.defined({ a: 1, b: undefined }) // { a: 1 }
 * ```
 * @since 0.2.0
 */
export const defined = <A extends object>(o: A): A => {
  const out: any = {}
  for (const k in o) if (o[k] !== undefined) out[k] = o[k]
  return out
}

/**
 * Whether an object has no keys (a kind data object with nothing to send).
 *
 * @example
 * ```ts
 * Kind.isEmpty({}) // true
 * ```
 * @since 0.2.0
 */
export const isEmpty = (o: object): boolean => {
  for (const _ in o) return false
  return true
}
