/**
 * `pail login`: in the browser (default), as a private consumer (`--client-credentials`), with an
 * access token (`--access-token --repo ws/slug | --workspace ws`) or with an Atlassian API token
 * (`--api-token --email E`). Secrets are read without echo, from standard input, or from the
 * provisioning file, never needed on the command line (secret-input.ts).
 */
import { parseArgs } from 'node:util'
import { featureReadiness } from '../../../shared/auth/scope-catalogue.js'
import type { AccountRecord } from '../../core/auth/account.js'
import { CliError, parseRepo, parseWorkspace, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'
import { commandLineSecretWarning, readSecret, takeSecretFlags } from '../secret-input.js'

const options = {
  'client-credentials': { type: 'boolean', default: false },
  key: { type: 'string' },
  secret: { type: 'string' },
  'access-token': { type: 'string' },
  repo: { type: 'string' },
  workspace: { type: 'string' },
  'api-token': { type: 'string' },
  email: { type: 'string' },
  timeout: { type: 'string' },
} as const

const SECRET_FLAGS = ['secret', 'access-token', 'api-token'] as const

const help = `Usage:
  pail login [--timeout SECONDS]
      Sign in in your browser (the default). --timeout: how long to wait for you to approve
      Pail there, in seconds (default 300).
  pail login --client-credentials [--key KEY] [--secret]
      Sign in as a private OAuth consumer (unattended machines). The key and secret come from
      Pail's provisioning file; --key names another consumer, whose secret Pail then asks for.
  pail login --access-token [--repo WORKSPACE/REPOSITORY | --workspace WORKSPACE]
      Use a repository, project or workspace access token. --repo names the repository it is
      for (default: the provisioning file's repository), --workspace a workspace token's workspace.
  pail login --api-token --email EMAIL
      Use an Atlassian API token with the email address of your Atlassian account.

Secrets (--secret, --access-token, --api-token) are best left without a value: Pail then asks
for them without showing what you type, or, when standard input is not a terminal, reads the
first line of it:
  echo "$TOKEN" | pail login --access-token --repo WORKSPACE/REPOSITORY
A flag followed by nothing or by another option (--repo …) has no value; "--access-token TOKEN"
or "--access-token=TOKEN" gives one (write the "=" form for a token that starts with "-"). A
value on the command line still works, but others on this computer can see it and your shell
keeps it in its history, so Pail warns.
  -h, --help    Show this help`

function summary(account: AccountRecord): string {
  const ready = featureReadiness(account.kind, account.scopes)
  const missing = ready.filter((f) => !f.ready)
  let text = `Signed in as ${account.displayName}.\n`
  if (missing.length > 0) text += missing.map((f) => `  Not available: ${f.advice}\n`).join('')
  return text
}

type Values = ReturnType<typeof parse>['values']

function parse(argv: string[]) {
  return parseArgs({ args: argv, options, strict: true })
}

/**
 * The secret of `flag`: the value given on the command line (with a warning), else what `fallback`
 * holds (the provisioning file), else read from the terminal or standard input.
 */
async function secretOf(
  ctx: CliContext,
  values: Values,
  flag: (typeof SECRET_FLAGS)[number],
  what: string,
  example: string,
  fallback?: string,
): Promise<string> {
  const given = values[flag]
  if (given !== undefined) {
    ctx.err(commandLineSecretWarning(flag, what, example))
    const trimmed = given.trim()
    if (!trimmed) throw new CliError(`The ${what} is empty.`, 2)
    return trimmed
  }
  return fallback ?? (await readSecret(ctx, what, example))
}

async function clientCredentials(ctx: CliContext, values: Values, asked: Set<string>): Promise<number> {
  const provisioned = ctx.provisioning.consumer
  const key = values.key ?? provisioned?.key
  if (!key)
    throw new CliError(
      "Signing in as a private consumer needs its key: add --key KEY (Pail then asks for the secret), or put the consumer in Pail's provisioning file.",
      2,
    )
  // The provisioning file's secret belongs to its own key only.
  const fallback = !asked.has('secret') && provisioned && provisioned.key === key ? provisioned.secret : undefined
  const secret = await secretOf(
    ctx,
    values,
    'secret',
    "consumer's secret",
    `pail login --client-credentials --key ${key} --secret`,
    fallback,
  )
  ctx.out(summary(await ctx.auth.signInWithClientCredentials({ key, secret })))
  return 0
}

async function accessToken(ctx: CliContext, values: Values): Promise<number> {
  const fallback = ctx.provisioning.defaultRepository
  const resource = values.repo
    ? { ...parseRepo(values.repo) }
    : values.workspace
      ? { workspace: parseWorkspace(values.workspace), repository: null }
      : fallback
        ? { workspace: fallback.workspace, repository: fallback.slug }
        : null
  if (!resource)
    throw new CliError(
      'Say which repository the access token is for: --repo workspace/repository (or --workspace for a workspace token). Access tokens cannot tell Bitbucket who they are.',
      2,
    )
  const where = resource.repository
    ? `--repo ${resource.workspace}/${resource.repository}`
    : `--workspace ${resource.workspace}`
  const token = await secretOf(ctx, values, 'access-token', 'access token', `pail login --access-token ${where}`)
  ctx.out(summary(await ctx.auth.signInWithAccessToken(token, resource)))
  return 0
}

async function apiToken(ctx: CliContext, values: Values): Promise<number> {
  if (!values.email)
    throw new CliError(
      'An API token goes with the email address of your Atlassian account: add --email you@example.com',
      2,
    )
  const token = await secretOf(ctx, values, 'api-token', 'API token', `pail login --api-token --email ${values.email}`)
  ctx.out(summary(await ctx.auth.signInWithApiToken(values.email, token)))
  return 0
}

async function browser(ctx: CliContext, values: Values): Promise<number> {
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

export async function login(ctx: CliContext, argv: string[]): Promise<number> {
  const { argv: rest, asked } = takeSecretFlags(argv, SECRET_FLAGS)
  const { values } = parse(rest)
  if (values['client-credentials']) return clientCredentials(ctx, values, asked)
  if (asked.has('access-token') || values['access-token'] !== undefined) return accessToken(ctx, values)
  if (asked.has('api-token') || values['api-token'] !== undefined) return apiToken(ctx, values)
  if (asked.has('secret') || values.secret !== undefined || values.key !== undefined)
    throw new CliError('--key and --secret go with --client-credentials: pail login --client-credentials --key KEY', 2)
  return browser(ctx, values)
}

export const loginCommand: CommandSpec = {
  name: 'login',
  summary: 'Sign in to Bitbucket (browser, private consumer, access token or API token)',
  help,
  options,
  run: login,
}
