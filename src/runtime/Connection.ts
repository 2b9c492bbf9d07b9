/**
 * The request engine over one netlink socket: requests with acks, single
 * replies, dumps (as a pull-driven stream or collected) and batches.
 * Multicast notifications have their own socket and reader (api/Events.ts):
 * a request connection drops messages nobody asked for.
 *
 * Replies are demultiplexed by sequence number, so many fibers can share one
 * connection. rtnetlink answers inside `send`, so the common path completes
 * synchronously (send, recv, done) without touching the event loop; only when
 * a reply is not queued yet does a request arm libuv's poll.
 *
 * Dumps hold a per-connection semaphore (the kernel runs one dump per socket
 * and answers a second with EBUSY); plain requests proceed meanwhile, each
 * first yielding to the scheduler so that a running dump gets its turn after
 * at most one request per fiber. A dump whose consumer goes away is drained
 * to its NLMSG_DONE before the permit is released, so the next user never
 * reads stale replies.
 *
 * Decoders run in a tight loop over each datagram, with no Effect allocation
 * per message: `(buf, view, start, end, type) => A | undefined`, where `start`
 * is the message's nlmsghdr and `undefined` skips the message. A decoder
 * reports malformed input by throwing `DecodeFailure`, which becomes a Decode
 * error; anything else it throws is a bug and fails the operation as a defect.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import {
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_REQUEST,
  NlmsghdrOffsets,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_NOOP
} from "../generated/netlink/index.ts"
import * as Extack from "./Extack.ts"
import * as NetlinkError from "./NetlinkError.ts"
import * as Socket from "./Socket.ts"
import * as Sys from "./Syscalls.ts"
import { align4, claimOwnership, DecodeFailure, toHex } from "./Wire.ts"

/** The control message types and header flags, from the generated (header-checked) module. @since 0.1.0 */
export {
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN
} from "../generated/netlink/index.ts"

// Byte offsets in struct nlmsghdr, as plain numbers for the receive and send paths.
const NLMSG_TYPE = NlmsghdrOffsets.type
const NLMSG_FLAGS = NlmsghdrOffsets.flags
const NLMSG_SEQ = NlmsghdrOffsets.seq
const NLMSG_PID = NlmsghdrOffsets.pid

/**
 * Decodes one message. `start` is the offset of its nlmsghdr, `end` the end of
 * the message; return `undefined` to skip it. Throw `DecodeFailure` (Wire.ts)
 * on malformed input.
 *
 * @since 0.1.0
 */
export type Decoder<A> = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  type: number
) => A | undefined

/** @since 0.1.0 */
export interface RequestOptions {
  /** How long to wait for the kernel without progress; default 5 seconds. */
  readonly timeout?: Duration.Input
  /** Size of the family header after the nlmsghdr, to resolve extack offsets. */
  readonly headerLength?: number
  /** Names an attribute path for error messages; default "attr 3 > attr 2". */
  readonly describePath?: Extack.DescribePath
  /** Names the operation in error messages, e.g. "link add". */
  readonly operation?: string
}

/** @since 0.1.0 */
export interface DumpOptions extends RequestOptions {
  /**
   * How many times `dumpAll` re-runs a dump the kernel flagged NLM_F_DUMP_INTR
   * before failing with DumpInterrupted (`Effect.retry` with
   * `Schedule.recurs`). Streams never retry (they already emitted results).
   * Default 0.
   */
  readonly retryInterrupted?: number
}

/**
 * The connection's operations.
 *
 * @since 0.1.0
 */
export interface ConnectionShape {
  /** The socket's port id. */
  readonly portId: number
  /**
   * Sends a request and waits for its ack. NLM_F_REQUEST|NLM_F_ACK are set,
   * the sequence number and port id are assigned (the input is not modified).
   */
  readonly request: (
    message: Uint8Array,
    options?: RequestOptions
  ) => Effect.Effect<void, NetlinkError.NetlinkError>
  /** Sends a request answered by one message (plus the ack) and decodes it. */
  readonly requestReply: <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options?: RequestOptions
  ) => Effect.Effect<A, NetlinkError.NetlinkError>
  /**
   * Sends many requests in as few datagrams as possible; each gets its own
   * sequence number and its own result, in order. Fails as a whole only when
   * the socket itself fails.
   */
  readonly requestMany: (
    messages: ReadonlyArray<Uint8Array>,
    options?: RequestOptions
  ) => Effect.Effect<ReadonlyArray<Result.Result<void, NetlinkError.NetlinkError>>, NetlinkError.NetlinkError>
  /**
   * A dump as a stream: one chunk per received datagram, read only as the
   * consumer pulls.
   */
  readonly dump: <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options?: DumpOptions
  ) => Stream.Stream<A, NetlinkError.NetlinkError>
  /** A dump collected into one array (the fast path). */
  readonly dumpAll: <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options?: DumpOptions
  ) => Effect.Effect<ReadonlyArray<A>, NetlinkError.NetlinkError>
}

