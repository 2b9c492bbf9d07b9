/**
 * vlan: `ip link add NAME link PARENT type vlan id ID [protocol 802.1ad]
 * [egress-qos-map ...] [ingress-qos-map ...]`. The parent is IFLA_LINK
 * (`link`); id and protocol come from the spec's view (linkinfo-vlan-attrs).
 * By hand: the flags (a value/mask struct: `mask` holds every flag named,
 * `flags` those set, as iproute2 sends them) and the QoS maps
 * (`{ from: to }` records or `[from, to]` pairs).
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import { type LinkinfoVlanAttrs, VlanFlags } from "../../../generated/rt-link/index.ts"
import {
  DeviceRef,
  VlanFields,
  type VlanOptions as Generated,
  vlanCanonical,
  vlanDevices,
  vlanFromWire,
  vlanKernelChosen,
  vlanToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import type { LinkKind } from "../LinkKind.ts"

const Pcp = P.intBetween(P.U8, 0, 7)
const NumericKey = Schema.String.check(
  Schema.makeFilter(
    (k: string) =>
      (/^(0|[1-9][0-9]{0,9})$/.test(k) && Number(k) <= 0xffffffff) || `"${k}" is not a number 0..4294967295`
  )
)
/** `{ 1: 2 }` or `[[1, 2]]` (from → to). Egress: skb priority → PCP; ingress: PCP → skb priority. */
const qosMap = (from: Schema.Codec<number>, to: Schema.Codec<number>) =>
  Schema.Union([Schema.Record(NumericKey, to), Schema.Array(Schema.Tuple([from, to]))])

const flagBits = {
  reorderHdr: VlanFlags.reorderHdr,
  gvrp: VlanFlags.gvrp,
  looseBinding: VlanFlags.looseBinding,
  mvrp: VlanFlags.mvrp,
  bridgeBinding: VlanFlags.bridgeBinding
} as const

type QosMap = Readonly<Record<string, number>> | ReadonlyArray<readonly [number, number]>

/**
 * The options of a vlan link.
 *
 * @example
 * ```ts
 * const o: VlanOptions = { link: "eth0", id: 7, protocol: "802.1ad", egressQos: { 1: 2 } }
 * ```
 * @since 0.2.0
 */
export interface VlanOptions extends Generated {
  /** The parent device (IFLA_LINK). */
  readonly link: string | number
  readonly flags?: { readonly [K in keyof typeof flagBits]?: boolean }
  readonly egressQos?: QosMap
  readonly ingressQos?: QosMap
}

const fields = {
  ...VlanFields,
  link: DeviceRef,
  flags: Schema.optional(
    Schema.Struct({
      reorderHdr: Schema.optional(Schema.Boolean),
      gvrp: Schema.optional(Schema.Boolean),
      looseBinding: Schema.optional(Schema.Boolean),
      mvrp: Schema.optional(Schema.Boolean),
      bridgeBinding: Schema.optional(Schema.Boolean)
    })
  ),
  egressQos: Schema.optional(qosMap(P.U32, Pcp)),
  ingressQos: Schema.optional(qosMap(Pcp, P.U32))
}

const pairs = (m: QosMap): Array<readonly [number, number]> =>
  Array.isArray(m)
    ? [...(m as ReadonlyArray<readonly [number, number]>)].sort((a, b) => a[0] - b[0])
    : Object.entries(m as Record<string, number>)
        .map(([k, v]) => [Number(k), v] as const)
        .sort((a, b) => a[0] - b[0])

const qosMappings = (m: QosMap | undefined) => {
  if (m === undefined) return undefined
  const p = pairs(m)
  // an empty map is an empty nest, which decodes without `mapping`
  return p.length === 0 ? {} : { mapping: p.map(([from, to]) => ({ from, to })) }
}

/** Read back as a record; the kernel reports an egress entry mapped to 0 as removed. */
const qosRecord = (q: LinkinfoVlanAttrs["egressQos"]): Record<string, number> | undefined => {
  if (q === undefined) return undefined
  const out: Record<string, number> = {}
  for (const { from, to } of q.mapping ?? []) out[String(from)] = to
  return out
}

/**
 * The vlan descriptor.
 *
 * @example
 * ```ts
 * vlan.toKernel({ link: 2, id: 5 }, { devices: {}, namespaces: {} }) // { id: 5 }
 * ```
 * @since 0.2.0
 */
export const vlan: LinkKind<VlanOptions, "vlan"> = {
  kind: "vlan",
  fields,
  devices: vlanDevices,
  kernelChosen: vlanKernelChosen,
  parent: "link",
  toKernel: (o, ctx) => {
    const w: { -readonly [K in keyof LinkinfoVlanAttrs]: LinkinfoVlanAttrs[K] } = vlanToWire(o, ctx.devices)
    if (o.flags !== undefined) {
      let value = 0
      let mask = 0
      for (const [k, bit] of Object.entries(flagBits)) {
        const v = o.flags[k as keyof typeof flagBits]
        if (v === undefined) continue
        mask |= bit
        if (v) value |= bit
      }
      w.flags = { flags: value, mask }
    }
    const egress = qosMappings(o.egressQos)
    if (egress !== undefined) w.egressQos = egress
    const ingress = qosMappings(o.ingressQos)
    if (ingress !== undefined) w.ingressQos = ingress
    return w
  },
  fromKernel: (d, ctx) => {
    const o: any = d === undefined ? {} : vlanFromWire(d, ctx.name)
    if (ctx.link !== undefined && ctx.link !== 0 && ctx.linkNetnsId === undefined) o.link = ctx.name(ctx.link)
    if (d?.flags !== undefined) {
      const f: Record<string, boolean> = {}
      // the mask says which flags the attribute gives (the kernel reports all of them)
      for (const [k, bit] of Object.entries(flagBits))
        if ((d.flags.mask & bit) !== 0) f[k] = (d.flags.flags & bit) !== 0
      o.flags = f
    }
    const e = qosRecord(d?.egressQos)
    if (e !== undefined) o.egressQos = e
    const i = qosRecord(d?.ingressQos)
    if (i !== undefined) o.ingressQos = i
    return o
  },
  canonical: (o) => {
    const c: any = vlanCanonical(o as VlanOptions)
    // reorder_hdr is on unless turned off; the others are off.
    const f: Record<string, boolean> = {
      reorderHdr: true,
      gvrp: false,
      looseBinding: false,
      mvrp: false,
      bridgeBinding: false
    }
    for (const [k, v] of Object.entries(o.flags ?? {})) if (v !== undefined) f[k] = v
    c.flags = f
    // Maps as records; ingress entries mapped to 0 are the kernel's default.
    const rec = (m: QosMap | undefined, dropZero: boolean) => {
      const out: Record<string, number> = {}
      for (const [from, to] of m === undefined ? [] : pairs(m))
        if (!(dropZero && to === 0)) out[String(from)] = to
      return out
    }
    c.egressQos = rec(o.egressQos, true)
    c.ingressQos = rec(o.ingressQos, true)
    return c
  }
}
