/**
 * The version-sensitive subset of the lane (test/kernel/version-sensitive.txt):
 * parsing, the files to hand to vitest, and whether one test belongs to it.
 * Used by lane-run.sh (the file list), test/setup/lane-select.ts (skips the
 * other tests of a listed file) and check-report.ts (tells those skips apart
 * from real ones, and fails on an entry that selects nothing).
 *
 *   node test/kernel/guest/selection.ts files [LIST]   prints the files, one a line
 */
import * as fs from "node:fs"
import * as path from "node:path"

export interface Entry {
  /** The line as written, for messages. */
  readonly line: string
  readonly glob: string
  /** Undefined: every test of the file. */
  readonly name: RegExp | undefined
}

export const defaultList = "test/kernel/version-sensitive.txt"

export const parse = (text: string, source = defaultList): ReadonlyArray<Entry> =>
  text.split("\n").flatMap((raw, i) => {
    const line = raw.trim()
    if (line === "" || line.startsWith("#")) return []
    const at = line.indexOf(" > ")
    const glob = (at < 0 ? line : line.slice(0, at)).trim()
    const pattern = at < 0 ? undefined : line.slice(at + 3).trim()
    let name: RegExp | undefined
    try {
      name = pattern === undefined || pattern === "" ? undefined : new RegExp(pattern)
    } catch (e) {
      throw new Error(`${source}:${i + 1}: bad name pattern "${pattern}": ${(e as Error).message}`)
    }
    return [{ line, glob, name }]
  })

export const read = (file = defaultList): ReadonlyArray<Entry> => parse(fs.readFileSync(file, "utf8"), file)

/** Project-relative path with forward slashes. */
export const relative = (file: string, root = process.cwd()): string =>
  path.relative(root, path.resolve(root, file)).split(path.sep).join("/")

const fileMatches = (e: Entry, rel: string): boolean => rel === e.glob || path.matchesGlob(rel, e.glob)

/** The test files the subset needs, in list order. */
export const files = (entries: ReadonlyArray<Entry>, root = process.cwd()): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const e of entries) {
    const found = fs.globSync(e.glob, { cwd: root }).map((f) => relative(f, root))
    if (found.length === 0) throw new Error(`${defaultList}: "${e.line}": no such file`)
    for (const f of found.sort()) if (!out.includes(f)) out.push(f)
  }
  return out
}

/** The entries that select this test (file relative to the project, full name "a > b > test"). */
export const selecting = (
  entries: ReadonlyArray<Entry>,
  rel: string,
  fullName: string
): ReadonlyArray<Entry> =>
  entries.filter((e) => fileMatches(e, rel) && (e.name === undefined || e.name.test(fullName)))

if (import.meta.main) {
  const [command, list] = process.argv.slice(2)
  if (command !== "files") {
    console.error("usage: selection.ts files [LIST]")
    process.exit(2)
  }
  try {
    for (const f of files(read(list))) console.log(f)
  } catch (e) {
    console.error(`lane: ${(e as Error).message}`)
    process.exit(1)
  }
}
