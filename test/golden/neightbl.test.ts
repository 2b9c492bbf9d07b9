/**
 * Neighbour table changes against what iproute2 sent
 * (test/fixtures/golden/ntable-*.json): `ip ntable change` for a table and
 * for one device's parameters.
 */
import { describe, expect, it } from "@effect/vitest"
import * as NeighborTable from "../../src/api/NeighborTable.ts"
import { decodeNeightblMessage } from "../../src/generated/rt-neightbl/index.ts"
import { onlyMessage, requestChecks } from "./nlmsg.ts"

const NDTMSG = 4
const { decode, expectSame } = requestChecks(decodeNeightblMessage, NDTMSG)

describe("Neighbour table changes match iproute2", () => {
  it("ntable change name arp_cache thresh1 256 thresh2 1024 thresh3 2048 gc_int 40000", () => {
    // ip sends AF_UNSPEC unless -4/-6 is given; the kernel finds the table by name
    const bytes = onlyMessage("ntable-change-table", 2).bytes
    expect(decode(bytes).family).toBe(0)
    expectSame(
      NeighborTable.changeRequest({
        family: 0,
        name: "arp_cache",
        thresh1: 256,
        thresh2: 1024,
        thresh3: 2048,
        gcInterval: 40000
      }),
      bytes
    )
  })

  it("ntable change name arp_cache dev d0 with every parameter ip sets", () => {
    const bytes = onlyMessage("ntable-change-dev", 0).bytes
    const ifindex = decode(bytes).parms!.ifindex!
    expect(ifindex).toBeGreaterThan(0)
    const t: NeighborTable.NeighborTable = {
      family: 0,
      name: "arp_cache",
      dev: ifindex,
      baseReachableTime: 20000,
      retransTime: 2000,
      gcStaleTime: 70000,
      delayProbeTime: 6000,
      queueLen: 11,
      appProbes: 1,
      ucastProbes: 4,
      mcastProbes: 5,
      anycastDelay: 900,
      proxyDelay: 700,
      proxyQueueLen: 70,
      locktime: 1100
    }
    expectSame(NeighborTable.changeRequest(t, ifindex), bytes)
    // read back from ip's request: the same object
    expect(NeighborTable.equals(NeighborTable.fromMessage(decode(bytes)), t)).toBe(true)
  })

  it("ip -6 ntable change name ndisc_cache base_reachable 25000 (the table's defaults)", () => {
    expectSame(
      NeighborTable.changeRequest({ family: "inet6", name: "ndisc_cache", baseReachableTime: 25000 }),
      onlyMessage("ntable-change-ipv6", 2).bytes
    )
  })
})
