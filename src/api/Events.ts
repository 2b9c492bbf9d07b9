/**
 * Typed rtnetlink event streams that never lose state silently.
 *
 * A stream joins the kernel's multicast groups for the kinds it watches
 * (links, addresses, routes, neighbours, rules), first, and only then dumps
 * the current state: that dump is the stream's *view*, and every event
 * received after subscribing is applied on top of it, so there is no gap
 * between "what existed" and "what changed". The view is what tells
 * `Changed` from `New` (the kernel sends RTM_NEWLINK/RTM_NEWROUTE/... for
 * both) and what a resync diffs against.
 *
 * Overflow: when the socket's receive buffer overflows the kernel drops
 * notifications and reports ENOBUFS once. Policy `"resync"` (the default)
 * emits an `Overrun` marker, re-dumps every watched kind and emits the
 * differences from the view as synthetic `New`/`Changed`/`Deleted` events,
 * then a `Resynced` marker — a consumer that applies events to a map keyed
 * by `event.key` ends equal to the kernel's state. `"fail"` fails the stream
 * with a NetlinkError of reason Overrun; `"marker"` emits the marker and
 * carries on.
 *
 * The kernel flushes IPv4 routes through a device that goes down or away
 * without sending RTM_DELROUTE. Streams watching routes or neighbours re-dump
 * those kinds after such a link event and emit the difference (a `Resynced`
 * marker with reason `"flush"` follows), so the view stays exact.
 *
 * Identity keys (`event.key`, {@link key}), modelled on what the kernel
 * treats as the same object:
 * - link: `index`
 * - address: `index|family|prefixlen|local` (IFA_LOCAL, else IFA_ADDRESS)
 * - route: `family|table|dst/dstLen|src/srcLen|tos|priority|type|nexthop`, the
 *   fib key (table from RTA_TABLE) plus the type and the nexthop (`nh<id>`,
 *   `mp` for a multipath route, else `oif@gateway`), because the kernel keeps
 *   e.g. `10.0.0.0/24 dev a` and `10.0.0.0/24 dev b` side by side. A
 *   notification flagged NLM_F_REPLACE whose key is new replaces the first
 *   route with the same fib key (emitted as `Deleted` + `New`).
 * - neighbour: `ifindex|family|dst` (proxy entries are not watched)
 * - rule: `family|priority|` then the match fields (src, dst, iif, oif,
 *   fwmark/mask, tos, table, action, goto, l3mdev, uid range, ip proto,
 *   port ranges, suppressors)
 *
 * What is watched: links of family AF_UNSPEC (bridge port messages of family
 * AF_BRIDGE are not), addresses, routes (not RTM_F_CLONED cache entries) and
 * rules of the inet and inet6 families, and inet/inet6 neighbours.
 *
 * Namespace: a stream watches the network namespace of the `Netlink`
 * service it is given (`Netlink.layer`, `Netlink.layerNamespace(...)`), like
 * every other API, and its dumps go through that service's connection.
 *
 * Resync under sustained change: a re-dump the kernel flags as interrupted
 * is retried with back-off (10 ms doubling, at most 1 s apart) until one
 * completes, for at most `resyncTimeoutMs` (default 30 s) per kind; then the
 * stream fails with reason DumpInterrupted. Under the resync policy each
 * overrun also grows the receive buffer (x4, up to the 8 MiB default).
 *
 * Reading never blocks the event loop: libuv's poll reports readiness, the
 * socket is drained with non-blocking `recv` until EAGAIN into a queue the
 * consumer decodes from, and closing the stream closes the socket.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Channel from "effect/Channel"
import type * as Cause from "effect/Cause"
import type * as ScopeM from "effect/Scope"
import { type AddrMessage, AddrMessageHeaderSize, decodeAddrMessage } from "../generated/rt-addr/index.ts"
import { decodeLinkMessage, type LinkMessage, LinkMessageHeaderSize } from "../generated/rt-link/index.ts"
import { decodeNeighMessage, type NeighMessage, NeighMessageHeaderSize } from "../generated/rt-neigh/index.ts"
import { decodeRouteMessage, type RouteMessage, RouteMessageHeaderSize } from "../generated/rt-route/index.ts"
import { decodeRuleMessage, type RuleMessage, RuleMessageHeaderSize } from "../generated/rt-rule/index.ts"
import type * as Connection from "../runtime/Connection.ts"
import * as Namespace from "../runtime/Namespace.ts"
import * as NetlinkError from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import * as Socket from "../runtime/Socket.ts"
import * as Sys from "../runtime/Syscalls.ts"
import { DecodeFailure, toHex } from "../runtime/Wire.ts"
import {
  AF_INET,
  AF_INET6,
  buildMessage,
  invalid,
  NLM_F_REPLACE,
  operation,
  validate
} from "./internal/Common.ts"
import { linkIndex } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

// ---------------------------------------------------------------------------
// types

/** What a stream can watch. @since 0.1.0 */
export type Kind = "link" | "address" | "route" | "neighbor" | "rule"

/** Every kind, in the order streams dump them. @since 0.1.0 */
export const kinds: ReadonlyArray<Kind> = ["link", "address", "route", "neighbor", "rule"]

/** The decoded object of each kind (the generated message types). @since 0.1.0 */
export interface Values {
  readonly link: LinkMessage
  readonly address: AddrMessage
  readonly route: RouteMessage
  readonly neighbor: NeighMessage
  readonly rule: RuleMessage
}

/**
 * An object appeared (`New`), changed (`Changed`, with the view's previous
 * value) or went away (`Deleted`, with its last value as the kernel sent
 * it). `synthetic` events come from a resync, not from a notification.
 *
 * @since 0.1.0
 */
