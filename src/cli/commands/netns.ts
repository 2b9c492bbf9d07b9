/**
 * `nlink netns list|add|del|exec`, like `ip netns`.
 */
import { spawnSync } from "node:child_process"
import * as Effect from "effect/Effect"
import { Argument, Command } from "effect/cli"
import * as Namespace from "../../api/Namespace.ts"
import { toJson } from "../format.ts"
import { print } from "./common.ts"
import { commonFlags } from "../flags.ts"

const flags = commonFlags({
  netns: "Unused here (accepted for symmetry with the other commands)",
  json: "Print the names as a JSON array"
})

const name = Argument.String("name").pipe(Argument.withDescription("The namespace's name (in /run/netns)"))

const list = Command.make(
  "list",
  flags,
  Effect.fn(function* ({ json }) {
    const names = yield* Namespace.list()
    yield* print(json ? toJson(names) : names.join("\n"))
  })
).pipe(Command.withDescription("The named namespaces, like `ip netns list`"), Command.withAlias("ls"))

const add = Command.make("add", { name }, ({ name }) => Namespace.create(name)).pipe(
  Command.withDescription("Create a named namespace, like `ip netns add NAME`")
)

const del = Command.make("del", { name }, ({ name }) => Namespace.remove(name)).pipe(
  Command.withDescription("Remove a named namespace, like `ip netns del NAME`"),
  Command.withAlias("delete")
)

/**
 * `netns exec NAME COMMAND...`: runs COMMAND in the namespace (through
 * nsenter, on the namespace's /run/netns file) and returns its exit status.
 * main.ts calls it before the command-line parser sees the words, so the
 * command's own options (`ip -br a`) stay its own.
 */
export const execIn = (argv: ReadonlyArray<string>): number => {
  const [ns, ...cmd] = argv
  if (ns === undefined || cmd.length === 0) {
    process.stderr.write("nlink: netns exec needs a namespace name and a command\n")
    return 2
  }
  if (!/^[^/]+$/.test(ns) || ns === "." || ns === "..") {
    process.stderr.write(`nlink: netns exec: "${ns}" is not a namespace name\n`)
    return 2
  }
  const r = spawnSync("nsenter", [`--net=/run/netns/${ns}`, "--", ...cmd], { stdio: "inherit" })
  if (r.error !== undefined) {
    process.stderr.write(`nlink: netns exec: ${r.error.message}\n`)
    return 1
  }
  return r.status ?? (r.signal === "SIGINT" ? 130 : 1)
}

const exec = Command.make(
  "exec",
  { words: Argument.String("command").pipe(Argument.variadic) },
  ({ words }) =>
    Effect.sync(() => {
      process.exitCode = execIn(words as ReadonlyArray<string>)
    })
).pipe(
  Command.withDescription("Run a command inside a named namespace, like `ip netns exec NAME COMMAND...`")
)

/** `nlink netns ...`. */
export const netnsCmd = Command.make("netns").pipe(
  Command.withDescription("Named network namespaces"),
  Command.withSubcommands([list, add, del, exec])
)
