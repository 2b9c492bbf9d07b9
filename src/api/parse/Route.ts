/**
 * `ip route add|del|replace|get` words → a {@link Route}, with iproute2's
 * keywords, abbreviations and defaults (ip/iproute.c's iproute_modify).
 *
 * @since 0.3.0
 */
import { AF_INET, AF_INET6 } from "../internal/Common.ts"
import * as Names from "../internal/Names.ts"
import { int, intValue, isError, type Keyword, keywords, type Parsed, Words } from "../internal/Words.ts"
import type { GetOptions, MetricName, Route } from "../Route.ts"
import {
  checkAddress,
  checkPrefix,
  type Draft,
  familyOf,
  flag,
  kw,
  namedValue,
  once,
  realmsValue,
  rttValue,
  set,
  devKeyword
} from "./Common.ts"
import { parseEncap } from "./Encap.ts"

interface State extends Draft {
  metrics?: Record<string, unknown>
  locked?: Array<MetricName>
}

const familyName = (word: string): number | undefined =>
  word === "inet" ? AF_INET : word === "inet6" ? AF_INET6 : undefined

/** The route's family so far: an explicit one, else that of the first address seen. */
const familyNow = (s: Draft): number => (s.$family as number | undefined) ?? 0

const noteFamily = (s: Draft, word: string): void => {
  if (s.$family === undefined || s.$family === 0) {
    const f = familyOf(word)
    if (f !== 0) s.$family = f
  }
}

const metric = (s: State, name: string, value: unknown): void => {
  s.metrics ??= {}
  s.metrics[name] = value
}

/** `KEYWORD [lock] N`: a metric that may be locked. */
const lockable = (
  name: string,
  field: MetricName,
  read: (w: Words, keyword: string) => Parsed<unknown>,
  exact: boolean
): Keyword<State> =>
  kw<State>(
    name,
    (w, s) => {
      if (w.acceptExact("lock")) (s.locked ??= []).push(field)
      const v = read(w, name)
      if (isError(v)) return v
      metric(s, field, v)
    },
    { exact }
  )

const u32 = (w: Words, keyword: string) => intValue(w, keyword)
const rtt = (scale: number) => (w: Words, keyword: string) => {
  const t = rttValue(w, keyword)
  return isError(t) ? t : t.raw ? t.ms : t.ms * scale
}

/** `via [FAMILY] ADDRESS`: a gateway of the route's family, else RTA_VIA. */
const via = (w: Words, s: Draft, into: Draft): Parsed<void> => {
  const first = w.value("via")
  if (isError(first)) return first
  const explicit = familyName(first)
  const word = explicit === undefined ? first : w.value("via")
  if (isError(word)) return word
  const a = checkAddress(w, "via", word, explicit)
  if (isError(a)) return a
  noteFamily(s, a)
  if (familyOf(a) === familyNow(s)) into.gateway = a
  else into.via = { family: familyOf(a) === AF_INET6 ? "inet6" : "inet", address: a }
}

/** One `nexthop ...` clause of a multipath route. */
const nexthopTable: ReadonlyArray<Keyword<Draft & { $route: Draft }>> = [
  kw("via", (w, nh) => via(w, nh.$route, nh), { exact: true }),
  devKeyword(),
  kw(
    "weight",
    (w, nh) => {
      const v = intValue(w, "weight", 1, 256)
      if (isError(v)) return v
      nh.weight = v
    },
    { exact: true }
  ),
  kw(
    "onlink",
    (_w, nh) => {
      nh.onlink = true
    },
    { exact: true }
  ),
  kw("realms", set("realms", realmsValue)),
  kw(
    "encap",
    (w, nh) => {
      const e = parseEncap(w)
      if (isError(e)) return e
      nh.encap = e
    },
    { exact: true }
  )
]

