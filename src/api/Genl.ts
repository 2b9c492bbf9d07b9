/**
 * Generic netlink: families (wireguard, macsec, nl80211, ...) found by name
 * through the kernel's controller, nlctrl. A family's id (its nlmsg_type) and
 * its multicast group ids are given by the kernel at registration; they are
 * resolved once per {@link Netlink} service (one namespace) and cached, and
 * resolved again when a request reaches a family that was unregistered and
 * registered again (a module reload gives it a new id).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Genl, Netlink } from "nlink"
 *
 * const program = Genl.families().pipe(Effect.provide(Netlink.layer))
 * // [{ id: 16, name: "nlctrl", version: 2, groups: [{ name: "notify", id: 16 }], ... }, ...]
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import {
  decodeGetfamilyReply,
  encodeGetfamilyRequest,
  GENL_ID_CTRL,
  GenlOpFlagsNames,
  type CtrlAttrs
} from "../generated/genl-ctrl/index.ts"
import type * as Connection from "../runtime/Connection.ts"
import * as Namespace from "../runtime/Namespace.ts"
import { Kernel, NetlinkError } from "../runtime/NetlinkError.ts"
import * as Socket from "../runtime/Socket.ts"
import { DEFAULT_RECEIVE_BUFFER } from "./events/Constants.ts"
import { Reader } from "./events/Reader.ts"
import { buildMessage, invalid, NLM_F_DUMP, operation, operationOf } from "./internal/Common.ts"
import { Netlink, type NetlinkShape } from "./Netlink.ts"

/** NETLINK_GENERIC in include/uapi/linux/netlink.h. */
export const NETLINK_GENERIC = 16
const NLMSG_HDRLEN = 16
const ENOENT = 2
const EOPNOTSUPP = 95

/**
 * A generic netlink family as nlctrl reports it.
 *
 * @since 0.1.0
 */
export interface Family {
  /** The nlmsg_type its messages carry (given at registration). */
  readonly id: number
  readonly name: string
  readonly version: number
  /** Size of the family's own header after genlmsghdr (0 for most). */
  readonly hdrsize: number
  /** Highest attribute number of its top-level attribute set. */
  readonly maxattr: number
  /** Its commands with what they allow ("do", "dump", "admin-perm", ...). */
  readonly ops: ReadonlyArray<{ readonly cmd: number; readonly flags: ReadonlyArray<string> }>
  /** Its multicast groups, by name and id (for subscriptions). */
  readonly groups: ReadonlyArray<{ readonly name: string; readonly id: number }>
}

const opFlagNames = (flags: number): Array<string> => {
  const out: Array<string> = []
  for (let bit = 1; bit <= flags && bit !== 0; bit <<= 1)
    if (flags & bit)
      out.push(
        GenlOpFlagsNames[bit]?.replace(/([A-Z])/g, (c) => `-${c.toLowerCase()}`) ?? `0x${bit.toString(16)}`
      )
  return out
}

/** The Family of a decoded nlctrl reply (exported for tests and tools). */
export const fromCtrl = (a: CtrlAttrs): Family => ({
  id: a.familyId ?? 0,
  name: a.familyName ?? "",
  version: a.version ?? 0,
  hdrsize: a.hdrsize ?? 0,
  maxattr: a.maxattr ?? 0,
  ops: (a.ops ?? []).map((o) => ({ cmd: o.id ?? 0, flags: opFlagNames(o.flags ?? 0) })),
  groups: (a.mcastGroups ?? []).map((g) => ({ name: g.name ?? "", id: g.id ?? 0 }))
})

const decodeFamily = (buf: Uint8Array, view: DataView, start: number, end: number): Family =>
  fromCtrl(decodeGetfamilyReply(buf, view, start + NLMSG_HDRLEN, end))

/** The kernel has no family of this name: a Kernel (ENOENT) reason that names it. */
export const unknownFamily = (name: string): NetlinkError =>
  new NetlinkError({
    reason: new Kernel({
      errno: ENOENT,
      code: "ENOENT",
      text: "No such file or directory",
      extack: {
        message: `the kernel has no generic netlink family "${name}" (not built in, or its module not loaded)`
      },
      operation: `genl family ${name}`
    })
  })

const NAME_RE = /^[\x21-\x7e]{1,15}$/

