/**
 * WG_CMD_SET_DEVICE requests, split the way the kernel expects a large
 * change (and as `wg` splits it): device settings and WGDEVICE_F_REPLACE_PEERS
 * in the first message only; a peer that does not fit moves whole to the
 * next message; a peer whose allowed IPs do not fit is continued in the next
 * message with its public key and the remaining allowed IPs only (no
 * WGPEER_F_REPLACE_ALLOWEDIPS there, or it would drop what came before).
 * Every message carries the device's name or index.
 */
import { Writer } from "../../runtime/Wire.ts"

/** One allowed IP, already parsed. */
export interface AllowedIpBytes {
  readonly family: number
  readonly addr: Uint8Array
  readonly cidr: number
  readonly remove: boolean
}

/** One peer change, already validated and turned into bytes. */
export interface PeerBytes {
  readonly publicKey: Uint8Array
  readonly flags: number // WGPEER_F_REMOVE_ME | UPDATE_ONLY (REPLACE_ALLOWEDIPS apart)
  readonly replaceAllowedIps: boolean
  readonly presharedKey?: Uint8Array
  readonly endpoint?: Uint8Array
  readonly keepalive?: number
  readonly allowedIps: ReadonlyArray<AllowedIpBytes>
}

export interface DeviceBytes {
  readonly ifname?: string
  readonly ifindex?: number
  readonly privateKey?: Uint8Array
  readonly listenPort?: number
  readonly fwmark?: number
  readonly replacePeers: boolean
  readonly peers: ReadonlyArray<PeerBytes>
}

const NLM_F_REQUEST = 1
const NLM_F_ACK = 4
const WG_CMD_SET_DEVICE = 1
const WG_GENL_VERSION = 1
const A_IFINDEX = 1
const A_IFNAME = 2
const A_PRIVATE_KEY = 3
const A_FLAGS = 5
const A_LISTEN_PORT = 6
const A_FWMARK = 7
const A_PEERS = 8
const P_PUBLIC_KEY = 1
const P_PRESHARED_KEY = 2
const P_FLAGS = 3
const P_ENDPOINT = 4
const P_KEEPALIVE = 5
const P_ALLOWEDIPS = 9
const WGPEER_F_REPLACE_ALLOWEDIPS = 2
const IP_FAMILY = 1
const IP_ADDR = 2
const IP_CIDR = 3
const IP_FLAGS = 4
const NESTED = 0x8000

const pad = (n: number) => (n + 3) & ~3
const allowedIpSize = (a: AllowedIpBytes) => 4 + 8 + pad(4 + a.addr.length) + 8 + (a.remove ? 8 : 0)

/**
 * The messages of one set, each at most `limit` bytes (wg's limit is the
 * page size capped at 8 KiB: 4096 here).
 */
export const build = (familyId: number, d: DeviceBytes, limit = 4096): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  const w = new Writer(limit + 256)
  let peerIndex = 0
  let started = false // the current peer was begun in an earlier message
  let ipIndex = 0 // its next allowed IP
  let first = true
  for (;;) {
    w.reset()
    const msg = w.beginMessage(familyId, NLM_F_REQUEST | NLM_F_ACK, 0)
    w.u8(WG_CMD_SET_DEVICE)
    w.u8(WG_GENL_VERSION)
    w.u16(0)
    if (d.ifname !== undefined) w.attrString(A_IFNAME, d.ifname)
    else w.attrU32(A_IFINDEX, d.ifindex!)
    if (first) {
      if (d.privateKey !== undefined) w.attrBinary(A_PRIVATE_KEY, d.privateKey)
      if (d.listenPort !== undefined) w.attrU16(A_LISTEN_PORT, d.listenPort)
      if (d.fwmark !== undefined) w.attrU32(A_FWMARK, d.fwmark)
      if (d.replacePeers) w.attrU32(A_FLAGS, 1)
      first = false
    }
    const used = () => w.pos - msg
    if (peerIndex < d.peers.length) {
      const peers = w.attrStart(A_PEERS | NESTED)
      for (; peerIndex < d.peers.length; peerIndex++) {
        const p = d.peers[peerIndex]
        const continued = started
        let flags = p.flags
        if (!continued && p.replaceAllowedIps) flags |= WGPEER_F_REPLACE_ALLOWEDIPS
        const head =
          4 +
          36 +
          (continued
            ? 0
            : (p.presharedKey ? 36 : 0) +
              (p.endpoint ? pad(4 + p.endpoint.length) : 0) +
              (p.keepalive !== undefined ? 8 : 0)) +
          (flags !== 0 ? 8 : 0)
        if (used() + head > limit) break // the whole peer moves to the next message
        const peer = w.attrStart(0 | NESTED)
        w.attrBinary(P_PUBLIC_KEY, p.publicKey)
        if (!continued) {
          if (p.presharedKey) w.attrBinary(P_PRESHARED_KEY, p.presharedKey)
          if (p.endpoint) w.attrBinary(P_ENDPOINT, p.endpoint)
          if (p.keepalive !== undefined) w.attrU16(P_KEEPALIVE, p.keepalive)
        }
        if (flags !== 0) w.attrU32(P_FLAGS, flags)
        started = true
        let full = false
        if (ipIndex < p.allowedIps.length) {
          if (used() + 4 > limit) full = true
          else {
            const ips = w.attrStart(P_ALLOWEDIPS | NESTED)
            for (; ipIndex < p.allowedIps.length; ipIndex++) {
              const a = p.allowedIps[ipIndex]
              if (used() + allowedIpSize(a) > limit) {
                full = true
                break
              }
              const ip = w.attrStart(0 | NESTED)
              w.attrU16(IP_FAMILY, a.family)
              w.attrBinary(IP_ADDR, a.addr)
              w.attrU8(IP_CIDR, a.cidr)
              if (a.remove) w.attrU32(IP_FLAGS, 1)
              w.attrEnd(ip)
            }
            w.attrEnd(ips)
          }
        }
        w.attrEnd(peer)
        if (full) break
        started = false
        ipIndex = 0
      }
      w.attrEnd(peers)
    }
    w.endMessage(msg)
    out.push(w.finish())
    if (peerIndex >= d.peers.length) return out
  }
}
