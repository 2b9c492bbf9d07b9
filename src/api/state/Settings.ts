/**
 * State registry entries of settings the kernel keeps with every device:
 * the per-family IP configuration (`ip netconf`: forwarding, rp_filter,
 * proxy ARP/NDP, ...; per device and `all`/`default`) and each device's
 * neighbour parameters (`ip ntable`). They are never added or removed, only
 * written (set-only): a snapshot restores them to what was read, a desired
 * state writes the values it names.
 *
 * @since 0.4.0
 */
import * as Effect from "effect/Effect"
import { invalid } from "../internal/Common.ts"
import { deepEqual, type ObjectType } from "../internal/Model.ts"
import * as Netconf from "../Netconf.ts"
import * as NeighborTable from "../NeighborTable.ts"
import { type Entry, linkRef, namesOf, type Op } from "./Entry.ts"
import * as Sysctl from "./Sysctl.ts"

// the sysctl file of each netconf field, per family (mc_forwarding is the kernel's: read only)
const FILES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  inet: {
    forwarding: "forwarding",
    rpFilter: "rp_filter",
    proxyNeigh: "proxy_arp",
    ignoreRoutesWithLinkdown: "ignore_routes_with_linkdown",
    bcForwarding: "bc_forwarding"
  },
  inet6: {
    forwarding: "forwarding",
    proxyNeigh: "proxy_ndp",
    ignoreRoutesWithLinkdown: "ignore_routes_with_linkdown"
  },
  mpls: { input: "input" }
}
const DIRS: Readonly<Record<string, string>> = { inet: "ipv4", inet6: "ipv6", mpls: "mpls" }
const RP: Readonly<Record<string, number>> = { off: 0, strict: 1, loose: 2 }

/** Set by the kernel (a multicast routing daemon's socket): never written, not compared. */
const withoutReadOnly = (c: Netconf.Netconf): Netconf.Netconf => {
  const { mcForwarding: _, ...rest } = Netconf.canonical(c)
  return rest
}

const netconfModel: ObjectType<Netconf.Netconf> = {
  ...Netconf.model,
  canonical: withoutReadOnly,
  equals: (a, b) => deepEqual(withoutReadOnly(a), withoutReadOnly(b))
}

const special = (dev: unknown): boolean => dev === "all" || dev === "default"

/**
 * The sysctl writes that make a device's (or `all`/`default`'s) netconf
 * `c`: every field it gives; a field its family does not have is a
 * Validation error naming it, and nothing is written.
 */
const netconfWrite = (c: Netconf.Netconf): Op =>
  Effect.suspend(() => {
    const family = typeof c.family === "string" ? c.family : undefined
    const files = family === undefined ? undefined : FILES[family]
    if (files === undefined || family === undefined)
      return Effect.fail(invalid("netconf.family", `netconf of family ${c.family} cannot be written`))
    if (typeof c.dev !== "string")
      return Effect.fail(invalid("netconf.dev", `device ${c.dev} has no name to write its settings under`))
    if (family === "mpls" && special(c.dev))
      return Effect.fail(invalid("netconf.dev", "MPLS has no all/default settings"))
    const values: Array<readonly [string, string]> = []
    for (const [k, v] of Object.entries(c)) {
      if (v === undefined || k === "family" || k === "dev" || k === "mcForwarding") continue
      const file = files[k]
      if (file === undefined)
        return Effect.fail(invalid(`netconf.${k}`, `${family} netconf has no writable ${k}`))
      const n = typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "string" ? RP[v] : v
      if (n === undefined) return Effect.fail(invalid(`netconf.${k}`, `not a value of ${k}: ${v}`))
      values.push([`/proc/sys/net/${DIRS[family]}/conf/${c.dev}/${file}`, String(n)])
    }
    return Sysctl.write(values)
  })

// the kernel copies all.forwarding to every device and to default (IPv6 also
// ignore_routes_with_linkdown)
const CARRIED: Readonly<Record<string, ReadonlyArray<keyof Netconf.Netconf>>> = {
  inet: ["forwarding"],
  inet6: ["forwarding", "ignoreRoutesWithLinkdown"]
}

/**
 * IP configuration per family and device, and of `all` and `default`
 * (set-only: written through /proc/sys/net in the namespace, the values
 * `ip netconf` shows). `all` comes first (the kernel copies its forwarding
 * to every device), then `default`, then each device after its link.
 * `mcForwarding` is the kernel's (a multicast router socket sets it).
 *
 * @example
 * ```ts
 * Registry.netconf.needs({ family: "inet", dev: "eth0", forwarding: true }) // ["link:eth0"]
 * ```
 * @since 0.4.0
 */
export const netconf: Entry<Netconf.Netconf> = {
  model: netconfModel,
  rank: 5,
  setOnly: true,
  list: Netconf.list(),
  listWith: (listed) =>
    Effect.map(Netconf.listRaw(), (raw) => {
      const names = namesOf(listed)
      return raw.map((m) => Netconf.fromMessage(m, names))
    }),
  add: netconfWrite,
  remove: () => Effect.void,
  update: (_from, to) => netconfWrite(to),
  resets: (from, to) => {
    if (to.dev !== "all") return undefined
    const changed = (CARRIED[String(to.family)] ?? []).filter((k) => to[k] !== undefined && to[k] !== from[k])
    return changed.length === 0
      ? undefined
      : (o) => o.family === to.family && o.dev !== "all" && changed.some((k) => o[k] !== undefined)
  },
  needs: (c) => (special(c.dev) ? [] : linkRef(c.dev)),
  after: (c) =>
    c.dev === "all"
      ? []
      : c.dev === "default"
        ? [`netconf:${c.family}|all`]
        : [`netconf:${c.family}|all`, `netconf:${c.family}|default`],
  dev: (c) => (typeof c.dev === "string" && !special(c.dev) ? c.dev : undefined),
  kernelMade: () => false
}

/**
 * Each device's neighbour parameters (`ip ntable change ... dev DEV`;
 * set-only). A table's own settings (thresholds, gc interval, default
 * parameters) belong to the initial namespace, which alone may change them:
 * shown under `external`, never written.
 *
 * @example
 * ```ts
 * Registry.neighborTable.kernelMade({ family: "inet", name: "arp_cache", thresh1: 128 }) // true
 * ```
 * @since 0.4.0
 */
export const neighborTable: Entry<NeighborTable.NeighborTable> = {
  model: NeighborTable.model,
  rank: 6,
  setOnly: true,
  list: NeighborTable.list(),
  listWith: (listed) =>
    Effect.map(NeighborTable.listRaw(), (raw) => {
      const names = namesOf(listed)
      return raw.map((m) => NeighborTable.fromMessage(m, names))
    }),
  add: (t) => NeighborTable.change(t),
  remove: () => Effect.void,
  update: (_from, to) => NeighborTable.change(to),
  needs: (t) => linkRef(t.dev),
  dev: (t) => (typeof t.dev === "string" ? t.dev : undefined),
  kernelMade: (t) => t.dev === undefined
}
