/**
 * Named network namespaces as Effects, managed the way `ip netns` manages
 * them (files under /run/netns), so both tools see the same namespaces.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { operationOf } from "./internal/Common.ts"
import * as Ns from "../runtime/Namespace.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"

/** A namespace by name, nsfs path or pid. @since 0.1.0 */
export type Ref = Ns.Ref

// The runtime's calls are synchronous and throw NetlinkErrors; here they fail
// the Effect instead. Anything else thrown is a bug and dies.
const attempt = <A>(f: () => A): Effect.Effect<A, NetlinkError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      return e instanceof NetlinkError ? Effect.fail(e) : Effect.die(e)
    }
  })

/**
 * Creates a named namespace, like `ip netns add NAME`; returns its path.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Namespace } from "nlink"
 * const path = yield* Namespace.create("blue") // "/run/netns/blue"
 * ```
 * @since 0.1.0
 */
export const create = operationOf("Namespace.create", (name: string) => attempt(() => Ns.create(name)))

/**
 * Removes a named namespace, like `ip netns delete NAME`.
 *
 * @example
 * ```ts
 * yield* Namespace.remove("blue")
 * ```
 * @since 0.1.0
 */
export const remove = operationOf("Namespace.remove", (name: string) => attempt(() => Ns.remove(name)))

/**
 * The named namespaces, sorted, like `ip netns list`.
 *
 * @example
 * ```ts
 * const names = yield* Namespace.list()
 * ```
 * @since 0.1.0
 */
export const list = (): Effect.Effect<ReadonlyArray<string>> => Effect.sync(Ns.list)

/**
 * Whether a named namespace exists.
 *
 * @example
 * ```ts
 * if (yield* Namespace.exists("blue")) { ... }
 * ```
 * @since 0.1.0
 */
export const exists = (name: string): Effect.Effect<boolean, NetlinkError> => attempt(() => Ns.exists(name))

/**
 * A namespace that lives as long as the scope: created now, removed when
 * the scope closes (also on failure or interruption).
 *
 * @example
 * ```ts
 * Effect.scoped(Effect.gen(function* () {
 *   const name = yield* Namespace.scoped("lab")
 *   yield* Link.list().pipe(Effect.provide(Netlink.layerNamespace(name)))
 * }))
 * ```
 * @since 0.1.0
 */
export const scoped = (name: string): Effect.Effect<string, NetlinkError, Scope.Scope> =>
  Effect.acquireRelease(Effect.as(create(name), name), (n) => Effect.ignore(remove(n)))

/**
 * The nsfs path of a reference (`/run/netns/NAME`, `/proc/PID/ns/net`); a
 * reference `ip netns` would refuse fails with a Validation error.
 *
 * @example
 * ```ts
 * const path = yield* Namespace.pathOf({ pid: 1 }) // "/proc/1/ns/net"
 * ```
 * @since 0.1.0
 */
export const pathOf = (ref: Ref): Effect.Effect<string, NetlinkError> => Ns.pathEffect(ref)
