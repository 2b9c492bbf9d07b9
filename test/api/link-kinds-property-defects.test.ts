/**
 * Inputs the link kind property tests (link-kinds-property.test.ts) found, each a defect
 * fixed in the kind's module: the exact input, through the same pure round trip
 * (Link.addRequest → decode → Link.fromMessage) or the kind's check.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Link from "../../src/api/Link.ts"
import { encodeDecode, messageWith } from "../helpers/arbitraryLink.ts"

describe("inputs the properties found (each was a defect)", () => {
  it("vxlan: kind data with an address attribute of the wrong length is listed, not thrown on", () => {
    // IFLA_VXLAN_LOCAL6 with one byte of payload
    const m = encodeDecode(messageWith("vxlan", new Uint8Array([5, 0, 16, 0, 0, 0, 0, 0])))
    const listed = Link.fromMessage(m)
    expect(listed).toMatchObject({ kind: "vxlan", name: "k0" })
    expect((listed as Record<string, unknown>).group).toBeUndefined()
  })
})
