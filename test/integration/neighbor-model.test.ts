/**
 * The neighbour model against the kernel: arbitrary valid entries (cache and
 * proxy), added in a fresh namespace, list back equal; a listed entry removes
 * exactly itself (the namespace is as before) and recreates itself.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import * as Neighbor from "../../src/api/Neighbor.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { carrierSettled, describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A
const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })
const octet = fc.integer({ min: 0, max: 255 })

const v4 = fc.tuple(octet, octet, fc.integer({ min: 1, max: 254 })).map(([b, c, d]) => `10.${b}.${c}.${d}`)
const v6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 6, maxLength: 6 })
  .map((w) => `2001:db8:${w.map((x) => x.toString(16)).join(":")}`)
// a unicast, locally administered MAC (upper and lower case: the model compares them as one)
const mac = fc.array(octet, { minLength: 5, maxLength: 5 }).chain((b) =>
  fc.boolean().map((upper) => {
    const s = ["02", ...b.map((x) => x.toString(16).padStart(2, "0"))].join(":")
    return upper ? s.toUpperCase() : s
  })
)
const protocol = opt(fc.oneof(fc.constantFrom("static", "boot", "zebra"), fc.integer({ min: 1, max: 255 })))

const cache = fc
  .record({
    v6: fc.boolean(),
    a4: v4,
    a6: v6,
    lladdr: mac,
    // dynamic states that hold a link-layer address, and the configured ones
    state: opt(
      fc.constantFrom("permanent" as const, "noarp" as const, "stale" as const, "reachable" as const)
    ),
    router: fc.boolean(),
    externLearn: fc.boolean(),
    protocol
  })
  .map(({ v6: six, a4, a6, router, externLearn, ...rest }) => {
    const flags = [
      ...(six && router ? (["router"] as const) : []),
      ...(externLearn ? (["externLearn"] as const) : [])
    ]
    return strip({ dev: "d0", address: six ? a6 : a4, ...rest, flags: flags.length > 0 ? flags : undefined })
  })
const proxy = fc
  .record({ v6: fc.boolean(), a4: v4, a6: v6, protocol })
  .map(({ v6: six, a4, a6, protocol }) => strip({ dev: "d0", address: six ? a6 : a4, proxy: true, protocol }))

// entries the kernel keeps resolved by itself
const managed = fc
  .record({ v6: fc.boolean(), a4: v4, a6: v6, protocol })
  .map(({ v6: six, a4, a6, protocol }) =>
    strip({ dev: "d0", address: six ? a6 : a4, flags: ["managed" as const], protocol })
  )

// IPv6 multicast listener reports make NOARP entries appear by themselves: leave them out.
const settled = (xs: ReadonlyArray<Neighbor.Neighbor>) =>
  xs.filter((n) => !/^ff/i.test(n.address)).map((n) => Neighbor.canonical(n))

const listAll = Effect.map(
  Effect.all([Neighbor.list({ dev: "d0" }), Neighbor.listProxy({ dev: "d0" })]),
  ([a, b]) => [...a, ...b]
)

const roundTrip = (input: Neighbor.Options) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("nm")
      ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
      ip(ns, "link", "set", "d0", "up")
      yield* carrierSettled(ns, "d0")
      return yield* Effect.gen(function* () {
        const before = yield* listAll
        yield* Neighbor.add(input)
        const added = (yield* listAll).filter((n) => Neighbor.key(n) === Neighbor.key(input))
        expect(added, JSON.stringify(input)).toHaveLength(1)
        const [listed] = added
        expect(Neighbor.canonical(listed), JSON.stringify(input)).toEqual(Neighbor.canonical(input))
        expect(Neighbor.equals(listed, input)).toBe(true)
        // its JSON, decoded with the Schema, is a valid input equal to it
        const json = Schema.decodeUnknownSync(Neighbor.schema)(JSON.parse(JSON.stringify(listed)))
        expect(Neighbor.equals(json, listed)).toBe(true)
        yield* Neighbor.remove(listed)
        expect(settled(yield* listAll)).toEqual(settled(before))
        yield* Neighbor.add(listed)
        const again = (yield* listAll).filter((n) => Neighbor.key(n) === Neighbor.key(listed))
        expect(again).toHaveLength(1)
        expect(Neighbor.equals(again[0], listed), JSON.stringify([again[0], listed])).toBe(true)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

describeRoot("Neighbor model", () => {
  it(
    "arbitrary entries: add → list equals; remove(listed) restores; add(listed) recreates",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 4, arbitrary: cache },
            { weight: 1, arbitrary: proxy },
            { weight: 1, arbitrary: managed }
          ),
          (n) => Effect.runPromise(roundTrip(n as Neighbor.Options))
        ),
        { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 40) }
      )
    },
    testTimeout(120_000)
  )

  it("canonical: defaults filled, dynamic states as one, status ignored", () => {
    expect(Neighbor.canonical({ dev: "d0", address: "10.0.0.2", lladdr: "02:AB:00:00:00:01" })).toEqual({
      dev: "d0",
      address: "10.0.0.2",
      lladdr: "02:ab:00:00:00:01",
      state: "permanent"
    })
    expect(
      Neighbor.equals(
        { dev: "d0", address: "10.0.0.2", state: "reachable" },
        { dev: "d0", address: "10.0.0.2", state: "stale" }
      )
    ).toBe(true)
    expect(
      Neighbor.equals({ dev: "d0", address: "10.0.0.2", state: "noarp" }, { dev: "d0", address: "10.0.0.2" })
    ).toBe(false)
    expect(
      Neighbor.equals(
        { dev: "d0", address: "fe80::1", router: true, use: true },
        { dev: "d0", address: "fe80::1", flags: ["router"] }
      )
    ).toBe(true)
    expect(
      Neighbor.equals({ dev: "d0", address: "10.0.0.9", proxy: true }, { dev: "d0", address: "10.0.0.9" })
    ).toBe(false)
    expect(Neighbor.key({ dev: "d0", address: "10.0.0.9", proxy: true })).toBe("d0|10.0.0.9|proxy")
    expect(Neighbor.key({ dev: "d0", address: "2001:DB8::1" })).toBe("d0|2001:db8::1|")
    expect(Neighbor.model.name).toBe("neighbor")
  })
})
