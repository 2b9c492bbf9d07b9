/**
 * The action kinds skbedit, vlan, csum, pedit, tunnel_key, ct, connmark, mpls, skbmod, sample, simple
 * and ctinfo on a full kernel (the VM lane; the host has no tc actions): each added standalone reads back equal by get and in the
 * list of its kind, is replaced in place with changed options and reads back as changed, and is
 * deleted; the same actions inside a matchall filter on a clsact qdisc list back equal, and
 * removing the filter leaves the namespace as before.
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
      const ns = yield* freshNamespace("tca2")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      execFileSync("ip", ["-n", ns, "link", "set", "d1", "up"])
      return yield* Effect.gen(function* () {
        yield* Qdisc.add({ dev: "d0", kind: "clsact" })
        return yield* f(ns)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const where = { dev: "d0", parent: "ingress" } as const
const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))
const config = (xs: ReadonlyArray<Filter.Filter>) => xs.map((x) => Filter.canonical(x))

/** An action and the changed options a replace gives it. */
interface Case {
  readonly action: Action.Action
  readonly changed: object
}

const standalone = (c: Case, index: number) =>
  Effect.gen(function* () {
    const a = { ...c.action, index } as Action.Action
    yield* Action.add(a)
    const got = yield* Action.get({ kind: a.kind, index } as Action.Action)
    expect(Action.equals(got, a), `${json(got)} vs ${json(a)}`).toBe(true)
    expect(got.status).toMatchObject({ refcnt: 1, bindcnt: 0 })
    const listed = (yield* Action.list(a.kind)).filter((x) => x.index === index)
    expect(listed).toHaveLength(1)
    expect(Action.equals(listed[0], a)).toBe(true)
    const b = { ...a, options: c.changed } as Action.Action
    yield* Action.replace(b)
    const changed = yield* Action.get({ kind: a.kind, index } as Action.Action)
    expect(Action.equals(changed, b), `${json(changed)} vs ${json(b)}`).toBe(true)
    expect(Action.equals(changed, a)).toBe(false)
    yield* Action.remove(changed)
    expect((yield* Action.list(a.kind)).filter((x) => x.index === index)).toEqual([])
  })

const inFilter = (actions: ReadonlyArray<Action.Action>, priority: number) =>
  Effect.gen(function* () {
    const input: Filter.Filter = { ...where, priority, kind: "matchall", actions: actions as any }
    const before = yield* Filter.list(where)
    yield* Filter.add(input)
    const added = (yield* Filter.list(where)).filter((f) => f.priority === priority)
    expect(added, json(added)).toHaveLength(1)
    expect(Filter.equals(added[0], input), `${json(added[0])} vs ${json(input)}`).toBe(true)
    for (const a of added[0].actions ?? []) expect(a.status?.bindcnt).toBe(1)
    yield* Filter.remove(added[0])
    expect(config(yield* Filter.list(where))).toEqual(config(before))
  })

