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
import { release } from "node:os"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { NLMSG_HDRLEN } from "../generated/netlink/index.ts"
import {
  decodeRuleMessage,
  encodeRuleMessage,
  FibRuleFlags,
  FibRuleHdrOffsets,
  FrAct,
  RtTable,
  RuleMessage,
  RuleMessageHeaderSize,
  RuleMessageMeta,
  RuleMessageTypes
} from "../generated/rt-rule/index.ts"
import { describePath, type PathContext } from "../runtime/Describe.ts"
import { kernel as kernelError, type NetlinkError } from "../runtime/NetlinkError.ts"
import * as P from "../runtime/Primitives.ts"
import { ipToString, parseIp } from "../runtime/Wire.ts"
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
import { parsePrefix } from "./internal/Inet.ts"
import { consistentDump } from "./internal/Consistent.ts"
import { deepEqual, type ObjectType } from "./internal/Model.ts"
import * as Names from "./internal/Names.ts"
import { flagNames } from "./internal/Names.ts"
import { Netlink } from "./Netlink.ts"

/**
 * Reads `ip rule add|del` words into a {@link Rule}.
 *
 * @example
 * ```ts
 * Rule.parse("from 10.0.0.0/8 table 100 priority 1000")
 * // { from: "10.0.0.0/8", table: 100, priority: 1000, family: "inet" }
 * ```
 * @since 0.3.0
 */
export { parse, parseFlush } from "./parse/Rule.ts"

/**
 * Action, flag and table values by name (`FrAct.prohibit === 8`), for the
 * raw messages of {@link listRaw}.
 *
 * @example
 * ```ts
 * raw.action === Rule.FrAct.toTbl
 * ```
 * @since 0.1.0
 */
export { FibRuleFlags, FrAct, RtTable }

/**
 * What a rule does when it matches: look up a table (`ip rule ... lookup`),
 * jump to another rule, do nothing, or drop the packet. "nat" is the old
 * route NAT action (RTN_NAT, `ip rule add nat ...`): the kernel still stores
 * and lists it (with its table, as a lookup) but no longer translates, nor
 * keeps the address `ip` sends with it; `ip rule` shows it as "masquerade".
 *
 * @example
 * ```ts
 * const a: Rule.Action = "prohibit"
 * ```
 * @since 0.1.0
 */
export type Action = "lookup" | "goto" | "nop" | "blackhole" | "unreachable" | "prohibit" | "nat"

/**
 * A routing table by id or by the name `ip` uses ("main", "local",
 * "default", or a name from rt_tables).
 *
 * @example
 * ```ts
 * const t: Rule.Table = "main" // 254
 * ```
 * @since 0.1.0
 */
export type Table = number | "main" | "local" | "default" | (string & {})

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
 * What the kernel reports about a rule by itself; equality ignores it and
 * add/remove accept and ignore it.
 *
 * @example
 * ```ts
 * rule.status?.flags.includes("iifDetached") // the iif device does not exist
 * ```
 * @since 0.2.0
 */
export interface Status {
  /** Flags the kernel sets ("unresolved", "iifDetached", "oifDetached", ...). */
  readonly flags: ReadonlyArray<string | number>
}

/**
 * A policy routing rule: what `list`/`stream` return and what `add` and
 * `remove` take, with `ip rule`'s selectors and action. `from` and `to` are
 * prefixes ("10.0.0.0/8"); `family` is inferred from them (default "inet",
 * as `ip`). `iif`/`oif` are interface names (the rule matches by name, so
 * the device need not exist). Without `table` or a non-lookup `action`,
 * `add` looks up the main table, as `ip` does. Listed rules carry every
 * field the kernel stored (family, priority, action, and the table for a
 * lookup), so `remove(listed)` removes exactly that rule.
 *
 * @example
 * ```ts
 * const r: Rule.Rule = { family: "inet", priority: 1001, fwmark: 0x10, fwmask: 0xff, action: "lookup", table: 101 }
 * ```
 * @since 0.1.0
 */
