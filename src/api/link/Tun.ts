/**
 * Persistent tun/tap devices, created the way `ip tuntap add` creates them:
 * the kernel has no RTM_NEWLINK for the `tun` kind, so the device comes from
 * ioctls on /dev/net/tun — TUNSETIFF (name, tun or tap, IFF_NO_PI,
 * IFF_VNET_HDR, IFF_MULTI_QUEUE), then TUNSETOWNER / TUNSETGROUP when given,
 * then TUNSETPERSIST so the device outlives the file descriptor, which is
 * closed at once.
 *
 * A tun file belongs to the network namespace it was opened in, so the open
 * runs with the thread inside the target namespace (synchronously, as every
 * namespace switch here).
 *
 * @since 0.4.0
 */
import * as fs from "node:fs"
import koffi from "koffi"
import { TunFlags } from "../../generated/rt-link/index.ts"
import * as Ns from "../../runtime/Namespace.ts"
import { kernel, type NetlinkError, system } from "../../runtime/NetlinkError.ts"

// _IOW('T', nr, int) of linux/if_tun.h: direction write (1) << 30 | size << 16 | type << 8 | nr
const iow = (nr: number): number => ((1 << 30) | (4 << 16) | (0x54 << 8) | nr) >>> 0

/**
 * The ioctl request numbers (x86_64 and every architecture with the generic
 * _IOC layout).
 *
 * @example
 * ```ts
 * Tun.TUNSETIFF // 0x400454ca
 * ```
 * @since 0.4.0
 */
export const TUNSETIFF = iow(202)
/** @since 0.4.0 */
export const TUNSETPERSIST = iow(203)
/** @since 0.4.0 */
export const TUNSETOWNER = iow(204)
/** @since 0.4.0 */
export const TUNSETGROUP = iow(206)

/** struct ifreq: IFNAMSIZ name bytes, then the union (ifr_flags is its first short). */
const IFREQ_SIZE = 40
const IFNAMSIZ = 16

/**
 * What a tun/tap device is created with.
 *
 * @example
 * ```ts
 * const o: Tun.CreateOptions = { name: "tap0", mode: "tap", multiQueue: true, user: 1000 }
 * ```
 * @since 0.4.0
 */
export interface CreateOptions {
  readonly name: string
  readonly mode: "tun" | "tap"
  /** Keep the 4-byte packet information header (without IFF_NO_PI). */
  readonly pi?: boolean | undefined
  readonly vnetHdr?: boolean | undefined
  readonly multiQueue?: boolean | undefined
  /** Owner uid (TUNSETOWNER). */
  readonly user?: number | undefined
  /** Owner gid (TUNSETGROUP). */
  readonly group?: number | undefined
}

/**
 * One ioctl of the creation, for comparison with what `ip tuntap add` does
 * (strace): the request and its argument (TUNSETIFF: the ifreq's name and
 * flags).
 *
 * @example
 * ```ts
 * const s: Tun.Step = { request: "TUNSETPERSIST", value: 1 }
 * ```
 * @since 0.4.0
 */
export type Step =
  | { readonly request: "TUNSETIFF"; readonly name: string; readonly flags: number }
  | { readonly request: "TUNSETOWNER" | "TUNSETGROUP" | "TUNSETPERSIST"; readonly value: number }

/**
 * The TUNSETIFF flags of the options, as `ip tuntap` sets them (IFF_NO_PI
 * unless `pi`), plus IFF_TUN_EXCL, which `ip` leaves out: without it an
 * existing persistent device of the same name and flags is attached to
 * instead of refused, and an add must fail on an existing name (EEXIST) as
 * `ip link add` does.
 *
 * @example
 * ```ts
 * Tun.ifrFlags({ name: "t0", mode: "tap", vnetHdr: true }) // IFF_TUN_EXCL | IFF_TAP | IFF_NO_PI | IFF_VNET_HDR
 * ```
 * @since 0.4.0
 */
export const ifrFlags = (o: CreateOptions): number =>
  TunFlags.tunExcl |
  (o.mode === "tap" ? TunFlags.tap : TunFlags.tun) |
  (o.pi === true ? 0 : TunFlags.noPi) |
  (o.vnetHdr === true ? TunFlags.vnetHdr : 0) |
  (o.multiQueue === true ? TunFlags.multiQueue : 0)

