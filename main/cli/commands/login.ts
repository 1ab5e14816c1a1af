/**
 * `pail login`: in the browser (default), `--client-credentials --key K --secret S`,
 * `--access-token T [--repo ws/slug | --workspace ws]`, or `--api-token T --email E`.
 */
import { parseArgs } from 'node:util'
import { featureReadiness } from '../../../shared/auth/scope-catalogue.js'
import type { AccountRecord } from '../../core/auth/account.js'
import { CliError, parseRepo, type CliContext } from '../cli-context.js'

export const loginUsage = `Usage:
  pail login                                   sign in in your browser
  pail login --client-credentials --key K --secret S
                                               sign in as a private OAuth consumer (unattended)
  pail login --access-token T --repo WORKSPACE/REPO
  pail login --access-token T --workspace WORKSPACE
                                               use a repository, project or workspace access token
  pail login --api-token T --email E           use an Atlassian API token with your account email
Options: --timeout SECONDS (browser sign-in, default 300)`

function summary(account: AccountRecord): string {
  const ready = featureReadiness(account.kind, account.scopes)
  const missing = ready.filter((f) => !f.ready)
  let text = `Signed in as ${account.displayName}.\n`
  if (missing.length > 0) text += missing.map((f) => `  Not available: ${f.advice}\n`).join('')
  return text
}

export async function login(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'client-credentials': { type: 'boolean', default: false },
      key: { type: 'string' },
      secret: { type: 'string' },
      'access-token': { type: 'string' },
      repo: { type: 'string' },
      workspace: { type: 'string' },
      'api-token': { type: 'string' },
      email: { type: 'string' },
      timeout: { type: 'string' },
    },
    strict: true,
  })
  if (values['client-credentials']) {
    const key = values.key ?? ctx.provisioning.consumer?.key
    const secret = values.secret ?? ctx.provisioning.consumer?.secret
    if (!key || !secret)
      throw new CliError(
        'Signing in as a private consumer needs its key and secret: pail login --client-credentials --key K --secret S',
        2,
      )
    ctx.out(summary(await ctx.auth.signInWithClientCredentials({ key, secret })))
    return 0
  }
  if (values['access-token'] !== undefined) {
    const token = values['access-token'].trim()
    if (!token) throw new CliError('The access token is empty. Paste the whole token after --access-token.', 2)
    const fallback = ctx.provisioning.defaultRepository
    const resource = values.repo
      ? { ...parseRepo(values.repo) }
      : values.workspace
        ? { workspace: values.workspace, repository: null }
        : fallback
          ? { workspace: fallback.workspace, repository: fallback.slug }
          : null
    if (!resource)
      throw new CliError(
        'Say which repository the access token is for: --repo workspace/repository (or --workspace for a workspace token). Access tokens cannot tell Bitbucket who they are.',
        2,
      )
    ctx.out(summary(await ctx.auth.signInWithAccessToken(token, resource)))
    return 0
  }
  if (values['api-token'] !== undefined) {
    if (!values.email)
      throw new CliError(
        'An API token goes with the email address of your Atlassian account: add --email you@example.com',
        2,
      )
    ctx.out(summary(await ctx.auth.signInWithApiToken(values.email, values['api-token'].trim())))
    return 0
  }
  const timeoutSeconds = values.timeout === undefined ? 300 : Number(values.timeout)
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliError(`--timeout takes a number of seconds, not "${values.timeout}".`, 2)
  const controller = new AbortController()
  const onInterrupt = (): void => controller.abort()
  process.once('SIGINT', onInterrupt)
  try {
    const account = await ctx.auth.signInWithBrowser({
      timeoutMs: timeoutSeconds * 1000,
      signal: controller.signal,
      onAuthorizationUrl: (url, opened) => {
        ctx.err(
          opened
            ? 'Your browser is open at Bitbucket. Approve Pail there to finish signing in.\n'
            : `Open this address in a browser to sign in:\n\n  ${url}\n\nWaiting for you to approve Pail…\n`,
        )
      },
    })
    ctx.out(summary(account))
    return 0
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}
