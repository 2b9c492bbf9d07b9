/**
 * WireGuard keys: 32 bytes, written as base64 (44 characters) the way `wg`
 * prints them. Private and preshared keys travel as `Redacted` values, so
 * they never show in errors, logs or `JSON.stringify` unless read with
 * `Redacted.value`.
 *
 * @since 0.1.0
 */
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto"
import * as Redacted from "effect/Redacted"

/** WG_KEY_LEN. */
export const KEY_LEN = 32

const B64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/

/**
 * A key as base64 text (44 characters ending in "=", 32 bytes).
 *
 * @since 0.1.0
 */
export type Key = string

/** Whether `s` is a key in base64 (the exact 44-character form `wg` prints). */
export const isKey = (s: unknown): s is Key => typeof s === "string" && B64.test(s)

/** The 32 bytes of a base64 key (the caller checked it with {@link isKey}). */
export const toBytes = (k: Key): Uint8Array => new Uint8Array(Buffer.from(k, "base64"))

/** The base64 text of 32 key bytes. */
export const fromBytes = (b: Uint8Array): Key =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64")

/** The all-zero key: as a preshared key it removes the peer's one (as `wg` does). */
export const ZERO: Key = fromBytes(new Uint8Array(KEY_LEN))

// PKCS#8 prefix of a raw X25519 private key (RFC 8410): the 32 key bytes follow
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex")

/**
 * A new private key: 32 random bytes, clamped for Curve25519 as `wg genkey` does.
 *
 * @example
 * ```ts
 * const priv = WireGuard.generateKey()
 * const pub = WireGuard.publicKey(priv)
 * ```
 * @since 0.1.0
 */
export const generateKey = (): Redacted.Redacted<Key> => {
  const k = new Uint8Array(randomBytes(KEY_LEN))
  k[0] &= 248
  k[31] = (k[31] & 127) | 64
  return Redacted.make(fromBytes(k), { label: "wireguard private key" })
}

/**
 * The public key of a private key (X25519 with node:crypto), in base64.
 * Throws nothing: a malformed private key gives `undefined`.
 *
 * @example
 * ```ts
 * WireGuard.publicKey(Redacted.make("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="))
 * // "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
 * ```
 * @since 0.1.0
 */
export const publicKey = (privateKey: Redacted.Redacted<Key> | Key): Key | undefined => {
  const k = typeof privateKey === "string" ? privateKey : Redacted.value(privateKey)
  if (!isKey(k)) return undefined
  const der = Buffer.concat([PKCS8_X25519, toBytes(k)])
  const spki = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({
    format: "der",
    type: "spki"
  })
  return fromBytes(new Uint8Array(spki.subarray(spki.length - KEY_LEN)))
}