/**
 * The connection service.
 *
 * @since 0.1.0
 */
export class Connection extends Context.Service<Connection, ConnectionShape>()("nlink/runtime/Connection") {}

// ---------------------------------------------------------------------------
// engine internals

interface Waiter {
  readonly seq: number
  onMessage(buf: Uint8Array, view: DataView, start: number, end: number, type: number, flags: number): void
  /** End of a datagram in which this waiter got messages. */
  flush(): void
  /** A socket-level failure: the reply may be lost. */
  fail(error: NetlinkError.NetlinkError): void
  /** A bug while handling a message (not malformed input): the operation dies with it. */
  die(defect: unknown): void
}

interface Condition {
  readonly check: () => boolean
  readonly wake: () => void
  /** Keeps the process alive while pending. */
  readonly strong: boolean
}

const DEFAULT_TIMEOUT_MS = 5000
/**
 * A dump reads and decodes for at most this long before letting the event
 * loop turn: the kernel refills the socket as fast as we read, so without it
 * a large dump holds the loop for its whole duration.
 */
const DUMP_SLICE_MS = 4
const MAX_BATCH_BYTES = 64 * 1024
const MAX_BATCH_MESSAGES = 128

const timeoutMillis = (options: RequestOptions | undefined): number =>
  options?.timeout === undefined ? DEFAULT_TIMEOUT_MS : Duration.toMillis(options.timeout)

const hexSnippet = (buf: Uint8Array, start: number, end: number): string =>
  toHex(buf.subarray(start, Math.min(end, start + 64))) + (end - start > 64 ? "…" : "")

// Only a decoder's DecodeFailure is a Decode error; the caller rethrows
// anything else (a TypeError in generated code is a bug, not bad input).
const decodeError = (
  e: DecodeFailure,
  buf: Uint8Array,
  start: number,
  end: number,
  context: string
): NetlinkError.NetlinkError =>
  NetlinkError.make(
    new NetlinkError.Decode({
      message: e.message,
      offset: e.offset - start,
      bytes: hexSnippet(buf, start, end),
      context
    })
  )

class AckWaiter<A> implements Waiter, Extack.ResolveOptions {
  readonly seq: number
  readonly request: Uint8Array
  readonly options: RequestOptions | undefined
  readonly decode: Decoder<A> | undefined
  done = false
  error: NetlinkError.NetlinkError | undefined = undefined
  value: A | undefined = undefined
  got = false
  dead = false
  defect: unknown = undefined
  constructor(
    seq: number,
    request: Uint8Array,
    options: RequestOptions | undefined,
    decode: Decoder<A> | undefined
  ) {
    this.seq = seq
    this.request = request
    this.options = options
    this.decode = decode
  }
  onMessage(buf: Uint8Array, view: DataView, start: number, end: number, type: number, flags: number): void {
    if (this.done) return
    if (type === NLMSG_ERROR) {
      const r = Extack.decodeError(buf, view, start, end, flags, this)
      this.done = true
      if (r.errno !== 0) {
        this.error = NetlinkError.kernel(r.errno, { extack: r.extack, operation: this.options?.operation })
      } else if (this.decode !== undefined && !this.got) {
        this.error = this.ackedWithoutReply()
      }
      return
    }
    if (type === NLMSG_DONE) {
      // A multipart reply ended; without NLM_F_ACK semantics this is the end.
      const r = Extack.decodeDone(buf, view, start, end, flags, this)
      if (r.errno !== 0) {
        this.done = true
        this.error = NetlinkError.kernel(r.errno, { extack: r.extack, operation: this.options?.operation })
      }
      return
    }
    if (this.decode === undefined || this.got || type === NLMSG_NOOP) return
    try {
      const v = this.decode(buf, view, start, end, type)
      if (v !== undefined) {
        this.value = v
        this.got = true
      }
    } catch (e) {
      if (!(e instanceof DecodeFailure)) throw e
      this.error = decodeError(e, buf, start, end, this.context())
      this.got = true
    }
  }
  flush(): void {}
  fail(error: NetlinkError.NetlinkError): void {
    if (this.done) return
    this.done = true
    this.error = error
  }
  die(defect: unknown): void {
    if (this.done) return
    this.done = true
    this.dead = true
    this.defect = defect
  }
  ackedWithoutReply(): NetlinkError.NetlinkError {
    return NetlinkError.make(
      new NetlinkError.Decode({ message: "the kernel acked without a reply", context: this.context() })
    )
  }
  // The waiter is its own Extack.ResolveOptions: nothing is built per reply.
  get headerLength(): number | undefined {
    return this.options?.headerLength
  }
  get describePath(): Extack.DescribePath | undefined {
    return this.options?.describePath
  }
  context(): string {
    return `reply to ${this.options?.operation ?? `message type ${new DataView(this.request.buffer).getUint16(NLMSG_TYPE, true)}`}`
  }
}

