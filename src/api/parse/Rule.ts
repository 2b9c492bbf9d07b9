/**
 * `ip rule add|del` words → a {@link Rule}, with iproute2's selectors and
 * actions (ip/iprule.c's iprule_modify).
 *
 * @since 0.3.0
 */
import * as Names from "../internal/Names.ts"
import {
  int,
  intValue,
  isError,
  type Keyword,
  keywords,
  matches,
  type Parsed,
  Words
} from "../internal/Words.ts"
import type { Filter, Rule } from "../Rule.ts"
import {
  checkAddress,
  checkPrefix,
  type Draft,
  familyOf,
  kw,
  namedValue,
  realmsValue,
  set,
  devKeyword
} from "./Common.ts"

// ip's inet_proto_a2n names (the model's IpProtoName) and numbers
const IP_PROTOS = ["icmp", "igmp", "tcp", "udp", "gre", "esp", "ah", "ipv6-icmp", "sctp", "udplite"]

const noteFamily = (s: Draft, word: string): void => {
  if (s.family === undefined) {
    const f = familyOf(word)
    if (f !== 0) s.family = f === 10 ? "inet6" : "inet"
  }
}

const prefix =
  (field: "from" | "to") =>
  (w: Words, s: Draft): Parsed<void> => {
    const v = w.value(field)
    if (isError(v)) return v
    const p = checkPrefix(w, field, v)
    if (isError(p)) return p
    // "all"/"default"/"any": the zero prefix, which ip sends as no selector
    if (p === "default") return
    noteFamily(s, v)
    s[field] = v
  }

/** `N`, `N-M` (a range) or `N/MASK`, as ip's iprule_port_parse. */
const port =
  (field: "sport" | "dport") =>
  (w: Words, s: Draft): Parsed<void> => {
    const v = w.value(field)
    if (isError(v)) return v
    const [a, b] = v.includes("-") ? v.split("-", 2) : v.split("/", 2)
    const start = int(w, field, a!, 0, 0xffff)
    if (isError(start)) return start
    if (b === undefined) {
      s[`${field}Range`] = start
      return
    }
    const second = int(w, field, b, 0, 0xffff)
    if (isError(second)) return second
    if (v.includes("-")) s[`${field}Range`] = { start, end: second }
    else {
      s[`${field}Range`] = start
      if (second !== 0xffff) s[`${field}Mask`] = second
    }
  }

/** `VALUE[/MASK]`. */
const masked =
  (keyword: string, field: string, maskField: string, max: number) =>
  (w: Words, s: Draft): Parsed<void> => {
    const v = w.value(keyword)
    if (isError(v)) return v
    const [a, m] = v.split("/", 2)
    const n = int(w, keyword, a!, 0, max)
    if (isError(n)) return n
    s[field] = n
    if (m !== undefined) {
      const mask = int(w, keyword, m, 0, 0xffffffff)
      if (isError(mask)) return mask
      s[maskField] = mask
    }
  }

const table: ReadonlyArray<Keyword<Draft>> = [
  kw(
    "not",
    (_w, s) => {
      s.invert = true
    },
    { exact: true }
  ),
  kw("from", prefix("from"), { exact: true }),
  kw("to", prefix("to"), { exact: true }),
  kw(
    "preference",
    set("priority", (w, k) => intValue(w, k), "preference"),
    { aliases: [] }
  ),
  kw(
    "order",
    set("priority", (w, k) => intValue(w, k), "order")
  ),
  kw(
    "priority",
    set("priority", (w, k) => intValue(w, k), "priority")
  ),
  kw(
    "tos",
    set("tos", (w, k) => intValue(w, k, 0, 255)),
    { exact: true }
  ),
  kw(
    "dsfield",
    set("tos", (w, k) => intValue(w, k, 0, 255))
  ),
  kw(
    "fwmark",
    (w, s) => {
      const v = w.value("fwmark")
      if (isError(v)) return v
      const [a, m] = v.split("/", 2)
      const mark = int(w, "fwmark", a!)
      if (isError(mark)) return mark
      s.fwmark = mark
      if (m !== undefined) {
        const mask = int(w, "fwmark", m)
        if (isError(mask)) return mask
        s.fwmask = mask
      }
    },
    { exact: true }
  ),
  kw("realms", set("realms", realmsValue)),
  kw("protocol", set("protocol", namedValue(Names.protocol, 255))),
  kw("tun_id", (w, s) => {
    const v = w.value("tun_id")
    if (isError(v)) return v
    if (!/^(\d+|0x[0-9a-f]+)$/i.test(v) || BigInt(v) > 0xffffffffffffffffn)
      return w.fail("tun_id", `"${v}" is not a 64-bit number`)
    s.tunId = BigInt(v)
  }),
  kw(
    "table",
    (w, s) => {
      const t = namedValue(Names.table)(w, "table")
      if (isError(t)) return t
      s.table = t
      s.$tableOk = true
    },
    { aliases: ["lookup"] }
  ),
  kw(
    "suppress_prefixlength",
    set("suppressPrefixLength", (w, k) => intValue(w, k, 0, 0x7fffffff)),
    {
      aliases: ["sup_pl"]
    }
  ),
  kw(
    "suppress_ifgroup",
    set("suppressIfgroup", (w, k) => intValue(w, k)),
    { aliases: ["sup_group"] }
  ),
  devKeyword("iif", ["iif"]),
  kw(
    "oif",
    set("oif", (w, k) => w.value(k)),
    { exact: true }
  ),
  kw(
    "l3mdev",
    (_w, s) => {
      s.l3mdev = true
      s.$tableOk = true
    },
    { exact: true }
  ),
  kw(
    "uidrange",
    (w, s) => {
      const v = w.value("uidrange")
      if (isError(v)) return v
      const m = /^(\d+)-(\d+)$/.exec(v)
      if (m === null) return w.fail("uidrange", `"${v}" is not a UID range (START-END)`)
      s.uidRange = { start: Number(m[1]), end: Number(m[2]) }
    },
    { exact: true }
  ),
  kw(
    "nat",
    (w, s) => {
      // The kernel ignores the address (ip still sends it); the model keeps the action.
      const v = w.value("nat")
      if (isError(v)) return v
      const a = checkAddress(w, "nat", v, 2)
      if (isError(a)) return a
      s.action = "nat"
      s.$tableOk = s.$tableOk ?? false
    },
    { exact: true, aliases: ["map-to", "map-t", "map-", "map", "ma", "m"] }
  ),
  kw(
    "ipproto",
    (w, s) => {
      const v = w.value("ipproto")
      if (isError(v)) return v
      if (IP_PROTOS.includes(v)) s.ipProto = v
      else {
        const n = int(w, "ipproto", v, 0, 255)
        if (isError(n)) return n
        s.ipProto = n
      }
    },
    { exact: true }
  ),
  kw("sport", port("sport"), { exact: true }),
  kw("dport", port("dport"), { exact: true }),
  kw("dscp", masked("dscp", "dscp", "dscpMask", 63), { exact: true }),
  kw("flowlabel", masked("flowlabel", "flowlabel", "flowlabelMask", 0xfffff), { exact: true })
]

