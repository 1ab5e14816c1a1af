/**
 * `npm run bench` (DESIGN.md §7): Pail's figures next to a peer measured in the same run against
 * the same emulator, with ratios. It measures and does not judge speed, but a wrong result (a
 * commit that did not land, a tree that differs) fails the run with exit code 1.
 *
 * Sizes, from the environment (0 skips a benchmark):
 *   PAIL_BENCH_LARGE_MB    size of the large file, MiB (default 1024)
 *   PAIL_BENCH_BURST_FILES files in the burst (default 1000)
 *   PAIL_BENCH_SCAN_FILES  files in the scanned folder (default 20000)
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism, totalmem } from 'node:os'
import { burstBench } from './burst.js'
import { largeFileBench } from './large-file.js'
import { formatValue, renderSection, type Section } from './report.js'
import { scanBench } from './scan.js'
import { requireGnuTime, startBench, stopBench, type BenchContext } from './support.js'

function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, not "${raw}"`)
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

/** Fails if any secret the emulator issued (tokens, consumer secrets) appears in what was printed. */
function assertNoSecretPrinted(ctx: BenchContext): void {
  const text = printed.join('\n')
  const leaked = ctx.server.issuedSecrets.filter((secret) => secret.length >= 8 && text.includes(secret)).length
  if (leaked) throw new Error(`${leaked} issued secret(s) appeared in the benchmark output`)
}

async function main(): Promise<number> {
  const largeMiB = sizeFromEnv('PAIL_BENCH_LARGE_MB', 1024)
  const burstFiles = sizeFromEnv('PAIL_BENCH_BURST_FILES', 1000)
  const scanFiles = sizeFromEnv('PAIL_BENCH_SCAN_FILES', 20_000)
  await requireGnuTime()
  const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()
  const started = performance.now()
  print(
    `Pail benchmarks — Node ${process.version}, ${gitVersion}, ${availableParallelism()} CPUs, ${formatValue(totalmem(), 'bytes')} RAM; emulator on loopback`,
  )
  print('Ratios are Pail / peer: below 1× Pail uses less (time, memory, requests).')
  print('')

  const ctx = await startBench()
  const sections: Section[] = []
  try {
    const benches: [string, number, () => Promise<Section>][] = [
      ['large file', largeMiB, () => largeFileBench(ctx, largeMiB * 1024 * 1024)],
      ['burst', burstFiles, () => burstBench(ctx, burstFiles)],
      ['folder scan', scanFiles, () => scanBench(ctx, scanFiles)],
    ]
    for (const [name, size, bench] of benches) {
      if (size === 0) {
        progress(`${name}: skipped (size 0)`)
        continue
      }
      const t0 = performance.now()
      progress(`${name}: running`)
      const section = await bench()
      progress(`${name}: done in ${formatValue(performance.now() - t0, 'ms')}`)
      sections.push(section)
      for (const line of renderSection(section)) print(line)
    }
    print(
      `Summary (${formatValue(performance.now() - started, 'ms')}): ${sections.map((s) => s.summary).join('; ') || 'nothing measured'}.`,
    )
    assertNoSecretPrinted(ctx)
  } finally {
    await stopBench(ctx)
  }
  return 0
}

try {
  process.exitCode = await main()
} catch (error) {
  process.stderr.write(`\nbench FAILED: ${(error as Error).message}\n`)
  process.exitCode = 1
}
