/**
 * Address label and netconf requests against what `ip addrlabel` / `ip netconf` sent
 * (test/fixtures/golden/addrlabel-*.json, netconf-*.json).
 */
import { describe, expect, it } from "@effect/vitest"
import * as AddressLabel from "../../src/api/AddressLabel.ts"
import * as Netconf from "../../src/api/Netconf.ts"
import { decodeAddrlabelMessage } from "../../src/generated/rt-addrlabel/index.ts"
import { decodeNetconfMessage } from "../../src/generated/rt-netconf/index.ts"
import { nlmsgHeader as header, onlyMessage, requestChecks } from "./nlmsg.ts"

const labels = requestChecks(decodeAddrlabelMessage, 12)
const netconf = requestChecks(decodeNetconfMessage, 4)

describe("AddressLabel and Netconf requests match ip", () => {
  it("addrlabel add prefix 2001:db8::/32 label 100", () => {
    const { bytes } = onlyMessage("addrlabel-add", 0)
    labels.expectSame(AddressLabel.addRequest({ prefix: "2001:db8::/32", label: 100 }, 0), bytes)
  })

  it("addrlabel add prefix 2001:db8:1::/48 dev d0 label 7", () => {
    const { bytes } = onlyMessage("addrlabel-add-dev", 0)
    const ifindex = labels.decode(bytes).index
    expect(ifindex).toBeGreaterThan(0)
    labels.expectSame(
      AddressLabel.addRequest({ prefix: "2001:db8:1::/48", dev: "d0", label: 7 }, ifindex),
      bytes
    )
  })

  it("addrlabel del prefix 2001:db8::/32 label 100", () => {
    const { bytes } = onlyMessage("addrlabel-del", 0)
    labels.expectSame(AddressLabel.removeRequest({ prefix: "2001:db8::/32", label: 100 }, 0), bytes)
  })

  it("addrlabel list: the dump request", () => {
    const bytes = AddressLabel.listRequest()
    expect(header(bytes)).toEqual({ len: 28, type: 74, flags: 0x301 })
    expect(labels.decode(bytes)).toEqual({
      family: 10,
      reserved: 0,
      prefixlen: 0,
      flags: 0,
      index: 0,
      seq: 0
    })
  })

  it("-6 netconf show dev d0", () => {
    const { bytes } = onlyMessage("netconf-get-dev", 0)
    const ifindex = netconf.decode(bytes).ifindex!
    netconf.expectSame(Netconf.getRequest(10, ifindex), bytes)
  })

  it("netconf show: the dump request (iproute2 sends the same 4-byte header)", () => {
    const bytes = Netconf.getRequest(0)
    expect(header(bytes)).toEqual({ len: 20, type: 82, flags: 0x301 })
    expect(Buffer.from(bytes.subarray(16)).toString("hex")).toBe("00000000")
  })
})
