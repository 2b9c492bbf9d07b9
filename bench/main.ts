/**
 * `npm run bench [-- FLAGS]`: nlink side by side with the near-kernel C
 * reference and iproute2 (and with --peers: Rust rtnetlink, Go
 * vishvananda/netlink, pyroute2, npm `netlink`), each workload in its own
 * fresh network namespace, several runs each, ratios to the C reference.
 *
 * Flags:
 *   --peers            build (if missing) and run every peer
 *   --large            add W1L: the 1M-route dump consumed as a stream
 *   --runs N           runs per workload and peer (default 5)
 *   --large-runs N     runs of W1L (default min(runs, 3): pyroute2 needs ~1 min per run)
 *   --only W1,W2,...   workloads: setup,w1,w1l,w2,w3,w4,wireguard,startup,tcf-add,tcf-dump,tc-dump,tc-add,
 *                      apply,latency (wireguard: bench/wireguard.ts, by default when the kernel has
 *                      WireGuard; startup: the `nlink show` command beside `ip -br addr`; tcf-*:
 *                      bench/tc-filter.ts; tc-dump, tc-add: bench/tc.ts; apply: bench/apply.ts;
 *                      latency: bench/latency.ts)
 *   --peer NAME,...    run only these peers (nlink and c are always kept)
 *   --no-save          do not write bench/results/<date>.json
 *
 * Every program runs under bench/.build/runstat, which enters the namespace
 * and reports whole-process wall time, peak RSS and CPU; the programs report
 * in-process numbers (the library call alone) as one JSON line.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import { stripTypeScriptTypes } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { tcFilterAddWorkload, tcFilterDumpWorkload } from "./tc-filter.ts"
import { tcWorkloads } from "./tc.ts"
import { wireguardWorkload } from "./wireguard.ts"

const BENCH = path.dirname(new URL(import.meta.url).pathname)
const ROOT = path.dirname(BENCH)
const BUILD = path.join(BENCH, ".build")
const RUNSTAT = path.join(BUILD, "runstat")
const NLINK_PROGRAM = path.join(BUILD, "nlink-run.mjs")
const FROM_SOURCES = process.env.NLINK_BENCH_SRC === "1"
const NODE = process.execPath
/** The `nlink` command as installed: dist/cli/bin.js, the bundled CLI (NLINK_BENCH_SRC=1: the sources). */
const NLINK_SHOW = [NODE, path.join(ROOT, FROM_SOURCES ? "src/cli/bin.ts" : "dist/cli/bin.js"), "show"]
const PY = "/usr/bin/python3"

// ---------------------------------------------------------------------------
// flags

const argv = process.argv.slice(2)
const flag = (name: string): boolean => argv.includes(name)
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}
const withPeers = flag("--peers")
const large = flag("--large") || option("--only")?.split(",").includes("w1l") === true
const RUNS = Number(option("--runs") ?? 5)
const LARGE_RUNS = Number(option("--large-runs") ?? Math.min(RUNS, 3))
const ONLY = option("--only")?.split(",")
const PEER_FILTER = option("--peer")?.split(",")
const SAVE = !flag("--no-save")

const ROUTES = Number(process.env.BENCH_ROUTES ?? 100_000)
const ROUTES_LARGE = Number(process.env.BENCH_ROUTES_LARGE ?? 1_000_000)
const VETH_PAIRS = Number(process.env.BENCH_VETH_PAIRS ?? 2000)
const ADDRS = Number(process.env.BENCH_ADDRS ?? 1000)
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000)
const APPLY_BRIDGES = Number(process.env.BENCH_APPLY_BRIDGES ?? 1000)
const APPLY_RUNS = Math.min(RUNS, 3)

// ---------------------------------------------------------------------------
// peers

type Workload =
  | "setup"
  | "w1"
  | "w1l"
  | "w2"
  | "w3"
  | "w4"
  | "wireguard"
  | "startup"
  | "tcf-add"
  | "tcf-dump"
  | "tc-dump"
  | "tc-add"

interface Peer {
  readonly name: string
  readonly label: string
  /** Script that installs/builds it; exit 0 when ready. */
  readonly build?: string
  /** Present without building? */
  readonly ready: () => boolean
  /** argv for a workload, or undefined when the peer has no such operation. */
  readonly command: (w: Workload, ns: string) => ReadonlyArray<string> | undefined
  /** Whether the program reports in-process numbers (else whole-process is used). */
  readonly inProcess: boolean
  readonly optional: boolean
}

const exists = (p: string): boolean => fs.existsSync(p)
const standard =
  (prefix: ReadonlyArray<string>) =>
  (w: Workload): ReadonlyArray<string> | undefined => {
    switch (w) {
      case "setup":
        return [...prefix, "setup"]
      case "w1":
        return [...prefix, "w1"]
      case "w1l":
        return [...prefix, "w1", "stream"]
      case "w2":
        return [...prefix, "w2"]
      case "w3":
        return [...prefix, "w3", "d0", String(ADDRS)]
      case "w4":
        return [...prefix, "w4", String(EVENTS)]
      default:
        return undefined
    }
  }

