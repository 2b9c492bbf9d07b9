/**
 * The generator on small fixture specs: indexed arrays, unterminated strings,
 * bounds of 64-bit checks, imported definitions, struct offsets, the imports
 * a generated module carries, and extended-ack names through a sub-message.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { describePath } from "../../src/runtime/Describe.ts"
import { decodeTlvs } from "../../src/runtime/Extack.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import { resolve } from "../../codegen/Model.ts"
import { decodeSpec } from "../../codegen/SpecSchema.ts"
import { property } from "../helpers/property.ts"
import { generate, models } from "./generate.ts"

const out = generate(["fx-common", "fx-types"])
afterAll(() => out.remove())
const common: Record<string, any> = await import(path.join(out.dir, "fx-common", "index.ts"))
const fx: Record<string, any> = await import(path.join(out.dir, "fx-types", "index.ts"))

const encode = (v: unknown): Uint8Array => {
  const w = new Writer(256)
  fx.encodeFxAttrs(w, v)
  return w.finish()
}
const decode = (b: Uint8Array) =>
  fx.decodeFxAttrs(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length)
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex"))

describe("indexed-array", () => {
  it("writes integer elements numbered from 0 in a nested attribute", () => {
    // nest FXA_V4_TARGETS | NLA_F_NESTED, then element 0 = 10.0.0.1, element 1 = 10.0.0.2 (big-endian u32)
    expect(hex(encode({ v4Targets: [0x0a000001, 0x0a000002] }))).toBe(
      "14000380" + "08000000" + "0a000001" + "08000100" + "0a000002"
    )
  })
  it("numbers from index-start and formats address elements", () => {
    const b = encode({ v6Targets: ["2001:db8::1", "fe80::2"] })
    expect(hex(b)).toBe(
      "2c000480" +
        "14000100" +
        "20010db8000000000000000000000001" +
        "14000200" +
        "fe800000000000000000000000000002"
    )
    expect(decode(b)).toEqual({ v6Targets: ["2001:db8::1", "fe80::2"] })
  })
  it("decodes elements in order of arrival, whatever their numbers", () => {
    const b = bytes("14000380 08000500 0a000009 08000200 0a000003")
    expect(decode(b)).toEqual({ v4Targets: [0x0a000009, 0x0a000003] })
  })
  it("round-trips nest, struct and string elements", () => {
    const v = {
      ports: [{ port: 4789 }, { port: 8472, flags: 3 }, {}],
      pairs: [
        { a: 1, b: 2 },
        { a: 3, b: 4 }
      ],
      names: ["eth0", "", "wg0"]
    }
    const b = encode(v)
    expect(decode(b)).toEqual(v)
    // FXA_PORTS (40 bytes); element 0 is a nest (12 bytes) holding FXP_PORT 4789 big-endian
    expect(hex(b).slice(0, 32)).toBe("28000580" + "0c000080" + "06000100" + "12b50000")
  })
  it("an empty list is an empty nest, and decodes back to an empty list", () => {
    expect(hex(encode({ names: [] }))).toBe("04000780")
    expect(decode(encode({ names: [] }))).toEqual({ names: [] })
  })
  it("is an array in the Schema", () => {
    expect(Schema.is(fx.FxAttrs)({ v4Targets: [1, 2] })).toBe(true)
    expect(Schema.is(fx.FxAttrs)({ v4Targets: [-1] })).toBe(false)
    expect(Schema.is(fx.FxAttrs)({ v6Targets: ["not an address"] })).toBe(false)
  })
  it("names elements by index in extended-ack paths", () => {
    expect(describePath(fx.FxAttrsMeta, [5, 1, 2])).toBe("FXA_PORTS > [1] > FXP_FLAGS")
    expect(describePath(fx.FxAttrsMeta, [3, 0])).toBe("FXA_V4_TARGETS > [0]")
  })
  property(
    "encode/decode gives the input back",
    fx.FxAttrs,
    (x: any) => {
      const only = { v4Targets: x.v4Targets ?? [], pairs: x.pairs ?? [], names: x.names ?? [] }
      expect(decode(encode(only))).toEqual(only)
    },
    { runs: 100, size: 30 }
  )
})

describe("unterminated strings", () => {
  it("are written without a NUL, the attribute length giving the text's", () => {
    expect(hex(encode({ alias: "uplink" }))).toBe("0a000200" + Buffer.from("uplink").toString("hex") + "0000")
    // a terminated string for comparison: the NUL counts in the length
    expect(hex(encode({ name: "uplink" }))).toBe(
      "0b000100" + Buffer.from("uplink").toString("hex") + "00" + "00"
    )
  })
  it("decode with or without the NUL", () => {
    expect(decode(encode({ alias: "uplink" }))).toEqual({ alias: "uplink" })
    expect(decode(bytes("0b000200 75706c696e6b00 00"))).toEqual({ alias: "uplink" })
  })
  it("keep their length checks", () => {
    expect(Schema.is(fx.FxAttrs)({ alias: "x".repeat(32) })).toBe(true)
    expect(Schema.is(fx.FxAttrs)({ alias: "x".repeat(33) })).toBe(false)
  })
})

describe("64-bit checks", () => {
  it("a u64 with only a minimum keeps the type's maximum", () => {
    expect(Schema.is(fx.FxAttrs)({ big: 0xffffffffffffffffn })).toBe(true)
    expect(Schema.is(fx.FxAttrs)({ big: 2n ** 53n + 1n })).toBe(true)
    expect(Schema.is(fx.FxAttrs)({ big: 0n })).toBe(false)
  })
  it("an s64 with only a maximum keeps the type's minimum", () => {
    expect(Schema.is(fx.FxAttrs)({ small: -0x8000000000000000n })).toBe(true)
    expect(Schema.is(fx.FxAttrs)({ small: 0n })).toBe(false)
  })
})

describe("imports", () => {
  it("re-exports the owner's definitions instead of generating them again", () => {
    expect(fx.FxProto).toBe(common.FxProto)
    expect(fx.FxProtoNames).toBe(common.FxProtoNames)
    expect(fx.FXGRP_ROUTE).toBe(7)
    expect(fx.decodeFxHdr).toBe(common.decodeFxHdr)
    expect(out.source("fx-types")).not.toMatch(/export const FxProto\b/)
    expect(out.source("fx-types")).not.toMatch(/export function decodeFxHdr\b/)
  })
  it("builds messages on an imported header struct", () => {
    const w = new Writer(64)
    fx.encodeFxMessage(w, { family: 2, index: -5, mark: 9, name: "a" })
    const b = w.finish()
    expect(hex(b.subarray(0, common.FxHdrSize))).toBe("02000000" + "fbffffff" + "0900" + "0000")
    expect(fx.decodeFxMessage(b, new DataView(b.buffer), 0, b.length)).toEqual({
      family: 2,
      index: -5,
      mark: 9,
      name: "a"
    })
  })
  it("constants are exported under their UAPI names", () => {
    expect(common.FXGRP_LINK).toBe(1)
    expect(out.source("fx-common")).toMatch(/export const FXGRP_LINK = 1\n/)
  })
})

describe("struct offsets", () => {
  it("give each member's byte offset, skipping padding", () => {
    expect(common.FxHdrOffsets).toEqual({ family: 0, index: 4, mark: 8 })
    expect(common.FxHdrSize).toBe(12)
  })
})

describe("generated imports", () => {
  it("import only what the module uses, with no void statements", () => {
    const src = out.source("fx-common")
    // fx-common has no addresses, no 64-bit values, no sub-messages
    expect(src).not.toMatch(/ipToString|parseMac|readU64|decodeRecords/)
    expect(src).not.toMatch(/^\s*void /m)
  })
  it("the committed generated modules carry no void statements either", () => {
    const root = path.resolve(import.meta.dirname, "../../src/generated")
    for (const family of fs.readdirSync(root)) {
      const src = fs.readFileSync(path.join(root, family, "index.ts"), "utf8")
      expect(src, family).not.toMatch(/^\s*void /m)
      expect(src, family).not.toMatch(/void \[/)
    }
  })
})

describe("extended-ack paths through a sub-message", () => {
  // A request: nlmsghdr, fx-hdr, FXA_KIND "tunnel", FXA_DATA { FXT_ID, FXT_PORT }.
  const request = (() => {
    const w = new Writer(128)
    const m = w.beginMessage(16, 5, 1)
    fx.encodeFxMessage(w, { family: 0, index: 1, mark: 0, data: { kind: "tunnel", id: 7, port: 4789 } })
    w.endMessage(m)
    return w.finish()
  })()
  // Offset of the FXT_PORT attribute: after nlmsghdr (16), fx-hdr (12), FXA_KIND (4 + 7 -> 12),
  // the FXA_DATA header (4) and FXT_ID (8).
  const portOffset = 16 + 12 + 12 + 4 + 8
  const ack = (offset: number) => {
    const w = new Writer(16)
    w.u16(8)
    w.u16(2) // NLMSGERR_ATTR_OFFS
    w.u32(offset)
    return w.finish()
  }
  const resolveAt = (offset: number) => {
    const tlv = ack(offset)
    return decodeTlvs(tlv, new DataView(tlv.buffer), 0, tlv.length, {
      request,
      headerLength: common.FxHdrSize,
      describePath: (t, c) => describePath(fx.FxMessageMeta, t, c)
    })?.attributePath
  }
  it("names the attribute inside the selected kind's set", () => {
    expect(request[portOffset + 2]).toBe(2) // the offset does point at FXT_PORT
    expect(resolveAt(portOffset)).toBe("FXA_DATA(tunnel) > FXT_PORT")
  })
  it("without the request's context, stops at the sub-message", () => {
    expect(describePath(fx.FxMessageMeta, [12, 2])).toBe("FXA_DATA > attribute 2")
  })
})

describe("spec errors name the bad entry", () => {
  const base = { name: "fx-bad", "attribute-sets": [] as Array<unknown> }
  const resolveWith = (spec: Record<string, unknown>) => () =>
    resolve("fx-bad.yaml", decodeSpec("fx-bad.yaml", { ...base, ...spec }), models())
  it("an import of a definition the other spec lacks", () => {
    expect(resolveWith({ imports: [{ from: "fx-common", definitions: ["nope"] }] })).toThrow(
      "fx-bad.yaml: imports.fx-common.nope: fx-common has no definition nope"
    )
  })
  it("an import from a spec that does not exist", () => {
    expect(resolveWith({ imports: [{ from: "fx-missing", definitions: ["x"] }] })).toThrow(
      "fx-bad.yaml: imports.fx-missing: no spec named fx-missing"
    )
  })
  it("a definition both imported and defined", () => {
    expect(
      resolveWith({
        imports: [{ from: "fx-common", definitions: ["fx-proto"] }],
        definitions: [{ name: "fx-proto", type: "enum", entries: [] }]
      })
    ).toThrow("fx-bad.yaml: definitions.fx-proto: defined twice")
  })
  it("an indexed-array without its element type", () => {
    expect(
      resolveWith({
        "attribute-sets": [
          { name: "s", "name-prefix": "X_", attributes: [{ uapi: "X_A", value: 1, type: "indexed-array" }] }
        ]
      })
    ).toThrow("fx-bad.yaml: s.X_A: indexed-array needs a sub-type (the element type)")
  })
  it("unterminated on a non-string", () => {
    expect(
      resolveWith({
        "attribute-sets": [
          {
            name: "s",
            "name-prefix": "X_",
            attributes: [{ uapi: "X_A", value: 1, type: "u32", unterminated: true }]
          }
        ]
      })
    ).toThrow("fx-bad.yaml: s.X_A: unterminated applies to string")
  })
})
