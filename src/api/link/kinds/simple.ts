/**
 * Kinds without options: `ip link add NAME type nlmon` (netlink monitor) and
 * `type vcan` (virtual CAN).
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"

const bare = <K extends string>(kind: K): LinkKind<{}, K> => ({
  kind,
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: (o) => o
})

/**
 * nlmon: a device that sees every netlink message (for packet capture).
 *
 * @example
 * ```ts
 * nlmon.toKernel({}, { devices: {}, namespaces: {} }) // undefined: the kind alone
 * ```
 * @since 0.2.0
 */
export const nlmon = bare("nlmon")

/**
 * vcan: a virtual CAN bus device.
 *
 * @example
 * ```ts
 * vcan.kind // "vcan"
 * ```
 * @since 0.2.0
 */
export const vcan = bare("vcan")
