#!/usr/bin/env node
/**
 * The `nlink` executable. It turns on Node's on-disk compile cache before
 * anything else is loaded (from the sources, `npm run nlink`, that halves
 * the compile of ~400 modules; after `npm run build` it saves the compile
 * of the bundle's chunks on every later start), then loads only what the
 * command line needs: `nlink show` with at most `-n`/`-j` runs without the
 * command-line parser (./show.ts), everything else goes to ./main.ts, which
 * loads the one command named (./registry.ts).
 */
import * as module from "node:module"

module.enableCompileCache?.()
const args = process.argv.slice(2)
// the cheap test first: most command lines never load show.ts
const show = args.includes("show") ? await import("./show.ts") : undefined
const options = show?.showArgs(args)
if (show !== undefined && options !== undefined) await show.main(options)
else await import("./main.ts")
