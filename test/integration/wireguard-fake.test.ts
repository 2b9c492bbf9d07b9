/**
 * WireGuard get against a scripted kernel (the host kernel has no WireGuard):
 * a device spread over several dump messages with a peer continued in the
 * next one is merged, and a malformed reply's error carries no key bytes.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Netlink, type NetlinkShape } from "../../src/api/Netlink.ts"
import * as WireGuard from "../../src/api/WireGuard.ts"
import * as Connection from "../../src/runtime/Connection.ts"
import { Writer } from "../../src/runtime/Wire.ts"
import { encodeCtrlAttrs } from "../../src/generated/genl-ctrl/index.ts"
import { encodeWgdeviceAttrs, type WgdeviceAttrs } from "../../src/generated/wireguard/index.ts"
import { ack, datagram, done, FakeKernel, message } from "../runtime/FakeKernel.ts"

const WG_ID = 30
const PRIV = "+FELE7sOMQngrcVUVdjU8/z7bfkPu4gA5qvN0Lksf0s="
const key = (i: number) => {
  const b = new Uint8Array(32)
  b[0] = i
  b[31] = 0x42
  return b
}
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64")
const ip = (a: string, cidr: number) => ({ family: a.includes(":") ? 10 : 2, ipaddr: a, cidrMask: cidr })

const genl = (cmd: number, body: (w: Writer) => void) => {
  const w = new Writer(256)
  w.u8(cmd)
  w.u8(1)
  w.u16(0)
  body(w)
  return w.finish()
}

const layerWith = (parts: ReadonlyArray<Uint8Array>) => {
  const kernel = new FakeKernel((req) => {
    if (req.type === 16)
      return [
        datagram(
          message(
            16,
            0,
            req.seq,
            genl(1, (w) => encodeCtrlAttrs(w, { familyId: WG_ID, familyName: "wireguard", version: 1 }))
          ),
          ack(req)
        )
      ]
    if (req.type === WG_ID) return [...parts.map((p) => message(WG_ID, 2, req.seq, p)), done(req.seq)]
    return undefined
  })
  const conn = Connection.fromTransport(kernel)
  const shape: NetlinkShape = { route: conn, namespace: undefined, connection: () => Effect.succeed(conn) }
  return Layer.succeed(Netlink, shape)
}

const part = (v: WgdeviceAttrs) => genl(0, (w) => encodeWgdeviceAttrs(w, v))

it.live("merges a peer continued across dump messages", () => {
  const head = {
    ifindex: 5,
    ifname: "wg0",
    privateKey: Buffer.from(PRIV, "base64"),
    listenPort: 51820,
    fwmark: 0
  }
  const layer = layerWith([
    part({
      ...head,
      peers: [
        { publicKey: key(1), allowedips: [ip("10.0.0.0", 24)] },
        {
          publicKey: key(2),
          endpoint: new Uint8Array([2, 0, 0x13, 0x88, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
          allowedips: [ip("10.1.0.0", 24)]
        }
      ]
    }),
    // the kernel repeats the device and continues peer 2 with its key and more allowed IPs
    part({
      ...head,
      peers: [
        { publicKey: key(2), allowedips: [ip("10.2.0.0", 24), ip("fd00::", 64)] },
        { publicKey: key(3) }
      ]
    })
  ])
  return Effect.gen(function* () {
    const d = yield* WireGuard.get("wg0")
    expect(d.name).toBe("wg0")
    expect(d.index).toBe(5)
    expect(Redacted.value(d.privateKey!)).toBe(PRIV)
    expect(d.peers.map((p) => [p.publicKey, p.allowedIps])).toEqual([
      [b64(key(1)), ["10.0.0.0/24"]],
      [b64(key(2)), ["10.1.0.0/24", "10.2.0.0/24", "fd00::/64"]],
      [b64(key(3)), []]
    ])
    expect(d.peers[1].endpoint).toBe("192.0.2.1:5000")
  }).pipe(Effect.provide(layer))
})

it.live("a malformed reply fails with a Decode error that holds no key bytes", () => {
  const good = part({ ifindex: 5, ifname: "wg0", privateKey: Buffer.from(PRIV, "base64") })
  const bad = new Uint8Array(good.length + 8)
  bad.set(good)
  new DataView(bad.buffer).setUint16(good.length, 200, true) // an attribute longer than the message
  return Effect.gen(function* () {
    const e = yield* Effect.flip(WireGuard.get("wg0"))
    expect(e.reason._tag).toBe("Decode")
    const text = JSON.stringify(e.reason) + e.message
    expect(text).not.toContain(Buffer.from(PRIV, "base64").toString("hex").slice(0, 16))
    expect(text).not.toContain(PRIV)
  }).pipe(Effect.provide(layerWith([bad])))
})
