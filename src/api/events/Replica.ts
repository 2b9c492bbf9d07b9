import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { NLMSG_HDRLEN, NlmsghdrOffsets } from "../../generated/netlink/index.ts"
import { IfinfomsgOffsets, LinkMessageHeaderSize, NetDeviceFlags } from "../../generated/rt-link/index.ts"
import { NtfFlags } from "../../generated/rt-neigh/index.ts"
import { type RouteMessage, RtmFlags } from "../../generated/rt-route/index.ts"
import type * as Connection from "../../runtime/Connection.ts"
import * as NetlinkError from "../../runtime/NetlinkError.ts"
import { DecodeFailure, readString, toHex } from "../../runtime/Wire.ts"
import { buildMessage, NLM_F_REPLACE } from "../internal/Common.ts"
import { deepEqual, STATUS_KEYS } from "../internal/Model.ts"
import type { LinkNames } from "../internal/Resolve.ts"
import {
  DECODERS,
  DUMP,
  IS_DELETE,
  KIND_OF_TYPE,
  MAX_CHUNK,
  namesDevices,
  RESYNC_MAX_DELAY_MS,
  RTM_DELLINK,
  RTM_GETLINK,
  RTM_NEWLINK
} from "./Constants.ts"
import { equivalent, IDS, routeFibKey, routeTable, ruleTable } from "./Keys.ts"
import { MODELS } from "./Models.ts"
import type { Item, Reader } from "./Reader.ts"
import {
  type Change,
  emptyView,
  type Event,
  type Kind,
  type OverflowPolicy,
  type Overrun,
  perKind,
  type Resynced,
  type View
} from "./Types.ts"

const IFF_UP = NetDeviceFlags.up
const AF_INET6 = 10
const RTM_F_CLONED = RtmFlags.cloned
const NTF_PROXY = NtfFlags.proxy
const NLMSG_TYPE = NlmsghdrOffsets.type
const NLMSG_FLAGS = NlmsghdrOffsets.flags
// ifinfomsg fields, read straight from a link dump (after the nlmsghdr).
const IFI_INDEX = NLMSG_HDRLEN + IfinfomsgOffsets.index
const IFI_FLAGS = NLMSG_HDRLEN + IfinfomsgOffsets.flags
const IFLA_IFNAME = 3
const IFLA_EXT_MASK = 29
const RTEXT_FILTER_SKIP_STATS = 1 << 3
/** Names of deleted links kept for late events about their objects (at most this many). */
const GONE_MAX = 1024
/** Kinds the kernel empties without notifications when a link goes down or away. */
const LINK_FLUSHED: ReadonlyArray<Kind> = ["route", "neighbor", "nexthop"]
/** Kinds a link coming up or a tc change can change without notifications (default and child qdiscs). */
const TC: ReadonlyArray<Kind> = ["qdisc", "class"]

/** A kind as a dump found it: decoded messages by id, and the model objects made from the dump's bytes (see `dumpOne`). */
interface Fresh {
  readonly raws: Map<string, any>
  readonly made: Map<string, any> | undefined
  /** The names generation `made` was named with. */
  readonly naming: number
}

/** A message body's place in a datagram. */
interface Bytes {
  buf: Uint8Array
  view: DataView
  start: number
  end: number
}

/** A stream's options once validated and resolved (link names to indexes, tables to numbers). */
export interface Resolved {
  readonly kinds: ReadonlyArray<Kind>
  readonly families: ReadonlyArray<number>
  readonly link: number | undefined
  readonly linkName: string | undefined
  readonly table: number | undefined
  readonly overflow: OverflowPolicy
  readonly initial: boolean
  readonly resyncTimeoutMs: number
  /**
   * Whether the kernel reports, with RTM_DELROUTE, the single-path IPv6
   * routes a device going down takes along (net.ipv6.route.
   * skip_notify_on_dev_down is 0, read at subscribe); IPv4 never does.
   */
  readonly ipv6NotifiesDown?: boolean
}

/**
 * One object the view holds: its identity as the kernel tells objects apart
 * (`id`, from the message), its model key and object, the message it was
 * made from, and the names generation it was named with.
 */
