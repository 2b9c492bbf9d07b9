/** A namespace configured with iproute2 for the state tests. */
import { expect } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Diff from "../../src/api/Diff.ts"
import * as Snapshot from "../../src/api/Snapshot.ts"
import * as Transaction from "../../src/api/Transaction.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { ip } from "../helpers/netns.ts"

export const configure = (ns: string) => {
  ip(ns, "link", "add", "br0", "type", "bridge")
  ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
  ip(ns, "link", "add", "v2", "mtu", "1400", "type", "veth", "peer", "name", "v3")
  ip(ns, "link", "set", "v1", "master", "br0")
  ip(ns, "link", "set", "v3", "master", "br0")
  ip(ns, "link", "add", "d0", "type", "ifb")
  for (const l of ["br0", "v0", "v1", "v2", "v3"]) ip(ns, "link", "set", l, "up")
  ip(ns, "addr", "add", "10.1.0.1/24", "dev", "br0")
  ip(ns, "addr", "add", "10.2.0.1/24", "dev", "v0", "label", "v0:a")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "br0", "nodad")
  ip(ns, "route", "add", "10.8.0.0/16", "via", "10.1.0.254")
  ip(ns, "route", "add", "10.9.0.0/16", "via", "10.2.0.254", "table", "1000", "metric", "10")
  ip(ns, "route", "add", "blackhole", "10.10.0.0/16")
  ip(ns, "route", "add", "2001:db8:1::/48", "via", "2001:db8::fe", "dev", "br0")
  ip(ns, "neigh", "add", "10.1.0.9", "lladdr", "02:00:00:00:00:09", "dev", "br0", "nud", "permanent")
  ip(ns, "neigh", "add", "10.2.0.9", "lladdr", "02:00:00:00:00:0a", "dev", "v0", "nud", "noarp")
  ip(ns, "neigh", "add", "proxy", "10.1.0.20", "dev", "br0")
  ip(ns, "rule", "add", "from", "10.0.0.0/8", "table", "1000", "priority", "100")
  ip(ns, "-6", "rule", "add", "from", "2001:db8::/32", "table", "1000", "priority", "101")
}

export const inside = <A, E>(ns: string, f: Effect.Effect<A, E, Netlink>) =>
  f.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))

/**
 * Runs `steps` in one transaction once per position with `failing` inserted
 * there (and once after the last step); each time the transaction must fail,
 * its rollback must report no errors and nothing left changed, and a
 * snapshot must equal `before`.
 */
export const failAtEveryStep = (
  ns: string,
  before: Snapshot.Snapshot,
  steps: ReadonlyArray<(tx: Transaction.Transaction) => Effect.Effect<unknown, unknown, any>>,
  failing: (tx: Transaction.Transaction) => Effect.Effect<unknown, unknown, any>
) =>
  Effect.gen(function* () {
    for (let at = 0; at <= steps.length; at++) {
      const r = yield* inside(
        ns,
        Effect.flip(
          Transaction.run((tx) =>
            Effect.gen(function* () {
              for (let i = 0; i < steps.length; i++) {
                if (i === at) yield* failing(tx)
                yield* steps[i]!(tx)
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
      const now = yield* inside(ns, Snapshot.take)
      expect(Diff.toText(Diff.diff(before.objects, now.objects)), `failure at ${at}`).toBe("")
    }
  })
