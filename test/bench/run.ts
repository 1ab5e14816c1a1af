/**
 * `npm run bench` (DESIGN.md §7, issue #11): Pail's figures next to peers measured in the same run
 * against the same emulator, with ratios, and the issue's targets printed HELD or MISSED with the
 * figure they were judged on.
 *
 *   npm run bench                      every benchmark at full size (see README.md for how long)
 *   npm run bench -- --quick           every benchmark at small sizes (CI: under 2 minutes)
 *   npm run bench -- --json FILE       also writes every figure, ratio and verdict to FILE (BenchJson)
 *   npm run bench -- --only burst,latency   only those benchmarks
 *
 * A wrong result (a commit that did not land, a tree that differs) fails the run with exit code 1,
 * after the other benchmarks have run; a MISSED target does not (it is printed and in the JSON).
 * Each benchmark's size comes from its environment variable when set (0 skips it), else from the
 * mode: see BENCHMARKS.
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { availableParallelism, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { burstBench } from './burst.js'
import { coldWarmBench } from './cold-warm.js'
import { indexCostBench } from './index-cost.js'
import { largeFileBench } from './large-file.js'
import { latencyBench } from './latency.js'
import { formatValue, renderSection, sectionJson, type BenchJson, type Section, type SectionJson } from './report.js'
import { scanBench } from './scan.js'
import { requireCommand, requireGnuTime, startBench, stopBench, type BenchContext } from './support.js'
import { tokenExpiryBench } from './token-expiry.js'
import { watchIdleBench } from './watch-idle.js'
import { DEFAULT_CADENCE } from '../../main/core/sync/service/pair-scheduler.js'

/** Seconds until a started sync service polls at its idle pace: the active period plus its 30 s step, with jitter. */
function settleSeconds(): number {
  return Math.ceil((DEFAULT_CADENCE.activeForMs + 2 * DEFAULT_CADENCE.activeMs * (1 + DEFAULT_CADENCE.jitter)) / 1000)
}

type Mode = 'quick' | 'full'

/** One benchmark of the run: its sizes (full, quick, and the variable that overrides both) and how to run it. */
interface Benchmark {
  /** For --only, progress lines and the JSON. */
  name: string
  /** Environment variable that sets the size in either mode; 0 skips the benchmark. */
  env: string
  /** What the size counts, e.g. `files`, `MiB`. */
  unit: string
  full: number
  quick: number
  run(ctx: BenchContext, size: number, mode: Mode): Promise<Section>
}

/** In the issue's order (case numbers). To add a benchmark, add an entry. */
const BENCHMARKS: Benchmark[] = [
  {
    name: 'burst',
    env: 'PAIL_BENCH_BURST_FILES',
    unit: 'files',
    full: 1000,
    quick: 50,
    run: (ctx, files) => burstBench(ctx, files),
  },
  {
    name: 'large-file',
    env: 'PAIL_BENCH_LARGE_MB',
    unit: 'MiB',
    full: 1024,
    quick: 32,
    run: (ctx, mib) => largeFileBench(ctx, mib * 1024 * 1024),
  },
  {
    name: 'folder-scan',
    env: 'PAIL_BENCH_SCAN_FILES',
    unit: 'files',
    full: 20_000,
    quick: 2_000,
    run: (ctx, files) => scanBench(ctx, files),
  },
  {
    name: 'cold-warm',
    env: 'PAIL_BENCH_COLD_FILES',
    unit: 'files',
    full: 100_000,
    quick: 5_000,
    run: (ctx, files) => coldWarmBench(ctx, files),
  },
  {
    name: 'watch-idle',
    env: 'PAIL_BENCH_WATCH_FILES',
    unit: 'files',
    full: 100_000,
    quick: 5_000,
    // Full: idle after the cadence's active 3 minutes and its 30 s step (DEFAULT_CADENCE), as a computer left alone is.
    run: (ctx, files, mode) =>
      watchIdleBench(ctx, files, mode === 'quick' ? 5 : 60, mode === 'quick' ? 0 : settleSeconds()),
  },
  {
    name: 'latency',
    env: 'PAIL_BENCH_LATENCY_SAVES',
    unit: 'saves',
    full: 20,
    quick: 3,
    run: (ctx, saves) => latencyBench(ctx, saves),
  },
  {
    name: 'index-cost',
    env: 'PAIL_BENCH_INDEX_FILES',
    unit: 'files',
    full: 100_000,
    quick: 10_000,
    run: (ctx, files) => indexCostBench(ctx, files),
  },
  {
    name: 'token-expiry',
    env: 'PAIL_BENCH_EXPIRIES',
    unit: 'expiries',
    full: 5,
    quick: 2,
    run: (ctx, expiries) => tokenExpiryBench(ctx, expiries),
  },
]

/** A mistake in how the benchmark was started: printed as is, exit code 2. */
class UsageError extends Error {}

const USAGE = `Usage: npm run bench -- [--quick] [--json FILE] [--only NAME,…]
  --quick        small sizes (under 2 minutes); only correct results count
  --json FILE    also write every figure, peer figure, ratio and target verdict to FILE
  --only NAMES   run only these benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}
Sizes (0 skips): ${BENCHMARKS.map((b) => `${b.env} (${b.unit}; ${b.full.toLocaleString('en-US')}, quick ${b.quick.toLocaleString('en-US')})`).join(', ')}`

interface Options {
  mode: Mode
  json: string | null
  only: Set<string> | null
}

