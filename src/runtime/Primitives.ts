/**
 * Schemas for the scalar shapes of netlink attributes. Generated code builds
 * its Schemas from these, so every range, length and address rule lives here
 * once and shows up in validation errors with the field's path.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { parseIPv4, parseIPv6, parseMac } from "./Parse.ts"

/** @since 0.1.0 */
export const U8 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xff }))
/** @since 0.1.0 */
export const U16 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffff }))
/** @since 0.1.0 */
export const U32 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffffffff }))
/** @since 0.1.0 */
export const S8 = Schema.Int.check(Schema.isBetween({ minimum: -0x80, maximum: 0x7f }))
/** @since 0.1.0 */
export const S16 = Schema.Int.check(Schema.isBetween({ minimum: -0x8000, maximum: 0x7fff }))
/** @since 0.1.0 */
export const S32 = Schema.Int.check(Schema.isBetween({ minimum: -0x80000000, maximum: 0x7fffffff }))
/** @since 0.1.0 */
export const U64 = Schema.BigInt.check(Schema.isBetweenBigInt({ minimum: 0n, maximum: 0xffffffffffffffffn }))
/** @since 0.1.0 */
export const S64 = Schema.BigInt.check(
  Schema.isBetweenBigInt({ minimum: -0x8000000000000000n, maximum: 0x7fffffffffffffffn })
)

/** An integer of the given width with extra bounds from a spec's `checks`. */
export const intBetween = (base: typeof U32, minimum: number, maximum: number) =>
  base.check(Schema.isBetween({ minimum, maximum }))

/** @since 0.1.0 */
export const Bytes = Schema.Uint8Array

/** Text with no NUL byte (netlink strings are NUL-terminated). */
export const NlString = Schema.String.check(
  Schema.makeFilter((s: string) => !s.includes("\0") || "must not contain a NUL character", {
    expected: "a string without NUL",
    arbitraryConstraint: { patterns: [{ source: "^[a-zA-Z0-9_.:-]*$", flags: "" }] } as any
  })
)

/** A string whose UTF-8 encoding is at most `max` bytes (IFNAMSIZ-style limits). */
export const stringMaxBytes = (max: number, min = 0) =>
  NlString.check(
    Schema.makeFilter(
      (s: string) => {
        const n = Buffer.byteLength(s)
        return (n <= max && n >= min) || `must be ${min}..${max} bytes long, got ${n}`
      },
      {
        expected: `a string of ${min}..${max} bytes`,
        arbitraryConstraint: { patterns: [{ source: `^[a-z0-9_]{${min},${max}}$`, flags: "" }] } as any
      }
    )
  )

/**
 * An interface name as the kernel accepts it: 1..15 bytes, no '/', ':' is
 * allowed (aliases), no whitespace, not "." or "..".
 */
export const InterfaceName = NlString.check(
  Schema.makeFilter(
    (s: string) => {
      const n = Buffer.byteLength(s)
      if (n === 0) return "an interface name cannot be empty"
      if (n > 15) return `an interface name is at most 15 bytes, got ${n} ("${s}")`
      if (/[/\s]/.test(s)) return `an interface name cannot contain '/' or whitespace ("${s}")`
      if (s === "." || s === "..") return `"${s}" is not a valid interface name`
      return true
    },
    {
      expected: "an interface name (1..15 bytes, no '/' or whitespace)",
      arbitraryConstraint: { patterns: [{ source: "^[a-z][a-z0-9_]{0,14}$", flags: "" }] } as any
    }
  )
)

/**
 * A device as a reference names it: its name or one of its alternative names
 * (`ip link property add ... altname`), 1..127 bytes (ALTIFNAMSIZ - 1), no '/'
 * or whitespace. New links take {@link InterfaceName} (at most 15 bytes).
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(DeviceName)("uplink-to-the-datacenter-core")
 * ```
 * @since 0.3.0
 */
