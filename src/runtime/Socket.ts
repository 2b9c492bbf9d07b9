/**
 * A netlink socket: AF_NETLINK, SOCK_RAW, non-blocking, with readiness from
 * libuv's poll. Never a blocking `recv`, never the threadpool.
 *
 * The request engine ({@link ./Connection.ts}) talks to a small synchronous
 * {@link Transport} interface; this module implements it over the kernel and
 * test/runtime/FakeKernel.ts implements it with scripted replies.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Namespace from "./Namespace.ts"
import * as NetlinkError from "./NetlinkError.ts"
import * as Sys from "./Syscalls.ts"

/**
 * What the engine needs from a socket. All methods are synchronous and
 * never block.
 *
 * @since 0.1.0
 */
export interface Transport {
  /** The port id the kernel assigned (nl_pid); replies carry it. */
  readonly portId: number
  /** Sends one datagram (one or more messages). Returns 0, or the errno. */
  send(bytes: Uint8Array): number
  /**
   * Receives one datagram into {@link buffer} without blocking. Returns its
   * length, or `-errno` (`-EAGAIN` when nothing is queued, `-ENOBUFS` after an
   * overrun).
   */
  receive(): number
  /** The receive buffer; valid until the next `receive`. May be replaced when it grows. */
  readonly buffer: Uint8Array
  /** A DataView over {@link buffer}. */
  readonly view: DataView
  /**
   * Turns readiness notifications on or off. While on, `onReadable` is called
   * (from the event loop) whenever a datagram may be queued; `keepAlive` says
   * whether the pending wait keeps the process alive.
   */
  watch(on: boolean, keepAlive: boolean, onReadable: () => void): void
  /** Closes the socket; idempotent. */
  close(): void
}

/** @since 0.1.0 */
export interface OpenOptions {
  /** NETLINK_ROUTE (0), NETLINK_GENERIC (16), ... */
  readonly protocol: number
  /** Multicast groups to join (group numbers, not bitmasks). */
  readonly groups?: ReadonlyArray<number>
  /** Receive buffer in bytes; default 1 MiB, 8 MiB with groups. */
  readonly rcvbuf?: number
  /** Create the socket inside this network namespace. */
  readonly netns?: { readonly path: string }
}

const INITIAL_BUFFER = 64 * 1024

// Allocating a fresh 64 KiB ArrayBuffer costs ~35 us (zeroing plus V8's
// external-memory accounting), several times the socket's syscalls. Closed
// sockets hand their receive buffer to the next socket instead; a closed
// socket never receives again, so no buffer is ever shared by two live sockets.
const freeBuffers: Array<Uint8Array> = []
const MAX_FREE_BUFFERS = 4
const takeBuffer = (): Uint8Array => freeBuffers.pop() ?? new Uint8Array(INITIAL_BUFFER)
const returnBuffer = (b: Uint8Array): void => {
  if (b.length === INITIAL_BUFFER && freeBuffers.length < MAX_FREE_BUFFERS) freeBuffers.push(b)
}

/**
 * The kernel-backed {@link Transport}.
 *
 * @since 0.1.0
 */
export class NetlinkSocket implements Transport {
  readonly fd: number
  readonly protocol: number
  /** 0 until known (see {@link portId}). */
  private port: number
  buffer: Uint8Array
  view: DataView
  private pollHandle: Sys.PollHandle | undefined
  private watching = false
  private onReadable: () => void = () => {}
  private closed = false
  private readonly lib: Sys.Libc

  constructor(fd: number, portId: number, protocol: number) {
    this.fd = fd
    this.port = portId
    this.protocol = protocol
    this.buffer = takeBuffer()
    this.view = new DataView(this.buffer.buffer)
    this.lib = Sys.libc()
  }

  /**
   * The port id. A socket without groups is not bound when it opens: the
   * kernel binds it at its first send, and the id is asked for here, on
   * first use (binding first if nothing was sent yet).
   */
  get portId(): number {
    if (this.port === 0 && !this.closed) this.port = bindAndName(this.fd, true)
    return this.port
  }

  send(bytes: Uint8Array): number {
    for (;;) {
      const n = this.lib.send(this.fd, bytes, bytes.length, 0)
      if (n >= 0) return 0
      const e = Sys.errno()
      if (e !== Sys.EINTR) return e
    }
  }

  receive(): number {
    const lib = this.lib
    // Size the next datagram first so nothing is ever truncated; the peek is a
    // cheap syscall and doubles as the EAGAIN check.
    for (;;) {
      const size = lib.recv(this.fd, null, 0, Sys.MSG_DONTWAIT | Sys.MSG_PEEK | Sys.MSG_TRUNC)
      if (size < 0) {
        const e = Sys.errno()
        if (e === Sys.EINTR) continue
        return -e
      }
      if (size > this.buffer.length) this.grow(size)
      const n = lib.recv(this.fd, this.buffer, this.buffer.length, Sys.MSG_DONTWAIT)
      if (n < 0) {
        const e = Sys.errno()
        if (e === Sys.EINTR) continue
        return -e
      }
      return n
    }
  }

  private grow(size: number): void {
    let next = this.buffer.length
    while (next < size) next *= 2
    this.buffer = new Uint8Array(next)
    this.view = new DataView(this.buffer.buffer)
  }

  watch(on: boolean, keepAlive: boolean, onReadable: () => void): void {
    if (this.closed) return
    this.onReadable = onReadable
    if (on !== this.watching) {
      this.watching = on
      if (on) {
        if (this.pollHandle === undefined) this.pollHandle = Sys.poll(this.fd, this.callback)
        else this.pollHandle.start(this.callback)
      } else {
        this.pollHandle?.stop()
      }
    }
    // A stopped handle never keeps the loop alive; a started one only if ref'd.
    if (on && keepAlive !== this.keepAlive) {
      this.keepAlive = keepAlive
      if (keepAlive) this.pollHandle?.ref()
      else this.pollHandle?.unref()
    }
  }
  private keepAlive = true

