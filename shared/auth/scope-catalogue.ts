/**
 * Every Bitbucket Cloud permission in plain words, and what each Pail feature needs.
 *
 * Sources: ../shared/bitbucket-api.md §2.1 (OAuth scopes and what they imply), §2.3 (API-token
 * scopes, which imply nothing), §2.4 (access tokens: OAuth-style scope names, not users).
 */

/** How an account signed in. */
export type CredentialKind = 'oauth' | 'client-credentials' | 'access-token' | 'api-token'

export interface ScopeInfo {
  id: string
  /** As Bitbucket's consumer and token pages label it, e.g. "Repositories: Write". */
  label: string
  /** What it lets Pail do, in plain words. */
  description: string
}

/** OAuth 2.0 scopes (consumer permissions, also used by access tokens). */
export const oauthScopes: readonly ScopeInfo[] = [
  {
    id: 'account',
    label: 'Account: Read',
    description: 'see your name, email address and the workspaces you belong to',
  },
  { id: 'account:write', label: 'Account: Write', description: 'change your account settings' },
  { id: 'email', label: 'Account: Email', description: 'see your primary email address' },
  { id: 'team', label: 'Workspace membership: Read', description: 'see workspace membership' },
  { id: 'team:write', label: 'Workspace membership: Write', description: 'change workspace membership' },
  { id: 'project', label: 'Projects: Read', description: 'see projects and read every repository in them' },
  { id: 'project:admin', label: 'Projects: Admin', description: 'create, change and delete projects' },
  { id: 'project:write', label: 'Projects: Write (deprecated)', description: 'replaced by Projects: Admin' },
  { id: 'repository', label: 'Repositories: Read', description: 'read and download files from repositories' },
  {
    id: 'repository:write',
    label: 'Repositories: Write',
    description: 'upload files and commit changes to repositories',
  },
  {
    id: 'repository:admin',
    label: 'Repositories: Admin',
    description: "manage repositories' settings (not their files)",
  },
  { id: 'repository:delete', label: 'Repositories: Delete', description: 'delete repositories' },
  { id: 'pullrequest', label: 'Pull requests: Read', description: 'see pull requests (and read their repositories)' },
  {
    id: 'pullrequest:write',
    label: 'Pull requests: Write',
    description: 'create and merge pull requests (and write to their repositories)',
  },
  { id: 'issue', label: 'Issues: Read', description: 'see and comment on issues' },
  { id: 'issue:write', label: 'Issues: Write', description: 'change and delete issues' },
  { id: 'wiki', label: 'Wikis: Read and write', description: 'read and edit wikis' },
  { id: 'snippet', label: 'Snippets: Read', description: 'see snippets' },
  { id: 'snippet:write', label: 'Snippets: Write', description: 'create and change snippets' },
  { id: 'webhook', label: 'Webhooks: Read and write', description: 'manage webhooks' },
  { id: 'pipeline', label: 'Pipelines: Read', description: 'see pipelines' },
  { id: 'pipeline:write', label: 'Pipelines: Write', description: 'run and stop pipelines' },
  { id: 'pipeline:variable', label: 'Pipelines: Edit variables', description: 'change pipeline variables' },
  { id: 'runner', label: 'Runners: Read', description: 'see pipeline runners' },
  { id: 'runner:write', label: 'Runners: Write', description: 'manage pipeline runners' },
  { id: 'test', label: 'Tests: Read', description: 'see test reports' },
  { id: 'test:write', label: 'Tests: Write', description: 'write test reports' },
]

/** Atlassian API-token scopes that Pail can use (§2.3). */
export const apiTokenScopes: readonly ScopeInfo[] = [
  { id: 'read:user:bitbucket', label: 'read:user:bitbucket', description: 'see who you are' },
  {
    id: 'read:workspace:bitbucket',
    label: 'read:workspace:bitbucket',
    description: 'see the workspaces you belong to',
  },
  {
    id: 'read:repository:bitbucket',
    label: 'read:repository:bitbucket',
    description: 'read and download files from repositories',
  },
  {
    id: 'write:repository:bitbucket',
    label: 'write:repository:bitbucket',
    description: 'upload files and commit changes to repositories',
  },
]

/** OAuth scope implications that Bitbucket documents (§2.1); nothing else is assumed. */
const implied: Record<string, readonly string[]> = {
  'repository:write': ['repository'],
  project: ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write'],
  'issue:write': ['issue'],
  'snippet:write': ['snippet'],
}