class Entry {
  /** The next entry with the same model key (a model key coarser than the kernel's identity). */
  next: Entry | undefined = undefined
  readonly id: string
  readonly key: string
  readonly value: any
  readonly raw: any
  readonly naming: number
  constructor(id: string, key: string, value: any, raw: any, naming: number) {
    this.id = id
    this.key = key
    this.value = value
    this.raw = raw
    this.naming = naming
  }
}

export class Replica {
  readonly reader: Reader
  readonly dumper: Connection.ConnectionShape
  readonly options: Resolved
  /** Model objects by model key (the public view). */
  readonly view: View = emptyView()
  /** Per kind, how many times the view changed (Watch copies a kind only when it did). */
  readonly revisions: Record<Kind, number> = perKind(() => 0)
  /** Per kind, entries by kernel identity. */
  private readonly store: Record<Kind, Map<string, Entry>> = perKind(() => new Map())
  /** Per kind, the entry the view shows for a model key (head of its chain). */
  private readonly heads: Record<Kind, Map<string, Entry>> = perKind(() => new Map())
  /**
   * Route fib key → ids, for NLM_F_REPLACE notifications; built on the
   * first one that needs it (bursts of additions never pay for it).
   */
  private fibIndex: Map<string, Set<string>> | undefined

  /** ifindex → name, from the first link dump and kept current by link events. */
  private names = new Map<number, string>()
  /** Names of links deleted lately: events about their objects may follow the link's. */
  private readonly gone = new Map<number, string>()
  /** Bumped whenever an index's name changes: entries named before may name a device wrongly. */
  private naming = 0
  readonly linkNames: LinkNames = (i) => this.names.get(i) ?? this.gone.get(i) ?? i
  private renamed = false

  private indexRoute(id: string, v: RouteMessage): void {
    const index = this.fibIndex as Map<string, Set<string>>
    const fk = routeFibKey(v)
    let s = index.get(fk)
    if (s === undefined) index.set(fk, (s = new Set()))
    s.add(id)
  }

  private routeIndex(): Map<string, Set<string>> {
    if (this.fibIndex === undefined) {
      this.fibIndex = new Map()
      for (const [id, e] of this.store.route) this.indexRoute(id, e.raw)
    }
    return this.fibIndex
  }
  /** Per kind: datagrams up to this seq are covered by the last dump. */
  private readonly cut: Record<Kind, number> = perKind(() => 0)
  private minCut = 0
  private readonly tracked: Record<Kind, boolean>
  /** Whether link events matter when links are not watched (names, silent flushes). */
  private readonly needsLinks: boolean
  private readonly linkUp = new Map<number, boolean>()
  /** Kinds to re-read after this pull: the kernel changed them without telling. */
  private readonly flush = new Set<Kind>()
  resyncs = 0
  emitted = 0
  /**
   * How an interrupted re-dump is retried: back-off from 10 ms doubling up
   * to 1 s (the table is changing now; reading it again at once would be
   * interrupted again), for at most `resyncTimeoutMs`.
   */
  private readonly redump: Schedule.Schedule<Duration.Duration>

  constructor(reader: Reader, dumper: Connection.ConnectionShape, options: Resolved) {
    this.reader = reader
    this.dumper = dumper
    this.options = options
    this.redump = Schedule.exponential("10 millis").pipe(
      Schedule.modifyDelay(({ duration }) =>
        Effect.succeed(Duration.min(duration, Duration.millis(RESYNC_MAX_DELAY_MS)))
      ),
      Schedule.upTo({ duration: Duration.millis(options.resyncTimeoutMs) })
    )
    this.tracked = perKind((k) => options.kinds.includes(k))
    this.needsLinks = options.kinds.some(namesDevices)
  }

  // -- filters ---------------------------------------------------------------

