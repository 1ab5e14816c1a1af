/**
 * `npm run emulator -- --port 0 --data <dir>`: starts the Bitbucket Cloud emulator and prints one
 * JSON line (EmulatorInfo) on stdout when it is ready. Stops on SIGINT/SIGTERM.
 *
 * Options: --port N (web), --api-port N, --data DIR, --callback-url URL, --setting key=value
 * (repeatable; values are JSON when they parse as JSON, else strings).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from './server.js'

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`)
  process.exit(2)
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'api-port': { type: 'string', default: '0' },
        data: { type: 'string' },
        'callback-url': { type: 'string' },
        setting: { type: 'string', multiple: true, default: [] },
      },
      strict: true,
    })
  } catch (error) {
    return fail(
      `${(error as Error).message}. Options: --port N --api-port N --data DIR --callback-url URL --setting key=value`,
    )
  }
}

const { values } = parseOptions()

const port = Number(values.port)
const apiPort = Number(values['api-port'])
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}"`)
if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535)
  fail(`--api-port must be a port number, not "${values['api-port']}"`)

const settings: Record<string, unknown> = {}
for (const pair of values.setting) {
  const eq = pair.indexOf('=')
  if (eq < 1) fail(`--setting takes key=value, not "${pair}"`)
  const raw = pair.slice(eq + 1)
  let value: unknown = raw
  try {
    value = JSON.parse(raw)
  } catch {
    // a bare string
  }
  settings[pair.slice(0, eq)] = value
}

const dataDir = values.data ? resolve(values.data) : mkdtempSync(join(tmpdir(), 'bitbucket-emulator-'))
try {
  const { server, info } = await startEmulator({
    dataDir,
    port,
    apiPort,
    settings,
    ...(values['callback-url'] ? { callbackUrl: values['callback-url'] } : {}),
  })
  process.stdout.write(`${JSON.stringify(info)}\n`)
  const stop = (): void => void server.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} catch (error) {
  fail((error as Error).message)
}