/**
 * The ioctls {@link create} issues, in order.
 *
 * @example
 * ```ts
 * Tun.steps({ name: "t0", mode: "tun" })
 * // [{ request: "TUNSETIFF", name: "t0", flags: 0x9001 }, { request: "TUNSETPERSIST", value: 1 }]
 * ```
 * @since 0.4.0
 */
export const steps = (o: CreateOptions): ReadonlyArray<Step> => [
  { request: "TUNSETIFF", name: o.name, flags: ifrFlags(o) },
  ...(o.user === undefined ? [] : [{ request: "TUNSETOWNER", value: o.user } as const]),
  ...(o.group === undefined ? [] : [{ request: "TUNSETGROUP", value: o.group } as const]),
  { request: "TUNSETPERSIST", value: 1 }
]

const REQUESTS = { TUNSETIFF, TUNSETOWNER, TUNSETGROUP, TUNSETPERSIST } as const

type Ioctl = (fd: number, request: number, ...typed: Array<unknown>) => number
let ioctl: Ioctl | undefined
const bind = (): Ioctl => {
  ioctl ??= koffi.load("libc.so.6").func("int ioctl(int, unsigned long, ...)") as unknown as Ioctl
  return ioctl
}

const explain = (request: string, errno: number): string | undefined => {
  if (errno === 1) return "creating a tun/tap device needs CAP_NET_ADMIN"
  if (errno === 16 && request === "TUNSETIFF")
    return "a device of that name exists and is not a free tun/tap device"
  if (errno === 22 && request === "TUNSETIFF") return "a device of that name exists with other tun/tap flags"
  return undefined
}

/**
 * Creates the persistent device, in the namespace at `namespacePath`
 * (default: the calling thread's). Throws the `NetlinkError` (reason System,
 * naming the ioctl) of the first step that fails; a device made before a
 * later step failed is released again (not persistent yet, it goes with the
 * file descriptor).
 *
 * @example
 * ```ts
 * Tun.create({ name: "tap0", mode: "tap", vnetHdr: true })
 * ```
 * @since 0.4.0
 */
export const create = (o: CreateOptions, namespacePath?: string): void => {
  const open = (): number => {
    try {
      return fs.openSync("/dev/net/tun", fs.constants.O_RDWR)
    } catch (e) {
      const n = (e as NodeJS.ErrnoException).errno
      throw system("open", typeof n === "number" ? Math.abs(n) : 2, {
        path: "/dev/net/tun",
        explain: "tun/tap devices need /dev/net/tun (the tun module)"
      })
    }
  }
  const fd = namespacePath === undefined ? open() : Ns.withNamespace(namespacePath, open)
  try {
    const call = bind()
    for (const s of steps(o)) {
      let rc: number
      if (s.request === "TUNSETIFF") {
        const ifr = new Uint8Array(IFREQ_SIZE)
        ifr.set(new TextEncoder().encode(s.name).subarray(0, IFNAMSIZ - 1))
        new DataView(ifr.buffer).setUint16(IFNAMSIZ, s.flags, true)
        rc = call(fd, REQUESTS[s.request], "void *", ifr)
      } else {
        rc = call(fd, REQUESTS[s.request], "unsigned long", s.value)
      }
      if (rc !== 0) {
        const errno = koffi.errno()
        // the name is taken (by any device: IFF_TUN_EXCL): the error `ip link add` gives
        if (errno === 16 && s.request === "TUNSETIFF")
          throw kernel(-17, { operation: `link add ${o.name}: the name is taken (TUNSETIFF)` })
        throw system(`ioctl ${s.request}`, errno, { path: o.name, explain: explain(s.request, errno) })
      }
    }
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * {@link create} as a value: the error instead of a throw.
 *
 * @example
 * ```ts
 * const e = Tun.tryCreate({ name: "tap0", mode: "tap" }) // undefined when created
 * ```
 * @since 0.4.0
 */
export const tryCreate = (o: CreateOptions, namespacePath?: string): NetlinkError | undefined => {
  try {
    create(o, namespacePath)
    return undefined
  } catch (e) {
    if (e instanceof Error && (e as { _tag?: string })._tag === "NetlinkError") return e as NetlinkError
    throw e
  }
}
