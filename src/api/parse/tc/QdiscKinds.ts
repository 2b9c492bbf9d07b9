/**
 * The option words of the qdisc and class kinds where `tc` does not simply
 * spell the field name (src/api/parse/tc/Options.ts derives the rest from
 * each kind's Schema): hexadecimal `default`s, aliases such as tbf's
 * `buffer`, netem's positional delay/jitter/correlation, cake's one-word
 * modes, hfsc's service curves, taprio's schedule.
 *
 * @since 0.4.0
 */
import { isError, type Parsed, type Words } from "../../internal/Words.ts"
import * as Units from "../../tc/Units.ts"
import { constant, hexValue, type Into, type KindKeyword, numberOf } from "./Options.ts"

// tc's NEXT_IS_NUMBER: an optional positional value follows when the next word starts with a digit
const nextIsNumber = (w: Words): boolean => /^[0-9]/.test(w.peek() ?? "")

const alias = (name: string, field: string, check: (word: string) => boolean, what: string): KindKeyword => ({
  name,
  parse: (w, into) => {
    const v = w.value(name)
    if (isError(v)) return v
    if (!check(v)) return w.fail(name, `"${v}" is not ${what}`)
    into[field] = numberOf(v) ?? v
  }
})
const sizeAlias = (name: string, field: string) =>
  alias(name, field, (v) => Units.parseSize(v) !== undefined, "a size")
const isTime = (v: string) => Units.parseTime(v) !== undefined
const isPercent = (v: string) => Units.parsePercent(v) !== undefined
const isRate = (v: string) => Units.parseRate(v) !== undefined

/** One value word checked by `check`, kept as text (tc's units) or a number. */
const word = (
  w: Words,
  keyword: string,
  check: (v: string) => boolean,
  what: string
): Parsed<string | number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  if (!check(v)) return w.fail(keyword, `"${v}" is not ${what}`)
  return v
}

// a percent with an optional correlation after it (netem's duplicate, reorder, corrupt, loss random)
const percentPair = (name: string, field: string, corr: string): KindKeyword => ({
  name,
  parse: (w, into) => {
    const p = word(w, name, isPercent, "a percentage")
    if (isError(p)) return p
    into[field] = p
    if (nextIsNumber(w)) {
      const c = word(w, name, isPercent, "a percentage")
      if (isError(c)) return c
      into[corr] = c
    }
  }
})

// loss gemodel's 1-h: what tc sends is 2^32-1 minus the percentage given
const complement = (p: string): number => Units.percentFromKernel(0xffffffff - Units.percentToKernel(p))

