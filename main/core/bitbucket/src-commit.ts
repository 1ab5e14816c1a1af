/**
 * One change set becomes one commit: a single `POST /2.0/repositories/{ws}/{slug}/src`
 * (bitbucket-api.md §3, §8.1; DESIGN.md §4). Meta fields, one file part per upload streamed from
 * disk, one `files` field per deletion; the answer's `Location` names the new commit. Each
 * upload's git blob hash is computed over the bytes actually sent, so the caller can record in
 * its index exactly what Bitbucket stored.
 */
import { basename } from 'node:path/posix'
import pLimit from 'p-limit'
import type { CredentialKind } from '../../../shared/auth/scope-catalogue.js'
import { silentLogger, type Logger } from '../log/logger.js'
import type { FileMode, Upload } from '../sync/types.js'
import { BitbucketError, type ApiClient, type ApiResponse, type StreamBody } from './api-client.js'
import { CommitRejectedError, commitErrorFrom, TransientUploadError, type CommitTarget } from './commit-errors.js'
import { GitBlobHasher } from '../git/blob-hash.js'
import {
  assertSafeName,
  multipartBody,
  multipartContentType,
  multipartLength,
  newBoundary,
  type Part,
} from './multipart-body.js'
import { prepareUpload, uploadContent, uploadHasher, type PreparedUpload } from './upload-source.js'
import { ReadAhead } from './read-ahead.js'
import { srcCommitPath } from './api-paths.js'
import { processReadGuard, type ReadGuard } from '../fs/read-guard.js'

/** How far the body has gone; `bytesSent` reaches `bytesTotal` when the last byte is handed over. */
export interface CommitProgress {
  bytesSent: number
  bytesTotal: number
  /** The repository path whose bytes are being sent; null between files. */
  currentPath: string | null
  /** Files of this commit whose bytes have all been sent, of `filesTotal` (its uploads). */
  filesDone: number
  filesTotal: number
}

/** What to commit, and where. */
export interface CommitRequest extends CommitTarget {
  /** The commit the change set is based on; Bitbucket answers 409 unless it is the branch tip. Null: on top of the tip. */
  parents: string | null
  message: string
  /** `Name <email>`; omitted: Bitbucket uses the signed-in account. */
  author?: string
  uploads: readonly Upload[]
  /** Repository paths to delete. */
  deletions: readonly string[]
  onProgress?: (progress: CommitProgress) => void
  signal?: AbortSignal
}

/** One file as Bitbucket stored it. */
export interface SentFile {
  repoPath: string
  /** Git blob SHA-1 of the bytes sent. */
  sha: string
  size: number
  mode: FileMode
}

/** The new commit and what it holds of the uploads. */
export interface CommitResult {
  commit: string
  sent: SentFile[]
}

/** What createCommit needs of a session (a `Session` fits). */
export interface CommitDeps {
  api: ApiClient
  /** Asked for a long-lived token before a large upload, so it cannot expire mid-body. */
  tokens?: { token(options?: { minValidityMs?: number }): Promise<string> }
  /** The kind of account, so a missing-scope message can say what to do. */
  account?: { kind: CredentialKind }
  logger?: Logger
  /** Refuses files inside Pail's home; the process's guard (read-guard.ts) when absent. */
  readGuard?: ReadGuard
}

/** Above this many bytes an upload counts as large: it asks for a token that outlives it. */
const LARGE_UPLOAD_BYTES = 8 * 1024 * 1024
const LARGE_UPLOAD_TOKEN_VALIDITY_MS = 15 * 60_000
/** Progress is reported at most once per this many bytes (and at each file and at the end). */
const PROGRESS_STEP = 256 * 1024
/** Uploads whose size is fixed (prepareUpload) at once. */
const PREPARE_CONCURRENCY = 16

/** One attempt's body: sizes fixed, hashers fresh (a retry after a 401 makes a new one). */
interface Attempt {
  prepared: PreparedUpload[]
  hashers: GitBlobHasher[]
  total: number
  body: StreamBody
}

function partsOf(
  request: CommitRequest,
  prepared: PreparedUpload[],
  hashers: GitBlobHasher[],
  guard: ReadGuard,
  track: (path: string | null) => void,
): Part[] {
  const parts: Part[] = [
    { kind: 'field', name: 'message', value: request.message },
    { kind: 'field', name: 'branch', value: request.branch },
  ]
  if (request.parents !== null) parts.push({ kind: 'field', name: 'parents', value: request.parents })
  if (request.author !== undefined) parts.push({ kind: 'field', name: 'author', value: request.author })
  const ahead = new ReadAhead(prepared, hashers, guard)
  prepared.forEach((upload, i) => {
    parts.push({
      kind: 'file',
      name: upload.repoPath,
      filename: basename(upload.repoPath),
      attributes: upload.mode === 'file' ? null : upload.mode,
      size: upload.size,
      content: async function* () {
        track(upload.repoPath)
        if (ahead.covers(i)) yield await ahead.take(i)
        else yield* uploadContent(upload, hashers[i]!, guard)
        track(null)
      },
    })
  })
  for (const path of request.deletions) parts.push({ kind: 'field', name: 'files', value: path })
  return parts
}

/** Where the body stands: the file being sent, and how many are sent whole. */
interface ProgressState {
  path: string | null
  changed: boolean
  filesDone: number
  filesTotal: number
}

