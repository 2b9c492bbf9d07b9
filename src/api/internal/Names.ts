/**
 * Kernel numbers by the names `ip` uses: routing tables, route protocols,
 * scopes and route types, with the user's own names from iproute2's
 * configuration files (`/etc/iproute2/rt_tables`, `rt_protos`, `rt_scopes` and
 * their `.d` folders, then `/usr/share/iproute2/…`) read once, on first use.
 * A number without a name stays a number, so nothing is lost; names are shared
 * strings, so naming a value allocates nothing.
 *
 * @since 0.2.0
 */
import { readdirSync, readFileSync } from "node:fs"
import { RtProtocol, RtType } from "../../generated/rt-route/index.ts"

/**
 * A kernel enumeration with names: `name(n)` gives the name or, for a value
 * without one, the number; `number(v)` accepts a name, a numeric string or a
 * number and gives the number (undefined for an unknown name).
 *
 * @example
 * ```ts
 * Names.table.name(254) // "main"
 * Names.table.number("main") // 254
 * Names.table.name(1000) // 1000 (unless rt_tables names it)
 * ```
 * @since 0.2.0
 */
export interface NameTable {
  readonly name: (n: number) => string | number
  readonly number: (v: string | number) => number | undefined
  /** Every known name (built-in and configured), for validation and completion. */
  readonly names: () => ReadonlyArray<string>
}

const DIRS = ["/etc/iproute2", "/usr/share/iproute2", "/usr/lib/iproute2"]

/** `NUMBER NAME` lines of an iproute2 table file and its `.d/*.conf` folder. */
const readTableFiles = (file: string): Array<readonly [number, string]> => {
  const out: Array<readonly [number, string]> = []
  const parse = (path: string): void => {
    let text: string
    try {
      text = readFileSync(path, "utf8")
    } catch {
      return // a missing or unreadable file adds no names, as for ip
    }
    for (const raw of text.split("\n")) {
      const line = raw.replace(/#.*/, "").trim()
      if (line === "") continue
      const m = /^(0x[0-9a-fA-F]+|\d+)\s+(\S+)/.exec(line)
      if (m === null) continue
      const n = Number(m[1])
      if (Number.isSafeInteger(n) && n >= 0) out.push([n, m[2]!] as const)
    }
  }
  for (const dir of DIRS) {
    parse(`${dir}/${file}`)
    let entries: Array<string> = []
    try {
      entries = readdirSync(`${dir}/${file}.d`)
        .filter((f) => f.endsWith(".conf"))
        .sort()
    } catch {
      // no .d folder
    }
    for (const f of entries) parse(`${dir}/${file}.d/${f}`)
  }
  return out
}

/**
 * A name table from built-in names (`builtin`, name → number) and, when
 * `file` is given, iproute2's configuration file of that name. `aliases` are
 * extra accepted input names (e.g. "universe" for scope 0) never printed.
 */
export const makeNameTable = (
  builtin: Readonly<Record<string, number>>,
  file?: string,
  aliases: Readonly<Record<string, number>> = {}
): NameTable => {
  let byNumber: Map<number, string> | undefined
  let byName: Map<string, number> | undefined
  const load = (): void => {
    byNumber = new Map()
    byName = new Map()
    for (const [k, v] of Object.entries(aliases)) byName.set(k, v)
    // Built-in names first; the first name seen for a number is the one printed.
    for (const [k, v] of Object.entries(builtin)) {
      if (!byNumber.has(v)) byNumber.set(v, k)
      byName.set(k, v)
    }
    if (file !== undefined)
      for (const [n, name] of readTableFiles(file)) {
        if (!byNumber.has(n)) byNumber.set(n, name)
        if (!byName.has(name)) byName.set(name, n)
      }
  }
  return {
    name: (n) => {
      if (byNumber === undefined) load()
      return byNumber!.get(n) ?? n
    },
    number: (v) => {
      if (typeof v === "number") return v
      if (byName === undefined) load()
      const n = byName!.get(v)
      if (n !== undefined) return n
      return /^(0|[1-9]\d*)$/.test(v) ? Number(v) : /^0x[0-9a-fA-F]+$/.test(v) ? Number(v) : undefined
    },
    names: () => {
      if (byName === undefined) load()
      return [...byName!.keys()]
    }
  }
}

/**
 * Routing tables: "main" (254), "local" (255), "default" (253), "unspec" (0),
 * and the names in rt_tables.
 *
 * @example
 * ```ts
 * Names.table.name(255) // "local"
 * ```
 * @since 0.2.0
 */
export const table: NameTable = makeNameTable({ unspec: 0, default: 253, main: 254, local: 255 }, "rt_tables")

/**
 * Route protocols (who installed a route or rule): "kernel", "boot", "static",
 * "dhcp", "bgp", ... and the names in rt_protos.
 *
 * @example
 * ```ts
 * Names.protocol.name(4) // "static"
 * ```
 * @since 0.2.0
 */
export const protocol: NameTable = makeNameTable(RtProtocol, "rt_protos")

/**
 * Scopes as `ip` prints them: "global" (0; "universe" is accepted too),
 * "site", "link", "host", "nowhere", and the names in rt_scopes.
 *
 * @example
 * ```ts
 * Names.scope.name(253) // "link"
 * ```
 * @since 0.2.0
 */
export const scope: NameTable = makeNameTable(
  { global: 0, site: 200, link: 253, host: 254, nowhere: 255 },
  "rt_scopes",
  { universe: 0 }
)

/**
 * Route types: "unicast", "local", "broadcast", "anycast", "multicast",
 * "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve".
 *
 * @example
 * ```ts
 * Names.routeType.number("blackhole") // 6
 * ```
 * @since 0.2.0
 */
export const routeType: NameTable = makeNameTable(RtType)

/**
 * Address families by the names `ip` uses ("inet", "inet6", "bridge",
 * "mpls", ...).
 *
 * @example
 * ```ts
 * Names.family.name(10) // "inet6"
 * ```
 * @since 0.2.0
 */
export const family: NameTable = makeNameTable({ unspec: 0, inet: 2, bridge: 7, inet6: 10, mpls: 28 })

/**
 * The names of the bits set in `value` from a flags table (name → bit), in
 * the table's order; bits without a name are kept as one number at the end,
 * so `flagsFrom(flagNames(v, t), t) === v`.
 *
 * @example
 * ```ts
 * Names.flagNames(3, { up: 1, broadcast: 2 }) // ["up", "broadcast"]
 * ```
 * @since 0.2.0
 */
export const flagNames = (value: number, table: Readonly<Record<string, number>>): Array<string | number> => {
  const out: Array<string | number> = []
  let rest = value >>> 0
  for (const k in table) {
    const bit = table[k]!
    if (bit !== 0 && (rest & bit) === bit) {
      out.push(k)
      rest = (rest & ~bit) >>> 0
    }
  }
  if (rest !== 0) out.push(rest)
  return out
}

/**
 * The inverse of {@link flagNames}: names (or numbers) back to the bits;
 * undefined when a name is unknown.
 *
 * @example
 * ```ts
 * Names.flagsFrom(["up", "broadcast"], { up: 1, broadcast: 2 }) // 3
 * ```
 * @since 0.2.0
 */
export const flagsFrom = (
  names: ReadonlyArray<string | number>,
  table: Readonly<Record<string, number>>
): number | undefined => {
  let v = 0
  for (const n of names) {
    const bit = typeof n === "number" ? n : table[n]
    if (bit === undefined) return undefined
    v = (v | bit) >>> 0
  }
  return v
}
