/**
 * koffi bindings to the libc calls netlink needs, loaded lazily once.
 *
 * Every wrapper is synchronous and returns the raw C result; on failure the
 * caller reads {@link errno} immediately (koffi saves it right after the call).
 * Nothing here blocks: sockets are opened non-blocking and receive with
 * MSG_DONTWAIT; readiness comes from libuv's poll ({@link poll}).
 *
 * @since 0.1.0
 */
import koffi from "koffi"

// Socket, socket-option, message-flag and namespace constants come from the generated
// module (spec/netlink.yaml, checked against the UAPI headers); re-exported here beside
// the calls that take them.
/** @since 0.1.0 */
export {
  AF_NETLINK,
  CLONE_NEWNET,
  MNT_DETACH,
  MS_BIND,
  MS_PRIVATE,
  MS_REC,
  MS_SHARED,
  MSG_DONTWAIT,
  MSG_PEEK,
  MSG_TRUNC,
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_CAP_ACK,
  NETLINK_DROP_MEMBERSHIP,
  NETLINK_EXT_ACK,
  NETLINK_GENERIC,
  NETLINK_GET_STRICT_CHK,
  NETLINK_NO_ENOBUFS,
  NETLINK_ROUTE,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_SNDBUF,
  SO_SNDBUFFORCE,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET
} from "../generated/netlink/index.ts"

/** errno values the runtime branches on. @since 0.1.0 */
export const EINTR = 4
/** @since 0.1.0 */
export const EAGAIN = 11
/** @since 0.1.0 */
export const EPERM = 1
/** @since 0.1.0 */
export const EINVAL = 22
/** @since 0.1.0 */
export const ENOBUFS = 105
/** @since 0.1.0 */
export const EBUSY = 16

// --- bindings ---------------------------------------------------------------

/** The bound libc functions. @since 0.1.0 */
export interface Libc {
  readonly socket: (domain: number, type: number, protocol: number) => number
  readonly bind: (fd: number, addr: Uint8Array, len: number) => number
  readonly setsockopt: (fd: number, level: number, name: number, value: Uint8Array, len: number) => number
  readonly getsockopt: (fd: number, level: number, name: number, value: Uint8Array, len: Int32Array) => number
  readonly getsockname: (fd: number, addr: Uint8Array, len: Int32Array) => number
  readonly send: (fd: number, buf: Uint8Array, len: number, flags: number) => number
  readonly recv: (fd: number, buf: Uint8Array | null, len: number, flags: number) => number
  readonly close: (fd: number) => number
  readonly setns: (fd: number, nstype: number) => number
  readonly unshare: (flags: number) => number
  readonly mount: (source: string, target: string, fstype: string, flags: number, data: null) => number
  readonly umount2: (target: string, flags: number) => number
  readonly getpid: () => number
  readonly gettid: () => number
}

let cached: Libc | undefined

/**
 * The libc bindings, loaded on first use.
 *
 * @example
 * ```ts
 * const fd = Syscalls.libc().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)
 * ```
 * @since 0.1.0
 */
export const libc = (): Libc => {
  if (cached !== undefined) return cached
  const lib = koffi.load("libc.so.6")
  // `void *` parameters take typed arrays without copying (the view's offset is honoured).
  cached = {
    socket: lib.func("int socket(int, int, int)"),
    bind: lib.func("int bind(int, void *, uint32_t)"),
    setsockopt: lib.func("int setsockopt(int, int, int, void *, uint32_t)"),
    getsockopt: lib.func("int getsockopt(int, int, int, void *, void *)"),
    getsockname: lib.func("int getsockname(int, void *, void *)"),
    send: lib.func("intptr_t send(int, void *, size_t, int)"),
    recv: lib.func("intptr_t recv(int, void *, size_t, int)"),
    close: lib.func("int close(int)"),
    setns: lib.func("int setns(int, int)"),
    unshare: lib.func("int unshare(int)"),
    mount: lib.func("int mount(const char *, const char *, const char *, unsigned long, void *)"),
    umount2: lib.func("int umount2(const char *, int)"),
    getpid: lib.func("int getpid()"),
    gettid: lib.func("int gettid()")
  } as Libc
  return cached
}

/** errno of the last failed call on this thread. @since 0.1.0 */
export const errno = (): number => koffi.errno()

/** Readiness events as libuv reports them. @since 0.1.0 */
export interface PollHandle {
  start(callback: (status: number, events: unknown) => void): void
  stop(): void
  close(): void
  ref(): void
  unref(): void
}

/**
 * Creates a libuv poll watcher for `fd` (readable events), already started.
 * The callback receives `(status, events)`; `status < 0` is a libuv error
 * after which libuv has stopped the watcher.
 *
 * @since 0.1.0
 */
export const poll = (fd: number, callback: (status: number, events: unknown) => void): PollHandle =>
  koffi.node.poll(fd, callback as any) as unknown as PollHandle

const i32 = new Uint8Array(4)
const i32View = new DataView(i32.buffer)

/** setsockopt with an int value; returns 0 or -1 (read {@link errno}). @since 0.1.0 */
export const setsockoptInt = (fd: number, level: number, name: number, value: number): number => {
  i32View.setInt32(0, value, true)
  return libc().setsockopt(fd, level, name, i32, 4)
}

/** getsockopt of an int value, or undefined on failure. @since 0.1.0 */
export const getsockoptInt = (fd: number, level: number, name: number): number | undefined => {
  const len = new Int32Array([4])
  const out = new Uint8Array(4)
  if (libc().getsockopt(fd, level, name, out, len) !== 0) return undefined
  return new DataView(out.buffer).getInt32(0, true)
}
