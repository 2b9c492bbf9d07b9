/**
 * Neighbor against the kernel, in a fresh namespace per test, with
 * `ip -j neigh show` as the oracle.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { describeRoot, inNamespace, ip, ipJson } from "../helpers/netns.ts"

interface IpNeigh {
  readonly dst: string
  readonly dev: string
  readonly lladdr?: string
  readonly state?: ReadonlyArray<string>
  readonly router?: null
  readonly extern_learn?: null
  readonly proxy?: null
}

/** Two veth pairs, up, with addresses, so ARP and NDP entries can live on d0 and d2. */
const setup = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
  for (const d of ["d0", "d1", "d2", "d3"]) ip(ns, "link", "set", d, "up")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "addr", "add", "10.1.3.3/24", "dev", "d2")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
}

const ifindex = (ns: string, dev: string): number =>
  ipJson<Array<{ ifindex: number }>>(ns, "link", "show", dev)[0].ifindex

const ipNeigh = (ns: string, ...args: Array<string>): Array<IpNeigh> =>
  ipJson<Array<IpNeigh>>(ns, "neigh", "show", ...args)
const find = (entries: ReadonlyArray<IpNeigh>, dst: string) => entries.find((e) => e.dst === dst)

/**
 * IPv6 autoconfiguration (MLD reports, router solicitations) adds NOARP multicast entries
 * at random moments after links come up: leave them out of whole-table comparisons.
 */
const isMulticast = (dst: string | undefined) =>
  dst === undefined || /^ff/i.test(dst) || /^2(2[4-9]|3\d)\./.test(dst)

/** Our entries rendered the way ip -j shows them (dst, dev, lladdr, state), for set comparison. */
const ours = (_ns: string, entries: ReadonlyArray<Neighbor.Neighbor>) =>
  entries
    .filter((e) => e.state !== "none" || e.proxy === true) // ip hides NUD_NONE cache entries
    .filter((e) => !isMulticast(e.address))
    .map((e) => `${e.address} ${e.dev} ${e.lladdr ?? "-"}`)
    .sort()
/** ip omits `dev` when the command names one: pass it. */
const theirs = (entries: ReadonlyArray<IpNeigh>, dev?: string) =>
  entries
    .filter((e) => !isMulticast(e.dst))
    .map((e) => `${e.dst} ${e.dev ?? dev} ${e.lladdr ?? "-"}`)
    .sort()
/** `ip neigh show` hides NOARP entries unless asked for every state; list() returns them all. */
const ipAll = (ns: string, ...args: Array<string>) => ipNeigh(ns, ...args, "nud", "all")

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect) as Effect.Effect<any, A, R>

