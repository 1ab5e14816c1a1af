/**
 * `npm run demo [-- [--once] <folder>]`: Pail end to end against the Bitbucket emulator. Starts
 * the emulator, signs in, pairs the folder (a fresh one with a welcome file if none is given),
 * syncs, and says what it does; then serves Pail's window (`pail serve`, which prints its address)
 * and watches the folder until Ctrl+C (or exits, with --once).
 * Everything lives in temporary directories: the user's own Pail settings are not touched.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { runCli } from '../../main/cli/pail.js'
import { startEmulator } from '../emulator/server.js'

const { values, positionals } = parseArgs({
  options: { once: { type: 'boolean', default: false } },
  allowPositionals: true,
})
const say = (text: string): boolean => process.stdout.write(`\n▶ ${text}\n`)
const output = {
  // Indented, except the address `pail serve` prints, which stays alone on its line.
  out: (t: string) => process.stdout.write(t.replace(/^(?=.)(?!http:\/\/127\.0\.0\.1:)/gm, '  ')),
  err: (t: string) => process.stderr.write(t.replace(/^(?=.)/gm, '  ')),
}

const scratch = await mkdtemp(join(tmpdir(), 'pail-demo-'))
say('Starting the Bitbucket Cloud emulator (stands in for bitbucket.org and api.bitbucket.org)')
const { server, info } = await startEmulator({ dataDir: join(scratch, 'bitbucket') })
process.stdout.write(
  `  web ${info.webUrl}   api ${info.apiUrl}\n  workspace ${info.workspace}, repository ${info.repository.slug} (branch ${info.repository.mainBranch})\n`,
)

const env = {
  ...process.env,
  PAIL_HOME: join(scratch, 'pail-home'),
  PAIL_WEB_URL: info.webUrl,
  PAIL_API_URL: info.apiUrl,
}
/** Runs a `pail` command; `input` is what it reads from standard input (a secret, never an argument). */
const pailWith = async (input: string, ...argv: string[]): Promise<void> => {
  const code = await runCli(argv, output, env, async () => input)
  if (code !== 0) {
    await server.stop()
    process.exit(code)
  }
}
const pail = (...argv: string[]): Promise<void> => pailWith('', ...argv)

say('Signing in (here with the private consumer; staff would click "Sign in" in the browser)')
await pailWith(
  `${info.privateConsumer.secret}\n`,
  'login',
  '--client-credentials',
  '--key',
  info.privateConsumer.key,
  '--secret',
)

let folder = positionals[0] ? resolve(positionals[0]) : ''
if (!folder) {
  folder = join(scratch, 'My Team Folder')
  await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }))
  await writeFile(join(folder, 'Welcome.txt'), 'Saved in a folder, landed in Bitbucket.\n')
}
say(`Pairing ${folder} with ${info.repository.fullName}`)
await pail('pair', 'add', folder, '--repo', info.repository.fullName)

say('Syncing: the repository’s files come into the folder, the folder’s files go up as one commit')
await pail('sync', '--once')

say('What Bitbucket now has')
await pail('history', '--limit', '5')
process.stdout.write(
  `\n  Clone it yourself: git clone ${info.repository.cloneUrl}   (user x-token-auth, password: any token from "pail git-credential get")\n`,
)

if (values.once) {
  await server.stop()
} else {
  say(
    `Watching ${folder}: save, change or delete files there and watch them land. Pail's window is at the address below (open it in your browser). Ctrl+C stops.`,
  )
  await pail('serve')
  await server.stop()
}
