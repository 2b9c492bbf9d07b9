/**
 * The bridge multicast database, as `bridge mdb` manages it: which ports of
 * a bridge receive a multicast group (IPv4, IPv6 or a link-layer group),
 * optionally per source (S, G) and VLAN, permanent or temporary, with an
 * IGMPv3/MLDv2 filter mode and source list; list, get, add, replace, remove.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Mdb, Netlink } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Mdb.add({ dev: "br0", port: "eth0", group: "239.1.1.1", state: "permanent" })
 *   // [{ dev: "br0", port: "eth0", group: "239.1.1.1", state: "permanent", protocol: "static", status: {...} }]
 *   return yield* Mdb.list({ dev: "br0" })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  type BrMdbEntry,
  decodeMdbMessage,
  encodeMdbSetMessage,
  type MdbaMdbEattrAttrs,
  MdbFlags,
  type MdbMessage,
  MdbMessageHeaderSize,
  MdbMessageTypes,
  MdbSetMessageMeta
} from "../generated/rt-mdb/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { ipToString, parseIp, parseMac } from "../runtime/Wire.ts"
import {
  AF_BRIDGE,
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  operation,
  validate
} from "./internal/Common.ts"
import { consistentDump } from "./internal/Consistent.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { flagNames } from "./internal/Names.ts"
import { type LinkRef, linkIndex, linkNames } from "./internal/Resolve.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Reads `bridge mdb add|del|replace` words into a {@link Mdb}.
 *
 * @example
 * ```ts
 * Mdb.parse("dev br0 port eth0 grp 239.1.1.1 permanent")
 * // { dev: "br0", port: "eth0", group: "239.1.1.1", state: "permanent" }
 * ```
 * @since 0.3.0
 */
export { parse } from "./parse/Mdb.ts"

/**
 * What the kernel reports about an entry by itself; equality ignores it.
 *
 * @example
 * ```ts
 * m.status?.timer // hundredths of a second left (temporary entries)
 * ```
 * @since 0.2.0
 */
export interface Status {
  /** The bridge's index. */
  readonly index: number
  /** The port's index. */
  readonly portIndex: number
  /** Time left in hundredths of a second (0 for permanent entries). */
  readonly timer?: number | undefined
  /** Flags the kernel sets: "offload", "fastLeave", "starExcl" (made for an EXCLUDE (*, G)), "blocked", ... */
  readonly flags: ReadonlyArray<string | number>
  /** Time left per source of the source list, by address. */
  readonly sourceTimers?: Readonly<Record<string, number>> | undefined
}

/**
 * One port's membership of a multicast group: what `list`/`get` return and
 * what `add`, `replace` and `remove` take.
 *
 * - `dev` is the bridge, `port` the port (or the bridge itself, for the
 *   host's own membership).
 * - `group`: an IPv4 or IPv6 multicast address, or a MAC address for an L2
 *   entry; `source` makes it an (S, G) entry; `vid` the VLAN.
 * - `state`: "temp" by default (as `bridge mdb add`: it ages out unless
 *   refreshed) or "permanent".
 * - `filterMode` and `sources`: an IGMPv3/MLDv2 (*, G) entry's filter mode
 *   and source list (bridges in IGMPv3/MLDv2 mode, kernel 6.3+); the
 *   kernel makes (S, G) entries for the sources by itself.
 * - `protocol`: who installed it ("static" by default, as the kernel does).
 *
 * @example
 * ```ts
 * const m: Mdb.Mdb = { dev: "br0", port: "eth0", group: "ff0e::1", state: "permanent", vid: 10 }
 * ```
 * @since 0.2.0
 */
export interface Mdb {
  readonly dev: LinkRef
  readonly port: LinkRef
  readonly group: string
  readonly source?: string | undefined
  readonly vid?: number | undefined
  readonly state?: "permanent" | "temp" | undefined
  readonly filterMode?: "include" | "exclude" | undefined
  readonly sources?: ReadonlyArray<string> | undefined
  readonly protocol?: string | number | undefined
  readonly status?: Status | undefined
}

