/**
 * `nlink link list|add|set|del`, with `ip link`'s words.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { invalid } from "../../api/internal/Common.ts"
import * as Link from "../../api/Link.ts"
import type { XdpWords } from "../../api/parse/Link.ts"
import { withFd } from "../../api/tc/filter/Pinned.ts"
import { Brief, Details, Stats } from "../flags.ts"
import { briefLinks, linkLine, statsLines, toJson } from "../format.ts"
import { flags, fromParsed, layerFor, print, wordsCommand } from "./common.ts"

const add = wordsCommand(
  "add",
  "Create a link: ip link add's words ([link DEV] NAME [mtu N ...] type KIND [kind options])",
  (words) => Effect.flatMap(fromParsed(Link.parse(words, "link add")), Link.add)
)

const set = wordsCommand(
  "set",
  "Change a link: ip link set's words ([dev] DEV up|down mtu N name N master M nomaster netns NS ... [type KIND options | type bridge_slave|bond_slave port options])",
  (words) =>
    Effect.gen(function* () {
      const { dev, changes, port, vfs, xdp } = yield* fromParsed(Link.parseChanges(words, "link set"))
      // the common changes first (a new master takes the port options after)
      if (Object.keys(changes).length > 0 || (port === undefined && vfs === undefined && xdp === undefined))
        yield* Link.set(dev, changes)
      for (const vf of vfs ?? []) yield* Link.setVf(dev, vf)
      if (xdp !== undefined) yield* setXdp(dev, xdp)
      if (port !== undefined) {
        yield* samePortKind(dev, port.kind)
        yield* Link.setPort(dev, port.options)
      }
    })
)

/** `xdp off` detaches; `xdp pinned PATH` attaches the program pinned there (its fd held for the request). */
const setXdp = (dev: string, x: XdpWords) => {
  const setting = (fd: number | null): Link.XdpSetting => ({
    fd,
    noReplace: x.noReplace,
    ...(x.mode === undefined ? {} : { mode: x.mode })
  })
  return x.pinned === undefined
    ? Link.setXdp(dev, setting(null))
    : withFd(x.pinned, (fd) => Link.setXdp(dev, setting(fd)))
}

const property = (verb: "add" | "del") =>
  wordsCommand(
    verb,
    `${verb === "add" ? "Add" : "Remove"} alternative names, like \`ip link property ${verb} dev DEV altname NAME...\``,
    (words) =>
      Effect.gen(function* () {
        const p = yield* fromParsed(Link.parseProperty(words, `link property ${verb}`))
        for (const a of p.altnames) yield* (verb === "add" ? Link.addAltname : Link.removeAltname)(p.dev, a)
      }),
    verb === "del" ? ["delete"] : []
  )

const propertyCmd = Command.make("property").pipe(
  Command.withDescription("Link properties: alternative names"),
  Command.withSubcommands([property("add"), property("del")])
)

/** `type KIND_slave` must name the kind of the port's master, as the kernel checks for ip. */
const samePortKind = (dev: string, kind: string) =>
  Effect.gen(function* () {
    const { master } = yield* Link.get(dev, { stats: false })
    if (master === undefined || master === null) return
    const m = yield* Link.get(master, { stats: false })
    if (m.kind !== kind)
      return yield* Effect.fail(
        invalid("link set: type", `the master of ${dev}, ${m.name}, is ${m.kind ?? "no kind"}, not ${kind}`)
      )
  })

const del = wordsCommand(
  "del",
  "Remove a link, like `ip link del [dev] NAME`",
  (words) => Effect.flatMap(fromParsed(Link.parseDel(words, "link del")), (dev) => Link.remove(dev)),
  ["delete"]
)

// the link options every kind shares: -d prints the others (the kind's own)
const COMMON = new Set([...Object.keys(Link.ChangesSchema.fields), "name", "kind", "status"])

/** The kind's own options of a link, as `key value` pairs after its kind (ip -d's second line). */
const detailLine = (l: Link.Link): string => {
  const own = Object.entries(l).filter(([k, v]) => !COMMON.has(k) && v !== undefined)
  return `    ${[l.kind ?? "device", ...own.map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)].join(" ")}`
}

const list = Command.make(
  "list",
  flags,
  Effect.fn(function* ({ netns, json }) {
    const brief = yield* Brief
    const details = yield* Details
    const stats = yield* Stats
    const program = Effect.gen(function* () {
      if (brief && !json) return yield* print(briefLinks(yield* Link.listRaw()))
      const links = yield* Link.list()
      if (json) return yield* print(toJson(links))
      const text = links.map((l) =>
        [
          linkLine(l),
          ...(details ? [detailLine(l)] : []),
          ...(stats > 0 ? [statsLines(l.status?.stats64 as never, stats, l.status?.carrierChanges)] : [])
        ].join("\n")
      )
      yield* print(text.join("\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription("List links (-br: as `ip -br link`; -d: the kind's options; -s: counters)"),
  Command.withAlias("ls")
)

/** `nlink link ...`. */
export const linkCmd = Command.make("link").pipe(
  Command.withDescription("Network devices"),
  Command.withSubcommands([list, add, set, del, propertyCmd])
)
