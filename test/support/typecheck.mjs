// Type-checks each layer with its own tsconfig: a layer's `lib`/`types` decide what it may use,
// so a forbidden global or module is a compile error in that layer. The preload has no tsconfig of
// its own: electron.d.ts references Node's types, so `types: []` could not keep Node out of it;
// main/electron/tsconfig.json checks it and the lint rule (eslint.config.js) keeps its imports to
// electron and shared/.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const projects = ['shared', 'main', 'main/electron', 'renderer', 'test']
let failed = 0
for (const project of projects) {
  // A layer without its tsconfig would be checked by nothing: that is a failure, not a skip.
  if (!existsSync(`${project}/tsconfig.json`)) {
    failed++
    console.error(`typecheck: ${project}/tsconfig.json is missing`)
    continue
  }
  const result = spawnSync('tsc', ['-p', `${project}/tsconfig.json`], { stdio: 'inherit', shell: false })
  if (result.status !== 0) {
    failed++
    console.error(
      result.error
        ? `typecheck: could not run tsc for ${project} (${result.error.message}): run it through npm, which puts node_modules/.bin on the PATH`
        : `typecheck: ${project} has type errors`,
    )
  }
}
if (failed > 0) process.exit(1)
console.log(`typecheck: ${projects.length} layers clean`)
