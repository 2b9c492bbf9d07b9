/**
 * Typed rtnetlink event streams that never lose state silently.
 *
 * A stream joins the kernel's multicast groups for the kinds it watches
 * (links, addresses, routes, neighbours, rules, nexthops, qdiscs, classes),
 * first, and only then dumps
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
 * Events carry model objects: `event.value` is what `Link.list`,
 * `Address.list`, `Route.list`, `Neighbor.list`, `Rule.list`,
 * `Nexthop.list`, `Qdisc.list` and `Class.list` return (devices by name,
 * names rather than numbers), `event.key` its model key (`Link.key`, ...),
 * so a listed object and a watched one are `equals`; `event.raw` is the
 * decoded message it was made from (every attribute, as `listRaw` gives it).
 * Devices are named from an index → name map that one link dump seeds at
 * subscribe and link events keep current (no dump per event): a deleted
 * link's objects are still named in the events that follow its deletion,
 * and after a rename the objects naming the device are emitted again
 * (synthetic `Changed`, or `Deleted` + `New` when their key changes).
 *
 * The kernel removes some objects without notifications: IPv4 routes,
 * neighbours and nexthops through a device that goes down or away, the
 * qdiscs and classes of a deleted device, child qdiscs and classes of a
 * qdisc or class that goes, default qdiscs attached when a device comes up.
 * Streams re-dump those kinds after such an event (for a device going down
 * or away, the kinds the view holds objects of that device in) and emit the
 * difference (a `Resynced` marker with reason `"flush"` follows), so the
 * view stays exact. IPv6 reports the routes a device going down takes
 * (RTM_DELROUTE) unless `net.ipv6.route.skip_notify_on_dev_down` is set
 * (read when the stream subscribes): then only IPv6 multipath routes and
 * routes through nexthop objects need the re-read.
 *
 * Identity: the view and `event.key` use the model's key ({@link key}:
 * `Route.key` names a route's type and nexthop, so `fe80::/64` on every IPv6
 * device and `ip route append` routes are apart). Notifications
 * are matched to what they change by the kernel's own identity (an ifindex,
 * a route's fib key plus type and nexthop, a nexthop id, a qdisc's device
 * and parent, a class's device and handle), so a rename is never confused. A
 * notification flagged NLM_F_REPLACE for a route that is new replaces the
 * first route with the same fib key (emitted as `Deleted` + `New`).
 *
 * What is watched: links of family AF_UNSPEC (bridge port messages of family
 * AF_BRIDGE are not), addresses, routes (not RTM_F_CLONED cache entries) and
 * rules of the inet and inet6 families, inet/inet6 neighbours (not proxy
 * entries), nexthops of those families and groups, qdiscs and classes.
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
import * as fs from "node:fs"
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as PubSub from "effect/PubSub"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Take from "effect/Take"
import { NETLINK_ROUTE, NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import { decodeLinkMessage, LinkMessageHeaderSize } from "../generated/rt-link/index.ts"
import * as Namespace from "../runtime/Namespace.ts"
import type * as NetlinkError from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import * as Socket from "../runtime/Socket.ts"
import * as Sys from "../runtime/Syscalls.ts"
import {
  DEFAULT_COALESCE_MS,
  DEFAULT_RECEIVE_BUFFER,
  DEFAULT_RESYNC_TIMEOUT_MS,
  groupsFor,
  HUB_CAPACITY,
  RTM_GETLINK,
  TABLES
} from "./events/Constants.ts"
import { Reader } from "./events/Reader.ts"
import { Replica, type Resolved } from "./events/Replica.ts"
import { type Change, type Event, type Kind, kinds, type OverflowPolicy, type View } from "./events/Types.ts"
import { AF_INET, AF_INET6, buildMessage, invalid, operation, validate } from "./internal/Common.ts"
import { linkIndex } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

export { Groups, groupsFor } from "./events/Constants.ts"
export { equivalent, key } from "./events/Keys.ts"
export type {
  Change,
  Event,
  Kind,
  OverflowPolicy,
  Overrun,
  Raws,
  Resynced,
  Values,
  View
} from "./events/Types.ts"
export { kinds } from "./events/Types.ts"

/** @since 0.1.0 */
export interface Options {
  /** Kinds to watch; default all. */
  readonly kinds?: ReadonlyArray<Kind>
  /** Address families for addresses, routes, neighbours and rules; default both. */
  readonly families?: ReadonlyArray<"inet" | "inet6">
  /** Client-side filters. */
  readonly filter?: {
    /**
     * Only this device (links, addresses, neighbours, routes and nexthops
     * through it, rules naming it as iif/oif, its qdiscs and classes).
     */
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
   * Milliseconds of batching while events come in bursts; default 2, 0
   * turns it off. A lone event (a wake-up that finds one datagram) is read
   * at once and the reader stays on the poll watcher, so a trickle costs one
   * wake-up per event and is never delayed; when a wake-up finds several
   * datagrams queued, the socket is read every `coalesceMs` until a read
   * finds nothing (as NAPI does for packets), trading at most that much
   * latency for far fewer wake-ups. Nothing is lost: the kernel queues
   * meanwhile.
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

const KindSchema = Schema.Literals([
  "link",
  "address",
  "route",
  "neighbor",
  "rule",
  "nexthop",
  "qdisc",
  "class"
])
const FamilySchema = Schema.Literals(["inet", "inet6"])

/** The input Schema of {@link Options}. @since 0.1.0 */
export const OptionsSchema = Schema.Struct({
  kinds: Schema.optionalKey(Schema.Array(KindSchema)),
  families: Schema.optionalKey(Schema.Array(FamilySchema)),
  filter: Schema.optionalKey(
    Schema.Struct({
      link: Schema.optionalKey(Schema.Union([P.DeviceName, P.U32])),
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

/**
 * A live subscription: its event stream (any number of consumers share its
 * one socket), the view the events are relative to, and statistics.
 *
 * @since 0.1.0
 */
export interface Subscription {
  /**
   * The events. Each run of the stream subscribes to {@link hub}: the first
   * one gets every event since `subscribe` completed, later ones every event
   * from the moment they start. Ends only with an error (or the scope).
   */
  readonly events: Stream.Stream<Event, NetlinkError.NetlinkError>
  /**
   * Where the subscription's one reader publishes its events, a chunk per
   * message, ending with the failure if there is one. Bounded: a consumer
   * that falls behind holds the reader back, and the kernel's buffer then
   * overflows into the overflow policy, so memory stays bounded. Subscribing
   * starts the reader.
   */
  readonly hub: PubSub.PubSub<Take.Take<Event, NetlinkError.NetlinkError>>
  /**
   * How many times each kind of the view has changed: a cheap test for
   * "did kind K change since I last looked" (live, read it between pulls).
   */
  readonly revisions: Readonly<Record<Kind, number>>
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

const SKIP_NOTIFY_ON_DEV_DOWN = "/proc/sys/net/ipv6/route/skip_notify_on_dev_down"

/**
 * Whether the namespace's kernel reports the IPv6 routes a device going down
 * takes along (RTM_DELROUTE): net.ipv6.route.skip_notify_on_dev_down is 0.
 * /proc/sys/net is the reading thread's namespace's. Anything unreadable
 * counts as "no" (the stream then re-reads, as for IPv4).
 */
const ipv6NotifiesDown = (path: string | undefined): boolean => {
  const read = (): boolean => {
    try {
      return fs.readFileSync(SKIP_NOTIFY_ON_DEV_DOWN, "utf8").trim() === "0"
    } catch {
      return false
    }
  }
  try {
    return path === undefined ? read() : Namespace.withNamespace(path, read)
  } catch {
    return false
  }
}

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
    const netns =
      netlink.namespace === undefined ? undefined : { path: yield* Namespace.pathEffect(netlink.namespace) }
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
      link = yield* linkIndex(o.linkRef, "filter.link")
      linkName = typeof o.linkRef === "string" ? o.linkRef : undefined
      if (linkName === undefined && o.kinds.includes("rule")) {
        const idx = link
        const names = yield* dumper.dumpAll(
          buildMessage(RTM_GETLINK, 0, (w) => w.zeros(LinkMessageHeaderSize)),
          (buf, view, start, end) => {
            const l = decodeLinkMessage(buf, view, start + NLMSG_HDRLEN, end)
            return l.index === idx ? l.ifname : undefined
          }
        )
        linkName = names[0]
      }
    }
    const replica = new Replica(reader, dumper, {
      ...o,
      link,
      linkName,
      ipv6NotifiesDown:
        o.kinds.includes("route") && o.families.includes(AF_INET6) && ipv6NotifiesDown(netns?.path)
    })
    yield* replica.start()
    // One reader, any number of consumers: the replica's chunks go to a
    // bounded PubSub, from the first subscriber on (nothing is published to
    // no one before that), and its end carries the failure to every consumer.
    const hub = yield* PubSub.bounded<Take.Take<Event, NetlinkError.NetlinkError>>(HUB_CAPACITY)
    const started = yield* Deferred.make<void>()
    yield* Effect.addFinalizer(() => PubSub.shutdown(hub))
    yield* Deferred.await(started).pipe(
      Effect.andThen(Effect.forever(Effect.flatMap(replica.pull, (chunk) => PubSub.publish(hub, chunk)))),
      // A failure ends the PubSub with it; an interruption is the scope closing (shutdown follows).
      Effect.onExit((exit) =>
        Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
          ? PubSub.end(hub, Exit.failCause(exit.cause))
          : Effect.void
      ),
      Effect.forkScoped
    )
    const events: Stream.Stream<Event, NetlinkError.NetlinkError> = Stream.fromChannel(
      Channel.unwrap(
        Effect.map(
          Effect.tap(PubSub.subscribe(hub), () => Deferred.succeed(started, undefined)),
          (subscription) => Channel.fromEffectTake(PubSub.take(subscription))
        )
      )
    )
    return {
      events,
      hub,
      revisions: replica.revisions,
      view: replica.view,
      kinds: o.kinds,
      groups,
      get receiveBuffer() {
        return Sys.getsockoptInt(socket.fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF) ?? 0
      },
      stats: () => ({
        datagrams: reader.received,
        overruns: reader.overruns,
        resyncs: replica.resyncs,
        events: replica.emitted
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
