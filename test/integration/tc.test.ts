/**
 * Qdiscs and classes against the host kernel (pfifo, bfifo, pfifo_head_drop, pfifo_fast,
 * tbf, htb and its classes, ingress, clsact): added objects list back equal with their
 * units in canonical form, change where the kernel allows, remove(listed) restores the
 * namespace, add(listed) recreates; `tc -s -j` shows the same numbers; a device with 10k
 * htb classes streams.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Schema, Stream } from "effect"
import fc from "fast-check"
import * as Class from "../../src/api/Class.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import * as Units from "../../src/api/tc/Units.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"
import { propertyRuns } from "../helpers/property.ts"
import { testTimeout } from "../helpers/timing.ts"

const tc = (ns: string, ...args: Array<string>): string =>
  execFileSync("tc", ["-n", ns, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
const tcJson = (ns: string, ...args: Array<string>): any => JSON.parse(tc(ns, "-j", ...args) || "[]")

/** A namespace with IPv6 off (no spontaneous traffic) and a veth pair d0/d1, both up. */
const withVeth = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tc")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"])
      execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
      execFileSync("ip", ["-n", ns, "addr", "add", "10.9.0.1/24", "dev", "d0"])
      // 10.9.0.9 is a neighbour behind d0 (not a local address): pings to it leave through d0
      execFileSync("ip", [
        "-n",
        ns,
        "neigh",
        "add",
        "10.9.0.9",
        "lladdr",
        "02:00:00:00:00:09",
        "dev",
        "d0",
        "nud",
        "permanent"
      ])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      execFileSync("ip", ["-n", ns, "link", "set", "d1", "up"])
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const config = (xs: ReadonlyArray<Qdisc.Qdisc>) => xs.map((q) => Qdisc.canonical(q))

/** add → list → equals; remove(listed) → as before; add(listed) → equal again. */
const roundTrip = (input: Qdisc.Qdisc) =>
  Effect.gen(function* () {
    const before = yield* Qdisc.list({ dev: "d0" })
    yield* Qdisc.add(input)
    const after = yield* Qdisc.list({ dev: "d0" })
    const added = after.filter((q) => Qdisc.key(q) === Qdisc.key(input))
    expect(added, JSON.stringify(input)).toHaveLength(1)
    const [listed] = added
    expect(
      Qdisc.equals(listed, input),
      `${JSON.stringify(listed.options)} vs ${JSON.stringify(input.options)}`
    ).toBe(true)
    // its JSON decodes with the Schema into an equal input
    const json = JSON.parse(JSON.stringify(listed, (_k, v) => (typeof v === "bigint" ? String(v) : v)))
    const { status: _, ...config } = json
    expect(Qdisc.equals(Schema.decodeUnknownSync(Qdisc.schema)(config), listed)).toBe(true)
    yield* Qdisc.remove(listed)
    expect(config_(yield* Qdisc.list({ dev: "d0" }))).toEqual(config_(before))
    yield* Qdisc.add(listed)
    const again = (yield* Qdisc.list({ dev: "d0" })).filter((q) => Qdisc.key(q) === Qdisc.key(listed))
    expect(again).toHaveLength(1)
    expect(Qdisc.equals(again[0], listed)).toBe(true)
    yield* Qdisc.remove(again[0])
    return listed
  })
const config_ = config

