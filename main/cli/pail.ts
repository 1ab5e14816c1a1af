/**
 * The `pail` command: the same core services as the desktop app, from a terminal.
 */
import { appInfo } from '../core/app-info.js'
import { SignInError } from '../core/auth/loopback-listener.js'
import { TokenEndpointError } from '../core/auth/oauth-client.js'
import { SignInFailed } from '../core/auth/auth-service.js'
import { SignedOutError } from '../core/auth/token-source.js'
import { BitbucketError } from '../core/bitbucket/api-client.js'
import { CommitError } from '../core/bitbucket/commit-errors.js'
import { ProvisioningError } from '../core/config/provisioning.js'
import { UploadRequestError } from '../core/upload/manual-upload.js'
import { PairError } from '../core/sync/pairs/pair-store.js'
import { CliError, createCliContext, type CliContext, type Output } from './cli-context.js'
import { gitCredential } from './commands/git-credential.js'
import { history } from './commands/history.js'
import { login, loginUsage } from './commands/login.js'
import { logout } from './commands/logout.js'
import { pair } from './commands/pair.js'
import { repos } from './commands/repos.js'
import { status, sync } from './commands/sync.js'
import { upload } from './commands/upload.js'
import { whoami } from './commands/whoami.js'

const usage = `Usage: pail <command>

Commands:
  login              Sign in to Bitbucket (see "pail login --help")
  logout             Sign out and forget the tokens
  whoami [--json]    Who is signed in, with which permissions
  repos [--json]     Your workspaces and the repositories you can write to
  pair               Pair folders with repositories (add, list, remove, pause, resume)
  sync [--once]      Sync the paired folders (--once: one pass, then exit)
  status [--json]    Sign-in and the state of each paired folder
  upload <paths…>    Upload files and folders as one commit (--repo ws/slug)
  history [--json]   What was uploaded, newest first
  git-credential     Git's credential helper (git calls it)
  version            Show Pail's version
  help               Show this help
`

type Command = (ctx: CliContext, argv: string[]) => Promise<number>

const commands: Record<string, Command> = {
  login,
  logout,
  whoami,
  repos,
  pair,
  sync,
  status,
  upload,
  history,
  'git-credential': gitCredential,
}

function isUsageError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
}

/** The messages of errors meant for people; anything else is a bug and says so. */
function messageOf(error: unknown): string {
  if (
    error instanceof CliError ||
    error instanceof SignInError ||
    error instanceof TokenEndpointError ||
    error instanceof SignInFailed ||
    error instanceof SignedOutError ||
    error instanceof ProvisioningError ||
    error instanceof PairError ||
    error instanceof UploadRequestError
  )
    return error.message
  if (error instanceof CommitError) return error.message
  if (error instanceof BitbucketError)
    return error.status === 0 ? error.message : `Bitbucket answered: ${error.message} (HTTP ${error.status}).`
  if (isUsageError(error)) return `${error.message}. Run "pail help".`
  return `Something unexpected went wrong: ${(error as Error).message}`
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
  readStdin: () => Promise<string> = async () => '',
): Promise<number> {
  const [command = 'help', ...rest] = argv
  if (command === 'help' || command === '--help' || command === '-h') {
    output.out(usage)
    return 0
  }
  if (command === 'version' || command === '--version') {
    const info = appInfo('headless')
    output.out(`${info.name} ${info.version}\n`)
    return 0
  }
  if (command === 'login' && (rest.includes('--help') || rest.includes('-h'))) {
    output.out(`${loginUsage}\n`)
    return 0
  }
  const run = commands[command]
  if (!run) {
    output.err(`pail: "${command}" is not a pail command. Run "pail help" to see the commands.\n`)
    return 2
  }
  try {
    return await run(await createCliContext(output, env, readStdin), [...rest])
  } catch (error) {
    output.err(`pail: ${messageOf(error)}\n`)
    return error instanceof CliError ? error.exitCode : isUsageError(error) ? 2 : 1
  }
}
