/**
 * `nlink tc qdisc list`, `nlink tc class list`, `nlink tc filter list`,
 * `nlink tc chain list` and `nlink tc action list KIND`: text like `tc ...
 * show` (statistics with `-s`, as `tc -s`), or JSON in the library's shape
 * (`status` only with `-s`).
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import * as Action from "../api/Action.ts"
import * as Chain from "../api/Chain.ts"
import * as Class from "../api/Class.ts"
import * as Filter from "../api/Filter.ts"
import { Netlink } from "../api/Netlink.ts"
import * as Qdisc from "../api/Qdisc.ts"
import type { Status } from "../api/tc/Engine.ts"
import { formatRate } from "../api/tc/Units.ts"
import { commonFlags } from "./flags.ts"
import { toJson } from "./format.ts"

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
  stats: Flag.Boolean("stats").pipe(
    Flag.withAlias("s"),
    Flag.withDescription("Include statistics (as `tc -s`)"),
    Flag.withDefault(false)
  ),
  dev: Flag.String("dev").pipe(Flag.withDescription("Only this device"), Flag.optional)
}

const layerFor = (netns: Option.Option<string>): Layer.Layer<Netlink, any> =>
  Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer

const withoutStatus = <A extends { readonly status?: unknown }>(xs: ReadonlyArray<A>, stats: boolean) =>
  stats ? xs : xs.map(({ status: _, ...rest }) => rest)

const qdiscList = Command.make(
  "list",
  flags,
  Effect.fn(function* ({ netns, json, stats, dev }) {
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
  Effect.fn(function* ({ netns, json, stats, dev }) {
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
  Effect.fn(function* (o) {
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
  Effect.fn(function* (o) {
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
  Effect.fn(function* (o) {
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

/** `nlink tc ...`. */
export const tcCmd = Command.make("tc").pipe(
  Command.withDescription("Traffic control: qdiscs, classes, filters, chains and actions"),
  Command.withSubcommands([
    Command.make("qdisc").pipe(
      Command.withDescription("Queueing disciplines"),
      Command.withSubcommands([qdiscList])
    ),
    Command.make("class").pipe(
      Command.withDescription("Traffic control classes"),
      Command.withSubcommands([classList])
    ),
    Command.make("filter").pipe(
      Command.withDescription("Filters (classifiers)"),
      Command.withSubcommands([filterList])
    ),
    Command.make("chain").pipe(
      Command.withDescription("Filter chains"),
      Command.withSubcommands([chainList])
    ),
    Command.make("action").pipe(
      Command.withDescription("Standalone actions"),
      Command.withSubcommands([actionList])
    )
  ])
)