export type Change = {
  readonly [K in Kind]:
    | {
        readonly _tag: "New"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly synthetic: boolean
      }
    | {
        readonly _tag: "Changed"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly previous: Values[K]
        readonly synthetic: boolean
      }
    | {
        readonly _tag: "Deleted"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly synthetic: boolean
      }
}[Kind]

/**
 * The receive buffer overflowed: the kernel dropped notifications (how many
 * it does not say). With the resync policy, synthetic events and a
 * `Resynced` marker follow.
 *
 * @since 0.1.0
 */
export interface Overrun {
  readonly _tag: "Overrun"
  readonly lost?: number
  /** Where the loss was detected: the kernel's buffer (ENOBUFS). */
  readonly source: "kernel"
}

/**
 * The view was re-read from the kernel and the differences were emitted just
 * before this marker.
 *
 * @since 0.1.0
 */
export interface Resynced {
  readonly _tag: "Resynced"
  /** "overrun" after ENOBUFS, "flush" after a link went down or away, "initial" with `initial: true`. */
  readonly reason: "initial" | "overrun" | "flush"
  readonly kinds: ReadonlyArray<Kind>
  readonly added: number
  readonly changed: number
  readonly removed: number
}

/** Everything a stream emits. @since 0.1.0 */
export type Event = Change | Overrun | Resynced

/** What to do when the kernel reports ENOBUFS. @since 0.1.0 */
export type OverflowPolicy = "resync" | "fail" | "marker"

/** @since 0.1.0 */
export interface Options {
  /** Kinds to watch; default all. */
  readonly kinds?: ReadonlyArray<Kind>
  /** Address families for addresses, routes, neighbours and rules; default both. */
  readonly families?: ReadonlyArray<"inet" | "inet6">
  /** Client-side filters. */
  readonly filter?: {
    /** Only this device (links, addresses, neighbours, routes through it, rules naming it as iif/oif). */
    readonly link?: string | number
    /** Only this routing table (routes and rules). */
    readonly table?: "main" | "local" | "default" | number
    /** Only this family (as `families: [family]`). */
    readonly family?: "inet" | "inet6"
  }
  /** What to do on ENOBUFS; default "resync". */
  readonly overflow?: OverflowPolicy
  /**
   * Receive buffer in bytes; default 8 MiB (the kernel doubles the value to
   * account for its bookkeeping). Set with SO_RCVBUFFORCE when
   * privileged (CAP_NET_ADMIN), otherwise SO_RCVBUF (capped by
   * net.core.rmem_max).
   */
  readonly receiveBuffer?: number
  /** Emit the initial state as synthetic `New` events, then a `Resynced` marker ("initial"). */
  readonly initial?: boolean
  /**
   * Milliseconds of batching while events keep coming; default 2, 0 turns
   * it off. The first event after a quiet moment is read at once; while more
   * follow, the socket is read every `coalesceMs` instead of on every
   * arrival (as NAPI does for packets), trading at most that much latency for
   * far fewer wake-ups. Nothing is lost: the kernel queues meanwhile.
   */
  readonly coalesceMs?: number
  /**
   * Milliseconds a resync may keep retrying before the stream fails; default
   * 30 000. A re-dump the kernel flags as interrupted (NLM_F_DUMP_INTR: the
   * table changed while it was read) is retried with back-off until one
   * completes; after this long without a complete dump of a kind the stream
   * fails with reason DumpInterrupted.
   */
  readonly resyncTimeoutMs?: number
}

const KindSchema = Schema.Literals(["link", "address", "route", "neighbor", "rule"])
const FamilySchema = Schema.Literals(["inet", "inet6"])

/** The input Schema of {@link Options}. @since 0.1.0 */
export const OptionsSchema = Schema.Struct({
  kinds: Schema.optionalKey(Schema.Array(KindSchema)),
  families: Schema.optionalKey(Schema.Array(FamilySchema)),
  filter: Schema.optionalKey(
    Schema.Struct({
      link: Schema.optionalKey(Schema.Union([P.InterfaceName, P.U32])),
      table: Schema.optionalKey(Schema.Union([Schema.Literals(["main", "local", "default"]), P.U32])),
      family: Schema.optionalKey(FamilySchema)
    })
  ),
  overflow: Schema.optionalKey(Schema.Literals(["resync", "fail", "marker"])),
  receiveBuffer: Schema.optionalKey(
    Schema.Int.check(Schema.isBetween({ minimum: 1024, maximum: 0x7fffffff }))
  ),
  initial: Schema.optionalKey(Schema.Boolean),
  coalesceMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1000 }))),
  resyncTimeoutMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3_600_000 })))
})

// ---------------------------------------------------------------------------
// kernel numbers

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

const RTM_NEWLINK = 16
const RTM_DELLINK = 17
const RTM_GETLINK = 18
const RTM_NEWADDR = 20
const RTM_DELADDR = 21
const RTM_GETADDR = 22
const RTM_NEWROUTE = 24
const RTM_DELROUTE = 25
const RTM_GETROUTE = 26
const RTM_NEWNEIGH = 28
const RTM_DELNEIGH = 29
const RTM_GETNEIGH = 30
const RTM_NEWRULE = 32
const RTM_DELRULE = 33
const RTM_GETRULE = 34
const NLMSG_HDRLEN = 16
const NETLINK_ROUTE = 0
const IFF_UP = 0x1
const RTM_F_CLONED = 0x200
const NTF_PROXY = 0x08
const DEFAULT_RECEIVE_BUFFER = 8 * 1024 * 1024
const DEFAULT_COALESCE_MS = 2
const DEFAULT_RESYNC_TIMEOUT_MS = 30_000
/** Back-off between interrupted re-dumps: 10 ms doubling, at most this. */
const RESYNC_MAX_DELAY_MS = 1000
/** After an overrun the receive buffer grows by this factor, up to the default size (or the requested one if larger). */
const RECEIVE_BUFFER_GROWTH = 4
/** Queued-but-unread bytes at which reading pauses (the kernel buffer then takes over). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024
/** Size of the arenas queued datagrams are copied into. */
const ARENA_BYTES = 256 * 1024
/** Events per emitted chunk, at most. */
const MAX_CHUNK = 8192

