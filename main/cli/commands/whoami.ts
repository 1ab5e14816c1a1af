/**
 * `pail whoami [--json]`: who is signed in, how, with which scopes, what works and what is
 * missing, and when the access token expires. An account Pail had to sign out (its sign-in was
 * revoked or expired for good) is shown as signed out, with why and how to sign in again — never
 * with "✓" features or "Pail renews it on its own" — and the command exits 1.
 */
import { parseArgs } from 'node:util'
import { describeScope, featureReadiness } from '../../../shared/auth/scope-catalogue.js'
import type { AccountRecord } from '../../core/auth/account.js'
import { CliError, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

const kindWords = {
  oauth: 'your Bitbucket account (browser sign-in)',
  'client-credentials': 'a private OAuth consumer',
  'access-token': 'an access token',
  'api-token': 'an Atlassian API token',
} as const

const options = { json: { type: 'boolean', default: false } } as const

/** The command that signs this kind of account in again. */
export function signInAgainCommand(account: AccountRecord): string {
  switch (account.kind) {
    case 'oauth':
      return 'pail login'
    case 'client-credentials':
      return 'pail login --client-credentials'
    case 'access-token': {
      const resource = account.resource
      if (!resource) return 'pail login --access-token --repo WORKSPACE/REPOSITORY'
      return resource.repository
        ? `pail login --access-token --repo ${resource.workspace}/${resource.repository}`
        : `pail login --access-token --workspace ${resource.workspace}`
    }
    case 'api-token':
      return `pail login --api-token --email ${account.email ?? 'EMAIL'}`
  }
}

function signedOutLines(account: AccountRecord): string[] {
  return [
    `Signed out: ${account.signedOutReason ?? 'Bitbucket no longer accepts this sign-in.'}`,
    `Pail cannot sync or upload for this account until you sign in again: ${signInAgainCommand(account)}`,
  ]
}

export async function whoami(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options, strict: true })
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" to sign in.')
  const account = session.tokens.current
  const signedOut = account.status === 'signed-out'
  const features = featureReadiness(account.kind, account.scopes).map((f) =>
    signedOut ? { ...f, ready: false, advice: `Sign in again: ${signInAgainCommand(account)}` } : f,
  )
  const expiresAt =
    signedOut || account.accessTokenExpiresAt === null ? null : new Date(account.accessTokenExpiresAt).toISOString()
  if (values.json) {
    ctx.out(
      `${JSON.stringify(
        {
          displayName: account.displayName,
          nickname: account.nickname,
          email: account.email,
          kind: account.kind,
          status: account.status,
          signedOutReason: account.signedOutReason,
          signInAgain: signedOut ? signInAgainCommand(account) : null,
          webUrl: account.webUrl,
          apiUrl: account.apiUrl,
          resource: account.resource,
          scopes: account.scopes,
          accessTokenExpiresAt: expiresAt,
          features,
        },
        null,
        2,
      )}\n`,
    )
    return signedOut ? 1 : 0
  }
  const lines = [`${account.displayName}${account.nickname ? ` (${account.nickname})` : ''}`]
  if (signedOut) {
    lines.push(`Was signed in with ${kindWords[account.kind]} at ${account.webUrl}`, ...signedOutLines(account))
    ctx.out(`${lines.join('\n')}\n`)
    return 1
  }
  lines.push(`Signed in with ${kindWords[account.kind]} at ${account.webUrl}`)
  lines.push(
    `Permissions: ${account.scopes.length > 0 ? account.scopes.map((s) => describeScope(s).label).join(', ') : 'none reported'}`,
  )
  for (const f of features) lines.push(`  ${f.ready ? '✓' : '✗'} ${f.label}${f.ready ? '' : ` — ${f.advice}`}`)
  lines.push(
    expiresAt ? `Access token expires ${expiresAt} (Pail renews it on its own)` : 'Access token does not expire',
  )
  ctx.out(`${lines.join('\n')}\n`)
  return 0
}

export const whoamiCommand: CommandSpec = {
  name: 'whoami',
  summary: 'Who is signed in, how, and with which permissions',
  help: `Usage: pail whoami [--json]
  Who is signed in, how, with which permissions, what works and what to ask your admin for, and
  when the access token expires. Exits 1 when nobody is signed in, or when Pail had to sign the
  account out (it says why, and how to sign in again).
  --json        As JSON, for scripts
  -h, --help    Show this help`,
  options,
  run: whoami,
}
