/**
 * Classful and multi-queue qdisc kinds on real kernels: mq on the host kernel; hfsc, drr,
 * qfq, ets (with their classes), multiq, mqprio, taprio, etf and cbs in the VM lane. Each is
 * added, listed back equal in canonical units, changed where the kernel allows, its
 * statistics read, and removed: remove(listed) restores the namespace, add(listed) recreates.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { release } from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope } from "effect"
import * as Class from "../../src/api/Class.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, describeRoot, freshNamespace } from "../helpers/netns.ts"

// a veth pair whose d0 has 8 transmit queues (mq, multiq, mqprio, taprio need several)
const withVeth = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tcq2")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      execFileSync("ip", [
        "-n",
        ns,
        "link",
        "add",
        "d0",
        "numtxqueues",
        "8",
        "type",
        "veth",
        "peer",
        "name",
        "d1"
      ])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      execFileSync("ip", ["-n", ns, "link", "set", "d1", "up"])
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)
const classes = () => Effect.map(Class.list({ dev: "d0" }), (cs) => cs.map(Class.canonical))

const one = (input: Qdisc.Qdisc) =>
  Effect.gen(function* () {
    const found = (yield* Qdisc.list({ dev: "d0" })).filter((q) => Qdisc.key(q) === Qdisc.key(input))
    expect(found, JSON.stringify(input.options, big)).toHaveLength(1)
    return found[0]
  })

/**
 * add → list equals → remove(listed) restores → add(listed) recreates an equal one (left in
 * place). Under a class, removing a qdisc leaves the class without one (the kernel does not
 * put back the default qdisc it replaced), so that slot is left out of the comparison.
 */
const roundTrip = (input: Qdisc.Qdisc) =>
  Effect.gen(function* () {
    const slot = input.parent === undefined || input.parent === "root" ? undefined : input.parent
    const qdiscs = () =>
      Effect.map(Qdisc.list({ dev: "d0" }), (qs) => qs.filter((q) => q.parent !== slot).map(Qdisc.canonical))
    const before = yield* qdiscs()
    yield* Qdisc.add(input)
    const listed = yield* one(input)
    expect(
      Qdisc.equals(listed, input),
      `${Qdisc.canonical(listed).options && JSON.stringify(Qdisc.canonical(listed), big)} vs ${JSON.stringify(Qdisc.canonical(input), big)}`
    ).toBe(true)
    yield* Qdisc.remove(listed)
    expect(yield* qdiscs()).toEqual(before)
    yield* Qdisc.add(listed)
    const again = yield* one(listed)
    expect(Qdisc.equals(again, listed)).toBe(true)
    return again
  })

const classOf = (classid: string) =>
  Effect.gen(function* () {
    const found = (yield* Class.list({ dev: "d0" })).filter((c) => c.classid === classid)
    expect(found).toHaveLength(1)
    return found[0]
  })

/** Adds classes, each lists back equal; returns them as listed. */
const addClasses = (cs: ReadonlyArray<Class.Class>) =>
  Effect.gen(function* () {
    for (const c of cs) yield* Class.add(c)
    const out: Array<Class.Class> = []
    for (const c of cs) {
      const listed = yield* classOf(String(c.classid))
      expect(
        Class.equals(listed, c),
        `${JSON.stringify(listed.options)} vs ${JSON.stringify(c.options)}`
      ).toBe(true)
      out.push(listed)
    }
    return out
  })

const queues = [
  { count: 4, offset: 0 },
  { count: 4, offset: 4 }
]

describeRoot("mq on the host kernel", () => {
  it.live("mq: one child qdisc per transmit queue; remove(listed) restores; statistics", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const q = yield* roundTrip({ dev: "d0", handle: "1:", kind: "mq" })
        expect(Qdisc.canonical(q)).toEqual({ dev: "d0", parent: "root", handle: "1:", kind: "mq" })
        const children = (yield* Qdisc.list({ dev: "d0" })).filter((c) => String(c.parent).startsWith("1:"))
        expect(children.map((c) => c.parent).sort()).toEqual([
          "1:1",
          "1:2",
          "1:3",
          "1:4",
          "1:5",
          "1:6",
          "1:7",
          "1:8"
        ])
        expect(q.status?.stats.bytes).toBeTypeOf("bigint")
        expect(q.status?.stats.drops).toBe(0)
        yield* Qdisc.remove(q)
      })
    )
  )
})

