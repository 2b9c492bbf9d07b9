/**
 * An extended-ack offset that points inside a nested attribute reaches the API's
 * error as the attribute's path, through each object module's request options.
 * The host kernel reports such offsets only for link kind data, so a scripted kernel
 * answers here with the offset the real one would use.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Route from "../../src/api/Route.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Connection from "../../src/runtime/Connection.ts"
import { ack, FakeKernel, type Request } from "../runtime/FakeKernel.ts"

const RTA_METRICS = 8
const RTAX_CC_ALGO = 16

// Offset (from the nlmsghdr) of the first attribute of type `inner` inside the
// top-level attribute of type `outer`, after the 16-byte nlmsghdr and a 12-byte rtmsg.
const nestedOffset = (bytes: Uint8Array, outer: number, inner: number): number => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let p = 16 + 12; p + 4 <= bytes.length; p += (view.getUint16(p, true) + 3) & ~3) {
    if ((view.getUint16(p + 2, true) & 0x3fff) !== outer) continue
    const end = p + view.getUint16(p, true)
    for (let q = p + 4; q + 4 <= end; q += (view.getUint16(q, true) + 3) & ~3)
      if ((view.getUint16(q + 2, true) & 0x3fff) === inner) return q
  }
  throw new Error(`no attribute ${inner} inside ${outer}`)
}

describe("extended-ack paths through the API", () => {
  it.effect("Route: an offset inside RTA_METRICS names RTA_METRICS > RTAX_CC_ALGO", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r: Request) => [
        ack(r, 22, {
          message: "Unknown tcp congestion algorithm",
          offset: nestedOffset(r.bytes, RTA_METRICS, RTAX_CC_ALGO)
        })
      ])
      const layer = Layer.succeed(Netlink, { route: Connection.fromTransport(k), namespace: undefined })
      const e = yield* Effect.flip(
        Route.add({
          destination: "10.6.0.0/16",
          gateway: "10.1.2.1",
          metrics: { mtu: 1400, ccAlgo: "nosuchcc" }
        }).pipe(Effect.provide(layer))
      )
      const r = e.reason
      if (r._tag !== "Kernel") throw new Error(`expected Kernel, got ${r._tag}`)
      expect(r.code).toBe("EINVAL")
      expect(r.extack?.attributePath).toBe("RTA_METRICS > RTAX_CC_ALGO")
      expect(e.message).toContain("[at RTA_METRICS > RTAX_CC_ALGO]")
      expect(k.sent).toHaveLength(1)
    })
  )
})
