import assert from 'node:assert/strict'
import { test } from 'node:test'
import { commitMessage } from '../../../../../../main/core/sync/pass/commit-message.js'
import {
  conflictCopyName,
  reconcile,
  type LocalChange,
  type RemoteChange,
} from '../../../../../../main/core/sync/pass/reconcile.js'

test('every combination of local and remote change has an action that loses nothing', () => {
  const local = new Map<string, LocalChange>([
    ['a', 'upload'],
    ['b', 'delete'],
    ['c', 'upload'],
    ['d', 'upload'],
    ['e', 'delete'],
    ['f', 'delete'],
  ])
  const remote = new Map<string, RemoteChange>([
    ['c', 'modified'],
    ['d', 'removed'],
    ['e', 'modified'],
    ['f', 'removed'],
    ['g', 'added'],
    ['h', 'removed'],
  ])
  assert.deepEqual(reconcile(local, remote), [
    { kind: 'upload', path: 'a' },
    { kind: 'delete-remote', path: 'b' },
    { kind: 'compare', path: 'c' },
    { kind: 'upload', path: 'd' },
    { kind: 'download', path: 'e' },
    { kind: 'forget', path: 'f' },
    { kind: 'download', path: 'g' },
    { kind: 'delete-local', path: 'h' },
  ])
})

test('a conflict copy is named after the device and time, beside the original', () => {
  const when = new Date(2026, 10, 23, 17, 5)
  assert.equal(
    conflictCopyName('docs/report.final.docx', 'alex-laptop', when),
    'docs/report.final (conflict from alex-laptop 2026-11-23 1705).docx',
  )
  assert.equal(conflictCopyName('Makefile', 'a/b', when), 'Makefile (conflict from a-b 2026-11-23 1705)')
  assert.equal(conflictCopyName('.env', 'pc', when), '.env (conflict from pc 2026-11-23 1705)')
})

test('the commit message says what happened, file by file', () => {
  assert.equal(
    commitMessage({ added: ['new.txt'], changed: ['a.md'], deleted: ['old.txt'] }),
    'Pail: 1 added, 1 changed, 1 deleted\n\n+ new.txt\n~ a.md\n− old.txt',
  )
  const many = commitMessage({ added: Array.from({ length: 1000 }, (_, i) => `f${i}`), changed: [], deleted: [] })
  assert.match(many, /^Pail: 1000 added\n\n\+ f0\n/)
  assert.match(many, /… and 900 more$/)
  assert.equal(
    commitMessage({ added: ['x'], changed: [], deleted: [] }, 'Sync from the office: {summary}'),
    'Sync from the office: Pail: 1 added',
  )
})
