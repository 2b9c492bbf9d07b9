/**
 * Kernel numbers used by event streams (rtnetlink groups and message types,
 * flags) and their tuning defaults.
 *
 * @since 0.1.0
 */
import { AddrMessageHeaderSize, AddrMessageTypes, decodeAddrMessage } from "../../generated/rt-addr/index.ts"
import {
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV4_RULE,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_IPV6_RULE,
  RTNLGRP_LINK,
  RTNLGRP_NEIGH,
  RTNLGRP_NEXTHOP,
  RTNLGRP_TC,
  RtTable
} from "../../generated/rt-common/index.ts"
import { decodeLinkMessage, LinkMessageHeaderSize, LinkMessageTypes } from "../../generated/rt-link/index.ts"
import {
  decodeNeighMessage,
  NeighMessageHeaderSize,
  NeighMessageTypes
} from "../../generated/rt-neigh/index.ts"
import {
  decodeNexthopMessage,
  NexthopMessageHeaderSize,
  NexthopMessageTypes
} from "../../generated/rt-nexthop/index.ts"
import {
  decodeRouteMessage,
  RouteMessageHeaderSize,
  RouteMessageTypes
} from "../../generated/rt-route/index.ts"
import { decodeRuleMessage, RuleMessageHeaderSize, RuleMessageTypes } from "../../generated/rt-rule/index.ts"
import {
  decodeQdiscMessage,
  decodeTclassMessage,
  QdiscMessageHeaderSize,
  QdiscMessageTypes,
  TclassMessageHeaderSize,
  TclassMessageTypes
} from "../../generated/tc/index.ts"
import type { Kind } from "./Types.ts"

/** rtnetlink multicast groups (RTNLGRP_*, linux/rtnetlink.h). @since 0.1.0 */
export const Groups = {
  RTNLGRP_LINK,
  RTNLGRP_NEIGH,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV4_RULE,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_IPV6_RULE,
  RTNLGRP_NEXTHOP,
  RTNLGRP_TC
} as const

export const { RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK } = LinkMessageTypes
export const { RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR } = AddrMessageTypes
export const { RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE } = RouteMessageTypes
export const { RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH } = NeighMessageTypes
export const { RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE } = RuleMessageTypes
export const { RTM_NEWNEXTHOP, RTM_DELNEXTHOP, RTM_GETNEXTHOP } = NexthopMessageTypes
export const { RTM_NEWQDISC, RTM_DELQDISC, RTM_GETQDISC } = QdiscMessageTypes
export const { RTM_NEWTCLASS, RTM_DELTCLASS, RTM_GETTCLASS } = TclassMessageTypes
export const DEFAULT_RECEIVE_BUFFER = 8 * 1024 * 1024
export const DEFAULT_COALESCE_MS = 2
export const DEFAULT_RESYNC_TIMEOUT_MS = 30_000
/** Back-off between interrupted re-dumps: 10 ms doubling, at most this. */
export const RESYNC_MAX_DELAY_MS = 1000
/** After an overrun the receive buffer grows by this factor, up to the default size (or the requested one if larger). */
export const RECEIVE_BUFFER_GROWTH = 4
/** Queued-but-unread bytes at which reading pauses (the kernel buffer then takes over). */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024
/** Size of the arenas queued datagrams are copied into. */
export const ARENA_BYTES = 256 * 1024
/** Events per emitted chunk, at most. */
export const MAX_CHUNK = 8192
/** Chunks a subscription's PubSub holds per consumer before the reader waits. */
export const HUB_CAPACITY = 16