const KIND_OF_TYPE: Record<number, Kind> = {
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
const IS_DELETE: Record<number, boolean> = {
  [RTM_DELLINK]: true,
  [RTM_DELADDR]: true,
  [RTM_DELROUTE]: true,
  [RTM_DELNEIGH]: true,
  [RTM_DELRULE]: true
}

type BodyDecoder = (buf: Uint8Array, view: DataView, start: number, end: number) => unknown
const DECODERS: Record<Kind, BodyDecoder> = {
  link: decodeLinkMessage,
  address: decodeAddrMessage,
  route: decodeRouteMessage,
  neighbor: decodeNeighMessage,
  rule: decodeRuleMessage
}
const DUMP: Record<Kind, { readonly type: number; readonly header: number }> = {
  link: { type: RTM_GETLINK, header: LinkMessageHeaderSize },
  address: { type: RTM_GETADDR, header: AddrMessageHeaderSize },
  route: { type: RTM_GETROUTE, header: RouteMessageHeaderSize },
  neighbor: { type: RTM_GETNEIGH, header: NeighMessageHeaderSize },
  rule: { type: RTM_GETRULE, header: RuleMessageHeaderSize }
}

const TABLES: Record<string, number> = { default: 253, main: 254, local: 255 }

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

// ---------------------------------------------------------------------------
// identity keys

const routeTable = (r: RouteMessage): number => r.table ?? r.tableId
const ruleTable = (r: RuleMessage): number => r.table ?? r.tableId

const routeFibKey = (r: RouteMessage): string =>
  `${r.family}|${routeTable(r)}|${r.dst ?? ""}/${r.dstLen}|${r.src ?? ""}/${r.srcLen}|${r.tos}|${r.priority ?? 0}`

const routeKey = (r: RouteMessage): string => {
  const nh =
    r.nhId !== undefined
      ? `nh${r.nhId}`
      : r.multipath !== undefined
        ? "mp"
        : `${r.oif ?? ""}@${r.gateway ?? ""}`
  return `${routeFibKey(r)}|${r.type}|${nh}`
}

const range = (r: { start: number; end: number } | undefined): string =>
  r === undefined ? "" : `${r.start}-${r.end}`

const KEYS: { readonly [K in Kind]: (v: Values[K]) => string } = {
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
      r.flags & 0x2 // FIB_RULE_INVERT
    ].join("|")
}

/**
 * The identity key of an object of a kind (see the module documentation).
 *
 * @example
 * ```ts
 * Events.key("link", link) // "3"
 * ```
 * @since 0.1.0
 */
export const key = <K extends Kind>(kind: K, value: Values[K]): string =>
  (KEYS[kind] as (v: Values[K]) => string)(value)

// Fields that tick without anything being configured: counters, timers,
// cache ages. Resync diffs and {@link equivalent} ignore them.
const VOLATILE = new Set([
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
export const equivalent = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!equivalent(a[i], b[i])) return false
    return true
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  for (const k in ao) {
    if (VOLATILE.has(k)) continue
    if (!equivalent(ao[k], bo[k])) return false
  }
  for (const k in bo) {
    if (VOLATILE.has(k)) continue
    if (!(k in ao) && bo[k] !== undefined) return false
  }
  return true
}

// ---------------------------------------------------------------------------
// the view

/**
 * The stream's knowledge of the kernel: one map per kind, keyed by
 * {@link key}. Mutated in place as events are produced; read it between
 * pulls only.
 *
 * @since 0.1.0
 */
export interface View {
  readonly link: Map<string, LinkMessage>
  readonly address: Map<string, AddrMessage>
  readonly route: Map<string, RouteMessage>
  readonly neighbor: Map<string, NeighMessage>
  readonly rule: Map<string, RuleMessage>
}

const emptyView = (): View => ({
  link: new Map(),
  address: new Map(),
  route: new Map(),
  neighbor: new Map(),
  rule: new Map()
})

// ---------------------------------------------------------------------------
// the reader: socket → queue of datagrams, drained eagerly from libuv's poll

interface Item {
  /** Arrival order, used to skip what a later dump already covers. */
  readonly seq: number
  /** Holds the datagram at [start, end); undefined marks ENOBUFS (messages were lost before this point). */
  readonly bytes: Uint8Array | undefined
  /** A DataView over all of `bytes`' buffer (shared by the items of one arena). */
  readonly view: DataView | undefined
  readonly start: number
  readonly end: number
}

const lost = (seq: number): Item => ({ seq, bytes: undefined, view: undefined, start: 0, end: 0 })

class Reader {
  readonly socket: Socket.NetlinkSocket
  private items: Array<Item> = []
  private head = 0
  private queuedBytes = 0
  private paused = false
  private closed = false
  seq = 0
  failure: NetlinkError.NetlinkError | undefined
  private waiter: (() => void) | undefined
  /** Datagrams and ENOBUFS reports received in total (for statistics). */
  received = 0
  overruns = 0

  private readonly lib = Sys.libc()
  private buffer = new Uint8Array(256 * 1024)

  private readonly coalesceMs: number
  /** Pending read while batching (the poll watcher is off meanwhile). */
  private timer: ReturnType<typeof setTimeout> | undefined

  /** The receive buffer asked for now, and how far overruns may grow it (no growth when equal). */
  private rcvbuf: number
  private readonly maxRcvbuf: number

