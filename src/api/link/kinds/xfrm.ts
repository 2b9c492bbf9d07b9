/**
 * xfrm interfaces: `ip link add NAME type xfrm dev PHYS if_id ID [external]`.
 * Everything comes from the spec's view (linkinfo-xfrm-attrs); the module
 * adds the kernel's rule that an interface id is needed unless external.
 *
 * @since 0.2.0
 */
import {
  XfrmFields,
  type XfrmOptions,
  xfrmCanonical,
  xfrmDevices,
  xfrmFromWire,
  xfrmKernelChosen,
  xfrmToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind } from "../LinkKind.ts"

export type { XfrmOptions }

/**
 * The xfrm descriptor.
 *
 * @example
 * ```ts
 * xfrm.toKernel({ ifId: 7 }, { devices: {}, namespaces: {} }) // { ifId: 7 }
 * ```
 * @since 0.2.0
 */
export const xfrm: LinkKind<XfrmOptions, "xfrm"> = {
  kind: "xfrm",
  fields: XfrmFields,
  devices: xfrmDevices,
  kernelChosen: xfrmKernelChosen,
  check: (o) => {
    // a listed external interface reports if_id 0, which recreates it
    if (o.external === true)
      return o.ifId !== undefined && o.ifId !== 0
        ? ["ifId", "an external xfrm interface takes no if_id"]
        : o.dev !== undefined
          ? ["dev", "an external xfrm interface takes no dev"]
          : undefined
    return o.ifId === undefined || o.ifId === 0
      ? ["ifId", "a non-zero if_id is needed unless external is set"]
      : undefined
  },
  toKernel: (o, ctx) => xfrmToWire(o, ctx.devices),
  fromKernel: (d, ctx) => (d === undefined ? {} : xfrmFromWire(d, ctx.name)),
  canonical: (o) => ({
    ...xfrmCanonical(o),
    ...(o.external === true && o.ifId === undefined ? { ifId: 0 } : {})
  })
}
