/**
 * ets, enhanced transmission selection: `bands` (1 to 16), of which the
 * first `strict` are served by strict priority and the rest share by
 * `quanta` (bytes per round), and the `priomap` from the 16 packet
 * priorities to bands. The kernel creates one class per band (1:1 ...);
 * an ets class has only its `quantum` (bands that are not strict), changed
 * with `Class.change`.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { decodeTcEtsAttrs, encodeTcEtsAttrs, type TcEtsAttrs } from "../../../generated/tc-sched/index.ts"
import type { TcKind } from "../TcKind.ts"

const MAX_BANDS = 16
const PRIOS = 16
const Band = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: MAX_BANDS - 1 }))
const Quantum = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xffffffff }))

/**
 * ets qdisc options. One of `bands`, `strict` and `quanta` is required;
 * without `bands` there are `strict` + the number of quanta. Bands that are
 * neither strict nor given a quantum get the device's MTU (the kernel's
 * choice), so when `bands` is given, `quanta` gives all of them or none.
 * Priorities beyond `priomap` go to the last band.
 *
 * @example
 * ```ts
 * const o: EtsOptions = { bands: 4, strict: 1, quanta: [1500, 3000, 4500], priomap: [0, 1, 2, 3] }
 * ```
 * @since 0.3.0
 */
export interface EtsOptions {
  readonly bands?: number | undefined
  /** The first `strict` bands are strict priority; default 0. */
  readonly strict?: number | undefined
  /** Quantum in bytes of each band after the strict ones. */
  readonly quanta?: ReadonlyArray<number> | undefined
  /** Band of each priority, from priority 0 (at most 16). */
  readonly priomap?: ReadonlyArray<number> | undefined
}

const bandsOf = (o: EtsOptions): number => o.bands ?? (o.strict ?? 0) + (o.quanta?.length ?? 0)

/** The ets qdisc. @since 0.3.0 */
export const ets: TcKind<EtsOptions, TcEtsAttrs> = {
  kind: "ets",
  fields: {
    bands: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: MAX_BANDS }))
    ),
    strict: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: MAX_BANDS }))
    ),
    quanta: Schema.optional(Schema.Array(Quantum).check(Schema.isMaxLength(MAX_BANDS))),
    priomap: Schema.optional(Schema.Array(Band).check(Schema.isMaxLength(PRIOS)))
  },
  devices: [],
  kernelChosen: ["quanta"],
  nestedOptions: true,
  check: (o) => {
    if (o.bands === undefined && o.strict === undefined && o.quanta === undefined)
      return ["bands", 'one of "bands", "strict" or "quanta" is required']
    const bands = bandsOf(o)
    const strict = o.strict ?? 0
    const quanta = o.quanta?.length ?? 0
    if (bands < 1 || bands > MAX_BANDS) return ["bands", `${bands} bands: between 1 and ${MAX_BANDS}`]
    if (strict + quanta > bands)
      return ["bands", `${strict} strict bands and ${quanta} quanta need ${strict + quanta} bands`]
    if (o.quanta !== undefined && o.bands !== undefined && strict + quanta !== bands)
      return ["quanta", `give a quantum for each of the ${bands - strict} bands that are not strict`]
    const bad = (o.priomap ?? []).findIndex((b) => b >= bands)
    if (bad >= 0) return ["priomap", `priority ${bad} maps to band ${o.priomap![bad]}, beyond ${bands} bands`]
    return undefined
  },
  // what tc sends: NBANDS always, NSTRICT/QUANTA/PRIOMAP when given
  toKernel: (o) => {
    const d: { -readonly [K in keyof TcEtsAttrs]: TcEtsAttrs[K] } = { nbands: bandsOf(o) }
    if (o.strict !== undefined) d.nstrict = o.strict
    if (o.quanta !== undefined) d.quanta = { bands: o.quanta }
    if (o.priomap !== undefined) d.priomap = { bands: o.priomap }
    return d
  },
  fromKernel: (d) => {
    if (d?.nbands === undefined) return {}
    const out: { -readonly [K in keyof EtsOptions]: EtsOptions[K] } = {
      bands: d.nbands,
      strict: d.nstrict ?? 0
    }
    if (d.quanta?.bands !== undefined && d.quanta.bands.length > 0) out.quanta = [...d.quanta.bands]
    if (d.priomap?.bands !== undefined) out.priomap = [...d.priomap.bands]
    return out
  },
  canonical: (o) => {
    const bands = bandsOf(o as EtsOptions)
    const strict = o.strict ?? 0
    const map = [...(o.priomap ?? [])]
    while (map.length < PRIOS) map.push(bands - 1)
    const out: { -readonly [K in keyof EtsOptions]: EtsOptions[K] } = { bands, strict }
    if (o.quanta !== undefined && o.quanta.length > 0) out.quanta = [...o.quanta]
    out.priomap = map
    return out
  },
  encode: encodeTcEtsAttrs,
  decode: decodeTcEtsAttrs
}

/**
 * ets class options: a band that is not strict has a quantum.
 *
 * @example
 * ```ts
 * const o: EtsClassOptions = { quantum: 4000 }
 * ```
 * @since 0.3.0
 */
export interface EtsClassOptions {
  /** Bytes per round (not for strict bands). */
  readonly quantum?: number | undefined
}

/** The ets class kind (the classes exist with the qdisc; `Class.change` sets a quantum). @since 0.3.0 */
export const etsClass: TcKind<EtsClassOptions, TcEtsAttrs> = {
  kind: "ets",
  fields: { quantum: Schema.optional(Quantum) },
  devices: [],
  kernelChosen: ["quantum"],
  nestedOptions: true,
  toKernel: (o) => (o.quantum === undefined ? {} : { quantaBand: o.quantum }),
  fromKernel: (d) => (d?.quantaBand === undefined ? {} : { quantum: d.quantaBand }),
  canonical: (o) => (o.quantum === undefined ? {} : { quantum: o.quantum }),
  encode: encodeTcEtsAttrs,
  decode: decodeTcEtsAttrs
}
