/**
 * Churn from another process for dump-consistency tests: an `ip -batch` file
 * run in a loop by a shell, stopped by killing its process group, and the
 * check every dump result taken meanwhile must pass.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect } from "@effect/vitest"
import { Effect, Result } from "effect"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"

const written: Array<string> = []

/** Writes an `ip -batch` file for namespace `ns`; {@link removeBatches} removes it. */
export const writeBatch = (ns: string, name: string, lines: ReadonlyArray<string>): string => {
  const file = join(tmpdir(), `nlink-${name}-${ns}.batch`)
  written.push(file)
  writeFileSync(file, `${lines.join("\n")}\n`)
  return file
}

/** Removes every batch file written so far (call it in afterEach). */
export const removeBatches = (): void => {
  for (const f of written.splice(0)) rmSync(f, { force: true })
}

/** Runs `file` in `ns` over and over, in a process group of its own. */
export const startLoop = (ns: string, file: string): ChildProcess =>
  spawn("sh", ["-c", `while :; do ip -n ${ns} -force -batch ${file} >/dev/null 2>&1; done`], {
    stdio: "ignore",
    detached: true
  })

/** Kills the loop: the shell and its current ip, the group it started. */
export const stopLoop = (child: ChildProcess) =>
  Effect.sync(() => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL")
      } catch {
        // already gone
      }
    }
  })

export interface Tally {
  ok: number
  interrupted: number
}

/**
 * One dump result under churn: a success has no duplicates, every entry of
 * `expected` (what existed throughout) and nothing of the other device
 * (`10.3.*`); a failure is a typed DumpInterrupted.
 */
export const checkDump = (
  result: Result.Result<ReadonlyArray<string>, NetlinkError>,
  expected: ReadonlySet<string>,
  tally: Tally
): void => {
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