  constructor(socket: Socket.NetlinkSocket, coalesceMs: number, rcvbuf: number, maxRcvbuf: number) {
    this.socket = socket
    this.coalesceMs = coalesceMs
    this.rcvbuf = rcvbuf
    this.maxRcvbuf = Math.max(rcvbuf, maxRcvbuf)
    socket.watch(true, true, this.onReadable)
  }

  /** The kernel dropped messages: a larger buffer makes the next burst less likely to. */
  private grow(): void {
    if (this.rcvbuf >= this.maxRcvbuf) return
    const next = Math.min(this.rcvbuf * RECEIVE_BUFFER_GROWTH, this.maxRcvbuf)
    const fd = this.socket.fd
    // SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped by rmem_max.
    if (
      Sys.setsockoptInt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUFFORCE, next) !== 0 &&
      Sys.setsockoptInt(fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF, next) !== 0
    )
      return
    this.rcvbuf = next
  }

  private readonly onReadable = (): void => {
    if (this.drain() && this.coalesceMs > 0 && this.isLive()) {
      // More are likely to follow: read on a timer until a read finds nothing.
      this.socket.watch(false, false, this.onReadable)
      this.timer = setTimeout(this.onTick, this.coalesceMs)
    }
  }

  private readonly onTick = (): void => {
    this.timer = undefined
    const got = this.drain()
    if (!this.isLive()) return
    if (got) this.timer = setTimeout(this.onTick, this.coalesceMs)
    else this.socket.watch(true, true, this.onReadable)
  }

  private isLive(): boolean {
    return !this.closed && !this.paused && this.failure === undefined
  }

  /** Reads everything queued in the kernel now, without blocking; whether anything came. */
  drain(): boolean {
    if (!this.isLive()) return false
    const s = this.socket
    const lib = this.lib
    let got = false
    for (;;) {
      // One syscall per datagram: MSG_TRUNC returns the real length, so a
      // datagram larger than the buffer is detected (and counted as a loss).
      const n = lib.recv(s.fd, this.buffer, this.buffer.length, Sys.MSG_DONTWAIT | Sys.MSG_TRUNC)
      if (n < 0) {
        const e = Sys.errno()
        if (e === Sys.EINTR) continue
        if (e === Sys.EAGAIN) break
        if (e === Sys.ENOBUFS) {
          this.overruns++
          this.grow()
          this.items.push(lost(++this.seq))
          got = true
          continue
        }
        this.failure = NetlinkError.socket("recv", e)
        s.watch(false, false, this.onReadable)
        got = true
        break
      }
      if (n > this.buffer.length) {
        let size = this.buffer.length
        while (size < n) size *= 2
        this.buffer = new Uint8Array(size)
        this.overruns++
        this.items.push(lost(++this.seq))
        got = true
        continue
      }
      this.received++
      this.items.push(this.copy(++this.seq, n))
      this.queuedBytes += n
      got = true
      if (this.queuedBytes > MAX_QUEUED_BYTES) {
        // The consumer is far behind: stop reading; the kernel buffer fills
        // and reports ENOBUFS, which the policy handles.
        this.paused = true
        s.watch(false, false, this.onReadable)
        break
      }
    }
    if (got) this.wake()
    return got
  }

  // Datagrams are copied into shared arenas: a slice of its own per datagram
  // costs a malloc'd backing store each (V8 keeps only tiny arrays on-heap).
  // An arena is freed once every item in it has been consumed.
  private arena = new Uint8Array(ARENA_BYTES)
  private arenaView = new DataView(this.arena.buffer)
  private arenaUsed = 0
  private copy(seq: number, n: number): Item {
    if (n > ARENA_BYTES / 4) {
      const own = this.buffer.slice(0, n)
      return { seq, bytes: own, view: new DataView(own.buffer), start: 0, end: n }
    }
    if (this.arenaUsed + n > ARENA_BYTES) {
      this.arena = new Uint8Array(ARENA_BYTES)
      this.arenaView = new DataView(this.arena.buffer)
      this.arenaUsed = 0
    }
    const start = this.arenaUsed
    this.arena.set(this.buffer.subarray(0, n), start)
    // Messages stay 4-byte aligned, as in the socket buffer.
    this.arenaUsed = (start + n + 3) & ~3
    return { seq, bytes: this.arena, view: this.arenaView, start, end: start + n }
  }

  private wake(): void {
    const w = this.waiter
    if (w !== undefined) {
      this.waiter = undefined
      w()
    }
  }

  hasItems(): boolean {
    return this.head < this.items.length || this.failure !== undefined
  }

  take(): Item | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head++]
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    if (item.bytes !== undefined) {
      this.queuedBytes -= item.end - item.start
      if (this.paused && this.queuedBytes < MAX_QUEUED_BYTES / 2) {
        this.paused = false
        if (this.timer === undefined) this.socket.watch(true, true, this.onReadable)
      }
    }
    return item
  }

  /** Puts the last taken item back. */
  untake(item: Item): void {
    this.items[--this.head] = item
    if (item.bytes !== undefined) this.queuedBytes += item.end - item.start
  }

  /** Waits until something is queued (or the reader failed). */
  readonly wait: Effect.Effect<void> = Effect.callback<void>((resume) => {
    if (this.hasItems()) return resume(Effect.void)
    this.waiter = () => resume(Effect.void)
    // Data may have arrived before the watcher fired.
    this.drain()
    return Effect.sync(() => {
      this.waiter = undefined
    })
  })

  close(): void {
    this.closed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.waiter = undefined
    this.items = []
    this.head = 0
  }
}

// ---------------------------------------------------------------------------
// the subscription

