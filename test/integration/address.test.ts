/**
 * Address against the kernel, in a fresh namespace per test, with
 * `ip -j addr show` as the oracle.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Address from "../../src/api/Address.ts"
import { describeRoot, inNamespace, ip, ipJson, noLinkLocal } from "../helpers/netns.ts"

interface IpAddr {
  readonly family: "inet" | "inet6"
  readonly local: string
  readonly address?: string
  readonly prefixlen: number
  readonly broadcast?: string
  readonly scope: string
  readonly label?: string
  readonly metric?: number
  readonly valid_life_time: number
  readonly preferred_life_time: number
  readonly nodad?: boolean
  readonly noprefixroute?: boolean
  readonly mngtmpaddr?: boolean
  readonly home?: boolean
  readonly secondary?: boolean
}
interface IpLink {
  readonly ifindex: number
  readonly ifname: string
  readonly addr_info: ReadonlyArray<IpAddr>
}

/** Two veth pairs, up. */
const setup = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
  for (const d of ["d0", "d1", "d2", "d3"]) ip(ns, "link", "set", d, "up")
}

const ifindex = (ns: string, dev: string): number =>
  ipJson<Array<{ ifindex: number }>>(ns, "link", "show", dev)[0].ifindex

/** `ip -j addr show ARGS`, flattened to (ifname, address) pairs. */
const ipAddrs = (ns: string, ...args: Array<string>): Array<IpAddr & { readonly dev: string }> => {
  const family = args.filter((a) => a === "-4" || a === "-6")
  const rest = args.filter((a) => a !== "-4" && a !== "-6")
  return ipJson<Array<IpLink>>(ns, ...family, "addr", "show", ...rest).flatMap((l) =>
    // ip -j prints an empty object for each address a filter left out
    l.addr_info.filter((a) => a.local !== undefined).map((a) => ({ ...a, dev: l.ifname ?? "?" }))
  )
}
const find = (ns: string, dev: string, local: string) =>
  ipAddrs(ns, "dev", dev).find((a) => a.local === local)

/** A set of "dev local/len" strings, comparable between ip and us. */
const theirs = (entries: ReadonlyArray<IpAddr & { readonly dev: string }>) =>
  entries.map((a) => `${a.dev} ${a.local}/${a.prefixlen}`).sort()
const ours = (_ns: string, entries: ReadonlyArray<Address.Address>) =>
  entries.map((a) => `${a.dev} ${a.address}`).sort()

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect) as Effect.Effect<any, A, R>

