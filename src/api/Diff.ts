/**
 * Two states → an ordered plan: what to remove, change and add so that the
 * first becomes the second, in an order the kernel accepts (a master before
 * its ports, a link before its addresses, an address before the routes over
 * it; removals in the reverse order). `diff(before, now)` is also change
 * detection.
 *
 * A state is the objects of each type by type name (`{ link: [...],
 * address: [...] }`), as a {@link Snapshot} holds them. Kernel-made objects
 * (see Registry's `kernelMade`) are never part of a plan.
 *
 * @example
 * ```ts
 * import { Diff, Snapshot } from "nlink"
 *
 * const before = yield* Snapshot.take
 * // ... something changes the namespace ...
 * const now = yield* Snapshot.take
 * console.log(Diff.toText(Diff.diff(before.objects, now.objects)))
 * ```
 * @since 0.3.0
 */
import { deepEqual } from "./internal/Model.ts"
import { byName, type Entry, entries, strip } from "./state/Registry.ts"

/**
 * Objects by type name; a type left out has no objects.
 *
 * @example
 * ```ts
 * const s: Diff.State = { link: [{ kind: "dummy", name: "d0" }], address: [{ dev: "d0", address: "10.0.0.1/24" }] }
 * ```
 * @since 0.3.0
 */
export type State = Readonly<Record<string, ReadonlyArray<any> | undefined>>

/**
 * One step of a plan. `update` changes an object in place (same key);
 * a type that cannot change in place gets a `remove` and an `add`.
 *
 * @example
 * ```ts
 * const c: Diff.Change = { op: "add", type: "address", key: "d0|10.0.0.1/24|", object: { dev: "d0", address: "10.0.0.1/24" } }
 * ```
 * @since 0.3.0
 */
export type Change =
  | { readonly op: "add"; readonly type: string; readonly key: string; readonly object: any }
  | { readonly op: "remove"; readonly type: string; readonly key: string; readonly object: any }
  | {
      readonly op: "update"
      readonly type: string
      readonly key: string
      readonly from: any
      readonly to: any
    }

/**
 * An ordered list of changes.
 *
 * @example
 * ```ts
 * const plan: Diff.Plan = Diff.diff({}, { link: [{ kind: "dummy", name: "d0" }] })
 * plan.length // 1
 * ```
 * @since 0.3.0
 */
export type Plan = ReadonlyArray<Change>

// A plan compares a link twice (for recreation, then for change) and a canonical form is the
// costly part of a no-op apply: each object's is computed once (objects are never mutated).
// Canonical forms drop `status`, and only the wanted object's fields are compared: no strip.
const canonicals = new WeakMap<object, unknown>()
const canonicalOf = (entry: Entry, o: unknown): unknown => {
  if (typeof o !== "object" || o === null) return entry.model.canonical(o)
  let c = canonicals.get(o)
  if (c === undefined) {
    c = entry.model.canonical(o)
    canonicals.set(o, c)
  }
  return c
}

/** Whether `want` holds in `have`: every configured field `want` gives is equal (fields it leaves out are the kernel's or unmanaged). */
export const covers = (entry: Entry, want: unknown, have: unknown): boolean => {
  const w = canonicalOf(entry, want) as Record<string, unknown>
  const h = canonicalOf(entry, have) as Record<string, unknown>
  let all = true
  for (const k in w) {
    if (w[k] !== undefined && !deepEqual(w[k], h[k])) {
      all = false
      break
    }
  }
  // equality may hold where fields differ (values the kernel chose, compared only when both give them)
  return all || entry.model.equals(want, have)
}

// objects as given (status is left out when a change carries one: most never do)
const keyed = (entry: Entry, objects: ReadonlyArray<any> | undefined): Map<string, any> => {
  const m = new Map<string, any>()
  const expand = entry.expand
  for (const o of objects ?? [])
    if (!entry.kernelMade(o))
      if (expand === undefined) m.set(entry.model.key(o), o)
      else for (const x of expand(o)) m.set(entry.model.key(x), x)
  return m
}

/**
 * Options of {@link diff}.
 *
 * @example
 * ```ts
 * const o: Diff.Options = { partial: true }
 * ```
 * @since 0.3.0
 */
