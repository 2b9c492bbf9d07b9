/**
 * The request engine over one netlink socket: requests with acks, single
 * replies, dumps (as a pull-driven stream or collected), batches, and the raw
 * stream of unsolicited (multicast) messages.
 *
 * Replies are demultiplexed by sequence number, so many fibers can share one
 * connection. rtnetlink answers inside `send`, so the common path completes
 * synchronously (send, recv, done) without touching the event loop; only when
 * a reply is not queued yet does a request arm libuv's poll.
 *
 * Dumps hold a per-connection lock (the kernel runs one dump per socket and
 * answers a second with EBUSY); plain requests proceed meanwhile. A dump whose
 * consumer goes away is drained to its NLMSG_DONE before the lock is released,
 * so the next user never reads stale replies.
 *
 * Decoders run in a tight loop over each datagram, with no Effect allocation
 * per message: `(buf, view, start, end, type) => A | undefined`, where `start`
 * is the message's nlmsghdr and `undefined` skips the message.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as Channel from "effect/Channel"
import * as Scope from "effect/Scope"
import * as Extack from "./Extack.ts"
import * as NetlinkError from "./NetlinkError.ts"
import * as Socket from "./Socket.ts"
import * as Sys from "./Syscalls.ts"
import { align4, DecodeFailure, NLMSG_HDRLEN, toHex } from "./Wire.ts"

/** @since 0.1.0 */
export const NLMSG_NOOP = 1
/** @since 0.1.0 */
export const NLMSG_ERROR = 2
/** @since 0.1.0 */
export const NLMSG_DONE = 3
/** @since 0.1.0 */
export const NLMSG_OVERRUN = 4
/** @since 0.1.0 */
export const NLM_F_REQUEST = 0x1
/** @since 0.1.0 */
export const NLM_F_MULTI = 0x2
/** @since 0.1.0 */
export const NLM_F_ACK = 0x4
/** @since 0.1.0 */
export const NLM_F_DUMP_INTR = 0x10
/** @since 0.1.0 */
export const NLM_F_DUMP = 0x300

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
   * before failing with DumpInterrupted. Streams never retry (they already
   * emitted results). Default 0.
   */
  readonly retryInterrupted?: number
}

