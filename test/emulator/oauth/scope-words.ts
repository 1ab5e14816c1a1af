/**
 * Plain-words descriptions of the OAuth 2.0 scopes (bitbucket-api.md §2.1) for the consent page.
 * The wording paraphrases what [SPEC-AUTH] says each scope grants; it is not Bitbucket's own text.
 */
const words: Record<string, string> = {
  account: 'Read your account information, and your workspaces’ members, permissions and projects',
  'account:write': 'Read and modify your account information',
  email: 'Read your primary email address',
  repository: 'Read your repositories',
  'repository:write': 'Read and modify your repositories, including pushing over HTTPS',
  'repository:admin': 'Administer your repositories (settings and permissions)',
  'repository:delete': 'Delete your repositories',
  project: 'Read your projects and the repositories in them',
  'project:write': 'Read and modify your projects',
  'project:admin': 'Administer your projects',
  team: 'Read your team membership information',
  'team:write': 'Read and modify your team membership information',
  pipeline: 'Read your pipelines',
  'pipeline:write': 'Read and modify your pipelines',
  'pipeline:variable': 'Read and modify your pipeline variables',
  runner: 'Read your runners',
  'runner:write': 'Read and modify your runners',
  test: 'Read your test reports',
  'test:write': 'Read and modify your test reports',
  issue: 'Read your repositories’ issues',
  'issue:write': 'Read and modify your repositories’ issues',
  pullrequest: 'Read your repositories and their pull requests',
  'pullrequest:write': 'Read and modify your repositories and their pull requests',
  snippet: 'Read your snippets',
  'snippet:write': 'Read and modify your snippets',
  webhook: 'Read and modify your repositories’ webhooks',
  wiki: 'Read and modify your repositories’ wikis',
}

/** What a scope lets the consumer do, in plain words; an unknown scope is shown by its name. */
export function describeScope(scope: string): string {
  return words[scope] ?? scope
}
