/**
 * team: `ip link add NAME type team`. The link has no kind data; ports join
 * it as for any master (`Link.set(port, { master: "team0" })`, or `master` on
 * add). The team mode and its options are set over the team generic netlink
 * family (teamd), not here.
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"

/**
 * The team descriptor (no options at link level).
 *
 * @example
 * ```ts
 * yield* Link.add({ kind: "team", name: "team0" })
 * yield* Link.set("eth1", { master: "team0" })
 * ```
 * @since 0.2.0
 */
export const team: LinkKind<{}, "team"> = {
  kind: "team",
  fields: {},
  devices: [],
  toKernel: () => undefined,
  fromKernel: () => ({}),
  canonical: (o) => o
}
