/**
 * The generated route decoder against hand-written variants over the same
 * 100k messages in memory: says what part of decoding costs what (object
 * shape building, address text, attribute loop). Informs the generator's owner.
 *
 *   ip netns exec NS node bench/lib/decode-variants.ts
 */
import { performance } from "node:perf_hooks"
import { Effect } from "effect"
import { buildMessage } from "../../src/api/internal/Common.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import type * as Connection from "../../src/runtime/Connection.ts"

const big = new Uint8Array(64 << 20)
const offsets: Array<number> = []
let pos = 0
const copy: Connection.Decoder<number> = (buf, _v, start, end, type) => {
  if (type !== 24) return undefined
  big.set(buf.subarray(start, end), pos)
  offsets.push(pos, pos + (end - start))
  pos += (end - start + 3) & ~3
  return 1
}
const view = new DataView(big.buffer)

const generated = (s: number, e: number) => decodeRouteMessage(big, view, s + 16, e)

// One literal for the fixed header (one shape, in-object), attributes after.
const literalHeader = (s: number, e: number) => {
  const p = s + 16
  const out: any = {
    family: big[p],
    dstLen: big[p + 1],
    srcLen: big[p + 2],
    tos: big[p + 3],
    tableId: big[p + 4],
    protocol: big[p + 5],
    scope: big[p + 6],
    type: big[p + 7],
    flags: view.getUint32(p + 8, true)
  }
  let off = p + 12
  while (off + 4 <= e) {
    const len = view.getUint16(off, true)
    const t = view.getUint16(off + 2, true) & 0x3fff
    const q = off + 4
    if (t === 1) out.dst = `${big[q]}.${big[q + 1]}.${big[q + 2]}.${big[q + 3]}`
    else if (t === 4) out.oif = view.getUint32(q, true)
    else if (t === 15) out.table = view.getUint32(q, true)
    off += (len + 3) & ~3
  }
  return out
}

// Same, but the address kept as a number (no string building).
const numericDst = (s: number, e: number) => {
  const p = s + 16
  const out: any = {
    family: big[p],
    dstLen: big[p + 1],
    srcLen: big[p + 2],
    tos: big[p + 3],
    tableId: big[p + 4],
    protocol: big[p + 5],
    scope: big[p + 6],
    type: big[p + 7],
    flags: view.getUint32(p + 8, true)
  }
  let off = p + 12
  while (off + 4 <= e) {
    const len = view.getUint16(off, true)
    const t = view.getUint16(off + 2, true) & 0x3fff
    const q = off + 4
    if (t === 1) out.dst = view.getUint32(q, false)
    else if (t === 4) out.oif = view.getUint32(q, true)
    else if (t === 15) out.table = view.getUint32(q, true)
    off += (len + 3) & ~3
  }
  return out
}

// Attribute walk only, no object.
const walkOnly = (s: number, e: number) => {
  let off = s + 28
  let x = 0
  while (off + 4 <= e) {
    const len = view.getUint16(off, true)
    x += view.getUint16(off + 2, true)
    off += (len + 3) & ~3
  }
  return x
}

const bench = (label: string, f: (s: number, e: number) => unknown, keep: boolean) => {
  const times: Array<string> = []
  for (let r = 0; r < 7; r++) {
    const kept: Array<unknown> = []
    const t0 = performance.now()
    for (let i = 0; i < offsets.length; i += 2) {
      const v = f(offsets[i], offsets[i + 1])
      if (keep) kept.push(v)
    }
    times.push((performance.now() - t0).toFixed(1))
  }
  console.log(`${label.padEnd(52)} ${times.join(" ")} ms`)
}

const program = Effect.gen(function* () {
  const { route } = yield* Netlink
  yield* route.dumpAll(
    buildMessage(26, 0x300, (w) => {
      w.u8(2)
      w.zeros(11)
    }),
    copy
  )
})
await Effect.runPromise(program.pipe(Effect.provide(Netlink.layer)) as Effect.Effect<void>)
console.log(`${offsets.length / 2} messages, ${pos} bytes; 7 passes each (first is cold)`)
const which = process.argv[2]
for (const keep of [true, false]) {
  console.log(keep ? "-- results kept in an array (as dumpAll does)" : "-- results dropped")
  if (!which || which === "generated") bench("generated decodeRouteMessage", generated, keep)
  if (!which || which === "literal") bench("header as one literal, dst text", literalHeader, keep)
  if (!which || which === "numeric") bench("header as one literal, dst as number", numericDst, keep)
  if (!which || which === "walk") bench("attribute walk only", walkOnly, keep)
}