describeFullKernel("Classful qdisc kinds", () => {
  it.live("hfsc: default class; classes with rt/ls/ul curves; change; xstats; remove", () =>
    withVeth(() =>
      Effect.gen(function* () {
        yield* roundTrip({ dev: "d0", handle: "1:", kind: "hfsc" })
        yield* Qdisc.remove({ dev: "d0", kind: "hfsc" })
        const q = yield* roundTrip({ dev: "d0", handle: "1:", kind: "hfsc", options: { default: 0x20 } })
        expect(q.options).toEqual({ default: 0x20 })
        const before = yield* classes()
        const [a, b] = yield* addClasses([
          {
            dev: "d0",
            parent: "1:",
            classid: "1:10",
            kind: "hfsc",
            options: { sc: { m1: "10mbit", d: "10ms", m2: "5mbit" }, ul: { m2: "20mbit" } }
          },
          {
            dev: "d0",
            parent: "1:",
            classid: "1:20",
            kind: "hfsc",
            options: { rt: { m1: "2400kbit", d: 5000, m2: "2mbit" }, ls: { m2: "3mbit" } }
          }
        ])
        expect(a.options).toEqual({
          rt: { m1: 10000000, d: 10000, m2: 5000000 },
          ls: { m1: 10000000, d: 10000, m2: 5000000 },
          ul: { m1: 0, d: 0, m2: 20000000 }
        })
        expect(a.parent).toBe("1:")
        expect(Class.canonical(a).parent).toBe("root")
        expect(b.status?.xstats).toEqual({ work: 0n, rtwork: 0n, period: 0, level: 0 })
        const next: Class.Class = {
          dev: "d0",
          classid: "1:20",
          kind: "hfsc",
          options: { ls: { m2: "7mbit" } }
        }
        yield* Class.change({ ...next, parent: "1:" })
        const changed = yield* classOf("1:20")
        // change replaces the curves given and keeps the others
        expect(changed.options).toEqual({
          rt: { m1: 2400000, d: 5000, m2: 2000000 },
          ls: { m1: 0, d: 0, m2: 7000000 }
        })
        yield* Class.remove(changed)
        yield* Class.remove(a)
        expect(yield* classes()).toEqual(before)
        yield* Class.add(a)
        expect(Class.equals(yield* classOf("1:10"), a)).toBe(true)
      })
    )
  )

  it.live("drr: classes with and without quantum (the device's MTU + header); change; xstats", () =>
    withVeth(() =>
      Effect.gen(function* () {
        yield* roundTrip({ dev: "d0", handle: "1:", kind: "drr" })
        const [a, b] = yield* addClasses([
          { dev: "d0", parent: "1:", classid: "1:10", kind: "drr", options: { quantum: "3kb" } },
          { dev: "d0", parent: "1:", classid: "1:11", kind: "drr" }
        ])
        expect(a.options).toEqual({ quantum: 3072 })
        expect(b.options).toEqual({ quantum: 1514 })
        expect(a.status?.xstats).toEqual({ deficit: 0 })
        yield* Class.change({
          dev: "d0",
          parent: "1:",
          classid: "1:11",
          kind: "drr",
          options: { quantum: 9000 }
        })
        expect((yield* classOf("1:11")).options).toEqual({ quantum: 9000 })
        yield* Class.remove(a)
        expect((yield* Class.list({ dev: "d0" })).map((c) => c.classid)).toEqual(["1:11"])
      })
    )
  )

  it.live("qfq: classes with weight and maxpkt; xstats report them; change weight", () =>
    withVeth(() =>
      Effect.gen(function* () {
        yield* roundTrip({ dev: "d0", handle: "1:", kind: "qfq" })
        const [a, b] = yield* addClasses([
          { dev: "d0", parent: "1:", classid: "1:10", kind: "qfq", options: { weight: 10, maxpkt: 2000 } },
          { dev: "d0", parent: "1:", classid: "1:20", kind: "qfq" }
        ])
        expect(a.options).toEqual({ weight: 10, maxpkt: 2000 })
        expect(a.status?.xstats).toEqual({ weight: 10, lmax: 2000 })
        expect(b.options).toEqual({ weight: 1, maxpkt: 1514 })
        yield* Class.change({
          dev: "d0",
          parent: "1:",
          classid: "1:10",
          kind: "qfq",
          options: { weight: 20, maxpkt: 2000 }
        })
        expect((yield* classOf("1:10")).options).toEqual({ weight: 20, maxpkt: 2000 })
      })
    )
  )

  it.live("ets: bands, strict, quanta, priomap; the band classes; class quantum change", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const s = yield* roundTrip({ dev: "d0", handle: "1:", kind: "ets", options: { strict: 3 } })
        expect(s.options).toEqual({ bands: 3, strict: 3, priomap: Array(16).fill(2) })
        yield* Qdisc.remove(s)
        const q = yield* roundTrip({
          dev: "d0",
          handle: "1:",
          kind: "ets",
          options: { bands: 5, strict: 2, quanta: [1500, 3000, 4500], priomap: [0, 1, 2, 3, 4, 4, 4, 4] }
        })
        expect(q.options).toEqual({
          bands: 5,
          strict: 2,
          quanta: [1500, 3000, 4500],
          priomap: [0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
        })
        const bands = yield* Class.list({ dev: "d0", qdisc: "1:" })
        expect(bands.map((c) => [c.classid, c.options])).toEqual([
          ["1:1", undefined],
          ["1:2", undefined],
          ["1:3", { quantum: 1500 }],
          ["1:4", { quantum: 3000 }],
          ["1:5", { quantum: 4500 }]
        ])
        yield* Class.change({ dev: "d0", classid: "1:4", kind: "ets", options: { quantum: 4000 } })
        expect((yield* classOf("1:4")).options).toEqual({ quantum: 4000 })
        expect((yield* one(q)).options).toMatchObject({ quanta: [1500, 4000, 4500] })
        const e = yield* Effect.flip(
          Qdisc.add({ dev: "d0", handle: "2:", kind: "ets", options: { bands: 4, quanta: [1] } })
        )
        expect(e.reason).toMatchObject({ _tag: "Validation" })
        expect(String(e.message)).toContain("quanta")
      })
    )
  )
})

