/**
 * Event latency (issue 21): how long a change takes to reach a consumer.
 *
 *   node bench/latency.ts [--peer NAME,...]   run the workload (as root)
 *   node bench/latency.ts listen MODE         nlink's listener (MODE: 0, default, watch)
 *
 * Another process (bench/peers/c/latency.c, `change`) makes changes in a
 * fresh namespace, each carrying the CLOCK_MONOTONIC time taken just before
 * its request is sent (an IPv6 address or route whose low 64 bits are that
 * time, or a link set up or down with alias "t<time>"): first a steady
 * trickle (address add, route add, link up/down in turn, LATENCY_RATE per second, default
 * 200, for LATENCY_TRICKLE changes, default 600), then a burst of
 * LATENCY_BURST route adds back to back (default 10 000). Each consumer
 * takes the arrival time (CLOCK_MONOTONIC) of every notification it is
 * handed and subtracts the change's time. One consumer runs at a time, in
 * the same namespace, with the objects of the previous one removed.
 *
 * Consumers: the C reference (poll + recv), `ip monitor` (its output
 * timestamped as it reaches this process through a pipe: one more hop; it
 * does not print a link's alias, so its trickle counts addresses and routes),
 * Go vishvananda/netlink (bench/peers/go/latency.go: its Addr/Route/Link
 * subscriptions), Rust rtnetlink (bench/peers/rust, `rtnl-bench latency`:
 * one connection's unsolicited-message stream on a current-thread tokio
 * runtime), pyroute2 (bench/peers/pyroute2/latency.py: select +
 * IPRoute.get),
 * nlink `Events` with `coalesceMs: 0` and with the default, and nlink
 * `Watch` (arrival: the update whose snapshot holds the object).
 * A change not seen within LATENCY_SETTLE_MS (default 3000) after the last
 * change is lost.
 *
 * Prints a table on stderr and one JSON line on stdout:
 * `{ "rows": [{ "peer", "phase", "sent", "received", "lost", "p50Us", "p99Us", "maxUs" }] }`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Events from "../src/api/Events.ts"
import { Netlink } from "../src/api/Netlink.ts"
import * as Watch from "../src/api/Watch.ts"

const BENCH = path.dirname(new URL(import.meta.url).pathname)
const BUILD = path.join(BENCH, ".build")
const MAKER = path.join(BUILD, "latency")
const SOURCE = path.join(BENCH, "peers", "c", "latency.c")
const GO_LISTENER = path.join(BUILD, "vnl-latency")
const GO_SOURCE = path.join(BENCH, "peers", "go", "latency.go")
/** The Rust rtnetlink peer's binary (bench/peers/rust/build.sh), its `latency` mode. */
const RUST = path.join(BUILD, "rtnl-bench")

const RATE = Number(process.env.LATENCY_RATE ?? 200)
const TRICKLE = Number(process.env.LATENCY_TRICKLE ?? 600)
const BURST = Number(process.env.LATENCY_BURST ?? 10_000)
const SETTLE_MS = Number(process.env.LATENCY_SETTLE_MS ?? 3000)

// ---------------------------------------------------------------------------
// what a change carries

/** The time in an IPv6 text `2001:db8:<third>:0:T/128` (T its low 64 bits), or undefined. */
export const timeIn = (text: string, third: number): bigint | undefined => {
  const slash = text.indexOf("/")
  const a = slash < 0 ? text : text.slice(0, slash)
  const halves = a.split("::")
  if (halves.length > 2) return undefined
  const head = halves[0] === "" ? [] : halves[0].split(":")
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1].split(":") : []
  const groups =
    halves.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail] : head
  if (groups.length !== 8) return undefined
  const g = groups.map((x) => Number.parseInt(x, 16))
  if (g[0] !== 0x2001 || g[1] !== 0xdb8 || g[2] !== third || g[3] !== 0) return undefined
  return (BigInt(g[4]) << 48n) | (BigInt(g[5]) << 32n) | (BigInt(g[6]) << 16n) | BigInt(g[7])
}

