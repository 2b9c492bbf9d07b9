/**
 * tun/tap devices on the host kernel: Link.add creates them through the TUN ioctls
 * (src/api/link/Tun.ts) in the Netlink layer's namespace (or in `netns`), the listed
 * object equals the input and recreates an equal device in an empty namespace, and
 * remove(listed) leaves the namespace as it was. The oracle is `ip tuntap add`: the
 * same options made by ip in one namespace and by Link.add in another give the same
 * `ip -d -j link show` kind data and queue counts, and the ioctls ip issues (strace)
 * are the ones Tun.steps plans, with the same arguments.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Link from "../../src/api/Link.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Tun from "../../src/api/link/Tun.ts"
import { describeRoot, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const layer = (ns: string) => Layer.fresh(Netlink.layerNamespace({ name: ns }))

/** A user and a group that exist here (ip prints names for them), and ids that do not. */
const firstEntry = (file: string): { name: string; id: number } => {
  const [name, , id] = fs.readFileSync(file, "utf8").split("\n")[0]!.split(":")
  return { name: name!, id: Number(id) }
}
const root = firstEntry("/etc/passwd")
const rootGroup = firstEntry("/etc/group")

interface Case {
  readonly title: string
  readonly spec: Record<string, unknown>
  /** The same device as `ip tuntap add` arguments. */
  readonly ip: ReadonlyArray<string>
}

const cases: ReadonlyArray<Case> = [
  { title: "tun, defaults", spec: { name: "t0", mode: "tun" }, ip: ["t0", "mode", "tun"] },
  {
    title: "tun with pi",
    spec: { name: "t1", mode: "tun", pi: true },
    ip: ["t1", "mode", "tun", "pi"]
  },
  {
    title: "tap, multi-queue, vnet_hdr, owner and group by number",
    spec: { name: "t2", mode: "tap", multiQueue: true, vnetHdr: true, user: 4242, group: 4343 },
    ip: ["t2", "mode", "tap", "multi_queue", "vnet_hdr", "user", "4242", "group", "4343"]
  },
  {
    title: "tap with owner and group by name",
    spec: { name: "t3", mode: "tap", user: root.name, group: rootGroup.name },
    ip: ["t3", "mode", "tap", "user", root.name, "group", rootGroup.name]
  }
]

/** The kind data and queue counts `ip -d -j link show` gives for a device. */
const ipView = (ns: string, name: string) => {
  const [l] = ipJson<Array<any>>(ns, "-d", "link", "show", name)
  return { data: l.linkinfo.info_data, tx: l.num_tx_queues, rx: l.num_rx_queues }
}

/** ioctls of `ip tuntap add ...` as strace shows them: request and (not pointer) argument. */
const straceIoctls = (ns: string, args: ReadonlyArray<string>) => {
  const r = spawnSync(
    "ip",
    ["netns", "exec", ns, "strace", "-e", "trace=ioctl", "ip", "tuntap", "add", ...args],
    { encoding: "utf8" }
  )
  expect(r.status, r.stderr).toBe(0)
  return [...r.stderr.matchAll(/ioctl\(\d+, (TUNSET\w+), (\S+)\)\s+= 0/g)].map((m) =>
    m[1] === "TUNSETIFF" ? { request: m[1] } : { request: m[1], value: Number(m[2]) }
  )
}

const listNames = (ns: string) =>
  ipJson<Array<{ ifname: string }>>(ns, "link", "show")
    .map((l) => l.ifname)
    .sort()