/**
 * The generic netlink connection of the provided namespace, held for the
 * current scope.
 *
 * @example
 * ```ts
 * const conn = yield* Genl.connection
 * ```
 * @since 0.1.0
 */
export const connection: Effect.Effect<Connection.ConnectionShape, NetlinkError, Netlink | Scope.Scope> =
  Netlink.connection(NETLINK_GENERIC)

// Cached per Netlink service: one service is one namespace and its connections.
const caches = new WeakMap<NetlinkShape, Map<string, Family>>()
const cacheOf = (n: NetlinkShape): Map<string, Family> => {
  let c = caches.get(n)
  if (c === undefined) caches.set(n, (c = new Map()))
  return c
}

const lookup = (conn: Connection.ConnectionShape, name: string): Effect.Effect<Family, NetlinkError> =>
  conn
    .requestReply(
      buildMessage(GENL_ID_CTRL, 0, (w) => encodeGetfamilyRequest(w, { familyName: name })),
      decodeFamily,
      { operation: `genl family ${name}`, headerLength: 4 }
    )
    .pipe(
      Effect.catchIf(
        (e) => e.reason._tag === "Kernel" && e.reason.errno === ENOENT,
        () => Effect.fail(unknownFamily(name))
      )
    )

/**
 * Lists every generic netlink family the kernel offers (like
 * `genl ctrl list`), with versions, commands and multicast groups. Refreshes
 * the cache of resolved families.
 *
 * @example
 * ```ts
 * const names = (yield* Genl.families()).map((f) => f.name) // ["nlctrl", "wireguard", ...]
 * ```
 * @since 0.1.0
 */
export const families = operationOf(
  "Genl.families",
  (): Effect.Effect<ReadonlyArray<Family>, NetlinkError, Netlink> =>
    Effect.scoped(
      Effect.gen(function* () {
        const n = yield* Netlink
        const conn = yield* connection
        const all = yield* conn.dumpAll(
          buildMessage(GENL_ID_CTRL, NLM_F_DUMP, (w) => encodeGetfamilyRequest(w, {})),
          decodeFamily,
          { operation: "genl families", headerLength: 4 }
        )
        const cache = cacheOf(n)
        cache.clear()
        for (const f of all) cache.set(f.name, f)
        return all
      })
    )
)

/**
 * A family by name, resolved through nlctrl once per namespace and cached. A
 * family the kernel lacks fails with a Kernel (ENOENT) reason naming it.
 *
 * @example
 * ```ts
 * const wg = yield* Genl.family("wireguard") // { id: 30, name: "wireguard", version: 1, ... }
 * ```
 * @since 0.1.0
 */
export const family = operationOf(
  "Genl.family",
  (name: string): Effect.Effect<Family, NetlinkError, Netlink> =>
    NAME_RE.test(name)
      ? Effect.flatMap(
          Netlink.useSync((n) => n),
          (n: NetlinkShape) => {
            const hit = cacheOf(n).get(name)
            return hit !== undefined ? Effect.succeed(hit) : resolveFresh(n, name)
          }
        )
      : Effect.fail(
          invalid(
            "family",
            `a generic netlink family name is 1 to 15 printable characters, got ${JSON.stringify(name)}`
          )
        )
)

const resolveFresh = (n: NetlinkShape, name: string): Effect.Effect<Family, NetlinkError, Netlink> =>
  Effect.scoped(
    Effect.gen(function* () {
      const conn = yield* connection
      const f = yield* lookup(conn, name)
      cacheOf(n).set(name, f)
      return f
    })
  )

/**
 * The id of a family's multicast group, for subscribing to its events.
 *
 * @example
 * ```ts
 * const id = yield* Genl.groupId("nlctrl", "notify") // 16
 * ```
 * @since 0.1.0
 */
export const groupId = operationOf(
  "Genl.groupId",
  (familyName: string, group: string): Effect.Effect<number, NetlinkError, Netlink> =>
    Effect.flatMap(family(familyName), (f) => {
      const g = f.groups.find((x) => x.name === group)
      return g !== undefined
        ? Effect.succeed(g.id)
        : Effect.fail(
            invalid(
              "group",
              `generic netlink family ${familyName} has no multicast group "${group}" (it has: ${f.groups.map((x) => x.name).join(", ") || "none"})`
            )
          )
    })
)

