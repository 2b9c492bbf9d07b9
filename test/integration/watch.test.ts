/**
 * Watch against the kernel: the cache follows `ip` changes, survives a
 * deliberate overrun and then equals a fresh dump, and exposes snapshots as
 * a stream.
 */
import { expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer, type Scope, Stream } from "effect"
import * as Events from "../../src/api/Events.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Watch from "../../src/api/Watch.ts"
import { describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { waitBound } from "../helpers/timing.ts"

/** Runs `f` in a fresh namespace, with the Netlink service of that namespace. */
const withNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Scope.Scope | Netlink>) =>
  Effect.scoped(
    Effect.flatMap(freshNamespace("wa"), (ns) =>
      f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    )
  )

/** Pulls `changes` until an update satisfies `done`. */
const updatesUntil = (
  pull: Effect.Effect<ReadonlyArray<Watch.Update>, any>,
  done: (u: Watch.Update, seen: ReadonlyArray<Events.Event>) => boolean,
  timeoutMs = waitBound(10_000)
) =>
  Effect.gen(function* () {
    const seen: Array<Events.Event> = []
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const left = deadline - Date.now()
      if (left <= 0) return yield* Effect.die(new Error(`timed out after ${seen.length} events`))
      const chunk = yield* pull.pipe(
        Effect.timeoutOrElse({
          duration: left,
          orElse: () => Effect.die(new Error(`timed out after ${seen.length} events`))
        })
      )
      for (const u of chunk) {
        for (const e of u.events) seen.push(e)
        if (done(u, seen)) return { update: u, seen }
      }
    }
  })

/** A private temp folder, removed with the scope (also when the test fails or times out). */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "nlwa-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const nlwa = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("nlwa-"))
const before = new Set(nlwa())

const blackholeBatch = (n: number) =>
  Effect.map(tempDir, (dir) => {
    const lines: Array<string> = []
    for (let i = 0; i < n; i++)
      lines.push(`route add blackhole 10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`)
    const file = path.join(dir, "batch")
    fs.writeFileSync(file, `${lines.join("\n")}\n`)
    return file
  })

/** Keys and values of two maps agree (values compared without counters and timers). */
const expectSameMap = (got: ReadonlyMap<string, unknown>, want: ReadonlyMap<string, unknown>) => {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort())
  const differing = [...want].filter(([k, v]) => !Events.equivalent(got.get(k), v)).map(([k]) => k)
  expect(differing).toEqual([])
}

