/**
 * The `nlink` command end to end: a child process per invocation, inside a
 * fresh namespace, compared with iproute2's view of the same namespace.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { describeRoot, ip, ipJson, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    // a start takes ~1 s on a quiet machine, ten times that on the loaded shared one
    timeout: 120_000
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

  it("address, route, neighbor and rule lists show what ip shows", { timeout: 300_000 }, () => {
    const addr = JSON.parse(nlink("address", "list", "--json", "-n", ns).stdout) as Array<{
      dev: string
      address: string
    }>
    expect(addr).toContainEqual(expect.objectContaining({ dev: "c0", address: "10.77.0.1/24" }))
    // as `ip route`: the main table's IPv4 routes unless -6 or --table say otherwise
    const lines = (text: string) =>
      text
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l !== "")
    const routes = nlink("route", "list", "-n", ns)
    expect(routes.status).toBe(0)
    expect(lines(routes.stdout)).toEqual(lines(ip(ns, "route", "show")))
    const every = nlink("route", "list", "--table", "all", "-4", "-n", ns)
    expect(lines(every.stdout)).toEqual(lines(ip(ns, "-4", "route", "show", "table", "all")))
    expect(every.stdout).toContain("10.78.0.0/16 via 10.77.0.2 dev c0 table 1000")
    const routesJson = JSON.parse(nlink("route", "list", "--json", "--table", "1000", "-n", ns).stdout)
    expect(routesJson).toEqual([
      {
        family: "inet",
        destination: "10.78.0.0/16",
        tos: 0,
        table: 1000,
        protocol: "boot",
        scope: "global",
        type: "unicast",
        gateway: "10.77.0.2",
        dev: "c0"
      }
    ])
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
      const deadline = Date.now() + 100_000
      let i = 0
      while (!/"event":"New"/.test(out) && Date.now() < deadline) {
        ip(ns, "link", "add", `m${i}`, "type", "veth", "peer", "name", `n${i}`)
        i++
        await new Promise((r) => setTimeout(r, 500))
      }
    } finally {
      child.kill()
    }
    // every line is one JSON event; a link made before the subscription took hold may
    // first show up as "Changed" (its carrier settling), so look for a creation among them
    const events = out
      .split("\n")
      .slice(0, -1) // the text after the last newline may be a line cut short by the kill
      .map((l) => JSON.parse(l) as { event: string; kind: string; key: string })
    expect(events.length).toBeGreaterThan(0)
    expect(events.every((e) => e.kind === "link")).toBe(true)
    expect(events.some((e) => e.event === "New" && /^[mn]\d+$/.test(e.key))).toBe(true)
    expect(String(out)).toMatch(/"name":"[mn]\d+"/)
  }, 150_000)

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
    // The checkout may sit where `nobody` cannot read (a clone in a 0700
    // folder), so the command runs from a world-readable copy of what it
    // needs: the sources, package.json, the runtime packages and Node.
    const copy = worldReadableCopy()
    try {
      const r = spawnSync(
        "runuser",
        ["-u", "nobody", "--", copy.node, path.join(copy.root, "src/cli/bin.ts"), "show"],
        { encoding: "utf8", timeout: 60_000, cwd: copy.root }
      )
      expect(r.stderr).toBe("")
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/^lo\s+UNKNOWN\s+127\.0\.0\.1\/8/m)
    } finally {
      fs.rmSync(copy.root, { recursive: true, force: true })
    }
  })
})

/** The runtime packages of the project: its dependencies, transitively, as installed. */
const runtimePackages = (): Array<string> => {
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    const manifest = path.join(root, "node_modules", name, "package.json")
    if (!fs.existsSync(manifest)) return // an optional dependency for another platform
    seen.add(name)
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"))
    for (const deps of [pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies])
      for (const d of Object.keys(deps ?? {})) visit(d)
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  for (const d of Object.keys(pkg.dependencies ?? {})) visit(d)
  return [...seen]
}

/** Hard links where the file system allows (no data copied), a copy otherwise. */
const place = (from: string, to: string) => {
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 })
  if (spawnSync("cp", ["-al", from, to]).status !== 0) execFileSync("cp", ["-a", from, to])
}

const worldReadableCopy = (): { readonly root: string; readonly node: string } => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nlink-cli-"))
  fs.chmodSync(dir, 0o755)
  place(path.join(root, "src"), path.join(dir, "src"))
  place(path.join(root, "package.json"), path.join(dir, "package.json"))
  for (const name of runtimePackages())
    place(path.join(root, "node_modules", name), path.join(dir, "node_modules", name))
  const node = path.join(dir, "bin", "node")
  place(fs.realpathSync(process.execPath), node)
  // Directories only: they are new, while files may be hard links to the checkout's.
  execFileSync("find", [dir, "-type", "d", "-exec", "chmod", "a+rx", "{}", "+"])
  return { root: dir, node }
}
