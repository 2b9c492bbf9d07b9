/**
 * The object types that snapshots, diff, transactions and apply know: one
 * entry per type. An entry is the type's `ObjectType` (identity, equality,
 * canonical form, Schema) plus how to list, add, remove and change it, what
 * it depends on, and which listed objects the kernel made by itself.
 *
 * A new object type (nexthop, FDB entry, qdisc, ...) is one more entry in
 * {@link entries}: its `rank` places it in the creation order (a nexthop
 * between addresses and routes, say) and `needs` names the objects it needs.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Address from "../Address.ts"
import * as AddressLabel from "../AddressLabel.ts"
import * as Class from "../Class.ts"
import { AF_INET, AF_INET6 } from "../internal/Common.ts"
import { deepEqual } from "../internal/Model.ts"
import * as Link from "../Link.ts"
import { byKind } from "../link/registry.ts"
import * as Neighbor from "../Neighbor.ts"
import * as Nexthop from "../Nexthop.ts"
import * as Qdisc from "../Qdisc.ts"
import * as Route from "../Route.ts"
import * as Rule from "../Rule.ts"
import * as Handle from "../tc/Handle.ts"
import { addedClassKinds } from "../tc/registry.ts"
import { bridgeVlan, bridgeVlanGlobal, fdb, mdb } from "./Bridge.ts"
import { type Entry, linkRef, namesOf, type Op, RETRY } from "./Entry.ts"
import { macsecRxSc, macsecSa } from "./Macsec.ts"
import { mplsRoute, mplsSettings, multicastRoute } from "./Routing.ts"
import { neighborTable, netconf } from "./Settings.ts"
import { action, chain, filter } from "./Tc.ts"
import { wireguard } from "./WireGuard.ts"

export { type Entry, type Listed, strip } from "./Entry.ts"
export { bridgeVlan, bridgeVlanGlobal, fdb, mdb } from "./Bridge.ts"
export { type MacsecRxSc, type MacsecSa, macsecRxSc, macsecSa } from "./Macsec.ts"
export { type MplsSettings, mplsRoute, mplsSettings, multicastRoute } from "./Routing.ts"
export { neighborTable, netconf } from "./Settings.ts"
export { action, chain, filter } from "./Tc.ts"
export { type WireGuardConfig, type WireGuardPeer, wireguard } from "./WireGuard.ts"

// ---------------------------------------------------------------------------
// links

/** Common fields `Link.set` changes in place. */
const SETTABLE = new Set([
  "up",
  "mtu",
  "address",
  "alias",
  "txqlen",
  "group",
  "master",
  "promisc",
  "allmulticast"
])

const linkUpdate = (from: Link.Link, to: Link.Link): Op | undefined => {
  const a = Link.canonical(from) as unknown as Record<string, unknown>
  const b = Link.canonical(to) as unknown as Record<string, unknown>
  if (a.kind !== b.kind) return undefined
  const changes: Record<string, unknown> = {}
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k === "port" || k === "name") continue
    if (deepEqual(a[k], b[k])) continue
    // a value the kernel chose (MAC, MTU, a veth's peer) that `to` leaves out is no change
    if (b[k] === undefined && k !== "master" && k !== "alias") continue
    if (!SETTABLE.has(k)) {
      // an option one side does not give (unknown there, or the kernel's choice) is not a change
      if (a[k] === undefined) continue
      return undefined
    }
    changes[k] = b[k] === undefined ? null : b[k]
  }
  const port = b.port as Record<string, unknown> | undefined
  const portChange = port !== undefined && b.master !== undefined && !deepEqual(a.port, port)
  return Effect.gen(function* () {
    // down before other changes, up after them (a port joins its master while down);
    // without port options, up goes with the rest: the kernel sets the master before the flags
    const { up, ...rest } = changes
    if (up === false) yield* Link.set(to.name, { up: false })
    const together = up === true && !portChange
    if (Object.keys(rest).length > 0 || together)
      yield* Link.set(to.name, (together ? changes : rest) as Link.Changes)
    if (portChange) yield* Link.setPort(to.name, port)
    if (up === true && !together) yield* Link.set(to.name, { up: true })
  })
}

