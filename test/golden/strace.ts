/**
 * Parsers for `strace -X raw -e trace=sendmsg,sendto -e write=all -xx -s 65536` output:
 * recover the exact bytes a process sent on its netlink sockets.
 *
 * Two independent sources exist for every send:
 *   - the syscall line itself (`parseStraceLine`): iov_base / buffer values, printed either as
 *     `"\x.."` strings or, where strace recognises netlink, as a decoded nlmsghdr struct
 *     followed by the payload string. Both are turned back into bytes.
 *   - the `-e write=all` hex dump printed after the line (`| 00000  5c 00 ...  |`), which is
 *     raw and never decoded.
 * `parseStraceOutput` uses the hex dump when present and cross-checks it against the line.
 *
 * @since 0.1.0
 */

/** A value in strace's printed syntax. */
export type StraceValue =
  | { readonly _tag: "String"; readonly bytes: Uint8Array; readonly truncated: boolean }
  | { readonly _tag: "List"; readonly items: ReadonlyArray<StraceValue> }
  | {
      readonly _tag: "Struct"
      readonly fields: ReadonlyArray<{ readonly name: string | undefined; readonly value: StraceValue }>
    }
  | { readonly _tag: "Atom"; readonly text: string }

/** One send syscall recovered from strace output. */
export interface StraceSend {
  readonly pid: number | undefined
  readonly syscall: "sendmsg" | "sendto"
  readonly fd: number
  /** The return value; negative (-1) on failure. */
  readonly result: number
  /** The bytes of each iovec (sendmsg) or the single buffer (sendto), in order. */
  readonly iovecs: ReadonlyArray<Uint8Array>
  /** All iovecs concatenated: the datagram. */
  readonly bytes: Uint8Array
}

const NLM_FLAG_NAMES: Record<string, number> = {
  NLM_F_REQUEST: 0x1,
  NLM_F_MULTI: 0x2,
  NLM_F_ACK: 0x4,
  NLM_F_ECHO: 0x8,
  NLM_F_DUMP_INTR: 0x10,
  NLM_F_DUMP_FILTERED: 0x20,
  NLM_F_ROOT: 0x100,
  NLM_F_MATCH: 0x200,
  NLM_F_ATOMIC: 0x400,
  NLM_F_DUMP: 0x300,
  NLM_F_REPLACE: 0x100,
  NLM_F_EXCL: 0x200,
  NLM_F_CREATE: 0x400,
  NLM_F_APPEND: 0x800,
  NLM_F_NONREC: 0x100,
  NLM_F_BULK: 0x200,
  NLM_F_CAPPED: 0x100,
  NLM_F_ACK_TLVS: 0x200
}

const NLMSG_TYPE_NAMES: Record<string, number> = {
  NLMSG_NOOP: 1,
  NLMSG_ERROR: 2,
  NLMSG_DONE: 3,
  NLMSG_OVERRUN: 4
}

class Scanner {
  readonly text: string
  pos: number
  constructor(text: string, pos = 0) {
    this.text = text
    this.pos = pos
  }
  skipSpace(): void {
    for (;;) {
      while (this.pos < this.text.length && this.text[this.pos] === " ") this.pos++
      if (this.text.startsWith("/*", this.pos)) {
        const end = this.text.indexOf("*/", this.pos + 2)
        if (end < 0) throw new Error(`unterminated comment at ${this.pos}`)
        this.pos = end + 2
        continue
      }
      return
    }
  }
  peek(): string {
    this.skipSpace()
    return this.text[this.pos] ?? ""
  }
  expect(ch: string): void {
    if (this.peek() !== ch) {
      throw new Error(
        `expected '${ch}' at ${this.pos}: ${JSON.stringify(this.text.slice(this.pos, this.pos + 30))}`
      )
    }
    this.pos++
  }
}

