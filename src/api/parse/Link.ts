/**
 * `ip link add|set|del` words → a link spec (the {@link Link} shape) or
 * changes. The keywords of the common options and of each kind come from the
 * kind's input Schema: ip's keyword is the field name in lower case
 * (`dstport`, `udpcsum`), in snake_case (`stp_state`, `gso_max_size`) or in
 * kebab-case, and the value is read as the field's Schema accepts it (a
 * number, on/off, a name, an address; a boolean field given no value, or
 * spelled `noFIELD`, is a flag). Where ip's word differs from the field, an
 * explicit table says so (veth's `peer name`, vlan's QoS maps, bond's target
 * lists, `txqueuelen`, ...).
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { int, isError, matches, type Parsed, Words } from "../internal/Words.ts"
import { registry } from "../link/registry.ts"
import * as LinkModule from "../Link.ts"
import type { BridgePortInput } from "../link/kinds/bridge.ts"
import type { AddSpec, BridgePort, Changes, KindChanges, VfSetting, XdpMode } from "../Link.ts"
import { type Draft, isAddress, kw } from "./Common.ts"
import {
  choiceValue,
  intValue,
  type Keyword,
  keywords,
  keywordsUntil,
  onOffValue
} from "../internal/Words.ts"

/** The field Schemas of one kind's spec (or of the common changes). */
export type Fields = Readonly<Record<string, Schema.Top>>

const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const kebab = (f: string) => f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

// ip's words that are not a spelling of the field name, by field
const WORDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  txqlen: ["txqueuelen", "txqlen", "qlen"],
  broadcast: ["broadcast", "brd"],
  address: ["address"],
  numTxQueues: ["numtxqueues"],
  numRxQueues: ["numrxqueues"],
  missedMax: ["arp_missed_max"],
  sciPort: ["port"],
  "6rdPrefix": ["6rd-prefix"],
  "6rdRelayPrefix": ["6rd-relay_prefix"],
  numPeerNotif: ["num_grat_arp", "num_unsol_na"],
  arpIpTargets: ["arp_ip_target"],
  nsIp6Targets: ["ns_ip6_target"],
  egressQos: ["egress-qos-map"],
  ingressQos: ["ingress-qos-map"],
  fdbLocalVlan0: ["fdb_local_vlan_0"],
  fastleave: ["fastleave", "mcast_fast_leave"]
}

// Fields the words never set (kept by the kernel or read back only).
const SKIP = new Set([
  "kind",
  "status",
  "port",
  "name",
  "up",
  "master",
  "netns",
  "flags",
  "flag",
  "dscpInherit"
])

/** How one field reads its words. */
type Reader = (w: Words, keyword: string, into: Draft, field: string) => Parsed<void>

const ON = new Set(["on", "yes", "1", "true", "enable"])
const OFF = new Set(["off", "no", "0", "false", "disable"])

/** A value as the field's Schema accepts it; a boolean field without a value is a flag. */
const readValue =
  (schema: Schema.Top): Reader =>
  (w, keyword, into, field) => {
    const is = Schema.is(schema as Schema.Codec<unknown>)
    const v = w.peek()
    if (v !== undefined) {
      if (/^(0x[0-9a-f]+|-?\d+)$/i.test(v) && is(Number(v))) {
        w.next()
        into[field] = Number(v)
        return
      }
      if (ON.has(v) && is(true)) {
        w.next()
        into[field] = true
        return
      }
      if (OFF.has(v) && is(false)) {
        w.next()
        into[field] = false
        return
      }
      if (is(v)) {
        w.next()
        into[field] = v
        return
      }
      if (/^(0x[0-9a-f]+|\d+)$/i.test(v) && is(BigInt(v))) {
        w.next()
        into[field] = BigInt(v)
        return
      }
    }
    if (is(true)) {
      into[field] = true
      return
    }
    return w.fail(
      keyword,
      v === undefined ? `"${keyword}" needs a value` : `"${v}" is not a valid ${keyword}`
    )
  }

/** `A,B,...` addresses (bond's arp_ip_target / ns_ip6_target). */
const addressList: Reader = (w, keyword, into, field) => {
  const v = w.value(keyword)
  if (isError(v)) return v
  const list = v.split(",")
  for (const a of list) if (!isAddress(a)) return w.fail(keyword, `"${a}" is not an IP address`)
  into[field] = list
}