  private accept(kind: Kind, v: any): boolean {
    const o = this.options
    switch (kind) {
      case "link":
        return v.family === 0 && (o.link === undefined || v.index === o.link)
      case "address":
        return o.families.includes(v.family) && (o.link === undefined || v.index === o.link)
      case "route":
        if (!o.families.includes(v.family) || (v.flags & RTM_F_CLONED) !== 0) return false
        if (o.table !== undefined && routeTable(v) !== o.table) return false
        if (o.link !== undefined) {
          if (v.oif === o.link || v.iif === o.link) return true
          return v.multipath?.some((nh: { ifindex: number }) => nh.ifindex === o.link) ?? false
        }
        return true
      case "neighbor":
        return (
          o.families.includes(v.family) &&
          (v.flags & NTF_PROXY) === 0 &&
          (o.link === undefined || v.ifindex === o.link)
        )
      case "rule":
        if (!o.families.includes(v.family)) return false
        if (o.table !== undefined && ruleTable(v) !== o.table) return false
        if (o.link !== undefined)
          return o.linkName !== undefined && (v.iifname === o.linkName || v.oifname === o.linkName)
        return true
      case "nexthop":
        // groups (and some blackholes) have no family of their own
        return (v.family === 0 || o.families.includes(v.family)) && (o.link === undefined || v.oif === o.link)
      case "qdisc":
      case "class":
        return o.link === undefined || v.ifindex === o.link
    }
  }

  // -- view maintenance --------------------------------------------------------

  private make(kind: Kind, id: string, raw: any): Entry {
    const m = MODELS[kind] as { from: (r: any, n: LinkNames) => any; listedKey: (v: any) => string }
    const value = m.from(raw, this.linkNames)
    return new Entry(id, m.listedKey(value), value, raw, this.naming)
  }

  /** The model object of a notification: from its bytes when the kind's module decodes them directly. */
  private valueOf(kind: Kind, raw: any, at: Bytes): any {
    const m = MODELS[kind] as {
      from: (r: any, n: LinkNames) => any
      fromBytes?: (b: Uint8Array, v: DataView, s: number, e: number, n: LinkNames) => any
    }
    return m.fromBytes !== undefined
      ? m.fromBytes(at.buf, at.view, at.start, at.end, this.linkNames)
      : m.from(raw, this.linkNames)
  }

  private makeAt(kind: Kind, id: string, raw: any, at: Bytes): Entry {
    const value = this.valueOf(kind, raw, at)
    return new Entry(id, (MODELS[kind].listedKey as (v: any) => string)(value), value, raw, this.naming)
  }

  /** Puts an entry in place of the one with its id; returns that one. */
  private put(kind: Kind, e: Entry): Entry | undefined {
    this.revisions[kind]++
    const store = this.store[kind]
    const prev = store.get(e.id)
    store.set(e.id, e)
    const heads = this.heads[kind]
    if (prev !== undefined && prev.key === e.key && heads.get(e.key) === prev) {
      // the common change: same key, shown by the view
      e.next = prev.next
      heads.set(e.key, e)
      ;(this.view[kind] as Map<string, unknown>).set(e.key, e.value)
      return prev
    }
    if (prev !== undefined) this.unlink(kind, prev)
    else if (kind === "route" && this.fibIndex !== undefined) this.indexRoute(e.id, e.raw)
    const head = heads.get(e.key)
    if (head === undefined) {
      heads.set(e.key, e)
      ;(this.view[kind] as Map<string, unknown>).set(e.key, e.value)
    } else {
      e.next = head.next
      head.next = e
    }
    return prev
  }

  /** Takes an entry out of its model key's chain (and the view, if it was shown there). */
  private unlink(kind: Kind, e: Entry): void {
    const heads = this.heads[kind]
    const view = this.view[kind] as Map<string, unknown>
    const head = heads.get(e.key)
    if (head === e) {
      if (e.next === undefined) {
        heads.delete(e.key)
        view.delete(e.key)
      } else {
        heads.set(e.key, e.next)
        view.set(e.key, e.next.value)
      }
    } else {
      for (let c = head; c !== undefined; c = c.next)
        if (c.next === e) {
          c.next = e.next
          break
        }
    }
    e.next = undefined
  }

  private remove(kind: Kind, id: string): Entry | undefined {
    const store = this.store[kind]
    const prev = store.get(id)
    if (prev === undefined) return undefined
    this.revisions[kind]++
    store.delete(id)
    this.unlink(kind, prev)
    if (kind === "route" && this.fibIndex !== undefined) {
      const fk = routeFibKey(prev.raw as RouteMessage)
      const s = this.fibIndex.get(fk)
      if (s !== undefined) {
        s.delete(id)
        if (s.size === 0) this.fibIndex.delete(fk)
      }
    }
    return prev
  }

