/**
 * `pail upload <paths…> --repo ws/slug [--branch B] [--path P] [--message M]`: files and folders
 * as one commit, with progress, ending with the commit's link.
 */
import { parseArgs } from 'node:util'
import { manualUpload } from '../../core/upload/manual-upload.js'
import { CliError, parseRepo, type CliContext } from '../cli-context.js'

export async function upload(ctx: CliContext, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      repo: { type: 'string' },
      branch: { type: 'string' },
      path: { type: 'string' },
      message: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length === 0 || !values.repo)
    throw new CliError(
      'Usage: pail upload <files or folders…> --repo workspace/repository [--branch B] [--path P] [--message M]',
      2,
    )
  const session = await ctx.auth.session()
  if (!session) throw new CliError('Nobody is signed in. Run "pail login" first.')
  let shown = -1
  const result = await manualUpload(
    { session, history: ctx.history, logger: ctx.logger },
    {
      paths: positionals,
      ...parseRepo(values.repo),
      branch: values.branch ?? 'main',
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
