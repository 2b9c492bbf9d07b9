/**
 * Interface name → index, as `ip ... dev NAME` does: one RTM_GETLINK with
 * IFLA_IFNAME (or IFLA_ALT_IFNAME for long names). Internal.
 */
import * as Effect from "effect/Effect"
import { NLMSG_HDRLEN } from "../../generated/netlink/index.ts"
import {
  IfinfomsgOffsets,
  IfinfomsgSize,
  LinkAttrsTypes,
  LinkMessageTypes,
  RtextFilter
} from "../../generated/rt-link/index.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { DeviceName } from "../../runtime/Primitives.ts"
import { readString, type Writer } from "../../runtime/Wire.ts"
import { Netlink } from "../Netlink.ts"
import { buildMessage, invalid, NLM_F_DUMP, validate } from "./Common.ts"

const RTM_NEWLINK = LinkMessageTypes.RTM_NEWLINK
const RTM_GETLINK = LinkMessageTypes.RTM_GETLINK
const IFLA_IFNAME = LinkAttrsTypes.ifname
const IFLA_ALT_IFNAME = LinkAttrsTypes.altIfname
const IFLA_EXT_MASK = LinkAttrsTypes.extMask
const RTEXT_FILTER_SKIP_STATS = RtextFilter.skipStats
/** ifi_index of an RTM_NEWLINK message at `start` (its nlmsghdr). */
const INDEX_AT = NLMSG_HDRLEN + IfinfomsgOffsets.index
/** IFNAMSIZ - 1: longer names can only be alternative names. */
const IFNAME_MAX = 15

/**
 * The attribute that names a device in a lookup, as `ip link show dev NAME`
 * sends it: IFLA_IFNAME (the kernel also finds alternative names by it), or
 * IFLA_ALT_IFNAME for a name longer than an interface name can be.
 */
export const writeDeviceName = (w: Writer, name: string): void =>
  w.attrString(Buffer.byteLength(name) > IFNAME_MAX ? IFLA_ALT_IFNAME : IFLA_IFNAME, name)

/** A device by name or index. */
export type LinkRef = string | number

/** Resolves a device reference to its index; `field` names the input for errors. */
export const linkIndex = (ref: LinkRef, field = "dev"): Effect.Effect<number, NetlinkError, Netlink> =>
  // An index needs no request: answered without a generator (it is on every request path).
  typeof ref === "number"
    ? Number.isInteger(ref) && ref > 0 && ref <= 0x7fffffff
      ? Effect.succeed(ref)
      : Effect.fail(invalid(field, `an interface index must be a positive integer, got ${ref}`))
    : byName(ref, field)

const byName = (ref: string, field: string): Effect.Effect<number, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const name = yield* validate(DeviceName, ref, field)
    const { route } = yield* Netlink
    const msg = buildMessage(RTM_GETLINK, 0, (w) => {
      w.zeros(IfinfomsgSize)
      w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
      writeDeviceName(w, name)
    })
    // The decoder gets the nlmsghdr offset.
    return yield* route.requestReply(msg, (_buf, view, start) => view.getInt32(start + INDEX_AT, true), {
      headerLength: IfinfomsgSize,
      operation: `resolve ${field} "${name}"`
    })
  })

/** Interface index → name, for objects listed in one call; an unknown index stays a number. */
export type LinkNames = (index: number) => string | number

/** IFLA_IFNAME of an RTM_NEWLINK message at [start, end) (nlmsghdr included), or undefined. */
const ifnameOf = (buf: Uint8Array, view: DataView, start: number, end: number): string | undefined => {
  let off = start + NLMSG_HDRLEN + IfinfomsgSize
  while (off + 4 <= end) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > end) return undefined
    if ((view.getUint16(off + 2, true) & 0x3fff) === IFLA_IFNAME) {
      return readString(buf, off + 4, off + len)
    }
    off += (len + 3) & ~3
  }
  return undefined
}

/**
 * Every link's name by index, from one RTM_GETLINK dump that decodes only
 * the index and IFLA_IFNAME (no statistics asked for): what list calls use
 * to name devices once per call rather than once per object.
 */
export const linkNames: Effect.Effect<LinkNames, NetlinkError, Netlink> = Effect.gen(function* () {
  const { route } = yield* Netlink
  const msg = buildMessage(RTM_GETLINK, NLM_F_DUMP, (w) => {
    w.zeros(IfinfomsgSize)
    w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
  })
  const names = new Map<number, string>()
  yield* route.dumpAll(
    msg,
    (buf, view, start, end, type) => {
      if (type !== RTM_NEWLINK) return undefined
      const name = ifnameOf(buf, view, start, end)
      if (name !== undefined) names.set(view.getInt32(start + INDEX_AT, true), name)
      return undefined
    },
    { headerLength: IfinfomsgSize, operation: "link names", retryInterrupted: 3 }
  )
  return (index: number) => names.get(index) ?? index
})

/**
 * The names of a few links by index, one RTM_GETLINK each (for a single
 * object, e.g. a route lookup's answer); a link that is gone stays a number.
 */
export const linkNamesOf = (
  indexes: ReadonlyArray<number>
): Effect.Effect<LinkNames, NetlinkError, Netlink> =>
  Effect.gen(function* () {
    const names = new Map<number, string>()
    if (indexes.length > 0) {
      const { route } = yield* Netlink
      for (const index of new Set(indexes)) {
        if (index <= 0) continue
        const msg = buildMessage(RTM_GETLINK, 0, (w) => {
          const at = w.pos
          w.zeros(IfinfomsgSize)
          w.view.setInt32(at + IfinfomsgOffsets.index, index, true)
          w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
        })
        const name = yield* route
          .requestReply(msg, (buf, view, start, end) => ifnameOf(buf, view, start, end), {
            headerLength: IfinfomsgSize,
            operation: `link name of index ${index}`
          })
          .pipe(Effect.catch(() => Effect.succeed(undefined)))
        if (name !== undefined) names.set(index, name)
      }
    }
    return (index: number) => names.get(index) ?? index
  })
