/**
 * `npm run bench`'s command line: a mistake in how it is started is refused at once (exit code 2)
 * with what to do, before any emulator or benchmark starts; a case that fails does not stop the
 * others, but the run exits 1 and its JSON says so.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url))

function bench(
  args: string[],
  env: Record<string, string> = {},
  timeout = 30_000,
): { code: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', RUN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
  })
  return { code: out.status, stdout: out.stdout, stderr: out.stderr }
}

test('an unknown option: exit 2 and the usage', () => {
  const out = bench(['--fast'])
  assert.equal(out.code, 2, out.stderr)
  assert.match(out.stderr, /Unknown option '--fast'/)
  assert.match(out.stderr, /Usage: npm run bench -- \[--quick\]/)
})

test('--only with a name that is no benchmark: exit 2, naming the benchmarks there are', () => {
  const out = bench(['--quick', '--only', 'burst,bursts'])
  assert.equal(out.code, 2, out.stderr)
  assert.match(out.stderr, /no benchmark named bursts; the names are burst, large-file/)
})

test('a size that is not a whole number: exit 2, naming the variable', () => {
  const out = bench(['--quick'], { PAIL_BENCH_BURST_FILES: 'many' })
  assert.equal(out.code, 2, out.stderr)
  assert.match(out.stderr, /PAIL_BENCH_BURST_FILES must be a whole number ≥ 0 \(files; 0 skips\), not "many"/)
})

test('--help prints the usage with every size variable', () => {
  const out = bench(['--help'])
  assert.equal(out.code, 0, out.stderr)
  assert.match(out.stdout, /PAIL_BENCH_LARGE_MB \(MiB; 1,024, quick 32\)/)
  assert.match(out.stdout, /PAIL_BENCH_LATENCY_SAVES/)
})

test('a case that fails: the others still run, exit 1, and the JSON has its error and ok false', async (t) => {
  if (!existsSync('/usr/bin/time')) return t.skip('GNU time (/usr/bin/time) is not installed: apt-get install -y time')
  const dir = await mkdtemp(join(tmpdir(), 'pail-bench-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const json = join(dir, 'bench.json')
  // A file no disk holds: the large-file case refuses before writing anything.
  const out = bench(
    ['--quick', '--only', 'large-file,token-expiry', '--json', json],
    { PAIL_BENCH_LARGE_MB: '1000000000' },
    120_000,
  )
  assert.equal(out.code, 1, out.stderr)
  assert.match(out.stdout, /large-file: FAILED — large file: .* of free disk needed/)
  assert.match(out.stdout, /HELD {3}0 failed calls/)
  assert.match(out.stdout, /FAILED: large-file \(see above\): exit code 1\./)
  const report = JSON.parse(await readFile(json, 'utf8')) as {
    ok: boolean
    benchmarks: { name: string; error: string | null; rows: unknown[] }[]
  }
  assert.equal(report.ok, false)
  assert.deepEqual(
    report.benchmarks.map((b) => [b.name, b.error === null, b.rows.length > 0]),
    [
      ['large-file', false, false],
      ['token-expiry', true, true],
    ],
  )
})
