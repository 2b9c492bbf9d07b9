/**
 * The first half of issue 13's qdisc kinds without a kernel: probabilities as tc scales them,
 * netem's distribution tables, RED's derived parameters, and each kind's canonical form
 * (units as they read back: "100mbit" is 100000000 bits/s, "100ms" is 100000 us).
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { evalEwma, evalIdleDamping, evalP } from "../../src/api/tc/kinds/red.ts"
import { classKinds, qdiscKinds } from "../../src/api/tc/registry.ts"
import * as Units from "../../src/api/tc/Units.ts"
import { decodeTcGredQopt, encodeTcGredQopt, TcGredQoptSize } from "../../src/generated/tc/index.ts"
import { Writer } from "../../src/runtime/Wire.ts"

describe("Units.Percent", () => {
  it("numbers are percent, text needs %", () => {
    expect(Units.parsePercent(25)).toBe(25)
    expect(Units.parsePercent("0.1%")).toBe(0.1)
    expect(Units.parsePercent("0.1")).toBeUndefined()
    expect(Units.parsePercent(101)).toBeUndefined()
    expect(Units.parsePercent(-1)).toBeUndefined()
  })
  it("scales as tc does (rint of fraction × (2^32 - 1))", () => {
    expect(Units.percentToKernel(25)).toBe(0x40000000)
    expect(Units.percentToKernel("1%")).toBe(42949673)
    expect(Units.percentToKernel(10)).toBe(0x1999999a)
    expect(Units.percentToKernel(100)).toBe(0xffffffff)
    expect(Units.percentToKernel(0)).toBe(0)
  })
  it("reads back as the shortest percent giving the same kernel value", () => {
    expect(Units.percentFromKernel(0x40000000)).toBe(25)
    expect(Units.percentFromKernel(42949673)).toBe(1)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(Units.percentToKernel(Units.percentFromKernel(v))).toBe(v)
      }),
      { numRuns: 200 }
    )
  })
})

describe("netem distribution tables", () => {
  it("are read from iproute2's library directory as signed 16-bit values", () => {
    const t = Units.distributionTable("normal")!
    expect(t).toHaveLength(4096)
    expect(t[0]).toBe(-32768)
    expect(t.every((x) => Number.isInteger(x) && x >= -32768 && x <= 32767)).toBe(true)
    expect(Units.distributionTable("nosuchtable")).toBeUndefined()
    expect(Units.distributionTable("../etc/passwd")).toBeUndefined()
  })
})

describe("RED parameters as tc derives them", () => {
  it("EWMA log, probability log and idle damping", () => {
    expect(evalEwma(30000, 55, 1000)).toBe(5)
    expect(evalEwma(8333, 9, 1500)).toBe(3)
    expect(evalEwma(30000, 10, 1000)).toBe(-1)
    expect(evalP(30000, 90000, 0.05)).toBe(21)
    expect(evalP(100, 50, 0.05)).toBe(-1)
    expect(evalIdleDamping(5, 1000, 1250000)?.scellLog).toBe(15)
  })
})

describe("sfq's classes (its flows)", () => {
  it("are listed with allot as xstats and no options", () => {
    const k = classKinds.find((x) => x.kind === "sfq")!
    const b = new Uint8Array([0xea, 0x05, 0, 0])
    expect(k.xstats!(b, new DataView(b.buffer), 0, 4)).toEqual({ allot: 1514 })
    expect(k.fromKernel(undefined, (i: number) => i)).toEqual({})
  })
})

const canon = (q: Qdisc.Qdisc) => Qdisc.canonical(q).options

describe("canonical forms", () => {
  it("netem: times in microseconds, probabilities in percent, tc's defaults for loss models", () => {
    expect(
      canon({ dev: "d0", kind: "netem", options: { delay: "100ms", jitter: "10ms", distribution: "normal" } })
    ).toEqual({ limit: 1000, delay: 100000, jitter: 10000 })
    expect(canon({ dev: "d0", kind: "netem", options: { lossState: { p13: "1%" } } })).toEqual({
      limit: 1000,
      lossState: { p13: 1, p31: 99, p32: 0, p23: 100, p14: 0 }
    })
    expect(canon({ dev: "d0", kind: "netem", options: { lossGemodel: { p: 1 } } })).toEqual({
      limit: 1000,
      lossGemodel: { p: 1, r: 99, h: 0, k1: 0 }
    })
    expect(canon({ dev: "d0", kind: "netem", options: { gap: 5, delay: 1000 } })).toMatchObject({
      reorder: 100
    })
    expect(canon({ dev: "d0", kind: "netem", options: { rate: "100mbit" } })).toMatchObject({
      rate: 100000000
    })
  })
  it("cake: rtt alone sets target to rtt / 20; overhead turns raw off", () => {
    expect(canon({ dev: "d0", kind: "cake", options: { rtt: "50ms", overhead: 18 } })).toMatchObject({
      rtt: 50000,
      target: 2500,
      overhead: 18,
      raw: false
    })
  })
  it("red: avpkt, burst and bandwidth become the logs the kernel reports", () => {
    expect(
      canon({
        dev: "d0",
        kind: "red",
        options: {
          limit: 400000,
          min: 30000,
          max: 90000,
          avpkt: 1000,
          burst: 55,
          bandwidth: "10mbit",
          probability: 0.05
        }
      })
    ).toEqual({
      limit: 400000,
      min: 30000,
      max: 90000,
      probability: 0.05,
      ewmaLog: 5,
      scellLog: 15,
      ecn: false,
      harddrop: false,
      adaptive: false,
      nodrop: false
    })
  })
  it("fq: rates in bits/s, timer slack in microseconds", () => {
    expect(canon({ dev: "d0", kind: "fq", options: { maxrate: "1gbit", timerSlack: "20us" } })).toMatchObject(
      {
        maxrate: 1000000000,
        timerSlack: 20
      }
    )
  })
})

describe("gred: a dump's 16 PARMS slots read back as the configured queues", () => {
  const k = qdiscKinds.find((x) => x.kind === "gred")!
  const options: Qdisc.GredOptions = {
    vqs: 4,
    default: 0,
    grio: true,
    limit: "1mb",
    queues: [
      { dp: 2, limit: "60KB", min: "15KB", max: "45KB", probability: 0.1, prio: 2, ecn: true },
      { dp: 0, limit: 100000, min: 20000, max: 60000, avpkt: 1500, burst: 30 }
    ]
  }
  // what the kernel dumps: every slot, unused ones with dp 16 + i; MAX_P per slot; VQ_LIST entries
  const dump = (): Uint8Array => {
    const sent = k.followUps!(options).map((f) => f.data as any)
    const parms = new Writer(16 * TcGredQoptSize)
    const maxP: Array<number> = []
    for (let i = 0; i < 16; i++) {
      const s = sent.find((d: any) => d.vqList.entry[0].dp === i)
      if (s === undefined) {
        encodeTcGredQopt(parms, {
          ...decodeTcGredQopt(new Uint8Array(52), new DataView(new ArrayBuffer(52)), 0, 52),
          dp: 16 + i
        })
        maxP.push(0)
      } else {
        const q = decodeTcGredQopt(s.parms, new DataView(s.parms.buffer, s.parms.byteOffset), 0, 52)
        // the kernel reports prio 0 of a grio queue as the default queue's (8 when it is the default)
        encodeTcGredQopt(parms, { ...q, prio: q.prio === 0 ? 8 : q.prio, packets: 7, bytesin: 700 })
        maxP.push(s.maxP[0])
      }
    }
    const w = new Writer(2048)
    k.encode(w, {
      dps: { dps: 4, defDp: 0, grio: 1, flags: 0 },
      maxP,
      limit: 1048576,
      parms: parms.finish(),
      vqList: { entry: sent.map((d: any) => d.vqList.entry[0]) }
    })
    return w.finish()
  }
  it("options, per-queue flags and probability; the queues' counters are status", () => {
    const bytes = dump()
    const data = k.decode(
      bytes,
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      0,
      bytes.length
    )
    const back = k.fromKernel(data, (i) => i) as Qdisc.GredOptions
    expect(back.queues?.map((q) => q.dp)).toEqual([0, 2])
    expect(back.queues?.[1]).toMatchObject({
      limit: 61440,
      min: 15360,
      max: 46080,
      probability: 0.1,
      prio: 2,
      ecn: true
    })
    expect(k.canonical(back)).toEqual(k.canonical(options))
    expect(
      Qdisc.equals({ dev: "d0", kind: "gred", options: back }, { dev: "d0", kind: "gred", options })
    ).toBe(true)
    expect(k.status!(data)).toEqual({
      queues: [0, 2].map((dp) => expect.objectContaining({ dp, packets: 7, bytes: 700 }))
    })
  })
  it("bad queues are refused naming the field", () => {
    const q = { dp: 0, limit: 100000, min: 20000, max: 60000 }
    expect(k.check!({ vqs: 2, default: 2 })).toEqual(["default", expect.any(String)])
    expect(k.check!({ vqs: 2, default: 0, queues: [{ ...q, dp: 2 }] })).toEqual([
      "queues.0.dp",
      expect.any(String)
    ])
    expect(k.check!({ vqs: 2, default: 0, queues: [q, q] })).toEqual(["queues.1.dp", expect.any(String)])
    expect(k.check!({ vqs: 2, default: 0, queues: [{ ...q, max: 20000 }] })).toEqual([
      "queues.0.max",
      expect.any(String)
    ])
    expect(k.check!({ vqs: 2, default: 0, queues: [q] })).toBeUndefined()
    // without grio the kernel gives every queue prio 8: only that (or none) is accepted
    expect(k.check!({ vqs: 2, default: 0, queues: [{ ...q, prio: 3 }] })).toEqual([
      "queues.0.prio",
      expect.any(String)
    ])
    expect(k.check!({ vqs: 2, default: 0, queues: [{ ...q, prio: 8 }] })).toBeUndefined()
  })
})
