/**
 * Filters through `Batch` on the host kernel (u32 and bpf classifiers; no actions): 1000 u32
 * filter adds packed into few sendmsg calls (counted on the socket) list back equal, one
 * batch of removes of the listed filters empties the hook again; each operation's own result
 * in order and stopOnError; replace changes a filter in place; a bpf filter by pinned path
 * goes on its own between packed runs (its program's fd is opened per request).
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import koffi from "koffi"
import * as Batch from "../../src/api/Batch.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import * as Connection from "../../src/runtime/Connection.ts"
import * as Namespace from "../../src/runtime/Namespace.ts"
import * as Socket from "../../src/runtime/Socket.ts"
import { closeProgram, loadProgram, ProgramType } from "../helpers/bpf.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"

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

/** Pins a program at a bpffs path (bpf(BPF_OBJ_PIN)). */
const pinProgram = (fd: number, path: string): void => {
  const syscall = koffi.load("libc.so.6").func("long syscall(long, int, void *, uint32_t)")
  const name = Buffer.from(`${path}\0`)
  // union bpf_attr for BPF_OBJ_PIN: pathname (u64 pointer), bpf_fd
  const attr = Buffer.alloc(24)
  attr.writeBigUInt64LE(BigInt(koffi.address(name)), 0)
  attr.writeUInt32LE(fd, 8)
  if (syscall(321, 6, attr, attr.length) < 0) throw new Error(`BPF_OBJ_PIN ${path}: errno ${koffi.errno()}`)
}

const where = { dev: "v0", parent: "ingress" } as const

/** A namespace with a veth pair v0/v1 and clsact on v0. */
const setUp = (name: string) =>
  Effect.gen(function* () {
    const ns = yield* freshNamespace(name)
    ip(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
    yield* Qdisc.add({ dev: "v0", kind: "clsact" }).pipe(Effect.provide(Netlink.layerNamespace({ name: ns })))
    return ns
  })

const u32 = (priority: number, dst: string, extra: object = {}): Filter.Filter => ({
  ...where,
  protocol: "ip",
  priority,
  kind: "u32",
  options: { match: [`ip dst ${dst}/32`] },
  ...extra
})

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))

