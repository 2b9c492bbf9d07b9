#!/usr/bin/env node
/**
 * The `nlink` executable. It turns on Node's on-disk compile cache before
 * the CLI and Effect are loaded. From the sources (`npm run nlink`) that
 * halves the compile of ~400 modules; after `npm run build`, `./main.js`
 * is one bundled module (build/bundle-cli.ts) and the cache saves its
 * compile on every later start, in time and in peak memory.
 */
import * as module from "node:module"

module.enableCompileCache?.()
await import("./main.ts")
