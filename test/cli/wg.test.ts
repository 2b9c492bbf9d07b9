/**
 * `nlink wg`: `wg set`'s words (src/api/parse/WireGuard.ts) against wg's own acceptance (wg
 * under strace: it talks to the kernel only after it parsed its words), the requests of
 * `set`/`setconf`/`addconf` against the ones `wg` sent (test/fixtures/golden/wireguard), and
 * `show`/`showconf` text: keys hidden where `wg show` hides them. The host kernel has no
 * WireGuard; the kernel side is the library's (test/integration, in the VM lane).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"
import { isError } from "../../src/api/internal/Words.ts"
import { parseSet } from "../../src/api/parse/WireGuard.ts"
import * as WireGuard from "../../src/api/WireGuard.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { confChange, fieldText, showText } from "../../src/cli/wg.ts"
import { attributeTree, loadFixture, nlmsgHeader } from "../golden/nlmsg.ts"
import { keyOf, PRIV, wireguardCases } from "../golden/wireguard-cases.ts"

const dir = mkdtempSync(join(tmpdir(), "nlwg-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const privFile = file("priv", `${PRIV}\n`)
const pskFile = file("psk", keyOf(7))
const emptyFile = file("empty", "")
const badFile = file("bad", "not a key\n")

const hasTools = spawnSync("wg", ["--version"]).status === 0 && spawnSync("strace", ["-V"]).status === 0

/** Whether `wg set` got past its words (it then asks the kernel, which may refuse). */
const wgAccepts = (words: ReadonlyArray<string>): boolean => {
  const r = spawnSync("strace", ["-f", "-e", "trace=sendmsg,sendto", "-s", "8", "wg", "set", ...words], {
    encoding: "utf8",
    timeout: 20_000
  })
  return /send(msg|to)\(/.test(r.stderr)
}

const pathOf = (e: unknown): string => {
  expect(e).toBeInstanceOf(NetlinkError)
  return ((e as NetlinkError).reason as { readonly path: string }).path
}

const ACCEPTED: ReadonlyArray<ReadonlyArray<string>> = [
  ["wg0", "listen-port", "51820", "private-key", privFile],
  ["wg0", "fwmark", "0x42"],
  ["wg0", "fwmark", "off", "private-key", emptyFile],
  ["wg0", "peer", keyOf(1), "allowed-ips", "10.0.0.0/24,fd00::/64", "endpoint", "192.0.2.1:51820"],
  [
    "wg0",
    "peer",
    keyOf(1),
    "preshared-key",
    pskFile,
    "persistent-keepalive",
    "25",
    "endpoint",
    "[2001:db8::1]:4500"
  ],
  ["wg0", "peer", keyOf(1), "remove", "peer", keyOf(2), "persistent-keepalive", "off"]
]

const REJECTED: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
  [["wg0", "peer", "bogus"], "peer"],
  [["wg0", "bogus", "1"], "bogus"],
  [["wg0", "peer", keyOf(1), "endpoint", "192.0.2.1"], "endpoint"],
  [["wg0", "private-key", join(dir, "missing")], "private-key"],
  [["wg0", "private-key", badFile], "private-key"],
  [["wg0", "fwmark", "x"], "fwmark"],
  [["wg0", "peer", keyOf(1), "persistent-keepalive", "70000"], "persistent-keepalive"]
]

describe("wg set's words", () => {
  it("reads a change: keys from files (redacted), allowed-ips replacing the list, off as 0", () => {
    const s = parseSet([
      "wg0",
      "listen-port",
      "51820",
      "fwmark",
      "off",
      "private-key",
      privFile,
      "peer",
      keyOf(1),
      "preshared-key",
      pskFile,
      "allowed-ips",
      "10.0.0.0/24, fd00::/64",
      "peer",
      keyOf(2),
      "remove"
    ])
    if (isError(s)) expect.fail(pathOf(s))
    const { privateKey, peers, ...rest } = s.options
    expect(s.dev).toBe("wg0")
    expect(rest).toEqual({ listenPort: 51820, fwmark: 0 })
    expect(Redacted.isRedacted(privateKey)).toBe(true)
    expect(Redacted.value(privateKey as Redacted.Redacted<string>)).toBe(PRIV)
    expect(String(privateKey)).not.toContain(PRIV)
    const [a, b] = peers!
    expect(Redacted.value(a!.presharedKey as Redacted.Redacted<string>)).toBe(keyOf(7))
    expect({ ...a, presharedKey: undefined }).toEqual({
      publicKey: keyOf(1),
      presharedKey: undefined,
      replaceAllowedIps: true,
      allowedIps: ["10.0.0.0/24", "fd00::/64"]
    })
    expect(b).toEqual({ publicKey: keyOf(2), remove: true })
  })
  it("an empty key file clears the key (the all-zero key), as wg reads it", () => {
    const s = parseSet(["wg0", "private-key", emptyFile])
    if (isError(s)) expect.fail(pathOf(s))
    expect(Redacted.value(s.options.privateKey as Redacted.Redacted<string>)).toBe(
      Buffer.alloc(32).toString("base64")
    )
  })
  describe.runIf(hasTools)("against wg's own acceptance", () => {
    for (const words of ACCEPTED)
      it(`accepted: wg set ${words.join(" ")}`, () => {
        expect(wgAccepts(words)).toBe(true)
        const r = parseSet(words)
        if (isError(r)) expect.fail(`nlink refused it: ${pathOf(r)}`)
      }, 60_000)
    for (const [words, keyword] of REJECTED)
      it(`refused: wg set ${words.join(" ")}`, () => {
        expect(wgAccepts(words)).toBe(false)
        expect(pathOf(parseSet(words))).toBe(`wg set: ${keyword}`)
      }, 60_000)
  })
})

