/**
 * Neighbour tables against the host kernel, in a fresh namespace: the
 * tables and per-device parameters read as `ip ntable show` prints them;
 * per-device parameters change and read back equal; table settings are the
 * initial namespace's (ENOENT here); bad input is a Validation error.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NeighborTable from "../../src/api/NeighborTable.ts"
import { describeRoot, inNamespace, ip } from "../helpers/netns.ts"

/** `ip ntable show` text blocks for one device: "inet arp_cache dev d0 ... key value ..." as a record. */
const shown = (ns: string, family: "-4" | "-6", dev: string): Record<string, string> => {
  const text = ip(ns, family, "ntable", "show", "dev", dev)
  const words = text.replace(/\s+/g, " ").trim().split(" ")
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < words.length; i++) if (/^[a-z_]+$/.test(words[i]!)) out[words[i]!] = words[i + 1]!
  return out
}

describeRoot("NeighborTable", () => {
  it.live("lists the tables and device parameters; changes a device's parameters and reads them back", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        const all = yield* NeighborTable.list()
        const arp = all.find((t) => t.name === "arp_cache" && t.dev === undefined)!
        expect(arp).toMatchObject({ family: "inet", name: "arp_cache" })
        expect(arp.thresh1).toBeGreaterThan(0)
        expect(arp.status?.config?.keyLen).toBe(4)
        expect(typeof arp.status?.stats?.lookups).toBe("bigint")
        expect(all.some((t) => t.name === "ndisc_cache" && t.family === "inet6")).toBe(true)
        const [d0] = yield* NeighborTable.list({ family: "inet", dev: "d0" })
        expect(d0).toMatchObject({ family: "inet", name: "arp_cache", dev: "d0" })
        const before = shown(ns, "-4", "d0")
        expect(String(d0!.baseReachableTime)).toBe(before.base_reachable)
        expect(String(d0!.ucastProbes)).toBe(before.ucast_probes)
        const want: NeighborTable.NeighborTable = {
          ...d0!,
          baseReachableTime: 20000,
          retransTime: 2000,
          gcStaleTime: 70000,
          delayProbeTime: 6000,
          queueLenBytes: 100000,
          appProbes: 1,
          ucastProbes: 4,
          mcastProbes: 5,
          mcastReprobes: 2,
          anycastDelay: 900,
          proxyDelay: 700,
          proxyQueueLen: 70,
          locktime: 1100
        }
        yield* NeighborTable.change(want)
        const [after] = yield* NeighborTable.list({ family: "inet", dev: "d0" })
        expect(NeighborTable.canonical(after!)).toEqual(NeighborTable.canonical(want))
        expect(NeighborTable.equals(after!, want)).toBe(true)
        const s = shown(ns, "-4", "d0")
        expect([s.base_reachable, s.retrans, s.gc_stale, s.ucast_probes, s.locktime]).toEqual([
          "20000",
          "2000",
          "70000",
          "4",
          "1100"
        ])
        // IPv6 by family and device
        yield* NeighborTable.change({ family: "inet6", name: "ndisc_cache", dev: "d0", retransTime: 1500 })
        const [six] = yield* NeighborTable.list({ family: "inet6", dev: "d0" })
        expect(six).toMatchObject({ name: "ndisc_cache", dev: "d0", retransTime: 1500 })
        // the table's own settings are the initial namespace's
        const notHere = yield* Effect.flip(
          NeighborTable.change({ family: "inet", name: "arp_cache", thresh1: 10 })
        )
        expect([notHere.reason._tag, (notHere.reason as any).code]).toEqual(["Kernel", "ENOENT"])
        const bad = yield* Effect.flip(
          NeighborTable.change({ family: "inet", name: "arp_cache", dev: "d0", thresh1: 10 })
        )
        expect([bad.reason._tag, (bad.reason as any).path]).toEqual(["Validation", "thresh1"])
        const neg = yield* Effect.flip(
          NeighborTable.change({ family: "inet", name: "arp_cache", dev: "d0", ucastProbes: -1 })
        )
        expect([neg.reason._tag, (neg.reason as any).path]).toEqual(["Validation", "ucastProbes"])
      })
    )
  )
})
