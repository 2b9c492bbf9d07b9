/**
 * `nlink tc qdisc list` and `nlink tc class list` end to end: a child process per
 * invocation, inside a fresh namespace set up with `tc`, compared with tc's own view.
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { describeRoot, ip, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    timeout: 60_000
  })
const tc = (ns: string, ...args: Array<string>) =>
  execFileSync("tc", ["-n", ns, ...args], { encoding: "utf8" })

describeRoot("nlink tc", () => {
  const ns = newNamespaceName("tcli")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "add", "c0", "type", "veth", "peer", "name", "c1")
    tc(ns, "qdisc", "add", "dev", "c0", "root", "handle", "1:", "htb", "default", "10")
    tc(
      ns,
      "class",
      "add",
      "dev",
      "c0",
      "parent",
      "1:",
      "classid",
      "1:10",
      "htb",
      "rate",
      "100mbit",
      "ceil",
      "200mbit"
    )
    tc(
      ns,
      "qdisc",
      "add",
      "dev",
      "c1",
      "root",
      "handle",
      "2:",
      "tbf",
      "rate",
      "1mbit",
      "burst",
      "10kb",
      "latency",
      "50ms"
    )
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("qdisc list: text like tc, JSON in the model's shape, statistics with -s", () => {
    const text = nlink("tc", "qdisc", "list", "-n", ns)
    expect(text.status).toBe(0)
    expect(text.stdout).toContain("qdisc htb 1: dev c0 root r2q 10 default 16")
    expect(text.stdout).toContain("qdisc tbf 2: dev c1 root rate 1Mbit burst 10240 limit 16490")
    const json = JSON.parse(nlink("tc", "qdisc", "list", "-n", ns, "--json", "--dev", "c1").stdout)
    expect(json).toEqual([
      {
        dev: "c1",
        parent: "root",
        handle: "2:",
        kind: "tbf",
        options: { rate: 1000000, burst: 10240, limit: 16490, mpu: 0, overhead: 0, linklayer: "ethernet" }
      }
    ])
    const stats = JSON.parse(nlink("tc", "qdisc", "list", "-n", ns, "-j", "-s", "--dev", "c0").stdout)
    const theirs = JSON.parse(tc(ns, "-s", "-j", "qdisc", "show", "dev", "c0"))
    expect(stats[0].status.stats).toMatchObject({
      bytes: String(theirs[0].bytes),
      packets: String(theirs[0].packets),
      drops: theirs[0].drops,
      overlimits: theirs[0].overlimits,
      requeues: theirs[0].requeues,
      backlog: theirs[0].backlog,
      qlen: theirs[0].qlen
    })
  })

  it("class list: rates in tc's notation; --json with the canonical units", () => {
    const text = nlink("tc", "class", "list", "-n", ns, "--dev", "c0")
    expect(text.status).toBe(0)
    expect(text.stdout.trim()).toMatch(
      /^class htb 1:10 dev c0 root rate 100Mbit ceil 200Mbit burst \d+ cburst \d+ prio 0/
    )
    const [c] = JSON.parse(nlink("tc", "class", "list", "-n", ns, "-j", "--dev", "c0").stdout)
    expect(c).toMatchObject({ dev: "c0", parent: "root", classid: "1:10", kind: "htb" })
    expect(c.options).toMatchObject({ rate: 100000000, ceil: 200000000, prio: 0 })
    expect(c.status).toBeUndefined()
    const bad = nlink("tc", "class", "list", "-n", ns, "--dev", "nosuch0")
    expect(bad.status).not.toBe(0)
    expect(bad.stderr.trim().split("\n")).toHaveLength(1)
  })
})
