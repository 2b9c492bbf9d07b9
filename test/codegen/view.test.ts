/**
 * The view layer emitter (codegen/View.ts) and what it generated for rt-link:
 * checks come from the spec (not retyped), enum names map both ways, booleans
 * and device fields map as the view says, and a spec that leaves a complex
 * attribute without a view, or names an enum entry that does not exist, fails
 * codegen with the attribute's path.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { Schema } from "effect"
import { parse } from "yaml"
import { resolve, SpecError } from "../../codegen/Model.ts"
import { decodeSpec } from "../../codegen/SpecSchema.ts"
import { emitViews } from "../../codegen/View.ts"
import { decodeLinkinfoVxlanAttrs, encodeLinkinfoVxlanAttrs } from "../../src/generated/rt-link/index.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import {
  BridgeFields,
  bridgeCanonical,
  bridgeFromWire,
  bridgeToWire,
  geneveFromWire,
  geneveToWire,
  VxlanFields,
  vxlanCanonical,
  vxlanDevices,
  vxlanFromWire,
  vxlanToWire
} from "../../src/generated/rt-link/view.ts"

const specText = readFileSync(new URL("../../spec/rt-link.yaml", import.meta.url), "utf8")

const tiny = (attr: object, extra: object = {}) =>
  resolve(
    "tiny.yaml",
    decodeSpec("tiny.yaml", {
      name: "tiny",
      definitions: [
        {
          name: "mode",
          type: "enum",
          entries: [
            { uapi: "M_A", value: 0 },
            { uapi: "M_B", value: 1 }
          ]
        }
      ],
      "attribute-sets": [{ name: "tiny-attrs", "name-prefix": "T_", view: "tiny", attributes: [attr] }],
      ...extra
    })
  )

describe("view layer emitter", () => {
  it("rt-link's view is what codegen writes (checks from the spec: vxlan id max 16777215)", () => {
    const model = resolve("spec/rt-link.yaml", decodeSpec("spec/rt-link.yaml", parse(specText)))
    const code = emitViews(model, "spec/rt-link.yaml", "npm run codegen")!
    expect(code).toContain("id: Schema.optional(P.intBetween(P.U32, 0, 16777215))")
    expect(Schema.decodeUnknownExit(Schema.Struct(VxlanFields))({ id: 16777216 })._tag).toBe("Failure")
    expect(Schema.decodeUnknownExit(Schema.Struct(VxlanFields))({ id: 16777215 })._tag).toBe("Success")
  })

  it("a binary attribute without a view is refused, with its path", () => {
    expect(() => emitViews(tiny({ uapi: "T_BLOB", value: 1, type: "binary" }), "tiny.yaml", "x")).toThrow(
      /tiny-attrs\.T_BLOB.*needs view\.as/
    )
    expect(() => emitViews(tiny({ uapi: "T_BLOB", value: 1, type: "binary" }), "tiny.yaml", "x")).toThrow(
      SpecError
    )
  })

  it("enum values must be entries of the attribute's enum", () => {
    const bad = tiny({
      uapi: "T_MODE",
      value: 1,
      type: "u8",
      enum: "mode",
      view: { as: "enum", values: { a: "M_A", c: "M_C" } }
    })
    expect(() => emitViews(bad, "tiny.yaml", "x")).toThrow(/values\.c: M_C is not in enum mode/)
    const good = tiny({
      uapi: "T_MODE",
      value: 1,
      type: "u8",
      enum: "mode",
      view: { as: "enum", values: { a: "M_A", b: "M_B" } }
    })
    expect(emitViews(good, "tiny.yaml", "x")).toContain('Schema.Literals(["a","b"])')
  })

  it("keywords: an integer's named values and a keyword attribute join one field's literal union", () => {
    const attrs = (extra: object) =>
      resolve(
        "tiny.yaml",
        decodeSpec("tiny.yaml", {
          name: "tiny",
          "attribute-sets": [
            {
              name: "tiny-attrs",
              "name-prefix": "T_",
              view: "tiny",
              attributes: [
                { uapi: "T_TTL", value: 1, type: "u8", view: { keywords: { auto: 0 }, default: 0 } },
                { uapi: "T_INHERIT", value: 2, type: "flag", "dump-type": "u8", view: extra }
              ]
            }
          ]
        })
      )
    const code = emitViews(attrs({ as: "keyword", of: "ttl", keyword: "inherit" }), "tiny.yaml", "x")!
    expect(code).toContain('ttl: Schema.optional(Schema.Union([Schema.Literals(["auto","inherit"]), P.U8]))')
    expect(code).toContain('readonly ttl?: number | "auto" | "inherit"')
    // the default is named by its keyword
    expect(code).toContain('ttl: "auto",')
    expect(code).not.toMatch(/inherit\??:/)
    expect(() =>
      emitViews(attrs({ as: "keyword", of: "hops", keyword: "inherit" }), "tiny.yaml", "x")
    ).toThrow(/T_INHERIT: view.of hops: no integer field/)
    expect(() => emitViews(attrs({ as: "keyword", of: "ttl" }), "tiny.yaml", "x")).toThrow(
      /T_INHERIT: as: keyword needs view.of and view.keyword/
    )
  })
})

describe("generated view mappings", () => {
  it("booleans, renamed fields and enums map one name both ways", () => {
    const wire = bridgeToWire({
      multicastSnooping: false,
      vlanProtocol: "802.1ad",
      stpState: true,
      forwardDelay: 400
    })
    expect(wire).toEqual({ mcastSnooping: 0, vlanProtocol: 0x88a8, stpState: 1, forwardDelay: 400 })
    expect(bridgeFromWire(wire)).toEqual({
      multicastSnooping: false,
      vlanProtocol: "802.1ad",
      stpState: true,
      forwardDelay: 400
    })
    // an unnamed enum value stays a number
    expect(bridgeFromWire({ vlanProtocol: 0x1234 }).vlanProtocol).toBe(0x1234)
    expect(Object.keys(BridgeFields)).toContain("multicastSnooping")
    expect(Object.keys(BridgeFields)).not.toContain("mcastSnooping")
  })

  it("canonical forms fill the kernel's defaults and name enum numbers", () => {
    const c = bridgeCanonical({ vlanProtocol: 0x8100 })
    expect(c).toMatchObject({
      vlanProtocol: "802.1Q",
      forwardDelay: 1500,
      multicastSnooping: true,
      stpState: false
    })
  })

  it("device fields take a name or index; the engine's resolution is used for names", () => {
    expect(vxlanDevices).toEqual(["dev"])
    expect(vxlanToWire({ id: 1, dev: 7 }).link).toBe(7)
    expect(vxlanToWire({ id: 1, dev: "eth0" }, { dev: 3 }).link).toBe(3)
    expect(() => vxlanToWire({ id: 1, dev: "eth0" })).toThrow(/not resolved/)
    expect(vxlanFromWire({ id: 1, link: 3 }, (i) => (i === 3 ? "eth0" : i)).dev).toBe("eth0")
    // flags read as booleans, absent = false
    expect(vxlanFromWire({ id: 1, gbp: true })).toMatchObject({ gbp: true, gpe: false })
  })

  it("ttl keywords: vxlan's inherit is the TTL_INHERIT flag (dumped as u8), auto is 0", () => {
    expect(vxlanToWire({ ttl: "inherit" })).toEqual({ ttlInherit: true })
    expect(vxlanToWire({ ttl: "auto" })).toEqual({ ttl: 0 })
    expect(vxlanToWire({ ttl: 64 })).toEqual({ ttl: 64 })
    // a dump carries TTL_INHERIT as a u8: 0 is off, 1 on
    expect(vxlanFromWire({ ttl: 0, ttlInherit: false }).ttl).toBe("auto")
    expect(vxlanFromWire({ ttl: 0, ttlInherit: true }).ttl).toBe("inherit")
    expect(vxlanFromWire({ ttl: 64, ttlInherit: false }).ttl).toBe(64)
    expect(vxlanCanonical({}).ttl).toBe("auto")
    expect(vxlanCanonical({ ttl: 0 }).ttl).toBe("auto")
    expect(Schema.decodeUnknownExit(Schema.Struct(VxlanFields))({ ttl: "never" })._tag).toBe("Failure")
    // geneve's TTL_INHERIT is a u8 both ways
    expect(geneveToWire({ ttl: "inherit" })).toEqual({ ttlInherit: 1 })
    expect(geneveFromWire({ ttl: 0, ttlInherit: 1 }).ttl).toBe("inherit")
    expect(geneveFromWire({ ttl: 0, ttlInherit: 0 }).ttl).toBe("auto")
  })

  it("a flag with dump-type u8 is written empty and read from its byte", () => {
    const w = new Writer()
    encodeLinkinfoVxlanAttrs(w, { ttlInherit: true })
    const sent = w.finish()
    expect([...sent]).toEqual([4, 0, 28, 0])
    const read = (bytes: Array<number>) =>
      decodeLinkinfoVxlanAttrs(
        new Uint8Array(bytes),
        new DataView(new Uint8Array(bytes).buffer),
        0,
        bytes.length
      )
    expect(read([4, 0, 28, 0]).ttlInherit).toBe(true)
    expect(read([5, 0, 28, 0, 0, 0, 0, 0]).ttlInherit).toBe(false)
    expect(read([5, 0, 28, 0, 1, 0, 0, 0]).ttlInherit).toBe(true)
  })
})
