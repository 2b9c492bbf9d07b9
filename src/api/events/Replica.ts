import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { NLMSG_HDRLEN, NlmsghdrOffsets } from "../../generated/netlink/index.ts"
import {
  IfinfomsgOffsets,
  type LinkMessage,
  LinkMessageHeaderSize,
  NetDeviceFlags
} from "../../generated/rt-link/index.ts"
import { NtfFlags } from "../../generated/rt-neigh/index.ts"
import { type RouteMessage, RtmFlags } from "../../generated/rt-route/index.ts"
import type * as Connection from "../../runtime/Connection.ts"
import * as NetlinkError from "../../runtime/NetlinkError.ts"
import { DecodeFailure, toHex } from "../../runtime/Wire.ts"
import { buildMessage, NLM_F_REPLACE } from "../internal/Common.ts"
import {
  DECODERS,
  DUMP,
  IS_DELETE,
  KIND_OF_TYPE,
  MAX_CHUNK,
  RESYNC_MAX_DELAY_MS,
  RTM_DELLINK,
  RTM_GETLINK
} from "./Constants.ts"
import { equivalent, KEYS, routeFibKey, routeTable, ruleTable } from "./Keys.ts"
import type { Item, Reader } from "./Reader.ts"
import {
  type Change,
  emptyView,
  type Event,
  type Kind,
  type OverflowPolicy,
  type Overrun,
  type Resynced,
  type View
} from "./Types.ts"

const IFF_UP = NetDeviceFlags.up
const RTM_F_CLONED = RtmFlags.cloned
const NTF_PROXY = NtfFlags.proxy
const NLMSG_TYPE = NlmsghdrOffsets.type
const NLMSG_FLAGS = NlmsghdrOffsets.flags
// ifinfomsg fields, read straight from a link dump (after the nlmsghdr).
const IFI_INDEX = NLMSG_HDRLEN + IfinfomsgOffsets.index
const IFI_FLAGS = NLMSG_HDRLEN + IfinfomsgOffsets.flags

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
}

export class Replica {
  readonly reader: Reader
  readonly dumper: Connection.ConnectionShape
  readonly options: Resolved
  readonly view: View = emptyView()
  /** Per kind, how many times the view changed (Watch copies a kind only when it did). */
  readonly revisions: Record<Kind, number> = { link: 0, address: 0, route: 0, neighbor: 0, rule: 0 }
  /**
   * Route fib key → full keys, for NLM_F_REPLACE notifications; built on the
   * first one that needs it (bursts of additions never pay for it).
   */
  private fibIndex: Map<string, Set<string>> | undefined

  private indexRoute(k: string, v: RouteMessage): void {
    const index = this.fibIndex as Map<string, Set<string>>
    const fk = routeFibKey(v)
    let s = index.get(fk)
    if (s === undefined) index.set(fk, (s = new Set()))
    s.add(k)
  }

