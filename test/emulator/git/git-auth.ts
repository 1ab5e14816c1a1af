/**
 * Who may fetch from or push to a repository over git smart HTTP (bitbucket-api.md §6).
 *
 * - Basic `x-token-auth:<token>`: OAuth access tokens and repository/project/workspace access
 *   tokens ("The literal string `x-token-auth` as a substitute for username is required", §6).
 * - Basic `<Bitbucket username>:<API token>` or `x-bitbucket-api-token-auth:<API token>` (§6).
 *   Not the account email: that is the REST form (§8.3 item 7), and git answers it with 401.
 * - `Authorization: Bearer <OAuth token>`, as git-credential-oauth sends with `authtype=Bearer` (§6).
 *
 * Anything missing, unknown, expired or revoked gets 401 with a Basic challenge, so git asks its
 * credential helper (and, on a second 401, tells the helper to forget the credential).
 */
import { credentialFromToken, permissionOn, type Credential } from '../auth.js'
import type { Emulator } from '../context.js'
import { ApiError } from '../http.js'
import type { Repository } from '../model.js'
import { missingScopes } from '../scopes.js'

/** What a git request needs: fetch/clone (upload-pack) or push (receive-pack). */
export type GitAccess = 'read' | 'write'

/** The challenge Bitbucket sends; git only offers credentials after seeing one. */
export const GIT_REALM_CHALLENGE = 'Basic realm="Bitbucket.org HTTP"'
export const TOKEN_USERNAME = 'x-token-auth'
export const API_TOKEN_USERNAME = 'x-bitbucket-api-token-auth'

/** A refusal; `challenge` adds the WWW-Authenticate header. Message wording is UNCONFIRMED. */
export interface GitRefusal {
  ok: false
  status: number
  message: string
  challenge: boolean
}

export interface GitGrant {
  ok: true
  repo: Repository
  /** null for an anonymous read of a public repository. */
  credential: Credential | null
  /** REMOTE_USER for http-backend (it names reflog entries): the user, or the token kind. */
  remoteUser: string
}

const unauthorized = (message: string): GitRefusal => ({ ok: false, status: 401, message, challenge: true })
const forbidden = (message: string): GitRefusal => ({ ok: false, status: 403, message, challenge: false })

function decodeBasic(value: string): [string, string] | null {
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

function isAccessToken(credential: Credential): boolean {
  return (
    credential.kind === 'repository-access-token' ||
    credential.kind === 'project-access-token' ||
    credential.kind === 'workspace-access-token'
  )
}

/** The credential an Authorization header carries for git, null for none, or a 401 refusal. */
export function gitCredential(emulator: Emulator, header: string | undefined): Credential | null | GitRefusal {
  if (!header) return null
  const space = header.indexOf(' ')
  const scheme = space < 0 ? header.toLowerCase() : header.slice(0, space).toLowerCase()
  const value = space < 0 ? '' : header.slice(space + 1).trim()
  let token: string
  let username: string | null = null
  if (scheme === 'bearer') token = value
  else if (scheme === 'basic') {
    const pair = decodeBasic(value)
    if (!pair) return unauthorized('Invalid credentials.')
    ;[username, token] = pair
  } else return unauthorized('Unsupported authorization scheme.')

  let credential: Credential
  try {
    credential = credentialFromToken(emulator, token)
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return unauthorized(error.message)
    throw error
  }

  if (username === null) {
    // Bearer: OAuth tokens per §6 (git-credential-oauth); access tokens behind a setting.
    if (credential.kind === 'oauth') return credential
    if (isAccessToken(credential) && emulator.settings.gitBearerAcceptsAccessTokens) return credential
    return unauthorized('Invalid credentials.')
  }
  if (credential.kind === 'api-token') {
    const nickname = credential.user?.nickname.toLowerCase()
    if (username === API_TOKEN_USERNAME || (nickname !== undefined && username.toLowerCase() === nickname))
      return credential
    return unauthorized('Invalid credentials.')
  }
  // OAuth and access tokens: "The literal string x-token-auth as a substitute for username is required."
  return username === TOKEN_USERNAME ? credential : unauthorized('Invalid credentials.')
}

/** Which of the scopes `access` needs the credential lacks (OAuth-style names imply, API-token ones do not, §2.1/§2.3). */
function lackingScopes(emulator: Emulator, credential: Credential, access: GitAccess): string[] {
  if (credential.kind === 'api-token') {
    const needed = access === 'read' ? ['read:repository:bitbucket'] : ['write:repository:bitbucket']
    if (access === 'write' && emulator.settings.gitApiTokenPushNeedsRead) needed.unshift('read:repository:bitbucket')
    return needed.filter((scope) => !credential.scopes.includes(scope))
  }
  return missingScopes(credential.scopes, [access === 'read' ? 'repository' : 'repository:write'])
}

/** Decides one git request: `workspace`/`slug` as in the URL (without `.git`). */
export function authorizeGit(
  emulator: Emulator,
  header: string | undefined,
  workspace: string,
  slug: string,
  access: GitAccess,
): GitGrant | GitRefusal {
  const found = gitCredential(emulator, header)
  if (found !== null && 'ok' in found) return found
  const credential = found
  const repo = emulator.world.repository(workspace, slug)

  if (!credential) {
    // Anonymous callers may read public repositories; everything else asks for credentials,
    // which also hides whether a private repository exists.
    if (repo && !repo.isPrivate && access === 'read') return { ok: true, repo, credential: null, remoteUser: '' }
    return unauthorized('Authentication required.')
  }

  const lacking = lackingScopes(emulator, credential, access)
  if (lacking.length > 0)
    return forbidden(`Your credentials lack one or more required privilege scopes: ${lacking.join(', ')}.`)

  const noAccess: GitRefusal = {
    ok: false,
    status: emulator.settings.gitNoAccessStatus,
    message: 'You may not have access to this repository or it no longer exists in this workspace.',
    challenge: false,
  }
  if (!repo) return noAccess
  const permission = permissionOn(emulator, credential, repo)
  if (permission === null && repo.isPrivate) return noAccess
  if (access === 'write' && permission !== 'write' && permission !== 'admin')
    return forbidden('You do not have write access to this repository.')
  return { ok: true, repo, credential, remoteUser: credential.user?.nickname ?? credential.kind }
}
