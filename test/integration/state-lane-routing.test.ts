/**
 * Snapshots, restore, apply and transactions over what the host kernel
 * lacks (the VM lane): MPLS label routes with the namespace's MPLS settings
 * (platform_labels) and a device's MPLS input, and a VLAN-filtering
 * bridge's global VLAN options (`bridge vlan global`), which the kernel
 * reports as ranges of equal options and a plan compares VLAN by VLAN.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import * as Transaction from "../../src/api/Transaction.ts"
import { describeFullKernel, freshNamespace, ip } from "../helpers/netns.ts"
import { inside } from "./state-fixture.ts"

const sh = (ns: string, script: string): void => {
  execFileSync("ip", ["netns", "exec", ns, "sh", "-c", script], { stdio: ["ignore", "ignore", "pipe"] })
}
const bridge = (ns: string, ...args: Array<string>): string =>
  execFileSync("bridge", ["-n", ns, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

const configure = (ns: string) => {
  execFileSync("modprobe", ["mpls_router"])
  sh(ns, "echo 1000 > /proc/sys/net/mpls/platform_labels")
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
  sh(ns, "echo 1 > /proc/sys/net/mpls/conf/d0/input")
  ip(ns, "-f", "mpls", "route", "add", "100", "as", "200", "via", "inet", "10.1.2.1", "dev", "d0")
  ip(ns, "-f", "mpls", "route", "add", "101", "dev", "d0")
  ip(ns, "link", "add", "br0", "type", "bridge", "vlan_filtering", "1", "mcast_vlan_snooping", "1")
  bridge(ns, "vlan", "add", "dev", "br0", "vid", "10-12", "self")
  bridge(
    ns,
    "vlan",
    "global",
    "set",
    "dev",
    "br0",
    "vid",
    "11",
    "mcast_igmp_version",
    "3",
    "mcast_last_member_count",
    "3"
  )
}

const globals = (s: Snapshot.Snapshot) =>
  (s.objects["bridge-vlan-global"] ?? [])
    .filter((g) => g.dev === "br0")
    .map(
      (g) =>
        `${g.vid}${g.vidEnd ? `-${g.vidEnd}` : ""} igmp${g.mcastIgmpVersion} lmc${g.mcastLastMemberCount}`
    )

describeFullKernel("State: MPLS routes and settings, bridge global VLAN options", () => {
  it.live(
    "snapshot → restore into an empty namespace → equal; a second restore plans nothing; apply twice",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sra")
          const b = yield* freshNamespace("srb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          expect(
            s.objects["mpls-route"]?.map((r) =>
              Diff.changeText({ op: "add", type: "mpls-route", key: "", object: r })
            )
          ).toEqual(["+ mpls-route 100 as to 200 via inet 10.1.2.1 dev d0", "+ mpls-route 101 dev d0"])
          expect(s.objects["mpls-settings"]).toEqual([
            { platformLabels: 1000, ipTtlPropagate: true, defaultTtl: 255 }
          ])
          expect(s.objects.netconf?.find((c) => c.family === "mpls" && c.dev === "d0")?.input).toBe(true)
          expect(globals(s)).toContain("11 igmp3 lmc3")
          const order = Diff.diff({}, s.objects).map((c) => `${c.type}:${c.key}`)
          expect(order.indexOf("mpls-route:100")).toBeGreaterThan(order.indexOf("mpls-settings:mpls"))
          expect(order.indexOf("mpls-route:100")).toBeGreaterThan(order.indexOf("link:d0"))
          expect(order.indexOf("bridge-vlan-global:br0|11")).toBeGreaterThan(
            order.indexOf("bridge-vlan:br0|10-12")
          )

          const doc = yield* Snapshot.fromJson(Snapshot.toJson(s))
          const report = yield* inside(b, Snapshot.restore(doc))
          expect(report.verified).toBe(true)
          const s2 = yield* inside(b, Snapshot.take)
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
          expect(globals(s2)).toEqual(globals(s))
          expect((yield* inside(b, Snapshot.restore(doc))).plan).toEqual([])

          // a range the kernel merges once its options are equal: compared VLAN by VLAN
          const desired = {
            "bridge-vlan-global": [{ dev: "br0", vid: 10, vidEnd: 12, mcastIgmpVersion: 3 }],
            "mpls-route": [
              { label: 101, as: [300], via: { family: "inet", address: "10.1.2.1" }, dev: "d0" }
            ],
            netconf: [{ family: "mpls", dev: "d1", input: true }]
          }
          const r1 = yield* inside(b, Apply.apply(desired))
          expect(r1.verified).toBe(true)
          expect(Diff.toText(r1.plan)).toBe(
            [
              "~ netconf mpls dev d1 input true (input)",
              "~ mpls-route 101 as to 300 via inet 10.1.2.1 dev d0 (via, as)",
              "~ bridge-vlan-global vid 10 dev br0 mcastIgmpVersion 3 (mcastIgmpVersion)",
              "~ bridge-vlan-global vid 12 dev br0 mcastIgmpVersion 3 (mcastIgmpVersion)"
            ].join("\n")
          )
          expect(bridge(b, "-j", "vlan", "global", "show", "dev", "br0")).toMatch(/"mcast_igmp_version":3/)
          const r2 = yield* inside(b, Apply.apply(desired))
          expect(r2.plan).toEqual([])
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "a failure at each step of a transaction over MPLS routes and settings and global VLAN options rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("src")
          configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) => tx.add("mpls-route", { label: 102, dev: "d0" }),
            (tx) => tx.remove("mpls-route", { label: 100 }),
            (tx) =>
              tx.update("mpls-route", {
                label: 101,
                as: [300],
                via: { family: "inet", address: "10.1.2.1" },
                dev: "d0"
              }),
            // merges 10-12 into one range; the rollback splits it again
            (tx) =>
              tx.update("bridge-vlan-global", {
                dev: "br0",
                vid: 11,
                mcastIgmpVersion: 2,
                mcastLastMemberCount: 2
              }),
            (tx) => tx.update("netconf", { family: "mpls", dev: "d0", input: false }),
            (tx) => tx.update("mpls-settings", { platformLabels: 2000, defaultTtl: 64 })
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
            if (r._tag === "TransactionError") {
              expect(r.rollbackErrors, `failure at ${at}`).toEqual([])
              expect(r.leftChanged, `failure at ${at}`).toEqual([])
            }
            const now = yield* inside(a, Snapshot.take)
            expect(Diff.toText(Diff.diff(before.objects, now.objects)), `failure at ${at}`).toBe("")
            expect(globals(now), `failure at ${at}`).toEqual(globals(before))
          }
        })
      ),
    { timeout: 900_000 }
  )
})
