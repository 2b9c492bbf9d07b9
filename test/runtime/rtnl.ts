/**
 * Hand-built rtnetlink messages for the runtime tests (the generated codecs
 * live elsewhere; these tests must not depend on them).
 */
import { ipToString, readString, Writer } from "../../src/runtime/Wire.ts"

export const RTM_NEWLINK = 16
export const RTM_DELLINK = 17
export const RTM_GETLINK = 18
export const RTM_GETROUTE = 26
export const IFLA_IFNAME = 3
export const IFLA_LINKINFO = 18
export const IFLA_INFO_KIND = 1
export const IFLA_INFO_DATA = 2
export const VETH_INFO_PEER = 1
export const NLM_F_CREATE_EXCL = 0x600

const ifinfomsg = (w: Writer, index = 0): void => {
  w.u8(0) // AF_UNSPEC
  w.u8(0)
  w.u16(0)
  w.s32(index)
  w.u32(0)
  w.u32(0)
}

/** `ip link add NAME type KIND [peer name PEER]` */
export const newLink = (name: string, kind: string, peer?: string): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(RTM_NEWLINK, NLM_F_CREATE_EXCL, 0)
  ifinfomsg(w)
  w.attrString(IFLA_IFNAME, name)
  const li = w.nestStart(IFLA_LINKINFO)
  w.attrString(IFLA_INFO_KIND, kind)
  if (peer !== undefined) {
    const data = w.nestStart(IFLA_INFO_DATA)
    const p = w.nestStart(VETH_INFO_PEER)
    ifinfomsg(w)
    w.attrString(IFLA_IFNAME, peer)
    w.attrEnd(p)
    w.attrEnd(data)
  }
  w.attrEnd(li)
  w.endMessage(m)
  return w.finish()
}

export const delLink = (name: string): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(RTM_DELLINK, 0, 0)
  ifinfomsg(w)
  w.attrString(IFLA_IFNAME, name)
  w.endMessage(m)
  return w.finish()
}

export const getLinkByIndex = (index: number): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(RTM_GETLINK, 0, 0)
  ifinfomsg(w, index)
  w.endMessage(m)
  return w.finish()
}

export const getLinkByName = (name: string): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(RTM_GETLINK, 0, 0)
  ifinfomsg(w)
  w.attrString(IFLA_IFNAME, name)
  w.endMessage(m)
  return w.finish()
}

export const dumpLinks = (): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(RTM_GETLINK, 0x300, 0)
  ifinfomsg(w)
  w.endMessage(m)
  return w.finish()
}

/** RTM_GETROUTE dump for one family (2 = IPv4), main table via strict check. */
export const dumpRoutes = (family = 2): Uint8Array => {
  const w = new Writer()
  const m = w.beginMessage(RTM_GETROUTE, 0x300, 0)
  w.u8(family)
  w.zeros(11)
  w.endMessage(m)
  return w.finish()
}

export interface Link {
  readonly index: number
  readonly name: string
}

/** A minimal ifinfomsg decoder: index and IFLA_IFNAME. */
export const decodeLink = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  type: number
): Link | undefined => {
  if (type !== RTM_NEWLINK) return undefined
  const index = view.getInt32(start + 20, true)
  let name = ""
  let p = start + 32
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4) break
    if ((view.getUint16(p + 2, true) & 0x3fff) === IFLA_IFNAME) name = readString(buf, p + 4, p + len)
    p += (len + 3) & ~3
  }
  return { index, name }
}

/** Counts route messages without building objects. */
export const countRoute = (
  _b: Uint8Array,
  _v: DataView,
  _s: number,
  _e: number,
  type: number
): 1 | undefined => (type === 24 ? 1 : undefined)

/** A small route object (destination text and table) — enough to exercise allocation per route. */
export const decodeRoute = (
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  type: number
): { readonly dst: string; readonly table: number } | undefined => {
  if (type !== 24) return undefined
  let dst = ""
  let p = start + 28
  while (p + 4 <= end) {
    const len = view.getUint16(p, true)
    if (len < 4) break
    if (view.getUint16(p + 2, true) === 1) dst = ipToString(buf, p + 4, len - 4)
    p += (len + 3) & ~3
  }
  return { dst, table: buf[start + 20] }
}
