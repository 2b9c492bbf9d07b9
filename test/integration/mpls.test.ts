/**
 * MPLS label routes (AF_MPLS) against a real kernel: the full-kernel lane
 * (the host has no mpls_router module). The namespace gets label space
 * through /proc (net.mpls.platform_labels), no sysctl tool needed. Routes
 * written list back equal and as `ip -f mpls -j route` shows them; a listed
 * route removes exactly itself; routes ip configured recreate identically.
 * Bad input is refused before anything is sent (host).
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Mpls from "../../src/api/Mpls.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeFullKernel, describeRoot, freshNamespace, inNamespace, ip } from "../helpers/netns.ts"

const setup = (ns: string): void => {
  execFileSync("modprobe", ["mpls_router"])
  execFileSync("ip", ["netns", "exec", ns, "sh", "-c", "echo 1000 > /proc/sys/net/mpls/platform_labels"])
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

const mplsJson = (ns: string): Array<any> =>
  JSON.parse(
    execFileSync("ip", ["-n", ns, "-f", "mpls", "-j", "route", "show"], { encoding: "utf8" }) || "[]"
  )

describeFullKernel("MPLS routes", () => {
  it.live("swap, pop, via inet6 with ttl-propagate, multipath: add → list equals, as ip shows them", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const routes: Array<Mpls.MplsRoute> = [
          { label: 100, as: [200, 300], via: { family: "inet", address: "10.1.2.1" }, dev: "d0" },
          {
            label: 101,
            via: { family: "inet6", address: "2001:db8::2" },
            dev: "d0",
            ttlPropagate: true,
            protocol: "static"
          },
          { label: 102, dev: "d0", ttlPropagate: false },
          {
            label: 103,
            nexthops: [
              { as: [300], via: { family: "inet", address: "10.1.2.1" }, dev: "d0" },
              { as: [301], via: { family: "inet", address: "10.1.2.2" }, dev: "d0" }
            ]
          }
        ]
        for (const r of routes) yield* Mpls.add(r)
        const listed = yield* Mpls.list()
        expect(listed.map((r) => r.label)).toEqual([100, 101, 102, 103])
        for (const want of routes) {
          const got = listed.find((r) => r.label === want.label)!
          expect(Mpls.canonical(got), String(want.label)).toEqual(Mpls.canonical(want))
        }
        expect(listed[0]).toEqual({
          label: 100,
          protocol: "boot",
          dev: "d0",
          via: { family: "inet", address: "10.1.2.1" },
          as: [200, 300]
        })
        const shown = mplsJson(ns)
        expect(shown.find((r) => r.dst === "100")).toMatchObject({
          to: "200/300",
          via: { family: "inet", host: "10.1.2.1" },
          dev: "d0"
        })
        expect(shown.find((r) => r.dst === "101")).toMatchObject({
          via: { family: "inet6", host: "2001:db8::2" }
        })
        expect(ip(ns, "-f", "mpls", "route", "show", "101")).toMatch(/ttl-prop[oa]gate enabled/)
        expect(ip(ns, "-f", "mpls", "route", "show", "102")).toMatch(/ttl-prop[oa]gate disabled/)
        // replace swaps to other labels; raw messages are there too
        yield* Mpls.replace({
          label: 100,
          as: [400],
          via: { family: "inet", address: "10.1.2.1" },
          dev: "d0"
        })
        expect((yield* Mpls.list()).find((r) => r.label === 100)?.as).toEqual([400])
        const raw = yield* Mpls.listRaw()
        expect(raw.map((m) => Mpls.fromMessage(m).label)).toEqual([100, 101, 102, 103])
        // remove(listed) removes exactly each
        for (const r of yield* Mpls.list()) yield* Mpls.remove(r)
        expect(yield* Mpls.list()).toEqual([])
        // the kernel does not fail the removal of a label that has no route
        yield* Mpls.remove({ label: 100 })
        expect(yield* Mpls.list()).toEqual([])
      })
    )
  )

  it.live("routes ip configured read back and recreate identically in another namespace", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("mp")
        const b = yield* freshNamespace("mp")
        setup(a)
        setup(b)
        const add = (s: string) => ip(a, "-f", "mpls", "route", "add", ...s.split(" "))
        add("200 as 201/202/203 via inet 10.1.2.9 dev d0")
        add("210 via inet6 2001:db8::9 dev d0 ttl-propagate disabled")
        add("220 nexthop as 221/222 via inet 10.1.2.7 dev d0 nexthop as 223/224 via inet 10.1.2.8 dev d0")
        add("230 dev d0 proto static")
        const listed = yield* Mpls.list().pipe(
          Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: a })))
        )
        expect(listed.map((r) => r.label)).toEqual([200, 210, 220, 230])
        expect(listed.find((r) => r.label === 220)?.nexthops).toEqual([
          { dev: "d0", via: { family: "inet", address: "10.1.2.7" }, as: [221, 222] },
          { dev: "d0", via: { family: "inet", address: "10.1.2.8" }, as: [223, 224] }
        ])
        yield* Effect.forEach(listed, (r) => Mpls.add(r)).pipe(
          Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: b })))
        )
        expect(mplsJson(b)).toEqual(mplsJson(a))
      })
    )
  )
})

describeRoot("MPLS route validation", () => {
  it.live("bad input is a Validation error naming the field; nothing is sent", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const path = (r: unknown) =>
          Effect.flip(Mpls.add(r as Mpls.MplsRoute)).pipe(
            Effect.map((e) => [e.reason._tag, (e.reason as any).path])
          )
        expect(yield* path({ label: 3, dev: "lo" })).toEqual(["Validation", "label"])
        expect(yield* path({ label: 1 << 20, dev: "lo" })).toEqual(["Validation", "label"])
        expect(yield* path({ label: 100, as: [1 << 20], dev: "lo" })).toEqual(["Validation", "as[0]"])
        expect(yield* path({ label: 100, via: { family: "inet", address: "2001:db8::1" } })).toEqual([
          "Validation",
          "via.address"
        ])
        expect(
          yield* path({ label: 100, via: { family: "inet", address: "10.0.0.1" }, nexthops: [{ dev: "lo" }] })
        ).toEqual(["Validation", "via"])
        expect(yield* path({ label: 100, nexthops: [] })).toEqual(["Validation", "nexthops"])
        expect(yield* path({ label: 100, nexthops: [{ dev: "lo", as: [20] }, { dev: "lo" }] })).toEqual([
          "Validation",
          "nexthops[1].as"
        ])
        expect(yield* path({ label: 100, protocol: "nosuch" })).toEqual(["Validation", "protocol"])
      })
    )
  )

  it("canonical, key and equals", () => {
    expect(Mpls.canonical({ label: 100, dev: "d0", as: [], nexthops: undefined })).toEqual({
      label: 100,
      protocol: "boot",
      dev: "d0"
    })
    // a one-nexthop multipath route is the plain route the kernel stores
    expect(
      Mpls.equals(
        { label: 7, nexthops: [{ dev: "d0", via: { family: "inet6", address: "2001:DB8::0002" }, as: [9] }] },
        { label: 7, dev: "d0", via: { family: "inet6", address: "2001:db8::2" }, as: [9], protocol: 3 }
      )
    ).toBe(true)
    expect(Mpls.key({ label: 7, dev: "x" })).toBe(Mpls.key({ label: 7 }))
    expect(Mpls.equals({ label: 7, dev: "d0", ttlPropagate: true }, { label: 7, dev: "d0" })).toBe(false)
  })
})