class DumpWaiter<A> implements Waiter {
  readonly seq: number
  readonly request: Uint8Array
  readonly options: DumpOptions | undefined
  readonly decode: Decoder<A>
  readonly chunked: boolean
  items: Array<A> = []
  readonly chunks: Array<Array<A>> = []
  done = false
  interrupted = false
  /** The consumer left or failed: swallow everything until DONE. */
  discard = false
  /** A socket-level failure (overrun, truncation): the DONE may never come. */
  lost = false
  /** Datagrams that carried messages for this dump (progress, for waiting). */
  datagrams = 0
  error: NetlinkError.NetlinkError | undefined = undefined
  dead = false
  defect: unknown = undefined
  onDone: () => void = () => {}
  constructor(
    seq: number,
    request: Uint8Array,
    options: DumpOptions | undefined,
    decode: Decoder<A>,
    chunked: boolean
  ) {
    this.seq = seq
    this.request = request
    this.options = options
    this.decode = decode
    this.chunked = chunked
  }
  onMessage(buf: Uint8Array, view: DataView, start: number, end: number, type: number, flags: number): void {
    if (this.done) return
    if (type === NLMSG_DONE || type === NLMSG_ERROR) {
      const opts = {
        request: this.request,
        headerLength: this.options?.headerLength,
        describePath: this.options?.describePath
      }
      const r =
        type === NLMSG_DONE
          ? Extack.decodeDone(buf, view, start, end, flags, opts)
          : Extack.decodeError(buf, view, start, end, flags, opts)
      if ((flags & NLM_F_DUMP_INTR) !== 0) this.interrupted = true
      if (r.errno !== 0 && this.error === undefined) {
        this.error = NetlinkError.kernel(r.errno, { extack: r.extack, operation: this.options?.operation })
      }
      this.done = true
      this.onDone()
      return
    }
    if ((flags & NLM_F_DUMP_INTR) !== 0 && !this.interrupted) {
      this.interrupted = true
      if (this.chunked && this.error === undefined) {
        // A stream cannot take back what it emitted: fail now with what is pending.
        this.error = NetlinkError.make(new NetlinkError.DumpInterrupted({ partial: this.items }))
        this.discard = true
      }
    }
    if (this.discard || type === NLMSG_NOOP) return
    try {
      const v = this.decode(buf, view, start, end, type)
      if (v !== undefined) this.items.push(v)
    } catch (e) {
      if (!(e instanceof DecodeFailure)) throw e
      this.error = decodeError(
        e,
        buf,
        start,
        end,
        `dump of ${this.options?.operation ?? `message type ${type}`}`
      )
      this.discard = true
      this.items = []
    }
  }
  flush(): void {
    this.datagrams++
    if (this.chunked && this.items.length > 0 && !this.discard) {
      this.chunks.push(this.items)
      this.items = []
    }
  }
  fail(error: NetlinkError.NetlinkError): void {
    if (this.done) return
    if (this.error === undefined) this.error = error
    this.lost = true
    this.discard = true
    this.items = []
    this.chunks.length = 0
  }
  die(defect: unknown): void {
    if (this.dead) return
    this.dead = true
    this.defect = defect
    this.discard = true
    this.items = []
    this.chunks.length = 0
  }
  /** Nothing more to wait for: the dump ended, failed or died. */
  settled(): boolean {
    return this.done || this.error !== undefined || this.dead
  }
}

/**
 * The engine: one per socket. Exposed for tests and for building on a custom
 * `Socket.Transport` (src/runtime/Socket.ts); most code uses {@link make}.
 *
 * @since 0.1.0
 */