export interface Rule {
  readonly family?: "inet" | "inet6" | undefined
  /** FRA_PRIORITY (`pref`); the kernel picks one when none is given. */
  readonly priority?: number | undefined
  /** The header's action; "goto" needs `goto`. Unknown actions stay numbers. */
  readonly action?: Action | number | undefined
  /** The table a "lookup" rule looks up (FRA_TABLE), by name or number. */
  readonly table?: Table | undefined
  /** FRA_SRC and the header's src_len. */
  readonly from?: string | undefined
  /** FRA_DST and the header's dst_len. */
  readonly to?: string | undefined
  /** FRA_IIFNAME. */
  readonly iif?: string | undefined
  /** FRA_OIFNAME. */
  readonly oif?: string | undefined
  /** FRA_FWMARK. */
  readonly fwmark?: number | undefined
  /** FRA_FWMASK (`fwmark MARK/MASK`). */
  readonly fwmask?: number | undefined
  /** The header's tos (DSCP/TOS byte, `tos`/`dsfield`). */
  readonly tos?: number | undefined
  /** FRA_DSCP (`dscp`, 0..63; Linux 6.12): cannot be combined with `tos`. */
  readonly dscp?: number | undefined
  /** FRA_DSCP_MASK (`dscp VALUE/MASK`, Linux 6.15): needs `dscp`; 63 (all bits) is the default. */
  readonly dscpMask?: number | undefined
  /** FRA_FLOWLABEL (`flowlabel`, IPv6 only, 20 bits; Linux 6.14). */
  readonly flowlabel?: number | undefined
  /** FRA_FLOWLABEL_MASK (`flowlabel VALUE/MASK`); 0xfffff when `flowlabel` is given without one. */
  readonly flowlabelMask?: number | undefined
  /** FRA_FLOW (`realms FROM/TO`, IPv4 only): source realm in the high 16 bits, destination realm in the low 16. */
  readonly realms?: number | undefined
  /** FRA_TUN_ID (`tun_id`): the tunnel id of collect-metadata tunnels. */
  readonly tunId?: bigint | undefined
  /** FRA_UID_RANGE (`uidrange START-END`). */
  readonly uidRange?: { readonly start: number; readonly end: number } | undefined
  /** FRA_IP_PROTO: a name ("tcp", "udp", "icmp", ...) or a number. */
  readonly ipProto?: number | IpProtoName | undefined
  /** FRA_SPORT_RANGE (`sport`). */
  readonly sportRange?: PortRange | undefined
  /** FRA_DPORT_RANGE (`dport`). */
  readonly dportRange?: PortRange | undefined
  /** FRA_SPORT_MASK (`sport PORT/MASK`, Linux 6.15): needs a single source port. */
  readonly sportMask?: number | undefined
  /** FRA_DPORT_MASK (`dport PORT/MASK`, Linux 6.15): needs a single destination port. */
  readonly dportMask?: number | undefined
  /** FRA_L3MDEV: look up the table of the VRF device the packet is on. */
  readonly l3mdev?: boolean | undefined
  /** FIB_RULE_INVERT (`not`): match when the selector does not. */
  readonly invert?: boolean | undefined
  /** FRA_SUPPRESS_PREFIXLEN (`suppress_prefixlength`). */
  readonly suppressPrefixLength?: number | undefined
  /** FRA_SUPPRESS_IFGROUP (`suppress_ifgroup`). */
  readonly suppressIfgroup?: number | undefined
  /** FRA_GOTO: priority of the rule to jump to; implies action "goto". */
  readonly goto?: number | undefined
  /** FRA_PROTOCOL: who installed the rule ("static", "kernel", ... or a number). */
  readonly protocol?: string | number | undefined
  readonly status?: Status | undefined
}

/**
 * What add and remove take: a {@link Rule}.
 *
 * @example
 * ```ts
 * const o: Rule.Options = { fwmark: 0x10, fwmask: 0xff, table: 101, priority: 1001 }
 * ```
 * @since 0.1.0
 */
export type Options = Rule

/**
 * Which rules `list` and `flush` take. `family` is applied by the kernel
 * (the dump's header family); the kernel's rule dump takes no other filter,
 * so `table`, `priority` and `protocol` are applied here.
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
  /** Who installed the rule (FRA_PROTOCOL; "unspec" or 0 matches rules without one). */
  readonly protocol?: string | number
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

const PrefixInput = Schema.String.check(
  Schema.makeFilter(
    (s: string) => parsePrefix(s) !== undefined || `"${s}" is not an IP prefix (like 10.0.0.0/8)`,
    {
      expected: "an IPv4 or IPv6 prefix like 10.0.0.0/8"
    }
  )
)

