/**
 * The `ip addr` options of issue 20 against the kernel: every user flag on
 * add and in the model, metric on IPv4 (the prefix route's metric), proto,
 * and the flush filters (scope, label pattern, dynamic/permanent, protocol).
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Address from "../../src/api/Address.ts"
import { describeRoot, inNamespace, ip, ipJson } from "../helpers/netns.ts"

const setup = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

/** `ip -j addr show dev DEV`'s entry for a local address. */
const shown = (ns: string, dev: string, local: string) =>
  ipJson<Array<{ addr_info: Array<Record<string, unknown>> }>>(
    ns,
    "addr",
    "show",
    "dev",
    dev
  )[0]?.addr_info.find((a) => a.local === local)

const cases: ReadonlyArray<{ readonly options: Address.Options; readonly ip: Record<string, unknown> }> = [
  { options: { dev: "d0", address: "2001:db8::1/64", flags: ["nodad"] }, ip: { nodad: true } },
  { options: { dev: "d0", address: "2001:db8::2/64", flags: ["nodad", "homeaddress"] }, ip: { home: true } },
  {
    options: { dev: "d0", address: "2001:db8::3/64", flags: ["nodad", "mngtmpaddr"] },
    ip: { mngtmpaddr: true }
  },
  {
    options: { dev: "d0", address: "2001:db8::4/64", flags: ["nodad", "noprefixroute"] },
    ip: { noprefixroute: true }
  },
  { options: { dev: "d0", address: "10.1.2.3/24", flags: ["noprefixroute"] }, ip: { noprefixroute: true } },
  { options: { dev: "d0", address: "239.1.1.1/32", flags: ["autojoin"] }, ip: { autojoin: true } },
  { options: { dev: "d0", address: "ff0e::99/128", flags: ["autojoin", "nodad"] }, ip: { autojoin: true } },
  { options: { dev: "d0", address: "10.1.2.4/24", metric: 300 }, ip: { metric: 300 } },
  { options: { dev: "d0", address: "10.1.2.5/24", proto: 99 }, ip: {} },
  { options: { dev: "d0", address: "2001:db8::5/64", proto: "kernelRa", flags: ["nodad"] }, ip: {} }
]

describeRoot("Address options", () => {
  for (const { options, ip: ipShows } of cases) {
    it.live(`${JSON.stringify(options)}: written, read back equal, shown by ip`, () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          setup(ns)
          const family = options.address.includes(":") ? "inet6" : "inet"
          const before = (yield* Address.list({ dev: "d0", family })).map(Address.key)
          yield* Address.add(options)
          const added = (yield* Address.list({ dev: "d0", family })).filter(
            (a) => !before.includes(Address.key(a))
          )
          expect(added).toHaveLength(1)
          const [listed] = added
          expect(Address.canonical(listed!)).toEqual(Address.canonical(options))
          expect(Address.equals(listed!, options)).toBe(true)
          expect(shown(ns, "d0", options.address.split("/")[0]!)).toMatchObject(ipShows)
          yield* Address.remove(listed!)
          expect((yield* Address.list({ dev: "d0", family })).map(Address.key)).toEqual(before)
          yield* Address.add(listed!)
          const again = (yield* Address.list({ dev: "d0", family })).filter(
            (a) => Address.key(a) === Address.key(listed!)
          )
          expect(Address.equals(again[0]!, listed!)).toBe(true)
        })
      )
    )
  }

  it.live("optimistic: accepted on IPv6 with DAD running, kept until DAD ends", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Address.add({ dev: "d0", address: "2001:db8::7/64", flags: ["optimistic"] })
        // the request carried IFA_F_OPTIMISTIC; the kernel reports it while DAD runs (or has cleared it since)
        const [a] = yield* Address.list({ dev: "d0", address: "2001:db8::7" })
        expect(a?.address).toBe("2001:db8::7/64")
        expect([["optimistic"], undefined]).toContainEqual(a?.flags)
      })
    )
  )

  it.live("metric on IPv4 is the metric of the prefix route the kernel adds", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Address.add({ dev: "d0", address: "10.9.0.1/16", metric: 300 })
        const routes = ipJson<Array<Record<string, unknown>>>(ns, "route", "show", "10.9.0.0/16")
        expect(routes).toMatchObject([{ dst: "10.9.0.0/16", dev: "d0", metric: 300 }])
        expect((yield* Address.list({ dev: "d0", address: "10.9.0.1" }))[0]?.metric).toBe(300)
      })
    )
  )

  it.live("flush filters: dynamic/permanent, protocol, label pattern, scope", () => flushCase)
})

const flushCase = inNamespace((ns) =>
  Effect.gen(function* () {
    setup(ns)
    const v4 = (a: string) => ({ dev: "d0", address: a })
    yield* Address.add({ ...v4("10.1.0.1/24"), label: "d0:a" })
    yield* Address.add({ ...v4("10.1.0.2/24"), label: "d0:b", proto: 99 })
    yield* Address.add({ ...v4("10.1.0.3/24"), validLifetime: 500, preferredLifetime: 400 })
    yield* Address.add({ ...v4("10.2.0.4/24"), scope: "link", proto: 99 })
    yield* Address.add({ ...v4("10.3.0.5/24"), label: "x:c" })
    const now = () =>
      Address.list({ dev: "d0", family: "inet" }).pipe(Effect.map((xs) => xs.map((a) => a.address).sort()))
    // lists take the same filters
    expect((yield* Address.list({ dev: "d0", permanent: false })).map((a) => a.address)).toEqual([
      "10.1.0.3/24"
    ])
    expect((yield* Address.list({ dev: "d0", proto: 99 })).map((a) => a.address).sort()).toEqual([
      "10.1.0.2/24",
      "10.2.0.4/24"
    ])
    // ip addr flush dev d0 dynamic
    expect(yield* Address.flush({ dev: "d0", permanent: false })).toBe(1)
    expect(yield* now()).toEqual(["10.1.0.1/24", "10.1.0.2/24", "10.2.0.4/24", "10.3.0.5/24"])
    // ip addr flush dev d0 scope link proto 99
    expect(yield* Address.flush({ dev: "d0", scope: "link", proto: 99 })).toBe(1)
    // ip addr flush label 'd0:*' proto 99
    expect(yield* Address.flush({ label: "d0:*", proto: 99 })).toBe(1)
    expect(yield* now()).toEqual(["10.1.0.1/24", "10.3.0.5/24"])
    // ip addr flush dev d0 permanent label 'd0:?'
    expect(yield* Address.flush({ dev: "d0", permanent: true, label: "d0:?" })).toBe(1)
    expect(yield* now()).toEqual(["10.3.0.5/24"])
    const e = yield* Effect.flip(Address.flush({ proto: "nonsense" as any }))
    expect(e.reason).toMatchObject({ _tag: "Validation", path: "proto" })
  })
)
