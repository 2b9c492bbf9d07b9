/**
 * Address and MAC text to bytes. No imports: Primitives (and through it every
 * generated module) uses these without a cycle through Wire, which imports the
 * generated netlink constants. Wire re-exports them.
 *
 * @since 0.1.0
 */

/** Parses IPv4 text into 4 bytes, or returns undefined. */
export const parseIPv4 = (s: string): Uint8Array | undefined => {
  // By hand, not a RegExp: this runs for every address a request carries.
  // Four decimal octets of 1-3 digits, each <= 255, no leading zeros.
  const n = s.length
  if (n < 7 || n > 15) return undefined
  const out = new Uint8Array(4)
  let i = 0
  for (let k = 0; k < 4; k++) {
    if (k > 0) {
      if (s.charCodeAt(i) !== 46) return undefined
      i++
    }
    const start = i
    let v = 0
    while (i < n) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      v = v * 10 + c
      i++
    }
    const digits = i - start
    if (digits === 0 || digits > 3 || v > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return undefined
    out[k] = v
  }
  return i === n ? out : undefined
}

/** Parses IPv6 text (with optional embedded IPv4 tail) into 16 bytes, or returns undefined. */
export const parseIPv6 = (s: string): Uint8Array | undefined => {
  if (s.length < 2 || s.length > 45) return undefined
  let tail: Uint8Array | undefined
  let text = s
  const lastColon = s.lastIndexOf(":")
  if (s.indexOf(".", lastColon) !== -1) {
    tail = parseIPv4(s.slice(lastColon + 1))
    if (!tail) return undefined
    text = s.slice(0, lastColon + 1) + "0:0"
  }
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const parseGroups = (part: string): Array<number> | undefined => {
    if (part === "") return []
    const groups = part.split(":")
    const out: Array<number> = []
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
      out.push(Number.parseInt(g, 16))
    }
    return out
  }
  const head = parseGroups(halves[0])
  const rest = halves.length === 2 ? parseGroups(halves[1]) : []
  if (!head || !rest) return undefined
  let words: Array<number>
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length
    if (missing < 1) return undefined
    words = [...head, ...new Array<number>(missing).fill(0), ...rest]
  } else {
    if (head.length !== 8) return undefined
    words = head
  }
  const out = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i] >> 8
    out[2 * i + 1] = words[i] & 0xff
  }
  if (tail) out.set(tail, 12)
  return out
}

/** Parses an IPv4 or IPv6 address. */
export const parseIp = (s: string): Uint8Array | undefined => (s.includes(":") ? parseIPv6(s) : parseIPv4(s))

/** Parses "aa:bb:cc:dd:ee:ff" (any length of colon-separated hex octets). */
export const parseMac = (s: string): Uint8Array | undefined => {
  const parts = s.split(":")
  if (parts.length < 1 || parts.length > 32) return undefined
  const out = new Uint8Array(parts.length)
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i])) return undefined
    out[i] = Number.parseInt(parts[i], 16)
  }
  return out
}