describeRoot("Address", () => {
  it.live("IPv4: add with label, broadcast +, lifetimes, metric and proto; list finds it", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Address.add({ dev: "d0", address: "10.1.2.3/24", broadcast: "+", label: "d0:web", metric: 77 })
        expect(find(ns, "d0", "10.1.2.3")).toMatchObject({
          family: "inet",
          prefixlen: 24,
          broadcast: "10.1.2.255",
          label: "d0:web",
          metric: 77,
          scope: "global",
          valid_life_time: 0xffffffff
        })
        yield* Address.add({
          dev: ifindex(ns, "d0"),
          address: "10.1.2.4/24",
          validLifetime: 10_000,
          preferredLifetime: 9950,
          proto: "kernelLo"
        })
        const shown = find(ns, "d0", "10.1.2.4")!
        expect(shown).toMatchObject({ prefixlen: 24, secondary: true })
        // remaining lifetimes: they count down from the add (minutes may pass in a loaded VM)
        expect(shown.valid_life_time).toBeGreaterThan(9000)
        expect(shown.valid_life_time).toBeLessThanOrEqual(10_000)
        expect(shown.valid_life_time - shown.preferred_life_time).toBe(50)
        // labels are free text for the kernel and iproute2 ≥ 5.18
        yield* Address.add({ dev: "d2", address: "10.1.3.3/24", label: "uplink" })
        expect(find(ns, "d2", "10.1.3.3")?.label).toBe("uplink")

        const listed = yield* Address.list({ dev: "d0", family: "inet" })
        expect(listed.map((a) => a.address)).toEqual(["10.1.2.3/24", "10.1.2.4/24"])
        expect(listed[0]).toEqual({
          dev: "d0",
          address: "10.1.2.3/24",
          broadcast: "10.1.2.255",
          label: "d0:web",
          scope: "global",
          metric: 77,
          status: {
            family: "inet",
            index: ifindex(ns, "d0"),
            flags: ["permanent"],
            cacheinfo: expect.anything()
          }
        })
        expect(listed[1]).toMatchObject({ proto: "kernelLo", status: { flags: ["secondary"] } })
        expect(listed[1].validLifetime).toBeGreaterThan(9000)
        expect(listed[1].validLifetime).toBeLessThanOrEqual(10_000)
        expect((listed[1].validLifetime as number) - (listed[1].preferredLifetime as number)).toBe(50)
        expect(listed[1].status?.cacheinfo).toMatchObject({
          valid: listed[1].validLifetime,
          prefered: listed[1].preferredLifetime
        })
        expect(listed[1].label).toBeUndefined() // the device's name, the kernel's default
        const [raw] = yield* Address.listRaw({ dev: "d0", address: "10.1.2.4" })
        expect(raw).toMatchObject({ family: 2, prefixlen: 24, label: "d0", proto: Address.IfaProto.kernelLo })
        // the kernel added the prefix route with the address's metric
        const routes = ipJson<Array<{ dst: string; metric?: number }>>(ns, "route", "show", "dev", "d0")
        expect(routes.find((r) => r.dst === "10.1.2.0/24" && r.metric === 77)).toBeDefined()
      })
    )
  )

  it.live("IPv6: nodad, noprefixroute, mngtmpaddr, lifetimes", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Address.add({
          dev: "d0",
          address: "2001:db8::1/64",
          flags: { nodad: true, noprefixroute: true, mngtmpaddr: true },
          validLifetime: 3600,
          preferredLifetime: 1800
        })
        expect(find(ns, "d0", "2001:db8::1")).toMatchObject({
          family: "inet6",
          prefixlen: 64,
          nodad: true,
          noprefixroute: true,
          mngtmpaddr: true
        })
        // lifetimes count down from the moment of the add (seconds pass in a slow VM)
        const shown = find(ns, "d0", "2001:db8::1") as any
        expect(shown.valid_life_time).toBeGreaterThan(3500)
        expect(shown.valid_life_time).toBeLessThanOrEqual(3600)
        expect(shown.preferred_life_time).toBeGreaterThan(1700)
        expect(shown.preferred_life_time).toBeLessThanOrEqual(1800)
        // noprefixroute: no 2001:db8::/64 route
        const routes = ipJson<Array<{ dst: string }>>(ns, "-6", "route", "show", "dev", "d0")
        expect(routes.map((r) => r.dst)).not.toContain("2001:db8::/64")
        yield* Address.add({ dev: "d0", address: "2001:db8:1::1", flags: { nodad: true } })
        expect(find(ns, "d0", "2001:db8:1::1")).toMatchObject({ prefixlen: 128, nodad: true })

        const v6 = yield* Address.list({ dev: "d0", family: "inet6", scope: "global" })
        expect(v6.map((a) => a.address).sort()).toEqual(["2001:db8:1::1/128", "2001:db8::1/64"])
        const first = v6.find((a) => a.address === "2001:db8::1/64")!
        expect(first.flags).toEqual(["nodad", "mngtmpaddr", "noprefixroute"])
        expect(first.scope).toBe("global")
        // remaining lifetimes, read some time after the add
        expect(first.validLifetime).toBeGreaterThan(3500)
        expect(first.validLifetime).toBeLessThanOrEqual(3600)
        expect(first.preferredLifetime).toBeGreaterThan(1700)
        expect(first.preferredLifetime).toBeLessThanOrEqual(1800)
        expect(first.status?.cacheinfo?.valid).toBe(first.validLifetime)
        expect(first.status?.cacheinfo?.prefered).toBe(first.preferredLifetime)
        // the flags' list form sets the same
        yield* Address.add({ dev: "d0", address: "2001:db8:2::1/64", flags: ["nodad", "noprefixroute"] })
        expect(find(ns, "d0", "2001:db8:2::1")).toMatchObject({ nodad: true, noprefixroute: true })
      })
    )
  )

  it.live("point-to-point peer address", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Address.add({ dev: "d0", address: "10.1.2.3", peer: "10.9.9.9/32" })
        expect(find(ns, "d0", "10.1.2.3")).toMatchObject({ address: "10.9.9.9", prefixlen: 32 })
        const [a] = yield* Address.list({ dev: "d0", family: "inet" })
        expect(a).toMatchObject({ dev: "d0", address: "10.1.2.3/32", peer: "10.9.9.9/32" })
        expect(Address.equals(a, { dev: "d0", address: "10.1.2.3", peer: "10.9.9.9/32" })).toBe(true)
        yield* Address.remove({ dev: "d0", address: "10.1.2.3", peer: "10.9.9.9/32" })
        expect(find(ns, "d0", "10.1.2.3")).toBeUndefined()
        // a listed point-to-point address recreates and removes itself
        yield* Address.add(a)
        expect(find(ns, "d0", "10.1.2.3")).toMatchObject({ address: "10.9.9.9", prefixlen: 32 })
        yield* Address.remove(a)
        expect(find(ns, "d0", "10.1.2.3")).toBeUndefined()
      })
    )
  )

  it.live("replace updates lifetimes and metric in place, and creates when absent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Address.replace({ dev: "d0", address: "10.1.2.3/24" })
        expect(find(ns, "d0", "10.1.2.3")).toMatchObject({ valid_life_time: 0xffffffff })
        yield* Address.replace({
          dev: "d0",
          address: "10.1.2.3/24",
          validLifetime: 10_000,
          preferredLifetime: 5000,
          metric: 5
        })
        // the lifetimes count down from the replace: a second may pass before ip reads them
        const replaced = find(ns, "d0", "10.1.2.3")!
        expect(replaced).toMatchObject({ metric: 5 })
        expect(replaced.valid_life_time).toBeGreaterThan(9000)
        expect(replaced.valid_life_time).toBeLessThanOrEqual(10_000)
        expect(replaced.valid_life_time - replaced.preferred_life_time).toBe(5000)
        expect(ipAddrs(ns, "dev", "d0", "-4")).toHaveLength(1)
        yield* Address.replace({ dev: "d0", address: "10.1.2.3/24", validLifetime: "forever" })
        expect(find(ns, "d0", "10.1.2.3")).toMatchObject({
          valid_life_time: 0xffffffff,
          preferred_life_time: 0xffffffff
        })
      })
    )
  )

  it.live("remove (and del) delete exactly one address", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
        ip(ns, "addr", "add", "10.1.2.4/24", "dev", "d0")
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
        yield* Address.remove({ dev: "d0", address: "10.1.2.4/24" })
        expect(theirs(ipAddrs(ns, "dev", "d0", "scope", "global"))).toEqual([
          "d0 10.1.2.3/24",
          "d0 2001:db8::1/64"
        ])
        yield* Address.del({ dev: "d0", address: "2001:db8::1/64" })
        expect(theirs(ipAddrs(ns, "dev", "d0", "scope", "global"))).toEqual(["d0 10.1.2.3/24"])
        // ip's wildcard deletion: no prefix length given for IPv4
        yield* Address.remove({ dev: "d0", address: "10.1.2.3" })
        expect(ipAddrs(ns, "dev", "d0", "scope", "global")).toEqual([])
        const again = yield* failure(Address.remove({ dev: "d0", address: "10.1.2.3/24" }))
        expect(again.reason).toMatchObject({ _tag: "Kernel", code: "EADDRNOTAVAIL" })
      })
    )
  )

  it.live("flush removes every match and reports how many", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
        ip(ns, "addr", "add", "10.1.2.4/24", "dev", "d0") // secondary, removed with the primary
        ip(ns, "addr", "add", "10.1.5.4/24", "dev", "d0", "label", "d0:x")
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
        ip(ns, "addr", "add", "10.1.3.3/24", "dev", "d2")

        expect(yield* Address.flush({ dev: "d0", label: "d0:x" })).toBe(1)
        expect(theirs(ipAddrs(ns, "-4", "dev", "d0"))).toEqual(["d0 10.1.2.3/24", "d0 10.1.2.4/24"])

        expect(yield* Address.flush({ dev: "d0", family: "inet" })).toBe(2)
        expect(ipAddrs(ns, "-4", "dev", "d0")).toEqual([])
        // IPv6 on d0 and IPv4 on d2 untouched
        expect(theirs(ipAddrs(ns, "-6", "dev", "d0", "scope", "global"))).toEqual(["d0 2001:db8::1/64"])
        expect(theirs(ipAddrs(ns, "dev", "d2", "-4"))).toEqual(["d2 10.1.3.3/24"])

        expect(yield* Address.flush({ family: "inet6", scope: "global" })).toBe(1)
        expect(ipAddrs(ns, "-6", "scope", "global")).toEqual([])
        expect(yield* Address.flush({ dev: "d0", family: "inet" })).toBe(0)

        const empty = yield* failure(Address.flush({}))
        expect(empty.reason).toMatchObject({ _tag: "Validation" })
        expect(theirs(ipAddrs(ns, "dev", "d2", "-4"))).toEqual(["d2 10.1.3.3/24"])
      })
    )
  )

  it.live("list filters match ip addr show (dev, family, scope, label, to PREFIX), stream equals list", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
        ip(ns, "addr", "add", "10.1.2.4/24", "dev", "d0", "label", "d0:a")
        ip(ns, "addr", "add", "10.7.0.1/16", "dev", "d0", "label", "d0:b", "scope", "link")
        ip(ns, "addr", "add", "10.1.3.3/24", "dev", "d2")
        ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
        ip(ns, "addr", "add", "2001:db8:2::1/64", "dev", "d2", "nodad")

        expect(ours(ns, yield* Address.list())).toEqual(theirs(ipAddrs(ns)))
        expect(ours(ns, yield* Address.list({ dev: "d0" }))).toEqual(theirs(ipAddrs(ns, "dev", "d0")))
        expect(ours(ns, yield* Address.list({ family: "inet" }))).toEqual(theirs(ipAddrs(ns, "-4")))
        expect(ours(ns, yield* Address.list({ family: "inet6", dev: "d2" }))).toEqual(
          theirs(ipAddrs(ns, "-6", "dev", "d2"))
        )
        expect(ours(ns, yield* Address.list({ scope: "link" }))).toEqual(theirs(ipAddrs(ns, "scope", "link")))
        expect(ours(ns, yield* Address.list({ scope: "host" }))).toEqual(theirs(ipAddrs(ns, "scope", "host")))
        // ip names no device when filtering by label
        const local = (xs: ReadonlyArray<string>) => xs.map((x) => x.split(" ")[1])
        expect(local(ours(ns, yield* Address.list({ label: "d0:*" })))).toEqual(
          local(theirs(ipAddrs(ns, "label", "d0:*")))
        )
        expect(ipAddrs(ns, "label", "d0:*")).toHaveLength(2)
        expect(ours(ns, yield* Address.list({ label: "d0:a" }))).toEqual(["d0 10.1.2.4/24"])
        expect(ours(ns, yield* Address.list({ address: "10.1.0.0/16" }))).toEqual(
          theirs(ipAddrs(ns, "to", "10.1.0.0/16"))
        )
        expect(ours(ns, yield* Address.list({ address: "2001:db8::/32", family: "inet6" }))).toEqual(
          theirs(ipAddrs(ns, "-6", "to", "2001:db8::/32"))
        )
        expect(ours(ns, yield* Address.list({ address: "10.1.3.3" }))).toEqual(["d2 10.1.3.3/24"])

        const streamed = Array.from(yield* Stream.runCollect(Address.stream({ dev: "d0" })))
        expect(ours(ns, streamed)).toEqual(ours(ns, yield* Address.list({ dev: "d0" })))
        expect(streamed.length).toBeGreaterThanOrEqual(4)
      })
    )
  )

  it.live("errors: EEXIST, ENODEV; Validation naming the field with nothing sent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        // the namespace is compared before and after: no link-locals appearing at carrier-on meanwhile
        noLinkLocal(ns)
        setup(ns)
        yield* Address.add({ dev: "d0", address: "10.1.2.3/24" })
        const exists = yield* failure(Address.add({ dev: "d0", address: "10.1.2.3/24" }))
        expect(exists.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        const nodev = yield* failure(Address.add({ dev: "nope0", address: "10.1.2.9/24" }))
        expect(nodev.reason).toMatchObject({ _tag: "Kernel", code: "ENODEV" })

        const settled = () => JSON.stringify(ipAddrs(ns))
        const before = settled()
        const cases: Array<[Address.Options, string]> = [
          [{ dev: "d0", address: "10.0.0.0/33" }, "address"],
          [{ dev: "d0", address: "10.0.0.256/24" }, "address"],
          [{ dev: "d0", address: "2001:db8::1/129" }, "address"],
          [{ dev: "d0", address: "10.0.0.1/24", peer: "2001:db8::9" }, "peer"],
          [{ dev: "d0", address: "10.0.0.1/24", flags: { nodad: true } }, "flags.nodad"],
          [{ dev: "d0", address: "2001:db8::9/64", broadcast: "+" }, "broadcast"],
          [{ dev: "d0", address: "10.0.0.1/24", broadcast: "10.0.0" }, "broadcast"],
          [{ dev: "d0", address: "10.0.0.1/24", label: "a-label-of-16-by" }, "label"],
          [
            { dev: "d0", address: "10.0.0.1/24", validLifetime: 10, preferredLifetime: 20 },
            "preferredLifetime"
          ],
          [{ dev: "d0", address: "10.0.0.1/24", validLifetime: 0 }, "validLifetime"],
          [{ dev: "d0", address: "10.0.0.1/24", flags: { autojoin: true } }, "flags.autojoin"],
          [{ dev: "d0", address: "10.0.0.1/24", scope: "galaxy" as any }, "scope"],
          [{ dev: "d0", address: "10.0.0.1/24", metric: -1 }, "metric"],
          [{ dev: "x".repeat(128), address: "10.0.0.1/24" }, "dev"],
          [{ dev: "d0", address: "10.0.0.1/24", lable: "x" } as any, "lable"]
        ]
        for (const [input, path] of cases) {
          const e = yield* failure(Address.add(input))
          expect(e.reason, `${JSON.stringify(input)}`).toMatchObject({ _tag: "Validation", path })
        }
        const badDel = yield* failure(Address.remove({ dev: "d0", address: "10.1.2.3/40" }))
        expect(badDel.reason).toMatchObject({ _tag: "Validation", path: "address" })
        const badFilter = yield* failure(Address.list({ family: "inet4" as any }))
        expect(badFilter.reason).toMatchObject({ _tag: "Validation", path: "family" })
        expect(settled()).toBe(before)
      })
    )
  )
})
