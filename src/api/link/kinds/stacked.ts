/**
 * Kinds stacked on one device, with little or no kind data of their own:
 * virt_wifi (`ip link add link ETH name W type virt_wifi`: a cfg80211 wireless
 * device over an ethernet-like link), rmnet (`ip link add link DEV name R type
 * rmnet mux_id N`: a Qualcomm MAP channel) and ipoib (`ip link add link IB name
 * C type ipoib pkey P mode M umcast U`: an IP-over-InfiniBand child). The parent
 * travels as IFLA_LINK (`link`), as for macvlan and vlan.
 *
 * rmnet's data format flags are a list of names (iproute2's, e.g.
 * "ingress-deaggregation"); they are sent with the mask of every flag, so the
 * device gets exactly the listed ones.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import { RmnetFlags } from "../../../generated/rt-link/index.ts"
import {
  DeviceRef,
  IpoibFields,
  type IpoibOptions as IpoibGenerated,
  ipoibCanonical,
  ipoibFromWire,
  ipoibKernelChosen,
  ipoibToWire,
  RmnetFields,
  type RmnetOptions as RmnetGenerated,
  rmnetCanonical,
  rmnetFromWire,
  rmnetToWire
} from "../../../generated/rt-link/view.ts"
import type { LinkKind, ReadContext } from "../LinkKind.ts"

/** The parent as listed: IFLA_LINK named, unless it lives in another namespace. */
const parentOf = (ctx: ReadContext): { link?: string | number } =>
  ctx.link !== undefined && ctx.link !== 0 && ctx.linkNetnsId === undefined
    ? { link: ctx.name(ctx.link) }
    : {}

/**
 * The options of a virt_wifi link.
 *
 * @example
 * ```ts
 * const o: VirtWifiOptions = { link: "eth0" }
 * ```
 * @since 0.4.0
 */
export interface VirtWifiOptions {
  /** The ethernet-like device it runs over (IFLA_LINK). */
  readonly link: string | number
}

/**
 * The virt_wifi descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "virt_wifi", name: "wlan0", link: "eth0" })
 * ```
 * @since 0.4.0
 */
export const virtWifi: LinkKind<VirtWifiOptions, "virt_wifi"> = {
  kind: "virt_wifi",
  fields: { link: DeviceRef },
  devices: [],
  parent: "link",
  toKernel: () => undefined,
  fromKernel: (_d, ctx) => parentOf(ctx),
  canonical: (o) => o
}

/** rmnet data format flags by iproute2's names. */
const RMNET_NAMES = {
  "ingress-deaggregation": RmnetFlags.ingressDeaggregation,
  "ingress-commands": RmnetFlags.ingressMapCommands,
  "ingress-chksumv4": RmnetFlags.ingressMapCksumv4,
  "egress-chksumv4": RmnetFlags.egressMapCksumv4,
  "ingress-chksumv5": RmnetFlags.ingressMapCksumv5,
  "egress-chksumv5": RmnetFlags.egressMapCksumv5
} as const

/**
 * An rmnet data format flag.
 *
 * @example
 * ```ts
 * const f: RmnetFlag = "ingress-deaggregation"
 * ```
 * @since 0.4.0
 */
export type RmnetFlag = keyof typeof RMNET_NAMES

const RMNET_ALL = Object.values(RMNET_NAMES).reduce((a, b) => a | b, 0)
const RMNET_ORDER = Object.keys(RMNET_NAMES) as ReadonlyArray<RmnetFlag>
// what rmnet_newlink starts from when no flags are given
const RMNET_DEFAULT: ReadonlyArray<RmnetFlag> = ["ingress-deaggregation"]

const rmnetFlagNames = (bits: number): Array<RmnetFlag> =>
  RMNET_ORDER.filter((n) => (bits & RMNET_NAMES[n]) !== 0)

/**
 * The options of an rmnet link.
 *
 * @example
 * ```ts
 * const o: RmnetOptions = { link: "rmnet_ipa0", muxId: 5, flags: ["ingress-deaggregation", "egress-chksumv5"] }
 * ```
 * @since 0.4.0
 */
export interface RmnetOptions extends RmnetGenerated {
  /** The real device (IFLA_LINK). */
  readonly link: string | number
  /** Data format flags, all of them (what is not listed is off). */
  readonly flags?: ReadonlyArray<RmnetFlag>
}

/**
 * The rmnet descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "rmnet", name: "rm0", link: "d0", muxId: 5 })
 * ```
 * @since 0.4.0
 */
export const rmnet: LinkKind<RmnetOptions, "rmnet"> = {
  kind: "rmnet",
  fields: {
    ...RmnetFields,
    link: DeviceRef,
    flags: Schema.optional(Schema.Array(Schema.Literals(RMNET_ORDER as Array<RmnetFlag>)))
  },
  devices: [],
  parent: "link",
  toKernel: (o) => {
    const w: { -readonly [K in keyof ReturnType<typeof rmnetToWire>]: ReturnType<typeof rmnetToWire>[K] } =
      rmnetToWire(o)
    if (o.flags !== undefined)
      w.flags = { flags: o.flags.reduce((a, n) => a | RMNET_NAMES[n], 0), mask: RMNET_ALL }
    return w
  },
  fromKernel: (d, ctx) => {
    const o: { -readonly [K in keyof RmnetOptions]?: RmnetOptions[K] } =
      d === undefined ? {} : rmnetFromWire(d)
    if (d?.flags !== undefined) o.flags = rmnetFlagNames(d.flags.flags)
    return { ...o, ...parentOf(ctx) }
  },
  canonical: (o) => {
    const c: any = rmnetCanonical(o as RmnetOptions)
    c.flags = rmnetFlagNames((o.flags ?? RMNET_DEFAULT).reduce((a, n) => a | RMNET_NAMES[n], 0))
    return c
  }
}

/**
 * The options of an ipoib child.
 *
 * @example
 * ```ts
 * const o: IpoibOptions = { link: "ib0", pkey: 0x8001, mode: "connected" }
 * ```
 * @since 0.4.0
 */
export interface IpoibOptions extends IpoibGenerated {
  /** The parent IPoIB device (IFLA_LINK). */
  readonly link: string | number
}

/**
 * The ipoib descriptor. Only an InfiniBand device can be the parent; the
 * kernel refuses any other (ENODEV).
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "ipoib", name: "ib0.8001", link: "ib0", pkey: 0x8001 })
 * ```
 * @since 0.4.0
 */
export const ipoib: LinkKind<IpoibOptions, "ipoib"> = {
  kind: "ipoib",
  fields: { ...IpoibFields, link: DeviceRef },
  devices: [],
  parent: "link",
  kernelChosen: ipoibKernelChosen,
  toKernel: (o) => ipoibToWire(o),
  fromKernel: (d, ctx) => ({ ...(d === undefined ? {} : ipoibFromWire(d)), ...parentOf(ctx) }),
  canonical: (o) => ipoibCanonical(o as IpoibOptions)
}
