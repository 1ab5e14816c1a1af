#!/usr/bin/env node
// The `pail` command: runs the built CLI, out/main/cli.js, plain JavaScript (no tsx: a packaged
// app has none). `npm ci` builds it (the `prepare` script); after a change, `npm run build`.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  process.stderr.write(`Pail is not built yet (there is no out/main/cli.js): run \`npm run build\` in ${root}.\n`)
  process.exit(1)
}
await import(cli.href)