  // libuv calls this with (status, events). An exception escaping here can
  // wedge the watcher, so everything is caught; on a libuv error the watcher
  // has stopped and is restarted after the handler ran.
  private readonly callback = (status: number): void => {
    try {
      this.onReadable()
    } catch (e) {
      queueMicrotask(() => {
        throw e
      })
    }
    if (status < 0 && this.watching && !this.closed) {
      try {
        this.pollHandle?.start(this.callback)
      } catch {
        // the socket is being torn down
      }
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.watching = false
    if (this.pollHandle !== undefined) {
      this.pollHandle.close()
      this.pollHandle = undefined
    }
    this.lib.close(this.fd)
    returnBuffer(this.buffer)
  }
}

const ADDR_LEN = 12

/**
 * With `name`: the socket's port id (getsockname), binding it first when it
 * has none yet. Without: binds it (port chosen by the kernel). Returns 0 on
 * failure: `errno` tells why.
 */
const bindAndName = (fd: number, name: boolean): number => {
  const lib = Sys.libc()
  const addr = new Uint8Array(ADDR_LEN)
  const view = new DataView(addr.buffer)
  const len = new Int32Array([ADDR_LEN])
  if (name) {
    if (lib.getsockname(fd, addr, len) !== 0) return 0
    const port = view.getUint32(4, true)
    if (port !== 0) return port
  }
  view.setUint16(0, Sys.AF_NETLINK, true)
  view.setUint32(4, 0, true)
  if (lib.bind(fd, addr, ADDR_LEN) !== 0) return 0
  if (!name) return 1
  len[0] = ADDR_LEN
  return lib.getsockname(fd, addr, len) === 0 ? view.getUint32(4, true) : 0
}

/**
 * Opens a netlink socket synchronously. Throws a `NetlinkError` on failure:
 * Socket reason for the socket's own calls, System reason for entering the
 * namespace; the fd is closed on every failure path.
 *
 * Socket options: NETLINK_EXT_ACK (error messages and offsets), NETLINK_CAP_ACK
 * (errors do not echo the request: the engine keeps its own copy to resolve
 * extack offsets, so acks stay small and batches do not overflow the receive
 * buffer), NETLINK_GET_STRICT_CHK for NETLINK_ROUTE (dump filters are honoured
 * and malformed requests rejected instead of ignored).
 *
 * @since 0.1.0
 */
export const openSync = (options: OpenOptions): NetlinkSocket => {
  const create = (): NetlinkSocket => {
    const lib = Sys.libc()
    const fd = lib.socket(
      Sys.AF_NETLINK,
      Sys.SOCK_RAW | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC,
      options.protocol
    )
    if (fd < 0) throw NetlinkError.socket("socket", Sys.errno())
    try {
      const opt = (name: string, level: number, opt: number, value: number) => {
        if (Sys.setsockoptInt(fd, level, opt, value) !== 0)
          throw NetlinkError.socket(`setsockopt(${name})`, Sys.errno())
      }
      opt("NETLINK_EXT_ACK", Sys.SOL_NETLINK, Sys.NETLINK_EXT_ACK, 1)
      opt("NETLINK_CAP_ACK", Sys.SOL_NETLINK, Sys.NETLINK_CAP_ACK, 1)
      if (options.protocol === Sys.NETLINK_ROUTE) {
        opt("NETLINK_GET_STRICT_CHK", Sys.SOL_NETLINK, Sys.NETLINK_GET_STRICT_CHK, 1)
      }
      const groups = options.groups ?? []
      const rcvbuf = options.rcvbuf ?? (groups.length > 0 ? 8 * 1024 * 1024 : 1024 * 1024)
      // SO_RCVBUFFORCE exceeds rmem_max but needs CAP_NET_ADMIN; fall back quietly.
      if (Sys.setsockoptInt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUFFORCE, rcvbuf) !== 0) {
        opt("SO_RCVBUF", Sys.SOL_SOCKET, Sys.SO_RCVBUF, rcvbuf)
      }
      // A socket without groups is bound by the kernel at its first send
      // (two syscalls fewer per connection); one with groups joins them bound.
      if (groups.length === 0) return new NetlinkSocket(fd, 0, options.protocol)
      if (bindAndName(fd, false) === 0) throw NetlinkError.socket("bind", Sys.errno())
      for (const g of groups)
        opt(`NETLINK_ADD_MEMBERSHIP ${g}`, Sys.SOL_NETLINK, Sys.NETLINK_ADD_MEMBERSHIP, g)
      return new NetlinkSocket(fd, bindAndName(fd, true), options.protocol)
    } catch (e) {
      lib.close(fd)
      throw e
    }
  }
  return options.netns === undefined ? create() : Namespace.withNamespace(options.netns.path, create)
}

/**
 * Opens a netlink socket as a scoped resource: closed (poll handle and fd)
 * when the scope ends.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Socket from "nlink/runtime/Socket"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const sock = yield* Socket.open({ protocol: 0 })
 *   console.log(sock.portId)
 * }))
 * ```
 * @since 0.1.0
 */
export const open = (
  options: OpenOptions
): Effect.Effect<NetlinkSocket, NetlinkError.NetlinkError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      try {
        return Effect.succeed(openSync(options))
      } catch (e) {
        // Failed calls are NetlinkErrors (Socket, System or Validation
        // reasons); anything else thrown is a bug and dies as one.
        return e instanceof NetlinkError.NetlinkError ? Effect.fail(e) : Effect.die(e)
      }
    }),
    (s) => Effect.sync(() => s.close())
  )
