/**
 * The `-n/--netns NAME` and `-j/--json` flags every `nlink` command takes.
 * Each command passes its own help text.
 */
import { Flag } from "effect/cli"

/**
 * The two flags, in help order: `netns` (optional) then `json` (default false).
 *
 * @example
 * ```ts
 * Command.make("list", commonFlags({ netns: "Run inside ...", json: "Print JSON" }), handler)
 * ```
 */
export const commonFlags = (help: { readonly netns: string; readonly json: string }) => ({
  netns: Flag.String("netns").pipe(Flag.withAlias("n"), Flag.withDescription(help.netns), Flag.optional),
  json: Flag.Boolean("json").pipe(
    Flag.withAlias("j"),
    Flag.withDescription(help.json),
    Flag.withDefault(false)
  )
})
