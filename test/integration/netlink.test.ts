import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import type * as Connection from "../../src/runtime/Connection.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"

const NETLINK_GENERIC = 16
const GENL_ID_CTRL = 16
const CTRL_CMD_GETFAMILY = 3
const CTRL_ATTR_FAMILY_NAME = 2

// A generic netlink family dump (what `genl ctrl list` sends).
const getFamilies = (): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(GENL_ID_CTRL, 0, 0)
  w.u8(CTRL_CMD_GETFAMILY)
  w.u8(1)
  w.zeros(2)
  w.endMessage(m)
  return w.finish()
}

const familyName: Connection.Decoder<string> = (buf, view, start, end) => {
  let p = start + 16 + 4
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4) break
    if ((view.getUint16(p + 2, true) & 0x3fff) === CTRL_ATTR_FAMILY_NAME) {
      let e = p + 4
      while (e < p + len && buf[e] !== 0) e++
      return new TextDecoder().decode(buf.subarray(p + 4, e))
    }
    p += (len + 3) & ~3
  }
  return undefined
}

describeRoot("Netlink: connections per protocol", () => {
  it.live("generic netlink in a namespace: opened on first use, shared while held, route is protocol 0", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("genl")
        yield* Effect.scoped(
          Effect.gen(function* () {
            const netlink = yield* Netlink
            const genl = yield* Netlink.connection(NETLINK_GENERIC)
            const again = yield* Netlink.connection(NETLINK_GENERIC)
            expect(again).toBe(genl)
            expect(genl).not.toBe(netlink.route)
            expect(yield* Netlink.connection(0)).toBe(netlink.route)
            expect(yield* genl.dumpAll(getFamilies(), familyName, { headerLength: 4 })).toContain("nlctrl")
          }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace(ns))))
        )
      })
    )
  )

  it.live("a protocol outside 0..31 is a Validation error; a hand-built shape still gets connections", () =>
    Effect.scoped(
      Effect.gen(function* () {
        for (const p of [-1, 32, 1.5]) {
          const e = yield* Effect.flip(Netlink.connection(p))
          expect(e.reason).toMatchObject({ _tag: "Validation", path: "protocol" })
        }
        const { route, namespace } = yield* Netlink
        const genl = yield* Netlink.connection(NETLINK_GENERIC).pipe(
          Effect.provideService(Netlink, { route, namespace })
        )
        expect(yield* genl.dumpAll(getFamilies(), familyName, { headerLength: 4 })).toContain("nlctrl")
      }).pipe(Effect.provide(Netlink.layer))
    )
  )
})