/**
 * Runs `use` with the family resolved by name and the generic netlink
 * connection. When the kernel answers ENOENT or EOPNOTSUPP and the family,
 * resolved again, has a new id (it was unregistered and registered again),
 * `use` runs once more with the new one; with the id unchanged the first
 * failure stands (nothing is sent twice to the same family).
 *
 * @example
 * ```ts
 * const reply = yield* Genl.withFamily("wireguard", (f, conn) =>
 *   conn.dumpAll(buildMessage(f.id, NLM_F_DUMP, (w) => encodeGetDeviceRequest(w, { ifname: "wg0" })), decode))
 * ```
 * @since 0.1.0
 */
export const withFamily = <A>(
  name: string,
  use: (family: Family, conn: Connection.ConnectionShape) => Effect.Effect<A, NetlinkError>
): Effect.Effect<A, NetlinkError, Netlink> =>
  Effect.scoped(
    Effect.gen(function* () {
      const n = yield* Netlink
      const f = yield* family(name)
      const conn = yield* connection
      return yield* use(f, conn).pipe(
        Effect.catchIf(
          (e) => e.reason._tag === "Kernel" && (e.reason.errno === ENOENT || e.reason.errno === EOPNOTSUPP),
          (first) =>
            Effect.gen(function* () {
              cacheOf(n).delete(name)
              const again = yield* lookup(conn, name)
              cacheOf(n).set(name, again)
              if (again.id === f.id) return yield* Effect.fail(first)
              return yield* use(again, conn)
            })
        )
      )
    })
  )

/**
 * A family's attribute policies as the kernel validates them
 * (CTRL_CMD_GETPOLICY): each table maps attribute numbers to their
 * netlink_attribute_type (NL_ATTR_TYPE_U16 is 3, NL_ATTR_TYPE_U32 4, ...).
 * Tables are keyed by the kernel's policy index; nested sets are their own
 * tables. This is how to tell whether the running kernel accepts an
 * attribute newer than the family's version says.
 *
 * @example
 * ```ts
 * const tables = yield* Genl.policies("wireguard")
 * const knows = [...tables.values()].some((t) => t.get(1) === 3 && t.has(4))
 * ```
 * @since 0.1.0
 */
export const policies = operationOf(
  "Genl.policies",
  (name: string): Effect.Effect<ReadonlyMap<number, ReadonlyMap<number, number>>, NetlinkError, Netlink> =>
    withFamily(name, (f, conn) => {
      const tables = new Map<number, Map<number, number>>()
      const decode = (buf: Uint8Array, view: DataView, start: number, end: number): undefined => {
        const a = decodeGetfamilyReply(buf, view, start + NLMSG_HDRLEN, end)
        const p = a.policy
        if (p === undefined) return undefined
        // CTRL_ATTR_POLICY: nest(policy index) > nest(attribute) > NL_POLICY_TYPE_ATTR_*
        const dv = new DataView(p.buffer, p.byteOffset, p.byteLength)
        forEachAttr(dv, 0, p.length, (idx, s1, e1) => {
          const table = tables.get(idx) ?? new Map<number, number>()
          tables.set(idx, table)
          forEachAttr(dv, s1, e1, (attr, s2, e2) => {
            forEachAttr(dv, s2, e2, (t, s3, e3) => {
              if (t === 1 && e3 - s3 >= 4) table.set(attr, dv.getUint32(s3, true)) // NL_POLICY_TYPE_ATTR_TYPE
            })
          })
        })
        return undefined
      }
      return Effect.as(
        conn.dumpAll(
          buildMessage(GENL_ID_CTRL, NLM_F_DUMP, (w) => {
            w.u8(10) // CTRL_CMD_GETPOLICY
            w.u8(2)
            w.u16(0)
            w.attrU16(1, f.id) // CTRL_ATTR_FAMILY_ID
          }),
          decode,
          { operation: `genl policies ${name}`, headerLength: 4 }
        ),
        tables as ReadonlyMap<number, ReadonlyMap<number, number>>
      )
    })
)

