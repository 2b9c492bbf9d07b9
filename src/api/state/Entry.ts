/**
 * What every state registry entry is (see Registry.ts for the entries), and
 * the helpers entries share: references, the namespace's links as read by
 * the same snapshot, errors an idempotent step tolerates.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import type { ObjectType } from "../internal/Model.ts"
import type { Netlink } from "../Netlink.ts"

/**
 * An effect over the namespace of the provided Netlink layer.
 *
 * @since 0.3.0
 */
export type Op<R = void> = Effect.Effect<R, NetlinkError, Netlink>

/**
 * What a snapshot has read so far, by type name (the types of lower rank
 * than the one being read or classified; links first).
 *
 * @example
 * ```ts
 * const l: Entry.Listed = { link: yield* Registry.link.list }
 * ```
 * @since 0.3.0
 */
export type Listed = Readonly<Record<string, ReadonlyArray<any> | undefined>>

/**
 * One object type as state knows it.
 *
 * @example
 * ```ts
 * const e: Registry.Entry<Route.Route> = Registry.byName.get("route")!
 * const routes = yield* e.list
 * ```
 * @since 0.3.0
 */
export interface Entry<A = any> {
  readonly model: ObjectType<A>
  /** Creation order between types: lower first (links 0, addresses 10, routes 20, ...); deletion reverses it. */
  readonly rank: number
  /** Every object of the type in the namespace (kernel-made ones included). */
  readonly list: Op<ReadonlyArray<A>>
  /**
   * Like `list`, reusing what the same snapshot read before (the links, for
   * device names and kinds: no link dump of its own). A snapshot uses it
   * when given.
   */
  readonly listWith?: (listed: Listed) => Op<ReadonlyArray<A>>
  readonly add: (a: A) => Op
  readonly remove: (a: A) => Op
  /**
   * Changes `from` into `to` (same key) in place, or undefined when the type
   * cannot: the plan then removes `from` and adds `to`.
   */
  readonly update?: (from: A, to: A) => Op | undefined
  /**
   * What the object needs to exist first, as `type:key` references (a port
   * its master, an address its link, ...).
   */
  readonly needs: (a: A) => ReadonlyArray<string>
  /**
   * What the object is created after although it does not need it (the
   * kernel numbers both in order of creation): ordering only, not removed
   * with it.
   */
  readonly after?: (a: A) => ReadonlyArray<string>
  /**
   * Types of objects the kernel may remove by itself when this one is
   * removed or changed (an address's routes and neighbours, a link taken
   * down's routes and addresses): a transaction re-reads them after such a
   * step to record what they were.
   */
  readonly sideEffects?: ReadonlyArray<string>
  /**
   * Other references that name this object in another entry's `needs`
   * (a qdisc is `qdisc:dev|parent` by key, and `qdisc-handle:dev|1:` to the
   * classes under it).
   */
  readonly refs?: (a: A) => ReadonlyArray<string>
  /**
   * The place the kernel keeps the object in, when two objects with different
   * keys can take turns in it (an IPv4 route's table, prefix, tos and metric:
   * `ip route replace` swaps its nexthop). A plan turns an old object and a
   * new one of the same place into one `update` instead of a remove and an add.
   */
  readonly slot?: (a: A) => string | undefined
  /** Objects the kernel removes with this one (`type:key`), besides those that need it (a veth's peer). */
  readonly takesAlong?: (a: A) => ReadonlyArray<string>
  /** The link the object is on, for `purge` scopes (undefined: not on one link). */
  readonly dev?: (a: A) => string | undefined
  /**
   * Made by the kernel by itself (loopback, local and prefix routes,
   * link-local addresses, default rules, a port's own FDB entry, ...).
   * `listed` is what the same snapshot read (some entries tell the kernel's
   * objects by the links' addresses or by other objects); without it, only
   * what the object shows by itself counts.
   */
  readonly kernelMade: (a: A, listed?: Listed) => boolean
  /**
   * Settings the kernel keeps with every device (or once per namespace):
   * never added or removed by a plan, only written. A desired object is
   * written over what is there (`add` and `update` both set it); one a
   * state leaves out is not managed.
   */
  readonly setOnly?: boolean
  /**
   * Objects of the same type a change to `from` → `to` rewrites in the
   * kernel (`net.ipv4.conf.all.forwarding` sets every device's): a plan
   * writes those it names again after it, although they were equal before.
   */
  readonly resets?: (from: A, to: A) => ((other: A) => boolean) | undefined
  /**
   * Why nlink cannot write objects of this type (they are shown, never
   * planned): a desired state that names one fails validation with it.
   */
  readonly readOnly?: string
  /**
   * The objects a plan compares instead of `a`, when the kernel reports a
   * group of objects as one that another change may split or merge (a
   * range of VLANs of equal options): both sides are expanded alike.
   */
  readonly expand?: (a: A) => ReadonlyArray<A>
  /**
   * What creating `a` needs that it does not give (a MACsec SA's key, which
   * the kernel never reports): a plan is checked before anything is sent;
   * `path` names the object in the error.
   */
  readonly creates?: (a: A, path: string) => NetlinkError | undefined
}

