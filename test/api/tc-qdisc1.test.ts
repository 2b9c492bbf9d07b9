/**
 * The first half of issue 13's qdisc kinds without a kernel: probabilities as tc scales them,
 * netem's distribution tables, RED's derived parameters, and each kind's canonical form
 * (units as they read back: "100mbit" is 100000000 bits/s, "100ms" is 100000 us).
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { evalEwma, evalIdleDamping, evalP } from "../../src/api/tc/kinds/red.ts"
import { classKinds } from "../../src/api/tc/registry.ts"
import * as Units from "../../src/api/tc/Units.ts"

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
