/**
 * wireguard: `ip link add NAME type wireguard`. The link has no kind data;
 * keys, peers and the listen port are set over generic netlink
 * (src/api/WireGuard.ts) once the link exists.
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"

/**
 * The wireguard descriptor (no options at link level).
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "wireguard", name: "wg0" })
 * yield* WireGuard.set("wg0", { listenPort: 51820 })
 * ```
 * @since 0.2.0
 */
export const wireguard: LinkKind<{}, "wireguard"> = {
  kind: "wireguard",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: (o) => o
}