describeRoot("Neighbor", () => {
  it.live("IPv4: add permanent, replace to reachable with a new lladdr, remove", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Neighbor.add({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" })
        expect(find(ipNeigh(ns, "dev", "d0"), "10.1.2.9")).toMatchObject({
          lladdr: "02:00:00:00:00:09",
          state: ["PERMANENT"]
        })
        const listed = (yield* Neighbor.list({ dev: "d0" })).find((n) => n.address === "10.1.2.9")
        expect(listed).toEqual({
          dev: "d0",
          address: "10.1.2.9",
          lladdr: "02:00:00:00:00:09",
          state: "permanent",
          status: {
            family: "inet",
            index: ifindex(ns, "d0"),
            state: "permanent",
            flags: [],
            cacheinfo: expect.anything(),
            probes: 0,
            type: 1
          }
        })
        expect(
          Neighbor.equals(listed!, { dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" })
        ).toBe(true)

        yield* Neighbor.replace({
          dev: "d0",
          address: "10.1.2.9",
          lladdr: "02:00:00:00:00:0a",
          state: "reachable"
        })
        expect(find(ipNeigh(ns, "dev", "d0"), "10.1.2.9")).toMatchObject({
          lladdr: "02:00:00:00:00:0a",
          state: ["REACHABLE"]
        })

        yield* Neighbor.remove({ dev: "d0", address: "10.1.2.9" })
        expect(find(ipNeigh(ns, "dev", "d0"), "10.1.2.9")).toBeUndefined()
      })
    )
  )

  it.live("IPv6: add stale with the router flag, replace, del by index", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Neighbor.add({
          dev: "d0",
          address: "2001:db8::9",
          lladdr: "02:00:00:00:00:19",
          state: "stale",
          router: true
        })
        const entry = find(ipJson<Array<IpNeigh>>(ns, "-6", "neigh", "show", "dev", "d0"), "2001:db8::9")
        expect(entry).toMatchObject({ lladdr: "02:00:00:00:00:19", state: ["STALE"] })
        expect(entry).toHaveProperty("router")
        const listed = (yield* Neighbor.list({ family: "inet6" })).find((n) => n.address === "2001:db8::9")
        expect(listed?.flags).toEqual(["router"])
        expect(listed?.state).toBe("stale")
        expect(listed?.status?.state).toBe("stale")
        const [raw] = (yield* Neighbor.listRaw({ family: "inet6" })).filter((n) => n.dst === "2001:db8::9")
        expect(raw.flags).toBe(Neighbor.NtfFlags.router)

        yield* Neighbor.replace({
          dev: "d0",
          address: "2001:db8::9",
          lladdr: "02:00:00:00:00:1a",
          state: "permanent"
        })
        const replaced = find(ipJson<Array<IpNeigh>>(ns, "-6", "neigh", "show", "dev", "d0"), "2001:db8::9")
        expect(replaced).toMatchObject({ lladdr: "02:00:00:00:00:1a", state: ["PERMANENT"] })
        expect(replaced).not.toHaveProperty("router")

        yield* Neighbor.del({ dev: ifindex(ns, "d0"), address: "2001:db8::9" })
        expect(
          find(ipJson<Array<IpNeigh>>(ns, "-6", "neigh", "show", "dev", "d0"), "2001:db8::9")
        ).toBeUndefined()
      })
    )
  )

  it.live("every settable state, IPv4 and IPv6, reads back as ip shows it", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        // Where the kernel's timers may take a dynamic state next before we look.
        const next: Record<Neighbor.State, ReadonlyArray<Neighbor.State>> = {
          permanent: [],
          noarp: [],
          reachable: ["stale"],
          stale: [],
          delay: ["probe", "failed", "incomplete"],
          probe: ["failed", "incomplete"],
          failed: ["incomplete"],
          incomplete: ["failed"],
          none: []
        }
        const states = Object.keys(next).filter(
          (s) => s !== "none" && s !== "incomplete"
        ) as Array<Neighbor.State>
        let i = 10
        for (const state of states) {
          for (const address of [`10.1.2.${i}`, `2001:db8::${i}`]) {
            const lladdr = `02:00:00:00:00:${i.toString(16).padStart(2, "0")}`
            yield* Neighbor.add({ dev: "d0", address, lladdr, state })
            const mine = (yield* Neighbor.list({ dev: "d0" })).find((n) => n.address === address)
            expect(mine?.dev, address).toBe("d0")
            expect(mine?.status?.index, address).toBe(ifindex(ns, "d0"))
            // A failed entry has no valid link-layer address; ip prints none either.
            if (state !== "failed") expect(mine?.lladdr, address).toBe(lladdr)
            const allowed: ReadonlyArray<string> = [state, ...next[state]]
            expect(allowed, `${address} ${state}`).toContain(mine!.status!.state)
            // the configuration: dynamic states that hold a link-layer address read as "stale"
            const dynamic = ["reachable", "stale", "delay", "probe"]
            expect(mine!.state).toBe(
              dynamic.includes(mine!.status!.state as string) ? "stale" : mine!.status!.state
            )
            const shown = find(ipAll(ns, "dev", "d0"), address)
            expect(shown, address).toBeDefined()
            expect(allowed, `${address} ${state} (ip)`).toContain(shown!.state![0].toLowerCase())
            if (next[state].length === 0)
              expect(shown!.state).toEqual([String(mine!.status!.state).toUpperCase()])
          }
          i++
        }
      })
    )
  )

  it.live("list filters: dev, family, state, master match ip neigh show; stream equals list", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "link", "add", "br0", "type", "bridge")
        ip(ns, "link", "set", "br0", "up")
        ip(ns, "link", "set", "d2", "master", "br0")
        yield* Neighbor.add({ dev: "d0", address: "10.1.2.20", lladdr: "02:00:00:00:00:20" })
        yield* Neighbor.add({ dev: "d0", address: "10.1.2.21", lladdr: "02:00:00:00:00:21", state: "stale" })
        yield* Neighbor.add({
          dev: "d0",
          address: "2001:db8::21",
          lladdr: "02:00:00:00:00:22",
          state: "stale"
        })
        yield* Neighbor.add({ dev: "d2", address: "10.1.3.20", lladdr: "02:00:00:00:00:23", state: "noarp" })

        expect(ours(ns, yield* Neighbor.list())).toEqual(theirs(ipAll(ns)))
        expect(ours(ns, yield* Neighbor.list({ dev: "d0" }))).toEqual(theirs(ipAll(ns, "dev", "d0"), "d0"))
        expect(ours(ns, yield* Neighbor.list({ dev: "d2" }))).toEqual(theirs(ipAll(ns, "dev", "d2"), "d2"))
        expect(ours(ns, yield* Neighbor.list({ family: "inet6" }))).toEqual(
          theirs(ipJson(ns, "-6", "neigh", "show", "nud", "all"))
        )
        expect(ours(ns, yield* Neighbor.list({ family: "inet" }))).toEqual(
          theirs(ipJson(ns, "-4", "neigh", "show", "nud", "all"))
        )
        expect(ours(ns, yield* Neighbor.list({ state: "stale" }))).toEqual(
          theirs(ipNeigh(ns, "nud", "stale"))
        )
        expect(ours(ns, yield* Neighbor.list({ state: ["stale", "noarp"], family: "inet" }))).toEqual(
          theirs(ipJson(ns, "-4", "neigh", "show", "nud", "stale", "nud", "noarp"))
        )
        expect(ours(ns, yield* Neighbor.list({ master: "br0" }))).toEqual(theirs(ipAll(ns, "master", "br0")))
        expect((yield* Neighbor.list({ master: "br0", family: "inet" })).map((n) => n.address)).toEqual([
          "10.1.3.20"
        ])
        for (const n of yield* Neighbor.list({ master: "br0" })) expect(n.dev).toBe("d2")
        expect((yield* Neighbor.list({ dev: "d0", state: "stale" })).map((n) => n.address).sort()).toEqual([
          "10.1.2.21",
          "2001:db8::21"
        ])

        const streamed = yield* Stream.runCollect(Neighbor.stream({ dev: "d0" }))
        expect(ours(ns, Array.from(streamed))).toEqual(ours(ns, yield* Neighbor.list({ dev: "d0" })))
        expect(Array.from(streamed).length).toBeGreaterThanOrEqual(3)
      })
    )
  )

  it.live("proxy ARP and proxy NDP entries: add, list, remove", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Neighbor.addProxy({ dev: "d0", address: "10.1.2.10" })
        yield* Neighbor.addProxy({ dev: "d0", address: "2001:db8::10" })
        yield* Neighbor.addProxy({ dev: "d2", address: "10.1.3.10" })
        const shown = ipNeigh(ns, "proxy")
        expect(theirs(shown)).toEqual(["10.1.2.10 d0 -", "10.1.3.10 d2 -", "2001:db8::10 d0 -"])

        const proxies = yield* Neighbor.listProxy()
        expect(ours(ns, proxies)).toEqual(theirs(shown))
        for (const p of proxies) expect(p).toMatchObject({ proxy: true, state: undefined, lladdr: undefined })
        // proxy entries are not in the cache
        const cache = yield* Neighbor.list()
        expect(cache.map((n) => n.address)).not.toContain("10.1.2.10")

        expect(ours(ns, yield* Neighbor.listProxy({ dev: "d0" }))).toEqual(
          theirs(ipNeigh(ns, "proxy", "dev", "d0"), "d0")
        )
        expect(ours(ns, yield* Neighbor.list({ proxy: true, family: "inet6" }))).toEqual([
          "2001:db8::10 d0 -"
        ])

        yield* Neighbor.removeProxy({ dev: "d0", address: "10.1.2.10" })
        yield* Neighbor.removeProxy({ dev: "d0", address: "2001:db8::10" })
        expect(theirs(ipNeigh(ns, "proxy"))).toEqual(["10.1.3.10 d2 -"])
        const [left] = yield* Neighbor.listProxy()
        expect(ours(ns, [left])).toEqual(["10.1.3.10 d2 -"])
        // a listed proxy entry removes and recreates exactly itself
        yield* Neighbor.remove(left)
        expect(theirs(ipNeigh(ns, "proxy"))).toEqual([])
        expect(ipNeigh(ns, "dev", "d2").map((e) => e.dst)).not.toContain("10.1.3.10")
        yield* Neighbor.add(left)
        expect(theirs(ipNeigh(ns, "proxy"))).toEqual(["10.1.3.10 d2 -"])
        const [again] = yield* Neighbor.listProxy()
        expect(Neighbor.equals(again, left)).toBe(true)
      })
    )
  )

  it.live("extern_learn and protocol are stored", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Neighbor.add({
          dev: "d0",
          address: "10.1.2.30",
          lladdr: "02:00:00:00:00:30",
          extern_learn: true,
          protocol: "static"
        })
        const shown = find(ipNeigh(ns, "dev", "d0"), "10.1.2.30")
        expect(shown).toHaveProperty("extern_learn")
        expect(shown).toMatchObject({ protocol: "static" })
        const mine = (yield* Neighbor.list({ dev: "d0" })).find((n) => n.address === "10.1.2.30")
        expect(mine?.flags).toEqual(["externLearn"])
        expect(mine?.protocol).toBe("static")
        // the flag by its name does the same
        yield* Neighbor.add({
          dev: "d0",
          address: "10.1.2.31",
          lladdr: "02:00:00:00:00:31",
          flags: ["externLearn", "router"]
        })
        expect(find(ipNeigh(ns, "dev", "d0"), "10.1.2.31")).toHaveProperty("extern_learn")
        expect(find(ipNeigh(ns, "dev", "d0"), "10.1.2.31")).toHaveProperty("router")
      })
    )
  )

  it.live("errors: EEXIST, ENOENT, ENODEV, and Validation naming the field with nothing sent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Neighbor.add({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" })
        const exists = yield* failure(
          Neighbor.add({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00:09" })
        )
        expect(exists.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })

        const missing = yield* failure(Neighbor.remove({ dev: "d0", address: "10.1.2.99" }))
        expect(missing.reason).toMatchObject({ _tag: "Kernel", code: "ENOENT" })
        const missingProxy = yield* failure(Neighbor.removeProxy({ dev: "d0", address: "10.1.2.99" }))
        expect(missingProxy.reason).toMatchObject({ _tag: "Kernel", code: "ENOENT" })

        const nodev = yield* failure(Neighbor.add({ dev: "nope0", address: "10.1.2.50" }))
        expect(nodev.reason).toMatchObject({ _tag: "Kernel", code: "ENODEV" })

        const before = theirs(ipAll(ns))
        const beforeProxy = ipNeigh(ns, "proxy")
        const badMac = yield* failure(
          Neighbor.add({ dev: "d0", address: "10.1.2.40", lladdr: "02:00:00:00:zz:01" })
        )
        expect(badMac.reason).toMatchObject({ _tag: "Validation", path: "lladdr" })
        const badAddr = yield* failure(Neighbor.add({ dev: "d0", address: "10.1.2.400" }))
        expect(badAddr.reason).toMatchObject({ _tag: "Validation", path: "address" })
        const badState = yield* failure(
          Neighbor.replace({ dev: "d0", address: "10.1.2.41", state: "asleep" as any })
        )
        expect(badState.reason).toMatchObject({ _tag: "Validation", path: "state" })
        const longDev = yield* failure(Neighbor.add({ dev: "x".repeat(128), address: "10.1.2.42" }))
        expect(longDev.reason).toMatchObject({ _tag: "Validation", path: "dev" })
        const badProxy = yield* failure(Neighbor.addProxy({ dev: "d0", address: "2001:db8::zz" }))
        expect(badProxy.reason).toMatchObject({ _tag: "Validation", path: "address" })
        const extra = yield* failure(Neighbor.add({ dev: "d0", address: "10.1.2.43", lladr: "x" } as any))
        expect(extra.reason).toMatchObject({ _tag: "Validation", path: "lladr" })
        const badFilter = yield* failure(Neighbor.list({ family: "inet4" as any }))
        expect(badFilter.reason).toMatchObject({ _tag: "Validation", path: "family" })
        expect(theirs(ipAll(ns))).toEqual(before)
        expect(ipNeigh(ns, "proxy")).toEqual(beforeProxy)
      })
    )
  )
})
