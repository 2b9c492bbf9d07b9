/**
 * nlink's side of every workload, one workload per process (the harness runs
 * it inside the workload's namespace, so the default Netlink layer is used).
 * Prints one JSON line; `api` says whether the public module (src/api) or the
 * runtime fallback (Connection + generated codec, what the module does) ran.
 *
 *   node bench/nlink/run.ts setup | w1 [stream] | w2 | w3 DEV N | w4 EXPECTED
 */
import { performance, monitorEventLoopDelay } from "node:perf_hooks"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Connection from "../../src/runtime/Connection.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { buildMessage } from "../../src/api/internal/Common.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { encodeAddrMessage } from "../../src/generated/rt-addr/index.ts"

const RTM_NEWLINK = 16
const RTM_GETLINK = 18
const RTM_NEWADDR = 20
const RTM_DELADDR = 21
const RTM_NEWROUTE = 24
const RTM_GETROUTE = 26
const NLM_F_DUMP = 0x300
const NLM_F_EXCL = 0x200
const NLM_F_CREATE = 0x400
const NLMSG_HDRLEN = 16

const tryImport = async (path: string): Promise<any> => {
  try {
    return await import(path)
  } catch (e) {
    if (process.env.NLINK_BENCH_DEBUG) console.error(e)
    return undefined
  }
}

const print = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

const run = <A>(effect: Effect.Effect<A, any, Netlink>): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.provide(Netlink.layer)) as Effect.Effect<A>)

// The fallbacks are exactly what the API modules do: one dump request and the
// generated decoder over every message.
const routeDumpRequest = (): Uint8Array =>
  buildMessage(RTM_GETROUTE, NLM_F_DUMP, (w) => {
    w.u8(2) // AF_INET
    w.zeros(11) // rest of rtmsg: table 0 = every table
  })
const decodeRoute: Connection.Decoder<unknown> = (buf, view, start, end, type) =>
  type === RTM_NEWROUTE ? decodeRouteMessage(buf, view, start + NLMSG_HDRLEN, end) : undefined
const decodeLink: Connection.Decoder<unknown> = (buf, view, start, end, type) =>
  type === RTM_NEWLINK ? decodeLinkMessage(buf, view, start + NLMSG_HDRLEN, end) : undefined

const toArray = (x: any): Effect.Effect<ReadonlyArray<unknown>, any, Netlink> =>
  Stream.isStream(x) ? Stream.runCollect(x as Stream.Stream<unknown, any, Netlink>) : x

const setup = async (): Promise<void> => {
  const once = Effect.scoped(Connection.make({ protocol: 0 }))
  let t0 = performance.now()
  await Effect.runPromise(once)
  const first = performance.now() - t0
  t0 = performance.now()
  // A plain loop, as the other peers time theirs (Effect.repeat's schedule would add its own cost).
  await Effect.runPromise(
    Effect.gen(function* () {
      for (let i = 0; i < 1000; i++) yield* once
    })
  )
  print({ firstUs: first * 1e3, meanUs: ((performance.now() - t0) * 1e3) / 1000 })
}

const w1 = async (stream: boolean): Promise<void> => {
  const Route = await tryImport("../../src/api/Route.ts")
  const api = Route !== undefined && typeof Route.list === "function"
  const streamApi = Route !== undefined && typeof Route.stream === "function"
  const h = monitorEventLoopDelay({ resolution: 1 })
  let count = 0
  let peakRss = 0
  let ms = 0
  let warmMs: number | undefined
  await run(
    Effect.gen(function* () {
      const { route } = yield* Netlink
      h.enable()
      // The histogram never records its first interval: let one pass before the timed call.
      yield* Effect.sleep(20)
      const t0 = performance.now()
      if (stream) {
        const s: Stream.Stream<unknown, any, Netlink> = streamApi
          ? Route.stream({ table: "all", family: "inet" })
          : route.dump(routeDumpRequest(), decodeRoute)
        yield* Stream.runForEachArray(s, (chunk) =>
          Effect.sync(() => {
            count += chunk.length
            if ((count & 0x3fff) < chunk.length) peakRss = Math.max(peakRss, process.memoryUsage.rss())
          })
        )
      } else {
        const routes = yield* api
          ? toArray(Route.list({ table: "all", family: "inet" }))
          : route.dumpAll(routeDumpRequest(), decodeRoute)
        count = routes.length
      }
      ms = performance.now() - t0
      // The delay timer fires only once the loop turns: let it record the stall.
      yield* Effect.sleep(5)
      h.disable()
      peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024)
      if (!stream) {
        // Warm: the same call again in this process (what a long-running agent sees).
        const t1 = performance.now()
        yield* api
          ? toArray(Route.list({ table: "all", family: "inet" }))
          : route.dumpAll(routeDumpRequest(), decodeRoute)
        warmMs = performance.now() - t1
      }
    })
  )
  print({
    count,
    ms,
    warmMs,
    stallMs: h.max / 1e6,
    // up to the end of the cold call, as the other programs measure it
    peakRssKb: Math.round(peakRss / 1024),
    api: stream ? (streamApi ? "Route.stream" : "Connection.dump") : api ? "Route.list" : "Connection.dumpAll"
  })
}

