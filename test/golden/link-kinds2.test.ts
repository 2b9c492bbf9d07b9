/**
 * xfrm, geneve, bareudp, ipvlan, ipvtap, nlmon and vcan requests against what iproute2 sent
 * (test/fixtures/golden/link-add-{xfrm,geneve,bareudp,ipvlan,ipvtap,nlmon,vcan}*.json):
 * Link.addRequest compared as nlmsg type and flags, decoded bodies and attribute trees; the
 * fixture's kind data read back through the module equals the input (Link.equals and field
 * by field); plus the kinds' checks.
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

const fixtureMessage = (fixture: string) => decode(onlyMessage(fixture).bytes)

/** Our request equals iproute2's; what it carries reads back equal to the input. */
const expectRoundTrip = (spec: Link.AddSpec, fixture: string) => {
  const m = fixtureMessage(fixture)
  const d0 = m.link ?? (m.linkInfo?.data as any)?.link
  const resolved: Link.AddResolved = d0 === undefined ? {} : { link: d0, devices: { dev: d0 } }
  expectLinkLikeIproute2(
    Link.addRequest(parse(Link.specSchemas[spec.kind], spec), resolved),
    onlyMessage(fixture)
  )
  const desc = byKind.get(spec.kind)!
  const read = desc.fromKernel(m.linkInfo?.data as any, {
    name: (i) => (i === d0 ? "d0" : i),
    link: m.link
  })
  const listed = { kind: spec.kind, name: spec.name, ...read } as unknown as Link.Link
  expect(Link.equals(listed, spec as unknown as Link.Link)).toBe(true)
  for (const [k, v] of Object.entries(spec))
    if (k !== "kind" && k !== "name") expect([k, (listed as any)[k]]).toEqual([k, v])
}

describe("Link.addRequest for xfrm, geneve, bareudp, ipvlan/ipvtap, nlmon, vcan matches ip link add", () => {
  it("xfrm with dev and if_id; external", () => {
    expectRoundTrip({ kind: "xfrm", name: "xi0", dev: "d0", ifId: 7 }, "link-add-xfrm")
    expectRoundTrip({ kind: "xfrm", name: "xi1", external: true }, "link-add-xfrm-external")
  })

  it("geneve over IPv4 with ttl, tos, df, dstport, udpcsum", () => {
    expectRoundTrip(
      {
        kind: "geneve",
        name: "gn0",
        id: 5,
        remote: "10.0.0.2",
        ttl: 64,
        tos: 0x10,
        df: "set",
        dstport: 6082,
        udpcsum: true
      },
      "link-add-geneve"
    )
  })

  it("geneve over IPv6 with flowlabel, ttl and tos inherit, zero checksums", () => {
    expectRoundTrip(
      {
        kind: "geneve",
        name: "gn1",
        id: 6,
        remote: "2001:db8::2",
        flowlabel: 0x99,
        ttl: "inherit",
        tos: "inherit",
        udp6zerocsumtx: true,
        udp6zerocsumrx: true
      },
      "link-add-geneve6"
    )
  })

  it("geneve external", () => {
    expectRoundTrip({ kind: "geneve", name: "gn2", external: true }, "link-add-geneve-external")
  })

  it("bareudp: mpls_uc with srcportmin and multiproto; ipv4 by number", () => {
    expectRoundTrip(
      {
        kind: "bareudp",
        name: "bu0",
        dstport: 6635,
        ethertype: "mpls_uc",
        srcportmin: 1000,
        multiproto: true
      },
      "link-add-bareudp"
    )
    expectRoundTrip(
      { kind: "bareudp", name: "bu1", dstport: 6636, ethertype: "ipv4" },
      "link-add-bareudp-ipv4"
    )
    expectLinkLikeIproute2(
      Link.addRequest(
        parse(Link.specSchemas.bareudp, { kind: "bareudp", name: "bu1", dstport: 6636, ethertype: 0x800 })
      ),
      onlyMessage("link-add-bareudp-ipv4")
    )
  })

  it("ipvlan modes and flags, ipvtap", () => {
    expectRoundTrip({ kind: "ipvlan", name: "iv0", link: "d0", mode: "l3" }, "link-add-ipvlan-l3")
    expectRoundTrip(
      { kind: "ipvlan", name: "iv1", link: "d0", mode: "l2", flag: "private" },
      "link-add-ipvlan-l2-private"
    )
    expectRoundTrip(
      { kind: "ipvlan", name: "iv2", link: "d0", mode: "l3s", flag: "vepa" },
      "link-add-ipvlan-l3s-vepa"
    )
    expectRoundTrip(
      { kind: "ipvtap", name: "it0", link: "d0", mode: "l2", flag: "bridge" },
      "link-add-ipvtap-l2-bridge"
    )
  })

  it("nlmon and vcan: the kind alone", () => {
    expectLinkLikeIproute2(Link.addRequest({ kind: "nlmon", name: "nlmon0" }), onlyMessage("link-add-nlmon"))
    expectLinkLikeIproute2(Link.addRequest({ kind: "vcan", name: "vcan0" }), onlyMessage("link-add-vcan"))
  })
})

describe("checks of xfrm, geneve, bareudp (nothing is sent)", () => {
  const check = (spec: Record<string, any>) => byKind.get(spec.kind)!.check!(spec as any)?.[0]
  it("name the field", () => {
    expect(check({ kind: "xfrm" })).toBe("ifId")
    expect(check({ kind: "xfrm", ifId: 0 })).toBe("ifId")
    expect(check({ kind: "xfrm", external: true, ifId: 3 })).toBe("ifId")
    expect(check({ kind: "xfrm", external: true, ifId: 0 })).toBeUndefined()
    expect(check({ kind: "xfrm", ifId: 3 })).toBeUndefined()
    expect(check({ kind: "geneve", remote: "10.0.0.2" })).toBe("id")
    expect(check({ kind: "geneve", id: 1 })).toBe("remote")
    expect(check({ kind: "geneve", external: true, remote: "10.0.0.2" })).toBe("remote")
    expect(check({ kind: "geneve", external: true })).toBeUndefined()
    expect(check({ kind: "bareudp", dstport: 1, ethertype: "ipv6", multiproto: true })).toBe("multiproto")
    expect(check({ kind: "bareudp", dstport: 1, ethertype: "ipv4", multiproto: true })).toBeUndefined()
  })
  it("Schemas refuse bad values", () => {
    const rejects = (spec: Record<string, unknown>, field: string) =>
      expect(() => parse(Link.specSchemas[spec.kind as Link.AddSpec["kind"]], spec)).toThrow(field)
    rejects({ kind: "bareudp", name: "b", ethertype: "ipv4" }, "dstport")
    rejects({ kind: "geneve", name: "g", id: 1 << 24, remote: "10.0.0.2" }, "id")
    rejects({ kind: "geneve", name: "g", id: 1, remote: "10.0.0.2", ttl: "never" }, "ttl")
    rejects({ kind: "ipvlan", name: "i", link: "d0", mode: "l4" }, "mode")
    rejects({ kind: "ipvlan", name: "i", link: "d0", flag: "passthru" }, "flag")
  })
})
