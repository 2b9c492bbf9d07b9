/**
 * `nlink nexthop list|add|replace|del|get|flush`, with `ip nexthop`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { invalid } from "../../api/internal/Common.ts"
import * as Nexthop from "../../api/Nexthop.ts"
import { toJson } from "../format.ts"
import { fromParsed, print, printItems, wordsCommand } from "./common.ts"
import { listCommand } from "./list.ts"

/** One nexthop as `ip nexthop show` prints it. */
const nexthopLine = (n: Nexthop.Nexthop): string => {
  const parts: Array<string> = [`id ${n.id}`]
  if (n.group !== undefined) {
    parts.push(
      `group ${n.group.map((m) => (m.weight === undefined ? m.id : `${m.id},${m.weight}`)).join("/")}`
    )
    if (n.type === "resilient") {
      parts.push("type resilient")
      const r = n.resilient
      if (r?.buckets !== undefined) parts.push(`buckets ${r.buckets}`)
      if (r?.idleTimer !== undefined) parts.push(`idle_timer ${r.idleTimer}`)
      if (r?.unbalancedTimer !== undefined) parts.push(`unbalanced_timer ${r.unbalancedTimer}`)
      if (n.status?.unbalancedTime !== undefined) parts.push(`unbalanced_time ${n.status.unbalancedTime}`)
    }
  } else {
    if (n.blackhole) parts.push("blackhole")
    if (n.gateway !== undefined) parts.push(`via ${n.gateway}`)
    if (n.dev !== undefined) parts.push(`dev ${n.dev}`)
    if (n.status !== undefined && !n.blackhole) parts.push(`scope ${n.status.scope}`)
  }
  if (n.protocol !== undefined) parts.push(`proto ${n.protocol}`)
  const flags = [...(n.onlink ? ["onlink"] : []), ...(n.status?.flags ?? [])]
  if (flags.length > 0) parts.push(flags.join(" "))
  if (n.fdb) parts.push("fdb")
  return parts.join(" ")
}

const modify = (verb: "add" | "replace") =>
  wordsCommand(
    verb,
    `${verb === "add" ? "Add" : "Add or replace"} a nexthop or group: ip nexthop ${verb}'s words (id N via GW dev DEV | id N group A/B,W | blackhole ...)`,
    (words, { family }) =>
      Effect.flatMap(
        fromParsed(Nexthop.parse(words, `nexthop ${verb}`, family)),
        verb === "add" ? Nexthop.add : Nexthop.replace
      )
  )

/** The id `del`/`get` need. */
const idOf = (words: ReadonlyArray<string>, verb: string) =>
  Effect.flatMap(fromParsed(Nexthop.parse(words, `nexthop ${verb}`)), (n) =>
    n.id === undefined
      ? Effect.fail(invalid(`nexthop ${verb}: id`, "an id is required (id N)"))
      : Effect.succeed(n.id)
  )

const del = wordsCommand(
  "del",
  "Remove a nexthop, like `ip nexthop del id N`",
  (words) => Effect.flatMap(idOf(words, "del"), (id) => Nexthop.remove(id)),
  ["delete"]
)

const get = wordsCommand("get", "Show one nexthop, like `ip nexthop get id N`", (words, { json }) =>
  Effect.gen(function* () {
    const n = yield* Nexthop.get(yield* idOf(words, "get"))
    yield* print(json ? toJson([n]) : nexthopLine(n))
  })
)

const flush = wordsCommand(
  "flush",
  "Remove every nexthop object (or those of `dev D`, `protocol P`), like `ip nexthop flush`",
  (words) =>
    Effect.gen(function* () {
      const n = yield* fromParsed(Nexthop.parse(words, "nexthop flush"))
      yield* Nexthop.flush({
        ...(n.dev === undefined ? {} : { dev: n.dev }),
        ...(n.protocol === undefined ? {} : { protocol: n.protocol })
      })
    })
)

/** One bucket as `ip nexthop bucket show` prints it. */
const bucketLine = (b: Nexthop.Bucket): string =>
  [
    `id ${b.id} index ${b.index} idle_time ${b.status.idleTime.toFixed(2)} nhid ${b.nexthop}`,
    ...b.status.flags
  ]
    .map(String)
    .join(" ")

const bucketList = wordsCommand(
  "list",
  "List the buckets of resilient groups, like `ip nexthop bucket show [id G] [nhid N] [dev D] [master M]`",
  (words, { json }) =>
    Effect.gen(function* () {
      const bs = yield* Nexthop.buckets(yield* fromParsed(Nexthop.parseBuckets(words)))
      yield* printItems(bs, json, bucketLine)
    }),
  ["ls"]
)

const bucketGet = wordsCommand(
  "get",
  "Show one bucket, like `ip nexthop bucket get id G index I`",
  (words, { json }) =>
    Effect.gen(function* () {
      const q = yield* fromParsed(Nexthop.parseBucketGet(words))
      yield* printItems([yield* Nexthop.getBucket(q.id, q.index)], json, bucketLine)
    })
)

const bucket = Command.make("bucket").pipe(
  Command.withDescription("Buckets of resilient nexthop groups"),
  Command.withSubcommands([bucketList, bucketGet])
)

/** `nlink nexthop ...`. */
export const nexthopCmd = Command.make("nexthop").pipe(
  Command.withDescription("Nexthop objects"),
  Command.withSubcommands([
    listCommand("List nexthops and groups, like `ip nexthop show`", Nexthop.list(), (nhs) =>
      Effect.succeed(nhs.map(nexthopLine).join("\n"))
    ),
    modify("add"),
    modify("replace"),
    del,
    get,
    flush,
    bucket
  ])
)
