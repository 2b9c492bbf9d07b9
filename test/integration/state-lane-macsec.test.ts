/**
 * Snapshots, restore, apply and transactions over MACsec channels and
 * associations (the VM lane: the host kernel has no macsec). The kernel
 * never reports an SA's key: a snapshot carries SAs without keys, a restore
 * of one fails validation naming the key before anything is sent, and with
 * the keys filled in it makes an equal device. A transaction that removes
 * an SA it was given the key of puts it back on a failure.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import type * as Transaction from "../../src/api/Transaction.ts"
import { describeFullKernel, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { failAtEveryStep, inside } from "./state-fixture.ts"

const KEY_TX = "81818181818181818181818181818181"
const KEY_RX = "82828282828282828282828282828282"
const KEY_NEW = "83838383838383838383838383838383"
const SCI = "c619528fe6a00001"

const configure = (ns: string) => {
  ip(ns, "link", "add", "p0", "type", "veth", "peer", "name", "p1")
  ip(ns, "link", "add", "link", "p0", "m0", "type", "macsec", "port", "1", "encrypt", "on")
  ip(ns, "macsec", "add", "m0", "tx", "sa", "0", "pn", "100", "on", "key", "01", KEY_TX)
  ip(ns, "macsec", "add", "m0", "rx", "port", "1", "address", "c6:19:52:8f:e6:a0")
  ip(
    ns,
    "macsec",
    "add",
    "m0",
    "rx",
    "port",
    "1",
    "address",
    "c6:19:52:8f:e6:a0",
    "sa",
    "1",
    "pn",
    "5",
    "off",
    "key",
    "02",
    KEY_RX
  )
}

/** The snapshot with each SA's key filled in (what a user restoring it provides). */
const withKeys = (s: Snapshot.Snapshot): Snapshot.Snapshot => ({
  ...s,
  objects: {
    ...s.objects,
    "macsec-sa": (s.objects["macsec-sa"] ?? []).map((a) => ({
      ...a,
      key: a.sci === undefined ? KEY_TX : KEY_RX
    }))
  }
})

describeFullKernel("State: MACsec channels and associations", () => {
  it.live(
    "a snapshot has SAs without keys: restoring one is refused naming the key; with keys → equal; apply twice",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("sma")
          const b = yield* freshNamespace("smb")
          configure(a)
          const s = yield* inside(a, Snapshot.take)
          expect(s.objects["macsec-rx-sc"]).toEqual([{ dev: "m0", sci: SCI, active: true }])
          const sas = s.objects["macsec-sa"] ?? []
          // sorted by identity: the RX channel's SA ("m0|c619...|1") before the TX SA ("m0|tx|0")
          expect(sas.map((x) => [x.sci, x.an, x.active, x.pn, x.key])).toEqual([
            [SCI, 1, false, 5, undefined],
            [undefined, 0, true, 100, undefined]
          ])
          const order = Diff.diff({}, s.objects).map((c) => `${c.type}:${c.key}`)
          expect(order.indexOf("macsec-rx-sc:m0|" + SCI)).toBeGreaterThan(order.indexOf("link:m0"))
          expect(order.indexOf(`macsec-sa:m0|${SCI}|1`)).toBeGreaterThan(
            order.indexOf(`macsec-rx-sc:m0|${SCI}`)
          )

          // nothing sent: namespace b stays empty
          const refused = yield* inside(
            b,
            Effect.flip(Snapshot.restore(yield* Snapshot.fromJson(Snapshot.toJson(s))))
          )
          expect(refused._tag).toBe("NetlinkError")
          if (refused._tag === "NetlinkError") {
            expect(refused.reason._tag).toBe("Validation")
            expect((refused.reason as { path?: string }).path).toBe(`macsec-sa[m0|${SCI}|1].key`)
          }
          expect(ipJson(b, "link", "show").map((l: any) => l.ifname)).toEqual(["lo"])

          const doc = yield* Snapshot.fromJson(Snapshot.toJson(withKeys(s)))
          const report = yield* inside(b, Snapshot.restore(doc))
          expect(report.verified).toBe(true)
          const s2 = yield* inside(b, Snapshot.take)
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
          expect(s2.objects["macsec-sa"]?.map((x) => x.pn)).toEqual([5, 100])
          expect((yield* inside(b, Snapshot.restore(doc))).plan).toEqual([])

          // activity changes in place; a new key id is a new SA (its key is needed)
          const desired = {
            "macsec-sa": [
              { dev: "m0", sci: SCI, an: 1, keyId: "02", active: true },
              { dev: "m0", an: 2, pn: 1, keyId: "03", key: KEY_NEW }
            ]
          }
          const r1 = yield* inside(b, Apply.apply(desired))
          expect(r1.verified).toBe(true)
          expect(Diff.toText(r1.plan)).toBe(
            [
              `~ macsec-sa dev m0 rx sci ${SCI} sa 1 on key 02 (active)`,
              "+ macsec-sa dev m0 tx sa 2 on key 03 (key given)"
            ].join("\n")
          )
          expect((yield* inside(b, Apply.apply(desired))).plan).toEqual([])
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "a failure at each step of a transaction over MACsec channels and SAs rolls back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("smc")
          configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) => tx.add("macsec-sa", { dev: "m0", an: 3, pn: 1, keyId: "04", key: KEY_NEW }),
            (tx) => tx.update("macsec-sa", { dev: "m0", an: 0, keyId: "01", active: false }),
            (tx) => tx.add("macsec-rx-sc", { dev: "m0", sci: "c619528fe6a00002", active: false }),
            // given its key, the rollback can make it again
            (tx) => tx.remove("macsec-sa", { dev: "m0", sci: SCI, an: 1, keyId: "02", key: KEY_RX }),
            (tx) => tx.update("macsec-rx-sc", { dev: "m0", sci: SCI, active: false }),
            (tx) => tx.remove("macsec-sa", { dev: "m0", an: 0, keyId: "01", key: KEY_TX })
          ]
          const failing = (tx: Transaction.Transaction) =>
            tx.add("route", { destination: "10.77.0.0/16", gateway: "192.0.2.1" })
          yield* failAtEveryStep(a, before, steps, failing)
        })
      ),
    { timeout: 900_000 }
  )
})
