/**
 * The multicast route dump request against what `ip mroute show` sends (iproute2 6.1; strace
 * shows it inside a larger buffer the capture script cannot split, so the bytes are here).
 */
import { describe, expect, it } from "@effect/vitest"
import * as MulticastRoute from "../../src/api/MulticastRoute.ts"
import { nlmsgHeader as header } from "./nlmsg.ts"

describe("MulticastRoute requests match ip", () => {
  it("ip mroute show: RTNL_FAMILY_IPMR, RTA_TABLE default", () => {
    const bytes = MulticastRoute.listRequest("inet", 253)
    expect(header(bytes)).toEqual({ len: 36, type: 26, flags: 0x301 })
    expect(Buffer.from(bytes.subarray(16)).toString("hex")).toBe("80000000000000000000000008000f00fd000000")
  })

  it("ip -6 mroute show: RTNL_FAMILY_IP6MR", () => {
    expect(MulticastRoute.listRequest("inet6", 253)[16]).toBe(129)
  })
})
