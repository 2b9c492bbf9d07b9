/**
 * Batches on the host kernel: 10k address adds packed into few sendmsg calls
 * (counted on the socket) against the same adds one by one; results in
 * order; stopOnError.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as Batch from "../../src/api/Batch.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Connection from "../../src/runtime/Connection.ts"
import * as Namespace from "../../src/runtime/Namespace.ts"
import * as Socket from "../../src/runtime/Socket.ts"
import { describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

/** A Netlink service in `ns` whose socket counts the datagrams it sends. */
const counting = (ns: string) =>
  Effect.gen(function* () {
    const path = yield* Namespace.pathEffect({ name: ns })
    const socket = yield* Socket.open({ protocol: 0, netns: { path } })
    const counter = { sends: 0 }
    const transport = new Proxy(socket, {
      get(target, prop) {
        if (prop === "send")
          return (bytes: Uint8Array) => {
            counter.sends++
            return target.send(bytes)
          }
        const v = Reflect.get(target, prop, target)
        return typeof v === "function" ? v.bind(target) : v
      }
    }) as Socket.Transport
    const route = Connection.fromTransport(transport)
    return { counter, layer: Layer.succeed(Netlink, { route, namespace: { name: ns } }) }
  })

const N = 10_000
const addresses = (dev: string | number, base: number) =>
  Array.from({ length: N }, (_, i) => ({ dev, address: `10.${base}.${i >> 8}.${i & 255}/32` }))

describeRoot("Batch", () => {
  it.live(
    "10k address adds: results in order, far fewer sendmsg calls than one by one",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("batch")
          ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
          const { counter, layer } = yield* counting(ns)
          const t0 = performance.now()
          const outcomes = yield* Batch.run(
            addresses("v0", 1).map((object) => ({ op: "add" as const, type: "address", object }))
          ).pipe(Effect.provide(layer))
          const batched = { sends: counter.sends, ms: performance.now() - t0 }
          expect(outcomes).toHaveLength(N)
          expect(outcomes.every((o) => o._tag === "Done")).toBe(true)
          // one by one on the other device (same list length in the kernel), by index: one request each
          const v1 = ipJson<Array<{ ifindex: number }>>(ns, "link", "show", "v1")[0].ifindex
          counter.sends = 0
          const t1 = performance.now()
          yield* Effect.forEach(addresses(v1, 2), (a) => Address.add(a), { discard: true }).pipe(
            Effect.provide(layer)
          )
          const single = { sends: counter.sends, ms: performance.now() - t1 }
          console.log(
            `10k address adds: batch ${batched.sends} sendmsg / ${batched.ms.toFixed(0)} ms; one by one ${single.sends} sendmsg / ${single.ms.toFixed(0)} ms`
          )
          // one link dump + 10k/128 datagrams, against one request per address
          expect(batched.sends).toBeLessThanOrEqual(1 + Math.ceil(N / 128))
          expect(single.sends).toBeGreaterThanOrEqual(N)
          expect(single.sends / batched.sends).toBeGreaterThanOrEqual(3)
          const listed = yield* Address.list({ dev: "v0", family: "inet" }).pipe(Effect.provide(layer))
          expect(listed.map((a) => a.address)).toEqual(addresses("v0", 1).map((a) => a.address))
        })
      ),
    { timeout: testTimeout(120_000) }
  )

  it.live("each operation's own result, in order; stopOnError skips what follows a failure", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("batch2")
        ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        ip(ns, "link", "set", "v0", "up")
        const ops: ReadonlyArray<Batch.Operation> = [
          { op: "add", type: "address", object: { dev: "v0", address: "10.0.0.1/24" } },
          { op: "add", type: "address", object: { dev: "v0", address: "10.0.0.1/24" } }, // EEXIST
          { op: "add", type: "route", object: { destination: "10.9.0.0/16", gateway: "10.0.0.254" } },
          { op: "add", type: "address", object: { dev: "nope0", address: "10.0.1.1/24" } }, // no such link
          { op: "add", type: "link", object: { kind: "ifb", name: "i0" } },
          { op: "add", type: "rule", object: { priority: 100, table: 1000 } }
        ]
        const all = yield* Batch.run(ops).pipe(Effect.provide(Netlink.layerNamespace({ name: ns })))
        expect(all.map((o) => o._tag)).toEqual(["Done", "Failed", "Done", "Failed", "Done", "Done"])
        const e1 = all[1] as { error: { reason: { _tag: string; code?: string } } }
        expect(e1.error.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        const e3 = all[3] as { error: { reason: { _tag: string; path?: string } } }
        expect(e3.error.reason).toMatchObject({ _tag: "Validation", path: "dev" })
        expect(ipJson(ns, "route", "show", "10.9.0.0/16")).toHaveLength(1)

        const ns2 = yield* freshNamespace("batch3")
        ip(ns2, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        ip(ns2, "link", "set", "v0", "up")
        const stopped = yield* Batch.run(ops, { stopOnError: true }).pipe(
          Effect.provide(Netlink.layerNamespace({ name: ns2 }))
        )
        // the failing add shared a datagram with the route: that one ran
        expect(stopped.map((o) => o._tag)).toEqual([
          "Done",
          "Failed",
          "Done",
          "Skipped",
          "Skipped",
          "Skipped"
        ])
        expect(ipJson<Array<{ ifname: string }>>(ns2, "link", "show").map((l) => l.ifname)).not.toContain(
          "i0"
        )
      })
    )
  )
})
