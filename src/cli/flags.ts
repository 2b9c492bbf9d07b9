/**
 * The `-n/--netns NAME` and `-j/--json` flags every `nlink` command takes,
 * and the rewriting of ip's global options into them. Each command passes
 * its own help text.
 */
import { Flag, GlobalFlag } from "effect/cli"
import { matches } from "../api/internal/Words.ts"

/**
 * The two flags, in help order: `netns` (optional) then `json` (default false).
 *
 * @example
 * ```ts
 * Command.make("list", commonFlags({ netns: "Run inside ...", json: "Print JSON" }), handler)
 * ```
 */
export const commonFlags = (help: { readonly netns: string; readonly json: string }) => ({
  netns: Flag.String("netns").pipe(Flag.withAlias("n"), Flag.withDescription(help.netns), Flag.optional),
  json: Flag.Boolean("json").pipe(
    Flag.withAlias("j"),
    Flag.withDescription(help.json),
    Flag.withDefault(false)
  )
})

/** ip's `-br`/`-brief`: one line per object, in ip's brief columns. */
export const Brief = GlobalFlag.Setting("brief")({
  flag: Flag.Boolean("brief").pipe(
    Flag.withDescription("One line per object, as `ip -br` prints (link and address lists)"),
    Flag.withDefault(false)
  )
})

/** ip's `-d`/`-details`: the kind and its options too. */
export const Details = GlobalFlag.Setting("details")({
  flag: Flag.Boolean("details").pipe(
    Flag.withDescription("Details, as `ip -d` (a link's kind options)"),
    Flag.withDefault(false)
  )
})

/** ip's `-s`/`-stats`, given twice for more (`-s -s`): the level. */
export const Stats = GlobalFlag.Setting("stats")({
  flag: Flag.Int("stats").pipe(
    Flag.withDescription("Statistics, as `ip -s` (2 for `-s -s`: error details)"),
    Flag.withDefault(0)
  )
})

// ip's global options and how nlink spells them (effect/cli reads "-4" as a number)
const GLOBAL: Readonly<Record<string, { readonly to: string; readonly value: boolean }>> = {
  "-n": { to: "--netns", value: true },
  "-netns": { to: "--netns", value: true },
  "--netns": { to: "--netns", value: true },
  "-j": { to: "--json", value: false },
  "-json": { to: "--json", value: false },
  "--json": { to: "--json", value: false },
  "-d": { to: "--details", value: false },
  "-details": { to: "--details", value: false },
  "-br": { to: "--brief", value: false },
  "-brief": { to: "--brief", value: false },
  "-4": { to: "--ipv4", value: false },
  "-6": { to: "--ipv6", value: false }
}

// `-s`, `-stats`, `-statistics`: counted, as ip counts them (`-s -s`)
const STATS = new Set(["-s", "-stats", "-statistics"])

// ip's objects in ip's matching order (ip.c), and the nlink command each is
// (undefined: ip has it, nlink does not; the word is left as typed).
const OBJECTS: ReadonlyArray<readonly [string, string | undefined]> = [
  ["address", "address"],
  ["addrlabel", undefined],
  ["maddress", "maddress"],
  ["route", "route"],
  ["rule", "rule"],
  ["neighbor", "neighbor"],
  ["neighbour", "neighbor"],
  ["ntable", "ntable"],
  ["ntbl", "ntable"],
  ["link", "link"],
  ["l2tp", undefined],
  ["fou", undefined],
  ["ila", undefined],
  ["macsec", undefined],
  ["tunnel", undefined],
  ["tuntap", undefined],
  ["token", undefined],
  ["tcpmetrics", undefined],
  ["monitor", "monitor"],
  ["xfrm", undefined],
  ["mroute", undefined],
  ["mrule", undefined],
  ["netns", "netns"],
  ["netconf", undefined],
  ["vrf", undefined],
  ["sr", undefined],
  ["nexthop", "nexthop"]
]