const PEERS: ReadonlyArray<Peer> = [
  {
    name: "c",
    label: "C (raw sockets)",
    build: "peers/c/build.sh",
    ready: () => exists(path.join(BUILD, "nlref")) && exists(RUNSTAT),
    command: standard([path.join(BUILD, "nlref")]),
    inProcess: true,
    optional: false
  },
  {
    name: "nlink",
    label: "nlink",
    // As published: the compiled dist/ (see buildNlink); NLINK_BENCH_SRC=1 runs the .ts sources.
    ready: () => FROM_SOURCES || exists(NLINK_PROGRAM),
    build: FROM_SOURCES ? undefined : "nlink",
    command: standard([NODE, FROM_SOURCES ? path.join(BENCH, "nlink", "run.ts") : NLINK_PROGRAM]),
    inProcess: true,
    optional: false
  },
  {
    name: "iproute2",
    label: "iproute2 ip",
    build: "peers/iproute2/build.sh",
    ready: () => exists("/usr/sbin/ip") || exists("/sbin/ip"),
    command: (w, ns) => {
      switch (w) {
        case "w1":
        case "w1l":
          return ["ip", "-j", "route", "show", "table", "all"]
        case "w2":
          return ["ip", "-j", "link", "show"]
        case "w3":
          return ["ip", "-batch", batchFile(ns, "w3")]
        case "w4":
          return ["ip", "-o", "monitor", "address"]
        default:
          return undefined
      }
    },
    inProcess: false,
    optional: false
  },
  {
    name: "rust",
    label: "Rust rtnetlink",
    build: "peers/rust/build.sh",
    ready: () => exists(path.join(BUILD, "rtnl-bench")),
    command: standard([path.join(BUILD, "rtnl-bench")]),
    inProcess: true,
    optional: true
  },
  {
    name: "go",
    label: "Go vishvananda/netlink",
    build: "peers/go/build.sh",
    ready: () => exists(path.join(BUILD, "vnl-bench")),
    command: standard([path.join(BUILD, "vnl-bench")]),
    inProcess: true,
    optional: true
  },
  {
    name: "pyroute2",
    label: "pyroute2",
    build: "peers/pyroute2/build.sh",
    ready: () => exists(PY) && spawnOk(PY, ["-c", "import pyroute2"]),
    command: standard([PY, path.join(BENCH, "peers", "pyroute2", "bench.py")]),
    inProcess: true,
    optional: true
  },
  {
    name: "npm-netlink",
    label: "npm netlink",
    build: "peers/npm-netlink/build.sh",
    ready: () => exists(path.join(BENCH, "peers", "npm-netlink", "node_modules", "netlink")),
    command: standard([NODE, path.join(BENCH, "peers", "npm-netlink", "bench.mjs")]),
    inProcess: true,
    optional: true
  }
]

function spawnOk(cmd: string, args: ReadonlyArray<string>): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------
// namespaces

const sh = (cmd: string, args: ReadonlyArray<string>, input?: string): string =>
  execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 1 << 28 })

const ip = (ns: string, ...args: Array<string>): string => sh("ip", ["-n", ns, ...args])

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "nlink-bench-"))
const namespaces = new Set<string>()

const batchFile = (ns: string, tag: string): string => path.join(TMP, `${ns}-${tag}.batch`)

const writeBatch = (file: string, lines: Iterable<string>): void => {
  const out: Array<string> = []
  for (const l of lines) out.push(l)
  fs.writeFileSync(file, `${out.join("\n")}\n`)
}

const timed = <A>(f: () => A): [A, number] => {
  const t0 = performance.now()
  const a = f()
  return [a, performance.now() - t0]
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i
}

const ipv4 = (base: number, i: number): string => {
  const v = base + i
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
}

/** A fresh namespace with lo up and a veth pair d0/d1, both up. */
const createNamespace = (tag: string): string => {
  const ns = `nlb-${process.pid}-${tag}`
  sh("ip", ["netns", "add", ns])
  namespaces.add(ns)
  ip(ns, "link", "set", "lo", "up")
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
  return ns
}

const removeNamespace = (ns: string): void => {
  try {
    sh("ip", ["netns", "del", ns])
  } catch {}
  namespaces.delete(ns)
}

const cleanup = (): void => {
  for (const ns of [...namespaces]) removeNamespace(ns)
  fs.rmSync(TMP, { recursive: true, force: true })
}
process.on("exit", cleanup)
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    cleanup()
    process.exit(130)
  })

const populateRoutes = (ns: string, n: number): number => {
  const file = batchFile(ns, "routes")
  writeBatch(
    file,
    (function* () {
      for (const i of range(n)) yield `route add ${ipv4(0x0a000000, i)}/32 dev d0`
    })()
  )
  const [, ms] = timed(() => ip(ns, "-batch", file))
  fs.rmSync(file)
  return ms
}

const populateLinks = (ns: string, pairs: number): number => {
  const file = batchFile(ns, "links")
  writeBatch(
    file,
    (function* () {
      for (const i of range(pairs)) yield `link add v${i}a type veth peer name v${i}b`
    })()
  )
  const [, ms] = timed(() => ip(ns, "-batch", file))
  fs.rmSync(file)
  return ms
}

// ---------------------------------------------------------------------------
// running one program

interface Sample {
  readonly ok: boolean
  readonly error?: string
  /** The program's own JSON line (in-process numbers). */
  readonly result: Record<string, any>
  /** runstat's whole-process numbers. */
  readonly wallMs: number
  readonly maxRssKb: number
  readonly cpuMs: number
  readonly stdoutLines: number
}