describeFullKernel("Multi-queue qdisc kinds", () => {
  it.live("multiq: one band per queue, reported under status", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const q = yield* roundTrip({ dev: "d0", handle: "1:", kind: "multiq" })
        expect(q.status?.kind).toEqual({ bands: 8, maxBands: 8 })
      })
    )
  )

  it.live("mqprio: traffic classes, map and queues without offload; etf and cbs under its classes", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const q = yield* roundTrip({
          dev: "d0",
          handle: "1:",
          kind: "mqprio",
          options: { numTc: 2, map: [0, 0, 0, 0, 1, 1, 1, 1], queues, hw: false }
        })
        expect(q.options).toMatchObject({
          numTc: 2,
          map: [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
          queues,
          hw: false
        })
        const e = yield* roundTrip({
          dev: "d0",
          parent: "1:1",
          kind: "etf",
          options: { clockid: "CLOCK_TAI", delta: 300000, deadlineMode: true, skipSockCheck: true }
        })
        expect(e.options).toEqual({
          clockid: "CLOCK_TAI",
          delta: 300000,
          deadlineMode: true,
          offload: false,
          skipSockCheck: true
        })
        const c = yield* roundTrip({
          dev: "d0",
          parent: "1:2",
          kind: "cbs",
          options: { idleslope: 98688, sendslope: -901312, hicredit: 153, locredit: -1389 }
        })
        expect(c.status?.stats.packets).toBe(0n)
        const next: Qdisc.Qdisc = {
          dev: "d0",
          parent: "1:2",
          handle: c.handle,
          kind: "cbs",
          options: { idleslope: 20000, sendslope: -980000, hicredit: 30, locredit: -1500 }
        }
        yield* Qdisc.change(next)
        expect(Qdisc.equals(yield* one(next), next)).toBe(true)
      })
    )
  )

  it.live("taprio: schedule, base time, cycle time, clock; change the schedule; remove", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const input: Qdisc.Qdisc = {
          dev: "d0",
          handle: "1:",
          kind: "taprio",
          options: {
            numTc: 2,
            map: [0, 0, 0, 0, 1, 1, 1, 1],
            queues,
            baseTime: 1000000000n,
            schedule: [
              { gates: 0x1, interval: 300000 },
              { gates: 0x2, interval: 200000 }
            ],
            clockid: "CLOCK_TAI"
          }
        }
        const q = yield* roundTrip(input)
        expect(q.options).toMatchObject({
          baseTime: 1000000000n,
          cycleTime: 500000n,
          cycleTimeExtension: 0n,
          clockid: "CLOCK_TAI",
          flags: [],
          schedule: [
            { command: "S", gates: 1, interval: 300000 },
            { command: "S", gates: 2, interval: 200000 }
          ]
        })
        const next: Qdisc.Qdisc = {
          ...input,
          options: {
            ...(input.options as Qdisc.TaprioOptions),
            schedule: [
              { gates: 0x3, interval: 100000 },
              { gates: 0x1, interval: 400000 },
              { gates: 0x2, interval: 500000 }
            ],
            cycleTime: 1000000n,
            cycleTimeExtension: 5000
          }
        }
        yield* Qdisc.change(next)
        expect(Qdisc.equals(yield* one(next), next)).toBe(true)
        const e = yield* Effect.flip(
          Qdisc.add({
            ...input,
            handle: "2:",
            options: { ...(input.options as Qdisc.TaprioOptions), clockid: undefined }
          })
        )
        expect(String(e.message)).toContain("clockid")
      })
    )
  )
})

