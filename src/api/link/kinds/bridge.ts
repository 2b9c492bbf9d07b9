/**
 * bridge: `ip link add NAME type bridge ...`, and the options of its ports
 * (`ip link set PORT type bridge_slave ...`, IFLA_INFO_SLAVE_DATA). Both come
 * whole from the spec's view (linkinfo-bridge-attrs, linkinfo-brport-attrs).
 * Times are in centiseconds, as `ip` takes and prints them. By hand: only
 * leaving out a reported `vlanFiltering: false` (see fromKernel), and how the
 * ten bridge times compare (see {@link BridgeOptions}).
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import { release } from "node:os"
import {
  BrBoolopt,
  type LinkinfoBridgeAttrs,
  type LinkinfoBrportAttrs
} from "../../../generated/rt-link/index.ts"
import {
  BridgeFields,
  type BridgeOptions as Generated,
  BridgePortFields,
  bridgeCanonical,
  bridgeDevices,
  bridgeFromWire,
  bridgeKernelChosen,
  bridgePortCanonical,
  bridgePortDevices,
  bridgePortFromWire,
  bridgePortStatusFromWire,
  bridgePortToWire,
  bridgeStatusFromWire,
  bridgeToWire,
  DeviceRef
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import { encodeLinkinfoBrportAttrs } from "../../../generated/rt-link/index.ts"
import { isEmpty } from "../../internal/Kind.ts"
import type { LinkKind } from "../LinkKind.ts"

import type { BridgePortOptions } from "../../../generated/rt-link/view.ts"

export type { BridgePortOptions } from "../../../generated/rt-link/view.ts"

/** STP port states by BR_STATE_* number, as `bridge link` names them. */
const PORT_STATES = ["disabled", "listening", "learning", "forwarding", "blocking"] as const

/**
 * Bridge port options as `setPort`/`setBridgePort` take them: the listed
 * options, `backupPort: null` to remove the backup port, and a write-only STP
 * `state` (what the kernel reports is under status).
 *
 * @example
 * ```ts
 * const p: BridgePortInput = { cost: 5, backupPort: null, state: "blocking" }
 * ```
 * @since 0.4.0
 */
export interface BridgePortInput extends Omit<BridgePortOptions, "backupPort"> {
  readonly backupPort?: string | number | null
  readonly state?: (typeof PORT_STATES)[number] | number
}

const portFields = {
  ...BridgePortFields,
  backupPort: Schema.optional(Schema.NullOr(DeviceRef)),
  state: Schema.optional(Schema.Union([Schema.Literals(PORT_STATES), P.intBetween(P.U8, 0, 4)]))
}

/**
 * The boolean options of IFLA_BR_MULTI_BOOLOPT, by `ip`'s names: each is one
 * bit (BR_BOOLOPT_*); a request sets the given ones (selector) to their value.
 */
const BOOLOPTS = {
  noLinklocalLearn: BrBoolopt.noLlLearn,
  mcastVlanSnooping: BrBoolopt.mcastVlanSnooping,
  mstEnabled: BrBoolopt.mstEnable,
  mdbOffloadFailNotification: BrBoolopt.mdbOffloadFailNotification,
  fdbLocalVlan0: BrBoolopt.fdbLocalVlan0
} as const
type Boolopt = keyof typeof BOOLOPTS
const BOOLOPT_NAMES = Object.keys(BOOLOPTS) as ReadonlyArray<Boolopt>

/**
 * A bridge's options: the spec's view plus the IFLA_BR_MULTI_BOOLOPT bits.
 *
 * Times (`forwardDelay`, `helloTime`, `maxAge`, `ageingTime` and the six
 * `multicast*Interval`s) are centiseconds, as `ip` takes them. The kernel keeps
 * them in ticks of its clock (HZ 100, 250 or 1000) and lists them back in
 * centiseconds rounded down: on a 250 Hz kernel an odd value reads back one
 * lower. So a time compares (in `Link.equals` and the canonical form) in steps of
 * 2 cs (20 ms, a whole number of ticks at each of those HZ): 1501 equals the 1500
 * a 250 Hz kernel lists for it. The kernel also raises a multicast query or
 * startup query interval below 1 s to 1 s and lowers one above a day to a day;
 * those compare clamped the same way. Each multicast interval is at most
 * 2^32 - 1 cs (about 497 days; far larger ones overflow the kernel's conversion
 * and read back as something else).
 *
 * @example
 * ```ts
 * const o: BridgeOptions = { stpState: true, noLinklocalLearn: true }
 * ```
 * @since 0.2.0
 */
export interface BridgeOptions extends Generated {
  /** Do not learn from link-local frames (BR_BOOLOPT_NO_LL_LEARN). */
  readonly noLinklocalLearn?: boolean
  /** Per-VLAN multicast snooping; needs vlanFiltering (BR_BOOLOPT_MCAST_VLAN_SNOOPING). */
  readonly mcastVlanSnooping?: boolean
  /** Multiple spanning trees (BR_BOOLOPT_MST_ENABLE, Linux 5.18). */
  readonly mstEnabled?: boolean
  /** Notify failed MDB offloads (BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION). */
  readonly mdbOffloadFailNotification?: boolean
  /** Local FDB entries on VLAN 0 only (BR_BOOLOPT_FDB_LOCAL_VLAN_0). */
  readonly fdbLocalVlan0?: boolean
}

