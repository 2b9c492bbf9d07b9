/**
 * `nlink address list|add|del|replace|flush`, with `ip address`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import * as Address from "../../api/Address.ts"
import { addressLine } from "../format.ts"
import { fromParsed, print, wordsCommand } from "./common.ts"
import { listCommand } from "./list.ts"

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

/** `nlink address ...`. */
export const addressCmd = Command.make("address").pipe(
  Command.withAlias("addr"),
  Command.withDescription("Protocol addresses"),
  Command.withSubcommands([
    listCommand("List addresses", Address.list(), (addrs) =>
      Effect.succeed(addrs.map(addressLine).join("\n"))
    ),
    modify("add", Address.add),
    modify("del", Address.remove),
    modify("replace", Address.replace),
    flush
  ])
)
