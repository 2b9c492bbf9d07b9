/**
 * `nlink tc qdisc|class|filter|chain|action ...`: the listings (text like
 * `tc ... show`, statistics with `-s` as `tc -s`, or JSON in the library's
 * shape, `status` only with `-s`) and the writing commands with `tc`'s own
 * words (`nlink tc qdisc add dev eth0 root handle 1: htb default 10`), read
 * by the library's parsers (src/api/parse/tc) and sent by its calls.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import * as Action from "../api/Action.ts"
import * as Chain from "../api/Chain.ts"
import * as Class from "../api/Class.ts"
import * as Filter from "../api/Filter.ts"
import type { Netlink } from "../api/Netlink.ts"
import * as Qdisc from "../api/Qdisc.ts"
import type { Status } from "../api/tc/Engine.ts"
import { formatRate } from "../api/tc/Units.ts"
import * as ActionWords from "../api/parse/tc/Action.ts"
import * as ClassWords from "../api/parse/tc/Class.ts"
import * as FilterWords from "../api/parse/tc/Filter.ts"
import * as QdiscWords from "../api/parse/tc/Qdisc.ts"
import { invalid } from "../api/internal/Common.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import { commonFlags, Stats } from "./flags.ts"
import { toJson } from "./format.ts"
import { type Context, fromParsed, layerFor, wordsCommand as sharedWordsCommand } from "./commands/common.ts"

const RATES = new Set(["rate", "ceil", "peakrate"])

const optionText = (options: object | undefined): string =>
  options === undefined
    ? ""
    : Object.entries(options)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => ` ${k} ${RATES.has(k) && typeof v === "number" ? formatRate(v) : String(v)}`)
        .join("")

const statsText = (s: Status | undefined): string => {
  if (s === undefined) return ""
  const t = s.stats
  let out = `\n Sent ${t.bytes} bytes ${t.packets} pkt (dropped ${t.drops}, overlimits ${t.overlimits} requeues ${t.requeues})`
  out += `\n backlog ${t.backlog}b ${t.qlen}p requeues ${t.requeues}`
  if (s.xstats !== undefined)
    out += `\n ${Object.entries(s.xstats)
      .map(([k, v]) => `${k} ${v}`)
      .join(" ")}`
  return out
}

/** One qdisc as `tc qdisc show` prints it: `qdisc htb 1: dev eth0 root r2q 10 ...`. */
export const qdiscLine = (q: Qdisc.Qdisc, stats: boolean): string => {
  const where = q.parent === "root" || q.parent === "ingress" ? String(q.parent) : `parent ${q.parent}`
  return `qdisc ${q.kind} ${q.handle ?? "0:"} dev ${q.dev} ${where}${optionText(q.options)}${stats ? statsText(q.status) : ""}`
}

/** One class as `tc class show` prints it: `class htb 1:10 dev eth0 root rate 100Mbit ...`. */
export const classLine = (c: Class.Class, stats: boolean): string => {
  const where = c.parent === "root" ? "root" : `parent ${c.parent}`
  return `class ${c.kind} ${c.classid} dev ${c.dev} ${where}${optionText(c.options)}${stats ? statsText(c.status) : ""}`
}

const flags = {
  ...commonFlags({
    netns: "Run inside this named network namespace (as `tc -n NAME`)",
    json: "Print one JSON document using the library's field names"
  }),
  // `-s` here, or nlink's global `-s` before the object (the Stats setting)
  statistics: Flag.Boolean("statistics").pipe(
    Flag.withAlias("s"),
    Flag.withDescription("Include statistics (as `tc -s`)"),
    Flag.withDefault(false)
  ),
  dev: Flag.String("dev").pipe(Flag.withDescription("Only this device"), Flag.optional)
}

const withoutStatus = <A extends { readonly status?: unknown }>(xs: ReadonlyArray<A>, stats: boolean) =>
  stats ? xs : xs.map(({ status: _, ...rest }) => rest)

