/**
 * A watch cache: the current links, addresses, routes, neighbours and rules
 * of a namespace, kept live from one dump plus events — what an informer is
 * to Kubernetes.
 *
 * `make` subscribes first, then dumps, then applies every event received
 * since subscribing (no gap; see {@link Events}). Overflow always resyncs:
 * after an ENOBUFS the watched kinds are re-dumped and the cache replaced in
 * one step, so a reader never sees a half-applied resync. Snapshots are
 * immutable maps keyed by {@link Events.key}, copied lazily: reading twice
 * without a change in between costs nothing.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { operation } from "./internal/Common.ts"
import type * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type { AddrMessage } from "../generated/rt-addr/index.ts"
import type { LinkMessage } from "../generated/rt-link/index.ts"
import type { NeighMessage } from "../generated/rt-neigh/index.ts"
import type { RouteMessage } from "../generated/rt-route/index.ts"
import type { RuleMessage } from "../generated/rt-rule/index.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as Events from "./Events.ts"
import type { Netlink } from "./Netlink.ts"

/**
 * The cache at one moment. Kinds that are not watched are empty maps.
 *
 * @since 0.1.0
 */
export interface Snapshot {
  readonly links: ReadonlyMap<string, LinkMessage>
  readonly addresses: ReadonlyMap<string, AddrMessage>
  readonly routes: ReadonlyMap<string, RouteMessage>
  readonly neighbors: ReadonlyMap<string, NeighMessage>
  readonly rules: ReadonlyMap<string, RuleMessage>
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
  rule: "rules"
}

interface Listener {
  pending: Array<Events.Event>
  wake: (() => void) | undefined
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
    const copies = new Map<Events.Kind, ReadonlyMap<string, unknown>>()
    const dirty = new Set<Events.Kind>(Events.kinds)
    const listeners = new Set<Listener>()
    let failure: NetlinkError | undefined
    let version = 0
    let cached: { version: number; snapshot: Snapshot } | undefined

    const kindMap = (kind: Events.Kind): ReadonlyMap<string, unknown> => {
      let c = copies.get(kind)
      if (c === undefined || dirty.has(kind)) {
        c = new Map(view[kind] as Map<string, unknown>)
        copies.set(kind, c)
        dirty.delete(kind)
      }
      return c
    }
    const current = (): Snapshot => {
      if (cached !== undefined && cached.version === version) return cached.snapshot
      const snapshot = {
        links: kindMap("link"),
        addresses: kindMap("address"),
        routes: kindMap("route"),
        neighbors: kindMap("neighbor"),
        rules: kindMap("rule")
      } as Snapshot
      cached = { version, snapshot }
      return snapshot
    }
    const wakeAll = () => {
      for (const l of listeners) {
        const w = l.wake
        if (w !== undefined) {
          l.wake = undefined
          w()
        }
      }
    }

    // Events are applied to the view while they are produced; here we only
    // note which kinds changed and hand the events to `changes` consumers.
    yield* sub.events.pipe(
      Stream.runForEachArray((events) =>
        Effect.sync(() => {
          for (const e of events)
            if (Events.isChange(e)) dirty.add(e.kind)
            else if (e._tag === "Resynced") for (const k of e.kinds) dirty.add(k)
          version++
          for (const l of listeners) for (const e of events) l.pending.push(e)
          wakeAll()
        })
      ),
      Effect.catch((e: NetlinkError) =>
        Effect.sync(() => {
          failure = e
          wakeAll()
        })
      ),
      Effect.forkScoped
    )

    const guard = <A>(f: () => A): Effect.Effect<A, NetlinkError> =>
      Effect.suspend(() => (failure !== undefined ? Effect.fail(failure) : Effect.succeed(f())))

    const changes: Stream.Stream<Update, NetlinkError> = Stream.fromChannel(
      Channel.fromTransform((_upstream, scope: Scope.Scope) =>
        Effect.sync(() => {
          const l: Listener = { pending: [], wake: undefined }
          listeners.add(l)
          return l
        }).pipe(
          Effect.tap((l) =>
            Scope.addFinalizer(
              scope,
              Effect.sync(() => listeners.delete(l))
            )
          ),
          Effect.map((l) => {
            let first = true
            const pull: Effect.Effect<readonly [Update], NetlinkError | Cause.Done> = Effect.suspend(() => {
              if (first) {
                first = false
                if (failure !== undefined) return Effect.fail(failure)
                return Effect.succeed([{ snapshot: current(), events: [] }] as const)
              }
              if (l.pending.length > 0) {
                const events = l.pending
                l.pending = []
                return Effect.succeed([{ snapshot: current(), events }] as const)
              }
              if (failure !== undefined) return Effect.fail(failure)
              return Effect.flatMap(
                Effect.callback<void>((resume) => {
                  l.wake = () => resume(Effect.void)
                  return Effect.sync(() => {
                    l.wake = undefined
                  })
                }),
                () => pull
              )
            })
            return pull
          })
        )
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
