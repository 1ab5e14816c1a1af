/**
 * JSON shapes of users, workspaces, projects and repositories, keyed as the recorded payloads
 * and [SPEC] examples cited in bitbucket-api.md §4.3–§4.5. Links point at the emulator's two
 * listeners: `apiUrl` stands for https://api.bitbucket.org and `webUrl` for https://bitbucket.org.
 */
import { createHash } from 'node:crypto'
import type { Emulator } from '../context.js'
import type { Repository, User, Workspace } from '../model.js'

/** `{href}` as every Bitbucket link object is. */
export function link(href: string): { href: string } {
  return { href }
}

/** Percent-encodes each segment of a slash-separated path, keeping the slashes (§8.2.3). */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

/** `{apiUrl}/2.0/repositories/{ws}/{slug}` for a repository. */
export function repoApiBase(emulator: Emulator, repo: Repository): string {
  return `${emulator.apiUrl}/2.0/repositories/${encodeURIComponent(repo.workspace)}/${encodeURIComponent(repo.slug)}`
}

/** `{webUrl}/{ws}/{slug}` for a repository. */
export function repoWebBase(emulator: Emulator, repo: Repository): string {
  return `${emulator.webUrl}/${encodeURIComponent(repo.workspace)}/${encodeURIComponent(repo.slug)}`
}

/**
 * `GET /2.0/user` (§4.3): exactly the keys of the recorded payload
 * (`jenkinsci/bitbucket-branch-source-plugin` `2.0-user.json`): no `username`, no email. Links
 * name the account ID with its colon unencoded, as recorded.
 */
export function currentUserJson(emulator: Emulator, user: User): Record<string, unknown> {
  const api = `${emulator.apiUrl}/2.0`
  return {
    is_staff: false,
    display_name: user.displayName,
    website: null,
    links: {
      avatar: link(`${emulator.webUrl}/account/${encodeURIComponent(user.nickname)}/avatar/`),
      hooks: link(`${api}/users/${user.accountId}/hooks`),
      repositories: link(`${api}/repositories/${user.accountId}`),
      snippets: link(`${api}/snippets/${user.accountId}`),
      self: link(`${api}/users/${user.accountId}`),
    },
    nickname: user.nickname,
    uuid: user.uuid,
    account_status: 'active',
    created_on: user.createdOn,
    account_id: user.accountId,
    type: 'user',
  }
}

/** The embedded user of commits and permissions, as in [SPEC]'s commit example `author.user`. */
export function userSummaryJson(emulator: Emulator, user: User): Record<string, unknown> {
  return {
    display_name: user.displayName,
    links: {
      self: link(`${emulator.apiUrl}/2.0/users/${encodeURIComponent(user.uuid)}`),
      avatar: link(`${emulator.webUrl}/account/${encodeURIComponent(user.nickname)}/avatar/`),
      html: link(`${emulator.webUrl}/${encodeURIComponent(user.uuid)}/`),
    },
    type: 'user',
    uuid: user.uuid,
    account_id: user.accountId,
    nickname: user.nickname,
  }
}

/** `workspace_base` (§4.4): no `name`; the avatar href has no `/2.0`, as in the [SPEC] example. */
export function workspaceBaseJson(emulator: Emulator, ws: Workspace): Record<string, unknown> {
  const slug = encodeURIComponent(ws.slug)
  return {
    links: {
      avatar: link(`${emulator.apiUrl}/workspaces/${slug}/avatar/`),
      self: link(`${emulator.apiUrl}/2.0/workspaces/${slug}`),
    },
    slug: ws.slug,
    type: 'workspace_base',
    uuid: ws.uuid,
  }
}

/** The full `workspace` schema of `GET /2.0/workspaces/{workspace}` (§4.4), with `name`. */
export function workspaceJson(emulator: Emulator, ws: Workspace): Record<string, unknown> {
  const api = `${emulator.apiUrl}/2.0/workspaces/${encodeURIComponent(ws.slug)}`
  return {
    type: 'workspace',
    uuid: ws.uuid,
    name: ws.name,
    slug: ws.slug,
    is_private: ws.isPrivate,
    is_privacy_enforced: false,
    forking_mode: 'allow_forks',
    created_on: ws.createdOn,
    updated_on: ws.createdOn,
    links: {
      avatar: link(`${emulator.apiUrl}/workspaces/${encodeURIComponent(ws.slug)}/avatar/`),
      html: link(`${emulator.webUrl}/${encodeURIComponent(ws.slug)}/`),
      members: link(`${api}/members`),
      owners: link(`${api}/members?q=permission%3D%22owner%22`),
      projects: link(`${api}/projects`),
      repositories: link(`${emulator.apiUrl}/2.0/repositories/${encodeURIComponent(ws.slug)}`),
      snippets: link(`${emulator.apiUrl}/2.0/snippets/${encodeURIComponent(ws.slug)}`),
      self: link(api),
    },
  }
}