export interface Options {
  /**
   * `after` names only what it manages: objects of `before` it does not name
   * stay, and a named object is unchanged when every field it gives holds
   * (see {@link covers}). Default false: `after` is the whole state.
   */
  readonly partial?: boolean
  /** With `partial`: objects of `before` to remove although `after` does not name them. */
  readonly purge?: (type: string, object: any) => boolean
}

/**
 * The plan that turns `before` into `after`: removals first (in reverse
 * dependency order), then changes and additions (in dependency order).
 * Kernel-made objects are left out on both sides.
 *
 * @example
 * ```ts
 * const plan = Diff.diff(
 *   { link: [{ kind: "dummy", name: "d0" }] },
 *   { link: [{ kind: "dummy", name: "d0", up: true }], address: [{ dev: "d0", address: "10.0.0.1/24" }] }
 * )
 * // [{ op: "update", type: "link", key: "d0", ... }, { op: "add", type: "address", ... }]
 * ```
 * @since 0.3.0
 */
export const diff = (before: State, after: State, options: Options = {}): Plan => {
  const removes: Array<Change> = []
  const forward: Array<Change> = []
  const old = new Map<string, Map<string, any>>()
  const neu = new Map<string, Map<string, any>>()
  for (const e of entries) {
    old.set(e.model.name, keyed(e, before[e.model.name]))
    neu.set(e.model.name, keyed(e, after[e.model.name]))
  }
  // Links recreated (kind data cannot change in place) take along what is on
  // them: the objects on them, and links stacked on them (a vlan on its
  // parent); ports of a recreated master are only detached.
  const links = byName.get("link")!
  const sameObject = (e: Entry, to: unknown, from: unknown) =>
    options.partial ? covers(e, to, from) : e.model.equals(to, from)
  const recreated = new Set<string>()
  for (const [key, to] of neu.get("link")!) {
    const from = old.get("link")!.get(key)
    if (from !== undefined && !sameObject(links, to, from) && links.update?.(from, to) === undefined)
      recreated.add(`link:${key}`)
  }
  const stackedOn = (o: any) => links.needs(o).filter((n) => n !== `link:${o.master}`)
  for (let grew = true; grew; ) {
    grew = false
    for (const [key, from] of old.get("link")!) {
      if (!recreated.has(`link:${key}`) && stackedOn(from).some((n) => recreated.has(n))) {
        recreated.add(`link:${key}`)
        grew = true
      }
    }
  }
  const gone = (e: Entry, o: any) =>
    e === links ? recreated.has(`link:${o.name}`) : e.needs(o).some((n) => recreated.has(n))
  for (const e of entries) {
    const name = e.model.name
    const was = old.get(name)!
    const want = neu.get(name)!
    // a new object in the place of an old one that is not kept: one update (new key -> old key)
    const inPlace = new Map<string, string>()
    if (e.slot !== undefined) {
      const free = new Map<string, string>()
      for (const [key, from] of was) {
        const s = want.has(key) || gone(e, from) ? undefined : e.slot(from)
        if (s !== undefined && !free.has(s)) free.set(s, key)
      }
      for (const [key, to] of want) {
        const s = was.has(key) ? undefined : e.slot(to)
        const k = s === undefined ? undefined : free.get(s)
        if (k !== undefined && e.update?.(was.get(k), to) !== undefined) {
          inPlace.set(key, k)
          free.delete(s!)
        }
      }
    }
    const replaced = new Set(inPlace.values())
    // changes the kernel carries over to other objects of the type: those are written again
    const resets: Array<(o: any) => boolean> = []
    if (e.resets !== undefined)
      for (const [key, to] of want) {
        const from = was.get(key)
        const r = from === undefined || sameObject(e, to, from) ? undefined : e.resets(from, to)
        if (r !== undefined) resets.push(r)
      }
    for (const [key, from] of was) {
      const to = want.get(key)
      const taken = gone(e, from)
      if (to === undefined) {
        if (replaced.has(key)) continue
        // a setting is not removed: a state that leaves it out does not manage it
        if (!taken && !e.setOnly && (!options.partial || options.purge?.(name, from) === true))
          removes.push({ op: "remove", type: name, key, object: from })
        continue
      }
      if (e === links && recreated.has(`link:${key}`)) {
        // removed by its own change, or with what it is stacked on
        if (stackedOn(from).every((n) => !recreated.has(n)))
          removes.push({ op: "remove", type: name, key, object: from })
        forward.push({ op: "add", type: name, key, object: to })
        continue
      }
      if (taken) {
        forward.push({ op: "add", type: name, key, object: to })
        continue
      }
      // a port whose master is recreated is detached by the kernel
      const master = e === links && from.master !== undefined && recreated.has(`link:${from.master}`)
      const base = master ? { ...from, master: undefined } : from
      if (!master && sameObject(e, to, from) && !resets.some((r) => r(to))) continue
      if (e.update?.(base, to) === undefined) {
        removes.push({ op: "remove", type: name, key, object: from })
        forward.push({ op: "add", type: name, key, object: to })
      } else forward.push({ op: "update", type: name, key, from: base, to })
    }
    for (const [key, to] of want) {
      if (was.has(key)) continue
      const k = inPlace.get(key)
      if (k !== undefined) forward.push({ op: "update", type: name, key, from: was.get(k), to })
      else forward.push({ op: "add", type: name, key, object: to })
    }
  }
  const objectOf = (c: Change) => (c.op === "update" ? c.to : c.object)
  for (const list of [removes, forward])
    for (let i = 0; i < list.length; i++) {
      const c = list[i]
      list[i] =
        c.op === "update" ? { ...c, from: strip(c.from), to: strip(c.to) } : { ...c, object: strip(c.object) }
    }
  // dependency order: by rank, then each change after the changes it needs (depth first)
  const sort = (changes: Array<Change>): Array<Change> => {
    const byRef = new Map<string, Change>()
    for (const c of changes) {
      byRef.set(`${c.type}:${c.key}`, c)
      for (const r of byName.get(c.type)!.refs?.(objectOf(c)) ?? []) byRef.set(r, c)
    }
    const out: Array<Change> = []
    const seen = new Set<string>()
    const visit = (ref: string) => {
      const c = byRef.get(ref)!
      const own = `${c.type}:${c.key}`
      if (seen.has(own)) return
      seen.add(own)
      const e = byName.get(c.type)!
      for (const n of e.needs(objectOf(c))) if (byRef.has(n)) visit(n)
      for (const n of e.after?.(objectOf(c)) ?? []) if (byRef.has(n)) visit(n)
      out.push(c)
    }
    const rank = (c: Change) => byName.get(c.type)!.rank
    const stable = [...changes].sort((a, b) => rank(a) - rank(b))
    for (const c of stable) visit(`${c.type}:${c.key}`)
    return out
  }
  return [...sort(removes).reverse(), ...sort(forward)]
}

