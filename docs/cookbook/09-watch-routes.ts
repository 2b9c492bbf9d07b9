/**
 * Recipe 9: watching routes: a stream of route changes as model objects (the
 * shape Route.list returns), and a cache that always holds the current table.
 *
 *   ip monitor route
 */
import { Effect, Stream } from "effect"
import { Events, Netlink, type Route, Watch } from "nlink"

const describe = (r: Route.Route): string => `${r.destination}${r.gateway ? ` via ${r.gateway}` : ""}`

/**
 * The first `n` route changes after subscribing, as "New 10.1.0.0/16 via
 * 10.0.0.2" lines; `during` runs once the subscription is in place, so none
 * of its changes can be missed.
 */
export const routeChanges = <E, R>(n: number, during: Effect.Effect<unknown, E, R>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const events = yield* Events.subscribe({ kinds: ["route"], families: ["inet"] })
      yield* during
      return yield* events.events.pipe(
        Stream.filter(Events.isChange),
        Stream.take(n),
        // a change carries the object as Route.list returns it (and the raw message)
        Stream.map((e) => (e.kind === "route" ? `${e._tag} ${describe(e.value)}` : e._tag)),
        Stream.runCollect
      )
    })
  )

/** A live view of the routes: the cache follows the kernel until the scope closes. */
export const currentRoutes = Effect.scoped(
  Effect.gen(function* () {
    const watch = yield* Watch.make({ kinds: ["route"] })
    return yield* watch.get("route")
  })
)

if (import.meta.main)
  await Effect.runPromise(
    Events.stream({ kinds: ["route"] }).pipe(
      Stream.runForEach((e) => Effect.log(e._tag, Events.isChange(e) ? e.key : "")),
      Effect.provide(Netlink.layer)
    )
  )
