// The npm `netlink` package (0.3.0) as a peer: the same workloads as
// bench/peers/c/nlref.c through its RtNetlinkSocket API. Dumps are collected
// by the library (no streaming API): stream mode collects too.
import { performance } from "node:perf_hooks"
import { readFileSync } from "node:fs"
import { createRtNetlink } from "netlink"

const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`)
const addr = (i) => {
  const v = 0x0ac80000 + i + 1
  return Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255])
}
const peakRssKb = () => {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))
  return m ? Number(m[1]) : 0
}

const [w, a, b] = process.argv.slice(2)
if (w === "setup") {
  let t0 = performance.now()
  createRtNetlink().socket.close()
  const first = (performance.now() - t0) * 1e3
  t0 = performance.now()
  for (let i = 0; i < 1000; i++) createRtNetlink().socket.close()
  out({ firstUs: first, meanUs: ((performance.now() - t0) * 1e3) / 1000 })
} else if (w === "w1") {
  const s = createRtNetlink()
  const t0 = performance.now()
  const routes = await s.getRoutes({ family: 2 })
  const ms = performance.now() - t0
  out({ count: routes.length, ms, peakRssKb: peakRssKb() })
  s.socket.close()
} else if (w === "w2") {
  const s = createRtNetlink()
  const t0 = performance.now()
  const links = await s.getLinks()
  const ms = performance.now() - t0
  out({ count: links.length, ms })
  s.socket.close()
} else if (w === "w3") {
  const n = Number(b)
  const s = createRtNetlink()
  const link = (await s.getLinks()).find((l) => l.attrs.ifname === a)
  const index = link.data.index
  const t0 = performance.now()
  for (let i = 0; i < n; i++)
    await s.newAddress(
      { family: 2, prefixlen: 32, index },
      { local: addr(i), address: addr(i) },
      { flags: 0x600 }
    )
  for (let i = 0; i < n; i++)
    await s.delAddress({ family: 2, prefixlen: 32, index }, { local: addr(i), address: addr(i) })
  out({ ops: 2 * n, ms: performance.now() - t0 })
  s.socket.close()
} else if (w === "w4") {
  const expected = Number(a)
  const s = createRtNetlink({ ref: true })
  s.addMembership("IPV4_IFADDR")
  let received = 0
  let t0 = 0
  let t1 = 0
  let c0 = { user: 0, system: 0 }
  let c1 = c0
  let last = performance.now()
  s.on("message", (msg) => {
    if (received === 0) {
      t0 = performance.now()
      c0 = process.cpuUsage()
    }
    // Parts carry no message type; only additions happen during the run.
    for (const part of msg) if (part.kind === "address") received++
    t1 = last = performance.now()
    c1 = process.cpuUsage()
  })
  process.stdout.write("READY\n")
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const limit = received === 0 ? 20_000 : 3_000
      if (received >= expected || performance.now() - last > limit) {
        clearInterval(tick)
        resolve()
      }
    }, 20)
  })
  out({ received, overruns: 0, cpuUs: c1.user + c1.system - c0.user - c0.system, ms: t1 - t0 })
  s.socket.close()
} else {
  process.exit(2)
}
