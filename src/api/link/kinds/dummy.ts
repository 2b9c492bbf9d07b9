/**
 * dummy: `ip link add NAME type dummy`. No options.
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"

/**
 * The dummy descriptor.
 *
 * @example
 * ```ts
 * dummy.toKernel({}, { devices: {}, namespaces: {} }) // undefined: the kind alone
 * ```
 * @since 0.2.0
 */
export const dummy: LinkKind<{}, "dummy"> = {
  kind: "dummy",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: (o) => o
}
