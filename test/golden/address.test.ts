/**
 * Address requests against what iproute2 sent (test/fixtures/golden/addr-*.json):
 * decoded with the generated decoder and compared as objects, plus type, flags
 * and the attribute tree.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import fc from "fast-check"
import * as Address from "../../src/api/Address.ts"
import { AddrMessage, decodeAddrMessage } from "../../src/generated/rt-addr/index.ts"
import { nlmsgHeader as header, onlyMessage, requestChecks } from "./nlmsg.ts"

const IFADDRMSG = 8

const { decode, expectSame } = requestChecks(decodeAddrMessage, IFADDRMSG)

/** The fixture's single request, and its ifindex (our request uses the same device index). */
const fixture = (name: string) => {
  const bytes = onlyMessage(name, 0).bytes
  return { bytes, ifindex: decode(bytes).index }
}

describe("Address requests match iproute2", () => {
  it("addr add 10.1.2.3/24 dev d0", () => {
    const { bytes, ifindex } = fixture("addr-add")
    expect(ifindex).toBeGreaterThan(0)
    expectSame(Address.addRequest({ dev: "d0", address: "10.1.2.3/24" }, ifindex), bytes)
  })

  it("addr add 10.1.2.3/24 dev d0 label d0:1", () => {
    const { bytes, ifindex } = fixture("addr-add-label")
    expectSame(Address.addRequest({ dev: "d0", address: "10.1.2.3/24", label: "d0:1" }, ifindex), bytes)
  })

  it("addr add 10.1.2.3/24 broadcast 10.1.2.255 dev d0, and brd + derives the same", () => {
    const { bytes, ifindex } = fixture("addr-add-broadcast")
    expectSame(
      Address.addRequest({ dev: "d0", address: "10.1.2.3/24", broadcast: "10.1.2.255" }, ifindex),
      bytes
    )
    expectSame(Address.addRequest({ dev: "d0", address: "10.1.2.3/24", broadcast: "+" }, ifindex), bytes)
    // brd - clears the host bits; above /30 ip derives nothing
    expect(
      decode(Address.addRequest({ dev: "d0", address: "10.1.2.3/24", broadcast: "-" }, 3)).broadcast
    ).toBe("10.1.2.0")
    expect(
      decode(Address.addRequest({ dev: "d0", address: "10.1.2.3/31", broadcast: "+" }, 3)).broadcast
    ).toBeUndefined()
  })

  it("addr add 10.1.2.3 peer 10.9.9.9/32 dev d0", () => {
    const { bytes, ifindex } = fixture("addr-add-peer")
    expectSame(Address.addRequest({ dev: "d0", address: "10.1.2.3", peer: "10.9.9.9/32" }, ifindex), bytes)
  })

  it("addr add 10.1.2.3/24 dev d0 valid_lft 100 preferred_lft 50", () => {
    const { bytes, ifindex } = fixture("addr-add-lifetimes")
    expectSame(
      Address.addRequest(
        { dev: "d0", address: "10.1.2.3/24", validLifetime: 100, preferredLifetime: 50 },
        ifindex
      ),
      bytes
    )
    // one lifetime given: the other is forever, as in ip
    expect(
      decode(Address.addRequest({ dev: "d0", address: "10.1.2.3/24", validLifetime: 100 }, 3)).cacheinfo
    ).toEqual({ prefered: 0xffffffff, valid: 100, cstamp: 0, tstamp: 0 })
  })

  it("addr add 10.1.2.3/24 dev d0 noprefixroute (IFA_FLAGS: the flag does not fit the header)", () => {
    const { bytes, ifindex } = fixture("addr-add-noprefixroute")
    expectSame(
      Address.addRequest({ dev: "d0", address: "10.1.2.3/24", flags: { noprefixroute: true } }, ifindex),
      bytes
    )
    // the flags by name: the same request
    expectSame(
      Address.addRequest({ dev: "d0", address: "10.1.2.3/24", flags: ["noprefixroute"] }, ifindex),
      bytes
    )
  })

  it("addr add 2001:db8::1/64 dev d0 nodad (header flags)", () => {
    const { bytes, ifindex } = fixture("addr-add-ipv6-nodad")
    expectSame(
      Address.addRequest({ dev: "d0", address: "2001:db8::1/64", flags: { nodad: true } }, ifindex),
      bytes
    )
    expectSame(Address.addRequest({ dev: "d0", address: "2001:db8::1/64", flags: ["nodad"] }, ifindex), bytes)
  })

  it("addr replace 10.1.2.3/24 dev d0", () => {
    const { bytes, ifindex } = fixture("addr-replace")
    expectSame(Address.replaceRequest({ dev: "d0", address: "10.1.2.3/24" }, ifindex), bytes)
  })

  it("addr del 10.1.2.3/24 dev d0", () => {
    const { bytes, ifindex } = fixture("addr-del")
    expectSame(Address.removeRequest({ dev: "d0", address: "10.1.2.3/24" }, ifindex), bytes)
    // removing a listed address sends the same request, from the raw message or from the model
    expectSame(Address.removeListedRequest(decode(fixture("addr-add").bytes)), bytes)
    const listed = Address.fromMessage(
      {
        ...decode(fixture("addr-add").bytes),
        cacheinfo: { prefered: 100, valid: 200, cstamp: 5, tstamp: 6 }
      },
      () => "d0"
    )
    expect(listed).toMatchObject({
      dev: "d0",
      address: "10.1.2.3/24",
      validLifetime: 200,
      preferredLifetime: 100
    })
    expectSame(Address.removeRequest(listed, ifindex), bytes)
  })

  it("defaults as ip: host prefix without a length, scope host for 127/8, IFA_FLAGS only above 8 bits", () => {
    const host = decode(Address.addRequest({ dev: 1, address: "127.0.0.2" }, 1))
    expect(host).toMatchObject({
      family: 2,
      prefixlen: 32,
      scope: 254,
      local: "127.0.0.2",
      address: "127.0.0.2"
    })
    const v6 = decode(Address.addRequest({ dev: 1, address: "2001:db8::5" }, 1))
    expect(v6).toMatchObject({ family: 10, prefixlen: 128, scope: 0 })
    const both = decode(
      Address.addRequest(
        { dev: 1, address: "2001:db8::5/64", flags: { nodad: true, noprefixroute: true } },
        1
      )
    )
    expect(both.flags8).toBe(0)
    expect(both.flags).toBe(0x202)
    const scoped = decode(
      Address.addRequest({ dev: 1, address: "10.0.0.1/8", scope: "link", metric: 7, proto: 3 }, 1)
    )
    expect(scoped).toMatchObject({ scope: 253, rtPriority: 7, proto: 3 })
    // ip's wildcard deletion: an IPv4 address without a length carries no IFA_ADDRESS
    const wild = decode(Address.removeRequest({ dev: 1, address: "10.0.0.1" }, 1))
    expect(wild).toEqual({ family: 2, prefixlen: 32, flags8: 0, scope: 0, index: 1, local: "10.0.0.1" })
  })

  it("list: the strict dump header carries family and index only", () => {
    const bytes = Address.listRequest({ family: "inet6" }, 4)
    expect(header(bytes)).toMatchObject({ type: 22, flags: 0x301 })
    expect(decode(bytes)).toEqual({ family: 10, prefixlen: 0, flags8: 0, scope: 0, index: 4 })
  })
})

