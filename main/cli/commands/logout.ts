/**
 * `pail logout`: forgets the current account's tokens, revoking them where Bitbucket allows.
 */
import { parseArgs } from 'node:util'
import type { CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

const options = {} as const

export async function logout(ctx: CliContext, argv: string[]): Promise<number> {
  parseArgs({ args: argv, options, strict: true })
  const { account, revoked } = await ctx.auth.signOut()
  if (!account) {
    ctx.out('Nobody is signed in.\n')
    return 0
  }
  ctx.out(`Signed out ${account.displayName}.${revoked ? ' Bitbucket has revoked its tokens.' : ''}\n`)
  return 0
}

export const logoutCommand: CommandSpec = {
  name: 'logout',
  summary: 'Sign out and forget the tokens (revoked where Bitbucket allows)',
  help: `Usage: pail logout
  Signs out the current account: its tokens are revoked where Bitbucket allows, and every
  secret Pail kept for it is removed from this computer.
  -h, --help    Show this help`,
  options,
  run: logout,
}
