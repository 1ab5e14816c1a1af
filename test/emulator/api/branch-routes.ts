/**
 * Branches and commits (bitbucket-api.md §4.6): `GET …/refs/branches` (git's lexical order by
 * default, natural order for `sort=name`), `GET …/refs/branches/{name}` and `GET …/commit/{commit}`
 * (the `Location` of a `POST …/src` points there, §3).
 */
import { authorizeOperation } from '../auth.js'
import { ApiError, noApiHere, sendJson } from '../http.js'
import type { RequestContext, Route } from '../router.js'
import { operation } from '../scopes.js'
import { branchJson, commitJson } from './commit-serializers.js'
import { sendListing } from './listing.js'
import { repositoryParam } from './params.js'
import { commitNotFound } from './src-read.js'

const REPO = '/2.0/repositories/{workspace}/{repo_slug}'

/** The message of an unknown branch; Bitbucket's text is not recorded, clients go by the 404. */
function branchNotFound(): ApiError {
  return new ApiError(404, 'Branch not found')
}

async function listBranches(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', '/repositories/{workspace}/{repo_slug}/refs/branches'))
  const repo = repositoryParam(ctx)
  const git = ctx.emulator.git(repo)
  // for-each-ref sorts by refname, byte-wise: "identical to the ordering one sees when running git branch --list".
  const branches = await git.branches()
  const values = await Promise.all(
    branches.map(async ({ name, sha }) => branchJson(ctx.emulator, repo, name, await git.commitInfo(sha))),
  )
  sendListing(ctx, values, { naturalSort: ['name'] })
}

/**
 * One branch. The name is the rest of the path, so `feature/x` may come as `feature%2Fx` (the
 * recorded fixtures) or with a literal slash ([SPEC]'s own links); which forms Bitbucket takes is
 * UNCONFIRMED, hence settings.branchSlashInRefPath.
 */
async function getBranch(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', '/repositories/{workspace}/{repo_slug}/refs/branches/{name}'))
  const repo = repositoryParam(ctx)
  const raw = ctx.rawParams.name!
  const name = ctx.params.name!
  if (name === '') throw noApiHere()
  const form = ctx.emulator.settings.branchSlashInRefPath
  if ((form === 'encoded' && raw.includes('/')) || (form === 'literal' && /%2f/i.test(raw))) throw branchNotFound()
  if (name.startsWith('-') || name.split('/').some((part) => part === '' || part === '..')) throw branchNotFound()
  const git = ctx.emulator.git(repo)
  const tip = await git.branchTip(name)
  if (!tip) throw branchNotFound()
  sendJson(ctx.res, 200, branchJson(ctx.emulator, repo, name, await git.commitInfo(tip)))
}

async function getCommit(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', '/repositories/{workspace}/{repo_slug}/commit/{commit}'))
  const repo = repositoryParam(ctx)
  const git = ctx.emulator.git(repo)
  const sha = await git.resolveCommit(ctx.params.commit!)
  if (!sha) throw commitNotFound(ctx.params.commit!)
  sendJson(ctx.res, 200, commitJson(ctx.emulator, repo, await git.commitInfo(sha), true))
}

/** Branch and commit routes. */
export const branchRoutes: Route[] = [
  { method: 'GET', template: `${REPO}/refs/branches`, handler: listBranches },
  { method: 'GET', template: `${REPO}/refs/branches/{name+}`, handler: getBranch },
  { method: 'GET', template: `${REPO}/commit/{commit}`, handler: getCommit },
]
