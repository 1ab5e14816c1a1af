/**
 * Entry point of the `pail` binary.
 */
import { text } from 'node:stream/consumers'
import { runCli } from './pail.js'

process.exitCode = await runCli(
  process.argv.slice(2),
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  process.env,
  () => (process.stdin.isTTY ? Promise.resolve('') : text(process.stdin)),
)
