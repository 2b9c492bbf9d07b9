/**
 * Which command lines `nlink` starts without its parser. No imports: bin.ts
 * reads every command line with it before loading anything else.
 */

/** What `show` is asked for: the namespace (`-n NAME`) and JSON (`-j`). */
export interface Options {
  readonly netns: string | undefined
  readonly json: boolean
}

// ip's spellings of the two options show takes (flags.ts's table, for these two)
const NETNS = new Set(["-n", "-netns", "--netns"])
const JSON_FLAGS = new Set(["-j", "-json", "--json"])

/**
 * The options of a command line that is `show` with at most `-n NAME` and
 * `-j` (before or after it); `undefined` for any other command line, which
 * goes to the full parser (help, other flags, other commands).
 *
 * @example
 * ```ts
 * showArgs(["-n", "blue", "show", "-j"]) // { netns: "blue", json: true }
 * showArgs(["show", "--help"]) // undefined
 * ```
 */
export const showArgs = (args: ReadonlyArray<string>): Options | undefined => {
  let netns: string | undefined
  let json = false
  let seen = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === "show" && !seen) seen = true
    else if (JSON_FLAGS.has(a)) json = true
    else if (NETNS.has(a) && netns === undefined && i + 1 < args.length) netns = args[++i]
    else if (a.startsWith("--netns=") && netns === undefined) netns = a.slice("--netns=".length)
    else return undefined
  }
  return seen ? { netns, json } : undefined
}