const qdiscList = Command.make(
  "list",
  flags,
  Effect.fn(function* ({ netns, json, statistics, dev }) {
    const stats = statistics || (yield* Stats) > 0
    const program = Effect.gen(function* () {
      const d = Option.getOrUndefined(dev)
      const qs = yield* Qdisc.list(d === undefined ? {} : { dev: d })
      return json ? toJson(withoutStatus(qs, stats)) : qs.map((q) => qdiscLine(q, stats)).join("\n")
    })
    const text = yield* program.pipe(Effect.provide(layerFor(netns)))
    yield* Effect.sync(() => process.stdout.write(`${text}\n`))
  })
).pipe(Command.withDescription("List qdiscs, like `tc qdisc show`"), Command.withAlias("ls"))

const classList = Command.make(
  "list",
  flags,
  Effect.fn(function* ({ netns, json, statistics, dev }) {
    const stats = statistics || (yield* Stats) > 0
    const program = Effect.gen(function* () {
      const d = Option.getOrUndefined(dev)
      const cs = yield* Class.list(d === undefined ? {} : { dev: d })
      return json ? toJson(withoutStatus(cs, stats)) : cs.map((c) => classLine(c, stats)).join("\n")
    })
    const text = yield* program.pipe(Effect.provide(layerFor(netns)))
    yield* Effect.sync(() => process.stdout.write(`${text}\n`))
  })
).pipe(
  Command.withDescription("List classes (of every device, or --dev), like `tc class show`"),
  Command.withAlias("ls")
)

const valueText = (v: unknown): string =>
  Array.isArray(v)
    ? v.map((x) => (typeof x === "object" && x !== null ? JSON.stringify(x) : String(x))).join(",")
    : typeof v === "object" && v !== null
      ? JSON.stringify(v)
      : String(v)

/** One action as `tc` prints it in a filter: `action order 1: gact action drop index 1 ref 1 bind 1`. */
export const actionLine = (a: Filter.Action, order: number | undefined, stats: boolean): string => {
  const head = order === undefined ? `action ${a.kind}` : `action order ${order}: ${a.kind}`
  const opts = Object.entries(a.options ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k} ${RATES.has(k) && typeof v === "number" ? formatRate(v) : valueText(v)}`)
    .join("")
  const s = a.status
  const refs = s?.refcnt === undefined ? "" : ` ref ${s.refcnt} bind ${s.bindcnt ?? 0}`
  const cookie = a.cookie === undefined ? "" : ` cookie ${a.cookie}`
  const counters =
    stats && s !== undefined
      ? `
	Sent ${s.stats.bytes} bytes ${s.stats.packets} pkt (dropped ${s.stats.drops}, overlimits ${s.stats.overlimits})`
      : ""
  return `${head}${opts} index ${a.index ?? 0}${refs}${cookie}${counters}`
}

/** One filter as `tc filter show` prints it: `filter parent ingress protocol ip pref 1 u32 chain 0 fh 800::800 ...`. */
export const filterLine = (f: Filter.Filter, stats: boolean): string => {
  const where = f.block !== undefined ? `block ${f.block}` : `dev ${f.dev} parent ${f.parent}`
  const opts = Object.entries(f.options ?? {})
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k} ${valueText(v)}`))
    .join("")
  const acts = (f.actions ?? [])
    .map(
      (a, i) => `
	${actionLine(a, i + 1, stats)}`
    )
    .join("")
  return `filter ${where} protocol ${f.protocol} pref ${f.priority} ${f.kind} chain ${f.chain} handle ${f.handle}${opts}${acts}`
}

const where = {
  parent: Flag.String("parent").pipe(
    Flag.withDescription('Where on the device: "ingress", "egress" or a handle ("1:")'),
    Flag.optional
  ),
  block: Flag.Int("block").pipe(Flag.withDescription("A shared block in place of a device"), Flag.optional),
  chain: Flag.Int("chain").pipe(Flag.withDescription("Only this chain"), Flag.optional)
}

