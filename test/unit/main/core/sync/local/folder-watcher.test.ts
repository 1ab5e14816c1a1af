import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rename, rm, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { FlushRequest } from '../../../../../../main/core/sync/local/dirty-tracker.js'
import { FolderWatcher, type FolderWatcherOptions } from '../../../../../../main/core/sync/local/folder-watcher.js'
import { IgnoreRules } from '../../../../../../main/core/sync/local/ignore-rules.js'
import { scanFolder } from '../../../../../../main/core/sync/local/scanner.js'

/** Polls until `check` holds; generous, so a slow machine only makes the test slower. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The scenario both watch kinds must get through. */
async function scenario(
  t: { after: (fn: () => Promise<void>) => void },
  kind: Partial<FolderWatcherOptions>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'pail-watch-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  await writeFile(join(root, 'existing.txt'), 'one')
  await writeFile(join(root, '.pailignore'), 'hidden/\n')
  await mkdir(join(root, 'hidden'))
  const rules = await IgnoreRules.load(root)
  await scanFolder(root, { rules })

  const flushes: FlushRequest[] = []
  const watcher = await FolderWatcher.start({
    root,
    rules,
    onFlush: (request) => flushes.push(request),
    tracker: { quietMs: 300, maxWaitMs: 5000 },
    ...kind,
  })
  t.after(() => watcher.close())
  let mark = 0
  const seen = (): Set<string> => new Set(flushes.slice(mark).flatMap((f) => ('paths' in f ? [...f.paths] : [])))
  const rescanned = (): boolean => flushes.slice(mark).some((f) => 'rescan' in f)
  const step = async (what: string, action: () => Promise<void>, done: () => boolean): Promise<Set<string>> => {
    mark = flushes.length
    await action()
    await waitFor(what, done)
    return seen()
  }

  await step(
    'a new file',
    () => writeFile(join(root, 'new.txt'), 'new'),
    () => seen().has('new.txt'),
  )
  await step(
    'an edit',
    () => appendFile(join(root, 'existing.txt'), ' two'),
    () => seen().has('existing.txt'),
  )

  const quietOnes = await step(
    'a file written after ignored ones',
    async () => {
      for (const name of ['.DS_Store', 'draft.tmp', '~$report.docx', 'hidden/secret.txt'])
        await writeFile(join(root, name), 'x')
      await new Promise((resolve) => setTimeout(resolve, 400))
      await writeFile(join(root, 'marker.txt'), 'm')
    },
    () => seen().has('marker.txt'),
  )
  for (const name of ['.DS_Store', 'draft.tmp', '~$report.docx', 'hidden/secret.txt', 'hidden'])
    assert.ok(!quietOnes.has(name), name)

  await step(
    'a deletion',
    () => rm(join(root, 'new.txt')),
    () => seen().has('new.txt'),
  )
  const renamed = await step(
    'a rename',
    () => rename(join(root, 'existing.txt'), join(root, 'renamed.txt')),
    () => seen().has('existing.txt') && seen().has('renamed.txt'),
  )
  assert.ok(renamed.has('existing.txt') && renamed.has('renamed.txt'))

  await step(
    'a new folder with files',
    async () => {
      await mkdir(join(root, 'photos', '2026'), { recursive: true })
      await writeFile(join(root, 'photos', '2026', 'a.jpg'), 'jpg')
    },
    () => seen().has('photos/2026/a.jpg'),
  )

  // Un-ignoring a folder: the rules are re-read, a rescan is asked for, and the folder is now watched.
  await step('a rescan after .pailignore changed', () => writeFile(join(root, '.pailignore'), '*.csv\n'), rescanned)
  assert.equal(rules.isIgnored('hidden', true), false)
  assert.equal(rules.isIgnored('data.csv', false), true)
  await step(
    'a file in the folder no longer ignored',
    () => writeFile(join(root, 'hidden', 'visible.txt'), 'v'),
    () => seen().has('hidden/visible.txt'),
  )

  await watcher.close()
  const after = flushes.length
  await writeFile(join(root, 'late.txt'), 'late')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  assert.equal(flushes.length, after, 'nothing is reported after close')
}

test('the watcher reports created, edited, deleted and renamed files, skips ignored ones, and follows .pailignore changes', (t) =>
  scenario(t, {}))

test('so does chokidar, used for polling and write-finish waits (and off Linux)', (t) =>
  scenario(t, { awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 } }))

test('a save is handed over after the quiet period alone, with no write-finish wait on top', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pail-watch-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const rules = await IgnoreRules.load(root)
  const flushes: { at: number; request: FlushRequest }[] = []
  const watcher = await FolderWatcher.start({
    root,
    rules,
    onFlush: (request) => flushes.push({ at: Date.now(), request }),
    tracker: { quietMs: 200, maxWaitMs: 5000 },
  })
  t.after(() => watcher.close())
  const savedAt = Date.now()
  await writeFile(join(root, 'saved.txt'), 'saved')
  await waitFor('the save', () => flushes.length > 0)
  const first = flushes[0]!
  assert.ok('paths' in first.request && first.request.paths.has('saved.txt'))
  // chokidar's awaitWriteFinish (2 s of stable size) used to come on top of the quiet period.
  const ms = first.at - savedAt
  assert.ok(ms >= 200 && ms < 1500, `handed over ${ms} ms after the save (quiet period 200 ms)`)
})