/**
 * Which entries `list` returns: those of bridge `dev`, of `port`, in VLAN
 * `vid` (applied here, as entries arrive).
 *
 * @example
 * ```ts
 * const f: Mdb.Filter = { dev: "br0", port: "eth0" }
 * ```
 * @since 0.2.0
 */
export interface Filter {
  readonly dev?: LinkRef
  readonly port?: LinkRef
  readonly vid?: number
}

/**
 * Which entry `get` looks up: bridge, group, and optionally source and VLAN
 * (as `bridge mdb get dev BR grp GROUP [src SOURCE] [vid VID]`, kernel 6.5+).
 *
 * @example
 * ```ts
 * const q: Mdb.Query = { dev: "br0", group: "239.1.1.1" }
 * ```
 * @since 0.2.0
 */
export interface Query {
  readonly dev: LinkRef
  readonly group: string
  readonly source?: string | undefined
  readonly vid?: number | undefined
}

// ---------------------------------------------------------------------------
// names and schemas

const ETH_P_IP = 0x0800
const ETH_P_IPV6 = 0x86dd
const MCAST_EXCLUDE = 0
const MCAST_INCLUDE = 1
const RTPROT_STATIC = 4
const FLAG_NAMES: Readonly<Record<string, number>> = {
  offload: MdbFlags.offload,
  fastLeave: MdbFlags.fastLeave,
  starExcl: MdbFlags.starExcl,
  blocked: MdbFlags.blocked,
  offloadFailed: MdbFlags.offloadFailed
}

const DevRef = Schema.Union([Schema.String, Schema.Number])
const Group = Schema.Union([P.InetAddress, P.MacAddress])
const Vid = P.intBetween(P.U16, 1, 4094)
const ProtocolInput = Schema.Union([
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const n = Names.protocol.number(s)
        return (n !== undefined && n <= 0xff) || `"${s}" is not a protocol name (static, ...) or 0..255`
      },
      { expected: "a protocol name or number" }
    )
  ),
  P.U8
])