const selectorOf = (o: {
  dev: Option.Option<string>
  parent: Option.Option<string>
  block: Option.Option<number>
  chain: Option.Option<number>
}) => {
  const s: { dev?: string; parent?: string; block?: number; chain?: number } = {}
  if (Option.isSome(o.dev)) s.dev = o.dev.value
  if (Option.isSome(o.parent)) s.parent = o.parent.value
  if (Option.isSome(o.block)) s.block = o.block.value
  if (Option.isSome(o.chain)) s.chain = o.chain.value
  return s
}

const filterList = Command.make(
  "list",
  { ...flags, ...where },
  Effect.fn(function* (options) {
    const o = { ...options, stats: options.statistics || (yield* Stats) > 0 }
    const program = Effect.gen(function* () {
      const fs = yield* Filter.list(selectorOf(o))
      return o.json ? toJson(withoutStatus(fs, o.stats)) : fs.map((f) => filterLine(f, o.stats)).join("\n")
    })
    const text = yield* program.pipe(Effect.provide(layerFor(o.netns)))
    yield* Effect.sync(() => process.stdout.write(`${text}\n`))
  })
).pipe(
  Command.withDescription(
    "List filters (of --dev and --parent, every qdisc of --dev, or --block), like `tc filter show`"
  ),
  Command.withAlias("ls")
)

const chainList = Command.make(
  "list",
  { ...flags, parent: where.parent, block: where.block },
  Effect.fn(function* (options) {
    const o = { ...options, stats: options.statistics || (yield* Stats) > 0 }
    const program = Effect.gen(function* () {
      const cs = yield* Chain.list(selectorOf({ ...o, chain: Option.none() }))
      return o.json
        ? toJson(cs)
        : cs
            .map((c) => {
              const at = c.block !== undefined ? `block ${c.block}` : `dev ${c.dev} parent ${c.parent}`
              const t =
                c.template === undefined ? "" : ` template ${c.template.kind} protocol ${c.template.protocol}`
              return `chain ${c.chain} ${at}${t}`
            })
            .join("\n")
    })
    const text = yield* program.pipe(Effect.provide(layerFor(o.netns)))
    yield* Effect.sync(() => process.stdout.write(`${text}\n`))
  })
).pipe(
  Command.withDescription("List the chains of --dev and --parent, or of --block, like `tc chain show`"),
  Command.withAlias("ls")
)

const actionList = Command.make(
  "list",
  {
    ...flags,
    kind: Argument.String("kind").pipe(
      Argument.withDescription("The action kind (gact, mirred, police, nat ...)")
    )
  },
  Effect.fn(function* (options) {
    const o = { ...options, stats: options.statistics || (yield* Stats) > 0 }
    const program = Effect.gen(function* () {
      const as = yield* Action.list(o.kind)
      return o.json
        ? toJson(withoutStatus(as, o.stats))
        : as.map((a) => actionLine(a, undefined, o.stats)).join("\n")
    })
    const text = yield* program.pipe(Effect.provide(layerFor(o.netns)))
    yield* Effect.sync(() => process.stdout.write(`${text}\n`))
  })
).pipe(
  Command.withDescription("List the actions of a kind, like `tc actions list action KIND`"),
  Command.withAlias("ls")
)

/** A writing subcommand: `nlink tc OBJECT VERB WORDS...`, the words as `tc` takes them after the verb. */
const wordsCommand = (
  name: string,
  description: string,
  run: (words: ReadonlyArray<string>, context: Context) => Effect.Effect<void, NetlinkError, Netlink>,
  aliases: ReadonlyArray<string> = []
) => sharedWordsCommand(name, description, run, { aliases, tool: "tc", family: false })

const say = (text: string) => Effect.sync(() => process.stdout.write(`${text}\n`))

type Verb = "add" | "replace" | "change"
const VERB_TEXT: Record<Verb | "del", string> = {
  add: "Add",
  replace: "Add or replace",
  change: "Change",
  del: "Remove"
}

const qdiscWrite = (verb: Verb, act: (q: Qdisc.Qdisc) => Effect.Effect<void, NetlinkError, Netlink>) =>
  wordsCommand(
    verb,
    `${VERB_TEXT[verb]} a qdisc: tc qdisc ${verb}'s words (dev DEV root|parent P|ingress|clsact handle H KIND options...)`,
    (words) => Effect.flatMap(fromParsed(QdiscWords.parse(words, `qdisc ${verb}`)), act)
  )

