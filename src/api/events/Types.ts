/**
 * The types of event streams: what is watched, what is emitted, and the
 * view events are relative to. Re-exported by `Events`.
 *
 * @since 0.1.0
 */
import type { AddrMessage } from "../../generated/rt-addr/index.ts"
import type { LinkMessage } from "../../generated/rt-link/index.ts"
import type { NeighMessage } from "../../generated/rt-neigh/index.ts"
import type { NexthopMessage } from "../../generated/rt-nexthop/index.ts"
import type { RouteMessage } from "../../generated/rt-route/index.ts"
import type { RuleMessage } from "../../generated/rt-rule/index.ts"
import type { QdiscMessage, TclassMessage } from "../../generated/tc/index.ts"
import type { Address } from "../Address.ts"
import type { Class } from "../Class.ts"
import type { Link } from "../Link.ts"
import type { Neighbor } from "../Neighbor.ts"
import type { Nexthop } from "../Nexthop.ts"
import type { Qdisc } from "../Qdisc.ts"
import type { Route } from "../Route.ts"
import type { Rule } from "../Rule.ts"

/** What a stream can watch. @since 0.1.0 */
export type Kind = "link" | "address" | "route" | "neighbor" | "rule" | "nexthop" | "qdisc" | "class"

/** Every kind, in the order streams dump them (links first: they name the devices of the rest). @since 0.1.0 */
export const kinds: ReadonlyArray<Kind> = [
  "link",
  "address",
  "route",
  "neighbor",
  "rule",
  "nexthop",
  "qdisc",
  "class"
]

/**
 * The object of each kind: the same shape `Link.list`, `Address.list`, ...
 * return (devices by name, kernel names rather than numbers).
 *
 * @since 0.1.0
 */
export interface Values {
  readonly link: Link
  readonly address: Address
  readonly route: Route
  readonly neighbor: Neighbor
  readonly rule: Rule
  readonly nexthop: Nexthop
  readonly qdisc: Qdisc
  readonly class: Class
}

/**
 * The decoded message of each kind, as the kernel sent it (what
 * `Link.listRaw`, `Address.listRaw`, ... return): every attribute, numbers
 * as they are.
 *
 * @since 0.2.0
 */
export interface Raws {
  readonly link: LinkMessage
  readonly address: AddrMessage
  readonly route: RouteMessage
  readonly neighbor: NeighMessage
  readonly rule: RuleMessage
  readonly nexthop: NexthopMessage
  readonly qdisc: QdiscMessage
  readonly class: TclassMessage
}

/**
 * An object appeared (`New`), changed (`Changed`, with the view's previous
 * value) or went away (`Deleted`, with its last value). `value` is the model
 * object, `key` its model key (`Link.key`, `Route.key`, ...), `raw` the
 * decoded message it was made from (for `Deleted`, the notification's when
 * there was one). `synthetic` events come from a resync (or a rename that
 * renamed other objects' devices), not from a notification.
 *
 * @since 0.1.0
 */
export type Change = {
  readonly [K in Kind]:
    | {
        readonly _tag: "New"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly raw: Raws[K]
        readonly synthetic: boolean
      }
    | {
        readonly _tag: "Changed"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly raw: Raws[K]
        readonly previous: Values[K]
        readonly synthetic: boolean
      }
    | {
        readonly _tag: "Deleted"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly raw: Raws[K]
        readonly synthetic: boolean
      }
}[Kind]

/**
 * The receive buffer overflowed: the kernel dropped notifications (how many
 * it does not say). With the resync policy, synthetic events and a
 * `Resynced` marker follow.
 *
 * @since 0.1.0
 */
export interface Overrun {
  readonly _tag: "Overrun"
  readonly lost?: number
  /** Where the loss was detected: the kernel's buffer (ENOBUFS). */
  readonly source: "kernel"
}

/**
 * The view was re-read from the kernel and the differences were emitted just
 * before this marker.
 *
 * @since 0.1.0
 */
export interface Resynced {
  readonly _tag: "Resynced"
  /**
   * "overrun" after ENOBUFS; "flush" after the kernel removed objects without
   * a notification (a link went down or away: its routes, neighbours and
   * nexthops; a qdisc or class went away: the ones below it); "initial" with
   * `initial: true`.
   */
  readonly reason: "initial" | "overrun" | "flush"
  readonly kinds: ReadonlyArray<Kind>
  readonly added: number
  readonly changed: number
  readonly removed: number
}

/** Everything a stream emits. @since 0.1.0 */
export type Event = Change | Overrun | Resynced

/** What to do when the kernel reports ENOBUFS. @since 0.1.0 */
export type OverflowPolicy = "resync" | "fail" | "marker"

/**
 * The stream's knowledge of the kernel: one map of model objects per kind,
 * keyed by their model key (as `event.key`). Mutated in place as events are
 * produced; read it between pulls only.
 *
 * @since 0.1.0
 */
export type View = { readonly [K in Kind]: Map<string, Values[K]> }

export const emptyView = (): View => ({
  link: new Map(),
  address: new Map(),
  route: new Map(),
  neighbor: new Map(),
  rule: new Map(),
  nexthop: new Map(),
  qdisc: new Map(),
  class: new Map()
})

/** A record with one value per kind. */
export const perKind = <A>(f: (k: Kind) => A): Record<Kind, A> =>
  Object.fromEntries(kinds.map((k) => [k, f(k)])) as Record<Kind, A>