/** The scopes granted plus those they imply. API-token scopes imply nothing. */
export function effectiveScopes(kind: CredentialKind, granted: readonly string[]): Set<string> {
  const out = new Set<string>()
  const visit = (scope: string): void => {
    if (out.has(scope)) return
    out.add(scope)
    if (kind !== 'api-token') for (const next of implied[scope] ?? []) visit(next)
  }
  granted.forEach(visit)
  return out
}

export type FeatureId = 'identify' | 'list-repositories' | 'upload' | 'sync' | 'clone'

export interface Feature {
  id: FeatureId
  label: string
  /** Scopes needed, per kind of credential; null: this kind cannot do it at all. */
  needs: Record<CredentialKind, readonly string[] | null>
}

/** The features of Pail and the scopes each one needs (OAuth: §2.1 table; API tokens: §2.3 table). */
export const features: readonly Feature[] = [
  {
    id: 'identify',
    label: 'Show who is signed in',
    needs: {
      oauth: ['account'],
      'client-credentials': ['account'],
      'api-token': ['read:user:bitbucket'],
      'access-token': null,
    },
  },
  {
    id: 'list-repositories',
    label: 'List workspaces and repositories',
    needs: {
      oauth: ['account', 'repository'],
      'client-credentials': ['account', 'repository'],
      'api-token': ['read:workspace:bitbucket', 'read:repository:bitbucket'],
      'access-token': ['repository'],
    },
  },
  {
    id: 'upload',
    label: 'Upload files',
    needs: {
      oauth: ['repository:write'],
      'client-credentials': ['repository:write'],
      'api-token': ['read:repository:bitbucket', 'write:repository:bitbucket'],
      'access-token': ['repository:write'],
    },
  },
  {
    id: 'sync',
    label: 'Keep folders in sync',
    needs: {
      oauth: ['repository:write'],
      'client-credentials': ['repository:write'],
      'api-token': ['read:repository:bitbucket', 'write:repository:bitbucket'],
      'access-token': ['repository:write'],
    },
  },
  {
    id: 'clone',
    label: 'Download a repository with git',
    needs: {
      oauth: ['repository'],
      'client-credentials': ['repository'],
      'api-token': ['read:repository:bitbucket'],
      'access-token': ['repository'],
    },
  },
]

export interface FeatureReadiness {
  feature: FeatureId
  label: string
  ready: boolean
  /** The scopes that are missing, in plain words. */
  missing: ScopeInfo[]
  /** What to do, for a person: empty when ready. */
  advice: string
}

/** Looks a scope up in the catalogue; unknown ids get their id as label. */
export function describeScope(id: string): ScopeInfo {
  return (
    oauthScopes.find((s) => s.id === id) ??
    apiTokenScopes.find((s) => s.id === id) ?? { id, label: id, description: id }
  )
}

function adviceFor(kind: CredentialKind, feature: Feature, missing: ScopeInfo[]): string {
  const names = missing.map((s) => s.label).join(' and ')
  switch (kind) {
    case 'oauth':
    case 'client-credentials':
      return `${feature.label} needs ${names}. Ask your Bitbucket admin to tick ${missing.length > 1 ? 'them' : 'it'} on Pail's OAuth consumer (Workspace settings → OAuth consumers), then sign in again.`
    case 'api-token':
      return `${feature.label} needs the API-token scope ${names}. Create a new API token with ${missing.length > 1 ? 'these scopes' : 'this scope'} and sign in with it.`
    case 'access-token':
      return `${feature.label} needs ${names}. Ask for an access token with ${missing.length > 1 ? 'these permissions' : 'this permission'}.`
  }
}

/** For an account's kind and granted scopes: which features are ready and what to ask for. */
export function featureReadiness(kind: CredentialKind, granted: readonly string[]): FeatureReadiness[] {
  const have = effectiveScopes(kind, granted)
  return features.map((feature) => {
    const needs = feature.needs[kind]
    if (needs === null) {
      return {
        feature: feature.id,
        label: feature.label,
        ready: false,
        missing: [],
        advice: `${feature.label} is not possible with an access token: Bitbucket does not tie it to a person. Sign in with your Bitbucket account for this.`,
      }
    }
    const missing = needs.filter((s) => !have.has(s)).map(describeScope)
    return {
      feature: feature.id,
      label: feature.label,
      ready: missing.length === 0,
      missing,
      advice: missing.length === 0 ? '' : adviceFor(kind, feature, missing),
    }
  })
}

/** The OAuth scopes Pail asks for at sign-in: everything its features need (GCM asks the same). */
export const requestedOAuthScopes = ['account', 'repository:write'] as const
