/**
 * `nlink tc filter list` and `nlink tc chain list` end to end (the host kernel has u32):
 * a child process per invocation inside a namespace set up with `tc`, compared with tc's view.
 * `nlink tc action list KIND` lists nothing on a kernel without that action kind.
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

describeRoot("nlink tc filter / chain", () => {
  const ns = newNamespaceName("tcfcli")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "add", "c0", "type", "veth", "peer", "name", "c1")
    tc(ns, "qdisc", "add", "dev", "c0", "clsact")
    tc(
      ns,
      ..."filter add dev c0 ingress protocol ip pref 10 u32 match ip src 10.0.0.0/8 classid 1:1".split(" ")
    )
    tc(ns, ..."chain add dev c0 ingress chain 4".split(" "))
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("filter list --json gives the library's shape", () => {
    const r = nlink("tc", "filter", "list", "--dev", "c0", "--parent", "ingress", "--json", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    const fs = JSON.parse(r.stdout)
    const node = fs.find((f: any) => f.handle === "800::800")
    expect(node).toEqual({
      dev: "c0",
      parent: "ingress",
      chain: 0,
      protocol: "ip",
      priority: 10,
      handle: "800::800",
      kind: "u32",
      options: {
        match: [{ value: 0x0a000000, mask: 0xff000000, at: 12 }],
        classid: "1:1",
        ht: "800:",
        skipHw: false,
        skipSw: false
      }
    })
  })

  it("filter list text names the protocol, priority and handle; every qdisc of the device without --parent", () => {
    const r = nlink("tc", "filter", "list", "--dev", "c0", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain("filter dev c0 parent ingress protocol ip pref 10 u32 chain 0 handle 800::800")
    expect(tc(ns, "filter", "show", "dev", "c0", "ingress")).toContain("fh 800::800")
  })

  it("chain list", () => {
    const r = nlink("tc", "chain", "list", "--dev", "c0", "--parent", "ingress", "--json", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).map((c: any) => c.chain)).toEqual([0, 4])
  })

  it("action list of a kind without actions prints nothing (JSON: an empty list)", () => {
    const r = nlink("tc", "action", "list", "gact", "--json", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual([])
  })
})