/**
 * The object without `status` (what a snapshot stores and a plan carries).
 *
 * @example
 * ```ts
 * Entry.strip({ dev: "d0", address: "10.0.0.1/24", status: { index: 2 } }) // { dev: "d0", address: "10.0.0.1/24" }
 * ```
 * @since 0.3.0
 */
export const strip = <A>(a: A): A => {
  if (typeof a !== "object" || a === null || !("status" in a)) return a
  const { status: _, ...rest } = a as A & { status?: unknown }
  return rest as A
}

/**
 * A snapshot is read while the kernel may still add entries by itself
 * (multicast neighbours of links just brought up): re-run interrupted dumps.
 *
 * @since 0.3.0
 */
export const RETRY = { retryInterrupted: 5 }

/**
 * The `link:NAME` reference of a device given by name (none for an index or nothing).
 *
 * @example
 * ```ts
 * Entry.linkRef("eth0") // ["link:eth0"]
 * ```
 * @since 0.3.0
 */
export const linkRef = (name: string | number | undefined): Array<string> =>
  typeof name === "string" ? [`link:${name}`] : []

const namesCache = new WeakMap<ReadonlyArray<any>, (index: number) => string | number>()

/**
 * Device names by index from the links a snapshot listed (the entries'
 * `fromMessage` take it), built once per list of links.
 *
 * @example
 * ```ts
 * const names = Entry.namesOf({ link: links })
 * names(1) // "lo"
 * ```
 * @since 0.3.0
 */
export const namesOf = (listed: Listed): ((index: number) => string | number) => {
  const links = listed.link ?? []
  let f = namesCache.get(links)
  if (f === undefined) {
    const m = new Map<number, string>()
    for (const l of links) if (l.status?.index !== undefined) m.set(l.status.index, l.name)
    f = (i: number) => m.get(i) ?? i
    namesCache.set(links, f)
  }
  return f
}

const macsCache = new WeakMap<ReadonlyArray<any>, ReadonlySet<string>>()

/**
 * The link-layer addresses of the links a snapshot listed (lowercase).
 *
 * @example
 * ```ts
 * Entry.macsOf({ link: links }).has("02:00:00:00:00:01")
 * ```
 * @since 0.3.0
 */
export const macsOf = (listed: Listed): ReadonlySet<string> => {
  const links = listed.link ?? []
  let s = macsCache.get(links)
  if (s === undefined) {
    const out = new Set<string>()
    for (const l of links) if (typeof l.address === "string") out.add(l.address.toLowerCase())
    s = out
    macsCache.set(links, s)
  }
  return s
}

const kinds = new WeakMap<ReadonlyArray<any>, ReadonlyMap<string | number, string | undefined>>()

/**
 * The kind of a listed link by name (undefined: no such link, or no kind).
 *
 * @example
 * ```ts
 * Entry.kindOf({ link: links }, "br0") // "bridge"
 * ```
 * @since 0.3.0
 */
export const kindOf = (listed: Listed, dev: string | number | undefined): string | undefined => {
  const links = listed.link ?? []
  let m = kinds.get(links)
  if (m === undefined) {
    const out = new Map<string | number, string | undefined>()
    for (const l of links) out.set(l.name, l.kind)
    m = out
    kinds.set(links, m)
  }
  return dev === undefined ? undefined : m.get(dev)
}

/**
 * Runs `op`, taking the kernel's `codes` (e.g. ENOENT for a removal whose
 * object the kernel already took with another) as done.
 *
 * @example
 * ```ts
 * yield* Entry.tolerating(Fdb.remove(e), "ENOENT")
 * ```
 * @since 0.3.0
 */
export const tolerating = (op: Op, ...codes: ReadonlyArray<string>): Op =>
  Effect.catchIf(
    op,
    (e) => e.reason._tag === "Kernel" && codes.includes(e.reason.code as string),
    () => Effect.void
  )
