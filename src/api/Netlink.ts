/**
 * The `Netlink` service: an rtnetlink connection in the current network
 * namespace or in a named one, shared by every API module (Link, Address,
 * Route, Neighbor, Rule).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Connection from "../runtime/Connection.ts"
import * as Namespace from "../runtime/Namespace.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"

const NETLINK_ROUTE = 0

/**
 * What the API modules use: an rtnetlink connection, and the namespace it
 * lives in (undefined for the caller's own).
 *
 * @since 0.1.0
 */
export interface NetlinkShape {
  readonly route: Connection.ConnectionShape
  readonly namespace: Namespace.Ref | undefined
}

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
  /** A connection in the current network namespace. */
  static readonly layer: Layer.Layer<Netlink, NetlinkError> = Layer.effect(
    Netlink,
    Effect.map(Connection.make({ protocol: NETLINK_ROUTE }), (route) => ({ route, namespace: undefined }))
  )

  /**
   * A connection inside another network namespace, given by name (as `ip netns`
   * names it), path or pid. A reference `ip netns` would refuse (empty, "..",
   * a "/" in the name, over 255 bytes) fails the layer with a Validation
   * error; nothing throws at the call.
   *
   * @example
   * ```ts
   * const inBlue = Link.list().pipe(Effect.provide(Netlink.layerNamespace({ name: "blue" })))
   * ```
   */
  static readonly layerNamespace = (ref: Namespace.Ref | string): Layer.Layer<Netlink, NetlinkError> => {
    const r: Namespace.Ref = typeof ref === "string" ? { name: ref } : ref
    return Layer.effect(
      Netlink,
      Effect.flatMap(Namespace.pathEffect(r), (path) =>
        Effect.map(Connection.make({ protocol: NETLINK_ROUTE, netns: { path } }), (route) => ({
          route,
          namespace: r
        }))
      )
    )
  }
}