/** `FROM:TO` pairs up to the next non-pair word (vlan's QoS maps). */
const qosMap: Reader = (w, keyword, into, field) => {
  const map: Record<number, number> = {}
  let n = 0
  for (let v = w.peek(); v !== undefined && /^\d+:\d+$/.test(v); v = w.peek()) {
    w.next()
    const [a, b] = v.split(":")
    map[Number(a)] = Number(b)
    n++
  }
  if (n === 0) return w.fail(keyword, `"${keyword}" needs FROM:TO pairs`)
  into[field] = map
}

/** veth/vxcan/netkit `peer [name] NAME [netns NS]`. */
const peer: Reader = (w, keyword, into) => {
  const p: Draft = {}
  for (;;) {
    if (w.acceptExact("name")) {
      const v = w.value("peer name")
      if (isError(v)) return v
      p.name = v
    } else if (w.acceptExact("netns")) {
      const v = w.value("peer netns")
      if (isError(v)) return v
      p.netns = /^\d+$/.test(v) ? Number(v) : v
    } else if (w.acceptExact("address")) {
      const v = w.value("peer address")
      if (isError(v)) return v
      p.address = v
    } else if (w.acceptExact("mtu")) {
      const v = w.value("peer mtu")
      if (isError(v)) return v
      const n = int(w, "peer mtu", v)
      if (isError(n)) return n
      p.mtu = n
    } else break
  }
  if (Object.keys(p).length === 0) return w.fail(keyword, `"${keyword}" needs "name NAME"`)
  into.peer = p
}

const SPECIAL: Readonly<Record<string, Reader>> = {
  arpIpTargets: addressList,
  nsIp6Targets: addressList,
  egressQos: qosMap,
  ingressQos: qosMap,
  peer
}

interface Entry {
  readonly word: string
  readonly field: string
  readonly read: Reader
  readonly negated?: boolean
}

const cache = new Map<Fields, ReadonlyArray<Entry>>()

/** The keyword table of a spec's fields (built once per Schema). */
export const tableOf = (fields: Fields): ReadonlyArray<Entry> => {
  const hit = cache.get(fields)
  if (hit !== undefined) return hit
  const out: Array<Entry> = []
  for (const [field, schema] of Object.entries(fields)) {
    if (SKIP.has(field)) continue
    const read = SPECIAL[field] ?? readValue(schema)
    const spelled = WORDS[field] ?? [field.toLowerCase(), snake(field), kebab(field)]
    // the bridge's multicast options are ip's mcast_* words
    const words = new Set(
      field.startsWith("multicast")
        ? [...spelled.map((s) => s.replace(/^multicast/, "mcast")), ...spelled]
        : spelled
    )
    for (const word of words) out.push({ word, field, read })
    if (Schema.is(schema as Schema.Codec<unknown>)(false))
      for (const word of words)
        out.push({
          word: `no${word}`,
          field,
          negated: true,
          read: (_w, _k, into, f) => {
            into[f] = false
          }
        })
  }
  out.push(...extras(fields))
  cache.set(fields, out)
  return out
}

const both =
  (a: string, b: string, value?: boolean): Reader =>
  (w, keyword, into) => {
    if (value !== undefined) {
      into[a] = value
      into[b] = value
      return
    }
    const v = w.value(keyword)
    if (isError(v)) return v
    const n = int(w, keyword, v)
    if (isError(n)) return n
    into[a] = n
    into[b] = n
  }

const onOffInto =
  (field: string, sub: string): Reader =>
  (w, keyword, into) => {
    const v = w.value(keyword)
    if (isError(v)) return v
    if (!ON.has(v) && !OFF.has(v)) return w.fail(keyword, `"${v}" is not on or off`)
    into[field] = { ...(into[field] as object | undefined), [sub]: ON.has(v) }
  }

