/**
 * A watch cache: the current links, addresses, routes, neighbours, rules,
 * nexthops, qdiscs and classes of a namespace, kept live from one dump plus
 * events — what an informer is to Kubernetes.
 *
 * `make` subscribes first, then dumps, then applies every event received
 * since subscribing (no gap; see {@link Events}). Overflow always resyncs:
 * after an ENOBUFS the watched kinds are re-dumped and the cache replaced in
 * one step, so a reader never sees a half-applied resync. Snapshots are
 * immutable maps of model objects (what `Link.list`, `Route.list`, ...
 * return) keyed by their model's key (`Link.key`, `Route.key`, ...; see
 * {@link Events.key}), so a listed object and the watched one with its key
 * are `equals`. They are copied lazily: reading twice
 * without a change in between costs nothing. The namespace is the `Netlink`
 * service's.
 *
 * Each `changes` consumer is a subscriber of the subscription's PubSub (its
 * own bounded queue, no array of ours); the watch's state (failed or not)
 * is a SubscriptionRef.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Take from "effect/Take"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import type { Address } from "./Address.ts"
import type { Class } from "./Class.ts"
import * as Events from "./Events.ts"
import { operation } from "./internal/Common.ts"
import type { Link } from "./Link.ts"
import type { Neighbor } from "./Neighbor.ts"
import type { Netlink } from "./Netlink.ts"
import type { Nexthop } from "./Nexthop.ts"
import type { Qdisc } from "./Qdisc.ts"
import type { Route } from "./Route.ts"
import type { Rule } from "./Rule.ts"

/**
 * The cache at one moment. Kinds that are not watched are empty maps.
 *
 * @since 0.1.0
 */
export interface Snapshot {
  readonly links: ReadonlyMap<string, Link>
  readonly addresses: ReadonlyMap<string, Address>
  readonly routes: ReadonlyMap<string, Route>
  readonly neighbors: ReadonlyMap<string, Neighbor>
  readonly rules: ReadonlyMap<string, Rule>
  readonly nexthops: ReadonlyMap<string, Nexthop>
  readonly qdiscs: ReadonlyMap<string, Qdisc>
  readonly classes: ReadonlyMap<string, Class>
}

/** A snapshot and the events that produced it since the previous one. @since 0.1.0 */
export interface Update {
  readonly snapshot: Snapshot
  readonly events: ReadonlyArray<Events.Event>
}

/** @since 0.1.0 */
export interface Watch {
  /** The whole cache now. */
  readonly snapshot: Effect.Effect<Snapshot, NetlinkError>
  /** One kind of the cache now. */
  readonly get: <K extends Events.Kind>(
    kind: K
  ) => Effect.Effect<ReadonlyMap<string, Events.Values[K]>, NetlinkError>
  /**
   * The current snapshot first (with no events), then one update per batch
   * of events. A slow consumer gets fewer, larger updates: events are never
   * dropped, snapshots in between are skipped. Any number of consumers.
   */
  readonly changes: Stream.Stream<Update, NetlinkError>
  /** The underlying subscription (receive buffer, groups, statistics). */
  readonly subscription: Events.Subscription
}

/** Options of {@link make}: those of a stream; overflow is always "resync". @since 0.1.0 */
export type Options = Omit<Events.Options, "overflow" | "initial">

const FIELD: Record<Events.Kind, keyof Snapshot> = {
  link: "links",
  address: "addresses",
  route: "routes",
  neighbor: "neighbors",
  rule: "rules",
  nexthop: "nexthops",
  qdisc: "qdiscs",
  class: "classes"
}

/** What the watch knows about itself: whether its stream failed (then every read fails with it). */
interface State {
  readonly failure: NetlinkError | undefined
}

