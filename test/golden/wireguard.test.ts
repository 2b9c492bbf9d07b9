/**
 * WireGuard requests against what the `wg` tool sends for the same configuration
 * (fixtures from capture-wireguard.ts, taken on a kernel with WireGuard): the same
 * number of WG_CMD_SET_DEVICE messages, split at the same places, with equal
 * attribute trees — including a configuration too large for one message.
 */
import { describe, expect, it } from "@effect/vitest"
import * as WireGuard from "../../src/api/WireGuard.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { attributeTree, loadFixture, nlmsgHeader } from "./nlmsg.ts"
import { wireguardCases } from "./wireguard-cases.ts"

const GENLMSGHDR = 4

describe("wireguard requests match wg", () => {
  for (const c of wireguardCases) {
    it(c.name, () => {
      const fx = loadFixture(`wireguard/${c.name}`)
      expect(fx.exitCode).toBe(0)
      const config = WireGuard.parseConfig(c.config)
      expect(config).not.toBeInstanceOf(NetlinkError)
      const id = fx.messages[0].type
      const ours = WireGuard.buildSet(
        id,
        "wg0",
        WireGuard.fromConfig(config as WireGuard.Config, { replace: c.command[0] === "setconf" })
      )
      expect(ours).not.toBeInstanceOf(NetlinkError)
      const mine = ours as Array<Uint8Array>
      expect(mine.length).toBe(fx.messages.length)
      mine.forEach((m, i) => {
        const theirs = fx.messages[i].bytes
        const a = nlmsgHeader(m)
        const b = nlmsgHeader(theirs)
        expect(a.len).toBe(m.length)
        expect(a.len).toBe(b.len)
        expect(a.type).toBe(b.type)
        expect(a.flags).toBe(b.flags)
        expect(attributeTree(m, GENLMSGHDR)).toEqual(attributeTree(theirs, GENLMSGHDR))
      })
    })
  }
})
