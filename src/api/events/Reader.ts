/**
 * The reader: one multicast socket drained into a queue of datagrams,
 * eagerly, from libuv's poll (never a blocking read).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as NetlinkError from "../../runtime/NetlinkError.ts"
import type * as Socket from "../../runtime/Socket.ts"
import * as Sys from "../../runtime/Syscalls.ts"
import { ARENA_BYTES, MAX_QUEUED_BYTES, RECEIVE_BUFFER_GROWTH } from "./Constants.ts"

export interface Item {
  /** Arrival order, used to skip what a later dump already covers. */
  readonly seq: number
  /** Holds the datagram at [start, end); undefined marks ENOBUFS (messages were lost before this point). */
  readonly bytes: Uint8Array | undefined
  /** A DataView over all of `bytes`' buffer (shared by the items of one arena). */
  readonly view: DataView | undefined
  readonly start: number
  readonly end: number
}

export const lost = (seq: number): Item => ({ seq, bytes: undefined, view: undefined, start: 0, end: 0 })

export class Reader {
  readonly socket: Socket.NetlinkSocket
  private items: Array<Item> = []
  private head = 0
  private queuedBytes = 0
  private paused = false
  private closed = false
  seq = 0
  failure: NetlinkError.NetlinkError | undefined
  private waiter: (() => void) | undefined
  /** Datagrams and ENOBUFS reports received in total (for statistics). */
  received = 0
  overruns = 0

  private readonly lib = Sys.libc()
  private buffer = new Uint8Array(256 * 1024)

  private readonly coalesceMs: number
  /** Whether a read is pending on the timer (batching; the poll watcher is off meanwhile). */
  private ticking = false
  /** One timer for the reader's life, re-armed with `refresh` (no timer object per tick). */
  private clock: ReturnType<typeof setTimeout> | undefined

  private arm(): void {
    this.ticking = true
    if (this.clock === undefined) this.clock = setTimeout(this.onTick, this.coalesceMs)
    else this.clock.refresh()
  }

  /** The receive buffer asked for now, and how far overruns may grow it (no growth when equal). */
  private rcvbuf: number
  private readonly maxRcvbuf: number

  constructor(socket: Socket.NetlinkSocket, coalesceMs: number, rcvbuf: number, maxRcvbuf: number) {
    this.socket = socket
    this.coalesceMs = coalesceMs
    this.rcvbuf = rcvbuf
    this.maxRcvbuf = Math.max(rcvbuf, maxRcvbuf)
    socket.watch(true, true, this.onReadable)
  }

