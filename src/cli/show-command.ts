/**
 * `nlink show` for the command-line parser (help, completions, and command
 * lines the fast start in bin.ts leaves to the parser).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command } from "effect/cli"
import { flags, print } from "./commands/common.ts"
import { show } from "./show.ts"

/**
 * The `show` command: links with their state and addresses.
 *
 * @example
 * ```ts
 * Command.make("nlink").pipe(Command.withSubcommands([showCmd]))
 * ```
 */
export const showCmd = Command.make(
  "show",
  flags,
  Effect.fn(function* ({ netns, json }) {
    yield* print(yield* show({ netns: Option.getOrUndefined(netns), json }))
  })
).pipe(Command.withDescription("Links with their state and addresses, like `ip -br address`"))
