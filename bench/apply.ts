/**
 * `node bench/apply.ts [N]` (as root): declarative apply at scale, beside
 * `ip -batch` for the same objects. N bridges (default 1000), each with a
 * veth pair whose one end is its port, a stacked link on the other end
 * (vlan where the kernel has it, else macvlan: the host kernel has no vlan)
 * and an address: 5N objects. Timed: the first apply into an empty
 * namespace, the same apply again (an empty plan), a 1% change (the
 * address of N/100 bridges), and `ip -batch` creating the same objects in
 * another empty namespace. Prints one JSON line.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import * as Apply from "../src/api/Apply.ts"
import { Netlink } from "../src/api/Netlink.ts"

const N = Number(process.argv[2] ?? 1000)
const ns = () => `nlb-apply-${randomBytes(4).toString("hex")}`

const stacked = (() => {
  const probe = ns()
  execFileSync("ip", ["netns", "add", probe])
  try {
    const r = spawnSync("ip", ["-n", probe, "link", "add", "p0", "type", "veth", "peer", "name", "p1"])
    if (r.status !== 0) throw new Error("veth")
    const v = spawnSync("ip", [
      "-n",
      probe,
      "link",
      "add",
      "link",
      "p0",
      "name",
      "p0.10",
      "type",
      "vlan",
      "id",
      "10"
    ])
    return v.status === 0 ? "vlan" : "macvlan"
  } finally {
    spawnSync("ip", ["netns", "del", probe])
  }
})()

const desired = (addressOf: (i: number) => string) => {
  const link: Array<Record<string, unknown>> = []
  const address: Array<Record<string, unknown>> = []
  for (let i = 0; i < N; i++) {
    link.push({ kind: "bridge", name: `br${i}`, up: true })
    link.push({ kind: "veth", name: `va${i}`, peer: { name: `vb${i}` }, up: true })
    link.push({ kind: "veth", name: `vb${i}`, peer: { name: `va${i}` }, master: `br${i}`, up: true })
    link.push(
      stacked === "vlan"
        ? { kind: "vlan", name: `vl${i}`, link: `va${i}`, id: 10 }
        : { kind: "macvlan", name: `vl${i}`, link: `va${i}`, mode: "bridge" }
    )
    address.push({ dev: `br${i}`, address: addressOf(i) })
  }
  return { link, address }
}

const ipBatch = (file: string) => {
  const lines: Array<string> = []
  for (let i = 0; i < N; i++) {
    lines.push(`link add br${i} up type bridge`)
    lines.push(`link add va${i} up type veth peer name vb${i}`)
    lines.push(`link set vb${i} master br${i} up`)
    lines.push(
      stacked === "vlan"
        ? `link add link va${i} name vl${i} type vlan id 10`
        : `link add link va${i} name vl${i} type macvlan mode bridge`
    )
    lines.push(`addr add 10.${(i >> 8) & 255}.${i & 255}.1/24 dev br${i}`)
  }
  fs.writeFileSync(file, `${lines.join("\n")}\n`)
}

// CPU time of this process (user + system: the kernel's work for our requests runs in our
// sendmsg calls) beside wall time: on a loaded machine wall time mostly measures the others
const cpu: Record<string, number> = {}
const time = async <A>(f: () => Promise<A>, name?: string): Promise<[A, number]> => {
  const t = performance.now()
  const c = process.cpuUsage()
  const a = await f()
  const used = process.cpuUsage(c)
  if (name !== undefined) cpu[name] = Math.round((used.user + used.system) / 1000)
  return [a, performance.now() - t]
}

// APPLY_PROFILE=DIR: a CPU profile of each timed apply (first, noop, change) in DIR
const PROFILE = process.env.APPLY_PROFILE
const profiled = async <A>(name: string, f: () => Promise<A>): Promise<[A, number]> => {
  if (PROFILE === undefined) return time(f, name)
  const { Session } = await import("node:inspector/promises")
  const s = new Session()
  s.connect()
  await s.post("Profiler.enable")
  await s.post("Profiler.start")
  const out = await time(f, name)
  const { profile } = await s.post("Profiler.stop")
  fs.mkdirSync(PROFILE, { recursive: true })
  fs.writeFileSync(path.join(PROFILE, `${name}.cpuprofile`), JSON.stringify(profile))
  s.disconnect()
  return out
}

const main = async () => {
  const a = ns()
  const b = ns()
  execFileSync("ip", ["netns", "add", a])
  execFileSync("ip", ["netns", "add", b])
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nlb-apply-"))
  try {
    const run = (d: unknown) =>
      Effect.runPromise(Apply.apply(d).pipe(Effect.provide(Netlink.layerNamespace({ name: a }))))
    const base = desired((i) => `10.${(i >> 8) & 255}.${i & 255}.1/24`)
    const [first, firstMs] = await profiled("first", () => run(base))
    const [again, againMs] = await profiled("noop", () => run(base))
    const changed = desired((i) => `10.${(i >> 8) & 255}.${i & 255}.${i % 100 === 0 ? 2 : 1}/24`)
    const [change, changeMs] = await profiled("change", () =>
      run({
        ...changed,
        purge: changed.address.filter((_, i) => i % 100 === 0).map((x) => ({ type: "address", dev: x.dev }))
      })
    )
    const file = path.join(dir, "batch")
    ipBatch(file)
    const [, ipMs] = await time(async () => execFileSync("ip", ["-n", b, "-batch", file]))
    console.log(
      JSON.stringify({
        workload: "apply",
        bridges: N,
        objects: base.link.length + base.address.length,
        stacked,
        firstApply: { ms: Math.round(firstMs), steps: first.plan.length, verified: first.verified },
        noopApply: { ms: Math.round(againMs), steps: again.plan.length },
        onePercent: { ms: Math.round(changeMs), steps: change.plan.length, verified: change.verified },
        ipBatch: { ms: Math.round(ipMs) },
        cpuMs: cpu
      })
    )
  } finally {
    spawnSync("ip", ["netns", "del", a])
    spawnSync("ip", ["netns", "del", b])
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

await main()
