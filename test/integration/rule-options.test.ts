/**
 * The `ip rule` selectors and actions beyond the first slice, against the
 * kernel: dscp (and its mask), flow labels, port masks, realms, tun_id, the
 * nat action, and flush by protocol. Each option is written, read back equal,
 * and (where iproute2 6.1 knows it) shown by `ip -j rule` as written.
 */
import { release } from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Rule from "../../src/api/Rule.ts"
import { describeRoot, inNamespace, ipJson } from "../helpers/netns.ts"

const [major, minor] = release()
  .split(/[.-]/)
  .map((x) => Number(x))
const atLeast = (v: string): boolean => {
  const [a, b] = v.split(".").map(Number)
  return major! > a! || (major === a && minor! >= b!)
}

/** Each option on its own, with the release that added it (undefined: every supported kernel). */
const cases: ReadonlyArray<{ readonly options: Rule.Options; readonly since?: string }> = [
  { options: { dscp: 10, table: 100, priority: 100 }, since: "6.12" },
  { options: { family: "inet6", dscp: 46, table: 100, priority: 101 }, since: "6.12" },
  { options: { dscp: 8, dscpMask: 0x38, table: 100, priority: 102 }, since: "6.15" },
  { options: { family: "inet6", flowlabel: 0x12345, table: 100, priority: 103 }, since: "6.14" },
  {
    options: { family: "inet6", flowlabel: 0x10, flowlabelMask: 0xf0, table: 100, priority: 104 },
    since: "6.14"
  },
  {
    options: { ipProto: "tcp", sportRange: 0x1f00, sportMask: 0xff00, table: 100, priority: 105 },
    since: "6.15"
  },
  {
    options: { ipProto: "udp", dportRange: 0x30, dportMask: 0xfff0, table: 100, priority: 106 },
    since: "6.15"
  },
  { options: { realms: (3 << 16) | 4, table: 100, priority: 107 } },
  { options: { tunId: 77n, table: 100, priority: 108 } },
  { options: { tunId: 0xfedcba9876543210n, family: "inet6", priority: 109 } },
  { options: { action: "nat", priority: 110 } },
  { options: { tos: 0x10, table: 100, priority: 111 } }
]

const only = (rules: ReadonlyArray<Rule.Rule>, priority: number) =>
  rules.filter((r) => r.priority === priority)

