/**
 * The address model against the kernel: arbitrary valid addresses, added in a
 * fresh namespace, list back equal; a listed address removes exactly itself
 * (the namespace is as before) and recreates itself.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import * as Address from "../../src/api/Address.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const octet = fc.integer({ min: 0, max: 255 })
const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A
const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })

// Valid for at least 10 minutes: a shorter one could expire (and vanish) while a slow VM runs the case.
const lifetimes = opt(
  fc
    .tuple(fc.integer({ min: 600, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }))
    .map(([valid, p]) => ({ validLifetime: valid, preferredLifetime: Math.min(p, valid) }))
)
const common = {
  metric: opt(fc.integer({ min: 1, max: 100_000 })),
  proto: opt(
    fc.oneof(
      fc.constantFrom("kernelLo" as const, "kernelRa" as const, "kernelLl" as const),
      fc.integer({ min: 4, max: 255 })
    )
  )
}

// IPv4: unicast outside 127/8, 0/8 and the multicast and class E ranges.
const v4 = fc
  .tuple(fc.integer({ min: 1, max: 223 }), octet, octet, fc.integer({ min: 1, max: 254 }))
  .filter(([a]) => a !== 127)
  .map((b) => b.join("."))
const ipv4 = fc.record({
  address: fc.tuple(v4, fc.integer({ min: 8, max: 32 })).map(([a, l]) => `${a}/${l}`),
  peer: opt(fc.tuple(v4, fc.integer({ min: 8, max: 32 })).map(([a, l]) => `${a}/${l}`)),
  broadcast: opt(fc.oneof(fc.constant("+"), v4)),
  label: opt(fc.stringMatching(/^[a-z][a-z0-9:]{0,10}$/)),
  scope: opt(fc.constantFrom("global", "site", "link", "host")),
  flags: opt(fc.constantFrom(["noprefixroute"] as const)),
  lifetimes,
  ...common
})
const v6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 6, maxLength: 6 })
  .map((w) => `2001:db8:${w.map((x) => x.toString(16)).join(":")}`)
const ipv6 = fc.record({
  address: fc.tuple(v6, fc.integer({ min: 8, max: 128 })).map(([a, l]) => `${a}/${l}`),
  flags: opt(fc.subarray(["nodad", "homeaddress", "noprefixroute"] as const, { minLength: 1 })),
  lifetimes,
  ...common
})
const address: fc.Arbitrary<Address.Options> = fc
  .oneof(ipv4, ipv6)
  .map(({ lifetimes, ...rest }) => strip({ dev: "d0", ...rest, ...(lifetimes ?? {}) } as Address.Options))
// mngtmpaddr needs a /64
const withTemp: fc.Arbitrary<Address.Options> = fc
  .tuple(v6, opt(lifetimes))
  .map(([a, l]) =>
    strip({ dev: "d0", address: `${a}/64`, flags: ["nodad", "mngtmpaddr"], ...(l ?? {}) } as Address.Options)
  )

const canon = (xs: ReadonlyArray<Address.Address>) => xs.map((a) => Address.canonical(a))

const finite = (l: Address.Lifetime | undefined) =>
  l === undefined || l === 0xffffffff || l === "forever" ? undefined : l

/**
 * `listed` read back what `written` configured: equal, except that finite
 * lifetimes count down from the write, by whole seconds, so a listed one is
 * at most `elapsedS` below the written one (a second can pass between the
 * write and the read even on the host). An infinite lifetime stays infinite.
 */
const readBack = (listed: Address.Options, written: Address.Options, elapsedS: number) => {
  const what = JSON.stringify({ listed, written, elapsedS })
  for (const k of ["validLifetime", "preferredLifetime"] as const) {
    const [got, want] = [finite(listed[k]), finite(written[k])]
    if (want === undefined || got === undefined) expect([k, got], what).toEqual([k, want])
    else {
      expect(got, `${k} ${what}`).toBeLessThanOrEqual(want)
      expect(got, `${k} ${what}`).toBeGreaterThanOrEqual(Math.max(0, want - elapsedS))
    }
  }
  const same = {
    ...listed,
    validLifetime: written.validLifetime,
    preferredLifetime: written.preferredLifetime
  }
  expect(Address.canonical(same), what).toEqual(Address.canonical(written))
  expect(Address.equals(same, written), what).toBe(true)
}

/** Whole seconds since `t0` (rounded up: the kernel's count ticks on its own clock). */
const secondsSince = (t0: number) => Math.ceil((Date.now() - t0) / 1000) + 1

