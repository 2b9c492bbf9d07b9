/**
 * Route dumps filtered by table, device or family while another process adds
 * and removes routes (issue 10: address dumps filtered by device lose or
 * repeat entries under churn without NLM_F_DUMP_INTR). Route dumps resume
 * where they stopped (IPv4 by the next key in the FIB trie, IPv6 by its tree
 * walker), so the routes nobody touches must be in every dump, exactly once.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Route from "../../src/api/Route.ts"
import { describeRoot, fullKernel, inNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const STABLE = 3000
const CHURN = 2000

describeRoot("Route dumps under churn", () => {
  it.live(
    "filtered dumps (table, dev, family) hold every untouched route exactly once while another process adds and removes routes",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
          ip(ns, "link", "set", "d0", "up")
          ip(ns, "link", "set", "d1", "up")
          ip(ns, "addr", "add", "10.1.2.3/16", "dev", "d0")
          ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
          const dir = mkdtempSync(join(tmpdir(), "nlink-churn-"))
          const stable = (i: number) => [
            `10.${100 + (i >> 8)}.${i & 255}.0/24`,
            `2001:db8:${(0x1000 + i).toString(16)}::/48`
          ]
          const changing = (i: number) => [
            `10.${150 + (i >> 8)}.${i & 255}.0/24`,
            `2001:db8:${(0x8000 + i).toString(16)}::/48`
          ]
          const lines: Array<string> = []
          for (let i = 0; i < STABLE; i++) {
            const [v4, v6] = stable(i)
            lines.push(`route add ${v4} via 10.1.2.1 table 100`, `route add ${v6} via 2001:db8::2 table 100`)
          }
          writeFileSync(join(dir, "stable"), `${lines.join("\n")}\n`)
          ip(ns, "-batch", join(dir, "stable"))
          // The writer adds and removes routes in the same table and in another, forever.
          const churn: Array<string> = []
          for (const verb of ["add", "del"])
            for (let i = 0; i < CHURN; i++) {
              const [v4, v6] = changing(i)
              const t = i % 2 === 0 ? 100 : 200
              churn.push(
                verb === "add" ? `route add ${v4} via 10.1.2.1 table ${t}` : `route del ${v4} table ${t}`,
                verb === "add" ? `route add ${v6} via 2001:db8::2 table ${t}` : `route del ${v6} table ${t}`
              )
            }
          writeFileSync(join(dir, "churn"), `${churn.join("\n")}\n`)
          const writer = spawn(
            "sh",
            ["-c", `while :; do ip -n ${ns} -batch ${join(dir, "churn")} >/dev/null 2>&1; done`],
            { stdio: "ignore", detached: true }
          )
          const want = new Set<string>()
          for (let i = 0; i < STABLE; i++) for (const p of stable(i)) want.add(p)
          const isStable = (r: Route.Route) => want.has(r.destination) && r.table === 100
          let dumps = 0
          /** How many changing routes each dump saw: the writer really ran during the dumps. */
          const moving = new Set<number>()
          try {
            const until = Date.now() + (fullKernel ? 20_000 : 5_000)
            while (Date.now() < until) {
              for (const filter of [
                { table: 100, family: "inet" },
                { table: 100, family: "inet6" },
                { table: "all", dev: "d0" },
                { table: 100 }
              ] as const) {
                const all = yield* Route.list(filter)
                const routes = all.filter(isStable)
                moving.add(all.length - routes.length)
                const expected = filter.family === "inet" || filter.family === "inet6" ? STABLE : 2 * STABLE
                expect(routes.length, JSON.stringify(filter)).toBe(expected)
                expect(new Set(routes.map((r) => r.destination)).size).toBe(expected)
                dumps++
              }
            }
          } finally {
            if (writer.pid !== undefined) process.kill(-writer.pid, "SIGKILL")
            rmSync(dir, { recursive: true, force: true })
          }
          expect(dumps).toBeGreaterThan(8)
          expect(moving.size).toBeGreaterThan(2)
        })
      ),
    testTimeout(90_000)
  )
})