/** ip's words that set several fields, or a field by a bare word. */
const extras = (fields: Fields): Array<Entry> => {
  const out: Array<Entry> = []
  const has = (...fs: Array<string>) => fs.every((f) => f in fields)
  // GRE/VTI: `key N` is ikey and okey, `csum`/`seq` both directions
  if (has("ikey", "okey")) out.push({ word: "key", field: "ikey", read: both("ikey", "okey") })
  if (has("icsum", "ocsum")) out.push({ word: "csum", field: "icsum", read: both("icsum", "ocsum", true) })
  if (has("iseq", "oseq")) out.push({ word: "seq", field: "iseq", read: both("iseq", "oseq", true) })
  // ipvlan/ipvtap: the mode's flag is a bare word
  if (has("flag"))
    for (const f of ["bridge", "private", "vepa"])
      out.push({
        word: f,
        field: "flag",
        read: (_w, _k, into) => {
          into.flag = f
        }
      })
  // ip6tnl/ip6gre: `dscp inherit`
  if (has("dscpInherit"))
    out.push({
      word: "dscp",
      field: "dscpInherit",
      read: (w, keyword, into) => {
        const v = w.value(keyword)
        if (isError(v)) return v
        if (v !== "inherit") return w.fail(keyword, `"${v}" is not "inherit"`)
        into.dscpInherit = true
      }
    })
  // bridge port: `nobackup_port` removes the backup port
  if (has("backupPort"))
    out.push({
      word: "nobackup_port",
      field: "backupPort",
      read: (_w, _k, into) => {
        into.backupPort = null
      }
    })
  // vlan: each flag `on|off`
  if (has("flags", "egressQos"))
    for (const f of ["reorderHdr", "gvrp", "looseBinding", "mvrp", "bridgeBinding"])
      out.push({ word: snake(f), field: "flags", read: onOffInto("flags", f) })
  return out
}

/** The fields of a Struct Schema. */
const fieldsOf = (schema: unknown): Fields => (schema as { readonly fields: Fields }).fields

/**
 * The words every link command shares: `up`/`down`, `master DEV`/`nomaster`,
 * `netns NS`, `name NAME`, `dev NAME`; true when `word` was one of them.
 */
const common = (word: string, w: Words, s: Draft, verb: "add" | "set"): Parsed<boolean> => {
  switch (word) {
    case "up":
      s.up = true
      return true
    case "down":
      s.up = false
      return true
    case "nomaster":
      s.master = null
      return true
    case "master":
    case "netns":
    case "name": {
      const v = w.value(word)
      if (isError(v)) return v
      s[word === "name" && verb === "set" ? "name" : word === "name" ? "$name" : word] =
        word === "netns" && /^\d+$/.test(v) ? Number(v) : v
      return true
    }
  }
  return false
}

/** Reads keyword words with `table` into `s` until a word it does not know. */
const readTable = (
  w: Words,
  tableNow: () => ReadonlyArray<Entry>,
  s: Draft,
  other: (word: string) => Parsed<boolean>
): Parsed<void> => {
  while (!w.done) {
    const word = w.next() as string
    const handled = other(word)
    if (isError(handled)) return handled
    if (handled) continue
    // exact spellings first, then ip's prefix abbreviations (in table order)
    const table = tableNow()
    const e = table.find((e) => e.word === word) ?? table.find((e) => !e.negated && matches(word, e.word, 3))
    if (e === undefined) {
      w.back()
      return w.unknown(word)
    }
    const r = e.read(w, e.word, s, e.field)
    if (isError(r)) return r
  }
  return undefined
}

/** The kind descriptor's spec Schema fields, by kind name. */
export type KindFields = (kind: string) => Fields | undefined

/** The fields after `type KIND`: the kind's own (the common ones come before `type`). */
const kindOnly = (spec: Fields, common: Fields): Fields => {
  const out: Record<string, Schema.Top> = {}
  for (const [k, v] of Object.entries(spec))
    if (!(k in common) || (k === "group" && "deviceGroup" in spec)) out[k] = v
  return out
}
const kindCache = new Map<Fields, Fields>()
const kindTableOf = (spec: Fields, common: Fields): ReadonlyArray<Entry> => {
  let only = kindCache.get(spec)
  if (only === undefined) {
    only = kindOnly(spec, common)
    kindCache.set(spec, only)
  }
  return tableOf(only)
}

/**
 * Reads the words of `ip link add` (after the verb) into a link spec:
 * `[link DEV] [name|dev] NAME [common options] type KIND [kind options]`.
 * As in ip, the words after `type KIND` belong to the kind.
 */
