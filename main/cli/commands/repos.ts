/**
 * `pail repos [--workspace W] [--json]`: the workspaces of the signed-in account (from
 * /2.0/user/workspaces, bitbucket-api.md §4.4) and the repositories it can write to
 * (`role=contributor`, §4.5).
 */
import { parseArgs } from 'node:util'
import { writableRepositories } from '../../core/bitbucket/writable-repositories.js'
import { CliError, parseWorkspace, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

const options = { workspace: { type: 'string' }, json: { type: 'boolean', default: false } } as const

export async function repos(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options, strict: true })
  const only = values.workspace === undefined ? null : parseWorkspace(values.workspace)
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" to sign in.')
  const result = (await writableRepositories(session, only)).map(({ workspace, repositories }) => ({
    workspace,
    repositories: repositories.map((r) => ({
      fullName: r.full_name,
      name: r.name,
      private: r.is_private,
      mainBranch: r.mainbranch?.name ?? null,
    })),
  }))
  if (values.json) {
    ctx.out(`${JSON.stringify(result, null, 2)}\n`)
    return 0
  }
  if (result.length === 0) ctx.out('You are not a member of any workspace.\n')
  for (const { workspace, repositories } of result) {
    ctx.out(`${workspace}\n`)
    if (repositories.length === 0) ctx.out('  (no repositories you can write to)\n')
    for (const r of repositories)
      ctx.out(`  ${r.fullName}${r.mainBranch ? `  [${r.mainBranch}]` : '  (empty)'}${r.private ? '' : '  public'}\n`)
  }
  return 0
}

export const reposCommand: CommandSpec = {
  name: 'repos',
  summary: 'Your workspaces and the repositories you can write to',
  help: `Usage: pail repos [--workspace WORKSPACE] [--json]
  Your workspaces and, in each, the repositories you can write to (with their main branch).
  --workspace WORKSPACE   Only this workspace
  --json                  As JSON, for scripts
  -h, --help              Show this help`,
  options,
  run: repos,
}