describeRoot("Rule options", () => {
  for (const { options, since } of cases) {
    const supported = since === undefined || atLeast(since)
    it.live(
      `${JSON.stringify(options, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}${since ? ` (Linux ${since})` : ""}`,
      () =>
        inNamespace(() =>
          Effect.gen(function* () {
            const family = Rule.canonical(options).family as "inet" | "inet6"
            const before = yield* Rule.list({ family })
            if (!supported) {
              // An older kernel ignores the attribute: the add fails, naming the release, and leaves nothing behind.
              const e = yield* Effect.flip(Rule.add(options))
              expect(e.reason).toMatchObject({ _tag: "Kernel", code: "EOPNOTSUPP" })
              // it names the first attribute the kernel dropped: dscp (6.12) before its mask (6.15)
              expect(e.message).toMatch(/needs Linux \d+\.\d+/)
              const named = Number(/needs Linux (\d+\.\d+)/.exec(e.message)![1]!.split(".")[1])
              expect(named).toBeLessThanOrEqual(Number(since!.split(".")[1]))
              expect((yield* Rule.list({ family })).map(Rule.canonical)).toEqual(before.map(Rule.canonical))
              return
            }
            yield* Rule.add(options)
            const [listed, ...more] = only(yield* Rule.list({ family }), options.priority!)
            expect(more).toHaveLength(0)
            expect(Rule.canonical(listed!)).toEqual(Rule.canonical(options))
            expect(Rule.equals(listed!, options)).toBe(true)
            // remove(listed) removes exactly it; add(listed) recreates it
            yield* Rule.remove(listed!)
            expect((yield* Rule.list({ family })).map(Rule.canonical)).toEqual(before.map(Rule.canonical))
            yield* Rule.add(listed!)
            const again = only(yield* Rule.list({ family }), options.priority!)
            expect(again).toHaveLength(1)
            expect(Rule.equals(again[0]!, listed!)).toBe(true)
          })
        )
    )
  }

  it.live("realms, tun_id and nat are what `ip rule` shows", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* Rule.add({ realms: (3 << 16) | 4, table: 100, priority: 7 })
        yield* Rule.add({ tunId: 77n, table: 100, priority: 8 })
        yield* Rule.add({ action: "nat", priority: 9 })
        const shown = ipJson<Array<Record<string, unknown>>>(ns, "rule", "show")
        expect(shown.find((r) => r.priority === 7)).toMatchObject({
          flow_from: "3",
          flow_to: "4",
          table: "100"
        })
        expect(shown.find((r) => r.priority === 8)).toMatchObject({ tun_id: 77, table: "100" })
        // ip prints an RTN_NAT rule without an address as "masquerade"; it keeps the main table
        expect(shown.find((r) => r.priority === 9)).toMatchObject({ masquerade: null, table: "main" })
        const listed = yield* Rule.list({ family: "inet" })
        expect(listed.find((r) => r.priority === 9)).toMatchObject({ action: "nat", table: "main" })
        expect(listed.find((r) => r.priority === 8)?.tunId).toBe(77n)
      })
    )
  )

  it.live("flush by protocol removes exactly the rules of that protocol, of both families", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        yield* Rule.add({ from: "10.0.0.0/8", table: 100, priority: 10, protocol: "static" })
        yield* Rule.add({ from: "2001:db8::/32", table: 100, priority: 11, protocol: "static" })
        yield* Rule.add({ from: "10.1.0.0/16", table: 100, priority: 12, protocol: "boot" })
        yield* Rule.add({ from: "10.2.0.0/16", table: 100, priority: 13 })
        const before = yield* Rule.list()
        expect(yield* Rule.flush({ protocol: "static" })).toBe(2)
        const after = yield* Rule.list()
        expect(after.map(Rule.key)).toEqual(before.filter((r) => r.protocol !== "static").map(Rule.key))
        // a family and a table narrow it; the default rules (protocol kernel) stay unless asked for
        expect(yield* Rule.flush({ family: "inet", protocol: "boot" })).toBe(1)
        expect(yield* Rule.flush({ protocol: "unspec" })).toBe(1)
        const left = yield* Rule.list()
        expect(left.map((r) => `${r.family} ${r.priority} ${r.table}`)).toEqual([
          "inet 0 local",
          "inet 32766 main",
          "inet 32767 default",
          "inet6 0 local",
          "inet6 32766 main"
        ])
        // like `ip rule flush`: everything but the priority-0 rules
        expect(yield* Rule.flush({ family: "inet6" })).toBe(1)
        expect((yield* Rule.list({ family: "inet6" })).map((r) => r.priority)).toEqual([0])
      })
    )
  )

  it.live("errors: each cross-field rule is a Validation error naming the field, nothing sent", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const before = yield* Rule.list()
        const bad: ReadonlyArray<[Rule.Options, string]> = [
          [{ dscp: 10, tos: 0x10, priority: 1 }, "dscp"],
          [{ dscpMask: 0x38, priority: 1 }, "dscpMask"],
          [{ dscp: 64, priority: 1 }, "dscp"],
          [{ flowlabel: 5, priority: 1 }, "flowlabel"],
          [{ family: "inet6", flowlabelMask: 0xff, priority: 1 }, "flowlabelMask"],
          [{ family: "inet6", flowlabel: 0x100, flowlabelMask: 0xff, priority: 1 }, "flowlabel"],
          [{ family: "inet6", flowlabel: 0x100000, priority: 1 }, "flowlabel"],
          [{ sportMask: 0xff, priority: 1 }, "sportMask"],
          [{ dportRange: { start: 1, end: 9 }, dportMask: 0xff, priority: 1 }, "dportMask"],
          [{ sportRange: 8080, sportMask: 0xff00, priority: 1 }, "sportRange"],
          [{ dscp: 9, dscpMask: 0x38, priority: 1 }, "dscp"],
          [{ family: "inet6", realms: 5, priority: 1 }, "realms"],
          [{ tunId: -1n, priority: 1 }, "tunId"]
        ]
        for (const [options, path] of bad) {
          const e = yield* Effect.flip(Rule.add(options))
          expect(
            e.reason,
            JSON.stringify(options, (_k, v) => (typeof v === "bigint" ? `${v}` : v))
          ).toMatchObject({
            _tag: "Validation",
            path
          })
        }
        expect((yield* Rule.list()).map(Rule.key)).toEqual(before.map(Rule.key))
      })
    )
  )
})
