/**
 * Policy routing rules, as `ip rule` manages them: list (both families),
 * add, remove. Requests carry exactly what `ip rule add` / `ip rule del`
 * send for the same options.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Netlink, Rule } from "nlink"
 *
 * const program = Effect.gen(function* () {
 *   yield* Rule.add({ from: "10.0.0.0/8", table: 100, priority: 1000 })
 *   return yield* Rule.list({ table: 100 })
 * }).pipe(Effect.provide(Netlink.layer))
 * ```
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  decodeRuleMessage,
  encodeRuleMessage,
  FibRuleFlags,
  FrAct,
  RtProtocol,
  RtTable,
  RuleMessage,
  RuleMessageHeaderSize,
  RuleMessageMeta,
  RuleMessageTypes
} from "../generated/rt-rule/index.ts"
import { describePath } from "../runtime/Describe.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { parseIPv4, parseIPv6 } from "../runtime/Wire.ts"
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  buildMessage,
  invalid,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  validate,
  operation,
  checkBuilt
} from "./internal/Common.ts"
import { Netlink } from "./Netlink.ts"

/**
 * A rule as the kernel reports it: the `fib_rule_hdr` (`family`, `srcLen`,
 * `dstLen`, `tos`, `tableId`, `action`, `flags`) and the FRA_* attributes
 * (`priority`, `src`, `dst`, `table` — the full table id —, `fwmark`,
 * `iifname`, ...).
 *
 * @example
 * ```ts
 * const rules: ReadonlyArray<Rule.Rule> = yield* Rule.list()
 * rules.map((r) => `${r.priority}: lookup ${r.table ?? r.tableId}`)
 * ```
 * @since 0.1.0
 */
export type Rule = RuleMessage

/**
 * Action, flag and table values by name (`FrAct.prohibit === 8`).
 *
 * @example
 * ```ts
 * rule.action === Rule.FrAct.toTbl
 * ```
 * @since 0.1.0
 */
export { FibRuleFlags, FrAct, RtTable }

/**
 * What a rule does when it matches: look up a table (`ip rule ... lookup`),
 * jump to another rule, do nothing, or drop the packet.
 *
 * @example
 * ```ts
 * const a: Rule.Action = "prohibit"
 * ```
 * @since 0.1.0
 */
export type Action = "lookup" | "goto" | "nop" | "blackhole" | "unreachable" | "prohibit"

/**
 * A routing table by id or by the name `ip` uses.
 *
 * @example
 * ```ts
 * const t: Rule.Table = "main" // 254
 * ```
 * @since 0.1.0
 */
export type Table = number | "main" | "local" | "default"

/**
 * A port range; a single number means that port alone.
 *
 * @example
 * ```ts
 * const r: Rule.PortRange = { start: 1000, end: 2000 }
 * ```
 * @since 0.1.0
 */
export type PortRange = number | { readonly start: number; readonly end: number }

/**
 * A rule's selector and action, as `ip rule add|del` takes them. `from` and
 * `to` are prefixes ("10.0.0.0/8") or addresses; `family` is inferred from
 * them (default "inet", as `ip`). `iif`/`oif` are interface names (the rule
 * matches by name, so the device need not exist). Without `table` or a
 * non-lookup `action`, `add` looks up the main table, as `ip` does.
 *
 * @example
 * ```ts
 * const o: Rule.Options = { fwmark: 0x10, fwmask: 0xff, table: 101, priority: 1001 }
 * ```
 * @since 0.1.0
 */
