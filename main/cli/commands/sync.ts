/**
 * `pail sync [--once]`: reconciles every pair; with --once it waits for the commits to land and
 * exits 0 only if every pair is in sync, without it it watches until stopped.
 * `pail sync --confirm <folder>` / `--restore <folder>`: the answer to a held pair (hold-answer.ts).
 * `pail status [--json]`: sign-in, and each pair's last state with the paths it did not sync.
 */
import { parseArgs } from 'node:util'
import { SKIP_REASON_LABELS, type SkippedPath } from '../../core/sync/local/skipped.js'
import { resolutionsFor, type HoldReason } from '../../core/sync/pass/hold-store.js'
import { isPaused, type SyncPair } from '../../core/sync/pairs/sync-pair.js'
import type { PairStatus } from '../../core/sync/service/status-store.js'
import { JsonSettingsStore } from '../../core/settings/settings-store.js'
import { SyncService, type PairResult } from '../../core/sync/service/sync-service.js'
import { CliError, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'
import { answerHold } from '../hold-answer.js'
import { savedStatus } from '../pair-state.js'

/** How many skipped paths `pail status` prints per pair (the JSON has the first 200, and the count). */
const SKIPS_SHOWN = 20

const syncOptions = {
  once: { type: 'boolean', default: false },
  confirm: { type: 'string' },
  restore: { type: 'string' },
} as const

const statusOptions = { json: { type: 'boolean', default: false } } as const

/** The sync service for the signed-in account. */
export async function syncService(ctx: CliContext): Promise<SyncService> {
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" first.')
  const settings = await new JsonSettingsStore(ctx.home).read()
  const template = typeof settings.commitMessageTemplate === 'string' ? settings.commitMessageTemplate : undefined
  return new SyncService({
    home: ctx.home,
    pairs: ctx.pairs,
    history: ctx.history,
    session,
    logger: ctx.logger,
    runner: 'pail sync',
    ...(template ? { messageTemplate: template } : {}),
  })
}

/** One pass's result, in a line or two; an error or a hold goes to standard error. */
export function report(ctx: CliContext, result: PairResult): void {
  const where = `${result.pair.folder} ↔ ${result.pair.workspace}/${result.pair.repository}@${result.pair.branch}`
  const outcome = result.outcome
  if (result.error) ctx.err(`${where}: ${result.error}\n`)
  else if (outcome?.status === 'held')
    ctx.err(`${where}: held — ${outcome.message}\n${holdHints(result.pair, outcome.reason)}`)
  else if (outcome?.status === 'committed') {
    ctx.out(
      `${where}: committed ${outcome.commit.slice(0, 12)} (${outcome.uploaded} uploaded, ${outcome.deleted} deleted${outcome.downloaded ? `, ${outcome.downloaded} brought in` : ''})\n`,
    )
    for (const path of outcome.conflicts)
      ctx.out(`  ${path} was changed here and in Bitbucket: both versions are kept.\n`)
  } else if (outcome)
    ctx.out(`${where}: up to date${outcome.downloaded ? ` (${outcome.downloaded} brought in from Bitbucket)` : ''}\n`)
  if (outcome && outcome.status !== 'held' && outcome.skipped.length > 0)
    ctx.err(`  ${outcome.skipped.length} path(s) not synced; "pail status" lists them with what to do.\n`)
}

/** The answers that fit a hold, as the commands that give them (none for a missing folder). */
function holdHints(pair: SyncPair, reason: string): string {
  const known = ['missing-folder', 'empty-folder', 'mass-delete', 'branch-deleted'] as const
  const fitting = (known as readonly string[]).includes(reason) ? resolutionsFor(reason as HoldReason) : []
  const lines: string[] = []
  if (fitting.includes('delete'))
    lines.push(`  To delete them from Bitbucket too: pail sync --confirm "${pair.folder}"`)
  if (fitting.includes('recreate-branch'))
    lines.push(`  To create the branch again with this folder: pail sync --confirm "${pair.folder}"`)
  if (fitting.includes('restore')) lines.push(`  To put them back from Bitbucket: pail sync --restore "${pair.folder}"`)
  return lines.map((line) => `${line}\n`).join('')
}

/** A held folder named by --confirm or --restore; the option without a folder is a usage error. */
function heldTarget(argv: string[]): void {
  for (const flag of ['--confirm', '--restore']) {
    const at = argv.indexOf(flag)
    if (at >= 0 && (argv[at + 1] === undefined || argv[at + 1]!.startsWith('-')))
      throw new CliError(
        `Say which folder: pail sync ${flag} <folder> ("pail pair list" shows the folders and which are held).`,
        2,
      )
  }
}

export async function sync(ctx: CliContext, argv: string[]): Promise<number> {
  heldTarget(argv)
  const { values } = parseArgs({ args: argv, options: syncOptions, strict: true })
  if (values.confirm !== undefined && values.restore !== undefined)
    throw new CliError('Give either --confirm or --restore, not both.', 2)
  if (values.confirm !== undefined || values.restore !== undefined)
    return answerHold(ctx, {
      folder: (values.confirm ?? values.restore)!,
      answer: values.confirm !== undefined ? 'confirm' : 'restore',
      service: async () => ((await ctx.auth.session()) ? syncService(ctx) : null),
      report: (result) => report(ctx, result),
    })
  const pairs = await ctx.pairs.list()
  if (pairs.length === 0)
    throw new CliError('No folders are paired yet. "pail pair add <folder> --repo workspace/repository" adds one.')
  const service = await syncService(ctx)
  if (values.once) {
    const results = await service.syncAllOnce()
    results.forEach((r) => report(ctx, r))
    return results.every((r) => r.error === null && r.outcome?.status !== 'held') ? 0 : 1
  }
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    ctx.err(`Watching ${pairs.length} folder(s). Press Ctrl+C to stop.\n`)
    await service.watch(controller.signal, (r) => report(ctx, r))
    return 0
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

/** The state of `pair` without a session (signed out): its last status, or paused. */
async function offlineStatus(ctx: CliContext, pair: SyncPair): Promise<PairStatus | null> {
  const saved = await savedStatus(ctx, pair)
  if (saved && isPaused(pair, Date.now())) return { ...saved, state: 'paused' }
  return saved
}

function skippedLines(status: PairStatus | null): string {
  if (!status || status.skippedCount === 0) return ''
  const shown: SkippedPath[] = status.skipped.slice(0, SKIPS_SHOWN)
  let text = `  ${status.skippedCount} path(s) not synced:\n`
  for (const s of shown) text += `    [${SKIP_REASON_LABELS[s.reason]}] ${s.message}\n`
  const more = status.skippedCount - shown.length
  if (more > 0) text += `    … and ${more} more ("pail status --json" lists up to ${status.skipped.length}).\n`
  return text
}

export async function status(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: statusOptions, strict: true })
  const session = await ctx.auth.session()
  const account = session?.tokens.current ?? null
  const service = session ? await syncService(ctx) : null
  const pairs = await ctx.pairs.list()
  const states = await Promise.all(pairs.map((p) => (service ? service.status(p) : offlineStatus(ctx, p))))
  if (values.json) {
    const signedIn = account
      ? { displayName: account.displayName, status: account.status, reason: account.signedOutReason }
      : null
    const list = pairs.map((p, i) => ({
      ...p,
      status: states[i] ?? null,
      skipped: states[i]?.skipped ?? [],
      skippedCount: states[i]?.skippedCount ?? 0,
    }))
    ctx.out(`${JSON.stringify({ signedIn, pairs: list }, null, 2)}\n`)
    return 0
  }
  ctx.out(
    account
      ? `Signed in as ${account.displayName}${account.status === 'signed-out' ? ` — signed out: ${account.signedOutReason}` : ''}\n`
      : 'Signed out. Run "pail login".\n',
  )
  pairs.forEach((p, i) => {
    const state = states[i] ?? null
    ctx.out(
      `${p.folder} ↔ ${p.workspace}/${p.repository}@${p.branch}: ${state?.state ?? 'unknown'} — ${state?.message ?? 'not synced yet'}\n`,
    )
    ctx.out(skippedLines(state))
  })
  return 0
}