const table: ReadonlyArray<Keyword<State>> = [
  kw(
    "src",
    (w, s) => {
      const v = w.value("src")
      if (isError(v)) return v
      const a = checkAddress(w, "src", v, familyNow(s))
      if (isError(a)) return a
      noteFamily(s, a)
      s.prefsrc = a
    },
    { exact: true }
  ),
  kw(
    "via",
    (w, s) => {
      if (s.gateway !== undefined || s.via !== undefined)
        return w.fail("via", "use nexthop syntax to specify multiple via")
      return via(w, s, s)
    },
    { exact: true }
  ),
  kw(
    "from",
    (w, s) => {
      const v = w.value("from")
      if (isError(v)) return v
      const p = checkPrefix(w, "from", v)
      if (isError(p)) return p
      noteFamily(s, v)
      s.source = p === "default" ? (familyNow(s) === AF_INET6 ? "::/0" : "0.0.0.0/0") : p
    },
    { exact: true }
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
  kw("expires", set("expires", u32), { exact: true }),
  kw("metric", set("metric", u32), { aliases: ["preference"] }),
  kw("priority", set("metric", u32)),
  kw("scope", set("scope", namedValue(Names.scope, 255)), { exact: true }),
  lockable("mtu", "mtu", u32, true),
  lockable("hoplimit", "hoplimit", (w, k) => intValue(w, k, 0, 255), true),
  lockable("advmss", "advmss", u32, true),
  lockable("reordering", "reordering", u32, false),
  lockable("rtt", "rtt", rtt(8), true),
  kw(
    "rto_min",
    (w, s) => {
      const t = rttValue(w, "rto_min")
      if (isError(t)) return t
      ;(s.locked ??= []).push("rtoMin")
      metric(s, "rtoMin", t.ms)
    },
    { exact: true }
  ),
  lockable("window", "window", u32, false),
  lockable("cwnd", "cwnd", u32, false),
  lockable("initcwnd", "initcwnd", u32, false),
  lockable("initrwnd", "initrwnd", u32, false),
  kw("features", (w, s) => {
    let features = 0
    for (;;) {
      if (w.acceptExact("ecn")) features |= 1
      else if (w.acceptExact("tcp_usec_ts")) features |= 1 << 4
      else break
    }
    if (features === 0) return w.fail("features", `"features" value not valid`)
    metric(s, "features", features)
  }),
  kw("quickack", (w, s) => {
    const v = intValue(w, "quickack", 0, 1)
    if (isError(v)) return v
    metric(s, "quickack", v)
  }),
  lockable("congctl", "ccAlgo", (w, k) => w.value(k), false),
  lockable("rttvar", "rttvar", rtt(4), false),
  lockable("ssthresh", "ssthresh", u32, false),
  kw("realms", set("realms", realmsValue)),
  flag("onlink", "onlink") as Keyword<State>,
  kw(
    "nexthop",
    (w, s) => {
      // Every word after the first `nexthop` belongs to the multipath list.
      const hops: Array<Draft> = []
      w.back()
      while (!w.done) {
        if (!w.acceptExact("nexthop")) {
          const word = w.peek() as string
          return w.fail(word, `"nexthop" or end of line is expected instead of "${word}"`)
        }
        if (w.done) return w.fail("nexthop", 'unexpected end of line after "nexthop"')
        const nh: Draft & { $route: Draft } = { $route: s }
        while (!w.done && w.peek() !== "nexthop") {
          const word = w.next() as string
          const k = nexthopTable.find((k) => word.length >= (k.min ?? 1) && k.name.startsWith(word))
          if (k === undefined)
            return w.unknown(
              word,
              nexthopTable.map((k) => k.name)
            )
          const r = k.parse(w, nh)
          if (isError(r)) return r
        }
        const { $route: _, ...hop } = nh
        hops.push(hop)
      }
      s.nexthops = hops
    },
    { exact: true }
  ),
  kw("nhid", set("nexthopId", u32), { exact: true }),
  kw("protocol", set("protocol", namedValue(Names.protocol, 255))),
  kw("table", set("table", namedValue(Names.table))),
  devKeyword("dev", ["oif"]),
  kw("pref", (w, s) => {
    const v = w.value("pref")
    if (isError(v)) return v
    if (v === "low" || v === "medium" || v === "high") s.pref = v
    else {
      const n = int(w, "pref", v, 0, 255)
      if (isError(n)) return n
      s.pref = n
    }
  }),
  kw(
    "encap",
    (w, s) => {
      const e = parseEncap(w)
      if (isError(e)) return e
      s.encap = e
    },
    { exact: true }
  ),
  kw("fastopen_no_cookie", (w, s) => {
    const v = intValue(w, "fastopen_no_cookie", 0, 1)
    if (isError(v)) return v
    metric(s, "fastopenNoCookie", v)
  })
]

/** `[to] [TYPE] PREFIX`: the word no keyword took. */
const destination = (word: string, w: Words, s: State): Parsed<boolean> => {
  let v: string | undefined = word
  if (v === "to") {
    v = w.next()
    if (v === undefined) return w.fail("to", `"to" needs a value`)
  }
  if (!/^[0-9]/.test(v) && Names.routeType.number(v) !== undefined && !/^[0-9a-f:]*:/i.test(v)) {
    s.type = v
    v = w.next()
    if (v === undefined) return w.fail(s.type as string, "needs a prefix")
  }
  const p = checkPrefix(w, "to", v)
  if (isError(p))
    return word === v
      ? w.unknown(
          v,
          table.map((k) => k.name)
        )
      : p
  const dup = once(w, s, "destination", "to")
  if (isError(dup)) return dup
  noteFamily(s, v)
  s.destination = p
  return true
}

const finish = (w: Words, s: State): Parsed<Route> => {
  if (s.destination === undefined) return w.fail("to", "a destination prefix is required")
  const { $family, locked, metrics, ...rest } = s
  const out: Draft = { ...rest }
  if ($family === AF_INET6 && (s.destination === "default" || s.family !== undefined)) out.family = "inet6"
  if (metrics !== undefined || locked !== undefined)
    out.metrics = { ...metrics, ...(locked === undefined ? {} : { locked }) }
  return out as unknown as Route
}

/**
 * Reads the words of `ip route add|del|replace` (after the verb) into a
 * {@link Route}: `[to] [TYPE] PREFIX`, `via [FAMILY] ADDR`, `dev`, `table`,
 * `metric`, `proto`, `scope`, `src`, `from`, `tos`, the metrics with `lock`,
 * `onlink`, `realms`, `pref`, `expires`, `nhid`, `encap mpls|ip|ip6|seg6|seg6local|ioam6 ...`
 * and multipath `nexthop via ... dev ... weight ...` clauses. `family`
 * ("inet"/"inet6", ip's -4/-6) applies to words like "default" that carry no
 * family.
 *
 * @example
 * ```ts
 * import * as Route from "nlink/api/Route"
 * const r = Route.parse("10.0.0.0/24 via 10.0.0.1 dev eth0 table 100")
 * // { destination: "10.0.0.0/24", gateway: "10.0.0.1", dev: "eth0", table: 100 }
 * ```
 * @since 0.3.0
 */
export const parse = (
  input: string | ReadonlyArray<string>,
  command = "route add",
  family?: "inet" | "inet6"
): Parsed<Route> => {
  const w = Words.of(input, command)
  const s: State = {}
  if (family !== undefined) {
    s.$family = family === "inet6" ? AF_INET6 : AF_INET
    s.family = family
  }
  const r = keywords(w, table, s, destination)
  if (isError(r)) return r
  return finish(w, s)
}

/**
 * Reads the words of `ip route get`: the address, then `from`, `iif`, `oif`
 * (`dev`), `mark`, `uid`, `fibmatch`, `connected`.
 *
 * @example
 * ```ts
 * Route.parseGet("10.2.3.4 from 10.1.2.3 mark 5")
 * // { destination: "10.2.3.4", options: { from: "10.1.2.3", mark: 5 } }
 * ```
 * @since 0.3.0
 */
export const parseGet = (
  input: string | ReadonlyArray<string>,
  command = "route get"
): Parsed<{ readonly destination: string; readonly options: GetOptions }> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords<Draft>(
    w,
    [
      kw(
        "from",
        set("from", (w, k) => w.value(k)),
        { exact: true }
      ),
      kw(
        "iif",
        set("iif", (w, k) => w.value(k)),
        { exact: true }
      ),
      kw(
        "oif",
        set("oif", (w, k) => w.value(k)),
        { exact: true, aliases: ["dev"] }
      ),
      kw(
        "mark",
        set("mark", (w, k) => intValue(w, k))
      ),
      kw(
        "uid",
        set("uid", (w, k) => intValue(w, k)),
        { exact: true }
      ),
      flag("fibmatch", "fibMatch"),
      flag("connected", "connected", true, false)
    ],
    s,
    (word, w, s) => {
      const v = word === "to" ? w.next() : word
      if (v === undefined) return w.fail("to", `"to" needs a value`)
      const a = checkPrefix(w, "to", v)
      if (isError(a)) return a
      s.$destination = a
      return true
    }
  )
  if (isError(r)) return r
  const { $destination, ...options } = s
  if ($destination === undefined) return w.fail("to", "a destination address is required")
  return { destination: $destination as string, options: options as GetOptions }
}
