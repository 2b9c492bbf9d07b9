import { describe, expect, it } from "vitest"
import { cases } from "./cases.ts"
import { attributeTree, bytesToHex, fixtureNames, hexToBytes, loadFixture, NLA_F_NESTED } from "./nlmsg.ts"
import { parseDumpLine, parseStraceLine, parseStraceOutput, splitNetlink } from "./strace.ts"

/** Build an nlattr (little-endian header, padded to 4). */
const nla = (type: number, payload: ReadonlyArray<number>): Array<number> => {
  const len = 4 + payload.length
  const pad = (4 - (len % 4)) % 4
  return [len & 0xff, len >> 8, type & 0xff, type >> 8, ...payload, ...new Array(pad).fill(0)]
}

/** Build a netlink message around a body. */
const nlmsg = (type: number, flags: number, body: ReadonlyArray<number>): Uint8Array => {
  const len = 16 + body.length
  return Uint8Array.from([len & 0xff, len >> 8, 0, 0, type, 0, flags, 0, 1, 0, 0, 0, 0, 0, 0, 0, ...body])
}

const esc = (bytes: ReadonlyArray<number>): string =>
  bytes.map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("")

describe("strace line parser", () => {
  it("concatenates several raw iovecs of a sendmsg", () => {
    const a = [0x18, 0, 0, 0, 0x10, 0, 0x05, 0x06]
    const b = [7, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0x08, 0x00, 0x03, 0x00]
    const line =
      `1234  sendmsg(3, {msg_name={sa_family=0x10, nl_pid=0, nl_groups=00000000}, msg_namelen=12, ` +
      `msg_iov=[{iov_base="${esc(a)}", iov_len=8}, {iov_base="${esc(b)}", iov_len=16}], msg_iovlen=2, ` +
      `msg_controllen=0, msg_flags=0}, 0) = 24`
    const send = parseStraceLine(line)!
    expect(send.syscall).toBe("sendmsg")
    expect(send.pid).toBe(1234)
    expect(send.fd).toBe(3)
    expect(send.result).toBe(24)
    expect(send.iovecs.map(bytesToHex)).toEqual([
      bytesToHex(Uint8Array.from(a)),
      bytesToHex(Uint8Array.from(b))
    ])
    expect([...send.bytes]).toEqual([...a, ...b])
  })

  it("re-encodes a decoded nlmsghdr (flag names, comments) followed by the payload", () => {
    const line =
      `77    sendmsg(3, {msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, ` +
      `msg_iov=[{iov_base=[{nlmsg_len=24, nlmsg_type=0x10 /* NLMSG_??? */, ` +
      `nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK|0x600, nlmsg_seq=1795861079, nlmsg_pid=0}, "\\x00\\x00\\x00\\x00"], ` +
      `iov_len=20}, {iov_base="\\x08\\x00\\x03\\x00", iov_len=4}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 24`
    const send = parseStraceLine(line)!
    expect(send.iovecs.map((v) => v.length)).toEqual([20, 4])
    const dv = new DataView(send.bytes.buffer)
    expect(dv.getUint32(0, true)).toBe(24)
    expect(dv.getUint16(4, true)).toBe(0x10)
    expect(dv.getUint16(6, true)).toBe(0x605)
    expect(dv.getUint32(8, true)).toBe(1795861079)
    expect(bytesToHex(send.bytes.subarray(16))).toBe("0000000008000300")
  })

  it("reads a sendto buffer with -X raw header fields", () => {
    const line =
      `3843  sendto(3, [{nlmsg_len=20, nlmsg_type=0x10, nlmsg_flags=0x5, nlmsg_seq=0, nlmsg_pid=0}, ` +
      `"\\x01\\x02\\x03\\x04"], 20, 0, NULL, 0) = 20`
    const send = parseStraceLine(line)!
    expect(send.syscall).toBe("sendto")
    expect(bytesToHex(send.bytes)).toBe("14000000100005000000000000000000" + "01020304")
  })

  it("ignores other lines and rejects truncated buffers and wrong iov_len", () => {
    expect(parseStraceLine("3843  +++ exited with 0 +++")).toBeUndefined()
    expect(parseStraceLine('12 recvmsg(3, {msg_iov=[{iov_base="\\x00", iov_len=1}]}, 0) = 1')).toBeUndefined()
    expect(() => parseStraceLine('1 sendto(3, "\\x00\\x01"..., 100, 0, NULL, 0) = 100')).toThrow(/truncated/)
    expect(() => parseStraceLine('1 sendmsg(3, {msg_iov=[{iov_base="\\x00", iov_len=2}]}, 0) = 2')).toThrow(
      /iov_len/
    )
  })
})

