/**
 * The action engine: the action shape (kind, options, shared index, cookie,
 * flags; statistics and reference counts under `status`), validation
 * through the action kind descriptors, and the wire form of a list of
 * actions as filters carry it (TCA_<KIND>_ACT: one nest per action,
 * numbered from 1 in order) and as RTM_NEWACTION carries it (TCA_ACT_TAB).
 * Filter.ts and Action.ts hold no per-kind code. Internal.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import {
  type ActAttrs,
  type ActStatsAttrs,
  decodeActAttrs,
  TCA_ACT_FLAGS_NO_PERCPU_STATS,
  TCA_ACT_FLAGS_SKIP_HW,
  TCA_ACT_FLAGS_SKIP_SW,
  TCA_ACT_HW_STATS_DELAYED,
  TCA_ACT_HW_STATS_IMMEDIATE
} from "../../../generated/tc-action/index.ts"
import type { NetlinkError } from "../../../runtime/NetlinkError.ts"
import { DecodeFailure, fromHex, toHex, Writer } from "../../../runtime/Wire.ts"
import { invalid } from "../../internal/Common.ts"
import { deepEqual, onlyWhenBoth, optionsOnlyWhenBoth } from "../../internal/Model.ts"
import { type LinkNames, linkIndex } from "../../internal/Resolve.ts"
import type { Netlink } from "../../Netlink.ts"
import type { Stats } from "../Engine.ts"
import type { AnyActionKind } from "./ActionKind.ts"
import { actionKinds } from "./registry.ts"

/**
 * What the kernel reports about an action: its counters, how many filters
 * hold it (`bindcnt`) and references in all (`refcnt`), its timestamps in
 * seconds since it was installed / last used / first used (clock ticks of
 * 1/100 s), and how many devices run it in hardware.
 *
 * @example
 * ```ts
 * action.status?.bindcnt // 1: one filter uses it
 * ```
 * @since 0.3.0
 */
export interface ActionStatus {
  readonly stats: Stats
  readonly hwStats?: { readonly bytes: bigint; readonly packets: bigint } | undefined
  readonly refcnt?: number | undefined
  readonly bindcnt?: number | undefined
  readonly installed?: number | undefined
  readonly lastUsed?: number | undefined
  readonly firstUsed?: number | undefined
  readonly expires?: number | undefined
  readonly inHwCount?: number | undefined
  /** What the kind reports by itself (its `status` hook: ctinfo's counters). */
  readonly kind?: object | undefined
}

/** Action flags by name (TCA_ACT_FLAGS). */
export const FLAGS: Readonly<Record<string, number>> = {
  no_percpu: TCA_ACT_FLAGS_NO_PERCPU_STATS,
  skip_hw: TCA_ACT_FLAGS_SKIP_HW,
  skip_sw: TCA_ACT_FLAGS_SKIP_SW
}

/** Hardware statistics types by name (TCA_ACT_HW_STATS). */
export const HW_STATS: Readonly<Record<string, number>> = {
  immediate: TCA_ACT_HW_STATS_IMMEDIATE,
  delayed: TCA_ACT_HW_STATS_DELAYED,
  disabled: 0
}

/**
 * An action: in a filter's `actions` (in order) or standalone.
 *
 * @since 0.3.0
 */
export interface AnyAction {
  readonly kind: string
  readonly options?: object | undefined
  /** The shared index; the kernel picks one when not given. An existing index binds to that action. */
  readonly index?: number | undefined
  /** Up to 16 bytes the kernel keeps with the action, as hexadecimal text. */
  readonly cookie?: string | undefined
  /** "no_percpu", "skip_hw", "skip_sw". */
  readonly flags?: ReadonlyArray<"no_percpu" | "skip_hw" | "skip_sw"> | undefined
  /** Hardware statistics types wanted: "immediate", "delayed", "disabled". */
  readonly hwStats?: "immediate" | "delayed" | "disabled" | undefined
  readonly status?: ActionStatus | undefined
}

