/**
 * `pail history [--json] [--limit N]`: the latest commit attempts, newest first.
 */
import { parseArgs } from 'node:util'
import { CliError, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

const ops = { add: '+', change: '~', delete: '−' } as const

const options = { json: { type: 'boolean', default: false }, limit: { type: 'string', default: '20' } } as const

export async function history(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options, strict: true })
  const limit = Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError(`--limit takes a whole number, not "${values.limit}".`, 2)
  const entries = await ctx.history.list(limit)
  if (values.json) {
    ctx.out(`${JSON.stringify(entries, null, 2)}\n`)
    return 0
  }
  if (entries.length === 0) ctx.out('Nothing has been uploaded yet.\n')
  for (const entry of entries) {
    const when = new Date(entry.time).toLocaleString()
    const files =
      entry.files.length === 1
        ? `${ops[entry.files[0]!.operation]} ${entry.files[0]!.path}`
        : `${entry.files.length} files`
    ctx.out(
      `${when}  ${entry.status.padEnd(9)}  ${entry.workspace}/${entry.repository}@${entry.branch}  ${files}${entry.commit ? `  ${entry.commit.slice(0, 12)}` : ''}\n`,
    )
    if (entry.error) ctx.out(`    ${entry.error}\n`)
    if (entry.note) ctx.out(`    ${entry.note}\n`)
  }
  return 0
}

export const historyCommand: CommandSpec = {
  name: 'history',
  summary: 'What was uploaded, newest first',
  help: `Usage: pail history [--limit N] [--json]
  The latest commit attempts (synced folders and manual uploads), newest first.
  --limit N     How many to show (default 20)
  --json        As JSON, for scripts
  -h, --help    Show this help`,
  options,
  run: history,
}
