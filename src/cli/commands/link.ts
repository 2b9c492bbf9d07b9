/**
 * `nlink link list|add|set|del`, with `ip link`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import * as Link from "../../api/Link.ts"
import { linkLine } from "../format.ts"
import { fromParsed, wordsCommand } from "./common.ts"
import { listCommand } from "./list.ts"

const add = wordsCommand(
  "add",
  "Create a link: ip link add's words ([link DEV] NAME [mtu N ...] type KIND [kind options])",
  (words) => Effect.flatMap(fromParsed(Link.parse(words, "link add")), Link.add)
)

const set = wordsCommand(
  "set",
  "Change a link: ip link set's words ([dev] DEV up|down mtu N name N master M nomaster netns NS ... [type KIND options])",
  (words) =>
    Effect.flatMap(fromParsed(Link.parseChanges(words, "link set")), ({ dev, changes }) =>
      Link.set(dev, changes)
    )
)

const del = wordsCommand(
  "del",
  "Remove a link, like `ip link del [dev] NAME`",
  (words) => Effect.flatMap(fromParsed(Link.parseDel(words, "link del")), (dev) => Link.remove(dev)),
  ["delete"]
)

/** `nlink link ...`. */
export const linkCmd = Command.make("link").pipe(
  Command.withDescription("Network devices"),
  Command.withSubcommands([
    listCommand("List links", Link.list(), (links) =>
      Effect.succeed(links.map((l) => linkLine(l)).join("\n"))
    ),
    add,
    set,
    del
  ])
)
