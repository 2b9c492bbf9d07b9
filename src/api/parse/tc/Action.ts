/**
 * `tc` action words → the library's actions: `gact drop`, `mirred egress
 * redirect dev eth1`, `police rate 1mbit burst 10k conform-exceed
 * drop/pipe`, `skbedit mark 5`, `vlan push id 100`, `pedit ex munge ip dst
 * set 10.0.0.1`, `tunnel_key set src_ip ... dst_ip ... id 42`, `ct commit
 * zone 5`, `gate sched-entry open 10ms sched-entry close 5ms`, `ife encode
 * allow mark`, `bpf bytecode "1,6 0 0 4294967295"`, each followed by tc's common tail (a control word, `index N`,
 * `cookie HEX`). The same reader serves `tc actions add action ...` and the
 * `action ...` lists of filters.
 *
 * @since 0.4.0
 */
import type * as Action from "../../Action.ts"
import { isError, type Parsed, Words } from "../../internal/Words.ts"
import { actionKinds } from "../../tc/action/registry.ts"
import { parseSize } from "../../tc/Units.ts"
import { type Into, type KindKeyword, numberOf, options, valueAs } from "./Options.ts"

const CONTROLS = new Set([
  "pass",
  "ok",
  "drop",
  "shot",
  "continue",
  "reclassify",
  "pipe",
  "trap",
  "stolen",
  "queued",
  "repeat"
])

/**
 * A control word at the cursor (`drop`, `goto chain 5`, `jump 2`), consumed; undefined when none is there.
 *
 * @example
 * ```ts
 * control(Words.of("goto chain 5", "action add")) // "goto chain 5"
 * ```
 */
export const control = (w: Words): Parsed<string | undefined> => {
  const word = w.peek()
  if (word === undefined) return undefined
  if (CONTROLS.has(word)) {
    w.next()
    return word
  }
  if (word === "goto") {
    w.next()
    if (!w.acceptExact("chain")) return w.fail("goto", '"goto" is followed by "chain N"')
    const n = intWord(w, "goto chain")
    if (isError(n)) return n
    return `goto chain ${n}`
  }
  if (word === "jump") {
    w.next()
    const n = intWord(w, "jump")
    if (isError(n)) return n
    return `jump ${n}`
  }
  return undefined
}

const intWord = (w: Words, keyword: string, min = 0, max = 0xffffffff): Parsed<number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const n = numberOf(v)
  if (n === undefined || !Number.isInteger(n)) return w.fail(keyword, `"${v}" is not an integer`)
  if (n < min || n > max) return w.fail(keyword, `${n} is out of range ${min}..${max}`)
  return n
}

// VALUE[/MASK] as two numbers
const masked = (w: Words, keyword: string): Parsed<readonly [number, number | undefined]> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const [a, b] = v.split("/")
  const x = numberOf(a!)
  const m = b === undefined ? undefined : numberOf(b)
  if (
    x === undefined ||
    !Number.isInteger(x) ||
    (b !== undefined && (m === undefined || !Number.isInteger(m)))
  )
    return w.fail(keyword, `"${v}" is not VALUE[/MASK]`)
  return [x, m]
}

const kw = (name: string, parse: KindKeyword["parse"]): KindKeyword => ({ name, parse })
const flag = (name: string, field: string, value: unknown = true): KindKeyword =>
  kw(name, (_w, into) => void (into[field] = value))
const intField = (name: string, field: string, min = 0, max = 0xffffffff): KindKeyword =>
  kw(name, (w, into) => {
    const n = intWord(w, name, min, max)
    if (isError(n)) return n
    into[field] = n
  })
const text = (name: string, field: string): KindKeyword =>
  kw(name, (w, into) => {
    const v = w.value(name)
    if (isError(v)) return v
    into[field] = v
  })

const kindOf = (kind: string) => actionKinds.find((k) => k.kind === kind)

const INTEGER = /^-?(0x[0-9a-f]+|\d+)$/i

