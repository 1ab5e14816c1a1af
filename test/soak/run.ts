/**
 * `npm run soak` (tsx test/soak/run.ts): many seeded schedules against one emulator, a summary at
 * the end, exit code 1 on any failure. Options:
 *   --seed N         the run seed (default: a random one, printed)
 *   --count N        how many schedules (default 500)
 *   --only I[,J…]    just these schedules of the run (what a failure's replay line uses)
 *   --concurrency N  schedules at once (default 2)
 *   --keep           keep the folders of failed schedules
 */
import { randomInt } from 'node:crypto'
import { parseArgs } from 'node:util'
import { runBatch } from './batch.js'
import { SCHEDULE_SIZES } from './generator.js'
import { formatFailure, formatSummary, summarise } from './report.js'
import { startSoakEmulator } from './soak-emulator.js'

function fail(message: string): never {
  process.stderr.write(
    `${message}\nUsage: npm run soak -- [--seed N] [--count N] [--only I,J] [--concurrency N] [--keep]\n`,
  )
  process.exit(2)
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number, not "${value}".`)
  return n
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    count: { type: 'string' },
    only: { type: 'string' },
    concurrency: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
})
const runSeed = count(values.seed, '--seed', randomInt(1, 2 ** 31))
const indices = values.only
  ? values.only.split(',').map((i) => count(i.trim(), '--only', 0))
  : Array.from({ length: count(values.count, '--count', 500) }, (_, i) => i)
const concurrency = Math.max(1, count(values.concurrency, '--concurrency', 2))

process.stdout.write(`soak run ${runSeed}: ${indices.length} schedule(s), ${concurrency} at a time\n`)
const started = Date.now()
const emu = await startSoakEmulator()
let done = 0
try {
  const results = await runBatch(emu, {
    runSeed,
    indices,
    sizes: SCHEDULE_SIZES,
    concurrency,
    keep: values.keep,
    onResult: (result) => {
      done++
      if (result.failures.length) process.stdout.write(`\n${formatFailure(result, runSeed)}\n\n`)
      else if (done % 25 === 0 || indices.length <= 25)
        process.stdout.write(`  ${done}/${indices.length} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`)
    },
  })
  const summary = summarise(runSeed, results, Date.now() - started)
  process.stdout.write(`\n${formatSummary(summary)}\n`)
  process.exitCode = summary.failed > 0 ? 1 : 0
} finally {
  await emu.stop()
}
