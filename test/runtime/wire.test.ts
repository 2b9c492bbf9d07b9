/**
 * The hand-written address text conversions against straightforward
 * reference implementations (the RegExp parser and template-literal printer
 * they replaced), over random and edge-case input.
 */
import { execFileSync } from "node:child_process"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { tryBuildMessage } from "../../src/api/internal/Common.ts"
import { encodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import {
  claimOwnership,
  EncodeOverflow,
  ipToString,
  keepBytes,
  parseIPv4,
  parseIPv6,
  parseMac,
  readS32Array,
  readS64Array,
  readU16Array,
  readU64Array,
  readU8Array,
  Writer
} from "../../src/runtime/Wire.ts"
import * as P from "../../src/runtime/Primitives.ts"
import { Schema } from "effect"

const referenceParseIPv4 = (s: string): Array<number> | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return undefined
  const out: Array<number> = []
  for (let i = 1; i <= 4; i++) {
    const v = Number(m[i])
    if (v > 255 || (m[i].length > 1 && m[i][0] === "0")) return undefined
    out.push(v)
  }
  return out
}

const parsed = (s: string) => {
  const b = parseIPv4(s)
  return b === undefined ? undefined : [...b]
}

describe("parseIPv4", () => {
  it("agrees with the RegExp parser on edge cases", () => {
    for (const s of [
      "0.0.0.0",
      "255.255.255.255",
      "256.0.0.1",
      "1.2.3",
      "1.2.3.4.5",
      "01.2.3.4",
      "1.2.3.04",
      "1..3.4",
      ".1.2.3",
      "1.2.3.4.",
      "1.2.3.4 ",
      " 1.2.3.4",
      "1.2.3.1000",
      "a.b.c.d",
      "",
      "10.0.0.1/24",
      "1.2.3.-4",
      "1.2.3.+4",
      "1.2.3.٤"
    ])
      expect(parsed(s), s).toEqual(referenceParseIPv4(s))
  })

  it("agrees with the RegExp parser on random text", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.]{0,17}$/), (s) => {
        expect(parsed(s)).toEqual(referenceParseIPv4(s))
      }),
      { numRuns: 3000 }
    )
  })

  it("reads back what ipToString prints", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        const text = ipToString(b, 0, 4)
        expect(text).toBe(`${b[0]}.${b[1]}.${b[2]}.${b[3]}`)
        expect(parsed(text)).toEqual([...b])
      }),
      { numRuns: 1000 }
    )
  })
})

describe("typed array readers", () => {
  it("read every whole element, little or big endian", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.boolean(), (b, le) => {
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
        const ref = (size: number, get: (i: number) => number | bigint) => {
          const out: Array<number | bigint> = []
          for (let i = 0; i + size <= b.length; i += size) out.push(get(i))
          return out
        }
        expect(readU8Array(view, 0, b.length, le)).toEqual(ref(1, (i) => view.getUint8(i)))
        expect(readU16Array(view, 0, b.length, le)).toEqual(ref(2, (i) => view.getUint16(i, le)))
        expect(readS32Array(view, 0, b.length, le)).toEqual(ref(4, (i) => view.getInt32(i, le)))
        expect(readU64Array(view, 0, b.length, le)).toEqual(ref(8, (i) => view.getBigUint64(i, le)))
      }),
      { numRuns: 500 }
    )
  })

  it("64-bit readers share small values and agree with DataView on every value", () => {
    const value = fc.oneof(
      fc.bigInt({ min: 0n, max: 2000n }),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(1023n, 1024n, 2n ** 32n, 2n ** 32n + 5n, 2n ** 63n, 2n ** 64n - 1n)
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 10 }), fc.boolean(), (values, le) => {
        const view = new DataView(new ArrayBuffer(8 * values.length))
        for (const [i, v] of values.entries()) view.setBigUint64(8 * i, v, le)
        const end = 8 * values.length
        expect(readU64Array(view, 0, end, le)).toEqual(values)
        expect(readS64Array(view, 0, end, le)).toEqual(values.map((v) => BigInt.asIntN(64, v)))
      }),
      { numRuns: 1000 }
    )
  })
})

describe("keepBytes", () => {
  it("copies survive the receive buffer being reused and never overlap each other", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 6000 }), { maxLength: 40 }), (bodies) => {
        const recv = new Uint8Array(8192)
        const kept = bodies.map((b) => {
          recv.set(b, 3)
          const k = keepBytes(recv, 3, 3 + b.length)
          recv.fill(0xee)
          return k
        })
        for (const [i, b] of bodies.entries()) expect(kept[i]).toEqual(b)
        // a body too large for a slab has a buffer of its own
        for (const k of kept) if (k.length > 4096) expect(k.buffer.byteLength).toBe(k.length)
      }),
      { numRuns: 100 }
    )
  })
})

