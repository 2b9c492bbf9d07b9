/**
 * Route encapsulation against the host kernel (ip and ip6 tunnel metadata;
 * MPLS label push needs the mpls_iptunnel module: full-kernel lane): routes
 * written with `encap` read back equal and as `ip -d -j route` shows them;
 * routes ip configured read back and recreate identically.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Route from "../../src/api/Route.ts"
import {
  describeFullKernel,
  describeRoot,
  freshNamespace,
  inNamespace,
  ip,
  ipJson
} from "../helpers/netns.ts"

const setup = (ns: string): void => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

const mine = (routes: ReadonlyArray<Route.Route>) =>
  routes.filter((r) => r.encap !== undefined || r.nexthops?.some((n) => n.encap))

describeRoot("Route encapsulation", () => {
  it.live("ip and ip6 tunnel encapsulation: add → list equals, as ip -d -j shows it", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const routes: Array<Route.Route> = [
          {
            destination: "10.6.0.0/16",
            dev: "d0",
            encap: {
              type: "ip",
              id: 100n,
              dst: "10.9.9.9",
              src: "10.1.2.3",
              tos: 4,
              ttl: 9,
              key: true,
              csum: true
            }
          },
          {
            destination: "10.7.0.0/16",
            dev: "d0",
            encap: { type: "ip6", id: 7n, dst: "2001:db8::9", hoplimit: 3, tc: 1, seq: true }
          },
          { destination: "10.8.0.0/16", dev: "d0", table: 100, encap: { type: "ip", dst: "10.9.9.8" } },
          {
            destination: "10.10.0.0/16",
            nexthops: [
              { dev: "d0", gateway: "10.1.2.1", encap: { type: "ip", id: 1n, dst: "10.9.9.1" } },
              {
                dev: "d0",
                gateway: "10.1.2.2",
                weight: 2,
                encap: { type: "ip6", id: 2n, dst: "2001:db8::2" }
              }
            ]
          }
        ]
        for (const r of routes) yield* Route.add(r)
        const listed = mine(yield* Route.list({ table: "all", family: "inet" }))
        expect(listed).toHaveLength(routes.length)
        for (const want of routes) {
          const got = listed.find((r) => r.destination === want.destination)!
          expect(Route.canonical(got), want.destination).toEqual(Route.canonical(want))
          expect(Route.equals(got, want)).toBe(true)
        }
        expect(listed.find((r) => r.destination === "10.6.0.0/16")!.encap).toEqual(routes[0]!.encap)
        const shown = ipJson<Array<any>>(ns, "-d", "route", "show", "10.6.0.0/16")[0]
        expect(shown).toMatchObject({
          encap: "ip",
          id: 100,
          src: "10.1.2.3",
          dst: "10.9.9.9",
          ttl: 9,
          tos: 4,
          key: true,
          csum: true
        })
        const shown6 = ipJson<Array<any>>(ns, "-d", "route", "show", "10.7.0.0/16")[0]
        expect(shown6).toMatchObject({
          encap: "ip6",
          id: 7,
          dst: "2001:db8::9",
          hoplimit: 3,
          tc: 1,
          seq: true
        })
        // remove(listed) removes exactly them
        for (const r of listed) yield* Route.remove(r)
        expect(mine(yield* Route.list({ table: "all", family: "inet" }))).toEqual([])
      })
    )
  )

  it.live("seg6 (encap, l2encap with HMAC, inline): add → list equals, as ip -d -j shows it", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
        const routes: Array<Route.Route> = [
          {
            destination: "10.12.0.0/16",
            dev: "d0",
            encap: { type: "seg6", mode: "encap", segments: ["2001:db8::a", "2001:db8::b", "2001:db8::c"] }
          },
          {
            destination: "10.13.0.0/16",
            dev: "d0",
            encap: { type: "seg6", mode: "l2encap", segments: ["2001:db8::a"], hmac: 7 }
          },
          {
            destination: "2001:db8:5::/48",
            dev: "d0",
            encap: { type: "seg6", mode: "inline", segments: ["2001:db8::c", "2001:db8::d"] }
          }
        ]
        for (const r of routes) yield* Route.add(r)
        const listed = mine(yield* Route.list({ table: "main" }))
        expect(listed).toHaveLength(3)
        for (const want of routes) {
          const got = listed.find((r) => r.destination === want.destination)!
          expect(got.encap).toEqual(want.encap)
          expect(Route.equals(got, want)).toBe(true)
        }
        const shown = ipJson<Array<any>>(ns, "-d", "route", "show", "10.12.0.0/16")[0]
        expect(shown).toMatchObject({
          encap: "seg6",
          mode: "encap",
          segs: ["2001:db8::a", "2001:db8::b", "2001:db8::c"]
        })
        expect(ipJson<Array<any>>(ns, "-d", "route", "show", "10.13.0.0/16")[0]).toMatchObject({
          mode: "l2encap",
          hmac: "0x7"
        })
        for (const r of listed) yield* Route.remove(r)
        expect(mine(yield* Route.list({ table: "all" }))).toEqual([])
      })
    )
  )

  it.live("routes ip configured with encap read back and recreate identically", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("re")
        const b = yield* freshNamespace("re")
        setup(a)
        setup(b)
        ip(
          a,
          "route",
          "add",
          "10.6.0.0/16",
          "encap",
          "ip",
          "id",
          "5",
          "dst",
          "10.9.9.9",
          "ttl",
          "3",
          "key",
          "dev",
          "d0"
        )
        ip(
          a,
          "route",
          "add",
          "10.7.0.0/16",
          "encap",
          "ip6",
          "dst",
          "2001:db8::7",
          "tc",
          "2",
          "dev",
          "d0",
          "metric",
          "9"
        )
        ip(
          a,
          "route",
          "add",
          "10.8.0.0/16",
          "nexthop",
          "encap",
          "ip",
          "id",
          "1",
          "dst",
          "10.9.9.1",
          "dev",
          "d0",
          "nexthop",
          "encap",
          "ip",
          "id",
          "2",
          "dst",
          "10.9.9.2",
          "dev",
          "d0"
        )
        const listed = mine(
          yield* Route.list({ family: "inet" }).pipe(
            Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: a })))
          )
        )
        expect(listed.map((r) => r.destination)).toEqual(["10.6.0.0/16", "10.7.0.0/16", "10.8.0.0/16"])
        expect(listed[0]!.encap).toEqual({ type: "ip", id: 5n, dst: "10.9.9.9", ttl: 3, key: true })
        expect(listed[2]!.nexthops?.map((n) => n.encap)).toEqual([
          { type: "ip", id: 1n, dst: "10.9.9.1" },
          { type: "ip", id: 2n, dst: "10.9.9.2" }
        ])
        yield* Effect.forEach(listed, (r) => Route.add(r)).pipe(
          Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: b })))
        )
        expect(ipJson(b, "-d", "route", "show")).toEqual(ipJson(a, "-d", "route", "show"))
      })
    )
  )

  it.live("bad encapsulation is a Validation error naming the field", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const e = yield* Effect.flip(
          Route.add({ destination: "10.6.0.0/16", dev: "d0", encap: { type: "mpls", labels: [1 << 20] } })
        )
        expect(e.reason._tag).toBe("Validation")
        expect((e.reason as any).path).toBe("encap.labels[0]")
        const e2 = yield* Effect.flip(
          Route.add({
            destination: "10.6.0.0/16",
            dev: "d0",
            encap: { type: "ip", dst: "2001:db8::1" } as any
          })
        )
        expect(e2.reason._tag).toBe("Validation")
      })
    )
  )
})

describeFullKernel("Route MPLS encapsulation", () => {
  it.live("encap mpls: label stack and ttl read back as written and as ip shows them", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const r: Route.Route = {
          destination: "10.5.0.0/16",
          gateway: "10.1.2.1",
          dev: "d0",
          encap: { type: "mpls", labels: [100, 200], ttl: 5 }
        }
        yield* Route.add(r)
        const [got] = mine(yield* Route.list())
        expect(got!.encap).toEqual(r.encap)
        expect(Route.equals(got!, r)).toBe(true)
        expect(ip(ns, "route", "show", "10.5.0.0/16")).toContain("encap mpls  100/200 ttl 5")
      })
    )
  )
})