/**
 * The Schema of {@link Mdb}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Mdb.schema)({ dev: "br0", port: "eth0", group: "239.1.1.1" })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Mdb, any> = Schema.Struct({
  dev: DevRef,
  port: DevRef,
  group: Group,
  source: Schema.optional(P.InetAddress),
  vid: Schema.optional(Vid),
  state: Schema.optional(Schema.Literals(["permanent", "temp"])),
  filterMode: Schema.optional(Schema.Literals(["include", "exclude"])),
  sources: Schema.optional(Schema.Array(P.InetAddress)),
  protocol: Schema.optional(ProtocolInput),
  status: Schema.optional(
    Schema.Struct({
      index: P.U32,
      portIndex: P.U32,
      timer: Schema.optional(Schema.Number),
      flags: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
      sourceTimers: Schema.optional(Schema.Record(Schema.String, Schema.Number))
    })
  )
}) as any

const FilterSchema = Schema.Struct({
  dev: Schema.optionalKey(DevRef),
  port: Schema.optionalKey(DevRef),
  vid: Schema.optionalKey(Vid)
})
const QuerySchema: Schema.Codec<Query, any> = Schema.Struct({
  dev: DevRef,
  group: Group,
  source: Schema.optional(P.InetAddress),
  vid: Schema.optional(Vid)
}) as any

const RTM_NEWMDB = MdbMessageTypes.RTM_NEWMDB
const RTM_DELMDB = MdbMessageTypes.RTM_DELMDB
const RTM_GETMDB = MdbMessageTypes.RTM_GETMDB

// proto is __be16 in the struct; the generated codec reads the struct in host order
const swap16 = (v: number): number => ((v & 0xff) << 8) | (v >> 8)

const groupText = (e: BrMdbEntry): string => {
  const proto = swap16(e.proto)
  if (proto === ETH_P_IP) return ipToString(e.addr, 0, 4)
  if (proto === ETH_P_IPV6) return ipToString(e.addr, 0, 16)
  let s = ""
  for (let i = 0; i < 6; i++) s += (i === 0 ? "" : ":") + e.addr[i]!.toString(16).padStart(2, "0")
  return s
}

const groupBytes = (group: string): { readonly addr: Uint8Array; readonly proto: number } => {
  const addr = new Uint8Array(16)
  const ip = parseIp(group)
  if (ip !== undefined) {
    addr.set(ip)
    return { addr, proto: swap16(ip.length === 4 ? ETH_P_IP : ETH_P_IPV6) }
  }
  addr.set(parseMac(group) ?? new Uint8Array(6))
  return { addr, proto: 0 }
}

const flagCache = new Map<number, ReadonlyArray<string | number>>()
const kernelFlags = (bits: number): ReadonlyArray<string | number> => {
  let out = flagCache.get(bits)
  if (out === undefined) {
    out = Object.freeze(flagNames(bits, FLAG_NAMES))
    flagCache.set(bits, out)
  }
  return out
}

// ---------------------------------------------------------------------------
// the model

type Info = BrMdbEntry & MdbaMdbEattrAttrs

const fromInfo = (bridge: number, e: Info, names: (index: number) => string | number): Mdb => {
  const srcs = e.srcList?.entry
  let sourceTimers: Record<string, number> | undefined
  if (srcs !== undefined) {
    sourceTimers = {}
    for (const s of srcs) if (s.address !== undefined) sourceTimers[s.address] = s.timer ?? 0
  }
  return {
    dev: names(bridge),
    port: names(e.ifindex),
    group: groupText(e),
    source: e.source,
    vid: e.vid === 0 ? undefined : e.vid,
    state: e.state === 1 ? "permanent" : "temp",
    // an (S, G) entry is INCLUDE by nature: its mode is no setting
    filterMode:
      e.groupMode === undefined || e.source !== undefined
        ? undefined
        : e.groupMode === MCAST_INCLUDE
          ? "include"
          : "exclude",
    sources: srcs?.flatMap((s) => (s.address === undefined ? [] : [s.address])),
    protocol: e.rtprot === undefined ? undefined : Names.protocol.name(e.rtprot),
    status: {
      index: bridge,
      portIndex: e.ifindex,
      timer: e.timer,
      flags: kernelFlags(e.flags),
      sourceTimers
    }
  }
}

/**
 * The entries one decoded RTM_NEWMDB message describes; `names` gives a
 * device's name by index.
 *
 * @example
 * ```ts
 * const raw = yield* Mdb.listRaw()
 * raw.flatMap((m) => Mdb.fromMessage(m, (i) => i))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: MdbMessage, names: (index: number) => string | number): Array<Mdb> => {
  const out: Array<Mdb> = []
  for (const g of m.mdb?.entry ?? []) for (const e of g.info ?? []) out.push(fromInfo(m.ifindex, e, names))
  return out
}

const canonicalIp = (s: string): string => {
  const b = parseIp(s)
  return b === undefined ? s.toLowerCase() : ipToString(b, 0, b.length)
}

/**
 * The canonical form: state "temp", protocol "static" and (for an IP
 * (*, G) entry) filter mode "exclude" when none is given (as the kernel
 * applies), no filter mode on (S, G) and L2 entries, addresses in their
 * standard text, the source list sorted (empty dropped), status dropped.
 *
 * @example
 * ```ts
 * Mdb.canonical({ dev: "br0", port: "d0", group: "FF0E::1" }) // { dev: "br0", port: "d0", group: "ff0e::1", state: "temp", filterMode: "exclude", protocol: "static" }
 * ```
 * @since 0.2.0
 */