describe("ipToString, IPv6", () => {
  // WHATWG URL host serialisation compresses IPv6 as RFC 5952 does (it
  // prints IPv4-mapped addresses in hex, so those are left out here).
  const reference = (b: Uint8Array): string =>
    new URL(`http://[${ipToString(b, 0, 16)}]/`).hostname.slice(1, -1)

  it("prints RFC 5952 text that reads back to the same bytes", () => {
    const word = fc.oneof(
      fc.constant(0),
      fc.constant(0),
      fc.integer({ min: 0, max: 0xff }),
      fc.integer({ min: 0, max: 0xffff })
    )
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
        const b = new Uint8Array(16)
        words.forEach((w, i) => {
          b[2 * i] = w >> 8
          b[2 * i + 1] = w & 0xff
        })
        const text = ipToString(b, 0, 16)
        expect([...parseIPv6(text)!]).toEqual([...b])
        if (!text.startsWith("::ffff:") || text.includes(":", 7)) expect(text).toBe(reference(b))
      }),
      { numRuns: 3000 }
    )
    expect(ipToString(new Uint8Array(16), 0, 16)).toBe("::")
    expect(
      ipToString(
        Uint8Array.from([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x22, 0xff, 0xfe, 0x33, 0, 1]),
        0,
        16
      )
    ).toBe("fe80::11:22ff:fe33:1")
    expect(ipToString(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]), 0, 16)).toBe(
      "::ffff:10.0.0.1"
    )
  })

  it("costs nothing at import: no table of all 65,536 groups", () => {
    // A fresh process: heap growth from importing Wire.ts (the table was
    // ~2.1 MB; the module itself ~0.14 MB), after a first TypeScript module
    // has loaded the type stripper.
    const url = (f: string) => JSON.stringify(pathToFileURL(path.resolve(import.meta.dirname, f)).href)
    const script = `
      await import(${url("../../src/runtime/Describe.ts")})
      global.gc(); const before = process.memoryUsage().heapUsed
      const m = await import(${url("../../src/runtime/Wire.ts")})
      global.gc(); const after = process.memoryUsage().heapUsed
      console.log(after - before, typeof m.ipToString)`
    const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], {
      encoding: "utf8"
    }).trim()
    const [grown, kind] = out.split(" ")
    expect(kind).toBe("function")
    expect(Number(grown)).toBeLessThan(500_000)
  })
})

describe("oversized attributes", () => {
  it("the writer records the overflowing attribute with the nests around it; finish refuses", () => {
    const w = new Writer(64)
    const m = w.beginMessage(16, 0, 0)
    w.zeros(16)
    w.attrString(3, "eth0")
    const info = w.nestStart(18)
    w.attrString(1, "vxlan")
    const data = w.nestStart(2)
    w.attrBinary(7, new Uint8Array(70_000))
    w.attrBinary(8, new Uint8Array(70_000)) // a later sibling does not change the record
    w.attrEnd(data)
    w.attrEnd(info)
    w.endMessage(m)
    expect(w.overflow?.types).toEqual([18, 2, 7])
    expect(() => w.finish()).toThrow(EncodeOverflow)
    w.reset()
    expect(w.overflow).toBeUndefined()
  })

  it("a request message with an overflowing attribute is a Validation error naming it", () => {
    const multipath = Array.from({ length: 10_000 }, (_, i) => ({
      flags: 0,
      hops: 0,
      ifindex: 1,
      gateway: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`
    }))
    const route = {
      family: 2,
      dstLen: 16,
      srcLen: 0,
      tos: 0,
      tableId: 254,
      protocol: 3,
      scope: 0,
      type: 1,
      flags: 0,
      dst: "10.9.0.0",
      multipath
    }
    const r = tryBuildMessage(24, 0, (w) => encodeRouteMessage(w, route as any))
    expect(r).toBeInstanceOf(NetlinkError)
    expect((r as NetlinkError).reason).toMatchObject({ _tag: "Validation", path: "RTA_MULTIPATH" })
    expect((r as any).reason.message).toMatch(/RTA_MULTIPATH would be \d+ bytes, more than the 65535/)
    // The same route with a few nexthops builds, and the scratch writer is clean again.
    const ok = tryBuildMessage(24, 0, (w) =>
      encodeRouteMessage(w, { ...route, multipath: multipath.slice(0, 2) } as any)
    )
    expect(ok).toBeInstanceOf(Uint8Array)
  })
})

describe("request ownership", () => {
  it("a built message is handed to the first request that claims it, once", () => {
    const m = tryBuildMessage(18, 0, (w) => w.zeros(16)) as Uint8Array
    expect(claimOwnership(m)).toBe(true)
    expect(claimOwnership(m)).toBe(false)
    expect(claimOwnership(new Uint8Array(32))).toBe(false)
    const a = tryBuildMessage(18, 0, (w) => w.zeros(16)) as Uint8Array
    const b = tryBuildMessage(18, 0, (w) => w.zeros(16)) as Uint8Array
    // Only the last one built is unclaimed: an older one is copied by its request.
    expect(claimOwnership(a)).toBe(false)
    expect(claimOwnership(b)).toBe(true)
  })
})

describe("MacAddress", () => {
  const valid = Schema.is(P.MacAddress)
  it("takes the link-layer address lengths the kernel uses, and nothing shorter or between", () => {
    expect(valid("02:00:00:00:00:01")).toBe(true) // Ethernet
    expect(valid("2:0:0:0:0:1")).toBe(true)
    expect(valid(Array.from({ length: 20 }, () => "ff").join(":"))).toBe(true) // InfiniBand
    expect(valid("0a:00:00:01")).toBe(true) // IPv4 tunnels
    expect(valid(Array.from({ length: 16 }, () => "fe").join(":"))).toBe(true) // IPv6 tunnels
    for (const bad of [
      "02:00:00:00:00",
      "02:00:00:00:00:00:01",
      "",
      "02",
      "02:00:00:00:00:0g",
      "02:00:00:00:00:001",
      "02-00-00-00-00-01"
    ])
      expect(valid(bad), bad).toBe(false)
  })
  it("says why", () => {
    const r = Schema.decodeUnknownResult(P.MacAddress)("02:00:00:00:00")
    expect(String(r._tag === "Failure" ? r.failure : "")).toMatch(/5 octets/)
    expect(parseMac("02:00:00:00:00")?.length).toBe(5)
  })
})