// Each object's verbs in its ip command's matching order, and nlink's name for them.
const LIST: ReadonlyArray<readonly [string, string]> = [
  ["list", "list"],
  ["show", "list"],
  ["lst", "list"]
]
const VERBS: Readonly<Record<string, ReadonlyArray<readonly [string, string | undefined]>>> = {
  link: [
    ["add", "add"],
    ["set", "set"],
    ["change", "set"],
    ["replace", undefined],
    ["delete", "del"],
    ...LIST,
    ["property", "property"]
  ],
  address: [
    ["add", "add"],
    ["change", undefined],
    ["replace", "replace"],
    ["delete", "del"],
    ...LIST,
    ["flush", "flush"]
  ],
  route: [
    ["add", "add"],
    ["change", undefined],
    ["replace", "replace"],
    ["prepend", undefined],
    ["append", undefined],
    ["test", undefined],
    ["delete", "del"],
    ...LIST,
    ["get", "get"],
    ["flush", "flush"]
  ],
  neighbor: [
    ["add", "add"],
    ["change", undefined],
    ["replace", "replace"],
    ["delete", "del"],
    ...LIST,
    ["get", "get"],
    ["flush", "flush"]
  ],
  rule: [
    ...LIST,
    ["save", undefined],
    ["restore", undefined],
    ["add", "add"],
    ["delete", "del"],
    ["flush", "flush"]
  ],
  nexthop: [
    ["add", "add"],
    ["replace", "replace"],
    ["delete", "del"],
    ["get", "get"],
    ...LIST,
    ["flush", "flush"],
    ["bucket", "bucket"]
  ],
  netns: [
    ["list", "list"],
    ["add", "add"],
    ["delete", "del"],
    ["exec", "exec"]
  ]
}

/** The first entry `word` abbreviates, as ip's if/else chains of `matches` pick it. */
const pick = (word: string, table: ReadonlyArray<readonly [string, string | undefined]>) =>
  table.find(([name]) => matches(word, name))

/** ip's abbreviations of the object and verb (`ip r a`, `ip a s`, `ip n del`), spelled out. */
const spellOut = (args: Array<string>): Array<string> => {
  const o = args[0] === undefined ? undefined : pick(args[0], OBJECTS)
  if (o === undefined || o[1] === undefined) return args
  args[0] = o[1]
  const verbs = VERBS[o[1]]
  const v = verbs === undefined || args[1] === undefined ? undefined : pick(args[1], verbs)
  if (v?.[1] !== undefined) args[1] = v[1]
  return args
}

/**
 * The command line as ip users type it, rewritten for effect/cli: global
 * options before the object (`nlink -n blue -j route list`) move after the
 * command, ip's abbreviations of objects and verbs are spelled out (`r a` is
 * `route add`, `a s` is `address list`), and `-4`/`-6` anywhere become
 * `--ipv4`/`--ipv6`; `help` as the object or verb asks for the help text. Words after
 * `netns exec NAME` are left alone (they are another program's).
 *
 * @example
 * ```ts
 * normalizeArgs(["-n", "blue", "-j", "route", "list"]) // ["route", "list", "--netns", "blue", "--json"]
 * ```
 */
export const normalizeArgs = (args: ReadonlyArray<string>): Array<string> => {
  const moved: Array<string> = []
  let i = 0
  let stats = 0
  while (i < args.length) {
    if (STATS.has(args[i]!)) {
      stats++
      i++
      continue
    }
    const g = GLOBAL[args[i]!]
    if (g === undefined) break
    moved.push(g.to)
    if (g.value && i + 1 < args.length) moved.push(args[++i]!)
    i++
  }
  if (stats > 0) moved.push("--stats", String(stats))
  let rest = spellOut(args.slice(i))
  // `nlink help [OBJECT [VERB]]` and `nlink OBJECT help`, as ip takes them
  if (rest[0] === "help") rest = [...rest.slice(1, 3), "--help"]
  else if (rest[1] === "help") rest = [rest[0]!, "--help"]
  const exec = rest[0] === "netns" && rest[1] === "exec"
  const body = exec ? rest : rest.map((a) => (a === "-4" ? "--ipv4" : a === "-6" ? "--ipv6" : a))
  return exec ? [...body] : [...body, ...moved]
}
