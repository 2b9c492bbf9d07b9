/**
 * Qdisc kinds the host kernel lacks, on a full kernel (the VM lane): prio, fq_codel and codel are
 * added, list back equal in canonical units, change in place, and remove(listed) restores the
 * namespace; add(listed) recreates them.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

const withVeth = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tck")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const roundTrip = (input: Qdisc.Qdisc) =>
  Effect.gen(function* () {
    const before = (yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)
    yield* Qdisc.add(input)
    const added = (yield* Qdisc.list({ dev: "d0" })).filter((q) => Qdisc.key(q) === Qdisc.key(input))
    expect(added, JSON.stringify(input)).toHaveLength(1)
    const [listed] = added
    expect(
      Qdisc.equals(listed, input),
      `${JSON.stringify(listed.options)} vs ${JSON.stringify(input.options)}`
    ).toBe(true)
    yield* Qdisc.remove(listed)
    expect((yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)).toEqual(before)
    yield* Qdisc.add(listed)
    const [again] = (yield* Qdisc.list({ dev: "d0" })).filter((q) => Qdisc.key(q) === Qdisc.key(listed))
    expect(Qdisc.equals(again, listed)).toBe(true)
    yield* Qdisc.remove(again)
    return listed
  })

describeFullKernel("Qdisc kinds of a full kernel", () => {
  it.live("prio: bands and priomap; defaults", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const d = yield* roundTrip({ dev: "d0", handle: "1:", kind: "prio" })
        expect(d.options).toEqual({ bands: 3, priomap: [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1] })
        const p = yield* roundTrip({
          dev: "d0",
          handle: "1:",
          kind: "prio",
          options: { bands: 4, priomap: [3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0] }
        })
        expect(p.options).toEqual({ bands: 4, priomap: [3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0] })
      })
    )
  )

  it.live("fq_codel: every option read back in its unit; defaults; change; xstats", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const d = yield* roundTrip({ dev: "d0", kind: "fq_codel" })
        expect(d.options).toMatchObject({
          limit: 10240,
          flows: 1024,
          target: 5000,
          interval: 100000,
          ecn: true,
          memoryLimit: 33554432,
          dropBatch: 64
        })
        const full = yield* roundTrip({
          dev: "d0",
          handle: "1:",
          kind: "fq_codel",
          options: {
            limit: 2000,
            flows: 2048,
            target: "3ms",
            interval: "50ms",
            quantum: 1500,
            ceThreshold: "2ms",
            memoryLimit: "16mb",
            dropBatch: 32,
            ecn: false
          }
        })
        expect(full.options).toMatchObject({
          limit: 2000,
          flows: 2048,
          target: 3000,
          interval: 50000,
          quantum: 1500,
          ceThreshold: 2000,
          memoryLimit: 16777216,
          dropBatch: 32,
          ecn: false
        })
        yield* Qdisc.add({ dev: "d0", handle: "1:", kind: "fq_codel" })
        const next: Qdisc.Qdisc = {
          dev: "d0",
          handle: "1:",
          kind: "fq_codel",
          options: { limit: 500, target: "7ms" }
        }
        yield* Qdisc.change(next)
        const got = yield* Qdisc.get({ dev: "d0", parent: "root", kind: "fq_codel" })
        expect(Qdisc.equals(got, next)).toBe(true)
        expect(got.status?.xstats).toMatchObject({ maxpacket: expect.any(Number), dropOverlimit: 0 })
      })
    )
  )

  it.live("codel: every option read back in its unit; defaults", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const d = yield* roundTrip({ dev: "d0", kind: "codel" })
        expect(d.options).toEqual({ limit: 1000, target: 5000, interval: 100000, ecn: false })
        const full = yield* roundTrip({
          dev: "d0",
          handle: "1:",
          kind: "codel",
          options: { limit: 500, target: "4ms", interval: "80ms", ecn: true, ceThreshold: "1ms" }
        })
        expect(full.options).toEqual({
          limit: 500,
          target: 4000,
          interval: 80000,
          ecn: true,
          ceThreshold: 1000
        })
      })
    )
  )
})
