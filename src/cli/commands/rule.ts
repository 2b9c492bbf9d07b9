/**
 * `nlink rule list|add|del|flush`, with `ip rule`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import * as Rule from "../../api/Rule.ts"
import { ruleLine } from "../format.ts"
import { fromParsed, wordsCommand } from "./common.ts"
import { listCommand } from "./list.ts"

const modify = (verb: "add" | "del") =>
  wordsCommand(
    verb,
    `${verb === "add" ? "Add" : "Remove"} a rule: ip rule ${verb}'s words (from P to P iif D fwmark M table T pref N ...)`,
    (words, { family }) =>
      Effect.flatMap(
        fromParsed(Rule.parse(words, `rule ${verb}`, family)),
        verb === "add" ? Rule.add : Rule.remove
      ),
    verb === "del" ? ["delete"] : []
  )

// ip rule flush keeps the rules of priority 0 (lookup local): the kernel refuses to lose them
const flush = wordsCommand(
  "flush",
  "Remove every rule of the family but the local one (priority 0), like `ip rule flush [protocol P] [table T] [pref N]`",
  (words, { family }) =>
    Effect.gen(function* () {
      const filter = yield* fromParsed(Rule.parseFlush(words, "rule flush", family))
      const rules = yield* Rule.list(filter)
      for (const r of rules) if (r.priority !== 0) yield* Rule.remove(r)
    })
)

/** `nlink rule ...`. */
export const ruleCmd = Command.make("rule").pipe(
  Command.withDescription("Routing policy rules"),
  Command.withSubcommands([
    listCommand("List rules of both families", Rule.list(), (rules) =>
      Effect.succeed(rules.map(ruleLine).join("\n"))
    ),
    modify("add"),
    modify("del"),
    flush
  ])
)
