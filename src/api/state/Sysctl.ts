/**
 * Reading and writing `/proc/sys/net` in the namespace of the provided
 * Netlink layer: settings the kernel reports over netlink but takes only as
 * sysctls (IPv6 forwarding, `all`/`default` IPv4 settings, MPLS input,
 * `net.mpls.platform_labels`). The kernel resolves `/proc/sys/net` by the
 * calling thread's namespace, so each read or write runs synchronously
 * inside it (one switch for a whole object's values).
 *
 * @since 0.4.0
 */
import * as fs from "node:fs"
import * as Effect from "effect/Effect"
import * as Namespace from "../../runtime/Namespace.ts"
import { NetlinkError, system } from "../../runtime/NetlinkError.ts"
import { Netlink } from "../Netlink.ts"
import type { Op } from "./Entry.ts"

const errnoOf = (e: unknown): number => {
  const n = (e as NodeJS.ErrnoException | undefined)?.errno
  return typeof n === "number" ? Math.abs(n) : 5
}

const inNamespace = <A>(f: () => A): Op<A> =>
  Effect.gen(function* () {
    const { namespace } = yield* Netlink
    const path = namespace === undefined ? undefined : yield* Namespace.pathEffect(namespace)
    return yield* Effect.try({
      try: () => (path === undefined ? f() : Namespace.withNamespace(path, f)),
      catch: (e) => (e instanceof NetlinkError ? e : system("sysctl", errnoOf(e)))
    })
  })

/**
 * Writes each value to its file under /proc/sys, in order; the first that
 * fails stops the rest and names its file.
 *
 * @example
 * ```ts
 * yield* Sysctl.write([["/proc/sys/net/ipv6/conf/all/forwarding", "1"]])
 * ```
 * @since 0.4.0
 */
export const write = (values: ReadonlyArray<readonly [string, string]>): Op =>
  values.length === 0
    ? Effect.void
    : inNamespace(() => {
        for (const [path, value] of values) {
          try {
            fs.writeFileSync(path, value)
          } catch (e) {
            throw system("write", errnoOf(e), { path })
          }
        }
      })

/**
 * Reads each file under /proc/sys (trimmed; undefined where the file does
 * not exist: the module or the device is absent).
 *
 * @example
 * ```ts
 * const [labels] = yield* Sysctl.read(["/proc/sys/net/mpls/platform_labels"])
 * ```
 * @since 0.4.0
 */
export const read = (paths: ReadonlyArray<string>): Op<ReadonlyArray<string | undefined>> =>
  inNamespace(() =>
    paths.map((path) => {
      try {
        return fs.readFileSync(path, "utf8").trim()
      } catch (e) {
        if (errnoOf(e) === 2) return undefined
        throw system("read", errnoOf(e), { path })
      }
    })
  )
