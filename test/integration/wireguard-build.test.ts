/**
 * WireGuard requests without a kernel: keys (X25519 through node:crypto,
 * checked against `wg pubkey`), input validation that sends nothing and never
 * echoes a key, and the split of a large set into messages the way the kernel
 * expects it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as WireGuard from "../../src/api/WireGuard.ts"
import { decodeSetDeviceReply } from "../../src/generated/wireguard/index.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"

const PRIV = "+FELE7sOMQngrcVUVdjU8/z7bfkPu4gA5qvN0Lksf0s="
const PUB = "2QgUaFMJkd/WnTlpUZGXM7PdRQkc3VCumCVWnWMbZSY=" // wg pubkey <<< PRIV

const keyOf = (i: number): string => {
  const b = Buffer.alloc(32)
  b.writeUInt32BE(i + 1, 0)
  b[31] = 0x42
  return b.toString("base64")
}

describe("keys", () => {
  it("derives the public key as wg pubkey does", () => {
    expect(WireGuard.publicKey(PRIV)).toBe(PUB)
    expect(WireGuard.publicKey(Redacted.make(PRIV))).toBe(PUB)
    expect(WireGuard.publicKey("not a key")).toBeUndefined()
  })
  it("generates clamped private keys that never print", () => {
    const k = WireGuard.generateKey()
    const raw = Buffer.from(Redacted.value(k), "base64")
    expect(raw.length).toBe(32)
    expect(raw[0] & 7).toBe(0)
    expect(raw[31] & 0xc0).toBe(0x40)
    expect(String(k)).not.toContain(Redacted.value(k))
    expect(JSON.stringify({ k })).not.toContain(Redacted.value(k))
    expect(WireGuard.isKey(WireGuard.publicKey(k))).toBe(true)
  })
})

describe("validation", () => {
  const fail = (dev: any, o: any) => {
    const r = WireGuard.buildSet(30, dev, o)
    expect(r).toBeInstanceOf(NetlinkError)
    const e = r as NetlinkError
    expect(e.reason._tag).toBe("Validation")
    return e
  }
  it("names the field and never echoes a bad secret key", () => {
    const secret = `${PRIV.slice(0, 40)}AAA=`.replace("+", "-")
    const e = fail("wg0", { privateKey: secret })
    expect(e.message).toContain("privateKey")
    expect(e.message).not.toContain(secret)
    expect(fail("wg0", { peers: [{ publicKey: PUB, presharedKey: "x" }] }).message).toContain(
      "peers[0].presharedKey"
    )
  })
  it("checks endpoints, prefixes, ports and the device", () => {
    expect(fail("wg0", { peers: [{ publicKey: PUB, endpoint: "1.2.3.4" }] }).message).toContain(
      "peers[0].endpoint"
    )
    expect(fail("wg0", { peers: [{ publicKey: PUB, endpoint: "[1.2.3.4]:5" }] }).message).toContain(
      "endpoint"
    )
    expect(fail("wg0", { peers: [{ publicKey: PUB, allowedIps: ["10.0.0.0/33"] }] }).message).toContain(
      "peers[0].allowedIps[0]"
    )
    expect(fail("wg0", { listenPort: 70000 }).message).toContain("listenPort")
    expect(fail("a/b", {}).message).toContain("dev")
  })
  it.live("set fails before anything is sent", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(WireGuard.set("wg0", { fwmark: -1 }))
      expect(e.reason._tag).toBe("Validation")
    }).pipe(Effect.provide(Layer.fresh(Netlink.layer)))
  )
})

// Decodes split messages and merges peers continued across them, as get does.
const reassemble = (messages: ReadonlyArray<Uint8Array>) => {
  const peers: Array<{ key: string; flags: number; ips: Array<string> }> = []
  const firsts: Array<{ flags?: number; listenPort?: number; ifname?: string }> = []
  for (const m of messages) {
    const d = decodeSetDeviceReply(m, new DataView(m.buffer, m.byteOffset, m.byteLength), 16, m.length)
    firsts.push({ flags: d.flags, listenPort: d.listenPort, ifname: d.ifname })
    for (const p of d.peers ?? []) {
      const key = Buffer.from(p.publicKey!).toString("base64")
      const ips = (p.allowedips ?? []).map((a) => `${a.ipaddr}/${a.cidrMask}`)
      const last = peers[peers.length - 1]
      if (last?.key === key) {
        expect(p.flags ?? 0).toBe(0) // REPLACE_ALLOWEDIPS only where the peer starts
        last.ips.push(...ips)
      } else peers.push({ key, flags: p.flags ?? 0, ips })
    }
  }
  return { peers, firsts }
}

describe("a large set", () => {
  const N = 10_000
  const peers = Array.from({ length: N }, (_, i) => ({
    publicKey: keyOf(i),
    replaceAllowedIps: true,
    allowedIps: [
      `10.${(i >> 8) & 255}.${i & 255}.0/24`,
      `fd00::${(i + 1).toString(16)}/128`,
      `172.16.${i & 255}.${i >> 8}/32`
    ]
  }))
  const messages = WireGuard.buildSet(30, "wg0", {
    listenPort: 51820,
    replacePeers: true,
    peers
  }) as Array<Uint8Array>

  it("splits into messages of at most 4096 bytes, device settings first only", () => {
    expect(messages.length).toBeGreaterThan(100)
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096)
    const { firsts } = reassemble(messages)
    expect(firsts[0]).toEqual({ flags: 1, listenPort: 51820, ifname: "wg0" })
    for (const f of firsts.slice(1))
      expect(f).toEqual({ flags: undefined, listenPort: undefined, ifname: "wg0" })
  })

  it("carries every peer and allowed IP once, in order", () => {
    const { peers: got } = reassemble(messages)
    expect(got.length).toBe(N)
    got.forEach((p, i) => {
      expect(p.key).toBe(peers[i].publicKey)
      expect(p.flags).toBe(2)
      expect(p.ips).toEqual(peers[i].allowedIps)
    })
  })

  it("continues a peer's allowed IPs in the next message", () => {
    const many = Array.from({ length: 400 }, (_, i) => `10.1.${i >> 8}.${i & 255}/32`)
    const ms = WireGuard.buildSet(30, "wg0", {
      peers: [{ publicKey: PUB, replaceAllowedIps: true, endpoint: "192.0.2.1:51820", allowedIps: many }]
    }) as Array<Uint8Array>
    expect(ms.length).toBeGreaterThan(2)
    const { peers: got } = reassemble(ms)
    expect(got).toEqual([{ key: PUB, flags: 2, ips: many }])
  })
})

describe("configuration files", () => {
  const text = `[Interface]
ListenPort = 51820
FwMark = 0x42
PrivateKey = ${PRIV}

[Peer]
PublicKey = ${keyOf(1)}
PresharedKey = ${keyOf(7)}
AllowedIPs = 10.0.0.0/24, fd00::/64
Endpoint = 192.0.2.1:51820
PersistentKeepalive = 25

[Peer]
PublicKey = ${keyOf(2)}
AllowedIPs = 10.0.1.0/24
`
  it("parses and prints the wg showconf format back to the same text", () => {
    const c = WireGuard.parseConfig(text)
    expect(c).not.toBeInstanceOf(NetlinkError)
    const config = c as WireGuard.Config
    expect(config.listenPort).toBe(51820)
    expect(config.fwmark).toBe(0x42)
    expect(config.peers.map((p) => p.allowedIps)).toEqual([["10.0.0.0/24", "fd00::/64"], ["10.0.1.0/24"]])
    expect(WireGuard.printConfig(config, { showKeys: true })).toBe(text)
  })
  it("hides private and preshared keys unless asked", () => {
    const out = WireGuard.printConfig(WireGuard.parseConfig(text) as WireGuard.Config)
    expect(out).not.toContain(PRIV)
    expect(out).not.toContain(keyOf(7))
    expect(out).toContain("PrivateKey = (hidden)")
    expect(out).toContain(`PublicKey = ${keyOf(1)}`)
  })
  it("skips wg-quick-only keys and comments", () => {
    const c = WireGuard.parseConfig(
      `# a comment\n[Interface]\nAddress = 10.0.0.1/24\nDNS = 1.1.1.1\nListenPort = 1 # inline\n`
    )
    expect(c).toEqual({ listenPort: 1, peers: [] })
  })
  it("names the bad line and key, never the value", () => {
    const e = WireGuard.parseConfig(`[Interface]\nPrivateKey = ${PRIV.slice(1)}\n`) as NetlinkError
    expect(e.reason._tag).toBe("Validation")
    expect(e.message).toContain("line 2 (PrivateKey)")
    expect(e.message).not.toContain(PRIV.slice(1))
    expect((WireGuard.parseConfig("[Peer]\nAllowedIPs = 10.0.0.0/8\n") as NetlinkError).message).toContain(
      "PublicKey"
    )
    expect((WireGuard.parseConfig("[Interface]\nBogus = 1\n") as NetlinkError).message).toContain("Bogus")
  })
})