export const canonical = (m: Mdb): Mdb => {
  const out: { -readonly [K in keyof Mdb]: Mdb[K] } = {
    dev: m.dev,
    port: m.port,
    group: canonicalIp(m.group)
  }
  if (m.source !== undefined) out.source = canonicalIp(m.source)
  if (m.vid !== undefined) out.vid = m.vid
  out.state = m.state ?? "temp"
  // the kernel's mode of an IP (*, G) entry is EXCLUDE unless set; it reports it on
  // IGMPv3/MLDv2 bridges only
  if (m.source === undefined && parseIp(m.group) !== undefined) out.filterMode = m.filterMode ?? "exclude"
  if (m.sources !== undefined && m.sources.length > 0) out.sources = m.sources.map(canonicalIp).sort()
  out.protocol = Names.protocol.name(
    m.protocol === undefined ? RTPROT_STATIC : (Names.protocol.number(m.protocol) ?? RTPROT_STATIC)
  )
  return out
}

/**
 * Whether two entries have the same configuration (status ignored).
 *
 * @example
 * ```ts
 * Mdb.equals({ dev: "br0", port: "d0", group: "239.1.1.1" }, { dev: "br0", port: "d0", group: "239.1.1.1", state: "temp" }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Mdb, b: Mdb): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of an entry: bridge, port, group, source and VLAN.
 *
 * @example
 * ```ts
 * Mdb.key({ dev: "br0", port: "d0", group: "239.1.1.1" }) // "br0|d0|239.1.1.1||"
 * ```
 * @since 0.2.0
 */
export const key = (m: Mdb): string => {
  const c = canonical(m)
  return `${c.dev}|${c.port}|${c.group}|${c.source ?? ""}|${c.vid ?? ""}`
}

/**
 * The MDB entry object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Mdb.model.key(entry)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Mdb> = { name: "mdb", schema, key, equals, canonical }

// ---------------------------------------------------------------------------
// pure request builders

/** Device indexes an entry names, resolved. */
export interface Resolved {
  readonly bridge: number
  readonly port: number
}

const entryOf = (
  m: { readonly group: string; readonly vid?: number | undefined; readonly state?: string | undefined },
  port: number
): BrMdbEntry => {
  const { addr, proto } = groupBytes(m.group)
  return {
    ifindex: port,
    state: m.state === "permanent" ? 1 : 0,
    flags: 0,
    vid: m.vid ?? 0,
    addr,
    proto,
    pad: 0
  }
}

const setMessage = (type: number, flags: number, m: Mdb, r: Resolved, full: boolean): Uint8Array => {
  const attrs: Record<string, unknown> = {}
  if (m.source !== undefined) attrs.source = m.source
  if (full) {
    if (m.sources !== undefined && m.sources.length > 0)
      attrs.srcList = { entry: m.sources.map((address) => ({ address })) }
    if (m.filterMode !== undefined && m.source === undefined)
      attrs.groupMode = m.filterMode === "include" ? MCAST_INCLUDE : MCAST_EXCLUDE
    if (m.protocol !== undefined) attrs.rtprot = Names.protocol.number(m.protocol)
  }
  return buildMessage(type, flags, (w) =>
    encodeMdbSetMessage(w, {
      family: AF_BRIDGE,
      pad1: 0,
      pad2: 0,
      ifindex: r.bridge,
      entry: entryOf(m, r.port),
      ...(Object.keys(attrs).length > 0 ? { entryAttrs: attrs } : {})
    })
  )
}

/**
 * RTM_NEWMDB with NLM_F_CREATE|NLM_F_EXCL, as `bridge mdb add dev BR port
 * PORT grp GROUP [src SOURCE] [permanent|temp] [vid VID] [filter_mode MODE]
 * [source_list LIST] [proto PROTO]` sends.
 *
 * @example
 * ```ts
 * const bytes = Mdb.addRequest({ dev: "br0", port: "d0", group: "239.1.1.1", state: "permanent" }, { bridge: 2, port: 4 })
 * ```
 * @since 0.2.0
 */
export const addRequest = (m: Mdb, r: Resolved): Uint8Array =>
  setMessage(RTM_NEWMDB, NLM_F_CREATE | NLM_F_EXCL, m, r, true)

