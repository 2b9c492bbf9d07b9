/**
 * The `list` (`ls`, `show`) subcommand most objects share: every object, as
 * text lines or, with -j, as one JSON document of the model objects.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import type { Netlink } from "../../api/Netlink.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { toJson } from "../format.ts"
import { flags, layerFor, print } from "./common.ts"

/**
 * A `list` subcommand over `list`, printing `text` of the items (or JSON).
 *
 * @example
 * ```ts
 * listCommand("List rules", Rule.list(), (rs) => Effect.succeed(rs.map(ruleLine).join("\n")))
 * ```
 */
export const listCommand = <A>(
  description: string,
  list: Effect.Effect<ReadonlyArray<A>, NetlinkError, Netlink>,
  text: (items: ReadonlyArray<A>) => Effect.Effect<string, NetlinkError, Netlink>
) =>
  Command.make(
    "list",
    flags,
    Effect.fn(function* ({ netns, json }) {
      const program = Effect.gen(function* () {
        const items = yield* list
        yield* print(json ? toJson(items) : yield* text(items))
      })
      yield* program.pipe(Effect.provide(layerFor(netns)))
    })
  ).pipe(Command.withDescription(description), Command.withAlias("ls"))
