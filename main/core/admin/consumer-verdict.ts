/**
 * The verdict of `pail admin check`: from what Bitbucket answered (ConsumerFacts), what works,
 * what the admin must fix (each with the exact change to make), and what could not be checked
 * (each with how to check it by hand). Staff can sign in and upload only when nothing is to fix
 * and nothing is left unchecked. The permissions are judged with Pail's one scope table
 * (shared/auth/scope-catalogue.ts) for a browser sign-in, which is how staff sign in.
 */
import {
  describeScope,
  effectiveScopes,
  featureReadiness,
  requestedOAuthScopes,
} from '../../../shared/auth/scope-catalogue.js'
import type { ConsumerFacts, ReachedWorkspace } from './consumer-facts.js'

export type CheckStatus = 'ok' | 'fix' | 'unverified' | 'info'

export type CheckId =
  'credentials' | 'private-consumer' | 'sign-in' | 'callback' | 'permissions' | 'reach' | 'repository'

/** One line of the check. */
export interface CheckItem {
  id: CheckId
  status: CheckStatus
  /** What Pail found, in plain words. */
  text: string
  /** For 'fix': exactly what to change. */
  fix: string | null
  /** For 'unverified': how to check it by hand. */
  byHand: string | null
}

export interface FeatureCheck {
  label: string
  ready: boolean
  /** The permissions it lacks, as Bitbucket's consumer page labels them. */
  missing: string[]
}

export interface CheckReport {
  /** 'ready': staff can sign in and upload; 'needs-fixes': something is wrong; 'incomplete': nothing wrong found, but not everything could be checked. */
  verdict: 'ready' | 'needs-fixes' | 'incomplete'
  webUrl: string
  consumerKey: string
  callbackUrl: string
  privateConsumer: boolean | null
  scopes: string[] | null
  /** Each Pail feature for staff signing in in the browser; null when the permissions are unknown. */
  features: FeatureCheck[] | null
  workspaces: ReachedWorkspace[] | null
  items: CheckItem[]
}

const CONSUMER_PAGE = 'Workspace settings → OAuth consumers → the consumer → Edit'

function item(id: CheckId, status: CheckStatus, text: string, extra: Partial<CheckItem> = {}): CheckItem {
  return { id, status, text, fix: null, byHand: null, ...extra }
}

/** The authorize address an admin can open by hand to see Bitbucket's answer to Pail's callback. */
export function manualCallbackUrl(facts: Pick<ConsumerFacts, 'webUrl' | 'consumerKey' | 'callbackUrl'>): string {
  const url = new URL(`${facts.webUrl}/site/oauth2/authorize`)
  url.searchParams.set('client_id', facts.consumerKey)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('redirect_uri', facts.callbackUrl)
  return url.toString()
}

function credentialsItem(facts: ConsumerFacts): CheckItem {
  switch (facts.credentials) {
    case 'accepted':
      return item('credentials', 'ok', "Bitbucket accepts the consumer's key and secret.")
    case 'rejected':
      return item('credentials', 'fix', "Bitbucket does not accept the consumer's key and secret.", {
        fix: `Copy the Key and the Secret again from ${CONSUMER_PAGE.replace(' → Edit', '')} (click the consumer's name to see them), and check the one that is wrong.`,
      })
    case 'unreachable':
      return item('credentials', 'unverified', `Pail could not reach Bitbucket at ${facts.webUrl}.`, {
        // The detail is already a sentence saying what to do (net/network-errors.ts).
        byHand: `${facts.credentialsDetail ?? 'Check the network and the proxy settings.'} Then run the check again.`,
      })
    case 'unknown':
      return item('credentials', 'unverified', "Bitbucket's answer did not say whether the key and secret are right.", {
        byHand: `It answered: ${facts.credentialsDetail ?? 'nothing Pail recognises'} Sign in once with "pail login": if it works, they are right.`,
      })
  }
}

function privateItem(facts: ConsumerFacts, place: CheckPlace): CheckItem | null {
  if (facts.privateConsumer === true) {
    const owner = facts.owner ? ` as ${facts.owner}` : ' as the account that owns it'
    return item(
      'private-consumer',
      'info',
      `This is a private consumer: its client-credentials grant works. Unattended machines can use it ("pail login --client-credentials"), acting${owner}. Staff signing in in their browser do not need this. Anyone holding its secret can act${owner}, so give a provisioning file with this consumer only to machines you trust; Bitbucket advises not to mark a consumer private when its secret is handed out to installed applications.`,
    )
  }
  if (facts.privateConsumer === false)
    return item(
      'private-consumer',
      'info',
      `This is not a private consumer: staff sign in in their browser as themselves, which is all Pail needs. Unattended machines cannot use "pail login --client-credentials" with it. Without client credentials, Pail cannot see its permissions, workspaces or repositories unless a person signs in${facts.signIn || place === 'window' ? '' : ' (--sign-in)'}.`,
    )
  return null
}

