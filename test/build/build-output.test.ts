/**
 * builtRendererDir() and its siblings find out/ by one rule, wherever the module ends up: in the
 * sources, in an entry file of out/main, in a chunk of out/main/chunks, inside a packaged app. The
 * module is bundled here the way `npm run build` bundles it, to each of those places.
 */
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'vite'
import * as fromSources from '../../main/core/build-output.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SOURCE = join(ROOT, 'main', 'core', 'build-output.ts')

type BuildOutput = typeof fromSources

/** Bundles main/core/build-output.ts as the main build does (ES, Node built-ins external) into `file`. */
async function bundleTo(file: string): Promise<BuildOutput> {
  await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: {
      ssr: SOURCE,
      outDir: dirname(file),
      emptyOutDir: false,
      target: 'node24.11',
      minify: false,
      rolldownOptions: { output: { format: 'es', entryFileNames: basename(file) } },
    },
  })
  return (await import(pathToFileURL(file).href)) as BuildOutput
}

async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-build-output-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('from the sources, out/ is the checkout’s', () => {
  assert.equal(fromSources.packageRoot(), ROOT.replace(/\/$/, ''))
  assert.equal(fromSources.builtRendererDir(), join(ROOT, 'out', 'renderer'))
  assert.equal(fromSources.builtPreloadFile(), join(ROOT, 'out', 'preload', 'index.cjs'))
})

for (const place of ['out/main/cli.js', 'out/main/chunks/build-output-x.js', 'resources/app/out/main/index.js']) {
  test(`bundled into ${place}, it finds the out/ beside Pail’s package.json`, async (t) => {
    const app = await scratch(t)
    const packageDir = place.startsWith('resources') ? join(app, 'resources', 'app') : app
    await mkdir(packageDir, { recursive: true })
    await writeFile(join(packageDir, 'package.json'), JSON.stringify({ name: 'pail', version: '0.0.0' }))
    // Another package's manifest on the way up is not Pail's.
    await mkdir(join(packageDir, 'out'), { recursive: true })
    await writeFile(join(packageDir, 'out', 'package.json'), JSON.stringify({ name: 'not-pail' }))
    const bundled = await bundleTo(join(app, place))
    assert.equal(bundled.builtRendererDir(), join(packageDir, 'out', 'renderer'))
    assert.equal(bundled.builtPreloadFile(), join(packageDir, 'out', 'preload', 'index.cjs'))
  })
}

test('with no Pail package.json above it, it says what is wrong and what to do', async (t) => {
  const app = await scratch(t)
  const bundled = await bundleTo(join(app, 'out', 'main', 'cli.js'))
  assert.throws(
    () => bundled.builtRendererDir(),
    /^Error: Pail could not find its own files \(.*\): install Pail again\.$/,
  )
})