const cases: ReadonlyArray<Case> = [
  {
    action: {
      kind: "skbedit",
      options: { priority: "1:10", queueMapping: 3, mark: 0x10, mask: 0xff, ptype: "otherhost" }
    },
    changed: { mark: 0x20, action: "pass" }
  },
  { action: { kind: "skbedit", options: { inheritDsfield: true } }, changed: { priority: 7 } },
  {
    action: { kind: "vlan", options: { op: "push", id: 100, protocol: "802.1ad", priority: 3 } },
    changed: { op: "modify", id: 200 }
  },
  { action: { kind: "vlan", options: { op: "pop" } }, changed: { op: "push", id: 5, action: "pass" } },
  { action: { kind: "csum", options: { update: ["iph", "tcp", "udp"] } }, changed: { update: ["sctp"] } },
  {
    action: {
      kind: "pedit",
      options: {
        keys: [
          { header: "eth", field: "dst", value: "02:00:00:00:00:01" },
          { header: "ip", field: "dst", value: "10.0.0.1" },
          { header: "ip", field: "ttl", op: "add", value: 255 },
          { header: "tcp", field: "dport", value: 8080 },
          { header: "ip6", field: "src", value: "2001:db8::1" },
          { header: "udp", offset: 4, mask: 0xffff0000, value: 0 }
        ],
        action: "pipe"
      }
    },
    changed: { keys: [{ header: "udp", field: "sport", value: 53 }] }
  },
  {
    action: {
      kind: "tunnel_key",
      options: {
        op: "set",
        src: "10.0.0.1",
        dst: "10.0.0.2",
        id: 42,
        dstPort: 4789,
        tos: 16,
        ttl: 64,
        noCsum: true
      }
    },
    changed: { op: "set", src: "10.0.0.1", dst: "10.0.0.3", id: 43 }
  },
  {
    action: {
      kind: "tunnel_key",
      options: {
        op: "set",
        src: "2001:db8::1",
        dst: "2001:db8::2",
        id: 7,
        geneveOpts: [
          { class: 0x102, type: 0x80, data: "00880022" },
          { class: 0x103, type: 1, data: "0102030405060708" }
        ]
      }
    },
    changed: { op: "unset" }
  },
  {
    action: {
      kind: "tunnel_key",
      options: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", id: 8, vxlanOpts: { gbp: 1025 } }
    },
    changed: {
      op: "set",
      src: "10.0.0.1",
      dst: "10.0.0.2",
      id: 9,
      erspanOpts: { version: 2, dir: 1, hwid: 5 }
    }
  },
  {
    action: {
      kind: "tunnel_key",
      options: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", id: 9, erspanOpts: { version: 1, index: 12 } }
    },
    changed: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", id: 9, erspanOpts: { version: 1, index: 13 } }
  },
  {
    action: {
      kind: "ct",
      options: {
        commit: true,
        zone: 5,
        mark: 0x10,
        markMask: 0xff,
        labels: "01",
        labelsMask: "ff",
        nat: { type: "src", addr: "10.0.0.1-10.0.0.9", port: "1000-2000" }
      }
    },
    changed: { commit: true, force: true, zone: 6, nat: { type: "dst", addr: "2001:db8::1" } }
  },
  { action: { kind: "ct", options: { zone: 3 } }, changed: { clear: true } },
  { action: { kind: "ct", options: { nat: {}, action: "pass" } }, changed: { commit: true, mark: 7 } },
  { action: { kind: "connmark", options: { zone: 4 } }, changed: { zone: 5, action: "pass" } },
  {
    action: {
      kind: "mpls",
      options: { op: "push", protocol: "mpls_uc", label: 100, tc: 3, ttl: 64, bos: 1 }
    },
    changed: { op: "pop", protocol: "ipv4" }
  },
  {
    action: { kind: "mpls", options: { op: "push", label: 7 } },
    changed: { op: "modify", label: 200, ttl: 9 }
  },
  {
    action: { kind: "mpls", options: { op: "dec_ttl" } },
    changed: { op: "mac_push", label: 1, protocol: "mpls_mc" }
  },
  {
    action: {
      kind: "skbmod",
      options: { dmac: "02:00:00:00:00:01", smac: "02:00:00:00:00:02", etype: 0x8847 }
    },
    changed: { swapMac: true }
  },
  {
    action: { kind: "sample", options: { rate: 100, group: 5, trunc: 128 } },
    changed: { rate: 10, group: 6, trunc: 64 }
  },
  { action: { kind: "simple", options: { sdata: "hello" } }, changed: { sdata: "bye", action: "pass" } },
  {
    action: {
      kind: "ctinfo",
      options: { dscpMask: 0xfc000000, dscpStateMask: 0x01000000, cpmark: 0xff, zone: 2 }
    },
    changed: { cpmark: true }
  }
]

describeFullKernel(
  "action kinds skbedit, vlan, csum, pedit, tunnel_key, ct, connmark, mpls, skbmod, sample, simple, ctinfo",
  () => {
    it.live("standalone: add, get and list equal, replace changes, delete", () =>
      withClsact(() =>
        Effect.gen(function* () {
          for (let i = 0; i < cases.length; i++) yield* standalone(cases[i], 100 + i)
        })
      )
    )
    it.live("inside a matchall filter: list back equal, removal restores the namespace", () =>
      withClsact(() =>
        Effect.gen(function* () {
          // queue_mapping is refused on ingress: the ingress filter gets the other skbedit fields
          yield* inFilter([{ kind: "skbedit", options: { priority: "1:10", mark: 5, ptype: "host" } }], 1)
          for (let i = 1; i < cases.length; i++) yield* inFilter([cases[i].action], i + 1)
          yield* inFilter(
            [
              { kind: "vlan", options: { op: "pop" } },
              {
                kind: "pedit",
                options: { keys: [{ header: "ip", field: "tos", value: 0x10 }], action: "pipe" }
              },
              { kind: "csum", options: { update: ["iph"] } }
            ],
            50
          )
        })
      )
    )
  }
)
