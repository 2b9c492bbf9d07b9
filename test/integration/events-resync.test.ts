/**
 * Resync converges under sustained change: with a 1 KiB receive buffer,
 * another process adds 10k (and 50k) addresses with `ip -batch` while the
 * stream keeps overrunning and re-dumping. Once the writer is done and the
 * stream has caught up (a sentinel address added afterwards has arrived),
 * the consumer's map equals a fresh dump. No timing is asserted.
 */
import { expect, it } from "@effect/vitest"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer, Stream } from "effect"
import * as Events from "../../src/api/Events.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Watch from "../../src/api/Watch.ts"
import { describeRoot, freshNamespace, fullKernel, ip } from "../helpers/netns.ts"

/** Addresses per device: the kernel walks a device's address list on every add. */
const PER_DEVICE = 250
const SENTINEL = "10.255.255.254"

/** A private temp folder, removed with the scope (also on failure or timeout). */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "nlev-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** Writes the batch adding `n` /32 addresses spread over `n / PER_DEVICE` devices. */
const addressBatch = (dir: string, n: number): string => {
  const lines: Array<string> = []
  const devices = Math.ceil(n / PER_DEVICE)
  for (let i = 0; i < n; i++) {
    const a = (10 << 24) + (64 << 16) + i
    lines.push(`addr add ${a >>> 24}.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}/32 dev r${i % devices}`)
  }
  const file = path.join(dir, "batch")
  fs.writeFileSync(file, `${lines.join("\n")}\n`)
  return file
}

/** Creates the veth pairs r<i>/q<i> in one `ip -batch`. */
const addDevices = (ns: string, dir: string, n: number): void => {
  const lines: Array<string> = []
  for (let d = 0; d < n; d++) lines.push(`link add r${d} type veth peer name q${d}`)
  const file = path.join(dir, "devices")
  fs.writeFileSync(file, `${lines.join("\n")}\n`)
  execFileSync("ip", ["-n", ns, "-batch", file])
}

/** `ip -n ns -batch file` in a child process, killed with the scope if still running. */
const writer = (ns: string, file: string) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => spawn("ip", ["-n", ns, "-batch", file], { stdio: ["ignore", "ignore", "pipe"] })),
      (child) =>
        Effect.sync(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
    ),
    (child) => {
      const state = { code: undefined as number | undefined, stderr: "" }
      child.stderr.on("data", (d) => (state.stderr += d))
      child.on("exit", (code) => (state.code = code ?? -1))
      return state
    }
  )