export const parseAdd = (
  input: string | ReadonlyArray<string>,
  commonFields: Fields,
  kindFields: KindFields,
  command = "link add"
): Parsed<AddSpec> => {
  const all = Words.of(input, command).words
  const at = all.indexOf("type")
  const w = new Words(at < 0 ? all : all.slice(0, at), command)
  const kind = at >= 0 ? all[at + 1] : undefined
  if (kind === undefined) return w.fail("type", "a kind is required (type KIND)")
  const spec = kindFields(kind)
  if (spec === undefined) return w.fail("type", `"${kind}" is not a link kind nlink can create`)
  const s: Draft = {}
  const commonTable = tableOf(commonFields)
  const r = readTable(
    w,
    () => commonTable,
    s,
    (word) => {
      if (word === "link") {
        const v = w.value("link")
        if (isError(v)) return v
        s.link = v
        return true
      }
      const c = common(word, w, s, "add")
      if (c !== false) return c
      if (word === "dev" || (s.$name === undefined && !commonTable.some((e) => e.word === word))) {
        const v = word === "dev" ? w.value("dev") : word
        if (isError(v)) return v
        s.$name = v
        return true
      }
      return false
    }
  )
  if (isError(r)) return r
  if (s.$name === undefined) return w.fail("name", "a name is required")
  const kindTable = kindTableOf(spec, commonFields)
  const k = new Words(all.slice(at + 2), `${command} ${kind}`)
  const rk = readTable(
    k,
    () => kindTable,
    s,
    () => false
  )
  if (isError(rk)) return rk
  const { $name, ...rest } = s
  return { kind, name: $name, ...rest } as unknown as AddSpec
}

/** The port fields of master kind `kind` ("bridge", "bond"), if it has port options. */
const portFieldsOf = (kind: string): Fields | undefined =>
  (registry as ReadonlyArray<{ readonly kind: string; readonly port?: { readonly fields: Fields } }>).find(
    (k) => k.kind === kind
  )?.port?.fields

/**
 * Port options given with `type KIND_slave ...`: the master's kind
 * ("bridge", "bond") and the options `Link.setPort` takes.
 *
 * @example
 * ```ts
 * const p: PortWords = { kind: "bond", options: { queueId: 3, prio: 7 } }
 * ```
 * @since 0.4.0
 */
export interface PortWords {
  readonly kind: string
  readonly options: Readonly<Record<string, unknown>>
}

/**
 * What `ip link set` words say: the device, its changes (`Link.set`) and,
 * after `type KIND_slave`, its port options (`Link.setPort`).
 *
 * @example
 * ```ts
 * const s: SetWords = { dev: "d0", changes: { mtu: 1400 } }
 * ```
 * @since 0.4.0
 */
export interface SetWords {
  readonly dev: string
  readonly changes: Changes | KindChanges
  readonly port?: PortWords
  /** `vf N ...` settings (`Link.setVf` each), in the order given. */
  readonly vfs?: ReadonlyArray<VfSetting>
  /** `xdp|xdpgeneric|xdpdrv|xdpoffload off|pinned PATH` (`Link.setXdp`). */
  readonly xdp?: XdpWords
}

/**
 * An XDP change as `ip link set` words give it: detach (`off`) or attach the
 * program pinned at `pinned` (ip's `pinned PATH`, `fd PATH`); `noReplace`
 * unless `-force`, as ip sends.
 *
 * @example
 * ```ts
 * const x: XdpWords = { mode: "skb", pinned: "/sys/fs/bpf/prog", noReplace: true }
 * ```
 */
export interface XdpWords {
  readonly mode?: XdpMode
  readonly pinned?: string
  readonly noReplace: boolean
}

// ip's `vf N` words (iplink_parse_vf), each matched by prefix in ip's order
const VF_WORDS: ReadonlyArray<Keyword<Draft>> = [
  kw("mac", (w, s) => {
    const v = w.value("vf mac")
    if (isError(v)) return v
    if (!/^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(v)) return w.fail("vf mac", `"${v}" is not a MAC address`)
    s.mac = v.toLowerCase()
  }),
  kw("vlan", (w, s) => {
    const v = intValue(w, "vf vlan", 0, 4095)
    if (isError(v)) return v
    s.vlan = v
    if (w.acceptExact("qos")) {
      const q = intValue(w, "vf qos", 0, 7)
      if (isError(q)) return q
      s.qos = q
    }
  }),
  kw("rate", (w, s) => vfInt(w, s, "rate", "txRate")),
  kw("max_tx_rate", (w, s) => vfInt(w, s, "max_tx_rate", "maxTxRate")),
  kw("min_tx_rate", (w, s) => vfInt(w, s, "min_tx_rate", "minTxRate")),
  kw("spoofchk", (w, s) => vfOnOff(w, s, "spoofchk", "spoofchk")),
  kw("query_rss", (w, s) => vfOnOff(w, s, "query_rss", "rssQueryEn")),
  kw("state", (w, s) => {
    const v = choiceValue(w, "vf state", ["auto", "enable", "disable"])
    if (isError(v)) return v
    s.linkState = v
  }),
  kw("trust", (w, s) => vfOnOff(w, s, "trust", "trust"))
]

