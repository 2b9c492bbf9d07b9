/**
 * The nlink command's newer words: `-batch`/`-force` (split as ip splits a
 * line; end to end against `ip -batch` on the same file), `rule flush`,
 * `link property`, `wg genkey|genpsk|pubkey|syncconf`, and the refusals of
 * the new parsers (each naming its keyword). Requests are compared with
 * ip's in golden-ip.test.ts.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"
import * as BridgeVlan from "../../src/api/BridgeVlan.ts"
import { isError } from "../../src/api/internal/Words.ts"
import * as Link from "../../src/api/Link.ts"
import * as Nexthop from "../../src/api/Nexthop.ts"
import * as Rule from "../../src/api/Rule.ts"
import * as WireGuard from "../../src/api/WireGuard.ts"
import { batchLines, batchOptions, splitLine } from "../../src/cli/batch.ts"
import { normalizeArgs } from "../../src/cli/flags.ts"
import { statsLines } from "../../src/cli/format.ts"
import { eventLine, formatEvent } from "../../src/cli/monitor.ts"
import type * as Events from "../../src/api/Events.ts"
import { pubkeyOf, syncChange } from "../../src/cli/wg.ts"
import { describeRoot, ipJson, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const dir = mkdtempSync(path.join(tmpdir(), "nlwords-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const failure = (r: unknown): string => {
  if (!isError(r)) throw new Error(`expected a failure, got ${JSON.stringify(r)}`)
  return r.message
}

describe("-batch: options and lines as ip reads them", () => {
  it("finds -batch/-force among the global options and keeps the others", () => {
    expect(batchOptions(["-n", "blue", "-force", "-batch", "f.txt"])).toEqual({
      file: "f.txt",
      force: true,
      globals: ["-n", "blue"]
    })
    expect(batchOptions(["-b", "-", "-j"])).toEqual({ file: "-", force: false, globals: ["-j"] })
    expect(batchOptions(["-n", "blue", "route", "list"])).toBeUndefined()
    // a word after the object is not a global option
    expect(batchOptions(["route", "add", "-batch", "x"])).toBeUndefined()
  })

  it("splits on blanks, keeps quoted blanks, drops comments and joins continued lines", () => {
    expect(splitLine(`link set d0 alias "my uplink" # the uplink`)).toEqual([
      "link",
      "set",
      "d0",
      "alias",
      "my uplink"
    ])
    expect(splitLine("  route  add\t10.0.0.0/8 via 10.0.0.1  ")).toEqual([
      "route",
      "add",
      "10.0.0.0/8",
      "via",
      "10.0.0.1"
    ])
    expect(splitLine(`x '' y`)).toEqual(["x", "", "y"])
    expect(batchLines("# only a comment\n\nroute add 1.2.3.0/24 \\\n dev d0\nlink show\n")).toEqual([
      { line: 3, words: ["route", "add", "1.2.3.0/24", "dev", "d0"] },
      { line: 5, words: ["link", "show"] }
    ])
  })
})

describeRoot("nlink -batch against ip -batch on the same file", () => {
  const a = newNamespaceName("bip")
  const b = newNamespaceName("bnl")
  beforeAll(() => {
    for (const ns of [a, b]) spawnSync("ip", ["netns", "add", ns])
  })
  afterAll(() => {
    for (const ns of [a, b]) spawnSync("ip", ["netns", "del", ns])
  })
  const lines = [
    "link add d0 type veth peer name d1",
    "link set d0 up",
    "address add 10.9.0.1/24 dev d0",
    "link property add dev d0 altname batch-uplink-0",
    "route add 10.10.0.0/24 via 10.9.0.2",
    "# the same route again: fails in both, and -force goes on",
    "route add 10.10.0.0/24 via 10.9.0.2",
    `link set d0 alias "the uplink"`,
    "route add 10.11.0.0/24 via 10.9.0.2 proto static",
    "rule add from 10.9.0.0/24 table 100 pref 100 proto static",
    "rule add from 10.9.1.0/24 table 100 pref 101 proto boot",
    "rule add from 10.9.2.0/24 table 100 pref 102 proto static",
    "rule flush protocol static"
  ]
  const file = path.join(dir, "batch.txt")
  writeFileSync(file, `${lines.join("\n")}\n`)

  it("runs every line with -force, fails the same line, exits 1 and leaves the same state", {
    timeout: 120_000
  }, () => {
    const theirs = spawnSync("ip", ["-n", a, "-force", "-batch", file], { encoding: "utf8" })
    const ours = spawnSync(
      process.execPath,
      [path.join(root, "src/cli/bin.ts"), "-n", b, "-force", "-batch", file],
      {
        encoding: "utf8",
        timeout: 100_000
      }
    )
    expect(theirs.status).toBe(1)
    expect(ours.status).toBe(1)
    const failed = (s: string) => s.split("\n").filter((l) => l.startsWith("Command failed"))
    expect(failed(ours.stderr)).toEqual([`Command failed ${file}:7`])
    expect(failed(ours.stderr)).toEqual(failed(theirs.stderr))
    for (const what of [
      ["route", "show"],
      ["rule", "show"],
      ["link", "show", "d0"]
    ]) {
      const strip = (x: Array<Record<string, unknown>>) =>
        x.map(({ ifindex: _, link_index: __, address: ___, ...r }) => r)
      expect(strip(ipJson(b, ...what))).toEqual(strip(ipJson(a, ...what)))
    }
    const d0 = ipJson<Array<{ altnames?: Array<string>; ifalias?: string }>>(b, "link", "show", "d0")[0]!
    expect(d0.altnames).toEqual(["batch-uplink-0"])
    expect(d0.ifalias).toBe("the uplink")
    const prefs = ipJson<Array<{ priority: number }>>(b, "rule", "show").map((r) => r.priority)
    expect(prefs).toEqual([0, 101, 32766, 32767])
  })

  it("stops at the first failure without -force (standard input)", { timeout: 120_000 }, () => {
    const input =
      "route add 10.12.0.0/24 via 10.9.0.2\nroute add 10.12.0.0/24 via 10.9.0.2\nroute add 10.13.0.0/24 via 10.9.0.2\n"
    const ours = spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), "-n", b, "-batch", "-"], {
      encoding: "utf8",
      input,
      timeout: 100_000
    })
    expect(ours.status).toBe(1)
    expect(ours.stderr).toContain("already exists")
    expect(ours.stderr).toContain("Command failed <stdin>:2")
    const dsts = ipJson<Array<{ dst: string }>>(b, "route", "show").map((r) => r.dst)
    expect(dsts).toContain("10.12.0.0/24")
    expect(dsts).not.toContain("10.13.0.0/24")
  })
})

describeRoot("-br as ip -br prints it", () => {
  const ns = newNamespaceName("br")
  beforeAll(() => {
    spawnSync("ip", ["netns", "add", ns])
    for (const line of [
      "link add d0 type veth peer name d1",
      "link set d0 up",
      "link set lo up",
      "address add 10.1.0.1/24 dev d0",
      "address add 2001:db8::1/64 dev d0 nodad",
      "address add 10.1.1.1/24 dev d0"
    ])
      spawnSync("ip", ["-n", ns, ...line.split(" ")])
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("link list and address list equal ip -br link and ip -br address", { timeout: 120_000 }, () => {
    const file = path.join(dir, "brief.txt")
    writeFileSync(file, "link list\naddress list\n")
    // -batch: both listings from one nlink process
    const ours = spawnSync(
      process.execPath,
      [path.join(root, "src/cli/bin.ts"), "-n", ns, "-br", "-batch", file],
      {
        encoding: "utf8",
        timeout: 100_000
      }
    )
    expect(ours.stderr).toBe("")
    const theirs = ["link", "address"]
      .map((o) => spawnSync("ip", ["-n", ns, "-br", o], { encoding: "utf8" }).stdout)
      .join("")
    expect(ours.stdout).toBe(theirs)
  })
})

describe("-s and -d", () => {
  it("-s is counted as ip counts it; -d and -br are global options", () => {
    expect(normalizeArgs(["-s", "-s", "-d", "link", "list"])).toEqual([
      "link",
      "list",
      "--details",
      "--stats",
      "2"
    ])
    expect(normalizeArgs(["-br", "-n", "x", "address", "show"])).toEqual([
      "address",
      "list",
      "--brief",
      "--netns",
      "x"
    ])
  })

  it("counters in ip -s -s's rows", () => {
    const s = { rxBytes: 1234n, rxPackets: 12n, txBytes: 99n, txPackets: 1n, txDropped: 2n, rxCrcErrors: 3n }
    expect(statsLines(s, 1, 4).split("\n")).toEqual([
      "    RX: bytes packets errors dropped missed mcast",
      "         1234      12      0       0      0     0",
      "    TX: bytes packets errors dropped carrier collsns",
      "           99       1      0       2       0       0"
    ])
    const two = statsLines(s, 2, 4).split("\n")
    expect(two[2]).toBe("    RX errors: length crc frame fifo overrun")
    expect(two[3]).toBe("                    0   3     0    0       0")
    expect(two[7]).toBe("                     0    0      0       0       4")
  })
})

describe("monitor label", () => {
  it("tags each change with its kind as ip monitor label does; an overrun stays untagged", () => {
    const e = {
      _tag: "New",
      kind: "link",
      key: "d0",
      value: { name: "d0", mtu: 1500, status: { index: 3, flags: ["up"] } },
      raw: {},
      synthetic: false
    } as unknown as Events.Event
    expect(eventLine(e, true)).toBe(`[LINK] ${formatEvent(e)}`)
    expect(eventLine(e, false)).toBe(formatEvent(e))
    const overrun = { _tag: "Overrun" } as unknown as Events.Event
    expect(eventLine(overrun, true)).toBe(formatEvent(overrun))
  })
})

describe("the new parsers refuse what they cannot send, naming the keyword", () => {
  it("link set vf / xdp, link property", () => {
    expect(Link.parseChanges("dev d0 vf 0 trust on spoofchk off")).toEqual({
      dev: "d0",
      changes: {},
      vfs: [{ vf: 0, trust: true, spoofchk: false }]
    })
    expect(Link.parseChanges("d0 xdpdrv pinned /sys/fs/bpf/p mtu 1400")).toEqual({
      dev: "d0",
      changes: { mtu: 1400 },
      xdp: { mode: "drv", pinned: "/sys/fs/bpf/p", noReplace: true }
    })
    expect(failure(Link.parseChanges("d0 vf 0"))).toContain("link set: vf")
    expect(failure(Link.parseChanges("d0 vf 0 mac nope"))).toContain("link set: vf mac")
    expect(failure(Link.parseChanges("d0 vf 0 state sometimes"))).toContain("link set: vf state")
    expect(failure(Link.parseChanges("d0 xdp obj prog.o"))).toContain("pinned PATH")
    expect(failure(Link.parseChanges("d0 xdpgeneric maybe"))).toContain("link set: xdpgeneric")
    expect(Link.parseProperty("d0 altname a altname b")).toEqual({ dev: "d0", altnames: ["a", "b"] })
    expect(failure(Link.parseProperty("dev d0"))).toContain("altname")
    expect(failure(Link.parseProperty("altname a"))).toContain("dev")
  })

  it("rule flush, nexthop bucket, vlan global set", () => {
    expect(Rule.parseFlush("protocol static pref 5", "rule flush", "inet6")).toEqual({
      protocol: "static",
      priority: 5,
      family: "inet6"
    })
    expect(failure(Rule.parseFlush("protocol nosuchproto"))).toContain("rule flush: protocol")
    expect(Nexthop.parseBuckets("id 11 nhid 2 dev d0")).toEqual({ id: 11, nexthop: 2, dev: "d0" })
    expect(failure(Nexthop.parseBucketGet("id 11"))).toContain("nexthop bucket get: index")
    expect(failure(Nexthop.parseBucketGet("index 1"))).toContain("nexthop bucket get: id")
    expect(BridgeVlan.parseGlobal("dev br0 vid 10 mcast_snooping 0 mcast_query_interval 500")).toEqual({
      dev: "br0",
      vid: 10,
      mcastSnooping: false,
      mcastQueryInterval: 500n
    })
    expect(failure(BridgeVlan.parseGlobal("dev br0 mcast_snooping 1"))).toContain("vlan global set: vid")
    expect(failure(BridgeVlan.parseGlobal("dev br0 vid 10 mcast_igmp_version x"))).toContain(
      "vlan global set: mcast_igmp_version"
    )
  })
})

const hasWg = spawnSync("wg", ["--version"]).status === 0

describe("wg genkey, genpsk, pubkey and syncconf", () => {
  const wg = (args: Array<string>, input?: string) =>
    spawnSync("wg", args, { encoding: "utf8", ...(input === undefined ? {} : { input }) })

  it.skipIf(!hasWg)("pubkey gives wg's public key; wg accepts our private keys", () => {
    for (let i = 0; i < 5; i++) {
      const priv = wg(["genkey"]).stdout.trim()
      expect(pubkeyOf(`${priv}\n`)).toBe(wg(["pubkey"], `${priv}\n`).stdout.trim())
      const ours = Redacted.value(WireGuard.generateKey())
      expect(wg(["pubkey"], ours).stdout.trim()).toBe(pubkeyOf(ours))
    }
    const bad = wg(["pubkey"], "not a key\n")
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain(
      failure(pubkeyOf("not a key\n"))
        .split(": ")
        .at(-1)!
        .replace(/ \(.*$/, "")
    )
  })

  it("the command prints keys as wg does", { timeout: 120_000 }, () => {
    const bin = path.join(root, "src/cli/bin.ts")
    const key = spawnSync(process.execPath, [bin, "wg", "genkey"], { encoding: "utf8", timeout: 100_000 })
    expect(key.status).toBe(0)
    expect(key.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/)
    const bytes = Buffer.from(key.stdout.trim(), "base64")
    expect(bytes[0]! & 7).toBe(0)
    expect(bytes[31]! & 0xc0).toBe(0x40)
    const pub = spawnSync(process.execPath, [bin, "wg", "pubkey"], {
      encoding: "utf8",
      input: key.stdout,
      timeout: 100_000
    })
    expect(pub.stdout).toBe(`${pubkeyOf(key.stdout)}\n`)
  })

  it("syncconf removes the device's other peers one by one and keeps the rest", () => {
    const A = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
    const B = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
    const C = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="
    const text = `[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = ${B}\nAllowedIPs = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${C}\nAllowedIPs = 10.0.0.3/32\n`
    const c = syncChange(text, [A, B])
    if (isError(c)) throw new Error(c.message)
    expect(c.replacePeers).toBe(false)
    expect(c.listenPort).toBe(51820)
    expect(c.peers).toEqual([
      { publicKey: A, remove: true },
      { publicKey: B, replaceAllowedIps: true, allowedIps: ["10.0.0.2/32"] },
      { publicKey: C, replaceAllowedIps: true, allowedIps: ["10.0.0.3/32"] }
    ])
  })
})
