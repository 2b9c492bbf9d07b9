/**
 * `nlink monitor [link|address|route|neighbor|rule|nexthop|qdisc|class…] [--json] [-n NS]`:
 * prints events as they come, one line each (or one JSON object per line),
 * like `ip monitor`. Overruns are announced and repaired (resync policy).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Argument, Command } from "effect/cli"
import * as Events from "../api/Events.ts"
import { Netlink } from "../api/Netlink.ts"
import type * as Nexthop from "../api/Nexthop.ts"
import { jsonReplacer } from "../api/Diff.ts"
import { commonFlags } from "./flags.ts"
import { addressLine, linkState, neighborLine, routeLine, ruleLine } from "./format.ts"
import { classLine, qdiscLine } from "./tc.ts"

const KIND_WORDS: Record<string, Events.Kind> = {
  link: "link",
  address: "address",
  addr: "address",
  route: "route",
  neighbor: "neighbor",
  neigh: "neighbor",
  neighbour: "neighbor",
  rule: "rule",
  nexthop: "nexthop",
  qdisc: "qdisc",
  class: "class"
}

// `ip monitor label`'s tags in front of each event (qdisc/class: tc's objects, tagged likewise)
const LABELS: Record<Events.Kind, string> = {
  link: "[LINK]",
  address: "[ADDR]",
  route: "[ROUTE]",
  neighbor: "[NEIGH]",
  rule: "[RULE]",
  nexthop: "[NEXTHOP]",
  qdisc: "[QDISC]",
  class: "[CLASS]"
} as Record<Events.Kind, string>

/**
 * An event's text line, after `ip monitor label`'s tag of its kind when
 * `label` is set (an overrun has no kind and no tag).
 *
 * @example
 * ```ts
 * eventLine(event, true) // "[LINK] New link d0 ..."
 * ```
 */
export const eventLine = (e: Events.Event, label: boolean): string => {
  const text = formatEvent(e)
  if (!label || !Events.isChange(e)) return text
  const tag = LABELS[e.kind as Events.Kind]
  return tag === undefined ? text : `${tag} ${text}`
}

const familyOf = (address: string): string => (address.includes(":") ? "inet6" : "inet")

/** A nexthop in `ip monitor nexthop` words: `id 1 via 10.0.0.2 dev eth0 proto static`. */
const nexthopWords = (n: Nexthop.Nexthop): string => {
  const parts: Array<string | number> = ["id", n.id ?? "?"]
  if (n.group !== undefined)
    parts.push("group", n.group.map((m) => (m.weight === undefined ? m.id : `${m.id},${m.weight}`)).join("/"))
  if (n.type === "resilient") parts.push("type resilient")
  if (n.blackhole === true) parts.push("blackhole")
  if (n.gateway !== undefined) parts.push("via", n.gateway)
  if (n.dev !== undefined) parts.push("dev", n.dev)
  if (n.onlink === true) parts.push("onlink")
  if (n.fdb === true) parts.push("fdb")
  if (n.protocol !== undefined) parts.push("proto", n.protocol)
  return parts.join(" ")
}

/**
 * One event as a line of text (like `ip monitor`), from the model objects
 * events carry (devices by name).
 *
 * @example
 * ```ts
 * formatEvent(event) // "New route inet 10.2.0.0/24 via 10.1.0.2 dev d0 table 100"
 * ```
 */