export class Engine {
  readonly transport: Socket.Transport
  private seq: number
  private readonly waiters = new Map<number, Waiter>()
  private readonly conditions = new Set<Condition>()
  private strongCount = 0
  private pumping = false
  private wakes: Array<() => void> = []
  private touched: Array<Waiter> = []
  private broken: NetlinkError.NetlinkError | undefined = undefined
  private lock: Semaphore.Semaphore | undefined = undefined
  /** One dump at a time per socket (the kernel answers a second with EBUSY); made by the first dump. */
  get dumpLock(): Semaphore.Semaphore {
    return (this.lock ??= Semaphore.makeUnsafe(1))
  }
  /** Dumps holding the lock; requests yield to them first (fairness). */
  dumping = 0

  constructor(transport: Socket.Transport) {
    this.transport = transport
    // iproute2 seeds with the time; any start works as replies are matched exactly.
    this.seq = (Date.now() & 0x3fffffff) >>> 0
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0
    if (this.seq === 0) this.seq = 1
    return this.seq
  }

  register(w: Waiter): void {
    this.waiters.set(w.seq, w)
  }
  unregister(w: Waiter): void {
    if (this.waiters.get(w.seq) === w) this.waiters.delete(w.seq)
  }
  /** How many operations wait for replies (for tests: none may stay behind). */
  get pending(): number {
    return this.waiters.size
  }

  /** Sends bytes; returns a NetlinkError on failure. */
  send(bytes: Uint8Array): NetlinkError.NetlinkError | undefined {
    if (this.broken !== undefined) return this.broken
    const e = this.transport.send(bytes)
    return e === 0 ? undefined : NetlinkError.socket("send", e)
  }

  /**
   * Reads and dispatches datagrams until `until()` holds or nothing is
   * queued. Wakes produced meanwhile run after the loop (never re-entrantly).
   */
  pump(until: () => boolean, wakeLater: boolean): void {
    if (this.pumping) return
    this.pumping = true
    try {
      const t = this.transport
      while (!until()) {
        const n = t.receive()
        if (n < 0) {
          if (n === -Sys.EAGAIN) break
          if (n === -Sys.ENOBUFS) {
            this.overrun()
            continue
          }
          this.breakWith(NetlinkError.socket("recv", -n))
          break
        }
        this.dispatch(t.buffer, t.view, n)
        if (this.conditions.size > 0) this.checkConditions()
      }
    } finally {
      this.pumping = false
    }
    this.runWakes(wakeLater)
  }

  private dispatch(buf: Uint8Array, view: DataView, n: number): void {
    let off = 0
    let last: Waiter | undefined
    while (off + NLMSG_HDRLEN <= n) {
      const len = view.getUint32(off, true)
      const seq = view.getUint32(off + NLMSG_SEQ, true)
      if (len < NLMSG_HDRLEN || off + len > n) {
        const w = this.waiters.get(seq)
        if (w !== undefined) {
          w.fail(
            NetlinkError.make(
              new NetlinkError.Decode({
                message: `truncated message: nlmsg_len ${len} with ${n - off} bytes left in the datagram`,
                offset: off,
                bytes: hexSnippet(buf, off, n),
                context: "datagram"
              })
            )
          )
          this.touch(w)
        }
        break
      }
      const type = view.getUint16(off + NLMSG_TYPE, true)
      const w = last !== undefined && last.seq === seq ? last : this.waiters.get(seq)
      if (w !== undefined) {
        try {
          w.onMessage(buf, view, off, off + len, type, view.getUint16(off + NLMSG_FLAGS, true))
        } catch (e) {
          // A bug, not bad input: it belongs to this operation alone, and the
          // rest of the datagram still reaches the others.
          w.die(e)
        }
        if (w !== last) {
          this.touch(w)
          last = w
        }
      }
      off += align4(len)
    }
    const touched = this.touched
    for (let i = 0; i < touched.length; i++) touched[i].flush()
    touched.length = 0
  }

  private touch(w: Waiter): void {
    if (!this.touched.includes(w)) this.touched.push(w)
  }

  private overrun(): void {
    const err = NetlinkError.make(new NetlinkError.Overrun({}))
    // Replies may have been dropped: nobody may wait forever for them.
    for (const w of [...this.waiters.values()]) w.fail(err)
    this.checkConditions()
  }

  private breakWith(err: NetlinkError.NetlinkError): void {
    this.broken = err
    for (const w of [...this.waiters.values()]) w.fail(err)
    this.checkConditions()
  }

  private checkConditions(): void {
    for (const c of this.conditions) {
      if (c.check()) {
        this.conditions.delete(c)
        if (c.strong) this.strongCount--
        this.wakes.push(c.wake)
      }
    }
  }

