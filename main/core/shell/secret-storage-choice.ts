/**
 * How the desktop app keeps the sign-in, decided before the core starts: encrypted by the system
 * keychain when there is one; on Linux without a keyring (safeStorage's `basic_text` fallback,
 * which is no encryption) only after the person agreed, in words they understand, to keep it
 * unprotected in a file only they can read — and that answer is remembered in Pail's settings.
 * The policy itself is storage-policy.ts; this adds the question and the remembered answer.
 */
import { decideSecretStorage, type StorageFacts } from '../secrets/storage-policy.js'
import type { SettingsStore } from '../settings/settings-store.js'

/** The question the shell asks (a native dialog), in plain words. */
export interface ConsentQuestion {
  title: string
  message: string
  detail: string
  /** The buttons: the first keeps the sign-in unprotected, the second does not (and is the default). */
  buttons: [accept: string, decline: string]
}

export const PLAIN_TEXT_QUESTION: ConsentQuestion = {
  title: 'Pail cannot protect your sign-in',
  message: 'This computer has no keyring to lock away your Bitbucket sign-in.',
  detail:
    'Without a keyring (such as GNOME Keyring or KWallet), Pail can only keep your sign-in in a file that other people using this computer cannot open, but that any program you run can read. If this computer is only yours, that may be fine. Otherwise, install or unlock a keyring and start Pail again.',
  buttons: ['Store without protection', 'Don’t store my sign-in'],
}

/** What the shell does next. */
export type SecretStorageStep =
  | { kind: 'encrypted' }
  /** Unprotected, because the person agreed (now or earlier). */
  | { kind: 'plain' }
  /** Ask `question`, remember the answer, and decide again. */
  | { kind: 'ask'; question: ConsentQuestion }
  /** The person said no: the app does not store a sign-in; `message` says so when one is needed. */
  | { kind: 'refused'; message: string }

/**
 * The step for the facts safeStorage gives and the person's answer so far: `true` agreed (now or
 * remembered), `false` said no just now, `null` never asked.
 */
export function secretStorageStep(
  facts: Omit<StorageFacts, 'userAcceptedPlainText'>,
  answer: boolean | null,
): SecretStorageStep {
  const decision = decideSecretStorage({ ...facts, userAcceptedPlainText: answer === true })
  if (decision.kind === 'encrypted') return { kind: 'encrypted' }
  if (decision.kind === 'plain-accepted') return { kind: 'plain' }
  if (answer === null) return { kind: 'ask', question: PLAIN_TEXT_QUESTION }
  return { kind: 'refused', message: decision.message }
}

/**
 * Where the answer is kept in settings.json: under `desktop`, a key of the desktop app's own
 * (settings.json is shared with the CLI and `pail serve`, which keep other keys as they are).
 * Only "yes" is remembered: a "no" is asked again at the next start, so the person is never
 * left with a Pail that can never sign in and no way to say otherwise.
 */
export async function rememberedPlainTextAnswer(settings: SettingsStore): Promise<true | null> {
  const data = await settings.read()
  const desktop = data.desktop
  const accepted =
    typeof desktop === 'object' && desktop !== null && (desktop as { plainTextSecrets?: unknown }).plainTextSecrets
  return accepted === 'accepted' ? true : null
}

/** Remembers that the person agreed to keep the sign-in unprotected. */
export async function rememberPlainTextAccepted(settings: SettingsStore): Promise<void> {
  await settings.update((data) => {
    const desktop = typeof data.desktop === 'object' && data.desktop !== null ? data.desktop : {}
    data.desktop = { ...desktop, plainTextSecrets: 'accepted' }
  })
}
