/**
 * In-process micro-benchmark of the event path (W4's CPU per event without
 * the kernel, the socket or the scheduler): a stream of RTM_NEWADDR
 * notifications, shaped as the kernel sends them for `ip addr add
 * A/32 dev d0` (ifaddrmsg, IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_FLAGS,
 * IFA_CACHEINFO, one datagram each), goes through the Replica's pull as the
 * Reader hands it over, and the events are counted.
 *
 *   node --min-semi-space-size=256 bench/lib/events-micro.ts [EVENTS] [ROUNDS] [CHUNK]
 *
 * Prints CPU µs per event (median of the rounds) and bytes allocated per
 * event (heap growth with a young generation large enough that no GC runs
 * during a round; the GC count per round is printed to show it).
 */
import { PerformanceObserver } from "node:perf_hooks"
import * as Effect from "effect/Effect"
import { AddrMessageTypes, encodeAddrMessage } from "../../src/generated/rt-addr/index.ts"
import { encodeRouteMessage, RouteMessageTypes } from "../../src/generated/rt-route/index.ts"
import { buildMessage } from "../../src/api/internal/Common.ts"
import type { Item } from "../../src/api/events/Reader.ts"
import { Replica } from "../../src/api/events/Replica.ts"

const N = Number(process.argv[2] ?? 10_000)
const ROUNDS = Number(process.argv[3] ?? 7)
/** Datagrams per pull: 1 is a trickle (one wake-up per event), 64 a coalesced burst. */
const CHUNK = Number(process.argv[4] ?? 64)
/** "address" (W4's events) or "route" (IPv6 /128 routes dev d0, as the latency burst adds). */
const KIND = (process.argv[5] ?? "address") as "address" | "route"

const messages = (round: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < N; i++) {
    const a = 0x0a640000 + round * N + i + 1
    const ip = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`
    if (KIND === "route") {
      out.push(
        buildMessage(RouteMessageTypes.RTM_NEWROUTE, 0, (w) =>
          encodeRouteMessage(w, {
            family: 10,
            dstLen: 128,
            srcLen: 0,
            tos: 0,
            tableId: 254,
            protocol: 4,
            scope: 0,
            type: 1,
            flags: 0,
            table: 254,
            dst: `2001:db8:b:0:${(a >>> 16).toString(16)}:${(a & 0xffff).toString(16)}:${round.toString(16)}:1`,
            priority: 1024,
            oif: 2,
            cacheinfo: { clntref: 0, lastuse: 0, expires: 0, error: 0, used: 0, id: 0, ts: 0, tsage: 0 },
            pref: 0
          } as any)
        )
      )
      continue
    }
    out.push(
      buildMessage(AddrMessageTypes.RTM_NEWADDR, 0, (w) =>
        encodeAddrMessage(w, {
          family: 2,
          prefixlen: 32,
          flags8: 0x80,
          scope: 0,
          index: 2,
          address: ip,
          local: ip,
          label: "d0",
          flags: 0x80,
          cacheinfo: { prefered: 0xffffffff, valid: 0xffffffff, cstamp: 1000 + i, tstamp: 1000 + i }
        } as any)
      )
    )
  }
  return out
}

/** What the Reader would hold: each datagram copied into shared arenas. */
const items = (msgs: Array<Uint8Array>, seq0: number): Array<Item> => {
  const arena = new Uint8Array(msgs.reduce((n, m) => n + ((m.length + 3) & ~3), 0))
  const view = new DataView(arena.buffer)
  let off = 0
  const out: Array<Item> = []
  for (const m of msgs) {
    arena.set(m, off)
    out.push({ seq: seq0 + out.length + 1, bytes: arena, view, start: off, end: off + m.length })
    off = (off + m.length + 3) & ~3
  }
  return out
}

let gcs = 0
new PerformanceObserver((l) => {
  gcs += l.getEntries().length
}).observe({ entryTypes: ["gc"] })

class FakeReader {
  queue: Array<Item> = []
  head = 0
  seq = 0
  failure = undefined
  received = 0
  overruns = 0
  take(): Item | undefined {
    return this.head < this.queue.length ? this.queue[this.head++] : undefined
  }
  drain(): boolean {
    return false
  }
  wait = Effect.never
}

const reader = new FakeReader()
const replica = new Replica(reader as any, undefined as any, {
  kinds: [KIND],
  families: [2, 10],
  link: undefined,
  linkName: undefined,
  table: undefined,
  overflow: "resync",
  initial: false,
  resyncTimeoutMs: 30_000
})
;(replica as any).setName(2, "d0")

const cpu: Array<number> = []
const bytes: Array<number> = []
for (let r = 0; r < ROUNDS; r++) {
  const batch = items(messages(r), reader.seq)
  reader.queue = batch
  reader.head = 0
  reader.seq += batch.length
  const pulls = Math.ceil(N / CHUNK)
  await new Promise((r) => setImmediate(r))
  const g0 = gcs
  const h0 = process.memoryUsage().heapUsed
  const c0 = process.cpuUsage()
  let got = 0
  for (let p = 0; p < pulls; p++) {
    const stop = reader.head + CHUNK
    const all = reader.queue
    reader.queue = all.slice(0, Math.min(stop, all.length))
    const chunk = Effect.runSync(replica.pull)
    reader.queue = all
    for (const e of chunk) if (e._tag === "New") got++
  }
  const c1 = process.cpuUsage()
  const h1 = process.memoryUsage().heapUsed
  if (got !== N) throw new Error(`expected ${N} events, got ${got}`)
  // GC entries are delivered asynchronously: look after a turn of the loop.
  await new Promise((r) => setTimeout(r, 10))
  cpu.push((c1.user + c1.system - c0.user - c0.system) / N)
  bytes.push(gcs === g0 ? (h1 - h0) / N : Number.NaN)
  process.stderr.write(
    `round ${r}: ${cpu[r].toFixed(2)} µs/event, ${bytes[r].toFixed(0)} B/event, gcs ${gcs - g0}\n`
  )
  // Keep the view from growing without bound between rounds.
  replica.view[KIND].clear()
  ;(replica as any).store[KIND].clear()
  ;(replica as any).heads[KIND].clear()
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
// the first rounds warm the JIT up
console.log(
  JSON.stringify({
    events: N,
    chunk: CHUNK,
    kind: KIND,
    cpuUsPerEvent: median(cpu.slice(2)),
    bytesPerEvent: median(bytes.slice(2).filter((b) => !Number.isNaN(b)))
  })
)