const TableInput = Schema.Union([
  Schema.String.check(
    Schema.makeFilter(
      (s: string) =>
        Names.table.number(s) !== undefined || `"${s}" is not a table name (main, local, default, rt_tables)`,
      { expected: "a table name or number" }
    )
  ),
  P.U32
])
const FamilyInput = Schema.Literals(["inet", "inet6"])
const Range32 = Schema.Struct({ start: P.U32, end: P.U32 })
// The kernel takes ports 1..65534 in a range (0 and 65535 are refused).
const Port = P.intBetween(P.U16, 1, 65534)
const PortRangeInput = Schema.Union([Port, Schema.Struct({ start: Port, end: Port })])

const ProtocolInput = Schema.Union([
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const n = Names.protocol.number(s)
        return (n !== undefined && n <= 0xff) || `"${s}" is not a protocol name (static, boot, ...) or 0..255`
      },
      { expected: "a protocol name or number" }
    )
  ),
  P.U8
])

const OptionsSchema = Schema.Struct({
  family: Schema.optional(FamilyInput),
  priority: Schema.optional(P.U32),
  action: Schema.optional(
    Schema.Union([
      Schema.Literals(["lookup", "goto", "nop", "blackhole", "unreachable", "prohibit", "nat"]),
      P.U8
    ])
  ),
  table: Schema.optional(TableInput),
  from: Schema.optional(PrefixInput),
  to: Schema.optional(PrefixInput),
  iif: Schema.optional(P.InterfaceName),
  oif: Schema.optional(P.InterfaceName),
  fwmark: Schema.optional(P.U32),
  fwmask: Schema.optional(P.U32),
  tos: Schema.optional(P.U8),
  uidRange: Schema.optional(Range32),
  ipProto: Schema.optional(
    Schema.Union([Schema.Literals(Object.keys(IP_PROTOCOLS) as Array<IpProtoName>), P.U8])
  ),
  sportRange: Schema.optional(PortRangeInput),
  dportRange: Schema.optional(PortRangeInput),
  sportMask: Schema.optional(P.U16),
  dportMask: Schema.optional(P.U16),
  dscp: Schema.optional(P.intBetween(P.U8, 0, 63)),
  dscpMask: Schema.optional(P.intBetween(P.U8, 0, 63)),
  flowlabel: Schema.optional(P.intBetween(P.U32, 0, 0xfffff)),
  flowlabelMask: Schema.optional(P.intBetween(P.U32, 0, 0xfffff)),
  realms: Schema.optional(P.U32),
  tunId: Schema.optional(P.U64),
  l3mdev: Schema.optional(Schema.Boolean),
  invert: Schema.optional(Schema.Boolean),
  suppressPrefixLength: Schema.optional(P.U32),
  suppressIfgroup: Schema.optional(P.U32),
  goto: Schema.optional(P.U32),
  protocol: Schema.optional(ProtocolInput),
  status: Schema.optional(
    Schema.Struct({ flags: Schema.Array(Schema.Union([Schema.String, Schema.Number])) })
  )
})

/**
 * The Schema of {@link Rule}: input validation and JSON.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Rule.schema)({ from: "10.0.0.0/8", table: 100, priority: 1000 })
 * ```
 * @since 0.2.0
 */
export const schema: Schema.Codec<Rule, any> = OptionsSchema as any

const FilterSchema = Schema.Struct({
  family: Schema.optionalKey(FamilyInput),
  table: Schema.optionalKey(TableInput),
  priority: Schema.optionalKey(P.U32),
  protocol: Schema.optionalKey(ProtocolInput)
})

// RTN_NAT, the route type `ip rule add nat` puts in the action byte (see Action).
const RTN_NAT = 10
const RTM_NEWRULE = RuleMessageTypes.RTM_NEWRULE
const RTM_DELRULE = RuleMessageTypes.RTM_DELRULE
const RTM_GETRULE = RuleMessageTypes.RTM_GETRULE
// fib_rule_hdr family from the start of the message, read before decoding a listed rule
const FRH_FAMILY = NLMSG_HDRLEN + FibRuleHdrOffsets.family

const ACTIONS: Record<Action, number> = {
  lookup: FrAct.toTbl,
  goto: FrAct.goto,
  nop: FrAct.nop,
  blackhole: FrAct.blackhole,
  unreachable: FrAct.unreachable,
  prohibit: FrAct.prohibit,
  nat: RTN_NAT
}

/** The action's number: given, implied by `goto`, or undefined. */
const actionNumber = (o: Options): number | undefined =>
  o.action === undefined
    ? o.goto !== undefined
      ? FrAct.goto
      : undefined
    : typeof o.action === "number"
      ? o.action
      : ACTIONS[o.action]

