/**
 * Entry point of the `pail` binary.
 */
import { text } from 'node:stream/consumers'
import { runCli } from './pail.js'
import { promptHidden } from './secret-input.js'

const terminal = process.stdin.isTTY === true
process.exitCode = await runCli(
  process.argv.slice(2),
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  process.env,
  () => (terminal ? Promise.resolve('') : text(process.stdin)),
  terminal ? (question) => promptHidden(question) : null,
)