// tc deletes by place alone (no TCA_KIND is sent): a kind without required options stands in
const qdiscDel = wordsCommand(
  "del",
  "Remove a qdisc: tc qdisc del's words (dev DEV root|parent P|ingress|clsact [handle H] [KIND])",
  (words) =>
    Effect.flatMap(fromParsed(QdiscWords.parseWords(words, "qdisc del")), (q) =>
      Qdisc.remove((q.kind === undefined ? { ...q, kind: "pfifo" } : q) as Qdisc.Qdisc)
    ),
  ["delete"]
)

const classWrite = (verb: Verb, act: (c: Class.Class) => Effect.Effect<void, NetlinkError, Netlink>) =>
  wordsCommand(
    verb,
    `${VERB_TEXT[verb]} a class: tc class ${verb}'s words (dev DEV parent P classid C KIND options...)`,
    (words) => Effect.flatMap(fromParsed(ClassWords.parse(words, `class ${verb}`)), act)
  )

const classDel = wordsCommand(
  "del",
  "Remove a class: tc class del's words (dev DEV classid C [KIND])",
  (words) =>
    Effect.flatMap(fromParsed(ClassWords.parseWords(words, "class del")), (c) =>
      Class.remove((c.kind === undefined ? { ...c, kind: "drr" } : c) as Class.Class)
    ),
  ["delete"]
)

const filterWrite = (verb: Verb, act: (f: Filter.Filter) => Effect.Effect<void, NetlinkError, Netlink>) =>
  wordsCommand(
    verb,
    `${VERB_TEXT[verb]} a filter: tc filter ${verb}'s words (dev DEV ingress|egress|parent P protocol P pref N KIND options... action ...)`,
    (words) => Effect.flatMap(fromParsed(FilterWords.parse(words, `filter ${verb}`)), act)
  )

type Selecting = Omit<Filter.Filter, "kind"> & { readonly kind?: string }

/**
 * A filter named by words that select it (del, get): tc sends no options then, but the
 * library checks the kind's options (u32 wants match keys), so they come from the filter
 * listed at that pref and handle; the kind too when the words give none.
 */
const selected = (f: Selecting, command: string) =>
  Effect.gen(function* () {
    if (f.kind !== undefined && f.options !== undefined) return f as Filter.Filter
    const listed = yield* Filter.list({
      ...(f.dev === undefined ? {} : { dev: f.dev }),
      ...(f.block === undefined ? {} : { block: f.block }),
      ...(f.parent === undefined ? {} : { parent: f.parent })
    })
    const at = listed.filter(
      (l) =>
        l.priority === f.priority &&
        (f.kind === undefined || l.kind === f.kind) &&
        (f.chain === undefined || l.chain === f.chain)
    )
    const found = at.find((l) => f.handle !== undefined && String(l.handle) === String(f.handle)) ?? at[0]
    if (found === undefined)
      return yield* Effect.fail(invalid(`${command}: pref`, `no filter with pref ${f.priority} is there`))
    return { ...f, kind: found.kind, options: found.options } as Filter.Filter
  })

// tc filter del: without a pref every filter there goes (a flush)
const filterDel = wordsCommand(
  "del",
  "Remove filters: tc filter del's words (dev DEV parent P [pref N [handle H] KIND]); without pref, all of them",
  (words) =>
    Effect.gen(function* () {
      const f = yield* fromParsed(FilterWords.parseWords(words, "filter del"))
      if (f.priority === undefined && f.handle === undefined && f.kind === undefined) {
        const { dev, block, parent, chain } = f
        return yield* Filter.flush({
          ...(dev === undefined ? {} : { dev }),
          ...(block === undefined ? {} : { block }),
          ...(parent === undefined ? {} : { parent }),
          ...(chain === undefined ? {} : { chain })
        })
      }
      if (f.priority === undefined)
        return yield* Effect.fail(invalid("filter del: pref", "a handle or kind needs its pref"))
      yield* Filter.remove(yield* selected(f, "filter del"))
    }),
  ["delete"]
)