const forEachAttr = (
  dv: DataView,
  start: number,
  end: number,
  f: (type: number, s: number, e: number) => void
) => {
  let off = start
  while (off + 4 <= end) {
    const len = dv.getUint16(off, true)
    if (len < 4 || off + len > end) return
    f(dv.getUint16(off + 2, true) & 0x3fff, off + 4, off + len)
    off += (len + 3) & ~3
  }
}

// ---------------------------------------------------------------------------
// multicast events

/**
 * One message a family sent to a multicast group: its command and version
 * (genlmsghdr) and the whole message (nlmsghdr included), for the family's
 * generated `decode<Op>Reply(message, view, 16, message.length)`.
 *
 * @since 0.3.0
 */
export interface Notification {
  readonly _tag: "Notification"
  readonly family: string
  readonly cmd: number
  readonly version: number
  readonly message: Uint8Array
}

/**
 * The socket's receive buffer overflowed: the kernel dropped notifications
 * before this point.
 *
 * @since 0.3.0
 */
export interface Overrun {
  readonly _tag: "Overrun"
}

const OVERRUN: Overrun = { _tag: "Overrun" }

/**
 * A family registered or unregistered, or one of its multicast groups added
 * or removed (nlctrl's `notify` group). `NewGroup`/`DelGroup` carry only the
 * group concerned in `family.groups`.
 *
 * @since 0.3.0
 */
export interface FamilyEvent {
  readonly _tag: "NewFamily" | "DelFamily" | "NewGroup" | "DelGroup"
  readonly family: Family
}

/**
 * Options of a multicast subscription.
 *
 * @since 0.3.0
 */
export interface SubscribeOptions {
  /** Receive buffer in bytes; default 8 MiB (SO_RCVBUFFORCE when privileged). */
  readonly receiveBuffer?: number
}

// NLMSG_NOOP, NLMSG_ERROR and NLMSG_DONE are 1 to 3; families' ids start at 16
const NLMSG_DONE = 3

/** The next batch of messages (at least one item), waiting without blocking the event loop. */
const pullFrom = <A>(
  reader: Reader,
  decode: (bytes: Uint8Array, view: DataView, start: number, end: number) => A | undefined,
  onOverrun: () => void
): Effect.Effect<ReadonlyArray<A | Overrun>, NetlinkError> =>
  Effect.suspend(function loop(): Effect.Effect<ReadonlyArray<A | Overrun>, NetlinkError> {
    const out: Array<A | Overrun> = []
    for (let item = reader.take(); item !== undefined; item = reader.take()) {
      if (item.bytes === undefined || item.view === undefined) {
        onOverrun()
        out.push(OVERRUN)
        continue
      }
      const view = item.view
      let off = item.start
      while (off + NLMSG_HDRLEN <= item.end) {
        const len = view.getUint32(off, true)
        if (len < NLMSG_HDRLEN || off + len > item.end) break
        const type = view.getUint16(off + 4, true)
        if (type > NLMSG_DONE) {
          const a = decode(item.bytes, view, off, off + len)
          if (a !== undefined) out.push(a)
        }
        off += (len + 3) & ~3
      }
    }
    if (out.length > 0) return Effect.succeed(out)
    if (reader.failure !== undefined) return Effect.fail(reader.failure)
    return Effect.flatMap(reader.wait, loop)
  })

/**
 * Joins a family's multicast groups (by name, resolved through nlctrl) and
 * returns their messages as a stream; the groups are joined before this
 * returns, so nothing sent after it is missed. The socket lives in the
 * namespace of the provided {@link Netlink} service and closes with the
 * scope. An overflowing receive buffer shows as an `Overrun` item.
 *
 * @example
 * ```ts
 * const events = yield* Genl.subscribe("netdev", ["mgmt"])
 * yield* Stream.runForEach(events, (n) => Effect.log(n._tag === "Notification" ? n.cmd : "overrun"))
 * ```
 * @since 0.3.0
 */
export const subscribe: (
  familyName: string,
  groups: ReadonlyArray<string>,
  options?: SubscribeOptions
) => Effect.Effect<Stream.Stream<Notification | Overrun, NetlinkError>, NetlinkError, Netlink | Scope.Scope> =
  operation(
    "Genl.subscribe",
    function* (familyName: string, groups: ReadonlyArray<string>, options: SubscribeOptions = {}) {
      return yield* subscribeWith(familyName, groups, options, (bytes, view, start, end) =>
        end - start < NLMSG_HDRLEN + 4
          ? undefined
          : {
              _tag: "Notification" as const,
              family: familyName,
              cmd: view.getUint8(start + NLMSG_HDRLEN),
              version: view.getUint8(start + NLMSG_HDRLEN + 1),
              message: bytes.slice(start, end)
            }
      )
    }
  )

