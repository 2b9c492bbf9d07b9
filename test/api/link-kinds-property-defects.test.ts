/**
 * Inputs the link kind property tests (link-kinds-property.test.ts) found, each a defect
 * fixed in the kind's module: the exact input, through the same pure round trip
 * (Link.addRequest → decode → Link.fromMessage) or the kind's check.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Link from "../../src/api/Link.ts"
import { byKind } from "../../src/api/link/registry.ts"
import { encodeDecode, expectEqual, messageWith, roundTrip, validate } from "../helpers/arbitraryLink.ts"

describe("inputs the properties found (each was a defect)", () => {
  it("vxlan: kind data with an address attribute of the wrong length is listed, not thrown on", () => {
    // IFLA_VXLAN_LOCAL6 with one byte of payload
    const m = encodeDecode(messageWith("vxlan", new Uint8Array([5, 0, 16, 0, 0, 0, 0, 0])))
    const listed = Link.fromMessage(m)
    expect(listed).toMatchObject({ kind: "vxlan", name: "k0" })
    expect((listed as Record<string, unknown>).group).toBeUndefined()
  })

  it("vxlan: local 0.0.0.0 is no local address (the kernel lists none)", () => {
    const spec = { kind: "vxlan", name: "k0", external: true, local: "0.0.0.0" } as Link.Link
    const listed = roundTrip(spec)
    expect((listed as Record<string, unknown>).local).toBeUndefined()
    expectEqual(spec, listed)
  })

  it("IPv6 addresses compare as the kernel spells them (ip6gre, ip6tnl, vti6, bond ns targets)", () => {
    for (const spec of [
      { kind: "ip6gre", local: "0:0:0:0:0:0:0:0" },
      { kind: "ip6gretap", remote: "2001:DB8:0:0:0:0:0:1" },
      { kind: "ip6tnl", remote: "0:0:0:0:0:0:0:0" },
      { kind: "vti6", local: "fe80:0:0:0:0:0:0:1" },
      { kind: "bond", nsIp6Targets: ["0:0:0:0:0:0:0:0", "2001:db8:0:0:0:0:0:2"] }
    ]) {
      const input = { name: "k0", ...spec } as Link.Link
      expectEqual(input, roundTrip(input))
    }
    expect(
      Link.equals(
        { kind: "vti6", name: "k0", local: "2001:DB8::1" } as Link.Link,
        { kind: "vti6", name: "k0", local: "2001:db8::1" } as Link.Link
      )
    ).toBe(true)
  })

  it("vlan: flags outside the attribute's mask are not read as off", () => {
    const spec = { kind: "vlan", name: "k0", id: 0, link: 1, flags: {} } as Link.Link
    const listed = roundTrip(spec)
    // flags {} sends mask 0: nothing is said about reorder_hdr, whose default is on
    expect((listed as Record<string, any>).flags).toEqual({})
    expectEqual(spec, listed)
  })

  it("geneve: remote 0.0.0.0 is refused (the kernel lists it as no remote, which could not be given back)", () => {
    const desc = byKind.get("geneve")!
    expect(desc.check?.({ id: 0, remote: "0.0.0.0" })?.[0]).toBe("remote")
    expect(desc.check?.({ id: 0, remote: "::" })?.[0]).toBe("remote")
    expect(desc.check?.({ id: 0, remote: "10.0.0.2" })).toBeUndefined()
  })

  it("ip6gre / ip6gretap: a listed link carries no ERSPAN options its kind refuses as input", () => {
    // ip (and Link.add) send ERSPAN version 1 on every ip6gre kind
    const listed = roundTrip({ kind: "ip6gre", remote: "2001:db8::2" })
    expect((listed as Record<string, unknown>).erspanVer).toBeUndefined()
    expect(validate("ip6gre", { ...listed, status: undefined })._tag).toBe("Success")
    expect(
      (roundTrip({ kind: "ip6erspan", remote: "2001:db8::2" }) as Record<string, unknown>).erspanVer
    ).toBe(1)
  })

  it("bridge: times compare in whole 2 cs steps and clamped as the kernel clamps (what a 250 Hz kernel lists)", () => {
    const br = (o: Record<string, unknown>) => ({ kind: "bridge", name: "br0", ...o }) as Link.Link
    // a 250 Hz kernel lists 1501 cs as 1500, 3 as 2
    expect(Link.equals(br({ forwardDelay: 1501 }), br({ forwardDelay: 1500 }))).toBe(true)
    expect(Link.equals(br({ ageingTime: 3 }), br({ ageingTime: 2 }))).toBe(true)
    expect(
      Link.equals(br({ multicastLastMemberInterval: 99n }), br({ multicastLastMemberInterval: 98n }))
    ).toBe(true)
    expect(Link.equals(br({ forwardDelay: 1502 }), br({ forwardDelay: 1500 }))).toBe(false)
    expect(
      Link.equals(br({ multicastMembershipInterval: 100n }), br({ multicastMembershipInterval: 98n }))
    ).toBe(false)
    // query and startup query intervals: at least 1 s, at most a day
    expect(Link.equals(br({ multicastQueryInterval: 1n }), br({ multicastQueryInterval: 100n }))).toBe(true)
    expect(
      Link.equals(
        br({ multicastStartupQueryInterval: 9_000_000n }),
        br({ multicastStartupQueryInterval: 8_640_000n })
      )
    ).toBe(true)
    // past 2^32 - 1 cs the kernel's conversion overflows: refused
    expect(validate("bridge", br({ multicastQuerierInterval: 0x100000000n }))._tag).toBe("Failure")
    expect(validate("bridge", br({ multicastQuerierInterval: 0xffffffffn }))._tag).toBe("Success")
  })

  it("hsr: a version with proto prp is refused before anything is sent (the 7.3 kernel answered EINVAL)", () => {
    const desc = byKind.get("hsr")!
    const input = { slave1: "d0", slave2: "d1", supervision: 27, version: 0, proto: "prp" }
    expect(desc.check?.(input)?.[0]).toBe("version")
    expect(desc.check?.({ ...input, proto: 1 })?.[0]).toBe("version")
    expect(desc.check?.({ ...input, proto: "hsr" })).toBeUndefined()
    const { version: _v, ...prp } = input
    expect(desc.check?.(prp)).toBeUndefined()
  })
})
