/**
 * Read → write round trip of the whole object model: namespace A is built
 * with iproute2 (links of several kinds, addresses, nexthops, routes in
 * several tables incl. multipath, neighbours, rules, qdiscs and classes),
 * everything is listed, recreated from those objects in an empty namespace
 * B (links first, masters before ports), and then
 * - every listed object of B equals its counterpart in A (same keys, model
 *   `equals`, same configuration field for field), and
 * - `ip -d -j` / `tc -j` print the same configuration for both: a field a
 *   model drops on reading (so that B never gets it) shows up here.
 *
 * Both namespaces generate no IPv6 link-local addresses (the kernel's own,
 * changing state); what the kernel reports by itself (`status`, statistics)
 * is not compared.
 */
import { expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { Effect, Layer } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as Class from "../../src/api/Class.ts"
import * as Events from "../../src/api/Events.ts"
import { deepEqual, type ObjectType, STATUS_KEYS } from "../../src/api/internal/Model.ts"
import * as Link from "../../src/api/Link.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Nexthop from "../../src/api/Nexthop.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import * as Route from "../../src/api/Route.ts"
import * as Rule from "../../src/api/Rule.ts"
import * as Registry from "../../src/api/state/Registry.ts"
import { classKinds } from "../../src/api/tc/registry.ts"
import { describeFullKernel, describeRoot, freshNamespace, fullKernel, ip, nsExec } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

type Kind = "link" | "address" | "nexthop" | "route" | "neighbor" | "rule" | "qdisc" | "class"
type State = { readonly [K in Kind]: ReadonlyArray<any> }

const MODELS: { readonly [K in Kind]: ObjectType<any> } = {
  link: Link.model,
  address: Address.model,
  nexthop: Nexthop.model,
  route: Route.model,
  neighbor: Neighbor.model,
  rule: Rule.model,
  qdisc: Qdisc.model,
  class: Class.model
}

/** Identity: the model's key (routes: as events refine it, `Route.key` alone collides for fe80::/64 on each device). */
const keyOf = (kind: Kind, o: any): string => Events.key(kind, o)

const tc = (ns: string, ...args: Array<string>): string => {
  const r = nsExec(ns, "tc", ...args)
  if (r.status !== 0) throw new Error(`tc ${args.join(" ")}: ${r.stderr}`)
  return r.stdout
}

/** Everything the namespace holds, as the object modules list it. */
const listAll: Effect.Effect<State, unknown, Netlink> = Effect.gen(function* () {
  const [v4, v6] = yield* Effect.all([
    Route.list({ table: "all", family: "inet" }),
    Route.list({ table: "all", family: "inet6" })
  ])
  return {
    link: yield* Link.list({ stats: false }),
    address: yield* Address.list(),
    nexthop: yield* Nexthop.list(),
    route: [...v4, ...v6],
    // configured entries: permanent and proxy (the cache's learned and multicast entries are the kernel's)
    neighbor: (yield* Registry.neighbor.list).filter((n) => !Registry.neighbor.kernelMade(n)),
    rule: yield* Rule.list(),
    qdisc: yield* Qdisc.list(),
    class: yield* Class.list()
  }
})

/** Links in creation order: an object after those it needs (master, parent, first veth end). */
const linkOrder = (links: ReadonlyArray<Link.Link>): Array<Link.Link> => {
  const byName = new Map(links.map((l) => [l.name, l]))
  const out: Array<Link.Link> = []
  const done = new Set<string>()
  const visit = (l: Link.Link) => {
    if (done.has(l.name)) return
    done.add(l.name)
    for (const n of Registry.link.needs(l)) {
      const dep = byName.get(n.slice("link:".length))
      if (dep !== undefined) visit(dep)
    }
    out.push(l)
  }
  for (const l of links) visit(l)
  return out
}

/** Recreates a listed state (what the kernel did not make by itself) in the Netlink layer's namespace. */
const recreate = (s: State) =>
  Effect.gen(function* () {
    const bonds = new Set(s.link.filter((l) => l.kind === "bond").map((l) => l.name))
    const later: Array<string> = []
    for (const l of linkOrder(s.link.filter((l) => !Registry.link.kernelMade(l)))) {
      const master = typeof l.master === "string" ? l.master : undefined
      // A bond refuses a port that is up (EPERM), so a listed bond port is made down and
      // brought up afterwards.
      const bondPortUp = master !== undefined && bonds.has(master) && l.up === true
      if (bondPortUp) later.push(l.name)
      yield* Registry.link.add({
        ...l,
        ...(bondPortUp ? { up: false } : {})
      })
    }
    for (const name of later) yield* Link.set(name, { up: true })
    for (const a of s.address) if (!Registry.address.kernelMade(a)) yield* Registry.address.add(a)
    // nexthops: singles before the groups that use them
    const nhs = [...s.nexthop].sort((a, b) => Number(a.group !== undefined) - Number(b.group !== undefined))
    for (const n of nhs) yield* Nexthop.add(n)
    for (const r of s.route) if (!Registry.route.kernelMade(r)) yield* Registry.route.add(r)
    for (const n of s.neighbor) yield* Registry.neighbor.add(n)
    for (const r of s.rule) if (!Registry.rule.kernelMade(r)) yield* Registry.rule.add(r)
    // qdiscs given a handle were configured (the kernel's defaults have none); parents before children
    const qs = s.qdisc.filter((q) => q.handle !== undefined && q.handle !== "none" && q.handle !== "0:")
    for (const q of qs.filter((q) => q.parent === "root" || q.parent === "ingress")) yield* Qdisc.add(q)
    // classes of kinds with a class module; the others (a tbf's or prio's own classes) come with their qdisc
    const classes = s.class
      .filter((c) => classKinds.some((k) => k.kind === c.kind))
      .sort((a, b) => Number(a.parent !== "root") - Number(b.parent !== "root"))
    for (const c of classes) yield* Class.add(c)
    for (const q of qs.filter((q) => q.parent !== "root" && q.parent !== "ingress")) yield* Qdisc.add(q)
  })

/** Whether {@link expectSameState} would pass. */
const sameState = (a: State, b: State): boolean =>
  (Object.keys(MODELS) as Array<Kind>).every((kind) => {
    const kb = new Map(b[kind].map((o) => [keyOf(kind, o), o]))
    return (
      a[kind].length === b[kind].length &&
      a[kind].every((o) => {
        const other = kb.get(keyOf(kind, o))
        return other !== undefined && MODELS[kind].equals(o, other) && deepEqual(o, other, STATUS_KEYS)
      })
    )
  })

/** Every object of A has an equal one under the same key in B, and nothing else is in B. */
const expectSameState = (a: State, b: State) => {
  for (const kind of Object.keys(MODELS) as Array<Kind>) {
    const model = MODELS[kind]
    const ka = new Map(a[kind].map((o) => [keyOf(kind, o), o]))
    const kb = new Map(b[kind].map((o) => [keyOf(kind, o), o]))
    expect(ka.size, `${kind}: one key per object`).toBe(a[kind].length)
    expect([...kb.keys()].sort(), kind).toEqual([...ka.keys()].sort())
    for (const [k, o] of ka) {
      const other = kb.get(k)
      expect(other === undefined ? undefined : strip(other), `${kind} ${k}`).toEqual(strip(o))
      expect(model.equals(o, other), `${kind} ${k}`).toBe(true)
      expect(deepEqual(o, other, STATUS_KEYS), `${kind} ${k}`).toBe(true)
    }
  }
}

const strip = (o: any) => {
  const { status: _, ...rest } = o
  return rest
}

// What `ip -j` prints that is not configuration: indexes, counters, timers.
const VOLATILE =
  /^(ifindex|link_index|stats.*|.*timer.*|carrier_changes|carrier_up_count|carrier_down_count|used|updated|probes|direct_packets_stat)$/

const normalize = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(normalize)
    : typeof v === "object" && v !== null
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !VOLATILE.test(k))
            .map(([k, x]) => [k, normalize(x)])
        )
      : v