export const DeviceName = NlString.check(
  Schema.makeFilter(
    (s: string) => {
      const n = Buffer.byteLength(s)
      if (n === 0) return "a device name cannot be empty"
      if (n > 127) return `a device name (or alternative name) is at most 127 bytes, got ${n}`
      if (/[/\s]/.test(s)) return `a device name cannot contain '/' or whitespace ("${s}")`
      if (s === "." || s === "..") return `"${s}" is not a valid device name`
      return true
    },
    {
      expected: "a device name or alternative name (1..127 bytes, no '/' or whitespace)",
      arbitraryConstraint: { patterns: [{ source: "^[a-z][a-z0-9_]{0,14}$", flags: "" }] } as any
    }
  )
)

/** @since 0.1.0 */
export const IPv4 = Schema.String.check(
  Schema.makeFilter((s: string) => parseIPv4(s) !== undefined || `"${s}" is not an IPv4 address`, {
    expected: "an IPv4 address",
    arbitraryConstraint: {
      patterns: [
        {
          source:
            "^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$",
          flags: ""
        }
      ]
    } as any
  })
)

/** @since 0.1.0 */
export const IPv6 = Schema.String.check(
  Schema.makeFilter((s: string) => parseIPv6(s) !== undefined || `"${s}" is not an IPv6 address`, {
    expected: "an IPv6 address",
    arbitraryConstraint: { patterns: [{ source: "^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$", flags: "" }] } as any
  })
)

/** An IPv4 or IPv6 address, as attributes whose width follows the message's family carry. */
export const InetAddress = Schema.String.check(
  Schema.makeFilter(
    (s: string) =>
      (s.includes(":") ? parseIPv6(s) : parseIPv4(s)) !== undefined || `"${s}" is not an IP address`,
    {
      expected: "an IPv4 or IPv6 address",
      arbitraryConstraint: {
        patterns: [{ source: "^([0-9]{1,2}\\.){3}[0-9]{1,2}$|^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$", flags: "" }]
      } as any
    }
  )
)

// Link-layer address lengths the kernel gives devices (dev->addr_len):
// Ethernet and its kin 6, IPv4 tunnels 4 and IPv6 tunnels 16 (their endpoint
// address), EUI-64 (IEEE 802.15.4) 8, InfiniBand 20. The kernel refuses an
// address shorter than the device's with EINVAL, and a 5-octet typo would
// otherwise reach it.
const linkLayerLengths = new Set([4, 6, 8, 16, 20])

/**
 * A link-layer address, colon-separated hex octets ("02:00:00:00:00:01"):
 * 6 octets for Ethernet, or 4, 8, 16 or 20 (tunnels, EUI-64, InfiniBand).
 *
 * @since 0.1.0
 */
export const MacAddress = Schema.String.check(
  Schema.makeFilter(
    (s: string) => {
      const b = parseMac(s)
      if (b === undefined) return `"${s}" is not a link-layer address (hex octets separated by ':')`
      return (
        linkLayerLengths.has(b.length) ||
        `"${s}" has ${b.length} octets; a link-layer address has 6 (Ethernet), 20 (InfiniBand), or 4, 8, 16`
      )
    },
    {
      expected: "a link-layer address like 02:00:00:00:00:01",
      arbitraryConstraint: { patterns: [{ source: "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", flags: "" }] } as any
    }
  )
)

/**
 * An attribute the spec does not know (a newer kernel's), kept as bytes so it
 * round-trips. `type` includes the NLA_F_* flag bits as received.
 *
 * @since 0.1.0
 */
export interface RawAttribute {
  readonly type: number
  readonly data: Uint8Array
}

/** Schema of unknown attributes for a set whose known types are `known`. */
export const rawAttributes = (known: ReadonlyArray<number>) => {
  const set = new Set(known)
  return Schema.Array(
    Schema.Struct({
      type: U16.check(
        Schema.makeFilter(
          (t: number) => !set.has(t & 0x3fff) || `attribute type ${t & 0x3fff} is a known one`
        )
      ),
      data: Bytes.check(
        Schema.makeFilter((b: Uint8Array) => b.length <= 0xfff0 || "attribute payload too large")
      )
    })
  )
}

/** `struct nla_bitfield32`: which bits of `selector` to set to the bits of `value`. */
export const Bitfield32 = Schema.Struct({ value: U32, selector: U32 })
