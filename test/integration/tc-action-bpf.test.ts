/**
 * The bpf action on a full kernel (the VM lane; the host has no tc actions): an eBPF program
 * (sched_act) by fd and a classic BPF program by its bytecode, standalone and in a matchall
 * filter: each reads back equal (the eBPF program's id and tag in `status.kind`), is replaced
 * in place and removed. A program pinned in a bpffs of the test's own, by its path (tc's
 * `object-pinned`): the same program as tc's action on that path, standalone and in a filter;
 * a missing path fails with a System error naming it and adds nothing.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import koffi from "koffi"
import * as Action from "../../src/api/Action.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { closeProgram, loadProgram, ProgramType } from "../helpers/bpf.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))

/** A sched_act program returning TC_ACT_OK (0), closed when the scope ends. */
const program = Effect.acquireRelease(
  Effect.sync(() => loadProgram(ProgramType.schedAct, 0, "nlink_act")),
  (fd) => Effect.sync(() => closeProgram(fd))
)

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

/** A bpffs of the test's own with a sched_act program pinned at `act`; unmounted after. */
const pinned = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = mkdtempSync(join(tmpdir(), "nlink-bpffs-"))
    execFileSync("mount", ["-t", "bpf", "bpf", dir])
    const fd = loadProgram(ProgramType.schedAct, 0, "nlink_pinact")
    const path = join(dir, "act")
    try {
      pinProgram(fd, path)
    } finally {
      closeProgram(fd)
    }
    return { dir, path }
  }),
  ({ dir }) =>
    Effect.sync(() => {
      execFileSync("umount", [dir])
      rmSync(dir, { recursive: true })
    })
)

describeFullKernel("bpf action (issue 14)", () => {
  it.live("by fd and by classic bytecode: standalone and in a filter; id and tag in status", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("tcab")
        spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
        execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
        const fd = yield* program
        yield* Effect.gen(function* () {
          const a = { kind: "bpf", index: 70, options: { fd, name: "nlink_act" } } as Action.Action
          yield* Action.add(a)
          const got = yield* Action.get({ kind: "bpf", index: 70 } as Action.Action)
          expect(Action.equals(got, a), `${json(got)} vs ${json(a)}`).toBe(true)
          expect(got.options).toEqual({ name: "nlink_act", action: "pipe" })
          const k = got.status?.kind as { id: number; tag: string }
          expect(k.id).toBeGreaterThan(0)
          expect(k.tag).toMatch(/^[0-9a-f]{16}$/)
          // classic BPF: ldb [0]; ret #-1
          const c = {
            kind: "bpf",
            index: 70,
            options: {
              bytecode: [
                [0x30, 0, 0, 0],
                [6, 0, 0, 0xffffffff]
              ],
              action: "drop"
            }
          } as Action.Action
          yield* Action.replace(c)
          const classic = yield* Action.get({ kind: "bpf", index: 70 } as Action.Action)
          expect(Action.equals(classic, c), json(classic)).toBe(true)
          expect(classic.status?.kind).toBeUndefined()
          yield* Action.remove(classic)
          expect((yield* Action.list("bpf")).filter((x) => x.index === 70)).toEqual([])

          yield* Qdisc.add({ dev: "d0", kind: "clsact" })
          const where = { dev: "d0", parent: "ingress" } as const
          const input = {
            ...where,
            priority: 3,
            protocol: "all",
            kind: "matchall",
            actions: [{ kind: "bpf", options: { fd, name: "nlink_act" } }]
          } as Filter.Filter
          yield* Filter.add(input)
          const [listed] = (yield* Filter.list(where)).filter((f) => f.priority === 3)
          expect(Filter.equals(listed, input), json(listed)).toBe(true)
          expect((listed.actions?.[0].status?.kind as any)?.id).toBe(k.id)
          yield* Filter.remove(listed)
          expect((yield* Filter.list(where)).filter((f) => f.priority === 3)).toEqual([])
        }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
      })
    )
  )

  it.live("by pinned path: the same program as tc's object-pinned, standalone and in a filter", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("tcap")
        spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
        execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
        const { dir, path } = yield* pinned
        yield* Effect.gen(function* () {
          const a: Action.Action = { kind: "bpf", index: 80, options: { pinned: path, name: "pinned_act" } }
          yield* Action.add(a)
          const got = yield* Action.get({ kind: "bpf", index: 80 })
          expect(Action.equals(got, a), `${json(got)} vs ${json(a)}`).toBe(true)
          // the path is not read back: the kernel keeps the program
          expect(got.options).toEqual({ name: "pinned_act", action: "pipe" })
          const id = (got.status?.kind as { id?: number } | undefined)?.id
          expect(id).toBeGreaterThan(0)
          // tc's action on the same path runs the same program
          execFileSync("tc", [
            "-n",
            ns,
            "actions",
            "add",
            "action",
            "bpf",
            "object-pinned",
            path,
            "index",
            "81"
          ])
          const theirs = yield* Action.get({ kind: "bpf", index: 81 })
          expect((theirs.status?.kind as { id?: number } | undefined)?.id).toBe(id)
          yield* Action.remove(theirs)
          yield* Action.remove(got)
          expect((yield* Action.list("bpf")).filter((x) => x.index === 80 || x.index === 81)).toEqual([])

          yield* Qdisc.add({ dev: "d0", kind: "clsact" })
          const where = { dev: "d0", parent: "ingress" } as const
          const input: Filter.Filter = {
            ...where,
            priority: 4,
            protocol: "all",
            kind: "matchall",
            actions: [
              { kind: "gact", options: { action: "pipe" } },
              { kind: "bpf", options: { pinned: path } }
            ]
          }
          yield* Filter.add(input)
          const [listed] = (yield* Filter.list(where)).filter((f) => f.priority === 4)
          expect(Filter.equals(listed, input), json(listed)).toBe(true)
          expect((listed.actions?.[1]?.status?.kind as { id?: number } | undefined)?.id).toBe(id)
          yield* Filter.remove(listed)
          expect((yield* Filter.list(where)).filter((f) => f.priority === 4)).toEqual([])

          // a path with nothing pinned: a System error naming it; nothing is added
          const missing = join(dir, "none")
          const err = yield* Effect.flip(Action.add({ kind: "bpf", index: 82, options: { pinned: missing } }))
          expect(err.reason._tag).toBe("System")
          expect(err.message).toContain(missing)
          const err2 = yield* Effect.flip(
            Filter.add({ ...input, priority: 5, actions: [{ kind: "bpf", options: { pinned: missing } }] })
          )
          expect(err2.message).toContain(missing)
          expect((yield* Action.list("bpf")).filter((x) => x.index === 82)).toEqual([])
          expect((yield* Filter.list(where)).filter((f) => f.priority === 5)).toEqual([])
        }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
      })
    )
  )
})
