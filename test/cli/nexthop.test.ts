/**
 * `nlink nexthop list` end to end: text as `ip nexthop show` prints it, and
 * JSON in the Nexthop model's shape (decodes with Nexthop.schema, equal to
 * what Nexthop.list returns).
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Nexthop from "../../src/api/Nexthop.ts"
import { describeRoot, ip, newNamespaceName } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    timeout: 60_000
  })

describeRoot("nlink nexthop list", () => {
  const ns = newNamespaceName("nhcli")
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    ip(ns, "link", "set", "lo", "up")
    ip(ns, "link", "add", "c0", "type", "veth", "peer", "name", "c1")
    ip(ns, "link", "set", "c0", "up")
    ip(ns, "link", "set", "c1", "up")
    ip(ns, "addr", "add", "10.77.0.1/24", "dev", "c0")
    ip(ns, "nexthop", "add", "id", "1", "via", "10.77.0.2", "dev", "c0")
    ip(ns, "nexthop", "add", "id", "2", "via", "10.9.9.9", "dev", "c0", "onlink", "proto", "static")
    ip(ns, "nexthop", "add", "id", "3", "blackhole")
    ip(ns, "nexthop", "add", "id", "4", "dev", "c1")
    ip(ns, "nexthop", "add", "id", "5", "via", "10.77.0.5", "fdb")
    ip(ns, "nexthop", "add", "id", "10", "group", "1/2,3")
    ip(ns, "nexthop", "add", "id", "11", "group", "1/2", "type", "resilient", "buckets", "16")
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("text is what ip nexthop show prints", () => {
    const r = nlink("nexthop", "list", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    const lines = (text: string) =>
      text
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l !== "")
    expect(lines(r.stdout)).toEqual(lines(ip(ns, "nexthop", "show")))
  })

  it("--json is the model: decodes with Nexthop.schema, equal to Nexthop.list", async () => {
    const r = nlink("nexthop", "list", "--json", "-n", ns)
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout) as Array<unknown>
    const listed = await Effect.runPromise(
      Nexthop.list().pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    )
    expect(json).toEqual(JSON.parse(JSON.stringify(listed)))
    const decoded = json.map((x) => Schema.decodeUnknownSync(Nexthop.schema)(x))
    expect(decoded.map((d, i) => Nexthop.equals(d, listed[i]!))).toEqual(listed.map(() => true))
    expect(json[5]).toEqual({
      id: 10,
      group: [{ id: 1 }, { id: 2, weight: 3 }],
      type: "mpath",
      status: { scope: "global", flags: [] }
    })
  })
})