export interface Options {
  readonly family?: "inet" | "inet6"
  /** FRA_PRIORITY (`pref`). */
  readonly priority?: number
  readonly table?: Table
  /** FRA_SRC and the header's src_len. */
  readonly from?: string
  /** FRA_DST and the header's dst_len. */
  readonly to?: string
  /** FRA_IIFNAME. */
  readonly iif?: string
  /** FRA_OIFNAME. */
  readonly oif?: string
  /** FRA_FWMARK. */
  readonly fwmark?: number
  /** FRA_FWMASK (`fwmark MARK/MASK`). */
  readonly fwmask?: number
  /** FRA_SUPPRESS_PREFIXLEN (`suppress_prefixlength`). */
  readonly suppressPrefixLength?: number
  /** FRA_SUPPRESS_IFGROUP (`suppress_ifgroup`). */
  readonly suppressIfgroup?: number
  /** The header's action; "goto" needs `goto`. */
  readonly action?: Action
  /** FRA_GOTO: priority of the rule to jump to; implies action "goto". */
  readonly goto?: number
  /** The header's tos (DSCP/TOS byte). */
  readonly tos?: number
  /** FRA_UID_RANGE (`uidrange START-END`). */
  readonly uidRange?: { readonly start: number; readonly end: number }
  /** FRA_IP_PROTO: a number or "tcp", "udp", "icmp", ... */
  readonly ipProto?: number | IpProtoName
  /** FRA_SPORT_RANGE (`sport`). */
  readonly sportRange?: PortRange
  /** FRA_DPORT_RANGE (`dport`). */
  readonly dportRange?: PortRange
  /** FRA_PROTOCOL: who installed the rule, "static" or a number. */
  readonly protocol?: keyof typeof RtProtocol | number
  /** FRA_L3MDEV: look up the table of the VRF device the packet is on. */
  readonly l3mdev?: boolean
  /** FIB_RULE_INVERT (`not`): match when the selector does not. */
  readonly invert?: boolean
}

/**
 * Which rules `list` returns. `family` is applied by the kernel (the dump's
 * header family); the kernel's rule dump takes no other filter, so `table`
 * and `priority` are applied here.
 *
 * @example
 * ```ts
 * const f: Rule.Filter = { family: "inet6", table: "main" }
 * ```
 * @since 0.1.0
 */
export interface Filter {
  readonly family?: "inet" | "inet6"
  readonly table?: Table
  readonly priority?: number
}

const IP_PROTOCOLS = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  "ipv6-icmp": 58,
  sctp: 132,
  udplite: 136
} as const

/**
 * IP protocol names accepted for `ipProto` (their /etc/protocols numbers).
 *
 * @example
 * ```ts
 * const p: Rule.IpProtoName = "tcp"
 * ```
 * @since 0.1.0
 */
export type IpProtoName = keyof typeof IP_PROTOCOLS

// ---------------------------------------------------------------------------
// input schemas

interface Prefix {
  readonly family: number
  readonly address: string
  readonly length: number
}

/** "a.b.c.d/len", "x::y/len" or a bare address (host prefix). */
const parsePrefix = (s: string): Prefix | undefined => {
  const slash = s.indexOf("/")
  const address = slash < 0 ? s : s.slice(0, slash)
  const v6 = address.includes(":")
  if ((v6 ? parseIPv6(address) : parseIPv4(address)) === undefined) return undefined
  const max = v6 ? 128 : 32
  let length = max
  if (slash >= 0) {
    const text = s.slice(slash + 1)
    if (!/^\d{1,3}$/.test(text)) return undefined
    length = Number(text)
    if (length > max) return undefined
  }
  return { family: v6 ? AF_INET6 : AF_INET, address, length }
}

const PrefixInput = Schema.String.check(
  Schema.makeFilter(
    (s: string) => parsePrefix(s) !== undefined || `"${s}" is not an IP prefix (like 10.0.0.0/8)`,
    {
      expected: "an IPv4 or IPv6 prefix like 10.0.0.0/8"
    }
  )
)

const TableInput = Schema.Union([Schema.Literals(["main", "local", "default"]), P.U32])
const FamilyInput = Schema.Literals(["inet", "inet6"])
const Range32 = Schema.Struct({ start: P.U32, end: P.U32 })
const PortRangeInput = Schema.Union([P.U16, Schema.Struct({ start: P.U16, end: P.U16 })])

