/**
 * macvtap: macvlan's options (see ./macvlan.ts) on a device with a tap
 * character device.
 *
 * @since 0.2.0
 */
import type { LinkKind } from "../LinkKind.ts"
import { type MacvlanOptions, makeMacvlanKind } from "./macvlan.ts"

/**
 * The macvtap descriptor.
 *
 * @example
 * ```ts
 * macvtap.kind // "macvtap"
 * ```
 * @since 0.2.0
 */
export const macvtap: LinkKind<MacvlanOptions, "macvtap"> = makeMacvlanKind("macvtap")
