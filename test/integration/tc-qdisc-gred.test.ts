/**
 * gred on a full kernel (the VM lane; the host kernel lacks it): one object is several
 * requests (the table, then a change per virtual queue). Added with its queues it lists back
 * equal, remove(listed) restores the namespace and add(listed) recreates it; a change sets
 * queues in place; packets show in the queues' counters; a queue the kernel refuses in the
 * middle of an add leaves nothing behind, and in a change the error says what was set.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Schema } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

/** A namespace with IPv6 off, a veth pair d0/d1 up, and a neighbour 10.9.0.9 behind d0. */
const withVeth = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tcgr")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"])
      const ip = (...a: Array<string>) => execFileSync("ip", ["-n", ns, ...a])
      ip("link", "add", "d0", "type", "veth", "peer", "name", "d1")
      ip("addr", "add", "10.9.0.1/24", "dev", "d0")
      ip("link", "set", "d0", "up")
      ip("link", "set", "d1", "up")
      ip("neigh", "add", "10.9.0.9", "lladdr", "02:00:00:00:00:09", "dev", "d0", "nud", "permanent")
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const toJson = (x: unknown) =>
  JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v)))

const queue = (dp: number, extra: Partial<Qdisc.GredQueue> = {}): Qdisc.GredQueue => ({
  dp,
  limit: "60KB",
  min: "15KB",
  max: "45KB",
  avpkt: 1000,
  burst: 20,
  ...extra
})

const gred = (options: Qdisc.GredOptions): Qdisc.Qdisc => ({ dev: "d0", handle: "1:", kind: "gred", options })

const gredOn = (qs: ReadonlyArray<Qdisc.Qdisc>) => qs.filter((q) => q.kind === "gred")

describeFullKernel("gred (issue 13): the table and its virtual queues", () => {
  it.live("add with queues → list equals; remove(listed) → as before; add(listed) → equal; counters", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const before = (yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)
        const input = gred({
          vqs: 4,
          default: 0,
          grio: true,
          queues: [
            queue(1, { probability: 0.1, prio: 2, ecn: true }),
            queue(0, { bandwidth: "100mbit" }),
            // prio 0 in grio mode: the default queue's
            queue(3, { limit: 100000, min: 20000, max: 60000, burst: 30, harddrop: true })
          ]
        })
        yield* Qdisc.add(input)
        const [listed, ...more] = gredOn(yield* Qdisc.list({ dev: "d0" }))
        expect(more).toEqual([])
        expect(
          Qdisc.equals(listed, input),
          `${JSON.stringify(toJson(listed.options))} vs ${JSON.stringify(toJson(Qdisc.canonical(input).options))}`
        ).toBe(true)
        const o = listed.options as Qdisc.GredOptions
        expect(o.queues?.map((q) => [q.dp, q.prio])).toEqual([
          [0, 8],
          [1, 2],
          [3, 8]
        ])
        expect(o.queues?.[1]).toMatchObject({
          limit: 61440,
          min: 15360,
          max: 46080,
          probability: 0.1,
          ecn: true
        })
        expect(o.queues?.[2]).toMatchObject({ harddrop: true, ecn: false })
        // the kernel's table limit (txqueuelen × MTU) reads back
        expect(o.limit).toBeGreaterThan(0)
        expect(Qdisc.equals(yield* Qdisc.get(input), listed)).toBe(true)
        const { status: _, ...config } = toJson(listed)
        expect(Qdisc.equals(Schema.decodeUnknownSync(Qdisc.schema)(config), listed)).toBe(true)

        // packets without a tc_index go to the default queue
        execFileSync("ip", [
          "netns",
          "exec",
          ns,
          "bash",
          "-c",
          "for i in $(seq 10); do echo x > /dev/udp/10.9.0.9/9; done"
        ])
        const counted = gredOn(yield* Qdisc.list({ dev: "d0" }))[0]
        expect(counted.status?.stats.packets).toBeGreaterThanOrEqual(10n)
        const queues = (counted.status?.kind as any)?.queues as Array<{ dp: number; packets: number }>
        expect(queues.map((q) => q.dp)).toEqual([0, 1, 3])
        expect(queues[0].packets).toBeGreaterThanOrEqual(10)
        expect(queues[1].packets).toBe(0)

        yield* Qdisc.remove(listed)
        expect((yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)).toEqual(before)
        yield* Qdisc.add(listed)
        const [again] = gredOn(yield* Qdisc.list({ dev: "d0" }))
        expect(Qdisc.equals(again, listed)).toBe(true)
        yield* Qdisc.remove(again)
      })
    )
  )

  it.live("change sets the table and queues in place; a table limit reads back", () =>
    withVeth(() =>
      Effect.gen(function* () {
        yield* Qdisc.add(gred({ vqs: 2, default: 1, queues: [queue(1)] }))
        const next = gred({
          vqs: 4,
          default: 1,
          grio: true,
          limit: "2mb",
          queues: [queue(1, { min: "20KB", max: "50KB", burst: 30, prio: 3 }), queue(2, { probability: 0.5 })]
        })
        yield* Qdisc.change(next)
        const got = yield* Qdisc.get(next)
        expect(Qdisc.equals(got, next), JSON.stringify(toJson(got.options))).toBe(true)
        expect((got.options as Qdisc.GredOptions).limit).toBe(2097152)
        // grio: queue 2 without a prio takes the default queue's (1: prio 3)
        expect((got.options as Qdisc.GredOptions).queues?.map((q) => [q.dp, q.prio])).toEqual([
          [1, 3],
          [2, 3]
        ])
        yield* Qdisc.remove(got)
      })
    )
  )

  it.live("a queue the kernel refuses: an add leaves nothing behind, a change says what was set", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const before = (yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)
        // an EWMA weight that overflows the kernel's fixed point with this min (fls(min) + Wlog ≥ 32)
        const refused = queue(2, { ewmaLog: 20 })
        const e = yield* Effect.flip(Qdisc.add(gred({ vqs: 4, default: 0, queues: [queue(0), refused] })))
        expect(e.reason._tag).toBe("Kernel")
        expect(e.message).toMatch(/virtual queue 2 \(the qdisc it made is removed again\)/)
        expect((yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)).toEqual(before)

        yield* Qdisc.add(gred({ vqs: 4, default: 0, queues: [queue(0)] }))
        const c = yield* Effect.flip(
          Qdisc.change(
            gred({ vqs: 4, default: 0, queues: [queue(0, { probability: 0.2 }), queue(1), refused] })
          )
        )
        expect(c.message).toMatch(
          /virtual queue 2 \(set before it: the gred qdisc itself, virtual queue 0, virtual queue 1; not set/
        )
        const [left] = gredOn(yield* Qdisc.list({ dev: "d0" }))
        // what was set before the refused queue stays: queue 0 changed, queue 1 added
        expect((left.options as Qdisc.GredOptions).queues?.map((q) => [q.dp, q.probability])).toEqual([
          [0, 0.2],
          [1, 0.02]
        ])
        yield* Qdisc.remove(left)
      })
    )
  )
})
