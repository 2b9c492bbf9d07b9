/**
 * Pure parts of the second pass of filter kinds: ematch expressions (parse errors, canonical
 * text, the kernel's dump layouts), flower's tunnel options as the kernel dumps them, the
 * route handle tc derives, and bad input failing with Validation naming the field before
 * anything is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Ematch from "../../src/api/tc/filter/Ematch.ts"
import * as N from "../../src/api/tc/filter/kinds/flowerNests.ts"

const attr = (t: number, b: ReadonlyArray<number>): Array<number> => {
  const len = 4 + b.length
  return [len & 0xff, len >> 8, t & 0xff, t >> 8, ...b, ...Array((4 - (len % 4)) % 4).fill(0)]
}

describe("ematch expressions", () => {
  it("parse errors name what is wrong", () => {
    expect(Ematch.check("cmp(u16 at 3 eq 5)")).toBeUndefined()
    expect(Ematch.check("cmp(u24 at 3 eq 5)")).toContain("u24")
    expect(Ematch.check("meta(bogus eq 1)")).toContain("unknown meta id")
    expect(Ematch.check('meta(nf_mark eq "x")')).toContain("compares with a number")
    expect(Ematch.check("cmp(u8 at 1 eq 2) and")).toContain("expected a match")
    expect(Ematch.check("(cmp(u8 at 1 eq 2)")).toContain("')'")
    expect(Ematch.check("u32(u16 0x1 0xff at 3)")).toContain("crosses")
    expect(Ematch.check("text(foo)")).toContain("unknown ematch")
    expect(Ematch.check("canid()")).toContain("at least one rule")
  })
  it("canonical text: names, defaults left out, u32 keys in their narrowest field", () => {
    expect(Ematch.canonical("meta(fwmark eq 0x5)")).toBe("meta(nf_mark eq 5)")
    expect(Ematch.canonical("cmp( u8 at 9 layer 1 mask 0 eq 6 )")).toBe("cmp(u8 at 9 eq 6)")
    expect(Ematch.canonical("u32(u32 0x00110000 0x00ff0000 at 8)")).toBe("u32(u8 0x11 0xff at 9)")
    expect(Ematch.canonical("u32(u16 0x1122 0xffff at nexthdr+6)")).toBe(
      "u32(u16 0x1122 0xffff at nexthdr+6)"
    )
    expect(Ematch.canonical("! cmp(u8 at 0 eq 1) || cmp(u8 at 0 eq 2)")).toBe(
      "not cmp(u8 at 0 eq 1) or cmp(u8 at 0 eq 2)"
    )
    expect(Ematch.canonical("canid(sff 0x1 eff 0x2:0x3)")).toBe("canid(eff 0x2:0x3 sff 0x1)")
    expect(Ematch.canonical('nbyte("a\\"b\\x01" at 2 layer link)')).toBe(
      'nbyte("a\\"b\\x01" at 2 layer link)'
    )
  })
  it("groups flatten as tc does and read back: nested groups, a container per group", () => {
    const e = "(cmp(u8 at 0 eq 1) or (cmp(u8 at 1 eq 2) and cmp(u8 at 2 eq 3))) and not (meta(vlan eq 4))"
    expect(Ematch.decode(Ematch.encode(e))).toBe(e)
  })
  it("canid as the kernel dumps it: its rule table (eff rules first) and the count after 500 rules", () => {
    const table = new Uint8Array(500 * 8 + 4)
    const v = new DataView(table.buffer)
    v.setUint32(0, 0x80001234, true)
    v.setUint32(4, 0x9fffffff, true)
    v.setUint32(8, 0x123, true)
    v.setUint32(12, 0x800007ff, true)
    v.setInt32(4000, 2, true)
    const hdr = [0, 0, 7, 0, 0, 0, 0, 0]
    const bytes = Uint8Array.from([...attr(1, [1, 0, 0, 0]), ...attr(2, attr(1, [...hdr, ...table]))])
    expect(Ematch.decode(bytes)).toBe("canid(eff 0x1234 sff 0x123)")
    expect(Ematch.canonical("canid(sff 0x123 eff 0x1234)")).toBe(Ematch.decode(bytes))
  })
})

describe("flower nests", () => {
  it("geneve options as the kernel dumps them: one nest, class/type/data repeated", () => {
    const inner = [
      ...attr(1, [1, 2]),
      ...attr(2, [0x80]),
      ...attr(3, [0, 0x80, 0, 0x22]),
      ...attr(1, [1, 3]),
      ...attr(2, [0x81]),
      ...attr(3, [0x12, 0x34, 0x56, 0x78])
    ]
    const mask = [
      ...attr(1, [0xff, 0xff]),
      ...attr(2, [0xff]),
      ...attr(3, [0xff, 0xff, 0xff, 0xff]),
      ...attr(1, [0xff, 0xff]),
      ...attr(2, [0xff]),
      ...attr(3, [0xff, 0xff, 0, 0])
    ]
    expect(N.readEncOpts(Uint8Array.from(attr(1, inner)), Uint8Array.from(attr(1, mask)))).toEqual({
      geneveOpts: "0102:80:00800022,0103:81:12345678/ffff:ff:ffff0000"
    })
  })
  it("conntrack state and ip flags texts", () => {
    expect(N.parseCtState("+trk+est-new")).toEqual([0x0a, 0x0b])
    expect(N.parseCtState("+trk+bogus")).toBeUndefined()
    expect(N.ctStateText(0x0a, 0x0b)).toBe("-new+est+trk")
    expect(N.parseIpFlags("frag/nofirstfrag")).toEqual([1, 3])
    expect(N.parseIpFlags("frag/frag")).toBeUndefined()
  })
})

describe("route handles", () => {
  it("tc's handle from to/from/fromif", () => {
    const handle = (options: object) => {
      const b = Filter.request(
        "add",
        { dev: "d0", parent: "ingress", kind: "route", options } as Filter.Filter,
        3,
        { d1: 2 }
      )
      return new DataView(b.buffer, b.byteOffset).getUint32(16 + 8, true)
    }
    expect(handle({ to: 10, from: 2 })).toBe(0x0002000a)
    expect(handle({ to: 10 })).toBe(0xffff000a)
    expect(handle({ from: 3 })).toBe(0x00038000)
    expect(handle({ to: 10, fromif: "d1" })).toBe(0x8002000a)
  })
})

describe("bad input: Validation naming the field, nothing sent", () => {
  const bad = (f: object, path: string) =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(Filter.add(f as Filter.Filter))
      expect(e.reason._tag).toBe("Validation")
      expect((e.reason as any).path).toContain(path)
    }).pipe(Effect.provide(Netlink.layer))
  const at = { dev: "lo", parent: "ingress" }
  it.effect("basic: a bad expression", () =>
    bad({ ...at, kind: "basic", options: { match: "cmp(u8 at 1 eq)" } }, "options.match")
  )
  it.effect("route: from and fromif", () =>
    bad({ ...at, kind: "route", options: { from: 1, fromif: "lo" } }, "options.fromif")
  )
  it.effect("route: a realm above 255", () =>
    bad({ ...at, kind: "route", options: { to: 256 } }, "options.to")
  )
  it.effect("flow: two keys in map mode", () =>
    bad({ ...at, kind: "flow", options: { mode: "map", keys: ["src", "dst"] } }, "options.keys")
  )
  it.effect("flow: perturb outside hash mode", () =>
    bad({ ...at, kind: "flow", options: { mode: "map", keys: ["src"], perturb: 5 } }, "options.perturb")
  )
  it.effect("flower: two kinds of tunnel options", () =>
    bad(
      { ...at, kind: "flower", options: { geneveOpts: "0102:80:00800022", gtpOpts: "1:8" } },
      "options.geneveOpts"
    )
  )
  it.effect("flower: geneve data not a multiple of 4 bytes", () =>
    bad({ ...at, kind: "flower", options: { geneveOpts: "0102:80:1234" } }, "options.geneveOpts")
  )
  it.effect("flower: spi without esp/ah", () =>
    bad({ ...at, kind: "flower", options: { spi: 5 } }, "options.spi")
  )
  it.effect("flower: mpls stack and single keys together", () =>
    bad({ ...at, kind: "flower", options: { mpls: [{ depth: 1, label: 1 }], mplsTtl: 3 } }, "options.mpls")
  )
  it.effect("flow: no handle", () =>
    bad({ ...at, kind: "flow", options: { mode: "map", keys: ["src"] } }, "handle")
  )
  it.effect("cgroup: no handle", () => bad({ ...at, kind: "cgroup" }, "handle"))
  it.effect("bpf: fd and pinned together", () =>
    bad({ ...at, kind: "bpf", options: { fd: 3, pinned: "/sys/fs/bpf/x" } }, "options.pinned")
  )
})
