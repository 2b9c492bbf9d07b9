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
import * as Effect from "effect/Effect"
import * as NetlinkError from "./NetlinkError.ts"
import * as Sys from "./Syscalls.ts"

/** Where named namespaces live (iproute2's NETNS_RUN_DIR). @since 0.1.0 */
export const RUN_DIR = "/run/netns"

const SELF = "/proc/thread-self/ns/net"

/** A reference to a namespace. @since 0.1.0 */
export type Ref = { readonly name: string } | { readonly path: string } | { readonly pid: number }

// What an errno means for the namespace calls, where it is not the generic text.
const explain = (call: string, errno: number): string | undefined => {
  if (errno === Sys.EPERM) {
    if (call === "setns") return "entering another network namespace needs CAP_SYS_ADMIN"
    if (call === "unshare") return "creating a network namespace needs CAP_SYS_ADMIN"
    if (call.startsWith("mount") || call === "umount2") return "mounting needs CAP_SYS_ADMIN"
  }
  if (errno === Sys.EINVAL && call === "setns") return "not a network namespace file"
  return undefined
}

const fail = (call: string, errno: number, path?: string): never => {
  throw NetlinkError.system(call, errno, { path, explain: explain(call, errno) })
}

// Node's fs errors carry a negative errno; koffi's are read with Sys.errno().
const fsErrno = (e: unknown, fallback: number): number => {
  const n = (e as NodeJS.ErrnoException | undefined)?.errno
  return typeof n === "number" ? Math.abs(n) : fallback
}

const invalid = (path: string, message: string): NetlinkError.NetlinkError =>
  NetlinkError.make(new NetlinkError.Validation({ path, message }))

/**
 * Checks a namespace name the way `ip netns` does: not empty, not "." or
 * "..", no "/", at most 255 bytes (NAME_MAX); and no NUL, which no file name
 * can hold. Returns the error, or undefined for a good name.
 *
 * @example
 * ```ts
 * Namespace.checkName("../../etc") // NetlinkError { reason: Validation { path: "name", ... } }
 * ```
 * @since 0.1.0
 */
export const checkName = (name: unknown): NetlinkError.NetlinkError | undefined => {
  if (typeof name !== "string") return invalid("name", "a namespace name is a string")
  if (name === "") return invalid("name", "a namespace name cannot be empty")
  if (name === "." || name === "..") return invalid("name", `${JSON.stringify(name)} is not a namespace name`)
  if (name.includes("/"))
    return invalid("name", `a namespace name cannot contain "/" (got ${JSON.stringify(name)})`)
  if (name.includes("\0")) return invalid("name", "a namespace name cannot contain a NUL character")
  const bytes = Buffer.byteLength(name)
  if (bytes > 255) return invalid("name", `a namespace name is at most 255 bytes, got ${bytes}`)
  return undefined
}

/**
 * The nsfs path of a namespace reference, or the Validation error for a bad
 * one (a name `ip netns` would refuse, a pid that is not a positive integer,
 * an empty path).
 *
 * @example
 * ```ts
 * Namespace.resolve({ name: "blue" }) // "/run/netns/blue"
 * Namespace.resolve({ name: "" })     // NetlinkError (Validation, path "name")
 * ```
 * @since 0.1.0
 */
export const resolve = (ref: Ref): string | NetlinkError.NetlinkError => {
  if (typeof ref !== "object" || ref === null)
    return invalid("namespace", "expected { name }, { path } or { pid }")
  if ("path" in ref) {
    const path: unknown = ref.path
    if (typeof path !== "string" || path === "")
      return invalid("path", "a namespace path is a non-empty string")
    if (path.includes("\0")) return invalid("path", "a namespace path cannot contain a NUL character")
    return path
  }
  if ("pid" in ref) {
    const pid: unknown = ref.pid
    if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0)
      return invalid("pid", `a pid is a positive integer, got ${String(pid)}`)
    return `/proc/${pid}/ns/net`
  }
  const bad = checkName((ref as { readonly name?: unknown }).name)
  return bad ?? `${RUN_DIR}/${ref.name}`
}

/**
 * {@link resolve} as an Effect: fails with the Validation error, never throws.
 *
 * @example
 * ```ts
 * const path = yield* Namespace.pathEffect({ name: "blue" }) // "/run/netns/blue"
 * ```
 * @since 0.1.0
 */
export const pathEffect = (ref: Ref): Effect.Effect<string, NetlinkError.NetlinkError> =>
  Effect.suspend(() => {
    const r = resolve(ref)
    return typeof r === "string" ? Effect.succeed(r) : Effect.fail(r)
  })

/**
 * The nsfs path of a namespace reference. Synchronous: throws the
 * Validation error {@link resolve} returns; Effect code uses
 * {@link pathEffect}.
 *
 * @example
 * ```ts
 * Namespace.pathOf({ name: "blue" }) // "/run/netns/blue"
 * Namespace.pathOf({ pid: 1 })       // "/proc/1/ns/net"
 * ```
 * @since 0.1.0
 */
export const pathOf = (ref: Ref): string => {
  const r = resolve(ref)
  if (typeof r !== "string") throw r
  return r
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
    return fail("open", fsErrno(e, 2), path)
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
    if (lib.setns(target, Sys.CLONE_NEWNET) !== 0) fail("setns", Sys.errno(), path)
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
  try {
    fs.mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 })
  } catch (e) {
    fail("mkdir", fsErrno(e, Sys.EPERM), RUN_DIR)
  }
  let madeMount = false
  while (lib.mount("", RUN_DIR, "none", Sys.MS_SHARED | Sys.MS_REC, null) !== 0) {
    const e = Sys.errno()
    if (e !== Sys.EINVAL || madeMount) fail("mount --make-shared", e, RUN_DIR)
    if (lib.mount(RUN_DIR, RUN_DIR, "none", Sys.MS_BIND | Sys.MS_REC, null) !== 0) {
      fail("mount --bind", Sys.errno(), RUN_DIR)
    }
    madeMount = true
  }
}

/**
 * Creates a named network namespace, like `ip netns add NAME`. Synchronous:
 * throws a NetlinkError, System reason with EEXIST if it already exists.
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
    fail("create", fsErrno(e, 17), path)
  }
  const original = openNs(SELF)
  try {
    if (lib.unshare(Sys.CLONE_NEWNET) !== 0) {
      const e = Sys.errno()
      fs.rmSync(path, { force: true })
      fail("unshare", e)
    }
    // Bind the new namespace (this thread's) to the file before switching back.
    const mounted = lib.mount(SELF, path, "none", Sys.MS_BIND, null)
    const mountErrno = mounted !== 0 ? Sys.errno() : 0
    if (lib.setns(original, Sys.CLONE_NEWNET) !== 0) abortBack(Sys.errno())
    if (mounted !== 0) {
      fs.rmSync(path, { force: true })
      fail("mount --bind", mountErrno, path)
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
      if (!fs.existsSync(path)) fail("remove", 2, path)
      fail("umount2", e, path)
    }
  }
  try {
    fs.unlinkSync(path)
  } catch (e) {
    fail("unlink", fsErrno(e, 2), path)
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
