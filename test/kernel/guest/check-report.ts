/**
 * Lane gate, run in the guest after vitest: reads vitest's JSON report and fails
 * the lane when a test did not run. In the lane every test tagged for the full
 * kernel (describeFullKernel) or for root (describeRoot) must run, so a skipped
 * or todo test is an error, named in the output. The only exceptions are the
 * opt-in tests listed in ALLOWED_SKIPS, each with its reason.
 *
 *   node test/kernel/guest/check-report.ts REPORT.json
 *
 * Prints one summary line `lane: tests ...` that lane.sh picks up, and exits 1
 * on a skipped test, on no tests at all, or on a file that failed to load.
 */
import { readFileSync } from "node:fs"

/** Skips the lane accepts: opt-in tests that are not meant to run under TCG. */
const ALLOWED_SKIPS: ReadonlyArray<{ readonly pattern: RegExp; readonly reason: string }> = [
  {
    pattern: /^1M-route dump as a stream /,
    reason: "opt-in with NLINK_BIG=1 (1M routes: ~15 s on the host, minutes and >1 GiB under TCG)"
  }
]

interface Assertion {
  readonly fullName: string
  readonly status: string
}
interface FileResult {
  readonly name: string
  readonly status: string
  readonly message?: string
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

const root = `${process.cwd()}/`
const counts = { passed: 0, failed: 0, skipped: 0, allowed: 0 }
const problems: Array<string> = []
const perFile: Array<string> = []
for (const f of report.testResults) {
  const name = f.name.startsWith(root) ? f.name.slice(root.length) : f.name
  let ran = 0
  for (const a of f.assertionResults) {
    if (a.status === "passed") {
      counts.passed++
      ran++
    } else if (a.status === "failed") {
      counts.failed++
      ran++
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
  if (f.status === "failed" && f.assertionResults.length === 0)
    problems.push(`file failed to load: ${name}: ${(f.message ?? "").split("\n")[0]}`)
}
const run = counts.passed + counts.failed
console.log(`lane: tests per file: ${perFile.join(", ")}`)
console.log(
  `lane: tests run ${run} (passed ${counts.passed}, failed ${counts.failed}), skipped ${counts.skipped}, allowed skips ${counts.allowed}, files ${report.testResults.length}`
)
if (run === 0) problems.push("no test ran")
if (problems.length > 0) {
  console.error(`lane: FAIL: ${problems.length} test(s) or file(s) did not run in the full-kernel lane:`)
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
