/**
 * `POST /2.0/repositories/{workspace}/{repo_slug}/src`: "Create a commit by uploading a file"
 * (bitbucket-api.md §3, §8.1). Meta fields come from the body only; a `?branch=` query is
 * ignored, as observed (§8.1.1). Success is `201` with an empty body and a `Location` whose last
 * segment is the new commit's SHA.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { authorizeOperation, requireRepository } from '../auth.js'
import { ApiError, mediaType } from '../http.js'
import type { RequestContext, Route } from '../router.js'
import { operation } from '../scopes.js'
import { boundaryOf, MultipartError, parseMultipart } from './multipart.js'
import { commitPlan, uploadChanges } from './src-commit.js'
import { FormCollector, type SrcForm } from './src-form.js'
import { planCommit } from './src-plan.js'
import { parseUrlencoded, UrlencodedError } from './urlencoded.js'

/** §8.1.2, observed text (`BitbucketPHP/Client` #10). */
export const UNSUPPORTED_CONTENT_TYPE =
  'Unsupported Content-Type; use multipart/form-data or application/x-www-form-urlencoded'

/**
 * The emulator's own header (not Bitbucket's) telling a test the repository passed
 * `repositorySizeWarningBytes`; how Bitbucket warns over the API is UNCONFIRMED.
 */
export const SIZE_WARNING_HEADER = 'x-emulator-repository-size-warning'

function gigabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GB`
}

/** Streams the body into memory, temporary files and meta values. */
async function readForm(ctx: RequestContext, tempDir: () => Promise<string>): Promise<SrcForm> {
  const type = mediaType(ctx.req)
  const collector = new FormCollector(tempDir, ctx.emulator.settings)
  try {
    if (type === 'multipart/form-data') {
      const boundary = boundaryOf(ctx.req.headers['content-type'] ?? '')
      if (boundary === null) throw new ApiError(400, 'Malformed multipart body: no boundary in the Content-Type')
      await parseMultipart(ctx.req, boundary, (head) => collector.openPart(head))
    } else if (type === 'application/x-www-form-urlencoded') {
      await parseUrlencoded(ctx.req, (name) => collector.openField(name))
    } else {
      throw new ApiError(400, UNSUPPORTED_CONTENT_TYPE)
    }
  } catch (error) {
    if (error instanceof MultipartError || error instanceof UrlencodedError) throw new ApiError(400, error.message)
    throw error
  } finally {
    await collector.close()
  }
  return collector.form
}

async function createCommit(ctx: RequestContext): Promise<void> {
  const { emulator, params, res } = ctx
  const credential = authorizeOperation(ctx, operation('POST', '/repositories/{workspace}/{repo_slug}/src'))
  const repo = requireRepository(ctx, params.workspace!, params.repo_slug!, 'write')
  const git = emulator.git(repo)
  const { settings } = emulator
  // UNCONFIRMED (size limits in "Changes in force"): the API's answer past the limit; a setting.
  // The size counted after the last commit serves while nothing wrote since (one count per POST).
  const size = await git.knownSizeBytes()
  if (size > settings.repositorySizeLimitBytes) {
    throw new ApiError(
      settings.repositorySizeLimitStatus,
      `Repository is over the size limit (${gigabytes(settings.repositorySizeLimitBytes)}) and will not accept further additions.`,
    )
  }
  // Made only when a part is too large for memory: most requests need no temporary file.
  let tempDir: Promise<string> | null = null
  const makeTempDir = (): Promise<string> => (tempDir ??= mkdtemp(join(tmpdir(), 'emu-upload-')))
  try {
    const form = await readForm(ctx, makeTempDir)
    const plan = await planCommit(form, credential, settings, git)
    const changes = await uploadChanges(git, plan)
    const { sha, sizeBytes: after } = await commitPlan(git, plan, changes, settings)
    repo.updatedOn = new Date().toISOString().replace('Z', '+00:00')
    emulator.world.save()
    const headers: Record<string, string> = {
      location: `${emulator.apiUrl}/2.0/repositories/${encodeURIComponent(repo.workspace)}/${encodeURIComponent(repo.slug)}/commit/${sha}`,
      'content-length': '0',
    }
    if (after > settings.repositorySizeWarningBytes)
      headers[SIZE_WARNING_HEADER] =
        `${after} bytes used; the warning size is ${settings.repositorySizeWarningBytes} bytes`
    res.writeHead(201, headers)
    res.end()
  } finally {
    if (tempDir !== null)
      await (tempDir as Promise<string>).then(
        (dir) => rm(dir, { recursive: true, force: true }),
        () => undefined,
      )
  }
}

/** The one write route of the REST API. */
export const srcWriteRoutes: Route[] = [
  { method: 'POST', template: '/2.0/repositories/{workspace}/{repo_slug}/src', handler: createCommit },
]
