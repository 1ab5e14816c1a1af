/**
 * Files the browser uploads through `pail serve`, kept on disk until one commit takes them.
 *
 * Layout: `<home>/staging/<owner>/<stagingId>/` (0700), one `<owner>` folder per running server,
 * held by a home lock for as long as the server runs. Each file arrives as a stream and goes to a
 * new file under `parts/` (never through a link: inside-folder.ts), counted as the bytes arrive
 * and cut off as soon as it passes a limit; only a complete file is renamed to `files/<its path>`.
 * So no whole file is ever in memory, and a cut-off upload leaves nothing behind.
 *
 * A staging goes away after its commit (`discard`, whatever the outcome), when nothing arrives for
 * a while and nobody took it (abandoned), when the server stops, and — for a server that died —
 * when the next one starts: owner folders whose lock nobody holds are removed.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, realpath, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { StagedFile } from '../../../shared/ipc/serve-routes.js'
import { AppError } from '../../core/app/app-error.js'
import { InsideFolder, OutsideFolderError } from '../../core/fs/inside-folder.js'
import { silentLogger, type Logger } from '../../core/log/logger.js'
import { HomeLocks, LockHeldError, type HeldLock } from '../../core/store/home-locks.js'
import { stagedPath, StagedPathError } from './staged-path.js'

const GiB = 1024 * 1024 * 1024

/** How much one staging may hold. */
export interface StagingLimits {
  /** Bytes per file (default 4 GiB: Bitbucket blocks pushes to a repository past 4 GB). */
  maxFileBytes: number
  /** Bytes in one staging, all files together (default 4 GiB). */
  maxTotalBytes: number
  /** Files in one staging (default 10,000, what one upload may name). */
  maxFiles: number
  /** A staging nothing arrived for since this long, and not taken, is removed (default 30 min). */
  idleMs: number
}

export const DEFAULT_STAGING_LIMITS: StagingLimits = {
  maxFileBytes: 4 * GiB,
  maxTotalBytes: 4 * GiB,
  maxFiles: 10_000,
  idleMs: 30 * 60 * 1000,
}

/** Why a staging request was refused: an HTTP status, and words for people (an AppError for the window). */
export class StagingError extends AppError {
  constructor(
    readonly status: 400 | 404 | 409 | 413,
    code: string,
    message: string,
    action?: string,
  ) {
    super(code, message, action)
  }
}

/** A staging's files, for the commit (the port W2a's `upload:start` handler reads `staged` sources through). */
export interface StagedUpload {
  stagingId: string
  /** The folder holding the staged files, each at its relative path (a real path). */
  root: string
  /** The files and folders at the top of `root`, absolute: what `paths` are for an upload from the desktop. */
  entries: string[]
  /** Every staged file, by path. */
  files: { path: string; absolutePath: string; bytes: number }[]
}

/** What the core needs of staged uploads: take one for its commit, then discard it. */
export interface StagingPort {
  /** The staging's files; it takes no more. Throws StagingError when unknown, empty or still receiving. */
  take(stagingId: string): Promise<StagedUpload>
  /** Removes the staging and its files (after the commit, whatever its outcome). Does nothing when it is gone. */
  discard(stagingId: string): Promise<void>
}

interface Staging {
  folder: InsideFolder
  files: Map<string, number>
  /** Bytes received so far, finished files and those arriving. */
  bytes: number
  /** Files arriving now. */
  receiving: number
  lastActivity: number
  taken: boolean
}

const gone = (): StagingError =>
  new StagingError(
    404,
    'serve.staging-unknown',
    'This upload is not on Pail’s side any more (it was sent, given up, or Pail was restarted).',
    'Choose the files again.',
  )

const tooLarge = (what: string): StagingError =>
  new StagingError(413, 'serve.staging-too-large', `${what}.`, 'Upload fewer or smaller files at a time.')

/** Counts the bytes that pass and fails the stream as soon as `allow(n)` refuses n more. */
function byteCounter(allow: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        allow(chunk.length)
        callback(null, chunk)
      } catch (error) {
        callback(error as Error)
      }
    },
  })
}