interface Resolved {
  readonly kinds: ReadonlyArray<Kind>
  readonly families: ReadonlyArray<number>
  readonly link: number | undefined
  readonly linkName: string | undefined
  readonly table: number | undefined
  readonly overflow: OverflowPolicy
  readonly initial: boolean
  readonly resyncTimeoutMs: number
}

/**
 * A live subscription: its event stream (one consumer), the view the events
 * are relative to, and statistics.
 *
 * @since 0.1.0
 */
export interface Subscription {
  /** The events; consume it once. Ends only with the subscription's scope or an error. */
  readonly events: Stream.Stream<Event, NetlinkError.NetlinkError>
  /** The current view (live, mutated as events are produced; do not keep references across pulls). */
  readonly view: View
  /** The kinds watched. */
  readonly kinds: ReadonlyArray<Kind>
  /** The multicast groups joined. */
  readonly groups: ReadonlyArray<number>
  /**
   * The socket's receive buffer now, as the kernel reports it (SO_RCVBUF,
   * which the kernel doubles). Under the resync policy it grows after an
   * overrun, up to the default size.
   */
  readonly receiveBuffer: number
  /** Counters: datagrams received, ENOBUFS reports, resyncs done, events emitted. */
  readonly stats: () => {
    readonly datagrams: number
    readonly overruns: number
    readonly resyncs: number
    readonly events: number
  }
}

class Engine {
  readonly reader: Reader
  readonly dumper: Connection.ConnectionShape
  readonly options: Resolved
  readonly view: View = emptyView()
  /**
   * Route fib key → full keys, for NLM_F_REPLACE notifications; built on the
   * first one that needs it (bursts of additions never pay for it).
   */
  private fibIndex: Map<string, Set<string>> | undefined

  private indexRoute(k: string, v: RouteMessage): void {
    const index = this.fibIndex as Map<string, Set<string>>
    const fk = routeFibKey(v)
    let s = index.get(fk)
    if (s === undefined) index.set(fk, (s = new Set()))
    s.add(k)
  }

  private routeIndex(): Map<string, Set<string>> {
    if (this.fibIndex === undefined) {
      this.fibIndex = new Map()
      for (const [k, v] of this.view.route) this.indexRoute(k, v)
    }
    return this.fibIndex
  }
  /** Per kind: datagrams up to this seq are covered by the last dump. */
  private readonly cut: Record<Kind, number> = { link: 0, address: 0, route: 0, neighbor: 0, rule: 0 }
  private minCut = 0
  private readonly tracked: Record<Kind, boolean>
  private readonly linkUp = new Map<number, boolean>()
  private flushPending = false
  resyncs = 0
  emitted = 0
  /**
   * How an interrupted re-dump is retried: back-off from 10 ms doubling up
   * to 1 s (the table is changing now; reading it again at once would be
   * interrupted again), for at most `resyncTimeoutMs`.
   */
  private readonly redump: Schedule.Schedule<Duration.Duration>

  constructor(reader: Reader, dumper: Connection.ConnectionShape, options: Resolved) {
    this.reader = reader
    this.dumper = dumper
    this.options = options
    this.redump = Schedule.exponential("10 millis").pipe(
      Schedule.modifyDelay(({ duration }) =>
        Effect.succeed(Duration.min(duration, Duration.millis(RESYNC_MAX_DELAY_MS)))
      ),
      Schedule.upTo({ duration: Duration.millis(options.resyncTimeoutMs) })
    )
    this.tracked = {
      link: options.kinds.includes("link"),
      address: options.kinds.includes("address"),
      route: options.kinds.includes("route"),
      neighbor: options.kinds.includes("neighbor"),
      rule: options.kinds.includes("rule")
    }
  }

  // -- filters ---------------------------------------------------------------

  private accept(kind: Kind, v: any): boolean {
    const o = this.options
    switch (kind) {
      case "link":
        return v.family === 0 && (o.link === undefined || v.index === o.link)
      case "address":
        return o.families.includes(v.family) && (o.link === undefined || v.index === o.link)
      case "route":
        if (!o.families.includes(v.family) || (v.flags & RTM_F_CLONED) !== 0) return false
        if (o.table !== undefined && routeTable(v) !== o.table) return false
        if (o.link !== undefined) {
          if (v.oif === o.link || v.iif === o.link) return true
          return v.multipath?.some((nh: { ifindex: number }) => nh.ifindex === o.link) ?? false
        }
        return true
      case "neighbor":
        return (
          o.families.includes(v.family) &&
          (v.flags & NTF_PROXY) === 0 &&
          (o.link === undefined || v.ifindex === o.link)
        )
      case "rule":
        if (!o.families.includes(v.family)) return false
        if (o.table !== undefined && ruleTable(v) !== o.table) return false
        if (o.link !== undefined)
          return o.linkName !== undefined && (v.iifname === o.linkName || v.oifname === o.linkName)
        return true
    }
  }

  // -- view maintenance --------------------------------------------------------

  private set(kind: Kind, k: string, v: any): any {
    const map = this.view[kind] as Map<string, unknown>
    const prev = map.get(k)
    map.set(k, v)
    if (kind === "route" && prev === undefined && this.fibIndex !== undefined) this.indexRoute(k, v)
    return prev
  }

  private remove(kind: Kind, k: string): any {
    const map = this.view[kind] as Map<string, unknown>
    const prev = map.get(k)
    if (prev === undefined) return undefined
    map.delete(k)
    if (kind === "route" && this.fibIndex !== undefined) {
      const fk = routeFibKey(prev as RouteMessage)
      const s = this.fibIndex.get(fk)
      if (s !== undefined) {
        s.delete(k)
        if (s.size === 0) this.fibIndex.delete(fk)
      }
    }
    return prev
  }

