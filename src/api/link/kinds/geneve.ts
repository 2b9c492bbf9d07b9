/**
 * geneve: `ip link add NAME type geneve id VNI remote ADDR ...`. The view
 * (linkinfo-geneve-attrs) gives id, dstport, flowlabel, df, the checksum
 * options, external and innerprotoinherit; by hand: `remote` (REMOTE or
 * REMOTE6 by family), `ttl` (a number, "auto" = 0, or "inherit" =
 * TTL_INHERIT) and `tos` ("inherit" = 1). Like ip, a create always sends id,
 * flow label, TTL and TOS.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type { LinkinfoGeneveAttrs } from "../../../generated/rt-link/index.ts"
import {
  GeneveFields,
  type GeneveOptions as Generated,
  geneveCanonical,
  geneveDevices,
  geneveFromWire,
  geneveKernelChosen,
  geneveToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import type { LinkKind } from "../LinkKind.ts"
import { addressesCanonical, isAnyAddress, tosFromWire, tosToWire } from "./tunnel.ts"

/**
 * The options of a geneve link.
 *
 * @example
 * ```ts
 * const o: GeneveOptions = { id: 5, remote: "10.0.0.2", ttl: "inherit", df: "set" }
 * ```
 * @since 0.2.0
 */
export interface GeneveOptions extends Generated {
  /** Remote endpoint (IPv4 or IPv6). */
  readonly remote?: string
  /** Outer TOS, or "inherit" (1). */
  readonly tos?: number | "inherit"
}

const fields = {
  ...GeneveFields,
  remote: Schema.optional(P.InetAddress),
  tos: Schema.optional(Schema.Union([P.U8, Schema.Literal("inherit")]))
}

/**
 * The geneve descriptor.
 *
 * @example
 * ```ts
 * geneve.toKernel({ id: 5, remote: "10.0.0.2" }, { devices: {}, namespaces: {} })
 * ```
 * @since 0.2.0
 */
export const geneve: LinkKind<GeneveOptions, "geneve"> = {
  kind: "geneve",
  fields,
  devices: geneveDevices,
  kernelChosen: geneveKernelChosen,
  check: (o) => {
    if (o.external === true) {
      if (o.id !== undefined && o.id !== 0) return ["id", "an external geneve device takes no VNI"]
      if (o.remote !== undefined) return ["remote", "an external geneve device takes no remote"]
      return undefined
    }
    if (o.id === undefined) return ["id", "a VNI is needed unless external is set"]
    if (o.remote === undefined) return ["remote", "a remote is needed unless external is set"]
    // the kernel takes it, but lists it as no remote: a listed device could not be given back
    if (isAnyAddress(o.remote)) return ["remote", `${o.remote} is no remote address`]
    return undefined
  },
  toKernel: (o) => {
    const w: { -readonly [K in keyof LinkinfoGeneveAttrs]: LinkinfoGeneveAttrs[K] } = geneveToWire(o)
    w.id = o.id ?? 0
    if (o.remote !== undefined) {
      if (o.remote.includes(":")) w.remote6 = o.remote
      else w.remote = o.remote
    }
    w.label = o.flowlabel ?? 0
    // like ip, TTL always goes (0 with inherit)
    w.ttl ??= 0
    w.tos = tosToWire(o.tos)
    return w
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof GeneveOptions]?: GeneveOptions[K] } = geneveFromWire(d, ctx.name)
    if (d.remote !== undefined && d.remote !== "0.0.0.0") o.remote = d.remote
    else if (d.remote6 !== undefined && d.remote6 !== "::") o.remote = d.remote6
    o.tos = tosFromWire(d.tos)
    return o
  },
  canonical: (o) => ({
    ...addressesCanonical(geneveCanonical(o), ["remote"]),
    tos: tosFromWire(o.tos),
    // the kernel reports VNI 0 for an external device
    ...(o.external === true && o.id === undefined ? { id: 0 } : {})
  })
}