/** A link the kernel makes with another (a veth end whose peer sorts first) is created by that add. */
const vethPeer = (l: Link.Link): string | undefined => Link.companions(l)[0]?.name

const linkAdd = (l: Link.Link): Op =>
  Effect.gen(function* () {
    const peer = vethPeer(l)
    if (peer !== undefined && peer < l.name) {
      // made by its peer's add: bring its own settings
      const made = yield* Link.get(l.name).pipe(Effect.option)
      if (made._tag === "Some") {
        const change = linkUpdate(made.value, l)
        if (change !== undefined) return yield* change
      }
    }
    yield* Link.add(l as Link.AddSpec)
  })

const linkNeeds = (l: Link.Link): Array<string> => {
  const out = linkRef(l.master as string | undefined)
  const desc = l.kind === undefined ? undefined : byKind.get(l.kind)
  const rec = l as unknown as Record<string, unknown>
  for (const f of desc?.devices ?? []) out.push(...linkRef(rec[f] as string | undefined))
  if (desc?.parent !== undefined) out.push(...linkRef(rec[desc.parent] as string | undefined))
  const peer = vethPeer(l)
  if (peer !== undefined && peer < l.name) out.push(`link:${peer}`)
  return out
}

/**
 * Links (kinds as their modules describe them; ports after masters, a
 * stacked link after its parent, the second end of a veth pair after the
 * first, which creates it).
 *
 * @example
 * ```ts
 * const links = yield* Registry.link.list
 * ```
 * @since 0.3.0
 */
export const link: Entry<Link.Link> = {
  model: Link.model,
  rank: 0,
  list: Effect.map(Link.list({ stats: false }), (ls) => ls),
  add: linkAdd,
  remove: (l) =>
    Effect.gen(function* () {
      // one end of a veth pair removed takes the other with it
      if (vethPeer(l) !== undefined) {
        const exists = yield* Link.get(l.name).pipe(Effect.option)
        if (exists._tag === "None") return
      }
      yield* Link.remove(l.name)
    }),
  update: linkUpdate,
  // a port leaving its bridge loses its VLANs and FDB/MDB entries
  sideEffects: ["address", "route", "neighbor", "nexthop", "bridge-vlan", "fdb", "mdb"],
  needs: linkNeeds,
  takesAlong: (l) => Link.companions(l).map((c) => `link:${c.name}`),
  dev: (l) => l.name,
  kernelMade: (l) => l.name === "lo" || l.status?.linkType === "loopback"
}

// ---------------------------------------------------------------------------
// addresses, routes, neighbours, rules

const isLinkLocal6 = (a: string): boolean => /^fe[89ab][0-9a-f]:/i.test(a)

/**
 * Addresses (on their link; IPv6 link-local addresses and loopback's are the kernel's).
 *
 * @example
 * ```ts
 * Registry.address.kernelMade({ dev: "eth0", address: "fe80::1/64" }) // true
 * ```
 * @since 0.3.0
 */
export const address: Entry<Address.Address> = {
  model: Address.model,
  rank: 10,
  list: Address.list(undefined, RETRY),
  listWith: (listed) =>
    Effect.map(Address.listRaw(undefined, RETRY), (raw) =>
      raw.map((m) => Address.fromMessage(m, namesOf(listed)))
    ),
  add: (a) => Address.add(a),
  remove: (a) => Address.remove(a),
  update: (_from, to) => Address.replace(to),
  sideEffects: ["route", "neighbor", "nexthop"],
  needs: (a) => linkRef(a.dev as string),
  dev: (a) => (typeof a.dev === "string" ? a.dev : undefined),
  kernelMade: (a) => a.dev === "lo" || isLinkLocal6(a.address)
}

// the kernel's default policy table (RFC 6724, as net/ipv6/addrlabel.c fills it)
const DEFAULT_LABELS = new Set([
  "::1/128|0",
  "::/0|1",
  "::ffff:0.0.0.0/96|4",
  "::/96|3",
  "2001::/32|6",
  "2001:10::/28|7",
  "3ffe::/16|12",
  "2002::/16|2",
  "fec0::/10|11",
  "fc00::/7|5"
])

/**
 * IPv6 address labels (the kernel's default policy table is its own).
 *
 * @example
 * ```ts
 * Registry.addressLabel.kernelMade({ prefix: "::/0", label: 1 }) // true
 * ```
 * @since 0.3.0
 */
