/**
 * What qdiscs and classes share: the object shape (dev, parent, handle or
 * classid, kind, options; statistics under `status`), validation through the
 * kind descriptors, requests as `tc` builds them, dumps into model objects.
 * Qdisc.ts and Class.ts are this engine bound to their message types.
 * Internal.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import {
  decodeQdiscMessage,
  encodeQdiscMessage,
  type QdiscMessage,
  QdiscMessageMeta,
  TcmsgSize
} from "../../generated/tc/index.ts"
import { describePath } from "../../runtime/Describe.ts"
import * as NetlinkErrors from "../../runtime/NetlinkError.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import * as P from "../../runtime/Primitives.ts"
import { DecodeFailure, Writer } from "../../runtime/Wire.ts"
import {
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  validate
} from "../internal/Common.ts"
import { deepEqual, onlyWhenBoth, optionsOnlyWhenBoth } from "../internal/Model.ts"
import { type LinkNames, linkIndex, linkNamesOf } from "../internal/Resolve.ts"
import { Netlink } from "../Netlink.ts"
import * as Handle from "./Handle.ts"
import type { AnyTcKind } from "./TcKind.ts"

/**
 * Counters the kernel keeps for a qdisc or class (TCA_STATS2): bytes and
 * packets (64-bit), the queue (qlen, backlog, drops, requeues, overlimits)
 * and the rate estimator (bytes and packets per second; 0 without one).
 *
 * @example
 * ```ts
 * qdisc.status?.stats.bytes // 1234n
 * ```
 * @since 0.3.0
 */
export interface Stats {
  readonly bytes: bigint
  readonly packets: bigint
  readonly qlen: number
  readonly backlog: number
  readonly drops: number
  readonly requeues: number
  readonly overlimits: number
  readonly bps: bigint
  readonly pps: bigint
}

/**
 * What the kernel reports by itself about a qdisc or class: statistics,
 * the kind's statistics (`xstats`, e.g. htb's lends/borrows/tokens) and
 * the kind's reported state (htb's level and direct packets).
 *
 * @example
 * ```ts
 * cls.status?.xstats // { lends: 0, borrows: 0, giants: 0, tokens: 1250000, ctokens: 1250000 }
 * ```
 * @since 0.3.0
 */
export interface Status {
  readonly stats: Stats
  readonly xstats?: object | undefined
  readonly kind?: object | undefined
}

/** The object shape both share; `id` is "handle" (qdiscs) or "classid" (classes). */
export interface TcObject {
  readonly dev: string | number
  readonly parent?: Handle.Handle | undefined
  readonly handle?: Handle.Handle | undefined
  readonly classid?: Handle.Handle | undefined
  readonly kind: string
  readonly options?: object | undefined
  readonly status?: Status | undefined
}

export interface Config {
  readonly name: "qdisc" | "class"
  readonly id: "handle" | "classid"
  readonly kinds: ReadonlyArray<AnyTcKind>
  readonly types: { readonly add: number; readonly del: number; readonly get: number }
  /** Fields of the object beside the engine's (qdiscs: the shared blocks). */
  readonly extraFields?: Schema.Struct.Fields
}

const NLM_F_ECHO = 0x08
const Dev = Schema.Union([P.DeviceName, Schema.Number])
const AnyStatus = Schema.optional(Schema.Any)

const REQUIRED = (k: AnyTcKind): boolean =>
  Object.values(k.fields).some((f: any) => !(f?.ast?.context?.isOptional === true))

/** The object Schema: one member per kind. */
export const schemaOf = (c: Config): Schema.Codec<TcObject, any> =>
  Schema.Union(
    c.kinds.map((k) =>
      Schema.Struct({
        dev: Dev,
        parent: Schema.optional(Handle.schema),
        [c.id]: c.id === "classid" ? Handle.schema : Schema.optional(Handle.schema),
        kind: Schema.Literal(k.kind),
        options: REQUIRED(k) ? Schema.Struct(k.fields) : Schema.optional(Schema.Struct(k.fields)),
        ...c.extraFields,
        status: AnyStatus
      })
    )
  ) as any

const STATS_ZERO: Stats = {
  bytes: 0n,
  packets: 0n,
  qlen: 0,
  backlog: 0,
  drops: 0,
  requeues: 0,
  overlimits: 0,
  bps: 0n,
  pps: 0n
}

