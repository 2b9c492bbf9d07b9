/**
 * `nlink neighbor list|add|del|replace|get|flush`, with `ip neigh`'s words.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import * as Neighbor from "../../api/Neighbor.ts"
import { neighborLine, toJson } from "../format.ts"
import { flags, fromParsed, layerFor, print, wordsCommand } from "./common.ts"

const NUD_STATES = [
  "incomplete",
  "reachable",
  "stale",
  "delay",
  "probe",
  "failed",
  "noarp",
  "permanent",
  "none"
] as const
// What `ip neigh show` shows unless told otherwise: every state but noarp and none.
const SHOWN_BY_DEFAULT = NUD_STATES.filter((s) => s !== "noarp" && s !== "none")

/**
 * The entries `ip neigh show [nud STATE...]` prints: those in the states asked
 * for (by default all but noarp and none; "all": every one), and always those
 * an external control plane owns (extern_learn, managed).
 */
const shownNeighbors = (
  entries: ReadonlyArray<Neighbor.Neighbor>,
  nud: ReadonlyArray<string>
): ReadonlyArray<Neighbor.Neighbor> => {
  if (nud.includes("all")) return entries
  const states = new Set<string | number>(nud.length > 0 ? nud : SHOWN_BY_DEFAULT)
  return entries.filter(
    (n) =>
      n.flags?.includes("externLearn") === true ||
      n.flags?.includes("managed") === true ||
      states.has(n.status?.state ?? n.state ?? "none")
  )
}

const neighborList = Command.make(
  "list",
  {
    ...flags,
    proxy: Argument.Literals("proxy", ["proxy"]).pipe(
      Argument.withDescription("List proxy ARP/NDP entries instead (as `ip neigh show proxy`)"),
      Argument.optional
    ),
    nud: Flag.Literals("nud", [...NUD_STATES, "all"]).pipe(
      Flag.withDescription(
        "Only entries in this state (repeatable; `all` for every state). Without it noarp and none entries are hidden, as `ip neigh` hides them"
      ),
      Flag.atLeast(0)
    )
  },
  Effect.fn(function* ({ netns, json, proxy, nud }) {
    const program = Effect.gen(function* () {
      const entries = Option.isSome(proxy)
        ? yield* Neighbor.listProxy()
        : shownNeighbors(yield* Neighbor.list(), nud)
      yield* print(json ? toJson(entries) : entries.map(neighborLine).join("\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription("List neighbours like `ip neigh`: noarp and none entries only when asked (--nud)"),
  Command.withAlias("ls")
)

const modify = (verb: "add" | "del" | "replace") =>
  wordsCommand(
    verb,
    `${verb === "del" ? "Remove" : verb === "add" ? "Add" : "Add or update"} a neighbour entry: ip neigh ${verb}'s words (ADDR lladdr MAC dev DEV nud STATE | proxy ADDR dev DEV)`,
    (words) =>
      Effect.gen(function* () {
        const n = yield* fromParsed(Neighbor.parse(words, `neigh ${verb}`))
        if (n.proxy === true) yield* verb === "del" ? Neighbor.removeProxy(n) : Neighbor.addProxy(n)
        else
          yield* verb === "add"
            ? Neighbor.add(n)
            : verb === "replace"
              ? Neighbor.replace(n)
              : Neighbor.remove(n)
      }),
    verb === "del" ? ["delete"] : []
  )

const get = wordsCommand(
  "get",
  "Look one entry up, like `ip neigh get ADDR dev DEV` (or `get proxy ADDR dev DEV`)",
  (words, { json }) =>
    Effect.gen(function* () {
      const n = yield* fromParsed(Neighbor.parse(words, "neigh get"))
      const e = yield* Neighbor.get(n)
      yield* print(json ? toJson([e]) : neighborLine(e))
    })
)

const flush = wordsCommand(
  "flush",
  "Remove the entries the selectors match (dev, nud STATE, to ADDR, proxy), like `ip neigh flush`: permanent and noarp entries only when named",
  (words) =>
    Effect.gen(function* () {
      const f = yield* fromParsed(Neighbor.parseFlush(words, "neigh flush"))
      const entries = f.proxy === true ? yield* Neighbor.listProxy() : yield* Neighbor.list()
      const states = new Set<string | number>(
        f.states ?? NUD_STATES.filter((s) => s !== "permanent" && s !== "noarp")
      )
      for (const e of entries) {
        if (f.dev !== undefined && e.dev !== f.dev) continue
        if (f.address !== undefined && e.address !== f.address) continue
        if (f.proxy !== true && !states.has(e.status?.state ?? e.state ?? "none")) continue
        yield* f.proxy === true ? Neighbor.removeProxy(e) : Neighbor.remove(e)
      }
    })
)

/** `nlink neighbor ...`. */
export const neighborCmd = Command.make("neighbor").pipe(
  Command.withAlias("neigh"),
  Command.withDescription("Neighbour (ARP/NDP) entries"),
  Command.withSubcommands([neighborList, modify("add"), modify("del"), modify("replace"), get, flush])
)
