/**
 * Vitest global setup: the suite must leave nothing behind. The run fails
 * (non-zero exit, the teardown's error names each leftover) when, after the
 * last test file, there is
 *
 * - anything in the run's private temp directory: every test process gets
 *   TMPDIR set to a fresh folder, so `os.tmpdir()` (mkdtemp, batch files, ...)
 *   lands there and another run on the same machine cannot be mistaken for ours;
 * - a new entry named like the suite's temp folders (`nlev-`, `nlink-`, ...,
 *   see SUITE_NAME) in the system temp directory: a path that bypassed TMPDIR;
 * - a new network namespace named like the suite's (`nlt-`, `nlrt-`, `nlgold-`);
 * - a new link in the host namespace;
 * - a process that carries this run's NLINK_TEST_RUN token in its environment
 *   (a child a test started and did not stop; children given a fresh env escape this).
 *
 * Things other processes on a shared machine create meanwhile come and go: a
 * candidate counts only if it is still there after a short grace period.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/**
 * Names the suite gives its temp folders and namespaces: `nl` + letters + `-`,
 * except the benchmark's `nlb-` (bench/): a benchmark run beside the suite on
 * a shared machine is not the suite's leak.
 */
const SUITE_NAME = /^nl(?!b-)[a-z]*-/
const GRACE_ROUNDS = 3
const GRACE_MS = 1000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const ipLines = (...args: Array<string>): Array<string> | undefined => {
  try {
    return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .filter((l) => l.trim() !== "")
  } catch {
    return undefined // no iproute2: the suite's namespace and link tests cannot run either
  }
}

/**
 * The suite's namespaces: named like the suite's, and for the names that carry
 * a run's tag (helpers/netns.ts runTag: nlt-, nlrt-), this run's tag, so that
 * another run's on a shared machine is not counted as this one's leak.
 */
const namespaces = (tag: string): Set<string> =>
  new Set(
    (ipLines("netns", "list") ?? [])
      .map((l) => l.split(" ")[0])
      .filter((n) => SUITE_NAME.test(n) && (!/^nl(t|rt)-/.test(n) || n.includes(tag)))
  )

/** Host links as "index: name" (an index is never reused while the name exists). */
const hostLinks = (): Set<string> =>
  new Set(
    (ipLines("-o", "link", "show") ?? []).map((l) => {
      const m = /^(\d+):\s+([^:@\s]+)/.exec(l)
      return m ? `${m[1]}: ${m[2]}` : l
    })
  )

const suiteTempEntries = (dir: string): Set<string> => {
  try {
    return new Set(fs.readdirSync(dir).filter((n) => SUITE_NAME.test(n)))
  } catch {
    return new Set()
  }
}

/** Every path under `dir` (relative), depth first, so the message names each file. */
const walk = (dir: string): Array<string> => {
  const out: Array<string> = []
  const visit = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(p, e.name)
      out.push(path.relative(dir, full) + (e.isDirectory() ? "/" : ""))
      if (e.isDirectory()) visit(full)
    }
  }
  visit(dir)
  return out
}
const MAX_LISTED = 60

/** Processes (other than this one) whose environment holds the run token. */
const tokenProcesses = (token: string): Map<string, string> => {
  const needle = Buffer.from(`NLINK_TEST_RUN=${token}\0`)
  const found = new Map<string, string>()
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
    try {
      if (!fs.readFileSync(`/proc/${pid}/environ`).includes(needle)) continue
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim()
      // vitest's own watchdog (a child of this process) outlives the workers
      const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1])
      if (ppid === process.pid && cmd === "vitest-watchdog") continue
      found.set(pid, `pid ${pid}: ${cmd}`)
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found
}

const added = <A>(before: Set<A>, now: Set<A>): Set<A> => new Set([...now].filter((x) => !before.has(x)))

export default function setup(): () => Promise<void> {
  const token = randomBytes(8).toString("hex")
  const systemTmp = os.tmpdir()
  // a dot, not a dash: not a SUITE_NAME entry itself
  const privateTmp = fs.mkdtempSync(path.join(systemTmp, "nlink.run."))
  // like /tmp: tests may run commands as an unprivileged user
  fs.chmodSync(privateTmp, 0o1777)
  const saved = {
    TMPDIR: process.env.TMPDIR,
    NLINK_TEST_RUN: process.env.NLINK_TEST_RUN,
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE
  }
  // Test workers are started after global setup and inherit these.
  process.env.TMPDIR = privateTmp
  process.env.NLINK_TEST_RUN = token
  // Node's compile cache (enabled by vitest) defaults to $TMPDIR/node-compile-cache:
  // keep it where it was, shared between runs, and out of the leak count.
  process.env.NODE_COMPILE_CACHE ??= path.join(systemTmp, "node-compile-cache")

  const before = {
    tmp: suiteTempEntries(systemTmp),
    netns: namespaces(token.slice(0, 6)),
    links: hostLinks()
  }

  return async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    const leftInPrivate = walk(privateTmp)
    let removeFailed = ""
    try {
      fs.rmSync(privateTmp, { recursive: true, force: true })
    } catch (e) {
      removeFailed = ` (could not remove it: ${(e as Error).message})`
    }

    const candidates = () => ({
      tmp: added(before.tmp, suiteTempEntries(systemTmp)),
      netns: added(before.netns, namespaces(token.slice(0, 6))),
      links: added(before.links, hostLinks()),
      procs: tokenProcesses(token)
    })
    let c = candidates()
    // Keep only what stays: another run's namespace or a child that is
    // exiting right now disappears within the grace period.
    for (let i = 0; i < GRACE_ROUNDS && c.tmp.size + c.netns.size + c.links.size + c.procs.size > 0; i++) {
      await sleep(GRACE_MS)
      const next = candidates()
      c = {
        tmp: new Set([...c.tmp].filter((x) => next.tmp.has(x))),
        netns: new Set([...c.netns].filter((x) => next.netns.has(x))),
        links: new Set([...c.links].filter((x) => next.links.has(x))),
        procs: new Map([...c.procs].filter(([pid]) => next.procs.has(pid)))
      }
    }

    const lines: Array<string> = []
    if (leftInPrivate.length > 0) {
      lines.push(
        `temp files and folders left by tests (in the run's TMPDIR ${privateTmp}${removeFailed || ", now removed"}):`
      )
      for (const p of leftInPrivate.slice(0, MAX_LISTED)) lines.push(`  ${p}`)
      if (leftInPrivate.length > MAX_LISTED) lines.push(`  ... and ${leftInPrivate.length - MAX_LISTED} more`)
    }
    if (c.tmp.size > 0) {
      lines.push(
        `new entries in the system temp directory ${systemTmp} (written past TMPDIR, or by another process):`
      )
      for (const n of c.tmp) lines.push(`  ${path.join(systemTmp, n)}`)
    }
    if (c.netns.size > 0) {
      lines.push("network namespaces left (ip netns list):")
      for (const n of c.netns) lines.push(`  ${n}`)
    }
    if (c.links.size > 0) {
      lines.push("links left in the host namespace (ip link):")
      for (const l of c.links) lines.push(`  ${l}`)
    }
    if (c.procs.size > 0) {
      lines.push("processes started by tests still running:")
      for (const p of c.procs.values()) lines.push(`  ${p}`)
    }
    if (lines.length > 0) {
      throw new Error(`the test run left things behind (test/setup/leaks.ts):\n${lines.join("\n")}`)
    }
  }
}
