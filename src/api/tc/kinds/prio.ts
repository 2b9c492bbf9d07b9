/**
 * prio: `bands` (2 to 16) and the `priomap` from the 16 packet priorities to
 * bands. TCA_OPTIONS is struct tc_prio_qopt followed by an empty nest (tc's
 * "compat" nest); `tc` always sends both, with the defaults when no option
 * is given.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { decodeTcPrioQopt, encodeTcPrioQopt, type TcPrioQopt } from "../../../generated/tc/index.ts"
import type { Writer } from "../../../runtime/Wire.ts"
import type { TcKind } from "../TcKind.ts"

/**
 * prio options.
 *
 * @example
 * ```ts
 * const o: PrioOptions = { bands: 4, priomap: [3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0] }
 * ```
 * @since 0.3.0
 */
export interface PrioOptions {
  /** Number of bands; default 3. */
  readonly bands?: number | undefined
  /** Band of each of the 16 priorities; default 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1. */
  readonly priomap?: ReadonlyArray<number> | undefined
}

const DEFAULT_MAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
const TCA_OPTIONS = 2

/** The prio kind. @since 0.3.0 */
export const prio: TcKind<PrioOptions, TcPrioQopt> = {
  kind: "prio",
  fields: {
    bands: Schema.optional(
      Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 2, maximum: 16 }))
    ),
    priomap: Schema.optional(
      Schema.Array(Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 15 }))).check(
        Schema.isMinLength(16),
        Schema.isMaxLength(16)
      )
    )
  },
  devices: [],
  check: (o) => {
    const bands = o.bands ?? 3
    const bad = (o.priomap ?? DEFAULT_MAP).findIndex((b) => b >= bands)
    return bad < 0
      ? undefined
      : ["priomap", `priority ${bad} maps to band ${(o.priomap ?? DEFAULT_MAP)[bad]}, beyond ${bands} bands`]
  },
  toKernel: (o) => ({ bands: o.bands ?? 3, priomap: Uint8Array.from(o.priomap ?? DEFAULT_MAP) }),
  fromKernel: (d) => (d === undefined ? {} : { bands: d.bands, priomap: Array.from(d.priomap) }),
  canonical: (o) => ({ bands: o.bands ?? 3, priomap: [...(o.priomap ?? DEFAULT_MAP)] }),
  encode: (w: Writer, d: TcPrioQopt) => {
    encodeTcPrioQopt(w, d)
    w.attrEnd(w.attrStart(TCA_OPTIONS))
  },
  decode: decodeTcPrioQopt
}