// a signed integer word as tc's get_s32 reads it (base 0), or undefined
const s32Of = (word: string | undefined): number | undefined => {
  if (word === undefined || !INTEGER.test(word)) return undefined
  const n = word.startsWith("-") ? -numberOf(word.slice(1))! : numberOf(word)!
  return n >= -0x80000000 && n <= 0x7fffffff ? n : undefined
}

const TIME_NS: Readonly<Record<string, number>> = {
  s: 1e9,
  sec: 1e9,
  secs: 1e9,
  ms: 1e6,
  msec: 1e6,
  msecs: 1e6,
  us: 1e3,
  usec: 1e3,
  usecs: 1e3,
  ns: 1,
  nsec: 1,
  nsecs: 1
}

// nanoseconds: an integer, or a time with its unit (tc's get_time64); bigint past 2^53
const nsWord = (w: Words, keyword: string, max = 0x7fffffffffffffffn): Parsed<number | bigint> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  if (/^\d+$/.test(v)) {
    const n = BigInt(v)
    if (n > max) return w.fail(keyword, `${v} is out of range`)
    return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
  }
  const m = v.match(/^(\d+(?:\.\d*)?|\.\d+)([a-z]+)$/i)
  const scale = m === null ? undefined : TIME_NS[m[2]!.toLowerCase()]
  if (scale === undefined) return w.fail(keyword, `"${v}" is not a time (ns, or with a unit s, ms, us, ns)`)
  const ns = Math.trunc(Number(m![1]) * scale)
  if (!Number.isSafeInteger(ns) || BigInt(ns) > max) return w.fail(keyword, `${v} is out of range`)
  return ns
}

const IFE_META = ["mark", "prio", "tcindex"] as const

// `bytecode "N,c t f k,c t f k,..."`: the count, then each instruction's four decimal numbers
const bytecodeOf = (text: string): Array<readonly [number, number, number, number]> | string => {
  const [count, ...ops] = text.split(",")
  const n = /^\s*\d+\s*$/.test(count ?? "") ? Number(count) : Number.NaN
  if (!Number.isInteger(n) || n < 1 || n > 4096) return `"${count}" is not an instruction count (1..4096)`
  if (ops.length !== n) return `${n} instructions announced, ${ops.length} given`
  const out: Array<readonly [number, number, number, number]> = []
  for (const op of ops) {
    const parts = op.trim().split(/\s+/)
    const [c, jt, jf, k] = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN))
    if (parts.length !== 4 || !(c! <= 0xffff) || !(jt! <= 0xff) || !(jf! <= 0xff) || !(k! <= 0xffffffff))
      return `"${op}" is not "CODE JT JF K"`
    out.push([c!, jt!, jf!, k!])
  }
  return out
}

