import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FolderView, SettingsView } from '../../../shared/ipc/views.js'
import {
  conflictSentence,
  folderDestination,
  folderStateWords,
  holdChoiceLabels,
  overallStatus,
} from '../../../renderer/lib/folder-words.js'

const NOW = Date.parse('2026-03-03T14:00:00Z')
const style = { now: NOW, locale: 'en-GB', timeZone: 'UTC' }

function folder(state: FolderView['state'], paused: FolderView['paused'] = null): FolderView {
  return {
    id: '0a1b2c3d',
    folder: '/home/alice/Reports',
    workspace: 'acme',
    repository: 'reports',
    branch: 'main',
    pathInRepo: '',
    state,
    message: '',
    paused,
    lastSyncAt: null,
    lastCommit: null,
    nextAttemptAt: null,
    progress: null,
    hold: null,
    conflicts: [],
    skipped: [],
    skippedCount: 0,
    link: 'https://bitbucket.example/acme/reports',
  }
}

const settings: SettingsView = { launchAtLogin: null, notifications: true, commitMessageTemplate: '', pausedAll: false }

test('each state has plain words; a paused folder says until when', () => {
  assert.deepEqual(folderStateWords(folder('up-to-date'), style), { label: 'Saved to Bitbucket', tone: 'ok' })
  assert.equal(folderStateWords(folder('held'), style).label, 'Waiting for your answer')
  assert.equal(folderStateWords(folder('signed-out'), style).tone, 'error')
  assert.deepEqual(folderStateWords(folder('paused', { until: null }), style), {
    label: 'Paused until you resume',
    tone: 'paused',
  })
  assert.equal(folderStateWords(folder('paused', { until: NOW + 3_600_000 }), style).label, 'Paused until 15:00')
})

test('the header line puts what needs attention first', () => {
  assert.equal(overallStatus([], settings, style), 'No folders are syncing yet.')
  assert.equal(overallStatus([folder('up-to-date')], settings, style), 'Everything is saved to Bitbucket.')
  assert.equal(overallStatus([folder('up-to-date'), folder('syncing')], settings, style), 'Syncing 1 folder…')
  assert.equal(
    overallStatus([folder('syncing'), folder('held'), folder('error')], settings, style),
    '2 folders need your attention.',
  )
  assert.equal(overallStatus([folder('held')], settings, style), '1 folder needs your attention.')
  assert.equal(
    overallStatus([folder('up-to-date'), folder('paused', { until: null })], settings, style),
    'Everything else is saved to Bitbucket; 1 folder is paused.',
  )
  assert.equal(overallStatus([folder('paused', { until: null })], settings, style), 'All folders are paused.')
})

test('pausing everything is said before anything else', () => {
  assert.equal(
    overallStatus([folder('held')], { ...settings, pausedAll: { until: null } }, style),
    'Everything is paused until you resume.',
  )
})

test('a conflict says where both versions are', () => {
  const sentence = conflictSentence({ path: 'plan.docx', copy: 'plan (Alice’s version).docx' })
  assert.match(sentence, /^plan\.docx changed here and in Bitbucket/)
  assert.match(sentence, /Bitbucket's version is now in plan\.docx/)
  assert.match(sentence, /yours is kept beside it as plan \(Alice’s version\)\.docx/)
})

test('answers to a held change read as actions, one for each choice', () => {
  assert.deepEqual(Object.keys(holdChoiceLabels).sort(), ['delete', 'recreate-branch', 'restore'])
  assert.equal(holdChoiceLabels.delete, 'Delete them from Bitbucket too')
  assert.equal(holdChoiceLabels.restore, 'Put them back from Bitbucket')
})

test('a destination names the repository as workspace/slug, the branch and the path when there is one', () => {
  assert.equal(folderDestination(folder('up-to-date')), 'acme/reports, branch main')
  assert.equal(
    folderDestination({ ...folder('up-to-date'), pathInRepo: 'docs/q3' }),
    'acme/reports, branch main, in docs/q3',
  )
})