/** The change time an nlink event carries, or undefined. */
const timeOf = (e: Events.Change): bigint | undefined => {
  if (e._tag === "Deleted") return undefined
  switch (e.kind) {
    case "address":
      return timeIn((e.value as { address: string }).address, 0xa)
    case "route":
      return timeIn((e.value as { destination: string }).destination, 0xb)
    case "link": {
      const alias = (e.value as { alias?: string }).alias
      return alias?.startsWith("t") ? BigInt(alias.slice(1)) : undefined
    }
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------
// nlink's listener (a child process: `listen MODE`)

const listen = async (mode: string): Promise<void> => {
  const samples: Array<string> = []
  const keep = (t: bigint, now: bigint) => samples.push(`[${t},${now - t}]`)
  let stats: () => unknown = () => ({})
  process.on("SIGTERM", () => {
    process.stdout.write(
      `{"overruns":0,"stats":${JSON.stringify(stats())},"samples":[${samples.join(",")}]}\n`,
      () => process.exit(0)
    )
  })
  const kinds: Array<Events.Kind> = ["link", "address", "route"]
  const program =
    mode === "watch"
      ? Effect.gen(function* () {
          const watch = yield* Watch.make({ kinds, families: ["inet6"] })
          process.stdout.write("READY\n")
          yield* Stream.runForEach(watch.changes, ({ snapshot, events }) =>
            Effect.sync(() => {
              const now = process.hrtime.bigint()
              for (const e of events) {
                if (!Events.isChange(e)) continue
                const t = timeOf(e)
                if (t === undefined) continue
                const map =
                  e.kind === "link"
                    ? snapshot.links
                    : e.kind === "address"
                      ? snapshot.addresses
                      : snapshot.routes
                // arrival: the snapshot handed over with it shows the object
                if (map.has(e.key)) keep(t, now)
              }
            })
          )
        })
      : Effect.gen(function* () {
          const sub = yield* Events.subscribe({
            kinds,
            families: ["inet6"],
            ...(mode === "0" ? { coalesceMs: 0 } : {})
          })
          stats = sub.stats
          process.stdout.write("READY\n")
          yield* Stream.runForEachArray(sub.events, (chunk) =>
            Effect.sync(() => {
              const now = process.hrtime.bigint()
              for (const e of chunk) {
                if (!Events.isChange(e)) continue
                const t = timeOf(e)
                if (t !== undefined) keep(t, now)
              }
            })
          )
        })
  await Effect.runPromise(Effect.scoped(program).pipe(Effect.provide(Netlink.layer)) as Effect.Effect<void>)
}

// ---------------------------------------------------------------------------
// the workload

interface Phase {
  readonly first: number
  readonly last: number
  readonly sent: number
  /** The times of the link changes (the trickle's every third change). */
  readonly links: ReadonlyArray<number>
}

interface Row {
  readonly peer: string
  readonly phase: "trickle" | "burst"
  readonly sent: number
  readonly received: number
  readonly lost: number
  readonly p50Us: number | undefined
  readonly p99Us: number | undefined
  readonly maxUs: number | undefined
}

const log = (s: string) => process.stderr.write(`${s}\n`)
const ip = (ns: string, ...args: Array<string>) => execFileSync("ip", ["-n", ns, ...args], { stdio: "pipe" })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const fresh = (out: string, source: string) =>
  fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(source).mtimeMs

const buildMaker = (): void => {
  fs.mkdirSync(BUILD, { recursive: true })
  if (!fresh(MAKER, SOURCE)) execFileSync("gcc", ["-O2", "-Wall", "-o", MAKER, SOURCE], { stdio: "inherit" })
}

/** The Go listener, built as the W4 Go peer is (GOPATH mode, Debian's packages, nothing downloaded); whether it is there. */
const buildGo = (): boolean => {
  if (fresh(GO_LISTENER, GO_SOURCE)) return true
  try {
    execFileSync("go", ["build", "-o", GO_LISTENER, GO_SOURCE], {
      cwd: path.dirname(GO_SOURCE),
      stdio: "inherit",
      env: {
        ...process.env,
        GO111MODULE: "off",
        GOPATH: "/usr/share/gocode",
        GOPROXY: "off",
        GOFLAGS: "",
        GOCACHE: path.join(BUILD, "gocache")
      }
    })
    return true
  } catch {
    log("  go listener: not built (run bench/peers/go/build.sh first)")
    return false
  }
}

/** The Rust peer, built by its script when its source is newer (cargo, offline, Debian's crates); whether it is there. */
const buildRust = (): boolean => {
  if (fresh(RUST, path.join(BENCH, "peers", "rust", "src", "main.rs"))) return true
  try {
    execFileSync("sh", [path.join(BENCH, "peers", "rust", "build.sh")], { stdio: "inherit" })
    return fs.existsSync(RUST)
  } catch {
    log("  rust listener: not built (bench/peers/rust/build.sh failed)")
    return false
  }
}

const makeNamespace = (): string => {
  const ns = `nlb-lat-${randomBytes(4).toString("hex")}`
  execFileSync("ip", ["netns", "add", ns])
  // no IPv6 autoconf: the only objects that appear are the changes
  for (const k of ["default", "all"]) {
    execFileSync("ip", ["netns", "exec", ns, "sysctl", "-qw", `net.ipv6.conf.${k}.addr_gen_mode=1`])
    execFileSync("ip", ["netns", "exec", ns, "sysctl", "-qw", `net.ipv6.conf.${k}.accept_dad=0`])
  }
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
  for (const d of ["d0", "d1", "d3"]) ip(ns, "link", "set", d, "up")
  return ns
}

/** Removes what a consumer's run added (quietly: the next consumer starts after it). */
const clean = (ns: string): void => {
  ip(ns, "-6", "addr", "flush", "dev", "d0")
  ip(ns, "-6", "route", "flush", "proto", "static")
  // up: a down link's alias change is not notified (the kernel tells only of up devices' state)
  ip(ns, "link", "set", "d2", "up", "alias", "x")
}

/** Runs the change maker without blocking this process (it reads `ip monitor`'s output meanwhile). */
const runMaker = (ns: string, ...args: Array<string>): Promise<Phase> =>
  new Promise((resolve, reject) =>
    execFile("ip", ["netns", "exec", ns, MAKER, "change", "d0", "d2", ...args], (error, stdout) =>
      error !== null ? reject(error) : resolve(JSON.parse(stdout))
    )
  )

interface Consumer {
  readonly name: string
  readonly label: string
  /** Starts it; resolves once it listens. */
  readonly start: (ns: string) => Promise<{ stop: () => Promise<Array<[number, number]>> }>
}

/** A program that prints READY when listening and its samples as JSON on SIGTERM. */
const program =
  (argv: ReadonlyArray<string>) =>
  (ns: string): Promise<{ stop: () => Promise<Array<[number, number]>> }> =>
    new Promise((resolve, reject) => {
      const child: ChildProcess = spawn("ip", ["netns", "exec", ns, ...argv], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      let out = ""
      let ready = false
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString()
        if (!ready && out.includes("READY\n")) {
          ready = true
          resolve({
            stop: () =>
              new Promise((res) => {
                child.on("close", () => {
                  const last = JSON.parse(out.trim().split("\n").at(-1) ?? "{}")
                  if (last.stats !== undefined) log(`  ${argv.at(-1)}: ${JSON.stringify(last.stats)}`)
                  res(last.samples ?? [])
                })
                child.kill("SIGTERM")
              })
          })
        }
      })
      child.on("error", reject)
      child.on("close", (code) => {
        if (!ready) reject(new Error(`${argv.join(" ")} exited ${code} before listening`))
      })
    })

/** `ip monitor`, its lines timestamped as they reach this process. */
const ipMonitor = (ns: string): Promise<{ stop: () => Promise<Array<[number, number]>> }> =>
  new Promise((resolve) => {
    // line-buffered: ip writes to a pipe through stdio, which would otherwise hold lines back
    const child = spawn("stdbuf", ["-oL", "ip", "-n", ns, "-o", "monitor", "link", "address", "route"], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    const samples: Array<[number, number]> = []
    let rest = ""
    child.stdout.on("data", (d: Buffer) => {
      const now = process.hrtime.bigint()
      const lines = (rest + d.toString()).split("\n")
      rest = lines.pop() ?? ""
      for (const line of lines) {
        if (line.startsWith("Deleted")) continue
        let t: bigint | undefined
        const a = /inet6 (2001:db8:a:\S+)/.exec(line)
        const r = /^(2001:db8:b:\S+)/.exec(line)
        const l = /alias t(\d+)/.exec(line)
        if (a !== null) t = timeIn(a[1], 0xa)
        else if (r !== null) t = timeIn(r[1], 0xb)
        else if (l !== null) t = BigInt(l[1])
        if (t !== undefined) samples.push([Number(t), Number(now - t)])
      }
    })
    // ip monitor prints nothing when it starts: give it a moment to join the groups
    setTimeout(
      () =>
        resolve({
          stop: () =>
            new Promise((res) => {
              child.on("close", () => res(samples))
              child.kill("SIGTERM")
            })
        }),
      300
    )
  })

const SELF = new URL(import.meta.url).pathname
const CONSUMERS: ReadonlyArray<Consumer> = [
  { name: "c", label: "C (poll + recv)", start: program([MAKER, "listen"]) },
  { name: "iproute2", label: "ip monitor (via pipe)", start: ipMonitor },
  { name: "go", label: "Go vishvananda/netlink", start: program([GO_LISTENER]) },
  { name: "rust", label: "Rust rtnetlink", start: program([RUST, "latency"]) },
  {
    name: "pyroute2",
    label: "pyroute2",
    start: program(["/usr/bin/python3", path.join(BENCH, "peers", "pyroute2", "latency.py")])
  },
  { name: "nlink-0", label: "nlink coalesceMs 0", start: program([process.execPath, SELF, "listen", "0"]) },
  {
    name: "nlink",
    label: "nlink default coalesceMs",
    start: program([process.execPath, SELF, "listen", "default"])
  },
  {
    name: "nlink-watch",
    label: "nlink Watch snapshot",
    start: program([process.execPath, SELF, "listen", "watch"])
  }
]

const percentile = (sorted: ReadonlyArray<number>, p: number): number | undefined =>
  sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

const rowOf = (
  peer: string,
  phase: "trickle" | "burst",
  range: Phase,
  samples: Array<[number, number]>,
  withLinks: boolean
): Row => {
  // one sample per change (a consumer may be told twice, e.g. a link's state in two messages)
  const seen = new Map<number, number>()
  for (const [t, l] of samples) if (t >= range.first && t <= range.last && !seen.has(t)) seen.set(t, l)
  const sent = withLinks ? range.sent : range.sent - range.links.length
  const us = [...seen.values()].map((ns) => ns / 1000).sort((a, b) => a - b)
  return {
    peer,
    phase,
    sent,
    received: us.length,
    lost: sent - us.length,
    p50Us: percentile(us, 0.5),
    p99Us: percentile(us, 0.99),
    maxUs: us.at(-1)
  }
}

const fmt = (x: number | undefined) => (x === undefined ? "-" : x >= 10_000 ? x.toFixed(0) : x.toFixed(1))

export const run = async (only?: ReadonlyArray<string>): Promise<Array<Row>> => {
  buildMaker()
  const go = buildGo()
  const rust = only === undefined || only.includes("rust") ? buildRust() : false
  const ns = makeNamespace()
  const rows: Array<Row> = []
  try {
    for (const c of CONSUMERS) {
      if (only !== undefined && !only.includes(c.name)) continue
      if (c.name === "go" && !go) continue
      if (c.name === "rust" && !rust) continue
      clean(ns)
      await sleep(200)
      const listener = await c.start(ns)
      const trickle = await runMaker(ns, "trickle", String(RATE), String(TRICKLE))
      await sleep(300)
      const burst = await runMaker(ns, "burst", String(BURST))
      await sleep(SETTLE_MS)
      const samples = await listener.stop()
      // the samples' times are 64-bit nanoseconds: exact in a double up to 104 days of uptime
      // ip monitor does not print a link's alias, so its link changes cannot be timed
      const links = c.name !== "iproute2"
      rows.push(
        rowOf(c.name, "trickle", trickle, samples, links),
        rowOf(c.name, "burst", burst, samples, links)
      )
      const [t, b] = rows.slice(-2)
      log(
        `  ${c.label.padEnd(26)} trickle p50 ${fmt(t.p50Us)} p99 ${fmt(t.p99Us)} max ${fmt(t.maxUs)} µs lost ${t.lost}` +
          ` | burst p50 ${fmt(b.p50Us)} p99 ${fmt(b.p99Us)} max ${fmt(b.maxUs)} µs lost ${b.lost}`
      )
    }
  } finally {
    execFileSync("ip", ["netns", "del", ns])
  }
  return rows
}

const [mode, arg] = process.argv.slice(2)
if (mode === "listen") await listen(arg ?? "default")
else if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--peer")
  const only = i >= 0 ? process.argv[i + 1]?.split(",") : undefined
  log(
    `== latency: ${TRICKLE} changes at ${RATE}/s (address, route, link in turn), then ${BURST} route adds back to back`
  )
  const rows = await run(only)
  process.stdout.write(`${JSON.stringify({ rate: RATE, trickle: TRICKLE, burst: BURST, rows })}\n`)
}
