/**
 * Runs the real `pail` binary (bin/pail.js) against a running emulator, with its own Pail home.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { RunningEmulator } from '../emulator/harness.js'

export const PAIL_BIN = fileURLToPath(new URL('../../bin/pail.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface PailCli {
  home: string
  env: NodeJS.ProcessEnv
  /** Runs `pail …args`, feeding `input` on stdin; `onStderr` sees error output as it comes. */
  run(args: string[], options?: { input?: string; onStderr?: (text: string) => void }): Promise<CliResult>
}

/** A Pail home provisioned for the emulator's public consumer on `callbackPort`. */
export async function pailCli(t: TestContext, emu: RunningEmulator, callbackPort: number): Promise<PailCli> {
  const home = await mkdtemp(join(tmpdir(), 'pail-cli-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  await writeFile(
    join(home, 'provisioning.json'),
    JSON.stringify({
      consumer: { key: emu.info.publicConsumer.key, secret: emu.info.publicConsumer.secret },
      callback: { port: callbackPort, path: '/pail/callback' },
    }),
  )
  const env = {
    ...process.env,
    PAIL_HOME: home,
    PAIL_WEB_URL: emu.info.webUrl,
    PAIL_API_URL: emu.info.apiUrl,
    PAIL_NO_BROWSER: '1',
  }
  return {
    home,
    env,
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [PAIL_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString()
          options.onStderr?.(stderr)
        })
        child.on('error', reject)
        child.on('close', (code) => resolve({ code, stdout, stderr }))
        child.stdin.end(options.input ?? '')
      })
    },
  }
}