/** The action words: `[type] goto N | nop | blackhole | unreachable | prohibit | unicast`. */
const action = (word: string, w: Words, s: Draft): Parsed<boolean> => {
  let v: string | undefined = word
  if (v === "type") {
    v = w.next()
    if (v === undefined) return w.fail("type", `"type" needs a value`)
  }
  s.$tableOk = true
  if (matches(v, "goto")) {
    const t = intValue(w, "goto")
    if (isError(t)) return t
    s.action = "goto"
    s.goto = t
    return true
  }
  if (matches(v, "nop")) {
    s.action = "nop"
    return true
  }
  const type = Names.routeType.number(v)
  if (type === undefined || /^\d/.test(v))
    return w.unknown(
      v,
      table.map((k) => k.name)
    )
  // ip puts the route type in the action byte; unicast is FR_ACT_TO_TBL (lookup)
  s.action = type === 1 ? "lookup" : (Names.routeType.name(type) as string)
  return true
}

/**
 * Reads the words of `ip rule add|del` into a {@link Rule}: `not`, `from`,
 * `to`, `pref`/`priority`/`order`, `tos`/`dsfield`, `fwmark V[/M]`, `realms`,
 * `protocol`, `tun_id`, `table`/`lookup`, `suppress_prefixlength`,
 * `suppress_ifgroup`, `iif`/`dev`, `oif`, `l3mdev`, `uidrange`, `nat`,
 * `ipproto`, `sport`, `dport`, `dscp`, `flowlabel` and the actions `goto N`,
 * `nop`, `blackhole`, `unreachable`, `prohibit`. `family` is ip's -4/-6.
 *
 * @example
 * ```ts
 * Rule.parse("from 10.0.0.0/8 table 100 priority 1000")
 * // { from: "10.0.0.0/8", table: 100, priority: 1000, family: "inet" }
 * ```
 * @since 0.3.0
 */
export const parse = (
  input: string | ReadonlyArray<string>,
  command = "rule add",
  family?: "inet" | "inet6"
): Parsed<Rule> => {
  const w = Words.of(input, command)
  if (w.done) return w.fail("", `"ip ${command}" requires arguments`)
  const s: Draft = family === undefined ? {} : { family }
  const r = keywords(w, table, s, action)
  if (isError(r)) return r
  if (s.l3mdev === true && s.table !== undefined && s.table !== 0)
    return w.fail("table", "table can not be specified for l3mdev rules")
  const { $tableOk: _, ...out } = s
  return out as unknown as Rule
}

const flushTable: ReadonlyArray<Keyword<Draft>> = [
  kw(
    "preference",
    set("priority", (w, k) => intValue(w, k), "preference")
  ),
  kw(
    "order",
    set("priority", (w, k) => intValue(w, k), "order")
  ),
  kw(
    "priority",
    set("priority", (w, k) => intValue(w, k), "priority")
  ),
  kw("protocol", set("protocol", namedValue(Names.protocol, 255))),
  kw("table", set("table", namedValue(Names.table)), { aliases: ["lookup"] })
]

/**
 * `ip rule flush` selectors → the {@link Filter} of the rules it removes
 * (`protocol P`, `table T`, `pref N`); ip's flush then keeps the rules of
 * priority 0 (the local table's). Empty words flush every rule of the family.
 *
 * @example
 * ```ts
 * Rule.parseFlush("protocol static") // { protocol: "static" }
 * ```
 */
export const parseFlush = (
  input: string | ReadonlyArray<string>,
  command = "rule flush",
  family?: "inet" | "inet6"
): Parsed<Filter> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, flushTable, s)
  if (isError(r)) return r
  return { ...s, family: family ?? "inet" } as Filter
}