function parseOptions(argv: string[]): Options | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`)
  }
  if (values.help) return 'help'
  if (values.json === '') throw new UsageError(`--json needs a file name.\n${USAGE}`)
  let only: Set<string> | null = null
  if (values.only !== undefined) {
    only = new Set(values.only.split(',').map((name) => name.trim()))
    const unknown = [...only].filter((name) => !BENCHMARKS.some((b) => b.name === name))
    if (unknown.length || only.size === 0)
      throw new UsageError(
        `--only: no benchmark named ${unknown.join(', ') || '""'}; the names are ${BENCHMARKS.map((b) => b.name).join(', ')}.`,
      )
  }
  return { mode: values.quick ? 'quick' : 'full', json: values.json ?? null, only }
}

function sizeOf(bench: Benchmark, mode: Mode): number {
  const raw = process.env[bench.env]
  if (raw === undefined || raw === '') return bench[mode]
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`${bench.env} must be a whole number ≥ 0 (${bench.unit}; 0 skips), not "${raw}"`)
  return value
}

const printed: string[] = []
function print(line: string): void {
  printed.push(line)
  process.stdout.write(`${line}\n`)
}

function progress(line: string): void {
  process.stderr.write(`… ${line}\n`)
}

/** `10 min 12 s`, `48 s`. */
function minutes(ms: number): string {
  const s = Math.round(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`
}

/** Fails if any secret the emulator issued (tokens, consumer secrets) appears in `text`. */
function assertNoSecretIn(ctx: BenchContext, text: string, where: string): void {
  const leaked = ctx.server.issuedSecrets.filter((secret) => secret.length >= 8 && text.includes(secret)).length
  if (leaked) throw new Error(`${leaked} issued secret(s) appeared in ${where}`)
}

async function main(options: Options): Promise<number> {
  const planned = BENCHMARKS.filter((b) => !options.only || options.only.has(b.name)).map((bench) => ({
    bench,
    size: sizeOf(bench, options.mode),
  }))
  await requireGnuTime()
  await requireCommand('curl', 'apt-get install -y curl')
  const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()
  const startedAt = new Date()
  const started = performance.now()
  const environment = {
    node: process.version,
    git: gitVersion,
    cpus: availableParallelism(),
    memoryBytes: totalmem(),
    platform: `${process.platform}-${process.arch}`,
  }
  print(
    `Pail benchmarks (${options.mode}) — Node ${environment.node}, ${gitVersion}, ${environment.cpus} CPUs, ${formatValue(environment.memoryBytes, 'bytes')} RAM; emulator on loopback`,
  )
  print('Ratios are Pail / peer: below 1× Pail uses less (time, memory, requests); for MiB/s, above 1× Pail is faster.')
  if (options.mode === 'quick')
    print('Quick run: small sizes, so the targets are shown but mean little; only correct results count.')
  print('')

  const ctx = await startBench()
  // Stopped (Ctrl+C, a CI timeout): leave no gigabyte of repositories behind in the temp folder.
  const interrupted = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\nbench stopped (${signal}): removing ${ctx.root}\n`)
    rmSync(ctx.root, { recursive: true, force: true })
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  const results: SectionJson[] = []
  const sections: Section[] = []
  let ok = true
  try {
    for (const { bench, size } of planned) {
      if (size === 0) {
        progress(`${bench.name}: skipped (${bench.env}=0)`)
        continue
      }
      const t0 = performance.now()
      progress(`${bench.name}: running (${size.toLocaleString('en-US')} ${bench.unit})`)
      const run = { name: bench.name, size, sizeUnit: bench.unit }
      try {
        const section = await bench.run(ctx, size, options.mode)
        const durationMs = performance.now() - t0
        progress(`${bench.name}: done in ${formatValue(durationMs, 'ms')}`)
        sections.push(section)
        results.push(sectionJson(section, { ...run, durationMs }))
        for (const line of renderSection(section)) print(line)
      } catch (error) {
        // A wrong result: say so, go on with the others, fail the run at the end.
        ok = false
        const message = (error as Error).message
        results.push({
          ...run,
          durationMs: performance.now() - t0,
          title: null,
          peers: [],
          rows: [],
          targets: [],
          notes: [],
          error: message,
        })
        print(`${bench.name}: FAILED — ${message}`)
        print('')
      }
    }
    const targets = sections.flatMap((s) => s.targets)
    const missed = targets.filter((t) => !t.held)
    const durationMs = performance.now() - started
    print(`Summary (${minutes(durationMs)}): ${sections.map((s) => s.summary).join('; ') || 'nothing measured'}.`)
    print(
      `Targets: ${targets.length - missed.length} held, ${missed.length} missed${missed.length ? ` (${missed.map((t) => t.label).join('; ')})` : ''}${options.mode === 'quick' ? ' — not judged in a quick run' : ''}.`,
    )
    if (!ok)
      print(
        `FAILED: ${results
          .filter((r) => r.error)
          .map((r) => r.name)
          .join(', ')} (see above): exit code 1.`,
      )
    assertNoSecretIn(ctx, printed.join('\n'), 'the benchmark output')
    if (options.json) {
      const json: BenchJson = {
        format: 'pail-bench',
        version: 1,
        mode: options.mode,
        startedAt: startedAt.toISOString(),
        durationMs,
        environment,
        ok,
        benchmarks: results,
        targets: { held: targets.length - missed.length, missed: missed.length },
      }
      const text = `${JSON.stringify(json, null, 2)}\n`
      assertNoSecretIn(ctx, text, 'the JSON report')
      await writeFile(options.json, text)
      progress(`figures written to ${options.json}`)
    }
  } finally {
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
    await stopBench(ctx)
  }
  return ok ? 0 : 1
}

try {
  const options = parseOptions(process.argv.slice(2))
  if (options === 'help') process.stdout.write(`${USAGE}\n`)
  else process.exitCode = await main(options)
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 2
  } else {
    process.stderr.write(`\nbench FAILED: ${(error as Error).message}\n`)
    process.exitCode = 1
  }
}
