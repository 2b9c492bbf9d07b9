/**
 * hsr: `ip link add NAME type hsr slave1 DEV slave2 DEV [supervision BYTE]
 * [version 0|1] [proto 0|1] [interlink DEV]`. The kernel has one kind for both
 * redundancy protocols: PRP is `{ kind: "hsr", proto: "prp" }`. By hand:
 * `supervision` (sent as IFLA_HSR_MULTICAST_SPEC, read back as the last byte
 * of IFLA_HSR_SUPERVISION_ADDR) and `version` (sent, never reported: a listed
 * link has none, so it is compared only when both sides give it).
 *
 * @since 0.2.0
 */
import * as os from "node:os"
import * as Schema from "effect/Schema"
import type { LinkinfoHsrAttrs } from "../../../generated/rt-link/index.ts"
import {
  HsrFields,
  type HsrOptions as Generated,
  hsrCanonical,
  hsrDevices,
  hsrFromWire,
  hsrKernelChosen,
  hsrStatusFromWire,
  hsrToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import type { LinkKind } from "../LinkKind.ts"

/**
 * The options of an hsr (or prp) link.
 *
 * @example
 * ```ts
 * const o: HsrOptions = { slave1: "eth1", slave2: "eth2", supervision: 45, version: 1 }
 * ```
 * @since 0.2.0
 */
export interface HsrOptions extends Generated {
  /** Last byte of the supervision multicast address 01:15:4e:00:01:XX (default 0). */
  readonly supervision?: number
  /** HSR version 0 (2010) or 1 (2012); create only, not reported back; not with proto "prp". */
  readonly version?: 0 | 1
}

const fields = {
  ...HsrFields,
  supervision: Schema.optional(P.U8),
  version: Schema.optional(Schema.Literals([0, 1]))
}

/**
 * The hsr descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "hsr", name: "prp0", slave1: "eth1", slave2: "eth2", proto: "prp" })
 * ```
 * @since 0.2.0
 */
export const hsr: LinkKind<HsrOptions, "hsr"> = {
  kind: "hsr",
  fields,
  devices: hsrDevices,
  kernelChosen: [...hsrKernelChosen, "version"],
  // PRP has one version; the kernel refuses IFLA_HSR_VERSION with it (EINVAL "PRP version unsupported")
  check: (o) =>
    (o.proto === "prp" || o.proto === 1) && o.version !== undefined
      ? ["version", "PRP has no version to choose (the kernel refuses one): give version with proto hsr only"]
      : undefined,
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoHsrAttrs]: LinkinfoHsrAttrs[K] } = hsrToWire(o, ctx.devices)
    if (o.supervision !== undefined) w.multicastSpec = o.supervision
    if (o.version !== undefined) w.version = o.version
    return w
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof HsrOptions]?: HsrOptions[K] } = hsrFromWire(d, ctx.name)
    const a = d.supervisionAddr
    if (a !== undefined) o.supervision = Number.parseInt(a.slice(a.lastIndexOf(":") + 1), 16)
    return o
  },
  status: hsrStatusFromWire,
  canonical: (o) => ({ ...hsrCanonical(o as Generated), supervision: o.supervision ?? 0 }),
  // older kernels drop IFLA_HSR_INTERLINK silently (Debian's 6.12 does; 7.3 applies and reports it)
  verify: (o, data) =>
    o.interlink !== undefined && data?.interlink === undefined
      ? [
          "interlink",
          `this kernel (${os.release()}) did not apply or report IFLA_HSR_INTERLINK (HSR-SAN needs a newer kernel), so the link was removed again`
        ]
      : undefined
}
