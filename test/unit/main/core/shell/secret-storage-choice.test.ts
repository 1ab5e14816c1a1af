/**
 * The desktop's secret storage: encrypted when a keyring exists; on Linux's basic_text fallback,
 * asked in plain words, a "yes" remembered in settings.json (beside the CLI's keys), a "no" never
 * writing a secret.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { AppError } from '../../../../../main/core/app/app-error.js'
import { JsonSettingsStore } from '../../../../../main/core/settings/settings-store.js'
import { writeRefusingSecretStore } from '../../../../../main/core/secrets/write-refusing-secret-store.js'
import {
  PLAIN_TEXT_QUESTION,
  rememberedPlainTextAnswer,
  rememberPlainTextAccepted,
  secretStorageStep,
} from '../../../../../main/core/shell/secret-storage-choice.js'
import { MemorySecretStore } from '../../../../fakes/memory-secret-store.js'

const noKeyring = { platform: 'linux' as const, encryptionAvailable: true, linuxBackend: 'basic_text' }

test('a keyring encrypts without asking', () => {
  assert.deepEqual(
    secretStorageStep({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'gnome_libsecret' }, null),
    {
      kind: 'encrypted',
    },
  )
  assert.deepEqual(secretStorageStep({ platform: 'win32', encryptionAvailable: true, linuxBackend: null }, null), {
    kind: 'encrypted',
  })
})

test('basic_text: asked first, in plain words; a yes keeps it unprotected; a no refuses', () => {
  const ask = secretStorageStep(noKeyring, null)
  assert.equal(ask.kind, 'ask')
  assert.deepEqual(ask.kind === 'ask' ? ask.question : null, PLAIN_TEXT_QUESTION)
  assert.match(PLAIN_TEXT_QUESTION.detail, /any program you run can read/)
  assert.ok(!/basic_text|safeStorage/.test(JSON.stringify(PLAIN_TEXT_QUESTION)), 'no jargon in the question')
  assert.deepEqual(secretStorageStep(noKeyring, true), { kind: 'plain' })
  const refused = secretStorageStep(noKeyring, false)
  assert.equal(refused.kind, 'refused')
  assert.match(refused.kind === 'refused' ? refused.message : '', /keyring/)
})

test('no encryption at all (an old Linux without even basic_text) is asked the same way', () => {
  assert.equal(
    secretStorageStep({ platform: 'linux', encryptionAvailable: false, linuxBackend: 'unknown' }, null).kind,
    'ask',
  )
})

test('the yes is remembered in settings.json under desktop, beside the keys of the CLI', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'pail-consent-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  const settings = new JsonSettingsStore(home)
  await settings.update((data) => {
    data.commitMessageTemplate = 'Sync {files}'
  })
  assert.equal(await rememberedPlainTextAnswer(settings), null)
  await rememberPlainTextAccepted(settings)
  assert.equal(await rememberedPlainTextAnswer(new JsonSettingsStore(home)), true)
  const saved = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as Record<string, unknown>
  assert.deepEqual(saved, { commitMessageTemplate: 'Sync {files}', desktop: { plainTextSecrets: 'accepted' } })
})

test('a hand-edited answer that is not "accepted" counts as never asked', async () => {
  const fake = { read: async () => ({ desktop: { plainTextSecrets: true } }), update: async () => ({}) }
  assert.equal(await rememberedPlainTextAnswer(fake), null)
})

test('after a no, a new sign-in is not saved, with the reason; reading and signing out still work', async () => {
  const inner = new MemorySecretStore()
  await inner.set('oauth:alex', 'token-from-the-cli')
  const store = writeRefusingSecretStore(inner, 'This computer has no keyring.')
  await assert.rejects(store.set('oauth:sam', 'new-token'), (error: unknown) => {
    assert.ok(error instanceof AppError)
    assert.equal(error.message, 'This computer has no keyring.')
    return true
  })
  assert.equal(await inner.get('oauth:sam'), null, 'nothing written')
  assert.equal(await store.get('oauth:alex'), 'token-from-the-cli')
  await store.delete('oauth:alex')
  assert.deepEqual(await store.keys(), [])
})
