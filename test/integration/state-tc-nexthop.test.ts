/**
 * Snapshots, diff, transactions and apply cover nexthop objects, qdiscs and
 * classes on the host kernel: restored into an empty namespace they read
 * back equal; plans order a class after its qdisc and a route after its
 * nexthop (and removals the other way); a failure at each step of a
 * transaction that touches them leaves the namespace as it was.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import type * as Transaction from "../../src/api/Transaction.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { failAtEveryStep, inside } from "./state-fixture.ts"

const tc = (ns: string, ...args: Array<string>): void => {
  execFileSync("tc", ["-n", ns, ...args], { stdio: ["ignore", "ignore", "pipe"] })
}

const configure = (ns: string) => {
  ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
  for (const l of ["v0", "v1"]) ip(ns, "link", "set", l, "up")
  ip(ns, "addr", "add", "10.1.0.1/24", "dev", "v0")
  ip(ns, "nexthop", "add", "id", "1", "via", "10.1.0.2", "dev", "v0")
  ip(ns, "nexthop", "add", "id", "2", "via", "10.1.0.3", "dev", "v0")
  ip(ns, "nexthop", "add", "id", "10", "group", "1/2,3")
  ip(ns, "route", "add", "10.20.0.0/16", "nhid", "10")
  tc(ns, "qdisc", "add", "dev", "v1", "root", "handle", "1:", "htb", "default", "20")
  tc(ns, "class", "add", "dev", "v1", "parent", "1:", "classid", "1:1", "htb", "rate", "100mbit")
  tc(
    ns,
    "class",
    "add",
    "dev",
    "v1",
    "parent",
    "1:1",
    "classid",
    "1:10",
    "htb",
    "rate",
    "10mbit",
    "ceil",
    "50mbit"
  )
  tc(ns, "class", "add", "dev", "v1", "parent", "1:1", "classid", "1:20", "htb", "rate", "5mbit")
  tc(ns, "qdisc", "add", "dev", "v1", "parent", "1:10", "handle", "10:", "pfifo", "limit", "50")
}

describeRoot("State: nexthops, qdiscs and classes", () => {
  it.live(
    "snapshot → restore into an empty namespace → equal; a second restore plans nothing",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sta")
          const b = yield* freshNamespace("stb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          expect(s.objects.nexthop?.map((n) => n.id)).toEqual([1, 10, 2])
          expect(s.objects.qdisc?.map((q) => `${q.dev} ${q.handle} ${q.kind}`).sort()).toEqual([
            "v1 10: pfifo",
            "v1 1: htb"
          ])
          expect(s.objects.class?.map((c) => c.classid).sort()).toEqual(["1:1", "1:10", "1:20"])
          // the default qdisc of v0 is the kernel's
          expect(s.external.qdisc?.some((q) => q.dev === "v0")).toBe(true)
          const plan = Diff.diff({}, s.objects)
          const order = plan.map((c) => `${c.type}:${c.key}`)
          const at = (r: string) => order.indexOf(r)
          expect(at("nexthop:10")).toBeGreaterThan(at("nexthop:1"))
          expect(at("route:" + plan.find((c) => c.type === "route")!.key)).toBeGreaterThan(at("nexthop:10"))
          const cls = (id: string) => order.findIndex((r) => r.startsWith("class:") && r.endsWith(`|${id}`))
          const qd = (parent: string) => order.indexOf(`qdisc:v1|${parent}`)
          expect(cls("1:1")).toBeGreaterThan(qd("root"))
          expect(cls("1:10")).toBeGreaterThan(cls("1:1"))
          expect(qd("1:10")).toBeGreaterThan(cls("1:10"))
          // removals run the other way
          const back = Diff.diff(s.objects, {}).map((c) => `${c.type}:${c.key}`)
          expect(back.indexOf("qdisc:v1|1:10")).toBeLessThan(
            back.findIndex((r) => r.endsWith("|1:10") && r.startsWith("class:"))
          )
          expect(back.indexOf("nexthop:10")).toBeLessThan(back.indexOf("nexthop:1"))
          expect(Diff.toText(plan)).toContain("+ class dev v1 parent 1:1 classid 1:10 htb")

          const doc = yield* Snapshot.fromJson(Snapshot.toJson(s))
          const report = yield* inside(b, Snapshot.restore(doc))
          expect(report.verified).toBe(true)
          const s2 = yield* inside(b, Snapshot.take)
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
          expect((yield* inside(b, Snapshot.restore(doc))).plan).toEqual([])
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "apply changes a class and a group in place, and purge removes a qdisc's classes before it",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("stc")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          const classes = s.objects.class!.map((c) =>
            c.classid === "1:20" ? { ...c, options: { ...c.options, rate: "7mbit" } } : c
          )
          const nexthops = s.objects.nexthop!.map((n) =>
            n.id === 10 ? { ...n, group: [{ id: 1 }, { id: 2 }] } : n
          )
          const report = yield* inside(a, Apply.apply({ ...s.objects, class: classes, nexthop: nexthops }))
          expect(report.verified).toBe(true)
          expect(report.plan.map((c) => `${c.op} ${c.type}:${c.key}`).sort()).toEqual([
            "update class:v1|1:20",
            "update nexthop:10"
          ])
          const after = yield* inside(a, Snapshot.take)
          const c20 = after.objects.class!.find((c) => c.classid === "1:20") as any
          expect(c20.options.rate).toBe(7_000_000)
          expect(after.objects.nexthop!.find((n) => n.id === 10)!.group).toEqual([{ id: 1 }, { id: 2 }])
          // the whole state without the tc objects: they go, classes first
          const { qdisc: _q, class: _c, ...rest } = after.objects
          const gone = yield* inside(a, Apply.apply(rest, { whole: true }))
          expect(gone.verified).toBe(true)
          const order = gone.plan.map((c) => `${c.op} ${c.type}:${c.key}`)
          // the qdisc under class 1:10 before the class, the classes before the root qdisc
          expect(order.indexOf("remove qdisc:v1|1:10")).toBeLessThan(order.indexOf("remove class:v1|1:10"))
          expect(order.indexOf("remove class:v1|1:10")).toBeLessThan(order.indexOf("remove class:v1|1:1"))
          expect(order.indexOf("remove class:v1|1:1")).toBeLessThan(order.indexOf("remove qdisc:v1|root"))
          const last = yield* inside(a, Snapshot.take)
          expect(last.objects.qdisc).toEqual([])
          expect(last.objects.class).toEqual([])
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "a failure at each step of a transaction over nexthops, routes, qdiscs and classes rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("std")
          configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) => tx.add("nexthop", { id: 3, gateway: "10.1.0.4", dev: "v0" }),
            (tx) => tx.update("nexthop", { id: 10, group: [{ id: 1 }, { id: 3 }] }),
            (tx) => tx.add("route", { destination: "10.30.0.0/16", nexthopId: 3 }),
            (tx) => tx.remove("nexthop", { id: 2 }),
            (tx) =>
              tx.add("class", {
                dev: "v1",
                parent: "1:1",
                classid: "1:30",
                kind: "htb",
                options: { rate: "1mbit" }
              }),
            (tx) => tx.remove("qdisc", { dev: "v1", parent: "1:10", kind: "pfifo" }),
            (tx) =>
              tx.add("qdisc", {
                dev: "v0",
                parent: "root",
                handle: "2:",
                kind: "tbf",
                options: { rate: "1mbit", burst: "10kb", latency: "50ms" }
              }),
            (tx) => tx.remove("qdisc", { dev: "v1", parent: "root", kind: "htb" })
          ]
          const failing = (tx: Transaction.Transaction) =>
            tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
          yield* failAtEveryStep(a, before, steps, failing)
        })
      ),
    { timeout: 600_000 }
  )
})
