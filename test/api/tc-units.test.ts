/**
 * tc's units and handles: parsing as `tc` reads them (get_rate, get_size, get_time,
 * get_tc_classid), printing as it prints them, the psched clock, and the size ↔ ticks
 * conversions the model reads buckets back with.
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Handle from "../../src/api/tc/Handle.ts"
import * as Units from "../../src/api/tc/Units.ts"

describe("Units.parseRate (bits/s)", () => {
  it("bit units are bits, bps units are bytes, case-insensitive; bare text is bits", () => {
    expect(Units.parseRate("100mbit")).toBe(100_000_000)
    expect(Units.parseRate("100Mbit")).toBe(100_000_000)
    expect(Units.parseRate("10mbps")).toBe(80_000_000)
    expect(Units.parseRate("1gbit")).toBe(1_000_000_000)
    expect(Units.parseRate("1kibit")).toBe(1024)
    expect(Units.parseRate("2KiBps")).toBe(2 * 8 * 1024)
    expect(Units.parseRate("1.5mbit")).toBe(1_500_000)
    expect(Units.parseRate("8000")).toBe(8000)
    expect(Units.parseRate("40gbit")).toBe(40_000_000_000)
    expect(Units.parseRate(800)).toBe(800)
  })
  it("refuses what tc refuses: unknown units, fractions of a byte per second", () => {
    expect(Units.parseRate("1mbits")).toBeUndefined()
    expect(Units.parseRate("mbit")).toBeUndefined()
    expect(Units.parseRate("12bit")).toBeUndefined()
    expect(Units.parseRate(12)).toBeUndefined()
    expect(Units.parseRate("-8")).toBeUndefined()
    expect(Units.parseRate("10%")).toBeUndefined()
  })
  it("prints as tc does", () => {
    expect(Units.formatRate(100_000_000)).toBe("100Mbit")
    expect(Units.formatRate(1_500_000)).toBe("1500Kbit")
    expect(Units.formatRate(8000)).toBe("8Kbit")
    expect(Units.formatRate(800)).toBe("800bit")
    expect(Units.formatRate(40_000_000_000)).toBe("40Gbit")
  })
  it("a printed rate reads back within tc's precision (it drops digits past a million units)", () => {
    expect(Units.formatRate(1_000_008)).toBe("1Mbit")
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (bytes) => {
        const bits = bytes * 8
        const back = Units.parseRate(Units.formatRate(bits))!
        expect(back).toBeLessThanOrEqual(bits)
        expect(back).toBeGreaterThanOrEqual(bits * (1 - 1e-3))
      })
    )
  })
})

describe("Units.parseSize (bytes) and parseTime (us)", () => {
  it("sizes: k/kb/m/mb/g/gb are 1024-based bytes; kbit/mbit/gbit 1024-based bits", () => {
    expect(Units.parseSize("10kb")).toBe(10240)
    expect(Units.parseSize("10k")).toBe(10240)
    expect(Units.parseSize("1mb")).toBe(1048576)
    expect(Units.parseSize("64kbit")).toBe(8192)
    expect(Units.parseSize("1mbit")).toBe(131072)
    expect(Units.parseSize("1500")).toBe(1500)
    expect(Units.parseSize("1500b")).toBe(1500)
    expect(Units.parseSize("1.5kb")).toBe(1536)
    expect(Units.parseSize("1.1kb")).toBeUndefined()
    expect(Units.parseSize("4gb")).toBeUndefined()
    expect(Units.parseSize("10kB/8")).toBeUndefined()
  })
  it("times: s, ms, us (and sec/msec/usec), bare = us, truncated", () => {
    expect(Units.parseTime("50ms")).toBe(50000)
    expect(Units.parseTime("1s")).toBe(1000000)
    expect(Units.parseTime("2secs")).toBe(2000000)
    expect(Units.parseTime("400")).toBe(400)
    expect(Units.parseTime("400us")).toBe(400)
    expect(Units.parseTime("1.5us")).toBe(1)
    expect(Units.parseTime("1h")).toBeUndefined()
    expect(Units.parseTime(1.5)).toBeUndefined()
  })
})

describe("psched clock and buckets", () => {
  it("reads /proc/net/psched as tc does (and old kernels' nanosecond hack)", () => {
    expect(Units.pschedFrom("000003e8 00000040 000f4240 3b9aca00\n")).toEqual({
      tickInUsec: 15.625,
      clockFactor: 1,
      hz: 1000000000
    })
    expect(Units.pschedFrom("000003e8 00000400 3b9aca00 3b9aca00").tickInUsec).toBe(1000)
  })
  it("ticks and times, xmit time and size at a rate", () => {
    const p = Units.pschedFrom("000003e8 00000040 000f4240 3b9aca00")
    expect(Units.timeToTicks(1000, p)).toBe(15625)
    expect(Units.ticksToTime(15625, p)).toBe(1000)
    expect(Units.xmitTime(125000, 10240, p)).toBe(1280000)
    expect(Units.xmitSize(125000, 1280000, p)).toBe(10240)
  })
  it("rate tables: cell_log from the mtu, atm cells of 53 bytes per 48", () => {
    const p = Units.pschedFrom("000003e8 00000040 000f4240 3b9aca00")
    const eth = Units.rateTable(125000, { mtu: 1600 }, p)
    expect(eth.cellLog).toBe(3)
    expect(eth.table[0]).toBe(Units.xmitTime(125000, 8, p))
    expect(eth.table[255]).toBe(Units.xmitTime(125000, 2048, p))
    expect(Units.rateTable(125000, {}, p).cellLog).toBe(3) // mtu 0 → 2047
    const atm = Units.rateTable(125000, { mtu: 1600, linklayer: "atm", mpu: 100 }, p)
    expect(atm.table[0]).toBe(Units.xmitTime(125000, 3 * 53, p)) // 8 → mpu 100 → 3 cells
  })
  it("the smallest size giving a bucket's ticks is a fixed point (canonical forms are idempotent)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 1 << 24 }),
        fc.integer({ min: 0, max: 100 }),
        (rate, size, overhead) => {
          const f = (b: number) => Units.kernelTicks(rate, b, { overhead })
          const c = Units.canonicalSize(f, size)
          expect(c).toBeLessThanOrEqual(size)
          expect(f(c)).toBe(f(size))
          expect(Units.canonicalSize(f, c)).toBe(c)
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe("Handle", () => {
  it("parses tc's notation: hexadecimal halves, names", () => {
    expect(Handle.parse("1:")).toBe(0x10000)
    expect(Handle.parse("1:10")).toBe(0x10010)
    expect(Handle.parse(":10")).toBe(0x10)
    expect(Handle.parse("ffff:")).toBe(0xffff0000)
    expect(Handle.parse("root")).toBe(0xffffffff)
    expect(Handle.parse("ingress")).toBe(0xfffffff1)
    expect(Handle.parse("clsact")).toBe(0xfffffff1)
    expect(Handle.parse("none")).toBe(0)
    expect(Handle.parse("10")).toBe(0x10)
    expect(Handle.parse(65552)).toBe(0x10010)
  })
  it("refuses halves above ffff, junk, non-integers", () => {
    for (const bad of ["1:10000", "10000:", "x:1", "1:2:3", "", "1 :2", -1, 2 ** 32, 1.5])
      expect(Handle.parse(bad as any), String(bad)).toBeUndefined()
  })
  it("prints as tc does; printing and parsing round-trip", () => {
    expect(Handle.format(0x10000)).toBe("1:")
    expect(Handle.format(0x10010)).toBe("1:10")
    expect(Handle.format(0x10)).toBe(":10")
    expect(Handle.format(0xffffffff)).toBe("root")
    expect(Handle.format(0xfffffff1)).toBe("ingress")
    expect(Handle.format(0)).toBe("none")
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(Handle.parse(Handle.format(n))).toBe(n)
      })
    )
  })
})
