/**
 * `pail repos [--workspace W] [--json]`: the workspaces of the signed-in account (from
 * /2.0/user/workspaces, bitbucket-api.md §4.4) and the repositories it can write to
 * (`role=contributor`, §4.5).
 */
import { parseArgs } from 'node:util'
import { repositoryPath, USER_WORKSPACES_PATH, workspaceRepositoriesPath } from '../../core/bitbucket/api-paths.js'
import { CliError, parseWorkspace, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

const options = { workspace: { type: 'string' }, json: { type: 'boolean', default: false } } as const

interface WorkspaceAccess {
  administrator: boolean
  workspace: { slug: string; uuid: string }
}

interface RepositoryJson {
  full_name: string
  name: string
  slug?: string
  is_private: boolean
  mainbranch?: { name: string } | null
  links?: { html?: { href: string } }
}

export async function repos(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options, strict: true })
  const only = values.workspace === undefined ? null : parseWorkspace(values.workspace)
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" to sign in.')
  const { api } = session
  const account = session.tokens.current
  let workspaces: string[]
  if (only !== null) workspaces = [only]
  else if (account.kind === 'access-token') workspaces = account.resource ? [account.resource.workspace] : []
  else {
    workspaces = []
    for await (const access of api.paginate<WorkspaceAccess>(USER_WORKSPACES_PATH))
      workspaces.push(access.workspace.slug)
  }
  const result: {
    workspace: string
    repositories: { fullName: string; name: string; private: boolean; mainBranch: string | null }[]
  }[] = []
  for (const workspace of workspaces) {
    const list = []
    const single = account.kind === 'access-token' ? (account.resource?.repository ?? null) : null
    if (single === null) {
      const path = workspaceRepositoriesPath(workspace, { role: 'contributor', pagelen: 100, sort: 'slug' })
      for await (const repo of api.paginate<RepositoryJson>(path)) list.push(repo)
    } else list.push(await api.getJson<RepositoryJson>(repositoryPath({ workspace, repository: single })))
    result.push({
      workspace,
      repositories: list.map((r) => ({
        fullName: r.full_name,
        name: r.name,
        private: r.is_private,
        mainBranch: r.mainbranch?.name ?? null,
      })),
    })
  }
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
