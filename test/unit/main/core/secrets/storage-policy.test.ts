import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decideSecretStorage } from '../../../../../main/core/secrets/storage-policy.js'

test('a real keyring encrypts', () => {
  assert.deepEqual(
    decideSecretStorage({
      platform: 'linux',
      encryptionAvailable: true,
      linuxBackend: 'gnome_libsecret',
      userAcceptedPlainText: false,
    }),
    { kind: 'encrypted' },
  )
  assert.deepEqual(
    decideSecretStorage({
      platform: 'darwin',
      encryptionAvailable: true,
      linuxBackend: null,
      userAcceptedPlainText: false,
    }),
    { kind: 'encrypted' },
  )
})

test("Linux's basic_text backend is refused, in plain words, unless the user accepted it", () => {
  const refused = decideSecretStorage({
    platform: 'linux',
    encryptionAvailable: true,
    linuxBackend: 'basic_text',
    userAcceptedPlainText: false,
  })
  assert.equal(refused.kind, 'refused')
  assert.match(refused.kind === 'refused' ? refused.message : '', /no keyring .* "Store without protection"/)
  assert.deepEqual(
    decideSecretStorage({
      platform: 'linux',
      encryptionAvailable: true,
      linuxBackend: 'basic_text',
      userAcceptedPlainText: true,
    }),
    { kind: 'plain-accepted' },
  )
})

test('no encryption at all is refused too', () => {
  assert.equal(
    decideSecretStorage({
      platform: 'win32',
      encryptionAvailable: false,
      linuxBackend: null,
      userAcceptedPlainText: false,
    }).kind,
    'refused',
  )
})
