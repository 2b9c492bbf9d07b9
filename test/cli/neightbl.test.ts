/**
 * `nlink ntable list` end to end: one line per table and device with its
 * settings, and JSON in the NeighborTable model's shape (settings equal to
 * what NeighborTable.list returns; bigint statistics as exact decimals).
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as NeighborTable from "../../src/api/NeighborTable.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeRoot, ip, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    timeout: 60_000
  })

describeRoot("nlink ntable list", () => {
  const ns = newNamespaceName("ntcli")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "add", "c0", "type", "veth", "peer", "name", "c1")
    ip(ns, "ntable", "change", "name", "arp_cache", "dev", "c0", "ucast_probes", "7")
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("text names each table and device with its settings", () => {
    const r = nlink("ntable", "list", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    const c0 = r.stdout.split("\n").find((l) => l.startsWith("inet arp_cache dev c0 "))
    expect(c0).toContain(" ucastProbes 7 ")
    expect(r.stdout).toContain("inet6 ndisc_cache dev c1 ")
  })

  it("--json is the model: the same settings as NeighborTable.list", async () => {
    const r = nlink("ntable", "list", "--json", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout) as Array<NeighborTable.NeighborTable>
    const listed = await Effect.runPromise(
      NeighborTable.list().pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    )
    const settings = (ts: ReadonlyArray<NeighborTable.NeighborTable>) =>
      ts.map((t) => JSON.stringify(NeighborTable.canonical(t)))
    expect(settings(json)).toEqual(settings(listed))
    expect(json.find((t) => t.dev === "c0" && t.name === "arp_cache")?.ucastProbes).toBe(7)
    // statistics are bigints in the model, exact decimals in JSON
    expect(String((json.find((t) => t.dev === undefined)?.status?.stats as any)?.lookups)).toMatch(/^\d+$/)
  })
})