export const formatEvent = (e: Events.Event): string => {
  switch (e._tag) {
    case "Overrun":
      return "Overrun: the kernel dropped events (ENOBUFS); resynchronising"
    case "Resynced":
      return `Resynced (${e.reason}) ${e.kinds.join(",")}: ${e.added} new, ${e.changed} changed, ${e.removed} deleted`
  }
  const head = `${e._tag}${e.synthetic ? " (resync)" : ""} ${e.kind}`
  switch (e.kind) {
    case "link": {
      const l = e.value
      const flags = (l.status?.flags ?? []).map((f) => String(f).toUpperCase())
      const parts = [`${l.status?.index ?? "?"}: ${l.name}: <${flags.join(",")}>`]
      if (l.mtu !== undefined) parts.push(`mtu ${l.mtu}`)
      parts.push(`state ${linkState(l)}`)
      if (l.kind !== undefined) parts.push(l.kind)
      if (l.master !== undefined) parts.push(`master ${l.master}`)
      if (l.address !== undefined) parts.push(`link ${l.address}`)
      return `${head} ${parts.join(" ")}`
    }
    case "address":
      return `${head} ${addressLine(e.value)}`
    case "route":
      return `${head} ${e.value.family ?? familyOf(e.value.destination)} ${routeLine(e.value)}`
    case "neighbor":
      return `${head} ${familyOf(e.value.address)} ${neighborLine(e.value)}`
    case "rule":
      return `${head} ${e.value.family ?? "inet"} ${ruleLine(e.value).replace("\t", " ")}`
    case "nexthop":
      return `${head} ${nexthopWords(e.value)}`
    case "qdisc":
      return `${head} ${qdiscLine(e.value, false)}`
    case "class":
      return `${head} ${classLine(e.value, false)}`
  }
}

/**
 * One event as one line of JSON: `{ event, kind, key, synthetic, value }` for
 * changes (plus `previous` for Changed; the model objects, without the raw
 * message), the marker's fields otherwise; bigints as exact decimal numbers,
 * bytes as hex.
 *
 * @example
 * ```ts
 * jsonEvent(event) // '{"event":"New","kind":"link","key":"d0",...}'
 * ```
 */
export const jsonEvent = (e: Events.Event): string => {
  if (!Events.isChange(e)) {
    const { _tag, ...rest } = e
    return JSON.stringify({ event: _tag, ...rest }, jsonReplacer)
  }
  const { _tag, raw: _raw, ...rest } = e
  return JSON.stringify({ event: _tag, ...rest }, jsonReplacer)
}

const kindsArg = Argument.String("kind").pipe(
  Argument.withDescription(
    "What to watch: link, address, route, neighbor, rule, nexthop, qdisc, class (default: all); `label` tags each line with its kind, as `ip monitor label`"
  ),
  Argument.variadic()
)
const flags = commonFlags({
  netns: "Watch inside this named network namespace (as `ip -n NAME monitor`)",
  json: "Print one JSON object per line"
})

/**
 * The `monitor` subcommand.
 *
 * @example
 * ```ts
 * Command.withSubcommands([monitor])
 * ```
 */
export const monitor = Command.make(
  "monitor",
  { kinds: kindsArg, ...flags },
  Effect.fn(function* ({ kinds, netns, json }) {
    const want = new Set<Events.Kind>()
    let label = false
    for (const word of kinds) {
      if (word === "label") label = true
      else if (word === "all") for (const k of Events.kinds) want.add(k)
      else {
        const k = KIND_WORDS[word]
        if (k === undefined) {
          process.stderr.write(
            `nlink monitor: unknown kind "${word}" (link, address, route, neighbor, rule, nexthop, qdisc, class)\n`
          )
          process.exitCode = 2
          return
        }
        want.add(k)
      }
    }
    const printed = want.size === 0 ? new Set(Events.kinds) : want
    // The namespace is the Netlink layer's, provided around everything that reads.
    const layer = Option.isSome(netns) ? Netlink.layerNamespace({ name: netns.value }) : Netlink.layer
    const sub = yield* Layer.build(layer).pipe(
      Effect.flatMap((context) =>
        Events.subscribe({ kinds: [...printed] }).pipe(Effect.provideContext(context))
      )
    )
    yield* sub.events.pipe(
      Stream.runForEachArray((events) =>
        Effect.sync(() => {
          let out = ""
          for (const e of events) {
            out += `${json ? jsonEvent(e) : eventLine(e, label)}\n`
          }
          if (out !== "") process.stdout.write(out)
        })
      )
    )
  }, Effect.scoped)
).pipe(
  Command.withDescription(
    "Print link/address/route/neighbour/rule/nexthop/qdisc/class events as they happen, like `ip monitor`"
  )
)
