/**
 * Netconf and address labels against the host kernel: what `ip -j netconf` and
 * `ip -j addrlabel` show is what we list; sysctl changes read back; arbitrary labels add,
 * list back equal, and a listed label removes exactly itself.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import * as AddressLabel from "../../src/api/AddressLabel.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Netconf from "../../src/api/Netconf.ts"
import { describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const inNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("ncal")
      ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const sysctl = (ns: string, setting: string) =>
  execFileSync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", setting], { encoding: "utf8" })

const label = fc
  .record({
    words: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    len: fc.integer({ min: 1, max: 128 }),
    label: fc.integer({ min: 0, max: 0xfffffffe }),
    dev: fc.boolean()
  })
  .map(({ words, len, label, dev }) => {
    // clear the bits after the prefix length, as the kernel requires
    const bits = words.map((w, i) => {
      const keep = Math.max(0, Math.min(16, len - i * 16))
      return keep === 0 ? 0 : w & (0xffff << (16 - keep)) & 0xffff
    })
    const prefix = `${bits.map((w) => w.toString(16)).join(":")}/${len}`
    return dev ? { prefix, label, dev: "d0" } : { prefix, label }
  })

describeRoot("Netconf and AddressLabel", () => {
  it.live("netconf: list matches ip -j netconf show; get reads sysctl changes", () =>
    inNs((ns) =>
      Effect.gen(function* () {
        const listed = yield* Netconf.list({ family: "inet" })
        const shown = ipJson<Array<any>>(ns, "-4", "netconf", "show")
        expect(listed.map((c) => String(c.dev)).sort()).toEqual(shown.map((c) => c.interface).sort())
        const d0 = listed.find((c) => c.dev === "d0")!
        const shownD0 = shown.find((c) => c.interface === "d0")
        expect(d0).toMatchObject({
          family: "inet",
          forwarding: shownD0.forwarding,
          rpFilter: shownD0.rp_filter,
          proxyNeigh: shownD0.proxy_neigh,
          ignoreRoutesWithLinkdown: shownD0.ignore_routes_with_linkdown
        })
        sysctl(ns, "net.ipv4.conf.d0.forwarding=1")
        sysctl(ns, "net.ipv4.conf.d0.rp_filter=2")
        sysctl(ns, "net.ipv4.conf.d0.proxy_arp=1")
        expect(yield* Netconf.get({ family: "inet", dev: "d0" })).toMatchObject({
          dev: "d0",
          forwarding: true,
          rpFilter: "loose",
          proxyNeigh: true
        })
        sysctl(ns, "net.ipv6.conf.all.forwarding=1")
        expect(yield* Netconf.get({ family: "inet6", dev: "all" })).toMatchObject({
          dev: "all",
          forwarding: true
        })
        expect((yield* Netconf.get({ family: "inet6", dev: "default" })).dev).toBe("default")
        const gone = yield* Effect.flip(Netconf.get({ family: "inet", dev: "nosuch0" }))
        expect(gone.reason._tag).toBe("Kernel")
      })
    )
  )

  it(
    "address labels: add → list equals; remove(listed) restores",
    async () => {
      await fc.assert(
        fc.asyncProperty(label, (l) =>
          Effect.runPromise(
            inNs((ns) =>
              Effect.gen(function* () {
                const before = (yield* AddressLabel.list()).map(AddressLabel.key).sort()
                // a prefix the kernel has by default already exists
                if (before.includes(AddressLabel.key(l))) return
                yield* AddressLabel.add(l)
                const added = (yield* AddressLabel.list()).filter(
                  (x) => AddressLabel.key(x) === AddressLabel.key(l)
                )
                expect(added).toHaveLength(1)
                expect(AddressLabel.equals(added[0], l)).toBe(true)
                const json = Schema.decodeUnknownSync(AddressLabel.schema)(
                  JSON.parse(JSON.stringify(added[0]))
                )
                expect(AddressLabel.equals(json, l)).toBe(true)
                // ip sees the same
                const shown = ipJson<Array<any>>(ns, "addrlabel", "list").filter(
                  (x) =>
                    `${x.address}/${x.prefixlen}` === AddressLabel.canonical(l).prefix &&
                    (x.ifname ?? undefined) === l.dev
                )
                expect(shown.map((x) => x.label)).toEqual([l.label])
                yield* AddressLabel.remove(added[0])
                expect((yield* AddressLabel.list()).map(AddressLabel.key).sort()).toEqual(before)
              })
            )
          )
        ),
        { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 30) }
      )
    },
    testTimeout(120_000)
  )

  it.live("address labels: bad input fails with a Validation error naming the field", () =>
    inNs(() =>
      Effect.gen(function* () {
        const bits = yield* Effect.flip(AddressLabel.add({ prefix: "2001:db8::1/32", label: 1 }))
        expect(bits.reason).toMatchObject({ _tag: "Validation", path: "prefix" })
        const v4 = yield* Effect.flip(AddressLabel.add({ prefix: "10.0.0.0/8", label: 1 }))
        expect(v4.reason).toMatchObject({ _tag: "Validation", path: "prefix" })
        const big = yield* Effect.flip(AddressLabel.add({ prefix: "2001:db8::/32", label: 0xffffffff }))
        expect(big.reason).toMatchObject({ _tag: "Validation", path: "label" })
      })
    )
  )
})
