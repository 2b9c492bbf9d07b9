/**
 * Snapshots, diff, apply and transactions cover FDB entries, MDB entries,
 * tc chains and filters on the host kernel (u32 is its one classifier):
 * restored into an empty namespace they read back equal; the kernel's own
 * entries (a port's own address, multicast address lists, learned entries,
 * the bridge's joins, implicit chains, u32 root tables) stay apart; a second
 * apply plans nothing; a failure at each step of a transaction leaves the
 * namespace as it was.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import type * as Transaction from "../../src/api/Transaction.ts"
import { describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { failAtEveryStep, inside } from "./state-fixture.ts"

const run = (cmd: string, ns: string, ...args: Array<string>): void => {
  execFileSync(cmd, ["-n", ns, ...args], { stdio: ["ignore", "ignore", "pipe"] })
}

const configure = (ns: string) => {
  ip(ns, "link", "add", "br0", "type", "bridge")
  ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
  ip(ns, "link", "set", "v1", "master", "br0")
  for (const l of ["br0", "v0", "v1"]) ip(ns, "link", "set", l, "up")
  run("bridge", ns, "fdb", "add", "02:00:00:00:00:01", "dev", "v1", "master", "static")
  run("bridge", ns, "fdb", "add", "02:00:00:00:00:02", "dev", "v1", "master")
  run("bridge", ns, "fdb", "add", "02:00:00:00:00:03", "dev", "v0", "self", "permanent")
  run("bridge", ns, "mdb", "add", "dev", "br0", "port", "v1", "grp", "239.1.1.1", "permanent")
  run("bridge", ns, "mdb", "add", "dev", "br0", "port", "v1", "grp", "239.1.1.2")
  run("tc", ns, "qdisc", "add", "dev", "v0", "clsact")
  run("tc", ns, "chain", "add", "dev", "v0", "ingress", "chain", "5")
  run(
    "tc",
    ns,
    "filter",
    "add",
    "dev",
    "v0",
    "ingress",
    "prio",
    "10",
    "protocol",
    "ip",
    "u32",
    "match",
    "ip",
    "dst",
    "10.0.0.1/32"
  )
  // a second priority: its own root table (801:), in chain 7 (made by the filter)
  run(
    "tc",
    ns,
    "filter",
    "add",
    "dev",
    "v0",
    "egress",
    "chain",
    "7",
    "prio",
    "3",
    "protocol",
    "ip",
    "u32",
    "match",
    "ip",
    "src",
    "10.0.0.2/32"
  )
}

const lines = (plan: Diff.Plan) => plan.map((c) => `${c.op} ${c.type}:${c.key}`)

describeRoot("State: FDB, MDB, tc chains and filters", () => {
  it.live(
    "snapshot → restore into an empty namespace → equal; kernel-made entries stay apart",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sba")
          const b = yield* freshNamespace("sbb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          // (a kernel with VLAN support copies entries added without a VLAN into the port's
          // VLANs: those copies are the kernel's, in external)
          const fdb = (s.objects.fdb ?? []).map(
            (e) => `${e.dev} ${e.mac} ${e.master ? "master" : "self"} ${e.state}`
          )
          expect(fdb.sort()).toEqual([
            "v0 02:00:00:00:00:03 self permanent",
            "v1 02:00:00:00:00:01 master static",
            "v1 02:00:00:00:00:02 master permanent"
          ])
          // the port's own address and the multicast address lists are the kernel's
          const v1mac = ipJson(a, "link", "show", "v1")[0].address
          expect(s.external.fdb?.some((e) => e.dev === "v1" && e.mac === v1mac && e.master === true)).toBe(
            true
          )
          expect(s.external.fdb?.some((e) => e.mac === "33:33:00:00:00:01" && e.self === true)).toBe(true)
          expect((s.objects.mdb ?? []).map((m) => `${m.port} ${m.group} ${m.state}`).sort()).toEqual([
            "v1 239.1.1.1 permanent",
            "v1 239.1.1.2 temp"
          ])
          // the added chain is configuration; chain 0 and 7 exist because filters are in them
          expect(s.objects.chain).toEqual([{ dev: "v0", parent: "ingress", chain: 5 }])
          expect(s.external.chain?.map((c) => `${c.parent} ${c.chain}`).sort()).toEqual([
            "egress 7",
            "ingress 0"
          ])
          expect(
            s.objects.filter?.map((f) => `${f.parent} ${f.chain} ${f.priority} ${f.handle}`).sort()
          ).toEqual(["egress 7 3 801::800", "ingress 0 10 800::800"])
          expect(s.external.filter?.map((f) => f.handle).sort()).toEqual(["800:", "801:"])

          // into an empty namespace: the qdisc before its chain and filters, the bridge port
          // before its entries, and the u32 priorities in the order the kernel numbered them
          const plan = Diff.diff({}, s.objects)
          const order = lines(plan)
          const at = (p: string) => order.findIndex((l) => l.startsWith(p))
          expect(at("add chain:")).toBeGreaterThan(at("add qdisc:v0"))
          expect(at("add filter:v0|egress|7|3")).toBeGreaterThan(at("add filter:v0|ingress|0|10"))
          expect(at("add fdb:v1")).toBeGreaterThan(at("add link:v1"))
          expect(at("add mdb:")).toBeGreaterThan(at("add link:v1"))
          expect(Diff.toText(plan)).toContain("+ fdb ")

          const doc = yield* Snapshot.fromJson(Snapshot.toJson(s))
          const report = yield* inside(b, Snapshot.restore(doc))
          expect(report.verified).toBe(true)
          const s2 = yield* inside(b, Snapshot.take)
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
          expect(s2.objects.filter).toEqual(s.objects.filter)
          expect((yield* inside(b, Snapshot.restore(doc))).plan).toEqual([])
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "apply names entries (a second apply plans nothing), changes one in place, and purges a port's FDB",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sbc")
          configure(a)
          const desired = {
            fdb: [
              { mac: "02:00:00:00:00:01", dev: "v1", master: true, state: "permanent" },
              { mac: "02:00:00:00:00:09", dev: "v1", master: true, state: "static" }
            ],
            mdb: [{ dev: "br0", port: "v1", group: "239.1.1.9", state: "permanent" }],
            chain: [{ dev: "v0", parent: "egress", chain: 9 }],
            filter: [
              {
                dev: "v0",
                parent: "ingress",
                chain: 0,
                protocol: "ip",
                priority: 20,
                // a new priority's root table is the next the kernel numbers (800: and 801: exist)
                handle: "802::800",
                kind: "u32",
                options: { match: [{ value: 0x0a000003, mask: 0xffffffff, at: 16 }] }
              }
            ],
            purge: [{ type: "fdb", dev: "v1" }]
          }
          const first = yield* inside(a, Apply.apply(desired))
          expect(first.verified).toBe(true)
          expect(lines(first.plan).sort()).toEqual([
            "add chain:v0|egress|9",
            "add fdb:v1|02:00:00:00:00:09||master||||||",
            "add filter:v0|ingress|0|20|ip|802::800",
            "add mdb:br0|v1|239.1.1.9||",
            "remove fdb:v1|02:00:00:00:00:02||master||||||",
            "update fdb:v1|02:00:00:00:00:01||master||||||"
          ])
          const again = yield* inside(a, Apply.apply(desired))
          expect(again.plan).toEqual([])
          const s = yield* inside(a, Snapshot.take)
          expect(
            (s.objects.fdb ?? [])
              .filter((e) => e.dev === "v1")
              .map((e) => `${e.mac} ${e.state}`)
              .sort()
          ).toEqual(["02:00:00:00:00:01 permanent", "02:00:00:00:00:09 static"])
          // the port's own entry was not purged: it is the kernel's
          const v1mac = ipJson(a, "link", "show", "v1")[0].address
          expect(s.external.fdb?.some((e) => e.dev === "v1" && e.mac === v1mac)).toBe(true)
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "a failure at each step of a transaction over FDB, MDB, chains and filters rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sbd")
          configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) => tx.add("fdb", { mac: "02:00:00:00:00:0a", dev: "v1", master: true, state: "static" }),
            (tx) => tx.remove("fdb", { mac: "02:00:00:00:00:02", dev: "v1", master: true }),
            (tx) =>
              tx.update("fdb", { mac: "02:00:00:00:00:01", dev: "v1", master: true, state: "permanent" }),
            (tx) => tx.add("mdb", { dev: "br0", port: "v1", group: "239.1.1.7", state: "permanent" }),
            (tx) => tx.remove("mdb", { dev: "br0", port: "v1", group: "239.1.1.1" }),
            (tx) => tx.remove("chain", { dev: "v0", parent: "ingress", chain: 5 }),
            (tx) =>
              tx.add("filter", {
                dev: "v0",
                parent: "egress",
                chain: 0,
                protocol: "ip",
                priority: 30,
                kind: "u32",
                options: { match: [{ value: 0x0a000004, mask: 0xffffffff, at: 12 }] }
              }),
            // the clsact qdisc takes its chains and filters along
            (tx) => tx.remove("qdisc", { dev: "v0", parent: "clsact", kind: "clsact" }),
            // a port leaving its bridge loses its FDB and MDB entries
            (tx) => tx.update("link", { kind: "veth", name: "v1", master: null })
          ]
          const failing = (tx: Transaction.Transaction) =>
            tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
          yield* failAtEveryStep(a, before, steps, failing)
        })
      ),
    { timeout: 900_000 }
  )
})
