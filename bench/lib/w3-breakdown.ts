/**
 * W3 without the engine: the same add/delete requests through the raw koffi
 * bindings (send, then recv of the ack, blocking socket), then through the
 * engine's `request`, in one process. Separates the syscall+kernel time as
 * seen from Node from the engine's own cost per request.
 *
 *   ip netns exec NS node bench/lib/w3-breakdown.ts DEV N
 */
import { performance } from "node:perf_hooks"
import { Effect } from "effect"
import { buildMessage } from "../../src/api/internal/Common.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { encodeAddrMessage } from "../../src/generated/rt-addr/index.ts"
import * as Sys from "../../src/runtime/Syscalls.ts"

const [dev, nText] = process.argv.slice(2)
const n = Number(nText ?? 1000)
const ifindex = Number((await import("node:fs")).readFileSync(`/sys/class/net/${dev}/ifindex`, "utf8").trim())
const ip = (i: number) => `10.201.${(i + 1) >> 8}.${(i + 1) & 255}`
const msg = (type: number, flags: number, i: number, seq: number) => {
  const m = buildMessage(type, flags | 0x4, (w) =>
    encodeAddrMessage(w, {
      family: 2,
      prefixlen: 32,
      flags8: 0,
      scope: 0,
      index: ifindex,
      local: ip(i),
      address: ip(i)
    })
  )
  new DataView(m.buffer, m.byteOffset).setUint32(8, seq, true)
  return m
}

const raw = (watch: boolean) => {
  const lib = Sys.libc()
  const fd = lib.socket(Sys.AF_NETLINK, Sys.SOCK_RAW | Sys.SOCK_CLOEXEC, 0)
  Sys.setsockoptInt(fd, Sys.SOL_NETLINK, Sys.NETLINK_EXT_ACK, 1)
  Sys.setsockoptInt(fd, Sys.SOL_NETLINK, Sys.NETLINK_GET_STRICT_CHK, 1)
  const addr = new Uint8Array(12)
  addr[0] = 16
  lib.bind(fd, addr, 12)
  // As the engine's socket is: watched by libuv's poll (epoll) all along.
  const handle = watch ? Sys.poll(fd, () => {}) : undefined
  const buf = new Uint8Array(65536)
  const msgs: Array<Uint8Array> = []
  for (let i = 0; i < n; i++) msgs.push(msg(20, 0x600, i, i + 1))
  for (let i = 0; i < n; i++) msgs.push(msg(21, 0, i, n + i + 1))
  let sendMs = 0
  const t0 = performance.now()
  for (const m of msgs) {
    const s0 = performance.now()
    lib.send(fd, m, m.length, 0)
    sendMs += performance.now() - s0
    lib.recv(fd, buf, buf.length, 0)
  }
  const ms = performance.now() - t0
  handle?.close()
  lib.close(fd)
  return { ms, sendMs }
}

for (const watch of [false, true])
  for (let r = 0; r < 3; r++) {
    const a = raw(watch)
    console.log(
      `raw koffi send+recv${watch ? ", fd in libuv poll" : ""}: ${a.ms.toFixed(1)} ms for ${2 * n} ops (send alone ${a.sendMs.toFixed(1)} ms)`
    )
  }
const viaEngine = Effect.gen(function* () {
  const { route } = yield* Netlink
  for (let r = 0; r < 3; r++) {
    const reqs: Array<Uint8Array> = []
    for (let i = 0; i < n; i++) reqs.push(msg(20, 0x600, i, 0))
    for (let i = 0; i < n; i++) reqs.push(msg(21, 0, i, 0))
    const t0 = performance.now()
    for (const m of reqs) yield* route.request(m)
    console.log(`engine request:      ${(performance.now() - t0).toFixed(1)} ms for ${2 * n} ops`)
  }
})
await Effect.runPromise(viaEngine.pipe(Effect.provide(Netlink.layer)) as Effect.Effect<void>)
