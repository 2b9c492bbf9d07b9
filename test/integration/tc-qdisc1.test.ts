/**
 * Issue 13's first half of qdisc kinds on a full kernel (the VM lane; the host kernel has none
 * of them): netem, fq, sfq, red, cake, pie, fq_pie, hhf, skbprio, plug, choke, sfb. Each is added
 * with its defaults and with its options, lists back equal with its units in canonical form,
 * remove(listed) restores the namespace and add(listed) recreates it; options change in place
 * where the kernel allows; packets sent through it show in its statistics and xstats.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { release } from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Schema } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

/** A namespace with IPv6 off, a veth pair d0/d1 up, and a neighbour 10.9.0.9 behind d0. */
const withVeth = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tcq1")
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

/** Sends `n` UDP datagrams to 10.9.0.9: they leave through d0's root qdisc. */
const send = (ns: string, n: number): void => {
  execFileSync("ip", [
    "netns",
    "exec",
    ns,
    "bash",
    "-c",
    `for i in $(seq ${n}); do echo x > /dev/udp/10.9.0.9/9; done`
  ])
}

const d0 = (kind: string, options?: object): Qdisc.Qdisc =>
  ({ dev: "d0", handle: "1:", kind, ...(options === undefined ? {} : { options }) }) as Qdisc.Qdisc

const toJson = (x: unknown) =>
  JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v)))

/** add → list → equals; its JSON decodes equal; remove(listed) → as before; add(listed) → equal. */
const roundTrip = (input: Qdisc.Qdisc) =>
  Effect.gen(function* () {
    const before = (yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)
    yield* Qdisc.add(input)
    const added = (yield* Qdisc.list({ dev: "d0" })).filter((q) => Qdisc.key(q) === Qdisc.key(input))
    expect(added, JSON.stringify(input)).toHaveLength(1)
    const [listed] = added
    expect(
      Qdisc.equals(listed, input),
      `${JSON.stringify(toJson(listed.options ?? {}))} vs ${JSON.stringify(toJson(Qdisc.canonical(input).options ?? {}))}`
    ).toBe(true)
    const { status: _, ...config } = toJson(listed)
    expect(Qdisc.equals(Schema.decodeUnknownSync(Qdisc.schema)(config), listed)).toBe(true)
    yield* Qdisc.remove(listed)
    expect((yield* Qdisc.list({ dev: "d0" })).map(Qdisc.canonical)).toEqual(before)
    yield* Qdisc.add(listed)
    const again = (yield* Qdisc.list({ dev: "d0" })).filter((q) => Qdisc.key(q) === Qdisc.key(listed))
    expect(again).toHaveLength(1)
    expect(Qdisc.equals(again[0], listed)).toBe(true)
    yield* Qdisc.remove(again[0])
    return listed
  })

/** Adds `input`, changes it to `next` (read back equal), sends packets, returns what lists. */
const changeAndCount = (ns: string, input: Qdisc.Qdisc, next: Qdisc.Qdisc, packets = 10) =>
  Effect.gen(function* () {
    yield* Qdisc.add(input)
    yield* Qdisc.change(next)
    const changed = yield* Qdisc.get(next)
    expect(Qdisc.equals(changed, next), JSON.stringify(toJson(changed.options ?? {}))).toBe(true)
    send(ns, packets)
    const got = yield* Qdisc.get(next)
    expect(got.status!.stats.packets + BigInt(got.status!.stats.qlen)).toBeGreaterThanOrEqual(BigInt(packets))
    yield* Qdisc.remove(got)
    return got
  })

