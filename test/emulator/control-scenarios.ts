/**
 * Control routes for scenario tests (`{webUrl}/_emulator/…`), beside control.ts: branches created
 * and deleted as a person does with Bitbucket's "Create branch" and "Delete branch" buttons, and
 * armed faults disarmed one by one (so scenarios sharing an emulator leave each other's alone).
 */
import { git as runGit } from './git/git-store.js'
import { ApiError, readBody, sendJson } from './http.js'
import type { Repository } from './model.js'
import type { RequestContext, Route } from './router.js'
import type { EmulatorServer } from './server.js'

async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const body = await readBody(ctx.req)
  if (body.length === 0) return {}
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // answered below
  }
  throw new ApiError(400, 'The control endpoint takes a JSON object')
}

function text(body: Record<string, unknown>, key: string, fallback?: string): string {
  const value = body[key] ?? fallback
  if (typeof value !== 'string' || value === '') throw new ApiError(400, `"${key}" is required`)
  return value
}

/** The repository named by `workspace` (default pail-demo) and `repository`. */
function repositoryOf(emulator: EmulatorServer, body: Record<string, unknown>): Repository {
  const workspace = text(body, 'workspace', 'pail-demo')
  const slug = text(body, 'repository')
  const repo = emulator.world.repository(workspace, slug)
  if (!repo) throw new ApiError(404, `No repository ${workspace}/${slug}`)
  return repo
}

/** A name git takes for a branch (`git check-ref-format --branch`). */
async function checkBranchName(gitDir: string, name: string): Promise<void> {
  try {
    await runGit(gitDir, ['check-ref-format', '--branch', name])
  } catch {
    throw new ApiError(400, `"${name}" is not a valid branch name`)
  }
}

export function scenarioControlRoutes(emulator: EmulatorServer): Route[] {
  return [
    {
      // "Create branch": a new branch at the tip of `from` (a branch or commit; default the main branch).
      method: 'POST',
      template: '/_emulator/branches',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const repo = repositoryOf(emulator, body)
        const name = text(body, 'name')
        const git = emulator.git(repo)
        await checkBranchName(git.gitDir, name)
        const hash = await git.exclusive(async () => {
          const from = typeof body.from === 'string' && body.from !== '' ? body.from : await git.headBranch()
          const target = await git.resolveCommit(from)
          if (!target) throw new ApiError(404, `No branch or commit "${from}" to create the branch from`)
          if (await git.branchTip(name)) throw new ApiError(400, `The branch "${name}" already exists`)
          if (!(await git.moveBranch(name, target, null))) throw new ApiError(409, 'The branch appeared meanwhile')
          return target
        })
        sendJson(ctx.res, 201, { name, hash })
      },
    },
    {
      // "Delete branch". Bitbucket refuses to delete the main branch ([SPEC] DELETE …/refs/branches/{name}: 400).
      method: 'DELETE',
      template: '/_emulator/branches',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const repo = repositoryOf(emulator, body)
        const name = text(body, 'name')
        const git = emulator.git(repo)
        const hash = await git.exclusive(async () => {
          if (name === (await git.headBranch()))
            throw new ApiError(400, `"${name}" is the main branch of the repository; it cannot be deleted`)
          const tip = await git.branchTip(name)
          if (!tip) throw new ApiError(404, `No branch "${name}"`)
          await runGit(git.gitDir, ['update-ref', '-d', `refs/heads/${name}`, tip])
          return tip
        })
        sendJson(ctx.res, 200, { deleted: name, hash })
      },
    },
    {
      // Disarms one fault by the id `POST /faults` answered.
      method: 'DELETE',
      template: '/_emulator/faults/{id}',
      handler: (ctx) => {
        const id = Number(ctx.params.id)
        if (!Number.isInteger(id)) throw new ApiError(400, 'The fault id is a number')
        if (!emulator.faults.remove(id)) throw new ApiError(404, `No armed fault ${id}`)
        sendJson(ctx.res, 200, { removed: id })
      },
    },
  ]
}