  private runWakes(later: boolean): void {
    if (this.wakes.length === 0) {
      this.updateWatch()
      return
    }
    const wakes = this.wakes
    this.wakes = []
    this.updateWatch()
    if (later) {
      // Resuming a fiber runs it synchronously; from inside another fiber defer it.
      queueMicrotask(() => {
        for (const w of wakes) w()
      })
    } else {
      for (const w of wakes) w()
    }
  }

  private updateWatch(): void {
    if (this.broken !== undefined) this.transport.watch(false, false, this.onReadable)
    else this.transport.watch(this.conditions.size > 0, this.strongCount > 0, this.onReadable)
  }

  private readonly onReadable = (): void => {
    this.pump(() => this.conditions.size === 0, false)
  }

  /** Registers a condition to be woken when it holds. Returns the canceller. */
  addCondition(check: () => boolean, wake: () => void, strong: boolean): () => void {
    const c: Condition = { check, wake, strong }
    this.conditions.add(c)
    if (strong) this.strongCount++
    this.updateWatch()
    return () => {
      if (this.conditions.delete(c)) {
        if (c.strong) this.strongCount--
        this.updateWatch()
      }
    }
  }

  /** Waits (asynchronously, with a timeout) until `check()` holds. */
  waitUntil(
    check: () => boolean,
    timeoutMs: number,
    operation: string
  ): Effect.Effect<void, NetlinkError.NetlinkError> {
    const wait = Effect.callback<void>((resume) => {
      const cancel = this.addCondition(check, () => resume(Effect.void), true)
      // Data may have arrived between the caller's pump and now.
      this.pump(() => check() || this.conditions.size === 0, true)
      return Effect.sync(cancel)
    })
    return Effect.timeoutOrElse(wait, {
      duration: timeoutMs,
      orElse: () =>
        Effect.fail(NetlinkError.make(new NetlinkError.Timeout({ afterMs: timeoutMs, operation })))
    })
  }

  /**
   * Stops consuming a dump and waits for its NLMSG_DONE, swallowing the rest,
   * so the next dump on this socket reads no stale replies. Gives up after
   * the timeout, or at once when replies were lost (the waiter is dropped;
   * late replies then match nothing).
   */
  drainDump(w: DumpWaiter<unknown>, timeoutMs: number, operation: string): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (w.done) return Effect.void
      if (w.lost) {
        this.unregister(w)
        return Effect.void
      }
      w.discard = true
      w.items = []
      w.chunks.length = 0
      this.pump(() => w.done, true)
      if (w.done) return Effect.void
      return this.waitUntil(() => w.done, timeoutMs, operation).pipe(
        Effect.ignore,
        Effect.ensuring(Effect.sync(() => this.unregister(w)))
      )
    })
  }

  isBroken(): NetlinkError.NetlinkError | undefined {
    return this.broken
  }
}

// ---------------------------------------------------------------------------
// building the operations

const validation = (message: string): NetlinkError.NetlinkError =>
  NetlinkError.make(new NetlinkError.Validation({ path: "message", message }))

// Fixes the message's header (in place when buildMessage handed the buffer
// over, else on a copy so the caller's bytes are untouched); returns a Validation error for
// bytes that are not one netlink message.
const prepare = (
  message: Uint8Array,
  setFlags: number,
  seq: number
): Uint8Array | NetlinkError.NetlinkError => {
  if (message.length < NLMSG_HDRLEN)
    return validation(`a netlink message needs at least ${NLMSG_HDRLEN} bytes, got ${message.length}`)
  const out = claimOwnership(message) ? message : message.slice()
  // Little-endian header fields written byte by byte: no DataView per request.
  const len = (out[0] | (out[1] << 8) | (out[2] << 16) | (out[3] << 24)) >>> 0
  if (len === 0) {
    const n = out.length
    out[0] = n & 0xff
    out[1] = (n >>> 8) & 0xff
    out[2] = (n >>> 16) & 0xff
    out[3] = n >>> 24
  } else if (len !== out.length && align4(len) !== out.length) {
    return validation(`nlmsg_len is ${len} but the message has ${out.length} bytes`)
  }
  out[NLMSG_FLAGS] |= setFlags & 0xff
  out[NLMSG_FLAGS + 1] |= setFlags >>> 8
  out[NLMSG_SEQ] = seq & 0xff
  out[NLMSG_SEQ + 1] = (seq >>> 8) & 0xff
  out[NLMSG_SEQ + 2] = (seq >>> 16) & 0xff
  out[NLMSG_SEQ + 3] = seq >>> 24
  out.fill(0, NLMSG_PID, NLMSG_HDRLEN)
  return out
}

