/**
 * `nlink wg show|showconf|set|setconf|addconf`, with `wg`'s words and
 * output. `show` hides the private and preshared keys as `wg show` does
 * (its `private-key`, `preshared-keys` and `dump` fields print them, as
 * wg's do); `showconf` prints them, as `wg showconf` does.
 */
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Argument, Command } from "effect/cli"
import { invalid } from "../api/internal/Common.ts"
import { isError, type Parsed } from "../api/internal/Words.ts"
import * as Link from "../api/Link.ts"
import { parseSet } from "../api/parse/WireGuard.ts"
import * as WireGuard from "../api/WireGuard.ts"
import { commonFlags } from "./flags.ts"
import { toJson } from "./format.ts"
import { fromParsed, layerFor } from "./commands/common.ts"

const flags = commonFlags({
  netns: "Run inside this named network namespace (as `ip netns exec NAME wg ...`)",
  json: "Print one JSON document using the library's field names (keys redacted)"
})

const say = (text: string) =>
  Effect.sync(() => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`))

const NONE = "(none)"

// wg's pretty_bytes: B below 1 KiB, else two decimals of the largest binary unit
const bytes = (n: bigint): string => {
  const units = ["KiB", "MiB", "GiB", "TiB"]
  if (n < 1024n) return `${n} B`
  let v = Number(n) / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(2)} ${units[u]}`
}