const OptionsSchema = Schema.Struct({
  family: Schema.optionalKey(FamilyInput),
  priority: Schema.optionalKey(P.U32),
  table: Schema.optionalKey(TableInput),
  from: Schema.optionalKey(PrefixInput),
  to: Schema.optionalKey(PrefixInput),
  iif: Schema.optionalKey(P.InterfaceName),
  oif: Schema.optionalKey(P.InterfaceName),
  fwmark: Schema.optionalKey(P.U32),
  fwmask: Schema.optionalKey(P.U32),
  suppressPrefixLength: Schema.optionalKey(P.U32),
  suppressIfgroup: Schema.optionalKey(P.U32),
  action: Schema.optionalKey(
    Schema.Literals(["lookup", "goto", "nop", "blackhole", "unreachable", "prohibit"])
  ),
  goto: Schema.optionalKey(P.U32),
  tos: Schema.optionalKey(P.U8),
  uidRange: Schema.optionalKey(Range32),
  ipProto: Schema.optionalKey(
    Schema.Union([Schema.Literals(Object.keys(IP_PROTOCOLS) as Array<IpProtoName>), P.U8])
  ),
  sportRange: Schema.optionalKey(PortRangeInput),
  dportRange: Schema.optionalKey(PortRangeInput),
  protocol: Schema.optionalKey(
    Schema.Union([Schema.Literals(Object.keys(RtProtocol) as Array<keyof typeof RtProtocol>), P.U8])
  ),
  l3mdev: Schema.optionalKey(Schema.Boolean),
  invert: Schema.optionalKey(Schema.Boolean)
})

const FilterSchema = Schema.Struct({
  family: Schema.optionalKey(FamilyInput),
  table: Schema.optionalKey(TableInput),
  priority: Schema.optionalKey(P.U32)
})

const RTM_NEWRULE = RuleMessageTypes.RTM_NEWRULE
const RTM_DELRULE = RuleMessageTypes.RTM_DELRULE
const RTM_GETRULE = RuleMessageTypes.RTM_GETRULE

const ACTIONS: Record<Action, number> = {
  lookup: FrAct.toTbl,
  goto: FrAct.goto,
  nop: FrAct.nop,
  blackhole: FrAct.blackhole,
  unreachable: FrAct.unreachable,
  prohibit: FrAct.prohibit
}

const tableId = (t: Table): number => (typeof t === "number" ? t : RtTable[t])
const familyNumber = (f: "inet" | "inet6"): number => (f === "inet" ? AF_INET : AF_INET6)
const portRange = (r: PortRange) =>
  typeof r === "number" ? { start: r, end: r } : { start: r.start, end: r.end }

/**
 * Checks what one field cannot: families agree, goto has its target, ranges
 * are ordered. Returns the Validation error, or undefined.
 */
const crossCheck = (o: Options): NetlinkError | undefined => {
  const from = o.from === undefined ? undefined : parsePrefix(o.from)
  const to = o.to === undefined ? undefined : parsePrefix(o.to)
  const family = o.family === undefined ? undefined : familyNumber(o.family)
  if (from && family !== undefined && from.family !== family)
    return invalid("from", `"${o.from}" is not an ${o.family} prefix`)
  if (to && (family ?? from?.family) !== undefined && to.family !== (family ?? from?.family))
    return invalid("to", `"${o.to}" is not of the same family as the rule`)
  if (o.action === "goto" && o.goto === undefined)
    return invalid("goto", "action goto needs the priority of the rule to jump to")
  if (o.goto !== undefined && o.action !== undefined && o.action !== "goto")
    return invalid("action", `goto is only valid with action "goto", got "${o.action}"`)
  if (o.uidRange !== undefined && o.uidRange.start > o.uidRange.end)
    return invalid("uidRange", `start ${o.uidRange.start} is after end ${o.uidRange.end}`)
  for (const key of ["sportRange", "dportRange"] as const) {
    const r = o[key]
    if (r !== undefined && typeof r !== "number" && r.start > r.end)
      return invalid(key, `start ${r.start} is after end ${r.end}`)
  }
  return undefined
}

// ---------------------------------------------------------------------------
// pure request builders

/**
 * The rule message for `options`, as `ip rule add` (command "add") or `ip
 * rule del` (command "remove") builds it: family from the prefixes (default
 * inet); a table below 256 in the header's table byte, a larger one in
 * FRA_TABLE with the header's byte 0; for add, action "lookup" (FR_ACT_TO_TBL)
 * and table main unless a table, a non-lookup action or l3mdev is given; for
 * remove, only what is given (unset fields match any rule).
 *
 * @example
 * ```ts
 * Rule.toMessage({ from: "10.0.0.0/8", table: 100, priority: 1000 }, "add")
 * // { family: 2, srcLen: 8, tableId: 100, action: 1, src: "10.0.0.0", priority: 1000, ... }
 * ```
 * @since 0.1.0
 */
