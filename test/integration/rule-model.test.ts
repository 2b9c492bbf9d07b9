/**
 * The rule model against the kernel: arbitrary valid rules, added in a fresh
 * namespace, list back equal; a listed rule removes exactly itself (the
 * namespace is as before) and recreates itself.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Rule from "../../src/api/Rule.ts"
import { describeRoot, freshNamespace } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A
const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined, freq: 2 })

/** A prefix with its host bits cleared, as `ip rule` users write them. */
const prefix = (bits: 32 | 128) =>
  fc
    .tuple(fc.uint8Array({ minLength: bits / 8, maxLength: bits / 8 }), fc.integer({ min: 1, max: bits }))
    .map(([b, len]) => {
      for (let i = len; i < bits; i++) b[i >> 3] &= ~(0x80 >> (i & 7))
      if (bits === 32) return `${b.join(".")}/${len}`
      const words = Array.from({ length: 8 }, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16))
      return `${words.join(":")}/${len}`
    })
const name = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/)
const ports = fc.oneof(
  fc.integer({ min: 1, max: 65534 }),
  fc
    .tuple(fc.integer({ min: 1, max: 65534 }), fc.integer({ min: 1, max: 65534 }))
    .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }))
)

const rule: fc.Arbitrary<Rule.Options> = fc
  .record({
    v6: fc.boolean(),
    from4: opt(prefix(32)),
    to4: opt(prefix(32)),
    from6: opt(prefix(128)),
    to6: opt(prefix(128)),
    priority: fc.integer({ min: 1, max: 30000 }),
    what: fc.oneof(
      fc.record({
        action: opt(fc.constant("lookup" as const)),
        table: opt(
          fc.oneof(fc.constantFrom("main", "local", "default"), fc.integer({ min: 1, max: 2 ** 31 }))
        )
      }),
      fc.constantFrom(
        { action: "prohibit" as const },
        { action: "blackhole" as const },
        { action: "unreachable" as const },
        { action: "nop" as const }
      ),
      fc.constant({ l3mdev: true }),
      fc.integer({ min: 1, max: 2000 }).map((d) => ({ goto: d })),
      fc.constant({ suppressPrefixLength: 0, table: "main" }),
      fc.integer({ min: 0, max: 100 }).map((g) => ({ suppressIfgroup: g, table: "main" }))
    ),
    iif: opt(name),
    oif: opt(name),
    mark: opt(
      fc.tuple(fc.integer({ min: 1, max: 2 ** 32 - 1 }), opt(fc.integer({ min: 1, max: 2 ** 32 - 2 })))
    ),
    dsfield: opt(
      fc.oneof(
        fc.constantFrom(0x04, 0x08, 0x10).map((tos) => ({ tos })),
        fc.integer({ min: 0, max: 63 }).map((dscp) => ({ dscp })),
        fc
          .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 63 }))
          .map(([d, m]) => ({ dscp: d & m, dscpMask: m }))
      )
    ),
    flowlabel: opt(
      fc
        .tuple(fc.integer({ min: 0, max: 0xfffff }), opt(fc.integer({ min: 1, max: 0xfffff })))
        .map(([l, m]) => (m === undefined ? { flowlabel: l } : { flowlabel: l & m, flowlabelMask: m }))
    ),
    realms: opt(fc.integer({ min: 1, max: 2 ** 32 - 1 })),
    tunId: opt(fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })),
    uidRange: opt(
      fc
        .tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }))
        .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }))
    ),
    ipProto: opt(fc.oneof(fc.constantFrom("tcp", "udp", "icmp", "sctp"), fc.integer({ min: 1, max: 255 }))),
    sportRange: opt(ports),
    dportRange: opt(ports),
    invert: opt(fc.constant(true)),
    protocol: opt(fc.oneof(fc.constantFrom("static", "boot", "kernel"), fc.integer({ min: 1, max: 255 })))
  })
  .map(
    ({ v6, from4, to4, from6, to6, mark, what, priority, dsfield, flowlabel, realms, ...rest }) =>
      strip({
        ...dsfield,
        // flow labels exist in IPv6 rules only
        ...(v6 ? flowlabel : {}),
        // realms exist in IPv4 rules only
        ...(v6 ? {} : { realms }),
        family: v6 ? ("inet6" as const) : ("inet" as const),
        priority,
        from: v6 ? from6 : from4,
        to: v6 ? to6 : to4,
        fwmark: mark?.[0],
        fwmask: mark?.[1],
        ...rest,
        // goto jumps forward only
        ...("goto" in what ? { goto: priority + what.goto } : what)
      }) as Rule.Options
  )