interface RunOptions {
  /** Called once the program is listening (W4). */
  readonly onReady?: () => Promise<void>
  /** The program never prints READY: call onReady after this many ms. */
  readonly readyAfterMs?: number
  /** Stop the program when this returns true (checked on each stdout line). */
  readonly stopWhen?: (lines: number) => boolean
  /** Kill the program after this many ms. */
  readonly timeoutMs?: number
  /** Discard stdout (large outputs such as `ip -j`). */
  readonly discardStdout?: boolean
  readonly countLine?: (line: string) => boolean
}

const runProgram = (ns: string, cmd: ReadonlyArray<string>, options: RunOptions = {}): Promise<Sample> =>
  new Promise((resolve) => {
    const out = path.join(TMP, `runstat-${Math.random().toString(36).slice(2)}.json`)
    const devnull = options.discardStdout ? fs.openSync("/dev/null", "w") : undefined
    const child: ChildProcess = spawn(RUNSTAT, [out, `/run/netns/${ns}`, ...cmd], {
      stdio: ["ignore", devnull ?? "pipe", "pipe"],
      cwd: ROOT
    })
    let stdout = ""
    let stderr = ""
    let lines = 0
    let ready = false
    let stopTimer: NodeJS.Timeout | undefined
    let idleTimer: NodeJS.Timeout | undefined
    const stop = () => {
      if (child.exitCode === null) child.kill("SIGTERM")
    }
    const fireReady = () => {
      if (ready) return
      ready = true
      options.onReady?.().then(
        () => {
          // The adder finished: give the listener a moment past its last line.
          if (options.stopWhen !== undefined) {
            const check = () => {
              idleTimer = setTimeout(() => {
                if (performance.now() - lastLine > 2000) stop()
                else check()
              }, 250)
            }
            check()
          }
        },
        (e) => {
          stderr += String(e)
          stop()
        }
      )
    }
    let lastLine = performance.now()
    child.stdout?.setEncoding("utf8")
    child.stdout?.on("data", (d: string) => {
      stdout += d
      let nl = stdout.indexOf("\n")
      while (nl >= 0) {
        const line = stdout.slice(0, nl)
        stdout = stdout.slice(nl + 1)
        if (line === "READY") fireReady()
        else if (line.startsWith("{")) lastJson = line
        else if (options.countLine === undefined || options.countLine(line)) {
          lines++
          lastLine = performance.now()
          if (options.stopWhen?.(lines)) stop()
        }
        nl = stdout.indexOf("\n")
      }
    })
    let lastJson = ""
    child.stderr?.setEncoding("utf8")
    child.stderr?.on("data", (d: string) => {
      stderr += d
    })
    if (options.readyAfterMs !== undefined) setTimeout(fireReady, options.readyAfterMs)
    if (options.timeoutMs !== undefined) stopTimer = setTimeout(stop, options.timeoutMs)
    child.on("close", () => {
      if (stopTimer) clearTimeout(stopTimer)
      if (idleTimer) clearTimeout(idleTimer)
      if (devnull !== undefined) fs.closeSync(devnull)
      if (stdout.startsWith("{")) lastJson = stdout.trim()
      let stat: any = {}
      try {
        stat = JSON.parse(fs.readFileSync(out, "utf8"))
        fs.rmSync(out)
      } catch {}
      let result: Record<string, any> = {}
      let error: string | undefined
      try {
        if (lastJson !== "") result = JSON.parse(lastJson)
      } catch {
        error = `bad output: ${lastJson.slice(0, 200)}`
      }
      const killedByUs = stat.signal === 15
      if (stat.exit !== 0 && !killedByUs)
        error = `exit ${stat.exit} signal ${stat.signal}: ${stderr.trim().slice(-400)}`
      resolve({
        ok: error === undefined,
        error,
        result,
        wallMs: stat.wallMs ?? Number.NaN,
        maxRssKb: stat.maxRssKb ?? Number.NaN,
        cpuMs: (stat.userMs ?? Number.NaN) + (stat.sysMs ?? Number.NaN),
        stdoutLines: lines
      })
    })
  })

// ---------------------------------------------------------------------------
// statistics and the table

interface Stat {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly n: number
}

const stat = (xs: ReadonlyArray<number>): Stat | undefined => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return undefined
  const mid = v.length >> 1
  const median = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2
  return { median, min: v[0], max: v[v.length - 1], n: v.length }
}

interface Row {
  readonly workload: string
  readonly peer: string
  readonly metrics: Record<string, Stat | undefined>
  readonly extra: Record<string, unknown>
  readonly errors: ReadonlyArray<string>
}

const rows: Array<Row> = []

const fmt = (x: number | undefined, digits = 1): string =>
  x === undefined || !Number.isFinite(x) ? "—" : x >= 1000 ? x.toFixed(0) : x.toFixed(digits)
