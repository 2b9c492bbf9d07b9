/**
 * The resync's retry policy, against a fake reader and a fake dumper (no
 * kernel needed): interrupted re-dumps are retried until one completes, the
 * stream fails with DumpInterrupted only once the bound has passed, and
 * other errors are not retried.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Item, Reader } from "../../src/api/events/Reader.ts"
import { Replica } from "../../src/api/events/Replica.ts"
import type * as Connection from "../../src/runtime/Connection.ts"
import * as NetlinkError from "../../src/runtime/NetlinkError.ts"

/** A reader that reports one ENOBUFS, then nothing. */
const overrunOnce = (): Reader => {
  const items: Array<Item> = [{ seq: 1, bytes: undefined, view: undefined, start: 0, end: 0 }]
  return {
    seq: 1,
    failure: undefined,
    drain: () => false,
    take: () => items.shift(),
    wait: Effect.never
  } as unknown as Reader
}

/** A dumper whose dumps fail with `error` `failures` times, then return nothing. */
const dumper = (failures: number, error: NetlinkError.NetlinkError) => {
  const calls = { n: 0 }
  const shape = {
    dumpAll: () => Effect.suspend(() => (calls.n++ < failures ? Effect.fail(error) : Effect.succeed([])))
  } as unknown as Connection.ConnectionShape
  return { shape, calls }
}

const interrupted = NetlinkError.make(new NetlinkError.DumpInterrupted({ partial: [] }))

const replica = (d: Connection.ConnectionShape, resyncTimeoutMs: number) =>
  new Replica(overrunOnce(), d, {
    kinds: ["link"],
    families: [2],
    link: undefined,
    linkName: undefined,
    table: undefined,
    overflow: "resync",
    initial: false,
    resyncTimeoutMs
  })

describe("Events resync retry policy", () => {
  it.live("interrupted re-dumps are retried until one completes", () =>
    Effect.gen(function* () {
      const d = dumper(3, interrupted)
      const events = yield* replica(d.shape, 30_000).pull
      expect(events.map((e) => e._tag)).toEqual(["Overrun", "Resynced"])
      expect(d.calls.n).toBe(4)
    })
  )

  it.live("without one complete dump within resyncTimeoutMs the stream fails with DumpInterrupted", () =>
    Effect.gen(function* () {
      const d = dumper(Number.POSITIVE_INFINITY, interrupted)
      const e = yield* Effect.flip(replica(d.shape, 100).pull)
      expect(e.reason._tag).toBe("DumpInterrupted")
      // It was retried (with back-off) before giving up.
      expect(d.calls.n).toBeGreaterThan(1)
    })
  )

  it.live("other errors are not retried", () =>
    Effect.gen(function* () {
      const d = dumper(1, NetlinkError.kernel(1))
      const e = yield* Effect.flip(replica(d.shape, 30_000).pull)
      expect(e.reason._tag).toBe("Kernel")
      expect(d.calls.n).toBe(1)
    })
  )
})