// wg's pretty_time: "1 minute, 5 seconds"
const duration = (seconds: number): string => {
  const parts: Array<string> = []
  const unit = (n: number, name: string) => {
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? "" : "s"}`)
  }
  unit(Math.floor(seconds / (365 * 86400)), "year")
  unit(Math.floor((seconds % (365 * 86400)) / 86400), "day")
  unit(Math.floor((seconds % 86400) / 3600), "hour")
  unit(Math.floor((seconds % 3600) / 60), "minute")
  unit(seconds % 60, "second")
  return parts.length === 0 ? "Now" : parts.join(", ")
}

/** `wg show DEV` as text: private and preshared keys hidden. */
export const showText = (d: WireGuard.Device, now = Date.now()): string => {
  const out = [`interface: ${d.name}`]
  if (d.publicKey !== undefined) out.push(`  public key: ${d.publicKey}`)
  if (d.privateKey !== undefined) out.push("  private key: (hidden)")
  if (d.listenPort) out.push(`  listening port: ${d.listenPort}`)
  if (d.fwmark) out.push(`  fwmark: 0x${d.fwmark.toString(16)}`)
  for (const p of d.peers) {
    out.push("", `peer: ${p.publicKey}`)
    if (p.presharedKey !== undefined) out.push("  preshared key: (hidden)")
    if (p.endpoint !== undefined) out.push(`  endpoint: ${p.endpoint}`)
    out.push(`  allowed ips: ${p.allowedIps.length === 0 ? NONE : p.allowedIps.join(", ")}`)
    const s = p.status
    if (s?.lastHandshake !== undefined)
      out.push(
        `  latest handshake: ${duration(Math.max(0, Math.floor((now - s.lastHandshake.getTime()) / 1000)))} ago`
      )
    if (s !== undefined && (s.rxBytes > 0n || s.txBytes > 0n))
      out.push(`  transfer: ${bytes(s.rxBytes)} received, ${bytes(s.txBytes)} sent`)
    if (p.persistentKeepalive) out.push(`  persistent keepalive: every ${duration(p.persistentKeepalive)}`)
  }
  return out.join("\n")
}

const FIELDS = [
  "public-key",
  "private-key",
  "listen-port",
  "fwmark",
  "peers",
  "preshared-keys",
  "endpoints",
  "allowed-ips",
  "latest-handshakes",
  "transfer",
  "persistent-keepalive",
  "dump"
] as const
type Field = (typeof FIELDS)[number]

const key = (k: Redacted.Redacted<string> | undefined) => (k === undefined ? NONE : Redacted.value(k))
const handshake = (p: WireGuard.Peer) =>
  String(p.status?.lastHandshake === undefined ? 0 : Math.floor(p.status.lastHandshake.getTime() / 1000))

/** One field of `wg show DEV FIELD` (with `prefix`, the interface, for `wg show all FIELD`). */
export const fieldText = (d: WireGuard.Device, field: Field, prefix: boolean): string => {
  const pre = prefix ? `${d.name}\t` : ""
  const perPeer = (f: (p: WireGuard.Peer) => string) => d.peers.map((p) => `${pre}${p.publicKey}\t${f(p)}`)
  const lines: Array<string> = (() => {
    switch (field) {
      case "public-key":
        return [`${pre}${d.publicKey ?? NONE}`]
      case "private-key":
        return [`${pre}${key(d.privateKey)}`]
      case "listen-port":
        return [`${pre}${d.listenPort}`]
      case "fwmark":
        return [`${pre}${d.fwmark ? `0x${d.fwmark.toString(16)}` : "off"}`]
      case "peers":
        return d.peers.map((p) => `${pre}${p.publicKey}`)
      case "preshared-keys":
        return perPeer((p) => key(p.presharedKey))
      case "endpoints":
        return perPeer((p) => p.endpoint ?? NONE)
      case "allowed-ips":
        return perPeer((p) => (p.allowedIps.length === 0 ? NONE : p.allowedIps.join(" ")))
      case "latest-handshakes":
        return perPeer(handshake)
      case "transfer":
        return perPeer((p) => `${p.status?.rxBytes ?? 0n}\t${p.status?.txBytes ?? 0n}`)
      case "persistent-keepalive":
        return perPeer((p) => (p.persistentKeepalive ? String(p.persistentKeepalive) : "off"))
      case "dump":
        return [
          `${pre}${key(d.privateKey)}\t${d.publicKey ?? NONE}\t${d.listenPort}\t${d.fwmark ? `0x${d.fwmark.toString(16)}` : "off"}`,
          ...d.peers.map(
            (p) =>
              `${pre}${p.publicKey}\t${key(p.presharedKey)}\t${p.endpoint ?? NONE}\t${p.allowedIps.length === 0 ? NONE : p.allowedIps.join(",")}\t${handshake(p)}\t${p.status?.rxBytes ?? 0n}\t${p.status?.txBytes ?? 0n}\t${p.persistentKeepalive ? p.persistentKeepalive : "off"}`
          )
        ]
    }
  })()
  return lines.join("\n")
}

/** The names of the WireGuard devices, in index order. */
const devices = Effect.map(Link.list({ kind: "wireguard", stats: false }), (links) =>
  links.map((l) => String(l.name))
)

const show = Command.make(
  "show",
  {
    ...flags,
    words: Argument.String("words").pipe(
      Argument.withDescription("{ INTERFACE | all | interfaces } [FIELD], as `wg show` takes them"),
      Argument.variadic()
    )
  },
  Effect.fn(function* ({ netns, json, words }) {
    const program = Effect.gen(function* () {
      const [which = "all", field, extra] = words as ReadonlyArray<string>
      if (extra !== undefined) return yield* Effect.fail(invalid(`wg show: ${extra}`, "one field at most"))
      if (field !== undefined && !(FIELDS as ReadonlyArray<string>).includes(field))
        return yield* Effect.fail(invalid(`wg show: ${field}`, `not a field (one of ${FIELDS.join(", ")})`))
      if (which === "interfaces") return yield* say((yield* devices).join(" "))
      const names = which === "all" ? yield* devices : [which]
      const ds: Array<WireGuard.Device> = []
      for (const n of names) ds.push(yield* WireGuard.get(n))
      if (json) return yield* say(toJson(which === "all" ? ds : ds[0]))
      if (field !== undefined)
        return yield* say(ds.map((d) => fieldText(d, field as Field, which === "all")).join("\n"))
      if (ds.length > 0) yield* say(ds.map((d) => showText(d)).join("\n\n"))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription("Show WireGuard devices like `wg show` (keys hidden unless a field asks for them)")
)

const showconf = Command.make(
  "showconf",
  { ...flags, dev: Argument.String("interface") },
  Effect.fn(function* ({ netns, dev }) {
    const program = Effect.gen(function* () {
      const d = yield* WireGuard.get(dev)
      yield* say(WireGuard.printConfig(d as WireGuard.Config, { showKeys: true }))
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(Command.withDescription("Print a device's configuration with its keys, like `wg showconf`"))

const set = Command.make(
  "set",
  {
    ...flags,
    words: Argument.String("words").pipe(
      Argument.withDescription(
        "INTERFACE and `wg set`'s words (listen-port, fwmark, private-key FILE, peer KEY ...)"
      ),
      Argument.variadic()
    )
  },
  Effect.fn(function* ({ netns, words }) {
    const program = Effect.gen(function* () {
      const s = yield* fromParsed(parseSet(words as ReadonlyArray<string>))
      yield* WireGuard.set(s.dev, s.options)
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(Command.withDescription("Change a device like `wg set`"))

/** The change `wg setconf` (replace) or `wg addconf` makes from a configuration file's text. */
export const confChange = (text: string, replace: boolean, file = "config"): Parsed<WireGuard.SetOptions> => {
  const c = WireGuard.parseConfig(text)
  if (isError(c)) {
    const r = c.reason as { readonly path?: string; readonly message?: string }
    return invalid(`${file}: ${r.path ?? ""}`, r.message ?? "not a configuration")
  }
  return WireGuard.fromConfig(c, { replace })
}

const conf = (name: "setconf" | "addconf") =>
  Command.make(
    name,
    { ...flags, dev: Argument.String("interface"), file: Argument.String("file") },
    Effect.fn(function* ({ netns, dev, file }) {
      const program = Effect.gen(function* () {
        const text = yield* Effect.try({
          try: () => readFileSync(file, "utf8"),
          catch: () => invalid(`wg ${name}: ${file}`, "cannot read the file")
        })
        const change = yield* fromParsed(confChange(text, name === "setconf", file))
        yield* WireGuard.set(dev, change)
      })
      yield* program.pipe(Effect.provide(layerFor(netns)))
    })
  ).pipe(
    Command.withDescription(
      name === "setconf"
        ? "Replace a device's configuration with a file's, like `wg setconf`"
        : "Add a file's peers and settings to a device, like `wg addconf`"
    )
  )

/**
 * The change `wg syncconf` makes: the configuration as `setconf` reads it,
 * but the peers the device has and the file does not are removed one by one
 * instead of all peers replaced, so the kept peers' sessions survive.
 *
 * @example
 * ```ts
 * syncChange(text, ["HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="])
 * ```
 */
export const syncChange = (
  text: string,
  running: ReadonlyArray<WireGuard.Key>,
  file = "config"
): Parsed<WireGuard.SetOptions> => {
  const c = confChange(text, true, file)
  if (isError(c)) return c
  const kept = new Set((c.peers ?? []).map((p) => p.publicKey))
  const gone = running.filter((k) => !kept.has(k)).map((publicKey) => ({ publicKey, remove: true }))
  return { ...c, replacePeers: false, peers: [...gone, ...(c.peers ?? [])] }
}

const syncconf = Command.make(
  "syncconf",
  { ...flags, dev: Argument.String("interface"), file: Argument.String("file") },
  Effect.fn(function* ({ netns, dev, file }) {
    const program = Effect.gen(function* () {
      const text = yield* Effect.try({
        try: () => readFileSync(file, "utf8"),
        catch: () => invalid(`wg syncconf: ${file}`, "cannot read the file")
      })
      const now = yield* WireGuard.get(dev)
      const change = yield* fromParsed(
        syncChange(
          text,
          now.peers.map((p) => p.publicKey),
          file
        )
      )
      yield* WireGuard.set(dev, change)
    })
    yield* program.pipe(Effect.provide(layerFor(netns)))
  })
).pipe(
  Command.withDescription(
    "Make a device's configuration a file's without disturbing the peers it keeps, like `wg syncconf`"
  )
)

const genkey = Command.make("genkey", {}, () => say(Redacted.value(WireGuard.generateKey()))).pipe(
  Command.withDescription("Print a new private key (base64), like `wg genkey`")
)

const genpsk = Command.make("genpsk", {}, () => say(randomBytes(32).toString("base64"))).pipe(
  Command.withDescription("Print a new preshared key (base64), like `wg genpsk`")
)

/** The public key of the private key on standard input, or the error wg prints. */
export const pubkeyOf = (input: string): Parsed<WireGuard.Key> => {
  const pub = WireGuard.publicKey(input.trim())
  return pub === undefined ? invalid("wg pubkey", "Key is not the correct length or format") : pub
}

const pubkey = Command.make(
  "pubkey",
  {},
  Effect.fn(function* () {
    const input = yield* Effect.try({
      try: () => readFileSync(0, "utf8"),
      catch: () => invalid("wg pubkey", "cannot read standard input")
    })
    yield* say(yield* fromParsed(pubkeyOf(input)))
  })
).pipe(
  Command.withDescription(
    "Print the public key of the private key read from standard input, like `wg pubkey`"
  )
)

/** `nlink wg ...`. */
export const wgCmd = Command.make("wg").pipe(
  Command.withDescription("WireGuard devices, with `wg`'s words"),
  Command.withSubcommands([
    show,
    showconf,
    set,
    conf("setconf"),
    conf("addconf"),
    syncconf,
    genkey,
    genpsk,
    pubkey
  ])
)
