/**
 * Interface name → index, as `ip ... dev NAME` does: one RTM_GETLINK with
 * IFLA_IFNAME (or IFLA_ALT_IFNAME for long names). Internal.
 */
import * as Effect from "effect/Effect"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { InterfaceName } from "../../runtime/Primitives.ts"
import { readString } from "../../runtime/Wire.ts"
import { Netlink } from "../Netlink.ts"
import { buildMessage, invalid, validate } from "./Common.ts"

const RTM_GETLINK = 18
const IFLA_IFNAME = 3
const IFLA_EXT_MASK = 29
const RTEXT_FILTER_SKIP_STATS = 1 << 3

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
    const name = yield* validate(InterfaceName, ref, field)
    const { route } = yield* Netlink
    const msg = buildMessage(RTM_GETLINK, 0, (w) => {
      w.zeros(16) // ifinfomsg
      w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
      w.attrString(IFLA_IFNAME, name)
    })
    // The decoder gets the nlmsghdr offset: skip it (16 bytes) to ifinfomsg.ifi_index.
    return yield* route.requestReply(msg, (_buf, view, start) => view.getInt32(start + 16 + 4, true), {
      headerLength: 16,
      operation: `resolve ${field} "${name}"`
    })
  })

const NLM_F_DUMP = 0x300

/**
 * Index → name of every link, from one RTM_GETLINK dump that decodes only
 * IFLA_IFNAME: what a list call uses to name the devices of the objects it
 * returns (one dump per call, not one request per object). An index without
 * a link (gone meanwhile) stays a number.
 */
export const linkNames: Effect.Effect<(index: number) => string | number, NetlinkError, Netlink> =
  Netlink.use(({ route }) => {
    const msg = buildMessage(RTM_GETLINK, NLM_F_DUMP, (w) => {
      w.zeros(16) // ifinfomsg, AF_UNSPEC
      w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
    })
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== 16) return undefined // RTM_NEWLINK
      const index = view.getInt32(start + 20, true)
      // attributes start after nlmsghdr (16) and ifinfomsg (16)
      for (let p = start + 32; p + 4 <= end; ) {
        const len = view.getUint16(p, true)
        if (len < 4) break
        if ((view.getUint16(p + 2, true) & 0x3fff) === IFLA_IFNAME) {
          return [index, readString(buf, p + 4, p + len)] as const
        }
        p += (len + 3) & ~3
      }
      return undefined
    }
    return Effect.map(
      route.dumpAll(msg, decode, { headerLength: 16, operation: "link names", retryInterrupted: 3 }),
      (pairs) => {
        const names = new Map<number, string>(pairs)
        return (index: number) => names.get(index) ?? index
      }
    )
  })