  // -- live events -------------------------------------------------------------

  private onMessage(kind: Kind, type: number, flags: number, v: any, out: Array<Event>): void {
    if (kind === "link" && v.family === 0) this.noteLink(type, v)
    if (!this.tracked[kind] || !this.accept(kind, v)) return
    const k = KEYS[kind](v)
    if (IS_DELETE[type] === true) {
      const prev = this.remove(kind, k)
      // Unknown: already removed (a resync saw it go) or never visible in a dump.
      if (prev === undefined) return
      out.push({ _tag: "Deleted", kind, key: k, value: v, synthetic: false } as Change)
      return
    }
    if (kind === "route" && (flags & NLM_F_REPLACE) !== 0 && !this.view.route.has(k)) {
      const s = this.routeIndex().get(routeFibKey(v))
      if (s !== undefined && s.size > 0) {
        const old: string = s.values().next().value as string
        const prev = this.remove("route", old)
        if (prev !== undefined)
          out.push({ _tag: "Deleted", kind: "route", key: old, value: prev, synthetic: false })
      }
    }
    const prev = this.set(kind, k, v)
    out.push(
      (prev === undefined
        ? { _tag: "New", kind, key: k, value: v, synthetic: false }
        : { _tag: "Changed", kind, key: k, value: v, previous: prev, synthetic: false }) as Change
    )
  }

  private noteLink(type: number, l: LinkMessage): void {
    if (!this.tracked.route && !this.tracked.neighbor) return
    const was = this.linkUp.get(l.index)
    if (type === RTM_DELLINK) {
      this.linkUp.delete(l.index)
      if (was !== false) this.flushPending = true
      return
    }
    const up = (l.flags & IFF_UP) !== 0
    this.linkUp.set(l.index, up)
    if (!up && was === true) this.flushPending = true
  }

  private onDatagram(item: Item, out: Array<Event>): void {
    const buf = item.bytes as Uint8Array
    const view = item.view as DataView
    const n = item.end
    let off = item.start
    while (off + NLMSG_HDRLEN <= n) {
      const len = view.getUint32(off, true)
      if (len < NLMSG_HDRLEN || off + len > n)
        throw decodeError(
          buf.subarray(item.start, n),
          off - item.start,
          `nlmsg_len ${len} with ${n - off} bytes left`
        )
      const type = view.getUint16(off + 4, true)
      const kind = KIND_OF_TYPE[type]
      if (kind !== undefined && item.seq > this.cut[kind]) {
        let v: unknown
        try {
          v = DECODERS[kind](buf, view, off + NLMSG_HDRLEN, off + len)
        } catch (e) {
          // Only malformed bytes are a decode error; anything else is a bug and dies.
          if (!(e instanceof DecodeFailure)) throw e
          throw decodeError(buf.subarray(item.start, n), off - item.start, e.message, off + len - item.start)
        }
        this.onMessage(kind, type, view.getUint16(off + 6, true), v, out)
      }
      off += (len + 3) & ~3
    }
  }

  // -- dumps and resync --------------------------------------------------------

  private dumpKind(kind: Kind): Effect.Effect<Map<string, unknown>, NetlinkError.NetlinkError> {
    const d = DUMP[kind]
    const decode = DECODERS[kind]
    const keyOf = KEYS[kind] as (v: unknown) => string
    const reqs = [buildMessage(d.type, 0, (w) => w.zeros(d.header))]
    return Effect.map(
      Effect.forEach(reqs, (req) =>
        this.dumper.dumpAll(
          req,
          (buf, view, start, end) => {
            const v = decode(buf, view, start + NLMSG_HDRLEN, end)
            return this.accept(kind, v) ? v : undefined
          },
          { headerLength: d.header, operation: `${kind} dump`, timeout: 30_000 }
        )
      ),
      (lists) => {
        const m = new Map<string, unknown>()
        for (const list of lists) for (const v of list) m.set(keyOf(v), v)
        return m
      }
    )
  }

  /**
   * Re-reads `which` from the kernel and returns the differences from the
   * view as synthetic events (the view then equals the dumps). Datagrams
   * received before each kind's dump was requested are skipped later.
   */
  resync(which: ReadonlyArray<Kind>, emit: boolean): Effect.Effect<Array<Change>, NetlinkError.NetlinkError> {
    const self = this
    return Effect.gen(function* () {
      const fresh = new Map<Kind, Map<string, unknown>>()
      let first = true
      for (const kind of which) {
        const attempt = Effect.suspend(() => {
          // Everything delivered before the dump request is reflected in the dump.
          self.reader.drain()
          self.cut[kind] = self.reader.seq
          return self.dumpKind(kind)
        })
        fresh.set(kind, yield* Effect.retry(attempt, { schedule: self.redump, while: isInterrupted }))
        if (first) {
          // Losses up to here happened before every kind's (last) dump began.
          self.minCut = self.cut[kind]
          first = false
        }
      }
      self.resyncs++
      const out: Array<Change> = []
      for (const kind of which) {
        const next = fresh.get(kind) as Map<string, any>
        const cur = self.view[kind] as Map<string, any>
        for (const [k, prev] of [...cur]) {
          if (!next.has(k)) {
            self.remove(kind, k)
            if (emit) out.push({ _tag: "Deleted", kind, key: k, value: prev, synthetic: true } as Change)
          }
        }
        for (const [k, v] of next) {
          const prev = cur.get(k)
          if (prev === undefined) {
            self.set(kind, k, v)
            if (emit) out.push({ _tag: "New", kind, key: k, value: v, synthetic: true } as Change)
          } else {
            self.set(kind, k, v)
            if (emit && !equivalent(prev, v))
              out.push({ _tag: "Changed", kind, key: k, value: v, previous: prev, synthetic: true } as Change)
          }
        }
        if (kind === "link") {
          for (const l of next.values()) self.linkUp.set(l.index, (l.flags & IFF_UP) !== 0)
        }
      }
      return out
    })
  }

