/**
 * IP tunnel requests against what iproute2 sent (test/fixtures/golden/link-add-{gre,gretap,
 * erspan,ip6gre,ip6gretap,ip6erspan,ipip,sit,ip6tnl,vti,vti6}*.json): Link.addRequest with
 * IFLA_LINKINFO from the kind modules, compared as nlmsg type and flags, decoded bodies and
 * attribute trees; plus the kinds' input checks and the decoding back into the input shape.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Link from "../../src/api/Link.ts"
import { byKind } from "../../src/api/link/registry.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { expectLinkLikeIproute2, messageDecoder, onlyMessage } from "./nlmsg.ts"

const decode = messageDecoder(decodeLinkMessage)

const parse = <A>(schema: Schema.Codec<A, any>, input: unknown): A =>
  Schema.decodeUnknownSync(schema as any, { onExcessProperty: "error" } as any)(input) as A

const addRequest = (spec: Link.AddSpec, resolved: Link.AddResolved = {}): Uint8Array =>
  Link.addRequest(parse(Link.specSchemas[spec.kind], spec), resolved)

/** The kind data the fixture carries, as the generated decoder reads it. */
const fixtureData = (fixture: string): any => decode(onlyMessage(fixture).bytes).linkInfo?.data

/** d0's ifindex as the fixture's kind data names it (IFLA_*_LINK). */
const fixtureDev = (fixture: string): number => fixtureData(fixture).link

/**
 * Our request equals iproute2's, and the fixture's kind data read back through the module is
 * Link.equals to the input (d0's index named back as "d0").
 */
const expectRoundTrip = (spec: Link.AddSpec, fixture: string, devices: Record<string, number> = {}) => {
  expectLinkLikeIproute2(addRequest(spec, { devices }), onlyMessage(fixture))
  const desc = byKind.get(spec.kind)!
  const read = desc.fromKernel(fixtureData(fixture), { name: (i) => (i === devices.dev ? "d0" : i) })
  const listed = { kind: spec.kind, name: spec.name, ...read } as unknown as Link.Link
  expect(Link.equals(listed, spec as unknown as Link.Link)).toBe(true)
  // and the fields the input gave read back as given
  for (const [k, v] of Object.entries(spec))
    if (k !== "kind" && k !== "name") expect([k, (listed as any)[k]]).toEqual([k, v])
}

