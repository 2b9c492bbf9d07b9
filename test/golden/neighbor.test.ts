/**
 * Neighbor requests against what iproute2 sent (test/fixtures/golden/neigh-*.json):
 * decoded with the generated decoder and compared as objects, plus type and flags.
 */
import { describe, expect, it } from "@effect/vitest"
import { decodeNeighMessage } from "../../src/generated/rt-neigh/index.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { nlmsgHeader as header, onlyMessage, requestChecks } from "./nlmsg.ts"

const NDMSG = 12

const { decode, expectSame } = requestChecks(decodeNeighMessage, NDMSG)

/** The fixture's single request, and its ifindex (our request uses the same device index). */
const fixture = (name: string) => {
  const bytes = onlyMessage(name, 0).bytes
  return { bytes, ifindex: decode(bytes).ifindex }
}

describe("Neighbor requests match iproute2", () => {
  it("neigh add 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud permanent", () => {
    const { bytes, ifindex } = fixture("neigh-add-permanent")
    const options = {
      dev: "d0",
      address: "10.1.2.9",
      lladdr: "02:00:00:00:00:09",
      state: "permanent"
    } as const
    expectSame(Neighbor.addRequest(options, ifindex), bytes)
    // permanent is the default, as in ip
    const { state: _, ...noState } = options
    expectSame(Neighbor.addRequest(noState, ifindex), bytes)
  })

  it("neigh replace 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud reachable", () => {
    const { bytes, ifindex } = fixture("neigh-replace-reachable")
    expectSame(
      Neighbor.replaceRequest(
        { dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09", state: "reachable" },
        ifindex
      ),
      bytes
    )
    // a numeric state is the same request
    expectSame(
      Neighbor.replaceRequest(
        { dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09", state: 2 },
        ifindex
      ),
      bytes
    )
  })

  it("neigh del 10.1.2.9 dev d0", () => {
    const { bytes, ifindex } = fixture("neigh-del")
    expectSame(Neighbor.removeRequest({ dev: "d0", address: "10.1.2.9" }, ifindex), bytes)
  })

  it("neigh add proxy 10.1.2.10 dev d0", () => {
    const { bytes, ifindex } = fixture("neigh-add-proxy")
    expectSame(Neighbor.addProxyRequest({ dev: "d0", address: "10.1.2.10" }, ifindex), bytes)
  })

  it("neigh add proxy 2001:db8::10 dev d0", () => {
    const { bytes, ifindex } = fixture("neigh-add-proxy-ipv6")
    expect(decode(bytes).family).toBe(10)
    expectSame(Neighbor.addProxyRequest({ dev: "d0", address: "2001:db8::10" }, ifindex), bytes)
  })

  it("the proxy removal differs from the proxy add only in type and flags", () => {
    const { bytes, ifindex } = fixture("neigh-add-proxy")
    const del = Neighbor.removeProxyRequest({ dev: "d0", address: "10.1.2.10" }, ifindex)
    expect(header(del).type).toBe(29)
    expect(header(del).flags).toBe(0x01)
    expect(decode(del)).toEqual(decode(bytes))
  })

  it("flags: router, extern_learn, use set NTF_ROUTER, NTF_EXT_LEARNED, NTF_USE; protocol is NDA_PROTOCOL", () => {
    const m = decode(
      Neighbor.addRequest(
        {
          dev: 3,
          address: "2001:db8::5",
          lladdr: "02:00:00:00:00:01",
          router: true,
          use: true,
          protocol: "static"
        },
        3
      )
    )
    // what `ip neigh add 2001:db8::5 dev d0 lladdr 02:00:00:00:00:01 router use protocol static` sends
    expect(m).toEqual({
      family: 10,
      pad1: 0,
      pad2: 0,
      ifindex: 3,
      state: 128,
      flags: 129,
      type: 0,
      protocol: 4,
      dst: "2001:db8::5",
      lladdr: "02:00:00:00:00:01"
    })
    expect(
      decode(Neighbor.addRequest({ dev: 3, address: "10.0.0.5", extern_learn: true, router: true }, 3)).flags
    ).toBe(0x90)
    // the flags by name send the same bytes as the booleans
    expect(
      Neighbor.addRequest(
        {
          dev: 3,
          address: "2001:db8::5",
          lladdr: "02:00:00:00:00:01",
          flags: ["router", "use"],
          protocol: "static"
        },
        3
      )
    ).toEqual(
      Neighbor.addRequest(
        {
          dev: 3,
          address: "2001:db8::5",
          lladdr: "02:00:00:00:00:01",
          router: true,
          use: true,
          protocol: "static"
        },
        3
      )
    )
    expect(
      decode(Neighbor.addRequest({ dev: 3, address: "10.0.0.5", flags: ["externLearn", "router"] }, 3)).flags
    ).toBe(0x90)
    // managed: NDA_FLAGS_EXT, and state none (the kernel refuses a permanent managed entry)
    expect(decode(Neighbor.addRequest({ dev: 3, address: "10.0.0.5", flags: ["managed"] }, 3))).toMatchObject(
      {
        state: 0,
        flags: 0,
        flagsExt: 1
      }
    )
    // a listed proxy entry is removed as `ip neigh del proxy` removes it
    const { bytes, ifindex } = fixture("neigh-add-proxy")
    expect(decode(Neighbor.removeRequest({ dev: "d0", address: "10.1.2.10", proxy: true }, ifindex))).toEqual(
      decode(bytes)
    )
  })

  it("dump requests are strict: zero ifindex/state in the header, NDA_IFINDEX / NDA_MASTER, NTF_PROXY", () => {
    const all = Neighbor.listRequest({})
    expect(header(all)).toEqual({ len: 28, type: 30, flags: 0x301 })
    expect(decode(all)).toEqual({ family: 0, pad1: 0, pad2: 0, ifindex: 0, state: 0, flags: 0, type: 0 })
    const some = decode(Neighbor.listRequest({ family: "inet6", proxy: true }, 4, 7))
    expect(some).toEqual({
      family: 10,
      pad1: 0,
      pad2: 0,
      ifindex: 0,
      state: 0,
      flags: 8,
      type: 0,
      ndaIfindex: 4,
      master: 7
    })
  })
})

describe("Neighbor requests match iproute2: flags and states (issue 20)", () => {
  it("neigh add 2001:db8::9 lladdr 02:00:00:00:00:09 dev d0 router extern_learn", () => {
    const { bytes, ifindex } = fixture("neigh-add-router-extern-learn")
    const options = {
      dev: "d0",
      address: "2001:db8::9",
      lladdr: "02:00:00:00:00:09",
      flags: ["router", "externLearn"]
    } as const
    expectSame(Neighbor.addRequest(options, ifindex), bytes)
    expectSame(
      Neighbor.addRequest(
        { dev: "d0", address: "2001:db8::9", lladdr: "02:00:00:00:00:09", router: true, extern_learn: true },
        ifindex
      ),
      bytes
    )
    const model = Neighbor.fromMessage(decode(bytes), () => "d0")
    expect(Neighbor.equals(model, options)).toBe(true)
    expectSame(Neighbor.addRequest(model, ifindex), bytes)
  })

  it("neigh add 10.1.2.9 dev d0 managed (state none, NDA_FLAGS_EXT)", () => {
    const { bytes, ifindex } = fixture("neigh-add-managed")
    expectSame(Neighbor.addRequest({ dev: "d0", address: "10.1.2.9", flags: ["managed"] }, ifindex), bytes)
    const model = Neighbor.fromMessage(decode(bytes), () => "d0")
    expect(model.flags).toEqual(["managed"])
    expectSame(Neighbor.addRequest(model, ifindex), bytes)
  })

  it("neigh replace 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 use (NTF_USE)", () => {
    const { bytes, ifindex } = fixture("neigh-replace-use")
    expectSame(
      Neighbor.replaceRequest(
        { dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09", flags: ["use"] },
        ifindex
      ),
      bytes
    )
  })

  it("neigh add 10.1.2.9 lladdr 02:00:00:00:00:09 dev d0 nud noarp", () => {
    const { bytes, ifindex } = fixture("neigh-add-noarp")
    const options = { dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09", state: "noarp" } as const
    expectSame(Neighbor.addRequest(options, ifindex), bytes)
    const model = Neighbor.fromMessage(decode(bytes), () => "d0")
    expect(model.state).toBe("noarp")
    expectSame(Neighbor.addRequest(model, ifindex), bytes)
  })
})

describe("Neighbor.get matches iproute2", () => {
  it("neigh get 10.1.2.9 dev d0 (NLM_F_REQUEST only; the engine adds NLM_F_ACK)", () => {
    const bytes = onlyMessage("neigh-get", 0).bytes
    const ifindex = decode(bytes).ifindex
    expect(ifindex).toBeGreaterThan(0)
    expectSame(Neighbor.getRequest({ address: "10.1.2.9" }, ifindex), bytes, false)
  })

  it("neigh get proxy 10.1.2.10 dev d0 (NTF_PROXY)", () => {
    const bytes = onlyMessage("neigh-get-proxy", 0).bytes
    expectSame(
      Neighbor.getRequest({ address: "10.1.2.10", proxy: true }, decode(bytes).ifindex),
      bytes,
      false
    )
  })
})
