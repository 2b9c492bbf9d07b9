/**
 * The ipset ematch on a full kernel (the VM lane; the host has no basic or cgroup classifier):
 * sets made with `ipset` in a fresh namespace, basic and cgroup filters matching them by name
 * list back equal (the kernel keeps the index: the listing names it again), `tc` shows the same
 * sets, get and Batch work, remove(listed) restores the namespace and add(listed) recreates;
 * a missing set fails with a Validation error naming options.match and adds nothing.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Batch from "../../src/api/Batch.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))

describeFullKernel("ipset ematch (issue 14)", () => {
  it.live(
    "basic and cgroup filters on sets by name: list, tc, get, Batch, remove, recreate; a missing set",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("tcips")
          spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
          execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
          for (const [name, type] of [
            ["nlset0", "hash:ip"],
            ["nlblk", "hash:net,port"]
          ])
            execFileSync("ip", ["netns", "exec", ns, "ipset", "create", name, type])
          yield* Effect.gen(function* () {
            yield* Qdisc.add({ dev: "d0", kind: "clsact" })
            const where = { dev: "d0", parent: "ingress" } as const
            const before = (yield* Filter.list(where)).map(Filter.canonical)
            const basic: Filter.Filter = {
              ...where,
              protocol: "ip",
              priority: 3,
              kind: "basic",
              options: { match: "ipset(nlblk src,dst) and not ipset(nlset0 dst)", classid: "1:1" }
            }
            const cgroup: Filter.Filter = {
              ...where,
              protocol: "all",
              priority: 4,
              handle: 1,
              kind: "cgroup",
              options: { match: "ipset(nlset0 src)" }
            }
            yield* Filter.add(basic)
            const out = yield* Batch.run([{ op: "add", type: "filter", object: cgroup }])
            expect(out.map((o) => o._tag)).toEqual(["Done"])
            const listed = (yield* Filter.list(where)).filter((f) => f.priority === 3 || f.priority === 4)
            expect(listed, json(listed)).toHaveLength(2)
            const b = listed.find((f) => f.priority === 3)!
            const c = listed.find((f) => f.priority === 4)!
            expect(Filter.equals(b, basic), `${json(b)} vs ${json(basic)}`).toBe(true)
            expect(Filter.equals(c, cgroup), `${json(c)} vs ${json(cgroup)}`).toBe(true)
            expect((b.options as Filter.BasicOptions).match).toBe(
              "ipset(nlblk src,dst) and not ipset(nlset0 dst)"
            )
            // tc reads the same sets back by name
            const shown = execFileSync("tc", ["-n", ns, "filter", "show", "dev", "d0", "ingress"], {
              encoding: "utf8"
            })
            expect(shown).toContain("nlblk")
            expect(shown).toContain("nlset0")
            const got = yield* Filter.get(b)
            expect(Filter.equals(got, basic), json(got)).toBe(true)

            // a missing set: Validation naming the field, nothing added
            const err = yield* Effect.flip(
              Filter.add({ ...basic, priority: 5, options: { match: "ipset(nosuchset src)" } })
            )
            expect(err.reason).toMatchObject({ _tag: "Validation", path: "options.match" })
            expect(err.message).toContain("nosuchset")

            for (const f of listed) yield* Filter.remove(f)
            expect((yield* Filter.list(where)).map(Filter.canonical)).toEqual(before)
            // the listed objects recreate the same filters
            for (const f of listed) yield* Filter.add(f)
            const again = (yield* Filter.list(where)).filter((f) => f.priority === 3 || f.priority === 4)
            expect(again.map(Filter.canonical)).toEqual(listed.map(Filter.canonical))
            for (const f of again) yield* Filter.remove(f)
            expect((yield* Filter.list(where)).map(Filter.canonical)).toEqual(before)
          }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
        })
      )
  )
})