/** The bridge times (centiseconds): u32 attributes, and the six u64 multicast intervals. */
const TIMES = ["forwardDelay", "helloTime", "maxAge", "ageingTime"] as const
const INTERVALS = [
  "multicastLastMemberInterval",
  "multicastMembershipInterval",
  "multicastQuerierInterval",
  "multicastQueryInterval",
  "multicastQueryResponseInterval",
  "multicastStartupQueryInterval"
] as const
/** Intervals the kernel keeps between 1 s and a day (BR_MULTICAST_QUERY_INTVL_MIN/MAX). */
const CLAMPED = new Set<string>(["multicastQueryInterval", "multicastStartupQueryInterval"])
const INTERVAL_MIN = 100n
const INTERVAL_MAX = 8_640_000n

const Interval = Schema.optional(
  Schema.BigInt.check(Schema.isBetweenBigInt({ minimum: 0n, maximum: 0xffffffffn }))
)

/** A time as it compares: whole 2 cs steps (see BridgeOptions), clamped where the kernel clamps. */
const timeCanonical = (c: Record<string, any>): void => {
  for (const k of TIMES) if (typeof c[k] === "number") c[k] -= c[k] % 2
  for (const k of INTERVALS) {
    let v = c[k]
    if (typeof v !== "bigint") continue
    if (CLAMPED.has(k)) v = v < INTERVAL_MIN ? INTERVAL_MIN : v > INTERVAL_MAX ? INTERVAL_MAX : v
    c[k] = v - (v % 2n)
  }
}

const fields = {
  ...BridgeFields,
  ...(Object.fromEntries(INTERVALS.map((k) => [k, Interval])) as Record<
    (typeof INTERVALS)[number],
    typeof Interval
  >),
  ...(Object.fromEntries(BOOLOPT_NAMES.map((n) => [n, Schema.optional(Schema.Boolean)])) as Record<
    Boolopt,
    Schema.optional<Schema.Boolean>
  >)
}

/** The MULTI_BOOLOPT attribute of the given bits, or undefined when none is given. */
const booloptsToWire = (o: BridgeOptions): { value: number; selector: number } | undefined => {
  let value = 0
  let selector = 0
  for (const n of BOOLOPT_NAMES) {
    const v = o[n]
    if (v === undefined) continue
    selector |= 1 << BOOLOPTS[n]
    if (v) value |= 1 << BOOLOPTS[n]
  }
  return selector === 0 ? undefined : { value, selector }
}

/**
 * The bridge descriptor.
 *
 * @example
 * ```ts
 * bridge.toKernel({ stpState: true }, { devices: {}, namespaces: {} }) // { stpState: 1 }
 * ```
 * @since 0.2.0
 */
export const bridge: LinkKind<BridgeOptions, "bridge"> = {
  kind: "bridge",
  fields,
  devices: bridgeDevices,
  kernelChosen: bridgeKernelChosen,
  toKernel: (o, ctx) => {
    const d: { -readonly [K in keyof LinkinfoBridgeAttrs]: LinkinfoBridgeAttrs[K] } = bridgeToWire(
      o,
      ctx.devices
    )
    const b = booloptsToWire(o)
    if (b !== undefined) d.multiBoolopt = b
    return isEmpty(d) ? undefined : d
  },
  verifies: (o) => booloptsToWire(o) !== undefined,
  // a kernel that does not know a bit leaves it out of the selector it reports (and ignored it)
  verify: (o, d) => {
    const known = d?.multiBoolopt?.selector ?? 0
    const lost = BOOLOPT_NAMES.find((n) => o[n] !== undefined && (known & (1 << BOOLOPTS[n])) === 0)
    return lost === undefined
      ? undefined
      : [lost, `this kernel (${release()}) does not know the bridge option`]
  },
  fromKernel: (d, ctx) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof BridgeOptions]?: BridgeOptions[K] } = bridgeFromWire(d, ctx.name)
    // only the bits that are on: like vlan_filtering, a kernel without VLAN filtering refuses
    // even turning mst off (EOPNOTSUPP), and off is every bit's default
    const b = d.multiBoolopt
    if (b !== undefined) for (const n of BOOLOPT_NAMES) if ((b.value & (1 << BOOLOPTS[n])) !== 0) o[n] = true
    // A kernel without CONFIG_BRIDGE_VLAN_FILTERING reports vlan_filtering 0 but
    // refuses the attribute on create: the default is left out, so a listed
    // bridge can be added back.
    if (o.vlanFiltering === false) delete o.vlanFiltering
    return o
  },
  status: (d) => bridgeStatusFromWire(d),
  canonical: (o) => {
    const c: any = bridgeCanonical(o as Generated)
    // an 802.1ad bridge's default STP group address is the provider bridge one (…:08)
    if (o.groupAddress === undefined && (c.vlanProtocol === "802.1ad" || c.vlanProtocol === 0x88a8))
      c.groupAddress = "01:80:c2:00:00:08"
    for (const n of BOOLOPT_NAMES) c[n] = (o as BridgeOptions)[n] ?? false
    timeCanonical(c)
    return c
  },
  port: {
    fields: portFields,
    devices: bridgePortDevices,
    toKernel: (o: BridgePortInput, devices: Readonly<Record<string, number>>) => {
      const { state, backupPort, ...rest } = o
      const w: { -readonly [K in keyof LinkinfoBrportAttrs]: LinkinfoBrportAttrs[K] } = bridgePortToWire(
        backupPort === null ? rest : { ...rest, backupPort },
        devices
      )
      if (backupPort === null) w.backupPort = 0
      if (state !== undefined) w.state = typeof state === "number" ? state : PORT_STATES.indexOf(state)
      return w
    },
    fromKernel: bridgePortFromWire,
    status: bridgePortStatusFromWire,
    // state is write-only (listed under status); a removed backup port is no backup port
    canonical: (o: BridgePortInput) => {
      const { state: _state, backupPort, ...rest } = o
      return bridgePortCanonical(backupPort === null ? rest : { ...rest, backupPort })
    },
    encode: encodeLinkinfoBrportAttrs
  }
}
