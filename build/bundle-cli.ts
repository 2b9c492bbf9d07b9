/**
 * Bundles the `nlink` command into one file after `tsc` has built dist/.
 *
 * `dist/cli/main.js` (what `dist/cli/bin.js` imports once it has turned on
 * Node's compile cache) is replaced by one minified module holding the CLI,
 * the library and Effect. Resolving and compiling ~400 modules one by one
 * was most of the command's start-up; one file compiles in a fraction of
 * that and keeps only what the CLI reaches. koffi stays outside: it loads a
 * native library next to its package.
 *
 * Run by `npm run build`; `node build/bundle-cli.ts` alone re-bundles.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { build } from "rolldown"

const root = path.resolve(import.meta.dirname, "..")
const out = path.join(root, "dist/cli/main.js")

if (!fs.existsSync(path.join(root, "dist/cli/bin.js"))) {
  console.error("build/bundle-cli.ts: run tsc first (npm run build)")
  process.exit(1)
}

await build({
  input: path.join(root, "src/cli/main.ts"),
  platform: "node",
  tsconfig: path.join(root, "tsconfig.json"),
  external: ["koffi"],
  logLevel: "warn",
  output: {
    file: out,
    format: "esm",
    codeSplitting: false,
    minify: true,
    // Effect's Data/Schema classes and our error classes print their names.
    keepNames: true,
    // No map: it would be 8.7 MB in the package; tsc's map described the old file.
    sourcemap: false
  }
})
fs.rmSync(`${out}.map`, { force: true })
// tsc's declaration for main.js still describes the module: it exports nothing.
console.error(`bundled ${path.relative(root, out)} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB)`)