describeFullKernel("Qdisc kinds, first half (issue 13)", () => {
  it.live("netem: delay, jitter, correlation, distribution; loss models; rate; slot; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const plain = yield* roundTrip(d0("netem"))
        expect(plain.options).toEqual({ limit: 1000 })
        const delay = yield* roundTrip(
          d0("netem", {
            delay: "100ms",
            jitter: "10ms",
            delayCorrelation: "25%",
            distribution: "normal",
            limit: 2000
          })
        )
        // units canonical: microseconds and percent; the table is write only
        expect(delay.options).toEqual({ limit: 2000, delay: 100000, jitter: 10000, delayCorrelation: 25 })
        const random = yield* roundTrip(
          d0("netem", {
            delay: "10ms",
            loss: "1%",
            lossCorrelation: 25,
            duplicate: 2,
            duplicateCorrelation: 10,
            reorder: 5,
            reorderCorrelation: 50,
            gap: 3,
            corrupt: "0.1%",
            corruptCorrelation: 5
          })
        )
        expect(random.options).toMatchObject({ loss: 1, duplicate: 2, reorder: 5, gap: 3, corrupt: 0.1 })
        const state = yield* roundTrip(
          d0("netem", { lossState: { p13: 1, p31: 10, p32: 20, p23: 30, p14: 40 } })
        )
        expect(state.options).toMatchObject({ lossState: { p13: 1, p31: 10, p32: 20, p23: 30, p14: 40 } })
        // tc's defaults for the other transitions
        yield* roundTrip(d0("netem", { lossState: { p13: 2 } }))
        const ge = yield* roundTrip(d0("netem", { lossGemodel: { p: 1, r: 10, h: 30, k1: 0.1 }, ecn: true }))
        expect(ge.options).toMatchObject({ lossGemodel: { p: 1, r: 10, h: 30, k1: 0.1 }, ecn: true })
        const rate = yield* roundTrip(
          d0("netem", { rate: "10mbit", packetOverhead: 20, cellSize: 100, cellOverhead: -5 })
        )
        expect(rate.options).toMatchObject({
          rate: 10000000,
          packetOverhead: 20,
          cellSize: 100,
          cellOverhead: -5
        })
        const rate64 = yield* roundTrip(d0("netem", { rate: "50gbit" }))
        expect(rate64.options).toMatchObject({ rate: 50000000000 })
        const slot = yield* roundTrip(
          d0("netem", { slot: { minDelay: "1ms", maxDelay: "5ms", packets: 10, bytes: 2000 } })
        )
        expect(slot.options).toMatchObject({
          slot: { minDelay: 1000, maxDelay: 5000, packets: 10, bytes: 2000 }
        })
        yield* roundTrip(
          d0("netem", { slot: { distribution: "pareto", delay: "1ms", jitter: "200us", packets: 5 } })
        )
        // a gap alone reorders every 3rd packet at 100%
        yield* roundTrip(d0("netem", { delay: "1ms", gap: 3 }))
        const got = yield* changeAndCount(ns, d0("netem", { delay: "50ms" }), d0("netem", { limit: 500 }))
        // netem's xstats are newer than 6.12: the lane's 7.x has them, 6.1 and 6.12 do not
        const [major] = release().split(".").map(Number)
        if (major >= 7) expect(got.status?.xstats).toMatchObject({ delayed: expect.any(BigInt), dropped: 0n })
        else expect(got.status?.xstats).toBeUndefined()
      })
    )
  )

  it.live("fq: every option in its unit; defaults; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const plain = yield* roundTrip(d0("fq"))
        expect(plain.options).toMatchObject({
          limit: 10000,
          flowLimit: 100,
          buckets: 1024,
          pacing: true,
          refillDelay: 40000,
          lowRateThreshold: 550000,
          timerSlack: 10,
          horizon: 10000000,
          horizonDrop: true
        })
        const full = yield* roundTrip(
          d0("fq", {
            limit: 5000,
            flowLimit: 50,
            quantum: 3028,
            initialQuantum: 15140,
            maxrate: "1gbit",
            buckets: 2048,
            orphanMask: 511,
            refillDelay: "20ms",
            lowRateThreshold: "275kbit",
            ceThreshold: "4ms",
            timerSlack: "20us",
            horizon: "5s",
            horizonDrop: false,
            pacing: false
          })
        )
        expect(full.options).toMatchObject({
          maxrate: 1000000000,
          buckets: 2048,
          refillDelay: 20000,
          lowRateThreshold: 275000,
          ceThreshold: 4000,
          timerSlack: 20,
          horizon: 5000000,
          horizonDrop: false,
          pacing: false
        })
        const got = yield* changeAndCount(ns, d0("fq"), d0("fq", { limit: 2000, maxrate: "100mbit" }))
        expect(got.status?.xstats).toMatchObject({ gcFlows: expect.any(BigInt), flows: expect.any(Number) })
        expect((got.status!.xstats as any).flows).toBeGreaterThanOrEqual(1)
      })
    )
  )

  it.live(
    "fq priomap and weights: Linux 6.7+; older kernels refuse them, naming the option and release",
    () =>
      withVeth(() =>
        Effect.gen(function* () {
          const priomap = [2, 2, 1, 1, 0, 0, 1, 2, 2, 2, 1, 1, 0, 0, 1, 2]
          const input = d0("fq", { priomap, weights: [600000, 200000, 100000] })
          const [major, minor] = release().split(".").map(Number)
          if (major < 6 || (major === 6 && minor < 7)) {
            const before = yield* Qdisc.list({ dev: "d0" })
            const e = yield* Effect.flip(Qdisc.add(input))
            expect(e.reason).toMatchObject({ _tag: "Validation", path: "options.priomap" })
            expect(e.message).toContain("needs Linux 6.7")
            expect(yield* Qdisc.list({ dev: "d0" })).toEqual(before)
            return
          }
          const listed = yield* roundTrip(input)
          expect(listed.options).toMatchObject({ priomap, weights: [600000, 200000, 100000] })
          // without them the kernel reports its defaults
          const plain = yield* roundTrip(d0("fq"))
          expect(plain.options).toMatchObject({
            priomap: [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
            weights: [589824, 196608, 65536]
          })
        })
      )
  )

  it.live("sfq: flow options; RED per flow; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const plain = yield* roundTrip(d0("sfq"))
        expect(plain.options).toMatchObject({ perturb: 0, limit: 127, divisor: 1024, flows: 128, depth: 127 })
        yield* roundTrip(
          d0("sfq", {
            perturb: 10,
            quantum: 1514,
            limit: 200,
            divisor: 2048,
            flows: 100,
            depth: 64,
            headdrop: true
          })
        )
        const r = yield* roundTrip(
          d0("sfq", {
            limit: 3000,
            depth: 64,
            redflowlimit: 100000,
            min: 8000,
            max: 60000,
            avpkt: 1000,
            burst: 20,
            probability: 0.2,
            ecn: true,
            harddrop: true
          })
        )
        // redflowlimit is write only (the kernel does not report it)
        expect(r.options).toMatchObject({ min: 8000, max: 60000, probability: 0.2, ewmaLog: 5, ecn: true })
        expect(r.options).not.toHaveProperty("redflowlimit")
        // sfq has no change operation: the kernel refuses; replace by a new handle swaps it
        yield* Qdisc.add(d0("sfq"))
        const e = yield* Effect.flip(Qdisc.change(d0("sfq", { perturb: 5, limit: 100 })))
        expect(e.reason).toMatchObject({ _tag: "Kernel", code: "EINVAL" })
        const next: Qdisc.Qdisc = {
          dev: "d0",
          handle: "2:",
          kind: "sfq",
          options: { perturb: 5, limit: 100 }
        }
        yield* Qdisc.replace(next)
        expect(Qdisc.equals(yield* Qdisc.get(next), next)).toBe(true)
        send(ns, 10)
        const got = yield* Qdisc.get(next)
        expect(got.status!.stats.packets).toBeGreaterThanOrEqual(10n)
        // sfq reports xstats per flow (its classes), none for the qdisc
        expect(got.status?.xstats).toBeUndefined()
        yield* Qdisc.remove(got)
      })
    )
  )

  it.live("red and choke: thresholds, probability, derived EWMA and cell logs, flags; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const r = yield* roundTrip(
          d0("red", {
            limit: 400000,
            min: 30000,
            max: 90000,
            avpkt: 1000,
            burst: 55,
            ecn: true,
            adaptive: true,
            bandwidth: "10mbit",
            probability: 0.05
          })
        )
        expect(r.options).toMatchObject({
          limit: 400000,
          min: 30000,
          max: 90000,
          ewmaLog: 5,
          scellLog: 15,
          ecn: true,
          adaptive: true,
          harddrop: false
        })
        yield* roundTrip(d0("red", { limit: 100000, avpkt: 1500 }))
        yield* roundTrip(
          d0("red", {
            limit: "100kb",
            min: "10kb",
            max: "30kb",
            avpkt: 1000,
            harddrop: true,
            nodrop: true,
            ecn: true
          })
        )
        const got = yield* changeAndCount(
          ns,
          d0("red", { limit: 100000, avpkt: 1000 }),
          d0("red", { limit: 200000, min: 20000, max: 60000, avpkt: 1000, probability: 0.1 })
        )
        expect(got.status?.xstats).toEqual({ early: 0, pdrop: 0, other: 0, marked: 0 })
        const c = yield* roundTrip(
          d0("choke", {
            limit: 1000,
            bandwidth: "10mbit",
            min: 100,
            max: 300,
            avpkt: 1000,
            burst: 200,
            probability: 0.05,
            ecn: true
          })
        )
        expect(c.options).toMatchObject({ limit: 1000, min: 100, max: 300, ecn: true })
        const ch = yield* changeAndCount(
          ns,
          d0("choke", { limit: 1000, bandwidth: "10mbit" }),
          d0("choke", { limit: 500, bandwidth: "10mbit", min: 50, max: 150 })
        )
        expect(ch.status?.xstats).toMatchObject({ early: 0, pdrop: 0, matched: 0 })
      })
    )
  )

  it.live(
    "cake: every option incl. diffserv modes, nat/wash/ack-filter, overhead/mpu/atm/ptm; change; per-tin xstats",
    () =>
      withVeth((ns) =>
        Effect.gen(function* () {
          const plain = yield* roundTrip(d0("cake"))
          expect(plain.options).toEqual({
            bandwidth: 0,
            autorateIngress: false,
            rtt: 100000,
            target: 5000,
            diffserv: "diffserv3",
            flowMode: "triple-isolate",
            nat: false,
            wash: false,
            splitGso: true,
            ackFilter: "disabled",
            memlimit: 0,
            fwmark: 0,
            raw: true,
            mpu: 0,
            atm: "noatm",
            ingress: false
          })
          const full = yield* roundTrip(
            d0("cake", {
              bandwidth: "100mbit",
              diffserv: "diffserv4",
              flowMode: "dual-srchost",
              nat: true,
              wash: true,
              ackFilter: "enabled",
              splitGso: false,
              rtt: "50ms",
              memlimit: "32mb",
              fwmark: 0xff,
              overhead: 18,
              mpu: 64,
              atm: "atm",
              ingress: true
            })
          )
          expect(full.options).toMatchObject({
            bandwidth: 100000000,
            rtt: 50000,
            target: 2500,
            memlimit: 33554432,
            raw: false
          })
          yield* roundTrip(
            d0("cake", {
              bandwidth: 0,
              diffserv: "besteffort",
              flowMode: "flows",
              ackFilter: "aggressive",
              atm: "ptm",
              overhead: -4
            })
          )
          yield* roundTrip(d0("cake", { autorateIngress: true, diffserv: "diffserv8", raw: true, rtt: "1s" }))
          yield* roundTrip(
            d0("cake", {
              bandwidth: "1gbit",
              diffserv: "precedence",
              flowMode: "hosts",
              atm: "atm",
              overhead: 48,
              rtt: "1ms"
            })
          )
          const got = yield* changeAndCount(
            ns,
            d0("cake"),
            d0("cake", { bandwidth: "50mbit", diffserv: "diffserv4" })
          )
          const x = got.status?.xstats as any
          expect(x.tins).toHaveLength(4)
          const sent = x.tins.reduce((n: number, t: any) => n + (t.sentPackets ?? 0), 0)
          expect(sent).toBeGreaterThanOrEqual(10)
          expect(x.memoryLimit).toBeGreaterThan(0)
        })
      )
  )

  it.live("pie and fq_pie: every option; defaults; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const p = yield* roundTrip(d0("pie"))
        expect(p.options).toEqual({
          limit: 1000,
          target: 15000,
          tupdate: expect.any(Number),
          alpha: 2,
          beta: 20,
          ecn: false,
          bytemode: false,
          dqRateEstimator: false
        })
        yield* roundTrip(
          d0("pie", {
            limit: 2000,
            target: "20ms",
            tupdate: "40ms",
            alpha: 4,
            beta: 30,
            ecn: true,
            bytemode: true,
            dqRateEstimator: true
          })
        )
        const got = yield* changeAndCount(
          ns,
          d0("pie"),
          d0("pie", { limit: 500, target: "10ms", tupdate: "40ms" })
        )
        expect((got.status!.xstats as any).packetsIn).toBeGreaterThanOrEqual(10)
        const f = yield* roundTrip(d0("fq_pie"))
        expect(f.options).toMatchObject({
          limit: 10240,
          flows: 1024,
          target: 15000,
          memoryLimit: 33554432,
          ecnProb: 10
        })
        yield* roundTrip(
          d0("fq_pie", {
            limit: 2048,
            flows: 256,
            target: "10ms",
            tupdate: "40ms",
            alpha: 3,
            beta: 30,
            quantum: 1500,
            memoryLimit: "16mb",
            ecnProb: 20,
            ecn: true,
            bytemode: true,
            dqRateEstimator: true
          })
        )
        const fg = yield* changeAndCount(
          ns,
          d0("fq_pie"),
          d0("fq_pie", { limit: 4000, ecnProb: 30, tupdate: "40ms" })
        )
        expect((fg.status!.xstats as any).packetsIn).toBeGreaterThanOrEqual(10)
      })
    )
  )

  it.live("hhf, skbprio: options; defaults; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const h = yield* roundTrip(d0("hhf"))
        expect(h.options).toMatchObject({ limit: 1000, hhLimit: 2048, admitBytes: 131072, nonHhWeight: 2 })
        yield* roundTrip(
          d0("hhf", {
            limit: 2000,
            quantum: 1514,
            hhLimit: 1024,
            resetTimeout: "40ms",
            admitBytes: 65536,
            evictTimeout: "1s",
            nonHhWeight: 3
          })
        )
        const got = yield* changeAndCount(ns, d0("hhf"), d0("hhf", { limit: 500, nonHhWeight: 4 }))
        expect(got.status?.xstats).toMatchObject({ dropOverlimit: 0, hhOverlimit: 0 })
        const s = yield* roundTrip(d0("skbprio"))
        expect(s.options).toEqual({ limit: 64 })
        yield* roundTrip(d0("skbprio", { limit: 100 }))
        yield* changeAndCount(ns, d0("skbprio"), d0("skbprio", { limit: 200 }))
      })
    )
  )

  it.live("sfb: every option; defaults; change; xstats", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const plain = yield* roundTrip(d0("sfb"))
        expect(plain.options).toMatchObject({
          rehash: 600000,
          db: 60000,
          max: 25,
          target: 20,
          increment: 0.0005,
          decrement: 0.00005,
          penaltyRate: 10,
          penaltyBurst: 20
        })
        yield* roundTrip(
          d0("sfb", {
            rehash: 300000,
            db: 30000,
            limit: 100,
            max: 30,
            target: 10,
            increment: 0.001,
            decrement: 0.0001,
            penaltyRate: 20,
            penaltyBurst: 40
          })
        )
        const got = yield* changeAndCount(ns, d0("sfb"), d0("sfb", { limit: 200, penaltyRate: 5 }))
        expect(got.status?.xstats).toMatchObject({ earlydrop: 0, penaltydrop: 0, queuedrop: 0 })
      })
    )
  )

  it.live("plug: holds packets until released; limit", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        yield* roundTrip(d0("plug", { limit: 10000 }))
        yield* Qdisc.add(d0("plug", { limit: 10000 }))
        send(ns, 5)
        const held = yield* Qdisc.get({ dev: "d0", parent: "root", kind: "plug" })
        expect(held.status?.stats).toMatchObject({ qlen: 5, packets: 0n })
        yield* Qdisc.change(d0("plug", { action: "release_indefinite" }))
        const released = yield* Qdisc.get({ dev: "d0", parent: "root", kind: "plug" })
        expect(released.status?.stats).toMatchObject({ qlen: 0, packets: 5n })
        yield* Qdisc.change(d0("plug", { action: "buffer" }))
        send(ns, 3)
        expect((yield* Qdisc.get({ dev: "d0", parent: "root", kind: "plug" })).status?.stats.qlen).toBe(3)
        yield* Qdisc.change(d0("plug", { action: "release_one" }))
        yield* Qdisc.remove(d0("plug"))
      })
    )
  )
})