/**
 * Starts a watch cache; the socket closes with the scope. Completes once the
 * initial dump is in the cache.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Netlink, Watch } from "nlink"
 *
 * // The namespace is the Netlink layer's: here the one `ip netns` calls "blue".
 * const program = Effect.scoped(Effect.gen(function* () {
 *   const watch = yield* Watch.make({ kinds: ["link", "address"] })
 *   const links = yield* watch.get("link")
 *   yield* watch.changes.pipe(
 *     Stream.runForEach(({ snapshot, events }) => Effect.log(snapshot.links.size, events.length))
 *   )
 * })).pipe(Effect.provide(Netlink.layerNamespace({ name: "blue" })))
 * ```
 * @since 0.1.0
 */
export const make: (options?: Options) => Effect.Effect<Watch, NetlinkError, Scope.Scope | Netlink> =
  operation("Watch.make", function* (options: Options = {}) {
    const sub = yield* Events.subscribe({ ...options, overflow: "resync" })
    const view = sub.view
    // A kind is copied again only when the replica changed it since the last copy.
    const copies = new Map<
      Events.Kind,
      { readonly revision: number; readonly map: ReadonlyMap<string, unknown> }
    >()
    const kindMap = (kind: Events.Kind): ReadonlyMap<string, unknown> => {
      const revision = sub.revisions[kind]
      let c = copies.get(kind)
      if (c === undefined || c.revision !== revision) {
        c = { revision, map: new Map(view[kind] as Map<string, unknown>) }
        copies.set(kind, c)
      }
      return c.map
    }
    let cached: Snapshot | undefined
    const current = (): Snapshot => {
      const snapshot = {} as Record<keyof Snapshot, ReadonlyMap<string, unknown>>
      let same = cached !== undefined
      for (const kind of Events.kinds) {
        const m = kindMap(kind)
        snapshot[FIELD[kind]] = m
        if (same && (cached as Snapshot)[FIELD[kind]] !== m) same = false
      }
      // The same snapshot object while nothing changed.
      if (same) return cached as Snapshot
      cached = snapshot as unknown as Snapshot
      return cached
    }

    const state = yield* SubscriptionRef.make<State>({ failure: undefined })
    // The cache's own consumer: starts the reader and keeps the view current
    // whether or not anyone reads `changes`; notes the failure.
    yield* Stream.runDrain(sub.events).pipe(
      Effect.catch((failure: NetlinkError) => SubscriptionRef.set(state, { failure })),
      Effect.forkScoped
    )

    const guard = <A>(f: () => A): Effect.Effect<A, NetlinkError> =>
      Effect.flatMap(SubscriptionRef.get(state), (s) =>
        s.failure !== undefined ? Effect.fail(s.failure) : Effect.sync(f)
      )

    const changes: Stream.Stream<Update, NetlinkError> = Stream.fromChannel(
      Channel.unwrap(
        // Subscribe before the first snapshot: nothing between the two is missed.
        Effect.map(PubSub.subscribe(sub.hub), (subscription) => {
          let first = true
          const pull: Effect.Effect<readonly [Update], NetlinkError | Cause.Done> = Effect.suspend(() => {
            if (first) {
              first = false
              return Effect.map(guard(current), (snapshot) => [{ snapshot, events: [] }] as const)
            }
            // Everything queued for this consumer: a slow one gets fewer, larger updates.
            return Effect.flatMap(PubSub.takeAll(subscription), (takes) => {
              const events: Array<Events.Event> = []
              let end: Take.Take<Events.Event, NetlinkError> | undefined
              for (const t of takes) {
                if (!Array.isArray(t)) {
                  end = t
                  break
                }
                for (const e of t as ReadonlyArray<Events.Event>) events.push(e)
              }
              if (events.length > 0) return Effect.succeed([{ snapshot: current(), events }] as const)
              // The end is sticky: it comes again on the next pull after these events.
              return end !== undefined ? Effect.flatMap(Take.toPull(end), () => pull) : pull
            })
          })
          return Channel.fromPull(Effect.succeed(pull))
        })
      )
    )

    return {
      snapshot: guard(current),
      get: <K extends Events.Kind>(kind: K) =>
        guard(() => current()[FIELD[kind]] as unknown as ReadonlyMap<string, Events.Values[K]>),
      changes,
      subscription: sub
    } satisfies Watch
  })
