/**
 * cbs, the credit-based shaper (IEEE 802.1Qav): `idleslope` and
 * `sendslope` in kilobits per second, `hicredit` and `locredit` in bytes,
 * and `offload` to the device. All default to 0, as `tc` sends them.
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { decodeTcCbsAttrs, encodeTcCbsAttrs, type TcCbsAttrs } from "../../../generated/tc-sched/index.ts"
import type { TcKind } from "../TcKind.ts"

const S32 = Schema.Number.check(
  Schema.isInt(),
  Schema.isBetween({ minimum: -0x80000000, maximum: 0x7fffffff })
)

/**
 * cbs options.
 *
 * @example
 * ```ts
 * const o: CbsOptions = { idleslope: 98688, sendslope: -901312, hicredit: 153, locredit: -1389 }
 * ```
 * @since 0.3.0
 */
export interface CbsOptions {
  /** Kilobits per second the credit grows while waiting. */
  readonly idleslope?: number | undefined
  /** Kilobits per second the credit shrinks while sending (negative). */
  readonly sendslope?: number | undefined
  /** Bytes: the most credit. */
  readonly hicredit?: number | undefined
  /** Bytes: the least credit (negative). */
  readonly locredit?: number | undefined
  readonly offload?: boolean | undefined
}

/** The cbs kind. @since 0.3.0 */
export const cbs: TcKind<CbsOptions, TcCbsAttrs> = {
  kind: "cbs",
  fields: {
    idleslope: Schema.optional(S32),
    sendslope: Schema.optional(S32),
    hicredit: Schema.optional(S32),
    locredit: Schema.optional(S32),
    offload: Schema.optional(Schema.Boolean)
  },
  devices: [],
  toKernel: (o) => ({
    parms: {
      offload: o.offload === true ? 1 : 0,
      hicredit: o.hicredit ?? 0,
      locredit: o.locredit ?? 0,
      idleslope: o.idleslope ?? 0,
      sendslope: o.sendslope ?? 0
    }
  }),
  fromKernel: (d) =>
    d?.parms === undefined
      ? {}
      : {
          idleslope: d.parms.idleslope,
          sendslope: d.parms.sendslope,
          hicredit: d.parms.hicredit,
          locredit: d.parms.locredit,
          offload: d.parms.offload !== 0
        },
  canonical: (o) => ({
    idleslope: o.idleslope ?? 0,
    sendslope: o.sendslope ?? 0,
    hicredit: o.hicredit ?? 0,
    locredit: o.locredit ?? 0,
    offload: o.offload ?? false
  }),
  encode: encodeTcCbsAttrs,
  decode: decodeTcCbsAttrs
}