/** Each kind's words (beyond the control word and the common tail). */
const grammar = (kind: string): ReadonlyArray<KindKeyword> => {
  switch (kind) {
    case "gact":
      return [
        kw("random", (w, into) => {
          const type = w.value("random")
          if (isError(type)) return type
          if (type !== "determ" && type !== "netrand")
            return w.fail("random", `"${type}" is not determ or netrand`)
          const c = control(w)
          if (isError(c)) return c
          if (c === undefined) return w.fail("random", "a control action follows the random type")
          const value = intWord(w, "random", 1, 10000)
          if (isError(value)) return value
          into.random = { type, value, action: c }
        })
      ]
    case "mirred":
      return [
        ...(["egress", "ingress"] as const).map((d) => flag(d, "direction", d)),
        ...(["redirect", "mirror"] as const).map((m) => flag(m, "mode", m)),
        text("dev", "dev"),
        intField("blockid", "block", 1, 0xfffffffe)
      ]
    case "police": {
      const k = kindOf("police")!
      return [
        valueAs(k, "burst", "burst", ["buffer", "maxburst"]),
        valueAs(k, "pkts_rate", "pktsRate"),
        valueAs(k, "pkts_burst", "pktsBurst"),
        kw("conform-exceed", (w, into) => {
          const v = w.value("conform-exceed")
          if (isError(v)) return v
          const [exceed, conform] = v.split("/")
          into.exceed = exceed
          if (conform !== undefined) into.conform = conform
        })
      ]
    }
    case "nat":
      return (["ingress", "egress"] as const).map((d) =>
        kw(d, (w, into) => {
          const old = w.value(d)
          if (isError(old)) return old
          const nu = w.value(d)
          if (isError(nu)) return nu
          into.direction = d
          into.old = old
          into.new = nu
        })
      )
    case "skbedit":
      return [
        text("priority", "priority"),
        intField("queue_mapping", "queueMapping", 0, 0xffff),
        kw("mark", (w, into) => {
          const m = masked(w, "mark")
          if (isError(m)) return m
          into.mark = m[0]
          if (m[1] !== undefined) into.mask = m[1]
        }),
        text("ptype", "ptype"),
        flag("inheritdsfield", "inheritDsfield")
      ]
    case "vlan":
      return [
        ...["pop", "push", "modify", "pop_eth", "push_eth"].map((op) => flag(op, "op", op)),
        intField("id", "id", 0, 4095),
        kw("protocol", (w, into) => {
          const v = w.value("protocol")
          if (isError(v)) return v
          const p =
            v.toLowerCase() === "802.1q" ? "802.1Q" : v.toLowerCase() === "802.1ad" ? "802.1ad" : undefined
          if (p === undefined) return w.fail("protocol", `"${v}" is not 802.1Q or 802.1ad`)
          into.protocol = p
        }),
        intField("priority", "priority", 0, 7)
      ]
    case "pedit":
      return [
        flag("ex", "ex"),
        kw("munge", (w, into) => {
          const header = w.value("munge")
          if (isError(header)) return header
          const key: Record<string, unknown> = { header }
          if (header === "offset") {
            return w.fail(
              "munge",
              'nlink reads named fields only (munge ip|ip6|eth|tcp|udp FIELD set|add VALUE), not "munge offset N u32 ..."'
            )
          }
          const field = w.value("munge")
          if (isError(field)) return field
          key.field = field
          const op = w.value("munge")
          if (isError(op)) return op
          if (op !== "set" && op !== "add") return w.fail("munge", `"${op}" is not set or add`)
          const v = w.value("munge")
          if (isError(v)) return v
          const n = numberOf(v)
          if (op === "add") key.op = "add"
          key.value = n !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(v) ? n : v
          into.keys = [...((into.keys as Array<unknown>) ?? []), key]
        })
      ]
    case "tunnel_key":
      return [
        flag("set", "op", "set"),
        flag("unset", "op", "unset"),
        text("src_ip", "src"),
        text("dst_ip", "dst"),
        intField("id", "id"),
        intField("dst_port", "dstPort", 0, 0xffff),
        intField("tos", "tos", 0, 0xff),
        intField("ttl", "ttl", 0, 0xff),
        flag("nocsum", "noCsum", true),
        flag("csum", "noCsum", false),
        kw("geneve_opts", (w, into) => {
          const v = w.value("geneve_opts")
          if (isError(v)) return v
          const out: Array<unknown> = []
          for (const o of v.split(",")) {
            const [c, t, d] = o.split(":")
            if (c === undefined || t === undefined || d === undefined || !/^[0-9a-f]+$/i.test(c + t + d))
              return w.fail("geneve_opts", `"${o}" is not CLASS:TYPE:DATA in hexadecimal`)
            out.push({ class: Number.parseInt(c, 16), type: Number.parseInt(t, 16), data: d })
          }
          into.geneveOpts = out
        }),
        kw("vxlan_opts", (w, into) => {
          const n = intWord(w, "vxlan_opts")
          if (isError(n)) return n
          into.vxlanOpts = { gbp: n }
        }),
        kw("erspan_opts", (w, into) => {
          const v = w.value("erspan_opts")
          if (isError(v)) return v
          // each part as tc's get_u8/get_be32 with base 0 read it: decimal, or hexadecimal after 0x
          const parts = v.split(":").map(numberOf)
          if (parts.length !== 4 || parts.some((p) => p === undefined || !Number.isInteger(p)))
            return w.fail("erspan_opts", `"${v}" is not VERSION:INDEX:DIR:HWID`)
          const [ver, index, dir, hwid] = parts as Array<number>
          into.erspanOpts = ver === 1 ? { version: 1, index } : { version: ver, dir, hwid }
        })
      ]
    case "csum": {
      const headers: Record<string, string> = {
        iph: "iph",
        ip4h: "iph",
        icmp: "icmp",
        igmp: "igmp",
        tcp: "tcp",
        udp: "udp",
        udplite: "udplite",
        sctp: "sctp"
      }
      return [
        ...Object.entries(headers).map(([word, h]) =>
          kw(word, (_w, into) => {
            const list = (into.update as Array<string>) ?? []
            if (!list.includes(h)) into.update = [...list, h]
          })
        ),
        kw("and", () => undefined)
      ]
    }
    case "ct":
      return [
        flag("commit", "commit"),
        flag("force", "force"),
        flag("clear", "clear"),
        intField("zone", "zone", 0, 0xffff),
        kw("mark", (w, into) => {
          const m = masked(w, "mark")
          if (isError(m)) return m
          into.mark = m[0]
          if (m[1] !== undefined) into.markMask = m[1]
        }),
        kw("label", (w, into) => {
          const v = w.value("label")
          if (isError(v)) return v
          const [l, m] = v.split("/")
          into.labels = l
          if (m !== undefined) into.labelsMask = m
        }),
        kw("helper", (w, into) => {
          // FAMILY-PROTO-NAME, as tc writes it (ipv4-tcp-ftp)
          const v = w.value("helper")
          if (isError(v)) return v
          const m = v.match(/^(ipv4|ipv6)-(tcp|udp)-(.+)$/)
          if (m === null) return w.fail("helper", `"${v}" is not FAMILY-PROTO-NAME (ipv4-tcp-ftp)`)
          into.helper = { name: m[3], family: m[1], protocol: m[2] }
        }),
        kw("nat", (w, into) => {
          const nat: Record<string, unknown> = {}
          const type = w.peek()
          if (type === "src" || type === "dst") {
            w.next()
            nat.type = type
            if (!w.acceptExact("addr"))
              return w.fail("nat", `"nat ${type}" is followed by "addr ADDRESS[-ADDRESS]"`)
            const a = w.value("nat addr")
            if (isError(a)) return a
            nat.addr = a
            if (w.acceptExact("port")) {
              const p = w.value("nat port")
              if (isError(p)) return p
              nat.port = /^\d+$/.test(p) ? Number(p) : p
            }
          }
          into.nat = nat
        })
      ]
    case "connmark":
      return [intField("zone", "zone", 0, 0xffff)]
    case "gate": {
      const ns = (name: string, field: string) =>
        kw(name, (w, into) => {
          const v = nsWord(w, name)
          if (isError(v)) return v
          into[field] = v
        })
      return [
        kw("priority", (w, into) => {
          const v = w.value("priority")
          if (isError(v)) return v
          const n = s32Of(v)
          if (n === undefined || n < -1) return w.fail("priority", `"${v}" is not a priority (-1 for any)`)
          if (n === -1) delete into.priority
          else into.priority = n
        }),
        ns("base-time", "baseTime"),
        ns("cycle-time", "cycleTime"),
        ns("cycle-time-ext", "cycleTimeExtension"),
        text("clockid", "clockid"),
        intField("flags", "flags"),
        kw("sched-entry", (w, into) => {
          const state = w.value("sched-entry")
          if (isError(state)) return state
          if (state !== "open" && state !== "close")
            return w.fail("sched-entry", `"${state}" is not open or close`)
          const interval = nsWord(w, "sched-entry", 0xffffffffn)
          if (isError(interval)) return interval
          if (interval === 0) return w.fail("sched-entry", "the interval is at least 1 ns")
          const entry: Record<string, unknown> = { gate: state, interval: Number(interval) }
          // then an optional internal priority and an optional octet limit (-1: any); a closed gate has neither
          const ipv = s32Of(w.peek())
          if (ipv !== undefined) {
            w.next()
            if (state === "open" && ipv >= 0) entry.ipv = ipv
            const word = w.peek()
            const octets =
              s32Of(word) ?? (word !== undefined && /^\d/.test(word) ? parseSize(word) : undefined)
            if (octets !== undefined) {
              w.next()
              if (octets > 0x7fffffff) return w.fail("sched-entry", `"${word}" is more than 2^31-1 bytes`)
              if (state === "open" && octets >= 0) entry.maxOctets = octets
            }
          }
          into.entries = [...((into.entries as Array<unknown>) ?? []), entry]
        })
      ]
    }
    case "ife":
      return [
        flag("encode", "mode", "encode"),
        flag("decode", "mode", "decode"),
        kw("allow", (w, into) => {
          const m = w.value("allow")
          if (isError(m)) return m
          if (!(IFE_META as ReadonlyArray<string>).includes(m))
            return w.fail("allow", `"${m}" is not mark, prio or tcindex`)
          const list = (into.allow as Array<string>) ?? []
          if (!list.includes(m)) into.allow = [...list, m]
        }),
        kw("use", (w, into) => {
          const m = w.value("use")
          if (isError(m)) return m
          if (!(IFE_META as ReadonlyArray<string>).includes(m))
            return w.fail("use", `"${m}" is not mark, prio or tcindex`)
          const n = intWord(w, `use ${m}`, 0, m === "tcindex" ? 0xffff : 0xffffffff)
          if (isError(n)) return n
          into.use = { ...((into.use as object) ?? {}), [m]: n }
        }),
        text("dst", "dst"),
        text("src", "src"),
        intField("type", "type", 1, 0xffff)
      ]
    case "bpf":
      return [
        { ...text("object-pinned", "pinned"), aliases: ["pinned"] },
        kw("bytecode", (w, into) => {
          const v = w.value("bytecode")
          if (isError(v)) return v
          const code = bytecodeOf(v)
          if (typeof code === "string") return w.fail("bytecode", code)
          into.bytecode = code
        })
      ]
    case "mpls":
      return [
        ...["pop", "push", "mac_push", "modify", "dec_ttl"].map((op) => flag(op, "op", op)),
        kw("protocol", (w, into) => {
          const v = w.value("protocol")
          if (isError(v)) return v
          into.protocol = numberOf(v) ?? v
        }),
        intField("label", "label", 0, 0xfffff),
        intField("tc", "tc", 0, 7),
        intField("ttl", "ttl", 0, 0xff),
        intField("bos", "bos", 0, 1)
      ]
    case "skbmod":
      return [
        kw("set", (w, into) => {
          const what = w.value("set")
          if (isError(what)) return what
          if (what === "dmac" || what === "smac") {
            const v = w.value(`set ${what}`)
            if (isError(v)) return v
            into[what] = v
          } else if (what === "etype") {
            const n = intWord(w, "set etype", 0, 0xffff)
            if (isError(n)) return n
            into.etype = n
          } else return w.fail("set", `"${what}" is not dmac, smac or etype`)
        }),
        kw("swap", (w, into) => {
          if (!w.acceptExact("mac")) return w.fail("swap", '"swap" is followed by "mac"')
          into.swapMac = true
        }),
        flag("ecn", "ecn")
      ]
    case "sample":
      return [intField("rate", "rate", 1), intField("group", "group"), intField("trunc", "trunc")]
    case "simple":
      return [text("sdata", "sdata")]
    case "ctinfo":
      return [
        intField("zone", "zone", 0, 0xffff),
        kw("dscp", (w, into) => {
          const m = intWord(w, "dscp")
          if (isError(m)) return m
          into.dscpMask = m
          if (/^(0x[0-9a-f]+|\d+)$/i.test(w.peek() ?? "")) {
            const s = intWord(w, "dscp")
            if (isError(s)) return s
            into.dscpStateMask = s
          }
        }),
        kw("cpmark", (w, into) => {
          if (/^(0x[0-9a-f]+|\d+)$/i.test(w.peek() ?? "")) {
            const m = intWord(w, "cpmark")
            if (isError(m)) return m
            into.cpmark = m
          } else into.cpmark = true
        })
      ]
  }
  return []
}