const FLOWLABEL_ALL = 0xfffff
const DSCP_ALL = 0x3f
const PORT_ALL = 0xffff
/** Whether a rule with this action looks up a table (ip gives "nat" rules the main table too). */
const hasTable = (action: number): boolean => action === FrAct.toTbl || action === RTN_NAT
const tableId = (t: Table): number => Names.table.number(t)!
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
  if (o.goto !== undefined && o.action !== undefined && actionNumber(o) !== FrAct.goto)
    return invalid("action", `goto is only valid with action "goto", got "${o.action}"`)
  if (o.uidRange !== undefined && o.uidRange.start > o.uidRange.end)
    return invalid("uidRange", `start ${o.uidRange.start} is after end ${o.uidRange.end}`)
  for (const key of ["sportRange", "dportRange"] as const) {
    const r = o[key]
    if (r !== undefined && typeof r !== "number" && r.start > r.end)
      return invalid(key, `start ${r.start} is after end ${r.end}`)
  }
  for (const [mask, ports] of [
    ["sportMask", "sportRange"],
    ["dportMask", "dportRange"]
  ] as const) {
    const r = o[ports]
    const m = o[mask]
    if (m === undefined) continue
    if (r === undefined || (typeof r !== "number" && r.start !== r.end))
      return invalid(mask, `a port mask needs a single port in ${ports}`)
    const port = typeof r === "number" ? r : r.start
    if ((port & ~m) !== 0)
      return invalid(ports, `port 0x${port.toString(16)} has bits outside the mask 0x${m.toString(16)}`)
  }
  if (o.dscp !== undefined && o.tos !== undefined && o.tos !== 0)
    return invalid("dscp", "dscp and tos select the same bits: give one of them")
  // the kernel keeps realms for IPv4 rules only (an IPv6 rule drops FRA_FLOW silently)
  if (o.realms !== undefined && o.realms !== 0 && (family ?? from?.family ?? to?.family) === AF_INET6)
    return invalid("realms", "realms exist only in IPv4 rules")
  if (o.dscpMask !== undefined && o.dscp === undefined) return invalid("dscpMask", "a DSCP mask needs dscp")
  if (o.dscp !== undefined && o.dscpMask !== undefined && (o.dscp & ~o.dscpMask) !== 0)
    return invalid("dscp", `${o.dscp} has bits outside the mask 0x${o.dscpMask.toString(16)}`)
  if (o.flowlabel !== undefined || o.flowlabelMask !== undefined) {
    if ((family ?? from?.family ?? to?.family) !== AF_INET6)
      return invalid(
        o.flowlabel !== undefined ? "flowlabel" : "flowlabelMask",
        "flow labels exist only in IPv6 rules"
      )
    if (o.flowlabel === undefined) return invalid("flowlabelMask", "a flow label mask needs flowlabel")
    const mask = o.flowlabelMask ?? FLOWLABEL_ALL
    if ((o.flowlabel & ~mask) !== 0)
      return invalid(
        "flowlabel",
        `0x${o.flowlabel.toString(16)} has bits outside the mask 0x${mask.toString(16)}`
      )
  }
  return undefined
}

// ---------------------------------------------------------------------------
// the model

const ACTION_NAMES: Readonly<Record<number, Action>> = Object.fromEntries(
  Object.entries(ACTIONS).map(([k, v]) => [v, k as Action])
)
const IP_PROTO_NAMES: Readonly<Record<number, IpProtoName>> = Object.fromEntries(
  Object.entries(IP_PROTOCOLS).map(([k, v]) => [v, k as IpProtoName])
)
const KERNEL_FLAGS: Readonly<Record<string, number>> = {
  permanent: FibRuleFlags.permanent,
  unresolved: FibRuleFlags.unresolved,
  iifDetached: FibRuleFlags.iifDetached,
  oifDetached: FibRuleFlags.oifDetached,
  findSaddr: FibRuleFlags.findSaddr
}
const NONE = 0xffffffff // "not set" for the suppress selectors
const statusCache = new Map<number, Status>()
const statusOf = (flags: number): Status => {
  const v = (flags & ~FibRuleFlags.invert) >>> 0
  let out = statusCache.get(v)
  if (out === undefined) {
    out = Object.freeze({ flags: Object.freeze(flagNames(v, KERNEL_FLAGS)) })
    statusCache.set(v, out)
  }
  return out
}
const range = (r: { readonly start: number; readonly end: number } | undefined) =>
  r === undefined ? undefined : { start: r.start, end: r.end }