export const syncCommand: CommandSpec = {
  name: 'sync',
  summary: 'Sync the paired folders; answer a held folder (--confirm, --restore)',
  help: `Usage:
  pail sync [--once]
      Sync every paired folder and keep watching them until stopped (Ctrl+C). --once: one pass
      of each, then exit (0 when every folder is in sync).
  pail sync --confirm <folder>
      A held folder: go ahead. The files deleted from the folder are deleted from Bitbucket too
      (or a branch deleted on Bitbucket is created again, with the whole folder).
  pail sync --restore <folder>
      A held folder: the other way. The held files are put back into the folder from Bitbucket.
Pail holds a folder, rather than delete from Bitbucket, when most of its files were deleted, it
was emptied, or its branch was deleted on Bitbucket; "pail pair list" shows which are held and
why. The answer is recorded for that folder only; then one pass of it runs here, unless Pail is
already syncing on this computer, which then carries it out. <folder> is a folder or a pair id.
  -h, --help    Show this help`,
  options: syncOptions,
  run: sync,
}

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: 'Sign-in, and the state of each paired folder with what it did not sync',
  help: `Usage: pail status [--json]
  Who is signed in, and each paired folder's last state. Paths Pail did not sync (a name
  Bitbucket cannot take, a broken link, a file too big…) are listed with the reason and what to do.
  --json        As JSON, for scripts (each pair's status, with skipped paths and their count)
  -h, --help    Show this help`,
  options: statusOptions,
  run: status,
}
