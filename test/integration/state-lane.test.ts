/**
 * Snapshots, restore and transactions over what the host kernel lacks (the
 * VM lane): bridge VLANs of a VLAN-filtering bridge (ranges, PVID,
 * untagged, the bridge's own), FDB and MDB entries in a VLAN, a standalone
 * action a filter takes by index, a chain with a template, flower and
 * matchall filters with their actions. The default PVID 1 and actions only
 * filters hold are the kernel's.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import * as Transaction from "../../src/api/Transaction.ts"
import { describeFullKernel, freshNamespace, ip } from "../helpers/netns.ts"
import { inside } from "./state-fixture.ts"

const run = (cmd: string, ns: string, ...args: Array<string>): void => {
  execFileSync(cmd, ["-n", ns, ...args], { stdio: ["ignore", "ignore", "pipe"] })
}

const configure = (ns: string) => {
  ip(ns, "link", "add", "br0", "type", "bridge", "vlan_filtering", "1")
  ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
  ip(ns, "link", "add", "v2", "type", "veth", "peer", "name", "v3")
  ip(ns, "link", "set", "v1", "master", "br0")
  ip(ns, "link", "set", "v3", "master", "br0")
  for (const l of ["br0", "v0", "v1", "v2", "v3"]) ip(ns, "link", "set", l, "up")
  run("bridge", ns, "vlan", "add", "dev", "v1", "vid", "10-20")
  run("bridge", ns, "vlan", "add", "dev", "v1", "vid", "30", "pvid", "untagged")
  run("bridge", ns, "vlan", "add", "dev", "v3", "vid", "10")
  run("bridge", ns, "vlan", "add", "dev", "br0", "vid", "10", "self")
  run("bridge", ns, "fdb", "add", "02:00:00:00:00:11", "dev", "v1", "master", "static", "vlan", "10")
  run("bridge", ns, "mdb", "add", "dev", "br0", "port", "v1", "grp", "239.1.1.1", "permanent", "vid", "10")
  run("tc", ns, "qdisc", "add", "dev", "v0", "clsact")
  run("tc", ns, "actions", "add", "action", "gact", "drop", "index", "5")
  run(
    "tc",
    ns,
    "filter",
    "add",
    "dev",
    "v0",
    "ingress",
    "prio",
    "1",
    "handle",
    "1",
    "matchall",
    "action",
    "gact",
    "index",
    "5"
  )
  run(
    "tc",
    ns,
    "chain",
    "add",
    "dev",
    "v0",
    "ingress",
    "protocol",
    "ip",
    "chain",
    "3",
    "flower",
    "dst_ip",
    "0.0.0.0/16"
  )
  run(
    "tc",
    ns,
    ...["filter", "add", "dev", "v0", "ingress", "protocol", "ip", "chain", "4", "prio", "2", "handle", "2"],
    ...["flower", "dst_ip", "10.1.0.0/16", "action", "mirred", "egress", "redirect", "dev", "v2"]
  )
}

describeFullKernel("State: bridge VLANs, actions, templates and classifiers of a full kernel", () => {
  it.live(
    "snapshot → restore into an empty namespace → equal; a second restore plans nothing",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sla")
          const b = yield* freshNamespace("slb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          const vlans = (s.objects["bridge-vlan"] ?? []).map(
            (v) =>
              `${v.dev} ${v.vid}${v.vidEnd ? `-${v.vidEnd}` : ""}${v.pvid ? " pvid" : ""}${v.untagged ? " untagged" : ""}${v.self ? " self" : ""}`
          )
          expect(vlans).toContain("v1 10-20")
          expect(vlans).toContain("v1 30 pvid untagged")
          expect(vlans).toContain("v3 10")
          expect(vlans).toContain("br0 10 self")
          // the default PVID of v3 and of the bridge are the kernel's
          expect(vlans).not.toContain("v3 1 pvid untagged")
          expect(s.external["bridge-vlan"]?.some((v) => v.dev === "v3" && v.vid === 1)).toBe(true)
          expect(s.objects.fdb?.map((e) => `${e.dev} ${e.mac} ${e.vlan}`)).toContain(
            "v1 02:00:00:00:00:11 10"
          )
          expect(s.objects.mdb?.map((m) => `${m.port} ${m.group} ${m.vid}`)).toContain("v1 239.1.1.1 10")
          // the standalone action is configuration; mirred, made by the flower filter's add, is not
          expect(s.objects.action?.map((x) => `${x.kind} ${x.index}`)).toEqual(["gact 5"])
          expect(s.external.action?.map((x) => x.kind)).toEqual(["mirred"])
          expect(s.objects.chain?.map((c) => `${c.parent} ${c.chain} ${c.template?.kind}`)).toEqual([
            "ingress 3 flower"
          ])
          expect(s.objects.filter?.map((f) => `${f.chain} ${f.priority} ${f.kind}`).sort()).toEqual([
            "0 1 matchall",
            "4 2 flower"
          ])
          const order = Diff.diff({}, s.objects).map((c) => `${c.type}:${c.key}`)
          const at = (p: string) => order.findIndex((l) => l.startsWith(p))
          expect(at("filter:v0|ingress|0|1")).toBeGreaterThan(at("action:gact|5"))
          expect(at("filter:v0|ingress|0|1")).toBeGreaterThan(at("qdisc:v0"))
          expect(at("chain:v0|ingress|3")).toBeGreaterThan(at("qdisc:v0"))
          expect(at("fdb:v1")).toBeGreaterThan(at("bridge-vlan:v1|10-20"))

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
    "a failure at each step of a transaction over VLANs, actions, chains and filters rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("slc")
          configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) => tx.add("bridge-vlan", { dev: "v3", vid: 40, untagged: true }),
            (tx) => tx.remove("bridge-vlan", { dev: "v1", vid: 10, vidEnd: 20 }),
            (tx) => tx.add("action", { kind: "gact", index: 9, options: { action: "pass" } }),
            (tx) =>
              tx.remove("filter", {
                dev: "v0",
                parent: "ingress",
                chain: 0,
                protocol: "all",
                priority: 1,
                handle: 1,
                kind: "matchall"
              }),
            // an added chain with a template, and a filter whose chain goes with it
            (tx) => tx.remove("chain", { dev: "v0", parent: "ingress", chain: 3 }),
            (tx) =>
              tx.remove("filter", {
                dev: "v0",
                parent: "ingress",
                chain: 4,
                protocol: "ip",
                priority: 2,
                handle: 2,
                kind: "flower"
              }),
            (tx) => tx.remove("action", { kind: "gact", index: 5 })
          ]
          const failing = (tx: Transaction.Transaction) =>
            tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
          for (let at = 0; at <= steps.length; at++) {
            const r = yield* inside(
              a,
              Effect.flip(
                Transaction.run((tx) =>
                  Effect.gen(function* () {
                    for (let i = 0; i < steps.length; i++) {
                      if (i === at) yield* failing(tx)
                      yield* steps[i](tx)
                    }
                    if (at === steps.length) yield* failing(tx)
                  })
                )
              )
            )
            expect(r._tag, `failure at ${at}`).toBe("TransactionError")
            if (r._tag === "TransactionError") expect(r.rollbackErrors, `failure at ${at}`).toEqual([])
            const now = yield* inside(a, Snapshot.take)
            expect(Diff.toText(Diff.diff(before.objects, now.objects)), `failure at ${at}`).toBe("")
          }
        })
      ),
    { timeout: 900_000 }
  )
})