/** The groups joined, then a stream of `decode`'s results (undefined: skipped) and overruns. */
const subscribeWith = <A>(
  familyName: string,
  groups: ReadonlyArray<string>,
  options: SubscribeOptions,
  decode: (bytes: Uint8Array, view: DataView, start: number, end: number) => A | undefined,
  onOverrun: () => void = () => {}
): Effect.Effect<Stream.Stream<A | Overrun, NetlinkError>, NetlinkError, Netlink | Scope.Scope> =>
  Effect.gen(function* () {
    if (!Array.isArray(groups) || groups.length === 0)
      return yield* Effect.fail(invalid("groups", "at least one multicast group name"))
    const rcvbuf = options.receiveBuffer ?? DEFAULT_RECEIVE_BUFFER
    if (!Number.isInteger(rcvbuf) || rcvbuf < 4096 || rcvbuf > 0x7fffffff)
      return yield* Effect.fail(invalid("receiveBuffer", `an integer from 4096 up, got ${rcvbuf}`))
    const n = yield* Netlink
    const ids: Array<number> = []
    for (const g of groups) ids.push(yield* groupId(familyName, g))
    const netns = n.namespace === undefined ? undefined : { path: yield* Namespace.pathEffect(n.namespace) }
    const socket = yield* Socket.open({ protocol: NETLINK_GENERIC, groups: ids, rcvbuf, netns })
    const reader = new Reader(socket, 0, rcvbuf, rcvbuf)
    yield* Effect.addFinalizer(() => Effect.sync(() => reader.close()))
    return Stream.flattenIterable(Stream.fromEffectRepeat(pullFrom(reader, decode, onOverrun)))
  })

const CTRL_CMD_NEWFAMILY = 1
const CTRL_CMD_DELFAMILY = 2
const CTRL_CMD_NEWMCAST_GRP = 7
const CTRL_CMD_DELMCAST_GRP = 8
const FAMILY_TAGS: Readonly<Record<number, FamilyEvent["_tag"]>> = {
  [CTRL_CMD_NEWFAMILY]: "NewFamily",
  [CTRL_CMD_DELFAMILY]: "DelFamily",
  [CTRL_CMD_NEWMCAST_GRP]: "NewGroup",
  [CTRL_CMD_DELMCAST_GRP]: "DelGroup"
}

/**
 * Family registrations as typed events (nlctrl's `notify` group: a module
 * loaded or unloaded, a family's groups changing). While the stream is
 * consumed it also keeps this namespace's family cache current: a family
 * unregistered is dropped from it, one registered again is cached with its
 * new id, and an overrun empties the cache (families resolve afresh).
 *
 * @example
 * ```ts
 * const events = yield* Genl.familyEvents()
 * // modprobe -r macsec; modprobe macsec
 * const [gone, back] = yield* Stream.runCollect(Stream.take(events, 2))
 * // gone: { _tag: "DelFamily", family: { name: "macsec", ... } }, back: { _tag: "NewFamily", ... }
 * ```
 * @since 0.3.0
 */
export const familyEvents: (
  options?: SubscribeOptions
) => Effect.Effect<Stream.Stream<FamilyEvent | Overrun, NetlinkError>, NetlinkError, Netlink | Scope.Scope> =
  operation("Genl.familyEvents", function* (options: SubscribeOptions = {}) {
    const cache = cacheOf(yield* Netlink)
    return yield* subscribeWith(
      "nlctrl",
      ["notify"],
      options,
      (bytes, view, start, end): FamilyEvent | undefined => {
        const tag = FAMILY_TAGS[view.getUint8(start + NLMSG_HDRLEN)]
        if (tag === undefined) return undefined
        const f = decodeFamily(bytes, view, start, end)
        if (tag === "NewFamily") cache.set(f.name, f)
        else cache.delete(f.name)
        return { _tag: tag, family: f }
      },
      () => cache.clear()
    )
  })