/**
 * RTM_NEWMDB with NLM_F_CREATE|NLM_F_REPLACE, as `bridge mdb replace` sends.
 *
 * @example
 * ```ts
 * const bytes = Mdb.replaceRequest({ dev: "br0", port: "d0", group: "239.1.1.1", state: "permanent" }, { bridge: 2, port: 4 })
 * ```
 * @since 0.2.0
 */
export const replaceRequest = (m: Mdb, r: Resolved): Uint8Array =>
  setMessage(RTM_NEWMDB, NLM_F_CREATE | NLM_F_REPLACE, m, r, true)

/**
 * RTM_DELMDB, as `bridge mdb del dev BR port PORT grp GROUP [src SOURCE]
 * [vid VID]` sends (state temporary, no filter attributes).
 *
 * @example
 * ```ts
 * const bytes = Mdb.removeRequest({ dev: "br0", port: "d0", group: "239.1.1.1" }, { bridge: 2, port: 4 })
 * ```
 * @since 0.2.0
 */
export const removeRequest = (m: Mdb, r: Resolved): Uint8Array =>
  setMessage(RTM_DELMDB, 0, { ...m, state: "temp" }, r, false)

/**
 * The RTM_GETMDB request of `get`: the group (port 0) and source on bridge
 * `bridge`.
 *
 * @example
 * ```ts
 * const bytes = Mdb.getRequest({ dev: "br0", group: "239.1.1.1" }, 2)
 * ```
 * @since 0.2.0
 */
export const getRequest = (q: Query, bridge: number): Uint8Array =>
  setMessage(
    RTM_GETMDB,
    0,
    { dev: q.dev, port: 0, group: q.group, source: q.source, vid: q.vid },
    { bridge, port: 0 },
    false
  )

/**
 * The dump request `bridge mdb show` sends.
 *
 * @example
 * ```ts
 * const bytes = Mdb.listRequest()
 * ```
 * @since 0.2.0
 */
export const listRequest = (): Uint8Array =>
  buildMessage(RTM_GETMDB, NLM_F_DUMP, (w) => {
    w.u8(AF_BRIDGE)
    w.u8(0)
    w.u16(0)
    w.u32(0)
  })

// ---------------------------------------------------------------------------
// operations

const options = (operation: string) => ({
  headerLength: MdbMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(MdbSetMessageMeta, t),
  operation
})

const prepare = (input: Mdb) =>
  Effect.gen(function* () {
    const m = yield* validate(schema, input)
    const bridge = yield* linkIndex(m.dev, "dev")
    const port = yield* linkIndex(m.port, "port")
    if (m.source !== undefined && parseIp(m.group) === undefined)
      return yield* Effect.fail(invalid("source", "an L2 group has no source"))
    if (m.source !== undefined && parseIp(m.source)!.length !== parseIp(m.group)!.length)
      return yield* Effect.fail(invalid("source", "the source and the group are of different families"))
    return { m, r: { bridge, port } }
  })

/**
 * Adds a port to a group, like `bridge mdb add`; fails with EEXIST if the
 * entry exists. A listed entry recreates itself.
 *
 * @example
 * ```ts
 * yield* Mdb.add({ dev: "br0", port: "eth0", group: "239.1.1.1", state: "permanent" })
 * ```
 * @since 0.2.0
 */
export const add = operation("Mdb.add", function* (input: Mdb) {
  const { m, r } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(addRequest(m, r), options("mdb add"))
})

/**
 * Adds or replaces an entry, like `bridge mdb replace` (kernel 6.3+).
 *
 * @example
 * ```ts
 * yield* Mdb.replace({ dev: "br0", port: "eth0", group: "239.1.1.1", state: "permanent", filterMode: "include", sources: ["10.0.0.1"] })
 * ```
 * @since 0.2.0
 */
export const replace = operation("Mdb.replace", function* (input: Mdb) {
  const { m, r } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(replaceRequest(m, r), options("mdb replace"))
})

