/**
 * `pail git-credential get|store|erase`: git's credential-helper protocol, so that
 * `git clone` of a Bitbucket repository just works with Pail's sign-in. Answers the literal
 * username `x-token-auth` and a fresh access token (bitbucket-api.md §6); for API tokens the
 * static username `x-bitbucket-api-token-auth`. Install with:
 *   git config --global credential.https://bitbucket.org.helper "!npx pail git-credential"
 */
import { CliError, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

/** How long a token given to git must stay valid (capped at half its life by the TokenSource). */
const GIT_MIN_VALIDITY_MS = 15 * 60_000

/** Parses git's `key=value` lines. */
export function parseCredentialInput(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') break
    const eq = line.indexOf('=')
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1))
  }
  return fields
}

export async function gitCredential(ctx: CliContext, argv: string[]): Promise<number> {
  const [action] = argv
  if (action !== 'get' && action !== 'store' && action !== 'erase')
    throw new CliError('pail git-credential takes get, store or erase (git calls it for you).', 2)
  const input = parseCredentialInput(await ctx.readStdin())
  // Pail owns its tokens: git has nothing to store.
  if (action === 'store') return 0
  const session = await ctx.auth.session()
  if (!session) {
    if (action === 'get') ctx.err('pail: nobody is signed in to Bitbucket. Run "pail login" first.\n')
    return 0
  }
  const web = new URL(session.tokens.current.webUrl)
  const sameHost = input.get('host') === web.host && input.get('protocol') === web.protocol.replace(':', '')
  if (!sameHost) return 0
  if (action === 'erase') {
    const password = input.get('password')
    if (password) await session.tokens.invalidate(password)
    return 0
  }
  let token: string
  try {
    // A clone or push uses one credential throughout: hand out a token with time to spare.
    token = await session.tokens.token({ minValidityMs: GIT_MIN_VALIDITY_MS })
  } catch (error) {
    ctx.err(`pail: ${(error as Error).message}\n`)
    return 1
  }
  const account = session.tokens.current
  const username = account.kind === 'api-token' ? 'x-bitbucket-api-token-auth' : 'x-token-auth'
  let answer = `username=${username}\npassword=${token}\n`
  if (account.accessTokenExpiresAt) answer += `password_expiry_utc=${Math.floor(account.accessTokenExpiresAt / 1000)}\n`
  ctx.out(answer)
  return 0
}

export const gitCredentialCommand: CommandSpec = {
  name: 'git-credential',
  summary: "Git's credential helper (git calls it)",
  help: `Usage: pail git-credential get|store|erase
  Git's credential-helper protocol (git calls it, with the request on standard input), so that
  git clone and push of a Bitbucket repository use Pail's sign-in. Install it with:
    git config --global credential.https://bitbucket.org.helper "!npx pail git-credential"
  -h, --help    Show this help`,
  options: {},
  run: gitCredential,
}
