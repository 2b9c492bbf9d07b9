/**
 * `nlink tc qdisc list` and `nlink tc class list`: text like `tc qdisc show`
 * / `tc class show` (statistics with `-s`, as `tc -s`), or JSON in the
 * library's shape (`status` only with `-s`).
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import * as Class from "../api/Class.ts"
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

/** `nlink tc ...`. */
export const tcCmd = Command.make("tc").pipe(
  Command.withDescription("Traffic control: qdiscs and classes"),
  Command.withSubcommands([
    Command.make("qdisc").pipe(
      Command.withDescription("Queueing disciplines"),
      Command.withSubcommands([qdiscList])
    ),
    Command.make("class").pipe(
      Command.withDescription("Traffic control classes"),
      Command.withSubcommands([classList])
    )
  ])
)