export const addressLabel: Entry<AddressLabel.AddressLabel> = {
  model: AddressLabel.model,
  rank: 12,
  list: AddressLabel.list(),
  listWith: (listed) =>
    Effect.map(AddressLabel.listRaw(), (raw) => raw.map((m) => AddressLabel.fromMessage(m, namesOf(listed)))),
  add: (l) => AddressLabel.add(l),
  remove: (l) => AddressLabel.remove(l),
  needs: (l) => linkRef(l.dev),
  dev: (l) => (typeof l.dev === "string" ? l.dev : undefined),
  kernelMade: (l) => {
    const c = AddressLabel.canonical(l)
    return c.dev === undefined && DEFAULT_LABELS.has(`${c.prefix}|${c.label}`)
  }
}

const routeNeeds = (r: Route.Route): Array<string> => [
  ...linkRef(r.dev as string | undefined),
  ...(r.nexthops ?? []).flatMap((n) => linkRef(n.dev as string | undefined)),
  ...(r.nexthopId === undefined ? [] : [`nexthop:${r.nexthopId}`])
]

/**
 * Routes of every table and both families (the local table, routes the
 * kernel adds for addresses and router advertisements are the kernel's).
 *
 * @example
 * ```ts
 * Registry.route.kernelMade({ destination: "10.0.0.0/24", dev: "eth0", protocol: "kernel" }) // true
 * ```
 * @since 0.3.0
 */
export const route: Entry<Route.Route> = {
  model: Route.model,
  rank: 20,
  // a dump of every family holds MPLS and multicast routes too (their own entries)
  list: Effect.map(Route.list({ table: "all" }), (rs) => rs.filter((r) => typeof r.family !== "number")),
  listWith: (listed) =>
    Effect.map(Route.listRaw({ table: "all" }), (raw) => {
      const names = namesOf(listed)
      const out: Array<Route.Route> = []
      for (const m of raw)
        if (m.family === AF_INET || m.family === AF_INET6) out.push(Route.fromMessage(m, names))
      return out
    }),
  add: (r) => Route.add(r),
  remove: (r) => Route.remove(r),
  update: (_from, to) => Route.replace(to),
  // IPv4 keeps one route per table, prefix, tos and metric unless appended; IPv6 keeps one
  // per nexthop, so only its key is its place
  slot: (r) => {
    const c = Route.canonical(r)
    return c.family === "inet" ? `${c.table}|${c.destination}|${c.tos}|${c.metric}` : undefined
  },
  needs: routeNeeds,
  dev: (r) => (typeof r.dev === "string" ? r.dev : undefined),
  kernelMade: (r) =>
    r.table === "local" || r.protocol === "kernel" || r.protocol === "ra" || r.type === "multicast"
}

const configured = (n: Neighbor.Neighbor): boolean =>
  n.proxy === true || n.state === "permanent" || n.state === "noarp"

/**
 * Permanent and noarp neighbours and proxy entries (the cache's learned entries are
 * not configuration and are not listed; multicast entries are the kernel's).
 *
 * @example
 * ```ts
 * const ns = yield* Registry.neighbor.list
 * ```
 * @since 0.3.0
 */
export const neighbor: Entry<Neighbor.Neighbor> = {
  model: Neighbor.model,
  rank: 30,
  list: Effect.map(
    Effect.all([
      Neighbor.list({ state: ["permanent", "noarp"] }, RETRY),
      Neighbor.list({ proxy: true }, RETRY)
    ]),
    ([cache, proxy]) => [...cache, ...proxy].filter(configured)
  ),
  listWith: (listed) =>
    Effect.map(
      Effect.all([
        Neighbor.listRaw({ state: ["permanent", "noarp"] }, RETRY),
        Neighbor.listRaw({ proxy: true }, RETRY)
      ]),
      ([cache, proxy]) => {
        const names = namesOf(listed)
        const out: Array<Neighbor.Neighbor> = []
        for (const m of cache) {
          const n = Neighbor.fromMessage(m, names)
          if (configured(n)) out.push(n)
        }
        for (const m of proxy) {
          const n = Neighbor.fromMessage(m, names)
          if (configured(n)) out.push(n)
        }
        return out
      }
    ),
  add: (n) => (n.proxy === true ? Neighbor.addProxy(n) : Neighbor.add(n)),
  remove: (n) => Neighbor.remove(n),
  update: (from, to) => (from.proxy === true ? undefined : Neighbor.replace(to)),
  needs: (n) => linkRef(n.dev as string),
  dev: (n) => (typeof n.dev === "string" ? n.dev : undefined),
  // the entries the kernel keeps for multicast groups it joined
  kernelMade: (n) => /^ff/i.test(n.address) || /^2(2[4-9]|3\d)\./.test(n.address)
}

