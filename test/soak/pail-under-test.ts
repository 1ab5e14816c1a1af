/**
 * Every call the soak makes into Pail, in one place, so engine changes are wired in here and
 * nowhere else: signing in, pairing, one pass in-process (through the SyncService, as the app
 * runs it), one pass in a child process that can be SIGKILLed, confirming a held pair, what Pail
 * reports as skipped, and its upload history. The rest of test/soak/ sees only the plain types below.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AuthService, type Session } from '../../main/core/auth/auth-service.js'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { FileLogger, type Logger } from '../../main/core/log/logger.js'
import { systemClock } from '../../main/core/ports.js'
import { FileSecretStore } from '../../main/core/secrets/file-secret-store.js'
import { JsonSettingsStore } from '../../main/core/settings/settings-store.js'
import { IgnoreRules } from '../../main/core/sync/local/ignore-rules.js'
import { PairStore } from '../../main/core/sync/pairs/pair-store.js'
import type { SyncPair } from '../../main/core/sync/pairs/sync-pair.js'
import { HoldStore, resolutionsFor } from '../../main/core/sync/pass/hold-store.js'
import { PairSyncer } from '../../main/core/sync/pass/pair-syncer.js'
import type { SyncOutcome } from '../../main/core/sync/pass/pass-run.js'
import { SyncService } from '../../main/core/sync/service/sync-service.js'

/** Where a soak schedule's Pail lives and what it syncs. */
export interface PailSetup {
  home: string
  folder: string
  webUrl: string
  apiUrl: string
  /** The private consumer Pail signs in with (client credentials). */
  consumer: { key: string; secret: string }
  workspace: string
  repository: string
  branch: string
}

/** How one pass ended, in the soak's terms. */
export type PassOutcome =
  | { kind: 'committed'; commit: string; downloaded: number; conflicts: string[]; skipped: SkipReport[] }
  | { kind: 'up-to-date'; downloaded: number; skipped: SkipReport[] }
  | { kind: 'held'; reason: string; message: string }
  | { kind: 'error'; message: string }

/** A path Pail says it did not sync, and why. */
export interface SkipReport {
  path: string
  reason: string
  message: string
}

/** One upload attempt in Pail's history. */
export interface HistoryRecord {
  id: string
  status: string
  commit: string | null
  branch: string
}

/** A pass running in a child process. */
export interface ChildPass {
  /** Resolves once the child has signed in and is about to start the pass. */
  ready: Promise<void>
  /** How the child ended. */
  exit: Promise<ChildExit>
  /** SIGKILL, now. */
  kill(): void
}

export interface ChildExit {
  signal: NodeJS.Signals | null
  code: number | null
  /** The pass's outcome, when the child lived to report it. */
  outcome: PassOutcome | null
  /** The end of the child's stderr (never holds secrets: Pail's messages are for people). */
  stderr: string
}

const DEVICE = 'soak-pc'

function reports(skipped: readonly { path: string; reason: string; message: string }[]): SkipReport[] {
  return skipped.map((s) => ({ path: s.path, reason: s.reason, message: s.message }))
}

function normalise(outcome: SyncOutcome): PassOutcome {
  switch (outcome.status) {
    case 'committed':
      return {
        kind: 'committed',
        commit: outcome.commit,
        downloaded: outcome.downloaded,
        conflicts: outcome.conflicts,
        skipped: reports(outcome.skipped),
      }
    case 'up-to-date':
      return { kind: 'up-to-date', downloaded: outcome.downloaded, skipped: reports(outcome.skipped) }
    case 'held':
      return { kind: 'held', reason: outcome.reason, message: outcome.message }
  }
}

function authFor(setup: Pick<PailSetup, 'home' | 'webUrl' | 'apiUrl'>, logger: Logger): AuthService {
  return new AuthService({
    home: setup.home,
    secrets: new FileSecretStore(join(setup.home, 'secrets.json')),
    clock: systemClock,
    opener: { open: async () => false },
    provisioning: {},
    endpoints: { webUrl: setup.webUrl, apiUrl: setup.apiUrl },
    logger,
  })
}

/** Pail as one person runs it: one home, one account, one pair. */
export class PailUnderTest {
  private constructor(
    private readonly setup: PailSetup,
    private readonly auth: AuthService,
    private readonly logger: Logger,
    readonly pair: SyncPair,
  ) {}

  /** Signs in with the setup's consumer and pairs the folder with the branch. */
  static async create(setup: PailSetup): Promise<PailUnderTest> {
    const logger = new FileLogger(join(setup.home, 'logs', 'pail.log'))
    const auth = authFor(setup, logger)
    await auth.signInWithClientCredentials(setup.consumer)
    const pairs = new PairStore(new JsonSettingsStore(setup.home), setup.home)
    const pair = await pairs.add({
      folder: setup.folder,
      workspace: setup.workspace,
      repository: setup.repository,
      branch: setup.branch,
    })
    return new PailUnderTest(setup, auth, logger, pair)
  }

  /** Default-ignored names are never synced; the schedules must not use them (names.ts). */
  static isIgnoredByDefault(path: string): boolean {
    return new IgnoreRules('/nonexistent').isIgnored(path, false)
  }

