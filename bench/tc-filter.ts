/**
 * The tc filter rows of `npm run bench` (issue 14):
 *
 *   tcf-add   add BENCH_TCF_FILTERS (default 10,000) filters to a clsact
 *             ingress: nlink one request each (Filter.add), nlink's
 *             Batch.run (the requests packed into as few datagrams as the
 *             socket takes), `tc -batch`, and vishvananda/netlink's
 *             FilterAdd (Go, one request each);
 *   tcf-dump  dump them with statistics: nlink Filter.list beside
 *             `tc -s -j filter show` and Go's FilterList.
 *
 * The Go peer is built here from the program below (GOPATH mode against
 * Debian's golang-github-vishvananda-netlink-dev, as bench/peers/go does;
 * without them its rows are left out with a note). Its Flower type has no
 * skip_hw and no classid: its flower filters carry the same priority,
 * handle, protocol and dst_ip, without those two (u32: the same filters).
 *
 *   npm run bench -- --only tcf-add,tcf-dump
 *
 * The filters are flower (dst_ip per filter, skip_hw, a classid) when the
 * kernel has flower; the development host's kernel has none, so there the
 * rows use u32 (`match ip dst A/32`, 4000 nodes per priority: a u32 node id
 * has 12 bits) and say so in their title. In the VM lane's kernel (every
 * module) they run with flower:
 *
 *   test/kernel/vm.sh --kernel 7 --timeout 3600 -- npm run bench -- --only tcf-add,tcf-dump --no-save
 *
 * As a program (what the harness runs inside the workload's namespace):
 *
 *   node bench/tc-filter.ts add KIND N | add-batch KIND N | dump   prints one JSON line
 *
 * @since 0.4.0
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { monitorEventLoopDelay, performance } from "node:perf_hooks"

const FILTERS = Number(process.env.BENCH_TCF_FILTERS ?? 10_000)
/** u32 node ids have 12 bits: this many nodes per priority. */
const U32_PER_PRIO = 4000

type Kind = "flower" | "u32"

const dst = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`

/**
 * u32 filter i's handle: node (i mod 4000)+1 in its priority's root table. u32 tables are
 * shared by every priority of a hook: the first priority's root is 800:, each later one gets
 * the next free id (801:, 802: ... in a fresh hook).
 */
const u32Handle = (i: number): string =>
  `${(0x800 + Math.floor(i / U32_PER_PRIO)).toString(16)}::${((i % U32_PER_PRIO) + 1).toString(16)}`

/** Filter i as nlink's object (on d0 ingress). */
const filterOf = (kind: Kind, i: number): Record<string, unknown> =>
  kind === "flower"
    ? {
        dev: "d0",
        parent: "ingress",
        protocol: "ip",
        priority: 1,
        handle: i + 1,
        kind: "flower",
        options: { dstIp: dst(i), skipHw: true, classid: "1:1" }
      }
    : {
        dev: "d0",
        parent: "ingress",
        protocol: "ip",
        priority: 1 + Math.floor(i / U32_PER_PRIO),
        handle: u32Handle(i),
        kind: "u32",
        options: { match: [`ip dst ${dst(i)}/32`], classid: "1:1" }
      }

/** Filter i as a `tc -batch` line. */
const tcLine = (kind: Kind, i: number): string =>
  kind === "flower"
    ? `filter add dev d0 ingress protocol ip pref 1 handle ${i + 1} flower skip_hw dst_ip ${dst(i)} classid 1:1`
    : `filter add dev d0 ingress protocol ip pref ${1 + Math.floor(i / U32_PER_PRIO)} handle ${u32Handle(i)} u32 match ip dst ${dst(i)}/32 classid 1:1`

// ---------------------------------------------------------------------------
// the Go peer

const GO = `package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
)

const perPrio = ${U32_PER_PRIO}

