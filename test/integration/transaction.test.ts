/**
 * Transactions on the host kernel: a 20-operation transaction (links, a
 * bridge with ports, a veth pair, a macvlan, addresses, routes, rules,
 * neighbours; additions, changes and removals) with a failure injected at
 * every position rolls back to a namespace whose snapshot equals the one
 * taken before; without a failure it commits.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Diff from "../../src/api/Diff.ts"
import * as Link from "../../src/api/Link.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import * as Transaction from "../../src/api/Transaction.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"
import { configure, inside } from "./state-fixture.ts"
import { testTimeout } from "../helpers/timing.ts"

type Step = (tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>

const steps: ReadonlyArray<Step> = [
  (tx) => tx.add("link", { kind: "bridge", name: "br1", up: true }),
  (tx) => tx.add("link", { kind: "veth", name: "p0", peer: { name: "p1" }, up: true }),
  (tx) => tx.update("link", { kind: "veth", name: "p1", peer: { name: "p0" }, master: "br1", up: true }),
  (tx) => tx.add("address", { dev: "br1", address: "10.5.0.1/24" }),
  (tx) => tx.add("address", { dev: "br1", address: "2001:db8:5::1/64", flags: ["nodad"] }),
  (tx) => tx.add("route", { destination: "10.50.0.0/16", gateway: "10.5.0.254" }),
  (tx) => tx.add("route", { destination: "10.51.0.0/16", dev: "br1", table: 1000 }),
  (tx) => tx.add("rule", { priority: 200, from: "10.5.0.0/16", table: 1000 }),
  (tx) =>
    tx.add("neighbor", { dev: "br1", address: "10.5.0.9", lladdr: "02:00:00:00:05:09", state: "permanent" }),
  (tx) => tx.remove("route", { destination: "10.8.0.0/16", gateway: "10.1.0.254", dev: "br0" }),
  (tx) => tx.remove("address", { dev: "v0", address: "10.2.0.1/24", label: "v0:a" }),
  (tx) => tx.update("link", { kind: "veth", name: "v2", peer: { name: "v3" }, mtu: 1300, up: true }),
  (tx) => tx.remove("neighbor", { dev: "br0", address: "10.1.0.9" }),
  (tx) => tx.remove("rule", { priority: 100, from: "10.0.0.0/8", table: 1000 }),
  (tx) => tx.update("route", { destination: "10.10.0.0/16", type: "unreachable" }),
  (tx) => tx.remove("link", { kind: "ifb", name: "d0" }),
  (tx) => tx.add("link", { kind: "macvlan", name: "mv0", link: "v0", mode: "bridge" }),
  (tx) => tx.add("address", { dev: "mv0", address: "10.6.0.1/24" }),
  (tx) => tx.remove("link", { kind: "veth", name: "v2", peer: { name: "v3" } }),
  (tx) => tx.add("rule", { priority: 201, fwmark: 0x10, table: 1000 })
]

// a route via a gateway no link reaches: the kernel refuses it (ENETUNREACH)
const failing: Step = (tx) => tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })

const body =
  (failAt: number | undefined): Step =>
  (tx) =>
    Effect.gen(function* () {
      for (let i = 0; i < steps.length; i++) {
        if (i === failAt) yield* failing(tx)
        yield* steps[i](tx)
      }
      if (failAt === steps.length) yield* failing(tx)
    })

describeRoot("Transaction", () => {
  it.live(
    "a failure at each of the 21 positions of a 20-operation transaction leaves the namespace as it was",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("tx")
          configure(ns)
          yield* inside(
            ns,
            Effect.gen(function* () {
              const before = yield* Snapshot.take
              for (let at = 0; at <= steps.length; at++) {
                const e = yield* Effect.flip(Transaction.run(body(at)))
                expect(e._tag).toBe("TransactionError")
                const te = e as Transaction.TransactionError
                expect((te.error as { reason?: { _tag?: string } }).reason?._tag).toBe("Kernel")
                expect(te.failedAt?.type).toBe("route")
                expect(te.rollbackErrors).toEqual([])
                expect(te.leftChanged).toEqual([])
                // the recorded inverses alone restored it: the repair pass had nothing to do
                expect(Diff.toText(te.repaired), `repaired after a failure at ${at}`).toBe("")
                const after = yield* Snapshot.take
                expect(Diff.toText(Diff.diff(before.objects, after.objects)), `failure at ${at}`).toBe("")
              }
            })
          )
        })
      ),
    { timeout: testTimeout(120_000) }
  )

  it.live("without a failure the transaction commits every change", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("txok")
        configure(ns)
        yield* inside(
          ns,
          Effect.gen(function* () {
            const before = yield* Snapshot.take
            yield* Transaction.run(body(undefined))
            const after = yield* Snapshot.take
            const plan = Diff.diff(before.objects, after.objects)
            const text = Diff.toText(plan)
            expect(text).toContain("+ link br1 type bridge up")
            expect(text).toContain("+ route 10.50.0.0/16 via 10.5.0.254 dev br1 table main")
            expect(text).toContain("- link d0 type ifb")
            expect(text).toContain("+ rule pref 201 fwmark 16 lookup 1000")
            expect(after.objects.link?.find((l) => l.name === "p1")?.master).toBe("br1")
            expect(after.objects.link?.some((l) => l.name === "v2" || l.name === "v3")).toBe(false)
          })
        )
      })
    )
  )

  it.live("a rollback step that fails is reported with the original error", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("txrb")
        configure(ns)
        yield* inside(
          ns,
          Effect.gen(function* () {
            const before = yield* Snapshot.take
            const e = yield* Effect.flip(
              Transaction.run((tx) =>
                Effect.gen(function* () {
                  yield* tx.add("link", { kind: "ifb", name: "x0" })
                  // removed behind the transaction's back: its inverse will fail
                  yield* Link.remove("x0")
                  yield* failing(tx)
                })
              )
            )
            const te = e as Transaction.TransactionError
            expect(te.rollbackErrors).toHaveLength(1)
            expect(te.rollbackErrors[0].change).toMatchObject({ op: "remove", type: "link", key: "x0" })
            expect(te.rollbackErrors[0].error.reason._tag).toBe("Kernel")
            expect(te.leftChanged).toEqual([])
            expect(te.message).toMatch(/transaction failed at "\+ route 10\.77\.0\.0\/16.*rollback step/)
            expect(Snapshot.equals(before, yield* Snapshot.take)).toBe(true)
          })
        )
      })
    )
  )
})