/**
 * The rule a decoded RTM_NEWRULE message describes (rules name devices by
 * name already: `names`, taken for the same signature as the other object
 * types, is not needed).
 *
 * @example
 * ```ts
 * const raw = yield* Rule.listRaw()
 * raw.map((m) => Rule.fromMessage(m))
 * ```
 * @since 0.2.0
 */
export const fromMessage = (m: RuleMessage, _names?: (index: number) => string | number): Rule => {
  const table = m.table ?? m.tableId
  const lookup = hasTable(m.action)
  const fwmask =
    m.fwmask === undefined || m.fwmask === NONE || (m.fwmask === 0 && !m.fwmark) ? undefined : m.fwmask
  return {
    family: m.family === AF_INET6 ? "inet6" : "inet",
    priority: m.priority ?? 0,
    action: ACTION_NAMES[m.action] ?? m.action,
    table: lookup && table !== 0 ? Names.table.name(table) : undefined,
    from: m.src === undefined ? undefined : `${m.src}/${m.srcLen}`,
    to: m.dst === undefined ? undefined : `${m.dst}/${m.dstLen}`,
    iif: m.iifname,
    oif: m.oifname,
    fwmark: m.fwmark === 0 ? undefined : m.fwmark,
    fwmask,
    tos: m.tos === 0 ? undefined : m.tos,
    dscp: m.dscp,
    dscpMask: m.dscpMask === undefined || m.dscpMask === DSCP_ALL ? undefined : m.dscpMask,
    flowlabel: m.flowlabel,
    flowlabelMask: m.flowlabel === undefined ? undefined : m.flowlabelMask,
    realms: m.flow === 0 ? undefined : m.flow,
    tunId: m.tunId === 0n ? undefined : m.tunId,
    uidRange: range(m.uidRange),
    ipProto: m.ipProto === undefined ? undefined : (IP_PROTO_NAMES[m.ipProto] ?? m.ipProto),
    sportRange: range(m.sportRange),
    dportRange: range(m.dportRange),
    sportMask: m.sportMask === PORT_ALL ? undefined : m.sportMask,
    dportMask: m.dportMask === PORT_ALL ? undefined : m.dportMask,
    l3mdev: m.l3mdev === 1 ? true : undefined,
    invert: (m.flags & FibRuleFlags.invert) !== 0 ? true : undefined,
    suppressPrefixLength: m.suppressPrefixlen === NONE ? undefined : m.suppressPrefixlen,
    suppressIfgroup: m.suppressIfgroup === NONE ? undefined : m.suppressIfgroup,
    goto: m.goto,
    protocol: m.protocol === undefined || m.protocol === 0 ? undefined : Names.protocol.name(m.protocol),
    status: statusOf(m.flags)
  }
}

const prefixText = (s: string): string => {
  const p = parsePrefix(s)
  if (p === undefined) return s
  const bytes = parseIp(p.address)!
  return `${ipToString(bytes, 0, bytes.length)}/${p.length}`
}

/**
 * The canonical form of a rule: family inferred, action "lookup" with table
 * "main" when none is given (as `ip rule add`), prefixes in standard text,
 * single ports as ranges, names for tables, IP protocols and rule
 * protocols, unset selectors (and the kernel's "no mask" values) dropped,
 * status dropped. The priority stays as given (the kernel picks one when
 * none is).
 *
 * @example
 * ```ts
 * Rule.canonical({ from: "10.0.0.0/8", priority: 100 })
 * // { family: "inet", priority: 100, action: "lookup", table: "main", from: "10.0.0.0/8" }
 * ```
 * @since 0.2.0
 */
