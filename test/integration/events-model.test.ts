/**
 * Events and Watch on the object model: what a subscription's view and a
 * Watch hold equals what `Link.list`, `Address.list`, ... return (same keys,
 * `equals`, same configuration field for field), devices are named by the
 * reader's own map (renames and deletions included), and nexthop, qdisc and
 * class events arrive as model objects with what the kernel removes
 * silently repaired by a flush resync.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Stream } from "effect"
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
import * as Watch from "../../src/api/Watch.ts"
import { describeRoot, freshNamespace, ip, nsExec } from "../helpers/netns.ts"
import { waitBound } from "../helpers/timing.ts"

type Event = Events.Event

/**
 * A fresh namespace whose links get no IPv6 link-local addresses (the
 * kernel would add and change them by itself), with its Netlink service.
 */
const withNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Scope.Scope | Netlink>) =>
  Effect.scoped(
    Effect.flatMap(freshNamespace("evm"), (ns) => {
      for (const k of ["default", "all"]) nsExec(ns, "sysctl", "-qw", `net.ipv6.conf.${k}.addr_gen_mode=1`)
      return f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

/** Pulls a subscription's events into `all` until `done` holds. */
const reader = (sub: Events.Subscription) =>
  Effect.map(Stream.toPull(sub.events), (pull) => {
    const all: Array<Event> = []
    const until = (done: (all: ReadonlyArray<Event>) => boolean, timeoutMs = waitBound(10_000)) =>
      Effect.gen(function* () {
        const deadline = Date.now() + timeoutMs
        while (!done(all)) {
          const left = deadline - Date.now()
          if (left <= 0) return yield* Effect.die(new Error(`timed out; got ${describe(all)}`))
          const chunk = yield* pull.pipe(
            Effect.timeoutOrElse({
              duration: left,
              orElse: () => Effect.die(new Error(`timed out waiting; got ${describe(all)}`))
            })
          )
          for (const e of chunk) all.push(e)
        }
        return all
      })
    return { all, until }
  })

const describe = (all: ReadonlyArray<Event>) =>
  all
    .slice(-40)
    .map((e) => (Events.isChange(e) ? `${e._tag} ${e.kind} ${e.key}` : e._tag))
    .join(", ")

const changes = (all: ReadonlyArray<Event>) => all.filter(Events.isChange)
const has = (
  all: ReadonlyArray<Event>,
  tag: string,
  kind: Events.Kind,
  pred: (v: any, e: Events.Change) => boolean = () => true
) => changes(all).some((e) => e._tag === tag && e.kind === kind && pred(e.value, e))

/** What `list` returns for each kind, in the stream's scope (inet and inet6, every table). */
const listed: { readonly [K in Events.Kind]: Effect.Effect<ReadonlyArray<any>, unknown, Netlink> } = {
  link: Link.list(),
  address: Address.list(),
  route: Effect.map(
    Effect.all([Route.list({ table: "all", family: "inet" }), Route.list({ table: "all", family: "inet6" })]),
    ([a, b]) => [...a, ...b]
  ),
  // events do not watch proxy entries
  // events do not watch proxy entries; the kernel makes multicast entries without notifications
  neighbor: Effect.map(Neighbor.list(), (ns) =>
    ns.filter((n) => n.proxy !== true && !Registry.neighbor.kernelMade(n))
  ),
  rule: Rule.list(),
  nexthop: Nexthop.list(),
  qdisc: Qdisc.list(),
  class: Class.list()
}

const MODELS: { readonly [K in Events.Kind]: ObjectType<any> } = {
  link: Link.model,
  address: Address.model,
  route: Route.model,
  neighbor: Neighbor.model,
  rule: Rule.model,
  nexthop: Nexthop.model,
  qdisc: Qdisc.model,
  class: Class.model
}

/**
 * The view of every kind equals the lists: the same keys, and for each key
 * an object that `equals` the listed one and has the same configuration
 * field for field (only `status` may differ: counters tick).
 */
const expectViewEqualsLists = (view: { readonly [K in Events.Kind]: ReadonlyMap<string, unknown> }) =>
  Effect.gen(function* () {
    for (const kind of Events.kinds) {
      const model = MODELS[kind]
      const list = yield* listed[kind]
      // The kernel attaches a device's default qdisc (noqueue, handle 0) when it comes up
      // without a notification: a view has it only if its first dump came later. Compare
      // the qdiscs someone added.
      const defaultQdisc = (o: unknown) => kind === "qdisc" && Registry.qdisc.kernelMade(o as Qdisc.Qdisc)
      const want = new Map(list.filter((o) => !defaultQdisc(o)).map((o) => [Events.key(kind, o), o]))
      expect(want.size, `${kind}: one key per object`).toBe(list.filter((o) => !defaultQdisc(o)).length)
      const got =
        kind === "neighbor"
          ? new Map(
              [...view.neighbor].filter(([, n]) => !Registry.neighbor.kernelMade(n as Neighbor.Neighbor))
            )
          : kind === "qdisc"
            ? new Map([...view.qdisc].filter(([, q]) => !defaultQdisc(q)))
            : view[kind]
      expect([...got.keys()].sort(), kind).toEqual([...want.keys()].sort())
      for (const [k, o] of want) {
        const w = got.get(k)
        expect(model.equals(o, w), `${kind} ${k}`).toBe(true)
        expect(
          deepEqual(o, w, STATUS_KEYS),
          `${kind} ${k}: ${JSON.stringify(w, big)} vs ${JSON.stringify(o, big)}`
        ).toBe(true)
      }
    }
  })

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)

/** A rule as a marker: once its event is in, everything before it is too. */
let marks = 0
const mark = (
  ns: string,
  r: { until: (d: (all: ReadonlyArray<Event>) => boolean) => Effect.Effect<any, any> }
) => {
  const priority = 20000 + marks++
  ip(ns, "rule", "add", "fwmark", "7", "table", "7", "pref", String(priority))
  return r.until((all) => has(all, "New", "rule", (x) => x.priority === priority))
}

describeRoot("Events and Watch carry the object model", () => {
  it.live("the view and a Watch equal the lists of every kind, key for key", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        const sub = yield* Events.subscribe({})
        const watch = yield* Watch.make({})
        const r = yield* reader(sub)
        ip(ns, "link", "add", "br0", "type", "bridge")
        ip(ns, "link", "set", "v1", "master", "br0")
        for (const l of ["v0", "v1", "br0"]) ip(ns, "link", "set", l, "up")
        ip(ns, "addr", "add", "10.1.0.1/24", "dev", "v0", "label", "v0:a")
        ip(ns, "addr", "add", "10.1.1.1", "peer", "10.1.1.2/32", "dev", "v0")
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad")
        ip(ns, "route", "add", "10.2.0.0/24", "via", "10.1.0.2", "metric", "7")
        ip(ns, "route", "add", "10.3.0.0/24", "via", "10.1.0.3", "table", "100", "proto", "static")
        ip(ns, "-6", "route", "add", "2001:db8:2::/64", "via", "2001:db8::2", "metric", "1024")
        ip(ns, "neigh", "add", "10.1.0.9", "lladdr", "02:00:00:00:00:09", "dev", "v0")
        ip(ns, "rule", "add", "from", "10.9.0.0/16", "table", "100", "pref", "1000")
        ip(ns, "nexthop", "add", "id", "1", "via", "10.1.0.2", "dev", "v0")
        ip(ns, "nexthop", "add", "id", "2", "blackhole")
        ip(ns, "route", "add", "10.4.0.0/24", "nhid", "1")
        execTc(ns, "qdisc", "add", "dev", "v0", "root", "handle", "1:", "htb", "default", "10")
        execTc(ns, "class", "add", "dev", "v0", "parent", "1:", "classid", "1:10", "htb", "rate", "1mbit")
        const all = yield* mark(ns, r)
        // Values are the model's: names, not numbers; raw messages stay reachable.
        expect(
          has(
            all,
            "New",
            "address",
            (a: Address.Address, e) => a.dev === "v0" && a.label === "v0:a" && (e.raw as any).index > 0
          )
        ).toBe(true)
        expect(
          has(
            all,
            "New",
            "route",
            (x: Route.Route) => x.destination === "10.3.0.0/24" && x.table === 100 && x.protocol === "static"
          )
        ).toBe(true)
        expect(
          has(all, "New", "route", (x: Route.Route) => x.destination === "10.4.0.0/24" && x.nexthopId === 1)
        ).toBe(true)
        expect(
          has(
            all,
            "New",
            "nexthop",
            (n: Nexthop.Nexthop, e) =>
              n.id === 1 && n.gateway === "10.1.0.2" && n.dev === "v0" && (e.raw as any).id === 1
          )
        ).toBe(true)
        expect(
          has(
            all,
            "New",
            "class",
            (c: Class.Class) => c.dev === "v0" && c.classid === "1:10" && c.kind === "htb"
          )
        ).toBe(true)
        expect(has(all, "Changed", "link", (l: Link.Link) => l.name === "v1" && l.master === "br0")).toBe(
          true
        )
        for (const e of changes(all)) expect(e.key).toBe(Events.key(e.kind, e.value as never))
        yield* expectViewEqualsLists(sub.view)
        // The Watch (its own subscription) holds the same objects once it has the marker.
        const last = 20000 + marks - 1
        const deadline = Date.now() + waitBound(10_000)
        while (![...(yield* watch.snapshot).rules.values()].some((x) => x.priority === last)) {
          if (Date.now() > deadline) throw new Error("the watch did not catch up")
          yield* Effect.sleep("20 millis")
        }
        const snap = yield* watch.snapshot
        yield* expectViewEqualsLists({
          link: snap.links,
          address: snap.addresses,
          route: snap.routes,
          neighbor: snap.neighbors,
          rule: snap.rules,
          nexthop: snap.nexthops,
          qdisc: snap.qdiscs,
          class: snap.classes
        })
      })
    )
  )

  it.live(
    "devices are named by the reader's map: renames re-emit their objects, deletions still name them",
    () =>
      withNs((ns) =>
        Effect.gen(function* () {
          ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
          ip(ns, "addr", "add", "10.1.0.1/24", "dev", "d0")
          ip(ns, "neigh", "add", "10.1.0.9", "lladdr", "02:00:00:00:00:09", "dev", "d0")
          execTc(ns, "qdisc", "add", "dev", "d0", "root", "handle", "1:", "htb")
          const sub = yield* Events.subscribe({})
          const r = yield* reader(sub)
          expect(sub.view.address.get("d0|10.1.0.1/24|")?.dev).toBe("d0")
          ip(ns, "link", "set", "d0", "name", "e0")
          let all = yield* r.until((all) => has(all, "New", "link", (l: Link.Link) => l.name === "e0"))
          yield* mark(ns, r)
          // The link's key is its name: the rename is a delete of the old key and a new one.
          expect(has(all, "Deleted", "link", (l: Link.Link, e) => e.key === "d0" && l.name === "d0")).toBe(
            true
          )
          // Its address, neighbour and qdisc are emitted again under the new name (the
          // address also by the kernel: it renames the IPv4 label too).
          expect(has(all, "Deleted", "address", (_a, e) => e.key === "d0|10.1.0.1/24|")).toBe(true)
          expect(
            has(
              all,
              "New",
              "address",
              (a: Address.Address, e) => a.dev === "e0" && e.key === "e0|10.1.0.1/24|"
            )
          ).toBe(true)
          expect(
            has(all, "New", "neighbor", (n: Neighbor.Neighbor) => n.dev === "e0" && n.address === "10.1.0.9")
          ).toBe(true)
          expect(
            has(all, "Deleted", "qdisc", (q: Qdisc.Qdisc, e) => q.dev === "d0" && e.key === "d0|root")
          ).toBe(true)
          expect(has(all, "New", "qdisc", (q: Qdisc.Qdisc, e) => q.dev === "e0" && e.key === "e0|root")).toBe(
            true
          )
          // The peer names it too.
          expect(has(all, "Changed", "link", (l: any) => l.name === "d1" && l.peer?.name === "e0")).toBe(true)
          yield* expectViewEqualsLists(sub.view)
          // Later events use the new name.
          ip(ns, "addr", "add", "10.1.2.1/24", "dev", "e0")
          all = yield* r.until((all) =>
            has(all, "New", "address", (a: Address.Address) => a.address === "10.1.2.1/24")
          )
          expect(
            has(all, "New", "address", (a: Address.Address) => a.address === "10.1.2.1/24" && a.dev === "e0")
          ).toBe(true)
          // A deleted link's objects are still named in the events that follow its deletion.
          const seen = all.length
          ip(ns, "link", "del", "e0")
          all = yield* r.until((all) =>
            has(all.slice(seen), "Deleted", "link", (l: Link.Link) => l.name === "e0")
          )
          yield* mark(ns, r)
          const after = changes(all.slice(seen))
          expect(
            after
              .filter((e) => e._tag === "Deleted" && e.kind === "address")
              .map((e) => (e.value as Address.Address).dev)
          ).toEqual(["e0", "e0"])
          expect(has(after, "Deleted", "qdisc", (q: Qdisc.Qdisc) => q.kind === "htb" && q.dev === "e0")).toBe(
            true
          )
          expect(after.every((e) => e.kind === "rule" || typeof (e.value as any).dev !== "number")).toBe(true)
          yield* expectViewEqualsLists(sub.view)
        })
      )
  )

  it.live("nexthop events: new, changed, deleted, and the ones a link going down takes along", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        for (const l of ["d0", "d1"]) ip(ns, "link", "set", l, "up")
        ip(ns, "addr", "add", "10.1.0.1/24", "dev", "d0")
        const sub = yield* Events.subscribe({ kinds: ["nexthop", "route"] })
        const r = yield* reader(sub)
        ip(ns, "nexthop", "add", "id", "1", "via", "10.1.0.2", "dev", "d0")
        ip(ns, "nexthop", "add", "id", "2", "via", "10.1.0.3", "dev", "d0")
        ip(ns, "nexthop", "add", "id", "3", "blackhole")
        ip(ns, "nexthop", "add", "id", "10", "group", "1/2,3")
        ip(ns, "route", "add", "10.5.0.0/24", "nhid", "10")
        let all = yield* r.until(
          (all) =>
            has(all, "New", "nexthop", (n) => n.id === 10) &&
            has(all, "New", "route", (x) => x.nexthopId === 10)
        )
        expect(
          has(all, "New", "nexthop", (n: Nexthop.Nexthop) =>
            deepEqual(n.group, [{ id: 1 }, { id: 2, weight: 3 }])
          )
        ).toBe(true)
        expect(has(all, "New", "nexthop", (n: Nexthop.Nexthop) => n.id === 3 && n.blackhole === true)).toBe(
          true
        )
        ip(ns, "nexthop", "replace", "id", "1", "via", "10.1.0.4", "dev", "d0")
        all = yield* r.until((all) =>
          has(all, "Changed", "nexthop", (n) => n.id === 1 && n.gateway === "10.1.0.4")
        )
        expect(
          has(
            all,
            "Changed",
            "nexthop",
            (_n, e) => e.key === "1" && (e as any).previous.gateway === "10.1.0.2"
          )
        ).toBe(true)
        ip(ns, "nexthop", "del", "id", "3")
        all = yield* r.until((all) => has(all, "Deleted", "nexthop", (n, e) => n.id === 3 && !e.synthetic))
        yield* expectNexthopsAndRoutes(sub)
        // Down: the kernel removes nexthops through d0 (and the group and route using them) silently.
        const seen = all.length
        ip(ns, "link", "set", "d0", "down")
        all = yield* r.until((all) =>
          all
            .slice(seen)
            .some((e) => e._tag === "Resynced" && e.reason === "flush" && e.kinds.includes("nexthop"))
        )
        const gone = changes(all.slice(seen)).filter((e) => e._tag === "Deleted" && e.kind === "nexthop")
        expect(gone.every((e) => e.synthetic)).toBe(true)
        expect(gone.map((e) => e.key).sort()).toEqual(["1", "10", "2"])
        expect(sub.view.nexthop.size).toBe(0)
        yield* expectNexthopsAndRoutes(sub)
      })
    )
  )

  it.live("qdisc and class events, with children removed along with their parent repaired", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        const sub = yield* Events.subscribe({ kinds: ["link", "qdisc", "class"] })
        const r = yield* reader(sub)
        ip(ns, "link", "set", "d0", "up")
        execTc(ns, "qdisc", "add", "dev", "d0", "root", "handle", "1:", "htb", "default", "10")
        execTc(ns, "class", "add", "dev", "d0", "parent", "1:", "classid", "1:10", "htb", "rate", "1mbit")
        execTc(ns, "qdisc", "add", "dev", "d0", "parent", "1:10", "handle", "10:", "pfifo", "limit", "100")
        execTc(
          ns,
          "qdisc",
          "add",
          "dev",
          "d1",
          "root",
          "tbf",
          "rate",
          "1mbit",
          "burst",
          "10kb",
          "latency",
          "50ms"
        )
        let all = yield* r.until(
          (all) =>
            has(all, "New", "qdisc", (q: Qdisc.Qdisc) => q.kind === "pfifo" && q.parent === "1:10") &&
            has(all, "New", "qdisc", (q: Qdisc.Qdisc) => q.kind === "tbf" && q.dev === "d1")
        )
        expect(
          has(
            all,
            "New",
            "qdisc",
            (q: Qdisc.Qdisc) =>
              q.dev === "d0" && q.handle === "1:" && q.kind === "htb" && (q.options as any)?.default === 16
          )
        ).toBe(true)
        expect(
          has(
            all,
            "New",
            "class",
            (c: Class.Class, e) => c.classid === "1:10" && (e.raw as any).handle === 0x10010
          )
        ).toBe(true)
        execTc(ns, "class", "change", "dev", "d0", "parent", "1:", "classid", "1:10", "htb", "rate", "2mbit")
        // the configuration changed (not only counters): value and previous are not equal
        all = yield* r.until((all) =>
          has(
            all,
            "Changed",
            "class",
            (c: Class.Class, e) => c.classid === "1:10" && !Class.equals(c, (e as any).previous)
          )
        )
        yield* expectTc(sub)
        // Deleting the root takes its class and the pfifo below it without notifications.
        const seen = all.length
        execTc(ns, "qdisc", "del", "dev", "d0", "root")
        all = yield* r.until((all) =>
          has(all.slice(seen), "Deleted", "class", (c: Class.Class) => c.classid === "1:10")
        )
        yield* mark2(ns, r)
        const after = changes(all.slice(seen))
        expect(
          has(after, "Deleted", "qdisc", (q: Qdisc.Qdisc, e) => q.kind === "htb" && !e.synthetic) ||
            has(after, "Changed", "qdisc", (_q, e) => (e as any).previous.kind === "htb")
        ).toBe(true)
        expect(has(after, "Deleted", "qdisc", (q: Qdisc.Qdisc, e) => q.kind === "pfifo" && e.synthetic)).toBe(
          true
        )
        yield* expectTc(sub)
        // A deleted link's qdiscs go with it.
        const seen2 = all.length
        ip(ns, "link", "del", "d1")
        all = yield* r.until((all) =>
          has(all.slice(seen2), "Deleted", "link", (l: Link.Link) => l.name === "d1")
        )
        yield* mark2(ns, r)
        expect(
          has(all.slice(seen2), "Deleted", "qdisc", (q: Qdisc.Qdisc) => q.kind === "tbf" && q.dev === "d1")
        ).toBe(true)
        yield* expectTc(sub)
      })
    )
  )
})

