/**
 * What a Bitbucket admin sets up once so that staff can sign in to Pail: an OAuth consumer with
 * Pail's exact callback URL and two permissions (bitbucket-api.md §1.8: one callback per consumer,
 * matched by prefix; §2.1: the scopes Pail asks for). Shown on the first screen, and copied as
 * plain text by its button so it can be pasted into an email.
 */
import { describeScope, requestedOAuthScopes } from '../../shared/auth/scope-catalogue.js'
import type { AppInfo } from '../../shared/ipc/views.js'

/** One step of the set-up; `value` is text to copy exactly (shown apart, in a code font). */
export interface AdminStep {
  text: string
  value?: string
}

/** The permission labels Pail needs, as Bitbucket's consumer page names them ("Account: Read"). */
export function requiredPermissionLabels(): string[] {
  // "repository:write" implies "repository" (§2.1), so the consumer needs exactly these two.
  return requestedOAuthScopes.map((id) => describeScope(id).label)
}

/** The steps, in order, for the Bitbucket at `info.webUrl` and Pail's callback `info.callbackUrl`. */
export function adminSteps(info: Pick<AppInfo, 'callbackUrl' | 'webUrl'>): AdminStep[] {
  const permissions = requiredPermissionLabels()
  return [
    {
      text: `On Bitbucket (${info.webUrl}), open the workspace's settings, then "OAuth consumers", then "Add consumer".`,
    },
    { text: 'Name: anything people will recognise, for example', value: 'Pail' },
    { text: 'Callback URL: exactly this address, nothing added or left out', value: info.callbackUrl },
    {
      text: `Permissions: tick ${permissions.join(' and ')}. Pail needs nothing else; ${permissions[1]} already includes reading.`,
    },
    { text: 'Leave "This is a private consumer" unticked, then save.' },
    {
      text: "Give people a provisioning file with the consumer's key and secret (they import it on Pail's first screen), written like this",
      value: '{ "consumer": { "key": "KEY", "secret": "SECRET" } }',
    },
  ]
}

/** The same steps as one plain text, numbered, for the clipboard. */
export function adminInstructionsText(info: Pick<AppInfo, 'callbackUrl' | 'webUrl'>): string {
  const lines = adminSteps(info).map((step, i) => `${i + 1}. ${step.text}${step.value ? `: ${step.value}` : ''}`)
  return ['To let people sign in to Pail with Bitbucket, a Bitbucket admin sets up an OAuth consumer once:', ...lines]
    .join('\n')
    .concat('\n')
}
