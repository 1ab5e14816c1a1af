import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { HistoryView } from '../../../shared/ipc/views.js'
import {
  changeSummary,
  entrySource,
  entryTarget,
  filesByOperation,
  groupByDay,
  outcomeChoices,
  outcomeWords,
} from '../../../renderer/lib/history-words.js'

const NOW = Date.parse('2026-03-03T14:00:00Z')
const style = { now: NOW, locale: 'en-GB', timeZone: 'UTC' }

function entry(id: string, time: number, files: HistoryView['files'] = []): HistoryView {
  return {
    id,
    time,
    folder: { id: '0a1b2c3d', path: '/home/alice/Reports' },
    workspace: 'acme',
    repository: 'reports',
    branch: 'main',
    files,
    outcome: 'committed',
    who: 'Alice',
    commit: null,
    error: null,
    note: null,
  }
}

test('entries are grouped by calendar day, newest day and newest entry first', () => {
  const days = groupByDay(
    [
      entry('old', Date.parse('2026-01-15T10:00:00Z')),
      entry('morning', Date.parse('2026-03-03T08:00:00Z')),
      entry('yesterday', Date.parse('2026-03-02T23:59:00Z')),
      entry('noon', Date.parse('2026-03-03T12:00:00Z')),
    ],
    style,
  )
  assert.deepEqual(
    days.map((d) => [d.heading, d.entries.map((e) => e.id)]),
    [
      ['Today', ['noon', 'morning']],
      ['Yesterday', ['yesterday']],
      ['15 January', ['old']],
    ],
  )
})

test('grouping leaves the list it was given as it was', () => {
  const list = [entry('a', NOW - 1000), entry('b', NOW)]
  groupByDay(list, style)
  assert.deepEqual(
    list.map((e) => e.id),
    ['a', 'b'],
  )
})

const files: HistoryView['files'] = [
  { path: 'gone.txt', operation: 'delete', bytes: 0 },
  { path: 'new.txt', operation: 'add', bytes: 5 },
  { path: 'edited.txt', operation: 'change', bytes: 7 },
  { path: 'also-new.txt', operation: 'add', bytes: 1 },
]

test('files are listed as added, changed, removed, in that order, leaving out empty groups', () => {
  assert.deepEqual(filesByOperation(files), [
    { operation: 'add', word: 'Added', paths: ['new.txt', 'also-new.txt'] },
    { operation: 'change', word: 'Changed', paths: ['edited.txt'] },
    { operation: 'delete', word: 'Removed', paths: ['gone.txt'] },
  ])
  assert.deepEqual(
    filesByOperation(files.filter((f) => f.operation === 'delete')).map((g) => g.word),
    ['Removed'],
  )
})

test('the summary counts each kind of change in plain words', () => {
  assert.equal(changeSummary(files), '2 added, 1 changed, 1 removed')
  assert.equal(changeSummary([]), 'No files')
})

test('an entry says where it came from and where it went', () => {
  assert.equal(entrySource(entry('a', NOW)), 'from /home/alice/Reports')
  assert.equal(entrySource({ folder: null }), 'uploaded by hand')
  assert.equal(entryTarget(entry('a', NOW)), 'acme/reports (branch main)')
})

test('every outcome has words and a filter choice, without git words', () => {
  assert.equal(outcomeChoices.length, Object.keys(outcomeWords).length)
  for (const words of [...Object.values(outcomeWords), ...outcomeChoices.map((c) => c.label)])
    assert.doesNotMatch(words, /commit|push|merge/i)
})
