/**
 * `pail serve` as a person starts it: the built command (bin/pail.js → out/main/cli.js), with its
 * own Pail home provisioned for the emulator (test/support/pail-cli.ts), in a process group of its
 * own so that stopping it leaves nothing running. The address it prints carries a one-time secret:
 * it is handed to the browser and never written to the test's output.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import type { RunningEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { PAIL_BIN, pailCli, type PailCli } from '../../support/pail-cli.js'
import type { TestContext } from 'node:test'

/** The address line `pail serve` prints, on a line of its own. */
const ADDRESS_LINE = /^(http:\/\/127\.0\.0\.1:(\d+)\/\?s=[A-Za-z0-9_-]+)\s*$/m

/** How long `pail serve` may take to print its address. */
const START_DEADLINE_MS = 20_000
/** How long it may take to end after SIGTERM before it is killed. */
const STOP_DEADLINE_MS = 10_000

export interface RunningPailServe {
  /** The printed address, with its secret. Never log it. */
  url: string
  /** `http://127.0.0.1:PORT`, without the secret. */
  origin: string
  cli: PailCli
  /** Everything it wrote so far, secrets redacted (for failure messages). */
  output(): string
  /** Ends the process group: SIGTERM, then SIGKILL after a deadline. Answers how it ended. */
  stop(): Promise<string>
}

/**
 * Replaces the one-time secret of any printed address, and the authorization code of a sign-in
 * callback address (a browser error may quote either).
 */
export function redactAddress(text: string): string {
  return text.replace(/([?&](?:s|code)=)[^&\s"']+/g, '$1<secret>')
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The negative pid names the child's process group (it was started detached): the group
    // ends with it, whatever it started.
    process.kill(-child.pid!, signal)
  } catch {
    // Already gone.
  }
}

async function stopChild(child: ChildProcess, output: () => string): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return `had already ended (${child.exitCode ?? child.signalCode})`
  signalGroup(child, 'SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const inTime = await Promise.race([
    exited(child).then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_DEADLINE_MS))),
  ])
  clearTimeout(timer)
  if (inTime) {
    // Anything it left behind in its group goes too.
    signalGroup(child, 'SIGKILL')
    return `ended on SIGTERM (${child.exitCode ?? child.signalCode})`
  }
  signalGroup(child, 'SIGKILL')
  await exited(child)
  const tail = output().trim().split('\n').slice(-3).join(' / ')
  return `did not end within ${STOP_DEADLINE_MS / 1000} s of SIGTERM and was killed; it last wrote: ${tail}`
}

/**
 * Starts `pail serve --port P` against `emu` (whose public consumer must be registered for
 * `callbackPort`) and answers once it printed its address. The caller stops it (`stop`), before
 * the emulator and the home go away.
 */
export async function startPailServe(
  t: TestContext,
  emu: RunningEmulator,
  callbackPort: number,
): Promise<RunningPailServe> {
  const cli = await pailCli(t, emu, callbackPort)
  const port = await freePort()
  const child = spawn(process.execPath, [PAIL_BIN, 'serve', '--port', String(port)], {
    env: cli.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  // Its own process group does not get the terminal's Ctrl+C: should the test process exit
  // (process.exit, not a fatal signal) before its teardown ran, this still ends the group.
  const orphanGuard = (): void => signalGroup(child, 'SIGKILL')
  process.once('exit', orphanGuard)
  child.once('exit', () => process.off('exit', orphanGuard))
  let output = ''
  const stop = (): Promise<string> => stopChild(child, () => redactAddress(output))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `pail serve printed no address (http://127.0.0.1:PORT/?s=SECRET on a line of its own) within ${START_DEADLINE_MS / 1000} s. It wrote:\n${redactAddress(output)}`,
          ),
        ),
      START_DEADLINE_MS,
    )
    const seen = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      const match = ADDRESS_LINE.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', seen)
    child.stderr!.on('data', seen)
    child.once('error', (error) => (clearTimeout(timer), reject(error)))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(
        new Error(
          `pail serve ended (${code ?? signal}) before it printed its address. It wrote:\n${redactAddress(output)}`,
        ),
      )
    })
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  const printedPort = Number(new URL(url).port)
  if (printedPort !== port) {
    await stop()
    throw new Error(`pail serve --port ${port} printed an address on port ${printedPort}`)
  }
  return { url, origin: `http://127.0.0.1:${port}`, cli, output: () => redactAddress(output), stop }
}
