/**
 * `pail upload <paths…> --repo ws/slug [--branch B] [--path P] [--message M]`: files and folders
 * as one commit, with progress, ending with the commit's link.
 */
import { parseArgs } from 'node:util'
import { manualUpload } from '../../core/upload/manual-upload.js'
import { CliError, parseBranch, parseRepo, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'

const options = {
  repo: { type: 'string' },
  branch: { type: 'string' },
  path: { type: 'string' },
  message: { type: 'string' },
} as const

export async function upload(ctx: CliContext, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  if (positionals.length === 0 || !values.repo)
    throw new CliError(
      'Usage: pail upload <files or folders…> --repo workspace/repository [--branch B] [--path P] [--message M]',
      2,
    )
  const repo = parseRepo(values.repo)
  const branch = parseBranch(values.branch ?? 'main')
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" first.')
  let shown = -1
  const result = await manualUpload(
    { session, history: ctx.history, logger: ctx.logger, readGuard: ctx.readGuard },
    {
      paths: positionals,
      ...repo,
      branch,
      pathInRepo: values.path ?? '',
      ...(values.message ? { message: values.message } : {}),
      onProgress: (p) => {
        const percent = p.bytesTotal === 0 ? 100 : Math.floor((p.bytesSent / p.bytesTotal) * 100)
        if (percent >= shown + 10 || percent === 100) {
          shown = percent
          ctx.err(`Uploading… ${percent}%\n`)
        }
      },
    },
  )
  ctx.out(`Uploaded ${result.files} file(s) as commit ${result.commit.slice(0, 12)}: ${result.link}\n`)
  return 0
}

export const uploadCommand: CommandSpec = {
  name: 'upload',
  summary: 'Upload files and folders as one commit',
  help: `Usage: pail upload <files or folders…> --repo WORKSPACE/REPOSITORY [--branch BRANCH] [--path FOLDER] [--message TEXT]
  Uploads the files and folders as one commit on top of the branch, and prints its link.
  Folders keep their name and are uploaded with what they hold (the same files sync would skip
  stay behind). Nothing inside Pail's own folder is ever uploaded.
  --repo WORKSPACE/REPOSITORY   Where to upload (required)
  --branch BRANCH               The branch (default main)
  --path FOLDER                 A folder inside the repository to upload into (default: its root)
  --message TEXT                The commit message (default: "Uploaded … with Pail")
  -h, --help                    Show this help`,
  options,
  run: upload,
}