/**
 * Rules of both families (the default rules, protocol "kernel", are the kernel's).
 *
 * @example
 * ```ts
 * Registry.rule.kernelMade({ priority: 32766, table: "main", protocol: "kernel" }) // true
 * ```
 * @since 0.3.0
 */
export const rule: Entry<Rule.Rule> = {
  model: Rule.model,
  rank: 40,
  list: Rule.list(),
  add: (r) => Rule.add(r),
  remove: (r) => Rule.remove(r),
  needs: () => [],
  kernelMade: (r) => r.protocol === "kernel"
}

/**
 * Nexthop objects (between addresses and routes: a route may use one by
 * `nexthopId`, a group needs its members).
 *
 * @example
 * ```ts
 * Registry.nexthop.needs({ id: 10, group: [{ id: 1 }, { id: 2 }] }) // ["nexthop:1", "nexthop:2"]
 * ```
 * @since 0.3.0
 */
export const nexthop: Entry<Nexthop.Nexthop> = {
  model: Nexthop.model,
  rank: 15,
  list: Nexthop.list(),
  listWith: (listed) =>
    Effect.map(Nexthop.listRaw(), (raw) => raw.map((m) => Nexthop.fromMessage(m, namesOf(listed)))),
  add: (n) => Nexthop.add(n),
  remove: (n) => Nexthop.remove(n),
  // the kernel replaces a nexthop by one of the same sort only (group for group)
  update: (from, to) =>
    (from.group === undefined) === (to.group === undefined) ? Nexthop.replace(to) : undefined,
  // routes using a removed nexthop go with it; a group loses the member
  sideEffects: ["route", "nexthop"],
  needs: (n) => [...linkRef(n.dev as string | undefined), ...(n.group ?? []).map((m) => `nexthop:${m.id}`)],
  dev: (n) => (typeof n.dev === "string" ? n.dev : undefined),
  kernelMade: () => false
}

const handleNumber = (h: Handle.Handle | undefined): number | undefined =>
  typeof h === "number" ? h : h === undefined ? undefined : Handle.parse(h)

const handleText = (h: Handle.Handle | undefined): string => Handle.format(handleNumber(h) ?? Handle.NONE)

/** The class a qdisc or class hangs under, when its parent is one ("1:10"; not "1:" or root). */
const parentClassRef = (dev: string | number, parent: Handle.Handle | undefined): Array<string> => {
  const p = handleNumber(parent)
  return p === undefined || p === Handle.ROOT || p === Handle.INGRESS || (p & 0xffff) === 0
    ? []
    : [`class:${dev}|${Handle.format(p)}`]
}

/** The qdisc a class belongs to ("1:10" → the qdisc with handle "1:"). */
const ownerRef = (dev: string | number, classid: Handle.Handle | undefined): Array<string> => {
  const p = handleNumber(classid)
  if (p === undefined || p === Handle.ROOT || p === Handle.INGRESS || p === Handle.NONE) return []
  return [`qdisc-handle:${dev}|${Handle.format((Handle.major(p) << 16) >>> 0)}`]
}

/**
 * Queueing disciplines (the defaults the kernel attaches, handle 0, are the
 * kernel's). A qdisc under a class needs that class.
 *
 * @example
 * ```ts
 * Registry.qdisc.kernelMade({ dev: "eth0", parent: "root", kind: "noqueue" }) // true
 * ```
 * @since 0.3.0
 */
