/**
 * The bpf action by pinned path on the host (which has no tc actions, so the kernel refuses
 * the action itself; the VM lane adds it: test/integration/tc-action-bpf.test.ts): tc's words,
 * validation, the program's fd opened with BPF_OBJ_GET for the request and closed after it
 * whatever the kernel answers, and a missing path failing with a System error naming it before
 * anything is sent.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import koffi from "koffi"
import * as Action from "../../src/api/Action.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { closeProgram, loadProgram, ProgramType } from "../helpers/bpf.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"

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

const openFds = () => readdirSync("/proc/self/fd").length

it("tc's words: object-pinned (and pinned) PATH", () => {
  expect(Action.parse("action bpf object-pinned /sys/fs/bpf/a index 3")).toEqual({
    kind: "bpf",
    index: 3,
    options: { pinned: "/sys/fs/bpf/a" }
  })
  expect(Action.parse("action bpf pinned /sys/fs/bpf/a")).toEqual({
    kind: "bpf",
    options: { pinned: "/sys/fs/bpf/a" }
  })
})

describeRoot("bpf action by pinned path (host)", () => {
  it.live(
    "validation, fd held for the request only, missing path",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("abpp")
          const { dir, path } = yield* Effect.acquireRelease(
            Effect.sync(() => {
              const dir = mkdtempSync(join(tmpdir(), "nlink-bpffs-"))
              execFileSync("mount", ["-t", "bpf", "bpf", dir])
              const fd = loadProgram(ProgramType.schedAct, 0, "nlink_pinact")
              try {
                pinProgram(fd, join(dir, "act"))
              } finally {
                closeProgram(fd)
              }
              return { dir, path: join(dir, "act") }
            }),
            ({ dir }) =>
              Effect.sync(() => {
                execFileSync("umount", [dir])
                rmSync(dir, { recursive: true })
              })
          )
          yield* Effect.gen(function* () {
            // two program sources: Validation naming the field, nothing opened or sent
            const both = yield* Effect.flip(
              Action.add({ kind: "bpf", index: 5, options: { pinned: path, bytecode: [[6, 0, 0, 0]] } })
            )
            expect(both.reason._tag).toBe("Validation")
            expect(both.message).toContain("bytecode")
            const fdAndPath = yield* Effect.flip(
              Action.add({ kind: "bpf", options: { pinned: path, fd: 0 } })
            )
            expect(fdAndPath.message).toContain("pinned")

            // the host kernel has no act_bpf: it refuses the action, and the fd is closed after
            const before = openFds()
            const refused = yield* Effect.flip(
              Action.add({ kind: "bpf", index: 5, options: { pinned: path } })
            )
            expect(refused.reason._tag).toBe("Kernel")
            expect(openFds()).toBe(before)
            const inFilter = yield* Effect.flip(
              Filter.add({
                dev: "lo",
                parent: "ffff:",
                kind: "u32",
                options: { match: ["u32 0 0 at 0"] },
                actions: [{ kind: "bpf", options: { pinned: path } }]
              })
            )
            expect(inFilter.reason._tag).toBe("Kernel")
            expect(openFds()).toBe(before)

            // nothing pinned there: a System error naming the path, before any request
            const missing = join(dir, "none")
            const err = yield* Effect.flip(Action.add({ kind: "bpf", options: { pinned: missing } }))
            expect(err.reason._tag).toBe("System")
            expect(err.message).toContain(missing)
            const err2 = yield* Effect.flip(
              Filter.add({
                dev: "lo",
                parent: "ffff:",
                kind: "u32",
                options: { match: ["u32 0 0 at 0"] },
                actions: [{ kind: "gact" }, { kind: "bpf", options: { pinned: missing } }]
              })
            )
            expect(err2.reason._tag).toBe("System")
            expect(err2.message).toContain(missing)
            expect(openFds()).toBe(before)
          }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
        })
      ),
    // a namespace's creation waits behind other tests' namespace teardown on a busy machine
    { timeout: 120_000 }
  )
})
