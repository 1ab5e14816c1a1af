/**
 * `pail whoami [--json]`: who is signed in, how, with which scopes, what works and what is
 * missing, and when the access token expires.
 */
import { parseArgs } from 'node:util'
import { describeScope, featureReadiness } from '../../../shared/auth/scope-catalogue.js'
import { CliError, type CliContext } from '../cli-context.js'

const kindWords = {
  oauth: 'your Bitbucket account (browser sign-in)',
  'client-credentials': 'a private OAuth consumer',
  'access-token': 'an access token',
  'api-token': 'an Atlassian API token',
} as const

export async function whoami(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true })
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" to sign in.')
  const account = session.tokens.current
  const features = featureReadiness(account.kind, account.scopes)
  const expiresAt = account.accessTokenExpiresAt === null ? null : new Date(account.accessTokenExpiresAt).toISOString()
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
    return 0
  }
  const lines = [
    `${account.displayName}${account.nickname ? ` (${account.nickname})` : ''}`,
    `Signed in with ${kindWords[account.kind]} at ${account.webUrl}`,
  ]
  if (account.status === 'signed-out') lines.push(`Signed out: ${account.signedOutReason ?? 'sign in again.'}`)
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