const vfInt = (w: Words, s: Draft, word: string, field: string): Parsed<void> => {
  const v = intValue(w, `vf ${word}`)
  if (isError(v)) return v
  s[field] = v
}

const vfOnOff = (w: Words, s: Draft, word: string, field: string): Parsed<void> => {
  const v = onOffValue(w, `vf ${word}`)
  if (isError(v)) return v
  s[field] = v
}

/** `vf N [mac M] [vlan V [qos Q]] [rate R] ... [trust on|off]` after `vf`. */
const vfSetting = (w: Words): Parsed<VfSetting> => {
  const vf = intValue(w, "vf", 0, 0xffffffff)
  if (isError(vf)) return vf
  const s: Draft = { vf }
  const r = keywordsUntil(w, VF_WORDS, s)
  if (isError(r)) return r
  if (Object.keys(s).length === 1) return w.fail("vf", "a VF setting is required after vf N")
  return s as unknown as VfSetting
}

const XDP_MODES: Readonly<Record<string, XdpMode | undefined>> = {
  xdp: undefined,
  xdpgeneric: "skb",
  xdpdrv: "drv",
  xdpoffload: "hw"
}

/** `off`, `pinned|fd|object-pinned PATH` after an xdp word; ELF objects must be pinned first. */
const xdpWords = (w: Words, word: string): Parsed<XdpWords> => {
  const mode = XDP_MODES[word]
  const base = mode === undefined ? { noReplace: true } : { mode, noReplace: true }
  const v = w.value(word)
  if (isError(v)) return v
  if (v === "off") return base
  // ip's order: an object file first (so "obj" is one), then a pinned path
  if (matches(v, "object-file") || v === "obj")
    return w.fail(
      word,
      "nlink loads no BPF object files: load and pin the program first (bpftool prog load FILE PATH), then give pinned PATH"
    )
  if (matches(v, "object-pinned") || matches(v, "pinned") || matches(v, "fd")) {
    const path = w.value(`${word} pinned`)
    if (isError(path)) return path
    return { ...base, pinned: path }
  }
  return w.fail(word, `"${v}" is not off, pinned PATH or fd PATH`)
}

/**
 * Reads the words of `ip link set`: `[dev] DEV` then changes (`up`, `down`,
 * `mtu`, `address`, `name`, `master`/`nomaster`, `netns`, `alias`,
 * `txqueuelen`, `group`, `arp on|off`, ... and `type KIND` options, or
 * `type bridge_slave|bond_slave` port options).
 */
export const parseSet = (
  input: string | ReadonlyArray<string>,
  changeFields: Fields,
  kindFields: KindFields,
  command = "link set"
): Parsed<SetWords> => {
  const w = Words.of(input, command)
  w.acceptExact("dev")
  const dev = w.next()
  if (dev === undefined) return w.fail("dev", "a device is required")
  let table = tableOf(changeFields)
  const s: Draft = {}
  let port: PortWords | undefined
  const vfs: Array<VfSetting> = []
  let xdp: XdpWords | undefined
  const r = readTable(
    w,
    () => table,
    s,
    (word) => {
      if (word === "type") {
        const kind = w.value("type")
        if (isError(kind)) return kind
        // `type KIND_slave ...`: the rest are the master kind's port options (ip passes them all to it)
        const master = kind.endsWith("_slave") ? kind.slice(0, -"_slave".length) : undefined
        const portFields = master === undefined ? undefined : portFieldsOf(master)
        if (master !== undefined && portFields !== undefined) {
          const k = new Words(w.rest(), `${command} ${kind}`)
          const options: Draft = {}
          const table = tableOf(portFields)
          const rk = readTable(
            k,
            () => table,
            options,
            () => false
          )
          if (isError(rk)) return rk
          while (!w.done) w.next()
          port = { kind: master, options }
          return true
        }
        const fields = kindFields(kind)
        if (fields === undefined) return w.fail("type", `"${kind}" is not a link kind`)
        s.kind = kind
        table = tableOf(fields)
        return true
      }
      if (word === "vf") {
        const v = vfSetting(w)
        if (isError(v)) return v
        vfs.push(v)
        return true
      }
      if (Object.hasOwn(XDP_MODES, word)) {
        const x = xdpWords(w, word)
        if (isError(x)) return x
        xdp = x
        return true
      }
      if (word === "alias") {
        const v = w.value("alias")
        if (isError(v)) return v
        // ip takes the rest of the line as the alias only when it is one word; keep ip's one word
        s.alias = v === "" ? null : v
        return true
      }
      return common(word, w, s, "set")
    }
  )
  if (isError(r)) return r
  return {
    dev,
    changes: s as unknown as Changes,
    ...(port === undefined ? {} : { port }),
    ...(vfs.length === 0 ? {} : { vfs }),
    ...(xdp === undefined ? {} : { xdp })
  }
}