  /** The events for `next` having replaced `prev` (same id): a new key is a delete and an add. */
  private replaced(kind: Kind, prev: Entry, next: Entry, synthetic: boolean, out: Array<Event>): void {
    if (prev.key !== next.key) {
      out.push({
        _tag: "Deleted",
        kind,
        key: prev.key,
        value: prev.value,
        raw: prev.raw,
        synthetic
      } as Change)
      out.push({ _tag: "New", kind, key: next.key, value: next.value, raw: next.raw, synthetic } as Change)
    } else
      out.push({
        _tag: "Changed",
        kind,
        key: next.key,
        value: next.value,
        raw: next.raw,
        previous: prev.value,
        synthetic
      } as Change)
  }

  // -- names -------------------------------------------------------------------

  private setName(index: number, name: string): void {
    const was = this.names.get(index) ?? this.gone.get(index)
    if (was !== undefined && was !== name) {
      this.naming++
      this.renamed = true
    }
    this.gone.delete(index)
    this.names.set(index, name)
  }

  private forget(index: number): void {
    const name = this.names.get(index)
    if (name === undefined) return
    this.names.delete(index)
    this.gone.set(index, name)
    if (this.gone.size > GONE_MAX) this.gone.delete(this.gone.keys().next().value as number)
  }

  /**
   * After a rename: objects of other kinds name devices by name, so each is
   * made again from its message; those that differ are emitted (synthetic).
   */
  private rename(out: Array<Event>): void {
    this.renamed = false
    for (const kind of this.options.kinds) {
      if (!namesDevices(kind)) continue
      for (const e of [...this.store[kind].values()]) {
        if (e.naming === this.naming) continue
        const n = this.make(kind, e.id, e.raw)
        if (n.key === e.key && deepEqual(n.value, e.value)) {
          this.put(kind, n)
          continue
        }
        this.put(kind, n)
        this.replaced(kind, e, n, true, out)
      }
    }
  }

  // -- live events -------------------------------------------------------------

  private onMessage(kind: Kind, type: number, flags: number, v: any, at: Bytes, out: Array<Event>): void {
    if (kind === "link" && v.family === 0) this.noteLink(type, v, out)
    if (!this.tracked[kind] || !this.accept(kind, v)) return
    const id = (IDS[kind] as (v: unknown) => string)(v)
    if (IS_DELETE[type] === true) {
      const prev = this.remove(kind, id)
      // Unknown: already removed (a resync saw it go) or never visible in a dump.
      if (prev === undefined) return
      // The children of a qdisc or class go with it without notifications.
      if (kind === "qdisc" || kind === "class") this.flushTc()
      const value = this.valueOf(kind, v, at)
      out.push({ _tag: "Deleted", kind, key: prev.key, value, raw: v, synthetic: false } as Change)
      return
    }
    if (kind === "route" && (flags & NLM_F_REPLACE) !== 0 && !this.store.route.has(id)) {
      const s = this.routeIndex().get(routeFibKey(v))
      if (s !== undefined && s.size > 0) {
        const old: string = s.values().next().value as string
        const prev = this.remove("route", old)
        if (prev !== undefined)
          out.push({
            _tag: "Deleted",
            kind: "route",
            key: prev.key,
            value: prev.value,
            raw: prev.raw,
            synthetic: false
          })
      }
    }
    const e = this.makeAt(kind, id, v, at)
    const prev = this.put(kind, e)
    if (prev === undefined) {
      // a new qdisc or class can replace default ones silently
      if (kind === "qdisc" || kind === "class") this.flushTc()
      out.push({ _tag: "New", kind, key: e.key, value: e.value, raw: v, synthetic: false } as Change)
    } else this.replaced(kind, prev, e, false, out)
  }

  private flushTc(): void {
    for (const k of TC) if (this.tracked[k]) this.flush.add(k)
  }

  private noteLink(type: number, l: any, out: Array<Event>): void {
    if (!this.needsLinks) return
    const index: number = l.index
    const was = this.linkUp.get(index)
    if (type === RTM_DELLINK) {
      this.linkUp.delete(index)
      // still named, by the names of deleted links, in the events that follow
      this.forget(index)
      this.flushDevice(index)
      // its qdiscs and classes go with it, without notifications
      for (const k of TC) if (this.tracked[k]) this.dropDevice(k, index, out)
      return
    }
    if (l.ifname !== undefined) this.setName(index, l.ifname)
    const up = (l.flags & IFF_UP) !== 0
    this.linkUp.set(index, up)
    if (up === was) return
    // down: routes, neighbours, nexthops go silently; up: default qdiscs may come
    if (!up && was === true) this.flushDevice(index)
    if (up) this.flushTc()
  }

