/**
 * The action kinds gate and ife, and ct with a conntrack helper, on a full kernel (the VM lane;
 * the host has no tc actions): each added standalone reads back equal by get and in the list
 * of its kind, is replaced in place and reads back as changed, and is deleted; the same
 * actions inside a matchall filter list back equal, and removing the filter leaves the
 * namespace as before.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope } from "effect"
import * as Action from "../../src/api/Action.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

const withClsact = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tca3")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      return yield* Effect.gen(function* () {
        yield* Qdisc.add({ dev: "d0", kind: "clsact" })
        return yield* f(ns)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))

/** add → get and list equal; replace → changed; remove → gone. */
const standalone = (a: Action.Action, changed: object) =>
  Effect.gen(function* () {
    const index = a.index!
    yield* Action.add(a)
    const got = yield* Action.get({ kind: a.kind, index } as Action.Action)
    expect(Action.equals(got, a), `${json(got)} vs ${json(a)}`).toBe(true)
    const listed = (yield* Action.list(a.kind)).filter((x) => x.index === index)
    expect(listed).toHaveLength(1)
    expect(Action.equals(listed[0], a)).toBe(true)
    const b = { ...a, options: changed } as Action.Action
    yield* Action.replace(b)
    const after = yield* Action.get({ kind: a.kind, index } as Action.Action)
    expect(Action.equals(after, b), `${json(after)} vs ${json(b)}`).toBe(true)
    expect(Action.equals(after, a)).toBe(false)
    yield* Action.remove(after)
    expect((yield* Action.list(a.kind)).filter((x) => x.index === index)).toEqual([])
    return got
  })

const gateFull = {
  priority: 1,
  baseTime: 1000000n,
  cycleTime: 20000000n,
  cycleTimeExtension: 100000,
  clockid: "CLOCK_TAI",
  entries: [
    { gate: "open", interval: 10000000, ipv: 2, maxOctets: 1500 },
    { gate: "close", interval: 10000000 }
  ]
}

describeFullKernel("gate, ife, ct helper (issue 14)", () => {
  it.live(
    "gate: entries with ipv and max octets, base/cycle time, clock, priority; the kernel's defaults",
    () =>
      withClsact(() =>
        Effect.gen(function* () {
          const got = yield* standalone({ kind: "gate", index: 50, options: gateFull } as Action.Action, {
            entries: [
              { gate: "open", interval: 3000000 },
              { gate: "close", interval: 2000000 },
              { gate: "open", interval: 1000000, maxOctets: 9000 }
            ],
            action: "drop"
          })
          expect(got.options).toMatchObject({ clockid: "CLOCK_TAI", cycleTime: 20000000n, priority: 1 })
          // without a cycle time the kernel makes one of the intervals
          const plain = yield* standalone(
            {
              kind: "gate",
              index: 51,
              options: { entries: [{ gate: "open", interval: 5000000 }] }
            } as Action.Action,
            { entries: [{ gate: "close", interval: 4000000 }] }
          )
          expect(plain.options).toMatchObject({ cycleTime: 5000000n, baseTime: 0n, clockid: "CLOCK_TAI" })
        })
      )
  )

  it.live("ife: encode with metadata used and allowed, MACs and type; decode takes the loaded metadata", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const encode = {
          mode: "encode",
          use: { mark: 0x12 },
          allow: ["prio"],
          type: 0xed3e,
          dst: "02:00:00:00:00:02",
          src: "02:00:00:00:00:01"
        }
        const got = yield* standalone({ kind: "ife", index: 52, options: encode } as Action.Action, {
          ...encode,
          dst: "02:00:00:00:00:09",
          action: "pass"
        })
        expect(got.options).toMatchObject({ use: { mark: 0x12 }, allow: ["prio"], dst: "02:00:00:00:00:02" })
        yield* standalone(
          {
            kind: "ife",
            index: 53,
            options: { mode: "encode", use: { tcindex: 7 }, allow: ["mark"] }
          } as Action.Action,
          { mode: "encode", use: { tcindex: 9 }, allow: ["mark"] }
        )
        // decode without a list: the kernel allows every metadata kind it has loaded
        const decode = yield* standalone(
          { kind: "ife", index: 54, options: { mode: "decode" } } as Action.Action,
          { mode: "decode", action: "reclassify" }
        )
        expect((decode.options as any).mode).toBe("decode")
        expect((decode.options as any).dst).toBeUndefined()
      })
    )
  )

  it.live("ct commit with a helper (ftp; sip over udp/ipv6)", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const got = yield* standalone(
          { kind: "ct", index: 60, options: { commit: true, helper: { name: "ftp" } } } as Action.Action,
          { commit: true, zone: 3, helper: { name: "ftp" } }
        )
        expect(got.options).toMatchObject({ helper: { name: "ftp", protocol: "tcp" } })
        yield* standalone(
          {
            kind: "ct",
            index: 61,
            options: { commit: true, helper: { name: "sip", family: "ipv6", protocol: "udp" } }
          } as Action.Action,
          { commit: true, mark: 7, helper: { name: "sip", family: "ipv6", protocol: "udp" } }
        )
      })
    )
  )

  it.live("inside a matchall filter: gate, ife and ct with a helper list back equal; remove restores", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const where = { dev: "d0", parent: "ingress" } as const
        const before = (yield* Filter.list(where)).map(Filter.canonical)
        const input = {
          ...where,
          priority: 5,
          protocol: "ip",
          kind: "matchall",
          actions: [
            { kind: "ct", options: { commit: true, helper: { name: "ftp" } } },
            { kind: "ife", options: { mode: "encode", allow: ["mark"], dst: "02:00:00:00:00:02" } },
            { kind: "gate", options: gateFull }
          ]
        } as Filter.Filter
        yield* Filter.add(input)
        const added = (yield* Filter.list(where)).filter((f) => f.priority === 5)
        expect(added, json(added)).toHaveLength(1)
        expect(Filter.equals(added[0], input), `${json(added[0])} vs ${json(input)}`).toBe(true)
        for (const a of added[0].actions ?? []) expect(a.status?.bindcnt).toBe(1)
        yield* Filter.remove(added[0])
        expect((yield* Filter.list(where)).map(Filter.canonical)).toEqual(before)
      })
    )
  )
})
