/**
 * `nlink snapshot | restore | diff | plan | apply`: network state as data.
 * Files are JSON, or YAML when the name ends in .yaml/.yml (read and written
 * with the `yaml` package).
 */
import * as fs from "node:fs"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import * as Apply from "../api/Apply.ts"
import * as Diff from "../api/Diff.ts"
import { invalid } from "../api/internal/Common.ts"
import { Netlink } from "../api/Netlink.ts"
import * as Snapshot from "../api/Snapshot.ts"
import type { NetlinkError } from "../runtime/NetlinkError.ts"
import { commonFlags } from "./flags.ts"

const flags = commonFlags({
  netns: "Run inside this named network namespace (as `ip -n NAME`)",
  json: "Print JSON"
})

const layerFor = (netns: Option.Option<string>): Layer.Layer<Netlink, NetlinkError> =>
  Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer

const out = (text: string) =>
  Effect.sync(() => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`))

const isYaml = (file: string) => /\.ya?ml$/i.test(file)

/** A file's document: JSON, or YAML by its name. */
const readDocument = (file: string): Effect.Effect<unknown, NetlinkError> =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => fs.readFileSync(file, "utf8"),
      catch: (e) => invalid("file", `cannot read ${file}: ${(e as Error).message}`)
    })
    if (!isYaml(file))
      return yield* Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: (e) => invalid("file", `${file} is not JSON: ${(e as Error).message}`)
      })
    const yaml = yield* Effect.tryPromise({
      try: () => import("yaml"),
      catch: () => invalid("file", `reading YAML needs the yaml package (npm install yaml); ${file}`)
    })
    return yield* Effect.try({
      try: () => yaml.parse(text) as unknown,
      catch: (e) => invalid("file", `${file} is not YAML: ${(e as Error).message}`)
    })
  })

/** A snapshot document, or a state (objects by type) given directly. */
const stateOf = (doc: unknown): Effect.Effect<Diff.State, NetlinkError> =>
  typeof doc === "object" && doc !== null && "objects" in doc
    ? Effect.map(Snapshot.decode(doc), (s) => s.objects)
    : Effect.map(Apply.validate(doc), (d) => Apply.stateOf(d))

const fileArg = (name: string, description: string) =>
  Argument.String(name).pipe(Argument.withDescription(description))

const snapshot = Command.make(
  "snapshot",
  {
    ...flags,
    yaml: Flag.Boolean("yaml").pipe(
      Flag.withDescription("Print YAML rather than JSON"),
      Flag.withDefault(false)
    )
  },
  Effect.fn(function* ({ netns, yaml }) {
    const s = yield* Snapshot.take.pipe(Effect.provide(layerFor(netns)))
    if (!yaml) return yield* out(Snapshot.toJson(s))
    const y = yield* Effect.tryPromise({
      try: () => import("yaml"),
      catch: () => invalid("yaml", "writing YAML needs the yaml package (npm install yaml)")
    })
    yield* out(y.stringify(Snapshot.encode(s)))
  })
).pipe(Command.withDescription("Print the namespace's whole configuration as one document"))

const reportText = (r: Apply.Report): string => {
  const lines = [Diff.toText(r.plan) || "(nothing to do)"]
  if (r.applied)
    lines.push(r.verified ? "applied, verified" : `applied; still different:\n${Diff.toText(r.remaining)}`)
  return lines.join("\n")
}

const restore = Command.make(
  "restore",
  { ...flags, file: fileArg("file", "A snapshot (JSON or YAML)") },
  Effect.fn(function* ({ netns, json, file }) {
    const s = yield* Effect.flatMap(readDocument(file), Snapshot.decode)
    const r = yield* Snapshot.restore(s).pipe(Effect.provide(layerFor(netns)))
    yield* out(json ? JSON.stringify(r, Diff.jsonReplacer, 2) : reportText(r))
  })
).pipe(Command.withDescription("Make the namespace's configuration the snapshot's (in one transaction)"))

const diff = Command.make(
  "diff",
  {
    json: flags.json,
    a: fileArg("a", "The state before (a snapshot or a state file)"),
    b: fileArg("b", "The state after")
  },
  Effect.fn(function* ({ json, a, b }) {
    const before = yield* Effect.flatMap(readDocument(a), stateOf)
    const after = yield* Effect.flatMap(readDocument(b), stateOf)
    const plan = Diff.diff(before, after)
    yield* out(json ? Diff.toJson(plan) : Diff.toText(plan))
  })
).pipe(Command.withDescription("The ordered changes that turn state A into state B"))

const plan = Command.make(
  "plan",
  { ...flags, file: fileArg("file", "A desired state (JSON or YAML)") },
  Effect.fn(function* ({ netns, json, file }) {
    const doc = yield* readDocument(file)
    const p = yield* Apply.plan(doc).pipe(Effect.provide(layerFor(netns)))
    yield* out(json ? Diff.toJson(p) : Diff.toText(p) || "(nothing to do)")
  })
).pipe(Command.withDescription("What `apply` would change, changing nothing"))

const apply = Command.make(
  "apply",
  {
    ...flags,
    dryRun: Flag.Boolean("dry-run").pipe(
      Flag.withDescription("Plan only; change nothing"),
      Flag.withDefault(false)
    ),
    file: fileArg("file", "A desired state (JSON or YAML)")
  },
  Effect.fn(function* ({ netns, json, dryRun, file }) {
    const doc = yield* readDocument(file)
    const r = yield* Apply.apply(doc, { dryRun }).pipe(Effect.provide(layerFor(netns)))
    yield* out(json ? JSON.stringify(r, Diff.jsonReplacer, 2) : reportText(r))
    if (r.applied && !r.verified) process.exitCode = 1
  })
).pipe(
  Command.withDescription(
    "Make the namespace hold a desired state (validate, plan, apply in a transaction, verify)"
  )
)

/**
 * The state commands, registered by main.ts.
 *
 * @example
 * ```ts
 * Command.withSubcommands([show, ...stateCommands])
 * ```
 */
export const stateCommands = [snapshot, restore, diff, plan, apply] as const