describeRoot("Qdisc on the host kernel", () => {
  it.live("pfifo, bfifo, pfifo_head_drop: limits in packets and bytes read back", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const p = yield* roundTrip({ dev: "d0", handle: "1:", kind: "pfifo", options: { limit: 100 } })
        expect(p).toMatchObject({
          dev: "d0",
          parent: "root",
          handle: "1:",
          kind: "pfifo",
          options: { limit: 100 }
        })
        const b = yield* roundTrip({ dev: "d0", handle: "2:", kind: "bfifo", options: { limit: "10kb" } })
        expect(b.options).toEqual({ limit: 10240 })
        const h = yield* roundTrip({ dev: "d0", kind: "pfifo_head_drop", options: { limit: 7 } })
        expect(h.options).toEqual({ limit: 7 })
        // without a limit the kernel picks one (txqueuelen): equal to an input without it
        yield* roundTrip({ dev: "d0", handle: "3:", kind: "pfifo" })
      })
    )
  )

  it.live("pfifo_fast and noqueue, ingress and clsact (ffff:fff1, handle ffff:)", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const f = yield* roundTrip({ dev: "d0", handle: "5:", kind: "pfifo_fast" })
        expect(f.status?.kind).toEqual({
          bands: 3,
          priomap: [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
        })
        const i = yield* roundTrip({ dev: "d0", kind: "ingress" })
        expect(i).toMatchObject({ parent: "ingress", handle: "ffff:", kind: "ingress" })
        const c = yield* roundTrip({ dev: "d0", kind: "clsact" })
        expect(c).toMatchObject({ parent: "ingress", handle: "ffff:", kind: "clsact" })
      })
    )
  )

  it.live("shared blocks on ingress and clsact: list, get and the Schema keep them", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        // roundTrip decodes the listed JSON with Qdisc.schema and adds the listed object again
        const c = yield* roundTrip({ dev: "d0", kind: "clsact", ingressBlock: 21, egressBlock: 22 })
        expect(c).toMatchObject({ kind: "clsact", ingressBlock: 21, egressBlock: 22 })
        yield* Qdisc.add({ dev: "d1", kind: "ingress", ingressBlock: 23 })
        const got = yield* Qdisc.get({ dev: "d1", kind: "ingress" })
        expect(got).toMatchObject({ dev: "d1", parent: "ingress", kind: "ingress", ingressBlock: 23 })
        expect(got.egressBlock).toBeUndefined()
        expect(tcJson(ns, "qdisc", "show", "dev", "d1", "ingress")[0].ingress_block).toBe(23)
        // a block number out of range is refused before anything is sent
        const bad = yield* Effect.flip(Qdisc.add({ dev: "d0", kind: "clsact", egressBlock: 0 }))
        expect(bad.reason._tag).toBe("Validation")
        expect((bad.reason as any).path).toBe("egressBlock")
        yield* Qdisc.remove(got)
        expect(yield* Qdisc.list({ dev: "d1", kind: "ingress" })).toEqual([])
      })
    )
  )

  it.live(
    "tbf: rate, burst, limit or latency, peakrate/mtu, mpu, overhead, atm; rates above 32 bits; change",
    () =>
      withVeth((ns) =>
        Effect.gen(function* () {
          const t = yield* roundTrip({
            dev: "d0",
            handle: "1:",
            kind: "tbf",
            options: { rate: "1mbit", burst: "10kb", latency: "50ms" }
          })
          // canonical units: bits/s, bytes; the limit tc derives from the latency
          expect(t.options).toEqual({
            rate: 1000000,
            burst: 10240,
            limit: 16490,
            mpu: 0,
            overhead: 0,
            linklayer: "ethernet"
          })
          yield* roundTrip({
            dev: "d0",
            kind: "tbf",
            options: {
              rate: "8mbit",
              burst: "32kb",
              limit: "100kb",
              peakrate: "10mbit",
              mtu: 1600,
              mpu: 64,
              overhead: 4
            }
          })
          const big = yield* roundTrip({
            dev: "d0",
            kind: "tbf",
            options: { rate: "40gbit", burst: "1mb", limit: "10mb" }
          })
          expect((big.options as any).rate).toBe(40_000_000_000)
          yield* roundTrip({
            dev: "d0",
            kind: "tbf",
            options: { rate: "2mbit", burst: "20k", limit: "30k", linklayer: "atm" }
          })
          // change: the kernel updates a tbf in place
          yield* Qdisc.add({
            dev: "d0",
            handle: "1:",
            kind: "tbf",
            options: { rate: "1mbit", burst: "10kb", limit: 20000 }
          })
          const next = {
            dev: "d0",
            handle: "1:",
            kind: "tbf",
            options: { rate: "3mbit", burst: "12kb", limit: 30000 }
          } as const
          yield* Qdisc.change(next)
          const [got] = yield* Qdisc.list({ dev: "d0", kind: "tbf" })
          expect(Qdisc.equals(got, next)).toBe(true)
          // tc reads the same: rate in bytes/s, burst in bytes, limit
          const [j] = tcJson(ns, "qdisc", "show", "dev", "d0")
          expect(j.options.rate * 8).toBe((got.options as any).rate)
          // tc prints the bucket as the bytes its ticks last at the rate; the model gives the
          // smallest burst with those ticks: what was written
          expect((got.options as any).burst).toBe(12288)
          expect(j.options.burst).toBe(Units.xmitSize(375000, Units.kernelTicks(375000, 12288)))
          yield* Qdisc.remove(got)
        })
      )
  )

  it.live("htb: r2q, default, direct_qlen; get; replace", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const h = yield* roundTrip({
          dev: "d0",
          handle: "1:",
          kind: "htb",
          options: { r2q: 5, default: 0x20, directQlen: 100 }
        })
        expect(h.options).toEqual({ r2q: 5, default: 0x20, directQlen: 100 })
        yield* Qdisc.add({ dev: "d0", handle: "1:", kind: "htb" })
        const got = yield* Qdisc.get({ dev: "d0", parent: "root", kind: "htb" })
        expect(got).toMatchObject({
          dev: "d0",
          parent: "root",
          handle: "1:",
          kind: "htb",
          options: { r2q: 10, default: 0, directQlen: 1000 }
        })
        expect(got.status?.kind).toEqual({ directPackets: 0 })
        const [j] = tcJson(ns, "qdisc", "show", "dev", "d0")
        expect(j.options).toMatchObject({ r2q: 10, direct_qlen: 1000 })
        yield* Qdisc.replace({ dev: "d0", handle: "1:", kind: "pfifo", options: { limit: 9 } }).pipe(
          Effect.flip
        )
        yield* Qdisc.replace({ dev: "d0", kind: "pfifo", options: { limit: 9 } })
        const [p] = yield* Qdisc.list({ dev: "d0" })
        expect(p).toMatchObject({ kind: "pfifo", options: { limit: 9 } })
        yield* Qdisc.remove(p)
      })
    )
  )

  it.live("bad input is a Validation error naming the field, nothing sent", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const e1 = yield* Effect.flip(
          Qdisc.add({ dev: "d0", kind: "tbf", options: { rate: "1mbits", burst: 1000, limit: 1000 } })
        )
        expect(e1.reason).toMatchObject({ _tag: "Validation", path: "options.rate" })
        const e2 = yield* Effect.flip(
          Qdisc.add({ dev: "d0", kind: "tbf", options: { rate: "1mbit", burst: 1000 } })
        )
        expect(e2.reason).toMatchObject({ _tag: "Validation", path: "options.limit" })
        const e3 = yield* Effect.flip(Qdisc.add({ dev: "d0", handle: "1:10000", kind: "pfifo" }))
        expect(e3.reason).toMatchObject({ _tag: "Validation", path: "handle" })
        const e5 = yield* Effect.flip(
          Qdisc.add({ dev: "d0", kind: "tbf", options: { rate: 96, burst: "64kbit", limit: 10000 } })
        )
        expect(e5.reason).toMatchObject({ _tag: "Validation", path: "options.burst" })
        const e4 = yield* Effect.flip(Qdisc.add({ dev: "d0", kind: "nosuchkind" } as any))
        expect(e4.reason._tag).toBe("Validation")
        expect(yield* Qdisc.list({ dev: "d0", kind: "tbf" })).toEqual([])
      })
    )
  )
})

