/**
 * Where W1's time goes, without a profiler's overhead: the same 100k-route
 * dump through the engine with (a) a decoder that only counts, (b) the
 * generated decoder, (c) the generated decoder over datagrams already in
 * memory (no socket), each run several times in one process (first = cold).
 *
 *   ip netns exec NS node bench/lib/w1-breakdown.ts
 */
import { performance } from "node:perf_hooks"
import { Effect } from "effect"
import { buildMessage } from "../../src/api/internal/Common.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import type * as Connection from "../../src/runtime/Connection.ts"

const req = () =>
  buildMessage(26, 0x300, (w) => {
    w.u8(2)
    w.zeros(11)
  })
const count: Connection.Decoder<number> = (_b, _v, _s, _e, type) => (type === 24 ? 1 : undefined)
const full: Connection.Decoder<unknown> = (buf, view, start, end, type) =>
  type === 24 ? decodeRouteMessage(buf, view, start + 16, end) : undefined
const datagrams: Array<Uint8Array> = []
const copy: Connection.Decoder<number> = (buf, _v, start, end, type) => {
  if (type !== 24) return undefined
  datagrams.push(buf.slice(start, end))
  return 1
}

const time = async (label: string, n: number, f: () => Promise<number>) => {
  const out: Array<string> = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const c = await f()
    out.push(`${(performance.now() - t0).toFixed(1)}`)
    if (i === n - 1) console.log(`${label.padEnd(46)} ${out.join(" ")} ms  (${c} items)`)
  }
}

const program = Effect.gen(function* () {
  const { route } = yield* Netlink
  const run = <A>(d: Connection.Decoder<A>) =>
    Effect.runPromise(route.dumpAll(req(), d)).then((a) => a.length)
  yield* Effect.promise(async () => {
    const order = process.argv[2] ?? "full"
    if (order === "full") await time("dumpAll + generated decoder", 6, () => run(full))
    await time("dumpAll + count only (engine + recv)", 6, () => run(count))
    if (order !== "full") await time("dumpAll + generated decoder", 6, () => run(full))
    await run(copy)
    await time("generated decoder alone, from memory", 6, async () => {
      let n = 0
      for (const d of datagrams) {
        const v = new DataView(d.buffer, d.byteOffset, d.byteLength)
        if (decodeRouteMessage(d, v, 16, d.length) !== undefined) n++
      }
      return n
    })
    await time("object literal per route (allocation floor)", 6, async () => {
      const a: Array<unknown> = []
      for (let i = 0; i < datagrams.length; i++) a.push({ i, dst: `10.0.0.${i & 255}` })
      return a.length
    })
  })
})
await Effect.runPromise(program.pipe(Effect.provide(Netlink.layer)) as Effect.Effect<void>)