export const qdisc: Entry<Qdisc.Qdisc> = {
  model: Qdisc.model,
  rank: 50,
  list: Qdisc.list(),
  listWith: (listed) =>
    Effect.map(Qdisc.listRaw(), (raw) => raw.map((m) => Qdisc.fromMessage(m, namesOf(listed)))),
  add: (q) => Qdisc.add(q),
  remove: (q) => Qdisc.remove(q),
  // same kind: changed in place; another kind replaces it at the same parent
  update: (_from, to) => Qdisc.replace(to),
  sideEffects: ["class", "qdisc", "chain", "filter"],
  needs: (q) => [...linkRef(q.dev as string), ...parentClassRef(q.dev, q.parent)],
  refs: (q) => [`qdisc-handle:${q.dev}|${handleText(q.handle)}`],
  dev: (q) => (typeof q.dev === "string" ? q.dev : undefined),
  // a listed qdisc without a handle (a desired one leaves it to the kernel)
  kernelMade: (q) => q.handle !== undefined && handleText(q.handle) === "none"
}

/**
 * Classes of classful qdiscs (a class needs its qdisc, and its parent class).
 *
 * @example
 * ```ts
 * Registry.tcClass.needs({ dev: "eth0", classid: "1:10", kind: "htb" }) // ["link:eth0", "qdisc-handle:eth0|1:"]
 * ```
 * @since 0.3.0
 */
export const tcClass: Entry<Class.Class> = {
  model: Class.model,
  rank: 55,
  list: Class.list(),
  // classes are dumped per device: none when no qdisc can have them (a kernel's default qdisc
  // has handle 0; of those, only mq has classes)
  listWith: (listed) =>
    (listed.qdisc ?? []).some((q) => q.kind === "mq" || (handleNumber(q.handle) ?? 0) !== 0)
      ? Effect.map(Class.listRaw(), (raw) => raw.map((m) => Class.fromMessage(m, namesOf(listed))))
      : Effect.succeed([]),
  add: (c) => Class.add(c),
  remove: (c) => Class.remove(c),
  update: (_from, to) => Class.change(to),
  sideEffects: ["qdisc", "filter"],
  needs: (c) => [
    ...linkRef(c.dev as string),
    ...ownerRef(c.dev, c.classid),
    ...parentClassRef(c.dev, c.parent)
  ],
  dev: (c) => (typeof c.dev === "string" ? c.dev : undefined),
  // classes a qdisc makes by itself (prio's bands, mq's queues, tbf's inner class, sfq's
  // flows, ets's bands) are the kernel's: only kinds with a class module are added
  kernelMade: (c) => !addedClassKinds.has(c.kind)
}

/**
 * Every entry, in creation order. Adding an object type is one line here.
 *
 * @example
 * ```ts
 * Registry.entries.map((e) => e.model.name)
 * // ["link", "netconf", "neighbor-table", "mpls-settings", "wireguard", "macsec-rx-sc", "address", "macsec-sa",
 * //  "address-label", "nexthop", "route",
 * //  "mpls-route", "multicast-route", "neighbor", "bridge-vlan", "bridge-vlan-global", "fdb", "mdb", "rule",
 * //  "qdisc", "action",
 * //  "class", "chain", "filter"]
 * ```
 * @since 0.3.0
 */
export const entries: ReadonlyArray<Entry> = [
  link,
  netconf,
  neighborTable,
  mplsSettings,
  wireguard,
  macsecRxSc,
  address,
  macsecSa,
  addressLabel,
  nexthop,
  route,
  mplsRoute,
  multicastRoute,
  neighbor,
  bridgeVlan,
  bridgeVlanGlobal,
  fdb,
  mdb,
  rule,
  qdisc,
  action,
  tcClass,
  chain,
  filter
]

/**
 * The entries by type name.
 *
 * @example
 * ```ts
 * Registry.byName.get("address")?.rank // 10
 * ```
 * @since 0.3.0
 */
export const byName: ReadonlyMap<string, Entry> = new Map(entries.map((e) => [e.model.name, e]))

/**
 * The type names, in creation order.
 *
 * @example
 * ```ts
 * Registry.names // ["link", "netconf", "neighbor-table", "mpls-settings", "address", "address-label", ...]
 * ```
 * @since 0.3.0
 */
export const names: ReadonlyArray<string> = entries.map((e) => e.model.name)
