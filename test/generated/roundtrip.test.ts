/**
 * For every generated attribute set, struct and message: decode(encode(x))
 * is stable (encoding it again gives the same bytes, decoding again the same
 * value), and decoding arbitrary bytes either succeeds or raises only a
 * DecodeFailure — never a TypeError or RangeError.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { DecodeFailure, EncodeOverflow, Writer } from "../../src/runtime/Wire.ts"
import { property } from "../helpers/property.ts"

const root = path.resolve(import.meta.dirname, "../../src/generated")
const families = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "index.ts")))

const encodeToBytes = (encode: (w: Writer, v: unknown) => void, v: unknown): Uint8Array => {
  const w = new Writer(256)
  encode(w, v)
  return w.finish()
}
const decodeBytes = (decode: (b: Uint8Array, v: DataView, s: number, e: number) => unknown, b: Uint8Array) =>
  decode(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length)

for (const family of families) {
  const mod: Record<string, any> = await import(path.join(root, family, "index.ts"))
  const codecs = Object.keys(mod).filter(
    (k) => typeof mod[`encode${k}`] === "function" && typeof mod[`decode${k}`] === "function" && mod[k]?.ast
  )
  describe(family, () => {
    it("has codecs", () => {
      expect(codecs.length).toBeGreaterThan(0)
    })
    for (const name of codecs) {
      const encode = mod[`encode${name}`]
      const decode = mod[`decode${name}`]
      property(
        `${name}: encode/decode round trip`,
        mod[name],
        (x) => {
          let bytes1: Uint8Array
          try {
            bytes1 = encodeToBytes(encode, x)
          } catch (e) {
            // Generated values can exceed netlink's 64 KiB attribute limit; that is a typed refusal, not a bug.
            if (e instanceof EncodeOverflow) return
            throw e
          }
          const y = decodeBytes(decode, bytes1)
          // Header structs are built by a constructor (see codegen/Emit.ts): still plain objects.
          expect(Object.getPrototypeOf(y)).toBe(Object.prototype)
          const bytes2 = encodeToBytes(encode, y)
          expect(Buffer.from(bytes2).toString("hex")).toBe(Buffer.from(bytes1).toString("hex"))
          expect(decodeBytes(decode, bytes2)).toEqual(y)
        },
        { runs: 50 }
      )
      it(`${name}: arbitrary bytes never throw anything but DecodeFailure`, () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
            try {
              decodeBytes(decode, b)
            } catch (e) {
              if (!(e instanceof DecodeFailure)) throw e
            }
          }),
          { numRuns: 300 }
        )
      })
    }
  })
}