  /**
   * A link went down or away: re-read the kinds the kernel empties silently,
   * those of them the view holds anything of that device in (nothing else
   * can have gone; a re-dump per link down would cost every link flap a
   * dump of every route).
   */
  private flushDevice(index: number): void {
    for (const k of LINK_FLUSHED)
      if (this.tracked[k] && !this.flush.has(k) && this.holds(k, index)) this.flush.add(k)
  }

  /** Whether the view holds an object of `kind` that the kernel may remove with device `index`. */
  private holds(kind: Kind, index: number): boolean {
    for (const e of this.store[kind].values()) {
      const r = e.raw
      switch (kind) {
        case "route":
          // a route through a nexthop object goes with it, wherever that is
          if (r.nhId !== undefined) return true
          // the kernel tells of these itself
          if (r.family === AF_INET6 && r.multipath === undefined && this.options.ipv6NotifiesDown === true)
            break
          if (r.oif === index || r.iif === index) return true
          if (r.multipath?.some((nh: { ifindex: number }) => nh.ifindex === index)) return true
          break
        case "neighbor":
          if (r.ifindex === index) return true
          break
        default:
          // nexthops: one on the device, or a group (its members may be)
          if (r.oif === index || r.group !== undefined) return true
      }
    }
    return false
  }

  /** Removes the objects of a deleted device (synthetic deletes). */
  private dropDevice(kind: Kind, index: number, out: Array<Event>): void {
    for (const [id, e] of [...this.store[kind]]) {
      if (e.raw.ifindex !== index) continue
      this.remove(kind, id)
      out.push({ _tag: "Deleted", kind, key: e.key, value: e.value, raw: e.raw, synthetic: true } as Change)
    }
  }

  /** Where the message being handled lies (one object, reused). */
  private readonly at: Bytes = {
    buf: new Uint8Array(0),
    view: new DataView(new ArrayBuffer(0)),
    start: 0,
    end: 0
  }

  private onDatagram(item: Item, out: Array<Event>): void {
    const buf = item.bytes as Uint8Array
    const view = item.view as DataView
    const n = item.end
    let off = item.start
    while (off + NLMSG_HDRLEN <= n) {
      const len = view.getUint32(off, true)
      if (len < NLMSG_HDRLEN || off + len > n)
        throw decodeError(
          buf.subarray(item.start, n),
          off - item.start,
          `nlmsg_len ${len} with ${n - off} bytes left`
        )
      const type = view.getUint16(off + NLMSG_TYPE, true)
      const kind = KIND_OF_TYPE[type]
      if (
        kind !== undefined &&
        item.seq > this.cut[kind] &&
        (this.tracked[kind] || kind === "link") &&
        // bridge port messages (AF_BRIDGE) are not watched, and their IFLA_AF_SPEC is not per family
        (kind !== "link" || view.getUint8(off + NLMSG_HDRLEN) === 0)
      ) {
        let v: unknown
        try {
          v = DECODERS[kind](buf, view, off + NLMSG_HDRLEN, off + len)
        } catch (e) {
          // Only malformed bytes are a decode error; anything else is a bug and dies.
          if (!(e instanceof DecodeFailure)) throw e
          throw decodeError(buf.subarray(item.start, n), off - item.start, e.message, off + len - item.start)
        }
        const at = this.at
        at.buf = buf
        at.view = view
        at.start = off + NLMSG_HDRLEN
        at.end = off + len
        this.onMessage(kind, type, view.getUint16(off + NLMSG_FLAGS, true), v, at, out)
      }
      off += (len + 3) & ~3
    }
  }

  // -- dumps and resync --------------------------------------------------------