/** The printed objects, normalized, in a stable order (ifindexes differ between the namespaces). */
const json = (out: string): unknown =>
  (normalize(out.trim() === "" ? [] : JSON.parse(out)) as Array<unknown>)
    .map((x) => JSON.stringify(x))
    .sort()
    .map((x) => JSON.parse(x))

/** What iproute2 prints of a namespace's configuration. */
const ipView = (ns: string) => {
  const run = (...args: Array<string>) =>
    execFileSync("ip", ["-n", ns, "-d", "-j", ...args], { encoding: "utf8" })
  return {
    links: json(run("link", "show")),
    addresses: json(run("addr", "show")),
    routes4: json(run("route", "show", "table", "all")),
    routes6: json(run("-6", "route", "show", "table", "all")),
    neighbors: json(run("neigh", "show", "nud", "permanent")),
    proxies: json(run("neigh", "show", "proxy")),
    rules4: json(run("rule", "show")),
    rules6: json(run("-6", "rule", "show")),
    nexthops: json(run("nexthop", "show")),
    qdiscs: json(tc(ns, "-j", "-d", "qdisc", "show")),
    classes: json(tc(ns, "-j", "-d", "class", "show"))
  }
}

/** Two fresh namespaces without IPv6 link-local addresses. */
const twoNamespaces = Effect.gen(function* () {
  const a = yield* freshNamespace("rca")
  const b = yield* freshNamespace("rcb")
  for (const ns of [a, b])
    for (const k of ["default", "all"]) nsExec(ns, "sysctl", "-qw", `net.ipv6.conf.${k}.addr_gen_mode=1`)
  return { a, b }
})