const filterGet = wordsCommand(
  "get",
  "Show one filter: tc filter get's words (dev DEV parent P protocol P pref N handle H KIND)",
  (words, { json }) =>
    Effect.gen(function* () {
      const f = yield* fromParsed(FilterWords.parseWords(words, "filter get"))
      if (f.priority === undefined || f.handle === undefined)
        return yield* Effect.fail(invalid("filter get: handle", "get needs the filter's pref and handle"))
      const got = yield* Filter.get(yield* selected(f, "filter get"))
      yield* say(json ? toJson(got) : filterLine(got, false))
    })
)

const chainCommand = (verb: "add" | "del") =>
  wordsCommand(
    verb,
    `${VERB_TEXT[verb]} a chain: tc chain ${verb}'s words (dev DEV ingress|parent P chain N [protocol P KIND template...])`,
    (words) =>
      Effect.flatMap(
        fromParsed(Chain.parse(words, `chain ${verb}`)),
        verb === "add" ? Chain.add : Chain.remove
      ),
    verb === "del" ? ["delete"] : []
  )

const actionWrite = (verb: "add" | "replace" | "change") =>
  wordsCommand(
    verb,
    `${verb === "add" ? "Add" : "Add or replace"} actions: tc actions ${verb}'s words (action KIND options... [index N] [action ...])`,
    (words) =>
      Effect.gen(function* () {
        const as = yield* fromParsed(ActionWords.parseActions(words, `action ${verb}`))
        for (const a of as) yield* verb === "add" ? Action.add(a) : Action.replace(a)
      })
  )

const actionDel = wordsCommand(
  "del",
  "Remove actions: tc actions del's words (action KIND index N [action ...])",
  (words) =>
    Effect.gen(function* () {
      const as = yield* fromParsed(ActionWords.parseActions(words, "action del", true))
      for (const a of as) yield* Action.remove(a)
    }),
  ["delete"]
)

const actionGet = wordsCommand(
  "get",
  "Show actions: tc actions get's words (action KIND index N [action ...])",
  (words, { json }) =>
    Effect.gen(function* () {
      const as = yield* fromParsed(ActionWords.parseActions(words, "action get", true))
      const found: Array<Action.Action> = []
      for (const a of as) found.push(yield* Action.get(a))
      yield* say(json ? toJson(found) : found.map((a) => actionLine(a, undefined, false)).join("\n"))
    })
)

/** `nlink tc ...`. */
export const tcCmd = Command.make("tc").pipe(
  Command.withDescription("Traffic control: qdiscs, classes, filters, chains and actions"),
  Command.withSubcommands([
    Command.make("qdisc").pipe(
      Command.withDescription("Queueing disciplines"),
      Command.withSubcommands([
        qdiscList,
        qdiscWrite("add", Qdisc.add),
        qdiscDel,
        qdiscWrite("replace", Qdisc.replace),
        qdiscWrite("change", Qdisc.change)
      ])
    ),
    Command.make("class").pipe(
      Command.withDescription("Traffic control classes"),
      Command.withSubcommands([
        classList,
        classWrite("add", Class.add),
        classDel,
        classWrite("replace", Class.replace),
        classWrite("change", Class.change)
      ])
    ),
    Command.make("filter").pipe(
      Command.withDescription("Filters (classifiers)"),
      Command.withSubcommands([
        filterList,
        filterWrite("add", Filter.add),
        filterDel,
        filterWrite("replace", Filter.replace),
        filterWrite("change", Filter.change),
        filterGet
      ])
    ),
    Command.make("chain").pipe(
      Command.withDescription("Filter chains"),
      Command.withSubcommands([chainList, chainCommand("add"), chainCommand("del")])
    ),
    Command.make("action").pipe(
      Command.withAlias("actions"),
      Command.withDescription("Standalone actions"),
      Command.withSubcommands([
        actionList,
        actionWrite("add"),
        actionDel,
        actionWrite("replace"),
        actionWrite("change"),
        actionGet
      ])
    )
  ])
)