func dst(i int) net.IP { return net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)).To4() }

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	mode, kind, dev := os.Args[1], os.Args[2], os.Args[3]
	n, _ := strconv.Atoi(os.Args[4])
	link, err := netlink.LinkByName(dev)
	if err != nil {
		fail(err)
	}
	index := link.Attrs().Index
	t0 := time.Now()
	count := 0
	if mode == "dump" {
		filters, err := netlink.FilterList(link, netlink.HANDLE_MIN_INGRESS)
		if err != nil {
			fail(err)
		}
		for _, f := range filters {
			if u, ok := f.(*netlink.U32); ok && (u.Sel == nil || len(u.Sel.Keys) == 0) {
				continue // a u32 hash table, not a filter
			}
			count++
		}
	} else {
		for i := 0; i < n; i++ {
			var f netlink.Filter
			if kind == "flower" {
				f = &netlink.Flower{
					FilterAttrs: netlink.FilterAttrs{LinkIndex: index, Parent: netlink.HANDLE_MIN_INGRESS,
						Priority: 1, Protocol: 0x0800, Handle: uint32(i + 1)},
					EthType:    0x0800,
					DestIP:     dst(i),
					DestIPMask: net.CIDRMask(32, 32),
				}
			} else {
				ip := dst(i)
				f = &netlink.U32{
					FilterAttrs: netlink.FilterAttrs{LinkIndex: index, Parent: netlink.HANDLE_MIN_INGRESS,
						Priority: uint16(1 + i/perPrio), Protocol: 0x0800, Handle: uint32(0x800+i/perPrio)<<20 | uint32(i%perPrio+1)},
					ClassId: netlink.MakeHandle(1, 1),
					Sel: &netlink.TcU32Sel{Flags: nl.TC_U32_TERMINAL, Nkeys: 1, Keys: []netlink.TcU32Key{{
						Mask: 0xffffffff,
						Val:  uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3]),
						Off:  16,
					}}},
				}
			}
			if err := netlink.FilterAdd(f); err != nil {
				fail(fmt.Errorf("filter %d: %w", i, err))
			}
			count++
		}
	}
	ms := float64(time.Since(t0).Nanoseconds()) / 1e6
	out, _ := json.Marshal(map[string]interface{}{"ms": ms, "count": count})
	fmt.Println(string(out))
}
`

const ok = (cmd: string, args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv): boolean => {
  try {
    execFileSync(cmd, args, { stdio: "ignore", env })
    return true
  } catch {
    return false
  }
}

/** The Go program, built once per harness run; undefined when Go or the library is missing. */
const goBinary = (() => {
  let built: string | undefined | null = null
  return (dir: string): string | undefined => {
    if (built !== null) return built
    built = undefined
    if (!ok("go", ["version"]) || !fs.existsSync("/usr/share/gocode/src/github.com/vishvananda/netlink"))
      return built
    const src = path.join(dir, "tcf-go")
    fs.mkdirSync(src, { recursive: true })
    fs.writeFileSync(path.join(src, "main.go"), GO)
    const out = path.join(src, "tcf-bench")
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

const goPeer = (h: Helpers, mode: "add" | "dump") => ({
  name: "go",
  label: mode === "add" ? "Go vishvananda/netlink (FilterAdd)" : "Go vishvananda/netlink (FilterList)",
  ready: () => goBinary(h.dir) !== undefined,
  command: (_w: string, _ns: string) => {
    const bin = goBinary(h.dir)
    return bin === undefined ? undefined : [bin, mode, kindHere(h), "d0", String(FILTERS)]
  },
  inProcess: true,
  optional: true
})

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

const SELF = new URL(import.meta.url).pathname

const tc = (ns: string, ...args: Array<string>): string =>
  execFileSync("tc", ["-n", ns, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

/** flower when this kernel has it (tried in a namespace of its own), else u32. */
let chosen: Kind | undefined
const kindHere = (h: Helpers): Kind => {
  if (chosen !== undefined) return chosen
  const ns = h.createNamespace("tcfprobe")
  try {
    tc(ns, "qdisc", "add", "dev", "d0", "clsact")
    tc(ns, "filter", "add", "dev", "d0", "ingress", "protocol", "ip", "pref", "1", "flower", "skip_hw")
    chosen = "flower"
  } catch {
    chosen = "u32"
  } finally {
    h.removeNamespace(ns)
  }
  return chosen
}

/** A namespace (the harness's: veth d0/d1, up) with clsact on d0. */
const clsact = (h: Helpers, tag: string): string => {
  const ns = h.createNamespace(tag)
  tc(ns, "qdisc", "add", "dev", "d0", "clsact")
  return ns
}

const batchFile = (h: Helpers, kind: Kind): string => {
  const file = path.join(h.dir, `tcf-${kind}-${FILTERS}.batch`)
  if (!fs.existsSync(file))
    fs.writeFileSync(file, `${Array.from({ length: FILTERS }, (_, i) => tcLine(kind, i)).join("\n")}\n`)
  return file
}

const collect = (peer: { readonly inProcess: boolean }, s: Sample): Record<string, number> => ({
  inProcessMs: peer.inProcess && typeof s.result.ms === "number" ? s.result.ms : s.wallMs,
  wallMs: s.wallMs,
  peakRssMb: s.maxRssKb / 1024,
  count: typeof s.result.count === "number" ? s.result.count : Number.NaN,
  stallMs: typeof s.result.stallMs === "number" ? s.result.stallMs : Number.NaN
})

const hasTc = (): boolean => {
  try {
    execFileSync("tc", ["-V"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/**
 * The add row: nlink one request each, nlink packed, `tc -batch`; ratios to tc.
 *
 * @example
 * ```ts
 * const w = tcFilterAddWorkload({ createNamespace, ip, removeNamespace, dir: TMP, node: process.execPath })
 * ```
 */
export const tcFilterAddWorkload = (h: Helpers) => ({
  id: "tcf-add" as const,
  get title() {
    return `tc filter add of ${FILTERS} ${kindHere(h)} filters (clsact ingress)${
      kindHere(h) === "u32" ? " — u32: this kernel has no flower" : ""
    }`
  },
  base: "tc",
  unavailable: (): string | undefined => (hasTc() ? undefined : "tc (iproute2) is not installed"),
  prepare: () => {
    const ns = clsact(h, "tcfadd")
    return { ns, info: { filters: FILTERS, kind: kindHere(h), batchFile: batchFile(h, kindHere(h)) } }
  },
  peers: [
    {
      name: "nlink",
      label: "nlink (Filter.add, one request each)",
      ready: () => true,
      command: (_w: string, _ns: string) => [h.node, SELF, "add", kindHere(h), String(FILTERS)],
      inProcess: true,
      optional: false
    },
    {
      name: "nlink-batch",
      label: "nlink (Batch.run, requests packed per datagram)",
      ready: () => true,
      command: (_w: string, _ns: string) => [h.node, SELF, "add-batch", kindHere(h), String(FILTERS)],
      inProcess: true,
      optional: false
    },
    {
      name: "tc",
      label: "tc -batch",
      ready: hasTc,
      command: (_w: string, _ns: string) => ["tc", "-batch", batchFile(h, kindHere(h))],
      inProcess: false,
      optional: false
    },
    goPeer(h, "add")
  ],
  collect,
  options: () => ({ timeoutMs: 600_000 }),
  afterRun: (ns: string) => {
    tc(ns, "filter", "del", "dev", "d0", "ingress")
  }
})

/**
 * The dump row: nlink Filter.list beside `tc -s -j filter show`; ratios to tc.
 *
 * @example
 * ```ts
 * const w = tcFilterDumpWorkload({ createNamespace, ip, removeNamespace, dir: TMP, node: process.execPath })
 * ```
 */
export const tcFilterDumpWorkload = (h: Helpers) => ({
  id: "tcf-dump" as const,
  get title() {
    return `tc filter dump with statistics of ${FILTERS} ${kindHere(h)} filters${
      kindHere(h) === "u32" ? " — u32: this kernel has no flower" : ""
    }`
  },
  base: "tc",
  unavailable: (): string | undefined => (hasTc() ? undefined : "tc (iproute2) is not installed"),
  prepare: () => {
    const ns = clsact(h, "tcfdump")
    tc(ns, "-batch", batchFile(h, kindHere(h)))
    return { ns, info: { filters: FILTERS, kind: kindHere(h) } }
  },
  peers: [
    {
      name: "nlink",
      label: "nlink (Filter.list)",
      ready: () => true,
      command: (_w: string, _ns: string) => [h.node, SELF, "dump"],
      inProcess: true,
      optional: false
    },
    {
      name: "tc",
      label: "tc -s -j filter show",
      ready: hasTc,
      command: (_w: string, _ns: string) => ["sh", "-c", "tc -s -j filter show dev d0 ingress > /dev/null"],
      inProcess: false,
      optional: false
    },
    goPeer(h, "dump")
  ],
  collect,
  options: () => ({ timeoutMs: 600_000 })
})

// ---------------------------------------------------------------------------
// nlink's side, as a program

const nlinkSide = async (mode: string, kind: Kind, n: number): Promise<void> => {
  const { Effect } = await import("effect")
  const Filter = await import("../src/api/Filter.ts")
  const Batch = await import("../src/api/Batch.ts")
  const { Netlink } = await import("../src/api/Netlink.ts")
  const run = <A>(e: any): Promise<A> =>
    Effect.runPromise(e.pipe(Effect.provide(Netlink.layer))) as Promise<A>
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const t0 = performance.now()
  let count = 0
  let failure = ""
  if (mode === "dump") {
    const listed: ReadonlyArray<any> = await run(Filter.list({ dev: "d0", parent: "ingress" }))
    // u32 lists its hash tables too: count the nodes with a match
    count = listed.filter((f) => f.kind === "flower" || (f.options?.match?.length ?? 0) > 0).length
  } else if (mode === "add") {
    await run(
      Effect.gen(function* () {
        for (let i = 0; i < n; i++) yield* Filter.add(filterOf(kind, i) as any)
      })
    )
    count = n
  } else {
    const outcomes: ReadonlyArray<any> = await run(
      Batch.run(
        Array.from({ length: n }, (_, i) => ({
          op: "add" as const,
          type: "filter",
          object: filterOf(kind, i)
        }))
      )
    )
    count = outcomes.filter((o) => o._tag === "Done").length
    failure = String(outcomes.find((o) => o._tag !== "Done")?.error?.message)
    if (count !== n) throw new Error(`${n - count} of ${n} adds failed: ${failure}`)
  }
  const ms = performance.now() - t0
  delay.disable()
  process.stdout.write(
    `${JSON.stringify({ ms, count, stallMs: delay.max / 1e6, api: mode === "dump" ? "Filter" : `Filter (${kind})` })}\n`
  )
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === SELF) {
  const [mode, kind, n] = process.argv.slice(2)
  if (mode === "dump") await nlinkSide(mode, "flower", 0)
  else if (
    (mode === "add" || mode === "add-batch") &&
    (kind === "flower" || kind === "u32") &&
    n !== undefined
  )
    await nlinkSide(mode, kind, Number(n))
  else {
    process.stderr.write("usage: node bench/tc-filter.ts add|add-batch flower|u32 N | dump\n")
    process.exit(2)
  }
}
