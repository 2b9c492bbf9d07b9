/**
 * Golden cases for the `wg` tool: each is a configuration applied with `wg setconf` or
 * `wg set` (capture-wireguard.ts) and the same change through WireGuard.set/configure.
 *
 * @since 0.1.0
 */

/** A deterministic key for peer `i` (not a valid Curve25519 point; the kernel takes any 32 bytes). */
export const keyOf = (i: number): string => {
  const b = Buffer.alloc(32)
  b.writeUInt32BE(i + 1, 0)
  b[31] = 0x42
  return b.toString("base64")
}
export const PRIV = "+FELE7sOMQngrcVUVdjU8/z7bfkPu4gA5qvN0Lksf0s="

const peerIps = (i: number) => [
  `10.${i >> 8}.${i & 255}.0/24`,
  `fd00::${(i + 1).toString(16)}/128`,
  `172.16.${i & 255}.${i >> 8}/32`
]
const many = Array.from({ length: 400 }, (_, i) => `10.200.${i >> 8}.${i & 255}/32`)

const large = (): string => {
  const lines = ["[Interface]", `PrivateKey = ${PRIV}`, "ListenPort = 4000", ""]
  for (let i = 0; i < 300; i++) {
    lines.push("[Peer]", `PublicKey = ${keyOf(i)}`, `AllowedIPs = ${peerIps(i).join(", ")}`)
    if (i % 3 === 0) lines.push(`Endpoint = 198.51.100.${i % 250}:${10000 + i}`)
    lines.push("")
  }
  lines.push(
    "[Peer]",
    `PublicKey = ${keyOf(1000)}`,
    `PresharedKey = ${keyOf(2000)}`,
    `AllowedIPs = ${many.join(", ")}`,
    "PersistentKeepalive = 25",
    ""
  )
  return lines.join("\n")
}

export interface WireguardCase {
  readonly name: string
  readonly doc: string
  /** wg arguments; {conf} is the configuration file. */
  readonly command: ReadonlyArray<string>
  readonly config: string
}

export const wireguardCases: ReadonlyArray<WireguardCase> = [
  {
    name: "wg-setconf-small",
    doc: "wg setconf: private key, port, fwmark, a peer with every setting, a v6 endpoint",
    command: ["setconf", "wg0", "{conf}"],
    config: [
      "[Interface]",
      `PrivateKey = ${PRIV}`,
      "ListenPort = 51820",
      "FwMark = 0x42",
      "",
      "[Peer]",
      `PublicKey = ${keyOf(1)}`,
      `PresharedKey = ${keyOf(7)}`,
      "AllowedIPs = 10.0.0.0/24, fd00::/64",
      "Endpoint = 192.0.2.1:51820",
      "PersistentKeepalive = 25",
      "",
      "[Peer]",
      `PublicKey = ${keyOf(2)}`,
      "AllowedIPs = 10.0.1.0/24",
      "Endpoint = [2001:db8::1]:4500",
      ""
    ].join("\n")
  },
  {
    name: "wg-setconf-large",
    doc: "wg setconf of 300 peers x 3 allowed IPs and one peer with 400: split over messages",
    command: ["setconf", "wg0", "{conf}"],
    config: large()
  },
  {
    name: "wg-addconf",
    doc: "wg addconf: the same peers without replacing (no REPLACE flags)",
    command: ["addconf", "wg0", "{conf}"],
    config: ["[Peer]", `PublicKey = ${keyOf(3)}`, "AllowedIPs = 10.9.0.0/16", ""].join("\n")
  }
]