// the kinds whose words are all spelled as their Schema fields
const DERIVED = new Set(["police"])

/**
 * One action at the cursor (`KIND options... [control] [index N] [cookie
 * HEX]`), consumed; stops at the first word that is not the action's
 * (`action` starts the next one; a filter's words may follow).
 *
 * @example
 * ```ts
 * parseAction(Words.of("gact drop index 5", "action add"))
 * // { kind: "gact", index: 5, options: { action: "drop" } }
 * ```
 * @since 0.4.0
 */
export const parseAction = (w: Words, optionsRequired = true): Parsed<Action.Action> => {
  const first = w.peek()
  // tc takes a bare control word as gact's (`action drop`)
  const kind =
    first !== undefined && (CONTROLS.has(first) || first === "goto" || first === "jump") ? "gact" : w.next()
  if (kind === undefined) return w.fail("action", "an action kind is required (gact, mirred, police ...)")
  const k = kindOf(kind)
  if (k === undefined)
    return w.fail(
      "action",
      `unknown action kind "${kind}" (known: ${actionKinds.map((k) => k.kind).join(", ")})`
    )
  const inner = new Words(w.rest(), `${w.command} ${kind}`)
  const a: Record<string, unknown> = { kind }
  const into: Into = {}
  // gact's control word comes first (`gact drop`), the others' after their words
  for (;;) {
    const c = control(inner)
    if (isError(c)) return c
    if (c !== undefined) {
      into.action = c
      continue
    }
    const before = inner.position
    const o = options(
      inner,
      DERIVED.has(kind) ? k : { kind, fields: {} },
      grammar(kind),
      (word) =>
        CONTROLS.has(word) ||
        word === "goto" ||
        word === "jump" ||
        word === "index" ||
        word === "cookie" ||
        word === "action",
      true
    )
    if (isError(o)) return o
    Object.assign(into, o)
    if (inner.position !== before) continue
    const word = inner.peek()
    if (word === "index") {
      inner.next()
      const n = intWord(inner, "index", 1)
      if (isError(n)) return n
      a.index = n
    } else if (word === "cookie") {
      inner.next()
      const v = inner.value("cookie")
      if (isError(v)) return v
      if (!/^([0-9a-f]{2}){1,16}$/i.test(v))
        return inner.fail("cookie", `"${v}" is not up to 16 bytes of hexadecimal`)
      a.cookie = v
    } else if (word === "no_percpu" || word === "skip_hw" || word === "skip_sw") {
      inner.next()
      a.flags = [...((a.flags as Array<string>) ?? []), word]
    } else break
  }
  delete into.ex
  if (kind === "police" && into.action !== undefined) {
    // police's trailing control word is its exceed action, as tc reads it
    into.exceed ??= into.action
    delete into.action
  }
  for (let i = 0; i < inner.position; i++) w.next()
  if (Object.keys(into).length > 0 || optionsRequired) a.options = into
  return a as unknown as Action.Action
}

