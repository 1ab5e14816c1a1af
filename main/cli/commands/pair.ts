/**
 * `pail pair add <folder> --repo ws/slug [--branch B] [--path P]`, `pail pair list [--json]`,
 * `pail pair remove|resume <pair>`, `pail pair pause <pair> [--for 2h|8h|24h]`.
 * A pair is named by its id or its folder.
 */
import { parseArgs } from 'node:util'
import { isPaused, type SyncPair } from '../../core/sync/pairs/sync-pair.js'
import { CliError, parseRepo, type CliContext } from '../cli-context.js'

const usage =
  'Usage: pail pair add <folder> --repo workspace/repository [--branch B] [--path P] | list [--json] | remove <pair> | pause <pair> [--for 2h] | resume <pair>'

function describe(pair: SyncPair, now: number): string {
  const where = `${pair.workspace}/${pair.repository}@${pair.branch}${pair.pathInRepo ? `:/${pair.pathInRepo}` : ''}`
  const state = !isPaused(pair, now)
    ? 'syncing'
    : pair.paused?.until
      ? `paused until ${new Date(pair.paused.until).toLocaleString()}`
      : 'paused'
  return `${pair.id}  ${pair.folder}  ↔  ${where}  (${state})`
}

/** "2h", "90m", "1d" → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/.exec(text.trim())
  if (!match) throw new CliError(`"${text}" is not a duration: write it like 30m, 2h or 1d.`, 2)
  const unit = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'min' | 'h' | 'd']
  return Number(match[1]) * unit
}

export async function pair(ctx: CliContext, argv: string[]): Promise<number> {
  const [action, ...rest] = argv
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      repo: { type: 'string' },
      branch: { type: 'string' },
      path: { type: 'string' },
      for: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  })
  const now = Date.now()
  switch (action) {
    case 'add': {
      const [folder] = positionals
      if (!folder || !values.repo) throw new CliError(usage, 2)
      const branch = values.branch ?? ctx.provisioning.defaultRepository?.branch ?? 'main'
      const added = await ctx.pairs.add({ folder, ...parseRepo(values.repo), branch, pathInRepo: values.path ?? '' })
      ctx.out(
        `Paired ${added.folder} with ${added.workspace}/${added.repository} (branch ${added.branch}${added.pathInRepo ? `, folder /${added.pathInRepo}` : ''}). Run "pail sync" to start.\n`,
      )
      return 0
    }
    case 'list': {
      const pairs = await ctx.pairs.list()
      if (values.json) ctx.out(`${JSON.stringify(pairs, null, 2)}\n`)
      else
        ctx.out(
          pairs.length === 0
            ? 'No folders are paired yet. "pail pair add <folder> --repo workspace/repository" adds one.\n'
            : `${pairs.map((p) => describe(p, now)).join('\n')}\n`,
        )
      return 0
    }
    case 'remove': {
      const removed = await ctx.pairs.remove(positionals[0] ?? '')
      ctx.out(`${removed.folder} is no longer synced. Its files stay where they are, here and in Bitbucket.\n`)
      return 0
    }
    case 'pause': {
      const until = values.for ? now + parseDuration(values.for) : null
      const paused = await ctx.pairs.pause(positionals[0] ?? '', until)
      ctx.out(`${describe(paused, now)}\n`)
      return 0
    }
    case 'resume': {
      ctx.out(`${describe(await ctx.pairs.resume(positionals[0] ?? ''), now)}\n`)
      return 0
    }
    default:
      throw new CliError(usage, 2)
  }
}
