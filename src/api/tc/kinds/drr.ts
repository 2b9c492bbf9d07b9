/**
 * drr, deficit round robin: the qdisc has no options; each class has a
 * `quantum` (bytes served per round), which the kernel sets to the device's
 * MTU plus its link-layer header when not given.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import {
  decodeTcDrrAttrs,
  decodeTcDrrStats,
  encodeTcDrrAttrs,
  type TcDrrAttrs
} from "../../../generated/tc-sched/index.ts"
import * as Units from "../Units.ts"
import type { TcKind } from "../TcKind.ts"

/** The drr qdisc: no options (`tc qdisc add ... drr` sends the kind alone). @since 0.3.0 */
export const drr: TcKind<object, undefined> = {
  kind: "drr",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: () => ({}),
  encode: () => {},
  decode: () => undefined
}

/**
 * drr class options.
 *
 * @example
 * ```ts
 * const o: DrrClassOptions = { quantum: "3kb" }
 * ```
 * @since 0.3.0
 */
export interface DrrClassOptions {
  /** Bytes a class may send per round; the kernel uses the device's MTU + header when not given. */
  readonly quantum?: Units.Size | undefined
}

/** The drr class kind. @since 0.3.0 */
export const drrClass: TcKind<DrrClassOptions, TcDrrAttrs> = {
  kind: "drr",
  added: true,
  fields: { quantum: Schema.optional(Units.SizeSchema) },
  devices: [],
  kernelChosen: ["quantum"],
  check: (o) =>
    o.quantum !== undefined && Units.parseSize(o.quantum) === 0
      ? ["quantum", "a quantum above 0 is required"]
      : undefined,
  toKernel: (o) => (o.quantum === undefined ? {} : { quantum: Units.parseSize(o.quantum)! }),
  fromKernel: (d) => (d?.quantum === undefined ? {} : { quantum: d.quantum }),
  canonical: (o) => (o.quantum === undefined ? {} : { quantum: Units.parseSize(o.quantum)! }),
  xstats: (buf, view, start, end) => decodeTcDrrStats(buf, view, start, end),
  encode: encodeTcDrrAttrs,
  decode: decodeTcDrrAttrs
}
