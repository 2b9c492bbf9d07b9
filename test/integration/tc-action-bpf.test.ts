/**
 * The bpf action on a full kernel (the VM lane; the host has no tc actions): an eBPF program
 * (sched_act) by fd and a classic BPF program by its bytecode, standalone and in a matchall
 * filter: each reads back equal (the eBPF program's id and tag in `status.kind`), is replaced
 * in place and removed.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
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
})
