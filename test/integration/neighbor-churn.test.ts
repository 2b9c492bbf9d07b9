/**
 * Neighbour dumps filtered by device while another process adds and removes
 * entries. The kernel never flags a neighbour dump as interrupted; nlink
 * checks a dump that came in several datagrams against a second one. Every
 * result that succeeds must be consistent, and every other one must be a
 * typed DumpInterrupted failure.
 */
import type { ChildProcess } from "node:child_process"
import { afterEach, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { checkDump, removeBatches, startLoop, stopLoop, type Tally, writeBatch } from "../helpers/churn.ts"
import { describeRoot, inNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

afterEach(removeBatches)

const STABLE = 1000
const CHURN = 100

const v4 = (base: number, i: number) => `10.${base}.${i >> 8}.${i & 255}`
const mac = (i: number) =>
  `02:00:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`

const startChurn = (ns: string): ChildProcess => {
  const lines: Array<string> = []
  for (let i = 0; i < CHURN; i++)
    lines.push(
      `neigh add ${v4(2, i)} lladdr ${mac(i)} dev d0 nud permanent`,
      `neigh add ${v4(3, i)} lladdr ${mac(i)} dev d1 nud permanent`
    )
  for (let i = 0; i < CHURN; i++) lines.push(`neigh del ${v4(2, i)} dev d0`, `neigh del ${v4(3, i)} dev d1`)
  return startLoop(ns, writeBatch(ns, "neigh-churn", lines))
}

const churned = (child: ChildProcess, expected: ReadonlySet<string>) =>
  Effect.gen(function* () {
    const plain: Tally = { ok: 0, interrupted: 0 }
    const retried: Tally = { ok: 0, interrupted: 0 }
    const deadline = Date.now() + 6_000
    for (let i = 0; i < 300 && Date.now() < deadline; i++) {
      checkDump(
        yield* Effect.result(
          Effect.map(Neighbor.listRaw({ dev: "d0" }), (ns) => ns.map((n) => n.dst ?? "?"))
        ),
        expected,
        plain
      )
      checkDump(
        yield* Effect.result(
          Effect.map(Neighbor.list({ dev: "d0" }, { retryInterrupted: 3 }), (ns) => ns.map((n) => n.address))
        ),
        expected,
        retried
      )
    }
    expect(plain.ok + plain.interrupted).toBeGreaterThan(0)
    expect(retried.ok + retried.interrupted).toBeGreaterThan(0)
    expect(child.exitCode).toBeNull()
    console.log(`neighbour churn: plain ${JSON.stringify(plain)}, retried ${JSON.stringify(retried)}`)
  })

describeRoot("Neighbour dumps filtered by device under churn", () => {
  it.live(
    "every successful dump is consistent; every other one is a typed interruption",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
          ip(ns, "link", "set", "d0", "up")
          ip(ns, "link", "set", "d1", "up")
          const stable = Array.from({ length: STABLE }, (_, i) => v4(1, i))
          ip(
            ns,
            "-batch",
            writeBatch(
              ns,
              "neigh-stable",
              stable.map((a, i) => `neigh add ${a} lladdr ${mac(i)} dev d0 nud permanent`)
            )
          )
          const child = startChurn(ns)
          yield* churned(child, new Set(stable)).pipe(Effect.ensuring(stopLoop(child)))
        })
      ),
    testTimeout(60_000)
  )
})
