/**
 * The `Netlink` service: netlink connections in the current network namespace
 * or in a named one, shared by every API module (Link, Address, Route,
 * Neighbor, Rule). The rtnetlink connection (`route`) opens with the layer;
 * other protocols (generic netlink, ...) open on first use and are shared.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RcMap from "effect/RcMap"
import type * as Scope from "effect/Scope"
import { NETLINK_ROUTE } from "../generated/netlink/index.ts"
import * as Connection from "../runtime/Connection.ts"
import * as Namespace from "../runtime/Namespace.ts"
import * as NetlinkError from "../runtime/NetlinkError.ts"

// MAX_LINKS in include/uapi/linux/netlink.h: protocols are 0..31.
const MAX_LINKS = 32

/**
 * What the API modules use: an rtnetlink connection, the namespace it lives
 * in (undefined for the caller's own), and connections for other protocols
 * in the same namespace.
 *
 * @since 0.1.0
 */
export interface NetlinkShape {
  readonly route: Connection.ConnectionShape
  readonly namespace: Namespace.Ref | undefined
  /**
   * The connection for a netlink protocol (NETLINK_GENERIC is 16), in the
   * same namespace: opened on first use, shared by every scope that holds
   * it, closed when the last one ends (and with the layer). Protocol 0 is
   * `route` itself. The layers provide it; a hand-built shape may leave it
   * out, and {@link Netlink.connection} then opens one per scope.
   */
  readonly connection?: (
    protocol: number
  ) => Effect.Effect<Connection.ConnectionShape, NetlinkError.NetlinkError, Scope.Scope>
}

const checkProtocol = (protocol: number): NetlinkError.NetlinkError | undefined =>
  Number.isInteger(protocol) && protocol >= 0 && protocol < MAX_LINKS
    ? undefined
    : NetlinkError.make(
        new NetlinkError.Validation({
          path: "protocol",
          message: `a netlink protocol is an integer from 0 to ${MAX_LINKS - 1}, got ${protocol}`
        })
      )

const make = (
  ref: Namespace.Ref | undefined
): Effect.Effect<NetlinkShape, NetlinkError.NetlinkError, Scope.Scope> =>
  Effect.gen(function* () {
    const netns = ref === undefined ? undefined : { path: yield* Namespace.pathEffect(ref) }
    const connections = yield* RcMap.make({
      lookup: (protocol: number) => Connection.make({ protocol, netns })
    })
    // Held for the layer's lifetime: the API modules use it on every call.
    const route = yield* RcMap.get(connections, NETLINK_ROUTE)
    const connection = (protocol: number) => {
      const bad = checkProtocol(protocol)
      return bad === undefined ? RcMap.get(connections, protocol) : Effect.fail(bad)
    }
    return { route, namespace: ref, connection }
  })

/**
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Link, Netlink } from "nlink"
 *
 * const program = Link.list().pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
export class Netlink extends Context.Service<Netlink, NetlinkShape>()("nlink/Netlink") {
  /** Connections in the current network namespace. */
  static readonly layer: Layer.Layer<Netlink, NetlinkError.NetlinkError> = Layer.effect(
    Netlink,
    make(undefined)
  )

  /**
   * Connections inside another network namespace, given by name (as `ip netns`
   * names it), path or pid. A reference `ip netns` would refuse (empty, "..",
   * a "/" in the name, over 255 bytes) fails the layer with a Validation
   * error; nothing throws at the call.
   *
   * @example
   * ```ts
   * const inBlue = Link.list().pipe(Effect.provide(Netlink.layerNamespace({ name: "blue" })))
   * ```
   */
  static readonly layerNamespace = (
    ref: Namespace.Ref | string
  ): Layer.Layer<Netlink, NetlinkError.NetlinkError> =>
    Layer.effect(Netlink, make(typeof ref === "string" ? { name: ref } : ref))

  /**
   * The connection for a netlink protocol in the provided namespace, held
   * for the current scope (see {@link NetlinkShape.connection}).
   *
   * @example
   * ```ts
   * const NETLINK_GENERIC = 16
   * const program = Effect.scoped(Effect.gen(function* () {
   *   const genl = yield* Netlink.connection(NETLINK_GENERIC)
   *   return yield* genl.dumpAll(getFamilyRequest, decodeFamily)
   * })).pipe(Effect.provide(Netlink.layer))
   * ```
   */
  static readonly connection = (
    protocol: number
  ): Effect.Effect<Connection.ConnectionShape, NetlinkError.NetlinkError, Netlink | Scope.Scope> =>
    Effect.gen(function* () {
      const n = yield* Netlink
      if (n.connection !== undefined) return yield* n.connection(protocol)
      const bad = checkProtocol(protocol)
      if (bad !== undefined) return yield* Effect.fail(bad)
      if (protocol === NETLINK_ROUTE) return n.route
      const netns = n.namespace === undefined ? undefined : { path: yield* Namespace.pathEffect(n.namespace) }
      return yield* Connection.make({ protocol, netns })
    })
}
