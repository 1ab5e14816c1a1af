/**
 * `pail sync [--once] [--confirm]`: reconciles every pair. With --once it waits for the commits
 * to land and exits 0 only if every pair is in sync; without it, it watches until stopped.
 * `--confirm` lets a held change set (mass delete, emptied folder) through.
 * `pail status [--json]`: each pair's last state.
 */
import { parseArgs } from 'node:util'
import { JsonSettingsStore } from '../../core/settings/settings-store.js'
import { SyncService, type PairResult } from '../../core/sync/service/sync-service.js'
import { CliError, type CliContext } from '../cli-context.js'

async function service(ctx: CliContext): Promise<SyncService> {
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
    ...(template ? { messageTemplate: template } : {}),
  })
}

function report(ctx: CliContext, result: PairResult): void {
  const where = `${result.pair.folder} ↔ ${result.pair.workspace}/${result.pair.repository}@${result.pair.branch}`
  const outcome = result.outcome
  if (result.error) ctx.err(`${where}: ${result.error}\n`)
  else if (outcome?.status === 'held') ctx.err(`${where}: held — ${outcome.message}\n`)
  else if (outcome?.status === 'committed') {
    ctx.out(
      `${where}: committed ${outcome.commit.slice(0, 12)} (${outcome.uploaded} uploaded, ${outcome.deleted} deleted${outcome.downloaded ? `, ${outcome.downloaded} brought in` : ''})\n`,
    )
    for (const path of outcome.conflicts)
      ctx.out(`  ${path} was changed here and in Bitbucket: both versions are kept.\n`)
  } else if (outcome)
    ctx.out(`${where}: up to date${outcome.downloaded ? ` (${outcome.downloaded} brought in from Bitbucket)` : ''}\n`)
}

export async function sync(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { once: { type: 'boolean', default: false }, confirm: { type: 'boolean', default: false } },
    strict: true,
  })
  const pairs = await ctx.pairs.list()
  if (pairs.length === 0)
    throw new CliError('No folders are paired yet. "pail pair add <folder> --repo workspace/repository" adds one.')
  const sync = await service(ctx)
  if (values.once) {
    const results = await sync.syncAllOnce({ confirmed: values.confirm })
    results.forEach((r) => report(ctx, r))
    return results.every((r) => r.error === null && r.outcome?.status !== 'held') ? 0 : 1
  }
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  ctx.err(`Watching ${pairs.length} folder(s). Press Ctrl+C to stop.\n`)
  await sync.watch(controller.signal, (r) => report(ctx, r))
  return 0
}

export async function status(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true })
  const session = await ctx.auth.session()
  const account = session?.tokens.current ?? null
  const sync = session ? await service(ctx) : null
  const pairs = await ctx.pairs.list()
  const states = sync ? await Promise.all(pairs.map((p) => sync.status(p))) : []
  if (values.json) {
    ctx.out(
      `${JSON.stringify({ signedIn: account ? { displayName: account.displayName, status: account.status, reason: account.signedOutReason } : null, pairs: pairs.map((p, i) => ({ ...p, status: states[i] ?? null })) }, null, 2)}\n`,
    )
    return 0
  }
  ctx.out(
    account
      ? `Signed in as ${account.displayName}${account.status === 'signed-out' ? ` — signed out: ${account.signedOutReason}` : ''}\n`
      : 'Signed out. Run "pail login".\n',
  )
  pairs.forEach((p, i) =>
    ctx.out(
      `${p.folder} ↔ ${p.workspace}/${p.repository}@${p.branch}: ${states[i]?.state ?? 'unknown'} — ${states[i]?.message ?? ''}\n`,
    ),
  )
  return 0
}
