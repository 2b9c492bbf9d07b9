import type { RouteMessage } from "../../generated/rt-route/index.ts"
import { FibRuleFlags, type RuleMessage } from "../../generated/rt-rule/index.ts"
import { equalIgnoring } from "../internal/Model.ts"
import { MODELS } from "./Models.ts"
import type { Kind, Raws, Values } from "./Types.ts"

const FIB_RULE_INVERT = FibRuleFlags.invert

export const routeTable = (r: RouteMessage): number => r.table ?? r.tableId
export const ruleTable = (r: RuleMessage): number => r.table ?? r.tableId

export const routeFibKey = (r: RouteMessage): string =>
  `${r.family}|${routeTable(r)}|${r.dst ?? ""}/${r.dstLen}|${r.src ?? ""}/${r.srcLen}|${r.tos}|${r.priority ?? 0}`

export const routeKey = (r: RouteMessage): string => {
  const nh =
    r.nhId !== undefined
      ? `nh${r.nhId}`
      : r.multipath !== undefined
        ? "mp"
        : `${r.oif ?? ""}@${r.gateway ?? ""}`
  return `${routeFibKey(r)}|${r.type}|${nh}`
}

export const range = (r: { start: number; end: number } | undefined): string =>
  r === undefined ? "" : `${r.start}-${r.end}`

/**
 * The identity of a decoded message as the kernel tells objects apart (an
 * ifindex, not a name that a rename changes; a route's nexthop, because the
 * kernel keeps `10.0.0.0/24 dev a` and `10.0.0.0/24 dev b` side by side):
 * what matches a notification to the object it is about.
 */
export const IDS: { readonly [K in Kind]: (v: Raws[K]) => string } = {
  link: (l) => `${l.index}`,
  address: (a) => `${a.index}|${a.family}|${a.prefixlen}|${a.local ?? a.address ?? ""}`,
  route: routeKey,
  neighbor: (n) => `${n.ifindex}|${n.family}|${n.dst ?? ""}`,
  rule: (r) =>
    [
      r.family,
      r.priority ?? 0,
      `${r.src ?? ""}/${r.srcLen}`,
      `${r.dst ?? ""}/${r.dstLen}`,
      r.iifname ?? "",
      r.oifname ?? "",
      `${r.fwmark ?? ""}/${r.fwmask ?? ""}`,
      r.tos,
      r.dscp ?? "",
      ruleTable(r),
      r.action,
      r.goto ?? "",
      r.l3mdev ?? "",
      range(r.uidRange),
      r.ipProto ?? "",
      range(r.sportRange),
      range(r.dportRange),
      r.suppressPrefixlen ?? "",
      r.suppressIfgroup ?? "",
      r.tunId ?? "",
      r.flags & FIB_RULE_INVERT
    ].join("|"),
  nexthop: (n) => `${n.id}`,
  qdisc: (q) => `${q.ifindex}|${q.parent}`,
  class: (c) => `${c.ifindex}|${c.handle}`
}

/**
 * The key of an object of a kind: its model's key (`Link.key`,
 * `Address.key`, `Nexthop.key`, `Qdisc.key`, ...), as `event.key`, the view
 * and Watch use it.
 *
 * @example
 * ```ts
 * Events.key("link", link) // "eth0"
 * ```
 * @since 0.1.0
 */
export const key = <K extends Kind>(kind: K, value: Values[K]): string =>
  (MODELS[kind].key as (v: Values[K]) => string)(value)

// Fields that tick without anything being configured: counters, timers,
// cache ages. Resync diffs and {@link equivalent} ignore them.
export const VOLATILE = new Set([
  "stats",
  "stats64",
  "icmp6stats",
  "xstats",
  "cacheinfo",
  "expires",
  "helloTimer",
  "tcnTimer",
  "topologyChangeTimer",
  "gcTimer",
  "messageAgeTimer",
  "forwardDelayTimer",
  "holdTimer",
  "probes"
])

/**
 * Deep equality of two decoded objects, ignoring fields that change by
 * themselves (statistics, cache info, timers, IPv6 route expiry, neighbour
 * probe counts). This is what tells a resync's `Changed` from "same".
 *
 * @example
 * ```ts
 * Events.equivalent(linkA, linkB) // true when only counters differ
 * ```
 * @since 0.1.0
 */
export const equivalent = (a: unknown, b: unknown): boolean => equalIgnoring(a, b, VOLATILE, VOLATILE)