export const canonical = (o: Options): Rule => {
  const from = o.from === undefined ? undefined : parsePrefix(o.from)
  const to = o.to === undefined ? undefined : parsePrefix(o.to)
  const family = o.family ?? (from?.family === AF_INET6 || to?.family === AF_INET6 ? "inet6" : "inet")
  const action = actionNumber(o) ?? FrAct.toTbl
  const table = !hasTable(action)
    ? undefined
    : o.table !== undefined
      ? tableId(o.table)
      : o.l3mdev === true
        ? undefined
        : RtTable.main
  const ipProto =
    o.ipProto === undefined ? undefined : typeof o.ipProto === "number" ? o.ipProto : IP_PROTOCOLS[o.ipProto]
  const protocol = o.protocol === undefined ? 0 : (Names.protocol.number(o.protocol) ?? 0)
  const out: { -readonly [K in keyof Rule]: Rule[K] } = {
    family,
    priority: o.priority,
    action: ACTION_NAMES[action] ?? action
  }
  if (table !== undefined && table !== 0) out.table = Names.table.name(table)
  if (o.from !== undefined) out.from = prefixText(o.from)
  if (o.to !== undefined) out.to = prefixText(o.to)
  if (o.iif !== undefined) out.iif = o.iif
  if (o.oif !== undefined) out.oif = o.oif
  if (o.fwmark !== undefined && o.fwmark !== 0) out.fwmark = o.fwmark
  if (o.fwmask !== undefined && o.fwmask !== NONE && !(o.fwmask === 0 && out.fwmark === undefined))
    out.fwmask = o.fwmask
  if (o.tos !== undefined && o.tos !== 0) out.tos = o.tos
  if (o.dscp !== undefined) out.dscp = o.dscp
  if (o.dscp !== undefined && o.dscpMask !== undefined && o.dscpMask !== DSCP_ALL) out.dscpMask = o.dscpMask
  if (o.flowlabel !== undefined) {
    out.flowlabel = o.flowlabel
    out.flowlabelMask = o.flowlabelMask ?? FLOWLABEL_ALL
  }
  if (o.realms !== undefined && o.realms !== 0) out.realms = o.realms
  if (o.tunId !== undefined && o.tunId !== 0n) out.tunId = o.tunId
  if (o.uidRange !== undefined) out.uidRange = range(o.uidRange)
  if (ipProto !== undefined) out.ipProto = IP_PROTO_NAMES[ipProto] ?? ipProto
  if (o.sportRange !== undefined) out.sportRange = portRange(o.sportRange)
  if (o.dportRange !== undefined) out.dportRange = portRange(o.dportRange)
  if (o.sportMask !== undefined && o.sportMask !== PORT_ALL) out.sportMask = o.sportMask
  if (o.dportMask !== undefined && o.dportMask !== PORT_ALL) out.dportMask = o.dportMask
  if (o.l3mdev === true) out.l3mdev = true
  if (o.invert === true) out.invert = true
  if (o.suppressPrefixLength !== undefined && o.suppressPrefixLength !== NONE)
    out.suppressPrefixLength = o.suppressPrefixLength
  if (o.suppressIfgroup !== undefined && o.suppressIfgroup !== NONE) out.suppressIfgroup = o.suppressIfgroup
  if (o.goto !== undefined) out.goto = o.goto
  if (protocol !== 0) out.protocol = Names.protocol.name(protocol)
  return out
}

/**
 * Whether two rules have the same configuration (status ignored, defaults
 * applied).
 *
 * @example
 * ```ts
 * Rule.equals({ from: "10.0.0.0/8", priority: 5 }, { family: "inet", from: "10.0.0.0/8", priority: 5, table: 254 }) // true
 * ```
 * @since 0.2.0
 */
export const equals = (a: Options, b: Options): boolean => deepEqual(canonical(a), canonical(b))

/**
 * The identity of a rule: the kernel tells rules apart by their whole
 * content (family, priority, selectors, action and table; two rules may share
 * a priority), so the key is the canonical rule without who installed it.
 *
 * @example
 * ```ts
 * Rule.key({ from: "10.0.0.0/8", table: 100, priority: 1000 })
 * ```
 * @since 0.2.0
 */
export const key = (o: Options): string => {
  const { protocol: _, ...rest } = canonical(o)
  return JSON.stringify(rest, bigintText)
}

const bigintText = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)

/**
 * The rule object type: name, Schema, key, equality and canonical form.
 *
 * @example
 * ```ts
 * Rule.model.equals(listed, wanted)
 * ```
 * @since 0.2.0
 */
export const model: ObjectType<Rule> = { name: "rule", schema, key, equals, canonical }

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
  const action = actionNumber(o)
  const table = o.table === undefined ? undefined : tableId(o.table)
  // ip: a table, an action other than lookup, or l3mdev means "no default table"
  const tableGiven = table !== undefined || (action !== undefined && !hasTable(action)) || o.l3mdev === true
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
        : Names.protocol.number(o.protocol)
  const m: { -readonly [K in keyof RuleMessage]: RuleMessage[K] } = {
    family,
    dstLen: to?.length ?? 0,
    srcLen: from?.length ?? 0,
    tos: o.tos ?? 0,
    tableId: headerTable,
    res1: 0,
    res2: 0,
    action: action !== undefined ? action : command === "add" ? FrAct.toTbl : FrAct.unspec,
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
  if (o.sportMask !== undefined) m.sportMask = o.sportMask
  if (o.dportMask !== undefined) m.dportMask = o.dportMask
  if (o.dscp !== undefined) m.dscp = o.dscp
  if (o.dscpMask !== undefined) m.dscpMask = o.dscpMask
  if (o.flowlabel !== undefined) {
    m.flowlabel = o.flowlabel
    m.flowlabelMask = o.flowlabelMask ?? FLOWLABEL_ALL
  } else if (o.flowlabelMask !== undefined) m.flowlabelMask = o.flowlabelMask
  if (o.realms !== undefined) m.flow = o.realms
  if (o.tunId !== undefined) m.tunId = o.tunId
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
  describePath: (t: ReadonlyArray<number>, c?: PathContext) => describePath(RuleMessageMeta, t, c),
  operation
})