const inNs = <A, E>(ns: string, f: Effect.Effect<A, E, Netlink>) =>
  f.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))

/** The round trip: list A, recreate in B, list B, compare both ways. */
const roundTrip = (a: string, b: string) =>
  Effect.gen(function* () {
    const before = yield* inNs(a, listAll)
    yield* inNs(b, recreate(before))
    // Operational state (carrier of veth ends, bridge ports, default qdiscs) settles by itself
    // in both: compare once the two agree, or after 10 s (60 s emulated), whatever differs then.
    const deadline = Date.now() + (fullKernel ? 60_000 : 10_000)
    let sa = yield* inNs(a, listAll)
    let sb = yield* inNs(b, listAll)
    while (Date.now() < deadline && !(sameState(sa, sb) && deepEqual(ipView(a), ipView(b)))) {
      yield* Effect.sleep("200 millis")
      sa = yield* inNs(a, listAll)
      sb = yield* inNs(b, listAll)
    }
    expectSameState(sa, sb)
    // The configuration A was built with is all there (the models read it), and ip agrees.
    expect(ipView(b)).toEqual(ipView(a))
    return sa
  })

/** Configuration every kernel here has (the host's kinds). */
const buildCommon = (ns: string) => {
  ip(ns, "link", "add", "va0", "type", "veth", "peer", "name", "va1")
  // before vx0: the kernel clamps a vxlan's MTU to its lower device's (less headroom) when it is made
  ip(ns, "link", "set", "va0", "mtu", "1400")
  ip(ns, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "400")
  ip(ns, "link", "set", "va1", "master", "br0")
  ip(ns, "link", "set", "br0", "address", "02:00:00:00:0b:01")
  ip(
    ns,
    "link",
    "add",
    "vx0",
    "type",
    "vxlan",
    "id",
    "42",
    "dstport",
    "4789",
    "local",
    "10.1.0.1",
    "ttl",
    "9",
    "dev",
    "va0"
  )
  ip(ns, "link", "add", "mv0", "link", "va0", "type", "macvlan", "mode", "bridge")
  ip(ns, "link", "add", "ifb0", "type", "ifb")
  ip(ns, "link", "set", "mv0", "alias", "macvlan port")
  for (const l of ["va0", "va1", "br0", "vx0", "mv0"]) ip(ns, "link", "set", l, "up")
  ip(ns, "addr", "add", "10.1.0.1/24", "dev", "va0", "label", "va0:main")
  ip(ns, "addr", "add", "10.1.1.1", "peer", "10.1.1.2/32", "dev", "va0")
  ip(ns, "addr", "add", "10.2.0.1/24", "brd", "+", "dev", "br0")
  ip(ns, "addr", "add", "2001:db8:1::1/64", "dev", "va0", "nodad")
  ip(ns, "addr", "add", "2001:db8:2::1/64", "dev", "br0", "nodad", "noprefixroute")
  ip(ns, "nexthop", "add", "id", "1", "via", "10.1.0.2", "dev", "va0")
  ip(ns, "nexthop", "add", "id", "2", "via", "10.2.0.2", "dev", "br0")
  ip(ns, "nexthop", "add", "id", "3", "blackhole")
  ip(ns, "nexthop", "add", "id", "10", "group", "1/2,3")
  ip(ns, "route", "add", "10.10.0.0/16", "via", "10.1.0.2", "metric", "5")
  ip(ns, "route", "add", "10.11.0.0/16", "via", "10.2.0.2", "table", "1000", "proto", "static")
  ip(
    ns,
    "route",
    "add",
    "10.12.0.0/16",
    "nexthop",
    "via",
    "10.1.0.2",
    "weight",
    "1",
    "nexthop",
    "via",
    "10.2.0.2",
    "weight",
    "3"
  )
  ip(ns, "route", "add", "10.13.0.0/16", "nhid", "10", "table", "200")
  ip(ns, "route", "add", "blackhole", "10.14.0.0/16", "table", "1000")
  ip(ns, "route", "add", "default", "via", "10.1.0.254", "table", "1000", "mtu", "1300")
  ip(ns, "-6", "route", "add", "2001:db8:10::/48", "via", "2001:db8:1::2", "metric", "100")
  ip(ns, "-6", "route", "add", "2001:db8:11::/48", "dev", "br0", "table", "1000")
  ip(ns, "neigh", "add", "10.1.0.9", "lladdr", "02:00:00:00:00:09", "dev", "va0", "nud", "permanent")
  ip(
    ns,
    "-6",
    "neigh",
    "add",
    "2001:db8:1::9",
    "lladdr",
    "02:00:00:00:00:0a",
    "dev",
    "va0",
    "nud",
    "permanent"
  )
  ip(ns, "neigh", "add", "proxy", "10.1.0.50", "dev", "va0")
  ip(ns, "rule", "add", "from", "10.9.0.0/16", "table", "1000", "pref", "1000")
  ip(ns, "rule", "add", "fwmark", "0x10/0xff", "iif", "va0", "table", "200", "pref", "1001")
  ip(ns, "-6", "rule", "add", "to", "2001:db8:20::/48", "table", "1000", "pref", "1002")
  tc(ns, "qdisc", "add", "dev", "va0", "root", "handle", "1:", "htb", "default", "20", "r2q", "5")
  tc(
    ns,
    "class",
    "add",
    "dev",
    "va0",
    "parent",
    "1:",
    "classid",
    "1:1",
    "htb",
    "rate",
    "10mbit",
    "ceil",
    "20mbit"
  )
  tc(
    ns,
    "class",
    "add",
    "dev",
    "va0",
    "parent",
    "1:1",
    "classid",
    "1:20",
    "htb",
    "rate",
    "2mbit",
    "prio",
    "3"
  )
  tc(ns, "qdisc", "add", "dev", "va0", "parent", "1:20", "handle", "20:", "pfifo", "limit", "50")
  tc(
    ns,
    "qdisc",
    "add",
    "dev",
    "br0",
    "root",
    "handle",
    "5:",
    "tbf",
    "rate",
    "1mbit",
    "burst",
    "10kb",
    "latency",
    "50ms"
  )
}