/** Wraps the body to count bytes and report progress, throttled. */
async function* withProgress(
  body: AsyncIterable<Uint8Array>,
  total: number,
  state: ProgressState,
  report: ((p: CommitProgress) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  let sent = 0
  let reported = -1
  const emit = (): void => {
    reported = sent
    state.changed = false
    report?.({
      bytesSent: sent,
      bytesTotal: total,
      currentPath: state.path,
      filesDone: state.filesDone,
      filesTotal: state.filesTotal,
    })
  }
  emit()
  for await (const chunk of body) {
    yield chunk
    sent += chunk.length
    if (state.changed || sent - reported >= PROGRESS_STEP || sent === total) emit()
  }
}

async function prepareAttempt(request: CommitRequest, guard: ReadGuard): Promise<Attempt> {
  // Side by side: one after another, each file's checks and stat waited on the thread pool in turn.
  const limit = pLimit(PREPARE_CONCURRENCY)
  const prepared = await Promise.all(request.uploads.map((upload) => limit(() => prepareUpload(upload, guard))))
  const hashers = prepared.map(uploadHasher)
  const state: ProgressState = { path: null, changed: false, filesDone: 0, filesTotal: prepared.length }
  const parts = partsOf(request, prepared, hashers, guard, (path) => {
    // A file's part ends with track(null): all its bytes are in the body.
    if (path === null && state.path !== null) state.filesDone++
    state.path = path
    state.changed = true
  })
  const boundary = newBoundary()
  const total = multipartLength(boundary, parts)
  const body = withProgress(multipartBody(boundary, parts), total, state, request.onProgress)
  // The length is exact (sizes are fixed above), so Bitbucket gets a Content-Length, not chunks.
  return {
    prepared,
    hashers,
    total,
    body: { body, headers: { 'content-type': multipartContentType(boundary), 'content-length': String(total) } },
  }
}

function commitShaOf(location: string | string[] | undefined): string | null {
  const value = Array.isArray(location) ? location[0] : location
  if (!value) return null
  const last = new URL(value, 'http://x/').pathname.split('/').filter(Boolean).at(-1) ?? ''
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(last) ? last.toLowerCase() : null
}

function validate(request: CommitRequest): void {
  for (const upload of request.uploads) assertSafeName(upload.repoPath)
  for (const path of request.deletions) assertSafeName(path)
}

/**
 * Creates one commit with `request.uploads` and `request.deletions`. Throws, for Bitbucket's
 * refusals: StaleParentError, CommitForbiddenError, RepositoryNotFoundError, RateLimitedError,
 * TransientUploadError (also when Bitbucket cannot be reached or the connection drops) or
 * CommitRejectedError (also a 401 that a new token did not mend); for local files that cannot be
 * sent as they were: UploadFileChangedError (a sync FileChangedError) or FileUnreadableError;
 * UnsafeNameError for a path with CR, LF or NUL; ProtectedPathError, before anything is sent, for
 * a file inside Pail's home; BitbucketNameError for a workspace or repository that is not a
 * Bitbucket name; the signal's reason when aborted; and whatever the Authorizer throws after a
 * 401, such as SignedOutError.
 */
export async function createCommit(deps: CommitDeps, request: CommitRequest): Promise<CommitResult> {
  const log = deps.logger ?? silentLogger
  const target = { workspace: request.workspace, repository: request.repository, branch: request.branch }
  validate(request)
  const path = srcCommitPath(request)
  const guard = deps.readGuard ?? (await processReadGuard())
  const started = Date.now()
  let pending: Attempt | null = await prepareAttempt(request, guard)
  if (deps.tokens && pending.total >= LARGE_UPLOAD_BYTES)
    await deps.tokens.token({ minValidityMs: LARGE_UPLOAD_TOKEN_VALIDITY_MS })
  let latest = pending
  let response: ApiResponse
  try {
    response = await deps.api.sendStream(
      'POST',
      path,
      async () => {
        // The first attempt was prepared above; the retry after a 401 re-reads every file.
        latest = pending ?? (await prepareAttempt(request, guard))
        pending = null
        return latest.body
      },
      request.signal ? { signal: request.signal } : {},
    )
  } catch (error) {
    if (error instanceof BitbucketError && error.status === 0) {
      log.warn('commit.failed', { ...target, code: 'commit.transient', status: 0 })
      throw new TransientUploadError(
        'commit.transient',
        0,
        `${error.message} The upload did not complete; Pail will try again.`,
      )
    }
    throw error
  }
  if (response.status !== 201) {
    const error = commitErrorFrom(response, target, deps.account?.kind)
    log.warn('commit.failed', { ...target, code: error.code, status: response.status })
    throw error
  }
  const commit = commitShaOf(response.headers.location)
  if (!commit)
    throw new CommitRejectedError(
      'commit.no-location',
      201,
      'Bitbucket accepted the commit but did not say which commit it made. Pail will compare with the branch as it is now.',
    )
  const attempt = latest
  const sent = await Promise.all(
    attempt.prepared.map(async (p, i) => ({
      repoPath: p.repoPath,
      sha: await attempt.hashers[i]!.finish(),
      size: p.size,
      mode: p.mode,
    })),
  )
  log.info('commit.created', {
    ...target,
    commit,
    files: sent.length,
    deletions: request.deletions.length,
    bytes: latest.total,
    ms: Date.now() - started,
  })
  return { commit, sent }
}