/**
 * The actions of `tc actions add|del|get` words: `action KIND ... [action
 * KIND ...]` (`action` may be left out before the first). For del/get
 * (`optionsRequired` false) an action is its kind and index.
 *
 * @example
 * ```ts
 * const as = parseActions("action gact drop index 5")
 * ```
 * @since 0.4.0
 */
export const parseActions = (
  input: string | ReadonlyArray<string>,
  command = "action add",
  selectOnly = false
): Parsed<Array<Action.Action>> => {
  const w = Words.of(input, command)
  const out: Array<Action.Action> = []
  while (!w.done) {
    if (!w.acceptExact("action") && out.length > 0) return w.unknown(w.peek() as string, ["action"])
    const a = parseAction(w, !selectOnly)
    if (isError(a)) return a
    out.push(a)
  }
  if (out.length === 0) return w.fail("action", "an action is required (action KIND ...)")
  return out
}

/**
 * One standalone action from `tc actions add` words.
 *
 * @example
 * ```ts
 * const a = parse("action mirred egress redirect dev eth1 index 3")
 * ```
 * @since 0.4.0
 */
export const parse = (
  input: string | ReadonlyArray<string>,
  command = "action add"
): Parsed<Action.Action> => {
  const as = parseActions(input, command)
  if (isError(as)) return as
  if (as.length !== 1) return Words.of([], command).fail("action", "one action is expected here")
  return as[0]!
}