const statsOf = (m: QdiscMessage): Stats => {
  const s = m.stats2
  if (s === undefined) {
    const o = m.stats
    return o === undefined
      ? STATS_ZERO
      : {
          bytes: o.bytes,
          packets: BigInt(o.packets),
          qlen: o.qlen,
          backlog: o.backlog,
          drops: o.drops,
          requeues: 0,
          overlimits: o.overlimits,
          bps: BigInt(o.bps),
          pps: BigInt(o.pps)
        }
  }
  const q = s.queue
  return {
    bytes: s.basic?.bytes ?? 0n,
    packets: s.pkt64 ?? BigInt(s.basic?.packets ?? 0),
    qlen: q?.qlen ?? 0,
    backlog: q?.backlog ?? 0,
    drops: q?.drops ?? 0,
    requeues: q?.requeues ?? 0,
    overlimits: q?.overlimits ?? 0,
    bps: s.rateEst64?.bps ?? BigInt(s.rateEst?.bps ?? 0),
    pps: s.rateEst64?.pps ?? BigInt(s.rateEst?.pps ?? 0)
  }
}

const TCA_OPTIONS = 2
const NLA_F_NESTED = 0x8000

// sets NLA_F_NESTED on the TCA_OPTIONS of a built request (kinds the kernel parses strictly)
const flagOptionsNested = (msg: Uint8Array): void => {
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength)
  for (let off = 16 + TcmsgSize; off + 4 <= msg.length; ) {
    const len = v.getUint16(off, true)
    if (len < 4) return
    if ((v.getUint16(off + 2, true) & 0x3fff) === TCA_OPTIONS) {
      v.setUint16(off + 2, TCA_OPTIONS | NLA_F_NESTED, true)
      return
    }
    off += (len + 3) & ~3
  }
}

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength)

/** A kind's data from TCA_OPTIONS, or undefined when it does not parse as that kind. */
const dataOf = (k: AnyTcKind, bytes: Uint8Array | undefined): unknown => {
  if (bytes === undefined) return undefined
  try {
    return k.decode(bytes, viewOf(bytes), 0, bytes.length)
  } catch (e) {
    if (e instanceof DecodeFailure) return undefined
    throw e
  }
}

/** The error with its operation retold (what a multi-request write did); other reasons stay as they are. */
const retold = (e: NetlinkError, operation: string): NetlinkError =>
  e.reason._tag === "Kernel" ? NetlinkErrors.make(new NetlinkErrors.Kernel({ ...e.reason, operation })) : e