/** `ip link del [dev] NAME`. */
export const parseDel = (input: string | ReadonlyArray<string>, command = "link del"): Parsed<string> => {
  const w = Words.of(input, command)
  w.acceptExact("dev")
  const dev = w.value("dev")
  if (isError(dev)) return dev
  const end = w.end()
  return isError(end) ? end : dev
}

const specFields: KindFields = (kind) => {
  const schema = (LinkModule.specSchemas as Readonly<Record<string, unknown>>)[kind]
  return schema === undefined ? undefined : fieldsOf(schema)
}

/**
 * Reads `ip link add` words into a link spec (the {@link Link} shape
 * `Link.add` takes): `[link DEV] [name] NAME [options] type KIND [kind options]`.
 *
 * @example
 * ```ts
 * Link.parse("vx0 type vxlan id 42 dstport 4789 dev eth0")
 * // { kind: "vxlan", name: "vx0", id: 42, dstport: 4789, dev: "eth0" }
 * ```
 * @since 0.3.0
 */
export const parse = (input: string | ReadonlyArray<string>, command = "link add"): Parsed<AddSpec> =>
  parseAdd(input, fieldsOf(LinkModule.ChangesSchema), specFields, command)

/**
 * Reads `ip link set` words: the device and its changes (`Link.set(dev, changes)`);
 * after `type bridge_slave|bond_slave`, the port options under `port`
 * (`Link.setPort(dev, port.options)`).
 *
 * @example
 * ```ts
 * Link.parseChanges("dev eth0 mtu 1400 up")
 * // { dev: "eth0", changes: { mtu: 1400, up: true } }
 * Link.parseChanges("eth0 type bond_slave queue_id 3")
 * // { dev: "eth0", changes: {}, port: { kind: "bond", options: { queueId: 3 } } }
 * ```
 * @since 0.3.0
 */
export const parseChanges = (input: string | ReadonlyArray<string>, command = "link set"): Parsed<SetWords> =>
  parseSet(input, fieldsOf(LinkModule.ChangesSchema), specFields, command)

const PORT_STATES = ["disabled", "listening", "learning", "forwarding", "blocking"]

// `bridge link set`'s on/off words (spelled out: bridge compares them exactly), by field
const BRIDGE_ON_OFF: ReadonlyArray<readonly [string, keyof BridgePort]> = [
  ["guard", "guard"],
  ["hairpin", "hairpin"],
  ["fastleave", "fastleave"],
  ["root_block", "rootBlock"],
  ["learning", "learning"],
  ["learning_sync", "learningSync"],
  ["flood", "flood"],
  ["mcast_flood", "mcastFlood"],
  ["bcast_flood", "bcastFlood"],
  ["mcast_to_unicast", "mcastToUnicast"],
  ["neigh_suppress", "neighSuppress"],
  ["neigh_vlan_suppress", "neighVlanSuppress"],
  ["neigh_forward_grat", "neighForwardGrat"],
  ["vlan_tunnel", "vlanTunnel"],
  ["isolated", "isolated"],
  ["locked", "locked"],
  ["mab", "mab"]
]