describeRoot("tun/tap through the TUN ioctls", () => {
  it.live(
    "each case: added equal to its input, as ip tuntap makes it, recreated equal, removed",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("tun")
          const b = yield* freshNamespace("tun")
          const c = yield* freshNamespace("tun")
          for (const k of cases) {
            const spec = { kind: "tun", ...k.spec } as unknown as Link.Link
            const before = listNames(a)
            yield* Link.add(spec as Link.AddSpec).pipe(Effect.provide(layer(a)))
            const listed = yield* Link.get(k.spec.name as string).pipe(Effect.provide(layer(a)))
            expect(Link.equals(spec, listed), k.title).toBe(true)
            expect((listed.status as any).data).toMatchObject({ persist: true })
            // the same device by ip tuntap, in another namespace: same kind data and queues
            const ioctls = straceIoctls(b, k.ip)
            expect(ipView(a, k.spec.name as string), k.title).toEqual(ipView(b, k.spec.name as string))
            const planned = Tun.steps({
              ...(k.spec as any),
              user: (listed as any).user,
              group: (listed as any).group
            }).map((s) => (s.request === "TUNSETIFF" ? { request: s.request } : s))
            expect(ioctls, k.title).toEqual(planned)
            // the listed object recreates an equal device in an empty namespace
            yield* Link.add(listed as Link.AddSpec).pipe(Effect.provide(layer(c)))
            const again = yield* Link.get(k.spec.name as string).pipe(Effect.provide(layer(c)))
            expect(Link.equals(listed, again), k.title).toBe(true)
            yield* Link.remove(again).pipe(Effect.provide(layer(c)))
            yield* Link.remove(listed).pipe(Effect.provide(layer(a)))
            expect(listNames(a), k.title).toEqual(before)
            ip(b, "link", "del", k.spec.name as string)
          }
        })
      ),
    testTimeout(60_000)
  )

  it.live("listed fields are what ip -d shows: mode, pi, vnet_hdr, multi_queue, user, group", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("tun")
        ip(
          ns,
          "tuntap",
          "add",
          "tq",
          "mode",
          "tap",
          "multi_queue",
          "vnet_hdr",
          "user",
          "4242",
          "group",
          "4343"
        )
        const l = (yield* Link.get("tq").pipe(Effect.provide(layer(ns)))) as any
        expect(l).toMatchObject({
          kind: "tun",
          name: "tq",
          mode: "tap",
          pi: false,
          vnetHdr: true,
          multiQueue: true,
          user: 4242,
          group: 4343,
          numTxQueues: 256
        })
        expect(l.status.data).toEqual({ persist: true, numQueues: 0, numDisabledQueues: 0 })
      })
    )
  )

  it.live("common settings follow the ioctls: mtu, address, txqlen, alias, deviceGroup, master, up", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("tun")
        ip(ns, "link", "add", "br0", "type", "bridge")
        const spec = {
          kind: "tun",
          name: "tp0",
          mode: "tap",
          mtu: 1400,
          address: "02:00:00:00:aa:01",
          txqlen: 77,
          alias: "a tap",
          deviceGroup: 5,
          master: "br0",
          port: { cost: 7 },
          up: true
        } as const
        yield* Link.add(spec).pipe(Effect.provide(layer(ns)))
        const l = yield* Link.get("tp0").pipe(Effect.provide(layer(ns)))
        expect(Link.equals(spec as unknown as Link.Link, l)).toBe(true)
        expect(l).toMatchObject({ mtu: 1400, address: "02:00:00:00:aa:01", txqlen: 77, alias: "a tap" })
        expect((l as any).deviceGroup).toBe(5)
        expect((l as any).port).toMatchObject({ cost: 7 })
        const [shown] = ipJson<Array<any>>(ns, "-d", "link", "show", "tp0")
        expect(shown).toMatchObject({ master: "br0", group: "5", txqlen: 77, ifalias: "a tap", mtu: 1400 })
        expect(shown.flags).toContain("UP")
      })
    )
  )

  it.live("netns: created inside the target namespace (a tun device cannot move)", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* freshNamespace("tun")
        const b = yield* freshNamespace("tun")
        yield* Link.add({ kind: "tun", name: "tn0", mode: "tun", netns: b, mtu: 1300 }).pipe(
          Effect.provide(layer(a))
        )
        expect(listNames(a)).toEqual(["lo"])
        expect(ipView(b, "tn0").data).toMatchObject({ type: "tun", persist: true })
        expect(ipJson<Array<any>>(b, "link", "show", "tn0")[0].mtu).toBe(1300)
      })
    )
  )

  it.live("errors: a taken name is EEXIST; bad options fail validation and create nothing", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns = yield* freshNamespace("tun")
        ip(ns, "tuntap", "add", "t0", "mode", "tun")
        const taken = yield* Effect.flip(
          Link.add({ kind: "tun", name: "t0", mode: "tun" }).pipe(Effect.provide(layer(ns)))
        )
        expect(taken.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        const lo = yield* Effect.flip(
          Link.add({ kind: "tun", name: "lo", mode: "tap" }).pipe(Effect.provide(layer(ns)))
        )
        expect(lo.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        const bad: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
          [{ mode: 3 }, "mode"],
          [{ mode: "tap", numTxQueues: 4 }, "numTxQueues"],
          [{ mode: "tap", multiQueue: true, numRxQueues: 1 }, "numRxQueues"],
          [{ mode: "tap", user: "no-such-user-here" }, "user"],
          [{ mode: "tap", group: "no-such-group-here" }, "group"],
          [{ mode: "tap", user: -1 }, "user"]
        ]
        for (const [o, path] of bad) {
          const e = yield* Effect.flip(
            Link.add({ kind: "tun", name: "tb0", ...o } as any).pipe(Effect.provide(layer(ns)))
          )
          expect(e.reason, JSON.stringify(o)).toMatchObject({ _tag: "Validation" })
          expect((e.reason as any).path, JSON.stringify(o)).toContain(path)
        }
        expect(listNames(ns)).toEqual(["lo", "t0"])
        // a failed setting after the ioctls removes the device again
        const undo = yield* Effect.flip(
          Link.add({ kind: "tun", name: "tu0", mode: "tap", master: "t0" }).pipe(Effect.provide(layer(ns)))
        )
        expect(undo.reason._tag).toBe("Kernel")
        expect(listNames(ns)).toEqual(["lo", "t0"])
      })
    )
  )
})