/** The short workspace embedded in repositories. */
function workspaceSummaryJson(emulator: Emulator, ws: Workspace): Record<string, unknown> {
  const slug = encodeURIComponent(ws.slug)
  return {
    type: 'workspace',
    uuid: ws.uuid,
    name: ws.name,
    slug: ws.slug,
    links: {
      avatar: link(`${emulator.apiUrl}/workspaces/${slug}/avatar/`),
      html: link(`${emulator.webUrl}/${slug}/`),
      self: link(`${emulator.apiUrl}/2.0/workspaces/${slug}`),
    },
  }
}

/** A team-owned repository's `owner`, as in [SPEC-URI]'s repository example (`type: "team"`). */
function ownerJson(emulator: Emulator, ws: Workspace): Record<string, unknown> {
  return {
    display_name: ws.name,
    links: {
      self: link(`${emulator.apiUrl}/2.0/workspaces/${encodeURIComponent(ws.uuid)}`),
      avatar: link(`${emulator.webUrl}/account/${encodeURIComponent(ws.slug)}/avatar/`),
      html: link(`${emulator.webUrl}/${encodeURIComponent(ws.uuid)}/`),
    },
    type: 'team',
    uuid: ws.uuid,
    username: ws.slug,
  }
}

/** A stable `{uuid}` derived from text, for objects the world does not model (projects). */
function derivedUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex')
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}}`
}

function projectJson(emulator: Emulator, ws: Workspace, key: string): Record<string, unknown> {
  const base = `${emulator.webUrl}/${encodeURIComponent(ws.slug)}/workspace/projects/${encodeURIComponent(key)}`
  return {
    type: 'project',
    key,
    uuid: derivedUuid(`${ws.uuid}/${key}`),
    name: key,
    links: { html: link(base), avatar: link(`${base}/avatar/32`) },
  }
}

/** `{type, name, full_name, uuid, links{self, html, avatar}}`, the repository embedded in commits. */
export function repositorySummaryJson(emulator: Emulator, repo: Repository): Record<string, unknown> {
  return {
    links: {
      self: link(repoApiBase(emulator, repo)),
      html: link(repoWebBase(emulator, repo)),
      avatar: link(`${emulator.webUrl}/ravatar/${encodeURIComponent(repo.uuid)}?ts=default`),
    },
    type: 'repository',
    name: repo.name,
    full_name: `${repo.workspace}/${repo.slug}`,
    uuid: repo.uuid,
  }
}

/**
 * The full repository object (§4.5). `mainbranch` is the branch git's HEAD names; `size` is what
 * git's objects use on disk; `links.clone` carries the https URL on the web listener.
 */
export async function repositoryJson(emulator: Emulator, repo: Repository): Promise<Record<string, unknown>> {
  const ws = emulator.world.workspace(repo.workspace)!
  const git = emulator.git(repo)
  const api = repoApiBase(emulator, repo)
  const web = repoWebBase(emulator, repo)
  const empty = await git.isEmpty()
  // UNCONFIRMED: what an empty repository reports as `mainbranch` (settings.emptyRepositoryMainbranch).
  const mainbranch =
    empty && emulator.settings.emptyRepositoryMainbranch === 'null'
      ? null
      : { name: await git.headBranch(), type: 'branch' }
  const host = new URL(emulator.webUrl).hostname
  return {
    type: 'repository',
    full_name: `${repo.workspace}/${repo.slug}`,
    links: {
      self: link(api),
      html: link(web),
      avatar: link(`${emulator.webUrl}/ravatar/${encodeURIComponent(repo.uuid)}?ts=default`),
      pullrequests: link(`${api}/pullrequests`),
      commits: link(`${api}/commits`),
      forks: link(`${api}/forks`),
      watchers: link(`${api}/watchers`),
      branches: link(`${api}/refs/branches`),
      tags: link(`${api}/refs/tags`),
      downloads: link(`${api}/downloads`),
      source: link(`${api}/src`),
      clone: [
        { name: 'https', href: `${web}.git` },
        // The URL form of [SPEC-URI]'s example; the scp-like `git@host:ws/slug.git` of newer payloads is not a URI.
        { name: 'ssh', href: `ssh://git@${host}/${repo.workspace}/${repo.slug}.git` },
      ],
      hooks: link(`${api}/hooks`),
    },
    name: repo.name,
    slug: repo.slug,
    description: repo.description,
    scm: 'git',
    website: '',
    owner: ownerJson(emulator, ws),
    workspace: workspaceSummaryJson(emulator, ws),
    is_private: repo.isPrivate,
    project: projectJson(emulator, ws, repo.projectKey),
    fork_policy: repo.isPrivate ? 'no_public_forks' : 'allow_forks',
    created_on: repo.createdOn,
    updated_on: repo.updatedOn,
    size: await git.sizeBytes(),
    language: repo.language,
    uuid: repo.uuid,
    mainbranch,
    has_issues: false,
    has_wiki: false,
  }
}