  private marker(
    reason: Resynced["reason"],
    which: ReadonlyArray<Kind>,
    changes: ReadonlyArray<Change>
  ): Resynced {
    let added = 0
    let changed = 0
    let removed = 0
    for (const c of changes) {
      if (c._tag === "New") added++
      else if (c._tag === "Changed") changed++
      else removed++
    }
    return { _tag: "Resynced", reason, kinds: which, added, changed, removed }
  }

  // -- the pull ------------------------------------------------------------------

  private pending: Array<Event> = []

  readonly pull: Effect.Effect<readonly [Event, ...Array<Event>], NetlinkError.NetlinkError | Cause.Done> =
    Effect.suspend(() => this.step())

  private emit(out: Array<Event>): Effect.Effect<readonly [Event, ...Array<Event>]> {
    this.emitted += out.length
    return Effect.succeed(out as unknown as readonly [Event, ...Array<Event>])
  }

  private step(): Effect.Effect<readonly [Event, ...Array<Event>], NetlinkError.NetlinkError | Cause.Done> {
    if (this.pending.length > 0) {
      const out = this.pending
      this.pending = []
      return this.emit(out)
    }
    const out: Array<Event> = []
    const reader = this.reader
    for (;;) {
      const item = reader.take()
      if (item === undefined) break
      if (item.bytes === undefined) {
        // Losses before the last dump began are already repaired.
        if (item.seq <= this.minCut) continue
        const policy = this.options.overflow
        if (policy === "fail") return Effect.fail(NetlinkError.make(new NetlinkError.Overrun({})))
        const marker: Overrun = { _tag: "Overrun", source: "kernel" }
        if (policy === "marker") {
          out.push(marker)
          continue
        }
        out.push(marker)
        return Effect.flatMap(this.resync(this.options.kinds, true), (changes) => {
          for (const c of changes) out.push(c)
          out.push(this.marker("overrun", this.options.kinds, changes))
          this.flushPending = false
          return this.emit(out)
        })
      }
      try {
        this.onDatagram(item, out)
      } catch (e) {
        return e instanceof NetlinkError.NetlinkError ? Effect.fail(e) : Effect.die(e)
      }
      if (out.length >= MAX_CHUNK) break
    }
    if (this.flushPending) {
      this.flushPending = false
      const which = this.options.kinds.filter((k) => k === "route" || k === "neighbor")
      return Effect.flatMap(this.resync(which, true), (changes) => {
        if (changes.length > 0) {
          for (const c of changes) out.push(c)
          out.push(this.marker("flush", which, changes))
        }
        return out.length > 0 ? this.emit(out) : this.step()
      })
    }
    if (out.length > 0) return this.emit(out)
    if (reader.failure !== undefined) return Effect.fail(reader.failure)
    return Effect.flatMap(reader.wait, () => this.step())
  }

  /** The initial dump: the view, plus `New` events when asked for. */
  start(): Effect.Effect<void, NetlinkError.NetlinkError> {
    // Which links are up, to notice the ones that go down (silent route flushes).
    const links =
      !this.tracked.link && (this.tracked.route || this.tracked.neighbor)
        ? this.dumper
            .dumpAll(
              buildMessage(RTM_GETLINK, 0, (w) => w.zeros(LinkMessageHeaderSize)),
              (_buf, view, start) => {
                this.linkUp.set(
                  view.getInt32(start + NLMSG_HDRLEN + 4, true),
                  (view.getUint32(start + NLMSG_HDRLEN + 8, true) & IFF_UP) !== 0
                )
                return undefined
              }
            )
            .pipe(Effect.retry({ schedule: this.redump, while: isInterrupted }), Effect.asVoid)
        : Effect.void
    return Effect.andThen(
      links,
      Effect.map(this.resync(this.options.kinds, this.options.initial), (changes) => {
        if (this.options.initial) {
          this.pending = [...changes, this.marker("initial", this.options.kinds, changes)]
        }
      })
    )
  }
}

const isInterrupted = (e: NetlinkError.NetlinkError): boolean => e.reason._tag === "DumpInterrupted"

const decodeError = (
  buf: Uint8Array,
  off: number,
  message: string,
  end?: number
): NetlinkError.NetlinkError =>
  NetlinkError.make(
    new NetlinkError.Decode({
      message,
      offset: off,
      bytes: toHex(buf.subarray(off, Math.min(end ?? buf.length, off + 256))),
      context: "event notification"
    })
  )

const resolveOptions = (
  input: Options
): Effect.Effect<
  Omit<Resolved, "link" | "linkName"> & {
    readonly linkRef: string | number | undefined
    readonly receiveBuffer: number
    readonly coalesceMs: number
  },
  NetlinkError.NetlinkError
> =>
  Effect.map(
    // The namespace is the Netlink service's: an old `netns` option must not be ignored silently.
    "netns" in input
      ? Effect.fail(
          invalid(
            "netns",
            "the namespace is chosen by the Netlink layer: provide Netlink.layerNamespace(...) instead"
          )
        )
      : validate(OptionsSchema, input),
    (o) => {
      const want =
        o.kinds === undefined || o.kinds.length === 0 ? kinds : kinds.filter((k) => o.kinds?.includes(k))
      let fams: ReadonlyArray<"inet" | "inet6"> =
        o.families === undefined || o.families.length === 0 ? ["inet", "inet6"] : o.families
      if (o.filter?.family !== undefined) fams = fams.filter((f) => f === o.filter?.family)
      const table = o.filter?.table
      return {
        kinds: want,
        families: fams.map((f) => (f === "inet" ? AF_INET : AF_INET6)),
        table: table === undefined ? undefined : typeof table === "number" ? table : TABLES[table],
        overflow: o.overflow ?? "resync",
        initial: o.initial ?? false,
        linkRef: o.filter?.link,
        receiveBuffer: o.receiveBuffer ?? DEFAULT_RECEIVE_BUFFER,
        coalesceMs: o.coalesceMs ?? DEFAULT_COALESCE_MS,
        resyncTimeoutMs: o.resyncTimeoutMs ?? DEFAULT_RESYNC_TIMEOUT_MS
      }
    }
  )

