/**
 * Link decoding A/B over one captured dump (`ip netns exec NS node
 * bench/lib/link-decode.ts [ROUNDS]`): the dump is read once into memory,
 * then each variant decodes every message in turn, rounds alternating so
 * load drifts hit all alike. Prints CPU µs per pass (median, min–max) and
 * bytes allocated per link. Variants: the whole generated decoder (what
 * `listRaw` does), the view decoder `Link.list` walks first, and the list
 * path itself (`Link.list` against the captured replies through a fake route
 * connection's decode callback).
 */
import { Effect } from "effect"
import * as Link from "../../src/api/Link.ts"
import { buildMessage } from "../../src/api/internal/Common.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { decodeLinkAttrsViewInto, decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import type * as Connection from "../../src/runtime/Connection.ts"

const ROUNDS = Number(process.argv[2] ?? 15)
const big = new Uint8Array(64 << 20)
const spans: Array<number> = []
let pos = 0
const copy: Connection.Decoder<number> = (buf, _v, start, end, type) => {
  if (type !== 16) return undefined
  big.set(buf.subarray(start, end), pos)
  spans.push(pos, pos + (end - start))
  pos += (end - start + 3) & ~3
  return 1
}
const view = new DataView(big.buffer)

await Effect.runPromise(
  Effect.gen(function* () {
    const { route } = yield* Netlink
    yield* route.dumpAll(
      buildMessage(18, 0x300, (w) => w.zeros(16)),
      copy
    )
  }).pipe(Effect.provide(Netlink.layer))
)
const n = spans.length / 2
console.log(`${n} links, ${(pos / n).toFixed(0)} bytes per message`)

// Link.list itself, over a route connection that replays the capture.
const replay = {
  dumpAll: (_m: unknown, decode: Connection.Decoder<unknown>) =>
    Effect.sync(() => {
      const out: Array<unknown> = []
      for (let i = 0; i < spans.length; i += 2) {
        const x = decode(big, view, spans[i], spans[i + 1], 16)
        if (x !== undefined) out.push(x)
      }
      return out
    })
}
const listReplayed = Link.list().pipe(
  Effect.provideService(Netlink, { route: replay } as any)
) as unknown as Effect.Effect<ReadonlyArray<Link.Link>>

const variants: Record<string, () => unknown> = {
  "generated (listRaw)": () => {
    let x: unknown
    for (let i = 0; i < spans.length; i += 2) x = decodeLinkMessage(big, view, spans[i] + 16, spans[i + 1])
    return x
  },
  "view attrs only": () => {
    let x: unknown
    for (let i = 0; i < spans.length; i += 2)
      x = decodeLinkAttrsViewInto({}, big, view, spans[i] + 32, spans[i + 1])
    return x
  }
}
variants["Link.list (replayed)"] = () => Effect.runSync(listReplayed)
variants["Link.list + status.stats64"] = () => Effect.runSync(listReplayed).map((l) => l.status?.stats64)

const cpu: Record<string, Array<number>> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
const alloc: Record<string, Array<number>> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
const keep: Array<unknown> = []
const ONLY = process.env.VARIANT
if (ONLY !== undefined) for (const k of Object.keys(variants)) if (!k.startsWith(ONLY)) delete variants[k]
for (let r = 0; r < ROUNDS; r++)
  for (const [k, f] of Object.entries(variants)) {
    const h0 = process.memoryUsage().heapUsed
    const c0 = process.cpuUsage()
    keep.push(f())
    const c = process.cpuUsage(c0)
    alloc[k].push(process.memoryUsage().heapUsed - h0)
    cpu[k].push(c.user + c.system)
    keep.length = 0
  }
const med = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
for (const k of Object.keys(variants)) {
  const xs = cpu[k].slice(2)
  console.log(
    `${k.padEnd(22)} ${med(xs).toFixed(0).padStart(7)} µs/pass (${Math.min(...xs)}–${Math.max(...xs)})  ${(med(xs) / n).toFixed(2)} µs/link  ~${(med(alloc[k]) / n).toFixed(0)} B/link heap growth`
  )
}
