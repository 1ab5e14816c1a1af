/**
 * Reading trees and files (bitbucket-api.md §4.7, §8.2): `GET …/src` redirects to the main
 * branch's root listing; `GET …/src/{commit}/{path}` streams raw bytes, answers `format=meta`
 * with a `commit_file` / `commit_directory`, or lists a directory (paginated, `q`, `sort`,
 * `max_depth`).
 */
import { createHash } from 'node:crypto'
import { authorizeOperation, requireRepository } from '../auth.js'
import type { GitRepository, TreeEntry } from '../git/git-store.js'
import { ApiError, sendJson } from '../http.js'
import type { Repository } from '../model.js'
import type { RequestContext, Route } from '../router.js'
import { operation } from '../scopes.js'
import { contentTypeFor } from './content-type.js'
import { sendListing } from './listing.js'
import { repoApiBase } from './serializers.js'
import { entriesJson, entryAttributes, entryJson, walkDirectory } from './src-tree.js'

const REPO = '/2.0/repositories/{workspace}/{repo_slug}'

/**
 * The 404 of an unknown revision, with the body of the public fixture quoted in §4.1
 * (`data.shas` both inside `error` and at the top level).
 */
export function commitNotFound(rev: string): ApiError {
  return new ApiError(404, 'Commit not found', { data: { shas: [rev] }, topLevelData: { shas: [rev] } })
}

/** The 404 of a missing path: `No such file or directory: <path>` (`MunifTanjim/node-bitbucket` #58, §8.2.1). */
export function noSuchFile(path: string): ApiError {
  return new ApiError(404, `No such file or directory: ${path}`)
}

const ENCODED_SLASH = /%2f/i

/**
 * Resolves the `{commit}` segment: a SHA or a branch name. A branch whose `/` is sent as `%2F`
 * is not found (§8.2.2), so an encoded slash never resolves.
 */
async function resolveRevision(ctx: RequestContext, git: GitRepository): Promise<string> {
  const sha = ENCODED_SLASH.test(ctx.rawParams.commit!) ? null : await git.resolveCommit(ctx.params.commit!)
  if (!sha) throw commitNotFound(ctx.params.commit!)
  return sha
}

function maxDepth(ctx: RequestContext): number {
  const raw = ctx.url.searchParams.get('max_depth')
  if (raw === null) return 1
  const depth = Number(raw)
  if (!Number.isInteger(depth) || depth < 1)
    throw new ApiError(400, 'Invalid max_depth', { detail: 'max_depth must be a positive integer.' })
  // §4.7: "If the max_depth parameter is specified to be too large, the call will time out and return a 555."
  if (depth > ctx.emulator.settings.maxDepthBeforeTimeout)
    throw new ApiError(555, ctx.emulator.settings.maxDepthTimeoutMessage)
  return depth
}

/** Raw bytes: extension-based type without charset, `attachment`, and an ETag of content + attributes (§4.7). */
async function sendRaw(ctx: RequestContext, git: GitRepository, entry: TreeEntry): Promise<void> {
  const attributes = await entryAttributes(git, entry)
  // "an empty __init__.py always returns the same ETag, regardless on the directory it lives in, or the commit"
  const etag = `"${createHash('sha1')
    .update(`${entry.sha}\0${attributes.join(',')}`)
    .digest('hex')}"`
  const headers: Record<string, string | number> = {
    'content-type': contentTypeFor(entry.path, ctx.emulator.settings.srcDefaultContentType),
    'content-disposition': 'attachment',
    etag,
  }
  if (entry.type === 'commit') {
    // A submodule's "contents of the file is the SHA1 of the repository pointed to".
    ctx.res.writeHead(200, { ...headers, 'content-length': entry.sha.length })
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : entry.sha)
    return
  }
  ctx.res.writeHead(200, { ...headers, 'content-length': entry.size ?? 0 })
  if (ctx.req.method === 'HEAD') {
    ctx.res.end()
    return
  }
  const stream = git.readBlob(entry.sha)
  await new Promise<void>((resolve) => {
    stream.on('error', () => {
      ctx.res.destroy()
      resolve()
    })
    ctx.res.on('close', () => {
      stream.destroy()
      resolve()
    })
    stream.pipe(ctx.res)
  })
}

/** Splits the `{path+}` rest into a clean repository path, refusing what git cannot hold. */
function repositoryPath(ctx: RequestContext): { path: string; trailingSlash: boolean } {
  const decoded = ctx.params.path!
  // §8.2.1: an encoded slash inside the path is not a separator, and no such file exists.
  if (ENCODED_SLASH.test(ctx.rawParams.path!)) throw noSuchFile(decoded)
  const trailingSlash = decoded === '' || decoded.endsWith('/')
  const path = decoded.replace(/\/+$/, '')
  if (path !== '' && path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw noSuchFile(path)
  return { path, trailingSlash }
}

async function readSource(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', '/repositories/{workspace}/{repo_slug}/src/{commit}/{path}'))
  const repo = requireRepository(ctx, ctx.params.workspace!, ctx.params.repo_slug!, 'read')
  const git = ctx.emulator.git(repo)
  const sha = await resolveRevision(ctx, git)
  const { path, trailingSlash } = repositoryPath(ctx)
  const entry = await git.entry(sha, path)
  if (!entry) throw noSuchFile(path)
  const meta = ctx.url.searchParams.get('format') === 'meta'
  if (entry.type === 'tree') {
    if (meta) return sendJson(ctx.res, 200, await entryJson(ctx.emulator, repo, sha, entry))
    return listDirectory(ctx, repo, sha, path)
  }
  // A file addressed like a directory does not exist as such.
  if (trailingSlash) throw noSuchFile(path)
  if (meta) return sendJson(ctx.res, 200, await entryJson(ctx.emulator, repo, sha, entry))
  return sendRaw(ctx, git, entry)
}

async function listDirectory(ctx: RequestContext, repo: Repository, sha: string, path: string): Promise<void> {
  const depth = maxDepth(ctx)
  const entries = await walkDirectory(ctx.emulator.git(repo), sha, path, depth)
  sendListing(ctx, await entriesJson(ctx.emulator, repo, sha, entries))
}

/** `GET …/src`: "redirects the client to the directory listing of the root directory on the main branch" (§4.7). */
async function redirectToRoot(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', '/repositories/{workspace}/{repo_slug}/src'))
  const repo = requireRepository(ctx, ctx.params.workspace!, ctx.params.repo_slug!, 'read')
  const git = ctx.emulator.git(repo)
  const branch = await git.headBranch()
  const tip = await git.branchTip(branch)
  if (!tip) throw commitNotFound(branch)
  // UNCONFIRMED: the status (settings.srcRootRedirectStatus) and whether the target is the SHA or the branch.
  const target = ctx.emulator.settings.srcRootRedirectTarget === 'sha' ? tip : encodeURIComponent(branch)
  const location = `${repoApiBase(ctx.emulator, repo)}/src/${target}/${ctx.url.search}`
  ctx.res.writeHead(ctx.emulator.settings.srcRootRedirectStatus, { location, 'content-length': 0 })
  ctx.res.end()
}

/** The src read routes of the API listener. */
export const srcReadRoutes: Route[] = [
  { method: 'GET', template: `${REPO}/src`, handler: redirectToRoot },
  { method: 'GET', template: `${REPO}/src/{commit}/{path+}`, handler: readSource },
]
