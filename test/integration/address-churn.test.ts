/**
 * Address dumps filtered by device while another process adds and removes
 * addresses. The kernel never flags a dump filtered by device as interrupted
 * (it may lose or repeat entries silently, and `ip addr show dev` does);
 * nlink filters by device itself over a dump the kernel does flag. Every
 * result that succeeds must be consistent, and every other one must be a
 * typed DumpInterrupted failure.
 */
import type { ChildProcess } from "node:child_process"
import { afterEach, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Address from "../../src/api/Address.ts"
import { checkDump, removeBatches, startLoop, stopLoop, type Tally, writeBatch } from "../helpers/churn.ts"
import { describeRoot, inNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

afterEach(removeBatches)

const STABLE = 400
const CHURN = 60

const v4 = (base: number, i: number) => `10.${base}.${i >> 8}.${i & 255}`
const v6 = (base: number, i: number) => `2001:db8:${base}::${(i + 1).toString(16)}`

/** Addresses on d0 that exist for the whole test (IPv4 global, IPv6 global). */
const stable = (): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < STABLE; i++) out.push(`${v4(1, i)}/32`, `${v6(1, i)}/128`)
  return out
}

/**
 * A batch another process runs in a loop: adds and removes addresses on d0
 * (and d1). IPv4 link-scope primaries are inserted before the global ones and
 * new IPv6 addresses at the head of their list, so every change shifts the
 * stable addresses under a running dump.
 */
const churnBatch = (ns: string): string => {
  const lines: Array<string> = []
  for (let i = 0; i < CHURN; i++) {
    lines.push(`addr add ${v4(2, i)}/32 dev d0 scope link`, `addr add ${v6(2, i)}/128 dev d0 nodad`)
    lines.push(`addr add ${v4(3, i)}/32 dev d1`)
  }
  for (let i = 0; i < CHURN; i++) {
    lines.push(`addr del ${v4(2, i)}/32 dev d0`, `addr del ${v6(2, i)}/128 dev d0`)
    lines.push(`addr del ${v4(3, i)}/32 dev d1`)
  }
  return writeBatch(ns, "churn", lines)
}

const startChurn = (ns: string): ChildProcess => startLoop(ns, churnBatch(ns))

describeRoot("Address dumps filtered by device under churn", () => {
  it.live(
    "every successful dump is consistent; every other one is a typed interruption",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
          ip(ns, "link", "set", "d0", "up")
          ip(ns, "link", "set", "d1", "up")
          ip(
            ns,
            "-batch",
            writeBatch(
              ns,
              "stable",
              stable().map((a) => `addr add ${a} dev d0 nodad`)
            )
          )
          const expected = new Set(stable())
          const child = startChurn(ns)
          yield* churned(ns, child, expected).pipe(Effect.ensuring(stopLoop(child)))
        })
      ),
    testTimeout(60_000)
  )
})

const churned = (ns: string, child: ChildProcess, expected: ReadonlySet<string>) =>
  Effect.gen(function* () {
    const plain: Tally = { ok: 0, interrupted: 0 }
    const retried: Tally = { ok: 0, interrupted: 0 }
    const deadline = Date.now() + 6_000
    for (let i = 0; i < 400 && Date.now() < deadline; i++) {
      const raw = yield* Effect.result(
        Effect.map(Address.listRaw({ dev: "d0" }), (as) =>
          as.filter((a) => a.scope === 0).map((a) => `${a.local ?? a.address}/${a.prefixlen}`)
        )
      )
      checkDump(raw, expected, plain)
      const model = yield* Effect.result(
        Effect.map(Address.list({ dev: "d0" }, { retryInterrupted: 3 }), (as) =>
          as.filter((a) => a.scope === "global").map((a) => a.address)
        )
      )
      checkDump(model, expected, retried)
    }
    // Both kinds of outcome are legitimate; the churn must have run throughout.
    expect(plain.ok + plain.interrupted).toBeGreaterThan(0)
    expect(retried.ok + retried.interrupted).toBeGreaterThan(0)
    expect(child.exitCode).toBeNull()
    console.log(`address churn in ${ns}: plain ${JSON.stringify(plain)}, retried ${JSON.stringify(retried)}`)
  })
