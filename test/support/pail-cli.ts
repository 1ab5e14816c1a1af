/**
 * Runs the real `pail` binary (bin/pail.js, which runs the built out/main/cli.js) against a running
 * emulator, with its own Pail home. A build older than the sources fails the test that asks for it,
 * with a sentence saying so: a test must not pass or fail on yesterday's code.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { RunningEmulator } from '../emulator/harness.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export const PAIL_BIN = join(ROOT, 'bin', 'pail.js')

/** What the build reads (folders are read whole), relative to the package root. */
export const BUILD_SOURCES = ['main', 'shared', 'renderer', 'package.json', 'electron.vite.config.ts']
/** One file of each part the build writes; main is written first, the renderer last. */
export const BUILD_OUTPUTS = [
  'out/main/cli.js',
  'out/main/index.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]

/** Modification times of `path` (a file, or every file under a folder), with their paths. */
async function modifiedTimes(root: string, path: string): Promise<{ path: string; time: number }[]> {
  const info = await stat(join(root, path))
  if (!info.isDirectory()) return [{ path, time: info.mtimeMs }]
  const entries = await readdir(join(root, path), { recursive: true, withFileTypes: true })
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = join(entry.parentPath, entry.name)
        return { path: relative(root, file), time: (await stat(file)).mtimeMs }
      }),
  )
}

/**
 * Why the build in `root`/out cannot be trusted to be the sources' (a sentence), or null when every
 * output is newer than every source.
 */
export async function buildProblem(root: string = ROOT): Promise<string | null> {
  const outputs = await Promise.all(
    BUILD_OUTPUTS.map((path) =>
      stat(join(root, path)).then(
        (info) => ({ path, time: info.mtimeMs }),
        () => null,
      ),
    ),
  )
  const missing = BUILD_OUTPUTS.filter((_, i) => outputs[i] === null)
  if (missing.length > 0) return `Pail is not built (${missing.join(', ')} missing): run \`npm run build\`.`
  const oldest = Math.min(...outputs.map((output) => output!.time))
  const sources = (await Promise.all(BUILD_SOURCES.map((path) => modifiedTimes(root, path)))).flat()
  const newer = sources.filter((source) => source.time > oldest).map((source) => source.path)
  if (newer.length === 0) return null
  const named = newer.length === 1 ? newer[0] : `${newer[0]} and ${newer.length - 1} more`
  return `The build in out/ is older than the sources (${named} changed since): run \`npm run build\`.`
}

let checked: Promise<string | null> | undefined

/** Throws, with the sentence, when out/ is missing or older than the sources; checks once per process. */
export async function assertBuildIsCurrent(): Promise<void> {
  checked ??= buildProblem()
  const problem = await checked
  if (problem !== null) throw new Error(problem)
}

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
  await assertBuildIsCurrent()
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
