/**
 * Generic netlink in the generator: the family block, operations with their
 * request/reply attributes, and the genlmsghdr written before and skipped
 * after the attributes.
 */
import * as path from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { resolve } from "../../codegen/Model.ts"
import { decodeSpec } from "../../codegen/SpecSchema.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import { generate } from "./generate.ts"

const out = generate(["fx-genl"])
afterAll(() => out.remove())
const g: Record<string, any> = await import(path.join(out.dir, "fx-genl", "index.ts"))
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")

describe("generic netlink families", () => {
  it("exports the family name, version and multicast groups", () => {
    expect(g.GenlFamily).toEqual({ name: "fx-genl", version: 3, mcastGroups: ["events"] })
    expect(g.GENL_HDRLEN).toBe(4)
  })

  it("describes each operation with its cmd and attributes per mode", () => {
    expect(g.GetThingOperation).toEqual({
      name: "get-thing",
      cmd: 5,
      attributeSet: "fx-genl-attrs",
      do: { request: ["id"], reply: ["id", "name", "stats"] },
      dump: { request: [], reply: ["id", "name", "stats"] },
      event: false
    })
    expect(g.ThingChangedOperation.event).toBe(true)
    // events are only received: no request encoder
    expect(g.encodeThingChangedRequest).toBeUndefined()
    expect(typeof g.decodeThingChangedReply).toBe("function")
  })

  it("writes genlmsghdr (cmd, version, reserved) before the attributes", () => {
    const w = new Writer(64)
    g.encodeGetThingRequest(w, { id: 7 })
    expect(hex(w.finish())).toBe("05030000" + "08000100" + "07000000")
  })

  it("skips genlmsghdr when decoding a reply", () => {
    const b = new Uint8Array(
      Buffer.from("05030000" + "08000100" + "2a000000" + "08000200" + "61620000", "hex")
    )
    expect(g.decodeGetThingReply(b, new DataView(b.buffer), 0, b.length)).toEqual({ id: 42, name: "ab" })
  })

  it("fails a reply shorter than genlmsghdr with a decode error", () => {
    const b = new Uint8Array([5, 3])
    expect(() => g.decodeGetThingReply(b, new DataView(b.buffer), 0, 2)).toThrow(/get-thing.genlmsghdr/)
  })
})

describe("generic netlink spec checks", () => {
  const base = {
    name: "bad",
    "attribute-sets": [
      { name: "s", "name-prefix": "B_", attributes: [{ uapi: "B_X", value: 1, type: "u32" }] }
    ]
  }
  const op = { name: "get", uapi: "B_CMD_GET", value: 1, "attribute-set": "s", do: { request: ["x"] } }
  it("refuses operations without a genl block", () => {
    expect(() => resolve("bad.yaml", decodeSpec("bad.yaml", { ...base, operations: [op] }))).toThrow(
      /operations belong to a generic netlink family/
    )
  })
  it("names an operation attribute its set lacks", () => {
    const spec = decodeSpec("bad.yaml", {
      ...base,
      genl: { "family-name": "bad", version: 1 },
      operations: [{ ...op, do: { request: ["y"] } }]
    })
    expect(() => resolve("bad.yaml", spec)).toThrow(/operations\.get\.do\.request\.y: s has no attribute y/)
  })
  it("refuses two operations with one cmd", () => {
    const spec = decodeSpec("bad.yaml", {
      ...base,
      genl: { "family-name": "bad", version: 1 },
      operations: [op, { ...op, name: "other" }]
    })
    expect(() => resolve("bad.yaml", spec)).toThrow(/cmd 1 already used by get/)
  })
})