/**
 * Removes a port from a group, like `bridge mdb del`. A listed entry
 * removes exactly itself.
 *
 * @example
 * ```ts
 * yield* Mdb.remove({ dev: "br0", port: "eth0", group: "239.1.1.1" })
 * ```
 * @since 0.2.0
 */
export const remove = operation("Mdb.remove", function* (input: Mdb) {
  const { m, r } = yield* prepare(input)
  const { route } = yield* Netlink
  yield* route.request(removeRequest(m, r), options("mdb remove"))
})

type Decode<A> = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => A | undefined

// A dump answers with RTM_GETMDB messages, a get with RTM_NEWMDB.
const decodeRaw: Decode<MdbMessage> = (buf, view, start, end, type) =>
  type === RTM_NEWMDB || type === RTM_GETMDB ? decodeMdbMessage(buf, view, start + 16, end) : undefined

const rawKey = (m: MdbMessage): string =>
  `${m.ifindex}|${(m.mdb?.entry ?? []).map((g) => (g.info ?? []).map((e) => `${e.ifindex}/${e.vid}/${e.addr.join(".")}/${e.source}`).join(",")).join(";")}`

const dumpRaw = (filter: Filter | undefined) =>
  Effect.gen(function* () {
    const f = yield* validate(FilterSchema, filter ?? {}, "")
    const bridge = f.dev === undefined ? undefined : yield* linkIndex(f.dev, "dev")
    const port = f.port === undefined ? undefined : yield* linkIndex(f.port, "port")
    const raw = yield* consistentDump(listRequest(), decodeRaw, rawKey, {
      ...options("mdb list"),
      retryInterrupted: 3
    })
    return { raw, bridge, port, vid: f.vid }
  })

/**
 * The multicast database of every bridge (or of `dev`), like `bridge -d
 * mdb show`, with devices by name.
 *
 * @example
 * ```ts
 * const groups = yield* Mdb.list({ dev: "br0" })
 * ```
 * @since 0.2.0
 */
export const list = operation("Mdb.list", function* (filter?: Filter) {
  const { raw, bridge, port, vid } = yield* dumpRaw(filter)
  const names = yield* linkNames
  const out: Array<Mdb> = []
  for (const m of raw) {
    if (bridge !== undefined && m.ifindex !== bridge) continue
    for (const e of fromMessage(m, names)) {
      if (port !== undefined && e.status!.portIndex !== port) continue
      if (vid !== undefined && e.vid !== vid) continue
      out.push(e)
    }
  }
  return out
})

/**
 * Like {@link list}, the decoded RTM_NEWMDB messages (one per bridge).
 *
 * @example
 * ```ts
 * const raw = yield* Mdb.listRaw()
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Mdb.listRaw", function* (filter?: Filter) {
  const { raw, bridge } = yield* dumpRaw(filter)
  return bridge === undefined ? raw : raw.filter((m) => m.ifindex === bridge)
})

/**
 * Like {@link list}, as a stream.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Mdb.stream({ dev: "br0" }), (m) => Effect.log(m.group))
 * ```
 * @since 0.2.0
 */
export const stream = (filter?: Filter): Stream.Stream<Mdb, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(list(filter))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Mdb.streamRaw(), (m) => Effect.log(m.ifindex))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (filter?: Filter): Stream.Stream<MdbMessage, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(listRaw(filter))

/**
 * The ports of one group, like `bridge mdb get dev BR grp GROUP [src
 * SOURCE] [vid VID]` (kernel 6.5+); fails with ENOENT when there is none.
 *
 * @example
 * ```ts
 * const ports = yield* Mdb.get({ dev: "br0", group: "239.1.1.1" })
 * ```
 * @since 0.2.0
 */
export const get = operation("Mdb.get", function* (query: Query) {
  const q = yield* validate(QuerySchema, query)
  const bridge = yield* linkIndex(q.dev, "dev")
  const { route } = yield* Netlink
  const names = yield* linkNames
  const m = yield* route.requestReply(getRequest(q, bridge), decodeRaw, options("mdb get"))
  return m === undefined ? [] : fromMessage(m, names)
})