describe("Link.addRequest for IP tunnels matches ip link add", () => {
  it("gre: endpoints, ttl, tos, ikey/okey with icsum and oseq, underlay dev", () => {
    const dev = fixtureDev("link-add-gre")
    expectRoundTrip(
      {
        kind: "gre",
        name: "g0",
        remote: "10.0.0.2",
        local: "10.0.0.1",
        ttl: 64,
        tos: 0x10,
        ikey: 5,
        okey: 6,
        icsum: true,
        oseq: true,
        dev: "d0"
      },
      "link-add-gre",
      { dev }
    )
  })

  it("gre over fou: encap type, ports, csum; nopmtudisc, ignore-df, fwmark", () => {
    expectRoundTrip(
      {
        kind: "gre",
        name: "g1",
        remote: "10.0.0.2",
        local: "10.0.0.1",
        encap: "fou",
        encapSport: 4000,
        encapDport: 5555,
        encapCsum: true,
        pmtudisc: false,
        ignoreDf: true,
        fwmark: 7
      },
      "link-add-gre-encap-fou"
    )
  })

  it("gretap: one key both ways, tos inherit", () => {
    expectRoundTrip(
      {
        kind: "gretap",
        name: "gt0",
        remote: "10.0.0.2",
        local: "10.0.0.1",
        ikey: 9,
        okey: 9,
        tos: "inherit"
      },
      "link-add-gretap"
    )
  })

  it("erspan v1 (index) and v2 (direction, hwid)", () => {
    const base = { remote: "10.0.0.2", local: "10.0.0.1", iseq: true, oseq: true } as const
    expectRoundTrip(
      { kind: "erspan", name: "es0", ...base, ikey: 10, okey: 10, erspanVer: 1, erspan: 123 },
      "link-add-erspan-v1"
    )
    expectRoundTrip(
      {
        kind: "erspan",
        name: "es1",
        ...base,
        ikey: 11,
        okey: 11,
        erspanVer: 2,
        erspanDir: "egress",
        erspanHwid: 7
      },
      "link-add-erspan-v2"
    )
  })

  it("ip6gre: hoplimit, encaplimit, tclass, flowlabel, key", () => {
    expectRoundTrip(
      {
        kind: "ip6gre",
        name: "g6",
        remote: "2001:db8::2",
        local: "2001:db8::1",
        hoplimit: 32,
        encaplimit: 5,
        tclass: 0x20,
        flowlabel: 0x1234,
        ikey: 3,
        okey: 3
      },
      "link-add-ip6gre"
    )
  })

  it("ip6gre: encaplimit none, tclass/flowlabel inherit, allow-localremote, gue with remcsum", () => {
    expectRoundTrip(
      {
        kind: "ip6gre",
        name: "g7",
        remote: "2001:db8::2",
        local: "2001:db8::1",
        encaplimit: "none",
        tclass: "inherit",
        flowlabel: "inherit",
        allowLocalremote: true,
        encap: "gue",
        encapSport: "auto",
        encapDport: 6000,
        encapRemcsum: true
      },
      "link-add-ip6gre-inherit"
    )
  })

  it("ip6gretap with checksums both ways; ip6erspan v2", () => {
    expectRoundTrip(
      {
        kind: "ip6gretap",
        name: "gt6",
        remote: "2001:db8::2",
        local: "2001:db8::1",
        icsum: true,
        ocsum: true
      },
      "link-add-ip6gretap"
    )
    expectRoundTrip(
      {
        kind: "ip6erspan",
        name: "es6",
        remote: "2001:db8::2",
        local: "2001:db8::1",
        iseq: true,
        oseq: true,
        ikey: 12,
        okey: 12,
        erspanVer: 2,
        erspanDir: "ingress",
        erspanHwid: 3
      },
      "link-add-ip6erspan-v2"
    )
  })

  it("ipip: ttl, tos, gue encap with remcsum, dev; mode any with fwmark", () => {
    const dev = fixtureDev("link-add-ipip")
    expectRoundTrip(
      {
        kind: "ipip",
        name: "t4",
        remote: "10.0.0.2",
        local: "10.0.0.1",
        ttl: 64,
        tos: 0x10,
        encap: "gue",
        encapSport: 1000,
        encapDport: 6000,
        encapRemcsum: true,
        dev: "d0"
      },
      "link-add-ipip",
      { dev }
    )
    expectRoundTrip(
      { kind: "ipip", name: "t5", mode: "any", remote: "10.0.0.2", local: "10.0.0.1", fwmark: 3 },
      "link-add-ipip-any"
    )
  })

  it("sit: 6rd prefix and relay prefix; isatap", () => {
    expect(fixtureData("link-add-sit-6rd").v6rdPrefixlen).toBe(32)
    expectRoundTrip(
      {
        kind: "sit",
        name: "s0",
        remote: "10.0.0.2",
        local: "10.0.0.1",
        ttl: 64,
        "6rdPrefix": "2001:db8::/32",
        "6rdRelayPrefix": "10.0.0.0/8"
      },
      "link-add-sit-6rd"
    )
    expectRoundTrip({ kind: "sit", name: "s1", local: "10.0.0.1", isatap: true }, "link-add-sit-isatap")
  })

  it("ip6tnl: ip6ip6, ipip6 with encaplimit none and dscp inherit, any over fou", () => {
    const base = { remote: "2001:db8::2", local: "2001:db8::1" } as const
    expectRoundTrip(
      {
        kind: "ip6tnl",
        name: "t6",
        mode: "ip6ip6",
        ...base,
        encaplimit: 2,
        hoplimit: 40,
        tclass: 0x08,
        flowlabel: 0x99
      },
      "link-add-ip6tnl-ip6ip6"
    )
    expectRoundTrip(
      { kind: "ip6tnl", name: "t7", mode: "ipip6", ...base, encaplimit: "none", dscpInherit: true },
      "link-add-ip6tnl-ipip6"
    )
    expectRoundTrip(
      {
        kind: "ip6tnl",
        name: "t8",
        mode: "any",
        ...base,
        encap: "fou",
        encapSport: 1111,
        encapDport: 2222,
        encapCsum: true
      },
      "link-add-ip6tnl-any"
    )
  })

  it("vti with ikey/okey and fwmark; vti6 with key and dev", () => {
    expectRoundTrip(
      { kind: "vti", name: "vti0", remote: "10.0.0.2", local: "10.0.0.1", ikey: 7, okey: 8, fwmark: 2 },
      "link-add-vti"
    )
    const dev = fixtureDev("link-add-vti6")
    expectRoundTrip(
      {
        kind: "vti6",
        name: "vti6",
        remote: "2001:db8::2",
        local: "2001:db8::1",
        ikey: 9,
        okey: 9,
        dev: "d0"
      },
      "link-add-vti6",
      { dev }
    )
  })
})

describe("IP tunnel input checks (nothing is sent)", () => {
  const rejects = (spec: Record<string, unknown>, field: string) =>
    expect(() => parse(Link.specSchemas[spec.kind as Link.AddSpec["kind"]], spec)).toThrow(field)

  it("addresses of the wrong family, ranges and literals are refused by the Schema", () => {
    rejects({ kind: "gre", name: "g", remote: "2001:db8::1" }, "remote")
    rejects({ kind: "ip6gre", name: "g", local: "10.0.0.1" }, "local")
    rejects({ kind: "erspan", name: "e", erspan: 0x100000 }, "erspan")
    rejects({ kind: "ip6tnl", name: "t", flowlabel: 0x100000 }, "flowlabel")
    rejects({ kind: "ip6tnl", name: "t", mode: "ipip" }, "mode")
    rejects({ kind: "sit", name: "s", "6rdPrefix": "2001:db8::" }, "6rdPrefix")
    rejects({ kind: "sit", name: "s", "6rdRelayPrefix": "10.0.0.0/33" }, "6rdRelayPrefix")
    rejects({ kind: "gre", name: "g", encapSport: "any" }, "encapSport")
  })

  it("cross-field checks name the field", () => {
    const check = (spec: Record<string, any>) => byKind.get(spec.kind)!.check!(spec as any)
    expect(check({ kind: "gre", erspan: 1 })?.[0]).toBe("erspan")
    expect(check({ kind: "erspan", erspanVer: 1, erspanHwid: 3 })?.[0]).toBe("erspanHwid")
    expect(check({ kind: "erspan", erspanVer: 2, erspan: 3 })?.[0]).toBe("erspan")
    expect(check({ kind: "gre", pmtudisc: false, ttl: 64 })?.[0]).toBe("pmtudisc")
    expect(check({ kind: "gre", pmtudisc: false, ttl: "inherit" })).toBeUndefined()
    expect(check({ kind: "ipip", mode: "ip6ip" })?.[0]).toBe("mode")
    expect(check({ kind: "ipip", isatap: true })?.[0]).toBe("isatap")
    expect(check({ kind: "sit", mode: "ip6ip", isatap: true })).toBeUndefined()
  })
})