const execTc = (ns: string, ...args: Array<string>) => {
  const r = nsExec(ns, "tc", ...args)
  if (r.status !== 0) throw new Error(`tc ${args.join(" ")}: ${r.stderr}`)
}

/** A marker for streams that watch links only among rtnetlink's kinds: a dummy-less link rename round trip. */
const mark2 = (
  ns: string,
  r: { until: (d: (all: ReadonlyArray<Event>) => boolean) => Effect.Effect<any, any> }
) => {
  const name = `m${marks++}`
  ip(ns, "link", "add", name, "type", "veth", "peer", "name", `${name}p`)
  return r.until((all) => has(all, "New", "link", (l: Link.Link) => l.name === `${name}p`))
}

const expectSame = <A>(model: ObjectType<A>, list: ReadonlyArray<A>, got: ReadonlyMap<string, A>) => {
  const want = new Map(list.map((o) => [Events.key(model.name as Events.Kind, o as never), o]))
  expect(want.size).toBe(list.length)
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort())
  for (const [k, o] of want) expect(deepEqual(o, got.get(k), STATUS_KEYS), k).toBe(true)
}

const expectNexthopsAndRoutes = (sub: Events.Subscription) =>
  Effect.gen(function* () {
    expectSame(Nexthop.model, yield* Nexthop.list(), sub.view.nexthop)
    expectSame(Route.model, yield* listed.route, sub.view.route)
  })

const expectTc = (sub: Events.Subscription) =>
  Effect.gen(function* () {
    expectSame(Qdisc.model, yield* Qdisc.list(), sub.view.qdisc)
    expectSame(Class.model, yield* Class.list(), sub.view.class)
  })
