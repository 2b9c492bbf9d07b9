/**
 * The cookbook (docs/cookbook) runs: each recipe in a fresh namespace, its
 * outcome checked with iproute2. Recipes that need what the host kernel lacks
 * (VLAN filtering, WireGuard, flower/police, vrf) run in the full-kernel lane.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vethIntoNamespace } from "../../docs/cookbook/01-veth-namespace.ts"
import { vlanBridge } from "../../docs/cookbook/02-bridge-vlan-filtering.ts"
import { wireguardFromConfig } from "../../docs/cookbook/03-wireguard-config.ts"
import { shapePerClient } from "../../docs/cookbook/04-htb-per-client.ts"
import { rateLimitHttps } from "../../docs/cookbook/05-flower-police.ts"
import { vrf } from "../../docs/cookbook/06-vrf.ts"
import { policyRouting } from "../../docs/cookbook/07-policy-routing.ts"
import { nexthopGroups } from "../../docs/cookbook/08-nexthop-groups.ts"
import { currentRoutes, routeChanges } from "../../docs/cookbook/09-watch-routes.ts"
import { copyNamespace } from "../../docs/cookbook/10-snapshot-restore.ts"
import { applyDesired } from "../../docs/cookbook/11-declarative-apply.ts"
import { ensureAddress, explainFailures } from "../../docs/cookbook/12-errors.ts"
import { Link, Netlink, Route, Snapshot } from "../../src/index.ts"
import { describeFullKernel, describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"

const inNs = (ns: string) => Effect.provide(Netlink.layerNamespace(ns))

/** A namespace with a veth pair d0/d1 up, d0 at 10.0.0.1/24. */
const withVeth = <A, E>(body: (ns: string) => Effect.Effect<A, E, Netlink>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("cook")
      ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
      ip(ns, "link", "set", "d0", "up")
      ip(ns, "link", "set", "d1", "up")
      ip(ns, "addr", "add", "10.0.0.1/24", "dev", "d0")
      return yield* body(ns).pipe(inNs(ns))
    })
  )

describeRoot("cookbook recipes on the host kernel", () => {
  it.live("1: a veth pair with one end in another namespace", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const outer = yield* freshNamespace("cook")
        const inner = yield* freshNamespace("cook")
        yield* vethIntoNamespace(inner).pipe(inNs(outer))
        const a = ipJson(outer, "addr", "show", "dev", "veth0")[0]
        const b = ipJson(inner, "addr", "show", "dev", "veth1")[0]
        expect(a.addr_info.map((x: any) => `${x.local}/${x.prefixlen}`)).toContain("10.0.0.1/24")
        expect(b.addr_info.map((x: any) => `${x.local}/${x.prefixlen}`)).toContain("10.0.0.2/24")
        expect(b.flags).toContain("UP")
        // the two ends see each other across the namespaces: carrier on both sides
        expect(a.flags).toContain("LOWER_UP")
        expect(b.flags).toContain("LOWER_UP")
        expect(ipJson(outer, "link", "show", "veth0")[0].link_netnsid).toBeTypeOf("number")
      })
    )
  )

  it.live("4: HTB shaping per client, u32 filters sending each address to its class", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const clients = [
          { address: "10.0.0.10", rate: "10mbit", ceil: "50mbit" },
          { address: "10.0.0.11", rate: "20mbit", ceil: "60mbit" }
        ]
        const classes = yield* shapePerClient("d0", clients)
        expect(classes.map((c) => c.classid).sort()).toEqual(["1:1", "1:10", "1:11", "1:99"])
        const shown = execFileSync("tc", ["-n", ns, "class", "show", "dev", "d0"], { encoding: "utf8" })
        expect(shown).toMatch(/class htb 1:11 parent 1:1 .*rate 20Mbit ceil 60Mbit/)
        const filters = execFileSync("tc", ["-n", ns, "filter", "show", "dev", "d0"], { encoding: "utf8" })
        expect(filters).toContain("flowid 1:10")
        expect(filters).toContain("flowid 1:11")
      })
    )
  )

  it.live("7: policy routing: a source network through its own table, marked traffic refused", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        ip(ns, "addr", "add", "10.20.0.1/16", "dev", "d1")
        const r = yield* policyRouting("d0", "10.0.0.2", "10.20.0.1")
        expect(r).toMatchObject({ table: 100, gateway: "10.0.0.2", dev: "d0" })
        const rules = ipJson(ns, "rule", "show")
        expect(rules).toContainEqual(
          expect.objectContaining({ priority: 1000, src: "10.20.0.0", table: "100" })
        )
        expect(rules).toContainEqual(
          expect.objectContaining({ priority: 900, fwmark: "0x66", action: "prohibit" })
        )
      })
    )
  )

  it.live("8: ECMP through a nexthop group; replacing a member moves the route", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const nhs = yield* nexthopGroups("d0")
        expect(nhs.map((n) => n.id ?? 0).sort((a, b) => a - b)).toEqual([1, 2, 10])
        expect(ipJson(ns, "nexthop", "show", "id", "2")[0].gateway).toBe("10.0.0.4")
        expect(ipJson(ns, "route", "show", "10.8.0.0/16")[0].nhid).toBe(10)
      })
    )
  )

  it.live("9: route changes as model objects, and a live view of the routes", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const lines = yield* routeChanges(
          2,
          Effect.gen(function* () {
            yield* Route.add({ destination: "10.1.0.0/16", gateway: "10.0.0.2" })
            yield* Route.remove({ destination: "10.1.0.0/16", gateway: "10.0.0.2" })
          })
        )
        expect([...lines]).toEqual(["New 10.1.0.0/16 via 10.0.0.2", "Deleted 10.1.0.0/16 via 10.0.0.2"])
        yield* Route.add({ destination: "10.2.0.0/16", gateway: "10.0.0.2" })
        const routes = yield* currentRoutes
        expect([...routes.values()].map((r: any) => r.destination)).toContain("10.2.0.0/16")
      })
    )
  )

  it.live("10: snapshot one namespace and restore it into an empty one: equal snapshots", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const from = yield* freshNamespace("cook")
        const to = yield* freshNamespace("cook")
        ip(from, "link", "add", "br0", "type", "bridge")
        ip(from, "link", "set", "br0", "up")
        ip(from, "addr", "add", "192.168.9.1/24", "dev", "br0")
        ip(from, "route", "add", "10.9.0.0/16", "via", "192.168.9.2")
        yield* copyNamespace(from, to)
        const a = yield* Snapshot.take.pipe(inNs(from))
        const b = yield* Snapshot.take.pipe(inNs(to))
        expect(Snapshot.equals(a, b)).toBe(true)
        expect(ipJson(to, "route", "show", "10.9.0.0/16")[0].gateway).toBe("192.168.9.2")
      })
    )
  )

  it.live("11: declarative apply: the dry run's plan, the apply, and an empty second plan", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("cook")
        const r = yield* applyDesired.pipe(inNs(ns))
        expect(r.planText).toContain("br-lan")
        expect(r.planText).toContain("10.77.0.0/16")
        expect(r.verified).toBe(true)
        expect(r.stepsLeft).toBe(0)
        expect(ipJson(ns, "route", "show", "10.77.0.0/16")[0].gateway).toBe("192.168.77.254")
      })
    )
  )

  it.live("12: errors: EEXIST tolerated; Validation names the field; the kernel's refusal is typed", () =>
    withVeth(() =>
      Effect.gen(function* () {
        yield* ensureAddress("d0", "10.0.0.1/24") // already there: no failure
        const [validation, kernel] = yield* explainFailures
        expect(validation).toMatch(/^Validation: .*name/)
        expect(kernel).toMatch(/^Kernel: .*no-such-device0/)
      })
    )
  )
})