function signInItem(facts: ConsumerFacts): CheckItem | null {
  const signIn = facts.signIn
  if (!signIn) return null
  switch (signIn.outcome) {
    case 'signed-in':
      return item(
        'sign-in',
        'ok',
        `You signed in through the consumer in your browser${signIn.as ? ` as ${signIn.as}` : ''}, as staff will.`,
      )
    case 'failed':
      return item('sign-in', 'unverified', `The sign-in in your browser did not finish: ${signIn.why}`, {
        byHand: 'Run the check again with --sign-in and approve Pail on the page Bitbucket shows.',
      })
    case 'skipped':
      return item('sign-in', 'info', 'Pail did not open the browser: the key and secret are wrong (above).')
  }
}

function callbackItem(facts: ConsumerFacts, place: CheckPlace): CheckItem {
  const { callback, callbackUrl } = facts
  switch (callback.outcome) {
    case 'accepted':
      return item('callback', 'ok', `Bitbucket accepts Pail's callback URL ${callbackUrl} (${callback.how}).`)
    case 'rejected':
      return item(
        'callback',
        'fix',
        callback.reason === 'none-registered'
          ? 'The consumer has no callback URL, so Bitbucket refuses every sign-in with it.'
          : `Bitbucket refuses Pail's callback URL ${callbackUrl} ("Invalid redirect_uri"): the consumer's Callback URL is something else.`,
        {
          fix: `In ${CONSUMER_PAGE}, set Callback URL to exactly ${callbackUrl} — the same port and path; Bitbucket takes no other port.`,
        },
      )
    case 'unverified':
      return item(
        'callback',
        'unverified',
        `Pail could not verify that Bitbucket accepts its callback URL. ${callback.why}`,
        {
          byHand: `${place === 'cli' ? 'Run the check again with --sign-in and sign in when Bitbucket asks. Or open' : 'Open'} ${manualCallbackUrl(facts)} in a browser where you are signed in to Bitbucket. If Bitbucket says "Invalid redirect_uri", set the consumer's Callback URL to exactly ${callbackUrl}; if it asks you to grant access, the URL is right (close the tab without granting).`,
        },
      )
  }
}

function features(scopes: readonly string[]): FeatureCheck[] {
  return featureReadiness('oauth', scopes).map((f) => ({
    label: f.label,
    ready: f.ready,
    missing: f.missing.map((s) => s.label),
  }))
}

function permissionsItem(facts: ConsumerFacts, place: CheckPlace): CheckItem {
  const labels = requestedOAuthScopes.map((id) => describeScope(id).label).join(' and ')
  if (facts.scopes === null)
    return item('permissions', 'unverified', 'Pail could not see the permissions ticked on the consumer.', {
      byHand:
        place === 'cli'
          ? `Run the check again with --sign-in: you sign in once in your browser, and Pail checks the rest with that sign-in. Or sign in as a member of staff ("pail login") and run "pail whoami", which lists every feature with ✓ or what is missing; or look at the consumer's Permissions on Bitbucket: Pail needs ${labels}.`
          : `Look at the consumer's Permissions on Bitbucket: Pail needs ${labels}. Or sign in to Pail as a member of staff: the Account screen lists every feature with ✓ or what is missing.`,
    })
  const granted = facts.scopes.map((s) => describeScope(s).label)
  const missing = [
    ...new Set(
      features(facts.scopes)
        .filter((f) => !f.ready)
        .flatMap((f) => f.missing),
    ),
  ]
  const needed = effectiveScopes('oauth', requestedOAuthScopes)
  const extra = facts.scopes.filter((s) => !needed.has(s)).map((s) => describeScope(s).label)
  const extraNote =
    extra.length > 0
      ? ` Also ticked, and not needed by Pail: ${extra.join(', ')}; staff are asked to grant them too, so untick them unless something else uses this consumer.`
      : ''
  const has = `The consumer's permissions: ${granted.length > 0 ? granted.join(', ') : 'none'}.`
  if (missing.length === 0) return item('permissions', 'ok', `${has} Every Pail feature has what it needs.${extraNote}`)
  return item('permissions', 'fix', `${has} Missing for Pail: ${missing.join(', ')}.${extraNote}`, {
    fix: `In ${CONSUMER_PAGE}, tick ${missing.join(' and ')} under Permissions and save. Staff who signed in before must sign in again ("pail login") to get them.`,
  })
}

