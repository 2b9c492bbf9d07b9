/**
 * The types of event streams: what is watched, what is emitted, and the
 * view events are relative to. Re-exported by `Events`.
 *
 * @since 0.1.0
 */
import type { AddrMessage } from "../../generated/rt-addr/index.ts"
import type { LinkMessage } from "../../generated/rt-link/index.ts"
import type { NeighMessage } from "../../generated/rt-neigh/index.ts"
import type { RouteMessage } from "../../generated/rt-route/index.ts"
import type { RuleMessage } from "../../generated/rt-rule/index.ts"

/** What a stream can watch. @since 0.1.0 */
export type Kind = "link" | "address" | "route" | "neighbor" | "rule"

/** Every kind, in the order streams dump them. @since 0.1.0 */
export const kinds: ReadonlyArray<Kind> = ["link", "address", "route", "neighbor", "rule"]

/** The decoded object of each kind (the generated message types). @since 0.1.0 */
export interface Values {
  readonly link: LinkMessage
  readonly address: AddrMessage
  readonly route: RouteMessage
  readonly neighbor: NeighMessage
  readonly rule: RuleMessage
}

/**
 * An object appeared (`New`), changed (`Changed`, with the view's previous
 * value) or went away (`Deleted`, with its last value as the kernel sent
 * it). `synthetic` events come from a resync, not from a notification.
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
        readonly synthetic: boolean
      }
    | {
        readonly _tag: "Changed"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
        readonly previous: Values[K]
        readonly synthetic: boolean
      }
    | {
        readonly _tag: "Deleted"
        readonly kind: K
        readonly key: string
        readonly value: Values[K]
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
  /** "overrun" after ENOBUFS, "flush" after a link went down or away, "initial" with `initial: true`. */
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
 * The stream's knowledge of the kernel: one map per kind, keyed by
 * {@link key}. Mutated in place as events are produced; read it between
 * pulls only.
 *
 * @since 0.1.0
 */
export interface View {
  readonly link: Map<string, LinkMessage>
  readonly address: Map<string, AddrMessage>
  readonly route: Map<string, RouteMessage>
  readonly neighbor: Map<string, NeighMessage>
  readonly rule: Map<string, RuleMessage>
}

export const emptyView = (): View => ({
  link: new Map(),
  address: new Map(),
  route: new Map(),
  neighbor: new Map(),
  rule: new Map()
})
