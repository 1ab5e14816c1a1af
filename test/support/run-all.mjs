// `npm test`: lint, typecheck, then every test suite; stops at the first stage that fails.
import { spawnSync } from 'node:child_process'

const stages = [
  ['lint', ['run', '-s', 'lint']],
  ['typecheck', ['run', '-s', 'typecheck']],
  ['tests', ['run', '-s', 'test:unit']],
]
for (const [name, args] of stages) {
  process.stdout.write(`\n== ${name} ==\n`)
  const result = spawnSync('npm', args, { stdio: 'inherit' })
  if (result.status !== 0) {
    process.stdout.write(`\n${name} failed\n`)
    process.exit(result.status ?? 1)
  }
}
