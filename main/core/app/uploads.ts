/**
 * Manual uploads started from the window: `upload:start` answers the upload's id at once; the
 * commit runs on, its progress pushed as `upload:progressed` (at most every `intervalMs`, and
 * always the last), ending with the commit's link or what went wrong. Files staged by `pail serve`
 * are taken from the staging port and discarded after the commit, whatever its outcome.
 */
import { randomBytes } from 'node:crypto'
import type { InputOf } from '../../../shared/ipc/contract.js'
import type { UploadProgress } from '../../../shared/ipc/views.js'
import type { Session } from '../auth/auth-service.js'
import type { ReadGuard } from '../fs/read-guard.js'
import type { HistoryStore } from '../history/history-store.js'
import { silentLogger, type Logger } from '../log/logger.js'
import { manualUpload } from '../upload/manual-upload.js'
import { AppError } from './app-error.js'
import type { StagingPort } from './ports.js'
import { StagedReadGuard } from './staged-read-guard.js'

export type UploadRequest = InputOf<'upload:start'>

export interface UploadsDeps {
  history: HistoryStore
  guard: ReadGuard
  staging: StagingPort | null
  logger?: Logger
  told: (progress: UploadProgress) => void
  /** How often progress is pushed at most (default 100 ms). */
  intervalMs?: number
  /** The error's sentence for the window (dispatch's mapping). */
  describe: (error: unknown) => string
}

export class Uploads {
  private readonly running = new Set<Promise<void>>()

  constructor(private readonly deps: UploadsDeps) {}

  /** Checks the source, starts the upload, answers its id. */
  async start(session: Session, request: UploadRequest): Promise<{ uploadId: string }> {
    const source = request.source
    let paths: readonly string[]
    let stagingId: string | null = null
    let guard = this.deps.guard
    if (source.kind === 'paths') paths = source.paths
    else {
      if (!this.deps.staging)
        throw new AppError(
          'upload.no-staging',
          'This Pail takes files by their place on this computer, not sent from a browser.',
          'Choose the files again.',
        )
      stagingId = source.stagingId
      const staged = await this.deps.staging.take(stagingId)
      paths = staged.entries
      guard = new StagedReadGuard(this.deps.guard, staged.root)
    }
    const uploadId = randomBytes(8).toString('hex')
    const run = this.run(session, request, uploadId, paths, stagingId, guard).finally(() => this.running.delete(run))
    this.running.add(run)
    return { uploadId }
  }

  /** Waits for the uploads under way (close). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running])
  }

  private async run(
    session: Session,
    request: UploadRequest,
    uploadId: string,
    paths: readonly string[],
    stagingId: string | null,
    guard: ReadGuard,
  ): Promise<void> {
    const interval = this.deps.intervalMs ?? 100
    let last: UploadProgress = { uploadId, bytesSent: 0, bytesTotal: 0, currentPath: null, done: null }
    let lastTold = 0
    const tell = (progress: UploadProgress, force = false): void => {
      last = progress
      const now = Date.now()
      if (!force && now - lastTold < interval) return
      lastTold = now
      this.deps.told(progress)
    }
    tell(last, true)
    try {
      const result = await manualUpload(
        { session, history: this.deps.history, logger: this.deps.logger ?? silentLogger, readGuard: guard },
        {
          paths,
          workspace: request.workspace,
          repository: request.repository,
          branch: request.branch,
          pathInRepo: request.pathInRepo,
          ...(request.message !== undefined ? { message: request.message } : {}),
          onProgress: (p) => tell({ uploadId, ...p, done: null }),
        },
      )
      tell(
        {
          ...last,
          bytesSent: last.bytesTotal,
          currentPath: null,
          done: { commit: { hash: result.commit, link: result.link } },
        },
        true,
      )
    } catch (error) {
      tell({ ...last, currentPath: null, done: { error: this.deps.describe(error) } }, true)
    } finally {
      if (stagingId !== null)
        await this.deps.staging
          ?.discard(stagingId)
          .catch((error: unknown) =>
            this.deps.logger?.warn('upload.staging-discard-failed', { error: (error as Error).message }),
          )
    }
  }
}