const operationName = (message: Uint8Array, options: RequestOptions | undefined): string =>
  options?.operation ??
  (message.length >= NLMSG_TYPE + 2
    ? `message type ${new DataView(message.buffer, message.byteOffset).getUint16(NLMSG_TYPE, true)}`
    : "request")

/**
 * Builds the connection operations over an engine.
 *
 * @since 0.1.0
 */
export const fromEngine = (engine: Engine): ConnectionShape => {
  const awaitAck = <A>(
    w: AckWaiter<A>,
    options: RequestOptions | undefined
  ): Effect.Effect<A, NetlinkError.NetlinkError> => {
    const finish = (): Effect.Effect<A, NetlinkError.NetlinkError> => {
      engine.unregister(w)
      if (w.dead) return Effect.die(w.defect)
      return w.error !== undefined ? Effect.fail(w.error) : Effect.succeed(w.value as A)
    }
    engine.pump(() => w.done, true)
    if (w.done) return finish()
    return engine
      .waitUntil(() => w.done, timeoutMillis(options), operationName(w.request, options))
      .pipe(
        Effect.flatMap(finish),
        Effect.onExit(() => Effect.sync(() => engine.unregister(w)))
      )
  }

  const startRequest = <A>(
    message: Uint8Array,
    decode: Decoder<A> | undefined,
    options: RequestOptions | undefined
  ): Effect.Effect<A, NetlinkError.NetlinkError> => {
    const seq = engine.nextSeq()
    const msg = prepare(message, NLM_F_REQUEST | NLM_F_ACK, seq)
    if (msg instanceof NetlinkError.NetlinkError) return Effect.fail(msg)
    const w = new AckWaiter<A>(seq, msg, options, decode)
    engine.register(w)
    const err = engine.send(msg)
    if (err !== undefined) {
      engine.unregister(w)
      return Effect.fail(err)
    }
    return awaitAck(w, options)
  }

  // Requests complete synchronously, so a fiber issuing them in a loop runs
  // for its whole operation budget; while a dump runs, each request yields
  // first, and the dump waits for at most one request per fiber.
  const requestWith = <A>(
    message: Uint8Array,
    decode: Decoder<A> | undefined,
    options: RequestOptions | undefined
  ): Effect.Effect<A, NetlinkError.NetlinkError> =>
    Effect.suspend(() =>
      engine.dumping > 0
        ? Effect.flatMap(Effect.yieldNow, () => startRequest(message, decode, options))
        : startRequest(message, decode, options)
    )

  const request = (message: Uint8Array, options?: RequestOptions) =>
    requestWith<void>(message, undefined, options)

  const requestReply = <A>(message: Uint8Array, decode: Decoder<A>, options?: RequestOptions) =>
    requestWith<A>(message, decode, options)

  const requestMany = (messages: ReadonlyArray<Uint8Array>, options?: RequestOptions) =>
    Effect.suspend(() => {
      const results: Array<Result.Result<void, NetlinkError.NetlinkError>> = new Array(messages.length)
      const waiters: Array<AckWaiter<void> | undefined> = new Array(messages.length)
      for (let i = 0; i < messages.length; i++) {
        const seq = engine.nextSeq()
        const msg = prepare(messages[i], NLM_F_REQUEST | NLM_F_ACK, seq)
        if (msg instanceof NetlinkError.NetlinkError) results[i] = Result.fail(msg)
        else waiters[i] = new AckWaiter<void>(seq, msg, options, undefined)
      }
      const timeoutMs = timeoutMillis(options)
      let next = 0
      const sendBatch = (): Effect.Effect<void, NetlinkError.NetlinkError> => {
        while (next < messages.length && waiters[next] === undefined) next++
        if (next >= messages.length) return Effect.void
        const batch: Array<AckWaiter<void>> = []
        let bytes = 0
        while (next < messages.length && batch.length < MAX_BATCH_MESSAGES) {
          const w = waiters[next]
          if (w !== undefined) {
            if (batch.length > 0 && bytes + w.request.length > MAX_BATCH_BYTES) break
            batch.push(w)
            bytes += w.request.length
          }
          next++
        }
        const buf = new Uint8Array(bytes)
        let p = 0
        for (const w of batch) {
          buf.set(w.request, p)
          p += w.request.length
          engine.register(w)
        }
        const unregisterAll = () => {
          for (const w of batch) engine.unregister(w)
        }
        const err = engine.send(buf)
        if (err !== undefined) {
          unregisterAll()
          return Effect.fail(err)
        }
        const allDone = () => batch.every((w) => w.done)
        engine.pump(allDone, true)
        const after = Effect.suspend(() => {
          unregisterAll()
          const dead = batch.find((w) => w.dead)
          return dead !== undefined ? Effect.die(dead.defect) : sendBatch()
        })
        if (allDone()) return after
        return engine.waitUntil(allDone, timeoutMs, operationName(batch[0].request, options)).pipe(
          Effect.onExit(() => Effect.sync(unregisterAll)),
          Effect.flatMap(() => after)
        )
      }
      const run = sendBatch().pipe(
        Effect.map(() => {
          for (let i = 0; i < messages.length; i++) {
            const w = waiters[i]
            if (w !== undefined)
              results[i] = w.error !== undefined ? Result.fail(w.error) : Result.succeed(undefined)
          }
          return results as ReadonlyArray<Result.Result<void, NetlinkError.NetlinkError>>
        })
      )
      return engine.dumping > 0 ? Effect.flatMap(Effect.yieldNow, () => run) : run
    })

  // Sends a dump request; the caller holds the dump lock.
  const startDump = <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options: DumpOptions | undefined,
    chunked: boolean
  ): DumpWaiter<A> | NetlinkError.NetlinkError => {
    const seq = engine.nextSeq()
    const msg = prepare(message, NLM_F_REQUEST | NLM_F_DUMP, seq)
    if (msg instanceof NetlinkError.NetlinkError) return msg
    const w = new DumpWaiter<A>(seq, msg, options, decode, chunked)
    w.onDone = () => engine.unregister(w)
    engine.register(w)
    const err = engine.send(msg)
    if (err !== undefined) {
      engine.unregister(w)
      return err
    }
    engine.dumping++
    return w
  }

  // Ends a dump's hold on the socket: swallow what is left up to its DONE.
  const endDump = (w: DumpWaiter<unknown>, options: DumpOptions | undefined): Effect.Effect<void> =>
    Effect.suspend(() => {
      engine.dumping--
      return engine.drainDump(w, timeoutMillis(options), operationName(w.request, options))
    })

  // One dump, collected, under the lock. The waiter comes back settled.
  const dumpOnce = <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options: DumpOptions | undefined
  ): Effect.Effect<DumpWaiter<A>, NetlinkError.NetlinkError> =>
    engine.dumpLock.withPermit(
      Effect.suspend(() => {
        const w = startDump(message, decode, options, false)
        if (w instanceof NetlinkError.NetlinkError) return Effect.fail(w)
        const timeoutMs = timeoutMillis(options)
        const operation = operationName(w.request, options)
        // Read in slices of DUMP_SLICE_MS; between slices the event loop turns
        // (yieldNow schedules through setImmediate). With nothing queued, wait
        // for the next datagram rather than the whole dump, then slice again.
        const step: Effect.Effect<DumpWaiter<A>, NetlinkError.NetlinkError> = Effect.suspend(() => {
          const deadline = performance.now() + DUMP_SLICE_MS
          engine.pump(() => w.settled() || performance.now() >= deadline, true)
          if (w.settled()) return Effect.succeed(w)
          if (performance.now() >= deadline) return Effect.flatMap(Effect.yieldNow, () => step)
          const seen = w.datagrams
          return Effect.flatMap(
            engine.waitUntil(() => w.settled() || w.datagrams !== seen, timeoutMs, operation),
            () => step
          )
        })
        // A decode, kernel or socket error mid-dump: drain the rest before
        // the lock is released.
        return Effect.onExit(step, () => endDump(w as DumpWaiter<unknown>, options))
      })
    )

  const isInterrupted = (e: NetlinkError.NetlinkError): boolean => e.reason._tag === "DumpInterrupted"

  const dumpAll = <A>(message: Uint8Array, decode: Decoder<A>, options?: DumpOptions) => {
    const once = Effect.flatMap(
      dumpOnce(message, decode, options),
      (w): Effect.Effect<ReadonlyArray<A>, NetlinkError.NetlinkError> => {
        if (w.dead) return Effect.die(w.defect)
        if (w.error !== undefined) return Effect.fail(w.error)
        if (w.interrupted) {
          return Effect.fail(NetlinkError.make(new NetlinkError.DumpInterrupted({ partial: w.items })))
        }
        return Effect.succeed(w.items)
      }
    )
    const retries = options?.retryInterrupted ?? 0
    return retries > 0
      ? Effect.retry(once, { schedule: Schedule.recurs(retries), while: isInterrupted })
      : once
  }

  const dump = <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options?: DumpOptions
  ): Stream.Stream<A, NetlinkError.NetlinkError> =>
    Stream.fromChannel(
      Channel.fromTransform((_upstream, scope: Scope.Scope) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(restore(engine.dumpLock.take(1)), () => {
            // Finalizers run last-in first-out: the drain before the release.
            const release = Scope.addFinalizer(scope, engine.dumpLock.release(1))
            const w = startDump(message, decode, options, true)
            if (w instanceof NetlinkError.NetlinkError) return Effect.andThen(release, Effect.fail(w))
            const timeoutMs = timeoutMillis(options)
            const operation = operationName(w.request, options)
            const ready = () => w.chunks.length > 0 || w.settled()
            // The consumer runs synchronously between pulls: yield to the event
            // loop every DUMP_SLICE_MS so a long dump never holds it.
            let sliceStart = performance.now()
            const yieldThenPull = Effect.flatMap(Effect.yieldNow, () => {
              sliceStart = performance.now()
              return pull
            })
            const pull: Effect.Effect<readonly [A, ...Array<A>], NetlinkError.NetlinkError | Cause.Done> =
              Effect.suspend(() => {
                if (performance.now() - sliceStart >= DUMP_SLICE_MS) return yieldThenPull
                if (w.dead) return Effect.die(w.defect)
                const chunk = w.chunks.shift()
                if (chunk !== undefined) return Effect.succeed(chunk as unknown as readonly [A, ...Array<A>])
                if (w.error !== undefined) return Effect.fail(w.error)
                if (w.done) {
                  if (w.interrupted) {
                    return Effect.fail(NetlinkError.make(new NetlinkError.DumpInterrupted({ partial: [] })))
                  }
                  return Cause.done()
                }
                engine.pump(ready, true)
                if (ready()) return pull
                return Effect.flatMap(engine.waitUntil(ready, timeoutMs, operation), () => pull)
              })
            return release.pipe(
              Effect.andThen(Scope.addFinalizer(scope, endDump(w as DumpWaiter<unknown>, options))),
              Effect.as(pull)
            )
          })
        )
      )
    )

  return {
    get portId() {
      return engine.transport.portId
    },
    request,
    requestReply,
    requestMany,
    dump,
    dumpAll
  }
}

