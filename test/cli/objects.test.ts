/**
 * The `nlink` command for the options of issue 20: rule selectors, address
 * flags/metric/proto and multicast groups in `--json`, and `neighbor list`
 * filtering states and proxy entries as `ip neigh` does.
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { describeRoot, ip, newNamespaceName, noLinkLocal } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) => {
  const r = spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    // a start takes ~1 s on a quiet machine, ten times that on the loaded shared one
    timeout: 120_000
  })
  expect(r.stderr).toBe("")
  expect(r.status).toBe(0)
  return r.stdout
}

describeRoot("nlink command: rules, addresses, neighbours in full", () => {
  const ns = newNamespaceName("cli20")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    // no link-locals: their multicast groups would be joined at carrier-on, when linkwatch gets to it
    noLinkLocal(ns)
    ip(ns, "link", "add", "c0", "type", "veth", "peer", "name", "c1")
    ip(ns, "link", "set", "c0", "up")
    ip(ns, "link", "set", "c1", "up")
    ip(ns, "addr", "add", "2001:db8::1/64", "dev", "c0", "nodad", "mngtmpaddr", "noprefixroute")
    ip(ns, "addr", "add", "10.77.0.1/24", "dev", "c0", "metric", "300")
    ip(ns, "neigh", "add", "10.77.0.8", "lladdr", "02:00:00:00:00:08", "dev", "c0", "nud", "permanent")
    ip(ns, "neigh", "add", "10.77.0.9", "lladdr", "02:00:00:00:00:09", "dev", "c0", "nud", "noarp")
    ip(ns, "neigh", "add", "10.77.0.7", "lladdr", "02:00:00:00:00:07", "dev", "c0", "router", "extern_learn")
    ip(ns, "neigh", "add", "proxy", "10.77.0.10", "dev", "c0")
    ip(ns, "rule", "add", "realms", "3/4", "tun_id", "77", "table", "100", "pref", "7")
    ip(
      ns,
      "rule",
      "add",
      "not",
      "uidrange",
      "10-20",
      "ipproto",
      "udp",
      "dport",
      "53",
      "prohibit",
      "pref",
      "8"
    )
    // the global address joins its solicited-node group from a work item after ip returns
    const joined = () => ip(ns, "maddr", "show", "dev", "c0").includes("ff02::1:ff00:1")
    for (let i = 0; !joined(); i++) {
      if (i === 500)
        throw new Error(`c0 did not join ff02::1:ff00:1: ${ip(ns, "maddr", "show", "dev", "c0")}`)
      spawnSync("sleep", ["0.01"])
    }
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("rule list: every selector in --json (names, bigint tun_id as decimal) and in text", () => {
    const rules = JSON.parse(nlink("rule", "list", "--json", "-n", ns)) as Array<Record<string, unknown>>
    expect(rules.find((r) => r.priority === 7)).toMatchObject({
      family: "inet",
      action: "lookup",
      table: 100,
      realms: (3 << 16) | 4,
      tunId: "77"
    })
    expect(rules.find((r) => r.priority === 8)).toMatchObject({
      action: "prohibit",
      invert: true,
      uidRange: { start: 10, end: 20 },
      ipProto: "udp",
      dportRange: { start: 53, end: 53 }
    })
    const text = nlink("rule", "list", "-n", ns)
    expect(text).toContain("7:\tfrom all tun_id 77 lookup 100 realms 3/4")
    expect(text).toContain("8:\tnot from all uidrange 10-20 ipproto udp dport 53 prohibit")
  })

  it("address list --json: user flags, metric; kernel flags under status", () => {
    const addrs = JSON.parse(nlink("address", "list", "--json", "-n", ns)) as Array<Record<string, any>>
    expect(addrs.find((a) => a.address === "2001:db8::1/64")).toMatchObject({
      dev: "c0",
      flags: ["nodad", "mngtmpaddr", "noprefixroute"],
      status: { family: "inet6", flags: ["permanent"] }
    })
    expect(addrs.find((a) => a.address === "10.77.0.1/24")).toMatchObject({ dev: "c0", metric: 300 })
  })

  it("maddress list: the groups of ip maddr; --anycast", { timeout: 300_000 }, () => {
    const groups = JSON.parse(nlink("maddress", "list", "--json", "-n", ns)) as Array<Record<string, any>>
    const theirs = ip(ns, "maddr", "show", "dev", "c0")
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((w) => w[0] === "inet6" || w[0] === "inet")
      .map((w) => w[1])
      .sort()
    expect(
      groups
        .filter((g) => g.dev === "c0")
        .map((g) => g.address)
        .sort()
    ).toEqual(theirs)
    expect(nlink("maddr", "list", "-n", ns)).toContain("c0 inet6 ff02::1\n")
    expect(JSON.parse(nlink("maddr", "list", "--anycast", "--json", "-n", ns))).toEqual([])
  })

  it("neighbor list hides noarp (and none) entries as ip neigh does; --nud shows them; proxy lists proxies", {
    timeout: 300_000
  }, () => {
    const shown = (args: Array<string>) =>
      (JSON.parse(nlink("neighbor", "list", "--json", "-n", ns, ...args)) as Array<Record<string, any>>)
        .filter((n) => n.dev === "c0" && n.address.startsWith("10.77."))
        .map((n) => n.address)
        .sort()
    const ipShows = (args: Array<string>) =>
      ip(ns, "-4", "neigh", "show", "dev", "c0", ...args)
        .split("\n")
        .filter((l) => l.startsWith("10.77."))
        .map((l) => l.split(" ")[0])
        .sort()
    expect(shown([])).toEqual(["10.77.0.7", "10.77.0.8"])
    expect(shown([])).toEqual(ipShows([]))
    // like ip, entries an external control plane owns (extern_learn) are always shown
    expect(shown(["--nud", "noarp"])).toEqual(["10.77.0.7", "10.77.0.9"])
    expect(shown(["--nud", "noarp"])).toEqual(ipShows(["nud", "noarp"]))
    expect(shown(["--nud", "noarp", "--nud", "permanent"])).toEqual(["10.77.0.7", "10.77.0.8", "10.77.0.9"])
    expect(shown(["--nud", "reachable"])).toEqual(ipShows(["nud", "reachable"]))
    expect(shown(["--nud", "all"])).toEqual(["10.77.0.7", "10.77.0.8", "10.77.0.9"])
    const router = (
      JSON.parse(nlink("neigh", "list", "--json", "-n", ns)) as Array<Record<string, any>>
    ).find((n) => n.address === "10.77.0.7")
    expect(router).toMatchObject({ flags: ["router", "externLearn"], state: "permanent" })
    expect(nlink("neigh", "list", "-n", ns)).toContain(
      "10.77.0.7 dev c0 lladdr 02:00:00:00:00:07 router extern_learn PERMANENT"
    )
    const proxies = JSON.parse(nlink("neighbor", "list", "proxy", "--json", "-n", ns)) as Array<
      Record<string, any>
    >
    expect(proxies).toMatchObject([{ dev: "c0", address: "10.77.0.10", proxy: true }])
    expect(nlink("neigh", "list", "proxy", "-n", ns).trim()).toBe("10.77.0.10 dev c0 proxy")
  })
})
