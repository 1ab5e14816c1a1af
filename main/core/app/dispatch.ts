/**
 * The one entry to the core for both shells: a channel name and a payload from the window in, a
 * `Result` out. The channel must be one of the contract's; the payload is checked with the
 * channel's zod schema before any core code runs, and a refusal names the field in plain words.
 * A handler's error becomes a `UserError`: the core's own errors keep their sentences; anything
 * unexpected becomes a general sentence, its detail only in the log.
 */
import type { z } from 'zod'
import { BitbucketNameError } from '../../../shared/bitbucket/names.js'
import { RepoPathError } from '../../../shared/bitbucket/repo-path.js'
import { channelNames, invokeChannels, type ChannelName, type Handlers } from '../../../shared/ipc/contract.js'
import { fail, ok, type Result, type UserError } from '../../../shared/result.js'
import { SignedOutError } from '../auth/token-source.js'
import { SignInFailed } from '../auth/auth-service.js'
import { SignInError } from '../auth/loopback-listener.js'
import { TokenEndpointError } from '../auth/oauth-client.js'
import { BitbucketError, UnsafeRequestError } from '../bitbucket/api-client.js'
import { CommitError, FileUnreadableError } from '../bitbucket/commit-errors.js'
import { ProvisioningError } from '../config/provisioning.js'
import { ProtectedPathError } from '../fs/read-guard.js'
import { silentLogger, type Logger } from '../log/logger.js'
import { LockHeldError } from '../store/home-locks.js'
import { PairError } from '../sync/pairs/pair-store.js'
import { HoldError } from '../sync/pass/hold-store.js'
import { UploadRequestError } from '../upload/manual-upload.js'
import { AppError } from './app-error.js'

const known = new Set<string>(channelNames)

/** Errors whose message is already a sentence for people, with the code they go by. */
const plainErrors: [new (...args: never[]) => Error, string][] = [
  [PairError, 'folders.invalid'],
  [HoldError, 'hold.invalid'],
  [SignInFailed, 'auth.sign-in-failed'],
  [SignInError, 'auth.sign-in-failed'],
  [TokenEndpointError, 'auth.sign-in-failed'],
  [SignedOutError, 'auth.signed-out'],
  [ProvisioningError, 'auth.provisioning-invalid'],
  [UploadRequestError, 'upload.invalid'],
  [ProtectedPathError, 'read-guard.pail-home'],
  [FileUnreadableError, 'upload.file-unreadable'],
  [LockHeldError, 'lock.held'],
  [BitbucketNameError, 'names.invalid'],
  [RepoPathError, 'names.invalid-path'],
  [UnsafeRequestError, 'api.unsafe-request'],
]

/** The contract's fields by the names the window gives them (issue 9's labels). */
const fieldLabels: Record<string, string> = {
  folder: 'Folder',
  workspace: 'Repository',
  repository: 'Repository',
  branch: 'Branch',
  pathInRepo: 'Path in repository',
  message: 'Message',
  pairId: 'folder',
  query: 'Search history',
  commitMessageTemplate: 'Commit message template',
  text: 'text',
  until: 'pause',
  key: 'Key',
  secret: 'Secret',
}

/** A zod refusal in words: which field, and what is wrong with it. */
function refusal(error: z.ZodError): UserError {
  const issue = error.issues[0]
  const path = issue?.path.map(String) ?? []
  const last = path.at(-1)
  const field = last === undefined ? null : (fieldLabels[last] ?? path.join('.'))
  const what = (issue?.message ?? 'is not what Pail expects').replace(/[.]$/, '')
  // The contract's own messages are sentences ("Choose a folder."), zod's and a few of ours are predicates.
  const sentence = /^[a-z]/.test(what)
    ? `${field ? `“${field}”` : 'The request'} ${what}.`
    : `${field ? `“${field}”: ` : ''}${what}.`
  return { code: 'request.invalid', message: sentence, action: 'Check what you entered and try again.' }
}

/** A handler's error as the window shows it. */
export function toUserError(error: unknown, logger: Logger, channel: string): UserError {
  if (error instanceof AppError) return error.toUserError()
  const own = (error as { toUserError?: unknown } | null)?.toUserError
  if (typeof own === 'function') return (own as () => UserError).call(error)
  if (error instanceof CommitError) return { code: error.code, message: error.message }
  for (const [type, code] of plainErrors) if (error instanceof type) return { code, message: error.message }
  if (error instanceof BitbucketError) {
    logger.warn('app.bitbucket-error', { channel, status: error.status, error: error.message })
    if (error.status === 0)
      return {
        code: 'bitbucket.unreachable',
        message: 'Pail could not reach Bitbucket.',
        action: 'Check the internet connection and try again.',
      }
    if (error.status === 401)
      return {
        code: 'auth.signed-out',
        message: 'Bitbucket did not accept your sign-in.',
        action: 'Sign in with Bitbucket again.',
      }
    if (error.status === 403 || error.status === 404)
      return {
        code: 'bitbucket.no-access',
        message: `Bitbucket says you cannot see or change that (${error.message}).`,
        action: 'Check the repository name, or ask your Bitbucket admin for permission.',
      }
    return {
      code: 'bitbucket.error',
      message: `Bitbucket answered with an error: ${error.message}`,
      action: 'Try again later.',
    }
  }
  logger.error('app.handler-failed', { channel, error })
  return {
    code: 'app.internal',
    message: 'Something went wrong in Pail and this was not done.',
    action:
      "Try again. If it keeps happening, send Pail's log (in Pail's folder, logs/pail.log) to whoever supports you.",
  }
}

/**
 * Runs `channel` with `payload` on `handlers`: never throws, always a Result. `logger` gets the
 * detail of unexpected errors.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  payload: unknown,
  logger: Logger = silentLogger,
): Promise<Result<unknown>> {
  if (!known.has(channel))
    return fail({
      code: 'request.unknown-channel',
      message: `Pail has no request called “${channel.slice(0, 80)}”.`,
      action: 'Reload the window; if it keeps happening, this window and Pail are of different versions.',
    })
  const name = channel as ChannelName
  const schema: z.ZodType = invokeChannels[name].input
  const parsed = schema.safeParse(payload)
  if (!parsed.success) return fail(refusal(parsed.error))
  try {
    // The payload was parsed by this very channel's schema, so it is that channel's input.
    const handler = handlers[name] as (input: unknown) => Promise<unknown>
    return ok(await handler(parsed.data))
  } catch (error) {
    return fail(toUserError(error, logger, name))
  }
}
