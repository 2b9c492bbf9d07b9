/**
 * Bridge FDB requests against what `bridge fdb` sent (test/fixtures/golden/fdb-*.json):
 * decoded with the generated decoder and compared as objects and attribute trees, plus
 * type and flags. Device indexes are taken from the fixture (ours resolve the same names).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fdb from "../../src/api/Fdb.ts"
import { decodeNeighMessage } from "../../src/generated/rt-neigh/index.ts"
import { nlmsgHeader as header, onlyMessage, requestChecks } from "./nlmsg.ts"

const NDMSG = 12

const { decode, expectSame } = requestChecks(decodeNeighMessage, NDMSG)

const fixture = (name: string) => {
  const bytes = onlyMessage(name).bytes
  const m = decode(bytes)
  return { bytes, ifindex: m.ifindex, via: m.ndaIfindex, port: m.ndaIfindex }
}

describe("Fdb requests match bridge", () => {
  it("fdb add 02:00:00:00:00:01 dev d0 master static sticky", () => {
    const { bytes, ifindex } = fixture("fdb-add-master-static-sticky")
    expectSame(
      Fdb.addRequest(
        { mac: "02:00:00:00:00:01", dev: "d0", master: true, state: "static", flags: ["sticky"] },
        { ifindex }
      ),
      bytes
    )
  })

  it("fdb add 02:00:00:00:00:02 dev d0 (self and permanent by default)", () => {
    const { bytes, ifindex } = fixture("fdb-add-self")
    expectSame(Fdb.addRequest({ mac: "02:00:00:00:00:02", dev: "d0" }, { ifindex }), bytes)
    expectSame(
      Fdb.addRequest({ mac: "02:00:00:00:00:02", dev: "d0", self: true, state: "permanent" }, { ifindex }),
      bytes
    )
  })

  it("fdb add 02:00:00:00:00:03 dev d0 master dynamic extern_learn vlan 10", () => {
    const { bytes, ifindex } = fixture("fdb-add-vlan-dynamic-extern-learn")
    expectSame(
      Fdb.addRequest(
        {
          mac: "02:00:00:00:00:03",
          dev: "d0",
          master: true,
          state: "dynamic",
          flags: ["externLearn"],
          vlan: 10
        },
        { ifindex }
      ),
      bytes
    )
  })

  it("fdb add 02:00:00:00:00:04 dev vx0 dst 10.0.0.2 port 4790 vni 7 via d1 self static", () => {
    const { bytes, ifindex, via } = fixture("fdb-add-vxlan-remote")
    expect(via).toBeGreaterThan(0)
    expectSame(
      Fdb.addRequest(
        {
          mac: "02:00:00:00:00:04",
          dev: "vx0",
          dst: "10.0.0.2",
          port: 4790,
          vni: 7,
          via: "d1",
          self: true,
          state: "static"
        },
        { ifindex, via }
      ),
      bytes
    )
  })

  it("fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.3 src_vni 5", () => {
    const { bytes, ifindex } = fixture("fdb-append-vxlan")
    expectSame(
      Fdb.appendRequest({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.3", srcVni: 5 }, { ifindex }),
      bytes
    )
  })

  it("fdb add 02:00:00:00:00:05 dev vx0 nhid 10 router", () => {
    const { bytes, ifindex } = fixture("fdb-add-vxlan-nhid")
    expectSame(
      Fdb.addRequest({ mac: "02:00:00:00:00:05", dev: "vx0", nhid: 10, flags: ["router"] }, { ifindex }),
      bytes
    )
  })

  it("fdb replace 02:00:00:00:00:01 dev d0 master permanent", () => {
    const { bytes, ifindex } = fixture("fdb-replace-master")
    expectSame(Fdb.replaceRequest({ mac: "02:00:00:00:00:01", dev: "d0", master: true }, { ifindex }), bytes)
  })

  it("fdb del 02:00:00:00:00:01 dev d0 master", () => {
    const { bytes, ifindex } = fixture("fdb-del-master")
    expectSame(Fdb.removeRequest({ mac: "02:00:00:00:00:01", dev: "d0", master: true }, { ifindex }), bytes)
  })

  it("fdb del 00:00:00:00:00:00 dev vx0 dst 10.0.0.3", () => {
    const { bytes, ifindex } = fixture("fdb-del-vxlan-remote")
    expectSame(
      Fdb.removeRequest({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.3" }, { ifindex }),
      bytes
    )
  })

  it("fdb flush dev br0 vlan 5 nopermanent static sticky noextern_learn added_by_user", () => {
    const { bytes, ifindex } = fixture("fdb-flush-bridge-filters")
    expect(header(bytes).flags & 0x200).toBe(0x200)
    expectSame(
      Fdb.flushRequest(
        {
          dev: "br0",
          vlan: 5,
          permanent: false,
          static: true,
          sticky: true,
          externLearn: false,
          addedByUser: true
        },
        { ifindex }
      ),
      bytes
    )
  })

  it("fdb flush dev br0 brport d0 dynamic", () => {
    const { bytes, ifindex, port } = fixture("fdb-flush-port-dynamic")
    expectSame(Fdb.flushRequest({ dev: "br0", port: "d0", dynamic: true }, { ifindex, port }), bytes)
  })

  it("fdb flush dev d0 master nodynamic nooffloaded", () => {
    const { bytes, ifindex } = fixture("fdb-flush-master")
    expectSame(
      Fdb.flushRequest({ dev: "d0", master: true, dynamic: false, offloaded: false }, { ifindex }),
      bytes
    )
  })

  it("dump requests: AF_BRIDGE, the device in the header, NDA_MASTER for the bridge", () => {
    const all = Fdb.listRequest()
    expect(header(all)).toEqual({ len: 28, type: 30, flags: 0x301 })
    expect(decode(all)).toEqual({ family: 7, pad1: 0, pad2: 0, ifindex: 0, state: 0, flags: 0, type: 0 })
    // what `bridge fdb show br br0 brport d0` sends (br0 = 2, d0 = 4)
    expect(decode(Fdb.listRequest(4, 2))).toEqual({
      family: 7,
      pad1: 0,
      pad2: 0,
      ifindex: 4,
      state: 0,
      flags: 0,
      type: 0,
      master: 2
    })
  })
})