describeRoot("Qdisc property", () => {
  it.live(
    "arbitrary tbf options: add → list equals; remove(listed) restores; add(listed) recreates",
    () => {
      const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })
      const arb = fc.record({
        // from 10 kB/s: a bucket of more than 2^32 ticks (274 s at the rate) wraps in the kernel's report
        rate: fc.integer({ min: 10_000, max: 1_250_000_000 }).map((b) => b * 8),
        burst: fc.oneof(
          fc.integer({ min: 1600, max: 1 << 20 }),
          fc.constantFrom("10kb", "32k", "1mb", "64kbit")
        ),
        limitOrLatency: fc.oneof(
          fc.integer({ min: 1, max: 1 << 24 }).map((limit) => ({ limit })),
          fc.integer({ min: 1, max: 1_000_000 }).map((latency) => ({ latency }))
        ),
        peak: opt(fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1500, max: 9000 }))),
        mpu: opt(fc.integer({ min: 0, max: 200 })),
        overhead: opt(fc.integer({ min: 0, max: 100 })),
        linklayer: opt(fc.constantFrom("ethernet" as const, "atm" as const))
      })
      const samples = fc.sample(arb, propertyRuns(30))
      return withVeth(() =>
        Effect.gen(function* () {
          for (const a of samples) {
            const options: any = { rate: a.rate, burst: a.burst, ...a.limitOrLatency }
            if (a.peak !== undefined) {
              options.peakrate = a.rate + a.peak[0] * 8
              options.mtu = a.peak[1]
            }
            for (const k of ["mpu", "overhead", "linklayer"] as const)
              if (a[k] !== undefined) options[k] = a[k]
            yield* roundTrip({ dev: "d0", handle: "1:", kind: "tbf", options })
          }
        })
      )
    },
    testTimeout(120_000)
  )
})

const htbRoot = { dev: "d0", handle: "1:", kind: "htb", options: { default: 0x10 } } as const

