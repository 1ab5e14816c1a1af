/**
 * Asks Bitbucket about an OAuth consumer, the way `pail admin check` needs, without signing
 * anybody in and without storing anything:
 * - the client-credentials grant (bitbucket-api.md §1.2): a token means the key and secret are
 *   right and the consumer is private; `invalid_client` means they are wrong (§1.3); another
 *   refusal means Bitbucket took the key and secret but not the grant, which a second question
 *   confirms — a refresh grant with a made-up refresh token, whose recorded answer for a known
 *   client is "Invalid refresh_token" (§1.6). That Bitbucket authenticates the client before it
 *   looks at the grant is RFC 6749's order (§3.2.1), not documented by Bitbucket.
 * - the authorize page with Pail's callback as redirect_uri (§1.8): "Invalid redirect_uri" is the
 *   recorded refusal; a page without it, or a redirect to Pail's address, means it was taken;
 *   a redirect to a sign-in page tells nothing (UNCONFIRMED, the emulator's authorizeWithoutSession).
 * - with a client-credentials token, or the token of the admin's own browser sign-in when asked
 *   for: its scopes, whom it acts for, the workspaces and repositories it can write to (§4.4,
 *   §4.5), and the admin's default repository. Nothing is stored.
 */
import { randomBytes } from 'node:crypto'
import { request, type Dispatcher } from 'undici'
import { requestedOAuthScopes } from '../../../shared/auth/scope-catalogue.js'
import { staticAuthorizer } from '../auth/auth-service.js'
import { signInWithBrowser } from '../auth/browser-sign-in.js'
import { SignInError } from '../auth/loopback-listener.js'
import { OAuthClient, TokenEndpointError, type ConsumerCredentials, type TokenGrant } from '../auth/oauth-client.js'
import { ApiClient, BitbucketError } from '../bitbucket/api-client.js'
import { repositoryPath, USER_PATH } from '../bitbucket/api-paths.js'
import {
  workspacesOf,
  writableIn,
  type RepositoryJson,
  type WorkspaceRepositories,
} from '../bitbucket/writable-repositories.js'
import type { Endpoints } from '../config/endpoints.js'
import { describeNetworkError } from '../net/network-errors.js'
import type { Opener } from '../ports.js'
import type {
  CallbackFinding,
  ConsumerFacts,
  CredentialsFinding,
  ReachedWorkspace,
  RepositoryFinding,
  SignInFinding,
} from './consumer-facts.js'

export interface ProbeInput {
  endpoints: Endpoints
  consumer: ConsumerCredentials
  callbackUrl: string
  /** The default repository to look for, when the admin names one. */
  repository?: { workspace: string; slug: string } | null
  /**
   * Also sign the admin in in the browser through the consumer, as staff will, on Pail's callback
   * port and path: what client credentials cannot show is then looked at with that sign-in.
   */
  signIn?: {
    opener: Opener
    port: number
    path: string
    timeoutMs?: number
    signal?: AbortSignal
    onAuthorizationUrl?: (url: string, opened: boolean) => void
  } | null
  dispatcher?: Dispatcher
}

/** A refresh token no consumer has: only used to hear whether the client itself is accepted. */
const MADE_UP_REFRESH_TOKEN = 'pail-admin-check-not-a-refresh-token'

/** §1.6: the recorded text for a consumer without a callback URL. */
const NO_CALLBACK = /no callback uri/i
/** §1.8: the recorded text of the authorize page for a redirect_uri the consumer does not allow. */
const INVALID_REDIRECT = /invalid redirect_uri/i

function isBadClient(error: TokenEndpointError): boolean {
  return error.code === 'invalid_client' || error.status === 401
}

function isNoCallback(error: TokenEndpointError): boolean {
  return NO_CALLBACK.test(error.description ?? '') || NO_CALLBACK.test(error.message)
}

interface GrantProbe {
  credentials: CredentialsFinding
  detail: string | null
  privateConsumer: boolean | null
  noCallback: boolean
  /** The grant was refused because the consumer has no permission ticked at all. */
  noScopes?: boolean
  grant: TokenGrant | null
}

/** The client-credentials grant, and, when it is refused, the refresh probe that tells a wrong secret apart. */
async function probeGrant(client: OAuthClient): Promise<GrantProbe> {
  try {
    const grant = await client.clientCredentials()
    return { credentials: 'accepted', detail: null, privateConsumer: true, noCallback: false, grant }
  } catch (error) {
    if (!(error instanceof TokenEndpointError)) throw error
    if (error.kind === 'unavailable')
      return {
        credentials: 'unreachable',
        detail: error.message,
        privateConsumer: null,
        noCallback: false,
        grant: null,
      }
    if (isBadClient(error))
      return { credentials: 'rejected', detail: error.message, privateConsumer: null, noCallback: false, grant: null }
    // Refused after the client was authenticated: for want of a callback URL, of any permission
    // (RFC 6749 §5.2 invalid_scope: the grant exists, so the consumer is private), or not a private consumer.
    if (isNoCallback(error)) return { ...(await probeRefresh(client)), privateConsumer: null, noCallback: true }
    if (error.code === 'invalid_scope')
      return { ...(await probeRefresh(client)), privateConsumer: true, noScopes: true }
    return { ...(await probeRefresh(client)), privateConsumer: false }
  }
}

