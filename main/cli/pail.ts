/**
 * The `pail` command: the same core services as the desktop app, from a terminal.
 */
import { appInfo } from '../core/app-info.js'

const usage = `Usage: pail <command>

Commands:
  help        Show this help
  version     Show Pail's version
`

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const [command = 'help'] = argv
  switch (command) {
    case 'help':
    case '--help':
    case '-h':
      out(usage)
      return 0
    case 'version':
    case '--version': {
      const info = appInfo('headless')
      out(`${info.name} ${info.version}\n`)
      return 0
    }
    default:
      err(`pail: "${command}" is not a pail command. Run "pail help" to see the commands.\n`)
      return 2
  }
}
