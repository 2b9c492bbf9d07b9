/**
 * The `nlink` command end to end: a child process per invocation, inside a
 * fresh namespace, compared with iproute2's view of the same namespace.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { describeRoot, ip, ipJson, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    timeout: 30_000
  })

describeRoot("nlink command", () => {
  const ns = newNamespaceName("cli")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "set", "lo", "up")
    ip(ns, "link", "add", "c0", "type", "veth", "peer", "name", "c1")
    ip(ns, "link", "set", "c0", "up")
    ip(ns, "link", "set", "c1", "up")
    ip(ns, "addr", "add", "10.77.0.1/24", "dev", "c0")
    ip(ns, "route", "add", "10.78.0.0/16", "via", "10.77.0.2", "table", "1000")
    ip(ns, "neigh", "add", "10.77.0.9", "lladdr", "02:00:00:00:00:09", "dev", "c0", "nud", "permanent")
    ip(ns, "rule", "add", "from", "10.77.0.0/24", "table", "1000", "priority", "777")
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("show lists every link with its state and addresses", () => {
    const r = nlink("show", "-n", ns)
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split("\n")
    const names = lines.map((l) => l.split(/\s+/)[0])
    expect(names.sort()).toEqual(
      ipJson<Array<{ ifname: string }>>(ns, "link", "show")
        .map((l) => l.ifname)
        .sort()
    )
    const c0 = lines.find((l) => l.startsWith("c0"))!
    expect(c0).toMatch(/\bUP\b/)
    expect(c0).toContain("10.77.0.1/24")
  })

  it("link list --json matches ip -j link show", () => {
    const r = nlink("link", "list", "--json", "-n", ns)
    expect(r.status).toBe(0)
    const ours = JSON.parse(r.stdout) as Array<{
      name: string
      mtu: number
      address?: string
      status: { index: number }
    }>
    const theirs = ipJson<Array<{ ifindex: number; ifname: string; mtu: number; address: string }>>(
      ns,
      "link",
      "show"
    )
    expect(ours.map((l) => [l.status.index, l.name, l.mtu])).toEqual(
      theirs.map((l) => [l.ifindex, l.ifname, l.mtu])
    )
    expect(ours.find((l) => l.name === "c0")?.address).toBe(theirs.find((l) => l.ifname === "c0")?.address)
  })

  it("address, route, neighbor and rule lists show what ip shows", () => {
    const addr = JSON.parse(nlink("address", "list", "--json", "-n", ns).stdout) as Array<{ local?: string }>
    expect(addr.map((a) => a.local)).toContain("10.77.0.1")
    const routes = nlink("route", "list", "-n", ns)
    expect(routes.status).toBe(0)
    expect(routes.stdout).toContain("10.78.0.0/16 via 10.77.0.2 dev c0 table 1000")
    const routesJson = JSON.parse(nlink("route", "list", "--json", "-n", ns).stdout) as Array<{
      dst?: string
      table?: number
    }>
    expect(routesJson.some((r) => r.dst === "10.78.0.0" && r.table === 1000)).toBe(true)
    const neigh = nlink("neighbor", "list", "-n", ns)
    expect(neigh.stdout).toContain("10.77.0.9 dev c0 lladdr 02:00:00:00:00:09 PERMANENT")
    const rules = nlink("rule", "list", "-n", ns)
    expect(rules.stdout).toMatch(/777:\s+from 10\.77\.0\.0\/24 lookup 1000/)
  })

  it("monitor prints one JSON object per event", async () => {
    const child = spawn(process.execPath, [
      path.join(root, "src/cli/bin.ts"),
      "monitor",
      "link",
      "--json",
      "-n",
      ns
    ])
    let out = ""
    child.stdout.on("data", (d) => {
      out += String(d)
    })
    try {
      // The monitor subscribes after start-up; keep making links until it reports one.
      const deadline = Date.now() + 25_000
      let i = 0
      while (!out.includes("\n") && Date.now() < deadline) {
        ip(ns, "link", "add", `m${i}`, "type", "veth", "peer", "name", `n${i}`)
        i++
        await new Promise((r) => setTimeout(r, 500))
      }
    } finally {
      child.kill()
    }
    const first = JSON.parse(out.split("\n")[0])
    expect(first.event).toBe("New")
    expect(first.kind).toBe("link")
    expect(String(out)).toMatch(/"ifname":"[mn]\d+"/)
  }, 40_000)

  it("errors print one clear line and exit non-zero", () => {
    const r = nlink("link", "list", "-n", "no-such-namespace-here")
    expect(r.status).not.toBe(0)
    const lines = r.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^nlink: /)
    expect(lines[0]).toContain("no-such-namespace-here")
  })
})

describe("nlink command without a namespace", () => {
  it("show runs on the machine's own state (no privilege needed for dumps)", () => {
    const r = nlink("show")
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^lo\s/m)
  })

  it.runIf(process.getuid?.() === 0)("show works for an unprivileged user", () => {
    const r = spawnSync(
      "runuser",
      ["-u", "nobody", "--", process.execPath, path.join(root, "src/cli/bin.ts"), "show"],
      {
        encoding: "utf8",
        timeout: 30_000
      }
    )
    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^lo\s+UNKNOWN\s+127\.0\.0\.1\/8/m)
  })
})
