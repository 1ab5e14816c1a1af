/**
 * What every benchmark shares: one emulator for the whole run, a Pail home signed in with the
 * private consumer's client credentials (as sync-fixture.ts does), fresh repositories, git run
 * over smart HTTP under `/usr/bin/time` for its peak RSS, and the bare-repository checks that
 * decide whether a result is right. Secrets never reach argv or printed text.
 */
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Session } from '../../main/core/auth/auth-service.js'
import { scrub } from '../emulator/git/git-cli.js'
import { git as bareGit } from '../emulator/git/git-store.js'
import { startEmulator, type EmulatorInfo, type EmulatorServer } from '../emulator/server.js'
import { pailAuthService } from './pail-home.js'
import { isolatedGitEnv } from '../emulator/git/git-env.js'

const run = promisify(execFile)
const TIME = '/usr/bin/time'

/** The running emulator, the signed-in Pail session and the run's temporary directory. */
export interface BenchContext {
  server: EmulatorServer
  info: EmulatorInfo
  /** Everything the run writes lives under here and is removed at the end. */
  root: string
  /** The Pail home (settings, secrets, history) signed in with client credentials. */
  home: string
  session: Session
  /** Milliseconds the emulator spent on requests so far (from request start to response finish, summed). */
  emulatorMs(): number
  /** Stops counting emulatorMs. */
  stopClock(): void
}

/** A repository made for one contender: its name, bare git directory, clone URL and first tip. */
export interface BenchRepo {
  slug: string
  gitDir: string
  cloneUrl: string
  tip: string
}

/** Wall time in milliseconds and peak resident set of one measured process (tree). */
export interface Measured {
  ms: number
  maxRssBytes: number
}

/** Starts the emulator in a fresh temporary directory (no hourly request budget) and signs Pail in with client credentials. */
export async function startBench(): Promise<BenchContext> {
  const root = await mkdtemp(join(tmpdir(), 'pail-bench-'))
  // Bitbucket's hourly budget per OAuth consumer (1,000 requests) is off: the naive peers spend
  // more than that in one run (the burst's one POST per file), and the run must finish.
  const { server, info } = await startEmulator({
    dataDir: join(root, 'emulator'),
    settings: { consumerRateLimitPerHour: 0 },
  })
  const home = join(root, 'home')
  await mkdir(home)
  const auth = pailAuthService(home, info)
  await auth.signInWithClientCredentials(info.privateConsumer)
  const session = await auth.session()
  if (!session) throw new Error('Pail did not get a session from the client-credentials sign-in')
  return { server, info, root, home, session, ...emulatorClock() }
}

/**
 * Another Pail home under the run's directory, signed in with the private consumer's client
 * credentials: for a benchmark whose sync service or token counts must not see the others' pairs.
 */
export async function signedInHome(ctx: BenchContext, name: string): Promise<{ home: string; session: Session }> {
  const home = join(ctx.root, `home-${name}`)
  await mkdir(home)
  const auth = pailAuthService(home, ctx.info)
  await auth.signInWithClientCredentials(ctx.info.privateConsumer)
  const session = await auth.session()
  if (!session) throw new Error(`${name}: Pail did not get a session from the client-credentials sign-in`)
  return { home, session }
}

/** Polls `condition` every `everyMs` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  condition: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; everyMs?: number },
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs
  for (;;) {
    const value = await condition()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`${what}: not within ${options.timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 5))
  }
}

/**
 * Time spent inside the emulator's HTTP handlers, from Node's own `http.server` diagnostics
 * channels: wall time minus this is the client's share (the emulator runs in this process).
 */
function emulatorClock(): Pick<BenchContext, 'emulatorMs' | 'stopClock'> {
  const open = new WeakMap<object, number>()
  let total = 0
  const onStart = (message: unknown): void =>
    void open.set((message as { response: object }).response, performance.now())
  const onFinish = (message: unknown): void => {
    const started = open.get((message as { response: object }).response)
    if (started !== undefined) total += performance.now() - started
  }
  subscribe('http.server.request.start', onStart)
  subscribe('http.server.response.finish', onFinish)
  return {
    emulatorMs: () => total,
    stopClock: () => {
      unsubscribe('http.server.request.start', onStart)
      unsubscribe('http.server.response.finish', onFinish)
    },
  }
}

/** Stops the emulator and removes every file of the run. */
export async function stopBench(ctx: BenchContext): Promise<void> {
  ctx.stopClock()
  await ctx.server.stop()
  await rm(ctx.root, { recursive: true, force: true })
}