const netem: ReadonlyArray<KindKeyword> = [
  {
    name: "delay",
    aliases: ["latency"],
    parse: (w, into) => {
      const d = word(w, "delay", isTime, "a time")
      if (isError(d)) return d
      into.delay = d
      if (nextIsNumber(w)) {
        const j = word(w, "delay", isTime, "a time")
        if (isError(j)) return j
        into.jitter = j
        if (nextIsNumber(w)) {
          const c = word(w, "delay", isPercent, "a percentage")
          if (isError(c)) return c
          into.delayCorrelation = c
        }
      }
    }
  },
  {
    name: "loss",
    parse: (w, into) => {
      if (w.acceptExact("state")) {
        const names = ["p13", "p31", "p32", "p23", "p14"]
        const s: Record<string, unknown> = {}
        for (const n of names) {
          if (n !== "p13" && !nextIsNumber(w)) break
          const p = word(w, "loss state", isPercent, "a percentage")
          if (isError(p)) return p
          s[n] = p
        }
        into.lossState = s
        return
      }
      if (w.acceptExact("gemodel")) {
        const g: Record<string, unknown> = {}
        const names = ["p", "r", "h", "k1"]
        for (const n of names) {
          if (n !== "p" && !nextIsNumber(w)) break
          const p = word(w, "loss gemodel", isPercent, "a percentage")
          if (isError(p)) return p
          g[n] = n === "h" ? complement(String(p)) : p
        }
        into.lossGemodel = g
        return
      }
      w.acceptExact("random")
      const p = word(w, "loss", isPercent, "a percentage")
      if (isError(p)) return p
      into.loss = p
      if (nextIsNumber(w)) {
        const c = word(w, "loss", isPercent, "a percentage")
        if (isError(c)) return c
        into.lossCorrelation = c
      }
    }
  },
  percentPair("duplicate", "duplicate", "duplicateCorrelation"),
  percentPair("reorder", "reorder", "reorderCorrelation"),
  percentPair("corrupt", "corrupt", "corruptCorrelation"),
  {
    name: "rate",
    parse: (w, into) => {
      const r = word(w, "rate", isRate, "a rate")
      if (isError(r)) return r
      into.rate = r
      const more = ["packetOverhead", "cellSize", "cellOverhead"]
      for (const f of more) {
        if (!/^-?[0-9]/.test(w.peek() ?? "")) break
        const v = numberOf(w.next() as string)
        if (v === undefined || !Number.isInteger(v))
          return w.fail("rate", `"${w.words[w.position - 1]}" is not an integer`)
        into[f] = v
      }
    }
  },
  {
    name: "slot",
    parse: (w, into) => {
      const s: Record<string, unknown> = {}
      if (w.acceptExact("distribution")) {
        const d = w.value("slot distribution")
        if (isError(d)) return d
        s.distribution = d
        const delay = word(w, "slot", isTime, "a time")
        if (isError(delay)) return delay
        const jitter = word(w, "slot", isTime, "a time")
        if (isError(jitter)) return jitter
        s.delay = delay
        s.jitter = jitter
      } else {
        const min = word(w, "slot", isTime, "a time")
        if (isError(min)) return min
        s.minDelay = min
        if (nextIsNumber(w)) {
          const max = word(w, "slot", isTime, "a time")
          if (isError(max)) return max
          s.maxDelay = max
        }
      }
      for (;;) {
        if (w.acceptExact("packets")) {
          const v = w.value("slot packets")
          if (isError(v)) return v
          const n = numberOf(v)
          if (n === undefined || !Number.isInteger(n))
            return w.fail("slot packets", `"${v}" is not an integer`)
          s.packets = n
        } else if (w.acceptExact("bytes")) {
          const v = word(w, "slot bytes", (x) => Units.parseSize(x) !== undefined, "a size")
          if (isError(v)) return v
          s.bytes = numberOf(String(v)) ?? v
        } else break
      }
      into.slot = s
    }
  }
]

const RTTS: Record<string, string> = {
  datacentre: "100us",
  lan: "1ms",
  metro: "10ms",
  regional: "30ms",
  internet: "100ms",
  oceanic: "300ms",
  satellite: "1s",
  interplanetary: "3600s"
}

const cake: ReadonlyArray<KindKeyword> = [
  { name: "unlimited", parse: (_w, into) => void (into.bandwidth = 0) },
  { name: "autorate-ingress", parse: (_w, into) => void (into.autorateIngress = true) },
  ...Object.entries(RTTS).map(([name, rtt]) => constant(name, "rtt", rtt)),
  ...["diffserv3", "diffserv4", "diffserv8", "besteffort", "precedence"].map((d) =>
    constant(d, "diffserv", d)
  ),
  ...[
    "flowblind",
    "srchost",
    "dsthost",
    "hosts",
    "flows",
    "dual-srchost",
    "dual-dsthost",
    "triple-isolate"
  ].map((f) => constant(f, "flowMode", f)),
  constant("nat", "nat", true),
  constant("nonat", "nat", false),
  constant("wash", "wash", true),
  constant("nowash", "wash", false),
  constant("split-gso", "splitGso", true),
  constant("no-split-gso", "splitGso", false),
  constant("ack-filter", "ackFilter", "enabled"),
  constant("ack-filter-aggressive", "ackFilter", "aggressive"),
  constant("no-ack-filter", "ackFilter", "disabled"),
  ...["noatm", "atm", "ptm"].map((a) => constant(a, "atm", a)),
  constant("raw", "raw", true),
  {
    name: "conservative",
    parse: (_w, into) => {
      into.atm = "atm"
      into.overhead = 48
    }
  },
  constant("ingress", "ingress", true),
  constant("egress", "ingress", false)
]