function reachItem(facts: ConsumerFacts, place: CheckPlace): CheckItem | null {
  // Known only with a client-credentials token; without one, say so (a rejected key says it already).
  if (facts.reach === null)
    return facts.credentials === 'accepted'
      ? item('reach', 'unverified', 'Pail could not list the workspaces and repositories the consumer reaches.', {
          byHand:
            place === 'cli'
              ? 'Run the check again with --sign-in, or sign in as a member of staff ("pail login") and run "pail repos": it lists the repositories that person can write to.'
              : 'Sign in to Pail as a member of staff: the Repositories screen lists the repositories that person can write to.',
        })
      : null
  const signedIn = facts.lookedAs === 'signed-in'
  const name = signedIn && facts.signIn?.outcome === 'signed-in' ? facts.signIn.as : facts.owner
  const as = signedIn
    ? `you${name ? ` (${name})` : ''}`
    : name
      ? `${name}, the consumer's owner`
      : "the consumer's owner"
  const lead = signedIn ? `Signed in as ${as}, Pail` : `With client credentials, Pail acts as ${as}, and`
  if (typeof facts.reach === 'string')
    return item('reach', 'info', `Pail could not list the workspaces and repositories of ${as}: ${facts.reach}`)
  const lines = facts.reach.map(
    (w) =>
      `${w.workspace}: ${w.repositories.length > 0 ? w.repositories.join(', ') : '(no repository it can write to)'}`,
  )
  return item(
    'reach',
    'info',
    lines.length === 0
      ? `${lead} sees no workspace.`
      : `${lead} can write to: ${lines.join('; ')}. Each member of staff reaches what their own Bitbucket account may.`,
  )
}

function repositoryItem(facts: ConsumerFacts): CheckItem | null {
  const found = facts.repository
  if (!found) return null
  switch (found.outcome) {
    case 'writable':
      return item(
        'repository',
        'ok',
        `The default repository ${found.ref} exists and ${facts.lookedAs === 'signed-in' ? 'you' : "the consumer's owner"} can write to it; staff need write access to it too.`,
      )
    case 'not-writable':
      return item(
        'repository',
        'info',
        `The default repository ${found.ref} exists, but ${facts.lookedAs === 'signed-in' ? 'you cannot' : "the consumer's owner cannot"} write to it. Make sure staff have write access to it.`,
      )
    case 'not-found':
      return item('repository', 'fix', `Bitbucket does not know the repository ${found.ref}.`, {
        fix: 'Check the workspace and repository names in the repository\'s address on Bitbucket ("workspace/repository"), and give that.',
      })
    case 'unknown':
      return item('repository', 'unverified', `Pail could not check the default repository ${found.ref}.`, {
        byHand: `${found.detail ? `${found.detail} ` : ''}Open ${facts.webUrl}/${found.ref} on Bitbucket and check that staff can write to it.`,
      })
  }
}

/**
 * Where the check runs: `pail admin check` can sign in in the browser (`--sign-in`) to see what
 * client credentials cannot; the window's check cannot, so its texts do not offer it.
 */
export type CheckPlace = 'cli' | 'window'

/** The whole verdict. */
export function judgeConsumer(facts: ConsumerFacts, place: CheckPlace = 'cli'): CheckReport {
  const items = [
    credentialsItem(facts),
    privateItem(facts, place),
    signInItem(facts),
    callbackItem(facts, place),
    permissionsItem(facts, place),
    reachItem(facts, place),
    repositoryItem(facts),
  ].filter((i): i is CheckItem => i !== null)
  const verdict = items.some((i) => i.status === 'fix')
    ? 'needs-fixes'
    : items.some((i) => i.status === 'unverified')
      ? 'incomplete'
      : 'ready'
  return {
    verdict,
    webUrl: facts.webUrl,
    consumerKey: facts.consumerKey,
    callbackUrl: facts.callbackUrl,
    privateConsumer: facts.privateConsumer,
    scopes: facts.scopes,
    features: facts.scopes === null ? null : features(facts.scopes),
    workspaces: typeof facts.reach === 'string' ? null : facts.reach,
    items,
  }
}