/** Creates `pail-demo/{slug}` with README.md on main, through the emulator's control endpoint. */
export async function createRepo(ctx: BenchContext, slug: string): Promise<BenchRepo> {
  const res = await fetch(`${ctx.info.controlUrl}/repositories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slug }),
  })
  if (res.status !== 201) throw new Error(`creating repository ${slug}: ${res.status} ${await res.text()}`)
  const repo = ctx.server.world.repository('pail-demo', slug)
  if (!repo) throw new Error(`repository ${slug} is missing after creation`)
  const gitDir = ctx.server.git(repo).gitDir
  return { slug, gitDir, cloneUrl: `${ctx.info.webUrl}/pail-demo/${slug}.git`, tip: await bareRev(gitDir, 'main') }
}

/** `git rev-parse` in a bare repository. */
export async function bareRev(gitDir: string, rev: string): Promise<string> {
  return (await bareGit(gitDir, ['rev-parse', '--verify', rev])).toString('utf8').trim()
}

/** Commits on `main` of a bare repository. */
export async function commitCount(gitDir: string): Promise<number> {
  return Number((await bareGit(gitDir, ['rev-list', '--count', 'main'])).toString('utf8').trim())
}

/** `git ls-tree -r` of `rev`: path → blob sha. */
export async function treeOf(gitDir: string, rev: string): Promise<Map<string, string>> {
  const out = (await bareGit(gitDir, ['ls-tree', '-r', '-z', rev])).toString('utf8')
  const tree = new Map<string, string>()
  for (const line of out.split('\0').filter(Boolean)) {
    const tab = line.indexOf('\t')
    tree.set(line.slice(tab + 1), line.slice(0, tab).split(' ')[2]!)
  }
  return tree
}

/** The git blob sha of some bytes, computed here (not by Pail's code) so the check is independent. */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex')
}

/**
 * Fails unless `main` of the bare repository holds exactly `expected` (path → blob sha) besides
 * the README.md every repository starts with.
 */
export async function assertTree(gitDir: string, expected: Map<string, string>, who: string): Promise<void> {
  const tree = await treeOf(gitDir, 'main')
  tree.delete('README.md')
  const wrong = [...expected].filter(([path, sha]) => tree.get(path) !== sha).map(([path]) => path)
  const extra = [...tree.keys()].filter((path) => !expected.has(path))
  if (wrong.length || extra.length || tree.size !== expected.size)
    throw new Error(
      `${who}: the branch does not hold what was sent (${wrong.length} missing or different, e.g. ${wrong[0] ?? '-'}; ${extra.length} unexpected)`,
    )
}

/** Requests counted in the emulator's log, and a short list of what they were. */
export interface RequestCount {
  all: number
  api: number
  srcPosts: number
  /** E.g. `GET info/refs 401, GET info/refs, POST git-receive-pack`, with repeats folded (`×1,000`). */
  described: string
}

/** Requests the emulator logged from index `from` on. */
export function requestsSince(ctx: BenchContext, from: number): RequestCount {
  const log = ctx.server.requestLog.slice(from)
  const kinds = new Map<string, number>()
  for (const r of log) {
    const path = r.path.split('?')[0]!
    const tail =
      r.server === 'api'
        ? path.replace(/^\/2\.0\/repositories\/[^/]+\/[^/]+/, '…')
        : path
            .split('/')
            .slice(-2)
            .join('/')
            .replace(/^[^/]+\.git\//, '')
    const key = `${r.method} ${tail}${r.status >= 200 && r.status < 300 ? '' : ` ${r.status}`}`
    kinds.set(key, (kinds.get(key) ?? 0) + 1)
  }
  const described = [...kinds].map(([key, n]) => (n > 1 ? `${key} ×${n.toLocaleString('en-US')}` : key)).join(', ')
  return {
    all: log.length,
    api: log.filter((r) => r.server === 'api').length,
    srcPosts: log.filter((r) => r.method === 'POST' && r.path.endsWith('/src')).length,
    described,
  }
}

const HELPER = `!f() { test "$1" = get || exit 0; printf 'username=%s\\npassword=%s\\n' x-token-auth "$PAIL_BENCH_GIT_TOKEN"; }; f`

/** Fails early, with what to do, when GNU time (needed for git's peak RSS) is missing. */
export async function requireGnuTime(): Promise<void> {
  try {
    await access(TIME)
  } catch {
    throw new Error(
      `${TIME} is missing: it measures git's peak RSS. Install GNU time (apt-get install -y time) and run again.`,
    )
  }
}