const byKind = new Map<string, AnyActionKind>(actionKinds.map((k) => [k.kind, k]))

/** The descriptor of a kind, if the library has it. */
export const kindOf = (kind: string): AnyActionKind | undefined => byKind.get(kind)

const REQUIRED = (k: AnyActionKind): boolean =>
  Object.values(k.fields).some((f: any) => !(f?.ast?.context?.isOptional === true))

const Index = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 0xffffffff }))
const Cookie = Schema.String.check(
  Schema.makeFilter(
    (s: string) => (/^([0-9a-f]{2}){1,16}$/i.test(s) ? true : "1 to 16 bytes as hexadecimal text"),
    { expected: "a cookie" }
  )
)

/** The Schema of one action: one member per kind. */
export const actionSchema: Schema.Codec<AnyAction, any> = Schema.Union(
  actionKinds.map((k) =>
    Schema.Struct({
      kind: Schema.Literal(k.kind),
      options: REQUIRED(k) ? Schema.Struct(k.fields) : Schema.optional(Schema.Struct(k.fields)),
      index: Schema.optional(Index),
      cookie: Schema.optional(Cookie),
      flags: Schema.optional(Schema.Array(Schema.Literals(["no_percpu", "skip_hw", "skip_sw"]))),
      hwStats: Schema.optional(Schema.Literals(["immediate", "delayed", "disabled"])),
      status: Schema.optional(Schema.Any)
    })
  )
) as any

/** A kind's rules across fields, for each action of a list: the first problem as an error. */
export const checkActions = (actions: ReadonlyArray<AnyAction>, path: string): NetlinkError | undefined => {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]
    const problem = byKind.get(a.kind)?.check?.((a.options ?? {}) as any)
    if (problem !== undefined) return invalid(`${path}[${i}].options.${problem[0]}`, problem[1])
  }
  return undefined
}

/**
 * Runs `use` with the actions as their requests carry them: what a kind
 * holds open for the request (bpf's pinned program as an fd) is opened
 * first, in order, and closed after `use`.
 */
