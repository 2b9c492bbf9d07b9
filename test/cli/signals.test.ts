/**
 * `nlink` under signals and bad input, as a child process: a long listing
 * stops writing and exits 130 on SIGINT, 143 on SIGTERM; every error is one
 * line on stderr with a non-zero exit, and nothing on stdout.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { describeRoot, ip, newNamespaceName } from "../helpers/netns.ts"

const bin = path.resolve(import.meta.dirname, "../../src/cli/bin.ts")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000, maxBuffer: 1 << 30 })

const ROUTES = 100_000

/** Runs nlink, sends `signal` once the first output arrives, keeps reading; resolves at exit. */
const interrupted = (signal: NodeJS.Signals, ...args: Array<string>) =>
  new Promise<{ code: number | null; bytes: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let bytes = 0
    let sent = false
    child.stdout.on("data", (d: Buffer) => {
      bytes += d.length
      if (!sent) {
        sent = true
        child.kill(signal)
      }
    })
    child.on("error", reject)
    child.on("exit", (code) => resolve({ code, bytes }))
  })

describeRoot("nlink under signals", () => {
  const ns = newNamespaceName("sig")
  let full = 0
  let fullJson = 0
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "set", "lo", "up")
    ip(ns, "link", "add", "s0", "type", "veth", "peer", "name", "s1")
    ip(ns, "link", "set", "s0", "up")
    const batch = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nlink-sig-")), "routes")
    const lines: Array<string> = []
    for (let i = 0; i < ROUTES; i++)
      lines.push(`route add 10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}/32 dev s0`)
    fs.writeFileSync(batch, `${lines.join("\n")}\n`)
    try {
      execFileSync("ip", ["-n", ns, "-batch", batch])
    } finally {
      fs.rmSync(path.dirname(batch), { recursive: true, force: true })
    }
    const r = nlink("route", "list", "-n", ns)
    expect(r.status).toBe(0)
    full = Buffer.byteLength(r.stdout)
    expect(r.stdout.split("\n").length).toBeGreaterThan(ROUTES)
    // The JSON listing is larger than the text: each test compares with its own output.
    const j = nlink("route", "list", "--json", "-n", ns)
    expect(j.status).toBe(0)
    fullJson = Buffer.byteLength(j.stdout)
    expect(fullJson).toBeGreaterThan(full)
  }, 120_000)
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("SIGINT after the first output stops writing and exits 130", async () => {
    const r = await interrupted("SIGINT", "route", "list", "-n", ns)
    expect(r.code).toBe(130)
    expect(r.bytes).toBeGreaterThan(0)
    expect(r.bytes).toBeLessThan(full / 2)
  }, 60_000)

  it("SIGTERM after the first output stops writing and exits 143", async () => {
    const r = await interrupted("SIGTERM", "route", "list", "--json", "-n", ns)
    expect(r.code).toBe(143)
    expect(r.bytes).toBeGreaterThan(0)
    expect(r.bytes).toBeLessThan(fullJson / 2)
  }, 60_000)
})

describe("nlink errors", () => {
  for (const args of [
    ["route", "list", "-n", "../../etc"],
    ["route", "list", "-n", ""],
    ["route", "list", "-n", "x".repeat(300)],
    ["link", "list", "-n", "no-such-namespace-here"],
    ["route", "list", "--bogus"],
    ["bogus"]
  ])
    it(`nlink ${args.join(" ").slice(0, 40)}: one line on stderr, nothing on stdout, non-zero exit`, () => {
      const r = nlink(...args)
      expect(r.status).not.toBe(0)
      expect(r.status).not.toBeNull()
      expect(r.stdout).toBe("")
      const lines = r.stderr.split("\n").filter((l) => l !== "")
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^nlink: /)
      expect(lines[0]).not.toMatch(/\bat .*\.ts:\d+/)
    })

  it("--help is no error", () => {
    const r = nlink("route", "list", "--help")
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("USAGE")
    expect(r.stderr).toBe("")
  })
})
