/**
 * Neighbour dumps filtered by device while another process adds and removes
 * entries. The kernel never flags a neighbour dump as interrupted; nlink
 * checks a dump that came in several datagrams against a second one. Every
 * result that succeeds must be consistent, and every other one must be a
 * typed DumpInterrupted failure.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, expect, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { describeRoot, inNamespace, ip } from "../helpers/netns.ts"

// Batch files this file writes, removed after each test whatever its outcome.
const written: Array<string> = []
afterEach(() => {
  for (const f of written.splice(0)) rmSync(f, { force: true })
})

const STABLE = 1000
const CHURN = 100

const v4 = (base: number, i: number) => `10.${base}.${i >> 8}.${i & 255}`
const mac = (i: number) =>
  `02:00:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`

const batch = (ns: string, name: string, lines: ReadonlyArray<string>): string => {
  const file = join(tmpdir(), `nlink-${name}-${ns}.batch`)
  written.push(file)
  writeFileSync(file, `${lines.join("\n")}\n`)
  return file
}

const startChurn = (ns: string): ChildProcess => {
  const lines: Array<string> = []
  for (let i = 0; i < CHURN; i++)
    lines.push(
      `neigh add ${v4(2, i)} lladdr ${mac(i)} dev d0 nud permanent`,
      `neigh add ${v4(3, i)} lladdr ${mac(i)} dev d1 nud permanent`
    )
  for (let i = 0; i < CHURN; i++) lines.push(`neigh del ${v4(2, i)} dev d0`, `neigh del ${v4(3, i)} dev d1`)
  const file = batch(ns, "neigh-churn", lines)
  return spawn("sh", ["-c", `while :; do ip -n ${ns} -force -batch ${file} >/dev/null 2>&1; done`], {
    stdio: "ignore",
    detached: true
  })
}

const stopChurn = (child: ChildProcess) =>
  Effect.sync(() => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL") // the shell and its ip: the group this test started
      } catch {
        // already gone
      }
    }
  })

interface Tally {
  ok: number
  interrupted: number
}

const check = (
  result: Result.Result<ReadonlyArray<string>, NetlinkError>,
  expected: ReadonlySet<string>,
  tally: Tally
) => {
  if (Result.isFailure(result)) {
    expect(result.failure).toBeInstanceOf(NetlinkError)
    expect(result.failure.reason._tag).toBe("DumpInterrupted")
    tally.interrupted++
    return
  }
  const seen = result.success
  if (new Set(seen).size !== seen.length)
    expect.fail(`duplicates: ${seen.filter((a, i) => seen.indexOf(a) !== i).join(", ")}`)
  const got = new Set(seen)
  for (const a of expected) if (!got.has(a)) expect.fail(`${a} missing from a successful dump`)
  for (const a of seen) expect(a.startsWith("10.3."), a).toBe(false)
  tally.ok++
}

const churned = (child: ChildProcess, expected: ReadonlySet<string>) =>
  Effect.gen(function* () {
    const plain: Tally = { ok: 0, interrupted: 0 }
    const retried: Tally = { ok: 0, interrupted: 0 }
    const deadline = Date.now() + 6_000
    for (let i = 0; i < 300 && Date.now() < deadline; i++) {
      check(
        yield* Effect.result(
          Effect.map(Neighbor.listRaw({ dev: "d0" }), (ns) => ns.map((n) => n.dst ?? "?"))
        ),
        expected,
        plain
      )
      check(
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
            batch(
              ns,
              "neigh-stable",
              stable.map((a, i) => `neigh add ${a} lladdr ${mac(i)} dev d0 nud permanent`)
            )
          )
          const child = startChurn(ns)
          yield* churned(child, new Set(stable)).pipe(Effect.ensuring(stopChurn(child)))
        })
      ),
    60_000
  )
})
