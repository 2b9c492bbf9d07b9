/**
 * tc's words through the library on the host kernel (pfifo, bfifo, tbf, htb, ingress, u32,
 * mirred: what this kernel has): parsed, added, listed back equal to what was parsed, the
 * same state `tc` itself makes from the same words (compared as `tc -j` prints both); and the
 * `nlink tc` command end to end (a few child processes: each costs about a second).
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Class from "../../src/api/Class.ts"
import * as Filter from "../../src/api/Filter.ts"
import { isError } from "../../src/api/internal/Words.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeRoot, freshNamespace, inNamespace, ip } from "../helpers/netns.ts"

const root = path.resolve(import.meta.dirname, "../..")
const nlink = (...args: Array<string>) =>
  spawnSync(process.execPath, [path.join(root, "src/cli/bin.ts"), ...args], {
    encoding: "utf8",
    timeout: 60_000
  })
const tc = (ns: string, ...args: Array<string>) =>
  execFileSync("tc", ["-n", ns, ...args], { encoding: "utf8" })
const tcJson = (ns: string, ...args: Array<string>) => JSON.parse(tc(ns, "-j", ...args))

const ok = <A>(r: A) => {
  if (isError(r)) throw new Error(`parse failed: ${JSON.stringify((r as any).reason)}`)
  return r as Exclude<A, { readonly _tag: "NetlinkError" }>
}

const veth = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

// what differs between two equal setups, none of it configuration: the handle the kernel picks
// when none is given, and htb's count of packets it sent directly
const config = (xs: ReadonlyArray<Record<string, any>>, handleGiven: boolean) =>
  xs.map(({ handle, options, ...rest }) => {
    const { direct_packets_stat: _d, ...o } = options ?? {}
    return { ...rest, ...(handleGiven ? { handle } : {}), options: o }
  })

const QDISCS = [
  "dev d0 root handle 1: htb default 10",
  "dev d0 root handle 1: htb r2q 5 direct_qlen 100",
  "dev d0 root tbf rate 1mbit burst 10k latency 50ms",
  "dev d0 root tbf rate 8mbit buffer 32kb limit 100kb peakrate 10mbit mtu 1600",
  "dev d0 root handle 2: pfifo limit 50",
  "dev d0 root bfifo limit 10kb",
  "dev d0 ingress"
]

describeRoot("tc words → library → kernel", () => {
  describe("a qdisc parsed, added and listed back equal, as tc makes it", () => {
    for (const line of QDISCS)
      it.live(line, () =>
        Effect.scoped(
          Effect.gen(function* () {
            // tc's own namespace, for the reference state
            const theirs = yield* freshNamespace("tcw")
            veth(theirs)
            tc(theirs, "qdisc", "add", ...line.split(" "))
            yield* inNamespace((ns) =>
              Effect.gen(function* () {
                veth(ns)
                const q = ok(Qdisc.parse(line))
                yield* Qdisc.add(q)
                const listed = (yield* Qdisc.list({ dev: "d0" })).filter((l) => l.kind === q.kind)
                expect(listed).toHaveLength(1)
                expect(Qdisc.equals(q, listed[0]!)).toBe(true)
                const given = line.includes("handle") || line.endsWith("ingress")
                expect(config(tcJson(ns, "qdisc", "show", "dev", "d0"), given)).toEqual(
                  config(tcJson(theirs, "qdisc", "show", "dev", "d0"), given)
                )
              })
            )
          })
        )
      )
  })

  it.live("htb classes and u32 filters with a mirred action", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        veth(ns)
        yield* Qdisc.add(ok(Qdisc.parse("dev d0 root handle 1: htb default 20")))
        yield* Qdisc.add(ok(Qdisc.parse("dev d0 ingress")))
        const classes = [
          "dev d0 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit",
          "dev d0 parent 1:1 classid 1:10 htb rate 2mbit ceil 5mbit burst 15k prio 1",
          "dev d0 parent 1:1 classid 1:20 htb rate 1mbit cburst 20k"
        ].map((l) => ok(Class.parse(l)))
        for (const c of classes) yield* Class.add(c)
        const listedClasses = yield* Class.list({ dev: "d0" })
        for (const c of classes) expect(listedClasses.some((l) => Class.equals(c, l))).toBe(true)

        const filters = [
          "dev d0 parent 1: protocol ip pref 1 u32 match ip dst 10.0.0.1/32 flowid 1:10",
          "dev d0 ingress protocol ip pref 5 u32 match ip src 192.0.2.0/24 action mirred egress mirror dev d1"
        ].map((l) => ok(Filter.parse(l)))
        for (const f of filters) yield* Filter.add(f)
        const egress = yield* Filter.list({ dev: "d0", parent: "1:" })
        const ingress = yield* Filter.list({ dev: "d0", parent: "ingress" })
        expect(egress.some((l) => Filter.equals(filters[0]!, l))).toBe(true)
        expect(ingress.some((l) => Filter.equals(filters[1]!, l))).toBe(true)
        const mirred = ingress.find((l) => l.actions !== undefined && l.actions.length > 0)!
        expect(mirred.actions![0]).toMatchObject({ kind: "mirred", options: { mode: "mirror", dev: "d1" } })
      })
    )
  )
})

describeRoot("nlink tc writing commands", () => {
  it.live(
    "qdisc/class/filter add and del from tc's words; errors are one line naming the keyword",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("tcc")
          veth(ns)
          const run = (...args: Array<string>) => {
            const r = nlink("tc", ...args.slice(0, 2), "-n", ns, ...args.slice(2))
            expect(r.stderr).toBe("")
            expect(r.status).toBe(0)
          }
          run("qdisc", "add", "dev", "d0", "root", "handle", "1:", "htb", "default", "10")
          run(
            "class",
            "add",
            "dev",
            "d0",
            "parent",
            "1:",
            "classid",
            "1:10",
            "htb",
            "rate",
            "1mbit",
            "ceil",
            "2mbit"
          )
          run(
            "filter",
            "add",
            "dev",
            "d0",
            "parent",
            "1:",
            "protocol",
            "ip",
            "prio",
            "3",
            "u32",
            "match",
            "ip",
            "src",
            "1.2.3.4/32",
            "flowid",
            "1:10"
          )
          expect(tcJson(ns, "qdisc", "show", "dev", "d0")[0]).toMatchObject({
            kind: "htb",
            handle: "1:",
            root: true
          })
          // tc 6.1 prints htb classes as text even with -j
          expect(tc(ns, "class", "show", "dev", "d0")).toContain(
            "class htb 1:10 root prio 0 rate 1Mbit ceil 2Mbit"
          )
          const f = tcJson(ns, "filter", "show", "dev", "d0", "parent", "1:")
          expect(f.some((x: any) => x.options?.flowid === "1:10" && x.pref === 3)).toBe(true)

          // get and del name the filter without its options, as tc sends it
          const got = nlink(
            "tc",
            "filter",
            "get",
            "-n",
            ns,
            "--json",
            "dev",
            "d0",
            "parent",
            "1:",
            "protocol",
            "ip",
            "pref",
            "3",
            "handle",
            "800::800",
            "u32"
          )
          expect(got.stderr).toBe("")
          expect(JSON.parse(got.stdout)).toMatchObject({
            kind: "u32",
            priority: 3,
            handle: "800::800",
            options: { match: [{ value: 0x01020304, mask: 0xffffffff, at: 12 }], classid: "1:10" }
          })
          // without a kind, as tc takes it: the filters at pref 3, then the root qdisc
          run("filter", "del", "dev", "d0", "parent", "1:", "pref", "3")
          expect(tcJson(ns, "filter", "show", "dev", "d0", "parent", "1:")).toEqual([])
          run("qdisc", "del", "dev", "d0", "root")
          expect(tcJson(ns, "qdisc", "show", "dev", "d0")[0]).not.toMatchObject({ kind: "htb" })

          const bad = nlink("tc", "qdisc", "add", "-n", ns, "dev", "d0", "root", "htb", "rate", "5")
          expect(bad.status).toBe(1)
          expect(bad.stderr.trim().split("\n")).toHaveLength(1)
          expect(bad.stderr).toContain("qdisc add htb: rate")
        })
      ),
    120_000
  )
})