describeRoot("Class on the host kernel", () => {
  it.live(
    "htb classes: rate/ceil/burst/cburst/prio/quantum read back; nested; change; remove(listed); stats against tc",
    () =>
      withVeth((ns) =>
        Effect.gen(function* () {
          yield* Qdisc.add(htbRoot)
          const top: Class.Class = {
            dev: "d0",
            parent: "1:",
            classid: "1:1",
            kind: "htb",
            options: { rate: "100mbit" }
          }
          const leaf: Class.Class = {
            dev: "d0",
            parent: "1:1",
            classid: "1:10",
            kind: "htb",
            options: {
              rate: "10mbit",
              ceil: "20mbit",
              burst: "15k",
              cburst: "20k",
              prio: 2,
              quantum: 3000,
              mpu: 64,
              overhead: 10
            }
          }
          yield* Class.add(top)
          yield* Class.add(leaf)
          const listed = yield* Class.list({ dev: "d0" })
          expect(listed.map((c) => c.classid).sort()).toEqual(["1:1", "1:10"])
          const t = listed.find((c) => c.classid === "1:1")!
          const l = listed.find((c) => c.classid === "1:10")!
          expect(Class.equals(t, top)).toBe(true)
          expect(Class.equals(l, leaf)).toBe(true)
          expect(t).toMatchObject({ dev: "d0", parent: "root", kind: "htb" })
          expect(t.options).toMatchObject({
            rate: 100000000,
            ceil: 100000000,
            burst: 1600,
            cburst: 1600,
            prio: 0
          })
          expect(l.options).toMatchObject({
            rate: 10000000,
            ceil: 20000000,
            burst: 15360,
            cburst: 20480,
            prio: 2,
            quantum: 3000
          })
          expect(t.status?.kind).toEqual({ level: 7 })
          expect(l.status?.xstats).toMatchObject({ lends: 0, borrows: 0, giants: 0 })
          // UDP datagrams through d0 land in 1:10 (the default class): tc -s reads the same counters
          for (let n = 0; n < 3; n++)
            spawnSync("ip", ["netns", "exec", ns, "bash", "-c", "echo hello > /dev/udp/10.9.0.9/9"])
          const [q] = yield* Qdisc.list({ dev: "d0" })
          const [j] = tcJson(ns, "-s", "qdisc", "show", "dev", "d0")
          const s = q.status!.stats
          expect(s.packets).toBeGreaterThan(0n)
          expect({
            bytes: Number(s.bytes),
            packets: Number(s.packets),
            drops: s.drops,
            overlimits: s.overlimits,
            requeues: s.requeues,
            backlog: s.backlog,
            qlen: s.qlen
          }).toEqual({
            bytes: j.bytes,
            packets: j.packets,
            drops: j.drops,
            overlimits: j.overlimits,
            requeues: j.requeues,
            backlog: j.backlog,
            qlen: j.qlen
          })
          const l2 = (yield* Class.list({ dev: "d0" })).find((c) => c.classid === "1:10")!
          const text = tc(ns, "-s", "class", "show", "dev", "d0", "classid", "1:10")
          expect(text).toContain(`Sent ${l2.status!.stats.bytes} bytes ${l2.status!.stats.packets} pkt`)
          // the kernel-side filter by qdisc and get
          expect((yield* Class.list({ dev: "d0", qdisc: "1:" })).length).toBe(2)
          expect(yield* Class.list({ dev: "d0", qdisc: "2:" })).toEqual([])
          const got = yield* Class.get(leaf)
          expect(Class.equals(got, leaf)).toBe(true)
          // change
          const changed: Class.Class = { ...leaf, options: { rate: "5mbit", ceil: "6mbit", prio: 1 } }
          yield* Class.change(changed)
          expect(Class.equals(yield* Class.get(leaf), changed)).toBe(true)
          // remove(listed) then add(listed)
          const now = yield* Class.get(leaf)
          yield* Class.remove(now)
          expect((yield* Class.list({ dev: "d0" })).map((c) => c.classid)).toEqual(["1:1"])
          yield* Class.add(now)
          expect(Class.equals(yield* Class.get(leaf), now)).toBe(true)
          // rates above 32 bits
          const fast: Class.Class = {
            dev: "d0",
            parent: "1:",
            classid: "1:30",
            kind: "htb",
            options: { rate: "50gbit", ceil: "60gbit" }
          }
          yield* Class.add(fast)
          const f = yield* Class.get(fast)
          expect(f.options).toMatchObject({ rate: 50_000_000_000, ceil: 60_000_000_000 })
          expect(Class.equals(f, fast)).toBe(true)
          // all devices: one dump each
          expect((yield* Class.list()).length).toBe(3)
        })
      )
  )

  it.live(
    "arbitrary htb classes: add → get equals; remove(listed) leaves the classes as before",
    () => {
      const arb = fc.record({
        rate: fc.integer({ min: 1, max: 10_000_000 }).map((k) => k * 8000),
        ceilExtra: fc.option(
          fc.integer({ min: 0, max: 1_000_000 }).map((k) => k * 8000),
          { nil: undefined }
        ),
        burst: fc.option(
          fc.oneof(fc.integer({ min: 1600, max: 1 << 20 }), fc.constantFrom("10kb", "64kbit", "1mb")),
          { nil: undefined }
        ),
        cburst: fc.option(fc.integer({ min: 1600, max: 1 << 20 }), { nil: undefined }),
        prio: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
        quantum: fc.option(fc.integer({ min: 1000, max: 200000 }), { nil: undefined }),
        mpu: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
        overhead: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        linklayer: fc.option(fc.constantFrom("ethernet" as const, "atm" as const), { nil: undefined })
      })
      // samples of the arbitrary with buckets the kernel can report, run in one namespace under one htb root
      const fits = (rate: number, burst: number | string | undefined) =>
        burst === undefined || Units.bucketFits(rate / 8, Units.parseSize(burst)!)
      const samples = fc
        .sample(arb, propertyRuns(30) * 2)
        .filter((a) => fits(a.rate, a.burst) && fits(a.rate + (a.ceilExtra ?? 0), a.cburst))
        .slice(0, propertyRuns(30))
      return withVeth(() =>
        Effect.gen(function* () {
          yield* Qdisc.add(htbRoot)
          for (const a of samples) {
            const options: any = { rate: a.rate }
            if (a.ceilExtra !== undefined) options.ceil = a.rate + a.ceilExtra
            for (const k of ["burst", "cburst", "prio", "quantum", "mpu", "overhead", "linklayer"] as const)
              if (a[k] !== undefined) options[k] = a[k]
            const input: Class.Class = { dev: "d0", parent: "1:", classid: "1:99", kind: "htb", options }
            const before = yield* Class.list({ dev: "d0" })
            yield* Class.add(input)
            const got = yield* Class.get(input)
            expect(
              Class.equals(got, input),
              `${JSON.stringify(got.options)} vs ${JSON.stringify(Class.canonical(input).options)}`
            ).toBe(true)
            expect(Class.key(got)).toBe(Class.key(input))
            yield* Class.remove(got)
            expect((yield* Class.list({ dev: "d0" })).map(Class.canonical)).toEqual(
              before.map(Class.canonical)
            )
          }
        })
      )
    },
    testTimeout(120_000)
  )
})

