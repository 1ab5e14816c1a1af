/**
 * The desktop app's secret store, chosen once at start by main/core/shell/secret-storage-choice.ts:
 * the secret file encrypted with safeStorage; on Linux without a keyring, the person is asked
 * (a native dialog, "no" the default) before the sign-in is kept unprotected, and a "yes" is
 * remembered in settings; after a "no" the app does not save a sign-in.
 */
import { dialog } from 'electron'
import { join } from 'node:path'
import type { Logger } from '../core/log/logger.js'
import { FileSecretStore } from '../core/secrets/file-secret-store.js'
import type { SecretStore } from '../core/secrets/secret-store.js'
import { writeRefusingSecretStore } from '../core/secrets/write-refusing-secret-store.js'
import type { SettingsStore } from '../core/settings/settings-store.js'
import {
  rememberedPlainTextAnswer,
  rememberPlainTextAccepted,
  secretStorageStep,
  type ConsentQuestion,
} from '../core/shell/secret-storage-choice.js'
import type { StoreContext } from '../core/store/json-store.js'
import { safeStorageCipher, safeStorageFacts } from './safe-storage-cipher.js'

/** Asks `question` with a native dialog; true when the person chose to keep the sign-in unprotected. */
async function ask(question: ConsentQuestion): Promise<boolean> {
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    title: question.title,
    message: question.message,
    detail: question.detail,
    buttons: [...question.buttons],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  })
  return response === 0
}

/** The secret store of the desktop app in `home`. */
export async function desktopSecretStore(
  home: string,
  settings: SettingsStore,
  context: StoreContext & { logger: Logger },
): Promise<SecretStore> {
  const facts = safeStorageFacts()
  let step = secretStorageStep(facts, await rememberedPlainTextAnswer(settings))
  if (step.kind === 'ask') {
    const accepted = await ask(step.question)
    if (accepted) await rememberPlainTextAccepted(settings)
    step = secretStorageStep(facts, accepted)
  }
  context.logger.info('secrets.storage', { kind: step.kind, backend: facts.linuxBackend })
  const file = new FileSecretStore(
    join(home, 'secrets.json'),
    step.kind === 'encrypted' ? safeStorageCipher : null,
    context,
  )
  return step.kind === 'refused' ? writeRefusingSecretStore(file, step.message) : file
}