  /**
   * Dumps `kind` into `into` (id → decoded message). With `made`, an object
   * the view does not already hold as it is now also gets its model object,
   * made from the dump's bytes where the kind's module decodes them directly
   * (`make` would re-encode the message); the resync's diff then remakes
   * nothing that did not change.
   */
  private dumpOne(kind: Kind, req: Uint8Array, into: Map<string, unknown>, made?: Map<string, unknown>) {
    const d = DUMP[kind]
    const decode = DECODERS[kind]
    const idOf = IDS[kind] as (v: unknown) => string
    const fromBytes = made === undefined ? undefined : MODELS[kind].fromBytes
    const store = this.store[kind]
    return this.dumper.dumpAll(
      req,
      (buf, view, start, end) => {
        const v = decode(buf, view, start + NLMSG_HDRLEN, end)
        if (!this.accept(kind, v)) return undefined
        const id = idOf(v)
        into.set(id, v)
        if (fromBytes !== undefined) {
          const prev = store.get(id)
          if (prev === undefined || prev.naming !== this.naming || !equivalent(prev.raw, v))
            (made as Map<string, unknown>).set(
              id,
              (fromBytes as (b: Uint8Array, v: DataView, s: number, e: number, n: LinkNames) => unknown)(
                buf,
                view,
                start + NLMSG_HDRLEN,
                end,
                this.linkNames
              )
            )
        }
        return undefined
      },
      { headerLength: d.header, operation: `${kind} dump`, timeout: 30_000 }
    )
  }

  private dumpKind(kind: Kind): Effect.Effect<Fresh, NetlinkError.NetlinkError> {
    const d = DUMP[kind]
    const m = new Map<string, unknown>()
    const made = new Map<string, unknown>()
    const fresh: Fresh = {
      raws: m,
      made: MODELS[kind].fromBytes === undefined ? undefined : made,
      naming: this.naming
    }
    if (kind !== "class")
      return Effect.as(
        this.dumpOne(
          kind,
          buildMessage(d.type, 0, (w) => w.zeros(d.header)),
          m,
          made
        ),
        fresh
      )
    // The kernel dumps the classes of the one device a request names: those
    // with a qdisc that can have classes (a qdisc dump says which).
    const qdiscs = new Map<string, any>()
    const q = DUMP.qdisc
    const request = this.dumpOne(
      "qdisc",
      buildMessage(q.type, 0, (w) => w.zeros(q.header)),
      qdiscs
    )
    return Effect.flatMap(request, () =>
      Effect.as(
        Effect.forEach(
          new Set([...qdiscs.values()].filter((x) => x.kind !== "noqueue").map((x) => x.ifindex as number)),
          (index) =>
            this.dumpOne(
              kind,
              buildMessage(d.type, 0, (w) => {
                w.u8(0)
                w.zeros(3)
                w.s32(index)
                w.zeros(d.header - 8)
              }),
              m,
              made
            ),
          { discard: true }
        ),
        fresh
      )
    )
  }

  /** Names and up state of every link, from a dump that decodes just those. */
  private readonly linkDump: Effect.Effect<
    Map<number, { name: string; up: boolean }>,
    NetlinkError.NetlinkError
  > = Effect.suspend(() => {
    const out = new Map<number, { name: string; up: boolean }>()
    return this.dumper
      .dumpAll(
        buildMessage(RTM_GETLINK, 0, (w) => {
          w.zeros(LinkMessageHeaderSize)
          w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
        }),
        (buf, view, start, end, type) => {
          if (type !== RTM_NEWLINK) return undefined
          const name = ifnameOf(buf, view, start, end)
          if (name !== undefined)
            out.set(view.getInt32(start + IFI_INDEX, true), {
              name,
              up: (view.getUint32(start + IFI_FLAGS, true) & IFF_UP) !== 0
            })
          return undefined
        },
        { headerLength: LinkMessageHeaderSize, operation: "link names", timeout: 30_000 }
      )
      .pipe(Effect.as(out))
  })

  /** Every link's name and up state as a dump says. */
  private setLinks(links: Iterable<readonly [number, string, boolean]>): void {
    const seen = new Set<number>()
    for (const [index, name, up] of links) {
      seen.add(index)
      this.setName(index, name)
      this.linkUp.set(index, up)
    }
    for (const index of [...this.names.keys()])
      if (!seen.has(index)) {
        this.forget(index)
        this.linkUp.delete(index)
      }
  }

