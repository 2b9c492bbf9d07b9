/**
 * tun/tap: `ip tuntap add NAME mode tun|tap [pi] [vnet_hdr] [multi_queue]
 * [user U] [group G]`. The kernel creates these devices by ioctl on
 * /dev/net/tun, not by RTM_NEWLINK: `create` does it (../Tun.ts), and Link.add
 * applies the common settings afterwards. Listed, a tun link reads back its
 * IFLA_INFO_DATA as `ip -d link` shows it (mode, pi, vnet_hdr, multi_queue,
 * user, group; persist and the queue counts under status).
 *
 * `user` and `group` are the owner uid/gid (a name is looked up in
 * /etc/passwd and /etc/group; listed: the number). The device group is
 * `deviceGroup` here, as `group` is the owner group.
 *
 * @since 0.4.0
 */
import * as fs from "node:fs"
import * as Schema from "effect/Schema"
import type { LinkinfoTunAttrs } from "../../../generated/rt-link/index.ts"
import {
  TunFields,
  type TunOptions as Generated,
  tunCanonical,
  tunFromWire,
  tunStatusFromWire,
  tunToWire
} from "../../../generated/rt-link/view.ts"
import * as P from "../../../runtime/Primitives.ts"
import type { LinkKind } from "../LinkKind.ts"
import * as Tun from "../Tun.ts"

/**
 * The options of a tun/tap link.
 *
 * @example
 * ```ts
 * const o: TunOptions = { mode: "tap", vnetHdr: true, multiQueue: true, user: 1000 }
 * ```
 * @since 0.4.0
 */
export interface TunOptions extends Generated {
  /** Owner: a uid or a user name. */
  readonly user?: number | string
  /** Owner group: a gid or a group name. */
  readonly group?: number | string
  /** The device group (the common `group` of other kinds; here `group` is the owner group). */
  readonly deviceGroup?: number | "default"
}

// The kernel's MAX_TAP_QUEUES: a multi-queue device is made with this many queues, others with one.
const MAX_TAP_QUEUES = 256

const Owner = Schema.Union([
  P.intBetween(P.S32, 0, 0x7ffffffe),
  Schema.String.check(Schema.isPattern(/^[^:\s]+$/))
])

const fields = { ...TunFields, user: Schema.optional(Owner), group: Schema.optional(Owner) }

/** A user or group name → its id, from /etc/passwd or /etc/group (third field). */
const lookup = (file: string, name: string): number | undefined => {
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch {
    return undefined
  }
  for (const line of text.split("\n")) {
    const f = line.split(":")
    if (f[0] === name && f.length >= 3) return Number(f[2])
  }
  return undefined
}

const idOf = (v: number | string | undefined, file: string): number | undefined =>
  typeof v === "string" ? lookup(file, v) : v

const modeOf = (m: Generated["mode"]): "tun" | "tap" | undefined =>
  m === "tun" || m === 1 ? "tun" : m === "tap" || m === 2 ? "tap" : undefined

/**
 * The tun descriptor.
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "tun", name: "tap0", mode: "tap", vnetHdr: true, up: true })
 * ```
 * @since 0.4.0
 */
export const tun: LinkKind<TunOptions, "tun"> = {
  kind: "tun",
  fields,
  devices: [],
  kernelChosen: [],
  renames: { group: "deviceGroup" },
  check: (o) => {
    if (modeOf(o.mode) === undefined) return ["mode", 'mode is "tun" (1) or "tap" (2)']
    if (typeof o.user === "string" && idOf(o.user, "/etc/passwd") === undefined)
      return ["user", `no user ${JSON.stringify(o.user)} in /etc/passwd`]
    if (typeof o.group === "string" && idOf(o.group, "/etc/group") === undefined)
      return ["group", `no group ${JSON.stringify(o.group)} in /etc/group`]
    const c = o as { numTxQueues?: number; numRxQueues?: number }
    const queues = o.multiQueue === true ? MAX_TAP_QUEUES : 1
    for (const f of ["numTxQueues", "numRxQueues"] as const)
      if (c[f] !== undefined && c[f] !== queues)
        return [f, `a ${o.multiQueue === true ? "multi-queue" : "single-queue"} tun/tap device has ${queues}`]
    return undefined
  },
  create: (o, namespacePath) =>
    Tun.tryCreate(
      {
        name: (o as { name?: string }).name!,
        mode: modeOf(o.mode)!,
        pi: o.pi,
        vnetHdr: o.vnetHdr,
        multiQueue: o.multiQueue,
        user: idOf(o.user, "/etc/passwd"),
        group: idOf(o.group, "/etc/group")
      },
      namespacePath
    ),
  // what the kernel reports (never sent by Link.add: the device comes from the ioctls)
  toKernel: (o) => {
    const w: { -readonly [K in keyof LinkinfoTunAttrs]: LinkinfoTunAttrs[K] } = tunToWire(o)
    const user = idOf(o.user, "/etc/passwd")
    const group = idOf(o.group, "/etc/group")
    if (user !== undefined) w.owner = user
    if (group !== undefined) w.group = group
    return w
  },
  fromKernel: (d) => {
    if (d === undefined) return {}
    const o: { -readonly [K in keyof TunOptions]?: TunOptions[K] } = tunFromWire(d)
    if (d.owner !== undefined) o.user = d.owner
    if (d.group !== undefined) o.group = d.group
    return o
  },
  status: (d) => {
    const st = tunStatusFromWire(d)
    return st === undefined
      ? undefined
      : { ...st, persist: st.persist === undefined ? undefined : st.persist !== 0 }
  },
  canonical: (o) => {
    const c: any = tunCanonical(o as Generated)
    c.mode = modeOf(o.mode as Generated["mode"]) ?? o.mode
    if (o.user !== undefined) c.user = idOf(o.user, "/etc/passwd") ?? o.user
    if (o.group !== undefined) c.group = idOf(o.group, "/etc/group") ?? o.group
    return c
  }
}
