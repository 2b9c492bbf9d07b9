/**
 * Capture golden fixtures from iproute2.
 *
 *   node_modules/.bin/node test/golden/capture.ts [filter]
 *
 * For every case in ./cases.ts whose name contains `filter` (all cases without one): create a
 * fresh network namespace, run the case's setup in it, run the command as
 * `strace -f -X raw -e trace=sendmsg,sendto -e write=all -xx -s 65536 ip -n <ns> ...`, recover
 * the bytes of every netlink message `ip` sent, keep those whose nlmsg_type is in the case's
 * `types`, delete the namespace(s), and write test/fixtures/golden/<name>.json.
 * Commands the kernel rejects are still captured (strace shows what was sent); `exitCode`
 * and `stderr` record the outcome. Needs root, iproute2 and strace.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs"
import { release, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { cases, type GoldenCase, RTM_NEWLINK } from "./cases.ts"
import { bytesToHex, fixtureDir } from "./nlmsg.ts"
import { type NetlinkMessage, parseStraceOutput, splitNetlink } from "./strace.ts"

interface Run {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

function run(argv: ReadonlyArray<string>): Run {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 60_000 })
  if (r.error) throw r.error
  return { status: r.status ?? 128 + 1, stdout: r.stdout, stderr: r.stderr }
}

function must(argv: ReadonlyArray<string>): Run {
  const r = run(argv)
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr.trim()}`)
  return r
}

/**
 * iproute2's `ip link` first sends an empty RTM_NEWLINK (iplink_have_newlink: seq 0, zeroed
 * ifinfomsg, no attributes) to probe for RTM_NEWLINK support. It is not part of any request.
 */
function isNewlinkProbe(m: NetlinkMessage): boolean {
  return (
    m.type === RTM_NEWLINK &&
    m.seq === 0 &&
    m.bytes.length === 32 &&
    m.bytes.subarray(16).every((b) => b === 0)
  )
}

const iproute2Version = (): string => {
  const v = must(["ip", "-V"]).stdout.trim()
  return /iproute2-([^\s,]+)/.exec(v)?.[1] ?? v
}

function capture(
  c: GoldenCase,
  kernel: string,
  iproute2: string
): { fixture: object; problems: Array<string> } {
  const problems: Array<string> = []
  const id = randomBytes(4).toString("hex")
  const ns = `nlgold-${id}`
  const other = `nlgold-${id}-b`
  const subst = (args: ReadonlyArray<string>): Array<string> =>
    args.map((a) => a.replaceAll("{other}", other).replaceAll("{pid}", "2"))
  const hide = (text: string): string => text.replaceAll(other, "{other}").replaceAll(ns, "{ns}")
  const dir = mkdtempSync(join(tmpdir(), "nlgold-"))
  const made: Array<string> = []
  try {
    must(["ip", "netns", "add", ns])
    made.push(ns)
    if (c.otherNs) {
      must(["ip", "netns", "add", other])
      made.push(other)
    }
    for (const step of c.setup) {
      // a step that begins with "tc" runs tc (traffic control setup), "ipset" runs ipset in the
      // namespace (sets an ematch names), any other runs ip
      const r =
        step[0] === "tc"
          ? run(["tc", "-n", ns, ...subst(step.slice(1))])
          : step[0] === "ipset"
            ? run(["ip", "netns", "exec", ns, "ipset", ...subst(step.slice(1))])
            : run(["ip", "-n", ns, ...subst(step)])
      if (r.status !== 0 && !c.setupMayFail) {
        throw new Error(`setup "ip ${step.join(" ")}" failed (${r.status}): ${r.stderr.trim()}`)
      }
    }
    const out = join(dir, "strace.txt")
    const strace = [
      "strace",
      "-f",
      "-X",
      "raw",
      "-e",
      "trace=sendmsg,sendto",
      "-e",
      "write=all",
      "-xx",
      "-s",
      "65536",
      "-o",
      out,
      c.tool ?? "ip",
      "-n",
      ns,
      ...subst(c.command)
    ]
    const r = c.pidTarget
      ? // pid 1 = this sh, pid 2 = the sleeper in {other}; everything dies with pid 1
        run([
          "unshare",
          "--pid",
          "--fork",
          "sh",
          "-c",
          'ip netns exec "$1" sleep 60 & s=$!; sleep 0.5; shift; "$@"; rc=$?; kill $s; exit $rc',
          "sh",
          other,
          ...strace
        ])
      : run(strace)
    const sends = parseStraceOutput(readFileSync(out, "utf8"))
    const messages: Array<{ type: number; flags: number; hex: string }> = []
    for (const send of sends) {
      if (send.result < 0) problems.push(`${send.syscall} failed; its bytes are kept`)
      for (const m of splitNetlink(send.bytes)) {
        if (isNewlinkProbe(m) || !c.types.includes(m.type)) continue
        messages.push({ type: m.type, flags: m.flags, hex: bytesToHex(m.bytes) })
      }
    }
    if (messages.length === 0) problems.push(`no message of type ${c.types.join("/")} was sent`)
    return {
      problems,
      fixture: {
        name: c.name,
        doc: c.doc,
        command: [...c.command],
        setup: c.setup.map((s) => [...s]),
        exitCode: r.status,
        stderr: hide(r.stderr.trim()),
        kernel,
        iproute2,
        messages
      }
    }
  } finally {
    for (const name of made.reverse()) {
      const d = run(["ip", "netns", "del", name])
      if (d.status !== 0) console.error(`warning: could not delete netns ${name}: ${d.stderr.trim()}`)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

/** JSON.stringify with 2-space indentation, but arrays of plain values kept on one line. */
function formatJson(value: unknown, indent = ""): string {
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]"
    if (value.every((v) => v === null || typeof v !== "object")) {
      return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`
    }
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(",\n")}\n${indent}]`
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (entries.length === 0) return "{}"
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(",\n")}\n${indent}}`
  }
  return JSON.stringify(value)
}

function main(): number {
  const filter = process.argv[2]
  const selected = cases.filter((c) => filter === undefined || c.name.includes(filter))
  if (selected.length === 0) {
    console.error(`no case matches ${JSON.stringify(filter)}`)
    return 2
  }
  const names = new Set(cases.map((c) => c.name))
  if (names.size !== cases.length) throw new Error("duplicate case names")
  const kernel = release()
  const iproute2 = iproute2Version()
  const dir = fileURLToPath(fixtureDir)
  let failed = 0
  for (const c of selected) {
    try {
      const { fixture, problems } = capture(c, kernel, iproute2)
      writeFileSync(join(dir, `${c.name}.json`), `${formatJson(fixture)}\n`)
      const f = fixture as { exitCode: number; messages: Array<unknown>; stderr: string }
      const note = f.exitCode === 0 ? "" : `  exit ${f.exitCode}: ${f.stderr.split("\n")[0]}`
      console.log(`${c.name}: ${f.messages.length} message(s)${note}`)
      for (const p of problems) console.log(`  problem: ${p}`)
      if (problems.length > 0) failed++
    } catch (e) {
      failed++
      console.error(`${c.name}: FAILED: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  if (filter === undefined) {
    for (const file of readdirSync(dir)) {
      if (file.endsWith(".json") && !names.has(file.slice(0, -5))) {
        unlinkSync(join(dir, file))
        console.log(`removed stale ${file}`)
      }
    }
  }
  console.log(`${selected.length - failed}/${selected.length} cases captured cleanly`)
  return failed === 0 ? 0 : 1
}

process.exitCode = main()
