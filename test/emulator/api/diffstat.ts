/**
 * `GET /2.0/repositories/{workspace}/{repo_slug}/diffstat/{spec}` ([SPEC] "Compare two commit diff
 * stats"): one `diffstat` record per changed path, paginated (default `pagelen` 500, at most 5000,
 * as [SPEC]'s `paginated_diffstats.pagelen` states). bitbucket-api.md has no section on it yet, so
 * every point [SPEC] leaves open is a `diffstat…` setting (settings.ts).
 *
 * `{spec}` is one commit (diffed against its first parent; a root commit against the empty tree)
 * or `A..B`, where A "contain[s] the changes we wish to preview" and B is "the state to which we
 * want to compare the first commit" — "the opposite of the order used in `git diff`" [SPEC]. With
 * `topic` (default true) the diff runs from the merge base of A and B to A ("2-way three dot");
 * with `topic=false` from B to A. Commits are SHAs (full or short) or branch names, by the rules of
 * `…/src/{commit}` (§4.7, §8.2.2: a branch whose `/` is sent as `%2F` is not found).
 */
import { authorizeOperation } from '../auth.js'
import type { DiffEntry } from '../git/git-diff.js'
import type { GitRepository } from '../git/git-store.js'
import { ApiError, paginate, sendJson } from '../http.js'
import type { Repository } from '../model.js'
import type { RequestContext, Route } from '../router.js'
import { operation } from '../scopes.js'
import type { EmulatorSettings } from '../settings.js'
import type { Emulator } from '../context.js'
import { repositoryParam } from './params.js'
import { encodePath, link, repoApiBase } from './serializers.js'
import { commitNotFound } from './src-read.js'
import { gitQuotedPath } from './src-tree.js'

const OPERATION = '/repositories/{workspace}/{repo_slug}/diffstat/{spec}'

/** [SPEC] `paginated_diffstats.pagelen`: "The default value is 500 with 5000 being the maximum allowed value." */
const DEFAULT_PAGELEN = 500
const MAX_PAGELEN = 5000

/**
 * A boolean query parameter. `true`/`false` in any case (Python clients send `True`/`False`);
 * anything else is a 400 as for `administrator` in user-routes.ts. UNCONFIRMED: Bitbucket's
 * handling of other spellings is not recorded.
 */
function booleanParam(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name)
  if (raw === null) return fallback
  const value = raw.toLowerCase()
  if (value === 'true') return true
  if (value === 'false') return false
  throw new ApiError(400, `Invalid ${name}`, { detail: `${name} must be true or false.` })
}

/** What a request asks for: the query parameters of [SPEC]'s operation. */
interface DiffstatQuery {
  topic: boolean
  renames: boolean
  ignoreWhitespace: boolean
  /** The `path` values (repeatable), empty for no filter. */
  paths: string[]
}

function readQuery(url: URL, settings: EmulatorSettings): DiffstatQuery {
  // The deprecated `merge` was removed on 2026-09-04 (settings.diffstatMergeParameter).
  if (url.searchParams.has('merge') && settings.diffstatMergeParameter === 'error') {
    throw new ApiError(400, "The 'merge' parameter is no longer supported", {
      detail: "Use the 'topic' parameter instead.",
    })
  }
  return {
    topic: booleanParam(url, 'topic', true),
    renames: booleanParam(url, 'renames', true),
    ignoreWhitespace: booleanParam(url, 'ignore_whitespace', false),
    paths: url.searchParams.getAll('path').filter((path) => path !== ''),
  }
}

/** The error of a `{spec}` that is neither one revision nor `A..B` (settings.diffstatMalformedSpecStatus). */
function malformedSpec(spec: string, settings: EmulatorSettings): ApiError {
  if (settings.diffstatMalformedSpecStatus === 404) return commitNotFound(spec)
  return new ApiError(400, 'Invalid spec', {
    detail: `"${spec}" is neither a commit nor a range of two commits (A..B).`,
  })
}

/** One revision of the spec: a decoded `/` can only have come from `%2F`, which never resolves (§8.2.2). */
async function resolvePart(git: GitRepository, part: string): Promise<string> {
  const sha = part.includes('/') ? null : await git.resolveCommit(part)
  if (!sha) throw commitNotFound(part)
  return sha
}

/** What to diff: tree-ish `from` (null: the empty tree) to `to`, and the commit the `old` side links name. */
interface DiffPlan {
  from: string | null
  to: string
  oldCommit: string | null
}

async function plan(ctx: RequestContext, git: GitRepository, topic: boolean): Promise<DiffPlan> {
  const { settings } = ctx.emulator
  const spec = ctx.params.spec!
  const parts = spec.split('..')
  if (spec.includes('...') || parts.length > 2 || parts.some((part) => part === '')) throw malformedSpec(spec, settings)
  const source = await resolvePart(git, parts[0]!)
  if (parts.length === 1) {
    // "If the spec argument to this API is a single commit, the diff is produced against the first parent" [SPEC].
    const parent = (await git.commitInfo(source)).parents[0] ?? null
    return { from: parent, to: source, oldCommit: parent }
  }
  const destination = await resolvePart(git, parts[1]!)
  if (!topic) return { from: destination, to: source, oldCommit: destination }
  const base = await git.mergeBase(source, destination)
  if (base === null) {
    return settings.diffstatNoMergeBase === 'two-dot'
      ? { from: destination, to: source, oldCommit: destination }
      : { from: null, to: source, oldCommit: null }
  }
  return { from: base, to: source, oldCommit: settings.diffstatTopicOldCommit === 'merge-base' ? base : destination }
}

