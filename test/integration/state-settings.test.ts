/**
 * Snapshots, restore, apply and transactions over the settings the kernel
 * keeps with every device, on the host kernel: IP configuration (`ip
 * netconf`, written as sysctls: per device and all/default) and devices'
 * neighbour parameters (`ip ntable`). They are set-only (never removed),
 * restored to what was read; a table's own settings and the multicast
 * forwarding cache are shown, never planned.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import type * as Transaction from "../../src/api/Transaction.ts"
import { describeRoot, freshNamespace, ip, nsExec } from "../helpers/netns.ts"
import { failAtEveryStep, inside } from "./state-fixture.ts"

const sysctl = (ns: string, path: string, value: string): void => {
  const r = nsExec(ns, "sh", "-c", `echo ${value} > /proc/sys/net/${path}`)
  if (r.status !== 0) throw new Error(`sysctl ${path}: ${r.stderr}`)
}
const readSysctl = (ns: string, path: string): string =>
  nsExec(ns, "cat", `/proc/sys/net/${path}`).stdout.trim()

const configure = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "ifb")
  ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
  // all.forwarding first: the kernel copies it to every device and to default
  sysctl(ns, "ipv4/conf/all/forwarding", "1")
  sysctl(ns, "ipv4/conf/v0/forwarding", "0")
  sysctl(ns, "ipv4/conf/d0/rp_filter", "2")
  sysctl(ns, "ipv4/conf/v1/proxy_arp", "1")
  sysctl(ns, "ipv4/conf/default/ignore_routes_with_linkdown", "1")
  sysctl(ns, "ipv6/conf/d0/forwarding", "1")
  sysctl(ns, "ipv6/conf/v1/proxy_ndp", "1")
  ip(ns, "ntable", "change", "name", "arp_cache", "dev", "d0", "ucast_probes", "7", "base_reachable", "15000")
  ip(ns, "ntable", "change", "name", "ndisc_cache", "dev", "v0", "retrans", "2000")
}

const conf = (s: Snapshot.Snapshot, family: string, dev: string) =>
  s.objects.netconf?.find((c) => c.family === family && c.dev === dev)
const table = (s: Snapshot.Snapshot, name: string, dev: string) =>
  s.objects["neighbor-table"]?.find((t) => t.name === name && t.dev === dev)

describeRoot("State: netconf and neighbour tables", () => {
  it.live(
    "snapshot → restore into an empty namespace → equal; a second restore plans nothing",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("ssa")
          const b = yield* freshNamespace("ssb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          expect(conf(s, "inet", "all")?.forwarding).toBe(true)
          expect(conf(s, "inet", "default")).toMatchObject({
            forwarding: true,
            ignoreRoutesWithLinkdown: true
          })
          expect(conf(s, "inet", "v0")?.forwarding).toBe(false)
          expect(conf(s, "inet", "v1")).toMatchObject({ forwarding: true, proxyNeigh: true })
          expect(conf(s, "inet", "d0")?.rpFilter).toBe("loose")
          expect(conf(s, "inet6", "d0")?.forwarding).toBe(true)
          expect(conf(s, "inet6", "v1")?.proxyNeigh).toBe(true)
          expect(table(s, "arp_cache", "d0")).toMatchObject({ ucastProbes: 7, baseReachableTime: 15000 })
          expect(table(s, "ndisc_cache", "v0")?.retransTime).toBe(2000)
          // a table's own settings are the initial namespace's; nothing routes multicast here
          expect(s.objects["neighbor-table"]?.every((t) => t.dev !== undefined)).toBe(true)
          expect(s.external["neighbor-table"]?.map((t) => t.name).sort()).toEqual([
            "arp_cache",
            "ndisc_cache"
          ])
          // shown under external only (the host kernel has no multicast routing: nothing to list)
          expect(s.objects["multicast-route"]).toEqual([])
          expect(s.external["multicast-route"]).toEqual([])
          // settings after their link, all before default before devices
          const order = Diff.diff({}, s.objects).map((c) => `${c.type}:${c.key}`)
          expect(order.indexOf("netconf:inet|d0")).toBeGreaterThan(order.indexOf("link:d0"))
          expect(order.indexOf("netconf:inet|default")).toBeGreaterThan(order.indexOf("netconf:inet|all"))
          expect(order.indexOf("netconf:inet|v0")).toBeGreaterThan(order.indexOf("netconf:inet|default"))
          expect(order.indexOf("neighbor-table:inet|arp_cache|d0")).toBeGreaterThan(order.indexOf("link:d0"))

          const doc = yield* Snapshot.fromJson(Snapshot.toJson(s))
          const report = yield* inside(b, Snapshot.restore(doc))
          expect(report.verified).toBe(true)
          expect(readSysctl(b, "ipv4/conf/v0/forwarding")).toBe("0")
          expect(readSysctl(b, "ipv4/conf/d0/forwarding")).toBe("1")
          expect(readSysctl(b, "ipv6/conf/v1/proxy_ndp")).toBe("1")
          const s2 = yield* inside(b, Snapshot.take)
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
          expect((yield* inside(b, Snapshot.restore(doc))).plan).toEqual([])
        })
      ),
    { timeout: 300_000 }
  )

  it.live(
    "apply writes what it names (again after all.forwarding carried over); a second apply is a no-op",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const c = yield* freshNamespace("ssc")
          ip(c, "link", "add", "d0", "type", "ifb")
          const desired = {
            netconf: [
              { family: "inet", dev: "all", forwarding: true },
              // equal before the apply; all.forwarding sets it, so it is written again after
              { family: "inet", dev: "d0", forwarding: false },
              { family: "inet6", dev: "d0", proxyNeigh: true }
            ],
            "neighbor-table": [{ family: "inet", name: "arp_cache", dev: "d0", mcastProbes: 9 }]
          }
          const r1 = yield* inside(c, Apply.apply(desired))
          expect(r1.verified).toBe(true)
          expect(Diff.toText(r1.plan)).toBe(
            [
              "~ netconf inet dev all forwarding true (forwarding)",
              "~ netconf inet dev d0 forwarding false (written again)",
              "~ netconf inet6 dev d0 proxyNeigh true (proxyNeigh)",
              "~ neighbor-table arp_cache dev d0 mcastProbes 9 (mcastProbes)"
            ].join("\n")
          )
          expect(readSysctl(c, "ipv4/conf/all/forwarding")).toBe("1")
          expect(readSysctl(c, "ipv4/conf/lo/forwarding")).toBe("1")
          expect(readSysctl(c, "ipv4/conf/d0/forwarding")).toBe("0")
          expect(readSysctl(c, "ipv6/conf/d0/proxy_ndp")).toBe("1")
          expect(ip(c, "ntable", "show", "name", "arp_cache", "dev", "d0")).toMatch(/mcast_probes 9/)
          const r2 = yield* inside(c, Apply.apply(desired))
          expect(r2.plan).toEqual([])
          expect(r2.verified).toBe(true)

          // a multicast route can only be shown; a field a family lacks is refused
          const bad = yield* inside(
            c,
            Effect.flip(
              Apply.apply({
                "multicast-route": [
                  { family: "inet", table: "default", source: "10.0.0.1", group: "239.1.1.1", oifs: [] }
                ]
              })
            )
          )
          expect(bad._tag).toBe("NetlinkError")
          if (bad._tag === "NetlinkError") {
            expect(bad.reason._tag).toBe("Validation")
            expect((bad.reason as { path?: string }).path).toBe("multicast-route[0]")
          }
          const before = yield* inside(c, Snapshot.take)
          const noRp = yield* inside(
            c,
            Effect.flip(Apply.apply({ netconf: [{ family: "inet6", dev: "d0", rpFilter: "strict" }] }))
          )
          expect(noRp._tag).toBe("TransactionError")
          if (noRp._tag === "TransactionError") {
            const e = noRp.error as { reason: { _tag: string; path?: string } }
            expect(e.reason._tag).toBe("Validation")
            expect(e.reason.path).toBe("netconf.rpFilter")
            expect(noRp.leftChanged).toEqual([])
          }
          const after = yield* inside(c, Snapshot.take)
          expect(Diff.toText(Diff.diff(before.objects, after.objects))).toBe("")
        })
      ),
    { timeout: 300_000 }
  )

  it.live(
    "a failure at each step of a transaction over netconf and neighbour parameters rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("ssd")
          configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            // carried over to every device and default: the rollback repairs them from the first read
            (tx) => tx.update("netconf", { family: "inet", dev: "all", forwarding: false }),
            (tx) => tx.update("netconf", { family: "inet6", dev: "d0", forwarding: false }),
            (tx) =>
              tx.update("netconf", { family: "inet", dev: "v1", rpFilter: "strict", proxyNeigh: false }),
            (tx) =>
              tx.update("neighbor-table", { family: "inet", name: "arp_cache", dev: "d0", ucastProbes: 2 }),
            // its settings go with it; the rollback makes it again and writes them
            (tx) => tx.remove("link", { kind: "ifb", name: "d0" }),
            (tx) => tx.update("netconf", { family: "inet6", dev: "all", forwarding: true })
          ]
          const failing = (tx: Transaction.Transaction) =>
            tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
          yield* failAtEveryStep(a, before, steps, failing)
        })
      ),
    { timeout: 600_000 }
  )
})
