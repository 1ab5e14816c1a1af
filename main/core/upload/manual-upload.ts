/**
 * Manual upload (the window's drag and drop, and `pail upload`): files and folders go to
 * workspace/repository/branch/path as one commit, on top of the branch, with progress. Folders
 * are walked with the same ignore rules as sync, so temp and lock files stay behind.
 *
 * Nothing inside Pail's own home is uploaded, whatever way it is chosen (the file itself, a
 * folder holding the home, a link to either): the request is refused before anything is sent
 * (read-guard.ts). The repository and branch are checked as Bitbucket names first.
 */
import { lstat, readlink } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { branchProblem, repositoryProblem, workspaceProblem } from '../../../shared/bitbucket/names.js'
import { repoFolder, RepoPathError, toRepoPath } from '../../../shared/bitbucket/repo-path.js'
import { isExecutableMode } from '../fs/file-mode.js'
import { processReadGuard, ProtectedPathError, type ReadGuard } from '../fs/read-guard.js'
import type { Session } from '../auth/auth-service.js'
import { commitLink } from '../bitbucket/api-paths.js'
import { createCommit, type CommitProgress } from '../bitbucket/src-commit.js'
import type { HistoryStore } from '../history/history-store.js'
import { silentLogger, type Logger } from '../log/logger.js'
import { IgnoreRules } from '../sync/local/ignore-rules.js'
import { scanFolder } from '../sync/local/scanner.js'
import type { Upload } from '../sync/types.js'

export interface ManualUploadRequest {
  /** Files and folders on this computer. */
  paths: readonly string[]
  workspace: string
  repository: string
  branch: string
  /** Folder in the repository to upload into ('' for the root). */
  pathInRepo: string
  message?: string
  onProgress?: (progress: CommitProgress) => void
}

export interface ManualUploadResult {
  commit: string
  link: string
  files: number
  bytes: number
}

/** Something about the request a person must fix; nothing was uploaded. */
export class UploadRequestError extends Error {}

/** Refuses, in plain words, a chosen item that is or leads into Pail's home. */
async function refuseProtected(guard: ReadGuard, given: string, path: string, isLink: boolean): Promise<void> {
  try {
    await guard.assertReadable(path, { shown: given, isLink })
  } catch (error) {
    if (error instanceof ProtectedPathError) throw new UploadRequestError(error.message)
    throw error
  }
}

async function collect(paths: readonly string[], pathInRepo: string, guard: ReadGuard): Promise<Upload[]> {
  let folder: string
  try {
    folder = repoFolder(pathInRepo)
  } catch (error) {
    if (error instanceof RepoPathError) throw new UploadRequestError(error.message)
    throw error
  }
  const join = (rel: string): string => toRepoPath(rel, folder)
  const uploads: Upload[] = []
  for (const given of paths) {
    const path = resolve(given)
    const info = await lstat(path).catch(() => null)
    if (!info) throw new UploadRequestError(`${given} does not exist.`)
    await refuseProtected(guard, given, path, info.isSymbolicLink())
    if (info.isDirectory()) {
      const scan = await scanFolder(path, { rules: await IgnoreRules.load(path), guard })
      if (scan.rootStatus !== 'ok') throw new UploadRequestError(`Pail cannot open the folder ${given}.`)
      const home = scan.skipped.find((s) => s.reason === 'pail-home')
      if (home)
        throw new UploadRequestError(
          `${given} holds Pail's own folder (${home.path}), with your sign-in secrets; Pail uploads none of it. Pick the files or folders inside it that you mean.`,
        )
      for (const entry of scan.entries.values()) {
        uploads.push({
          repoPath: join(`${basename(path)}/${entry.path}`),
          absolutePath: `${path}/${entry.path}`,
          mode: entry.mode,
          ...(entry.linkTarget !== undefined ? { linkTarget: entry.linkTarget } : {}),
        })
      }
    } else if (info.isSymbolicLink()) {
      uploads.push({
        repoPath: join(basename(path)),
        absolutePath: path,
        mode: 'link',
        linkTarget: await readlink(path),
      })
    } else if (info.isFile()) {
      uploads.push({
        repoPath: join(basename(path)),
        absolutePath: path,
        mode: isExecutableMode(info.mode) ? 'executable' : 'file',
      })
    } else throw new UploadRequestError(`${given} is not a file or a folder.`)
  }
  const seen = new Set<string>()
  for (const upload of uploads) {
    if (seen.has(upload.repoPath))
      throw new UploadRequestError(
        `Two of the chosen items would both become ${upload.repoPath} in the repository. Upload them separately or rename one.`,
      )
    seen.add(upload.repoPath)
  }
  if (uploads.length === 0) throw new UploadRequestError('There is nothing to upload in what was chosen.')
  return uploads
}

/** Throws UploadRequestError unless the repository and branch are names Bitbucket takes. */
function checkNames(request: ManualUploadRequest): void {
  const problem =
    workspaceProblem(request.workspace) ?? repositoryProblem(request.repository) ?? branchProblem(request.branch)
  if (problem !== null) throw new UploadRequestError(problem)
}

export async function manualUpload(
  deps: { session: Session; history: HistoryStore; logger?: Logger; readGuard?: ReadGuard },
  request: ManualUploadRequest,
): Promise<ManualUploadResult> {
  checkNames(request)
  const guard = deps.readGuard ?? (await processReadGuard())
  const uploads = await collect(request.paths, request.pathInRepo, guard)
  const sizes = await Promise.all(uploads.map(async (u) => (await lstat(u.absolutePath)).size))
  const bytes = sizes.reduce((a, b) => a + b, 0)
  const message =
    request.message?.trim() ||
    `Uploaded ${uploads.length === 1 ? uploads[0]!.repoPath : `${uploads.length} files`} with Pail`
  const entry = await deps.history.start({
    time: Date.now(),
    source: { kind: 'manual' },
    workspace: request.workspace,
    repository: request.repository,
    branch: request.branch,
    files: uploads.map((u, i) => ({ path: u.repoPath, operation: 'add' as const, bytes: sizes[i]! })),
  })
  try {
    // No `parents`: a manual upload goes on top of whatever the branch holds now.
    const result = await createCommit(
      { ...deps.session, readGuard: guard },
      {
        workspace: request.workspace,
        repository: request.repository,
        branch: request.branch,
        parents: null,
        message,
        uploads,
        deletions: [],
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      },
    )
    const link = commitLink(deps.session.account.webUrl, request, result.commit)
    await deps.history.finish(entry, { status: 'committed', commit: result.commit, link })
    ;(deps.logger ?? silentLogger).info('upload.committed', { commit: result.commit, files: uploads.length, bytes })
    return { commit: result.commit, link, files: uploads.length, bytes }
  } catch (error) {
    await deps.history.finish(entry, { status: 'failed', error: (error as Error).message })
    throw error
  }
}