describeFullKernel("dualpi2", () => {
  it.live(
    "dualpi2: options read back in their units, change, xstats; a kernel without it gets an error naming Linux 6.17 and its option",
    () =>
      withVeth(() =>
        Effect.gen(function* () {
          const input: Qdisc.Qdisc = {
            dev: "d0",
            handle: "1:",
            kind: "dualpi2",
            options: {
              limit: 5000,
              target: "10ms",
              tupdate: "20ms",
              alpha: 0.25,
              beta: 4,
              stepThresh: "2ms",
              couplingFactor: 3,
              dropOnOverload: false,
              dropEnqueue: true,
              classicProtection: 20,
              ecnMask: "any_ect",
              splitGso: false
            }
          }
          const tried = yield* Effect.result(Qdisc.add(input))
          if (tried._tag === "Failure") {
            // Debian's 7.3 and 6.1 kernels have no sch_dualpi2
            const e = tried.failure
            expect(e.reason).toMatchObject({ _tag: "Kernel", code: "ENOENT" })
            expect(e.message).toContain(`this kernel (${release()}) does not have it`)
            expect(e.message).toContain("Linux 6.17 and later have it when built with CONFIG_NET_SCH_DUALPI2")
            expect(yield* Qdisc.list({ dev: "d0", kind: "dualpi2" })).toEqual([])
            return
          }
          const q = yield* one(input)
          expect(Qdisc.equals(q, input)).toBe(true)
          expect(q.options).toMatchObject({
            limit: 5000,
            target: 10000,
            tupdate: 20000,
            alpha: 0.25,
            beta: 4,
            stepThresh: 2000,
            couplingFactor: 3,
            dropOnOverload: false,
            dropEnqueue: true,
            classicProtection: 20,
            ecnMask: "any_ect",
            splitGso: false
          })
          expect(q.status?.xstats).toMatchObject({ prob: 0, packetsInC: 0, packetsInL: 0 })
          const next: Qdisc.Qdisc = {
            dev: "d0",
            handle: "1:",
            kind: "dualpi2",
            options: { limit: 800, stepThreshPackets: 30 }
          }
          yield* Qdisc.change(next)
          expect(Qdisc.equals(yield* one(next), next)).toBe(true)
          yield* Qdisc.remove(q)
        })
      )
  )
})
