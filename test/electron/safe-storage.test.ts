/**
 * What only Electron can show: safeStorage, in Pail's own main process, round-trips a token longer
 * than 2,500 characters. Skipped, with the reason, where the Electron binary is not installed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decideSecretStorage } from '../../main/core/secrets/storage-policy.js'
import { launchPail } from './support/launch.js'

test('Electron safeStorage encrypts and decrypts a token longer than 2,500 characters', async (t) => {
  const pail = await launchPail(t)
  if (!pail) return
  const result = await pail.app.evaluate(({ safeStorage }) => {
    const token = 'x'.repeat(3000)
    const available = safeStorage.isEncryptionAvailable()
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null
    const roundTrip = available && safeStorage.decryptString(safeStorage.encryptString(token)) === token
    return { available, backend, roundTrip }
  })
  // Both branches assert: where safeStorage cannot encrypt (Linux without a keyring), what Pail
  // decides from those facts is checked instead of passing with nothing checked.
  const decision = decideSecretStorage({
    platform: process.platform,
    encryptionAvailable: result.available,
    linuxBackend: result.backend,
    userAcceptedPlainText: false,
  })
  if (decision.kind === 'encrypted') assert.equal(result.roundTrip, true, 'a token survives encryption and back')
  else {
    assert.equal(decision.kind, 'refused', 'without real encryption Pail refuses to store the sign-in unasked')
    t.diagnostic(
      `safeStorage has no real encryption here (backend ${result.backend}): Pail refuses it unless the user accepts`,
    )
  }
})
