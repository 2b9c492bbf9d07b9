/**
 * The classful and multi-queue kinds without a kernel: options → TCA_OPTIONS bytes → decoded →
 * options read back equal the canonical form (for what tc 6.1 cannot send too: taprio's
 * max-sdu, H/R entries and full-offload, dualpi2), taprio's TC_ENTRY layout, and bad input
 * refused with a Validation error naming the field before anything is sent.
 */
import { execFileSync } from "node:child_process"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Class from "../../src/api/Class.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { addedClassKinds, classKinds, qdiscKinds } from "../../src/api/tc/registry.ts"
import type { AnyTcKind } from "../../src/api/tc/TcKind.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import { describeRoot, inNamespace, ip } from "../helpers/netns.ts"

const through = (k: AnyTcKind, options: object): { bytes: Uint8Array; back: object } => {
  const w = new Writer(256)
  k.encode(w, k.toKernel(options, {}))
  const bytes = w.finish()
  const data = k.decode(
    bytes,
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    0,
    bytes.length
  )
  return { bytes, back: k.fromKernel(data, (i) => i) }
}

const qdiscRoundTrip = (kind: string, options: object) => {
  const k = qdiscKinds.find((q) => q.kind === kind)!
  expect(k.check?.(options as never)).toBeUndefined()
  const { back } = through(k, options)
  const wanted = { dev: "d0", handle: "1:", kind, options } as Qdisc.Qdisc
  const listed = { dev: "d0", handle: "1:", kind, options: back } as Qdisc.Qdisc
  expect(Qdisc.canonical(listed)).toEqual(Qdisc.canonical(wanted))
  expect(Qdisc.equals(listed, wanted)).toBe(true)
  return back
}

const classRoundTrip = (kind: string, options: object) => {
  const k = classKinds.find((q) => q.kind === kind)!
  const { back } = through(k, options)
  const wanted = { dev: "d0", classid: "1:10", kind, options } as Class.Class
  const listed = { dev: "d0", classid: "1:10", kind, options: back } as Class.Class
  expect(Class.equals(listed, wanted)).toBe(true)
  return back
}

const queues = [
  { count: 2, offset: 0 },
  { count: 2, offset: 2 },
  { count: 4, offset: 4 }
]

describe("the class registry", () => {
  it("names the kinds whose classes Class.add makes; the others' classes come with their qdisc", () => {
    expect([...addedClassKinds].sort()).toEqual(["drr", "hfsc", "htb", "qfq"])
    // ets's bands and sfq's flows have class modules (change, list) but the qdisc makes them
    expect(classKinds.map((k) => k.kind)).toEqual(expect.arrayContaining(["ets", "sfq"]))
    expect(addedClassKinds.has("ets") || addedClassKinds.has("sfq") || addedClassKinds.has("prio")).toBe(
      false
    )
  })
})