export const toMessage = (o: Options, command: "add" | "remove"): RuleMessage => {
  const from = o.from === undefined ? undefined : parsePrefix(o.from)
  const to = o.to === undefined ? undefined : parsePrefix(o.to)
  const family = o.family !== undefined ? familyNumber(o.family) : (from?.family ?? to?.family ?? AF_INET)
  const action = o.action ?? (o.goto !== undefined ? "goto" : undefined)
  const table = o.table === undefined ? undefined : tableId(o.table)
  // ip: a table, an action other than lookup, or l3mdev means "no default table"
  const tableGiven = table !== undefined || (action !== undefined && action !== "lookup") || o.l3mdev === true
  const headerTable =
    table !== undefined
      ? table < 256
        ? table
        : RtTable.unspec
      : command === "add" && !tableGiven
        ? RtTable.main
        : 0
  const ipProto =
    o.ipProto === undefined ? undefined : typeof o.ipProto === "number" ? o.ipProto : IP_PROTOCOLS[o.ipProto]
  const protocol =
    o.protocol === undefined
      ? undefined
      : typeof o.protocol === "number"
        ? o.protocol
        : RtProtocol[o.protocol]
  const m: { -readonly [K in keyof RuleMessage]: RuleMessage[K] } = {
    family,
    dstLen: to?.length ?? 0,
    srcLen: from?.length ?? 0,
    tos: o.tos ?? 0,
    tableId: headerTable,
    res1: 0,
    res2: 0,
    action: action !== undefined ? ACTIONS[action] : command === "add" ? FrAct.toTbl : FrAct.unspec,
    flags: o.invert === true ? FibRuleFlags.invert : 0
  }
  if (from !== undefined) m.src = from.address
  if (to !== undefined) m.dst = to.address
  if (o.iif !== undefined) m.iifname = o.iif
  if (o.oif !== undefined) m.oifname = o.oif
  if (o.goto !== undefined) m.goto = o.goto
  if (o.priority !== undefined) m.priority = o.priority
  if (o.fwmark !== undefined) m.fwmark = o.fwmark
  if (o.fwmask !== undefined) m.fwmask = o.fwmask
  if (o.suppressIfgroup !== undefined) m.suppressIfgroup = o.suppressIfgroup
  if (o.suppressPrefixLength !== undefined) m.suppressPrefixlen = o.suppressPrefixLength
  if (table !== undefined && table >= 256) m.table = table
  if (o.l3mdev === true) m.l3mdev = 1
  if (o.uidRange !== undefined) m.uidRange = { start: o.uidRange.start, end: o.uidRange.end }
  if (protocol !== undefined) m.protocol = protocol
  if (ipProto !== undefined) m.ipProto = ipProto
  if (o.sportRange !== undefined) m.sportRange = portRange(o.sportRange)
  if (o.dportRange !== undefined) m.dportRange = portRange(o.dportRange)
  return m
}

const build = (type: number, flags: number, m: RuleMessage): Uint8Array =>
  buildMessage(type, flags, (w) => encodeRuleMessage(w, m))

/**
 * RTM_NEWRULE with NLM_F_CREATE|NLM_F_EXCL, as `ip rule add` sends.
 *
 * @example
 * ```ts
 * const bytes = Rule.addRequest({ from: "10.0.0.0/8", table: 100, priority: 1000 })
 * ```
 * @since 0.1.0
 */
export const addRequest = (options: Options): Uint8Array =>
  build(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, toMessage(options, "add"))

/**
 * RTM_DELRULE, as `ip rule del` sends.
 *
 * @example
 * ```ts
 * const bytes = Rule.removeRequest({ priority: 1000 })
 * ```
 * @since 0.1.0
 */
export const removeRequest = (options: Options): Uint8Array =>
  build(RTM_DELRULE, 0, toMessage(options, "remove"))

/**
 * The dump request: a zeroed header with the family (AF_UNSPEC for both);
 * the kernel's strict check rejects anything else in a rule dump.
 *
 * @example
 * ```ts
 * const bytes = Rule.listRequest("inet6")
 * ```
 * @since 0.1.0
 */
export const listRequest = (family?: "inet" | "inet6"): Uint8Array =>
  build(RTM_GETRULE, NLM_F_DUMP, {
    family: family === undefined ? AF_UNSPEC : familyNumber(family),
    dstLen: 0,
    srcLen: 0,
    tos: 0,
    tableId: 0,
    res1: 0,
    res2: 0,
    action: 0,
    flags: 0
  })

