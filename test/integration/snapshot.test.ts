/**
 * Snapshots on the host kernel: a namespace configured with iproute2 (veth
 * pairs, a bridge with ports, addresses of both families, routes in the
 * main table and table 1000, permanent, noarp and proxy neighbours, rules)
 * is read into one document, which survives JSON, and restored into an
 * empty namespace gives an equal snapshot; kernel-made objects are marked
 * external and skipped.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"
import { configure, inside } from "./state-fixture.ts"

describeRoot("Snapshot", () => {
  it.live("take → JSON → restore into an empty namespace → an equal snapshot", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("snapa")
        const b = yield* freshNamespace("snapb")
        configure(a)
        const s = yield* inside(a, Snapshot.take)
        const count = (t: string) => s.objects[t]?.length ?? 0
        expect(count("link")).toBe(6)
        expect(count("address")).toBe(3)
        expect(count("route")).toBe(4)
        expect(count("neighbor")).toBe(3)
        expect(count("rule")).toBe(2)
        // kernel-made: lo, its addresses, local and prefix routes, default rules
        expect(s.external.link?.map((l) => l.name)).toEqual(["lo"])
        expect(s.external.route?.some((r) => r.table === "local")).toBe(true)
        expect(s.external.rule?.length).toBe(3 + 2)
        expect(s.objects.link?.every((l) => l.status === undefined)).toBe(true)
        const text = Snapshot.toJson(s)
        const back = yield* Snapshot.fromJson(text)
        expect(Snapshot.equals(back, s)).toBe(true)
        const report = yield* inside(b, Snapshot.restore(back))
        expect(report.verified).toBe(true)
        const s2 = yield* inside(b, Snapshot.take)
        expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
        expect(Snapshot.equals(s, s2)).toBe(true)
        // a second restore plans nothing
        const again = yield* inside(b, Snapshot.restore(back))
        expect(again.plan).toEqual([])
      })
    )
  )

  it.live("a bad document is a Validation error naming the path", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(Snapshot.decode({ version: 1, objects: { address: [{ dev: "x" }] } }))
      expect(e.reason._tag).toBe("Validation")
      expect(e.message).toMatch(/address/)
      const v = yield* Effect.flip(Snapshot.decode({ version: 2, objects: {} }))
      expect(v.reason._tag).toBe("Validation")
    })
  )
})