// hfsc's service curves: `m1 RATE d TIME m2 RATE` or `umax SIZE dmax TIME rate RATE`
const curve = (name: string): KindKeyword => ({
  name,
  parse: (w, into) => {
    const c: Record<string, string | number> = {}
    for (;;) {
      const k = w.peek()
      if (k !== "m1" && k !== "d" && k !== "m2" && k !== "umax" && k !== "dmax" && k !== "rate") break
      w.next()
      const check =
        k === "d" || k === "dmax"
          ? isTime
          : k === "umax"
            ? (v: string) => Units.parseSize(v) !== undefined
            : isRate
      const v = word(
        w,
        `${name} ${k}`,
        check,
        k === "d" || k === "dmax" ? "a time" : k === "umax" ? "a size" : "a rate"
      )
      if (isError(v)) return v
      c[k] = v
    }
    if ("umax" in c || "dmax" in c || "rate" in c) {
      if ("m1" in c || "d" in c || "m2" in c) return w.fail(name, "give m1/d/m2 or umax/dmax/rate, not both")
      if (c.rate === undefined) return w.fail(name, "umax/dmax need a rate")
      const rate = Units.parseRate(c.rate)! / 8
      const umax = c.umax === undefined ? 0 : Units.parseSize(c.umax)!
      const dmax = c.dmax === undefined ? 0 : Units.parseTime(c.dmax)!
      if (umax !== 0 && dmax === 0) return w.fail(name, "umax needs a dmax")
      if (rate === 0) into[name] = { m1: 0, d: 0, m2: 0 }
      else if (dmax !== 0 && Math.ceil((umax * 1e6) / dmax) > rate)
        into[name] = { m1: Math.ceil((umax * 1e6) / dmax) * 8, d: dmax, m2: rate * 8 }
      else into[name] = { m1: 0, d: Math.ceil(dmax - (umax * 1e6) / rate), m2: rate * 8 }
      return
    }
    if (c.m2 === undefined) return w.fail(name, "a curve needs m2")
    into[name] = c
  }
})

const queues: KindKeyword = {
  name: "queues",
  parse: (w, into) => {
    const out: Array<{ count: number; offset: number }> = []
    while (/^\d+@\d+$/.test(w.peek() ?? "")) {
      const [count, offset] = (w.next() as string).split("@").map(Number)
      out.push({ count: count!, offset: offset! })
    }
    if (out.length === 0) return w.fail("queues", 'queues are given as COUNT@OFFSET ("4@0 4@4")')
    into.queues = out
  }
}

const onOff01 = (name: string, field: string): KindKeyword => ({
  name,
  parse: (w, into) => {
    const v = w.value(name)
    if (isError(v)) return v
    if (v !== "0" && v !== "1") return w.fail(name, `"${v}" is not 0 or 1`)
    into[field] = v === "1"
  }
})

const intWord = (w: Words, keyword: string): Parsed<number> => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const n = numberOf(v)
  return n === undefined || !Number.isInteger(n) ? w.fail(keyword, `"${v}" is not an integer`) : n
}

const intAs = (name: string, field: string): KindKeyword => ({
  name,
  parse: (w, into) => {
    const n = intWord(w, name)
    if (isError(n)) return n
    into[field] = n
  }
})