  /** Signs in again, as a person does after Pail says it was signed out. */
  async signIn(): Promise<void> {
    await this.auth.signInWithClientCredentials(this.setup.consumer)
  }

  /** Whether Pail has signed itself out (a refused renewal). */
  async isSignedOut(): Promise<boolean> {
    const session = await this.auth.session()
    return session === null || session.tokens.current.status === 'signed-out'
  }

  private async session(): Promise<Session> {
    const session = await this.auth.session()
    if (!session) throw new Error('Pail is not signed in')
    return session
  }

  private async service(): Promise<SyncService> {
    return new SyncService({
      home: this.setup.home,
      pairs: new PairStore(new JsonSettingsStore(this.setup.home), this.setup.home),
      history: new HistoryStore(this.setup.home),
      session: await this.session(),
      logger: this.logger,
      device: DEVICE,
      runner: 'the soak harness',
    })
  }

  /** One pass of the pair in this process, through the SyncService (status written, runner lock held). */
  async pass(): Promise<PassOutcome> {
    try {
      const result = await (await this.service()).syncPair(this.pair)
      if (result.error !== null || result.outcome === null)
        return { kind: 'error', message: result.error ?? 'no outcome' }
      return normalise(result.outcome)
    } catch (error) {
      return { kind: 'error', message: (error as Error).message }
    }
  }

  /**
   * Answers a held pass as a person would in Pail, through the pair's hold store (what
   * `pail sync --confirm <folder>` does): deleted files are deleted from Bitbucket too, a deleted
   * branch is created again. Then one pass carries the answer out.
   */
  async confirm(hold: { reason: string }): Promise<PassOutcome> {
    try {
      const holds = new HoldStore(join(this.setup.home, 'pairs', this.pair.id), this.logger)
      const current = await holds.read()
      if (!current) return await this.pass()
      const choices = resolutionsFor(current.reason)
      const answer = choices.includes('delete') ? 'delete' : choices[0]
      if (!answer) return { kind: 'error', message: `a ${hold.reason} hold has no answer a person could give` }
      await holds.resolve(answer)
      return await this.pass()
    } catch (error) {
      return { kind: 'error', message: (error as Error).message }
    }
  }

  /** One pass in a child process; with `killAfterCommit` it SIGKILLs itself between the 201 and the index write. */
  childPass(options: { killAfterCommit: boolean }): ChildPass {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./pail-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          PAIL_HOME: this.setup.home,
          PAIL_SOAK_WEB_URL: this.setup.webUrl,
          PAIL_SOAK_API_URL: this.setup.apiUrl,
          PAIL_SOAK_PAIR: this.pair.id,
          PAIL_SOAK_KILL_AFTER_COMMIT: options.killAfterCommit ? '1' : '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    let markReady!: () => void
    const ready = new Promise<void>((resolve) => (markReady = resolve))
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('ready\n')) markReady()
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
    const exit = new Promise<ChildExit>((resolve) => {
      child.on('exit', (code, signal) => {
        markReady()
        const line = stdout.split('\n').find((l) => l.startsWith('{'))
        resolve({ code, signal, outcome: line ? (JSON.parse(line) as PassOutcome) : null, stderr })
      })
    })
    return { ready, exit, kill: () => void child.kill('SIGKILL') }
  }

  /** What Pail reports as not synced, with the reason: the skipped paths in the pair's status. */
  async skipped(): Promise<SkipReport[]> {
    return reports((await (await this.service()).status(this.pair)).skipped)
  }

  /** Every upload attempt in the history, newest first. */
  async history(): Promise<HistoryRecord[]> {
    const entries = await new HistoryStore(this.setup.home).list(100_000)
    return entries.map((e) => ({ id: e.id, status: e.status, commit: e.commit, branch: e.branch }))
  }
}

/** The child process's side of childPass (test/soak/pail-child.ts runs it). */
export async function runChildFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const home = env.PAIL_HOME!
  const logger = new FileLogger(join(home, 'logs', 'pail.log'))
  const auth = authFor({ home, webUrl: env.PAIL_SOAK_WEB_URL!, apiUrl: env.PAIL_SOAK_API_URL! }, logger)
  const session = await auth.session()
  if (!session) throw new Error('The child found nobody signed in')
  const pair = await new PairStore(new JsonSettingsStore(home), home).get(env.PAIL_SOAK_PAIR!)
  const syncer = new PairSyncer(pair, {
    session,
    history: new HistoryStore(home),
    stateDir: join(home, 'pairs', pair.id),
    device: DEVICE,
    logger,
    ...(env.PAIL_SOAK_KILL_AFTER_COMMIT
      ? {
          afterCommitLanded: async () => {
            process.kill(process.pid, 'SIGKILL')
            await new Promise(() => undefined)
          },
        }
      : {}),
  })
  process.stdout.write('ready\n')
  let outcome: PassOutcome
  try {
    outcome = normalise(await syncer.syncOnce())
  } catch (error) {
    outcome = { kind: 'error', message: (error as Error).message }
  }
  process.stdout.write(`${JSON.stringify(outcome)}\n`)
}
