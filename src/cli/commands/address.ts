/**
 * `nlink address list|add|del|replace|flush`, with `ip address`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import * as Address from "../../api/Address.ts"
import * as Link from "../../api/Link.ts"
import { Brief } from "../flags.ts"
import { addressLine, briefLinks, toJson } from "../format.ts"
import { flags, fromParsed, layerFor, print, wordsCommand } from "./common.ts"

const modify = (
  verb: "add" | "del" | "replace",
  act: (a: Address.Address) => Effect.Effect<void, any, any>
) =>
  wordsCommand(
    verb,
    `${verb === "del" ? "Remove" : verb === "add" ? "Add" : "Add or update"} an address: ip address ${verb}'s words (ADDR/LEN dev DEV [label L] [valid_lft N] ...)`,
    (words) => Effect.flatMap(fromParsed(Address.parse(words, `address ${verb}`)), act),
    verb === "del" ? ["delete"] : []
  )

const flush = wordsCommand(
  "flush",
  "Remove the addresses the selectors match (dev, scope, label, to, permanent|dynamic, proto), like `ip address flush`",
  (words, { family, json }) =>
    Effect.gen(function* () {
      const f = yield* fromParsed(Address.parseFlush(words, "address flush"))
      const removed = yield* Address.flush({ ...f, ...(family === undefined ? {} : { family }) })
      if (json) yield* print(JSON.stringify({ removed }))
    })
)

const list = Command.make(
  "list",
  flags,
  Effect.fn(function* ({ netns, json }) {
    const brief = yield* Brief
    const program = Effect.gen(function* () {
      if (!brief || json) {
        const addrs = yield* Address.list()
        return yield* print(json ? toJson(addrs) : addrs.map(addressLine).join("\n"))
      }
      // ip -br address: each link's state and its addresses, in the kernel's order
      const [links, addrs] = yield* Effect.all([Link.listRaw(), Address.listRaw()])
      const byLink = new Map<number, Array<string>>()
      for (const a of addrs) {
        const list = byLink.get(a.index) ?? []
        list.push(`${a.local ?? a.address}/${a.prefixlen}`)
        byLink.set(a.index, list)
      }
      yield* print(briefLinks(links, byLink))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(Command.withDescription("List addresses (-br: as `ip -br address`)"), Command.withAlias("ls"))

/** `nlink address ...`. */
export const addressCmd = Command.make("address").pipe(
  Command.withAlias("addr"),
  Command.withDescription("Protocol addresses"),
  Command.withSubcommands([
    list,
    modify("add", Address.add),
    modify("del", Address.remove),
    modify("replace", Address.replace),
    flush
  ])
)