  /**
   * Re-reads `which` from the kernel and returns the differences from the
   * view as synthetic events (the view then equals the dumps). Datagrams
   * received before each kind's dump was requested are skipped later.
   * `links`: also re-read link names first (when links are not watched).
   */
  resync(
    which: ReadonlyArray<Kind>,
    emit: boolean,
    links = false
  ): Effect.Effect<Array<Change>, NetlinkError.NetlinkError> {
    const self = this
    return Effect.gen(function* () {
      const fresh = new Map<Kind, Fresh>()
      let first = true
      if (links && self.needsLinks && (!self.tracked.link || self.options.link !== undefined)) {
        const attempt = Effect.suspend(() => {
          self.reader.drain()
          self.cut.link = self.reader.seq
          return self.linkDump
        })
        const got = yield* Effect.retry(attempt, { schedule: self.redump, while: isInterrupted })
        self.minCut = self.cut.link
        first = false
        self.setLinks([...got].map(([i, l]) => [i, l.name, l.up] as const))
      }
      for (const kind of which) {
        const attempt = Effect.suspend(() => {
          // Everything delivered before the dump request is reflected in the dump.
          self.reader.drain()
          self.cut[kind] = self.reader.seq
          return self.dumpKind(kind)
        })
        const dumped = yield* Effect.retry(attempt, {
          schedule: self.redump,
          while: isInterrupted
        })
        fresh.set(kind, dumped)
        const got = dumped.raws
        if (first) {
          // Losses up to here happened before every kind's (last) dump began.
          self.minCut = self.cut[kind]
          first = false
        }
        // Names first: the other kinds' objects (and the class dumps) use them.
        if (kind === "link" && self.options.link === undefined)
          self.setLinks(
            [...got.values()].map(
              (l) => [l.index, l.ifname ?? String(l.index), (l.flags & IFF_UP) !== 0] as const
            )
          )
        else if (kind === "link")
          for (const l of got.values()) {
            if (l.ifname !== undefined) self.setName(l.index, l.ifname)
            self.linkUp.set(l.index, (l.flags & IFF_UP) !== 0)
          }
      }
      self.resyncs++
      self.renamed = false
      const out: Array<Change> = []
      for (const kind of which) {
        const f = fresh.get(kind) as Fresh
        const next = f.raws
        // Objects made under names that changed since are made again.
        const made = f.naming === self.naming ? f.made : undefined
        const cur = self.store[kind]
        for (const [id, prev] of [...cur]) {
          if (!next.has(id)) {
            self.remove(kind, id)
            if (emit)
              out.push({
                _tag: "Deleted",
                kind,
                key: prev.key,
                value: prev.value,
                raw: prev.raw,
                synthetic: true
              } as Change)
          }
        }
        for (const [id, v] of next) {
          const prev = cur.get(id)
          const value = made?.get(id)
          // Unchanged (the dump made no object for it, or it is equivalent): the entry stays.
          if (
            prev !== undefined &&
            prev.naming === self.naming &&
            (made !== undefined ? value === undefined : equivalent(prev.raw, v))
          )
            continue
          const e =
            value !== undefined
              ? new Entry(id, (MODELS[kind].listedKey as (v: any) => string)(value), value, v, self.naming)
              : self.make(kind, id, v)
          self.put(kind, e)
          if (prev === undefined) {
            if (emit)
              out.push({ _tag: "New", kind, key: e.key, value: e.value, raw: v, synthetic: true } as Change)
          } else if (
            emit &&
            (prev.key !== e.key ||
              !equivalent(prev.raw, v) ||
              // named under other names: a device's name may have changed
              (prev.naming !== e.naming && !deepEqual(prev.value, e.value, STATUS_KEYS)))
          )
            self.replaced(kind, prev, e, true, out as Array<Event>)
        }
      }
      return out
    })
  }

  private marker(
    reason: Resynced["reason"],
    which: ReadonlyArray<Kind>,
    changes: ReadonlyArray<Change>
  ): Resynced {
    let added = 0
    let changed = 0
    let removed = 0
    for (const c of changes) {
      if (c._tag === "New") added++
      else if (c._tag === "Changed") changed++
      else removed++
    }
    return { _tag: "Resynced", reason, kinds: which, added, changed, removed }
  }

  // -- the pull ------------------------------------------------------------------

