/**
 * The ipset ematch (issue 14) on the host, whose kernel has ip_set but no basic classifier (the
 * VM lane adds, lists and removes such filters and compares with tc: test/integration/
 * tc-filter-ipset.test.ts): the words, the struct xt_set_info the request carries (index,
 * dimensions, a bit per source dimension as tc sets it), reading back by index and naming,
 * the namespace's sets looked up by name and index (sets made with `ipset`), and the typed
 * error for a missing set; nothing is sent then.
 */
import { execFileSync } from "node:child_process"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import * as Ematch from "../../src/api/tc/filter/Ematch.ts"
import * as IpSet from "../../src/api/tc/filter/IpSet.ts"
import { decodeFilterMessage } from "../../src/generated/tc-filter/index.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"

describe("Ematch: ipset", () => {
  it("words: NAME and up to 6 of src/dst; the names it uses", () => {
    expect(Ematch.check("ipset(blocked src,dst)")).toBeUndefined()
    expect(Ematch.canonical("ipset(blocked  src,dst)")).toBe("ipset(blocked src,dst)")
    expect(Ematch.check("ipset(blocked)")).toMatch(/ipset/)
    expect(Ematch.check("ipset(blocked up)")).toMatch(/"up" is not src or dst/)
    expect(Ematch.check("ipset(blocked src,src,src,src,src,src,src)")).toMatch(/at most 6/)
    expect(Ematch.check(`ipset(${"x".repeat(32)} src)`)).toMatch(/longer than 31/)
    expect(Ematch.ipsets("ipset(a src) and not (ipset(b dst) or cmp(u8 at 9 eq 6)) or ipset(a dst)")).toEqual(
      ["a", "b"]
    )
    expect(Ematch.check("ipset(#65535 src)")).toMatch(/not a set index/)
    expect(Ematch.check("ipset(#x src)")).toMatch(/not a set index/)
    expect(Ematch.check("ipset(#12 src)")).toBeUndefined()
    expect(Ematch.ipsets("cmp(u8 at 9 eq 6)")).toEqual([])
    expect(Ematch.ipsets("ipset(#4 src)")).toEqual([])
  })

  it("the request carries xt_set_info; it reads back by index, then by name", () => {
    const text = "ipset(a src,dst) and not ipset(b dst,dst,src)"
    const bytes = Ematch.encode(
      text,
      new Map([
        ["a", 3],
        ["b", 260]
      ])
    )
    // two matches: tcf_ematch_hdr (8 bytes) then xt_set_info (index u16, dim u8, flags u8)
    const hex = Buffer.from(bytes).toString("hex")
    expect(hex).toContain(`0000080001000000${"0300" + "02" + "02"}`)
    expect(hex).toContain(`000008000400000${"0" + "0401" + "03" + "08"}`)
    const back = Ematch.decode(bytes)
    expect(back).toBe("ipset(#3 src,dst) and not ipset(#260 dst,dst,src)")
    expect(Ematch.setIndexes(back!)).toEqual([3, 260])
    const names = new Map([
      [3, "a"],
      [260, "b"]
    ])
    expect(Ematch.nameSets(back!, (i) => names.get(i))).toBe(text)
    // an index without a name stays; an index given as "#N" is sent as is
    expect(Ematch.nameSets(back!, () => undefined)).toBe(back)
    expect(Ematch.encode("ipset(#3 src,dst)")).toEqual(Ematch.encode("ipset(a src,dst)", new Map([["a", 3]])))
  })

  it("a basic filter's request with the sets looked up; read back through fromMessage", () => {
    const f: Filter.Filter = {
      dev: 3,
      parent: "ingress",
      protocol: "ip",
      priority: 2,
      handle: 1,
      kind: "basic",
      options: { match: "ipset(blocked src)", classid: "1:1" }
    }
    const bytes = Filter.request("add", f, 3, {}, new Map([["blocked", 7]]))
    const m = decodeFilterMessage(
      bytes,
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      16,
      bytes.length
    )
    const read = Filter.fromMessage(m)
    expect(read.options).toEqual({ match: "ipset(#7 src)", classid: "1:1" })
    expect(Filter.opensForRequest(f)).toBe(true)
    expect(Filter.opensForRequest({ ...f, options: { match: "ipset(#7 src)" } })).toBe(false)
  })
})

describeRoot("ipset lookups on the host (ip_set, no cls_basic)", () => {
  it.live(
    "names ↔ indexes in the namespace's own sets; a missing set is a Validation error, nothing sent",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("ipsh")
          ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
          for (const [name, type] of [
            ["nlset0", "hash:ip"],
            ["nlblk", "hash:net,port"]
          ])
            execFileSync("ip", ["netns", "exec", ns, "ipset", "create", name, type])
          yield* Effect.gen(function* () {
            // indexes in creation order, as `ipset` and the kernel number them in a fresh namespace
            const found = yield* IpSet.indexes(["nlblk", "nlset0"], "options.match")
            expect([...found]).toEqual([
              ["nlblk", 1],
              ["nlset0", 0]
            ])
            const names = yield* IpSet.withSets((s) => Effect.succeed([s.name(0), s.name(1), s.name(2)]))
            expect(names).toEqual(["nlset0", "nlblk", undefined])
            yield* Qdisc.add({ dev: "d0", kind: "clsact" })
            const before = yield* Filter.list({ dev: "d0" })
            const err = yield* Effect.flip(
              Filter.add({
                dev: "d0",
                parent: "ingress",
                kind: "basic",
                options: { match: "ipset(nlset0 src) or ipset(nope dst)" }
              })
            )
            expect(err.reason).toMatchObject({ _tag: "Validation", path: "options.match" })
            expect(err.message).toContain('"nope"')
            // both sets there: the lookup passes and the request goes out (this kernel has no cls_basic)
            const sent = yield* Effect.flip(
              Filter.add({
                dev: "d0",
                parent: "ingress",
                kind: "basic",
                options: { match: "ipset(nlset0 src) or ipset(nlblk dst,src)" }
              })
            )
            expect(sent.reason._tag, sent.message).toBe("Kernel")
            expect(yield* Filter.list({ dev: "d0" })).toEqual(before)
          }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
        })
      ),
    // a namespace's creation waits behind other tests' namespace teardown on a busy machine
    { timeout: 120_000 }
  )
})