const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))
const settled = (xs: ReadonlyArray<Rule.Rule>) => xs.map((r) => Rule.canonical(r))

const roundTrip = (input: Rule.Options) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("rm")
      return yield* Effect.gen(function* () {
        const before = yield* Rule.list()
        yield* Rule.add(input)
        const added = (yield* Rule.list()).filter((r) => !before.some((b) => Rule.key(b) === Rule.key(r)))
        expect(added, show(input)).toHaveLength(1)
        const [listed] = added
        expect(Rule.canonical(listed), show(input)).toEqual(Rule.canonical(input))
        expect(Rule.equals(listed, input)).toBe(true)
        // its JSON, decoded with the Schema, is a valid input equal to it
        // (tunId is a bigint, which JSON has no type for: compared apart)
        const { tunId, ...plain } = listed
        const json = Schema.decodeUnknownSync(Rule.schema)(JSON.parse(JSON.stringify(plain)))
        expect(Rule.equals({ ...json, tunId }, listed)).toBe(true)
        expect(Rule.key(listed)).toBe(Rule.key(input))
        yield* Rule.remove(listed)
        expect(settled(yield* Rule.list())).toEqual(settled(before))
        yield* Rule.add(listed)
        const again = (yield* Rule.list()).filter((r) => Rule.key(r) === Rule.key(listed))
        expect(again).toHaveLength(1)
        expect(Rule.equals(again[0], listed)).toBe(true)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

describeRoot("Rule model", () => {
  it(
    "arbitrary rules: add → list equals; remove(listed) restores; add(listed) recreates",
    async () => {
      await fc.assert(
        fc.asyncProperty(rule, (r) => Effect.runPromise(roundTrip(r))),
        { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 40) }
      )
    },
    testTimeout(120_000)
  )

  it("canonical: defaults filled, equivalent inputs equal", () => {
    expect(Rule.canonical({ from: "10.0.0.0/8", priority: 100 })).toEqual({
      family: "inet",
      priority: 100,
      action: "lookup",
      table: "main",
      from: "10.0.0.0/8"
    })
    expect(
      Rule.equals(
        { to: "2001:DB8::/32", table: 254, priority: 5 },
        { family: "inet6", to: "2001:db8::/32", action: "lookup", table: "main", priority: 5 }
      )
    ).toBe(true)
    expect(
      Rule.equals({ dportRange: 80, priority: 5 }, { dportRange: { start: 80, end: 80 }, priority: 5 })
    ).toBe(true)
    expect(Rule.equals({ ipProto: 6, priority: 5 }, { ipProto: "tcp", priority: 5 })).toBe(true)
    expect(Rule.equals({ goto: 9, priority: 5 }, { action: "goto", goto: 9, priority: 5 })).toBe(true)
    expect(
      Rule.equals({ action: "prohibit", priority: 5 }, { action: "prohibit", table: "main", priority: 5 })
    ).toBe(true)
    expect(Rule.equals({ priority: 5 }, { priority: 6 })).toBe(false)
    expect(Rule.equals({ priority: 5, protocol: "static" }, { priority: 5 })).toBe(false)
    expect(Rule.key({ priority: 5, protocol: "static" })).toBe(Rule.key({ priority: 5 }))
    expect(Rule.model.name).toBe("rule")
  })
})