  private routeIndex(): Map<string, Set<string>> {
    if (this.fibIndex === undefined) {
      this.fibIndex = new Map()
      for (const [k, v] of this.view.route) this.indexRoute(k, v)
    }
    return this.fibIndex
  }
  /** Per kind: datagrams up to this seq are covered by the last dump. */
  private readonly cut: Record<Kind, number> = { link: 0, address: 0, route: 0, neighbor: 0, rule: 0 }
  private minCut = 0
  private readonly tracked: Record<Kind, boolean>
  private readonly linkUp = new Map<number, boolean>()
  private flushPending = false
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
    this.tracked = {
      link: options.kinds.includes("link"),
      address: options.kinds.includes("address"),
      route: options.kinds.includes("route"),
      neighbor: options.kinds.includes("neighbor"),
      rule: options.kinds.includes("rule")
    }
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
    }
  }

  // -- view maintenance --------------------------------------------------------

  private set(kind: Kind, k: string, v: any): any {
    this.revisions[kind]++
    const map = this.view[kind] as Map<string, unknown>
    const prev = map.get(k)
    map.set(k, v)
    if (kind === "route" && prev === undefined && this.fibIndex !== undefined) this.indexRoute(k, v)
    return prev
  }

  private remove(kind: Kind, k: string): any {
    const map = this.view[kind] as Map<string, unknown>
    const prev = map.get(k)
    if (prev === undefined) return undefined
    this.revisions[kind]++
    map.delete(k)
    if (kind === "route" && this.fibIndex !== undefined) {
      const fk = routeFibKey(prev as RouteMessage)
      const s = this.fibIndex.get(fk)
      if (s !== undefined) {
        s.delete(k)
        if (s.size === 0) this.fibIndex.delete(fk)
      }
    }
    return prev
  }

  // -- live events -------------------------------------------------------------

  private onMessage(kind: Kind, type: number, flags: number, v: any, out: Array<Event>): void {
    if (kind === "link" && v.family === 0) this.noteLink(type, v)
    if (!this.tracked[kind] || !this.accept(kind, v)) return
    const k = KEYS[kind](v)
    if (IS_DELETE[type] === true) {
      const prev = this.remove(kind, k)
      // Unknown: already removed (a resync saw it go) or never visible in a dump.
      if (prev === undefined) return
      out.push({ _tag: "Deleted", kind, key: k, value: v, synthetic: false } as Change)
      return
    }
    if (kind === "route" && (flags & NLM_F_REPLACE) !== 0 && !this.view.route.has(k)) {
      const s = this.routeIndex().get(routeFibKey(v))
      if (s !== undefined && s.size > 0) {
        const old: string = s.values().next().value as string
        const prev = this.remove("route", old)
        if (prev !== undefined)
          out.push({ _tag: "Deleted", kind: "route", key: old, value: prev, synthetic: false })
      }
    }
    const prev = this.set(kind, k, v)
    out.push(
      (prev === undefined
        ? { _tag: "New", kind, key: k, value: v, synthetic: false }
        : { _tag: "Changed", kind, key: k, value: v, previous: prev, synthetic: false }) as Change
    )
  }

  private noteLink(type: number, l: LinkMessage): void {
    if (!this.tracked.route && !this.tracked.neighbor) return
    const was = this.linkUp.get(l.index)
    if (type === RTM_DELLINK) {
      this.linkUp.delete(l.index)
      if (was !== false) this.flushPending = true
      return
    }
    const up = (l.flags & IFF_UP) !== 0
    this.linkUp.set(l.index, up)
    if (!up && was === true) this.flushPending = true
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
      if (kind !== undefined && item.seq > this.cut[kind]) {
        let v: unknown
        try {
          v = DECODERS[kind](buf, view, off + NLMSG_HDRLEN, off + len)
        } catch (e) {
          // Only malformed bytes are a decode error; anything else is a bug and dies.
          if (!(e instanceof DecodeFailure)) throw e
          throw decodeError(buf.subarray(item.start, n), off - item.start, e.message, off + len - item.start)
        }
        this.onMessage(kind, type, view.getUint16(off + NLMSG_FLAGS, true), v, out)
      }
      off += (len + 3) & ~3
    }
  }

  // -- dumps and resync --------------------------------------------------------

  private dumpKind(kind: Kind): Effect.Effect<Map<string, unknown>, NetlinkError.NetlinkError> {
    const d = DUMP[kind]
    const decode = DECODERS[kind]
    const keyOf = KEYS[kind] as (v: unknown) => string
    const reqs = [buildMessage(d.type, 0, (w) => w.zeros(d.header))]
    return Effect.map(
      Effect.forEach(reqs, (req) =>
        this.dumper.dumpAll(
          req,
          (buf, view, start, end) => {
            const v = decode(buf, view, start + NLMSG_HDRLEN, end)
            return this.accept(kind, v) ? v : undefined
          },
          { headerLength: d.header, operation: `${kind} dump`, timeout: 30_000 }
        )
      ),
      (lists) => {
        const m = new Map<string, unknown>()
        for (const list of lists) for (const v of list) m.set(keyOf(v), v)
        return m
      }
    )
  }

  /**
   * Re-reads `which` from the kernel and returns the differences from the
   * view as synthetic events (the view then equals the dumps). Datagrams
   * received before each kind's dump was requested are skipped later.
   */
  resync(which: ReadonlyArray<Kind>, emit: boolean): Effect.Effect<Array<Change>, NetlinkError.NetlinkError> {
    const self = this
    return Effect.gen(function* () {
      const fresh = new Map<Kind, Map<string, unknown>>()
      let first = true
      for (const kind of which) {
        const attempt = Effect.suspend(() => {
          // Everything delivered before the dump request is reflected in the dump.
          self.reader.drain()
          self.cut[kind] = self.reader.seq
          return self.dumpKind(kind)
        })
        fresh.set(kind, yield* Effect.retry(attempt, { schedule: self.redump, while: isInterrupted }))
        if (first) {
          // Losses up to here happened before every kind's (last) dump began.
          self.minCut = self.cut[kind]
          first = false
        }
      }
      self.resyncs++
      const out: Array<Change> = []
      for (const kind of which) {
        const next = fresh.get(kind) as Map<string, any>
        const cur = self.view[kind] as Map<string, any>
        for (const [k, prev] of [...cur]) {
          if (!next.has(k)) {
            self.remove(kind, k)
            if (emit) out.push({ _tag: "Deleted", kind, key: k, value: prev, synthetic: true } as Change)
          }
        }
        for (const [k, v] of next) {
          const prev = cur.get(k)
          if (prev === undefined) {
            self.set(kind, k, v)
            if (emit) out.push({ _tag: "New", kind, key: k, value: v, synthetic: true } as Change)
          } else {
            self.set(kind, k, v)
            if (emit && !equivalent(prev, v))
              out.push({ _tag: "Changed", kind, key: k, value: v, previous: prev, synthetic: true } as Change)
          }
        }
        if (kind === "link") {
          for (const l of next.values()) self.linkUp.set(l.index, (l.flags & IFF_UP) !== 0)
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
        return Effect.flatMap(this.resync(this.options.kinds, true), (changes) => {
          for (const c of changes) out.push(c)
          out.push(this.marker("overrun", this.options.kinds, changes))
          this.flushPending = false
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
    if (this.flushPending) {
      this.flushPending = false
      const which = this.options.kinds.filter((k) => k === "route" || k === "neighbor")
      return Effect.flatMap(this.resync(which, true), (changes) => {
        if (changes.length > 0) {
          for (const c of changes) out.push(c)
          out.push(this.marker("flush", which, changes))
        }
        return out.length > 0 ? this.emit(out) : this.step()
      })
    }
    if (out.length > 0) return this.emit(out)
    if (reader.failure !== undefined) return Effect.fail(reader.failure)
    return Effect.flatMap(reader.wait, () => this.step())
  }

  /** The initial dump: the view, plus `New` events when asked for. */
  start(): Effect.Effect<void, NetlinkError.NetlinkError> {
    // Which links are up, to notice the ones that go down (silent route flushes).
    const links =
      !this.tracked.link && (this.tracked.route || this.tracked.neighbor)
        ? this.dumper
            .dumpAll(
              buildMessage(RTM_GETLINK, 0, (w) => w.zeros(LinkMessageHeaderSize)),
              (_buf, view, start) => {
                this.linkUp.set(
                  view.getInt32(start + IFI_INDEX, true),
                  (view.getUint32(start + IFI_FLAGS, true) & IFF_UP) !== 0
                )
                return undefined
              }
            )
            .pipe(Effect.retry({ schedule: this.redump, while: isInterrupted }), Effect.asVoid)
        : Effect.void
    return Effect.andThen(
      links,
      Effect.map(this.resync(this.options.kinds, this.options.initial), (changes) => {
        if (this.options.initial) {
          this.pending = [...changes, this.marker("initial", this.options.kinds, changes)]
        }
      })
    )
  }
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