const converges = (n: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("evr")
      const dir = yield* tempDir
      const devices = Math.ceil(n / PER_DEVICE)
      addDevices(ns, dir, devices)
      const file = addressBatch(dir, n)
      const program = Effect.gen(function* () {
        const sub = yield* Events.subscribe({
          kinds: ["address"],
          families: ["inet"],
          receiveBuffer: 1024,
          initial: true,
          resyncTimeoutMs: limit(30_000)
        })
        const pull = yield* Stream.toPull(sub.events)
        const mine = new Map<string, unknown>()
        let overruns = 0
        let resynced = 0
        let sentinel = false
        const w = yield* writer(ns, file)
        let sentinelAdded = false
        while (!sentinel) {
          if (!sentinelAdded && w.code !== undefined) {
            expect(w.stderr).toBe("")
            expect(w.code).toBe(0)
            // Everything the writer did precedes this address in the kernel.
            ip(ns, "addr", "add", `${SENTINEL}/32`, "dev", "r0")
            sentinelAdded = true
          }
          const chunk = yield* pull.pipe(
            Effect.timeoutOrElse({
              // A pull waits while nothing happens; wake up to notice the writer's exit.
              duration: 200,
              orElse: () => Effect.succeed([] as ReadonlyArray<Events.Event>)
            })
          )
          for (const e of chunk) {
            if (Events.isChange(e)) {
              Events.apply(mine, e)
              if (e.kind === "address" && e.value.address === `${SENTINEL}/32` && e._tag !== "Deleted")
                sentinel = true
            } else if (e._tag === "Overrun") overruns++
            else if (e._tag === "Resynced") resynced++
          }
        }
        // The scenario did overflow and repair itself.
        expect(overruns).toBeGreaterThan(0)
        expect(resynced).toBeGreaterThan(0)
        // A fresh subscription's view is a fresh dump, taken after the writer finished.
        const fresh = yield* Events.subscribe({ kinds: ["address"], families: ["inet"] })
        const want = fresh.view.address
        expect(want.size).toBe(n + 2) // the writer's, the sentinel, 127.0.0.1
        expect(mine.size).toBe(want.size)
        const missing = [...want.keys()].filter((k) => !mine.has(k))
        const differing = [...want].filter(([k, v]) => mine.has(k) && !Events.equivalent(mine.get(k), v))
        expect(missing).toEqual([])
        expect(differing.map(([k]) => k)).toEqual([])
        // The subscription's own view agrees too.
        expect([...sub.view.address.keys()].sort()).toEqual([...want.keys()].sort())
      })
      yield* program.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

/** The same scenario through a watch cache: its snapshot ends equal to a fresh dump. */
const watchConverges = (n: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("war")
      const dir = yield* tempDir
      const devices = Math.ceil(n / PER_DEVICE)
      addDevices(ns, dir, devices)
      const file = addressBatch(dir, n)
      const program = Effect.gen(function* () {
        const watch = yield* Watch.make({
          kinds: ["address"],
          families: ["inet"],
          receiveBuffer: 1024,
          resyncTimeoutMs: limit(30_000)
        })
        const pull = yield* Stream.toPull(watch.changes)
        const w = yield* writer(ns, file)
        let sentinelAdded = false
        let resynced = 0
        for (;;) {
          if (!sentinelAdded && w.code !== undefined) {
            expect(w.stderr).toBe("")
            expect(w.code).toBe(0)
            ip(ns, "addr", "add", `${SENTINEL}/32`, "dev", "r0")
            sentinelAdded = true
          }
          const updates = yield* pull.pipe(
            Effect.timeoutOrElse({
              duration: 200,
              orElse: () => Effect.succeed([] as ReadonlyArray<Watch.Update>)
            })
          )
          for (const u of updates) for (const e of u.events) if (e._tag === "Resynced") resynced++
          const last = updates[updates.length - 1]
          if (
            sentinelAdded &&
            last !== undefined &&
            [...last.snapshot.addresses.values()].some((a) => a.address === `${SENTINEL}/32`)
          )
            break
        }
        expect(resynced).toBeGreaterThan(0)
        expect(watch.subscription.stats().overruns).toBeGreaterThan(0)
        const snap = yield* watch.snapshot
        const fresh = yield* Events.subscribe({ kinds: ["address"], families: ["inet"] })
        const want = fresh.view.address
        expect(want.size).toBe(n + 2)
        expect([...snap.addresses.keys()].sort()).toEqual([...want.keys()].sort())
        const differing = [...want].filter(([k, v]) => !Events.equivalent(snap.addresses.get(k), v))
        expect(differing.map(([k]) => k)).toEqual([])
      })
      yield* program.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

// The VM lane runs 13–25x slower under software emulation.
const limit = (ms: number) => (fullKernel ? ms * 20 : ms)

describeRoot("Events and Watch resync under sustained change", () => {
  it.live(
    "10k addresses added by another process at a 1 KiB buffer: the view converges",
    () => converges(10_000),
    limit(60_000)
  )
  it.live(
    "50k addresses added by another process at a 1 KiB buffer: the view converges",
    () => converges(50_000),
    limit(180_000)
  )
  it.live(
    "Watch.make, 10k addresses added by another process at a 1 KiB buffer: the cache converges",
    () => watchConverges(10_000),
    limit(60_000)
  )
})
