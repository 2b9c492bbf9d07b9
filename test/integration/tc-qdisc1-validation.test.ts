/**
 * Bad options of the first half of issue 13's qdisc kinds are Validation errors naming the
 * option, and nothing is sent (host kernel: the check runs before any request).
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"

const bad: ReadonlyArray<readonly [string, Qdisc.Qdisc]> = [
  ["options.distribution", { dev: "d0", kind: "netem", options: { delay: "10ms", distribution: "normal" } }],
  [
    "options.distribution",
    { dev: "d0", kind: "netem", options: { jitter: "1ms", distribution: "nosuchtable" } }
  ],
  ["options.loss", { dev: "d0", kind: "netem", options: { loss: 1, lossGemodel: { p: 1 } } }],
  ["options.loss", { dev: "d0", kind: "netem", options: { loss: "1" } }],
  ["options.ecn", { dev: "d0", kind: "netem", options: { ecn: true } }],
  ["options.delay", { dev: "d0", kind: "netem", options: { delay: "300s" } }],
  [
    "options.slot",
    {
      dev: "d0",
      kind: "netem",
      options: { slot: { minDelay: 1, delay: 2, jitter: 1, distribution: "normal" } }
    }
  ],
  ["options.buckets", { dev: "d0", kind: "fq", options: { buckets: 1000 } }],
  ["options.maxrate", { dev: "d0", kind: "fq", options: { maxrate: "40gbit" } }],
  ["options.divisor", { dev: "d0", kind: "sfq", options: { divisor: 1000 } }],
  ["options.min", { dev: "d0", kind: "sfq", options: { redflowlimit: 100000, max: 3000 } }],
  [
    "options.burst",
    { dev: "d0", kind: "red", options: { limit: 400000, min: 30000, max: 90000, avpkt: 1000, burst: 10 } }
  ],
  [
    "options.max",
    { dev: "d0", kind: "red", options: { limit: 400000, min: 30000, max: 20000, avpkt: 1000 } }
  ],
  ["options.limit", { dev: "d0", kind: "red", options: { avpkt: 1000 } } as any],
  ["options.max", { dev: "d0", kind: "choke", options: { limit: 1000, min: 300, max: 100 } }],
  ["options.raw", { dev: "d0", kind: "cake", options: { raw: true, overhead: 18 } }],
  ["options.diffserv", { dev: "d0", kind: "cake", options: { diffserv: "diffserv5" } } as any],
  ["options.overhead", { dev: "d0", kind: "cake", options: { overhead: 300 } }],
  ["options.alpha", { dev: "d0", kind: "pie", options: { alpha: 40 } }],
  ["options.ecnProb", { dev: "d0", kind: "fq_pie", options: { ecnProb: 101 } }],
  ["options.admitBytes", { dev: "d0", kind: "hhf", options: { admitBytes: "1zb" } }],
  ["options.limit", { dev: "d0", kind: "plug", options: { action: "buffer", limit: 100 } }],
  ["options.db", { dev: "d0", kind: "sfb", options: { rehash: 1000, db: 2000 } }]
]

describeRoot("Qdisc kinds, first half: validation", () => {
  it.live("bad options are a Validation error naming the option, nothing sent", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("tcv1")
        execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
        yield* Effect.gen(function* () {
          const before = yield* Qdisc.list({ dev: "d0" })
          for (const [path, q] of bad) {
            const e = yield* Effect.flip(Qdisc.add(q))
            expect(e.reason, `${path}: ${JSON.stringify(q.options)}`).toMatchObject({
              _tag: "Validation",
              path
            })
          }
          expect(yield* Qdisc.list({ dev: "d0" })).toEqual(before)
        }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
      })
    )
  )
})