const textOf: Record<string, (o: any) => string> = {
  link: (l) =>
    [l.name, l.kind && `type ${l.kind}`, l.master && `master ${l.master}`, l.up === true && "up"]
      .filter(Boolean)
      .join(" "),
  address: (a) => [a.address, a.peer && `peer ${a.peer}`, `dev ${a.dev}`].filter(Boolean).join(" "),
  route: (r) => {
    const c = byName.get("route")!.model.canonical(r) as any
    return [
      r.destination,
      r.type && r.type !== "unicast" && `type ${r.type}`,
      r.gateway && `via ${r.gateway}`,
      r.dev && `dev ${r.dev}`,
      `table ${c.table}`,
      r.metric !== undefined && `metric ${r.metric}`
    ]
      .filter(Boolean)
      .join(" ")
  },
  neighbor: (n) =>
    [n.proxy === true && "proxy", n.address, n.lladdr && `lladdr ${n.lladdr}`, `dev ${n.dev}`]
      .filter(Boolean)
      .join(" "),
  nexthop: (n) =>
    [
      `id ${n.id}`,
      n.group &&
        `group ${n.group.map((m: any) => (m.weight === undefined ? m.id : `${m.id},${m.weight}`)).join("/")}`,
      n.blackhole === true && "blackhole",
      n.gateway && `via ${n.gateway}`,
      n.dev && `dev ${n.dev}`
    ]
      .filter(Boolean)
      .join(" "),
  qdisc: (q) =>
    [
      `dev ${q.dev}`,
      q.parent === undefined ? "root" : `parent ${q.parent}`,
      q.handle && `handle ${q.handle}`,
      q.kind
    ]
      .filter(Boolean)
      .join(" "),
  class: (c) =>
    [`dev ${c.dev}`, c.parent && `parent ${c.parent}`, `classid ${c.classid}`, c.kind]
      .filter(Boolean)
      .join(" "),
  fdb: (e) =>
    [
      e.mac,
      `dev ${e.dev}`,
      e.vlan !== undefined && `vlan ${e.vlan}`,
      e.master === true ? "master" : "self",
      e.state ?? "permanent",
      e.dst && `dst ${e.dst}`,
      e.vni !== undefined && `vni ${e.vni}`
    ]
      .filter(Boolean)
      .join(" "),
  "bridge-vlan": (v) =>
    [
      `vid ${v.vid}${v.vidEnd !== undefined && v.vidEnd !== v.vid ? `-${v.vidEnd}` : ""}`,
      `dev ${v.dev}`,
      v.pvid === true && "pvid",
      v.untagged === true && "untagged",
      v.self === true && "self",
      v.tunnelId !== undefined && `tunnel_info id ${v.tunnelId}`
    ]
      .filter(Boolean)
      .join(" "),
  mdb: (m) =>
    [
      `dev ${m.dev}`,
      `port ${m.port}`,
      `grp ${m.group}`,
      m.source && `src ${m.source}`,
      m.state ?? "temp",
      m.vid !== undefined && `vid ${m.vid}`
    ]
      .filter(Boolean)
      .join(" "),
  chain: (c) =>
    [
      c.block !== undefined ? `block ${c.block}` : `dev ${c.dev} ${c.parent}`,
      `chain ${c.chain}`,
      c.template && `template ${c.template.kind}`
    ]
      .filter(Boolean)
      .join(" "),
  filter: (f) =>
    [
      f.block !== undefined ? `block ${f.block}` : `dev ${f.dev} ${f.parent}`,
      f.chain !== undefined && f.chain !== 0 && `chain ${f.chain}`,
      f.protocol && `protocol ${f.protocol}`,
      f.priority !== undefined && `pref ${f.priority}`,
      f.handle !== undefined && `handle ${f.handle}`,
      f.kind,
      ...(f.actions ?? []).map(
        (a: any) => `action ${a.kind}${a.index !== undefined ? ` index ${a.index}` : ""}`
      )
    ]
      .filter(Boolean)
      .join(" "),
  action: (a) => `${a.kind}${a.index !== undefined ? ` index ${a.index}` : ""}`,
  netconf: (c) => `${c.family} dev ${c.dev}${settingsText(c, ["family", "dev", "mcForwarding"])}`,
  "neighbor-table": (t) =>
    `${t.name}${t.dev !== undefined ? ` dev ${t.dev}` : ""}${settingsText(t, ["family", "name", "dev", "status"])}`,
  "bridge-vlan-global": (g) =>
    `vid ${g.vid}${g.vidEnd !== undefined && g.vidEnd !== g.vid ? `-${g.vidEnd}` : ""} dev ${g.dev}${settingsText(g, ["dev", "vid", "vidEnd"])}`,
  wireguard: (c) =>
    [
      `dev ${c.dev}`,
      c.privateKey !== undefined && "private-key (set)",
      c.listenPort !== undefined && `listen-port ${c.listenPort}`,
      c.fwmark !== undefined && c.fwmark !== 0 && `fwmark ${c.fwmark}`,
      ...(c.peers ?? []).map(
        (p: any) =>
          `peer ${p.publicKey}${p.allowedIps?.length ? ` allowed-ips ${p.allowedIps.join(",")}` : ""}`
      )
    ]
      .filter(Boolean)
      .join(" "),
  "macsec-rx-sc": (c) => `dev ${c.dev} rx sci ${c.sci}${c.active === false ? " off" : ""}`,
  "macsec-sa": (a) =>
    `dev ${a.dev}${a.sci === undefined ? " tx" : ` rx sci ${a.sci}`} sa ${a.an}${a.active === false ? " off" : " on"} key ${a.keyId}${a.key === undefined ? "" : " (key given)"}`,
  "mpls-settings": (s) => settingsText(s, []).trimStart(),
  "mpls-route": (r) =>
    [
      r.label,
      r.as && `as to ${r.as.join("/")}`,
      r.via && `via ${r.via.family} ${r.via.address}`,
      r.dev && `dev ${r.dev}`,
      ...(r.nexthops ?? []).map(
        (n: any) =>
          `nexthop${n.as ? ` as to ${n.as.join("/")}` : ""}${n.via ? ` via ${n.via.family} ${n.via.address}` : ""}${n.dev ? ` dev ${n.dev}` : ""}`
      )
    ]
      .filter(Boolean)
      .join(" "),
  "multicast-route": (r) =>
    `(${r.source}, ${r.group}) iif ${r.iif} oifs ${r.oifs.map((o: any) => o.dev).join(" ")} table ${r.table}`,
  rule: (r) =>
    [
      r.priority !== undefined && `pref ${r.priority}`,
      r.invert === true && "not",
      r.from && `from ${r.from}`,
      r.to && `to ${r.to}`,
      r.iif && `iif ${r.iif}`,
      r.oif && `oif ${r.oif}`,
      r.fwmark !== undefined && `fwmark ${r.fwmark}`,
      r.action && r.action !== "lookup" ? String(r.action) : r.table !== undefined && `lookup ${r.table}`
    ]
      .filter(Boolean)
      .join(" ")
}

