/**
 * Snapshots, restore and transactions cover IPv6 address labels on the host
 * kernel: the kernel's default policy table stays apart, labels added (on
 * a device or not) are restored into an empty namespace and read back equal,
 * and a failure at each step of a transaction leaves them as they were.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import * as Transaction from "../../src/api/Transaction.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { inside } from "./state-fixture.ts"

const configure = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "ifb")
  ip(ns, "addrlabel", "add", "prefix", "2001:db8:1::/48", "label", "70")
  ip(ns, "addrlabel", "add", "prefix", "2001:db8:2::/48", "dev", "d0", "label", "71")
}

describeRoot("State: address labels", () => {
  it.live(
    "snapshot → restore → equal; the default table is the kernel's; a failure at each step rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sla")
          const b = yield* freshNamespace("slb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          expect(s.objects["address-label"]).toEqual([
            { prefix: "2001:db8:1::/48", label: 70 },
            { prefix: "2001:db8:2::/48", label: 71, dev: "d0" }
          ])
          expect(s.external["address-label"]?.length).toBe(10)
          const plan = Diff.diff({}, s.objects).map((c) => `${c.type}:${c.key}`)
          expect(plan.indexOf("address-label:2001:db8:2::/48|d0")).toBeGreaterThan(plan.indexOf("link:d0"))
          const report = yield* inside(b, Snapshot.restore(yield* Snapshot.fromJson(Snapshot.toJson(s))))
          expect(report.verified).toBe(true)
          const s2 = yield* inside(b, Snapshot.take)
          expect(s2.objects["address-label"]).toEqual(s.objects["address-label"])
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")

          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) => tx.add("address-label", { prefix: "2001:db8:3::/48", label: 72 }),
            (tx) => tx.remove("address-label", { prefix: "2001:db8:1::/48", label: 70 }),
            // the device's label goes with it
            (tx) => tx.remove("link", { kind: "ifb", name: "d0" })
          ]
          for (let at = 0; at <= steps.length; at++) {
            const r = yield* inside(
              a,
              Effect.flip(
                Transaction.run((tx) =>
                  Effect.gen(function* () {
                    for (let i = 0; i < steps.length; i++) {
                      if (i === at)
                        yield* tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
                      yield* steps[i](tx)
                    }
                    if (at === steps.length)
                      yield* tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
                  })
                )
              )
            )
            expect(r._tag, `failure at ${at}`).toBe("TransactionError")
            if (r._tag === "TransactionError") expect(r.rollbackErrors, `failure at ${at}`).toEqual([])
            const now = yield* inside(a, Snapshot.take)
            expect(Diff.toText(Diff.diff(s.objects, now.objects)), `failure at ${at}`).toBe("")
          }
        })
      ),
    { timeout: 600_000 }
  )
})