  /** The kernel dropped messages: a larger buffer makes the next burst less likely to. */
  private grow(): void {
    if (this.rcvbuf >= this.maxRcvbuf) return
    const next = Math.min(this.rcvbuf * RECEIVE_BUFFER_GROWTH, this.maxRcvbuf)
    const fd = this.socket.fd
    // SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped by rmem_max.
    if (
      Sys.setsockoptInt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUFFORCE, next) !== 0 &&
      Sys.setsockoptInt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF, next) !== 0
    )
      return
    this.rcvbuf = next
  }

  private readonly onReadable = (): void => {
    // One datagram is an event on its own (a trickle): stay on the poll
    // watcher, one wake-up per event. More than one were queued by the time
    // we woke: a burst is under way, so read on a timer until a read finds
    // nothing (fewer wake-ups, each reading many).
    if (this.drain() > 1 && this.coalesceMs > 0 && this.isLive()) {
      this.socket.watch(false, false, this.onReadable)
      this.arm()
    }
  }

  private readonly onTick = (): void => {
    this.ticking = false
    const got = this.drain()
    if (!this.isLive()) return
    if (got > 0) this.arm()
    else this.socket.watch(true, true, this.onReadable)
  }

  private isLive(): boolean {
    return !this.closed && !this.paused && this.failure === undefined
  }

  /** Reads everything queued in the kernel now, without blocking; how many datagrams and loss reports came. */
  drain(): number {
    if (!this.isLive()) return 0
    const s = this.socket
    const lib = this.lib
    let got = 0
    for (;;) {
      // One syscall per datagram: MSG_TRUNC returns the real length, so a
      // datagram larger than the buffer is detected (and counted as a loss).
      const n = lib.recv(s.fd, this.buffer, this.buffer.length, Sys.MSG_DONTWAIT | Sys.MSG_TRUNC)
      if (n < 0) {
        const e = Sys.errno()
        if (e === Sys.EINTR) continue
        if (e === Sys.EAGAIN) break
        if (e === Sys.ENOBUFS) {
          this.overruns++
          this.grow()
          this.items.push(lost(++this.seq))
          got++
          continue
        }
        this.failure = NetlinkError.socket("recv", e)
        s.watch(false, false, this.onReadable)
        got++
        break
      }
      if (n > this.buffer.length) {
        let size = this.buffer.length
        while (size < n) size *= 2
        this.buffer = new Uint8Array(size)
        this.overruns++
        this.items.push(lost(++this.seq))
        got++
        continue
      }
      this.received++
      this.items.push(this.copy(++this.seq, n))
      this.queuedBytes += n
      got++
      if (this.queuedBytes > MAX_QUEUED_BYTES) {
        // The consumer is far behind: stop reading; the kernel buffer fills
        // and reports ENOBUFS, which the policy handles.
        this.paused = true
        s.watch(false, false, this.onReadable)
        break
      }
    }
    if (got > 0) this.wake()
    return got
  }

  // Datagrams are copied into shared arenas: a slice of its own per datagram
  // costs a malloc'd backing store each (V8 keeps only tiny arrays on-heap).
  // An arena is freed once every item in it has been consumed.
  private arena = new Uint8Array(ARENA_BYTES)
  private arenaView = new DataView(this.arena.buffer)
  private arenaUsed = 0
  private copy(seq: number, n: number): Item {
    if (n > ARENA_BYTES / 4) {
      const own = this.buffer.slice(0, n)
      return { seq, bytes: own, view: new DataView(own.buffer), start: 0, end: n }
    }
    if (this.arenaUsed + n > ARENA_BYTES) {
      this.arena = new Uint8Array(ARENA_BYTES)
      this.arenaView = new DataView(this.arena.buffer)
      this.arenaUsed = 0
    }
    const start = this.arenaUsed
    this.arena.set(this.buffer.subarray(0, n), start)
    // Messages stay 4-byte aligned, as in the socket buffer.
    this.arenaUsed = (start + n + 3) & ~3
    return { seq, bytes: this.arena, view: this.arenaView, start, end: start + n }
  }

  private wake(): void {
    const w = this.waiter
    if (w !== undefined) {
      this.waiter = undefined
      w()
    }
  }

  hasItems(): boolean {
    return this.head < this.items.length || this.failure !== undefined
  }

  take(): Item | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head++]
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    if (item.bytes !== undefined) {
      this.queuedBytes -= item.end - item.start
      if (this.paused && this.queuedBytes < MAX_QUEUED_BYTES / 2) {
        this.paused = false
        if (!this.ticking) this.socket.watch(true, true, this.onReadable)
      }
    }
    return item
  }

  /** Waits until something is queued (or the reader failed). */
  readonly wait: Effect.Effect<void> = Effect.callback<void>((resume) => {
    if (this.hasItems()) return resume(Effect.void)
    this.waiter = () => resume(Effect.void)
    // Data may have arrived before the watcher fired.
    this.drain()
    return Effect.sync(() => {
      this.waiter = undefined
    })
  })

  close(): void {
    this.closed = true
    if (this.clock !== undefined) clearTimeout(this.clock)
    this.clock = undefined
    this.ticking = false
    this.waiter = undefined
    this.items = []
    this.head = 0
  }
}
