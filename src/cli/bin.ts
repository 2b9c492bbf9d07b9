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
import { showArgs } from "./args.ts"

module.enableCompileCache?.()
const options = showArgs(process.argv.slice(2))
if (options !== undefined) await (await import("./show.ts")).main(options)
else await import("./main.ts")