function parseString(s: Scanner): StraceValue {
  s.expect('"')
  const out: Array<number> = []
  const text = s.text
  while (s.pos < text.length && text[s.pos] !== '"') {
    const ch = text[s.pos]
    if (ch === "\\") {
      const next = text[s.pos + 1]
      if (next === "x") {
        out.push(Number.parseInt(text.slice(s.pos + 2, s.pos + 4), 16))
        s.pos += 4
      } else if (next !== undefined && next >= "0" && next <= "7") {
        let j = s.pos + 1
        while (j < s.pos + 4 && text[j] >= "0" && text[j] <= "7") j++
        out.push(Number.parseInt(text.slice(s.pos + 1, j), 8))
        s.pos = j
      } else {
        const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, "\\": 92, '"': 34 }
        if (next === undefined || !(next in simple)) throw new Error(`bad escape at ${s.pos}`)
        out.push(simple[next])
        s.pos += 2
      }
    } else {
      out.push(ch.charCodeAt(0))
      s.pos++
    }
  }
  if (text[s.pos] !== '"') throw new Error("unterminated string")
  s.pos++
  let truncated = false
  if (text.startsWith("...", s.pos)) {
    truncated = true
    s.pos += 3
  }
  return { _tag: "String", bytes: Uint8Array.from(out), truncated }
}