export const withOpen = <A, E, R>(
  actions: ReadonlyArray<AnyAction>,
  use: (actions: ReadonlyArray<AnyAction>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | NetlinkError, R> => {
  const open = (i: number, done: ReadonlyArray<AnyAction>): Effect.Effect<A, E | NetlinkError, R> => {
    if (i === actions.length) return use(done)
    const a = actions[i]
    const hold = byKind.get(a.kind)?.withOpen
    return hold === undefined || a.options === undefined
      ? open(i + 1, [...done, a])
      : hold(a.options, (options) => open(i + 1, [...done, { ...a, options }]))
  }
  return opens(actions) ? open(0, []) : use(actions)
}

/** Whether some action holds something open for its request (see {@link withOpen}). */
export const opens = (actions: ReadonlyArray<AnyAction> | undefined): boolean =>
  actions?.some((a) => a.options !== undefined && byKind.get(a.kind)?.withOpen !== undefined) === true

/** Device indexes by action, resolved from the option fields that name devices. */
export type Devices = ReadonlyArray<Readonly<Record<string, number>>>

/** Resolves the devices the actions name (mirred's `dev`). */
export const resolveDevices = (
  actions: ReadonlyArray<AnyAction>
): Effect.Effect<Devices, NetlinkError, Netlink> =>
  Effect.forEach(actions, (a) =>
    Effect.gen(function* () {
      const k = byKind.get(a.kind)
      const out: Record<string, number> = {}
      if (k === undefined) return out
      const o: any = a.options ?? {}
      for (const f of k.devices) if (o[f] !== undefined) out[f] = yield* linkIndex(o[f], f)
      return out
    })
  )

const flagsValue = (names: ReadonlyArray<string>): number => names.reduce((v, n) => v | (FLAGS[n] ?? 0), 0)

/** The attributes of one action (withOptions false: kind and index only, for delete and get). */
export const toAttrs = (
  a: AnyAction,
  devices: Readonly<Record<string, number>>,
  withOptions: boolean
): ActAttrs => {
  const k = byKind.get(a.kind)
  const out: { -readonly [K in keyof ActAttrs]: ActAttrs[K] } = { kind: a.kind }
  if (withOptions && k !== undefined) {
    const w = new Writer(512)
    k.encode(w, k.toKernel((a.options ?? {}) as any, devices, a.index ?? 0))
    out.options = w.finish()
  }
  if (!withOptions && a.index !== undefined) out.index = a.index
  if (withOptions && a.cookie !== undefined) out.cookie = fromHex(a.cookie)
  if (withOptions && a.flags !== undefined && a.flags.length > 0) {
    const v = flagsValue(a.flags)
    out.flags = { value: v, selector: v }
  }
  if (withOptions && a.hwStats !== undefined) {
    const v = HW_STATS[a.hwStats]
    out.hwStats = { value: v, selector: 0xff }
  }
  return out
}

/** Writes one action's attributes: TCA_ACT_OPTIONS as a nest, as `tc` sends it. */
export const writeAttrs = (w: Writer, a: ActAttrs): void => {
  if (a.kind !== undefined) w.attrString(1, a.kind)
  if (a.options !== undefined) {
    const s = w.nestStart(2, true)
    w.bytes(a.options)
    w.attrEnd(s)
  }
  if (a.index !== undefined) w.attrU32(3, a.index)
  if (a.cookie !== undefined) w.attrBinary(6, a.cookie)
  if (a.flags !== undefined) {
    const s = w.attrStart(7)
    w.u32(a.flags.value)
    w.u32(a.flags.selector)
    w.attrEnd(s)
  }
  if (a.hwStats !== undefined) {
    const s = w.attrStart(8)
    w.u32(a.hwStats.value)
    w.u32(a.hwStats.selector)
    w.attrEnd(s)
  }
}

/** The payload of a TCA_<KIND>_ACT nest: each action a nest numbered from 1. */
export const encodeList = (actions: ReadonlyArray<AnyAction>, devices: Devices): Uint8Array => {
  const w = new Writer(1024)
  for (let i = 0; i < actions.length; i++) {
    const s = w.nestStart(i + 1, false)
    writeAttrs(w, toAttrs(actions[i], devices[i] ?? {}, true))
    w.attrEnd(s)
  }
  return w.finish()
}

/** The actions of a TCA_<KIND>_ACT payload, in order of arrival. */
export const decodeList = (bytes: Uint8Array): Array<ActAttrs> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<ActAttrs> = []
  let p = 0
  while (p + 4 <= bytes.length) {
    const len = view.getUint16(p, true)
    if (len < 4 || p + len > bytes.length) throw new DecodeFailure("action nest overruns its list", p)
    out.push(decodeActAttrs(bytes, view, p + 4, p + len))
    p += (len + 3) & ~3
  }
  return out
}

const ZERO: Stats = {
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

const statsOf = (s: ActStatsAttrs | undefined): Stats =>
  s === undefined
    ? ZERO
    : {
        bytes: s.basic?.bytes ?? 0n,
        packets: s.pkt64 ?? BigInt(s.basic?.packets ?? 0),
        qlen: s.queue?.qlen ?? 0,
        backlog: s.queue?.backlog ?? 0,
        drops: s.queue?.drops ?? 0,
        requeues: s.queue?.requeues ?? 0,
        overlimits: s.queue?.overlimits ?? 0,
        bps: s.rateEst64?.bps ?? BigInt(s.rateEst?.bps ?? 0),
        pps: s.rateEst64?.pps ?? BigInt(s.rateEst?.pps ?? 0)
      }

// struct tcf_t counts USER_HZ (100) clock ticks
const seconds = (t: bigint): number => Number(t) / 100

const flagNamesOf = (v: number): Array<"no_percpu" | "skip_hw" | "skip_sw"> =>
  (Object.keys(FLAGS) as Array<"no_percpu" | "skip_hw" | "skip_sw">).filter((n) => (v & FLAGS[n]) !== 0)

/** The action a decoded TCA_ACT nest describes; `names` names devices. */
export const fromAttrs = (a: ActAttrs, names?: LinkNames): AnyAction => {
  const kind = a.kind ?? ""
  const k = byKind.get(kind)
  let options: object | undefined
  let common: ReturnType<AnyActionKind["common"]>
  let kindStatus: object | undefined
  if (k !== undefined && a.options !== undefined) {
    const b = a.options
    try {
      const data = k.decode(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length)
      options = k.fromKernel(data, names ?? ((i: number) => i))
      common = k.common(data)
      kindStatus = k.status?.(data)
    } catch (e) {
      if (!(e instanceof DecodeFailure)) throw e
    }
  }
  const hw = a.stats?.basicHw
  const status: ActionStatus = {
    stats: statsOf(a.stats),
    hwStats: hw === undefined ? undefined : { bytes: hw.bytes, packets: BigInt(hw.packets) },
    refcnt: common?.refcnt,
    bindcnt: common?.bindcnt,
    installed: common?.tm === undefined ? undefined : seconds(common.tm.install),
    lastUsed: common?.tm === undefined ? undefined : seconds(common.tm.lastuse),
    firstUsed: common?.tm === undefined ? undefined : seconds(common.tm.firstuse),
    expires: common?.tm === undefined ? undefined : seconds(common.tm.expires),
    inHwCount: a.inHwCount,
    kind: kindStatus
  }
  const out: any = { kind }
  if (options !== undefined && Object.keys(options).length > 0) out.options = options
  const index = a.index ?? common?.index
  if (index !== undefined) out.index = index
  if (a.cookie !== undefined) out.cookie = toHex(a.cookie)
  if (a.flags !== undefined && a.flags.value !== 0) out.flags = flagNamesOf(a.flags.value)
  if (a.hwStats !== undefined) {
    const n = Object.keys(HW_STATS).find((x) => HW_STATS[x] === a.hwStats!.value)
    if (n !== undefined && n !== "disabled") out.hwStats = n
  }
  out.status = status
  return out
}

/** The canonical form of an action: kind defaults filled in, status dropped. */
export const canonical = (a: AnyAction): AnyAction => {
  const k = byKind.get(a.kind)
  const out: any = { kind: a.kind }
  const options = k === undefined ? a.options : k.canonical((a.options ?? {}) as any)
  if (options !== undefined && Object.keys(options).length > 0) out.options = options
  if (a.index !== undefined) out.index = a.index
  if (a.cookie !== undefined) out.cookie = a.cookie.toLowerCase()
  const flags = flagNamesOf(flagsValue(a.flags ?? []))
  if (flags.length > 0) out.flags = flags
  if (a.hwStats !== undefined && a.hwStats !== "disabled") out.hwStats = a.hwStats
  return out
}

/** The same configuration (an index or kernel-chosen option compared only when both give it). */
export const equals = (a: AnyAction, b: AnyAction): boolean => {
  const ca: any = canonical(a)
  const cb: any = canonical(b)
  // the kernel reports the hardware statistics types it applies even when none were asked for
  onlyWhenBoth(ca, cb, ["index", "hwStats"])
  optionsOnlyWhenBoth(ca, cb, byKind.get(ca.kind)?.kernelChosen)
  return deepEqual(ca, cb)
}

/** Lists of actions equal one by one, in order. */
export const equalLists = (a: ReadonlyArray<AnyAction>, b: ReadonlyArray<AnyAction>): boolean =>
  a.length === b.length && a.every((x, i) => equals(x, b[i]))
