/**
 * `pail admin check` and `pail admin provision --out FILE`: for the Bitbucket admin who sets Pail
 * up for staff. The check asks Bitbucket about the OAuth consumer (main/core/admin/) and says what
 * works, what to fix and what could not be checked; provision writes the provisioning file staff
 * import, after the same check. The consumer's secret comes from the provisioning file, a prompt
 * that does not echo, or standard input (secret-input.ts), never needed on the command line.
 */
import { parseArgs } from 'node:util'
import { probeConsumer } from '../../core/admin/consumer-probe.js'
import { judgeConsumer, type CheckItem, type CheckReport } from '../../core/admin/consumer-verdict.js'
import {
  assertWritableTarget,
  buildProvisioning,
  ProvisioningWriteError,
  writeProvisioningFile,
} from '../../core/admin/provisioning-file.js'
import type { ConsumerCredentials } from '../../core/auth/oauth-client.js'
import { callbackUrl } from '../../core/config/endpoints.js'
import { callbackInForce } from '../../core/config/provisioning.js'
import { CliError, parseBranch, parseRepo, systemOpener, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'
import { commandLineSecretWarning, readSecret, takeSecretFlags } from '../secret-input.js'

const options = {
  key: { type: 'string' },
  secret: { type: 'string' },
  repo: { type: 'string' },
  branch: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  'ignore-check': { type: 'boolean', default: false },
  'sign-in': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const

const help = `Usage:
  pail admin check [--key KEY] [--secret] [--repo WORKSPACE/REPOSITORY] [--sign-in] [--json]
      Ask Bitbucket about Pail's OAuth consumer and say, in plain words, what works and what to
      fix: whether the key and secret are right, whether it is a private consumer and what that
      means, its permissions against what each Pail feature needs, the workspaces and
      repositories it reaches, and whether Bitbucket accepts Pail's callback URL. What could not
      be checked is said, with how to check it by hand. Exits 0 only when staff can sign in and
      upload; otherwise 1, with the list of fixes.
      --key: the consumer's key (default: the provisioning file's); Pail then asks for its
      secret. --repo: also check this default repository (default: the provisioning file's).
      --sign-in: also sign in once in your browser through the consumer, as staff will (nothing
      is stored): that checks the callback URL for certain, and, for a consumer that is not
      private, its permissions, workspaces and repositories, which Bitbucket shows only to
      someone signed in. --json: the whole report as JSON, for scripts.
  pail admin provision --out FILE [--key KEY] [--secret] [--repo WORKSPACE/REPOSITORY]
                       [--branch BRANCH] [--sign-in] [--force] [--ignore-check]
      Run the same check, then write the provisioning file staff import: the consumer, the
      callback port and path, Bitbucket's addresses when they are not Bitbucket Cloud's, and the
      default repository (--repo) and branch (--branch). The file holds the consumer's secret,
      so it is readable by you only (mode 0600). --force: replace an existing FILE.
      --ignore-check: write it even when the check finds something to fix.

The consumer's secret is best left off the command line: without a value, --secret (or a --key
other than the provisioning file's) makes Pail ask for it without showing what you type, or
read the first line of standard input when it is not a terminal:
  echo "$SECRET" | pail admin check --key KEY --secret
"--secret VALUE" still works, but others on this computer can see it, so Pail warns.
  -h, --help    Show this help`

const usage =
  'Usage: pail admin check [--key KEY] [--secret] [--repo ws/slug] [--sign-in] [--json] | provision --out FILE [--repo ws/slug] [--branch B] [--sign-in] [--force]. "pail admin --help" says more.'

type Values = ReturnType<typeof parse>['values']

function parse(argv: string[]) {
  return parseArgs({ args: argv, options, strict: true, allowPositionals: true })
}

/** The consumer to check: its key from --key or the provisioning file, its secret as secret-input.ts reads secrets. */
async function consumerOf(
  ctx: CliContext,
  values: Values,
  asked: Set<string>,
  command: string,
): Promise<ConsumerCredentials> {
  const provisioned = ctx.provisioning.consumer
  const key = values.key?.trim() || provisioned?.key
  if (!key)
    throw new CliError(
      `Pail needs the consumer's key: add --key KEY (from Workspace settings → OAuth consumers), or point PAIL_PROVISIONING at a provisioning file that has it.`,
      2,
    )
  const example = `pail admin ${command} --key ${key} --secret`
  if (values.secret !== undefined) {
    ctx.err(commandLineSecretWarning('secret', "consumer's secret", example))
    const given = values.secret.trim()
    if (!given) throw new CliError("The consumer's secret is empty.", 2)
    return { key, secret: given }
  }
  // The provisioning file's secret belongs to its own key only.
  if (!asked.has('secret') && provisioned && provisioned.key === key) return { key, secret: provisioned.secret }
  return { key, secret: await readSecret(ctx, "consumer's secret", example) }
}

/** The default repository: --repo (with --branch), else the provisioning file's. */
function repositoryOf(ctx: CliContext, values: Values): { workspace: string; slug: string; branch?: string } | null {
  const branch = values.branch === undefined ? undefined : parseBranch(values.branch)
  if (values.repo !== undefined) {
    const { workspace, repository } = parseRepo(values.repo)
    return { workspace, slug: repository, ...(branch ? { branch } : {}) }
  }
  const provisioned = ctx.provisioning.defaultRepository
  if (branch !== undefined && !provisioned)
    throw new CliError('--branch goes with a default repository: add --repo WORKSPACE/REPOSITORY.', 2)
  if (!provisioned) return null
  const kept = branch ?? provisioned.branch
  return { workspace: provisioned.workspace, slug: provisioned.slug, ...(kept ? { branch: kept } : {}) }
}

const marks = { ok: '✓', fix: '✗', unverified: '?', info: '·' } as const

/** The report for people: each finding, then what to fix and what could not be checked. */
export function formatReport(report: CheckReport): string {
  const lines = [`Pail's check of the OAuth consumer ${report.consumerKey} on ${report.webUrl}`, '']
  for (const found of report.items) {
    lines.push(`${marks[found.status]} ${found.text}`)
    if (found.id === 'permissions' && report.features)
      for (const f of report.features)
        lines.push(`    ${f.ready ? '✓' : '✗'} ${f.label}${f.ready ? '' : ` — needs ${f.missing.join(' and ')}`}`)
  }
  lines.push('')
  const fixes = report.items.filter((i) => i.status === 'fix')
  const open = report.items.filter((i) => i.status === 'unverified')
  if (report.verdict === 'ready') lines.push('Staff can sign in and upload.')
  if (fixes.length > 0) {
    lines.push('To fix, then run "pail admin check" again:')
    fixes.forEach((f: CheckItem, i) => lines.push(`  ${i + 1}. ${f.fix ?? f.text}`))
  }
  if (open.length > 0) {
    lines.push('Could not be checked from here:')
    for (const o of open) lines.push(`  - ${o.text}`, `    By hand: ${o.byHand ?? ''}`)
  }
  return `${lines.join('\n')}\n`
}

async function check(
  ctx: CliContext,
  consumer: ConsumerCredentials,
  repository: ReturnType<typeof repositoryOf>,
  signIn: boolean,
): Promise<CheckReport> {
  const controller = new AbortController()
  const onInterrupt = (): void => controller.abort()
  if (signIn) process.once('SIGINT', onInterrupt)
  try {
    const facts = await probeConsumer({
      endpoints: ctx.endpoints,
      consumer,
      callbackUrl: callbackUrl(ctx.provisioning),
      repository,
      signIn: signIn
        ? {
            opener: systemOpener(ctx.env),
            ...callbackInForce(ctx.provisioning),
            signal: controller.signal,
            onAuthorizationUrl: (url, opened) =>
              ctx.err(
                opened
                  ? 'Your browser is open at Bitbucket. Approve Pail there to finish the check.\n'
                  : `Open this address in a browser to sign in, as staff will:\n\n  ${url}\n\nWaiting for you to approve Pail…\n`,
              ),
          }
        : null,
    })
    return judgeConsumer(facts)
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

async function runCheck(ctx: CliContext, values: Values, asked: Set<string>): Promise<number> {
  const repository = repositoryOf(ctx, values)
  const report = await check(ctx, await consumerOf(ctx, values, asked, 'check'), repository, values['sign-in'])
  ctx.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report))
  return report.verdict === 'ready' ? 0 : 1
}

async function runProvision(ctx: CliContext, values: Values, asked: Set<string>): Promise<number> {
  const out = values.out?.trim()
  if (!out) throw new CliError('Say where to write the provisioning file: --out FILE', 2)
  const force = values.force
  try {
    // Before any question to Bitbucket: an existing file is refused at once.
    await assertWritableTarget(out, force)
    const repository = repositoryOf(ctx, values)
    const consumer = await consumerOf(ctx, values, asked, 'provision')
    const report = await check(ctx, consumer, repository, values['sign-in'])
    ctx.out(formatReport(report))
    if (report.verdict === 'needs-fixes' && !values['ignore-check'])
      throw new CliError(
        `Pail did not write ${out}: the check found something to fix (above). Fix it and run this again, or add --ignore-check to write the file anyway.`,
      )
    const provisioning = buildProvisioning({
      consumer,
      callback: callbackInForce(ctx.provisioning),
      endpoints: ctx.endpoints,
      defaultRepository: repository,
    })
    await writeProvisioningFile(out, provisioning, { force })
    if (report.verdict === 'incomplete')
      ctx.out('Nothing to fix was found, but not everything could be checked (above).\n')
  } catch (error) {
    if (error instanceof ProvisioningWriteError) throw new CliError(error.message)
    throw error
  }
  ctx.out(
    `Wrote ${out} (readable by you only: it holds the consumer's secret). Give it to staff; they import it on Pail's first screen, or save it as provisioning.json in Pail's folder.\n`,
  )
  return 0
}

export async function admin(ctx: CliContext, argv: string[]): Promise<number> {
  const { argv: rest, asked } = takeSecretFlags(argv, ['secret'])
  const { values, positionals } = parse(rest)
  const [sub, ...extra] = positionals
  if (extra.length > 0) throw new CliError(`"${extra.join(' ')}" is not something pail admin takes. ${usage}`, 2)
  if (sub === 'check') {
    if (values.out !== undefined || values.force || values['ignore-check'])
      throw new CliError('--out, --force and --ignore-check go with "pail admin provision".', 2)
    return runCheck(ctx, values, asked)
  }
  if (sub === 'provision') {
    if (values.json) throw new CliError('--json goes with "pail admin check".', 2)
    return runProvision(ctx, values, asked)
  }
  throw new CliError(sub === undefined ? usage : `"${sub}" is not a pail admin command. ${usage}`, 2)
}

export const adminCommand: CommandSpec = {
  name: 'admin',
  summary: "For Bitbucket admins: check Pail's OAuth consumer, write staff's provisioning file",
  help,
  options,
  run: admin,
}
