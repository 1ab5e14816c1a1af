/**
 * `pail logout`: forgets the current account's tokens, revoking them where Bitbucket allows.
 */
import type { CliContext } from '../cli-context.js'

export async function logout(ctx: CliContext): Promise<number> {
  const { account, revoked } = await ctx.auth.signOut()
  if (!account) {
    ctx.out('Nobody is signed in.\n')
    return 0
  }
  ctx.out(`Signed out ${account.displayName}.${revoked ? ' Bitbucket has revoked its tokens.' : ''}\n`)
  return 0
}