/** @since 0.1.0 */
export interface MakeOptions {
  /** NETLINK_ROUTE (0), NETLINK_GENERIC (16), ... */
  readonly protocol: number
  /** Open the socket inside this namespace (e.g. `{ path: Namespace.pathOf({ name: "blue" }) }`). */
  readonly netns?: { readonly path: string }
  /** Receive buffer size in bytes. */
  readonly rcvbuf?: number
}

/**
 * Opens a socket and builds a connection on it; the socket closes with the scope.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Connection from "nlink/runtime/Connection"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const conn = yield* Connection.make({ protocol: 0 })
 *   const links = yield* conn.dumpAll(getLinkRequest, decodeLink)
 * }))
 * ```
 * @since 0.1.0
 */
export const make = (
  options: MakeOptions
): Effect.Effect<ConnectionShape, NetlinkError.NetlinkError, Scope.Scope> =>
  // One step: the socket opens synchronously, so nothing can interrupt
  // between the open and its finalizer (what acquireRelease guards against).
  Effect.flatMap(Effect.scope, (scope) => {
    let socket: Socket.NetlinkSocket
    try {
      socket = Socket.openSync(options)
    } catch (e) {
      return e instanceof NetlinkError.NetlinkError ? Effect.fail(e) : Effect.die(e)
    }
    return Effect.as(
      Scope.addFinalizer(
        scope,
        Effect.sync(() => socket.close())
      ),
      fromEngine(new Engine(socket))
    )
  })

/**
 * Builds a connection over any `Socket.Transport` (src/runtime/Socket.ts) (the fake kernel in tests).
 *
 * @example
 * ```ts
 * const conn = Connection.fromTransport(fakeKernel)
 * ```
 * @since 0.1.0
 */
export const fromTransport = (transport: Socket.Transport): ConnectionShape =>
  fromEngine(new Engine(transport))

/**
 * A layer providing {@link Connection}.
 *
 * @example
 * ```ts
 * const RouteConnection = Connection.layer({ protocol: 0 })
 * ```
 * @since 0.1.0
 */
export const layer = (options: MakeOptions): Layer.Layer<Connection, NetlinkError.NetlinkError> =>
  Layer.effect(Connection, make(options))