export const KIND_OF_TYPE: Record<number, Kind> = {
  [RTM_NEWLINK]: "link",
  [RTM_DELLINK]: "link",
  [RTM_NEWADDR]: "address",
  [RTM_DELADDR]: "address",
  [RTM_NEWROUTE]: "route",
  [RTM_DELROUTE]: "route",
  [RTM_NEWNEIGH]: "neighbor",
  [RTM_DELNEIGH]: "neighbor",
  [RTM_NEWRULE]: "rule",
  [RTM_DELRULE]: "rule",
  [RTM_NEWNEXTHOP]: "nexthop",
  [RTM_DELNEXTHOP]: "nexthop",
  [RTM_NEWQDISC]: "qdisc",
  [RTM_DELQDISC]: "qdisc",
  [RTM_NEWTCLASS]: "class",
  [RTM_DELTCLASS]: "class"
}
export const IS_DELETE: Record<number, boolean> = {
  [RTM_DELLINK]: true,
  [RTM_DELADDR]: true,
  [RTM_DELROUTE]: true,
  [RTM_DELNEIGH]: true,
  [RTM_DELRULE]: true,
  [RTM_DELNEXTHOP]: true,
  [RTM_DELQDISC]: true,
  [RTM_DELTCLASS]: true
}

export type BodyDecoder = (buf: Uint8Array, view: DataView, start: number, end: number) => unknown
export const DECODERS: Record<Kind, BodyDecoder> = {
  link: decodeLinkMessage,
  address: decodeAddrMessage,
  route: decodeRouteMessage,
  neighbor: decodeNeighMessage,
  rule: decodeRuleMessage,
  nexthop: decodeNexthopMessage,
  qdisc: decodeQdiscMessage,
  class: decodeTclassMessage
}
export const DUMP: Record<Kind, { readonly type: number; readonly header: number }> = {
  link: { type: RTM_GETLINK, header: LinkMessageHeaderSize },
  address: { type: RTM_GETADDR, header: AddrMessageHeaderSize },
  route: { type: RTM_GETROUTE, header: RouteMessageHeaderSize },
  neighbor: { type: RTM_GETNEIGH, header: NeighMessageHeaderSize },
  rule: { type: RTM_GETRULE, header: RuleMessageHeaderSize },
  nexthop: { type: RTM_GETNEXTHOP, header: NexthopMessageHeaderSize },
  qdisc: { type: RTM_GETQDISC, header: QdiscMessageHeaderSize },
  // one dump per link (the kernel dumps the classes of the device the request names)
  class: { type: RTM_GETTCLASS, header: TclassMessageHeaderSize }
}

/** Kinds whose objects name devices (all but rules, which carry interface names themselves). */
export const namesDevices = (k: Kind): boolean => k !== "rule"

export const TABLES: Record<string, number> = {
  default: RtTable.default,
  main: RtTable.main,
  local: RtTable.local
}

/**
 * The multicast groups a stream joins for the given kinds and families.
 *
 * @example
 * ```ts
 * Events.groupsFor(["route"], ["inet"]) // [7]
 * ```
 * @since 0.1.0
 */
export const groupsFor = (
  watch: ReadonlyArray<Kind>,
  families: ReadonlyArray<"inet" | "inet6"> = ["inet", "inet6"]
): ReadonlyArray<number> => {
  const g = new Set<number>()
  const v4 = families.includes("inet")
  const v6 = families.includes("inet6")
  for (const k of watch) {
    if (k === "link") g.add(Groups.RTNLGRP_LINK)
    if (k === "neighbor") g.add(Groups.RTNLGRP_NEIGH)
    if (k === "address") {
      if (v4) g.add(Groups.RTNLGRP_IPV4_IFADDR)
      if (v6) g.add(Groups.RTNLGRP_IPV6_IFADDR)
    }
    if (k === "route") {
      if (v4) g.add(Groups.RTNLGRP_IPV4_ROUTE)
      if (v6) g.add(Groups.RTNLGRP_IPV6_ROUTE)
    }
    if (k === "rule") {
      if (v4) g.add(Groups.RTNLGRP_IPV4_RULE)
      if (v6) g.add(Groups.RTNLGRP_IPV6_RULE)
    }
    if (k === "nexthop") g.add(Groups.RTNLGRP_NEXTHOP)
    if (k === "qdisc" || k === "class") g.add(Groups.RTNLGRP_TC)
  }
  // Link events name the devices of the other kinds and tell of silent flushes.
  if (watch.some(namesDevices)) g.add(Groups.RTNLGRP_LINK)
  return [...g].sort((a, b) => a - b)
}
