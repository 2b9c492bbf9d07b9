/**
 * `nlink route list|add|del|replace|get|flush`, with `ip route`'s words.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import * as Names from "../../api/internal/Names.ts"
import { isError, keywords, Words } from "../../api/internal/Words.ts"
import { checkPrefix, type Draft, kw, namedValue, set, devKeyword } from "../../api/parse/Common.ts"
import * as Route from "../../api/Route.ts"
import { routeLine, toJson } from "../format.ts"
import { flags, fromParsed, layerFor, print, printItems, wordsCommand } from "./common.ts"

const routeList = Command.make(
  "list",
  {
    ...flags,
    ipv4: Flag.Boolean("ipv4").pipe(
      Flag.withDescription("IPv4 routes (-4; the default, as for `ip route`)"),
      Flag.withDefault(false)
    ),
    ipv6: Flag.Boolean("ipv6").pipe(
      Flag.withDescription("IPv6 routes instead of IPv4 (-6, as `ip -6 route`)"),
      Flag.withDefault(false)
    ),
    table: Flag.String("table").pipe(
      Flag.withDescription('The routing table: a name, a number or "all" (default main, as `ip route`)'),
      Flag.optional
    )
  },
  Effect.fn(function* ({ netns, json, ipv6, table }) {
    const program = Effect.gen(function* () {
      const t = Option.getOrUndefined(table)
      const routes = yield* Route.list({
        family: ipv6 ? "inet6" : "inet",
        ...(t === undefined ? {} : { table: /^\d+$/.test(t) ? Number(t) : t })
      })
      yield* print(json ? toJson(routes) : routes.map(routeLine).join("\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription(
    "List routes like `ip route`: the main table's IPv4 routes unless -6 or --table say otherwise"
  ),
  Command.withAlias("ls")
)

const modify = (verb: "add" | "del" | "replace", act: (r: Route.Route) => Effect.Effect<void, any, any>) =>
  wordsCommand(
    verb,
    `${verb === "del" ? "Remove" : verb === "add" ? "Add" : "Add or replace"} a route: ip route ${verb}'s words (PREFIX via GW dev DEV table T metric M proto P ...)`,
    (words, { family }) => Effect.flatMap(fromParsed(Route.parse(words, `route ${verb}`, family)), act),
    verb === "del" ? ["delete"] : []
  )

/** `ip route flush` selectors: the routes of a table/device/protocol/type/scope (and prefix). */
const flushFilter = (words: ReadonlyArray<string>) => {
  const w = Words.of(words, "route flush")
  const s: Draft = {}
  const r = keywords<Draft>(
    w,
    [
      kw("table", set("table", namedValue(Names.table))),
      devKeyword("dev", ["oif"]),
      kw("protocol", set("protocol", namedValue(Names.protocol, 255))),
      kw("type", set("type", namedValue(Names.routeType, 255)), { exact: true }),
      kw("scope", set("scope", namedValue(Names.scope, 255)), { exact: true })
    ],
    s,
    (word, w, s) => {
      const p = checkPrefix(w, "to", word === "to" ? (w.next() ?? "") : word)
      if (isError(p)) return p
      s.prefix = p
      return true
    }
  )
  if (isError(r)) return r
  if (Object.keys(s).length === 0) return w.fail("", '"ip route flush" requires arguments')
  return s
}

const flush = wordsCommand(
  "flush",
  "Remove every route the selectors match (table, dev, proto, type, scope, prefix), like `ip route flush`",
  (words, { family: fam }) =>
    Effect.gen(function* () {
      const f = yield* fromParsed(flushFilter(words))
      const { prefix, ...filter } = f as Route.Filter & { prefix?: string }
      const routes = yield* Route.list({ ...filter, ...(fam === undefined ? {} : { family: fam }) })
      const match = prefix === undefined ? routes : routes.filter((r) => r.destination === prefix)
      for (const r of match) yield* Route.remove(r)
    })
)

const get = wordsCommand(
  "get",
  "Look a destination up like `ip route get ADDR [from A] [iif D] [oif D] [mark M] [uid U] [fibmatch]`",
  (words, { json }) =>
    Effect.gen(function* () {
      const q = yield* fromParsed(Route.parseGet(words, "route get"))
      const r = yield* Route.get(q.destination, q.options)
      yield* printItems([r], json, routeLine)
    })
)

/** `nlink route ...`. */
export const routeCmd = Command.make("route").pipe(
  Command.withDescription("Routing tables"),
  Command.withSubcommands([
    routeList,
    modify("add", Route.add),
    modify("del", Route.remove),
    modify("replace", Route.replace),
    get,
    flush
  ])
)