// The API does not re-run the generated message Schema per request (it costs as
// much as the syscall): the builder must always produce a message that passes it.
describe("Address.toMessage always builds a valid AddrMessage", () => {
  const octet = fc.integer({ min: 0, max: 255 })
  const v4 = fc.tuple(octet, octet, octet, octet).map((b) => b.join("."))
  const v6 = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
    .map((w) => w.map((x) => x.toString(16)).join(":"))
  const withLength = (addr: fc.Arbitrary<string>, max: number) =>
    fc
      .tuple(addr, fc.option(fc.integer({ min: 0, max }), { nil: undefined }))
      .map(([a, l]) => (l === undefined ? a : `${a}/${l}`))
  const lifetime = fc.option(
    fc.oneof(fc.constant("forever" as const), fc.integer({ min: 0, max: 0xffffffff })),
    {
      nil: undefined
    }
  )
  const common = {
    scope: fc.option(
      fc.oneof(fc.constantFrom("host", "link", "global", "universe", "site", "nowhere"), octet),
      {
        nil: undefined
      }
    ),
    validLifetime: lifetime,
    preferredLifetime: lifetime,
    flags: fc.option(
      fc.oneof(
        fc.record(
          {
            nodad: fc.boolean(),
            noprefixroute: fc.boolean(),
            homeaddress: fc.boolean(),
            mngtmpaddr: fc.boolean(),
            autojoin: fc.boolean(),
            optimistic: fc.boolean()
          },
          { requiredKeys: [] }
        ),
        fc.subarray([
          "nodad",
          "noprefixroute",
          "homeaddress",
          "mngtmpaddr",
          "autojoin",
          "optimistic"
        ] as const)
      ),
      { nil: undefined }
    ),
    metric: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
    proto: fc.option(fc.oneof(fc.constantFrom("unspec", "kernelLo", "kernelRa", "kernelLl"), octet), {
      nil: undefined
    })
  }
  const strip = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as any
  const options = fc.oneof(
    fc.record({
      dev: fc.constant(3),
      address: withLength(v4, 32),
      peer: fc.option(withLength(v4, 32), { nil: undefined }),
      broadcast: fc.option(fc.oneof(fc.constantFrom("+", "-"), v4), { nil: undefined }),
      label: fc.option(fc.constantFrom("d0", "d0:1", "eth0:abcdefghij"), { nil: undefined }),
      ...common
    }),
    fc.record({
      dev: fc.constant(3),
      address: withLength(v6, 128),
      peer: fc.option(withLength(v6, 128), { nil: undefined }),
      ...common
    })
  )
  const check = Schema.decodeUnknownSync(AddrMessage as any, { onExcessProperty: "error" } as any)

  it("for add/replace and remove of any valid options", () => {
    fc.assert(
      fc.property(options, fc.constantFrom("add" as const, "remove" as const), (o, command) => {
        const m = Address.toMessage(strip(o), 3, command)
        expect(() => check(m)).not.toThrow()
      }),
      { numRuns: 2000 }
    )
  })
})