const fmtStat = (s: Stat | undefined, digits = 1): string =>
  s === undefined ? "—" : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`

// ---------------------------------------------------------------------------
// workloads

type Collect = (peer: Peer, s: Sample) => Record<string, number>

interface WorkloadDef {
  readonly id: Workload
  readonly title: string
  readonly prepare: () => { ns: string; info: Record<string, unknown> }
  readonly collect: Collect
  readonly options?: (peer: Peer, ns: string) => RunOptions
  readonly afterRun?: (ns: string) => void
  /** Peers of its own instead of the harness's (the WireGuard row: nlink and wg). */
  readonly peers?: ReadonlyArray<Peer>
  /** The peer ratios are to (default the C reference). */
  readonly base?: string
  /** Why it cannot run on this machine, if it cannot. */
  readonly unavailable?: () => string | undefined
}

const inProc = (peer: Peer, s: Sample, key = "ms"): number =>
  peer.inProcess && typeof s.result[key] === "number" ? s.result[key] : s.wallMs

// A program that goes on to a warm call reports its peak RSS up to the end of the cold one.
const coldPeakKb = (s: Sample): number =>
  typeof s.result.peakRssKb === "number" && typeof s.result.warmMs === "number"
    ? s.result.peakRssKb
    : s.maxRssKb

const dumpCollect: Collect = (peer, s) => ({
  inProcessMs: inProc(peer, s),
  warmMs: typeof s.result.warmMs === "number" ? s.result.warmMs : Number.NaN,
  wallMs: s.wallMs,
  peakRssMb: coldPeakKb(s) / 1024,
  count: typeof s.result.count === "number" ? s.result.count : Number.NaN,
  stallMs: typeof s.result.stallMs === "number" ? s.result.stallMs : Number.NaN
})

const WORKLOADS: ReadonlyArray<WorkloadDef> = [
  {
    id: "setup",
    title: "connection set-up (first, then mean of 1000)",
    prepare: () => ({ ns: createNamespace("setup"), info: {} }),
    collect: (_p, s) => ({ firstUs: s.result.firstUs, meanUs: s.result.meanUs, wallMs: s.wallMs })
  },
  {
    id: "w1",
    title: `W1 dump ${ROUTES} IPv4 routes (table all) into typed objects`,
    prepare: () => {
      const ns = createNamespace("w1")
      return { ns, info: { populateMs: populateRoutes(ns, ROUTES) } }
    },
    collect: dumpCollect,
    options: (p) => ({ discardStdout: p.name === "iproute2", timeoutMs: 300_000 })
  },
  {
    id: "w1l",
    title: `W1L dump ${ROUTES_LARGE} IPv4 routes as a stream (peak RSS)`,
    prepare: () => {
      const ns = createNamespace("w1l")
      return { ns, info: { populateMs: populateRoutes(ns, ROUTES_LARGE) } }
    },
    collect: dumpCollect,
    options: (p) => ({ discardStdout: p.name === "iproute2", timeoutMs: 600_000 })
  },
  {
    id: "w2",
    title: `W2 dump ${VETH_PAIRS * 2} links (veth pairs)`,
    prepare: () => {
      const ns = createNamespace("w2")
      return { ns, info: { populateMs: populateLinks(ns, VETH_PAIRS) } }
    },
    collect: dumpCollect,
    options: (p) => ({ discardStdout: p.name === "iproute2", timeoutMs: 300_000 })
  },
  {
    id: "w3",
    title: `W3 add+delete ${ADDRS} IPv4 addresses, one request+ack at a time`,
    prepare: () => {
      const ns = createNamespace("w3")
      // iproute2's batch: the same addresses the other programs use.
      writeBatch(
        batchFile(ns, "w3"),
        (function* () {
          for (const i of range(ADDRS)) yield `addr add ${ipv4(0x0ac80000, i + 1)}/32 dev d0`
          for (const i of range(ADDRS)) yield `addr del ${ipv4(0x0ac80000, i + 1)}/32 dev d0`
        })()
      )
      return { ns, info: {} }
    },
    collect: (peer, s) => {
      const ms = inProc(peer, s)
      const ops = typeof s.result.ops === "number" ? s.result.ops : 2 * ADDRS
      const warm = typeof s.result.warmMs === "number" ? (ops / s.result.warmMs) * 1000 : Number.NaN
      return {
        inProcessMs: ms,
        opsPerSec: (ops / ms) * 1000,
        warmOpsPerSec: warm,
        wallMs: s.wallMs,
        peakRssMb: s.maxRssKb / 1024
      }
    },
    options: (p) => ({ discardStdout: p.name === "iproute2", timeoutMs: 300_000 }),
    afterRun: (ns) => {
      // A failed run may leave addresses behind; the next run must start clean.
      try {
        ip(ns, "addr", "flush", "dev", "d0")
      } catch {}
    }
  },
  {
    id: "w4",
    title: `W4 events while another process adds ${EVENTS} addresses`,
    prepare: () => {
      const ns = createNamespace("w4")
      writeBatch(
        batchFile(ns, "w4-add"),
        (function* () {
          for (const i of range(EVENTS)) yield `addr add ${ipv4(0x0a640000, i + 1)}/32 dev d0`
        })()
      )
      return { ns, info: {} }
    },
    collect: (peer, s) => {
      const received = peer.name === "iproute2" ? s.stdoutLines : s.result.received
      const cpuMs = peer.inProcess && typeof s.result.cpuUs === "number" ? s.result.cpuUs / 1000 : s.cpuMs
      return {
        received,
        lost: EVENTS - received,
        overruns: s.result.overruns ?? Number.NaN,
        cpuUsPerEvent: (cpuMs * 1000) / Math.max(1, received),
        wallMs: s.wallMs,
        peakRssMb: s.maxRssKb / 1024
      }
    },
    options: (peer, ns) => ({
      timeoutMs: 120_000,
      readyAfterMs: peer.name === "iproute2" ? 300 : undefined,
      onReady: async () => {
        await new Promise<void>((resolve, reject) => {
          const adder = spawn("ip", ["-n", ns, "-batch", batchFile(ns, "w4-add")], { stdio: "ignore" })
          adder.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`adder exit ${code}`))))
        })
      },
      countLine:
        peer.name === "iproute2" ? (l) => l.includes(" inet ") && !l.startsWith("Deleted") : undefined,
      stopWhen: peer.name === "iproute2" ? (n) => n >= EVENTS : undefined
    }),
    afterRun: (ns) => {
      try {
        ip(ns, "addr", "flush", "dev", "d0")
      } catch {}
    }
  },
  wireguardWorkload({ createNamespace, ip, removeNamespace, dir: TMP, node: NODE }),
  {
    id: "startup",
    title: "start-up: `nlink show` beside `ip -br addr` (whole process)",
    prepare: () => {
      const ns = createNamespace("startup")
      ip(ns, "addr", "add", "10.0.0.1/24", "dev", "d0")
      ip(ns, "addr", "add", "fd00::1/64", "dev", "d0")
      // A user's second start: Node's compile cache (turned on by the bin) is filled.
      execFileSync("ip", ["netns", "exec", ns, ...NLINK_SHOW], { stdio: "ignore" })
      return { ns, info: {} }
    },
    peers: [
      {
        name: "nlink",
        label: "nlink show",
        ready: () => true,
        command: () => NLINK_SHOW,
        inProcess: false,
        optional: false
      },
      {
        name: "iproute2",
        label: "ip -br addr",
        ready: () => true,
        command: () => ["ip", "-br", "addr"],
        inProcess: false,
        optional: false
      }
    ],
    base: "iproute2",
    collect: (_p, s) => ({ wallMs: s.wallMs, cpuMs: s.cpuMs, peakRssMb: s.maxRssKb / 1024 }),
    options: () => ({ discardStdout: true, timeoutMs: 60_000 })
  },
  tcFilterAddWorkload({ createNamespace, ip, removeNamespace, dir: TMP, node: NODE }),
  tcFilterDumpWorkload({ createNamespace, ip, removeNamespace, dir: TMP, node: NODE }),
  ...tcWorkloads({ createNamespace, ip, removeNamespace, dir: TMP, node: NODE })
]

// ---------------------------------------------------------------------------
// main

const log = (s: string): void => {
  process.stderr.write(`${s}\n`)
}

/**
 * nlink runs as users get it: `npm run build` (dist/, plain JS), and the
 * bench program with its types stripped and its imports pointed at dist/.
 * Running the .ts sources instead costs ~30 MB RSS and start-up time for
 * Node's TypeScript stripper, which no installed package pays.
 */
const buildNlink = (): void => {
  execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] })
  const source = fs.readFileSync(path.join(BENCH, "nlink", "run.ts"), "utf8")
  const dist = new URL(`file://${path.join(ROOT, "dist")}/`).href
  const js = stripTypeScriptTypes(source).replaceAll(/"\.\.\/\.\.\/src\/([^"]+)\.ts"/g, (_m, p: string) =>
    JSON.stringify(`${dist}${p}.js`)
  )
  if (js.includes("/src/")) throw new Error("bench/nlink/run.ts: an import was not pointed at dist/")
  fs.mkdirSync(BUILD, { recursive: true })
  fs.writeFileSync(NLINK_PROGRAM, js)
}