describe("strace output parser", () => {
  const header = "10000000100005000100000000000000"
  const output = [
    `5  sendmsg(3, {msg_name={sa_family=0x10, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base=[{nlmsg_len=20, nlmsg_type=0x10, nlmsg_flags=0x5, nlmsg_seq=1, nlmsg_pid=0}, "\\xaa\\xbb\\xcc\\xdd"], iov_len=20}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 20`,
    " * 20 bytes in buffer 0",
    " | 00000  14 00 00 00 10 00 05 00  01 00 00 00 00 00 00 00  ................ |",
    " | 00010  aa bb cc dd                                       ....             |",
    "5  +++ exited with 2 +++",
    ""
  ].join("\n")

  it("reads hex dump rows", () => {
    expect(
      bytesToHex(parseDumpLine(" | 00010  aa bb cc dd                                       ....  |")!.bytes)
    ).toBe("aabbccdd")
    expect(parseDumpLine("5  +++ exited with 2 +++")).toBeUndefined()
  })

  it("takes bytes from the hex dump and agrees with the line", () => {
    const sends = parseStraceOutput(output)
    expect(sends).toHaveLength(1)
    expect(bytesToHex(sends[0].bytes)).toBe(header.replace(/^10/, "14") + "aabbccdd")
  })

  it("fails when the line and the dump disagree", () => {
    expect(() => parseStraceOutput(output.replace("aa bb cc dd", "aa bb cc de"))).toThrow(/disagree/)
  })

  it("splits a datagram into messages by nlmsg_len", () => {
    const m1 = nlmsg(18, 1, [0, 0, 0, 0, 0, 0])
    const m2 = nlmsg(16, 5, [1, 2, 3, 4])
    const datagram = new Uint8Array(24 + m2.length)
    datagram.set(m1, 0)
    datagram.set(m2, 24)
    const msgs = splitNetlink(datagram)
    expect(msgs.map((m) => [m.type, m.flags, m.seq, m.bytes.length])).toEqual([
      [18, 1, 1, 22],
      [16, 5, 1, 20]
    ])
    expect(() => splitNetlink(Uint8Array.from([40, 0, 0, 0, ...new Array(16).fill(0)]))).toThrow(/nlmsg_len/)
  })
})

describe("attributeTree", () => {
  const ifinfomsg = new Array(16).fill(0)

  it("sorts attributes by type, recursing where NLA_F_NESTED is set", () => {
    const body = [
      ...ifinfomsg,
      ...nla(18 | NLA_F_NESTED, [...nla(2, [9, 9]), ...nla(1, [0x76, 0x65, 0x74, 0x68, 0])]),
      ...nla(3, [0x64, 0x30, 0])
    ]
    const tree = attributeTree(nlmsg(16, 5, body), 16)
    expect(tree.header).toBe("00".repeat(16))
    expect(tree.attrs).toEqual([
      { type: 3, hex: "643000" },
      {
        type: 18,
        flags: NLA_F_NESTED,
        nested: [
          { type: 1, hex: "7665746800" },
          { type: 2, hex: "0909" }
        ]
      }
    ])
  })

  it("gives the same tree for any attribute order", () => {
    const a = [...nla(1, [1, 0, 0, 0]), ...nla(2, [2]), ...nla(1, [0, 0, 0, 0])]
    const b = [...nla(1, [0, 0, 0, 0]), ...nla(2, [2]), ...nla(1, [1, 0, 0, 0])]
    expect(attributeTree(nlmsg(24, 5, [...new Array(12).fill(0), ...a]), 12)).toEqual(
      attributeTree(nlmsg(24, 5, [...new Array(12).fill(0), ...b]), 12)
    )
  })

  it("recurses into caller-declared nests, with an optional fixed header", () => {
    const peer = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...nla(3, [0x70, 0x31, 0])]
    const body = [...ifinfomsg, ...nla(18, [...nla(2, [...nla(1, peer)])])]
    const nested = (path: ReadonlyArray<number>): boolean | number => {
      const key = path.join(".")
      if (key === "18" || key === "18.2") return true
      if (key === "18.2.1") return 16
      return false
    }
    const tree = attributeTree(nlmsg(16, 5, body), 16, nested)
    expect(tree.attrs).toEqual([
      {
        type: 18,
        nested: [
          {
            type: 2,
            nested: [{ type: 1, header: "01" + "00".repeat(15), nested: [{ type: 3, hex: "703100" }] }]
          }
        ]
      }
    ])
    // without the declaration the same bytes stay a leaf
    expect(attributeTree(nlmsg(16, 5, body), 16).attrs[0].hex).toBeDefined()
  })

  it("rejects a bad nla_len or a message shorter than its header", () => {
    expect(() => attributeTree(nlmsg(16, 5, [...ifinfomsg, 40, 0, 1, 0, 0, 0, 0, 0]), 16)).toThrow(/nla_len/)
    expect(() => attributeTree(nlmsg(16, 5, [0, 0]), 16)).toThrow(/too short/)
  })

  it("round-trips hex", () => {
    expect(bytesToHex(hexToBytes("00ff10Ab"))).toBe("00ff10ab")
    expect(() => hexToBytes("abc")).toThrow()
  })
})