describeRoot("Watch", () => {
  it.live("holds the namespace's state from the start and follows changes", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        ip(ns, "addr", "add", "10.1.0.1/24", "dev", "d0")
        const watch = yield* Watch.make({})
        const links = yield* watch.get("link")
        expect([...links.values()].map((l) => l.name).sort()).toEqual(["d0", "d1", "lo"])
        const addrs = yield* watch.get("address")
        expect([...addrs.values()].some((a) => a.address === "10.1.0.1/24" && a.dev === "d0")).toBe(true)
        // Snapshots are immutable copies: a change later does not alter this one.
        const before = yield* watch.snapshot
        const pull = yield* Stream.toPull(watch.changes)
        const first = yield* pull
        expect(first[0].events).toEqual([])
        expect(first[0].snapshot.links.size).toBe(3)
        ip(ns, "link", "set", "d0", "up")
        ip(ns, "link", "set", "d1", "up")
        ip(ns, "route", "add", "10.2.0.0/24", "via", "10.1.0.2")
        const { update } = yield* updatesUntil(pull, (u) =>
          [...u.snapshot.routes.values()].some(
            (r) => r.destination === "10.2.0.0/24" && r.gateway === "10.1.0.2" && r.dev === "d0"
          )
        )
        expect(before.routes.size).toBeLessThan(update.snapshot.routes.size)
        expect([...before.routes.values()].some((r) => r.destination === "10.2.0.0/24")).toBe(false)
        // The cache agrees with ip's view of the kernel.
        const kernelLinks = ipJson(ns, "link", "show").map((l: any) => l.ifname)
        const snap = yield* watch.snapshot
        expect([...snap.links.values()].map((l) => l.name).sort()).toEqual(kernelLinks.sort())
        const main = ipJson(ns, "route", "show").map((r: any) => r.dst)
        const ours = [...snap.routes.values()]
          .filter((r) => r.table === "main" && r.family === "inet")
          .map((r) => (r.destination === "0.0.0.0/0" ? "default" : r.destination))
        expect(ours.sort()).toEqual(main.map((d: string) => (d.includes("/") ? d : `${d}/32`)).sort())
        ip(ns, "link", "del", "d0")
        yield* updatesUntil(pull, (u) => [...u.snapshot.links.values()].every((l) => l.name !== "d0"))
        const after = yield* watch.snapshot
        expect(after.links.size).toBe(1)
        // IPv4 routes through d0 were flushed silently; the cache knows.
        expect([...after.routes.values()].some((r) => r.destination === "10.2.0.0/24")).toBe(false)
      })
    )
  )

  it.live("after an overrun on a tiny buffer the cache equals a fresh dump", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        const watch = yield* Watch.make({ receiveBuffer: 4096 })
        const pull = yield* Stream.toPull(watch.changes)
        yield* pull
        // The thread is blocked in execFileSync: nothing drains the 4 KiB buffer.
        execFileSync("ip", ["-n", ns, "-batch", yield* blackholeBatch(5000)])
        ip(ns, "link", "set", "d0", "mtu", "1400")
        ip(ns, "addr", "add", "10.1.0.1/24", "dev", "d0")
        const { seen } = yield* updatesUntil(
          pull,
          (u, seen) =>
            seen.some((e) => e._tag === "Resynced" && e.reason === "overrun") &&
            [...u.snapshot.addresses.values()].some((a) => a.address === "10.1.0.1/24" && a.dev === "d0") &&
            [...u.snapshot.links.values()].some((l) => l.name === "d0" && l.mtu === 1400)
        )
        expect(seen.some((e) => e._tag === "Overrun")).toBe(true)
        expect(watch.subscription.stats().overruns).toBeGreaterThan(0)
        const snap = yield* watch.snapshot
        const fresh = yield* Events.subscribe({})
        expectSameMap(snap.links, fresh.view.link)
        expectSameMap(snap.addresses, fresh.view.address)
        expectSameMap(snap.routes, fresh.view.route)
        expectSameMap(snap.neighbors, fresh.view.neighbor)
        expectSameMap(snap.rules, fresh.view.rule)
        expect([...snap.routes.values()].filter((r) => r.type === "blackhole")).toHaveLength(5000)
        expect(ipJson(ns, "route", "show", "type", "blackhole")).toHaveLength(5000)
      })
    )
  )

  it.live("kinds not watched stay empty; closing the scope closes its sockets", () =>
    Effect.gen(function* () {
      const sockets = () =>
        fs.readdirSync("/proc/self/fd").filter((fd) => {
          try {
            return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")
          } catch {
            return false
          }
        }).length
      const before = sockets()
      yield* withNs(() =>
        Effect.gen(function* () {
          const w = yield* Watch.make({ kinds: ["link"] })
          expect((yield* w.get("route")).size).toBe(0)
          expect((yield* w.get("link")).size).toBe(1)
          expect(w.subscription.groups).toEqual([Events.Groups.RTNLGRP_LINK])
          // The event socket and the dump socket.
          expect(sockets()).toBe(before + 2)
        })
      )
      expect(sockets()).toBe(before)
    })
  )
})

describeRoot("Watch tests leave nothing behind", () => {
  it("no nlwa-* folder they created remains under the temp directory", () => {
    expect(nlwa().filter((f) => !before.has(f))).toEqual([])
  })
})