const prepare = (input: Options, command: "add" | "remove") =>
  Effect.gen(function* () {
    const o = (yield* validate(OptionsSchema, input)) as Options
    const problem = crossCheck(o)
    if (problem !== undefined) return yield* Effect.fail(problem)
    if (
      command === "remove" &&
      Object.keys(o).every((k) => k === "family" || k === "status" || (o as any)[k] === undefined)
    )
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
  if (NEWER.some((n) => (options as any)[n.field] !== undefined)) yield* verifyNewer(options)
})

/** Selectors newer than some kernels, with the release that added each. */
const NEWER: ReadonlyArray<{ readonly field: keyof Rule; readonly uapi: string; readonly since: string }> = [
  { field: "dscp", uapi: "FRA_DSCP", since: "6.12" },
  { field: "flowlabel", uapi: "FRA_FLOWLABEL", since: "6.14" },
  { field: "flowlabelMask", uapi: "FRA_FLOWLABEL_MASK", since: "6.14" },
  { field: "sportMask", uapi: "FRA_SPORT_MASK", since: "6.15" },
  { field: "dportMask", uapi: "FRA_DPORT_MASK", since: "6.15" },
  { field: "dscpMask", uapi: "FRA_DSCP_MASK", since: "6.15" }
]

/**
 * A kernel older than a selector ignores its attribute without an error (rule
 * requests are parsed leniently) and adds a rule that matches more than was
 * asked. Read the rule back; if a selector is missing, remove that rule and
 * fail with EOPNOTSUPP naming the selector and the release that added it.
 */
const verifyNewer = (o: Options) =>
  Effect.gen(function* () {
    const wanted = canonical(o)
    const loose = (r: Rule): string => {
      const c: Record<string, unknown> = { ...canonical(r) }
      for (const n of NEWER) delete c[n.field]
      if (o.priority === undefined) delete c.priority
      return JSON.stringify(c, bigintText)
    }
    const target = loose(o)
    const candidates = (yield* list({ family: wanted.family as "inet" | "inet6" })).filter(
      (r) => loose(r) === target
    )
    const same = (r: Rule) =>
      NEWER.every((n) => JSON.stringify(canonical(r)[n.field]) === JSON.stringify(wanted[n.field]))
    if (candidates.length === 0 || candidates.some(same)) return
    const added = candidates[0]!
    const missing = NEWER.find(
      (n) => JSON.stringify(canonical(added)[n.field]) !== JSON.stringify(wanted[n.field])
    )!
    yield* Effect.ignore(remove(added))
    return yield* Effect.fail(
      kernelError(-95, {
        operation: `rule add: ${missing.field} (${missing.uapi}) needs Linux ${missing.since} or a kernel with it backported; this kernel (${release()}) ignored it, so the rule was removed again`
      })
    )
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
    const protocol = filter.protocol === undefined ? undefined : Names.protocol.number(filter.protocol)
    const decode = (buf: Uint8Array, view: DataView, start: number, end: number, type: number) => {
      if (type !== RTM_NEWRULE) return undefined
      // An AF_UNSPEC dump also returns other
      // families' rules (ipmr, ip6mr); keep IPv4 and IPv6.
      const family = view.getUint8(start + FRH_FAMILY)
      if (family !== AF_INET && family !== AF_INET6) return undefined
      const r = decodeRuleMessage(buf, view, start + NLMSG_HDRLEN, end)
      if (table !== undefined && (r.table ?? r.tableId) !== table) return undefined
      if (filter.priority !== undefined && (r.priority ?? 0) !== filter.priority) return undefined
      if (protocol !== undefined && (r.protocol ?? 0) !== protocol) return undefined
      return r
    }
    return { request: listRequest(filter.family), decode }
  })

