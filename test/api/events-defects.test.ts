/**
 * Defects are defects: a bug while decoding a notification (here a TypeError
 * thrown by the link decoder) ends the stream as a defect, never as a typed
 * NetlinkError that a caller's `catch` would handle as bad kernel bytes.
 *
 * Not in test/integration: the VM lane shares one module graph between files
 * (--isolate=false), where vi.mock cannot replace an already loaded module.
 */
import { expect, it } from "@effect/vitest"
import { vi } from "vitest"
import { Cause, Effect, Exit, Layer, Stream } from "effect"
import * as Events from "../../src/api/Events.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"

const trap = vi.hoisted(() => ({ armed: false }))

vi.mock("../../src/generated/rt-link/index.ts", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/generated/rt-link/index.ts")>()
  return {
    ...m,
    decodeLinkMessage: (...args: Parameters<typeof m.decodeLinkMessage>) => {
      const v = m.decodeLinkMessage(...args)
      if (trap.armed && v.ifname === "boom0") throw new TypeError("a bug in the decoder")
      return v
    }
  }
})

describeRoot("Events: a bug is a defect", () => {
  it.live("a TypeError while decoding a notification dies; it is not a NetlinkError", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("evd")
        yield* Effect.gen(function* () {
          const sub = yield* Events.subscribe({ kinds: ["link"] })
          trap.armed = true
          ip(ns, "link", "add", "boom0", "type", "veth", "peer", "name", "boom1")
          const exit = yield* Effect.exit(Stream.runDrain(sub.events).pipe(Effect.timeout("10 seconds")))
          expect(Exit.isFailure(exit)).toBe(true)
          if (Exit.isFailure(exit)) {
            expect(Cause.hasFails(exit.cause)).toBe(false)
            expect(Cause.hasDies(exit.cause)).toBe(true)
            expect(String(Cause.squash(exit.cause))).toContain("a bug in the decoder")
          }
        }).pipe(
          Effect.ensuring(Effect.sync(() => (trap.armed = false))),
          Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns })))
        )
      })
    )
  )
})
