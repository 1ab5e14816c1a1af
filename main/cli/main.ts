/**
 * Entry point of the `pail` binary.
 */
import { runCli } from './pail.js'

process.exitCode = await runCli(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t))
