// Type-checks each layer with its own tsconfig: a layer's `lib`/`types` decide what it may use,
// so a forbidden global or module is a compile error in that layer.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const projects = ['shared', 'main', 'main/electron', 'renderer', 'test']
let failed = 0
for (const project of projects) {
  if (!existsSync(`${project}/tsconfig.json`)) continue
  const result = spawnSync('tsc', ['-p', `${project}/tsconfig.json`], { stdio: 'inherit', shell: false })
  if (result.status !== 0) {
    failed++
    console.error(`typecheck: ${project} has type errors`)
  }
}
if (failed > 0) process.exit(1)
console.log(`typecheck: ${projects.length} layers clean`)
