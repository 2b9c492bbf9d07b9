/**
 * Addresses, neighbours and rules configured with iproute2 are read with
 * `list`, recreated from those objects in a second, empty namespace (whose
 * links exist), and `ip -j` shows the same configuration in both.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Rule from "../../src/api/Rule.ts"
import { carrierSettled, describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"

const links = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
}

const configure = (ns: string) =>
  Effect.gen(function* () {
    links(ns)
    ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0", "brd", "+", "label", "d0:web")
    ip(ns, "addr", "add", "10.1.2.4/24", "dev", "d0", "metric", "50")
    ip(ns, "addr", "add", "10.9.0.1", "peer", "10.9.0.2/32", "dev", "d2")
    ip(
      ns,
      "addr",
      "add",
      "10.1.5.5/16",
      "dev",
      "d2",
      "valid_lft",
      "3000",
      "preferred_lft",
      "2000",
      "noprefixroute"
    )
    ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad", "mngtmpaddr")
    ip(
      ns,
      "addr",
      "add",
      "2001:db8:5::1/48",
      "dev",
      "d2",
      "nodad",
      "valid_lft",
      "5000",
      "preferred_lft",
      "100"
    )
    ip(ns, "link", "set", "d0", "up")
    ip(ns, "link", "set", "d2", "up")
    // (the peers stay down: a carrier-off linkwatch still pending would flush the noarp entry)
    yield* carrierSettled(ns, "d0", "d2")
    ip(ns, "neigh", "add", "10.1.2.9", "lladdr", "02:00:00:00:00:09", "dev", "d0", "nud", "permanent")
    ip(ns, "neigh", "add", "10.1.2.10", "lladdr", "02:00:00:00:00:0a", "dev", "d0", "nud", "noarp")
    ip(
      ns,
      "neigh",
      "add",
      "2001:db8::9",
      "lladdr",
      "02:00:00:00:00:19",
      "dev",
      "d0",
      "router",
      "nud",
      "permanent"
    )
    ip(ns, "neigh", "add", "proxy", "10.1.2.20", "dev", "d0")
    ip(ns, "neigh", "add", "proxy", "2001:db8::20", "dev", "d2")
    ip(ns, "rule", "add", "from", "10.0.0.0/8", "table", "1000", "priority", "100")
    ip(ns, "rule", "add", "fwmark", "0x10/0xff", "iif", "d0", "lookup", "main", "priority", "101")
    ip(ns, "rule", "add", "not", "to", "10.8.0.0/16", "prohibit", "priority", "102")
    ip(ns, "rule", "add", "ipproto", "tcp", "dport", "80-90", "table", "200", "priority", "103")
    ip(ns, "-6", "rule", "add", "from", "2001:db8::/32", "goto", "300", "priority", "104")
    ip(ns, "-6", "rule", "add", "uidrange", "100-200", "table", "local", "priority", "300")
  })

/** `ip -j addr` per device, without the lifetimes counting down (compared apart: they differ by the seconds between reads). */
const addresses = (ns: string) =>
  ipJson<Array<{ ifname: string; addr_info: Array<Record<string, unknown>> }>>(ns, "addr", "show")
    .filter((l) => l.ifname !== "lo")
    .map((l) => ({
      ifname: l.ifname,
      addrs: l.addr_info
        .filter((a) => a.scope !== "link") // link-local addresses are autoconfiguration's
        .map(({ valid_life_time: _v, preferred_life_time: _p, ...rest }) => rest)
    }))
const lifetimes = (ns: string) =>
  ipJson<Array<{ ifname: string; addr_info: Array<Record<string, unknown>> }>>(ns, "addr", "show")
    .filter((l) => l.ifname !== "lo")
    .flatMap((l) => l.addr_info.filter((a) => a.scope !== "link"))
    .map((a) => [a.valid_life_time as number, a.preferred_life_time as number] as const)
const neighbours = (ns: string) =>
  [
    ...ipJson<Array<Record<string, unknown>>>(ns, "neigh", "show", "nud", "permanent"),
    ...ipJson<Array<Record<string, unknown>>>(ns, "neigh", "show", "nud", "noarp"),
    ...ipJson<Array<Record<string, unknown>>>(ns, "neigh", "show", "proxy")
  ].filter((n) => !/^ff|^2(2[4-9]|3\d)\./i.test(String(n.dst)))
const rules = (ns: string) => [ipJson(ns, "rule", "show"), ipJson(ns, "-6", "rule", "show")]

const inside = <A, E>(ns: string, f: Effect.Effect<A, E, Netlink>) =>
  f.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))

describeRoot("Addresses, neighbours and rules read and recreated", () => {
  it.live("a namespace configured with ip, listed, recreated in an empty one, shows the same in ip -j", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("src")
        const b = yield* freshNamespace("dst")
        yield* configure(a)
        const read = yield* inside(
          a,
          Effect.all({
            addresses: Address.list(),
            neighbours: Neighbor.list(),
            proxies: Neighbor.listProxy(),
            rules: Rule.list()
          })
        )
        links(b)
        yield* inside(
          b,
          Effect.gen(function* () {
            // addresses first (the links are down, so no autoconfiguration meanwhile), then up
            for (const x of read.addresses) if (x.scope !== "link" && x.dev !== "lo") yield* Address.add(x)
            ip(b, "link", "set", "d0", "up")
            ip(b, "link", "set", "d2", "up")
            yield* carrierSettled(b, "d0", "d2")
            for (const n of read.neighbours)
              if (n.state === "permanent" || n.state === "noarp") yield* Neighbor.add(n)
            for (const p of read.proxies) yield* Neighbor.add(p)
            const existing = yield* Rule.list()
            for (const r of read.rules)
              if (!existing.some((e) => Rule.key(e) === Rule.key(r))) yield* Rule.add(r)
          })
        )
        expect(addresses(a).flatMap((l) => l.addrs)).toHaveLength(6)
        expect(addresses(b)).toEqual(addresses(a))
        const [la, lb] = [lifetimes(a), lifetimes(b)]
        expect(la.filter(([v]) => v !== 0xffffffff)).toHaveLength(2)
        for (let i = 0; i < la.length; i++)
          for (const k of [0, 1]) {
            // forever stays forever; a finite lifetime expires at the same moment in both (within the read's second)
            if (la[i][k] === 0xffffffff) expect(lb[i][k]).toBe(0xffffffff)
            else expect(Math.abs(la[i][k] - lb[i][k])).toBeLessThanOrEqual(2)
          }
        expect(neighbours(b)).toEqual(neighbours(a))
        expect(rules(b)).toEqual(rules(a))
        expect(rules(a).flat()).toHaveLength(3 + 4 + 2 + 2)
        expect(neighbours(a)).toHaveLength(5) // 3 cache entries and 2 proxies
      })
    )
  )
})
