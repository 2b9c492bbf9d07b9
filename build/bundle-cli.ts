/**
 * Bundles the `nlink` command after `tsc` has built dist/.
 *
 * `dist/cli/main.js` (the parser and every command) and `dist/cli/show.js`
 * (the fast start of `nlink show`), which `dist/cli/bin.js` imports once it
 * has turned on Node's compile cache, are replaced by minified modules
 * holding the CLI, the library and Effect, split into chunks
 * (`dist/cli/chunks/`): each command's modules are a chunk of their own,
 * loaded by `import()` when the command line names the command
 * (src/cli/registry.ts), and what several share is a chunk they share.
 * Resolving and compiling ~400 modules one by one was most of the
 * command's start-up; a few chunks compile in a fraction of that, and a
 * command loads only what it reaches. koffi stays outside: it loads a
 * native library next to its package.
 *
 * Run by `npm run build`; `node build/bundle-cli.ts` alone re-bundles.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { build } from "rolldown"

const root = path.resolve(import.meta.dirname, "..")
const dir = path.join(root, "dist/cli")
const entries = { main: "src/cli/main.ts", show: "src/cli/show.ts" }

if (!fs.existsSync(path.join(dir, "bin.js"))) {
  console.error("build/bundle-cli.ts: run tsc first (npm run build)")
  process.exit(1)
}

// chunks of an earlier build would stay beside the new ones
fs.rmSync(path.join(dir, "chunks"), { recursive: true, force: true })
const out = await build({
  input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(root, file)])),
  platform: "node",
  tsconfig: path.join(root, "tsconfig.json"),
  external: ["koffi"],
  logLevel: "warn",
  output: {
    dir,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "chunks/[name]-[hash].js",
    minify: true,
    // One non-ASCII character makes V8 keep a whole chunk's source as
    // two-byte text: 0.9 MB of heap instead of 0.45 MB for the largest.
    charset: "ascii",
    // Effect's Data/Schema classes and our error classes print their names.
    keepNames: true,
    // No map: it would be megabytes in the package; tsc's maps described the old files.
    sourcemap: false
  }
})
for (const name of Object.keys(entries)) fs.rmSync(path.join(dir, `${name}.js.map`), { force: true })
// tsc's declarations for main.js and show.js still describe the modules.
const size = out.output.reduce((n, o) => n + (o.type === "chunk" ? o.code.length : 0), 0)
console.error(
  `bundled ${Object.keys(entries).length} entries into ${out.output.length} files in ${path.relative(root, dir)} (${(size / 1024).toFixed(0)} KiB)`
)
