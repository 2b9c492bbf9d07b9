/**
 * `nlink -batch FILE [-force]`: one command per line, as `ip -batch` reads
 * them, all in one process over one netlink socket per namespace (that is
 * the point: no start-up per command). `-` reads standard input. Without
 * `-force` the first failing line stops the batch; with it every line runs.
 * Either way a failure prints `Command failed FILE:LINE` on stderr and the
 * exit status is 1, as ip's.
 */
import { readFileSync } from "node:fs"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { CliError } from "effect/cli"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import { shareConnections } from "./commands/common.ts"
import { normalizeArgs } from "./flags.ts"

/** What `-batch` was given: the file, `-force`, and the other global options before the object. */
export interface BatchOptions {
  readonly file: string
  readonly force: boolean
  /** The other global options (`-n NS`, `-j`, ...), given to every line. */
  readonly globals: ReadonlyArray<string>
}

// ip's global options that take a value (their value is not an option)
const VALUED = new Set(["-n", "-netns", "--netns"])

/**
 * Finds `-batch FILE` (or `-b FILE`) and `-force` among the options before
 * the object; undefined when there is no `-batch`.
 *
 * @example
 * ```ts
 * batchOptions(["-n", "blue", "-force", "-batch", "routes.txt"])
 * // { file: "routes.txt", force: true, globals: ["-n", "blue"] }
 * ```
 */
export const batchOptions = (args: ReadonlyArray<string>): BatchOptions | undefined => {
  let file: string | undefined
  let force = false
  const globals: Array<string> = []
  for (let i = 0; i < args.length && args[i]!.startsWith("-"); i++) {
    const a = args[i]!
    if (a === "-batch" || a === "-b" || a === "--batch") {
      file = args[++i]
      if (file === undefined) return { file: "", force, globals }
    } else if (a === "-force" || a === "--force") force = true
    else {
      globals.push(a)
      if (VALUED.has(a) && i + 1 < args.length) globals.push(args[++i]!)
    }
  }
  return file === undefined ? undefined : { file, force, globals }
}

/**
 * A batch line split into words as ip's `makeargs` does: on blanks, with
 * "double" or 'single' quotes keeping blanks inside a word, and `#` outside
 * quotes starting a comment.
 *
 * @example
 * ```ts
 * splitLine(`link set d0 alias "my uplink" # comment`) // ["link", "set", "d0", "alias", "my uplink"]
 * ```
 */
export const splitLine = (line: string): Array<string> => {
  const words: Array<string> = []
  let word: string | undefined
  let quote: string | undefined
  for (const c of line) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      word ??= ""
    } else if (c === "#") break
    else if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (word !== undefined) words.push(word)
      word = undefined
    } else word = (word ?? "") + c
  }
  if (word !== undefined) words.push(word)
  return words
}

/** The lines of the batch with their numbers; a line ending in `\` goes on on the next. */
export const batchLines = (text: string): Array<{ readonly line: number; readonly words: Array<string> }> => {
  const out: Array<{ line: number; words: Array<string> }> = []
  const raw = text.split("\n")
  for (let i = 0; i < raw.length; i++) {
    const start = i + 1
    let l = raw[i]!
    while (l.endsWith("\\") && i + 1 < raw.length) l = l.slice(0, -1) + raw[++i]!
    const words = splitLine(l)
    if (words.length > 0) out.push({ line: start, words })
  }
  return out
}

const firstLine = (u: unknown): string => {
  const text = u instanceof Error ? u.message : String(u)
  return text.split("\n").find((l) => l.trim() !== "") ?? "unknown error"
}

/**
 * Runs every line of the batch through `run` (the nlink command on one
 * line's arguments), sharing connections; sets the exit status to 1 when a
 * line failed. An unreadable file is a command line error (status 2).
 *
 * @example
 * ```ts
 * runBatch({ file: "-", force: true, globals: [] }, Command.runWith(nlink, { version }))
 * ```
 */
export const runBatch = <E, R>(
  options: BatchOptions,
  run: (args: ReadonlyArray<string>) => Effect.Effect<void, E, R>
): Effect.Effect<void, never, R> =>
  Effect.gen(function* () {
    const name = options.file === "-" ? "<stdin>" : options.file
    let text: string
    try {
      if (options.file === "") throw new Error("-batch needs a file name (- for standard input)")
      text = readFileSync(options.file === "-" ? 0 : options.file, "utf8")
    } catch (e) {
      process.stderr.write(`nlink: cannot read the batch ${name}: ${firstLine(e)}\n`)
      process.exitCode = 2
      return
    }
    let failed = false
    yield* shareConnections(
      Effect.gen(function* () {
        for (const { line, words } of batchLines(text)) {
          const exit = yield* Effect.exit(run(normalizeArgs([...options.globals, ...words])))
          if (Exit.isSuccess(exit)) continue
          if (Cause.hasInterrupts(exit.cause)) return yield* Effect.interrupt
          const error = Cause.squash(exit.cause)
          // a command line error was already printed by the presenter
          if (!CliError.isCliError(error)) {
            const typed = error instanceof NetlinkError || exit.cause.reasons.some((r) => r._tag === "Fail")
            process.stderr.write(`nlink: ${typed ? "" : "internal error: "}${firstLine(error)}\n`)
          } else if (error._tag === "ShowHelp" && error.errors.length === 0) continue
          process.stderr.write(`Command failed ${name}:${line}\n`)
          failed = true
          if (!options.force) return
        }
      })
    )
    if (failed) process.exitCode = 1
  })