const taprio: ReadonlyArray<KindKeyword> = [
  queues,
  {
    name: "sched-entry",
    parse: (w, into) => {
      const cmd = w.value("sched-entry")
      if (isError(cmd)) return cmd
      if (cmd !== "S" && cmd !== "H" && cmd !== "R") return w.fail("sched-entry", `"${cmd}" is not S, H or R`)
      const g = w.value("sched-entry")
      if (isError(g)) return g
      const gates = /^(0x)?[0-9a-f]+$/i.test(g) ? Number.parseInt(g.replace(/^0x/i, ""), 16) : Number.NaN
      if (Number.isNaN(gates)) return w.fail("sched-entry", `"${g}" is not a hexadecimal gate mask`)
      const interval = intWord(w, "sched-entry")
      if (isError(interval)) return interval
      into.schedule = [...((into.schedule as Array<unknown>) ?? []), { command: cmd, gates, interval }]
    }
  },
  intAs("base-time", "baseTime"),
  intAs("cycle-time", "cycleTime"),
  intAs("cycle-time-extension", "cycleTimeExtension"),
  intAs("txtime-delay", "txtimeDelay"),
  {
    name: "flags",
    parse: (w, into) => {
      const n = intWord(w, "flags")
      if (isError(n)) return n
      if (n & ~3)
        return w.fail("flags", `0x${n.toString(16)}: only 0x1 (txtime-assist) and 0x2 (full-offload) exist`)
      into.flags = [...(n & 1 ? ["txtime-assist"] : []), ...(n & 2 ? ["full-offload"] : [])]
    }
  },
  {
    name: "max-sdu",
    parse: (w, into) => {
      const out: Array<number> = []
      while (/^\d+$/.test(w.peek() ?? "")) out.push(Number(w.next()))
      if (out.length === 0) return w.fail("max-sdu", '"max-sdu" needs values')
      into.maxSdu = out
    }
  }
]

const plug: ReadonlyArray<KindKeyword> = [
  constant("buffer", "action", "buffer"),
  constant("release", "action", "release_one"),
  constant("release_indefinite", "action", "release_indefinite")
]

// fq_codel's `ce_threshold_selector VALUE/MASK` (each a byte, decimal or 0x hex)
const ceSelector: KindKeyword = {
  name: "ce_threshold_selector",
  parse: (w, into) => {
    const v = w.value("ce_threshold_selector")
    if (isError(v)) return v
    const [a, b] = v.split("/")
    const value = numberOf(a ?? "")
    const mask = b === undefined ? undefined : numberOf(b)
    const byte = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 0xff
    if (!byte(value) || !byte(mask))
      return w.fail("ce_threshold_selector", `"${v}" is not VALUE/MASK (bytes)`)
    into.ceThresholdSelector = value
    into.ceThresholdMask = mask
  }
}

// tc's prio map before `priomap` words overwrite its first entries
const PRIO_MAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]

const priomap: KindKeyword = {
  name: "priomap",
  parse: (w, into) => {
    const map = [...PRIO_MAP]
    let n = 0
    while (/^\d+$/.test(w.peek() ?? "")) {
      if (n === 16) return w.fail("priomap", "the map has 16 entries at most")
      map[n++] = Number(w.next())
    }
    if (n === 0) return w.fail("priomap", '"priomap" needs bands')
    into.priomap = map
  }
}

/**
 * Explicit keywords of qdisc kinds, by kind. @since 0.4.0
 *
 * @example
 * ```ts
 * qdiscKeywords.netem // netem's delay, loss, rate, slot ... words
 * ```
 */
export const qdiscKeywords: Readonly<Record<string, ReadonlyArray<KindKeyword>>> = {
  tbf: [sizeAlias("buffer", "burst"), sizeAlias("maxburst", "burst"), sizeAlias("minburst", "mtu")],
  htb: [hexValue("default", "default")],
  prio: [priomap],
  fq_codel: [ceSelector],
  hfsc: [hexValue("default", "default", 0xffff)],
  netem,
  cake,
  mqprio: [queues, onOff01("hw", "hw")],
  taprio,
  cbs: [onOff01("offload", "offload")],
  fq: [constant("horizon_drop", "horizonDrop", true), constant("horizon_cap", "horizonDrop", false)],
  plug
}

/**
 * Explicit keywords of class kinds, by kind. @since 0.4.0
 *
 * @example
 * ```ts
 * classKeywords.hfsc // rt, ls, ul, sc curves
 * ```
 */
export const classKeywords: Readonly<Record<string, ReadonlyArray<KindKeyword>>> = {
  htb: [
    sizeAlias("buffer", "burst"),
    sizeAlias("maxburst", "burst"),
    sizeAlias("cbuffer", "cburst"),
    sizeAlias("cmaxburst", "cburst")
  ],
  hfsc: [curve("rt"), curve("ls"), curve("ul"), curve("sc")]
}

export type { Into }
