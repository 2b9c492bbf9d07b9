/**
 * batadv: `ip link add NAME type batadv [ra BATMAN_IV|BATMAN_V]`, a B.A.T.M.A.N.
 * advanced mesh interface (its hard interfaces join it as ports: `master`). The
 * routing algorithm is taken on create only and never reported back, so a
 * listed batadv link has no `ra` (equality compares it only when both give it).
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import {
  BatadvFields,
  type BatadvOptions,
  batadvCanonical,
  batadvFromWire,
  batadvKernelChosen,
  batadvToWire
} from "../../../generated/rt-link/view.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"

export type { BatadvOptions } from "../../../generated/rt-link/view.ts"

/**
 * The batadv descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "batadv", name: "bat0", ra: "BATMAN_V" })
 * ```
 * @since 0.4.0
 */
export const batadv: LinkKind<BatadvOptions, "batadv"> = {
  kind: "batadv",
  fields: {
    ...BatadvFields,
    // an algorithm name (BATMAN_IV, BATMAN_V): printable, no NUL
    ra: Schema.optional(Schema.String.check(Schema.isPattern(/^[!-~]{1,19}$/)))
  },
  devices: [],
  kernelChosen: batadvKernelChosen,
  toKernel: (o) => {
    const w = batadvToWire(o)
    return isEmpty(w) ? undefined : w
  },
  fromKernel: (d) => (d === undefined ? {} : batadvFromWire(d)),
  canonical: (o) => batadvCanonical(o as BatadvOptions)
}