function parseAtom(s: Scanner): StraceValue {
  s.skipSpace()
  const start = s.pos
  let depth = 0
  while (s.pos < s.text.length) {
    if (s.text.startsWith("/*", s.pos)) {
      const end = s.text.indexOf("*/", s.pos + 2)
      s.pos = end < 0 ? s.text.length : end + 2
      continue
    }
    const ch = s.text[s.pos]
    if (ch === "(") depth++
    else if (ch === ")") {
      if (depth === 0) break
      depth--
    } else if (depth === 0 && (ch === "," || ch === "]" || ch === "}")) break
    s.pos++
  }
  return {
    _tag: "Atom",
    text: s.text
      .slice(start, s.pos)
      .replace(/\/\*.*?\*\//g, "")
      .trim()
  }
}

function parseValue(s: Scanner): StraceValue {
  const ch = s.peek()
  if (ch === '"') return parseString(s)
  if (ch === "[") {
    s.pos++
    const items: Array<StraceValue> = []
    if (s.peek() === "]") {
      s.pos++
      return { _tag: "List", items }
    }
    for (;;) {
      items.push(parseValue(s))
      const c = s.peek()
      s.pos++
      if (c === "]") return { _tag: "List", items }
      if (c !== ",") throw new Error(`expected ',' or ']' at ${s.pos - 1}`)
    }
  }
  if (ch === "{") {
    s.pos++
    const fields: Array<{ name: string | undefined; value: StraceValue }> = []
    if (s.peek() === "}") {
      s.pos++
      return { _tag: "Struct", fields }
    }
    for (;;) {
      s.skipSpace()
      const m = /^([A-Za-z_][A-Za-z0-9_.]*)=/.exec(s.text.slice(s.pos, s.pos + 64))
      let name: string | undefined
      if (m) {
        name = m[1]
        s.pos += m[0].length
      }
      fields.push({ name, value: parseValue(s) })
      const c = s.peek()
      s.pos++
      if (c === "}") return { _tag: "Struct", fields }
      if (c !== ",") throw new Error(`expected ',' or '}' at ${s.pos - 1}`)
    }
  }
  return parseAtom(s)
}

/** Parse a number printed by strace: decimal, 0x hex, or `NAME|NAME|0x..` flag names. */
export function parseNumber(text: string, names: Record<string, number> = {}): number {
  const values = text.split("|").map((raw) => {
    const part = raw.trim()
    if (/^-?\d+$/.test(part)) return Number(part)
    if (/^0x[0-9a-f]+$/i.test(part)) return Number.parseInt(part, 16)
    if (part in names) return names[part]
    throw new Error(`cannot read number ${JSON.stringify(part)} in ${JSON.stringify(text)}`)
  })
  // flag names may overlap (NLM_F_DUMP = NLM_F_ROOT|NLM_F_MATCH): combine with OR
  return values.length === 1 ? values[0] >>> 0 : values.reduce((a, b) => a | b, 0) >>> 0
}

function field(v: StraceValue, name: string): StraceValue | undefined {
  return v._tag === "Struct" ? v.fields.find((f) => f.name === name)?.value : undefined
}

function atomText(v: StraceValue | undefined, what: string): string {
  if (v?._tag !== "Atom") throw new Error(`${what}: expected a plain value`)
  return v.text
}

function concat(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(total)
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

/**
 * Turn a printed buffer back into bytes: strings as is, decoded nlmsghdr structs re-encoded
 * (host byte order, little-endian), lists concatenated. Any other decoded struct is an error.
 */
export function valueBytes(v: StraceValue): Uint8Array {
  switch (v._tag) {
    case "String":
      if (v.truncated) throw new Error("strace truncated a buffer (raise -s)")
      return v.bytes
    case "List":
      return concat(v.items.map(valueBytes))
    case "Atom":
      throw new Error(`cannot turn ${JSON.stringify(v.text)} into bytes`)
    case "Struct": {
      const len = field(v, "nlmsg_len")
      if (len === undefined) {
        throw new Error(`decoded struct {${v.fields.map((f) => f.name).join(",")}} has no byte form`)
      }
      const out = new Uint8Array(16)
      const dv = new DataView(out.buffer)
      dv.setUint32(0, parseNumber(atomText(len, "nlmsg_len")), true)
      dv.setUint16(4, parseNumber(atomText(field(v, "nlmsg_type"), "nlmsg_type"), NLMSG_TYPE_NAMES), true)
      dv.setUint16(6, parseNumber(atomText(field(v, "nlmsg_flags"), "nlmsg_flags"), NLM_FLAG_NAMES), true)
      dv.setUint32(8, parseNumber(atomText(field(v, "nlmsg_seq"), "nlmsg_seq")), true)
      dv.setUint32(12, parseNumber(atomText(field(v, "nlmsg_pid"), "nlmsg_pid")), true)
      return out
    }
  }
}

const LINE_RE = /^(?:\[pid\s+)?(\d+)?\]?\s*(sendmsg|sendto)\(/

/**
 * Parse one complete strace line of a sendmsg or sendto call into its iovec bytes.
 * Returns undefined for other lines (other syscalls, exit notices, unfinished calls).
 */
export function parseStraceLine(line: string): StraceSend | undefined {
  const m = LINE_RE.exec(line)
  if (!m || line.includes("<unfinished ...>")) return undefined
  const syscall = m[2] as "sendmsg" | "sendto"
  const s = new Scanner(line, m[0].length)
  const args: Array<StraceValue> = []
  for (;;) {
    args.push(parseValue(s))
    const c = s.peek()
    s.pos++
    if (c === ")") break
    if (c !== ",") throw new Error(`expected ',' or ')' in ${syscall} arguments at ${s.pos - 1}`)
  }
  const rest = /^\s*=\s*(-?\d+)/.exec(line.slice(s.pos))
  if (!rest) throw new Error(`no return value in: ${line.slice(0, 80)}`)
  const fd = parseNumber(atomText(args[0], "fd").replace(/<.*>$/, ""))
  let iovecs: Array<Uint8Array>
  if (syscall === "sendto") {
    iovecs = [valueBytes(args[1])]
  } else {
    const iov = field(args[1], "msg_iov")
    if (iov?._tag !== "List") throw new Error("sendmsg without msg_iov list")
    iovecs = iov.items.map((item) => {
      const base = field(item, "iov_base")
      if (base === undefined) throw new Error("iovec without iov_base")
      const bytes = valueBytes(base)
      const len = field(item, "iov_len")
      if (len !== undefined && parseNumber(atomText(len, "iov_len")) !== bytes.length) {
        throw new Error(`iov_len ${atomText(len, "iov_len")} but ${bytes.length} bytes printed`)
      }
      return bytes
    })
  }
  return {
    pid: m[1] === undefined ? undefined : Number(m[1]),
    syscall,
    fd,
    result: Number(rest[1]),
    iovecs,
    bytes: concat(iovecs)
  }
}

const DUMP_RE = /^ \| ([0-9a-f]{5,}) {2}(.{0,48})/

/** Bytes of one `-e write=` hex dump line, with its offset; undefined if not a dump line. */
export function parseDumpLine(line: string): { offset: number; bytes: Uint8Array } | undefined {
  const m = DUMP_RE.exec(line)
  if (!m) return undefined
  const hex = m[2].match(/[0-9a-f]{2}/g) ?? []
  return { offset: Number.parseInt(m[1], 16), bytes: Uint8Array.from(hex.map((h) => Number.parseInt(h, 16))) }
}

/**
 * Parse a whole strace output file into the sends it shows. Bytes come from the hex dump
 * when one follows the line (it is authoritative and raw); the line's own printed buffers are
 * parsed too and must agree, unless strace decoded them beyond an nlmsghdr.
 */
export function parseStraceOutput(text: string): Array<StraceSend> {
  const lines = text.split("\n")
  const sends: Array<StraceSend> = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!LINE_RE.test(line) || line.includes("<unfinished ...>")) {
      if (/^\d*\s*<\.\.\. send(msg|to) resumed>/.test(line)) {
        throw new Error("interleaved (resumed) send calls are not supported")
      }
      continue
    }
    let fromLine: StraceSend | undefined
    let lineError: unknown
    try {
      fromLine = parseStraceLine(line)
    } catch (e) {
      lineError = e
    }
    // collect the dump that follows: "* N bytes in buffer K" headers and "| ..." rows
    const dumped: Array<Array<number>> = []
    let current: Array<number> | undefined
    while (i + 1 < lines.length) {
      const next = lines[i + 1]
      const header = /^ \* (\d+) bytes in buffer (\d+)/.exec(next)
      if (header) {
        current = []
        dumped.push(current)
        i++
        continue
      }
      const row = parseDumpLine(next)
      if (!row) break
      if (current === undefined) {
        current = []
        dumped.push(current)
      }
      if (row.offset !== current.length) throw new Error(`hex dump gap at offset ${row.offset}`)
      current.push(...row.bytes)
      i++
    }
    if (dumped.length > 0) {
      const iovecs = dumped.map((d) => Uint8Array.from(d))
      const bytes = concat(iovecs)
      if (fromLine !== undefined && !equalBytes(fromLine.bytes, bytes)) {
        throw new Error(`strace line and hex dump disagree: ${line.slice(0, 100)}`)
      }
      const head = LINE_RE.exec(line)!
      const tail = /=\s*(-?\d+)[^=]*$/.exec(line)
      sends.push({
        pid: head[1] === undefined ? undefined : Number(head[1]),
        syscall: head[2] as "sendmsg" | "sendto",
        fd: fromLine?.fd ?? Number(/\((\d+)/.exec(line)?.[1] ?? -1),
        result: fromLine?.result ?? Number(tail?.[1] ?? -1),
        iovecs,
        bytes
      })
    } else if (fromLine !== undefined) {
      sends.push(fromLine)
    } else {
      throw lineError
    }
  }
  return sends
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** A netlink message cut out of a datagram. */
export interface NetlinkMessage {
  readonly type: number
  readonly flags: number
  readonly seq: number
  readonly pid: number
  /** The whole message, nlmsghdr included, nlmsg_len bytes. */
  readonly bytes: Uint8Array
}

/** Split a datagram into netlink messages by nlmsg_len (each aligned to 4 bytes). */
export function splitNetlink(datagram: Uint8Array): Array<NetlinkMessage> {
  const out: Array<NetlinkMessage> = []
  const dv = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength)
  let off = 0
  while (off + 16 <= datagram.length) {
    const len = dv.getUint32(off, true)
    if (len < 16 || off + len > datagram.length) {
      throw new Error(`bad nlmsg_len ${len} at offset ${off} of a ${datagram.length}-byte datagram`)
    }
    out.push({
      type: dv.getUint16(off + 4, true),
      flags: dv.getUint16(off + 6, true),
      seq: dv.getUint32(off + 8, true),
      pid: dv.getUint32(off + 12, true),
      bytes: datagram.slice(off, off + len)
    })
    off += (len + 3) & ~3
  }
  if (off < datagram.length && datagram.length - off >= 4) {
    throw new Error(`${datagram.length - off} trailing bytes after the last netlink message`)
  }
  return out
}
