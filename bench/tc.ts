/**
 * The traffic control rows of `npm run bench` (issue 13), on a device with
 * BENCH_TC_CLASSES (default 10,000) HTB classes under a root htb qdisc:
 *
 * - tc-dump: dump the classes with their statistics into objects: nlink's
 *   `Class.list` (model objects, status with stats and htb xstats), beside
 *   `tc -s -j class show`, pyroute2's `get_classes` and vishvananda/netlink's
 *   `ClassList` (Go), in one run.
 * - tc-add: add the classes one request (and its ack) at a time: nlink's
 *   `Class.add` in a loop, pyroute2's `tc("add-class")`, Go's `ClassAdd`,
 *   beside `tc -batch` (one tc process, one request at a time too). Every
 *   run starts from an empty htb qdisc.
 *
 *   npm run bench -- --only tc-dump,tc-add
 *
 * The Go peer is built here from the program below (GOPATH mode against
 * Debian's golang-github-vishvananda-netlink-dev, as bench/peers/go does);
 * pyroute2 is Debian's python3-pyroute2. Without them their rows are left
 * out with a note. As programs (what the harness runs in the namespace):
 *
 *   node bench/tc.ts nlink-dump DEV      prints one JSON line
 *   node bench/tc.ts nlink-add DEV N
 *
 * @since 0.3.0
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { performance } from "node:perf_hooks"

const CLASSES = Number(process.env.BENCH_TC_CLASSES ?? 10_000)
const DEV = "d0"
const PY = "/usr/bin/python3"
const SELF = new URL(import.meta.url).pathname

/** The classid of class `i` (1-based): 1:1 ... 1:2710 (hexadecimal minors, as tc writes them). */
const classid = (i: number): string => `1:${i.toString(16)}`

// ---------------------------------------------------------------------------
// the peers' programs

const PYROUTE2 = `
import json, sys, time
from pyroute2 import IPRoute
mode, dev, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ipr = IPRoute()
idx = ipr.link_lookup(ifname=dev)[0]
t0 = time.perf_counter()
if mode == "dump":
    count = 0
    for c in ipr.get_classes(idx):
        c.get_attr("TCA_KIND"); c.get_attr("TCA_OPTIONS"); c.get_attr("TCA_STATS2"); c.get_attr("TCA_XSTATS")
        count += 1
else:
    for i in range(1, n + 1):
        ipr.tc("add-class", "htb", idx, 0x10000 | i, parent=0x10000, rate="1mbit", ceil="1mbit")
    count = n
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "count": count}), flush=True)
`

const GO = `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/vishvananda/netlink"
)

func main() {
	mode, dev := os.Args[1], os.Args[2]
	n, _ := strconv.Atoi(os.Args[3])
	link, err := netlink.LinkByName(dev)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	t0 := time.Now()
	count := 0
	if mode == "dump" {
		classes, err := netlink.ClassList(link, netlink.HANDLE_NONE)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, c := range classes {
			if c.Attrs().Statistics == nil {
				fmt.Fprintln(os.Stderr, "a class without statistics")
				os.Exit(1)
			}
			count++
		}
	} else {
		for i := 1; i <= n; i++ {
			attrs := netlink.ClassAttrs{
				LinkIndex: link.Attrs().Index,
				Parent:    netlink.MakeHandle(1, 0),
				Handle:    netlink.MakeHandle(1, uint16(i)),
			}
			c := netlink.NewHtbClass(attrs, netlink.HtbClassAttrs{Rate: 1000000, Ceil: 1000000})
			if err := netlink.ClassAdd(c); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			count++
		}
	}
	ms := float64(time.Since(t0).Nanoseconds()) / 1e6
	out, _ := json.Marshal(map[string]interface{}{"ms": ms, "count": count})
	fmt.Println(string(out))
}
`

// ---------------------------------------------------------------------------
// the workloads (bench/main.ts registers them)

