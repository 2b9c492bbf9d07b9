/**
 * `nlink show`: the links with their state and addresses, like `ip -br
 * address`. The command most often typed, so it has a start of its own:
 * `bin.ts` runs {@link main} for `show` with no options but `-n`/`-j`,
 * without loading the command-line parser or any other command.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Address from "../api/Address.ts"
import * as Link from "../api/Link.ts"
import { Netlink } from "../api/Netlink.ts"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import type { Options } from "./args.ts"
import { columns, familyName, linkState, toJson } from "./format.ts"
import { firstLine } from "./report.ts"

export type { Options } from "./args.ts"

/**
 * The text (or JSON document) `nlink show` prints, without the final newline.
 *
 * @example
 * ```ts
 * const text = yield* show({ netns: undefined, json: false })
 * // "lo               UNKNOWN        127.0.0.1/8 ::1/128"
 * ```
 */
export const show = (options: Options): Effect.Effect<string, NetlinkError> =>
  Effect.gen(function* () {
    const [links, addrs] = yield* Effect.all([Link.list({ stats: false }), Address.listRaw()])
    if (options.json)
      return toJson(
        links.map((l) => ({
          index: l.status?.index,
          ifname: l.name,
          operstate: linkState(l),
          address: l.address,
          mtu: l.mtu,
          kind: l.kind,
          addresses: addrs
            .filter((a) => a.index === l.status?.index)
            .map((a) => ({
              family: familyName(a.family),
              address: a.local ?? a.address,
              prefixlen: a.prefixlen
            }))
        }))
      )
    const rows = links.map((l) => [
      l.name,
      linkState(l),
      addrs
        .filter((a) => a.index === l.status?.index)
        .map((a) => `${a.local ?? a.address}/${a.prefixlen}`)
        .join(" ")
    ])
    return columns(rows, [16, 14])
  }).pipe(
    Effect.provide(
      options.netns === undefined ? Netlink.layer : Netlink.layerNamespace({ name: options.netns })
    )
  )

/**
 * Runs `nlink show` as a whole process: prints the text, or one line on
 * stderr and exit status 1; SIGINT/SIGTERM end it with 130/143 as for
 * every other command.
 *
 * @example
 * ```ts
 * const options = showArgs(process.argv.slice(2)) // from ./args.ts
 * if (options !== undefined) await main(options)
 * ```
 */
export const main = async (options: Options): Promise<void> => {
  process.on("SIGINT", () => process.exit(130))
  process.on("SIGTERM", () => process.exit(143))
  // a reader that went away (`nlink show | head -1`) ends the output quietly
  process.stdout.on("error", () => {})
  const exit = await Effect.runPromiseExit(show(options))
  if (Exit.isSuccess(exit)) {
    process.stdout.write(`${exit.value}\n`)
    return
  }
  const error = Cause.squash(exit.cause)
  const typed = error instanceof NetlinkError || exit.cause.reasons.some((r) => r._tag === "Fail")
  process.stderr.write(`nlink: ${typed ? "" : "internal error: "}${firstLine(error)}\n`)
  process.exitCode = 1
}
