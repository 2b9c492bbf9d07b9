/**
 * The `-n/--netns NAME` and `-j/--json` flags every `nlink` command takes,
 * and the rewriting of ip's global options into them. Each command passes
 * its own help text.
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

// ip's global options and how nlink spells them (effect/cli reads "-4" as a number)
const GLOBAL: Readonly<Record<string, { readonly to: string; readonly value: boolean }>> = {
  "-n": { to: "--netns", value: true },
  "-netns": { to: "--netns", value: true },
  "--netns": { to: "--netns", value: true },
  "-j": { to: "--json", value: false },
  "-json": { to: "--json", value: false },
  "--json": { to: "--json", value: false },
  "-4": { to: "--ipv4", value: false },
  "-6": { to: "--ipv6", value: false }
}

/**
 * The command line as ip users type it, rewritten for effect/cli: global
 * options before the object (`nlink -n blue -j route list`) move after the
 * command, and `-4`/`-6` anywhere become `--ipv4`/`--ipv6`. Words after
 * `netns exec NAME` are left alone (they are another program's).
 *
 * @example
 * ```ts
 * normalizeArgs(["-n", "blue", "-j", "route", "list"]) // ["route", "list", "--netns", "blue", "--json"]
 * ```
 */
export const normalizeArgs = (args: ReadonlyArray<string>): Array<string> => {
  const moved: Array<string> = []
  let i = 0
  while (i < args.length) {
    const g = GLOBAL[args[i]!]
    if (g === undefined) break
    moved.push(g.to)
    if (g.value && i + 1 < args.length) moved.push(args[++i]!)
    i++
  }
  const rest = args.slice(i)
  const exec = rest[0] === "netns" && rest[1] === "exec"
  const body = exec ? rest : rest.map((a) => (a === "-4" ? "--ipv4" : a === "-6" ? "--ipv6" : a))
  return exec ? [...body] : [...body, ...moved]
}
