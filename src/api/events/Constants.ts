/**
 * Kernel numbers used by event streams (rtnetlink groups and message types,
 * flags) and their tuning defaults.
 *
 * @since 0.1.0
 */
import { AddrMessageHeaderSize, decodeAddrMessage } from "../../generated/rt-addr/index.ts"
import { decodeLinkMessage, LinkMessageHeaderSize } from "../../generated/rt-link/index.ts"
import { decodeNeighMessage, NeighMessageHeaderSize } from "../../generated/rt-neigh/index.ts"
import { decodeRouteMessage, RouteMessageHeaderSize } from "../../generated/rt-route/index.ts"
import { decodeRuleMessage, RuleMessageHeaderSize } from "../../generated/rt-rule/index.ts"
import type { Kind } from "./Types.ts"

/** rtnetlink multicast groups (RTNLGRP_*, linux/rtnetlink.h). @since 0.1.0 */
export const Groups = {
  RTNLGRP_LINK: 1,
  RTNLGRP_NEIGH: 3,
  RTNLGRP_IPV4_IFADDR: 5,
  RTNLGRP_IPV4_ROUTE: 7,
  RTNLGRP_IPV4_RULE: 8,
  RTNLGRP_IPV6_IFADDR: 9,
  RTNLGRP_IPV6_ROUTE: 11,
  RTNLGRP_IPV6_RULE: 19
} as const

export const RTM_NEWLINK = 16
export const RTM_DELLINK = 17
export const RTM_GETLINK = 18
export const RTM_NEWADDR = 20
export const RTM_DELADDR = 21
export const RTM_GETADDR = 22
export const RTM_NEWROUTE = 24
export const RTM_DELROUTE = 25
export const RTM_GETROUTE = 26
export const RTM_NEWNEIGH = 28
export const RTM_DELNEIGH = 29
export const RTM_GETNEIGH = 30
export const RTM_NEWRULE = 32
export const RTM_DELRULE = 33
export const RTM_GETRULE = 34
export const NLMSG_HDRLEN = 16
export const NETLINK_ROUTE = 0
export const IFF_UP = 0x1
export const RTM_F_CLONED = 0x200
export const NTF_PROXY = 0x08
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
  [RTM_DELRULE]: "rule"
}
export const IS_DELETE: Record<number, boolean> = {
  [RTM_DELLINK]: true,
  [RTM_DELADDR]: true,
  [RTM_DELROUTE]: true,
  [RTM_DELNEIGH]: true,
  [RTM_DELRULE]: true
}

export type BodyDecoder = (buf: Uint8Array, view: DataView, start: number, end: number) => unknown
export const DECODERS: Record<Kind, BodyDecoder> = {
  link: decodeLinkMessage,
  address: decodeAddrMessage,
  route: decodeRouteMessage,
  neighbor: decodeNeighMessage,
  rule: decodeRuleMessage
}
export const DUMP: Record<Kind, { readonly type: number; readonly header: number }> = {
  link: { type: RTM_GETLINK, header: LinkMessageHeaderSize },
  address: { type: RTM_GETADDR, header: AddrMessageHeaderSize },
  route: { type: RTM_GETROUTE, header: RouteMessageHeaderSize },
  neighbor: { type: RTM_GETNEIGH, header: NeighMessageHeaderSize },
  rule: { type: RTM_GETRULE, header: RuleMessageHeaderSize }
}

export const TABLES: Record<string, number> = { default: 253, main: 254, local: 255 }

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
  }
  // Routes and neighbours need link events to notice silent flushes.
  if (watch.includes("route") || watch.includes("neighbor")) g.add(Groups.RTNLGRP_LINK)
  return [...g].sort((a, b) => a - b)
}