/** One run: a fresh namespace with a veth pair (down: no IPv6 autoconfiguration). */
const roundTrip = (input: Address.Options) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("am")
      ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
      return yield* Effect.gen(function* () {
        const before = yield* Address.list()
        const t0 = Date.now()
        yield* Address.add(input)
        const after = yield* Address.list()
        const added = after.filter((a) => !before.some((b) => Address.key(b) === Address.key(a)))
        expect(added, JSON.stringify(input)).toHaveLength(1)
        const [listed] = added
        readBack(listed, input, secondsSince(t0))
        // its JSON, decoded with the Schema, is a valid input equal to it
        const json = Schema.decodeUnknownSync(Address.schema)(JSON.parse(JSON.stringify(listed)))
        expect(Address.equals(json, listed)).toBe(true)
        expect(Address.key(listed)).toBe(Address.key(input))
        // a listed address removes exactly itself
        yield* Address.remove(listed)
        expect(canon(yield* Address.list())).toEqual(canon(before))
        // and recreates itself
        const t1 = Date.now()
        yield* Address.add(listed)
        const again = (yield* Address.list()).filter((a) => Address.key(a) === Address.key(listed))
        expect(again).toHaveLength(1)
        readBack(again[0], listed, secondsSince(t1))
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

describeRoot("Address model", () => {
  it(
    "arbitrary addresses: add → list equals; remove(listed) restores; add(listed) recreates",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 5, arbitrary: address }, { weight: 1, arbitrary: withTemp }),
          (a) => Effect.runPromise(roundTrip(a))
        ),
        { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 40) }
      )
    },
    testTimeout(120_000)
  )

  it("canonical: defaults filled, equivalent inputs equal", () => {
    expect(Address.canonical({ dev: "d0", address: "10.0.0.1", broadcast: "+" })).toEqual({
      dev: "d0",
      address: "10.0.0.1/32",
      scope: "global",
      validLifetime: "forever",
      preferredLifetime: "forever"
    })
    expect(
      Address.equals(
        { dev: "d0", address: "10.0.0.1/24", broadcast: "+" },
        { dev: "d0", address: "10.0.0.1/24", broadcast: "10.0.0.255" }
      )
    ).toBe(true)
    expect(
      Address.equals(
        { dev: "d0", address: "127.0.0.2/8" },
        { dev: "d0", address: "127.0.0.2/8", scope: "host" }
      )
    ).toBe(true)
    expect(
      Address.equals(
        { dev: "d0", address: "2001:DB8::1/64", flags: { nodad: true } },
        { dev: "d0", address: "2001:db8::1/64", flags: ["nodad"] }
      )
    ).toBe(true)
    expect(
      Address.equals(
        { dev: "d0", address: "fe80::1/64" },
        { dev: "d0", address: "fe80::1/64", scope: "link" }
      )
    ).toBe(true)
    expect(
      Address.equals(
        { dev: "d0", address: "10.0.0.1/24", label: "d0" },
        { dev: "d0", address: "10.0.0.1/24" }
      )
    ).toBe(true)
    expect(
      Address.equals(
        { dev: "d0", address: "10.0.0.1/24", validLifetime: 0xffffffff },
        { dev: "d0", address: "10.0.0.1/24" }
      )
    ).toBe(true)
    // configuration differs
    expect(Address.equals({ dev: "d0", address: "10.0.0.1/24" }, { dev: "d0", address: "10.0.0.1/25" })).toBe(
      false
    )
    expect(
      Address.equals({ dev: "d0", address: "10.0.0.1/24", metric: 5 }, { dev: "d0", address: "10.0.0.1/24" })
    ).toBe(false)
    expect(
      Address.equals(
        { dev: "d0", address: "10.0.0.1/24", validLifetime: 60 },
        { dev: "d0", address: "10.0.0.1/24" }
      )
    ).toBe(false)
    // status is ignored
    expect(
      Address.equals(
        { dev: "d0", address: "10.0.0.1/24", status: { family: "inet", index: 3, flags: ["permanent"] } },
        { dev: "d0", address: "10.0.0.1/24" }
      )
    ).toBe(true)
    expect(Address.key({ dev: "d0", address: "10.0.0.1", peer: "10.0.0.2/32" })).toBe(
      "d0|10.0.0.1/32|10.0.0.2/32"
    )
    expect(Address.model.name).toBe("address")
  })
})
