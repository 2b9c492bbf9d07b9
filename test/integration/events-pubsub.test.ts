/**
 * One reader, several consumers: every run of a subscription's `events` and
 * every `Watch.changes` consumer gets every event from the moment it
 * started; none steals another's.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Stream } from "effect"
import * as Events from "../../src/api/Events.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Watch from "../../src/api/Watch.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { waitBound } from "../helpers/timing.ts"

const withNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Scope.Scope | Netlink>) =>
  Effect.scoped(
    Effect.flatMap(freshNamespace("evp"), (ns) =>
      f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    )
  )

const NAMES = ["p0", "p1", "p2", "p3"]

/** Link names of New link events, in order, until all of NAMES came. */
const newLinks = (pull: Effect.Effect<ReadonlyArray<Events.Event>, any>) =>
  Effect.gen(function* () {
    const names: Array<string> = []
    while (!NAMES.every((n) => names.includes(n))) {
      for (const e of yield* pull.pipe(Effect.timeout(waitBound(10_000))))
        if (e._tag === "New" && e.kind === "link" && e.value.name !== undefined) names.push(e.value.name)
    }
    return names
  })

describeRoot("Events: one reader, several consumers", () => {
  it.live("two runs of a subscription's events each get every event", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        const sub = yield* Events.subscribe({ kinds: ["link"] })
        const a = yield* Stream.toPull(sub.events)
        const b = yield* Stream.toPull(sub.events)
        ip(ns, "link", "add", "p0", "type", "veth", "peer", "name", "p1")
        ip(ns, "link", "add", "p2", "type", "veth", "peer", "name", "p3")
        const [fromA, fromB] = yield* Effect.all([newLinks(a), newLinks(b)], { concurrency: 2 })
        expect([...fromA].sort()).toEqual(NAMES)
        expect(fromB).toEqual(fromA)
        // One socket for both: the reader counted each datagram once.
        expect(sub.stats().events).toBe(4)
      })
    )
  )

  it.live("Watch.changes consumers each get every event; one that did not pull gets them in one update", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        const watch = yield* Watch.make({ kinds: ["link"] })
        const eager = yield* Stream.toPull(watch.changes)
        const lazy = yield* Stream.toPull(watch.changes)
        expect((yield* eager)[0].events).toEqual([])
        expect((yield* lazy)[0].events).toEqual([])
        ip(ns, "link", "add", "p0", "type", "veth", "peer", "name", "p1")
        ip(ns, "link", "add", "p2", "type", "veth", "peer", "name", "p3")
        const seen: Array<Events.Event> = []
        while (seen.filter((e) => e._tag === "New").length < 4)
          for (const u of yield* eager.pipe(Effect.timeout(waitBound(10_000)))) seen.push(...u.events)
        // The lazy consumer pulls once now: everything queued for it, in one update.
        const [late] = yield* lazy.pipe(Effect.timeout(waitBound(10_000)))
        const names = (events: ReadonlyArray<Events.Event>) =>
          events.flatMap((e) => (e._tag === "New" && e.kind === "link" ? [e.value.name] : [])).sort()
        expect(names(seen)).toEqual(NAMES)
        expect(names(late.events)).toEqual(NAMES)
        expect([...late.snapshot.links.values()].map((l) => l.name).sort()).toEqual(["lo", ...NAMES])
      })
    )
  )
})
