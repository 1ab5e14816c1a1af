/**
 * The ways a `POST …/src` commit can fail, as typed errors the sync engine can act on (DESIGN.md
 * §4: a stale parent re-reads the tip, transient failures back off, a rate limit backs off for
 * longer, a missing scope or permission needs a person). Messages are for people.
 */
import {
  effectiveScopes,
  featureReadiness,
  describeScope,
  type CredentialKind,
} from '../../../shared/auth/scope-catalogue.js'
import { FileChangedError } from '../git/blob-hash.js'
import { ApiClient, BitbucketError, headerValue, type ApiResponse } from './api-client.js'

/** Every failure of a commit that came from Bitbucket's answer (or the lack of one). */
export class CommitError extends BitbucketError {
  constructor(
    readonly code: string,
    status: number,
    message: string,
    detail: unknown = null,
  ) {
    super(status, message, detail)
  }
}

/** 409 (the branch moved since `parents`), or a parent Bitbucket no longer has: re-read the tip. */
export class StaleParentError extends CommitError {}

/** 403: either the sign-in lacks a scope, or the person lacks write access to the repository or branch. */
export class CommitForbiddenError extends CommitError {
  constructor(
    readonly reason: 'missing-scope' | 'no-write-access',
    /** Scope ids Bitbucket asked for that the credential does not have (empty for `no-write-access`). */
    readonly missingScopes: string[],
    message: string,
    detail: unknown,
  ) {
    super(reason === 'missing-scope' ? 'commit.missing-scope' : 'commit.no-write-access', 403, message, detail)
  }
}

/** 404: no such repository, or one the account cannot see. */
export class RepositoryNotFoundError extends CommitError {}

/** 429: back off; Bitbucket usually says nothing about how long (§5). */
export class RateLimitedError extends CommitError {
  constructor(
    message: string,
    /** From `Retry-After` when Bitbucket sent one; null otherwise. */
    readonly retryAfterMs: number | null,
  ) {
    super('commit.rate-limited', 429, message)
  }
}

/** 5xx, Bitbucket unreachable, or the connection dropped: try again later (after a 409, the engine sees whether it landed). */
export class TransientUploadError extends CommitError {}

/** Any other refusal (a path Bitbucket does not accept, a credential refused twice): needs a person. */
export class CommitRejectedError extends CommitError {}

/**
 * A local file changed under the upload so that its bytes can no longer be sent as they were:
 * the scanner's FileChangedError ("dirty again, not broken"), so the engine treats both alike and
 * rescans, with the repository path it concerns.
 */
export class UploadFileChangedError extends FileChangedError {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** A local file Pail is not allowed to read (or another I/O error): needs a person. */
export class FileUnreadableError extends Error {
  readonly code = 'commit.file-unreadable'

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}

/** Where the commit was going, for messages. */
export interface CommitTarget {
  workspace: string
  repository: string
  branch: string
}

/** §4.1's `{type, error: {message, detail, data}}`, read loosely. */
interface Envelope {
  data?: { shas?: unknown }
  error?: { message?: string; detail?: unknown; data?: { shas?: unknown } }
}

function envelopeOf(response: ApiResponse): Envelope {
  try {
    return JSON.parse(response.body.toString('utf8')) as Envelope
  } catch {
    return {}
  }
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

const SCOPE_MESSAGE = /lack one or more required privilege scopes/i

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** The plain-words 403: which scope is missing (with what to do), or write access / branch restriction. */
function forbidden(
  error: BitbucketError,
  target: CommitTarget,
  kind: CredentialKind | undefined,
): CommitForbiddenError {
  // Bitbucket's detail is `{required, granted}` here (§4.1 allows any shape, a string included).
  const detail: { required?: unknown; granted?: unknown } =
    typeof error.detail === 'object' && error.detail !== null ? error.detail : {}
  if (SCOPE_MESSAGE.test(error.message)) {
    const required = stringList(detail.required)
    // OAuth implications are safe for any kind: API-token scope names appear in none of them (§2.3).
    const granted = 'granted' in detail ? effectiveScopes('oauth', stringList(detail.granted)) : null
    const missing = granted ? required.filter((s) => !granted.has(s)) : required
    const names = (missing.length > 0 ? missing : ['repository:write']).map((s) => describeScope(s).label).join(' and ')
    // With the account's kind, the scope catalogue's own advice, word for word what the UI shows.
    const upload =
      kind && granted
        ? featureReadiness(kind, stringList(detail.granted)).find((f) => f.feature === 'upload' && !f.ready)
        : undefined
    const message = upload
      ? `Pail cannot upload to ${target.workspace}/${target.repository}. ${upload.advice}`
      : `Pail cannot upload to ${target.workspace}/${target.repository}: its sign-in lacks the permission ${names}. Ask your Bitbucket admin to give Pail this permission, then sign in again.`
    return new CommitForbiddenError('missing-scope', missing, message, error.detail)
  }
  return new CommitForbiddenError(
    'no-write-access',
    [],
    `You cannot write to ${target.workspace}/${target.repository}: you do not have write access to the repository, or the branch "${target.branch}" only accepts changes from certain people. Ask an admin of the repository for write access (or to let you push to that branch).`,
    error.detail,
  )
}

/** The typed error for a non-201 answer to `POST …/src`. */
export function commitErrorFrom(response: ApiResponse, target: CommitTarget, kind?: CredentialKind): CommitError {
  let error = new BitbucketError(response.status, `HTTP ${response.status}`)
  try {
    ApiClient.check(response)
  } catch (thrown) {
    if (thrown instanceof BitbucketError) error = thrown
  }
  const { status } = response
  const where = `${target.workspace}/${target.repository}`
  const envelope = status === 400 || status === 404 ? envelopeOf(response) : {}
  // "Commit not found" for `parents` (§3): the base was rewritten away; re-reading the tip helps as for a 409.
  if (
    envelope.error?.data?.shas !== undefined ||
    envelope.data?.shas !== undefined ||
    (status !== 409 && /^commit not found$/i.test(error.message))
  ) {
    return new StaleParentError(
      'commit.unknown-parent',
      status,
      `The commit Pail last synced with is no longer on Bitbucket (${where}, branch "${target.branch}"): its history was rewritten. Pail will compare with the branch as it is now.`,
      error.detail,
    )
  }
  switch (true) {
    case status === 409:
      return new StaleParentError(
        'commit.stale-parent',
        409,
        `Someone else changed the branch "${target.branch}" of ${where} while Pail was uploading. Pail will look at their changes and try again.`,
        error.detail,
      )
    case status === 403:
      return forbidden(error, target, kind)
    case status === 404:
      return new RepositoryNotFoundError(
        'commit.repository-not-found',
        404,
        `Bitbucket has no repository ${where}, or your account cannot see it. Check the workspace and repository names, and that you still have access.`,
        error.detail,
      )
    case status === 429:
      return new RateLimitedError(
        'Bitbucket is limiting how often Pail may upload right now. Pail will wait and try again.',
        retryAfterMs(headerValue(response.headers, 'retry-after')),
      )
    case status >= 500:
      return new TransientUploadError(
        'commit.transient',
        status,
        `Bitbucket had a problem saving the commit (${status}: ${error.message}). Pail will try again.`,
        error.detail,
      )
    case status === 401:
      return new CommitRejectedError(
        'commit.unauthorized',
        401,
        `Bitbucket did not accept Pail's sign-in (${error.message}). Sign in again.`,
        error.detail,
      )
    default:
      return new CommitRejectedError(
        'commit.rejected',
        status,
        `Bitbucket refused the commit to ${where}: ${error.message}`,
        error.detail,
      )
  }
}
