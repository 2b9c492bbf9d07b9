#!/usr/bin/env node
/**
 * The `nlink` command: the machine's network state over netlink, as text
 * like `ip -br` or as one JSON document with the library's field names.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import { CliError, CliOutput, Command } from "effect/cli"
import { NetlinkError } from "../runtime/NetlinkError.ts"
import { Brief, Details, normalizeArgs, Stats } from "./flags.ts"
import { batchOptions, runBatch } from "./batch.ts"
import { commandsFor } from "./registry.ts"
import { firstLine } from "./report.ts"

// `-batch FILE [-force]` runs the file's lines (src/cli/batch.ts)
const batch = batchOptions(process.argv.slice(2))

// ip's global options before the object, and -4/-6, in effect/cli's spelling.
process.argv = [...process.argv.slice(0, 2), ...normalizeArgs(process.argv.slice(2))]
const argv = process.argv.slice(2)

// `netns exec NAME COMMAND...` runs before the parser: COMMAND's options are its own.
if (argv[0] === "netns" && argv[1] === "exec") {
  const { execIn } = await import("./commands/netns.ts")
  process.exit(execIn(argv.slice(2)))
}

// Only the command the line names is loaded (registry.ts); help and
// completions load every command.
const nlink = Command.make("nlink").pipe(
  Command.withGlobalFlags([Brief, Details, Stats]),
  Command.withDescription(
    "Linux networking over netlink, with ip's and bridge's words (nlink route add 10.0.0.0/24 via 10.0.0.1; nlink -n NS -j link list). Exit status: 0 done, 1 the kernel refused or the words were invalid (one line on stderr), 2 bad command line, 130/143 interrupted"
  ),
  Command.withSubcommands(await commandsFor(batch === undefined ? argv : []))
)

// A usage error is one line on stderr (help stays one `--help` away).
const presenter: CliOutput.Presenter = {
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.sync(() => {
          const first = event.errors[0]?.message.split("\n")[0] ?? "invalid command line"
          process.stderr.write(`nlink: ${first} (see: ${event.commandPath.join(" ")} --help)\n`)
        })
      : CliOutput.defaultPresenter.present(event)
}

/**
 * Every failure, typed or a defect, as one line on stderr and a non-zero
 * exit; never a stack trace. Interruption (a signal) is left to the
 * runtime's teardown, which picks the exit code.
 */
const reportFailure = (cause: Cause.Cause<unknown>): Effect.Effect<void, unknown> => {
  if (Cause.hasInterrupts(cause)) return Effect.failCause(cause)
  return Effect.sync(() => {
    const error = Cause.squash(cause)
    if (CliError.isCliError(error)) {
      // Already said by the presenter; asking for help is no failure.
      process.exitCode = error._tag === "ShowHelp" && error.errors.length === 0 ? 0 : 2
      return
    }
    const typed = error instanceof NetlinkError || cause.reasons.some((r) => r._tag === "Fail")
    process.stderr.write(`nlink: ${typed ? "" : "internal error: "}${firstLine(error)}\n`)
    process.exitCode = 1
  })
}

const program = (
  batch === undefined
    ? nlink.pipe(Command.run({ version: "0.1.0" }))
    : runBatch(batch, Command.runWith(nlink, { version: "0.1.0" }))
).pipe(
  Effect.catchCause(reportFailure),
  Effect.provide(Layer.mergeAll(NodeServices.layer, Layer.succeed(CliOutput.Presenter)(presenter)))
)

// SIGINT and SIGTERM interrupt the program (the runtime's own handlers);
// the exit code then tells which: 130 for SIGINT, 143 for SIGTERM, as a
// shell reports a process those signals ended. A second signal exits at once.
let signal: NodeJS.Signals | undefined
const codeOf = (s: NodeJS.Signals) => (s === "SIGTERM" ? 143 : 130)
const onSignal = (s: NodeJS.Signals) => {
  if (signal !== undefined) process.exit(codeOf(signal))
  signal = s
}
process.on("SIGINT", onSignal)
process.on("SIGTERM", onSignal)

NodeRuntime.runMain(program as Effect.Effect<void>, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    Runtime.defaultTeardown(exit, (code) => {
      process.removeListener("SIGINT", onSignal)
      process.removeListener("SIGTERM", onSignal)
      onExit(signal !== undefined && code === 130 ? codeOf(signal) : code)
    })
})
