/**
 * The desktop's electron-store and the CLI's JsonSettingsStore share one settings file: the
 * options point at `<home>/settings.json`, 0600, and what one writes the other reads, keys it
 * does not know kept. electron-store cannot run outside Electron (it loads the Electron binary),
 * so the store it extends, `conf`, is driven here with the same options, as electron-store passes
 * them (its `name` becomes conf's `configName`).
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Conf from 'conf'
import { JsonSettingsStore, type SettingsData } from '../../../../../main/core/settings/settings-store.js'
import { settingsFileOptions } from '../../../../../main/core/shell/settings-file.js'

function electronStoreLike(home: string): Conf<SettingsData> {
  const { name, ...rest } = settingsFileOptions(home)
  return new Conf<SettingsData>({ ...rest, configName: name, projectVersion: '1.0.0' })
}

const pair = {
  id: '0123abcd',
  folder: '/home/alex/Team files',
  workspace: 'pail-demo',
  repository: 'handbook',
  branch: 'main',
  pathInRepo: '',
  paused: null,
  createdAt: 1,
}

test('electron-store writes the settings.json the CLI reads, readable only by the person', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'pail-settings-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  const desktop = electronStoreLike(home)
  assert.equal(desktop.path, join(home, 'settings.json'))
  desktop.store = {
    pairs: [pair],
    commitMessageTemplate: 'Sync {files}',
    app: { notifications: false, pausedAll: null },
  }
  const read = await new JsonSettingsStore(home).read()
  assert.deepEqual(read, {
    pairs: [pair],
    commitMessageTemplate: 'Sync {files}',
    app: { notifications: false, pausedAll: null },
  })
  if (process.platform !== 'win32') assert.equal((await stat(desktop.path)).mode & 0o777, 0o600)
})

test('what the CLI writes, electron-store reads, with the keys of the app kept', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'pail-settings-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  const cli = new JsonSettingsStore(home)
  await cli.update((data) => {
    data.pairs = [pair]
    data.desktop = { plainTextSecrets: 'accepted' }
  })
  const desktop = electronStoreLike(home)
  // conf answers null-prototype objects; compare the data.
  assert.deepEqual(JSON.parse(JSON.stringify(desktop.store)), {
    pairs: [pair],
    desktop: { plainTextSecrets: 'accepted' },
  })
  desktop.store = { ...desktop.store, commitMessageTemplate: 'From the app' }
  assert.deepEqual(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')), {
    pairs: [pair],
    desktop: { plainTextSecrets: 'accepted' },
    commitMessageTemplate: 'From the app',
  })
})

test('a damaged file is not silently emptied by electron-store: it refuses, for JsonSettingsStore to handle', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'pail-settings-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  const { writeFile } = await import('node:fs/promises')
  await writeFile(join(home, 'settings.json'), '{"pairs": [', { mode: 0o600 })
  assert.throws(() => electronStoreLike(home).store)
  assert.equal(await readFile(join(home, 'settings.json'), 'utf8'), '{"pairs": [', 'left as it was')
})