describe("Address requests match iproute2: flags and metric (issue 20)", () => {
  it("addr add 2001:db8::5/64 dev d0 mngtmpaddr nodad home noprefixroute (IFA_FLAGS)", () => {
    const { bytes, ifindex } = fixture("addr-add-ipv6-flags")
    const options = {
      dev: "d0",
      address: "2001:db8::5/64",
      flags: ["mngtmpaddr", "nodad", "homeaddress", "noprefixroute"]
    } as const
    expectSame(Address.addRequest(options, ifindex), bytes)
    // the address read back from the request is the same request
    const model = Address.fromMessage(decode(bytes), () => "d0")
    expect(Address.equals(model, options)).toBe(true)
    expectSame(Address.addRequest(model, ifindex), bytes)
  })

  it("addr add 2001:db8::6/64 dev d0 optimistic (header flags)", () => {
    const { bytes, ifindex } = fixture("addr-add-ipv6-optimistic")
    expectSame(
      Address.addRequest({ dev: "d0", address: "2001:db8::6/64", flags: ["optimistic"] }, ifindex),
      bytes
    )
  })

  it("addr add 239.1.1.1/32 dev d0 autojoin (IFA_FLAGS)", () => {
    const { bytes, ifindex } = fixture("addr-add-autojoin")
    expectSame(
      Address.addRequest({ dev: "d0", address: "239.1.1.1/32", flags: ["autojoin"] }, ifindex),
      bytes
    )
  })

  it("addr add 10.1.2.3/24 dev d0 metric 300 (IFA_RT_PRIORITY)", () => {
    const { bytes, ifindex } = fixture("addr-add-metric")
    expectSame(Address.addRequest({ dev: "d0", address: "10.1.2.3/24", metric: 300 }, ifindex), bytes)
  })
})