async function probeRefresh(client: OAuthClient): Promise<Omit<GrantProbe, 'privateConsumer'>> {
  try {
    await client.refresh(MADE_UP_REFRESH_TOKEN)
    // A made-up refresh token cannot work; if it did, the client was still accepted.
    return { credentials: 'accepted', detail: null, noCallback: false, grant: null }
  } catch (error) {
    if (!(error instanceof TokenEndpointError)) throw error
    if (error.kind === 'unavailable')
      return { credentials: 'unreachable', detail: error.message, noCallback: false, grant: null }
    if (isBadClient(error)) return { credentials: 'rejected', detail: error.message, noCallback: false, grant: null }
    if (isNoCallback(error)) return { credentials: 'accepted', detail: null, noCallback: true, grant: null }
    // §1.6: "Invalid refresh_token" (invalid_request) is what a known client hears; RFC 6749's invalid_grant too.
    const told = error.code === 'invalid_grant' || /invalid refresh_token/i.test(error.description ?? '')
    return told
      ? { credentials: 'accepted', detail: null, noCallback: false, grant: null }
      : { credentials: 'unknown', detail: error.message, noCallback: false, grant: null }
  }
}

/** The authorize page's answer to Pail's own callback URL, read without following redirects. */
export async function probeCallback(
  client: OAuthClient,
  callbackUrl: string,
  dispatcher?: Dispatcher,
): Promise<CallbackFinding> {
  const url = client.authorizationUrl({
    redirectUri: callbackUrl,
    state: randomBytes(16).toString('base64url'),
    // Never exchanged: the challenge only has to look like the one a real sign-in sends.
    codeChallenge: randomBytes(32).toString('base64url'),
    scopes: requestedOAuthScopes,
  })
  let status: number
  let location: string | undefined
  let body: string
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'text/html', 'user-agent': 'Pail' },
      ...(dispatcher ? { dispatcher } : {}),
    })
    status = res.statusCode
    const header = res.headers.location
    location = Array.isArray(header) ? header[0] : header
    body = (await res.body.text()).slice(0, 64 * 1024)
  } catch (error) {
    return { outcome: 'unverified', why: describeNetworkError(error, 'to show its sign-in page') }
  }
  if (status >= 300 && status < 400 && location) {
    const target = new URL(location, url).toString()
    if (target.startsWith(callbackUrl))
      return { outcome: 'accepted', how: "Bitbucket sent the browser back to Pail's address" }
    return {
      outcome: 'unverified',
      why: 'Bitbucket asks for a sign-in before it looks at the callback address, so it cannot be checked from here.',
    }
  }
  // A page of its own rather than the recorded refusal: Bitbucket looked at the request and let it through.
  if (status >= 200 && status < 300) return { outcome: 'accepted', how: 'Bitbucket showed its consent page for it' }
  if (NO_CALLBACK.test(body)) return { outcome: 'rejected', reason: 'none-registered' }
  if (INVALID_REDIRECT.test(body)) return { outcome: 'rejected', reason: 'mismatch' }
  return { outcome: 'unverified', why: `Bitbucket's sign-in page answered HTTP ${status} without saying why.` }
}

/** The listing reduced to repository slugs (`full_name` is "workspace/slug", §4.5). */
function reached(listing: WorkspaceRepositories[]): ReachedWorkspace[] {
  return listing.map((w) => ({
    workspace: w.workspace,
    repositories: w.repositories.map((r) => r.slug ?? r.full_name.slice(r.full_name.indexOf('/') + 1)),
  }))
}

/** Plain words for an API failure while looking around with the token; anything else is rethrown. */
function apiFailure(error: unknown): string {
  if (error instanceof BitbucketError)
    return error.status === 0 ? error.message : `Bitbucket answered: ${error.message} (HTTP ${error.status}).`
  throw error
}