// ---------------------------------------------------------------------------
// operations

const requestOptions = (operation: string) => ({
  headerLength: RuleMessageHeaderSize,
  describePath: (t: ReadonlyArray<number>) => describePath(RuleMessageMeta, t),
  operation
})

const prepare = (input: Options, command: "add" | "remove") =>
  Effect.gen(function* () {
    const o = (yield* validate(OptionsSchema, input)) as Options
    const problem = crossCheck(o)
    if (problem !== undefined) return yield* Effect.fail(problem)
    if (command === "remove" && Object.keys(o).every((k) => k === "family"))
      return yield* Effect.fail(
        invalid("(input)", "give a priority or a selector: an empty one would remove the first rule")
      )
    const m = toMessage(o, command)
    return yield* checkBuilt(RuleMessage, m)
  })

/**
 * Adds a rule, like `ip rule add`; fails with EEXIST if an identical rule
 * exists.
 *
 * @example
 * ```ts
 * yield* Rule.add({ fwmark: 0x10, fwmask: 0xff, table: 101, priority: 1001 })
 * yield* Rule.add({ family: "inet6", from: "2001:db8::/32", action: "prohibit", priority: 1002 })
 * ```
 * @since 0.1.0
 */
export const add = operation("Rule.add", function* (options: Options) {
  const m = yield* prepare(options, "add")
  const { route } = yield* Netlink
  yield* route.request(build(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, m), requestOptions("rule add"))
})

/**
 * Removes the first rule matching `options`, like `ip rule del`: by priority
 * alone or by a fuller selector (unset fields match anything). Fails with
 * ENOENT when none matches.
 *
 * @example
 * ```ts
 * yield* Rule.remove({ priority: 1000 })
 * yield* Rule.remove({ family: "inet6", priority: 1002 })
 * ```
 * @since 0.1.0
 */
export const remove = operation("Rule.remove", function* (options: Options) {
  const m = yield* prepare(options, "remove")
  const { route } = yield* Netlink
  yield* route.request(build(RTM_DELRULE, 0, m), requestOptions("rule remove"))
})

/**
 * Alias of {@link remove}, as `ip rule del`.
 *
 * @example
 * ```ts
 * yield* Rule.del({ priority: 1000 })
 * ```
 * @since 0.1.0
 */
export const del = remove

const plan = (input: Filter | undefined) =>
  Effect.gen(function* () {
    const filter = yield* validate(FilterSchema, input ?? {})
    const table = filter.table === undefined ? undefined : tableId(filter.table)
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== RTM_NEWRULE) return undefined
      // Family at fib_rule_hdr offset 0: an AF_UNSPEC dump also returns other
      // families' rules (ipmr, ip6mr); keep IPv4 and IPv6.
      const family = view.getUint8(start + 16)
      if (family !== AF_INET && family !== AF_INET6) return undefined
      const r = decodeRuleMessage(buf, view, start + 16, end)
      if (table !== undefined && (r.table ?? r.tableId) !== table) return undefined
      if (filter.priority !== undefined && (r.priority ?? 0) !== filter.priority) return undefined
      return r
    }
    return { request: listRequest(filter.family), decode }
  })

/**
 * The rules of both families (or of `family`), in the kernel's order (by
 * priority, IPv4 first), like `ip rule show` and `ip -6 rule show`.
 *
 * @example
 * ```ts
 * const inMain = yield* Rule.list({ table: "main" })
 * ```
 * @since 0.1.0
 */
export const list = operation("Rule.list", function* (filter?: Filter) {
  const p = yield* plan(filter)
  const { route } = yield* Netlink
  return yield* route.dumpAll(p.request, p.decode, requestOptions("rule list"))
})

/**
 * Like {@link list}, as a stream.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Rule.stream({ family: "inet6" }), (r) => Effect.log(r.priority))
 * ```
 * @since 0.1.0
 */
export const stream = (filter?: Filter): Stream.Stream<Rule, NetlinkError, Netlink> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const p = yield* plan(filter)
      const { route } = yield* Netlink
      return route.dump(p.request, p.decode, requestOptions("rule list"))
    })
  )
