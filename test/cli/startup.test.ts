/**
 * What makes `nlink` start fast: the command line picks which modules load.
 * `show` with only -n/-j runs without the parser (src/cli/args.ts, src/cli/show.ts), every
 * other line loads the parser and the one command it names
 * (src/cli/registry.ts). Both paths must print the same.
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { commandsFor, entries } from "../../src/cli/registry.ts"
import { showArgs } from "../../src/cli/args.ts"
import { show } from "../../src/cli/show.ts"
import { describeRoot, ip, ipJson, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    // a start takes well under 1 s on a quiet machine, ten times that on the loaded shared one
    timeout: 120_000
  })

describe("showArgs: which command lines take the fast start", () => {
  it("takes show with -n NAME and -j in ip's spellings, before or after show", () => {
    expect(showArgs(["show"])).toEqual({ netns: undefined, json: false })
    expect(showArgs(["-n", "blue", "show"])).toEqual({ netns: "blue", json: false })
    expect(showArgs(["show", "-j", "--netns", "blue"])).toEqual({ netns: "blue", json: true })
    expect(showArgs(["-json", "-netns", "blue", "show"])).toEqual({ netns: "blue", json: true })
    expect(showArgs(["show", "--netns=blue", "--json"])).toEqual({ netns: "blue", json: true })
  })

  it("leaves every other line to the parser", () => {
    for (const args of [
      [],
      ["link", "show"],
      ["route", "show"],
      ["show", "--help"],
      ["show", "-h"],
      ["show", "show"],
      ["show", "-n"],
      ["show", "extra"],
      ["-n", "a", "-n", "b", "show"],
      ["--log-level", "debug", "show"],
      ["help", "show"]
    ])
      expect(showArgs(args), args.join(" ")).toBeUndefined()
  })
})

describe("the command registry", () => {
  it("names each command as the command names itself (name, then alias)", async () => {
    const seen = new Set<string>()
    for (const entry of entries) {
      const commands = await entry.load()
      const names = commands.flatMap((c) => [c.name, ...(c.alias === undefined ? [] : [c.alias])])
      expect(names).toEqual(entry.names)
      for (const n of names) {
        expect(seen.has(n), `${n} is named twice`).toBe(false)
        seen.add(n)
      }
    }
  })

  it("loads the one command a line names, and all for help or an unknown word", async () => {
    expect((await commandsFor(["route", "list"])).map((c) => c.name)).toEqual(["route"])
    expect((await commandsFor(["addr", "add"])).map((c) => c.name)).toEqual(["address"])
    expect((await commandsFor(["apply", "x.json"])).map((c) => c.name)).toEqual([
      "snapshot",
      "restore",
      "diff",
      "plan",
      "apply"
    ])
    const all = (await Promise.all(entries.map((e) => e.load()))).flat().map((c) => c.name)
    for (const args of [[], ["--help"], ["--completions", "bash"], ["bogus"]])
      expect((await commandsFor(args)).map((c) => c.name)).toEqual(all)
  })
})

describeRoot("nlink show, fast and through the parser", () => {
  const ns = newNamespaceName("start")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    // links stay down: no IPv6 link-local address appears while the test reads
    ip(ns, "link", "add", "s0", "type", "veth", "peer", "name", "s1")
    ip(ns, "addr", "add", "10.79.0.1/24", "dev", "s0")
    ip(ns, "addr", "add", "fd00:79::1/64", "dev", "s0")
    ip(ns, "addr", "add", "10.79.1.1/24", "dev", "s1")
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it.effect("show's text names every link with its state and addresses, as ip -br addr", () =>
    Effect.gen(function* () {
      const text = yield* show({ netns: ns, json: false })
      const rows = text.split("\n").map((l) => l.split(/\s+/))
      const theirs = ipJson<
        Array<{ ifname: string; operstate: string; addr_info: Array<{ local: string; prefixlen: number }> }>
      >(ns, "-br", "addr", "show")
      expect(rows).toEqual(
        theirs.map((l) => [
          l.ifname.replace(/@.*/, ""),
          l.operstate,
          ...l.addr_info.map((a) => `${a.local}/${a.prefixlen}`)
        ])
      )
    })
  )

  it("the fast start and the parser print the same, text and JSON", { timeout: 300_000 }, () => {
    const fast = nlink("show", "-n", ns)
    // a flag the fast start does not take sends the same command to the parser
    const parsed = nlink("--log-level", "none", "show", "-n", ns)
    expect(fast.stderr).toBe("")
    expect(fast.status).toBe(0)
    expect(parsed.status).toBe(0)
    expect(fast.stdout).toContain("10.79.0.1/24 fd00:79::1/64")
    expect(parsed.stdout).toBe(fast.stdout)
    const fastJson = nlink("-j", "show", "-n", ns)
    const parsedJson = nlink("--log-level", "none", "show", "--json", "-n", ns)
    expect(fastJson.status).toBe(0)
    expect(JSON.parse(parsedJson.stdout)).toEqual(JSON.parse(fastJson.stdout))
    expect(JSON.parse(fastJson.stdout)).toContainEqual(
      expect.objectContaining({
        ifname: "s1",
        kind: "veth",
        addresses: [{ family: "inet", address: "10.79.1.1", prefixlen: 24 }]
      })
    )
  })

  it("the fast start reports an error as one line and exit status 1", () => {
    const r = nlink("show", "-n", "no-such-namespace-here")
    expect(r.status).toBe(1)
    expect(r.stdout).toBe("")
    expect(r.stderr).toMatch(/^nlink: .*no-such-namespace-here.*\n$/)
  })
})
