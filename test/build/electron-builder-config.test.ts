/**
 * electron-builder.yml, checked without packaging (`npm run dist` needs to download Electron): it
 * parses as electron-builder parses it, validates against electron-builder 26's own schema, names
 * every installer issue #10 asks for, packs everything `npm run build` writes and nothing from the
 * sources, ships the tray icons where main/core/tray-icon-dir.ts looks, and flips the fuses.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, matchesGlob, relative, sep } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { builtPreloadFile, builtRendererDir, packageRoot } from '../../main/core/build-output.js'
import { TRAY_ICON_STATES, trayIconFile } from '../../main/core/tray/tray-icon.js'
import { TRAY_ICON_RESOURCE_DIR, TRAY_ICON_SOURCE_DIR } from '../../main/core/tray-icon-dir.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)

/** The YAML parser electron-builder reads its config with (app-builder-lib/out/util/config/load.js). */
const yaml = require('js-yaml') as { load(text: string): unknown }

/** The parts of electron-builder's Configuration this test reads; the schema checks the rest. */
interface BuilderConfig {
  asar?: unknown
  icon?: string
  files?: unknown[]
  extraResources?: { from?: string; to?: string; filter?: string[] }[]
  electronFuses?: Record<string, unknown>
  mac?: { target?: unknown; icon?: string }
  win?: { target?: unknown; icon?: string }
  linux?: { target?: unknown; icon?: string }
}

/** electron-builder.yml as electron-builder loads it. Re-read for every test: nothing is cached. */
function loadConfig(): BuilderConfig {
  const parsed = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'))
  assert.ok(parsed !== null && typeof parsed === 'object', 'electron-builder.yml holds a mapping')
  return parsed as BuilderConfig
}

/** Target names of a platform's `target` (a name, a `{ target }`, or a list of either). */
function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : target === undefined ? [] : [target]
  return list.map((entry) => (typeof entry === 'object' && entry !== null && 'target' in entry ? entry.target : entry))
}

/** Whether `file` (relative to the package root, forward slashes) is packed by `patterns`, read as electron-builder reads `files`. */
function isPacked(file: string, patterns: readonly string[]): boolean {
  let packed = false
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchesGlob(file, pattern.slice(1))) packed = false
    } else if (matchesGlob(file, pattern)) packed = true
  }
  return packed
}

/** Every file under `dir`, relative to the package root with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'))
}

function stringPatterns(config: BuilderConfig): string[] {
  const files = config.files ?? []
  assert.ok(
    files.every((entry) => typeof entry === 'string'),
    '`files` is a list of patterns (this test reads no { from, to } sets)',
  )
  return files as string[]
}

test('electron-builder.yml validates against electron-builder 26’s schema', () => {
  const schema: unknown = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'))
  // The options electron-builder's own validator uses (app-builder-lib/out/util/config/schemaValidator.js),
  // except coerceTypes: a string where a boolean belongs is reported here, not silently converted.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema as object)
  const valid = validate(loadConfig())
  assert.ok(valid, `electron-builder.yml does not match the schema:\n${JSON.stringify(validate.errors, null, 2)}`)
})

test('electron-builder.yml builds AppImage and deb on Linux, NSIS on Windows, dmg on macOS', () => {
  const config = loadConfig()
  assert.deepEqual(targetNames(config.linux?.target).sort(), ['AppImage', 'deb'])
  assert.deepEqual(targetNames(config.win?.target), ['nsis'])
  assert.deepEqual(targetNames(config.mac?.target), ['dmg'])
})

test('`files` packs every file npm run build writes, the entry points among them', () => {
  const patterns = stringPatterns(loadConfig())
  const built = filesUnder(join(ROOT, 'out'))
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }
  const entryPoints = [
    manifest.main,
    relative(packageRoot(), builtPreloadFile()),
    relative(packageRoot(), join(builtRendererDir(), 'index.html')),
  ].map((file) => file.split(sep).join('/'))
  for (const entry of entryPoints) {
    assert.ok(built.includes(entry), `${entry} is missing from out/: run npm run build first`)
  }
  const left = [...built, 'package.json'].filter((file) => !isPacked(file, patterns))
  assert.deepEqual(left, [], 'every built file and package.json go into the app')
})

test('`files` packs nothing from the sources', () => {
  const patterns = stringPatterns(loadConfig())
  const sources = ['main', 'renderer', 'shared', 'test', 'bin'].flatMap((dir) => filesUnder(join(ROOT, dir)))
  const extras = ['electron.vite.config.ts', 'tsconfig.base.json', 'electron-builder.yml', 'README.md']
  const packed = [...sources, ...extras].filter((file) => isPacked(file, patterns))
  assert.deepEqual(packed, [], 'no source file is packed')
})

test('the tray icons are copied from build/tray to resources/tray, where the app looks for them, every one', () => {
  const tray = loadConfig().extraResources?.find((entry) => entry.from === TRAY_ICON_SOURCE_DIR)
  assert.ok(tray, `extraResources copies ${TRAY_ICON_SOURCE_DIR}`)
  assert.equal(tray.to, TRAY_ICON_RESOURCE_DIR)
  const filter = tray.filter ?? ['**/*']
  const sourceDir = join(ROOT, TRAY_ICON_SOURCE_DIR)
  const icons = TRAY_ICON_STATES.flatMap((state) =>
    (['darwin', 'win32', 'linux'] as const).map((platform) =>
      relative(sourceDir, trayIconFile(sourceDir, state, platform)),
    ),
  )
  // Electron finds the HiDPI `@2x` beside a PNG by its name: it has to be copied too.
  const withHiDpi = icons.flatMap((icon) =>
    icon.endsWith('.png') ? [icon, icon.replace(/\.png$/, '@2x.png')] : [icon],
  )
  for (const icon of withHiDpi) {
    assert.ok(existsSync(join(sourceDir, icon)), `${TRAY_ICON_SOURCE_DIR}/${icon} exists (npm run icons draws it)`)
    assert.ok(
      filter.some((pattern) => matchesGlob(icon, pattern)),
      `${icon} passes the extraResources filter`,
    )
  }
})

test('each platform names an app icon that is in the repository', () => {
  const config = loadConfig()
  for (const platform of ['mac', 'win', 'linux'] as const) {
    const icon = config[platform]?.icon
    assert.ok(icon, `${platform}.icon is set (else electron-builder searches build/ and build/icons/)`)
    assert.ok(existsSync(join(ROOT, icon)), `${platform}.icon ${icon} exists (npm run icons draws it)`)
  }
})

test('the fuses: no running as Node, no NODE_OPTIONS, no inspector, cookies encrypted, app.asar only and checked', () => {
  const config = loadConfig()
  assert.equal(config.asar, true, 'the ASAR fuses need an app.asar')
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  })
})
