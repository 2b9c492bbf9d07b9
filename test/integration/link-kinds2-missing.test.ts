/**
 * A kind the running kernel lacks: Link.add fails with the kernel's EOPNOTSUPP, now naming
 * the kind and saying the kernel lacks it, and leaves nothing behind. amt is built by
 * neither the host kernel nor the lane's Debian kernels; on a kernel with amt the test
 * asserts the link is created instead (so it never passes without checking something).
 * (The host kernel has no dummy either: d0 is one end of a veth pair.)
 */
import { execFileSync } from "node:child_process"
import * as os from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Link from "../../src/api/Link.ts"
import { describeRoot, inNamespace, ip } from "../helpers/netns.ts"

const hasAmt = (() => {
  try {
    execFileSync("modprobe", ["amt"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

describeRoot("Link.add of a kind the kernel lacks", () => {
  it.live(`amt: ${hasAmt ? "created (this kernel has it)" : "a typed error naming the kind"}`, () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        const before = (yield* Link.list({ stats: false })).map((l) => l.name)
        const spec = { kind: "amt", name: "amt0", mode: "relay", local: "10.9.0.1", dev: "d0" } as const
        const exit = yield* Effect.exit(Link.add(spec))
        if (hasAmt) {
          expect(exit._tag).toBe("Success")
          expect((yield* Link.get("amt0")).kind).toBe("amt")
          return
        }
        expect(exit._tag).toBe("Failure")
        const e = yield* Effect.flip(Link.add(spec))
        expect(e.reason).toMatchObject({ _tag: "Kernel", code: "EOPNOTSUPP", errno: 95 })
        expect((e.reason as any).extack?.message).toBe("Unknown device type")
        expect(e.message).toBe(
          `link add amt0: this kernel (${os.release()}) lacks link kind "amt" (module rtnl-link-amt not available): Unknown device type (EOPNOTSUPP)`
        )
        expect((yield* Link.list({ stats: false })).map((l) => l.name)).toEqual(before)
      })
    )
  )
})
