/**
 * A scripted stand-in for the kernel: a Socket.Transport whose replies come
 * from a handler (request message → reply datagrams). Used for engine edge
 * cases the real kernel will not produce on demand.
 */
import { Deferred, Effect } from "effect"
import type { Transport } from "../../src/runtime/Socket.ts"
import { align4, Writer } from "../../src/runtime/Wire.ts"

export interface Request {
  readonly type: number
  readonly flags: number
  readonly seq: number
  readonly bytes: Uint8Array
}

export type Handler = (request: Request, kernel: FakeKernel) => ReadonlyArray<Uint8Array> | undefined

export class FakeKernel implements Transport {
  readonly portId = 4242
  buffer = new Uint8Array(64 * 1024)
  view = new DataView(this.buffer.buffer)
  readonly sent: Array<Request> = []
  readonly queue: Array<Uint8Array> = []
  watching = false
  keepAlive = false
  closed = false
  overrunNext = false
  private onReadable: () => void = () => {}
  private scheduled = false
  private readonly sentHooks: Array<{ readonly count: number; readonly deferred: Deferred.Deferred<void> }> =
    []
  handler: Handler

  constructor(handler: Handler) {
    this.handler = handler
  }

  send(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let off = 0
    while (off + 16 <= bytes.length) {
      const len = view.getUint32(off, true)
      const req = {
        type: view.getUint16(off + 4, true),
        flags: view.getUint16(off + 6, true),
        seq: view.getUint32(off + 8, true),
        bytes: bytes.slice(off, off + len)
      }
      this.sent.push(req)
      const replies = this.handler(req, this)
      if (replies !== undefined) this.queue.push(...replies)
      off += align4(len)
    }
    for (const h of this.sentHooks)
      if (this.sent.length >= h.count) Deferred.doneUnsafe(h.deferred, Effect.void)
    return 0
  }

  /**
   * Completes once `count` requests have been sent in total: tests order
   * their steps on what the engine did, never on a sleep.
   */
  awaitSent(count: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.sent.length >= count) return Effect.void
      const deferred = Deferred.makeUnsafe<void>()
      this.sentHooks.push({ count, deferred })
      return Deferred.await(deferred)
    })
  }

  /** Queues a datagram later, as an asynchronous kernel would. */
  deliver(datagram: Uint8Array): void {
    this.queue.push(datagram)
    this.kick()
  }

  receive(): number {
    if (this.overrunNext) {
      this.overrunNext = false
      return -105
    }
    const d = this.queue.shift()
    if (d === undefined) return -11
    if (d.length > this.buffer.length) {
      this.buffer = new Uint8Array(d.length * 2)
      this.view = new DataView(this.buffer.buffer)
    }
    this.buffer.set(d)
    return d.length
  }

  watch(on: boolean, keepAlive: boolean, onReadable: () => void): void {
    this.watching = on
    this.keepAlive = keepAlive
    this.onReadable = onReadable
    this.kick()
  }

  private kick(): void {
    if (!this.watching || this.scheduled || (this.queue.length === 0 && !this.overrunNext)) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      if (this.watching) this.onReadable()
    })
  }

  close(): void {
    this.closed = true
  }
}

// --- reply builders --------------------------------------------------------

export const message = (
  type: number,
  flags: number,
  seq: number,
  payload: Uint8Array = new Uint8Array(0),
  pid = 4242
) => {
  const w = new Writer()
  const m = w.beginMessage(type, flags, seq, pid)
  w.bytes(payload)
  w.endMessage(m)
  return w.finish()
}

export const datagram = (...messages: ReadonlyArray<Uint8Array>): Uint8Array => {
  const total = messages.reduce((n, m) => n + align4(m.length), 0)
  const out = new Uint8Array(total)
  let p = 0
  for (const m of messages) {
    out.set(m, p)
    p += align4(m.length)
  }
  return out
}

export interface ExtackSpec {
  readonly message?: string
  readonly offset?: number
  readonly policy?: {
    readonly type?: number
    readonly maxLength?: number
    readonly minU?: bigint
    readonly maxU?: bigint
  }
  readonly missType?: number
  readonly missNest?: number
}

/** NLMSG_ERROR (errno 0 = ack) as the kernel sends it with CAP_ACK and EXT_ACK. */
export const ack = (request: Request, errno = 0, extack?: ExtackSpec): Uint8Array => {
  const w = new Writer()
  const flags = 0x100 | (extack !== undefined ? 0x200 : 0)
  const m = w.beginMessage(2, flags, request.seq, 4242)
  w.s32(-errno)
  w.bytes(request.bytes.subarray(0, 16))
  if (extack !== undefined) {
    if (extack.message !== undefined) w.attrString(1, extack.message)
    if (extack.offset !== undefined) w.attrU32(2, extack.offset)
    if (extack.policy !== undefined) {
      const n = w.nestStart(4)
      if (extack.policy.type !== undefined) w.attrU32(1, extack.policy.type)
      if (extack.policy.minU !== undefined) w.attrU64(4, extack.policy.minU)
      if (extack.policy.maxU !== undefined) w.attrU64(5, extack.policy.maxU)
      if (extack.policy.maxLength !== undefined) w.attrU32(7, extack.policy.maxLength)
      w.attrEnd(n)
    }
    if (extack.missType !== undefined) w.attrU32(5, extack.missType)
    if (extack.missNest !== undefined) w.attrU32(6, extack.missNest)
  }
  w.endMessage(m)
  return w.finish()
}

export const done = (seq: number, flags = 0x2, errno = 0): Uint8Array => {
  const p = new Uint8Array(4)
  new DataView(p.buffer).setInt32(0, -errno, true)
  return message(3, flags, seq, p)
}

/** A tiny "object" message: type 100 with a u32 payload. */
export const item = (seq: number, value: number, flags = 0x2): Uint8Array => {
  const p = new Uint8Array(4)
  new DataView(p.buffer).setUint32(0, value, true)
  return message(100, flags, seq, p)
}

export const decodeItem = (_b: Uint8Array, view: DataView, start: number, _e: number, type: number) =>
  type === 100 ? view.getUint32(start + 16, true) : undefined