/**
 * Subscribes (joins the groups, then dumps the watched kinds into the view)
 * and returns the subscription once it is live: changes made after this
 * effect completed are never missed. The socket closes with the scope.
 * The namespace watched is the `Netlink` service's.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Events, Netlink } from "nlink"
 *
 * const program = Effect.scoped(Effect.gen(function* () {
 *   const sub = yield* Events.subscribe({ kinds: ["link"] })
 *   // ... create a link here: its event is guaranteed to arrive
 *   yield* Stream.runForEach(sub.events, (e) => Effect.log(e._tag))
 * })).pipe(Effect.provide(Netlink.layerNamespace({ name: "blue" })))
 * ```
 * @since 0.1.0
 */
export const subscribe: (
  options?: Options
) => Effect.Effect<Subscription, NetlinkError.NetlinkError, Scope.Scope | Netlink> = operation(
  "Events.subscribe",
  function* (options: Options = {}) {
    const o = yield* resolveOptions(options)
    // The namespace of the Netlink service, like every other API; its connection does the dumps.
    const netlink = yield* Netlink
    const netns = netlink.namespace === undefined ? undefined : { path: Namespace.pathOf(netlink.namespace) }
    const groups = groupsFor(
      o.kinds,
      o.families.map((f) => (f === AF_INET ? "inet" : "inet6"))
    )
    // Subscribe first: from here on nothing is missed.
    const socket = yield* Socket.open({ protocol: NETLINK_ROUTE, groups, rcvbuf: o.receiveBuffer, netns })
    // Under the resync policy an overrun grows the buffer, up to the default size.
    const reader = new Reader(
      socket,
      o.coalesceMs,
      o.receiveBuffer,
      o.overflow === "resync" ? DEFAULT_RECEIVE_BUFFER : o.receiveBuffer
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => reader.close()))
    const dumper = netlink.route
    let link: number | undefined
    let linkName: string | undefined
    if (o.linkRef !== undefined) {
      link = yield* linkIndex(o.linkRef, "filter.link").pipe(Effect.provideService(Netlink, netlink))
      linkName = typeof o.linkRef === "string" ? o.linkRef : undefined
      if (linkName === undefined && o.kinds.includes("rule")) {
        const idx = link
        const names = yield* dumper.dumpAll(
          buildMessage(RTM_GETLINK, 0, (w) => w.zeros(16)),
          (buf, view, start, end) => {
            const l = decodeLinkMessage(buf, view, start + NLMSG_HDRLEN, end)
            return l.index === idx ? l.ifname : undefined
          }
        )
        linkName = names[0]
      }
    }
    const engine = new Engine(reader, dumper, { ...o, link, linkName })
    yield* engine.start()
    let consumed = false
    const events: Stream.Stream<Event, NetlinkError.NetlinkError> = Stream.fromChannel(
      Channel.fromTransform((_upstream, _scope: ScopeM.Scope) =>
        Effect.suspend(() => {
          if (consumed)
            return Effect.die(
              new Error("Events.subscribe: a subscription's events stream can be consumed once")
            )
          consumed = true
          return Effect.succeed(engine.pull)
        })
      )
    )
    return {
      events,
      view: engine.view,
      kinds: o.kinds,
      groups,
      get receiveBuffer() {
        return Sys.getsockoptInt(socket.fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF) ?? 0
      },
      stats: () => ({
        datagrams: reader.received,
        overruns: reader.overruns,
        resyncs: engine.resyncs,
        events: engine.emitted
      })
    }
  }
)

/**
 * The events of the watched kinds as a stream: subscribes when the stream
 * starts and closes the socket when it ends.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Events, Netlink } from "nlink"
 *
 * const program = Events.stream({ kinds: ["route"], families: ["inet6"] }).pipe(
 *   Stream.runForEach((e) => Effect.log(e._tag, e._tag === "Overrun" ? "" : e.key)),
 *   Effect.provide(Netlink.layer)
 * )
 * ```
 * @since 0.1.0
 */
export const stream = (options: Options = {}): Stream.Stream<Event, NetlinkError.NetlinkError, Netlink> =>
  Stream.unwrap(Effect.map(subscribe(options), (s) => s.events))

/**
 * Whether an event is a change of an object (not a marker).
 *
 * @example
 * ```ts
 * Stream.filter(Events.stream(), Events.isChange)
 * ```
 * @since 0.1.0
 */
export const isChange = (e: Event): e is Change =>
  e._tag === "New" || e._tag === "Changed" || e._tag === "Deleted"

/**
 * Applies a change to a map keyed by {@link key}: what a consumer does to
 * stay equal to the kernel.
 *
 * @example
 * ```ts
 * const routes = new Map<string, unknown>()
 * yield* Stream.runForEach(Events.stream({ kinds: ["route"] }), (e) =>
 *   Effect.sync(() => { if (Events.isChange(e)) Events.apply(routes, e) }))
 * ```
 * @since 0.1.0
 */
export const apply = (map: Map<string, unknown>, change: Change): void => {
  if (change._tag === "Deleted") map.delete(change.key)
  else map.set(change.key, change.value)
}