/** Family header length by message type. */
const headerLen = (type: number): number => {
  if (type >= 16 && type <= 19) return 16 // ifinfomsg
  if (type === 108 || type === 109) return 16 // ifinfomsg (RTM_NEWLINKPROP, RTM_DELLINKPROP)
  if (type >= 20 && type <= 23) return 8 // ifaddrmsg
  if (type >= 24 && type <= 27) return 12 // rtmsg
  if (type >= 28 && type <= 31) return 12 // ndmsg
  if (type >= 32 && type <= 35) return 12 // fib_rule_hdr
  if (type >= 72 && type <= 74) return 12 // ifaddrlblmsg
  if (type >= 80 && type <= 82) return 4 // netconfmsg
  if (type >= 84 && type <= 86) return 8 // br_port_msg (MDB)
  if (type >= 112 && type <= 114) return 8 // br_vlan_msg
  if (type >= 64 && type <= 67) return 4 // ndtmsg (neighbour tables)
  if (type >= 36 && type <= 43) return 20 // tcmsg (qdiscs, classes)
  if ((type >= 44 && type <= 46) || (type >= 100 && type <= 102)) return 20 // tcmsg (filters, chains)
  if (type >= 48 && type <= 50) return 4 // tcamsg (actions)
  if ((type >= 104 && type <= 106) || (type >= 116 && type <= 118)) return 8 // nhmsg (nexthops, buckets)
  throw new Error(`no header length for ${type}`)
}

describe("golden fixtures", () => {
  it("exist for exactly the cases", () => {
    expect(fixtureNames()).toEqual(cases.map((c) => c.name).sort())
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s holds the requests of its command", (name, c) => {
    const f = loadFixture(name)
    expect(f.name).toBe(c.name)
    expect(f.command).toEqual(c.command)
    expect(f.setup).toEqual(c.setup)
    expect(f.messages.length).toBeGreaterThan(0)
    for (const m of f.messages) {
      expect(c.types).toContain(m.type)
      expect(bytesToHex(m.bytes)).toBe(m.hex)
      const dv = new DataView(m.bytes.buffer)
      expect(dv.getUint32(0, true)).toBe(m.bytes.length)
      expect(dv.getUint16(4, true)).toBe(m.type)
      expect(dv.getUint16(6, true)).toBe(m.flags)
      // every message parses as an attribute tree
      attributeTree(m.bytes, headerLen(m.type))
    }
  })

  it("decodes the veth peer through a declared nest", () => {
    const f = loadFixture("link-add-veth")
    const nested = (p: ReadonlyArray<number>): boolean | number =>
      p.join(".") === "18.2.1" ? 16 : p.join(".") === "18" || p.join(".") === "18.2"
    const tree = attributeTree(f.messages[0].bytes, 16, nested)
    const name = (hex: string | undefined) => Buffer.from(hexToBytes(hex ?? "")).toString("latin1")
    expect(name(tree.attrs.find((a) => a.type === 3)?.hex)).toBe("veth0\0")
    const linkinfo = tree.attrs.find((a) => a.type === 18)!
    // iproute2 sends IFLA_INFO_KIND without a NUL terminator
    expect(name(linkinfo.nested!.find((a) => a.type === 1)?.hex)).toBe("veth")
    const peer = linkinfo.nested!.find((a) => a.type === 2)!.nested!.find((a) => a.type === 1)!
    expect(peer.header).toBe("00".repeat(16))
    expect(name(peer.nested!.find((a) => a.type === 3)?.hex)).toBe("veth1\0")
  })
})
