/**
 * IP sets by name, for the ipset ematch (`basic match 'ipset(NAME src)'`):
 * the kernel's em_ipset takes a set's index, and names and indexes are
 * looked up as `tc` and iptables do, with getsockopt(SOL_IP, SO_IP_SET) on a
 * raw IPv4 socket opened inside the target namespace (the protocol version
 * first, IP_SET_OP_VERSION; then IP_SET_OP_GET_BYNAME or _BYINDEX).
 *
 * @since 0.4.0
 */
import * as Effect from "effect/Effect"
import * as Ns from "../../../runtime/Namespace.ts"
import { type NetlinkError, system } from "../../../runtime/NetlinkError.ts"
import * as Sys from "../../../runtime/Syscalls.ts"
import { invalid } from "../../internal/Common.ts"
import { Netlink } from "../../Netlink.ts"

// linux/netfilter/ipset/ip_set.h
const SO_IP_SET = 83
const IP_SET_OP_GET_BYNAME = 6
const IP_SET_OP_GET_BYINDEX = 7
const IP_SET_OP_VERSION = 0x100
const IPSET_MAXNAMELEN = 32
const IPSET_INVALID_ID = 65535
const SOL_IP = 0
const AF_INET = 2
const SOCK_RAW = 3
const SOCK_CLOEXEC = 0o2000000
const IPPROTO_RAW = 255
const ENOPROTOOPT = 92

/** The sets of one namespace, through one socket. */
export interface Sets {
  /** The index of the set named `name`, undefined when there is none. */
  readonly index: (name: string) => number | undefined
  /** The name of the set with index `index`, undefined when there is none. */
  readonly name: (index: number) => string | undefined
}

const failed = (what: string, errno: number): NetlinkError =>
  system(`getsockopt(SO_IP_SET, ${what})`, errno, {
    explain: errno === ENOPROTOOPT ? "this kernel has no ip_set module" : undefined
  })

/** struct ip_set_req_get_set: op, version, then the name or the index (a union of 32 bytes). */
const request = (op: number, version: number): Uint8Array => {
  const b = new Uint8Array(8 + IPSET_MAXNAMELEN)
  const v = new DataView(b.buffer)
  v.setUint32(0, op, true)
  v.setUint32(4, version, true)
  return b
}

const ask = (fd: number, b: Uint8Array): number => {
  const len = Int32Array.of(b.length)
  return Sys.libc().getsockopt(fd, SOL_IP, SO_IP_SET, b, len) === 0 ? 0 : Sys.errno()
}

const open = (path: string | undefined) =>
  Effect.suspend((): Effect.Effect<{ fd: number; sets: Sets }, NetlinkError> => {
    const make = () => Sys.libc().socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)
    const fd = path === undefined ? make() : Ns.withNamespace(path, make)
    if (fd < 0) return Effect.fail(system("socket(AF_INET, SOCK_RAW)", Sys.errno()))
    const v = request(IP_SET_OP_VERSION, 0)
    const e = ask(fd, v.subarray(0, 8))
    if (e !== 0) {
      Sys.libc().close(fd)
      return Effect.fail(failed("IP_SET_OP_VERSION", e))
    }
    const version = new DataView(v.buffer).getUint32(4, true)
    const sets: Sets = {
      index: (name) => {
        const b = request(IP_SET_OP_GET_BYNAME, version)
        new TextEncoder().encodeInto(name, b.subarray(8, 8 + IPSET_MAXNAMELEN - 1))
        if (ask(fd, b) !== 0) return undefined
        const i = new DataView(b.buffer).getUint16(8, true)
        return i === IPSET_INVALID_ID ? undefined : i
      },
      name: (index) => {
        const b = request(IP_SET_OP_GET_BYINDEX, version)
        new DataView(b.buffer).setUint16(8, index, true)
        if (ask(fd, b) !== 0 || b[8] === 0) return undefined
        const end = b.indexOf(0, 8)
        return new TextDecoder().decode(b.subarray(8, end < 0 ? b.length : end))
      }
    }
    return Effect.succeed({ fd, sets })
  })

/**
 * Runs `use` with the sets of the Netlink service's namespace; the socket is
 * closed after. A kernel without ip_set fails with a System error saying so.
 *
 * @example
 * ```ts
 * const i = yield* IpSet.withSets((s) => Effect.succeed(s.index("blocked")))
 * ```
 * @since 0.4.0
 */
export const withSets = <A, E, R>(
  use: (sets: Sets) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | NetlinkError, R | Netlink> =>
  Effect.gen(function* () {
    const n = yield* Netlink
    const path = n.namespace === undefined ? undefined : yield* Ns.pathEffect(n.namespace)
    return yield* Effect.acquireUseRelease(
      open(path),
      ({ sets }) => use(sets),
      ({ fd }) => Effect.sync(() => Sys.libc().close(fd))
    )
  })

/**
 * The indexes of the sets `names` (each must exist: a Validation error
 * naming `field` and the set otherwise; nothing is sent).
 *
 * @example
 * ```ts
 * const byName = yield* IpSet.indexes(["blocked"], "options.match")
 * ```
 * @since 0.4.0
 */
export const indexes = (
  names: ReadonlyArray<string>,
  field: string
): Effect.Effect<ReadonlyMap<string, number>, NetlinkError, Netlink> =>
  withSets((s) => {
    const out = new Map<string, number>()
    for (const n of names) {
      const i = s.index(n)
      if (i === undefined) return Effect.fail(invalid(field, `no ip set named ${JSON.stringify(n)} here`))
      out.set(n, i)
    }
    return Effect.succeed(out as ReadonlyMap<string, number>)
  })
