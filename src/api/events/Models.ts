/**
 * How events turn a decoded message into the model object `list` returns
 * for its kind, and the model's key.
 *
 * @since 0.2.0
 */
import * as Address from "../Address.ts"
import * as Class from "../Class.ts"
import type { LinkNames } from "../internal/Resolve.ts"
import * as Link from "../Link.ts"
import * as Neighbor from "../Neighbor.ts"
import * as Nexthop from "../Nexthop.ts"
import * as Qdisc from "../Qdisc.ts"
import * as Route from "../Route.ts"
import * as Rule from "../Rule.ts"
import type { Kind, Raws, Values } from "./Types.ts"

export interface ModelOf<K extends Kind> {
  /** Message → object, devices named by `names`. */
  readonly from: (raw: Raws[K], names: LinkNames) => Values[K]
  /**
   * Notification bytes (the body at [start, end)) → object, where the module
   * decodes its model straight from the wire (`from` would re-encode the
   * message to get there).
   */
  readonly fromBytes?: (
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    names: LinkNames
  ) => Values[K]
  readonly key: (value: Values[K]) => string
  /**
   * The key of an object `from` made: the same string as `key`, without
   * re-deriving the canonical form the kernel's message already has.
   */
  readonly listedKey: (value: Values[K]) => string
}

const REJECT = new Set(["blackhole", "unreachable", "prohibit", "throw"])

/**
 * `Route.key` of a route the kernel reported (decoded as `Route.list`
 * decodes): its texts are already the kernel's, so only the defaults
 * `Route.canonical` applies are applied (IPv6 metric 0 is 1024, IPv6
 * reject routes have no device). Anything less usual takes `Route.key`.
 */
const routeKey = (r: Route.Route): string => {
  const inet6 = r.family === "inet6"
  if (
    (!inet6 && r.family !== "inet") ||
    r.via !== undefined ||
    r.nexthops?.length === 1 ||
    r.table === undefined
  )
    return Route.key(r)
  const gateway = r.gateway
  const dev = inet6 && REJECT.has(r.type as string) ? undefined : r.dev
  const hop =
    r.nexthopId !== undefined
      ? `nh${r.nexthopId}`
      : r.nexthops !== undefined
        ? "mp"
        : gateway === undefined
          ? `dev ${dev ?? ""}`
          : gateway.startsWith("fe8") ||
              gateway.startsWith("fe9") ||
              gateway.startsWith("fea") ||
              gateway.startsWith("feb")
            ? `via ${gateway} dev ${dev ?? ""}`
            : `via ${gateway}`
  const metric = inet6 ? (r.metric === undefined || r.metric === 0 ? 1024 : r.metric) : (r.metric ?? 0)
  return `${r.family}|${r.table}|${r.destination}|${r.source ?? ""}|${r.tos ?? 0}|${metric}|${hop}`
}

/** `Address.key` of a listed address: its text is already canonical (no re-parse). */
const addressKey = (a: Address.Address): string => `${a.dev}|${a.address}|${a.peer ?? ""}`

/** Exported for the test that checks them against the models' keys. */
export const listedKeys = { route: routeKey, address: addressKey }

export const MODELS: { readonly [K in Kind]: ModelOf<K> } = {
  link: { from: Link.fromMessage, key: Link.key, listedKey: Link.key },
  address: { from: Address.fromMessage, key: Address.key, listedKey: addressKey },
  route: { from: Route.fromMessage, fromBytes: Route.decodeRoute, key: Route.key, listedKey: routeKey },
  neighbor: { from: Neighbor.fromMessage, key: Neighbor.key, listedKey: Neighbor.key },
  rule: { from: Rule.fromMessage, key: Rule.key, listedKey: Rule.key },
  nexthop: { from: Nexthop.fromMessage, key: Nexthop.key, listedKey: Nexthop.key },
  qdisc: { from: Qdisc.fromMessage, key: Qdisc.key, listedKey: Qdisc.key },
  class: { from: Class.fromMessage, key: Class.key, listedKey: Class.key }
}