const intInto =
  (word: string, field: string, min: number, max: number, omitted?: (n: number) => boolean) =>
  (w: Words, s: Draft): Parsed<void> => {
    const n = intValue(w, word, min, max)
    if (isError(n)) return n
    if (omitted?.(n) !== true) s[field] = n
  }

const BRIDGE_PORT = [
  kw(
    "dev",
    (w, s) => {
      const v = w.value("dev")
      if (isError(v)) return v
      s.$dev = v
    },
    { exact: true }
  ),
  ...BRIDGE_ON_OFF.map(([word, field]) =>
    kw(
      word,
      (w, s) => {
        const v = onOffValue(w, word)
        if (isError(v)) return v
        s[field] = v
      },
      { exact: true }
    )
  ),
  // bridge sends no cost when it is 0 (the kernel's minimum is 1)
  kw(
    "cost",
    intInto("cost", "cost", 0, 0xffffffff, (n) => n === 0),
    { exact: true }
  ),
  kw("priority", intInto("priority", "priority", 0, 63), { exact: true }),
  kw("mcast_router", intInto("mcast_router", "multicastRouter", 0, 3), { exact: true }),
  kw("mcast_max_groups", intInto("mcast_max_groups", "mcastMaxGroups", 0, 0x7fffffff), { exact: true }),
  kw("backup_nhid", intInto("backup_nhid", "backupNhid", 0, 0xffffffff), { exact: true }),
  // a number (a negative one is ignored, as bridge does) or a state's name
  kw(
    "state",
    (w, s) => {
      const v = w.value("state")
      if (isError(v)) return v
      if (/^-\d+$/.test(v)) return
      if (/^\d+$/.test(v)) {
        const n = int(w, "state", v, 0, 4)
        if (isError(n)) return n
        s.state = n
        return
      }
      if (!PORT_STATES.includes(v))
        return w.fail("state", `"${v}" is not a port state (${PORT_STATES.join(", ")} or 0..4)`)
      s.state = v
    },
    { exact: true }
  ),
  kw(
    "backup_port",
    (w, s) => {
      const v = w.value("backup_port")
      if (isError(v)) return v
      s.backupPort = v
    },
    { exact: true }
  ),
  kw(
    "nobackup_port",
    (_w, s) => {
      s.backupPort = null
    },
    { exact: true }
  )
]

/**
 * Reads `bridge link set` words: `dev DEV` and the port's options, named as
 * `Link.setBridgePort` takes them (`nobackup_port` is `backupPort: null`).
 *
 * @example
 * ```ts
 * parseBridgePort("dev eth0 cost 5 learning off state forwarding")
 * // { dev: "eth0", port: { cost: 5, learning: false, state: "forwarding" } }
 * ```
 * @since 0.4.0
 */
export const parseBridgePort = (
  input: string | ReadonlyArray<string>,
  command = "link set"
): Parsed<{ readonly dev: string; readonly port: BridgePortInput }> => {
  const w = Words.of(input, command)
  const s: Draft = {}
  const r = keywords(w, BRIDGE_PORT, s)
  if (isError(r)) return r
  const { $dev, ...port } = s
  if (typeof $dev !== "string") return w.fail("dev", "a device is required (dev DEV)")
  return { dev: $dev, port: port as BridgePortInput }
}

/**
 * Reads `ip link property add|del` words: `[dev] DEV altname NAME [altname NAME ...]`.
 *
 * @example
 * ```ts
 * Link.parseProperty("dev eth0 altname uplink")
 * // { dev: "eth0", altnames: ["uplink"] }
 * ```
 * @since 0.4.0
 */
export const parseProperty = (
  input: string | ReadonlyArray<string>,
  command = "link property add"
): Parsed<{ readonly dev: string; readonly altnames: ReadonlyArray<string> }> => {
  const w = Words.of(input, command)
  let dev: string | undefined
  const altnames: Array<string> = []
  while (!w.done) {
    const word = w.next() as string
    const keyword = word === "altname" || word === "dev" ? word : undefined
    const v = keyword === undefined ? word : w.value(keyword)
    if (isError(v)) return v
    if (keyword === "altname") altnames.push(v)
    else if (dev !== undefined) return w.fail("dev", `"${v}": the device was already given (${dev})`)
    else dev = v
  }
  if (dev === undefined) return w.fail("dev", "a device is required (dev DEV)")
  if (altnames.length === 0) return w.fail("altname", "an alternative name is required (altname NAME)")
  return { dev, altnames }
}
