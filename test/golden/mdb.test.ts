/**
 * MDB requests against what `bridge mdb` sent (test/fixtures/golden/mdb-*.json): br_port_msg,
 * MDBA_SET_ENTRY (struct br_mdb_entry) and MDBA_SET_ENTRY_ATTRS, compared as decoded objects
 * and attribute trees, plus type and flags. Device indexes come from the fixture.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Mdb from "../../src/api/Mdb.ts"
import { decodeMdbSetMessage } from "../../src/generated/rt-mdb/index.ts"
import { nlmsgHeader as header, onlyMessage, requestChecks } from "./nlmsg.ts"

const { decode, expectSame } = requestChecks(decodeMdbSetMessage, 8)

const fixture = (name: string) => {
  const bytes = onlyMessage(name).bytes
  const m = decode(bytes)
  return { bytes, r: { bridge: m.ifindex, port: m.entry!.ifindex } }
}

describe("Mdb requests match bridge", () => {
  it("mdb add dev br0 port d0 grp 239.1.1.1 permanent", () => {
    const { bytes, r } = fixture("mdb-add-permanent-ipv4")
    expectSame(Mdb.addRequest({ dev: "br0", port: "d0", group: "239.1.1.1", state: "permanent" }, r), bytes)
  })

  it("mdb add dev br0 port d0 grp ff0e::1 temp (temp by default)", () => {
    const { bytes, r } = fixture("mdb-add-temp-ipv6")
    expectSame(Mdb.addRequest({ dev: "br0", port: "d0", group: "ff0e::1", state: "temp" }, r), bytes)
    expectSame(Mdb.addRequest({ dev: "br0", port: "d0", group: "FF0E::1" }, r), bytes)
  })

  it("mdb add dev br0 port d0 grp 01:00:5e:01:02:03 permanent", () => {
    const { bytes, r } = fixture("mdb-add-l2")
    expectSame(
      Mdb.addRequest({ dev: "br0", port: "d0", group: "01:00:5e:01:02:03", state: "permanent" }, r),
      bytes
    )
  })

  it("mdb add dev br0 port d0 grp 239.1.1.2 src 10.0.0.1 permanent", () => {
    const { bytes, r } = fixture("mdb-add-source")
    expectSame(
      Mdb.addRequest(
        { dev: "br0", port: "d0", group: "239.1.1.2", source: "10.0.0.1", state: "permanent" },
        r
      ),
      bytes
    )
  })

  it("mdb add dev br0 port d0 grp 239.1.1.4 permanent vid 10", () => {
    const { bytes, r } = fixture("mdb-add-vid")
    expectSame(
      Mdb.addRequest({ dev: "br0", port: "d0", group: "239.1.1.4", state: "permanent", vid: 10 }, r),
      bytes
    )
  })

  it("mdb del dev br0 port d0 grp 239.1.1.1 (a listed entry removes as bridge does)", () => {
    const { bytes, r } = fixture("mdb-del")
    expectSame(Mdb.removeRequest({ dev: "br0", port: "d0", group: "239.1.1.1" }, r), bytes)
    expectSame(
      Mdb.removeRequest(
        {
          dev: "br0",
          port: "d0",
          group: "239.1.1.1",
          state: "permanent",
          filterMode: "exclude",
          protocol: "static"
        },
        r
      ),
      bytes
    )
  })

  it("filter mode, source list and protocol (iproute2 6.3+ syntax; 6.1 cannot send them)", () => {
    // what `bridge mdb add dev br0 port d0 grp 239.1.1.3 permanent filter_mode include
    // source_list 10.0.0.5,10.0.0.6 proto zebra` sends on iproute2 6.3+
    const bytes = Mdb.replaceRequest(
      {
        dev: "br0",
        port: "d0",
        group: "239.1.1.3",
        state: "permanent",
        filterMode: "include",
        sources: ["10.0.0.5", "10.0.0.6"],
        protocol: "zebra"
      },
      { bridge: 2, port: 4 }
    )
    expect(header(bytes)).toMatchObject({ type: 84, flags: 0x501 })
    expect(decode(bytes).entryAttrs).toEqual({
      srcList: { entry: [{ address: "10.0.0.5" }, { address: "10.0.0.6" }] },
      groupMode: 1,
      rtprot: 11
    })
    // an (S, G) entry is INCLUDE by nature: no mode is sent for it
    const sg = decode(
      Mdb.addRequest(
        { dev: "br0", port: "d0", group: "239.1.1.3", source: "10.0.0.5", filterMode: "include" },
        { bridge: 2, port: 4 }
      )
    )
    expect(sg.entryAttrs).toEqual({ source: "10.0.0.5" })
  })

  it("the dump request of `bridge mdb show`; get", () => {
    const all = Mdb.listRequest()
    expect(header(all)).toEqual({ len: 24, type: 86, flags: 0x301 })
    expect(Buffer.from(all.subarray(16)).toString("hex")).toBe("0700000000000000")
    const get = decode(Mdb.getRequest({ dev: "br0", group: "239.1.1.2", source: "10.0.0.1" }, 2))
    expect(get.ifindex).toBe(2)
    expect(get.entry).toMatchObject({ ifindex: 0, state: 0, vid: 0, proto: 0x0008 })
    expect(get.entryAttrs).toEqual({ source: "10.0.0.1" })
  })
})
