/**
 * The `pail` command: the same core services as the desktop app, from a terminal.
 */
import { BitbucketNameError } from '../../shared/bitbucket/names.js'
import { appManifest } from '../core/app-info.js'
import { SignInError } from '../core/auth/loopback-listener.js'
import { TokenEndpointError } from '../core/auth/oauth-client.js'
import { SignInFailed } from '../core/auth/auth-service.js'
import { SignedOutError } from '../core/auth/token-source.js'
import { BitbucketError, UnsafeRequestError } from '../core/bitbucket/api-client.js'
import { CommitError } from '../core/bitbucket/commit-errors.js'
import { ProvisioningError } from '../core/config/provisioning.js'
import { ProtectedPathError } from '../core/fs/read-guard.js'
import { LockHeldError } from '../core/store/home-locks.js'
import { UploadRequestError } from '../core/upload/manual-upload.js'
import { PairError } from '../core/sync/pairs/pair-store.js'
import { CliError, createCliContext, type CliContext, type Output } from './cli-context.js'
import { asksForHelp, type CommandSpec } from './command.js'
import { adminCommand } from './commands/admin.js'
import { gitCredentialCommand } from './commands/git-credential.js'
import { historyCommand } from './commands/history.js'
import { loginCommand } from './commands/login.js'
import { logoutCommand } from './commands/logout.js'
import { pairCommand } from './commands/pair.js'
import { reposCommand } from './commands/repos.js'
import { serveCommand } from './commands/serve.js'
import { statusCommand, syncCommand } from './commands/sync.js'
import { uploadCommand } from './commands/upload.js'
import { whoamiCommand } from './commands/whoami.js'
import { HoldError } from './hold-answer.js'

/** Every command, in the order `pail help` lists them. */
export const commands: readonly CommandSpec[] = [
  loginCommand,
  logoutCommand,
  whoamiCommand,
  reposCommand,
  pairCommand,
  syncCommand,
  statusCommand,
  uploadCommand,
  historyCommand,
  serveCommand,
  gitCredentialCommand,
  adminCommand,
]

/** `pail help`: every command, then how to see a command's options. */
export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 'version'.length) + 2
  const line = (name: string, summary: string): string => `  ${name.padEnd(width)} ${summary}\n`
  return (
    'Usage: pail <command> [options]\n\nCommands:\n' +
    commands.map((c) => line(c.name, c.summary)).join('') +
    line('version', "Show Pail's version (also --version)") +
    line('help', "Show this help, or a command's: pail help <command> (also -h, --help)") +
    '\nEvery command takes --help, which lists all its options: pail <command> --help\n'
  )
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
    error instanceof UploadRequestError ||
    error instanceof BitbucketNameError ||
    error instanceof ProtectedPathError ||
    error instanceof UnsafeRequestError ||
    error instanceof LockHeldError ||
    error instanceof HoldError
  )
    return error.message
  if (error instanceof CommitError) return error.message
  if (error instanceof BitbucketError)
    return error.status === 0 ? error.message : `Bitbucket answered: ${error.message} (HTTP ${error.status}).`
  if (isUsageError(error)) return `${error.message}. Run "pail help".`
  return `Something unexpected went wrong: ${(error as Error).message}`
}

function isUsageError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. `promptSecret`
 * asks on the terminal without echo; it is null when standard input is not a terminal, and
 * secrets are then read from `readStdin`.
 */
export async function runCli(
  argv: readonly string[],
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
  readStdin: () => Promise<string> = async () => '',
  promptSecret: ((question: string) => Promise<string>) | null = null,
): Promise<number> {
  const [command = 'help', ...rest] = argv
  if (command === 'help' || command === '--help' || command === '-h') {
    const about = commands.find((c) => c.name === rest[0])
    output.out(about ? `${about.help}\n` : usage())
    return about || rest.length === 0 ? 0 : 2
  }
  if (command === 'version' || command === '--version') {
    output.out(`${appManifest.name} ${appManifest.version}\n`)
    return 0
  }
  const spec = commands.find((c) => c.name === command)
  if (!spec) {
    output.err(`pail: "${command}" is not a pail command. Run "pail help" to see the commands.\n`)
    return 2
  }
  if (asksForHelp(rest)) {
    output.out(`${spec.help}\n`)
    return 0
  }
  let ctx: CliContext | null = null
  try {
    ctx = await createCliContext(output, env, readStdin, promptSecret)
    return await spec.run(ctx, [...rest])
  } catch (error) {
    output.err(`pail: ${messageOf(error)}\n`)
    return error instanceof CliError ? error.exitCode : isUsageError(error) ? 2 : 1
  } finally {
    // The log is written in the background: what this command logged is on disk before it exits.
    await ctx?.logger.flush()
  }
}
