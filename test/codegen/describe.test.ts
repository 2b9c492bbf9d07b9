/**
 * Extended-ack paths through IFLA_INFO_DATA: the generated rt-link name table
 * follows IFLA_INFO_KIND into the kind's own set, so an error inside vxlan data
 * names the vxlan attribute. Checked on a crafted ack and against the kernel.
 */
import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { LinkMessageMeta, LinkMessageTypes, encodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { NLM_F_CREATE, NLM_F_EXCL } from "../../src/generated/netlink/index.ts"
import * as Connection from "../../src/runtime/Connection.ts"
import { describePath } from "../../src/runtime/Describe.ts"
import { decodeTlvs } from "../../src/runtime/Extack.ts"
import * as Namespace from "../../src/runtime/Namespace.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import { describeRoot } from "../helpers/netns.ts"

// A vxlan add whose IFLA_VXLAN_ID (24 bits) is out of range; the encoder does not validate.
const vxlanAdd = (id: number): Uint8Array => {
  const w = new Writer(256)
  const m = w.beginMessage(LinkMessageTypes.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0)
  encodeLinkMessage(w, {
    family: 0,
    pad: 0,
    type: 0,
    index: 0,
    flags: 0,
    change: 0,
    ifname: "nlvx0",
    linkInfo: { kind: "vxlan", data: { kind: "vxlan", port: 4789, id, learning: 0 } }
  })
  w.endMessage(m)
  return w.finish()
}

// Byte offset of the first attribute of `type` inside IFLA_LINKINFO > IFLA_INFO_DATA.
const offsetInData = (msg: Uint8Array, type: number): number => {
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength)
  const find = (start: number, end: number, t: number): number => {
    for (let p = start; p + 4 <= end; p += (view.getUint16(p, true) + 3) & ~3)
      if ((view.getUint16(p + 2, true) & 0x3fff) === t) return p
    throw new Error(`attribute ${t} not found`)
  }
  const linkinfo = find(32, msg.length, 18)
  const data = find(linkinfo + 4, linkinfo + view.getUint16(linkinfo, true), 2)
  return find(data + 4, data + view.getUint16(data, true), type)
}

const describeLink: Connection.RequestOptions["describePath"] = (t, c) => describePath(LinkMessageMeta, t, c)

describe("extended-ack paths inside kind data", () => {
  it("an offset inside vxlan data names the vxlan attribute", () => {
    const request = vxlanAdd(7)
    const at = offsetInData(request, 15) // IFLA_VXLAN_PORT
    const w = new Writer(16)
    w.u16(8)
    w.u16(2) // NLMSGERR_ATTR_OFFS
    w.u32(at)
    const tlv = w.finish()
    const extack = decodeTlvs(tlv, new DataView(tlv.buffer), 0, tlv.length, {
      request,
      headerLength: 16,
      describePath: describeLink
    })
    expect(extack?.attributePath).toBe("IFLA_LINKINFO > IFLA_INFO_DATA(vxlan) > IFLA_VXLAN_PORT")
  })
  it("the same path without the request stops at IFLA_INFO_DATA, as before", () => {
    expect(describePath(LinkMessageMeta, [18, 2, 15])).toBe("IFLA_LINKINFO > IFLA_INFO_DATA > attribute 15")
  })
})

describeRoot("extended-ack paths inside kind data, from the kernel", () => {
  const ns = `nlcg-${randomBytes(4).toString("hex")}`
  beforeAll(() => Namespace.create(ns))
  afterAll(() => {
    if (Namespace.exists(ns)) Namespace.remove(ns)
  })
  it.live(
    "the kernel's offset for an out-of-range VXLAN id resolves to IFLA_VXLAN_ID inside vxlan data",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const c = yield* Connection.make({ protocol: 0, netns: { path: `/run/netns/${ns}` } })
          const request = vxlanAdd(0x1000000)
          const e = yield* Effect.flip(c.request(request, { headerLength: 16, describePath: describeLink }))
          const r = e.reason
          if (r._tag !== "Kernel") throw new Error(`expected a kernel error, got ${r._tag}`)
          expect(r.code).toBe("ERANGE")
          expect(r.extack?.offset).toBe(offsetInData(request, 1))
          expect(r.extack?.attributePath).toBe("IFLA_LINKINFO > IFLA_INFO_DATA(vxlan) > IFLA_VXLAN_ID")
        })
      )
  )
})
