/**
 * Pure parts of filters and actions: control actions, protocols, u32 handles and key packing,
 * canonical forms and equality (kernel-chosen priority/handle, action indexes, inherited flags).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Action from "../../src/api/Action.ts"
import * as Filter from "../../src/api/Filter.ts"
import * as Control from "../../src/api/tc/action/Control.ts"
import { formatHandle, packKeys, parseHandle } from "../../src/api/tc/filter/kinds/u32.ts"
import * as Protocol from "../../src/api/tc/filter/Protocol.ts"

describe("control actions", () => {
  it("names, goto chain and jump both ways", () => {
    expect(Control.parse("drop")).toBe(2)
    expect(Control.parse("continue")).toBe(-1)
    expect(Control.parse("goto chain 5")).toBe(0x20000005)
    expect(Control.parse("jump 2")).toBe(0x10000002)
    expect(Control.parse("explode")).toBeUndefined()
    expect(Control.format(0)).toBe("pass")
    expect(Control.format(0x20000005)).toBe("goto chain 5")
    expect(Control.format(99)).toBe(99)
    expect(Control.canonical("ok")).toBe("pass")
    expect(Control.canonical("shot")).toBe("drop")
  })
})

describe("protocols", () => {
  it("tc's names and numbers", () => {
    expect(Protocol.parse("802.1q")).toBe(0x8100)
    expect(Protocol.parse("0x88cc")).toBe(0x88cc)
    expect(Protocol.parse("ipx6")).toBeUndefined()
    expect(Protocol.format(0x0003)).toBe("all")
    expect(Protocol.format(0x1234)).toBe(0x1234)
  })
})

describe("u32", () => {
  it("handles in tc's notation", () => {
    expect(parseHandle("800::800")).toBe(0x80000800)
    expect(parseHandle("2:a:1")).toBe(0x0020a001)
    expect(parseHandle("1:2:3:4")).toBeUndefined()
    expect(formatHandle(0x80000000)).toBe("800:")
    expect(formatHandle(0x80000800)).toBe("800::800")
    expect(formatHandle(0x0020a000)).toBe("2:a")
  })
  it("keys pack into words as tc packs them; contradictions are refused", () => {
    expect(packKeys(["ip sport 53 0xffff", "ip dport 80 0xffff"])).toEqual([
      { value: (53 << 16) | 80, mask: 0xffffffff, off: 20, offmask: 0 }
    ])
    expect(packKeys(["u8 0x45 0xff at 0", "ip protocol 6 0xff"])).toEqual([
      { value: 0x45000000, mask: 0xff000000, off: 0, offmask: 0 },
      { value: 0x00060000, mask: 0x00ff0000, off: 8, offmask: 0 }
    ])
    expect(packKeys(["tcp dst 22 0xffff"])).toEqual([{ value: 22, mask: 0xffff, off: 0, offmask: -1 }])
    expect(packKeys(["ip protocol 6 0xff", "ip protocol 17 0xff"])).toEqual({
      index: 1,
      problem: "it contradicts an earlier match on the same word"
    })
  })
})

describe("Filter equality", () => {
  const base: Filter.Filter = {
    dev: "d0",
    parent: "ingress",
    kind: "u32",
    options: { match: ["ip src 10.0.0.0/8"] }
  }
  it("priority and handle the kernel picks are compared only when both give them", () => {
    expect(Filter.equals(base, { ...base, priority: 49152, handle: "800::800" })).toBe(true)
    expect(Filter.equals({ ...base, priority: 1 }, { ...base, priority: 2 })).toBe(false)
  })
  it("matches read back as keys equal the words written", () => {
    expect(
      Filter.equals(base, { ...base, options: { match: [{ value: 0x0a000000, mask: 0xff000000, at: 12 }] } })
    ).toBe(true)
    expect(Filter.equals(base, { ...base, options: { match: ["ip src 10.0.0.0/16"] } })).toBe(false)
  })
  it("the parent by name or number, protocol all by default", () => {
    expect(Filter.equals(base, { ...base, parent: "ffff:fff2", protocol: "all" })).toBe(true)
    expect(Filter.equals(base, { ...base, parent: "egress" })).toBe(false)
  })
  it("actions in order; their index compared when both give it; skip_hw inherited from the filter", () => {
    const m: Filter.Filter = {
      dev: "d0",
      parent: "ingress",
      kind: "matchall",
      options: { skipHw: true },
      actions: [{ kind: "gact", options: { action: "ok" } }]
    }
    expect(
      Filter.equals(m, {
        ...m,
        actions: [{ kind: "gact", index: 3, flags: ["skip_hw"], options: { action: "pass" } }]
      })
    ).toBe(true)
    expect(Filter.equals(m, { ...m, actions: [{ kind: "gact", options: { action: "drop" } }] })).toBe(false)
  })
})

describe("Action canonical forms", () => {
  it("defaults as tc applies them", () => {
    expect(Action.canonical({ kind: "gact" })).toEqual({ kind: "gact", options: { action: "pass" } })
    expect(Action.canonical({ kind: "mirred", options: { mode: "mirror", dev: "eth1" } })).toEqual({
      kind: "mirred",
      options: { direction: "egress", mode: "mirror", action: "pipe", dev: "eth1" }
    })
    expect(
      Action.equals(
        { kind: "police", options: { rate: "1mbit", burst: "10kb" } },
        { kind: "police", options: { rate: 1000000, burst: 10240, exceed: "reclassify", conform: "pass" } }
      )
    ).toBe(true)
    expect(
      Action.equals(
        { kind: "nat", options: { direction: "egress", old: "10.0.0.0/8", new: "1.2.3.4" } },
        { kind: "nat", options: { direction: "egress", old: "10.0.0.0/8", new: "1.2.3.4", action: "ok" } }
      )
    ).toBe(true)
  })
})