describeRoot("10k htb classes", () => {
  it.live(
    "Class.stream reads a device's 10k classes as the consumer pulls; a partial read stops early",
    () =>
      withVeth((ns) =>
        Effect.gen(function* () {
          yield* Qdisc.add({ dev: "d0", handle: "1:", kind: "htb" })
          // 10k class requests in as few datagrams as the engine can (tc -batch takes a minute)
          const [{ ifindex }] = JSON.parse(
            execFileSync("ip", ["-n", ns, "-j", "link", "show", "d0"], { encoding: "utf8" })
          )
          const requests: Array<Uint8Array> = []
          for (let i = 1; i <= 10000; i++)
            requests.push(
              Class.request(
                "add",
                {
                  dev: "d0",
                  parent: "1:",
                  classid: `1:${i.toString(16)}`,
                  kind: "htb",
                  options: { rate: `${i}kbit` }
                },
                ifindex
              )
            )
          const { route } = yield* Netlink
          const results = yield* route.requestMany(requests)
          expect(results.filter((r) => r._tag !== "Success")).toEqual([])
          const first = yield* Stream.runCollect(Stream.take(Class.stream({ dev: "d0" }), 5))
          expect(first.length).toBe(5)
          let n = 0
          let rates = 0
          yield* Stream.runForEach(Class.stream({ dev: "d0" }), (c) =>
            Effect.sync(() => {
              n++
              const minor = Number.parseInt(String(c.classid).split(":")[1], 16)
              if ((c.options as any).rate === minor * 1000) rates++
            })
          )
          expect(n).toBe(10000)
          expect(rates).toBe(10000)
          // the connection is usable after the partial read
          expect(yield* Qdisc.list({ dev: "d0" })).toHaveLength(1)
        })
      ),
    testTimeout(120_000)
  )
})
