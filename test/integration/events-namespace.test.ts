/**
 * The namespace of an event stream or a watch is the one of the Netlink
 * service it is given, like every other API: a program provided with
 * `Netlink.layerNamespace(ns)` sees the events of ns, not those of the host
 * or of another namespace.
 */
import { expect, it } from "@effect/vitest"
import { execFileSync, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { Effect, Stream } from "effect"
import * as Events from "../../src/api/Events.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Watch from "../../src/api/Watch.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { waitBound } from "../helpers/timing.ts"

/** A veth pair in the host namespace, removed with the scope (also on failure). */
const hostVeth = Effect.acquireRelease(
  Effect.sync(() => {
    const name = `nlh${randomBytes(3).toString("hex")}`
    execFileSync("ip", ["link", "add", name, "type", "veth", "peer", "name", `${name}p`])
    return name
  }),
  (name) => Effect.sync(() => spawnSync("ip", ["link", "del", name]))
)

const ifname = (e: Events.Event): string | undefined =>
  Events.isChange(e) && e.kind === "link" ? e.value.name : undefined

describeRoot("Events and Watch follow the Netlink layer's namespace", () => {
  it.live("Events.stream provided with Netlink.layerNamespace(ns) sees ns only", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("eva")
        const b = yield* freshNamespace("evb")
        const seen = yield* Effect.gen(function* () {
          const sub = yield* Events.subscribe({ kinds: ["link"] })
          const pull = yield* Stream.toPull(sub.events)
          // Changes elsewhere first; then one in a, which ends the read.
          yield* hostVeth
          ip(b, "link", "add", "bx0", "type", "veth", "peer", "name", "bx1")
          ip(a, "link", "add", "ax0", "type", "veth", "peer", "name", "ax1")
          const seen: Array<string> = []
          while (!seen.includes("ax0") || !seen.includes("ax1")) {
            for (const e of yield* pull.pipe(Effect.timeout(waitBound(10_000)))) {
              const n = ifname(e)
              if (n !== undefined) seen.push(n)
            }
          }
          return seen
        }).pipe(Effect.provide(Netlink.layerNamespace(a)))
        // The host's and b's links were created before a's and would have come first.
        expect([...new Set(seen)].sort()).toEqual(["ax0", "ax1"])
      })
    )
  )

  it.live("Watch.make provided with Netlink.layerNamespace(ns) caches ns only", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("wna")
        const b = yield* freshNamespace("wnb")
        ip(b, "link", "add", "bx0", "type", "veth", "peer", "name", "bx1")
        yield* hostVeth
        yield* Effect.gen(function* () {
          const watch = yield* Watch.make({ kinds: ["link"] })
          const names = (snap: Watch.Snapshot) => [...snap.links.values()].map((l) => l.name).sort()
          expect(names(yield* watch.snapshot)).toEqual(["lo"])
          const pull = yield* Stream.toPull(watch.changes)
          yield* hostVeth
          ip(a, "link", "add", "ax0", "type", "veth", "peer", "name", "ax1")
          for (;;) {
            const updates = yield* pull.pipe(Effect.timeout(waitBound(10_000)))
            const last = updates[updates.length - 1]
            if (last !== undefined && last.snapshot.links.size === 3) break
          }
          expect(names(yield* watch.snapshot)).toEqual(["ax0", "ax1", "lo"])
        }).pipe(Effect.provide(Netlink.layerNamespace({ name: a })))
      })
    )
  )
})