/**
 * A `path` value as git can take it: leading slashes dropped; null for one that names nothing in a
 * repository (empty, `.` or `..` segments), which then matches no entry.
 */
function cleanPath(path: string): string | null {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '')
  if (trimmed === '' || trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    return null
  return trimmed
}

async function changedPaths(
  git: GitRepository,
  diff: DiffPlan,
  query: DiffstatQuery,
  settings: EmulatorSettings,
): Promise<DiffEntry[]> {
  const requested = query.paths.map(cleanPath)
  const valid = requested.filter((path): path is string => path !== null)
  if (requested.length > 0 && valid.length === 0) return []
  const pathspec = settings.diffstatPathFilter === 'pathspec' ? valid : []
  const entries = await git.diffTrees(diff.from, diff.to, {
    renameSimilarity: query.renames ? settings.diffstatRenameSimilarity : null,
    ignoreWhitespace: query.ignoreWhitespace,
    paths: pathspec,
  })
  if (settings.diffstatPathFilter === 'pathspec' || valid.length === 0) return entries
  const wanted = new Set(valid)
  return entries.filter(
    (entry) =>
      (entry.oldPath !== null && wanted.has(entry.oldPath)) || (entry.newPath !== null && wanted.has(entry.newPath)),
  )
}

/**
 * The `commit_file` of a diffstat side, keyed as [SPEC]'s example: `path`, `escaped_path`, `type`,
 * and only a `self` link to the file at that side's commit (no `meta`, `commit` or `attributes`).
 */
function diffFileJson(emulator: Emulator, repo: Repository, sha: string, path: string): Record<string, unknown> {
  return {
    path,
    escaped_path: emulator.settings.escapedPathStyle === 'git-quoted' ? gitQuotedPath(path) : path,
    type: 'commit_file',
    links: { self: link(`${repoApiBase(emulator, repo)}/src/${sha}/${encodePath(path)}`) },
  }
}

type Status = 'added' | 'removed' | 'modified' | 'renamed'

/** One `diffstat` record, keyed in [SPEC]'s example order; binary content counts 0 lines. */
function recordJson(
  status: Status,
  added: number | null,
  removed: number | null,
  old: Record<string, unknown> | null,
  next: Record<string, unknown> | null,
): Record<string, unknown> {
  return { type: 'diffstat', status, lines_removed: removed ?? 0, lines_added: added ?? 0, old, new: next }
}

const STATUS: Record<DiffEntry['status'], Status> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  T: 'modified',
  R: 'renamed',
}

/** The diffstat records of git's entries, after the whitespace and type-change settings. */
function recordsJson(
  emulator: Emulator,
  repo: Repository,
  diff: DiffPlan,
  entries: readonly DiffEntry[],
): Record<string, unknown>[] {
  const { settings } = emulator
  const oldFile = (path: string | null): Record<string, unknown> | null =>
    path === null || diff.oldCommit === null ? null : diffFileJson(emulator, repo, diff.oldCommit, path)
  const newFile = (path: string | null): Record<string, unknown> | null =>
    path === null ? null : diffFileJson(emulator, repo, diff.to, path)
  const out: Record<string, unknown>[] = []
  for (const entry of entries) {
    // Only `ignore_whitespace` leaves a pair without counts: a whitespace-only change.
    if (!entry.counted && settings.diffstatWhitespaceOnlyChange === 'omit') continue
    const added = entry.counted ? entry.linesAdded : 0
    const removed = entry.counted ? entry.linesRemoved : 0
    if (entry.status === 'T' && settings.diffstatTypeChange === 'removed-added') {
      out.push(recordJson('removed', 0, removed, oldFile(entry.oldPath), null))
      out.push(recordJson('added', added, 0, null, newFile(entry.newPath)))
      continue
    }
    out.push(recordJson(STATUS[entry.status], added, removed, oldFile(entry.oldPath), newFile(entry.newPath)))
  }
  return out
}

async function getDiffstat(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', OPERATION))
  const repo = repositoryParam(ctx)
  const { emulator } = ctx
  const git = emulator.git(repo)
  const query = readQuery(ctx.url, emulator.settings)
  const diff = await plan(ctx, git, query.topic)
  const entries = await changedPaths(git, diff, query, emulator.settings)
  const values = recordsJson(emulator, repo, diff, entries)
  sendJson(
    ctx.res,
    200,
    paginate(ctx.url, emulator.apiUrl, values, emulator.settings, {
      defaultPagelen: DEFAULT_PAGELEN,
      maxPagelen: MAX_PAGELEN,
    }),
  )
}

/** The diffstat route of the API listener. */
export const diffstatRoutes: Route[] = [
  { method: 'GET', template: '/2.0/repositories/{workspace}/{repo_slug}/diffstat/{spec}', handler: getDiffstat },
]