/**
 * How `list` dumps: `retryInterrupted` re-runs a dump that cannot be shown
 * consistent (rules changed meanwhile) up to this many times before failing
 * with the DumpInterrupted reason. Default 0.
 *
 * @example
 * ```ts
 * yield* Rule.list({}, { retryInterrupted: 3 })
 * ```
 * @since 0.2.0
 */
export interface ListOptions {
  readonly retryInterrupted?: number
}

const ListOptionsSchema = Schema.Struct({
  retryInterrupted: Schema.optionalKey(P.intBetween(P.U32, 0, 1000))
})
const dumpOptions = (o: ListOptions | undefined) =>
  Effect.map(validate(ListOptionsSchema, o ?? {}, "options"), (v) => ({
    ...requestOptions("rule list"),
    retryInterrupted: v.retryInterrupted ?? 0
  }))

// The kernel resumes a rule dump by position and flags no interruption: a
// dump in several datagrams is checked against a second one.
const rawKey = (m: RuleMessage): string =>
  `${m.family}|${m.priority}|${m.action}|${m.table ?? m.tableId}|${m.src}/${m.srcLen}|${m.dst}/${m.dstLen}|${m.fwmark}|${m.iifname}|${m.oifname}`

/**
 * The rules of both families (or of `family`), in the kernel's order (by
 * priority, IPv4 first), like `ip rule show` and `ip -6 rule show`.
 *
 * @example
 * ```ts
 * const inMain = yield* Rule.list({ table: "main" })
 * // [{ family: "inet", priority: 32766, action: "lookup", table: "main", status: { flags: [] } }, ...]
 * ```
 * @since 0.1.0
 */
export const list = operation("Rule.list", function* (filter?: Filter, o?: ListOptions) {
  return (yield* listRaw(filter, o)).map((m) => fromMessage(m))
})

/**
 * Like {@link list}, the decoded messages as the kernel sent them.
 *
 * @example
 * ```ts
 * const raw = yield* Rule.listRaw({ family: "inet6" })
 * raw[0].tableId
 * ```
 * @since 0.2.0
 */
export const listRaw = operation("Rule.listRaw", function* (filter?: Filter, o?: ListOptions) {
  const p = yield* plan(filter)
  const opts = yield* dumpOptions(o)
  return yield* consistentDump(p.request, p.decode, rawKey, opts)
})

/**
 * Like {@link list}, as a stream (checked as a whole first, as list is).
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Rule.stream({ family: "inet6" }), (r) => Effect.log(r.priority))
 * ```
 * @since 0.1.0
 */
export const stream = (filter?: Filter, o?: ListOptions): Stream.Stream<Rule, NetlinkError, Netlink> =>
  Stream.fromIterableEffect(list(filter, o))

/**
 * Like {@link stream}, the decoded messages.
 *
 * @example
 * ```ts
 * yield* Stream.runForEach(Rule.streamRaw(), (m) => Effect.log(m.priority))
 * ```
 * @since 0.2.0
 */
export const streamRaw = (
  filter?: Filter,
  o?: ListOptions
): Stream.Stream<RuleMessage, NetlinkError, Netlink> => Stream.fromIterableEffect(listRaw(filter, o))

/**
 * Removes every rule matching `filter` (all rules without one), like `ip
 * rule flush [protocol P]`, and returns how many were removed. As ip, each
 * listed rule is sent back as it was read, and the rule of priority 0 (the
 * local table's, which the kernel does not let go) is kept; the default
 * rules (main, default) are removed unless the filter spares them (they have
 * protocol "kernel").
 *
 * @example
 * ```ts
 * const n = yield* Rule.flush({ protocol: "static" })
 * yield* Rule.flush({ family: "inet6", table: 100 })
 * ```
 * @since 0.3.0
 */
export const flush = operation("Rule.flush", function* (filter?: Filter, o?: ListOptions) {
  const found = (yield* listRaw(filter, o)).filter((m) => (m.priority ?? 0) !== 0)
  if (found.length === 0) return 0
  const { route } = yield* Netlink
  const results = yield* route.requestMany(
    found.map((m) => build(RTM_DELRULE, 0, m)),
    requestOptions("rule flush")
  )
  let removed = 0
  for (const r of results) {
    if (Result.isSuccess(r)) removed++
    else if (!(r.failure.reason._tag === "Kernel" && r.failure.reason.code === "ENOENT"))
      return yield* Effect.fail(r.failure)
  }
  return removed
})
