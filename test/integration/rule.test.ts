/**
 * Rule against the kernel, in a fresh namespace per test, with
 * `ip -j rule show` / `ip -j -6 rule show` as the oracle.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Rule from "../../src/api/Rule.ts"
import { describeRoot, inNamespace, ip, ipJson } from "../helpers/netns.ts"

type IpRule = Record<string, unknown> & { readonly priority: number }

const ipRules = (ns: string, family: "-4" | "-6" = "-4"): Array<IpRule> =>
  ipJson<Array<IpRule>>(ns, family, "rule", "show")
const ipRule = (ns: string, priority: number, family: "-4" | "-6" = "-4") =>
  ipRules(ns, family).find((r) => r.priority === priority)

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect) as Effect.Effect<any, A, R>

interface Case {
  readonly options: Rule.Options
  /** What `ip -j rule show` prints for it (a subset). */
  readonly ip: Record<string, unknown>
  /** What Rule.list decodes (a subset). */
  readonly ours: Partial<Rule.Rule>
}

/** One rule per selector/action, IPv4; priorities are unique. */
const cases: ReadonlyArray<Case> = [
  {
    options: { from: "10.0.0.0/8", table: 100, priority: 1000 },
    ip: { src: "10.0.0.0", srclen: 8, table: "100" },
    ours: { family: "inet", from: "10.0.0.0/8", table: 100, action: "lookup", priority: 1000 }
  },
  {
    options: { fwmark: 0x10, fwmask: 0xff, table: 101, priority: 1001 },
    ip: { src: "all", fwmark: "0x10", fwmask: "0xff", table: "101" },
    ours: { fwmark: 0x10, fwmask: 0xff, table: 101 }
  },
  {
    options: { fwmark: 7, table: 300, priority: 1002 },
    ip: { fwmark: "0x7", table: "300" },
    // the kernel reports a table above 255 as RT_TABLE_COMPAT in the header, the table in FRA_TABLE
    ours: { fwmark: 7, fwmask: undefined, table: 300 }
  },
  {
    options: { to: "10.8.0.0/16", iif: "d0", oif: "d1", table: 102, priority: 1003 },
    ip: { dst: "10.8.0.0", dstlen: 16, iif: "d0", oif: "d1", table: "102" },
    ours: { to: "10.8.0.0/16", iif: "d0", oif: "d1", table: 102 }
  },
  {
    options: { table: "main", suppressPrefixLength: 0, priority: 1004 },
    ip: { table: "main", suppress_prefixlen: 0 },
    ours: { table: "main", suppressPrefixLength: 0 }
  },
  {
    options: { action: "prohibit", from: "10.9.0.0/16", priority: 1005 },
    ip: { src: "10.9.0.0", srclen: 16, action: "prohibit" },
    ours: { action: "prohibit", table: undefined, from: "10.9.0.0/16" }
  },
  {
    options: { action: "blackhole", priority: 1006 },
    ip: { action: "blackhole" },
    ours: { action: "blackhole" }
  },
  {
    options: { action: "unreachable", priority: 1007 },
    ip: { action: "unreachable" },
    ours: { action: "unreachable" }
  },
  {
    options: { uidRange: { start: 100, end: 200 }, priority: 1008 },
    ip: { uid_start: 100, uid_end: 200, table: "main" },
    ours: { uidRange: { start: 100, end: 200 }, table: "main" }
  },
  {
    options: { ipProto: "tcp", sportRange: { start: 1000, end: 2000 }, dportRange: 80, priority: 1009 },
    ip: { ipproto: "tcp", sport_start: 1000, sport_end: 2000, dport: 80 },
    ours: { ipProto: "tcp", sportRange: { start: 1000, end: 2000 }, dportRange: { start: 80, end: 80 } }
  },
  {
    options: { protocol: "static", invert: true, from: "1.2.3.0/24", tos: 0x10, table: 5, priority: 1010 },
    ip: { not: null, src: "1.2.3.0", srclen: 24, tos: "0x10", table: "5", protocol: "static" },
    ours: { invert: true, tos: 0x10, protocol: "static", table: 5, from: "1.2.3.0/24" }
  },
  { options: { action: "nop", priority: 1012 }, ip: { nop: null }, ours: { action: "nop" } },
  {
    options: { suppressIfgroup: 5, table: 7, priority: 1013 },
    ip: { suppress_ifgroup: "5", table: "7" },
    ours: { suppressIfgroup: 5, table: 7 }
  },
  {
    options: { l3mdev: true, priority: 1014 },
    ip: { l3mdev: null },
    ours: { l3mdev: true, action: "lookup", table: undefined }
  },
  { options: { table: 0x10000, priority: 1015 }, ip: { table: "65536" }, ours: { table: 0x10000 } },
  {
    options: { table: "local", to: "10.20.0.1", priority: 1016 },
    ip: { dst: "10.20.0.1", table: "local" },
    ours: { to: "10.20.0.1/32", table: "local" }
  }
]

