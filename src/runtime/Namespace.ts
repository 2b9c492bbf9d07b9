/**
 * Network namespaces the way iproute2 manages them: named namespaces are
 * files under /run/netns bind-mounted from a namespace's nsfs inode, so
 * `ip netns list/exec` and nlink see the same ones.
 *
 * `setns` only moves the calling thread; every switch here is synchronous
 * (nothing asynchronous can run on the JS thread while it is in another
 * namespace) and always switches back. If switching back fails the process
 * would keep running in the wrong namespace, so it aborts instead.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as NetlinkError from "./NetlinkError.ts"
import * as Sys from "./Syscalls.ts"

/** Where named namespaces live (iproute2's NETNS_RUN_DIR). @since 0.1.0 */
export const RUN_DIR = "/run/netns"

const SELF = "/proc/thread-self/ns/net"

/** A reference to a namespace. @since 0.1.0 */
export type Ref = { readonly name: string } | { readonly path: string } | { readonly pid: number }

const fail = (syscall: string, errno: number): never => {
  throw NetlinkError.socket(syscall, errno)
}

const checkName = (name: string): void => {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.length > 255) {
    throw NetlinkError.make(
      new NetlinkError.Validation({ path: "name", message: `invalid namespace name ${JSON.stringify(name)}` })
    )
  }
}

/**
 * The nsfs path of a namespace reference.
 *
 * @example
 * ```ts
 * Namespace.pathOf({ name: "blue" }) // "/run/netns/blue"
 * Namespace.pathOf({ pid: 1 })       // "/proc/1/ns/net"
 * ```
 * @since 0.1.0
 */
export const pathOf = (ref: Ref): string => {
  if ("path" in ref) return ref.path
  if ("pid" in ref) return `/proc/${ref.pid}/ns/net`
  checkName(ref.name)
  return `${RUN_DIR}/${ref.name}`
}

const abortBack = (errno: number): never => {
  process.stderr.write(
    `nlink: FATAL: could not switch the thread back to its original network namespace (setns: errno ${errno}); aborting\n`
  )
  process.abort()
}

const openNs = (path: string): number => {
  try {
    return fs.openSync(path, fs.constants.O_RDONLY) // libuv adds O_CLOEXEC
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    return fail(`open(${path})`, Math.abs(err.errno ?? 2))
  }
}

/**
 * Runs `f` synchronously with the calling thread inside the namespace at
 * `path`, then switches back (always). Use it to create sockets: a socket
 * keeps the namespace it was created in.
 *
 * @example
 * ```ts
 * const fd = Namespace.withNamespace("/run/netns/blue", () => openSocketSync())
 * ```
 * @since 0.1.0
 */
export const withNamespace = <A>(path: string, f: () => A): A => {
  const lib = Sys.libc()
  const original = openNs(SELF)
  let target = -1
  try {
    target = openNs(path)
    if (lib.setns(target, Sys.CLONE_NEWNET) !== 0) fail(`setns(${path})`, Sys.errno())
    try {
      return f()
    } finally {
      if (lib.setns(original, Sys.CLONE_NEWNET) !== 0) abortBack(Sys.errno())
    }
  } finally {
    if (target >= 0) fs.closeSync(target)
    fs.closeSync(original)
  }
}

// Makes /run/netns a shared mount point, bind-mounting it onto itself first if
// it is not a mount point yet (EINVAL), exactly as `ip netns add` does, so that
// unmounts propagate between mount namespaces.
const ensureRunDir = (): void => {
  const lib = Sys.libc()
  fs.mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 })
  let madeMount = false
  while (lib.mount("", RUN_DIR, "none", Sys.MS_SHARED | Sys.MS_REC, null) !== 0) {
    const e = Sys.errno()
    if (e !== Sys.EINVAL || madeMount) fail(`mount --make-shared ${RUN_DIR}`, e)
    if (lib.mount(RUN_DIR, RUN_DIR, "none", Sys.MS_BIND | Sys.MS_REC, null) !== 0) {
      fail(`mount --bind ${RUN_DIR}`, Sys.errno())
    }
    madeMount = true
  }
}

/**
 * Creates a named network namespace, like `ip netns add NAME`. Synchronous.
 * Fails with a Socket-reason error carrying EEXIST if it already exists.
 *
 * @example
 * ```ts
 * const path = Namespace.create("blue") // "/run/netns/blue"
 * ```
 * @since 0.1.0
 */
export const create = (name: string): string => {
  const path = pathOf({ name })
  const lib = Sys.libc()
  ensureRunDir()
  try {
    fs.closeSync(fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0))
  } catch (e) {
    fail(`create ${path}`, Math.abs((e as NodeJS.ErrnoException).errno ?? 17))
  }
  const original = openNs(SELF)
  try {
    if (lib.unshare(Sys.CLONE_NEWNET) !== 0) {
      const e = Sys.errno()
      fs.rmSync(path, { force: true })
      fail("unshare(CLONE_NEWNET)", e)
    }
    // Bind the new namespace (this thread's) to the file before switching back.
    const mounted = lib.mount(SELF, path, "none", Sys.MS_BIND, null)
    const mountErrno = mounted !== 0 ? Sys.errno() : 0
    if (lib.setns(original, Sys.CLONE_NEWNET) !== 0) abortBack(Sys.errno())
    if (mounted !== 0) {
      fs.rmSync(path, { force: true })
      fail(`mount --bind ${SELF} ${path}`, mountErrno)
    }
  } finally {
    fs.closeSync(original)
  }
  return path
}

/**
 * Removes a named namespace, like `ip netns delete NAME`: detaches the bind
 * mount and deletes the file. The namespace itself goes away when nothing
 * else (processes, sockets, other mounts) holds it.
 *
 * @example
 * ```ts
 * Namespace.remove("blue")
 * ```
 * @since 0.1.0
 */
export const remove = (name: string): void => {
  const path = pathOf({ name })
  const lib = Sys.libc()
  if (lib.umount2(path, Sys.MNT_DETACH) !== 0) {
    const e = Sys.errno()
    // EINVAL: not a mount point (a stale file); still unlink it.
    if (e !== Sys.EINVAL) {
      if (!fs.existsSync(path)) fail(`remove ${path}`, 2)
      fail(`umount2(${path})`, e)
    }
  }
  try {
    fs.unlinkSync(path)
  } catch (e) {
    fail(`unlink(${path})`, Math.abs((e as NodeJS.ErrnoException).errno ?? 2))
  }
}

/**
 * Names of the namespaces under /run/netns, sorted.
 *
 * @example
 * ```ts
 * Namespace.list() // ["blue", "red"]
 * ```
 * @since 0.1.0
 */
export const list = (): ReadonlyArray<string> => {
  try {
    return fs.readdirSync(RUN_DIR).sort()
  } catch {
    return []
  }
}

/** Whether a named namespace exists. @example `Namespace.exists("blue")` @since 0.1.0 */
export const exists = (name: string): boolean => fs.existsSync(pathOf({ name }))
