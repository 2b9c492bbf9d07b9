/**
 * How events turn a decoded message into the model object `list` returns
 * for its kind, and the model's key.
 *
 * @since 0.2.0
 */
import * as Address from "../Address.ts"
import * as Class from "../Class.ts"
import type { LinkNames } from "../internal/Resolve.ts"
import * as Link from "../Link.ts"
import * as Neighbor from "../Neighbor.ts"
import * as Nexthop from "../Nexthop.ts"
import * as Qdisc from "../Qdisc.ts"
import * as Route from "../Route.ts"
import * as Rule from "../Rule.ts"
import type { Kind, Raws, Values } from "./Types.ts"

export interface ModelOf<K extends Kind> {
  /** Message → object, devices named by `names`. */
  readonly from: (raw: Raws[K], names: LinkNames) => Values[K]
  readonly key: (value: Values[K]) => string
}

export const MODELS: { readonly [K in Kind]: ModelOf<K> } = {
  link: { from: Link.fromMessage, key: Link.key },
  address: { from: Address.fromMessage, key: Address.key },
  route: { from: Route.fromMessage, key: Route.key },
  neighbor: { from: Neighbor.fromMessage, key: Neighbor.key },
  rule: { from: Rule.fromMessage, key: Rule.key },
  nexthop: { from: Nexthop.fromMessage, key: Nexthop.key },
  qdisc: { from: Qdisc.fromMessage, key: Qdisc.key },
  class: { from: Class.fromMessage, key: Class.key }
}