  private pending: Array<Event> = []

  readonly pull: Effect.Effect<readonly [Event, ...Array<Event>], NetlinkError.NetlinkError> = Effect.suspend(
    () => this.step()
  )

  private emit(out: Array<Event>): Effect.Effect<readonly [Event, ...Array<Event>]> {
    this.emitted += out.length
    return Effect.succeed(out as unknown as readonly [Event, ...Array<Event>])
  }

  /** Re-reads the kinds the kernel changed without telling (`flush`) and emits the differences. */
  private reread(
    out: Array<Event>
  ): Effect.Effect<readonly [Event, ...Array<Event>], NetlinkError.NetlinkError> {
    const which = this.options.kinds.filter((k) => this.flush.has(k))
    this.flush.clear()
    return Effect.flatMap(this.resync(which, true), (changes) => {
      if (changes.length > 0) {
        for (const c of changes) out.push(c)
        out.push(this.marker("flush", which, changes))
      }
      return out.length > 0 ? this.emit(out) : this.step()
    })
  }

  private step(): Effect.Effect<readonly [Event, ...Array<Event>], NetlinkError.NetlinkError> {
    if (this.pending.length > 0) {
      const out = this.pending
      this.pending = []
      return this.emit(out)
    }
    const out: Array<Event> = []
    const reader = this.reader
    for (;;) {
      const item = reader.take()
      if (item === undefined) break
      if (item.bytes === undefined) {
        // Losses before the last dump began are already repaired.
        if (item.seq <= this.minCut) continue
        const policy = this.options.overflow
        if (policy === "fail") return Effect.fail(NetlinkError.make(new NetlinkError.Overrun({})))
        const marker: Overrun = { _tag: "Overrun", source: "kernel" }
        if (policy === "marker") {
          out.push(marker)
          continue
        }
        out.push(marker)
        return Effect.flatMap(this.resync(this.options.kinds, true, true), (changes) => {
          for (const c of changes) out.push(c)
          out.push(this.marker("overrun", this.options.kinds, changes))
          this.flush.clear()
          return this.emit(out)
        })
      }
      try {
        this.onDatagram(item, out)
      } catch (e) {
        return e instanceof NetlinkError.NetlinkError ? Effect.fail(e) : Effect.die(e)
      }
      if (out.length >= MAX_CHUNK) break
    }
    if (this.renamed) this.rename(out)
    // In the same chunk as the event that caused it: a snapshot never shows
    // a device gone and its routes still there.
    if (this.flush.size > 0) return this.reread(out)
    if (out.length > 0) return this.emit(out)
    if (reader.failure !== undefined) return Effect.fail(reader.failure)
    return Effect.flatMap(reader.wait, () => this.step())
  }

  /** The initial dump: the view, plus `New` events when asked for. */
  start(): Effect.Effect<void, NetlinkError.NetlinkError> {
    return Effect.map(this.resync(this.options.kinds, this.options.initial, true), (changes) => {
      this.flush.clear()
      if (this.options.initial) {
        this.pending = [...changes, this.marker("initial", this.options.kinds, changes)]
      }
    })
  }
}

/** IFLA_IFNAME of an RTM_NEWLINK message at [start, end) (nlmsghdr included), or undefined. */
const ifnameOf = (buf: Uint8Array, view: DataView, start: number, end: number): string | undefined => {
  let off = start + NLMSG_HDRLEN + LinkMessageHeaderSize
  while (off + 4 <= end) {
    const len = view.getUint16(off, true)
    if (len < 4 || off + len > end) return undefined
    if ((view.getUint16(off + 2, true) & 0x3fff) === IFLA_IFNAME) return readString(buf, off + 4, off + len)
    off += (len + 3) & ~3
  }
  return undefined
}

export const isInterrupted = (e: NetlinkError.NetlinkError): boolean => e.reason._tag === "DumpInterrupted"

export const decodeError = (
  buf: Uint8Array,
  off: number,
  message: string,
  end?: number
): NetlinkError.NetlinkError =>
  NetlinkError.make(
    new NetlinkError.Decode({
      message,
      offset: off,
      bytes: toHex(buf.subarray(off, Math.min(end ?? buf.length, off + 256))),
      context: "event notification"
    })
  )