describeRoot("Rule", () => {
  it.live("IPv4: add from/table/priority, list with filters, remove by priority", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* Rule.add({ from: "10.0.0.0/8", table: 100, priority: 1000 })
        expect(ipRule(ns, 1000)).toEqual({ priority: 1000, src: "10.0.0.0", srclen: 8, table: "100" })
        const byTable = yield* Rule.list({ table: 100 })
        expect(byTable).toHaveLength(1)
        expect(byTable[0]).toEqual({
          family: "inet",
          priority: 1000,
          action: "lookup",
          from: "10.0.0.0/8",
          table: 100,
          status: { flags: [] }
        })
        expect((yield* Rule.list({ priority: 1000 })).map((r) => r.table)).toEqual([100])
        // the defaults are there too, and family filters apply
        expect((yield* Rule.list({ table: "main" })).map((r) => [r.family, r.priority])).toEqual([
          ["inet", 32766],
          ["inet6", 32766]
        ])
        expect((yield* Rule.list({ table: "main", family: "inet" })).map((r) => r.priority)).toEqual([32766])

        yield* Rule.remove({ priority: 1000 })
        expect(ipRule(ns, 1000)).toBeUndefined()
        expect(yield* Rule.list({ table: 100 })).toEqual([])
      })
    )
  )

  it.live("every selector and action reads back as ip shows it and as list decodes it", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        for (const c of cases) yield* Rule.add(c.options)
        const mine = yield* Rule.list({ family: "inet" })
        const shown = ipRules(ns)
        // the same rules, in the same order
        expect(mine.map((r) => r.priority ?? 0)).toEqual(shown.map((r) => r.priority))
        for (const c of cases) {
          const p = c.options.priority!
          expect(
            shown.find((r) => r.priority === p),
            `ip rule ${p}`
          ).toMatchObject(c.ip)
          expect(
            mine.find((r) => r.priority === p),
            `list ${p}`
          ).toMatchObject(c.ours)
        }
        // each listed rule equals what was added, and the raw messages carry the numbers
        for (const c of cases) {
          const listed = mine.find((r) => r.priority === c.options.priority)!
          expect(Rule.equals(listed, c.options), `equals ${c.options.priority}`).toBe(true)
        }
        const raw = yield* Rule.listRaw({ family: "inet", priority: 1002 })
        expect(raw[0]).toMatchObject({ family: 2, table: 300, tableId: Rule.RtTable.compat, fwmark: 7 })
        // each one can be removed by its full selector
        for (const c of cases) yield* Rule.remove(c.options)
        expect(ipRules(ns).map((r) => r.priority)).toEqual([0, 32766, 32767])
        // and each listed one removes exactly itself, and recreates itself
        for (const c of cases) yield* Rule.add(c.options)
        const listed = (yield* Rule.list({ family: "inet" })).filter(
          (r) => (r.priority ?? 0) >= 1000 && (r.priority ?? 0) < 2000
        )
        expect(listed).toHaveLength(cases.length)
        for (const r of listed) yield* Rule.remove(r)
        expect(ipRules(ns).map((r) => r.priority)).toEqual([0, 32766, 32767])
        for (const r of listed) yield* Rule.add(r)
        expect(ipRules(ns)).toEqual(shown)
      })
    )
  )

  it.live(
    "IPv6: add with inferred family, list both families against ip -4 / ip -6, delete by priority",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          yield* Rule.add({ from: "2001:db8::/32", table: 103, priority: 1005 })
          yield* Rule.add({ family: "inet6", to: "2001:db8:1::/48", action: "unreachable", priority: 1006 })
          yield* Rule.add({ family: "inet6", fwmark: 1, table: 400, priority: 1007 })
          yield* Rule.add({ from: "10.0.0.0/8", table: 100, priority: 1005 })
          expect(ipRule(ns, 1005, "-6")).toEqual({
            priority: 1005,
            src: "2001:db8::",
            srclen: 32,
            table: "103"
          })
          expect(ipRule(ns, 1006, "-6")).toMatchObject({
            dst: "2001:db8:1::",
            dstlen: 48,
            action: "unreachable"
          })
          expect(ipRule(ns, 1007, "-6")).toMatchObject({ fwmark: "0x1", table: "400" })

          const all = yield* Rule.list()
          expect(all.filter((r) => r.family === "inet").map((r) => r.priority ?? 0)).toEqual(
            ipRules(ns).map((r) => r.priority)
          )
          expect(all.filter((r) => r.family === "inet6").map((r) => r.priority ?? 0)).toEqual(
            ipRules(ns, "-6").map((r) => r.priority)
          )
          expect(all.every((r) => r.family === "inet" || r.family === "inet6")).toBe(true)
          const v6 = yield* Rule.list({ family: "inet6" })
          expect(v6.map((r) => r.priority ?? 0)).toEqual(ipRules(ns, "-6").map((r) => r.priority))
          expect(v6.find((r) => r.priority === 1005)).toEqual({
            family: "inet6",
            priority: 1005,
            action: "lookup",
            table: 103,
            from: "2001:db8::/32",
            status: { flags: [] }
          })
          const streamed = yield* Stream.runCollect(Rule.stream({ family: "inet6" }))
          expect(Array.from(streamed)).toEqual(v6)

          yield* Rule.remove({ family: "inet6", priority: 1005 })
          expect(ipRule(ns, 1005, "-6")).toBeUndefined()
          expect(ipRule(ns, 1005)).toBeDefined() // the IPv4 rule with the same priority stays
          yield* Rule.del({ priority: 1005 })
          expect(ipRule(ns, 1005)).toBeUndefined()
        })
      )
  )

  it.live("remove by full match picks the matching rule among equal priorities; goto targets", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* Rule.add({ from: "10.1.0.0/16", table: 10, priority: 500 })
        yield* Rule.add({ from: "10.2.0.0/16", table: 20, priority: 500 })
        yield* Rule.remove({ from: "10.2.0.0/16", priority: 500 })
        expect(ipRules(ns).filter((r) => r.priority === 500)).toEqual([
          { priority: 500, src: "10.1.0.0", srclen: 16, table: "10" }
        ])
        yield* Rule.remove({ table: 10 })
        expect(ipRules(ns).filter((r) => r.priority === 500)).toEqual([])

        yield* Rule.add({ action: "nop", priority: 2000 })
        yield* Rule.add({ goto: 2000, priority: 1011 })
        const mine = (yield* Rule.list({ priority: 1011 }))[0]
        expect(mine).toMatchObject({ action: "goto", goto: 2000, table: undefined })
        expect(ipRule(ns, 1011)).toEqual({ priority: 1011, src: "all", goto: 2000 })
      })
    )
  )

  it.live("errors: EEXIST, ENOENT, kernel extack, and Validation naming the field with nothing sent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* Rule.add({ from: "10.0.0.0/8", table: 100, priority: 1000 })
        const exists = yield* failure(Rule.add({ from: "10.0.0.0/8", table: 100, priority: 1000 }))
        expect(exists.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        const missing = yield* failure(Rule.remove({ priority: 4242 }))
        expect(missing.reason).toMatchObject({ _tag: "Kernel", code: "ENOENT" })
        const backward = yield* failure(Rule.add({ goto: 10, priority: 1011 }))
        expect(backward.reason).toMatchObject({ _tag: "Kernel", code: "EINVAL" })
        expect(backward.reason.extack?.message).toMatch(/goto/i)

        const before = { v4: ipRules(ns), v6: ipRules(ns, "-6") }
        const expectInvalid = (options: Rule.Options, path: string, op: "add" | "remove" = "add") =>
          Effect.gen(function* () {
            const e = yield* failure(op === "add" ? Rule.add(options) : Rule.remove(options))
            expect(e.reason, JSON.stringify(options)).toMatchObject({ _tag: "Validation", path })
          })
        yield* expectInvalid({ iif: "sixteen-bytes-xx", table: 5, priority: 1 }, "iif")
        yield* expectInvalid({ oif: "a/b", priority: 1 }, "oif")
        yield* expectInvalid({ from: "10.0.0.0/33", priority: 1 }, "from")
        yield* expectInvalid({ to: "nonsense", priority: 1 }, "to")
        yield* expectInvalid({ family: "inet6", from: "10.0.0.0/8", priority: 1 }, "from")
        yield* expectInvalid({ from: "10.0.0.0/8", to: "2001:db8::/32", priority: 1 }, "to")
        yield* expectInvalid({ action: "goto", priority: 1 }, "goto")
        yield* expectInvalid({ action: "prohibit", goto: 5, priority: 1 }, "action")
        yield* expectInvalid({ table: "mian" as any, priority: 1 }, "table")
        yield* expectInvalid({ table: -1, priority: 1 }, "table")
        yield* expectInvalid({ fwmark: 2 ** 32, priority: 1 }, "fwmark")
        yield* expectInvalid({ uidRange: { start: 10, end: 5 }, priority: 1 }, "uidRange")
        yield* expectInvalid({ dportRange: { start: 90, end: 80 }, priority: 1 }, "dportRange")
        yield* expectInvalid({ sportRange: 70000, priority: 1 }, "sportRange")
        // the kernel refuses 0 and 65535 in a port range ("Invalid dport range")
        yield* expectInvalid({ dportRange: { start: 1, end: 65535 }, priority: 1 }, "dportRange.end")
        yield* expectInvalid({ sportRange: 0, priority: 1 }, "sportRange")
        yield* expectInvalid({ ipProto: "tcpp" as any, priority: 1 }, "ipProto")
        yield* expectInvalid({ priority: 1, lookup: 5 } as any, "lookup")
        yield* expectInvalid({}, "(input)", "remove")
        yield* expectInvalid({ family: "inet6" }, "(input)", "remove")
        const badFilter = yield* failure(Rule.list({ table: "nope" as any }))
        expect(badFilter.reason).toMatchObject({ _tag: "Validation", path: "table" })
        expect({ v4: ipRules(ns), v6: ipRules(ns, "-6") }).toEqual(before)
      })
    )
  )
})