const w2 = async (): Promise<void> => {
  const Link = await tryImport("../../src/api/Link.ts")
  const api = Link !== undefined && typeof Link.list === "function"
  let count = 0
  let ms = 0
  let warmMs = 0
  let peakRssKb = 0
  await run(
    Effect.gen(function* () {
      const { route } = yield* Netlink
      const t0 = performance.now()
      const links = yield* api
        ? toArray(Link.list())
        : route.dumpAll(
            buildMessage(RTM_GETLINK, NLM_F_DUMP, (w) => w.zeros(16)),
            decodeLink
          )
      count = links.length
      ms = performance.now() - t0
      peakRssKb = process.resourceUsage().maxRSS
      const t1 = performance.now()
      yield* api
        ? toArray(Link.list())
        : route.dumpAll(
            buildMessage(RTM_GETLINK, NLM_F_DUMP, (w) => w.zeros(16)),
            decodeLink
          )
      warmMs = performance.now() - t1
    })
  )
  print({ count, ms, warmMs, peakRssKb, api: api ? "Link.list" : "Connection.dumpAll" })
}

const addrRequest = (type: number, flags: number, index: number, address: string): Uint8Array =>
  buildMessage(type, flags, (w) =>
    encodeAddrMessage(w, { family: 2, prefixlen: 32, flags8: 0, scope: 0, index, local: address, address })
  )

const w3 = async (dev: string, n: number): Promise<void> => {
  const Address = await tryImport("../../src/api/Address.ts")
  // NLINK_BENCH_RAW=1 measures the runtime path (what Address.add sends) for comparison.
  const api =
    process.env.NLINK_BENCH_RAW !== "1" &&
    Address !== undefined &&
    typeof Address.add === "function" &&
    typeof Address.remove === "function"
  const ip = (i: number) => `10.200.${(i + 1) >> 8}.${(i + 1) & 255}`
  let ms = 0
  let warmMs = 0
  await run(
    Effect.gen(function* () {
      const { route } = yield* Netlink
      // Resolved once, as every peer does; the operations then get the index.
      const index = yield* route.requestReply(
        buildMessage(RTM_GETLINK, 0, (w) => {
          w.zeros(16)
          w.attrString(3, dev)
        }),
        (_b, view, start) => view.getInt32(start + NLMSG_HDRLEN + 4, true)
      )
      // Twice: the first round is timed (cold), the second is the warm number.
      for (let round = 0; round < 2; round++) {
        const t0 = performance.now()
        if (api) {
          const add = Address.add as (o: object) => Effect.Effect<unknown, unknown, Netlink>
          const remove = Address.remove as (o: object) => Effect.Effect<unknown, unknown, Netlink>
          for (let i = 0; i < n; i++) yield* add({ dev: index, address: `${ip(i)}/32` })
          for (let i = 0; i < n; i++) yield* remove({ dev: index, address: `${ip(i)}/32` })
        } else {
          for (let i = 0; i < n; i++)
            yield* route.request(addrRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, index, ip(i)))
          for (let i = 0; i < n; i++) yield* route.request(addrRequest(RTM_DELADDR, 0, index, ip(i)))
        }
        if (round === 0) ms = performance.now() - t0
        else warmMs = performance.now() - t0
      }
    })
  )
  print({ ops: 2 * n, ms, warmMs, api: api ? "Address.add/remove" : "Connection.request" })
}

const w4 = async (expected: number): Promise<void> => {
  const Events = await tryImport("../../src/api/Events.ts")
  const api = Events !== undefined
  let received = 0
  let c0 = { user: 0, system: 0 }
  let c1 = c0
  let t0 = 0
  let t1 = 0
  let last = performance.now()
  const onChunk = (n: number) => {
    if (received === 0) {
      t0 = performance.now()
      c0 = process.cpuUsage()
    }
    received += n
    t1 = last = performance.now()
    c1 = process.cpuUsage()
  }
  const idle = Effect.gen(function* () {
    while (received < expected) {
      yield* Effect.sleep(50)
      const limit = received === 0 ? 20_000 : 3_000
      if (performance.now() - last > limit) return
    }
  })
  let overrun = 0
  const viaEvents = Effect.scoped(
    Effect.gen(function* () {
      const sub = yield* Events.subscribe({ kinds: ["address"], families: ["inet"] }) as Effect.Effect<
        { events: Stream.Stream<{ _tag: string }, unknown> },
        unknown,
        Scope.Scope
      >
      process.stdout.write("READY\n")
      last = performance.now()
      const consume = Stream.runForEachArray(sub.events, (chunk) =>
        Effect.sync(() => {
          let n = 0
          for (const e of chunk) {
            if (e._tag === "New") n++
            else if (e._tag === "Overrun") overrun++
          }
          onChunk(n)
        })
      ).pipe(Effect.catch(() => Effect.sync(() => overrun++)))
      yield* Effect.raceFirst(consume, idle)
    })
  )
  // Connection.messages is gone (Events is the one multicast reader).
  if (!api) throw new Error("W4 needs src/api/Events.ts")
  await Effect.runPromise(Effect.provide(viaEvents, Netlink.layer) as Effect.Effect<void>)
  const cpuUs = c1.user + c1.system - (c0.user + c0.system)
  print({
    received,
    overruns: overrun,
    cpuUs,
    userUs: c1.user - c0.user,
    ms: t1 - t0,
    api: "Events.subscribe"
  })
}

const [workload, a, b] = process.argv.slice(2)
switch (workload) {
  case "setup":
    await setup()
    break
  case "w1":
    await w1(a === "stream")
    break
  case "w2":
    await w2()
    break
  case "w3":
    await w3(a, Number(b))
    break
  case "w4":
    await w4(Number(a))
    break
  default:
    console.error(`unknown workload ${workload}`)
    process.exit(2)
}
