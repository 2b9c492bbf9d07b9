/**
 * Multicast routes (read only) against a full kernel (the host kernel has no multicast
 * routing): an entry installed through the multicast routing socket, as a daemon does,
 * lists with its source, group, input and output devices, and agrees with `ip -j mroute`.
 */
import { execFileSync, spawn } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as MulticastRoute from "../../src/api/MulticastRoute.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeFullKernel, freshNamespace, ip, ipJson } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const script = new URL("../fixtures/mroute/mfc.py", import.meta.url).pathname

/** Runs the daemon stand-in in the namespace until the scope closes. */
const daemon = (ns: string, iif: number, oif: number) =>
  Effect.acquireRelease(
    Effect.callback<ReturnType<typeof spawn>, Error>((resume) => {
      const child = spawn(
        "ip",
        ["netns", "exec", ns, "/usr/bin/python3", script, String(iif), String(oif), "120"],
        {
          stdio: ["ignore", "pipe", "pipe"]
        }
      )
      let err = ""
      child.stderr!.on("data", (d: Buffer) => {
        err += d.toString()
      })
      child.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) resume(Effect.succeed(child))
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`mfc.py exited ${code}: ${err}`))))
    }),
    (child) => Effect.sync(() => child.kill("SIGKILL"))
  )

describeFullKernel("MulticastRoute", () => {
  it.live(
    "an MFC entry lists as ip mroute shows it",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("mr")
          ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
          for (const d of ["lo", "d0", "d1"]) ip(ns, "link", "set", d, "up")
          const index = (d: string) => ipJson<Array<any>>(ns, "link", "show", d)[0].ifindex as number
          yield* daemon(ns, index("d0"), index("d1"))
          const routes = yield* MulticastRoute.list().pipe(
            Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns })))
          )
          expect(routes.map((r) => MulticastRoute.canonical(r))).toEqual([
            {
              family: "inet",
              table: "default",
              source: "10.1.0.5",
              group: "239.1.1.1",
              iif: "d0",
              oifs: [{ dev: "d1", ttl: 1 }]
            }
          ])
          expect(routes[0].status?.packets).toBe(0n)
          const shown = JSON.parse(
            execFileSync("ip", ["-n", ns, "-j", "mroute", "show"], { encoding: "utf8" })
          )
          expect(shown).toHaveLength(1)
          expect(shown[0]).toMatchObject({ src: "10.1.0.5", iif: "d0" })
          // (the group's key differs between iproute2 versions: compare the value)
          expect(Object.values(shown[0])).toContain("239.1.1.1")
          const json = Schema.decodeUnknownSync(MulticastRoute.schema)(
            JSON.parse(JSON.stringify(routes[0], (_k, v) => (typeof v === "bigint" ? undefined : v)))
          )
          expect(MulticastRoute.equals(json, routes[0])).toBe(true)
          const v6 = yield* MulticastRoute.list({ family: "inet6" }).pipe(
            Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns })))
          )
          expect(v6).toEqual([])
        })
      ),
    testTimeout(120_000)
  )
})
