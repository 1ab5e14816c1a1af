/**
 * One `pail` command as the CLI knows it: its name, a line for `pail help`, its full help text,
 * and the options its parser accepts. The parser of each command reads `options` from here, so
 * the help and the parser cannot drift apart (a test checks that every option is in the help).
 */
import type { ParseArgsOptionsConfig } from 'node:util'
import type { CliContext } from './cli-context.js'

/** A command of `pail`. */
export interface CommandSpec {
  name: string
  /** One line for `pail help`. */
  summary: string
  /** `pail <command> --help`: every form and every option, in plain words. */
  help: string
  /** Every option the command's parser accepts. */
  options: ParseArgsOptionsConfig
  /** Runs the command with its arguments (after the command's name); returns the exit code. */
  run(ctx: CliContext, argv: string[]): Promise<number>
}

/** Whether the arguments ask for help (`--help` or `-h` anywhere before a `--`). */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const options = end < 0 ? argv : argv.slice(0, end)
  return options.includes('--help') || options.includes('-h')
}