interface Helpers {
  readonly createNamespace: (tag: string) => string
  readonly ip: (ns: string, ...args: Array<string>) => string
  readonly removeNamespace: (ns: string) => void
  /** The harness's temporary directory. */
  readonly dir: string
  /** The Node binary the harness runs. */
  readonly node: string
}

interface Sample {
  readonly result: Record<string, any>
  readonly wallMs: number
  readonly maxRssKb: number
}

const ok = (cmd: string, args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv): boolean => {
  try {
    execFileSync(cmd, args, { stdio: "ignore", env })
    return true
  } catch {
    return false
  }
}

const tc = (ns: string, ...args: Array<string>): void => {
  execFileSync("tc", ["-n", ns, ...args], { stdio: ["ignore", "ignore", "pipe"] })
}

/** The batch file `tc -batch` adds the classes from. */
const batch = (dir: string): string => {
  const file = path.join(dir, "tc-classes.batch")
  if (!fs.existsSync(file)) {
    const lines: Array<string> = []
    for (let i = 1; i <= CLASSES; i++)
      lines.push(`class add dev ${DEV} parent 1: classid ${classid(i)} htb rate 1mbit ceil 1mbit`)
    fs.writeFileSync(file, `${lines.join("\n")}\n`)
  }
  return file
}

/** The harness's namespace (veth d0/d1, both up) with a root htb qdisc on d0 (and, for the dump, its classes). */
const prepare = (h: Helpers, tag: string, withClasses: boolean) => {
  const ns = h.createNamespace(tag)
  const t0 = performance.now()
  tc(ns, "qdisc", "add", "dev", DEV, "root", "handle", "1:", "htb")
  if (withClasses) tc(ns, "-batch", batch(h.dir))
  return { ns, info: { classes: CLASSES, prepareMs: performance.now() - t0 } }
}

/** The Go program, built once per harness run; undefined when Go or the library is missing. */
const goBinary = (() => {
  let built: string | undefined | null = null
  return (dir: string): string | undefined => {
    if (built !== null) return built
    built = undefined
    if (!ok("go", ["version"]) || !fs.existsSync("/usr/share/gocode/src/github.com/vishvananda/netlink"))
      return built
    const src = path.join(dir, "tc-go")
    fs.mkdirSync(src, { recursive: true })
    fs.writeFileSync(path.join(src, "main.go"), GO)
    const out = path.join(src, "tc-bench")
    const env = {
      ...process.env,
      GO111MODULE: "off",
      GOPATH: "/usr/share/gocode",
      GOPROXY: "off",
      GOFLAGS: "",
      GOCACHE: path.join(src, "cache")
    }
    if (ok("go", ["build", "-o", out, path.join(src, "main.go")], env)) built = out
    return built
  }
})()

const hasPyroute2 = (() => {
  let known: boolean | undefined
  return (): boolean => (known ??= ok(PY, ["-c", "import pyroute2"]))
})()

type Id = "tc-dump" | "tc-add"

const peers = (h: Helpers, mode: "dump" | "add") => [
  {
    name: "nlink",
    label: "nlink",
    ready: () => true,
    command: (_w: string, _ns: string) =>
      mode === "dump" ? [h.node, SELF, "nlink-dump", DEV] : [h.node, SELF, "nlink-add", DEV, String(CLASSES)],
    inProcess: true,
    optional: false
  },
  {
    name: "tc",
    label: mode === "dump" ? "tc -s -j class show" : "tc -batch",
    ready: () => true,
    command: (_w: string, _ns: string) =>
      mode === "dump" ? ["tc", "-s", "-j", "class", "show", "dev", DEV] : ["tc", "-batch", batch(h.dir)],
    inProcess: false,
    optional: false
  },
  {
    name: "pyroute2",
    label: "pyroute2",
    ready: hasPyroute2,
    command: (_w: string, _ns: string) =>
      hasPyroute2() ? [PY, "-c", PYROUTE2, mode, DEV, String(CLASSES)] : undefined,
    inProcess: true,
    optional: true
  },
  {
    name: "go",
    label: "Go vishvananda/netlink",
    ready: () => goBinary(h.dir) !== undefined,
    command: (_w: string, _ns: string) => {
      const bin = goBinary(h.dir)
      return bin === undefined ? undefined : [bin, mode, DEV, String(CLASSES)]
    },
    inProcess: true,
    optional: true
  }
]