export const make = (c: Config) => {
  const byKind = new Map(c.kinds.map((k) => [k.kind, k]))
  const schema = schemaOf(c)
  const isClass = c.id === "classid"

  const fromMessage = (m: QdiscMessage, names?: LinkNames): TcObject => {
    const k = m.kind === undefined ? undefined : byKind.get(m.kind)
    let options: object | undefined
    let kindStatus: object | undefined
    let xstats: object | undefined
    if (k !== undefined) {
      const data = dataOf(k, m.options)
      options = k.fromKernel(data, names ?? ((i: number) => i))
      if (data !== undefined && k.status !== undefined) kindStatus = k.status(data)
      const x = m.stats2?.app ?? m.xstats
      if (x !== undefined && k.xstats !== undefined) {
        try {
          xstats = k.xstats(x, viewOf(x), 0, x.length)
        } catch (e) {
          if (!(e instanceof DecodeFailure)) throw e
        }
      }
    }
    const status: Status = { stats: statsOf(m), xstats, kind: kindStatus }
    const out: any = {
      dev: names === undefined ? m.ifindex : names(m.ifindex),
      parent: Handle.format(m.parent)
    }
    out[c.id] = Handle.format(m.handle)
    out.kind = m.kind ?? ""
    if (options !== undefined && Object.keys(options).length > 0) out.options = options
    out.status = status
    return out
  }

  const parentOf = (o: TcObject): number => {
    const k = byKind.get(o.kind)
    if (k?.fixed !== undefined) return k.fixed.parent
    if (o.parent !== undefined) return Handle.parse(o.parent)!
    return isClass ? 0 : Handle.ROOT
  }

  const idOf = (o: TcObject): number | undefined => {
    const k = byKind.get(o.kind)
    if (k?.fixed !== undefined) return k.fixed.handle
    const v = o[c.id]
    return v === undefined ? undefined : Handle.parse(v)
  }

  /** The canonical parent: a class right under its qdisc reads back as "root". */
  const canonicalParent = (o: TcObject): string => {
    const p = parentOf(o)
    const id = idOf(o)
    if (isClass && id !== undefined && (p === 0 || p === (Handle.major(id) << 16) >>> 0)) return "root"
    return Handle.format(p)
  }

  const canonical = (o: TcObject): TcObject => {
    const k = byKind.get(o.kind)
    const out: any = { dev: o.dev, parent: canonicalParent(o) }
    const id = idOf(o)
    if (id !== undefined) out[c.id] = Handle.format(id)
    out.kind = o.kind
    const options = k === undefined ? o.options : k.canonical((o.options ?? {}) as any)
    if (options !== undefined && Object.keys(options).length > 0) out.options = options
    return out
  }

  const equals = (a: TcObject, b: TcObject): boolean => {
    const ca: any = canonical(a)
    const cb: any = canonical(b)
    // a qdisc without a handle gets one from the kernel: compare it only when both give it
    onlyWhenBoth(ca, cb, [c.id])
    optionsOnlyWhenBoth(ca, cb, byKind.get(ca.kind)?.kernelChosen)
    return deepEqual(ca, cb)
  }

  const key = (o: TcObject): string => {
    const ca = canonical(o)
    return isClass ? `${ca.dev}|${ca.classid}` : `${ca.dev}|${ca.parent}`
  }

  /** The message for a validated object with its device resolved. */
  const toMessage = (o: TcObject, ifindex: number, withOptions: boolean): QdiscMessage => {
    const k = byKind.get(o.kind)
    const m: { -readonly [K in keyof QdiscMessage]: QdiscMessage[K] } = {
      family: 0,
      ifindex,
      handle: idOf(o) ?? 0,
      parent: parentOf(o),
      info: 0
    }
    if (withOptions) {
      m.kind = o.kind
      const data = k?.toKernel((o.options ?? {}) as any, {})
      if (k !== undefined && data !== undefined) {
        const w = new Writer(2048)
        k.encode(w, data)
        m.options = w.finish()
      }
    }
    return m
  }

  const build = (type: number, flags: number, m: QdiscMessage): Uint8Array => {
    const out = buildMessage(type, flags, (w) => encodeQdiscMessage(w, m))
    if (m.options !== undefined && m.kind !== undefined && byKind.get(m.kind)?.nestedOptions === true)
      flagOptionsNested(out)
    return out
  }

  const requestOptions = (operation: string) => ({
    headerLength: TcmsgSize,
    describePath: (t: ReadonlyArray<number>) => describePath(QdiscMessageMeta, t),
    operation
  })

  /** Validates an object: the Schema of its kind, then the kind's own rules. */
  const check = (input: TcObject): Effect.Effect<TcObject, NetlinkError> =>
    Effect.flatMap(validate(schema, input), (o) => {
      const k = byKind.get(o.kind)
      const problem = k?.check?.((o.options ?? {}) as any)
      return problem === undefined
        ? Effect.succeed(o)
        : Effect.fail(invalid(`options.${problem[0]}`, problem[1]))
    })

  const prepare = (input: TcObject, withOptions: boolean) =>
    Effect.gen(function* () {
      const o = yield* check(input)
      const ifindex = yield* linkIndex(o.dev)
      return toMessage(o, ifindex, withOptions)
    })

  /** The kind's follow-up requests for a written message: changes of the object it made. */
  const followUps = (
    o: TcObject,
    m: QdiscMessage
  ): Array<{ readonly what: string; readonly message: QdiscMessage }> => {
    const k = byKind.get(o.kind)
    if (k?.followUps === undefined) return []
    return k.followUps((o.options ?? {}) as any).map(({ what, data }) => {
      const w = new Writer(2048)
      k.encode(w, data)
      return {
        what,
        message: {
          family: 0,
          ifindex: m.ifindex,
          handle: m.handle,
          parent: m.parent,
          info: 0,
          kind: o.kind,
          options: w.finish()
        }
      }
    })
  }

  /** Every request one write sends, in order (the object's own first). */
  const requests = (o: TcObject, m: QdiscMessage, flags: number): Array<Uint8Array> => [
    build(c.types.add, flags, m),
    ...followUps(o, m).map((f) => build(c.types.add, 0, f.message))
  ]

  /**
   * Sends a validated object's message and its kind's follow-ups. When a
   * follow-up fails, an add removes what it made (the slot is as before);
   * a replace or change cannot undo, so its error says what was set.
   */
  const send = (o: TcObject, m: QdiscMessage, flags: number, operation: string) =>
    Effect.gen(function* () {
      const { route } = yield* Netlink
      yield* route.request(build(c.types.add, flags, m), requestOptions(operation))
      const rest = followUps(o, m)
      const done = [`the ${o.kind} ${c.name} itself`]
      for (const f of rest) {
        const sent = yield* Effect.result(
          route.request(build(c.types.add, 0, f.message), requestOptions(`${operation}: ${f.what}`))
        )
        if (sent._tag === "Success") {
          done.push(f.what)
          continue
        }
        const e = sent.failure
        if ((flags & NLM_F_EXCL) !== 0) {
          const undo = yield* Effect.result(
            route.request(
              build(c.types.del, 0, {
                family: 0,
                ifindex: m.ifindex,
                handle: m.handle,
                parent: m.parent,
                info: 0
              }),
              requestOptions(`${operation}: undo`)
            )
          )
          return yield* Effect.fail(
            retold(
              e,
              undo._tag === "Success"
                ? `${operation}: ${f.what} (the ${c.name} it made is removed again)`
                : `${operation}: ${f.what} (removing the ${c.name} it made failed too: ${undo.failure.message}; set: ${done.join(", ")})`
            )
          )
        }
        return yield* Effect.fail(
          retold(
            e,
            `${operation}: ${f.what} (set before it: ${done.join(", ")}; not set: it and what follows)`
          )
        )
      }
    })

  const write = (input: TcObject, flags: number, operation: string) =>
    Effect.gen(function* () {
      const o = yield* check(input)
      const ifindex = yield* linkIndex(o.dev)
      yield* send(o, toMessage(o, ifindex, true), flags, operation)
    })

  const remove = (input: TcObject) =>
    Effect.gen(function* () {
      const m = yield* prepare(input, false)
      const { route } = yield* Netlink
      yield* route.request(build(c.types.del, 0, m), requestOptions(`${c.name} remove`))
    })

  /** The object the kernel answers for `input`; `from` builds it (default: the engine's fromMessage). */
  const get = (input: TcObject, from: (m: QdiscMessage, names: LinkNames) => TcObject = fromMessage) =>
    Effect.gen(function* () {
      const m = yield* prepare(input, false)
      const { route } = yield* Netlink
      const raw = yield* route.requestReply(
        // NLM_F_ECHO: kernels that answer a get through the notification path unicast it only so
        build(c.types.get, NLM_F_ECHO, m),
        (buf, view, start, end) => decodeQdiscMessage(buf, view, start + 16, end),
        requestOptions(`${c.name} get`)
      )
      const names = yield* linkNamesOf([raw.ifindex])
      return from(raw, names)
    })

  const dumpRequest = (ifindex: number, parent: number): Uint8Array =>
    build(c.types.get, NLM_F_DUMP, { family: 0, ifindex, handle: 0, parent, info: 0 })

  const decoder =
    (ifindex: number, kind: string | undefined) =>
    (buf: Uint8Array, view: DataView, start: number, end: number, type: number): QdiscMessage | undefined => {
      if (type !== c.types.add) return undefined
      // tcm_ifindex at tcmsg offset 4: qdisc dumps cover every device
      if (ifindex !== 0 && view.getInt32(start + 16 + 4, true) !== ifindex) return undefined
      const m = decodeQdiscMessage(buf, view, start + 16, end)
      return kind !== undefined && m.kind !== kind ? undefined : m
    }

  return {
    schema,
    fromMessage,
    canonical,
    equals,
    key,
    toMessage,
    build,
    requests,
    send,
    write,
    remove,
    get,
    check,
    dumpRequest,
    decoder,
    requestOptions,
    flags: { add: NLM_F_CREATE | NLM_F_EXCL, replace: NLM_F_CREATE | NLM_F_REPLACE, change: 0 }
  }
}
