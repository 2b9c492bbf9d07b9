/**
 * The nlink writing commands end to end: each command line runs as its own
 * `nlink` process in a fresh namespace, and iproute2 then sees the object it
 * made (a handful of spawns: each costs about a second on this machine).
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { describeRoot, ip, ipJson, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    timeout: 60_000
  })
const ok = (...args: Array<string>) => {
  const r = nlink(...args)
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" })
  return r.stdout
}

describeRoot("nlink writing commands", () => {
  const ns = newNamespaceName("clw")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("link, address, route, neighbour, rule and nexthop as ip writes them", { timeout: 480_000 }, () => {
    // global options before the object, as ip takes them
    ok("-n", ns, "link", "add", "w0", "type", "veth", "peer", "name", "w1")
    ok("-n", ns, "link", "set", "w0", "up", "mtu", "1400")
    ok("link", "set", "dev", "w1", "up", "-n", ns)
    ok("-n", ns, "addr", "add", "10.88.0.1/24", "dev", "w0", "label", "w0:a")
    ok(
      "-n",
      ns,
      "route",
      "add",
      "10.89.0.0/16",
      "via",
      "10.88.0.2",
      "dev",
      "w0",
      "table",
      "100",
      "metric",
      "5",
      "proto",
      "static"
    )
    ok("-n", ns, "neigh", "add", "10.88.0.9", "lladdr", "02:00:00:00:00:09", "dev", "w0", "nud", "permanent")
    ok("-n", ns, "rule", "add", "from", "10.88.0.0/24", "table", "100", "pref", "500")
    ok("-n", ns, "nexthop", "add", "id", "7", "via", "10.88.0.2", "dev", "w0")

    const w0 = ipJson<Array<{ mtu: number; flags: Array<string> }>>(ns, "link", "show", "w0")[0]!
    expect(w0.mtu).toBe(1400)
    expect(w0.flags).toContain("UP")
    const addr = ipJson<Array<{ addr_info: Array<{ local: string; prefixlen: number; label: string }> }>>(
      ns,
      "addr",
      "show",
      "w0"
    )[0]!.addr_info.find((a) => a.local === "10.88.0.1")
    expect(addr).toMatchObject({ prefixlen: 24, label: "w0:a" })
    expect(ipJson(ns, "route", "show", "table", "100")).toEqual([
      { dst: "10.89.0.0/16", gateway: "10.88.0.2", dev: "w0", protocol: "static", metric: 5, flags: [] }
    ])
    expect(ipJson(ns, "neigh", "show", "dev", "w0")).toContainEqual(
      expect.objectContaining({ dst: "10.88.0.9", lladdr: "02:00:00:00:00:09", state: ["PERMANENT"] })
    )
    expect(ipJson(ns, "rule", "show")).toContainEqual(
      expect.objectContaining({ priority: 500, src: "10.88.0.0", srclen: 24, table: "100" })
    )
    expect(ipJson(ns, "nexthop", "show")).toContainEqual(
      expect.objectContaining({ id: 7, gateway: "10.88.0.2", dev: "w0" })
    )

    // and nlink lists what it made, in the model's shape
    const routes = JSON.parse(ok("-n", ns, "-j", "route", "list", "--table", "100"))
    expect(routes).toEqual([
      expect.objectContaining({ destination: "10.89.0.0/16", gateway: "10.88.0.2", metric: 5 })
    ])

    // removal through the same words
    ok("-n", ns, "route", "del", "10.89.0.0/16", "via", "10.88.0.2", "table", "100", "metric", "5")
    ok("-n", ns, "rule", "del", "pref", "500")
    ok("-n", ns, "link", "del", "w0")
    expect(ip(ns, "route", "show", "table", "100").trim()).toBe("")
    expect(ipJson<Array<{ ifname: string }>>(ns, "link", "show").map((l) => l.ifname)).toEqual(["lo"])
  })

  it("bad words: one line on stderr naming the keyword, exit 1, nothing sent", { timeout: 60_000 }, () => {
    const r = nlink("-n", ns, "route", "add", "10.90.0.0/16", "dev", "lo", "mtu", "lots")
    expect(r.status).toBe(1)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toContain("route add: mtu")
    expect(ip(ns, "route", "show", "10.90.0.0/16").trim()).toBe("")
  })

  it("a kernel refusal: exit 1 with the kernel's reason on one line", { timeout: 60_000 }, () => {
    const r = nlink("-n", ns, "link", "del", "nosuchdev")
    expect(r.status).toBe(1)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toContain("nosuchdev")
  })

  it("netns exec runs a command inside the namespace with its own options", { timeout: 60_000 }, () => {
    const r = nlink("netns", "exec", ns, "ip", "-br", "link", "show", "lo")
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^lo\s/)
  })
})
