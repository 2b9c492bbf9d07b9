/**
 * macsec link requests against what `ip link add ... type macsec` sent
 * (test/fixtures/golden/link-add-macsec*.json): Link.addRequest compared as nlmsg type and
 * flags, decoded bodies and attribute trees; the fixture's kind data read back through the
 * module equals the input; plus the kind's checks.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Link from "../../src/api/Link.ts"
import { macsec } from "../../src/api/link/kinds/macsec.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { expectLinkLikeIproute2, messageDecoder, onlyMessage } from "./nlmsg.ts"

const decode = messageDecoder(decodeLinkMessage)

const parse = (input: unknown): Link.AddSpec =>
  Schema.decodeUnknownSync(Link.specSchemas.macsec as any, { onExcessProperty: "error" } as any)(input) as any

const roundTrip = (spec: Record<string, unknown>, fixture: string) => {
  const m = decode(onlyMessage(fixture).bytes)
  const d0 = m.link!
  expectLinkLikeIproute2(Link.addRequest(parse(spec), { link: d0, devices: {} }), onlyMessage(fixture))
  const read = macsec.fromKernel(m.linkInfo?.data as any, { name: (i) => (i === d0 ? "d0" : i), link: d0 })
  const listed = { kind: "macsec", name: spec.name, ...read } as unknown as Link.Link
  expect(Link.equals(listed, spec as unknown as Link.Link)).toBe(true)
  return read as Record<string, unknown>
}

describe("Link.addRequest for macsec matches ip link add ... type macsec", () => {
  it("no options: the kind alone under IFLA_LINK", () => {
    const read = roundTrip({ kind: "macsec", name: "m0", link: "d0" }, "link-add-macsec")
    expect(read).toEqual({ link: "d0" })
  })

  it("port, icvlen, gcm-aes-256, encrypt, send_sci off, end station, replay window 64, validate check, encodingsa 2", () => {
    const spec = {
      kind: "macsec",
      name: "m1",
      link: "d0",
      sciPort: 7,
      icvlen: 12,
      cipher: "gcm-aes-256",
      encrypt: true,
      sendSci: false,
      endStation: true,
      replay: true,
      window: 64,
      validate: "check",
      encodingsa: 2
    }
    const read = roundTrip(spec, "link-add-macsec-options")
    for (const k of [
      "icvlen",
      "cipher",
      "encrypt",
      "sendSci",
      "endStation",
      "replay",
      "window",
      "validate",
      "encodingsa"
    ])
      expect([k, read[k]]).toEqual([k, (spec as any)[k]])
    // ip sends the port alone (the kernel reports it inside the SCI)
    expect(read.sciPort).toBe(7)
  })

  it("explicit sci, gcm-aes-xpn-128, scb, protect off, offload off", () => {
    const spec = {
      kind: "macsec",
      name: "m2",
      link: "d0",
      sci: "02aabbccddee0009",
      cipher: "gcm-aes-xpn-128",
      scb: true,
      protect: false,
      offload: "off"
    }
    const read = roundTrip(spec, "link-add-macsec-sci-xpn")
    expect(read).toMatchObject({ sci: "02aabbccddee0009", sciPort: 9, cipher: "gcm-aes-xpn-128", scb: true })
    // the read-back object (sci with its port) builds the same request
    roundTrip({ ...spec, sciPort: 9 }, "link-add-macsec-sci-xpn")
  })

  it("gcm-aes-128, validate disabled, encrypt off; gcm-aes-xpn-256 with icvlen 16", () => {
    roundTrip(
      { kind: "macsec", name: "m3", link: "d0", cipher: "gcm-aes-128", validate: "disabled", encrypt: false },
      "link-add-macsec-gcm-aes-128"
    )
    const read = roundTrip(
      { kind: "macsec", name: "m4", link: "d0", cipher: "gcm-aes-xpn-256", icvlen: 16 },
      "link-add-macsec-xpn-256"
    )
    expect(read).toMatchObject({ cipher: "gcm-aes-xpn-256", icvlen: 16 })
  })
})

describe("macsec reading and equality", () => {
  it("the kernel's GCM-AES-128 id (MACSEC_DEFAULT_CIPHER_ID) reads as gcm-aes-128, the window only with replay", () => {
    const read = macsec.fromKernel(
      {
        sci: new Uint8Array([0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 1]),
        cipherSuite: 0x0080020001000001n,
        icvLen: 16,
        window: 0,
        replayProtect: 0,
        incSci: 1,
        es: 0,
        scb: 0,
        protect: 1,
        encrypt: 0,
        encodingSa: 0,
        validation: 2,
        offload: 0
      },
      { name: (i) => i, link: 3 }
    )
    expect(read).toEqual({
      link: 3,
      sci: "5254001234560001",
      sciPort: 1,
      cipher: "gcm-aes-128",
      icvlen: 16,
      replay: false,
      sendSci: true,
      endStation: false,
      scb: false,
      protect: true,
      encrypt: false,
      encodingsa: 0,
      validate: "strict",
      offload: "off"
    })
    // the defaults: an input without options equals it (the sci is the kernel's choice)
    expect(
      Link.equals(
        { kind: "macsec", name: "m0", ...read } as any,
        { kind: "macsec", name: "m0", link: 3 } as any
      )
    ).toBe(true)
    expect(
      Link.equals(
        { kind: "macsec", name: "m0", ...read } as any,
        { kind: "macsec", name: "m0", link: 3, sciPort: 2 } as any
      )
    ).toBe(false)
  })

  it("without send_sci the SCI is listed as its port alone (the kernel takes no explicit SCI then)", () => {
    const read = macsec.fromKernel(
      { sci: new Uint8Array([2, 0, 0, 0, 0, 0xaa, 0, 5]), incSci: 0 },
      { name: (i) => i }
    )
    expect(read).toEqual({ sendSci: false, sciPort: 5 })
  })

  it("end station and scb leave send_sci as given (the kernel keeps it on unless told)", () => {
    expect(macsec.toKernel({ link: 2, endStation: true }, { devices: {}, namespaces: {} })).toEqual({ es: 1 })
    expect(macsec.canonical({ link: 2, scb: true }).sendSci).toBe(true)
  })
})

describe("macsec checks (nothing is sent)", () => {
  const check = (o: Record<string, unknown>) => macsec.check!(o as any)?.[0]
  it("name the field", () => {
    expect(check({ link: 2, sci: "02aabbccddee0009", sciPort: 8 })).toBe("sciPort")
    expect(check({ link: 2, sci: "02aabbccddee0009", sciPort: 9 })).toBeUndefined()
    expect(check({ link: 2, replay: true })).toBe("window")
    expect(check({ link: 2, endStation: true, scb: true })).toBe("scb")
    // what the kernel reports for an end station (send_sci stays on) can be given back
    expect(check({ link: 2, sendSci: true, endStation: true })).toBeUndefined()
    expect(
      macsec.toKernel({ link: 2, sendSci: true, endStation: true }, { devices: {}, namespaces: {} })
    ).toEqual({
      es: 1
    })
    expect(check({ link: 2, replay: true, window: 32 })).toBeUndefined()
    expect(check({ link: 2, sci: "02aabbccddee0009", sendSci: false })).toBe("sendSci")
    expect(check({ link: 2, sciPort: 9, sendSci: false })).toBeUndefined()
  })
  it("the Schema rejects a malformed sci and an icvlen out of range", () => {
    expect(() => parse({ kind: "macsec", name: "m0", link: "d0", sci: "02aabbccddee00" })).toThrow(/sci/)
    expect(() => parse({ kind: "macsec", name: "m0", link: "d0", icvlen: 33 })).toThrow(/icvlen/)
    expect(() => parse({ kind: "macsec", name: "m0", link: "d0", cipher: "aes" })).toThrow(/cipher/)
  })
})
