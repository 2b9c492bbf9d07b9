/**
 * ifb: `ip link add NAME type ifb`. No options.
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"

/**
 * The ifb descriptor.
 *
 * @example
 * ```ts
 * ifb.toKernel({}, { devices: {}, namespaces: {} }) // undefined: the kind alone
 * ```
 * @since 0.2.0
 */
export const ifb: LinkKind<{}, "ifb"> = {
  kind: "ifb",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: (o) => o
}
