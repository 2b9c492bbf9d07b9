/**
 * The hand-written address text conversions against straightforward
 * reference implementations (the RegExp parser and template-literal printer
 * they replaced), over random and edge-case input.
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import {
  ipToString,
  parseIPv4,
  readS32Array,
  readS64Array,
  readU16Array,
  readU64Array,
  readU8Array
} from "../../src/runtime/Wire.ts"

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