/** An unsolicited message (multicast notification) as received. @since 0.1.0 */
export interface RawMessage {
  readonly type: number
  readonly flags: number
  readonly seq: number
  readonly portId: number
  /** The whole message including its nlmsghdr (a copy). */
  readonly bytes: Uint8Array
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
  /**
   * Unsolicited messages (multicast groups the socket joined), one chunk per
   * datagram. ENOBUFS (the receive buffer overflowed) fails it with Overrun.
   */
  readonly messages: Stream.Stream<RawMessage, NetlinkError.NetlinkError>
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
const MAX_UNSOLICITED = 16384

const timeoutMillis = (options: RequestOptions | undefined): number =>
  options?.timeout === undefined ? DEFAULT_TIMEOUT_MS : Duration.toMillis(options.timeout)

const hexSnippet = (buf: Uint8Array, start: number, end: number): string =>
  toHex(buf.subarray(start, Math.min(end, start + 64))) + (end - start > 64 ? "…" : "")

const decodeError = (
  e: unknown,
  buf: Uint8Array,
  start: number,
  end: number,
  context: string
): NetlinkError.NetlinkError =>
  NetlinkError.make(
    new NetlinkError.Decode({
      message: e instanceof Error ? e.message : String(e),
      offset: e instanceof DecodeFailure ? e.offset - start : undefined,
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
    return `reply to ${this.options?.operation ?? `message type ${new DataView(this.request.buffer).getUint16(4, true)}`}`
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
  /** Datagrams that carried messages for this dump (progress, for waiting). */
  datagrams = 0
  error: NetlinkError.NetlinkError | undefined = undefined
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
    this.discard = true
    this.items = []
    this.chunks.length = 0
  }
}

/**
 * The engine: one per socket. Exposed for tests and for building on a custom
 * {@link Socket.Transport}; most code uses {@link make}.
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
  private dumpBusy = false
  private readonly dumpQueue: Array<() => void> = []
  private broken: NetlinkError.NetlinkError | undefined = undefined
  // Unsolicited messages, kept only while `messages` has a consumer.
  private unsolicitedListeners = 0
  private unsolicited: Array<Array<RawMessage>> = []
  private unsolicitedCount = 0
  private unsolicitedError: NetlinkError.NetlinkError | undefined = undefined

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
      const seq = view.getUint32(off + 8, true)
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
      const type = view.getUint16(off + 4, true)
      const w = last !== undefined && last.seq === seq ? last : this.waiters.get(seq)
      if (w !== undefined) {
        w.onMessage(buf, view, off, off + len, type, view.getUint16(off + 6, true))
        if (w !== last) {
          this.touch(w)
          last = w
        }
      } else if (this.unsolicitedListeners > 0 && type !== NLMSG_ERROR && type !== NLMSG_DONE) {
        this.pushUnsolicited(buf, view, off, len, type, seq)
      }
      off += align4(len)
    }
    const touched = this.touched
    for (let i = 0; i < touched.length; i++) touched[i].flush()
    touched.length = 0
    if (this.pendingChunk.length > 0) {
      this.unsolicited.push(this.pendingChunk)
      this.pendingChunk = []
    }
  }

  private touch(w: Waiter): void {
    if (!this.touched.includes(w)) this.touched.push(w)
  }

  private pendingChunk: Array<RawMessage> = []
  private pushUnsolicited(
    buf: Uint8Array,
    view: DataView,
    off: number,
    len: number,
    type: number,
    seq: number
  ): void {
    if (this.unsolicitedCount >= MAX_UNSOLICITED) {
      if (this.unsolicitedError === undefined) {
        this.unsolicitedError = NetlinkError.make(new NetlinkError.Overrun({ lost: 1 }))
      }
      return
    }
    this.unsolicitedCount++
    this.pendingChunk.push({
      type,
      flags: view.getUint16(off + 6, true),
      seq,
      portId: view.getUint32(off + 12, true),
      bytes: buf.slice(off, off + len)
    })
  }

  private overrun(): void {
    const err = NetlinkError.make(new NetlinkError.Overrun({}))
    if (this.unsolicitedListeners > 0 && this.unsolicitedError === undefined) this.unsolicitedError = err
    // Replies may have been dropped: nobody may wait forever for them.
    for (const w of [...this.waiters.values()]) w.fail(err)
    this.checkConditions()
  }

  private breakWith(err: NetlinkError.NetlinkError): void {
    this.broken = err
    if (this.unsolicitedError === undefined) this.unsolicitedError = err
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

  // -- the dump lock --------------------------------------------------------

  acquireDump(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (!this.dumpBusy) {
        this.dumpBusy = true
        return Effect.void
      }
      return Effect.callback<void>((resume) => {
        let granted = false
        const grant = () => {
          granted = true
          resume(Effect.void)
        }
        this.dumpQueue.push(grant)
        return Effect.sync(() => {
          if (granted) this.releaseDump()
          else {
            const i = this.dumpQueue.indexOf(grant)
            if (i >= 0) this.dumpQueue.splice(i, 1)
          }
        })
      })
    })
  }

  releaseDump(): void {
    const next = this.dumpQueue.shift()
    if (next !== undefined) next()
    else this.dumpBusy = false
  }

  /** Stops consuming a dump: swallow the rest, release the lock at DONE. */
  abandonDump(w: DumpWaiter<unknown>): void {
    if (w.done) return
    w.discard = true
    w.items = []
    w.chunks.length = 0
    this.pump(() => w.done, true)
    if (!w.done) {
      // Rare: the kernel has not queued the rest yet. Drain in the background
      // without keeping the process alive for it.
      this.addCondition(
        () => w.done,
        () => {},
        false
      )
    }
  }

  // -- unsolicited -----------------------------------------------------------

  addListener(): void {
    this.unsolicitedListeners++
  }
  removeListener(): void {
    this.unsolicitedListeners--
    if (this.unsolicitedListeners === 0) {
      this.unsolicited = []
      this.unsolicitedCount = 0
      this.unsolicitedError = undefined
    }
  }
  takeUnsolicited(): Array<RawMessage> | NetlinkError.NetlinkError | undefined {
    const chunk = this.unsolicited.shift()
    if (chunk !== undefined) {
      this.unsolicitedCount -= chunk.length
      return chunk
    }
    const e = this.unsolicitedError
    if (e !== undefined) {
      this.unsolicitedError = this.broken
      return e
    }
    return undefined
  }
  hasUnsolicited(): boolean {
    return this.unsolicited.length > 0 || this.unsolicitedError !== undefined
  }

  isBroken(): NetlinkError.NetlinkError | undefined {
    return this.broken
  }
}

// ---------------------------------------------------------------------------
// building the operations

const validation = (message: string): NetlinkError.NetlinkError =>
  NetlinkError.make(new NetlinkError.Validation({ path: "message", message }))

// Copies the message and fixes its header; returns a Validation error for
// bytes that are not one netlink message.
const prepare = (
  message: Uint8Array,
  setFlags: number,
  seq: number
): Uint8Array | NetlinkError.NetlinkError => {
  if (message.length < NLMSG_HDRLEN)
    return validation(`a netlink message needs at least 16 bytes, got ${message.length}`)
  const out = message.slice()
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
  out[6] |= setFlags & 0xff
  out[7] |= setFlags >>> 8
  out[8] = seq & 0xff
  out[9] = (seq >>> 8) & 0xff
  out[10] = (seq >>> 16) & 0xff
  out[11] = seq >>> 24
  out.fill(0, 12, 16)
  return out
}

const operationName = (message: Uint8Array, options: RequestOptions | undefined): string =>
  options?.operation ??
  (message.length >= 6
    ? `message type ${new DataView(message.buffer, message.byteOffset).getUint16(4, true)}`
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

  const requestWith = <A>(
    message: Uint8Array,
    decode: Decoder<A> | undefined,
    options: RequestOptions | undefined
  ): Effect.Effect<A, NetlinkError.NetlinkError> =>
    Effect.suspend(() => {
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
    })

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
        const err = engine.send(buf)
        if (err !== undefined) {
          for (const w of batch) engine.unregister(w)
          return Effect.fail(err)
        }
        const allDone = () => batch.every((w) => w.done)
        engine.pump(allDone, true)
        const after = Effect.suspend(() => {
          for (const w of batch) engine.unregister(w)
          return sendBatch()
        })
        if (allDone()) return after
        return engine.waitUntil(allDone, timeoutMs, operationName(batch[0].request, options)).pipe(
          Effect.onExit(() =>
            Effect.sync(() => {
              for (const w of batch) engine.unregister(w)
            })
          ),
          Effect.flatMap(() => after)
        )
      }
      return sendBatch().pipe(
        Effect.map(() => {
          for (let i = 0; i < messages.length; i++) {
            const w = waiters[i]
            if (w !== undefined)
              results[i] = w.error !== undefined ? Result.fail(w.error) : Result.succeed(undefined)
          }
          return results as ReadonlyArray<Result.Result<void, NetlinkError.NetlinkError>>
        })
      )
    })

  // Starts a dump under the lock; the caller owns releasing through the waiter.
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
    let released = false
    w.onDone = () => {
      engine.unregister(w)
      if (!released) {
        released = true
        engine.releaseDump()
      }
    }
    engine.register(w)
    const err = engine.send(msg)
    if (err !== undefined) {
      engine.unregister(w)
      released = true
      engine.releaseDump()
      return err
    }
    return w
  }

  const dumpOnce = <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options: DumpOptions | undefined
  ): Effect.Effect<DumpWaiter<A>, NetlinkError.NetlinkError> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(restore(engine.acquireDump()), () => {
        const w = startDump(message, decode, options, false)
        if (w instanceof NetlinkError.NetlinkError) return Effect.fail(w)
        const settled = () => w.done || w.error !== undefined
        const timeoutMs = timeoutMillis(options)
        const operation = operationName(w.request, options)
        // Read in slices of DUMP_SLICE_MS; between slices the event loop turns
        // (yieldNow schedules through setImmediate). With nothing queued, wait
        // for the next datagram rather than the whole dump, then slice again.
        const step: Effect.Effect<DumpWaiter<A>, NetlinkError.NetlinkError> = Effect.suspend(() => {
          const deadline = performance.now() + DUMP_SLICE_MS
          engine.pump(() => settled() || performance.now() >= deadline, true)
          if (settled()) return Effect.succeed(w)
          if (performance.now() >= deadline) return Effect.flatMap(Effect.yieldNow, () => step)
          const seen = w.datagrams
          return Effect.flatMap(
            engine.waitUntil(() => settled() || w.datagrams !== seen, timeoutMs, operation),
            () => step
          )
        })
        return restore(step).pipe(
          Effect.onExit(() => Effect.sync(() => engine.abandonDump(w as DumpWaiter<unknown>)))
        )
      }).pipe(
        Effect.tap((w) => {
          // A decode error or kernel error mid-dump: drain the rest before leaving.
          if (!w.done) engine.abandonDump(w as DumpWaiter<unknown>)
          return Effect.void
        })
      )
    )

  const dumpAll = <A>(message: Uint8Array, decode: Decoder<A>, options?: DumpOptions) => {
    const attempt = (retriesLeft: number): Effect.Effect<ReadonlyArray<A>, NetlinkError.NetlinkError> =>
      Effect.flatMap(dumpOnce(message, decode, options), (w) => {
        if (w.error !== undefined) return Effect.fail(w.error)
        if (w.interrupted) {
          if (retriesLeft > 0) return attempt(retriesLeft - 1)
          return Effect.fail(NetlinkError.make(new NetlinkError.DumpInterrupted({ partial: w.items })))
        }
        return Effect.succeed(w.items)
      })
    return attempt(options?.retryInterrupted ?? 0)
  }

  const dump = <A>(
    message: Uint8Array,
    decode: Decoder<A>,
    options?: DumpOptions
  ): Stream.Stream<A, NetlinkError.NetlinkError> =>
    Stream.fromChannel(
      Channel.fromTransform((_upstream, scope: Scope.Scope) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(restore(engine.acquireDump()), () => {
            const w = startDump(message, decode, options, true)
            if (w instanceof NetlinkError.NetlinkError) return Effect.fail(w)
            const timeoutMs = timeoutMillis(options)
            const operation = operationName(w.request, options)
            const ready = () => w.chunks.length > 0 || w.done || w.error !== undefined
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
            return Effect.as(
              addFinalizer(scope, () => engine.abandonDump(w as DumpWaiter<unknown>)),
              pull
            )
          })
        )
      )
    )

  const messages: Stream.Stream<RawMessage, NetlinkError.NetlinkError> = Stream.fromChannel(
    Channel.fromTransform((_upstream, scope: Scope.Scope) =>
      Effect.sync(() => {
        engine.addListener()
        return engine
      }).pipe(
        Effect.tap(() => addFinalizer(scope, () => engine.removeListener())),
        Effect.map(() => {
          const pull: Effect.Effect<readonly [RawMessage, ...Array<RawMessage>], NetlinkError.NetlinkError> =
            Effect.suspend(() => {
              const got = engine.takeUnsolicited()
              if (got instanceof NetlinkError.NetlinkError) return Effect.fail(got)
              if (got !== undefined)
                return Effect.succeed(got as unknown as readonly [RawMessage, ...Array<RawMessage>])
              engine.pump(() => engine.hasUnsolicited(), true)
              if (engine.hasUnsolicited()) return pull
              // No timeout: notifications come when they come.
              return Effect.flatMap(
                Effect.callback<void>((resume) => {
                  const cancel = engine.addCondition(
                    () => engine.hasUnsolicited(),
                    () => resume(Effect.void),
                    true
                  )
                  return Effect.sync(cancel)
                }),
                () => pull
              )
            })
          return pull
        })
      )
    )
  )

  return {
    portId: engine.transport.portId,
    request,
    requestReply,
    requestMany,
    dump,
    dumpAll,
    messages
  }
}

const addFinalizer = (scope: Scope.Scope, f: () => void): Effect.Effect<void> =>
  Scope.addFinalizer(scope, Effect.sync(f))

/** @since 0.1.0 */
export interface MakeOptions {
  /** NETLINK_ROUTE (0), NETLINK_GENERIC (16), ... */
  readonly protocol: number
  /** Open the socket inside this namespace (e.g. `{ path: Namespace.pathOf({ name: "blue" }) }`). */
  readonly netns?: { readonly path: string }
  /** Multicast groups to join; their messages arrive on `messages`. */
  readonly groups?: ReadonlyArray<number>
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
  Effect.map(Socket.open(options), (socket) => fromEngine(new Engine(socket)))

/**
 * Builds a connection over any {@link Socket.Transport} (the fake kernel in tests).
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
