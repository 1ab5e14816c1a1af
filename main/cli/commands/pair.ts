/**
 * `pail pair add <folder> --repo ws/slug [--branch B] [--path P]`, `pail pair list [--json]`,
 * `pail pair remove|resume <pair>`, `pail pair pause <pair> [--for 2h|8h|24h]`.
 * A pair is named by its id or its folder.
 */
import { parseArgs } from 'node:util'
import type { SyncPair } from '../../core/sync/pairs/sync-pair.js'
import type { PairStatus } from '../../core/sync/service/status-store.js'
import { CliError, parseBranch, parseRepo, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'
import { savedStatus, stateLabel } from '../pair-state.js'

const options = {
  repo: { type: 'string' },
  branch: { type: 'string' },
  path: { type: 'string' },
  for: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const

const help = `Usage:
  pail pair add <folder> --repo WORKSPACE/REPOSITORY [--branch BRANCH] [--path FOLDER]
      Pair a folder on this computer with a repository. --branch: the branch to sync (default:
      the provisioning file's, else main). --path: a folder inside the repository to sync with
      (default: the whole repository).
  pail pair list [--json]
      The pairs, each with its state: syncing, paused, or held (Pail waits for your word, and
      says why). --json: as JSON, with each pair's last status.
  pail pair pause <pair> [--for DURATION]
      Stop syncing a pair, until resumed or for a while (--for 30m, 2h, 1d).
  pail pair resume <pair>
      Sync a paused pair again.
  pail pair remove <pair>
      Stop syncing a folder; its files stay where they are, here and in Bitbucket.
A <pair> is its id or its folder ("pail pair list" shows both).
  -h, --help    Show this help`

const usage =
  'Usage: pail pair add <folder> --repo workspace/repository [--branch B] [--path P] | list [--json] | remove <pair> | pause <pair> [--for 2h] | resume <pair>. "pail pair --help" says more.'

function describe(pair: SyncPair, status: PairStatus | null, now: number): string {
  const where = `${pair.workspace}/${pair.repository}@${pair.branch}${pair.pathInRepo ? `:/${pair.pathInRepo}` : ''}`
  return `${pair.id}  ${pair.folder}  ↔  ${where}  (${stateLabel(pair, status, now)})`
}

/** "2h", "90m", "1d" → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/.exec(text.trim())
  if (!match) throw new CliError(`"${text}" is not a duration: write it like 30m, 2h or 1d.`, 2)
  const unit = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'min' | 'h' | 'd']
  return Number(match[1]) * unit
}

async function add(
  ctx: CliContext,
  folder: string | undefined,
  values: { repo?: string; branch?: string; path?: string },
) {
  if (!folder || !values.repo) throw new CliError(usage, 2)
  const repo = parseRepo(values.repo)
  const branch = parseBranch(values.branch ?? ctx.provisioning.defaultRepository?.branch ?? 'main')
  const added = await ctx.pairs.add({ folder, ...repo, branch, pathInRepo: values.path ?? '' })
  ctx.out(
    `Paired ${added.folder} with ${added.workspace}/${added.repository} (branch ${added.branch}${added.pathInRepo ? `, folder /${added.pathInRepo}` : ''}). Run "pail sync" to start.\n`,
  )
  return 0
}

export async function pair(ctx: CliContext, argv: string[]): Promise<number> {
  const [action, ...rest] = argv
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true })
  const now = Date.now()
  switch (action) {
    case 'add':
      return add(ctx, positionals[0], values)
    case 'list': {
      const pairs = await ctx.pairs.list()
      const statuses = await Promise.all(pairs.map((p) => savedStatus(ctx, p)))
      if (values.json)
        ctx.out(
          `${JSON.stringify(
            pairs.map((p, i) => ({
              ...p,
              state: stateLabel(p, statuses[i] ?? null, now),
              status: statuses[i] ?? null,
            })),
            null,
            2,
          )}\n`,
        )
      else
        ctx.out(
          pairs.length === 0
            ? 'No folders are paired yet. "pail pair add <folder> --repo workspace/repository" adds one.\n'
            : `${pairs.map((p, i) => describe(p, statuses[i] ?? null, now)).join('\n')}\n`,
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
      ctx.out(`${describe(paused, await savedStatus(ctx, paused), now)}\n`)
      return 0
    }
    case 'resume': {
      const resumed = await ctx.pairs.resume(positionals[0] ?? '')
      ctx.out(`${describe(resumed, await savedStatus(ctx, resumed), now)}\n`)
      return 0
    }
    default:
      throw new CliError(usage, 2)
  }
}

export const pairCommand: CommandSpec = {
  name: 'pair',
  summary: 'Pair folders with repositories (add, list, pause, resume, remove)',
  help,
  options,
  run: pair,
}