async function probeWithToken(
  input: ProbeInput,
  grant: TokenGrant,
): Promise<Pick<ConsumerFacts, 'scopes' | 'owner' | 'reach' | 'repository'>> {
  let headerScopes: string[] | null = null
  const api = new ApiClient({
    apiUrl: input.endpoints.apiUrl,
    authorizer: staticAuthorizer(`Bearer ${grant.accessToken}`),
    onScopes: (scopes) => (headerScopes = scopes),
    ...(input.dispatcher ? { dispatcher: input.dispatcher } : {}),
  })
  let owner: string | null = null
  try {
    owner = (await api.getJson<{ display_name?: string }>(USER_PATH)).display_name ?? null
  } catch (error) {
    // Without Account: Read there is no name; the permissions line says what is missing.
    apiFailure(error)
  }
  let reach: ReachedWorkspace[] | string
  try {
    reach = reached(await writableIn(api, await workspacesOf(api)))
  } catch (error) {
    reach = apiFailure(error)
  }
  const repository = input.repository ? await probeRepository(api, input.repository, reach) : null
  // The token response's scopes first; `x-oauth-scopes` (§2.2) when the response had none.
  const scopes = grant.scopes.length > 0 ? grant.scopes : headerScopes
  return { scopes, owner, reach, repository }
}

async function probeRepository(
  api: ApiClient,
  ref: { workspace: string; slug: string },
  reach: ReachedWorkspace[] | string,
): Promise<RepositoryFinding> {
  const name = `${ref.workspace}/${ref.slug}`
  try {
    await api.getJson<RepositoryJson>(repositoryPath({ workspace: ref.workspace, repository: ref.slug }))
  } catch (error) {
    if (error instanceof BitbucketError && error.status === 404)
      return { ref: name, outcome: 'not-found', detail: null }
    return { ref: name, outcome: 'unknown', detail: apiFailure(error) }
  }
  let writable: ReachedWorkspace[] | string = reach
  if (typeof writable === 'string' || !writable.some((w) => w.workspace === ref.workspace)) {
    try {
      writable = reached(await writableIn(api, [ref.workspace]))
    } catch (error) {
      return { ref: name, outcome: 'unknown', detail: apiFailure(error) }
    }
  }
  const can = writable.some((w) => w.workspace === ref.workspace && w.repositories.includes(ref.slug))
  return { ref: name, outcome: can ? 'writable' : 'not-writable', detail: null }
}

/** Everything Bitbucket's answers say about the consumer, for the verdict. */
export async function probeConsumer(input: ProbeInput): Promise<ConsumerFacts> {
  const client = new OAuthClient(input.endpoints, input.consumer)
  const [grant, callback] = await Promise.all([
    probeGrant(client),
    probeCallback(client, input.callbackUrl, input.dispatcher),
  ])
  let signIn: SignInFinding | null = null
  let signedIn: TokenGrant | null = null
  if (input.signIn) {
    if (grant.credentials === 'rejected') signIn = { outcome: 'skipped' }
    else
      try {
        const { opener, port, path, timeoutMs, signal, onAuthorizationUrl } = input.signIn
        signedIn = await signInWithBrowser({
          client,
          opener,
          port,
          path,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(signal ? { signal } : {}),
          ...(onAuthorizationUrl ? { onAuthorizationUrl } : {}),
        })
      } catch (error) {
        if (!(error instanceof SignInError || error instanceof TokenEndpointError)) throw error
        signIn = { outcome: 'failed', why: error.message }
      }
  }
  // The admin's sign-in is how staff sign in, so it is the better witness when there is one.
  const token = signedIn ?? grant.grant
  const looked = token ? await probeWithToken(input, token) : null
  if (signedIn) signIn = { outcome: 'signed-in', as: looked?.owner ?? null }
  const repository: RepositoryFinding | null = input.repository
    ? (looked?.repository ?? {
        ref: `${input.repository.workspace}/${input.repository.slug}`,
        outcome: 'unknown',
        detail: null,
      })
    : null
  return {
    webUrl: input.endpoints.webUrl,
    consumerKey: input.consumer.key,
    callbackUrl: input.callbackUrl,
    // A code exchange needs the secret: a browser sign-in that worked settles it.
    credentials: signedIn ? 'accepted' : grant.credentials,
    credentialsDetail: signedIn ? null : grant.detail,
    privateConsumer: grant.privateConsumer,
    // The token endpoint's "No callback uri defined" (§1.6) settles it, whatever the authorize page said.
    callback: signedIn
      ? { outcome: 'accepted', how: 'you signed in through it' }
      : grant.noCallback
        ? { outcome: 'rejected', reason: 'none-registered' }
        : callback,
    scopes: looked?.scopes ?? (grant.noScopes ? [] : null),
    owner: signedIn ? null : (looked?.owner ?? null),
    signIn,
    lookedAs: signedIn ? 'signed-in' : grant.grant ? 'client-credentials' : null,
    reach: looked?.reach ?? null,
    repository,
  }
}
