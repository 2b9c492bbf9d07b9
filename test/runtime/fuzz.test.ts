/**
 * The reply path under mutated input: every reply the fake kernel sends is
 * corrupted at random (bytes, lengths, flags, truncation, the echoed
 * request's length), through request, requestReply, dumpAll, dump and
 * requestMany. Every outcome must be a success or a typed NetlinkError —
 * never a defect, a throw or a hang — and no operation may stay registered.
 *
 * The suite runs a small, seeded set; `NLINK_FUZZ=400000` runs a large one
 * (`NLINK_FUZZ_SEED` picks another seed).
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Stream } from "effect"
import * as Connection from "../../src/runtime/Connection.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { DecodeFailure, Writer } from "../../src/runtime/Wire.ts"
import { datagram, done, FakeKernel, item, type Request } from "./FakeKernel.ts"

const CASES = Number(process.env.NLINK_FUZZ ?? 3000)
const SEED = Number(process.env.NLINK_FUZZ_SEED ?? 0x5eed)

// mulberry32: small, seedable, good enough to pick mutations.
const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const request = (type: number): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(type, 0, 0)
  w.zeros(16)
  w.attrString(3, "eth0")
  const n = w.nestStart(18)
  w.attrString(1, "veth")
  w.attrU32(2, 7)
  w.attrEnd(n)
  w.endMessage(m)
  return w.finish()
}

// An NLMSG_ERROR as the kernel sends it without NETLINK_CAP_ACK: the whole
// request echoed, then the extack TLVs.
const fullAck = (r: Request, errno: number): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(2, errno === 0 ? 0 : 0x200, r.seq, 4242)
  w.s32(-errno)
  w.bytes(r.bytes)
  if (errno !== 0) {
    w.attrString(1, "bad attribute")
    w.attrU32(2, 36)
    const p = w.nestStart(4)
    w.attrU32(1, 4)
    w.attrU64(5, 4094n)
    w.attrEnd(p)
    w.attrU32(5, 2)
    w.attrU32(6, 32)
  }
  w.endMessage(m)
  return w.finish()
}

// Capped (NETLINK_CAP_ACK) ack with TLVs, as the runtime's sockets get them.
const cappedAck = (r: Request, errno: number): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(2, 0x100 | (errno === 0 ? 0 : 0x200), r.seq, 4242)
  w.s32(-errno)
  w.bytes(r.bytes.subarray(0, 16))
  if (errno !== 0) {
    w.attrString(1, "bad attribute")
    w.attrU32(2, 44)
  }
  w.endMessage(m)
  return w.finish()
}

// A decoder as generated ones behave: bounds-checked, DecodeFailure on bad input.
const decode: Connection.Decoder<number> = (_b, view, start, end, type) => {
  if (type !== 100) return undefined
  if (end - start < 20) throw new DecodeFailure("item: short payload", start)
  return view.getUint32(start + 16, true)
}

const LENGTHS = [0, 1, 15, 16, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 0xffff, 0x10000]

const mutate = (d: Uint8Array, rnd: () => number): Uint8Array => {
  let out = d.slice()
  const view = () => new DataView(out.buffer, out.byteOffset, out.byteLength)
  const n = 1 + Math.floor(rnd() * 3)
  for (let i = 0; i < n; i++) {
    const pick = rnd()
    const at = (size: number) => Math.floor(rnd() * Math.max(1, out.length - size + 1))
    if (pick < 0.2 && out.length >= 24) {
      // The echoed request's nlmsg_len (after nlmsghdr + errno).
      view().setUint32(20, LENGTHS[Math.floor(rnd() * LENGTHS.length)], true)
    } else if (pick < 0.3 && out.length >= 4) {
      view().setUint32(0, LENGTHS[Math.floor(rnd() * LENGTHS.length)], true)
    } else if (pick < 0.4 && out.length >= 8) {
      view().setUint16(6, view().getUint16(6, true) ^ [0x100, 0x200, 0x10, 0x2][Math.floor(rnd() * 4)], true)
    } else if (pick < 0.55 && out.length >= 4) {
      view().setUint32(at(4), LENGTHS[Math.floor(rnd() * LENGTHS.length)], true)
    } else if (pick < 0.7 && out.length >= 2) {
      view().setUint16(at(2), Math.floor(rnd() * 0x10000), true)
    } else if (pick < 0.85 && out.length > 0) {
      out[at(1)] = Math.floor(rnd() * 256)
    } else if (pick < 0.93) {
      out = out.slice(0, Math.floor(rnd() * out.length))
    } else {
      const extra = new Uint8Array(Math.floor(rnd() * 64))
      for (let j = 0; j < extra.length; j++) extra[j] = Math.floor(rnd() * 256)
      const grown = new Uint8Array(out.length + extra.length)
      grown.set(out)
      grown.set(extra, out.length)
      out = grown
    }
  }
  return out
}

type Op = "request" | "requestReply" | "dumpAll" | "dump" | "requestMany"
const OPS: ReadonlyArray<Op> = ["request", "requestReply", "dumpAll", "dump", "requestMany"]

interface Outcome {
  readonly op: Op
  readonly exit: Exit.Exit<unknown, unknown>
  readonly pending: number
  readonly dumping: number
}

const runCase = (rnd: () => number): Effect.Effect<Outcome> => {
  const op = OPS[Math.floor(rnd() * OPS.length)]
  const capped = rnd() < 0.5
  const ackOf = (r: Request, errno: number) => (capped ? cappedAck(r, errno) : fullAck(r, errno))
  // Each datagram is mutated with probability 1/2, so valid replies mix with bad ones.
  const maybe = (d: Uint8Array) => (rnd() < 0.5 ? mutate(d, rnd) : d)
  const k = new FakeKernel((r) => {
    switch (op) {
      case "request":
      case "requestMany":
        return [maybe(ackOf(r, rnd() < 0.5 ? 0 : 22))]
      case "requestReply":
        return [maybe(datagram(item(r.seq, 7, 0))), maybe(ackOf(r, rnd() < 0.8 ? 0 : 19))]
      default: {
        const out: Array<Uint8Array> = []
        const count = Math.floor(rnd() * 4)
        for (let i = 0; i < count; i++) out.push(maybe(datagram(item(r.seq, i), item(r.seq, i + 100))))
        out.push(maybe(rnd() < 0.8 ? datagram(done(r.seq)) : ackOf(r, 95)))
        return out
      }
    }
  })
  const engine = new Connection.Engine(k)
  const c = Connection.fromEngine(engine)
  // A reply whose seq was mutated never arrives: a short timeout ends the wait.
  const options = { timeout: 2, headerLength: 16, operation: "fuzz" }
  const run: Effect.Effect<unknown, NetlinkError> =
    op === "request"
      ? c.request(request(16), options)
      : op === "requestReply"
        ? c.requestReply(request(18), decode, options)
        : op === "dumpAll"
          ? c.dumpAll(request(18), decode, { ...options, retryInterrupted: 1 })
          : op === "dump"
            ? Stream.runCollect(c.dump(request(18), decode, options))
            : c.requestMany([request(16), request(16), request(16)], options)
  return Effect.map(Effect.exit(run), (exit) => ({
    op,
    exit,
    pending: engine.pending,
    dumping: engine.dumping
  }))
}

const untyped = (o: Outcome): string | undefined => {
  if (Exit.isSuccess(o.exit)) return undefined
  const cause = o.exit.cause
  if (cause.reasons.length === 1 && Cause.isFailReason(cause.reasons[0])) {
    if (cause.reasons[0].error instanceof NetlinkError) return undefined
  }
  return Cause.pretty(cause)
}

describe("reply-path fuzz (fake kernel)", () => {
  it.live(
    `${CASES} mutated reply sets: only successes and typed NetlinkErrors, no operation left registered`,
    () =>
      Effect.gen(function* () {
        const rnd = prng(SEED)
        const crashes: Array<string> = []
        const leaks: Array<string> = []
        const seen = new Map<string, number>()
        for (let i = 0; i < CASES; i++) {
          const o = yield* runCase(rnd)
          const bad = untyped(o)
          if (bad !== undefined && crashes.length < 5) crashes.push(`case ${i} (${o.op}): ${bad}`)
          else if (bad !== undefined) crashes.push("")
          if (o.pending !== 0 || o.dumping !== 0) leaks.push(`case ${i} (${o.op}): ${o.pending} pending`)
          const tag = Exit.isSuccess(o.exit)
            ? "ok"
            : Cause.isFailReason(o.exit.cause.reasons[0])
              ? (o.exit.cause.reasons[0].error as NetlinkError).reason._tag
              : "defect"
          seen.set(tag, (seen.get(tag) ?? 0) + 1)
        }
        expect(crashes.slice(0, 5)).toEqual([])
        expect(crashes.length).toBe(0)
        expect(leaks).toEqual([])
        // The mutations reach every outcome the engine has: successes, kernel
        // errors, decode errors and timeouts (lost replies).
        for (const tag of ["ok", "Kernel", "Decode", "Timeout"]) expect(seen.get(tag) ?? 0).toBeGreaterThan(0)
      }),
    Math.max(60_000, CASES * 2)
  )
})