const buildPeers = (peers: ReadonlyArray<Peer>): Map<string, string> => {
  const unavailable = new Map<string, string>()
  for (const p of peers) {
    if (p.name === "nlink" && p.build !== undefined) {
      const [, ms] = timed(buildNlink)
      log(`built nlink (dist/ and ${path.relative(ROOT, NLINK_PROGRAM)}) in ${(ms / 1000).toFixed(1)} s`)
      continue
    }
    if (p.ready()) continue
    if (p.build === undefined) {
      unavailable.set(p.name, "not installed")
      continue
    }
    log(`building ${p.name} (${p.build}) ...`)
    const [r, ms] = timed(() => {
      try {
        execFileSync("sh", [path.join(BENCH, p.build!)], { stdio: ["ignore", "inherit", "inherit"] })
        return undefined
      } catch (e) {
        return String((e as Error).message).split("\n")[0]
      }
    })
    if (r !== undefined || !p.ready()) unavailable.set(p.name, r ?? "build did not produce the program")
    else log(`built ${p.name} in ${(ms / 1000).toFixed(1)} s`)
  }
  return unavailable
}

const main = async (): Promise<void> => {
  const t0 = performance.now()
  if (process.getuid?.() !== 0) {
    log("bench: needs root (network namespaces)")
    process.exit(1)
  }
  let peers = PEERS.filter((p) => withPeers || !p.optional)
  if (PEER_FILTER !== undefined)
    peers = peers.filter((p) => p.name === "c" || p.name === "nlink" || PEER_FILTER.includes(p.name))
  const unavailable = buildPeers(peers)
  for (const [name, why] of unavailable) log(`peer ${name} unavailable: ${why}`)
  if (unavailable.has("c")) throw new Error("the C reference did not build")
  const active = peers.filter((p) => !unavailable.has(p.name))
  const buildMs = performance.now() - t0

  const workloads = WORKLOADS.filter((w) =>
    ONLY !== undefined ? ONLY.includes(w.id) : w.id !== "w1l" || large
  )
  const info: Record<string, unknown> = {}
  for (const w of workloads) {
    log(`== ${w.title}`)
    const why = w.unavailable?.()
    if (why !== undefined) {
      log(`   skipped: ${why}`)
      continue
    }
    const wPeers = w.peers ?? active
    const started = performance.now()
    const [{ ns, info: wi }, prepMs] = timed(() => w.prepare())
    info[w.id] = { ...wi, prepareMs: prepMs }
    log(`   namespace ${ns} ready in ${(prepMs / 1000).toFixed(1)} s`)
    const samples = new Map<string, Array<Record<string, number>>>()
    const errors = new Map<string, Array<string>>()
    const extras = new Map<string, Record<string, unknown>>()
    try {
      // Runs interleave the peers so drift (other load, caches) hits all alike.
      const runs = w.id === "w1l" ? LARGE_RUNS : RUNS
      for (let r = 0; r < runs; r++) {
        for (const p of wPeers) {
          const cmd = p.command(w.id, ns)
          if (cmd === undefined) continue
          const s = await runProgram(ns, cmd, w.options?.(p, ns))
          w.afterRun?.(ns)
          if (!s.ok) {
            const list = errors.get(p.name) ?? []
            list.push(s.error ?? "failed")
            errors.set(p.name, list)
            log(`   ${p.name} run ${r + 1}: ${s.error}`)
            continue
          }
          const list = samples.get(p.name) ?? []
          list.push(w.collect(p, s))
          samples.set(p.name, list)
          if (typeof s.result.api === "string") extras.set(p.name, { api: s.result.api })
        }
      }
    } finally {
      removeNamespace(ns)
    }
    ;(info[w.id] as Record<string, unknown>).elapsedMs = performance.now() - started
    for (const p of wPeers) {
      if (p.command(w.id, ns) === undefined) continue
      const ss = samples.get(p.name) ?? []
      const keys = new Set(ss.flatMap((s) => Object.keys(s)))
      const metrics: Record<string, Stat | undefined> = {}
      for (const k of keys) metrics[k] = stat(ss.map((s) => s[k]))
      rows.push({
        workload: w.id,
        peer: p.name,
        metrics,
        extra: extras.get(p.name) ?? {},
        errors: errors.get(p.name) ?? []
      })
    }
    printWorkload(w, wPeers)
  }
  if (ONLY === undefined || ONLY.includes("apply")) runApply()
  if (ONLY === undefined || ONLY.includes("latency")) runLatency()
  const totalMs = performance.now() - t0
  const targets = evaluateTargets()
  printTargets(targets)
  log(`\nbench took ${(totalMs / 1000).toFixed(1)} s (peer builds ${(buildMs / 1000).toFixed(1)} s)`)
  if (SAVE) {
    fs.mkdirSync(path.join(BENCH, "results"), { recursive: true })
    const date = new Date().toISOString().slice(0, 10)
    const file = path.join(BENCH, "results", `${date}.json`)
    fs.writeFileSync(
      file,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: machine(),
          flags: argv,
          runs: RUNS,
          sizes: {
            routes: ROUTES,
            routesLarge: ROUTES_LARGE,
            links: VETH_PAIRS * 2,
            addresses: ADDRS,
            events: EVENTS
          },
          peers: Object.fromEntries(
            peers.map((p) => [
              p.name,
              unavailable.has(p.name) ? { unavailable: unavailable.get(p.name) } : { label: p.label }
            ])
          ),
          prepare: info,
          rows,
          targets,
          totalSeconds: totalMs / 1000,
          buildSeconds: buildMs / 1000
        },
        null,
        2
      )}\n`
    )
    log(`results: ${path.relative(ROOT, file)}`)
  }
}

/**
 * Event latency (bench/latency.ts: change → consumer under a trickle and a
 * burst, per peer; the program prints its own table).
 */
const runLatency = (): void => {
  log("== latency")
  try {
    const out = execFileSync(NODE, [path.join(BENCH, "latency.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"]
    })
    const j = JSON.parse(out.trim().split("\n").at(-1)!)
    const peers = new Map<string, Record<string, Stat | undefined>>()
    for (const r of j.rows) {
      const m = peers.get(r.peer) ?? {}
      for (const k of ["p50Us", "p99Us", "maxUs", "lost"]) m[`${r.phase}.${k}`] = stat([r[k]])
      peers.set(r.peer, m)
    }
    for (const [peer, metrics] of peers)
      rows.push({
        workload: "latency",
        peer,
        metrics,
        extra: { rate: j.rate, trickle: j.trickle, burst: j.burst },
        errors: []
      })
  } catch (e) {
    const error = String((e as Error).message).split("\n")[0]
    log(`   latency: ${error}`)
    rows.push({ workload: "latency", peer: "nlink", metrics: {}, extra: {}, errors: [error] })
  }
}

/**
 * Declarative apply at scale (bench/apply.ts: N bridges, each with a veth
 * port, a stacked link and an address, into an empty namespace; the same
 * apply again; a 1% change), beside `ip -batch` creating the same objects.
 * nlink runs from its sources here: the program is the whole apply.
 */
const runApply = (): void => {
  log(`== apply: ${APPLY_BRIDGES} bridges (${APPLY_BRIDGES * 5} objects)`)
  const samples: Array<Record<string, number>> = []
  const errors: Array<string> = []
  for (let r = 0; r < APPLY_RUNS; r++) {
    try {
      const out = execFileSync(NODE, [path.join(BENCH, "apply.ts"), String(APPLY_BRIDGES)], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"]
      })
      const j = JSON.parse(out.trim().split("\n").at(-1)!)
      if (j.firstApply.verified !== true || j.onePercent.verified !== true) throw new Error("not verified")
      samples.push({
        firstMs: j.firstApply.ms,
        noopMs: j.noopApply.ms,
        noopSteps: j.noopApply.steps,
        onePercentMs: j.onePercent.ms,
        ipBatchMs: j.ipBatch.ms
      })
    } catch (e) {
      errors.push(String((e as Error).message).split("\n")[0])
      log(`   apply run ${r + 1}: ${errors.at(-1)}`)
    }
  }
  const metrics: Record<string, Stat | undefined> = {}
  for (const k of ["firstMs", "noopMs", "noopSteps", "onePercentMs", "ipBatchMs"])
    metrics[k] = stat(samples.map((x) => x[k]))
  rows.push({ workload: "apply", peer: "nlink", metrics, extra: { bridges: APPLY_BRIDGES }, errors })
  const m = metrics
  const out = [
    "",
    `Apply ${APPLY_BRIDGES} bridges, ${APPLY_BRIDGES * 5} objects  (${APPLY_RUNS} runs; median (min–max))`,
    `  first apply ms           ${fmtStat(m.firstMs)}   × ip -batch ${fmt(ratio(m.firstMs?.median, m.ipBatchMs?.median), 2)}`,
    `  no-op apply ms           ${fmtStat(m.noopMs)}   (steps ${fmt(m.noopSteps?.max, 0)})`,
    `  1% change ms             ${fmtStat(m.onePercentMs)}`,
    `  ip -batch, same objects  ${fmtStat(m.ipBatchMs)}`
  ]
  if (errors.length > 0) out.push(`  (${errors.length} failed runs: ${errors[0]})`)
  process.stdout.write(`${out.join("\n")}\n`)
}

const machine = (): Record<string, unknown> => ({
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  kernel: os.release(),
  node: process.version,
  memoryGb: Math.round(os.totalmem() / 2 ** 30)
})

const cRow = (w: string, peer = "c") => rows.find((r) => r.workload === w && r.peer === peer)
const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b

const printWorkload = (w: WorkloadDef, active: ReadonlyArray<Peer>): void => {
  const out: Array<string> = []
  const wr = rows.filter((r) => r.workload === w.id)
  const c = cRow(w.id, w.base)
  const label = (name: string) => active.find((p) => p.name === name)?.label ?? name
  const pad = (s: string, n: number) => s.padEnd(n)
  out.push("")
  out.push(`${w.title}  (${w.id === "w1l" ? LARGE_RUNS : RUNS} runs; median (min–max))`)
  const cols =
    w.id === "setup"
      ? ["first µs", "mean µs", "× C (mean)"]
      : w.id === "startup"
        ? ["whole ms", "× ip whole", "CPU ms", "peak RSS MB"]
        : w.id === "w3"
          ? ["in-process ms", "ops/s", "× C ops/s", "warm ops/s", "× C warm", "whole ms", "peak RSS MB"]
          : w.id === "w4"
            ? ["received", "lost (max)", "CPU µs/event", "× C CPU", "peak RSS MB"]
            : [
                "count",
                "in-process ms",
                `× ${w.base ?? "C"}`,
                "warm ms",
                `× ${w.base ?? "C"} warm`,
                "whole ms",
                `× ${w.base ?? "C"} whole`,
                "peak RSS MB",
                "stall ms"
              ]
  out.push(`  ${pad("peer", 24)}${cols.map((c) => pad(c, 22)).join("")}`)
  for (const r of wr) {
    const m = r.metrics
    let cells: Array<string>
    if (r.errors.length > 0 && Object.keys(m).length === 0) cells = [`failed: ${r.errors[0].slice(0, 60)}`]
    else if (w.id === "setup")
      cells = [
        fmtStat(m.firstUs),
        fmtStat(m.meanUs),
        fmt(ratio(m.meanUs?.median, c?.metrics.meanUs?.median), 2)
      ]
    else if (w.id === "startup")
      cells = [
        fmtStat(m.wallMs),
        fmt(ratio(m.wallMs?.median, c?.metrics.wallMs?.median), 2),
        fmtStat(m.cpuMs),
        `${fmt(m.peakRssMb?.median)} (max ${fmt(m.peakRssMb?.max)})`
      ]
    else if (w.id === "w3")
      cells = [
        fmtStat(m.inProcessMs),
        fmt(m.opsPerSec?.median, 0),
        fmt(ratio(m.opsPerSec?.median, c?.metrics.opsPerSec?.median), 2),
        fmt(m.warmOpsPerSec?.median, 0),
        fmt(ratio(m.warmOpsPerSec?.median, c?.metrics.opsPerSec?.median), 2),
        fmtStat(m.wallMs),
        fmt(m.peakRssMb?.median)
      ]
    else if (w.id === "w4")
      cells = [
        fmtStat(m.received, 0),
        fmt(m.lost?.max, 0),
        fmtStat(m.cpuUsPerEvent, 2),
        fmt(ratio(m.cpuUsPerEvent?.median, c?.metrics.cpuUsPerEvent?.median), 2),
        fmt(m.peakRssMb?.median)
      ]
    else
      cells = [
        fmt(m.count?.median, 0),
        fmtStat(m.inProcessMs),
        fmt(ratio(m.inProcessMs?.median, c?.metrics.inProcessMs?.median), 2),
        fmt(m.warmMs?.median),
        fmt(ratio(m.warmMs?.median, c?.metrics.inProcessMs?.median), 2),
        fmtStat(m.wallMs),
        fmt(ratio(m.wallMs?.median, c?.metrics.wallMs?.median), 2),
        `${fmt(m.peakRssMb?.median)} (max ${fmt(m.peakRssMb?.max)})`,
        fmt(m.stallMs?.max)
      ]
    const peer = active.find((p) => p.name === r.peer)
    const note =
      peer !== undefined && !peer.inProcess && w.id !== "w4" && w.id !== "setup" && w.id !== "startup"
        ? " *"
        : ""
    const api = typeof r.extra.api === "string" ? `  [${r.extra.api}]` : ""
    const errs = r.errors.length > 0 && Object.keys(m).length > 0 ? `  (${r.errors.length} failed runs)` : ""
    out.push(`  ${pad(label(r.peer) + note, 24)}${cells.map((c) => pad(c, 22)).join("")}${api}${errs}`)
  }
  if (
    wr.some((r) => active.find((p) => p.name === r.peer)?.inProcess === false) &&
    w.id !== "w4" &&
    w.id !== "startup"
  )
    out.push("  * whole-process time (the program is the call)")
  process.stdout.write(`${out.join("\n")}\n`)
}

interface Target {
  readonly target: string
  readonly value: string
  readonly met: boolean | undefined
}

const evaluateTargets = (): Array<Target> => {
  const get = (w: string, p: string) => rows.find((r) => r.workload === w && r.peer === p)?.metrics
  const t: Array<Target> = []
  const add = (target: string, v: number | undefined, ok: (v: number) => boolean, unit = "") =>
    t.push({
      target,
      value: v === undefined ? "—" : `${fmt(v, 2)}${unit}`,
      met: v === undefined ? undefined : ok(v)
    })
  const n1 = get("w1", "nlink")
  const ip1 = get("w1", "iproute2")
  if (n1 !== undefined) {
    add(
      "W1 in-process ≤ 2.0× C",
      ratio(n1.inProcessMs?.median, get("w1", "c")?.inProcessMs?.median),
      (v) => v <= 2,
      "×"
    )
    add(
      "W1 faster than `ip -j route show table all` (issue 2)",
      ratio(n1.inProcessMs?.median, ip1?.inProcessMs?.median),
      (v) => v < 1,
      "× ip"
    )
    add("W1 event-loop stall ≤ 10 ms (max over runs)", n1.stallMs?.max, (v) => v <= 10, " ms")
  }
  const n1l = get("w1l", "nlink")
  if (n1l !== undefined)
    add("W1L 1M-route stream peak RSS ≤ 150 MB (max)", n1l.peakRssMb?.max, (v) => v <= 150, " MB")
  const n2 = get("w2", "nlink")
  if (n2 !== undefined)
    add(
      "W2 in-process ≤ 2.0× C",
      ratio(n2.inProcessMs?.median, get("w2", "c")?.inProcessMs?.median),
      (v) => v <= 2,
      "×"
    )
  const n3 = get("w3", "nlink")
  if (n3 !== undefined)
    add(
      "W3 ops/s ≥ 0.8× C",
      ratio(n3.opsPerSec?.median, get("w3", "c")?.opsPerSec?.median),
      (v) => v >= 0.8,
      "×"
    )
  const n4 = get("w4", "nlink")
  if (n4 !== undefined) {
    add("W4 zero lost events in every run (max lost)", n4.lost?.max, (v) => v === 0)
    const rust = get("w4", "rust")
    if (rust !== undefined)
      add(
        "W4 CPU/event ≤ rtnetlink's",
        ratio(n4.cpuUsPerEvent?.median, rust.cpuUsPerEvent?.median),
        (v) => v <= 1,
        "×"
      )
  }
  const st = get("startup", "nlink")
  if (st !== undefined) {
    add("start-up: `nlink show` < 150 ms wall", st.wallMs?.median, (v) => v < 150, " ms")
    add("start-up: `nlink show` < 60 MB peak RSS", st.peakRssMb?.max, (v) => v < 60, " MB")
  }
  const ap = get("apply", "nlink")
  if (ap !== undefined) {
    add(`apply: first apply of ${APPLY_BRIDGES} bridges < 10 s`, ap.firstMs?.median, (v) => v < 10_000, " ms")
    add("apply: the same apply again (empty plan) < 1 s", ap.noopMs?.median, (v) => v < 1000, " ms")
  }
  return t
}

const printTargets = (t: ReadonlyArray<Target>): void => {
  const out = ["", "Targets (nlink, ratios to the C reference in this run):"]
  for (const x of t)
    out.push(`  ${x.met === undefined ? "?   " : x.met ? "MET " : "MISS"}  ${x.target.padEnd(56)} ${x.value}`)
  process.stdout.write(`${out.join("\n")}\n\n`)
}

await main()
