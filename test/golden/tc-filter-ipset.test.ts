/**
 * The ipset ematch against what `tc` 6.1 sent (test/fixtures/golden/tcf-ipset-basic.json: two
 * sets created in the capture namespace, nlset0 with index 0 and nlblk with index 1; tc looks
 * them up by name with SO_IP_SET): the xt_set_info of each match (index, dimensions, a bit per
 * source dimension), the relation and invert flags; every attribute byte for byte.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Filter from "../../src/api/Filter.ts"
import { attributeTree, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const TCMSG = 20
const IFINDEX = 3 // d0 in the capture namespace
const nested = (path: ReadonlyArray<number>) => path.length === 1 && path[0] === 2

describe("Filter requests match tc fixtures: ipset ematch", () => {
  it("basic: ipset(nlblk src,dst) and not ipset(nlset0 dst)", () => {
    const f: Filter.Filter = {
      dev: "d0",
      parent: "ingress",
      protocol: "ip",
      priority: 3,
      kind: "basic",
      options: { match: "ipset(nlblk src,dst) and not ipset(nlset0 dst)", classid: "1:1" }
    }
    const ours = Filter.request(
      "add",
      f,
      IFINDEX,
      {},
      new Map([
        ["nlset0", 0],
        ["nlblk", 1]
      ])
    )
    const theirs = onlyMessage("tcf-ipset-basic").bytes
    const a = nlmsgHeader(ours)
    const b = nlmsgHeader(theirs)
    expect(a.len).toBe(ours.length)
    expect(a.type).toBe(b.type)
    expect(a.flags | NLM_F_ACK).toBe(b.flags)
    expect(attributeTree(ours, TCMSG, nested)).toEqual(attributeTree(theirs, TCMSG, nested))
    // the sets given by index encode the same
    const byIndex = Filter.request(
      "add",
      { ...f, options: { match: "ipset(#1 src,dst) and not ipset(#0 dst)", classid: "1:1" } },
      IFINDEX
    )
    expect(attributeTree(byIndex, TCMSG, nested)).toEqual(attributeTree(theirs, TCMSG, nested))
  })
})
