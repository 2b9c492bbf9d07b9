/**
 * Snapshots, restore, apply and transactions over WireGuard devices'
 * configuration (the VM lane: the host kernel has no wireguard). The kernel
 * returns the private and preshared keys to CAP_NET_ADMIN, so a snapshot
 * carries them and a restore makes an equal device.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import * as Transaction from "../../src/api/Transaction.ts"
import * as WireGuard from "../../src/api/WireGuard.ts"
import { describeFullKernel, freshNamespace, ip } from "../helpers/netns.ts"
import { inside } from "./state-fixture.ts"

const keyOf = (i: number): string => {
  const b = Buffer.alloc(32)
  b.writeUInt32BE(i + 1, 0)
  b[31] = 0x42
  return b.toString("base64")
}
const PRIV = "+FELE7sOMQngrcVUVdjU8/z7bfkPu4gA5qvN0Lksf0s="
const PRIV2 = "YHr6ac6pZjj0B2jVPjT1GpRHp4SHBYK4S0u6QyL8f1k="
const PEER1 = keyOf(1)
const PEER2 = keyOf(2)
const PSK = keyOf(999)

const configure = (ns: string) =>
  Effect.gen(function* () {
    ip(ns, "link", "add", "w0", "type", "wireguard")
    ip(ns, "link", "add", "w1", "type", "wireguard")
    yield* inside(
      ns,
      WireGuard.set("w0", {
        privateKey: Redacted.make(PRIV),
        listenPort: 51820,
        fwmark: 7,
        peers: [
          {
            publicKey: PEER1,
            presharedKey: Redacted.make(PSK),
            endpoint: "192.0.2.1:51820",
            persistentKeepalive: 25,
            allowedIps: ["10.0.0.0/24", "2001:db8::/64"]
          },
          { publicKey: PEER2, allowedIps: ["10.0.1.2/32"] }
        ]
      })
    )
  })

describeFullKernel("State: WireGuard devices", () => {
  it.live(
    "snapshot (keys included) → restore into an empty namespace → equal; apply twice",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("swa")
          const b = yield* freshNamespace("swb")
          yield* configure(a)
          const s = yield* inside(a, Snapshot.take)
          const w0 = s.objects.wireguard?.find((c) => c.dev === "w0")
          expect(w0).toMatchObject({ privateKey: PRIV, listenPort: 51820, fwmark: 7 })
          expect(w0?.peers?.find((p: any) => p.publicKey === PEER1)).toMatchObject({
            presharedKey: PSK,
            endpoint: "192.0.2.1:51820",
            persistentKeepalive: 25
          })
          expect(s.objects.wireguard?.find((c) => c.dev === "w1")).toMatchObject({ peers: [] })
          const order = Diff.diff({}, s.objects).map((c) => `${c.type}:${c.key}`)
          expect(order.indexOf("wireguard:w0")).toBeGreaterThan(order.indexOf("link:w0"))

          const doc = yield* Snapshot.fromJson(Snapshot.toJson(s))
          const report = yield* inside(b, Snapshot.restore(doc))
          expect(report.verified).toBe(true)
          const s2 = yield* inside(b, Snapshot.take)
          expect(Diff.toText(Diff.diff(s.objects, s2.objects))).toBe("")
          const dev = yield* inside(b, WireGuard.get("w0"))
          expect(dev.privateKey && Redacted.value(dev.privateKey)).toBe(PRIV)
          expect(dev.peers.map((p) => p.publicKey).sort()).toEqual([PEER1, PEER2].sort())
          expect((yield* inside(b, Snapshot.restore(doc))).plan).toEqual([])

          const desired = {
            wireguard: [
              { dev: "w1", listenPort: 51821, peers: [{ publicKey: PEER2, allowedIps: ["10.9.0.0/16"] }] }
            ]
          }
          const r1 = yield* inside(b, Apply.apply(desired))
          expect(r1.verified).toBe(true)
          expect(Diff.toText(r1.plan)).toBe(
            `~ wireguard dev w1 listen-port 51821 peer ${PEER2} allowed-ips 10.9.0.0/16 (listenPort, peers)`
          )
          const w1 = yield* inside(b, WireGuard.get("w1"))
          expect(w1.listenPort).toBe(51821)
          expect(w1.peers.map((p) => [p.publicKey, p.allowedIps])).toEqual([[PEER2, ["10.9.0.0/16"]]])
          expect((yield* inside(b, Apply.apply(desired))).plan).toEqual([])
        })
      ),
    { timeout: 600_000 }
  )

  it.live(
    "a failure at each step of a transaction over WireGuard devices rolls back (keys too)",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("swc")
          yield* configure(a)
          const before = yield* inside(a, Snapshot.take)
          const steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<void, unknown, any>> = [
            (tx) =>
              tx.update("wireguard", {
                dev: "w0",
                peers: [{ publicKey: PEER2, allowedIps: ["10.5.0.0/16"] }]
              }),
            (tx) => tx.update("wireguard", { dev: "w0", privateKey: PRIV2, listenPort: 51900, fwmark: 0 }),
            (tx) => tx.update("wireguard", { dev: "w1", peers: [{ publicKey: PEER1, presharedKey: PSK }] }),
            // its configuration goes with it: the rollback makes it again and writes it
            (tx) => tx.remove("link", { kind: "wireguard", name: "w0" })
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
            const w0 = yield* inside(a, WireGuard.get("w0"))
            expect(w0.privateKey && Redacted.value(w0.privateKey), `failure at ${at}`).toBe(PRIV)
          }
        })
      ),
    { timeout: 900_000 }
  )
})
