/**
 * Diff and the desired-state Schema without a kernel: plan order (masters
 * before ports, links before addresses before routes, removals in reverse),
 * the text and JSON forms, kernel-made objects left out, partial states and
 * purge scopes, and the generated JSON Schema.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Apply from "../../src/api/Apply.ts"
import * as Diff from "../../src/api/Diff.ts"

const wanted: Diff.State = {
  route: [{ destination: "10.1.0.0/16", gateway: "10.0.0.1" }],
  address: [{ dev: "br0", address: "10.0.0.2/24" }],
  link: [
    { kind: "veth", name: "v1", peer: { name: "v0" }, master: "br0" },
    { kind: "veth", name: "v0", peer: { name: "v1" } },
    { kind: "bridge", name: "br0", up: true }
  ]
}

describe("Diff", () => {
  it("orders additions by dependency and removals in reverse", () => {
    const plan = Diff.diff({}, wanted)
    expect(Diff.toText(plan).split("\n")).toEqual([
      "+ link br0 type bridge up",
      "+ link v0 type veth",
      "+ link v1 type veth master br0",
      "+ address 10.0.0.2/24 dev br0",
      "+ route 10.1.0.0/16 via 10.0.0.1 table main"
    ])
    const back = Diff.diff(wanted, {})
    expect(back.map((c) => `${c.op} ${c.type} ${c.key}`)).toEqual([
      "remove route inet|main|10.1.0.0/16||0|0|via 10.0.0.1",
      "remove address br0|10.0.0.2/24|",
      "remove link v1",
      "remove link v0",
      "remove link br0"
    ])
    expect(JSON.parse(Diff.toJson(plan))[4]).toEqual({
      op: "add",
      type: "route",
      key: "inet|main|10.1.0.0/16||0|0|via 10.0.0.1",
      object: { destination: "10.1.0.0/16", gateway: "10.0.0.1" }
    })
  })

  it("changes in place what can change, and an equal state plans nothing", () => {
    expect(Diff.diff(wanted, wanted)).toEqual([])
    const withMtu = (mtu: number): Diff.State => ({
      ...wanted,
      link: [{ kind: "bridge", name: "br0", up: true, mtu }, ...(wanted.link ?? []).slice(0, 2)]
    })
    const mtu = Diff.diff(withMtu(1500), withMtu(1400))
    expect(Diff.toText(mtu)).toBe("~ link br0 type bridge up (mtu)")
  })

  it("a link whose kind data changes is recreated with what is on it", () => {
    const before: Diff.State = {
      link: [{ kind: "vxlan", name: "vx0", id: 1, dstport: 4789 }],
      address: [{ dev: "vx0", address: "10.0.0.2/24" }]
    }
    const after: Diff.State = {
      link: [{ kind: "vxlan", name: "vx0", id: 2, dstport: 4789 }],
      address: [{ dev: "vx0", address: "10.0.0.2/24" }]
    }
    expect(Diff.toText(Diff.diff(before, after)).split("\n")).toEqual([
      "- link vx0 type vxlan",
      "+ link vx0 type vxlan",
      "+ address 10.0.0.2/24 dev vx0"
    ])
  })

  it("kernel-made objects are never planned", () => {
    const kernel: Diff.State = {
      link: [{ name: "lo", up: true, status: { linkType: "loopback" } }],
      route: [{ destination: "10.0.0.0/24", dev: "br0", protocol: "kernel", table: "main" }],
      address: [{ dev: "br0", address: "fe80::1/64" }]
    }
    expect(Diff.diff(kernel, {})).toEqual([])
    expect(Diff.diff({}, kernel)).toEqual([])
  })

  it("partial states manage only what they name; purge scopes remove the rest on a link", () => {
    const now: Diff.State = {
      link: [{ kind: "bridge", name: "br0", up: true, mtu: 1500, address: "02:00:00:00:00:01" }],
      address: [
        { dev: "br0", address: "10.0.0.2/24" },
        { dev: "br0", address: "10.0.0.3/24" },
        { dev: "eth0", address: "10.9.0.3/24" }
      ]
    }
    const desired: Diff.State = {
      link: [{ kind: "bridge", name: "br0", up: true }],
      address: [{ dev: "br0", address: "10.0.0.2/24" }]
    }
    expect(Diff.diff(now, desired, { partial: true })).toEqual([])
    const purged = Diff.diff(now, desired, {
      partial: true,
      purge: (type, o) => type === "address" && o.dev === "br0"
    })
    expect(Diff.toText(purged)).toBe("- address 10.0.0.3/24 dev br0")
  })

  it("an IPv4 route whose nexthop changes is replaced in place; IPv6 keeps one route per nexthop", () => {
    const now: Diff.State = {
      route: [
        { destination: "10.1.0.0/16", gateway: "10.0.0.2", dev: "br0" },
        { family: "inet6", destination: "2001:db8:1::/48", gateway: "2001:db8::2", dev: "br0" }
      ]
    }
    const desired: Diff.State = {
      route: [
        { destination: "10.1.0.0/16", gateway: "10.0.0.3", dev: "br0" },
        { family: "inet6", destination: "2001:db8:1::/48", gateway: "2001:db8::3", dev: "br0" }
      ]
    }
    for (const partial of [true, false]) {
      const plan = Diff.diff(now, desired, { partial })
      const v4 = plan.filter((c) => JSON.stringify(c).includes("10.1.0.0/16"))
      expect(v4).toEqual([expect.objectContaining({ op: "update", type: "route" })])
      expect(v4[0].op === "update" && (v4[0].from as any).gateway).toBe("10.0.0.2")
      const v6 = plan.filter((c) => JSON.stringify(c).includes("2001:db8:1::/48")).map((c) => c.op)
      // a partial state leaves the old IPv6 route (another nexthop of the same prefix) alone
      expect(v6).toEqual(partial ? ["add"] : ["remove", "add"])
    }
  })
})

describe("Apply.schema", () => {
  it("the desired state's JSON Schema is generated from the Effect Schema", () => {
    const doc = Apply.jsonSchema() as { schema: { properties?: Record<string, unknown> } }
    expect(Object.keys(doc.schema.properties ?? {})).toEqual(
      expect.arrayContaining(["version", "purge", "link", "address", "route", "neighbor", "rule"])
    )
  })

  it.effect("a bad desired state is a Validation error naming the path (nothing is read or sent)", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(Apply.plan({ address: [{ dev: "br0" }] }).pipe(Effect.provide(noKernel)))
      expect(e.reason._tag).toBe("Validation")
      expect(e.message).toMatch(/address/)
      const k = yield* Effect.flip(
        Apply.plan({ link: [{ kind: "nonsense", name: "x" }] }).pipe(Effect.provide(noKernel))
      )
      expect(k.reason._tag).toBe("Validation")
    })
  )
})

import { Layer } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"

// a Netlink service that must not be used: validation fails before any request
const noKernel = Layer.succeed(Netlink, {
  route: new Proxy({}, { get: () => () => Effect.die("no request may be sent") }) as any,
  namespace: undefined
})
