/**
 * The `ip neigh` flags and states of issue 20 against the kernel: router,
 * extern_learn, managed and use; noarp and permanent entries shown and
 * filtered by state; devices named by an alternative name.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { describeRoot, inNamespace, ip, ipJson } from "../helpers/netns.ts"

const setup = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

const ipEntry = (ns: string, address: string) =>
  ipJson<Array<Record<string, unknown>>>(ns, "neigh", "show", "nud", "all").find((n) => n.dst === address)

const cases: ReadonlyArray<{ readonly options: Neighbor.Options; readonly ip: Record<string, unknown> }> = [
  {
    options: { dev: "d0", address: "10.1.2.7", lladdr: "02:00:00:00:00:07", flags: ["router"] },
    ip: { router: null, state: ["PERMANENT"] }
  },
  {
    options: {
      dev: "d0",
      address: "2001:db8::7",
      lladdr: "02:00:00:00:00:07",
      flags: ["router", "externLearn"]
    },
    ip: { router: null, extern_learn: null }
  },
  {
    options: { dev: "d0", address: "10.1.2.8", lladdr: "02:00:00:00:00:08", state: "noarp" },
    ip: { state: ["NOARP"] }
  },
  {
    options: {
      dev: "d0",
      address: "10.1.2.9",
      lladdr: "02:00:00:00:00:09",
      state: "stale",
      flags: ["externLearn"]
    },
    ip: { extern_learn: null, state: ["STALE"] }
  },
  { options: { dev: "d0", address: "10.1.2.10", flags: ["managed"] }, ip: { managed: null } }
]

describeRoot("Neighbor options", () => {
  for (const { options, ip: ipShows } of cases) {
    it.live(`${JSON.stringify(options)}: written, read back equal, shown by ip`, () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          setup(ns)
          yield* Neighbor.add(options)
          const listed = (yield* Neighbor.list({ dev: "d0" })).filter((n) => n.address === options.address)
          expect(listed).toHaveLength(1)
          expect(Neighbor.equals(listed[0]!, options)).toBe(true)
          expect(Neighbor.canonical(listed[0]!)).toEqual(Neighbor.canonical(options))
          expect(ipEntry(ns, options.address)).toMatchObject(ipShows)
          yield* Neighbor.remove(listed[0]!)
          expect(ipEntry(ns, options.address)).toBeUndefined()
          yield* Neighbor.add(listed[0]!)
          const again = (yield* Neighbor.list({ dev: "d0" })).filter((n) => n.address === options.address)
          expect(Neighbor.equals(again[0]!, listed[0]!)).toBe(true)
        })
      )
    )
  }

  it.live("use (NTF_USE) marks an entry used: accepted on replace, not stored as a flag", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const entry = {
          dev: "d0",
          address: "10.1.2.11",
          lladdr: "02:00:00:00:00:11",
          state: "stale"
        } as const
        yield* Neighbor.add(entry)
        yield* Neighbor.replace({ ...entry, flags: ["use"] })
        const [listed] = yield* Neighbor.list({ dev: "d0", state: ["stale", "delay", "probe", "reachable"] })
        expect(listed?.address).toBe("10.1.2.11")
        expect(listed?.flags).toBeUndefined()
        expect(Neighbor.equals(listed!, { ...entry, flags: ["use"] })).toBe(true)
      })
    )
  )

  it.live(
    "state filters: noarp and permanent entries listed and selected as ip neigh show nud selects them",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          setup(ns)
          yield* Neighbor.add({
            dev: "d0",
            address: "10.1.2.20",
            lladdr: "02:00:00:00:00:20",
            state: "noarp"
          })
          yield* Neighbor.add({ dev: "d0", address: "10.1.2.21", lladdr: "02:00:00:00:00:21" })
          yield* Neighbor.add({
            dev: "d0",
            address: "10.1.2.22",
            lladdr: "02:00:00:00:00:22",
            state: "stale"
          })
          const ours = (state: Neighbor.Filter["state"]) =>
            Neighbor.list({ dev: "d0", family: "inet", ...(state === undefined ? {} : { state }) }).pipe(
              Effect.map((xs) => xs.map((n) => n.address).sort())
            )
          const theirs = (...nud: Array<string>) =>
            ipJson<Array<{ dst: string }>>(
              ns,
              "-4",
              "neigh",
              "show",
              "dev",
              "d0",
              ...nud.flatMap((s) => ["nud", s])
            )
              .map((n) => n.dst)
              .sort()
          expect(yield* ours("noarp")).toEqual(theirs("noarp"))
          expect(yield* ours("noarp")).toEqual(["10.1.2.20"])
          expect(yield* ours("permanent")).toEqual(theirs("permanent"))
          expect(yield* ours(["noarp", "permanent"])).toEqual(theirs("noarp", "permanent"))
          // without a filter the library lists every state (ip hides noarp: the CLI does as ip)
          expect(yield* ours(undefined)).toEqual(theirs("all"))
          const [noarp] = yield* Neighbor.list({ dev: "d0", state: "noarp" })
          expect(noarp).toMatchObject({ state: "noarp", status: { state: "noarp" } })
        })
      )
  )

  it.live("a device named by an alternative name (IFLA_ALT_IFNAME) is found", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "link", "property", "add", "dev", "d0", "altname", "uplink0")
        yield* Neighbor.add({ dev: "uplink0", address: "10.1.2.30", lladdr: "02:00:00:00:00:30" })
        yield* Address.add({ dev: "uplink0", address: "10.1.2.1/24" })
        // listed objects name the device by its name (IPv4 only: the kernel adds
        // IPv6 multicast entries such as ff02::16 on its own schedule)
        expect(
          (yield* Neighbor.list({ dev: "uplink0", family: "inet" })).map((n) => [n.dev, n.address])
        ).toEqual([["d0", "10.1.2.30"]])
        expect((yield* Address.list({ dev: "uplink0", family: "inet" })).map((a) => a.address)).toEqual([
          "10.1.2.1/24"
        ])
        yield* Neighbor.remove({ dev: "uplink0", address: "10.1.2.30" })
        expect(yield* Neighbor.list({ dev: "d0", family: "inet" })).toEqual([])
      })
    )
  )
})