describeRoot("Batch: tc filters", () => {
  it.live(
    "1000 u32 adds in few sendmsg calls list back equal; a batch of removes of the listed empties the hook",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* setUp("fbat")
          const { counter, layer } = yield* counting(ns)
          const N = 1000
          const inputs = Array.from({ length: N }, (_, i) => u32(i + 1, `10.1.${i >> 8}.${i & 255}`))
          const outcomes = yield* Batch.run(
            inputs.map((object) => ({ op: "add" as const, type: "filter", object }))
          ).pipe(Effect.provide(layer))
          expect(outcomes.filter((o) => o._tag !== "Done")).toEqual([])
          expect(outcomes).toHaveLength(N)
          // one link dump + N/128 datagrams
          expect(counter.sends).toBeLessThanOrEqual(1 + Math.ceil(N / 128))
          const listed = yield* Filter.list(where).pipe(Effect.provide(layer))
          // u32 lists each priority's own hash table (handle 800:) beside the filter
          const filters = listed.filter(
            (f) => (f.options as { match?: ReadonlyArray<unknown> } | undefined)?.match?.length
          )
          expect(filters).toHaveLength(N)
          const byPriority = new Map(filters.map((f) => [f.priority, f]))
          for (const input of inputs) {
            const got = byPriority.get(input.priority)
            expect(got !== undefined && Filter.equals(got, input), `${json(got)} vs ${json(input)}`).toBe(
              true
            )
          }
          counter.sends = 0
          const removed = yield* Batch.run(
            filters.map((object) => ({ op: "remove" as const, type: "filter", object }))
          ).pipe(Effect.provide(layer))
          expect(removed.filter((o) => o._tag !== "Done")).toEqual([])
          expect(counter.sends).toBeLessThanOrEqual(1 + Math.ceil(N / 128))
          const left = yield* Filter.list(where).pipe(Effect.provide(layer))
          expect(
            left.filter((f) => (f.options as { match?: ReadonlyArray<unknown> } | undefined)?.match?.length)
          ).toEqual([])
        })
      ),
    { timeout: 300_000 }
  )

  it.live("each operation's own result, in order; stopOnError; replace changes in place", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = u32(10, "10.0.0.1", { handle: "800::1" })
        const ops: ReadonlyArray<Batch.Operation> = [
          { op: "add", type: "filter", object: a },
          { op: "add", type: "filter", object: a }, // EEXIST
          { op: "add", type: "filter", object: { ...a, parent: undefined } }, // no parent: Validation
          { op: "add", type: "filter", object: u32(11, "10.0.0.2") },
          { op: "add", type: "filter", object: { ...u32(12, "10.0.0.3"), dev: "nope0" } } // no such link
        ]
        const ns = yield* setUp("fbat2")
        const layer = Netlink.layerNamespace({ name: ns })
        const all = yield* Batch.run(ops).pipe(Effect.provide(layer))
        expect(all.map((o) => o._tag)).toEqual(["Done", "Failed", "Failed", "Done", "Failed"])
        const reason = (i: number) => (all[i] as { error: { reason: object } }).error.reason
        expect(reason(1)).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        expect(reason(2)).toMatchObject({ _tag: "Validation", path: "parent" })
        expect(reason(4)).toMatchObject({ _tag: "Validation", path: "dev" })
        const priorities = (fs: ReadonlyArray<Filter.Filter>) =>
          [...new Set(fs.map((f) => f.priority))].sort((x, y) => x! - y!)
        expect(priorities(yield* Filter.list(where).pipe(Effect.provide(layer)))).toEqual([10, 11])

        // replace: the same handle with a class added (u32 keeps a node's key), in a batch
        const changed = { ...a, options: { match: ["ip dst 10.0.0.1/32"], classid: "1:5" } } as Filter.Filter
        const replaced = yield* Batch.run([{ op: "replace", type: "filter", object: changed }]).pipe(
          Effect.provide(layer)
        )
        expect(replaced.map((o) => o._tag)).toEqual(["Done"])
        const now = yield* Filter.get({ ...a, kind: "u32" }).pipe(Effect.provide(layer))
        expect(Filter.equals(now, changed), json(now)).toBe(true)
        expect(Filter.equals(now, a)).toBe(false)

        const ns2 = yield* setUp("fbat3")
        const layer2 = Netlink.layerNamespace({ name: ns2 })
        const stopped = yield* Batch.run(ops, { stopOnError: true }).pipe(Effect.provide(layer2))
        // nothing at or after the invalid operation was sent; the EEXIST came back first
        expect(stopped.map((o) => o._tag)).toEqual(["Done", "Failed", "Skipped", "Skipped", "Skipped"])
        expect(priorities(yield* Filter.list(where).pipe(Effect.provide(layer2)))).toEqual([10])
      })
    )
  )

  it.live("a bpf filter by pinned path goes on its own between packed runs", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* setUp("fbat4")
        const { dir, path } = yield* Effect.acquireRelease(
          Effect.sync(() => {
            const dir = mkdtempSync(join(tmpdir(), "nlink-bpffs-"))
            execFileSync("mount", ["-t", "bpf", "bpf", dir])
            const fd = loadProgram(ProgramType.schedCls, 0, "nlink_batch")
            try {
              pinProgram(fd, join(dir, "cls"))
            } finally {
              closeProgram(fd)
            }
            return { dir, path: join(dir, "cls") }
          }),
          ({ dir }) =>
            Effect.sync(() => {
              execFileSync("umount", [dir])
              rmSync(dir, { recursive: true })
            })
        )
        const bpf: Filter.Filter = {
          ...where,
          protocol: "all",
          priority: 30,
          kind: "bpf",
          options: { pinned: path, name: "batched", directAction: true }
        }
        const ops: ReadonlyArray<Batch.Operation> = [
          { op: "add", type: "filter", object: u32(20, "10.0.0.20") },
          { op: "add", type: "filter", object: bpf },
          {
            op: "add",
            type: "filter",
            object: { ...bpf, priority: 31, options: { pinned: join(dir, "none") } }
          },
          { op: "add", type: "filter", object: u32(21, "10.0.0.21") }
        ]
        const layer = Netlink.layerNamespace({ name: ns })
        const out = yield* Batch.run(ops).pipe(Effect.provide(layer))
        expect(out.map((o) => o._tag)).toEqual(["Done", "Done", "Failed", "Done"])
        expect((out[2] as { error: { reason: object } }).error.reason).toMatchObject({ _tag: "System" })
        const listed = yield* Filter.list(where).pipe(Effect.provide(layer))
        const got = listed.find((f) => f.priority === 30)
        expect(got !== undefined && Filter.equals(got, bpf), json(got)).toBe(true)
        expect([...new Set(listed.map((f) => f.priority))].sort()).toEqual([20, 21, 30])
      })
    )
  )
})