/** Fails early, with what to do, when a command the peers run is missing. */
export async function requireCommand(command: string, install: string): Promise<void> {
  try {
    await run(command, ['--version'])
  } catch {
    throw new Error(`${command} is missing: a peer of the benchmark runs it. Install it (${install}) and run again.`)
  }
}

/** What a command printed, besides its wall time and peak RSS, and the CPU time it (and what it waited for) used. */
export interface CommandOutput extends Measured {
  stdout: string
  cpuMs: number
}

/**
 * Runs a command under `/usr/bin/time`, so that the peak RSS of it and of every process it
 * waited for is known; `stdin` is written to its standard input (secrets go there, never into
 * argv). Rejects on a non-zero exit, with its stderr scrubbed of `secrets`.
 */
export async function timedCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; stdin?: string; secrets?: readonly string[] },
): Promise<CommandOutput> {
  const secrets = options.secrets ?? []
  const timeDir = await mkdtemp(join(tmpdir(), 'pail-bench-time-'))
  const timeFile = join(timeDir, 'rusage')
  try {
    const started = performance.now()
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args], {
          cwd: options.cwd,
          env: options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          stdio: ['pipe', 'pipe', 'pipe'],
        })
        const out: Buffer[] = []
        const err: Buffer[] = []
        child.stdout.on('data', (c: Buffer) => out.push(c))
        child.stderr.on('data', (c: Buffer) => err.push(c))
        child.on('error', reject)
        child.on('close', (exit) =>
          resolve({
            code: exit,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
          }),
        )
        // A command that exits without reading its input closes the pipe: not an error here.
        child.stdin.on('error', () => undefined)
        child.stdin.end(options.stdin ?? '')
      },
    )
    const ms = performance.now() - started
    if (code !== 0) throw new Error(`${command} ${args[0]} exited ${code}: ${scrub(stderr, secrets).trim()}`)
    // Peak RSS in KiB, then user and system CPU seconds.
    const [kib, user, system] = ((await readFile(timeFile, 'utf8')).trim().split('\n').at(-1) ?? '')
      .split(' ')
      .map(Number)
    if (!Number.isFinite(kib) || kib! <= 0) throw new Error(`could not read the peak RSS of ${command} from ${TIME}`)
    if (!Number.isFinite(user) || !Number.isFinite(system))
      throw new Error(`could not read the CPU time of ${command} from ${TIME}`)
    return { ms, maxRssBytes: kib! * 1024, cpuMs: (user! + system!) * 1000, stdout: scrub(stdout, secrets) }
  } finally {
    await rm(timeDir, { recursive: true, force: true })
  }
}

/**
 * Runs git as a user would against the emulator (credential helper answering `x-token-auth`
 * with Pail's OAuth token, as in git-cli.ts), under `/usr/bin/time` so that the peak RSS of git
 * and every process it waited for (remote-http, pack-objects) is known. Rejects on a non-zero exit.
 */
export async function timedGit(
  args: readonly string[],
  options: { cwd: string; token: string },
): Promise<CommandOutput> {
  const config: [string, string][] = [
    ['credential.helper', ''],
    ['credential.helper', HELPER],
    ['init.defaultBranch', 'main'],
    ['advice.detachedHead', 'false'],
  ]
  const env: Record<string, string> = {
    ...isolatedGitEnv(),
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Bench Author',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench Author',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    PAIL_BENCH_GIT_TOKEN: options.token,
    GIT_CONFIG_COUNT: String(config.length),
  }
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key
    env[`GIT_CONFIG_VALUE_${i}`] = value
  })
  return timedCommand('git', args, { cwd: options.cwd, env, secrets: [options.token] })
}

/** Runs git steps one after another: wall times add up, the peak RSS is the largest. */
export async function timedGitSteps(
  steps: readonly (readonly string[])[],
  options: { cwd: string; token: string },
): Promise<Measured & { steps: ({ name: string } & Measured)[] }> {
  const out = { ms: 0, maxRssBytes: 0, steps: [] as ({ name: string } & Measured)[] }
  for (const args of steps) {
    const step = await timedGit(args, options)
    out.ms += step.ms
    out.maxRssBytes = Math.max(out.maxRssBytes, step.maxRssBytes)
    out.steps.push({ name: args[0]!, ms: step.ms, maxRssBytes: step.maxRssBytes })
  }
  return out
}

/** `git hash-object` of a file: the sha git itself gives its content. */
export async function gitHashObject(path: string): Promise<string> {
  return (
    await run('git', ['hash-object', '--no-filters', path], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    })
  ).stdout.trim()
}
