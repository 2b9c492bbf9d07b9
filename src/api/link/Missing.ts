/**
 * A link kind the running kernel lacks. The kernel answers a create of an
 * unknown kind with EOPNOTSUPP and the extack "Unknown device type" (after
 * trying to load the module `rtnl-link-KIND`); this turns that answer into an
 * error that names the kind, says the kernel lacks it and, for kinds newer
 * than the oldest supported kernel, the release that added it. The reason
 * stays `Kernel` with its errno, code and extack.
 *
 * @since 0.2.0
 */
import * as os from "node:os"
import { kernel as kernelError, type NetlinkError } from "../../runtime/NetlinkError.ts"

/**
 * The Linux release that added each link kind newer than Linux 6.1.
 *
 * @example
 * ```ts
 * kindSince.netkit // "6.7"
 * ```
 * @since 0.2.0
 */
export const kindSince: Readonly<Record<string, string>> = { netkit: "6.7", ovpn: "6.16" }

/** Kinds whose module the kernel cannot load on demand (no `rtnl-link-KIND` alias). */
const noAutoload: ReadonlySet<string> = new Set(["ovpn"])

const older = (running: string, since: string): boolean => {
  const [a = 0, b = 0] = running.split(/[.-]/).map(Number)
  const [c = 0, d = 0] = since.split(".").map(Number)
  return a < c || (a === c && b < d)
}

/**
 * Whether a kernel error is the "no such link kind" answer to a create.
 *
 * @example
 * ```ts
 * isMissingKind(kernel(-95, { extack: { message: "Unknown device type" } })) // true
 * ```
 * @since 0.2.0
 */
export const isMissingKind = (e: NetlinkError): boolean =>
  e.reason._tag === "Kernel" &&
  e.reason.code === "EOPNOTSUPP" &&
  (e.reason.extack?.message === undefined || e.reason.extack.message === "Unknown device type")

/**
 * The error of `link add NAME` of kind `kind` that the kernel refused because
 * it lacks the kind; other errors pass unchanged.
 *
 * @example
 * ```ts
 * missingKind("netkit", "nk0", e).message
 * // "link add nk0: this kernel (6.1.0) lacks link kind \"netkit\" (added in Linux 6.7): Unknown device type (EOPNOTSUPP)"
 * ```
 * @since 0.2.0
 */
export const missingKind = (
  kind: string,
  name: string,
  e: NetlinkError,
  release: string = os.release()
): NetlinkError => {
  if (!isMissingKind(e) || e.reason._tag !== "Kernel") return e
  const since = kindSince[kind]
  const why =
    since !== undefined && older(release, since)
      ? `added in Linux ${since}`
      : noAutoload.has(kind)
        ? `its module is not loaded on demand: modprobe ${kind}`
        : `module rtnl-link-${kind} not available`
  return kernelError(e.reason.errno, {
    ...(e.reason.extack === undefined ? {} : { extack: e.reason.extack }),
    operation: `link add ${name}: this kernel (${release}) lacks link kind "${kind}" (${why})`
  })
}