const expectSameAsWg = (mine: ReadonlyArray<Uint8Array>, fixture: string) => {
  const fx = loadFixture(`wireguard/${fixture}`)
  expect(mine.length).toBe(fx.messages.length)
  mine.forEach((m, i) => {
    const theirs = fx.messages[i]!.bytes
    expect(nlmsgHeader(m).len).toBe(m.length)
    expect(nlmsgHeader(m).type).toBe(nlmsgHeader(theirs).type)
    expect(nlmsgHeader(m).flags).toBe(nlmsgHeader(theirs).flags)
    expect(attributeTree(m, 4)).toEqual(attributeTree(theirs, 4))
  })
}

describe("nlink wg requests equal wg's", () => {
  const familyOf = (name: string) => loadFixture(`wireguard/${name}`).messages[0]!.type
  for (const c of wireguardCases) {
    it(`wg ${c.command[0]} (${c.name}): the file through nlink wg's ${c.command[0]}`, () => {
      const change = confChange(c.config, c.command[0] === "setconf")
      if (isError(change)) expect.fail(pathOf(change))
      const mine = WireGuard.buildSet(familyOf(c.name), "wg0", change)
      if (mine instanceof NetlinkError) expect.fail(pathOf(mine))
      expectSameAsWg(mine, c.name)
    })
  }
  it("wg set wg0 peer KEY allowed-ips 10.9.0.0/16 sends what wg addconf of that [Peer] sent", () => {
    const s = parseSet(["wg0", "peer", keyOf(3), "allowed-ips", "10.9.0.0/16"])
    if (isError(s)) expect.fail(pathOf(s))
    const mine = WireGuard.buildSet(familyOf("wg-addconf"), s.dev, s.options)
    if (mine instanceof NetlinkError) expect.fail(pathOf(mine))
    expectSameAsWg(mine, "wg-addconf")
  })
  it("a bad configuration file is a Validation error naming the file and the line", () => {
    const r = confChange("[Interface]\nListenPort = x\n", true, "/etc/wg/wg0.conf")
    expect(pathOf(r)).toBe("/etc/wg/wg0.conf: line 2 (ListenPort)")
  })
})

describe("nlink wg show text", () => {
  const device: WireGuard.Device = {
    name: "wg0",
    index: 5,
    privateKey: Redacted.make(PRIV),
    publicKey: keyOf(100),
    listenPort: 51820,
    fwmark: 0x42,
    peers: [
      {
        publicKey: keyOf(1),
        presharedKey: Redacted.make(keyOf(7)),
        endpoint: "192.0.2.1:51820",
        persistentKeepalive: 25,
        allowedIps: ["10.0.0.0/24", "fd00::/64"],
        status: { lastHandshake: new Date(1_000_000_000), rxBytes: 2048n, txBytes: 100n }
      },
      { publicKey: keyOf(2), allowedIps: [], status: { rxBytes: 0n, txBytes: 0n } }
    ]
  }
  it("hides the private and preshared keys as wg show does", () => {
    const text = showText(device, 1_000_000_000 + 65_000)
    expect(text).toBe(
      [
        "interface: wg0",
        `  public key: ${keyOf(100)}`,
        "  private key: (hidden)",
        "  listening port: 51820",
        "  fwmark: 0x42",
        "",
        `peer: ${keyOf(1)}`,
        "  preshared key: (hidden)",
        "  endpoint: 192.0.2.1:51820",
        "  allowed ips: 10.0.0.0/24, fd00::/64",
        "  latest handshake: 1 minute, 5 seconds ago",
        "  transfer: 2.00 KiB received, 100 B sent",
        "  persistent keepalive: every 25 seconds",
        "",
        `peer: ${keyOf(2)}`,
        "  allowed ips: (none)"
      ].join("\n")
    )
    expect(text).not.toContain(PRIV)
    expect(text).not.toContain(keyOf(7))
  })
  it("prints keys only for the fields that ask for them, as wg show DEV FIELD", () => {
    expect(fieldText(device, "private-key", false)).toBe(PRIV)
    expect(fieldText(device, "preshared-keys", false)).toBe(`${keyOf(1)}\t${keyOf(7)}\n${keyOf(2)}\t(none)`)
    expect(fieldText(device, "allowed-ips", true)).toBe(
      `wg0\t${keyOf(1)}\t10.0.0.0/24 fd00::/64\nwg0\t${keyOf(2)}\t(none)`
    )
    expect(fieldText(device, "fwmark", false)).toBe("0x42")
    expect(fieldText(device, "transfer", false)).toBe(`${keyOf(1)}\t2048\t100\n${keyOf(2)}\t0\t0`)
    expect(fieldText(device, "dump", false).split("\n")[0]).toBe(`${PRIV}\t${keyOf(100)}\t51820\t0x42`)
    for (const f of [
      "public-key",
      "listen-port",
      "peers",
      "endpoints",
      "latest-handshakes",
      "persistent-keepalive"
    ] as const)
      expect(fieldText(device, f, false)).not.toContain(PRIV)
  })
  it("showconf prints the keys, as wg showconf does", () => {
    const text = WireGuard.printConfig(device as WireGuard.Config, { showKeys: true })
    expect(text).toContain(`PrivateKey = ${PRIV}`)
    expect(text).toContain(`PresharedKey = ${keyOf(7)}`)
  })
})
