/**
 * What every `nlink` command shares: chunked printing, the namespace layer,
 * the common flags, and the shape of a writing command (`nlink route add
 * WORDS...`): the words go through the object's library `parse`, the result
 * to the library call.
 */
import * as Effect from "effect/Effect"
import type * as Services from "effect/Context"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { isError, type Parsed } from "../../api/internal/Words.ts"
import { Netlink } from "../../api/Netlink.ts"
import type { NetlinkError } from "../../runtime/NetlinkError.ts"
import { commonFlags } from "../flags.ts"
import { toJson } from "../format.ts"

// Output is written in chunks, each finished before the next starts, so a
// signal is handled between two chunks and stops the output (600k routes
// are 27 MB of text). A write to a pipe blocks on Linux: one console.log of
// the whole text held the event loop, and with it SIGINT, to the last byte.
const CHUNK = 1 << 16

// A reader that went away (`nlink route list | head`) ends the output
// quietly, as it would for `ip`; without a listener Node throws EPIPE.
let closed = false
process.stdout.on("error", () => {
  closed = true
})

const writeChunk = (chunk: string): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    process.stdout.write(chunk, (error) => {
      if (error) closed = true
      resume(Effect.void)
    })
  })

/** Prints `text` and a newline on stdout, a chunk at a time; interruptible between chunks. */
export const print = (text: string): Effect.Effect<void> =>
  Effect.suspend(() => {
    const s = `${text}\n`
    let at = 0
    const next: Effect.Effect<void> = Effect.suspend(() => {
      if (closed || at >= s.length) return Effect.void
      const chunk = s.slice(at, at + CHUNK)
      at += CHUNK
      return Effect.flatMap(writeChunk(chunk), () => next)
    })
    return next
  })

/** `-n/--netns` and `-j/--json`. */
export const flags = commonFlags({
  netns: "Run inside this named network namespace (as `ip -n NAME`)",
  json: "Print one JSON document using the library's field names"
})

// Set while `-batch` runs: every command of the batch shares one Netlink
// service per namespace, built once in this scope (one socket, as ip -batch).
let shared:
  | { readonly scope: Scope.Scope; readonly built: Map<string, Services.Context<Netlink>> }
  | undefined

/** The Netlink layer of the namespace asked for (or the current one). */
export const layerFor = (netns: Option.Option<string>): Layer.Layer<Netlink, NetlinkError> => {
  const layer = Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer
  const s = shared
  if (s === undefined) return layer
  const key = Option.getOrElse(netns, () => "")
  return Layer.effectContext(
    Effect.suspend(() => {
      const ready = s.built.get(key)
      if (ready !== undefined) return Effect.succeed(ready)
      return Effect.tap(Layer.buildWithScope(layer, s.scope), (c) => Effect.sync(() => s.built.set(key, c)))
    })
  )
}

/**
 * Runs `effect` with every command inside it sharing its namespace's
 * Netlink service (opened on first use, closed when `effect` ends): what
 * `-batch` runs its lines in.
 *
 * @example
 * ```ts
 * shareConnections(Effect.forEach(lines, runLine, { discard: true }))
 * ```
 */
export const shareConnections = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.scoped(
    Effect.flatMap(Effect.scope, (scope) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          shared = { scope, built: new Map() }
        }),
        () => effect,
        () =>
          Effect.sync(() => {
            shared = undefined
          })
      )
    )
  )

/** A parse result as an Effect (the Validation error fails it). */
export const fromParsed = <A>(r: Parsed<A>): Effect.Effect<A, NetlinkError> =>
  isError(r) ? Effect.fail(r) : Effect.succeed(r)

/** What a writing command's handler gets besides its words. */
export interface Context {
  readonly json: boolean
  /** ip's -4/-6 (spelled --ipv4/--ipv6 here: effect/cli reads "-4" as a number). */
  readonly family: "inet" | "inet6" | undefined
}

/** How a writing subcommand describes itself besides its name and text. */
export interface WordsOptions {
  /** Other names (effect/cli keeps one; ip's other spellings are mapped in flags.ts). */
  readonly aliases?: ReadonlyArray<string>
  /** Whose words these are, for the help text: "ip" (the default), "tc", "ip macsec". */
  readonly tool?: string
  /** Whether the command takes ip's -4/-6 (true unless said otherwise; tc has none). */
  readonly family?: boolean
}

/**
 * A writing subcommand: `name WORDS...` with the common flags. `run` parses
 * the words (the library's `parse`, with `command` naming errors) and acts;
 * it runs inside the namespace `-n` names. The one shape of every ip, bridge,
 * tc and macsec writing command. Words that begin with "-" (cake's
 * `overhead -4`) follow a `--`.
 *
 * @example
 * ```ts
 * wordsCommand("add", "Add a route", (words, { family }) =>
 *   Effect.flatMap(fromParsed(Route.parse(words, "route add", family)), Route.add))
 * ```
 */
export const wordsCommand = (
  name: string,
  description: string,
  run: (words: ReadonlyArray<string>, context: Context) => Effect.Effect<void, NetlinkError, Netlink>,
  options: ReadonlyArray<string> | WordsOptions = []
) => {
  const o: WordsOptions = Array.isArray(options) ? { aliases: options } : (options as WordsOptions)
  const tool = o.tool ?? "ip"
  const words = Argument.String("words").pipe(
    Argument.withDescription(`The words \`${tool}\` takes after the verb`),
    Argument.variadic()
  )
  const netnsFlags = commonFlags({
    netns: `Run inside this named network namespace (as \`${tool} -n NAME\`)`,
    json: "Print one JSON document using the library's field names"
  })
  const familyFlags = {
    ipv4: Flag.Boolean("ipv4").pipe(Flag.withDescription("IPv4 (ip's -4)"), Flag.withDefault(false)),
    ipv6: Flag.Boolean("ipv6").pipe(Flag.withDescription("IPv6 (ip's -6)"), Flag.withDefault(false))
  }
  const handler = (a: {
    readonly netns: Option.Option<string>
    readonly json: boolean
    readonly ipv4?: boolean
    readonly ipv6?: boolean
    readonly words: ReadonlyArray<string>
  }) => {
    const family = a.ipv6 === true ? "inet6" : a.ipv4 === true ? "inet" : undefined
    return run(a.words, { json: a.json, family }).pipe(Effect.provide(layerFor(a.netns)))
  }
  let cmd =
    o.family === false
      ? Command.make(name, { ...netnsFlags, words }, handler)
      : Command.make(name, { ...netnsFlags, ...familyFlags, words }, handler)
  cmd = cmd.pipe(Command.withDescription(description))
  for (const a of (o.aliases ?? []).slice(0, 1)) cmd = cmd.pipe(Command.withAlias(a))
  return cmd
}

/** Prints `items` as JSON with -j, else as `text` lines. */
export const printItems = <A>(items: ReadonlyArray<A>, json: boolean, text: (a: A) => string) =>
  print(json ? toJson(items) : items.map(text).join("\n"))
