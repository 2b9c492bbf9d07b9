/**
 * Declarative apply on the host kernel: a desired state (a bridge with veth
 * ports, addresses, routes, a neighbour, a rule) applied to an empty
 * namespace is verified by re-reading; a second apply plans nothing; a dry
 * run changes nothing; purge scopes remove unnamed objects on a link only;
 * a failed apply leaves the namespace as it was; references to links that
 * will not exist are refused before anything is sent.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import { describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { inside } from "./state-fixture.ts"

const desired = {
  link: [
    { kind: "bridge", name: "br0", up: true },
    { kind: "veth", name: "v0", peer: { name: "v1" }, up: true },
    { kind: "veth", name: "v1", peer: { name: "v0" }, master: "br0", up: true }
  ],
  address: [
    { dev: "br0", address: "10.0.0.1/24" },
    { dev: "v0", address: "10.0.1.1/24" }
  ],
  route: [
    { destination: "10.1.0.0/16", gateway: "10.0.0.254" },
    { destination: "10.2.0.0/16", dev: "v0", table: 1000 }
  ],
  neighbor: [{ dev: "br0", address: "10.0.0.9", lladdr: "02:00:00:00:00:09", state: "permanent" }],
  rule: [{ priority: 100, from: "10.0.0.0/8", table: 1000 }]
}

describeRoot("Apply", () => {
  it.live("into an empty namespace: planned, applied, verified; a second apply is an empty plan", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("apply")
        const dry = yield* inside(ns, Apply.apply(desired, { dryRun: true }))
        expect(dry.applied).toBe(false)
        expect(Diff.toText(dry.plan).split("\n")).toEqual([
          "+ link br0 type bridge up",
          "+ link v0 type veth up",
          "+ link v1 type veth master br0 up",
          "+ address 10.0.0.1/24 dev br0",
          "+ address 10.0.1.1/24 dev v0",
          "+ route 10.1.0.0/16 via 10.0.0.254 table main",
          "+ route 10.2.0.0/16 dev v0 table 1000",
          "+ neighbor 10.0.0.9 lladdr 02:00:00:00:00:09 dev br0",
          "+ rule pref 100 from 10.0.0.0/8 lookup 1000"
        ])
        // the dry run changed nothing
        expect(ipJson<Array<{ ifname: string }>>(ns, "link", "show").map((l) => l.ifname)).toEqual(["lo"])
        const report = yield* inside(ns, Apply.apply(desired))
        expect(report.applied).toBe(true)
        expect(report.verified).toBe(true)
        expect(ipJson<Array<{ master?: string }>>(ns, "link", "show", "v1")[0].master).toBe("br0")
        expect(ipJson(ns, "route", "show", "table", "1000")).toHaveLength(1)
        expect(ipJson(ns, "rule", "show", "pref", "100")).toHaveLength(1)
        const again = yield* inside(ns, Apply.apply(desired))
        expect(again.plan).toEqual([])
        expect(again.verified).toBe(true)
      })
    )
  )

  it.live(
    "only what the state names is managed; purge removes unnamed objects of a kind on a named link",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("purge")
          yield* inside(ns, Apply.apply(desired))
          ip(ns, "addr", "add", "10.0.0.2/24", "dev", "br0")
          ip(ns, "addr", "add", "10.0.1.2/24", "dev", "v0")
          // not purged: nothing to do
          expect(yield* inside(ns, Apply.plan(desired))).toEqual([])
          const report = yield* inside(
            ns,
            Apply.apply({ ...desired, purge: [{ type: "address", dev: "br0" }] })
          )
          expect(Diff.toText(report.plan)).toBe("- address 10.0.0.2/24 dev br0")
          expect(report.verified).toBe(true)
          const v4 = (dev: string) =>
            ipJson<Array<{ addr_info: Array<{ local: string; family: string }> }>>(
              ns,
              "addr",
              "show",
              "dev",
              dev
            )[0]
              .addr_info.filter((a) => a.family === "inet")
              .map((a) => a.local)
          expect(v4("br0")).toEqual(["10.0.0.1"])
          expect(v4("v0")).toEqual(["10.0.1.1", "10.0.1.2"])
          // a change to a named object is planned in place
          const mtu = yield* inside(
            ns,
            Apply.apply({ link: [{ kind: "bridge", name: "br0", up: true, mtu: 1400 }] })
          )
          expect(Diff.toText(mtu.plan)).toBe("~ link br0 type bridge up (mtu)")
          expect(ipJson<Array<{ mtu: number }>>(ns, "link", "show", "br0")[0].mtu).toBe(1400)
        })
      )
  )

  it.live("a failed apply leaves the namespace as it was", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("applyf")
        yield* inside(ns, Apply.apply(desired))
        const before = yield* inside(ns, Snapshot.take)
        const broken = {
          ...desired,
          link: [...desired.link, { kind: "bridge", name: "br1", up: true }],
          address: [...desired.address, { dev: "br1", address: "10.5.0.1/24" }],
          // no link reaches this gateway: the kernel refuses the route
          route: [...desired.route, { destination: "10.77.0.0/16", gateway: "192.0.2.1" }],
          purge: [{ type: "address", dev: "v0" }]
        }
        const e = yield* Effect.flip(inside(ns, Apply.apply(broken)))
        expect(e._tag).toBe("TransactionError")
        expect(e.message).toMatch(/route 10\.77\.0\.0\/16.*rolled back/)
        const after = yield* inside(ns, Snapshot.take)
        expect(Diff.toText(Diff.diff(before.objects, after.objects))).toBe("")
      })
    )
  )

  it.live(
    "references to links that will not exist and conflicting objects are refused before anything is sent",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("applyv")
          const missing = yield* Effect.flip(
            inside(ns, Apply.apply({ address: [{ dev: "nope0", address: "10.0.0.1/24" }] }))
          )
          expect(missing.message).toMatch(/address\[0\].*needs link nope0/)
          const conflict = yield* Effect.flip(
            inside(
              ns,
              Apply.apply({
                link: [{ kind: "bridge", name: "br0" }],
                route: [
                  { destination: "10.1.0.0/16", dev: "br0" },
                  { destination: "10.1.0.0/16", dev: "br0", type: "blackhole" }
                ]
              })
            )
          )
          expect(conflict.message).toMatch(/route\[1\].*conflicts/)
          expect(ipJson<Array<{ ifname: string }>>(ns, "link", "show").map((l) => l.ifname)).toEqual(["lo"])
        })
      )
  )
})

describeRoot("Apply: a route's nexthop changes", () => {
  it.live("an IPv4 route moved to another gateway is replaced in place; a failure later puts it back", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("apply")
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        ip(ns, "link", "set", "d0", "up")
        ip(ns, "addr", "add", "10.0.0.1/24", "dev", "d0")
        ip(ns, "route", "add", "10.1.0.0/16", "via", "10.0.0.2", "dev", "d0")
        const gatewayOf = () => ipJson<Array<{ gateway?: string }>>(ns, "route", "show", "10.1.0.0/16")
        const moved = { route: [{ destination: "10.1.0.0/16", gateway: "10.0.0.3", dev: "d0" }] }
        const plan = yield* inside(ns, Apply.plan(moved))
        expect(Diff.toText(plan)).toMatch(/^~ route 10\.1\.0\.0\/16/)
        // the second route's gateway is not on any link: the kernel refuses it after the first step
        const failing = {
          route: [...moved.route, { destination: "10.2.0.0/16", gateway: "192.0.2.1", dev: "d0" }]
        }
        const failed = yield* inside(ns, Effect.flip(Apply.apply(failing)))
        expect(failed._tag).toBeDefined()
        expect(gatewayOf()).toEqual([expect.objectContaining({ gateway: "10.0.0.2" })])
        const report = yield* inside(ns, Apply.apply(moved))
        expect(report.verified).toBe(true)
        expect(gatewayOf()).toEqual([expect.objectContaining({ gateway: "10.0.0.3" })])
      })
    )
  )
})
