/**
 * The state commands end to end: `nlink apply FILE --dry-run`, `apply`,
 * `plan`, `snapshot`, `restore` and `diff` in fresh namespaces.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { describeRoot, freshNamespace, ipJson } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], { encoding: "utf8" })

const desiredYaml = `# only what is named is managed
link:
  - { kind: bridge, name: br0, up: true }
  - { kind: veth, name: v0, peer: { name: v1 }, up: true }
  - { kind: veth, name: v1, peer: { name: v0 }, master: br0, up: true }
address:
  - { dev: br0, address: 10.0.0.1/24 }
route:
  - { destination: 10.1.0.0/16, gateway: 10.0.0.254 }
netconf:
  - { family: inet, dev: br0, forwarding: true }
neighbor-table:
  - { family: inet, name: arp_cache, dev: br0, ucastProbes: 5 }
purge:
  - { type: address, dev: br0 }
`

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "nlink-state-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

describeRoot("nlink apply | plan | snapshot | restore | diff", () => {
  it.live(
    "a YAML desired state: dry run, apply, empty plan; snapshot restored elsewhere diffs empty",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const dir = yield* tempDir
          const a = yield* freshNamespace("clia")
          const b = yield* freshNamespace("clib")
          const file = path.join(dir, "desired.yaml")
          fs.writeFileSync(file, desiredYaml)
          const dry = nlink("apply", file, "--dry-run", "-n", a)
          expect(dry.status).toBe(0)
          expect(dry.stdout.trim().split("\n")).toEqual([
            "+ link br0 type bridge up",
            "+ link v0 type veth up",
            "+ link v1 type veth master br0 up",
            "+ netconf inet dev br0 forwarding true",
            "+ neighbor-table arp_cache dev br0 ucastProbes 5",
            "+ address 10.0.0.1/24 dev br0",
            "+ route 10.1.0.0/16 via 10.0.0.254 table main"
          ])
          expect(ipJson<Array<{ ifname: string }>>(a, "link", "show").map((l) => l.ifname)).toEqual(["lo"])
          const applied = nlink("apply", file, "-n", a)
          expect(applied.status).toBe(0)
          expect(applied.stdout).toContain("applied, verified")
          expect(nlink("plan", file, "-n", a).stdout.trim()).toBe("(nothing to do)")
          const snap = nlink("snapshot", "-n", a)
          expect(snap.status).toBe(0)
          const s1 = path.join(dir, "a.json")
          fs.writeFileSync(s1, snap.stdout)
          expect(nlink("restore", s1, "-n", b).status).toBe(0)
          const s2 = path.join(dir, "b.json")
          fs.writeFileSync(s2, nlink("snapshot", "-n", b).stdout)
          const d = nlink("diff", s1, s2)
          expect(d.status).toBe(0)
          expect(d.stdout.trim()).toBe("")
          const empty = path.join(dir, "empty.json")
          fs.writeFileSync(empty, "{}")
          const json = JSON.parse(nlink("diff", empty, s1, "--json").stdout) as Array<{
            op: string
            type: string
            key: string
          }>
          const steps = json.map((c) => `${c.op} ${c.type} ${c.key}`)
          expect(steps.filter((c) => /^add (link|address|route) /.test(c))).toEqual([
            "add link br0",
            "add link v0",
            "add link v1",
            "add address br0|10.0.0.1/24|",
            "add route inet|main|10.1.0.0/16||0|0|via 10.0.0.254"
          ])
          // every device's settings are part of the snapshot, written after their link
          expect(steps).toContain("add netconf inet|br0")
          expect(steps).toContain("add neighbor-table inet|arp_cache|br0")
          expect(steps.indexOf("add netconf inet|br0")).toBeGreaterThan(steps.indexOf("add link br0"))
          const written = JSON.parse(snap.stdout).objects
          expect(written.netconf.find((c: any) => c.family === "inet" && c.dev === "br0").forwarding).toBe(
            true
          )
          expect(
            written["neighbor-table"].find((t: any) => t.name === "arp_cache" && t.dev === "br0").ucastProbes
          ).toBe(5)
          const bad = nlink("apply", path.join(dir, "missing.json"), "-n", a)
          expect(bad.status).toBe(1)
          expect(bad.stderr).toMatch(/^nlink: .*cannot read/)
        })
      ),
    { timeout: 300_000 }
  )
})
