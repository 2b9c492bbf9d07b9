/**
 * BPF objects pinned in a bpffs (`tc ... bpf object-pinned PATH`): the
 * program's fd comes from bpf(BPF_OBJ_GET) on the path, lives for one
 * request and is closed after it.
 *
 * @since 0.4.0
 */
import * as Effect from "effect/Effect"
import koffi from "koffi"
import { type NetlinkError, system } from "../../../runtime/NetlinkError.ts"

const SYS_BPF = 321 // x86_64
const BPF_OBJ_GET = 7
const EINTR = 4
const EAGAIN = 11

let bound:
  | {
      syscall: (nr: number, cmd: number, attr: Uint8Array, size: number) => number
      close: (fd: number) => number
    }
  | undefined
const lib = () => {
  if (bound === undefined) {
    const l = koffi.load("libc.so.6")
    bound = { syscall: l.func("long syscall(long, int, void *, uint32_t)"), close: l.func("int close(int)") }
  }
  return bound
}

/** Opens the object pinned at `path`; returns its fd, or a System error naming the path. */
const open = (path: string): Effect.Effect<number, NetlinkError> =>
  Effect.suspend(() => {
    const name = Buffer.from(`${path}\0`)
    // union bpf_attr for BPF_OBJ_GET: pathname (u64 pointer), bpf_fd, file_flags, path_fd
    const attr = new Uint8Array(24)
    new DataView(attr.buffer).setBigUint64(0, BigInt(koffi.address(name)), true)
    for (;;) {
      const fd = lib().syscall(SYS_BPF, BPF_OBJ_GET, attr, attr.length)
      if (fd >= 0) return Effect.succeed(fd)
      const errno = koffi.errno()
      if (errno === EINTR || errno === EAGAIN) continue
      return Effect.fail(
        system("bpf(BPF_OBJ_GET)", errno, {
          path,
          explain: errno === 2 ? "nothing is pinned there (is a bpffs mounted?)" : undefined
        })
      )
    }
  })

/**
 * Runs `use` with the fd of the program pinned at `path`, closing it after.
 *
 * @example
 * ```ts
 * yield* Pinned.withFd("/sys/fs/bpf/classifier", (fd) => Filter.add({ ... options: { fd } }))
 * ```
 * @since 0.4.0
 */
export const withFd = <A, E, R>(
  path: string,
  use: (fd: number) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | NetlinkError, R> =>
  Effect.acquireUseRelease(open(path), use, (fd) => Effect.sync(() => lib().close(fd)))