/** A setting's values as ` name value` words (ip's order is the object's). */
const settingsText = (o: Record<string, unknown>, skip: ReadonlyArray<string>): string => {
  let out = ""
  for (const [k, v] of Object.entries(o)) if (v !== undefined && !skip.includes(k)) out += ` ${k} ${v}`
  return out
}

/** The fields an update changes, by name. */
const changedFields = (c: Extract<Change, { op: "update" }>): Array<string> => {
  const e = byName.get(c.type)!
  const a = e.model.canonical(c.from) as Record<string, unknown>
  const b = e.model.canonical(c.to) as Record<string, unknown>
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => b[k] !== undefined && !deepEqual(a[k], b[k])
  )
}

/**
 * One line for a change: `+` add, `-` remove, `~` update (with the fields
 * that change), then the type and the object as `ip` would name it.
 *
 * @example
 * ```ts
 * Diff.changeText({ op: "add", type: "route", key: "", object: { destination: "10.1.0.0/16", gateway: "10.0.0.1" } })
 * // "+ route 10.1.0.0/16 via 10.0.0.1 table main"
 * ```
 * @since 0.3.0
 */
export const changeText = (c: Change): string => {
  const text = textOf[c.type] ?? ((o: unknown) => JSON.stringify(o, jsonReplacer))
  if (c.op === "update") {
    const fields = changedFields(c)
    // a setting written again after another change the kernel carried over to it
    return `~ ${c.type} ${text(c.to)} (${fields.length > 0 ? fields.join(", ") : "written again"})`
  }
  return `${c.op === "add" ? "+" : "-"} ${c.type} ${text(c.object)}`
}

/**
 * The plan as text, one change per line ("" for an empty plan).
 *
 * @example
 * ```ts
 * console.log(Diff.toText(plan))
 * ```
 * @since 0.3.0
 */
export const toText = (plan: Plan): string => plan.map(changeText).join("\n")

/**
 * A `JSON.stringify` replacer: bigints as exact decimal numbers, bytes as hex.
 *
 * @example
 * ```ts
 * JSON.stringify({ n: 1n }, Diff.jsonReplacer) // '{"n":1}'
 * ```
 * @since 0.3.0
 */
export const jsonReplacer = (_key: string, value: unknown): unknown =>
  typeof value === "bigint"
    ? (JSON as unknown as { rawJSON: (s: string) => unknown }).rawJSON(value.toString())
    : value instanceof Uint8Array
      ? Buffer.from(value).toString("hex")
      : value

/**
 * The plan as JSON: an array of changes (status left out).
 *
 * @example
 * ```ts
 * const json = Diff.toJson(plan)
 * ```
 * @since 0.3.0
 */
export const toJson = (plan: Plan): string => JSON.stringify(plan, jsonReplacer, 2)