describeFullKernel("cookbook recipes that need a full kernel", () => {
  it.live("2: a VLAN-aware bridge with a trunk and an access port", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
        const vlans = yield* vlanBridge("d1", "d2")
        expect(vlans.map((v) => [v.vid, v.pvid === true, v.untagged === true])).toEqual([[10, true, true]])
        const j = JSON.parse(
          execFileSync("bridge", ["-n", ns, "-j", "vlan", "show", "dev", "d1"], { encoding: "utf8" })
        )
        // bridge prints the range as one entry or VLAN by VLAN, depending on its version
        const ids = j[0].vlans.flatMap((v: any) =>
          Array.from({ length: (v.vlanEnd ?? v.vlan) - v.vlan + 1 }, (_, i) => v.vlan + i)
        )
        expect(ids.filter((id: number) => id >= 10 && id <= 20)).toEqual([
          10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
        ])
      })
    )
  )

  it.live("3: WireGuard from a configuration file, read back as wg showconf prints it", () =>
    withVeth(() =>
      Effect.gen(function* () {
        const text = [
          "[Interface]",
          "PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
          "ListenPort = 51820",
          "",
          "[Peer]",
          "PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=",
          "AllowedIPs = 10.192.122.0/24",
          "Endpoint = 10.0.0.2:51820"
        ].join("\n")
        const shown = yield* wireguardFromConfig("wg0", text)
        expect(shown).toContain("ListenPort = 51820")
        expect(shown).toContain("PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=")
        expect(shown).toContain("AllowedIPs = 10.192.122.0/24")
        expect(shown).toContain("Endpoint = 10.0.0.2:51820")
      })
    )
  )

  it.live("5: flower + police rate limiting on ingress", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        const filters = yield* rateLimitHttps("d0")
        expect(filters).toHaveLength(1)
        expect(filters[0]).toMatchObject({ kind: "flower", options: { ipProto: "tcp", dstPort: 443 } })
        const shown = execFileSync("tc", ["-n", ns, "filter", "show", "dev", "d0", "ingress"], {
          encoding: "utf8"
        })
        expect(shown).toContain("dst_port 443")
        expect(shown).toMatch(/police .*rate 10Mbit/)
      })
    )
  )

  it.live("6: a VRF with its own table and default route", () =>
    withVeth((ns) =>
      Effect.gen(function* () {
        yield* vrf("d1")
        expect(ipJson(ns, "link", "show", "d1")[0].master).toBe("red")
        const routes = ipJson(ns, "route", "show", "table", "10")
        expect(routes).toContainEqual(expect.objectContaining({ dst: "default", gateway: "192.168.50.254" }))
        // the main table does not have it
        expect(ipJson(ns, "route", "show", "default")).toEqual([])
        expect((yield* Link.get("red")).kind).toBe("vrf")
      })
    )
  )
})
