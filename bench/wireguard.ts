/**
 * The WireGuard row of `npm run bench`: set and get of a device with
 * BENCH_WG_PEERS (default 10,000) peers × 3 allowed IPs, nlink beside the
 * `wg` tool (wireguard-tools), in one run.
 *
 *   npm run bench -- --only wireguard
 *
 * Both apply the same generated configuration file and read the device back:
 * nlink with WireGuard.parseConfig + WireGuard.configure (= `wg setconf`)
 * and WireGuard.get + WireGuard.printConfig (= `wg showconf`); `wg` as
 * `wg setconf wg0 FILE && wg showconf wg0`. nlink reports its in-process time
 * (the library calls); for `wg` the whole process is the call. Every run
 * replaces the previous run's peers with the same ones, so the kernel does
 * the same work for both.
 *
 * It needs a kernel with WireGuard. The host kernel of the development
 * machine has none: the row is then skipped with a note, and runs in the VM
 * lane's kernel instead (every module there):
 *
 *   test/kernel/vm.sh --kernel 7 --timeout 3600 -- npm run bench -- --only wireguard --no-save
 *
 * As a program (what the harness runs inside the workload's namespace):
 *
 *   node bench/wireguard.ts nlink FILE    prints one JSON line
 *
 * @since 0.3.0
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { monitorEventLoopDelay, performance } from "node:perf_hooks"

const PEERS = Number(process.env.BENCH_WG_PEERS ?? 10_000)
const PRIVATE_KEY = "+FELE7sOMQngrcVUVdjU8/z7bfkPu4gA5qvN0Lksf0s="

/** A deterministic 32-byte public key for peer `i` (the kernel takes any 32 bytes). */
const keyOf = (i: number): string => {
  const b = Buffer.alloc(32)
  b.writeUInt32BE(i + 1, 0)
  b[31] = 0x42
  return b.toString("base64")
}

/** `wg setconf` text: PEERS peers, 3 allowed IPs each, every third with an endpoint. */
export const configText = (peers = PEERS): string => {
  const out = ["[Interface]", `PrivateKey = ${PRIVATE_KEY}`, "ListenPort = 51820", ""]
  for (let i = 0; i < peers; i++) {
    out.push(
      "[Peer]",
      `PublicKey = ${keyOf(i)}`,
      `AllowedIPs = 10.${(i >> 8) & 255}.${i & 255}.0/24, fd00::${(i + 1).toString(16)}/128, 172.16.${i & 255}.${(i >> 8) & 255}/32`
    )
    if (i % 3 === 0) out.push(`Endpoint = 198.51.100.${i % 250}:${10000 + (i % 50000)}`)
    out.push("")
  }
  return out.join("\n")
}

// ---------------------------------------------------------------------------
// the workload (bench/main.ts registers it)

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

/**
 * Whether this kernel can create a wireguard device (tried in a namespace of
 * its own), and why not.
 */
const probe = (h: Helpers): string | undefined => {
  const ns = h.createNamespace("wgprobe")
  try {
    h.ip(ns, "link", "add", "wgprobe", "type", "wireguard")
    return undefined
  } catch (e) {
    return `this kernel has no wireguard (${String((e as any).stderr ?? e).trim()})`
  } finally {
    h.removeNamespace(ns)
  }
}

const hasWg = (): boolean => {
  try {
    execFileSync("wg", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/**
 * The workload definition with its own two peers (nlink and the `wg` tool);
 * ratios are to `wg`.
 *
 * @example
 * ```ts
 * const w = wireguardWorkload({ createNamespace, ip, removeNamespace, dir: TMP, node: process.execPath })
 * ```
 */
export const wireguardWorkload = (h: Helpers) => {
  const conf = path.join(h.dir, "wireguard.conf")
  return {
    id: "wireguard" as const,
    title: `WG set (wg setconf) + get (wg showconf) of ${PEERS} peers × 3 allowed IPs`,
    base: "wg",
    /** undefined when the row can run here, else why not. */
    unavailable: (): string | undefined =>
      hasWg() ? probe(h) : "the wg tool (wireguard-tools) is not installed",
    prepare: () => {
      const ns = h.createNamespace("wg")
      const t0 = performance.now()
      fs.writeFileSync(conf, configText())
      h.ip(ns, "link", "add", "wg0", "type", "wireguard")
      return {
        ns,
        info: { peers: PEERS, configBytes: fs.statSync(conf).size, prepareMs: performance.now() - t0 }
      }
    },
    peers: [
      {
        name: "nlink",
        label: "nlink",
        ready: () => true,
        command: (_w: string, _ns: string) => [h.node, SELF, "nlink", conf],
        inProcess: true,
        optional: false
      },
      {
        name: "wg",
        label: "wg (wireguard-tools)",
        ready: hasWg,
        command: (_w: string, _ns: string) => [
          "sh",
          "-c",
          `wg setconf wg0 '${conf}' && wg showconf wg0 > /dev/null`
        ],
        inProcess: false,
        optional: false
      }
    ],
    collect: (peer: { readonly inProcess: boolean }, s: Sample): Record<string, number> => ({
      inProcessMs: peer.inProcess && typeof s.result.ms === "number" ? s.result.ms : s.wallMs,
      wallMs: s.wallMs,
      peakRssMb: s.maxRssKb / 1024,
      count: typeof s.result.count === "number" ? s.result.count : Number.NaN,
      stallMs: typeof s.result.stallMs === "number" ? s.result.stallMs : Number.NaN,
      setMs: typeof s.result.setMs === "number" ? s.result.setMs : Number.NaN,
      getMs: typeof s.result.getMs === "number" ? s.result.getMs : Number.NaN
    }),
    options: () => ({ timeoutMs: 600_000 })
  }
}

// ---------------------------------------------------------------------------
// nlink's side, as a program

const nlinkSide = async (file: string): Promise<void> => {
  const { Effect } = await import("effect")
  const WireGuard = await import("../src/api/WireGuard.ts")
  const { Netlink } = await import("../src/api/Netlink.ts")
  const run = <A>(e: any): Promise<A> =>
    Effect.runPromise(e.pipe(Effect.provide(Netlink.layer))) as Promise<A>
  const text = fs.readFileSync(file, "utf8")
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const t0 = performance.now()
  const config = WireGuard.parseConfig(text)
  if (!("peers" in config)) throw config
  await run(WireGuard.configure("wg0", config))
  const t1 = performance.now()
  const dev: any = await run(WireGuard.get("wg0"))
  const shown = WireGuard.printConfig(dev, { showKeys: true })
  const t2 = performance.now()
  delay.disable()
  let allowedIps = 0
  for (const p of dev.peers) allowedIps += p.allowedIps.length
  if (dev.peers.length !== config.peers.length || allowedIps !== 3 * config.peers.length)
    throw new Error(`read back ${dev.peers.length} peers / ${allowedIps} allowed IPs`)
  process.stdout.write(
    `${JSON.stringify({
      ms: t2 - t0,
      setMs: t1 - t0,
      getMs: t2 - t1,
      count: dev.peers.length,
      allowedIps,
      showconfBytes: shown.length,
      stallMs: delay.max / 1e6,
      api: "WireGuard"
    })}\n`
  )
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === SELF) {
  const [mode, file] = process.argv.slice(2)
  if (mode !== "nlink" || file === undefined) {
    process.stderr.write("usage: node bench/wireguard.ts nlink FILE\n")
    process.exit(2)
  }
  await nlinkSide(file)
}