describe("options survive TCA_OPTIONS and read back canonical", () => {
  it("hfsc: sc reads back as rt and ls; rates in bits/s, d in us", () => {
    const back = classRoundTrip("hfsc", {
      sc: { m1: "1gbit", d: "1.5ms", m2: "300mbit" },
      ul: { m2: "34gbit" }
    })
    expect(back).toEqual({
      rt: { m1: 1e9, d: 1500, m2: 3e8 },
      ls: { m1: 1e9, d: 1500, m2: 3e8 },
      ul: { m1: 0, d: 0, m2: 34e9 }
    })
    expect(qdiscRoundTrip("hfsc", { default: 0xffff })).toEqual({ default: 0xffff })
  })
  it("drr, qfq, ets classes", () => {
    expect(classRoundTrip("drr", { quantum: "64kb" })).toEqual({ quantum: 65536 })
    expect(classRoundTrip("qfq", { weight: 1024, maxpkt: "64kb" })).toEqual({ weight: 1024, maxpkt: 65536 })
    expect(classRoundTrip("ets", { quantum: 9000 })).toEqual({ quantum: 9000 })
  })
  it("ets: 16 bands", () => {
    const quanta = Array.from({ length: 12 }, (_, i) => 1000 * (i + 1))
    const priomap = Array.from({ length: 16 }, (_, i) => 15 - i)
    expect(qdiscRoundTrip("ets", { bands: 16, strict: 4, quanta, priomap })).toEqual({
      bands: 16,
      strict: 4,
      quanta,
      priomap
    })
  })
  it("mqprio: channel mode, bw_rlimit rates above 2^32 bytes/s", () => {
    expect(
      qdiscRoundTrip("mqprio", {
        numTc: 3,
        map: [2, 1, 0],
        queues,
        mode: "channel",
        shaper: "bw_rlimit",
        minRate: ["1gbit", 0, "5mbit"],
        maxRate: ["100gbit", "10gbit", "1tbit"]
      })
    ).toMatchObject({ minRate: [1e9, 0, 5e6], maxRate: [1e11, 1e10, 1e12], hw: true })
  })
  it("taprio: H and R entries, full-offload without a clock, max-sdu per class, 64-bit times", () => {
    const back = qdiscRoundTrip("taprio", {
      numTc: 3,
      map: [0, 1, 2],
      queues,
      baseTime: 1735689600000000000n,
      schedule: [
        { command: "H", gates: 0x1, interval: 10000 },
        { command: "R", gates: 0x6, interval: 20000 },
        { gates: 0x7, interval: 30000 }
      ],
      flags: ["full-offload"],
      maxSdu: [0, 1500, 300]
    })
    expect(back).toMatchObject({
      baseTime: 1735689600000000000n,
      flags: ["full-offload"],
      maxSdu: [0, 1500, 300]
    })
  })
  it("taprio's max-sdu is one TCA_TAPRIO_ATTR_TC_ENTRY nest per traffic class: INDEX, MAX_SDU", () => {
    const k = qdiscKinds.find((q) => q.kind === "taprio")!
    const { bytes } = through(k, {
      numTc: 2,
      queues: queues.slice(0, 2),
      schedule: [{ gates: 3, interval: 1000 }],
      clockid: "CLOCK_TAI",
      maxSdu: [200, 1500]
    })
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const entries: Array<Array<[number, number]>> = []
    for (let off = 0; off < bytes.length; off += (v.getUint16(off, true) + 3) & ~3) {
      const len = v.getUint16(off, true)
      if (v.getUint16(off + 2, true) !== (12 | 0x8000)) continue
      const inner: Array<[number, number]> = []
      for (let p = off + 4; p < off + len; p += 8)
        inner.push([v.getUint16(p + 2, true), v.getUint32(p + 4, true)])
      entries.push(inner)
    }
    expect(entries).toEqual([
      [
        [1, 0],
        [2, 200]
      ],
      [
        [1, 1],
        [2, 1500]
      ]
    ])
  })
  it("etf, cbs, multiq, dualpi2", () => {
    expect(qdiscRoundTrip("etf", { clockid: 11, delta: -5 })).toEqual({
      clockid: "CLOCK_TAI",
      delta: -5,
      deadlineMode: false,
      offload: false,
      skipSockCheck: false
    })
    qdiscRoundTrip("cbs", { idleslope: 1, sendslope: -2, hicredit: 3, locredit: -4, offload: true })
    qdiscRoundTrip("multiq", {})
    expect(
      qdiscRoundTrip("dualpi2", {
        limit: 100,
        memoryLimit: "1mb",
        target: "15ms",
        tupdate: "16ms",
        alpha: 0.16,
        beta: 3.2,
        stepThreshPackets: 10,
        minQlenStep: 2,
        couplingFactor: 2,
        dropOnOverload: true,
        dropEnqueue: false,
        classicProtection: 10,
        ecnMask: "l4s_ect",
        splitGso: true
      })
    ).toMatchObject({
      memoryLimit: 1048576,
      target: 15000,
      alpha: 41 / 256,
      beta: 819 / 256,
      ecnMask: "l4s_ect"
    })
  })
})

const tcShow = (ns: string) =>
  execFileSync("tc", ["-n", ns, "qdisc", "show", "dev", "d0"], { encoding: "utf8" })

const validation = <R>(e: Effect.Effect<unknown, { reason: any }, R>, path: string) =>
  Effect.gen(function* () {
    const err = yield* Effect.flip(e)
    expect(err.reason).toMatchObject({ _tag: "Validation", path })
  })

describeRoot("bad options are refused before anything is sent", () => {
  it.live("each kind's rules name the field", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "numtxqueues", "4", "type", "veth", "peer", "name", "d1")
        const before = tcShow(ns)
        const cls = (kind: string, options: object) =>
          Class.add({ dev: "d0", parent: "1:", classid: "1:10", kind, options } as Class.Class)
        const q = (kind: string, options: object) =>
          Qdisc.add({ dev: "d0", handle: "1:", kind, options } as Qdisc.Qdisc)
        yield* validation(cls("hfsc", {}), "options.rt")
        yield* validation(cls("hfsc", { sc: { m2: 8000 }, rt: { m2: 8000 } }), "options.sc")
        yield* validation(cls("hfsc", { rt: { m2: 8000 }, ul: { m2: 8000 } }), "options.ul")
        yield* validation(cls("hfsc", { ls: { m2: "40gbit" } }), "options.ls.m2")
        yield* validation(cls("qfq", { maxpkt: 100 }), "options.maxpkt")
        yield* validation(q("ets", {}), "options.bands")
        yield* validation(q("ets", { bands: 4, strict: 1, quanta: [1, 2] }), "options.quanta")
        yield* validation(q("ets", { bands: 2, priomap: [2] }), "options.priomap")
        yield* validation(q("mqprio", { numTc: 2, queues: [{ count: 1, offset: 0 }] }), "options.queues")
        yield* validation(
          q("mqprio", { numTc: 1, queues: [{ count: 1, offset: 0 }], minRate: [8] }),
          "options.shaper"
        )
        yield* validation(
          q("taprio", { numTc: 1, queues: [{ count: 1, offset: 0 }], schedule: [{ gates: 1, interval: 1 }] }),
          "options.clockid"
        )
        yield* validation(
          q("taprio", {
            numTc: 1,
            queues: [{ count: 1, offset: 0 }],
            schedule: [{ gates: 1, interval: 1 }],
            clockid: "CLOCK_TAI",
            txtimeDelay: 5
          }),
          "options.txtimeDelay"
        )
        yield* validation(
          q("dualpi2", { stepThresh: "1ms", stepThreshPackets: 5 }),
          "options.stepThreshPackets"
        )
        expect(tcShow(ns)).toBe(before)
      })
    )
  )
})