/** The staging folders of one running server. */
export class StagingArea implements StagingPort {
  private readonly stagings = new Map<string, Staging>()
  private readonly sweeper: NodeJS.Timeout
  private parts = 0
  private closed = false

  private constructor(
    /** This server's own folder under `<home>/staging`. */
    readonly dir: string,
    private readonly lock: HeldLock,
    private readonly limits: StagingLimits,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, Math.min(limits.idleMs / 4, 60_000)))
    this.sweeper.unref()
  }

  /** Opens this server's staging folder in Pail's home, removing what servers that died left. */
  static async open(
    home: string,
    options: { limits?: Partial<StagingLimits>; logger?: Logger; now?: () => number } = {},
  ): Promise<StagingArea> {
    const logger = options.logger ?? silentLogger
    const base = join(home, 'staging')
    await mkdir(base, { recursive: true, mode: 0o700 })
    const locks = HomeLocks.for(home, logger)
    await removeAbandonedOwners(base, locks, logger)
    const owner = randomBytes(8).toString('hex')
    const lock = await locks.hold(lockName(owner), { pid: process.pid, what: 'pail serve', startedAt: Date.now() })
    const dir = join(base, owner)
    await mkdir(dir, { mode: 0o700 })
    const limits = { ...DEFAULT_STAGING_LIMITS, ...options.limits }
    return new StagingArea(dir, lock, limits, logger, options.now ?? Date.now)
  }

  /** A new, empty staging; answers its id. */
  async create(): Promise<string> {
    const id = randomBytes(16).toString('hex')
    const root = join(this.dir, id)
    await mkdir(root, { mode: 0o700 })
    this.stagings.set(id, {
      folder: new InsideFolder(root),
      files: new Map(),
      bytes: 0,
      receiving: 0,
      lastActivity: this.now(),
      taken: false,
    })
    return id
  }

  /**
   * Streams `body` into the staging `id` as the file `rawPath` names (URL parts after the id, still
   * encoded). `declaredBytes` (Content-Length, when sent) is checked before anything is read; the
   * bytes themselves as they arrive. A file sent again under the same path replaces the first.
   */
  async receive(id: string, rawPath: readonly string[], body: Readable, declaredBytes?: number): Promise<StagedFile> {
    const staging = this.stagings.get(id)
    if (!staging) throw gone()
    if (staging.taken)
      throw new StagingError(409, 'serve.staging-taken', 'These files are already being uploaded.', 'Wait for it.')
    const path = this.checkedPath(rawPath)
    const previous = staging.files.get(path) ?? 0
    if (!staging.files.has(path) && staging.files.size + staging.receiving >= this.limits.maxFiles)
      throw tooLarge(`One upload can hold at most ${this.limits.maxFiles.toLocaleString('en')} files`)
    if (declaredBytes !== undefined) this.checkSize(staging, declaredBytes, declaredBytes, previous)
    staging.receiving++
    staging.lastActivity = this.now()
    const part = `parts/${++this.parts}`
    let received = 0
    try {
      const handle = await staging.folder.createFile(part, 0o600)
      const counter = byteCounter((bytes) => {
        this.checkSize(staging, received + bytes, bytes, previous)
        received += bytes
        staging.bytes += bytes
        staging.lastActivity = this.now()
      })
      await pipeline(body, counter, handle.createWriteStream())
      if (this.stagings.get(id) !== staging || staging.taken) throw gone()
      await staging.folder.rename(part, `files/${path}`)
      staging.bytes -= previous
      staging.files.set(path, received)
      return { path, bytes: received }
    } catch (error) {
      staging.bytes -= received
      await staging.folder.remove(part).catch(() => false)
      throw this.explained(error, path)
    } finally {
      staging.receiving--
    }
  }

  async take(stagingId: string): Promise<StagedUpload> {
    const staging = this.stagings.get(stagingId)
    if (!staging) throw gone()
    if (staging.taken)
      throw new StagingError(409, 'serve.staging-taken', 'These files are already being uploaded.', 'Wait for it.')
    if (staging.receiving > 0)
      throw new StagingError(
        409,
        'serve.staging-receiving',
        'Some of the files are still on their way.',
        'Wait until they are all sent.',
      )
    if (staging.files.size === 0)
      throw new StagingError(400, 'serve.staging-empty', 'No files were sent for this upload.', 'Choose files first.')
    staging.taken = true
    const root = await realpath(staging.folder.absolute('files'))
    const entries = (await readdir(root)).sort().map((name) => join(root, name))
    const files = [...staging.files]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, bytes]) => ({ path, absolutePath: join(root, ...path.split('/')), bytes }))
    return { stagingId, root, entries, files }
  }

  async discard(stagingId: string): Promise<void> {
    const staging = this.stagings.get(stagingId)
    if (!staging) return
    this.stagings.delete(stagingId)
    await rm(staging.folder.root, { recursive: true, force: true })
  }

  /** How many stagings are open (for tests and the log). */
  get openCount(): number {
    return this.stagings.size
  }

  /** Removes every staging of this server and lets its folder go; again, it does nothing. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.sweeper)
    this.stagings.clear()
    await rm(this.dir, { recursive: true, force: true })
    await this.lock.release()
  }

  /** Removes stagings nothing arrived for since `idleMs`, unless a commit took them. */
  async sweep(): Promise<void> {
    const cutoff = this.now() - this.limits.idleMs
    for (const [id, staging] of this.stagings) {
      if (staging.taken || staging.receiving > 0 || staging.lastActivity > cutoff) continue
      this.logger.info('serve.staging-abandoned', { files: staging.files.size, bytes: staging.bytes })
      await this.discard(id)
    }
  }

  private checkedPath(rawPath: readonly string[]): string {
    try {
      return stagedPath(rawPath)
    } catch (error) {
      if (error instanceof StagedPathError) throw new StagingError(400, error.code, error.message)
      throw error
    }
  }

  /**
   * Throws when a file of `fileBytes`, adding `moreBytes` to the staging, passes a limit;
   * `replacedBytes` are those of the file it replaces (sent again under the same path), counted once.
   */
  private checkSize(staging: Staging, fileBytes: number, moreBytes: number, replacedBytes: number): void {
    if (fileBytes > this.limits.maxFileBytes)
      throw tooLarge(`A file is larger than the ${formatLimit(this.limits.maxFileBytes)} one file may have`)
    if (staging.bytes - replacedBytes + moreBytes > this.limits.maxTotalBytes)
      throw tooLarge(
        `The files together are larger than the ${formatLimit(this.limits.maxTotalBytes)} one upload may have`,
      )
  }

  private explained(error: unknown, path: string): unknown {
    if (error instanceof StagingError) return error
    if (error instanceof OutsideFolderError && (error.reason === 'not-a-folder' || error.reason === 'is-a-folder'))
      return new StagingError(
        409,
        'serve.staging-clash',
        `“${path}” clashes with another file of this upload: one is a file, the other a folder of the same name.`,
        'Rename one of them and upload again.',
      )
    return error
  }
}

function lockName(owner: string): string {
  return `staging-${owner}`
}

function formatLimit(bytes: number): string {
  return bytes >= GiB ? `${+(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / (1024 * 1024))} MiB`
}

/** Removes the folders of servers that stopped without cleaning up (their lock is free). */
async function removeAbandonedOwners(base: string, locks: HomeLocks, logger: Logger): Promise<void> {
  for (const owner of await readdir(base)) {
    if (!/^[0-9a-f]{16}$/.test(owner)) continue
    let lock: HeldLock
    try {
      lock = await locks.hold(lockName(owner), { pid: process.pid, what: 'pail serve', startedAt: Date.now() })
    } catch (error) {
      if (error instanceof LockHeldError) continue
      throw error
    }
    try {
      logger.info('serve.staging-stale-removed', { owner })
      await rm(join(base, owner), { recursive: true, force: true })
    } finally {
      await lock.release()
    }
  }
}
