// `npm test`: lint, typecheck, build, then every test suite; stops at the first stage that fails.
// The build comes right before the tests, so every test that runs `pail` (bin/pail.js, which runs
// out/main/cli.js) or serves the window runs what the sources say now.
// The test stage's output is also scanned for every secret any emulator issued during the run
// (they are listed in a ledger file): a secret in test output fails the run.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function stage(name, args) {
  process.stdout.write(`\n== ${name} ==\n`)
  const result = spawnSync('npm', args, { stdio: 'inherit' })
  if (result.status !== 0) {
    process.stdout.write(`\n${name} failed\n`)
    process.exit(result.status ?? 1)
  }
}

stage('lint', ['run', '-s', 'lint'])
stage('typecheck', ['run', '-s', 'typecheck'])
stage('build', ['run', '-s', 'build'])

process.stdout.write('\n== tests ==\n')
const ledgerDir = mkdtempSync(join(tmpdir(), 'pail-ledger-'))
const ledger = join(ledgerDir, 'issued-secrets')
const child = spawn('npm', ['run', '-s', 'test:unit'], {
  env: { ...process.env, PAIL_SECRET_LEDGER: ledger },
  stdio: ['ignore', 'pipe', 'pipe'],
})
const chunks = []
child.stdout.on('data', (c) => (chunks.push(c), process.stdout.write(c)))
child.stderr.on('data', (c) => (chunks.push(c), process.stderr.write(c)))
const code = await new Promise((resolve) => child.on('close', resolve))

let secrets = []
try {
  secrets = readFileSync(ledger, 'utf8').split('\n').filter(Boolean)
} catch {
  // no emulator issued anything
}
const output = Buffer.concat(chunks).toString('utf8')
const leaked = secrets.filter((secret) => output.includes(secret)).length
rmSync(ledgerDir, { recursive: true, force: true })
process.stdout.write(
  `\nsecret scan: ${secrets.length} issued secrets checked against the test output, ${leaked} found\n`,
)
if (leaked > 0) {
  process.stdout.write('A test printed a token or secret: find it by running the suites one by one.\n')
  process.exit(1)
}
// The run ends with the counts reporter's totals as it printed them: Pail's and the emulator's
// apart, then the one line "N passed, N failed, N skipped".
const split = output.match(/^Pail: .* · emulator: .*$/gm)
const counts = output.match(/^\d+ passed, \d+ failed, \d+ skipped$/gm)
if (code !== 0) process.stdout.write('\ntests failed\n')
if (counts) process.stdout.write(`\n${split ? `${split.at(-1)}\n` : ''}${counts.at(-1)}\n`)
else process.stdout.write('\nThe test runner stopped before it printed its totals: see the output above.\n')
process.exit(code ?? 1)
