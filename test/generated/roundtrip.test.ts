/**
 * For every generated attribute set, struct and message: decode(encode(x))
 * equals the input x (normalised only where the wire has one spelling for
 * several inputs), encoding the decoded value again gives the same bytes,
 * and decoding arbitrary bytes either succeeds or raises only a
 * DecodeFailure — never a TypeError or RangeError.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import type { AttributeMeta } from "../../src/runtime/Describe.ts"
import { DecodeFailure, EncodeOverflow, ipToString, parseIp, Writer } from "../../src/runtime/Wire.ts"
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

const pascal = (kebab: string) =>
  kebab
    .split("-")
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("")

// Address text has several spellings of one address (leading zeros, "::"); the wire has one.
const IPV6_FULL = /^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$/
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
const canonicalText = (s: string): string => {
  if (!IPV6_FULL.test(s) && !IPV4.test(s)) return s
  const b = parseIp(s)
  return b === undefined ? s : ipToString(b, 0, b.length)
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

/**
 * What decode(encode(x)) must give for an input x of the set `meta` describes:
 * x with address text canonical, empty lists dropped (an empty repeated
 * attribute is no attribute) and a sub-message's selector taken from its
 * payload (the encoder writes IFLA_INFO_KIND from `data.kind`). Field names
 * come from the generated `<Set>Types` tables, so nothing here knows a family.
 */
const expected = (mod: Record<string, any>, x: unknown, meta: AttributeMeta | undefined): unknown => {
  if (typeof x === "string") return canonicalText(x)
  if (Array.isArray(x)) return x.map((e) => expected(mod, e, meta))
  if (!isRecord(x)) return x
  const types: Record<string, number> | undefined = meta ? mod[`${pascal(meta.set)}Types`] : undefined
  const out: Record<string, unknown> = {}
  const selectors: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(x)) {
    if (Array.isArray(v) && v.length === 0) continue
    const entry = types && k in types ? meta!.attributes[types[k]] : undefined
    if (k === "unknown" || entry === undefined) out[k] = expected(mod, v, undefined)
    else if (entry.formats !== undefined && isRecord(v)) {
      const selector = Object.keys(types!).find((f) => types![f] === entry.selector)!
      out[k] = expected(mod, v, entry.formats()[v[selector] as string])
      selectors[selector] = v[selector]
    } else out[k] = expected(mod, v, entry.nested?.())
  }
  Object.assign(out, selectors)
  // Raw bytes stand in for a payload the spec does not describe. With the payload present
  // the encoder writes it and ignores them; for a described kind the decoder parses them,
  // so that input has no fixed point and its bytes are compared instead.
  for (const [k, t] of Object.entries(types ?? {})) {
    const entry = meta!.attributes[t]
    if (entry?.formats === undefined || out[`${k}Raw`] === undefined) continue
    const selector = Object.keys(types!).find((f) => types![f] === entry.selector)!
    if (x[k] !== undefined || (out[selector] as string) in entry.formats()) delete out[`${k}Raw`]
  }
  return out
}

// The same rule on the decoded side, where the input `x` had only raw bytes of a described kind.
const withoutParsedRaw = (
  mod: Record<string, any>,
  y: unknown,
  x: unknown,
  meta: AttributeMeta | undefined
): unknown => {
  if (Array.isArray(y) && Array.isArray(x)) return y.map((e, i) => withoutParsedRaw(mod, e, x[i], meta))
  if (!isRecord(y) || !isRecord(x)) return y
  const types: Record<string, number> | undefined = meta ? mod[`${pascal(meta.set)}Types`] : undefined
  const out: Record<string, unknown> = { ...y }
  for (const [k, v] of Object.entries(y)) {
    const entry = types && k in types ? meta!.attributes[types[k]] : undefined
    if (k === "unknown" || entry === undefined) continue
    if (entry.formats !== undefined) {
      const selector = Object.keys(types!).find((f) => types![f] === entry.selector)!
      if (isRecord(v)) out[k] = withoutParsedRaw(mod, v, x[k], entry.formats()[v[selector] as string])
    } else out[k] = withoutParsedRaw(mod, v, x[k], entry.nested?.())
  }
  for (const [k, entry] of Object.entries(types ?? {}).map(([f, t]) => [f, meta!.attributes[t]] as const)) {
    if (entry?.formats === undefined) continue
    const selector = Object.keys(types!).find((f) => types![f] === entry.selector)!
    if (x[k] === undefined && x[`${k}Raw`] !== undefined && (x[selector] as string) in entry.formats()) {
      delete out[k]
      delete out[`${k}Raw`]
    }
  }
  return out
}

const withCodecs = await Promise.all(
  families.map(async (family) => {
    const mod: Record<string, any> = await import(path.join(root, family, "index.ts"))
    const codecs = Object.keys(mod).filter(
      (k) => typeof mod[`encode${k}`] === "function" && typeof mod[`decode${k}`] === "function" && mod[k]?.ast
    )
    return { family, mod, codecs }
  })
)

it("generated families have codecs", () => {
  // Families of constants only (netlink, rt-common) have none; the message families must.
  expect(withCodecs.filter((f) => f.codecs.length > 0).map((f) => f.family)).toEqual(
    expect.arrayContaining(["rt-addr", "rt-link", "rt-neigh", "rt-route", "rt-rule"])
  )
})

for (const { family, mod, codecs } of withCodecs) {
  if (codecs.length === 0) continue
  describe(family, () => {
    for (const name of codecs) {
      const meta: AttributeMeta | undefined = mod[`${name}Meta`]
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
          // Compared with the input, not with another decode: a field the encoder drops fails here.
          expect(expected(mod, withoutParsedRaw(mod, y, x, meta), meta)).toEqual(expected(mod, x, meta))
          const bytes2 = encodeToBytes(encode, y)
          expect(Buffer.from(bytes2).toString("hex")).toBe(Buffer.from(bytes1).toString("hex"))
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
