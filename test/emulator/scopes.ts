/**
 * The emulator's own scope table: which credential may call which operation.
 *
 * `oauth` is the OAuth 2.0 scope list of the operation's `security` entry and `apiToken` the
 * granular Atlassian API-token scopes of its `x-atlassian-oauth2-scopes` (bitbucket-api.md §2.1,
 * §2.3). test/emulator/spec/scope-table.test.ts checks every row against ../shared/bitbucket-openapi.json.
 */

export interface Operation {
  method: 'GET' | 'POST'
  /** The path template exactly as in the OpenAPI description (without the /2.0 prefix). */
  path: string
  oauth: readonly string[]
  apiToken: readonly string[]
  /**
   * Whether repository/project/workspace access tokens may call it. They are not users (§2.4), so
   * user-centred operations refuse them; repository operations take them within their resource.
   */
  accessTokens: boolean
}

export const operations = [
  { method: 'GET', path: '/user', oauth: ['account'], apiToken: ['read:user:bitbucket'], accessTokens: false },
  {
    method: 'GET',
    path: '/user/workspaces',
    oauth: ['account'],
    apiToken: ['read:workspace:bitbucket'],
    accessTokens: false,
  },
  {
    method: 'GET',
    path: '/user/workspaces/{workspace}/permission',
    oauth: ['account'],
    apiToken: ['read:workspace:bitbucket'],
    accessTokens: false,
  },
  {
    method: 'GET',
    path: '/user/workspaces/{workspace}/permissions/repositories',
    oauth: ['account', 'repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: false,
  },
  {
    method: 'GET',
    path: '/workspaces/{workspace}',
    oauth: [],
    apiToken: ['read:workspace:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}/refs/branches',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}/refs/branches/{name}',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}/commit/{commit}',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}/diffstat/{spec}',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}/src',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'GET',
    path: '/repositories/{workspace}/{repo_slug}/src/{commit}/{path}',
    oauth: ['repository'],
    apiToken: ['read:repository:bitbucket'],
    accessTokens: true,
  },
  {
    method: 'POST',
    path: '/repositories/{workspace}/{repo_slug}/src',
    oauth: ['repository:write'],
    apiToken: ['write:repository:bitbucket'],
    accessTokens: true,
  },
] as const satisfies readonly Operation[]

export type OperationPath = (typeof operations)[number]['path']

/** The row for a method and template; throws for a template missing from the table. */
export function operation(method: 'GET' | 'POST', path: OperationPath): Operation {
  const row = operations.find((op) => op.method === method && op.path === path)
  if (!row) throw new Error(`No scope row for ${method} ${path}`)
  return row
}

/**
 * OAuth scope implications, exactly those that [SPEC-AUTH] states (bitbucket-api.md §2.1):
 * `repository:admin` and `project:admin` imply nothing; pairs such as `pipeline:write` →
 * `pipeline` that the text does not state are not assumed. API-token scopes imply nothing (§2.3).
 * Pail's own copy lives in shared/auth/scope-catalogue.ts; the emulator keeps its own on purpose,
 * so a mistake in Pail's cannot make the emulator agree with it.
 */
const implied: Record<string, readonly string[]> = {
  'repository:write': ['repository'],
  project: ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write'],
  'issue:write': ['issue'],
  'snippet:write': ['snippet'],
}

/** The granted scopes plus everything they imply. */
export function effectiveScopes(granted: readonly string[]): Set<string> {
  const out = new Set<string>()
  const visit = (scope: string): void => {
    if (out.has(scope)) return
    out.add(scope)
    for (const next of implied[scope] ?? []) visit(next)
  }
  granted.forEach(visit)
  return out
}

/** Which of `required` the granted scopes do not cover. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const have = effectiveScopes(granted)
  return required.filter((scope) => !have.has(scope))
}

/** Every OAuth scope name of [SPEC] `securitySchemes.oauth2` plus the deprecated `project:write`. */
export const oauthScopeNames = [
  'repository',
  'repository:write',
  'repository:admin',
  'repository:delete',
  'project',
  'project:admin',
  'project:write',
  'email',
  'account',
  'account:write',
  'team',
  'team:write',
  'pipeline',
  'pipeline:write',
  'pipeline:variable',
  'runner',
  'runner:write',
  'test',
  'test:write',
  'issue',
  'issue:write',
  'pullrequest',
  'pullrequest:write',
  'snippet',
  'snippet:write',
  'webhook',
  'wiki',
] as const
