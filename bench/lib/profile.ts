/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self and inclusive time per
 * function, heaviest first, with file:line. Used to explain missed targets.
 *
 *   node bench/lib/profile.ts FILE.cpuprofile [--top N] [--match TEXT] [--from FN]
 *
 * --from FN restricts the inclusive/self sums to samples whose stack contains
 * a function named FN (e.g. the workload's own function), so start-up and
 * module loading drop out.
 */
import * as fs from "node:fs"

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: Array<number>
}
interface Profile {
  nodes: Array<Node>
  samples: Array<number>
  timeDeltas: Array<number>
}

const args = process.argv.slice(2)
const file = args[0]
const opt = (n: string) => {
  const i = args.indexOf(n)
  return i >= 0 ? args[i + 1] : undefined
}
const top = Number(opt("--top") ?? 25)
const match = opt("--match")
const from = opt("--from")

const p: Profile = JSON.parse(fs.readFileSync(file, "utf8"))
const byId = new Map<number, Node>()
const parent = new Map<number, number>()
for (const n of p.nodes) byId.set(n.id, n)
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const key = (n: Node): string => {
  const u = n.callFrame.url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, "$1/")
  return `${n.callFrame.functionName || "(anonymous)"} ${u}:${n.callFrame.lineNumber + 1}`
}

const self = new Map<string, number>()
const incl = new Map<string, number>()
let total = 0
for (let i = 0; i < p.samples.length; i++) {
  const dt = (p.timeDeltas[i] ?? 0) / 1000
  let id: number | undefined = p.samples[i]
  const stack: Array<Node> = []
  while (id !== undefined) {
    const n = byId.get(id)!
    stack.push(n)
    id = parent.get(id)
  }
  if (from !== undefined && !stack.some((n) => n.callFrame.functionName === from)) continue
  total += dt
  self.set(key(stack[0]), (self.get(key(stack[0])) ?? 0) + dt)
  const seen = new Set<string>()
  for (const n of stack) {
    const k = key(n)
    if (seen.has(k)) continue
    seen.add(k)
    incl.set(k, (incl.get(k) ?? 0) + dt)
  }
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (ms, of ${total.toFixed(1)} ms sampled${from ? ` under ${from}` : ""})`)
  const rows = [...m].filter(([k]) => match === undefined || k.includes(match)).sort((a, b) => b[1] - a[1])
  for (const [k, v] of rows.slice(0, top))
    console.log(`  ${v.toFixed(1).padStart(8)}  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
}
show("self time", self)
show("inclusive time", incl)
