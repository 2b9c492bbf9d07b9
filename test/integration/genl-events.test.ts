/**
 * Generic netlink multicast through Genl.subscribe and Genl.familyEvents. On the host:
 * the "netdev" family's "mgmt" group reports devices registered and unregistered in the
 * namespace (NETDEV_CMD_DEV_ADD_NTF / DEV_DEL_NTF). On the full kernel (VM lane): nlctrl's
 * "notify" group reports the macsec family going away and coming back with a module
 * reload, and the family cache follows it.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { release } from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Genl from "../../src/api/Genl.ts"
import * as Macsec from "../../src/api/Macsec.ts"
import { linkIndex } from "../../src/api/internal/Resolve.ts"
import { describeFullKernel, describeRoot, inNamespace, ip } from "../helpers/netns.ts"
import { eventually, waitBound } from "../helpers/timing.ts"

const NETDEV_CMD_DEV_ADD_NTF = 2
const NETDEV_CMD_DEV_DEL_NTF = 3

/** NETDEV_A_DEV_IFINDEX (1, u32) of a netdev notification. */
const ifindexOf = (m: Uint8Array): number | undefined => {
  const dv = new DataView(m.buffer, m.byteOffset, m.byteLength)
  for (let off = 20; off + 4 <= m.length; ) {
    const len = dv.getUint16(off, true)
    if (len < 4) return undefined
    if ((dv.getUint16(off + 2, true) & 0x3fff) === 1) return dv.getUint32(off + 4, true)
    off += (len + 3) & ~3
  }
  return undefined
}

/** The first `n` notifications with one of `cmds`, as [cmd, ifindex]. */
const take = (
  events: Stream.Stream<Genl.Notification | Genl.Overrun, any>,
  cmds: ReadonlyArray<number>,
  n: number
) =>
  Stream.runCollect(
    events.pipe(
      Stream.filter((e): e is Genl.Notification => e._tag === "Notification" && cmds.includes(e.cmd)),
      Stream.map((e) => [e.cmd, ifindexOf(e.message)] as const),
      Stream.take(n)
    )
  ).pipe(
    Effect.map((c) => [...c] as Array<readonly [number, number | undefined]>),
    Effect.timeout(waitBound(10_000))
  )

describeRoot("Genl multicast on the host kernel", () => {
  it.live("netdev mgmt: a veth pair's two devices registered, then unregistered", () =>
    inNamespace((ns) =>
      Effect.scoped(
        Effect.gen(function* () {
          // the netdev family exists since Linux 6.3; before, subscribing names what is missing
          const present = yield* Effect.exit(Genl.family("netdev"))
          if (present._tag === "Failure") {
            const e = yield* Effect.flip(Genl.subscribe("netdev", ["mgmt"]))
            expect(e.reason._tag === "Kernel" && e.reason.code).toBe("ENOENT")
            expect(e.message).toContain('"netdev"')
            const [major, minor] = release().split(".").map(Number)
            expect(major * 100 + minor).toBeLessThan(603)
            return
          }
          const events = yield* Genl.subscribe("netdev", ["mgmt"])
          ip(ns, "link", "add", "ga0", "type", "veth", "peer", "name", "ga1")
          const a = yield* linkIndex("ga0")
          const b = yield* linkIndex("ga1")
          const added = yield* take(events, [NETDEV_CMD_DEV_ADD_NTF], 2)
          expect([...added].sort()).toEqual(
            [
              [NETDEV_CMD_DEV_ADD_NTF, a],
              [NETDEV_CMD_DEV_ADD_NTF, b]
            ].sort()
          )
          ip(ns, "link", "del", "ga0")
          const removed = yield* take(events, [NETDEV_CMD_DEV_DEL_NTF], 2)
          expect(removed.map(([, i]) => i).sort()).toEqual([a, b].sort())
        })
      )
    )
  )

  it.live(
    "a group the family lacks, an empty list and a family the kernel lacks fail before subscribing",
    () =>
      inNamespace(() =>
        Effect.scoped(
          Effect.gen(function* () {
            const g = yield* Effect.flip(Genl.subscribe("nlctrl", ["nosuchgroup"]))
            expect(g.reason._tag === "Validation" && g.reason.path).toBe("group")
            const none = yield* Effect.flip(Genl.subscribe("nlctrl", []))
            expect(none.reason._tag === "Validation" && none.reason.path).toBe("groups")
            const f = yield* Effect.flip(Genl.subscribe("nlnosuchfam", ["x"]))
            expect(f.reason._tag === "Kernel" && f.reason.code).toBe("ENOENT")
            // nlctrl's notify group is joinable anywhere
            yield* Genl.familyEvents()
          })
        )
      )
  )
})

const modprobe = (...args: Array<string>) => execFileSync("modprobe", args, { stdio: "pipe" })

/**
 * Unloads macsec once nothing holds it: a macsec link of an earlier test (the
 * lane runs files in one process) lives on until its namespace's asynchronous
 * cleanup has run, and until then `modprobe -r` fails with "in use".
 */
const unloadMacsec = eventually(
  "modprobe -r macsec",
  Effect.sync(() => spawnSync("modprobe", ["-r", "macsec"], { encoding: "utf8" })),
  (r) => r.status === 0,
  { hostMs: 30_000, everyMs: 500, show: (r) => `exit ${r.status}: ${r.stderr.trim()}` }
)

describeFullKernel("Genl family events on the full kernel", () => {
  it.live(
    "macsec unloaded and loaded again: DelFamily then NewFamily, the cache follows, requests work",
    () =>
      inNamespace(() =>
        Effect.scoped(
          Effect.gen(function* () {
            modprobe("macsec")
            const before = yield* Genl.family("macsec")
            // the MACsec module answers before the reload
            expect(yield* Macsec.list()).toEqual([])
            const events = yield* Genl.familyEvents()
            yield* unloadMacsec
            modprobe("macsec")
            const seen = yield* Stream.runCollect(
              events.pipe(
                Stream.filter(
                  (e): e is Genl.FamilyEvent =>
                    e._tag !== "Overrun" &&
                    e.family.name === "macsec" &&
                    (e._tag === "DelFamily" || e._tag === "NewFamily")
                ),
                Stream.take(2)
              )
            ).pipe(Effect.timeout(waitBound(20_000)))
            const [gone, back] = seen
            expect(gone._tag).toBe("DelFamily")
            expect(gone.family.id).toBe(before.id)
            expect(back._tag).toBe("NewFamily")
            expect(back.family.version).toBe(1)
            // the id is given anew at registration; the cache holds the new one
            expect((yield* Genl.family("macsec")).id).toBe(back.family.id)
            expect(yield* Macsec.list()).toEqual([])
          })
        )
      )
  )

  it.live("without events, a request to a reloaded family resolves it again", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        modprobe("macsec")
        const before = yield* Genl.family("macsec")
        yield* unloadMacsec
        modprobe("macsec")
        expect(yield* Macsec.list()).toEqual([])
        const after = yield* Genl.family("macsec")
        expect(after.id).not.toBe(before.id)
      })
    )
  )
})