const collect = (peer: { readonly inProcess: boolean }, s: Sample): Record<string, number> => {
  const ms = peer.inProcess && typeof s.result.ms === "number" ? s.result.ms : s.wallMs
  return {
    inProcessMs: ms,
    wallMs: s.wallMs,
    peakRssMb: s.maxRssKb / 1024,
    count: typeof s.result.count === "number" ? s.result.count : Number.NaN,
    perSecond: (CLASSES / ms) * 1000
  }
}

/**
 * The two workload definitions with their own peers (nlink, tc, pyroute2,
 * Go); ratios are to `tc`.
 *
 * @example
 * ```ts
 * const [dump, add] = tcWorkloads({ createNamespace, ip, removeNamespace, dir: TMP, node: process.execPath })
 * ```
 */
export const tcWorkloads = (h: Helpers) => [
  {
    id: "tc-dump" as Id,
    title: `TC dump ${CLASSES} HTB classes with statistics into objects`,
    base: "tc",
    unavailable: (): string | undefined => (ok("tc", ["-V"]) ? undefined : "tc (iproute2) is not installed"),
    prepare: () => prepare(h, "tcdump", true),
    peers: peers(h, "dump"),
    collect,
    options: (p: { readonly name: string }) => ({ discardStdout: p.name === "tc", timeoutMs: 300_000 })
  },
  {
    id: "tc-add" as Id,
    title: `TC add ${CLASSES} HTB classes, one request+ack at a time`,
    base: "tc",
    unavailable: (): string | undefined => (ok("tc", ["-V"]) ? undefined : "tc (iproute2) is not installed"),
    prepare: () => prepare(h, "tcadd", false),
    peers: peers(h, "add"),
    collect,
    options: () => ({ timeoutMs: 600_000 }),
    // every run starts from an empty htb qdisc
    afterRun: (ns: string) => {
      try {
        tc(ns, "qdisc", "del", "dev", DEV, "root")
      } catch {}
      tc(ns, "qdisc", "add", "dev", DEV, "root", "handle", "1:", "htb")
    }
  }
]

// ---------------------------------------------------------------------------
// nlink's side, as a program

const nlinkSide = async (mode: string, dev: string, n: number): Promise<void> => {
  const { Effect } = await import("effect")
  const Class = await import("../src/api/Class.ts")
  const { Netlink } = await import("../src/api/Netlink.ts")
  const { linkIndex } = await import("../src/api/internal/Resolve.ts")
  const run = <A>(e: any): Promise<A> =>
    Effect.runPromise(e.pipe(Effect.provide(Netlink.layer))) as Promise<A>
  const t0 = performance.now()
  let count = 0
  if (mode === "nlink-dump") {
    const classes: ReadonlyArray<any> = await run(Class.list({ dev }))
    for (const c of classes) if (c.status?.stats !== undefined) count++
    if (count !== classes.length) throw new Error(`${classes.length - count} classes without statistics`)
  } else {
    count = await run(
      Effect.gen(function* () {
        // the device by index, resolved once, as the other peers do (a name costs a lookup per add)
        const ifindex = yield* linkIndex(dev)
        for (let i = 1; i <= n; i++)
          yield* Class.add({
            dev: ifindex,
            parent: "1:",
            classid: classid(i),
            kind: "htb",
            options: { rate: "1mbit", ceil: "1mbit" }
          })
        return n
      })
    )
  }
  const ms = performance.now() - t0
  process.stdout.write(`${JSON.stringify({ ms, count })}\n`)
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === SELF &&
  process.argv[2] !== undefined
) {
  const [mode, dev, n] = process.argv.slice(2)
  nlinkSide(mode, dev ?? DEV, Number(n ?? CLASSES)).catch((e) => {
    process.stderr.write(`${String(e?.stack ?? e)}\n`)
    process.exit(1)
  })
}