describeRoot("Recreate: what is listed in one namespace is recreated equal in another", () => {
  it.live(
    "veth, bridge and port, vxlan, macvlan, ifb; addresses, nexthops, routes, neighbours, rules, qdiscs, classes",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { a, b } = yield* twoNamespaces
          buildCommon(a)
          const s = yield* roundTrip(a, b)
          // The state was varied: every kind of object made it into the comparison.
          const kinds = new Set(s.link.map((l) => l.kind))
          for (const k of ["veth", "bridge", "vxlan", "macvlan", "ifb"]) expect(kinds.has(k), k).toBe(true)
          expect(s.link.find((l) => l.name === "va1")?.master).toBe("br0")
          expect(s.route.some((r) => r.nexthops?.length === 2)).toBe(true)
          expect(s.route.some((r) => r.nexthopId === 10 && r.table === 200)).toBe(true)
          expect(s.nexthop.some((n) => n.group?.length === 2)).toBe(true)
          expect(s.neighbor.some((n) => n.proxy === true)).toBe(true)
          expect(s.class.map((c) => c.classid).sort()).toEqual(["1:1", "1:20", "5:1"])
        })
      ),
    fullKernel ? 400_000 : 60_000
  )
})

describeFullKernel("Recreate with the full kernel's kinds", () => {
  it.live(
    "plus dummy, vlan, bond with a port, vrf with an enslaved link and its table's routes",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { a, b } = yield* twoNamespaces
          buildCommon(a)
          ip(a, "link", "add", "d0", "type", "dummy")
          ip(a, "link", "add", "link", "va0", "name", "va0.100", "type", "vlan", "id", "100")
          ip(a, "link", "add", "bond0", "type", "bond", "mode", "active-backup", "miimon", "100")
          ip(a, "link", "add", "vb0", "type", "veth", "peer", "name", "vb1")
          ip(a, "link", "set", "vb0", "master", "bond0")
          ip(a, "link", "add", "vrf0", "type", "vrf", "table", "300")
          ip(a, "link", "set", "d0", "master", "vrf0")
          for (const l of ["d0", "va0.100", "bond0", "vrf0"]) ip(a, "link", "set", l, "up")
          ip(a, "addr", "add", "10.30.0.1/24", "dev", "d0")
          ip(a, "addr", "add", "10.31.0.1/24", "dev", "va0.100")
          ip(a, "route", "add", "10.32.0.0/16", "via", "10.30.0.2", "table", "300")
          const s = yield* roundTrip(a, b)
          const kinds = new Set(s.link.map((l) => l.kind))
          for (const k of ["dummy", "vlan", "bond", "vrf"]) expect(kinds.has(k), k).toBe(true)
          expect(s.link.find((l) => l.name === "vb0")?.master).toBe("bond0")
          expect(s.link.find((l) => l.name === "d0")?.master).toBe("vrf0")
        })
      ),
    testTimeout(400_000)
  )
})
