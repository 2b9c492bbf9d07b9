import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Result, Stream } from "effect"
import * as Connection from "../../src/runtime/Connection.ts"
import * as Extack from "../../src/runtime/Extack.ts"
import type { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { DecodeFailure, Writer } from "../../src/runtime/Wire.ts"
import { ack, datagram, decodeItem, done, FakeKernel, item, message, type Request } from "./FakeKernel.ts"

const req = (type = 16): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(type, 0, 0)
  w.zeros(16) // ifinfomsg
  w.attrString(3, "eth0")
  const n = w.nestStart(18)
  w.attrString(1, "veth")
  w.attrEnd(n)
  w.endMessage(m)
  return w.finish()
}

const reason = (e: NetlinkError) => e.reason

describe("engine over the fake kernel", () => {
  it.effect("request: ack resolves; seq and flags are set, pid cleared, input untouched", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [ack(r)])
      const c = Connection.fromTransport(k)
      const input = req()
      yield* c.request(input)
      expect(k.sent[0].flags & 0x5).toBe(0x5)
      expect(k.sent[0].seq).not.toBe(0)
      expect(new DataView(input.buffer).getUint32(8, true)).toBe(0)
      yield* c.request(input)
      expect(k.sent[1].seq).toBe(k.sent[0].seq + 1)
    })
  )

  it.effect("request: nlmsg_len 0 is filled in; flags already set are kept", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [ack(r)])
      const c = Connection.fromTransport(k)
      const input = req()
      const view = new DataView(input.buffer)
      view.setUint32(0, 0, true)
      view.setUint16(6, 0x400, true) // NLM_F_CREATE
      view.setUint32(12, 1234, true)
      yield* c.request(input)
      expect(k.sent[0].bytes.length).toBe(input.length)
      expect(new DataView(k.sent[0].bytes.buffer).getUint32(0, true)).toBe(input.length)
      expect(k.sent[0].flags).toBe(0x405)
      expect(new DataView(k.sent[0].bytes.buffer).getUint32(12, true)).toBe(0)
    })
  )

  it.effect("requestReply: a plain ack without the reply fails as a Decode error", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [ack(r)])
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(c.requestReply(req(18), decodeItem, { operation: "link get" }))
      expect(reason(e)).toMatchObject({ _tag: "Decode", message: "the kernel acked without a reply" })
    })
  )

  it.effect("kernel error with extack: message, offset resolved to a path, policy", () =>
    Effect.gen(function* () {
      // offset 36 = nlmsghdr 16 + ifinfomsg 16 + IFLA_IFNAME(4+5→12) → 44 is LINKINFO; 48 is INFO_KIND
      const k = new FakeKernel((r) => [
        ack(r, 34, {
          message: "Attribute failed policy validation",
          offset: 48,
          policy: { type: 11, maxLength: 15 }
        })
      ])
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(
        c.request(req(), {
          headerLength: 16,
          operation: "link add",
          describePath: (t) =>
            t.map((x) => (x === 18 ? "IFLA_LINKINFO" : x === 1 ? "IFLA_INFO_KIND" : `${x}`)).join(" > ")
        })
      )
      const r = reason(e)
      expect(r._tag).toBe("Kernel")
      if (r._tag !== "Kernel") return
      expect(r.code).toBe("ERANGE")
      expect(r.extack?.message).toBe("Attribute failed policy validation")
      expect(r.extack?.attributePath).toBe("IFLA_LINKINFO > IFLA_INFO_KIND")
      expect(r.extack?.policy).toEqual({ type: "string", maxLength: 15 })
      expect(e.message).toContain("link add:")
      expect(e.message).toContain("IFLA_LINKINFO > IFLA_INFO_KIND")
    })
  )

  it.effect("extack: default path text, missing attribute in a nest, u64 bounds", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [
        ack(r, 22, { offset: 44, missType: 2, missNest: 44, policy: { type: 4, minU: 1n, maxU: 4094n } })
      ])
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(c.request(req(), { headerLength: 16 }))
      const r = reason(e)
      if (r._tag !== "Kernel") throw new Error("expected Kernel")
      expect(r.extack?.attributePath).toBe("attr 18")
      expect(r.extack?.missingType).toBe(2)
      expect(r.extack?.missingNest).toBe("attr 18")
      expect(r.extack?.policy).toEqual({ type: "u32", min: 1, max: 4094 })
      expect(e.message).toContain("range 1..4094")
    })
  )

  it.effect("requestReply decodes the reply and waits for the ack", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [datagram(item(r.seq, 7, 0)), ack(r)])
      const c = Connection.fromTransport(k)
      expect(yield* c.requestReply(req(18), decodeItem)).toBe(7)
    })
  )

  it.effect("DecodeFailure in a decoder becomes a Decode error with context and bytes", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [datagram(item(r.seq, 7, 0)), ack(r)])
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(
        c.requestReply(req(18), (_b, _v, s) => {
          throw new DecodeFailure("bad IFLA_MTU", s + 20)
        })
      )
      const r = reason(e)
      if (r._tag !== "Decode") throw new Error("expected Decode")
      expect(r.offset).toBe(20)
      expect(r.bytes).toMatch(/^[0-9a-f]+$/)
      expect(e.message).toContain("bad IFLA_MTU")
    })
  )

  it.effect("dumpAll: several datagrams, unknown message types skipped, filter by undefined", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [
        datagram(item(r.seq, 1), message(999, 2, r.seq), item(r.seq, 2)),
        datagram(item(r.seq, 3), item(r.seq, 4)),
        datagram(done(r.seq))
      ])
      const c = Connection.fromTransport(k)
      expect(yield* c.dumpAll(req(18), decodeItem)).toEqual([1, 2, 3, 4])
      expect(k.sent[0].flags & 0x300).toBe(0x300)
      expect(
        yield* c.dumpAll(req(18), (b, v, s, e, t) => ((decodeItem(b, v, s, e, t) ?? 0) % 2 ? 1 : undefined))
      ).toEqual([1, 1])
    })
  )

  it.effect("dump stream emits one chunk per datagram", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => [
        datagram(item(r.seq, 1), item(r.seq, 2)),
        datagram(item(r.seq, 3)),
        datagram(done(r.seq))
      ])
      const c = Connection.fromTransport(k)
      const chunks = yield* Stream.runCollect(Stream.chunks(c.dump(req(18), decodeItem)))
      expect(Array.from(chunks).map((ch) => Array.from(ch))).toEqual([[1, 2], [3]])
    })
  )

  it.live("a long dump lets the event loop turn between slices (dumpAll and stream)", () =>
    Effect.gen(function* () {
      // 40 datagrams, every one queued at once; each decode busy-waits 1 ms.
      const k = new FakeKernel((r) => [
        ...Array.from({ length: 40 }, (_, i) => datagram(item(r.seq, i))),
        datagram(done(r.seq))
      ])
      const c = Connection.fromTransport(k)
      const slow: typeof decodeItem = (b, v, s, e, t) => {
        const until = performance.now() + 1
        while (performance.now() < until) {}
        return decodeItem(b, v, s, e, t)
      }
      const ticksDuring = (run: Effect.Effect<unknown, NetlinkError>) =>
        Effect.gen(function* () {
          let ticks = 0
          let running = true
          const tick = () => {
            ticks++
            if (running) setImmediate(tick)
          }
          setImmediate(tick)
          yield* run
          running = false
          return ticks
        })
      // ~40 ms of decoding in slices of a few ms: the loop turned several times.
      expect(yield* ticksDuring(c.dumpAll(req(18), slow))).toBeGreaterThanOrEqual(4)
      expect(yield* ticksDuring(Stream.runDrain(c.dump(req(18), slow)))).toBeGreaterThanOrEqual(4)
    })
  )

  it.effect("DUMP_INTR: DumpInterrupted with partial results; retryInterrupted re-runs", () =>
    Effect.gen(function* () {
      let calls = 0
      const k = new FakeKernel((r) => {
        calls++
        const intr = calls === 1 ? 0x12 : 0x2
        return [datagram(item(r.seq, 1), item(r.seq, 2, intr)), datagram(done(r.seq, intr))]
      })
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(c.dumpAll(req(18), decodeItem))
      const r = reason(e)
      if (r._tag !== "DumpInterrupted") throw new Error("expected DumpInterrupted")
      expect(r.partial).toEqual([1, 2])
      calls = 0
      expect(yield* c.dumpAll(req(18), decodeItem, { retryInterrupted: 2 })).toEqual([1, 2])
      expect(calls).toBe(2)
    })
  )

  it.effect("a dump that fails in the kernel (NLMSG_DONE with errno, or NLMSG_ERROR)", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => (r.type === 18 ? [datagram(done(r.seq, 2, 95))] : [ack(r, 22)]))
      const c = Connection.fromTransport(k)
      const e1 = yield* Effect.flip(c.dumpAll(req(18), decodeItem))
      expect(reason(e1)._tag === "Kernel" && reason(e1)).toMatchObject({ code: "EOPNOTSUPP" })
      const e2 = yield* Effect.flip(c.dumpAll(req(26), decodeItem))
      expect(reason(e2)).toMatchObject({ code: "EINVAL" })
    })
  )

  it.effect("truncated datagram (nlmsg_len past the end) fails the request with Decode", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) => {
        const d = datagram(item(r.seq, 1))
        new DataView(d.buffer).setUint32(0, 400, true)
        return [d]
      })
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(c.dumpAll(req(18), decodeItem))
      const r = reason(e)
      expect(r._tag).toBe("Decode")
      expect(e.message).toContain("truncated")
    })
  )

  it.live("interleaved replies for two seqs, and a reply nobody waits for, are demultiplexed", () =>
    Effect.gen(function* () {
      const pending: Array<Request> = []
      const k = new FakeKernel((r) => {
        pending.push(r)
        return undefined
      })
      const c = Connection.fromTransport(k)
      const a = yield* Effect.forkChild(c.requestReply(req(18), decodeItem))
      const b = yield* Effect.forkChild(c.requestReply(req(18), decodeItem))
      yield* k.awaitSent(2)
      expect(pending.length).toBe(2)
      const [ra, rb] = pending
      // b's reply first, a stray seq in between, then a's, then both acks in one datagram.
      k.deliver(datagram(item(rb.seq, 20, 0), item(12345, 99, 0), item(ra.seq, 10, 0)))
      k.deliver(datagram(ack(rb), ack(ra)))
      expect(yield* Fiber.join(a)).toBe(10)
      expect(yield* Fiber.join(b)).toBe(20)
    })
  )

  it.live("timeout: no reply → Timeout reason; the late reply is ignored", () =>
    Effect.gen(function* () {
      const k = new FakeKernel(() => undefined)
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(c.request(req(), { timeout: 30, operation: "link add" }))
      expect(reason(e)).toMatchObject({ _tag: "Timeout", afterMs: 30, operation: "link add" })
      k.deliver(ack(k.sent[0]))
      k.handler = (r) => [ack(r)]
      yield* c.request(req())
      expect(k.watching).toBe(false)
    })
  )

  it.effect("ENOBUFS fails pending requests with Overrun", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((_r, kk) => {
        kk.overrunNext = true
        return undefined
      })
      const c = Connection.fromTransport(k)
      const e = yield* Effect.flip(c.request(req()))
      expect(reason(e)._tag).toBe("Overrun")
    })
  )

  it.effect("requestMany: one datagram, per-message results in order", () =>
    Effect.gen(function* () {
      let datagrams = 0
      const k = new FakeKernel((r) => [ack(r, r.seq % 2 === 0 ? 17 : 0)])
      const send = k.send.bind(k)
      k.send = (b) => {
        datagrams++
        return send(b)
      }
      const c = Connection.fromTransport(k)
      const results = yield* c.requestMany([req(), req(), req(), req(), new Uint8Array(3)])
      expect(datagrams).toBe(1)
      expect(results.length).toBe(5)
      const codes = results.map((r) =>
        Result.isSuccess(r) ? "ok" : ((r.failure.reason as any).code ?? r.failure.reason._tag)
      )
      expect(codes.slice(0, 4).filter((x) => x === "EEXIST").length).toBe(2)
      expect(codes[4]).toBe("Validation")
      expect(new Set(k.sent.map((s) => s.seq)).size).toBe(4)
    })
  )

  it.live("a dump stream abandoned early is drained; the next dump reads no stale replies", () =>
    Effect.gen(function* () {
      const k = new FakeKernel((r) =>
        r.type === 18
          ? [
              datagram(item(r.seq, 1)),
              datagram(item(r.seq, 2)),
              datagram(item(r.seq, 3)),
              datagram(done(r.seq))
            ]
          : [datagram(item(r.seq, 100)), datagram(done(r.seq))]
      )
      const c = Connection.fromTransport(k)
      const first = yield* Stream.runCollect(Stream.take(c.dump(req(18), decodeItem), 1))
      expect(Array.from(first)).toEqual([1])
      expect(k.queue.length).toBe(0)
      expect(yield* c.dumpAll(req(26), decodeItem)).toEqual([100])
    })
  )

  it.live("dumps queue behind each other while plain requests proceed", () =>
    Effect.gen(function* () {
      const dumps: Array<number> = []
      // Whether the first dump had its NLMSG_DONE when the second was sent.
      const firstDoneAtSecond: Array<boolean> = []
      let firstDone = false
      const k = new FakeKernel((r) => {
        if (r.type === 18) {
          if (dumps.length === 1) firstDoneAtSecond.push(firstDone)
          dumps.push(r.seq)
          return undefined // answered later
        }
        return [ack(r)]
      })
      const c = Connection.fromTransport(k)
      const d1 = yield* Effect.forkChild(c.dumpAll(req(18), decodeItem))
      const d2 = yield* Effect.forkChild(c.dumpAll(req(18), decodeItem))
      yield* k.awaitSent(1)
      yield* c.request(req()) // not blocked by the running dump
      expect(k.sent.map((r) => r.type)).toEqual([18, 16])
      firstDone = true
      k.deliver(datagram(item(dumps[0], 1), done(dumps[0])))
      expect(yield* Fiber.join(d1)).toEqual([1])
      yield* k.awaitSent(3)
      expect(firstDoneAtSecond).toEqual([true])
      k.deliver(datagram(item(dumps[1], 2), done(dumps[1])))
      expect(yield* Fiber.join(d2)).toEqual([2])
    })
  )

  // An NLMSG_ERROR without NETLINK_CAP_ACK: errno, the echoed request whose
  // nlmsg_len is `echoedLen`, then an extack message.
  const uncappedError = (r: Request, errno: number, echoedLen: number): Uint8Array => {
    const w = new Writer()
    const m = w.beginMessage(2, 0x200, r.seq, 4242)
    w.s32(-errno)
    const echo = r.bytes.slice()
    new DataView(echo.buffer).setUint32(0, echoedLen, true)
    w.bytes(echo)
    w.attrString(1, "bad echo")
    w.endMessage(m)
    return w.finish()
  }

  it("Extack.decodeError: an echoed nlmsg_len of 0x7fffffff or 0x80000000 leaves no TLVs, no RangeError", () => {
    for (const len of [0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff]) {
      const bytes = uncappedError({ type: 16, flags: 5, seq: 9, bytes: req() }, 22, len)
      const view = new DataView(bytes.buffer)
      const status = Extack.decodeError(bytes, view, 0, bytes.length, 0x200, {
        request: req(),
        headerLength: 16
      })
      expect(status).toEqual({ errno: 22, extack: undefined })
    }
  })

  it.effect("request: a corrupt echoed length is a typed Kernel error and the waiter is gone", () =>
    Effect.gen(function* () {
      for (const len of [0x7fffffff, 0x80000000]) {
        const k = new FakeKernel((r) => [uncappedError(r, 22, len)])
        const engine = new Connection.Engine(k)
        const c = Connection.fromEngine(engine)
        const e = yield* Effect.flip(c.request(req(), { headerLength: 16, operation: "link add" }))
        expect(reason(e)).toMatchObject({ _tag: "Kernel", code: "EINVAL" })
        expect(engine.pending).toBe(0)
      }
    })
  )

  it.effect(
    "a decoder's bug (not a DecodeFailure) is a defect; others in the datagram still get replies",
    () =>
      Effect.gen(function* () {
        const pending: Array<Request> = []
        const k = new FakeKernel((r) => {
          pending.push(r)
          return undefined
        })
        const engine = new Connection.Engine(k)
        const c = Connection.fromEngine(engine)
        const buggy: typeof decodeItem = () => {
          throw new TypeError("generated code read a missing field")
        }
        const a = yield* Effect.forkChild(Effect.exit(c.requestReply(req(18), buggy)))
        const b = yield* Effect.forkChild(c.requestReply(req(18), decodeItem))
        yield* k.awaitSent(2)
        const [ra, rb] = pending
        k.deliver(datagram(item(ra.seq, 1, 0), item(rb.seq, 2, 0), ack(ra), ack(rb)))
        const ea = yield* Fiber.join(a)
        expect(Exit.isFailure(ea) && Cause.hasDies(ea.cause)).toBe(true)
        expect(Exit.isFailure(ea) && Cause.pretty(ea.cause)).toContain("generated code read a missing field")
        expect(yield* Fiber.join(b)).toBe(2)
        expect(engine.pending).toBe(0)
        // The same in a dump: the defect ends it, and the connection stays usable.
        const k2 = new FakeKernel((r) => [datagram(item(r.seq, 1), done(r.seq))])
        const e2 = new Connection.Engine(k2)
        const c2 = Connection.fromEngine(e2)
        const dumped = yield* Effect.exit(c2.dumpAll(req(18), buggy))
        expect(Exit.isFailure(dumped) && Cause.hasDies(dumped.cause)).toBe(true)
        const streamed = yield* Effect.exit(Stream.runCollect(c2.dump(req(18), buggy)))
        expect(Exit.isFailure(streamed) && Cause.hasDies(streamed.cause)).toBe(true)
        expect(yield* c2.dumpAll(req(18), decodeItem)).toEqual([1])
        expect(e2.pending).toBe(0)
        expect(e2.dumping).toBe(0)
      })
  )

  it.live("fair dumps: a dump stream finishes before the 10,000 requests 50 fibers issue after it", () =>
    Effect.gen(function* () {
      const FIBERS = 50
      const EACH = 200
      const DATAGRAMS = 20
      const k = new FakeKernel((r) =>
        r.type === 18
          ? [...Array.from({ length: DATAGRAMS }, (_, i) => datagram(item(r.seq, i))), datagram(done(r.seq))]
          : [ack(r)]
      )
      const c = Connection.fromTransport(k)
      const message = req()
      let completed = 0
      let completedAtDumpEnd = -1
      // The consumer yields per element, as an effectful consumer does.
      const dump = Stream.runForEach(c.dump(req(18), decodeItem), () => Effect.yieldNow).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            completedAtDumpEnd = completed
          })
        )
      )
      const d = yield* Effect.forkChild(dump)
      yield* k.awaitSent(1)
      const workers = yield* Effect.forkChild(
        Effect.forEach(
          Array.from({ length: FIBERS }),
          () =>
            Effect.gen(function* () {
              for (let i = 0; i < EACH; i++) {
                yield* c.request(message)
                completed++
              }
            }),
          { concurrency: "unbounded", discard: true }
        )
      )
      yield* Fiber.join(d)
      yield* Fiber.join(workers)
      expect(completed).toBe(FIBERS * EACH)
      // Each time the dump's fiber waits for its turn, every other fiber runs
      // at most one request: about FIBERS per element (~23 turns here, 1,150
      // requests). Without the bound a fiber runs its whole operation budget
      // per turn and all 10,000 complete first. A quarter leaves room for
      // extra turns on a slow machine (the dump also yields every few ms).
      expect(completedAtDumpEnd).toBeGreaterThanOrEqual(0)
      expect(completedAtDumpEnd).toBeLessThan((FIBERS * EACH) / 4)
    })
  )
})
