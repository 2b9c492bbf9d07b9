/**
 * `nlink macsec add|set|del|offload|show`, with `ip macsec`'s words: TX
 * SAs, RX SCs and RX SAs of a MACsec device, read by the library's parsers
 * (src/api/parse/Macsec.ts) and sent by `Macsec.change`. `show` prints as
 * `ip macsec show` does (key identifiers, never keys).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command } from "effect/cli"
import type { Parsed } from "../api/internal/Words.ts"
import * as Macsec from "../api/Macsec.ts"
import { commonFlags } from "./flags.ts"
import { toJson } from "./format.ts"
import { fromParsed, layerFor, wordsCommand as sharedWordsCommand } from "./commands/common.ts"

const flags = commonFlags({
  netns: "Run inside this named network namespace (as `ip -n NAME macsec`)",
  json: "Print one JSON document using the library's field names"
})

const onOff = (b: boolean) => (b ? "on" : "off")

/** One SecY as `ip macsec show` prints it (without statistics). */
export const secyText = (s: Macsec.SecY): string => {
  const out = [
    `${s.index}: ${s.dev}: protect ${onOff(s.protect)} validate ${s.validate} sc off sa off encrypt ${onOff(s.encrypt)} send_sci ${onOff(s.sendSci)} end_station ${onOff(s.endStation)} scb ${onOff(s.scb)} replay ${onOff(s.replay)}${s.replay ? ` window ${s.window}` : ""}`,
    `    cipher suite: ${String(s.cipher).toUpperCase()}, using ICV length ${s.icvlen}`,
    `    TXSC: ${s.sci} on SA ${s.encodingsa}`
  ]
  for (const sa of s.txSas)
    out.push(`        ${sa.an}: PN ${sa.pn}, state ${onOff(sa.active)}, key ${sa.keyId}`)
  for (const rx of s.rxScs) {
    out.push(`    RXSC: ${rx.sci}, state ${onOff(rx.active)}`)
    for (const sa of rx.sas)
      out.push(`        ${sa.an}: PN ${sa.pn}, state ${onOff(sa.active)}, key ${sa.keyId}`)
  }
  out.push(`    offload: ${s.offload}`)
  return out.join("\n")
}

const wordsCommand = (
  name: string,
  description: string,
  parse: (words: ReadonlyArray<string>, command: string) => Parsed<Macsec.MacsecCommand>,
  aliases: ReadonlyArray<string> = []
) =>
  sharedWordsCommand(
    name,
    description,
    (words) =>
      Effect.flatMap(fromParsed(parse(words, `macsec ${name}`)), (c) => Macsec.change(c.dev, c.change)),
    { aliases, tool: "ip macsec", family: false }
  )

const show = Command.make(
  "show",
  {
    ...flags,
    dev: Argument.String("dev").pipe(Argument.withDescription("Only this MACsec device"), Argument.optional)
  },
  Effect.fn(function* ({ netns, json, dev }) {
    const program = Effect.gen(function* () {
      const ys = Option.isSome(dev) ? [yield* Macsec.get(dev.value)] : yield* Macsec.list()
      const text = json ? toJson(ys) : ys.map(secyText).join("\n")
      yield* Effect.sync(() => process.stdout.write(text === "" ? "" : `${text}\n`))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(Command.withDescription("Show MACsec devices like `ip macsec show` (key identifiers, never keys)"))

/** `nlink macsec ...`. */
export const macsecCmd = Command.make("macsec").pipe(
  Command.withDescription("MACsec SAs and SCs, with `ip macsec`'s words"),
  Command.withSubcommands([
    show,
    wordsCommand(
      "add",
      "Add a TX SA, an RX SC or an RX SA: DEV tx sa AN pn N on key ID KEY | DEV rx SCI [sa ...]",
      Macsec.parseAdd
    ),
    wordsCommand(
      "set",
      "Change a TX SA, an RX SC or an RX SA: DEV tx sa AN [pn N] [on|off] | DEV rx SCI ...",
      Macsec.parseSet
    ),
    wordsCommand(
      "del",
      "Remove a TX SA, an RX SC or an RX SA: DEV tx sa AN | DEV rx SCI [sa AN]",
      Macsec.parseDel,
      ["delete"]
    ),
    wordsCommand("offload", "Set the offload: DEV off|phy|mac", Macsec.parseOffload)
  ])
)
