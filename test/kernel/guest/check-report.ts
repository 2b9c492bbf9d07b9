/**
 * Lane gate, run in the guest after vitest: reads vitest's JSON report and fails
 * the lane when a test did not run. In the lane every test tagged for the full
 * kernel (describeFullKernel) or for root (describeRoot) must run, so a skipped
 * or todo test is an error, named in the output. The only exceptions are the
 * opt-in tests listed in ALLOWED_SKIPS, each with its reason. In a
 * version-sensitive run (NLINK_LANE_SELECT=LIST, see selection.ts) the tests
 * the list does not select are skipped on purpose; every list entry must
 * select a test that ran.
 *
 *   node test/kernel/guest/check-report.ts REPORT.json
 *
 * Prints the time per test file (`lane: file-time SECONDS TESTS FILE`, slowest
 * first) and one summary line `lane: tests ...` that lane.sh picks up; exits 1
 * on a skipped test, on no tests at all, on a file that failed to load, or on
 * a list entry that selected nothing.
 */
import { readFileSync } from "node:fs"
import { type Entry, read, selecting } from "./selection.ts"

/** Skips the lane accepts: opt-in tests that are not meant to run under TCG. */
const ALLOWED_SKIPS: ReadonlyArray<{ readonly pattern: RegExp; readonly reason: string }> = [
  {
    pattern: /^1M-route dump as a stream /,
    reason: "opt-in with NLINK_BIG=1 (1M routes: ~15 s on the host, minutes and >1 GiB under TCG)"
  }
]

interface Assertion {
  readonly ancestorTitles: ReadonlyArray<string>
  readonly title: string
  readonly fullName: string
  readonly status: string
  readonly failureMessages?: ReadonlyArray<string>
}
interface FileResult {
  readonly name: string
  readonly status: string
  readonly message?: string
  readonly startTime?: number
  readonly endTime?: number
  readonly assertionResults: ReadonlyArray<Assertion>
}
interface Report {
  readonly numTotalTests: number
  readonly testResults: ReadonlyArray<FileResult>
}

const file = process.argv[2]
if (file === undefined) {
  console.error("usage: check-report.ts REPORT.json")
  process.exit(2)
}
let report: Report
try {
  report = JSON.parse(readFileSync(file, "utf8"))
} catch (e) {
  console.error(`lane: no vitest JSON report at ${file} (${e instanceof Error ? e.message : e})`)
  process.exit(1)
}

const selectList = process.env.NLINK_LANE_SELECT
const entries: ReadonlyArray<Entry> | undefined = selectList ? read(selectList) : undefined
const used = new Set<Entry>()

const root = `${process.cwd()}/`
const counts = { passed: 0, failed: 0, skipped: 0, allowed: 0, unselected: 0 }
const problems: Array<string> = []
const perFile: Array<string> = []
const times: Array<{ readonly file: string; readonly secs: number; readonly ran: number }> = []
for (const f of report.testResults) {
  const name = f.name.startsWith(root) ? f.name.slice(root.length) : f.name
  let ran = 0
  for (const a of f.assertionResults) {
    const chosen = entries && selecting(entries, name, [...a.ancestorTitles, a.title].join(" > "))
    if (a.status === "passed" || a.status === "failed") {
      if (a.status === "passed") counts.passed++
      else {
        counts.failed++
        // lane.sh repeats these lines in its summary: CI shows only the tail of the output.
        const why = (a.failureMessages?.[0] ?? "").split("\n").slice(0, 3).join(" | ").slice(0, 400)
        console.log(`lane: failed: ${name} > ${a.fullName}: ${why}`)
      }
      ran++
      for (const e of chosen ?? []) used.add(e)
    } else if (chosen !== undefined && chosen.length === 0) {
      counts.unselected++
    } else {
      const allowed = ALLOWED_SKIPS.find((s) => s.pattern.test(a.fullName))
      if (allowed) {
        counts.allowed++
        console.log(`lane: allowed skip: ${name} > ${a.fullName} (${allowed.reason})`)
      } else {
        counts.skipped++
        problems.push(`${a.status}: ${name} > ${a.fullName}`)
      }
    }
  }
  perFile.push(`${name} ${ran}`)
  const secs =
    f.startTime !== undefined && f.endTime !== undefined ? (f.endTime - f.startTime) / 1000 : Number.NaN
  times.push({ file: name, secs, ran })
  if (f.status === "failed" && f.assertionResults.length === 0)
    problems.push(`file failed to load: ${name}: ${(f.message ?? "").split("\n")[0]}`)
}
for (const e of entries ?? [])
  if (!used.has(e)) problems.push(`${selectList}: "${e.line}" selected no test that ran`)
const run = counts.passed + counts.failed
console.log(`lane: tests per file: ${perFile.join(", ")}`)
// Per file, slowest first: lane.sh tabulates these lines per kernel, so growth shows.
for (const t of times.sort((a, b) => b.secs - a.secs))
  console.log(`lane: file-time ${t.secs.toFixed(1)} ${t.ran} ${t.file}`)
console.log(
  `lane: tests run ${run} (passed ${counts.passed}, failed ${counts.failed}), skipped ${counts.skipped}, allowed skips ${counts.allowed}${entries ? `, not version-sensitive ${counts.unselected}` : ""}, files ${report.testResults.length}`
)
if (run === 0) problems.push("no test ran")
if (problems.length > 0) {
  console.error(`lane: FAIL: ${problems.length} test(s) or file(s) did not run in the full-kernel lane:`)
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
