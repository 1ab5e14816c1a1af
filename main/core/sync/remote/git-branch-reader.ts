/**
 * The branch as a pass reads it, through the pair's git mirror (git-mirror.ts) where it can: the
 * commits walked back to the last synced one, what changed since, the files of a first sync and
 * their bytes. Each answer is null (or, for commits, the REST API's) where git cannot give it —
 * git unreachable or refusing, a damaged pack, a tree or blob the mirror does not have — and the
 * caller asks the REST API as before (remote-tree.ts, remote-download.ts). So reading other
 * people's changes costs git requests, not the office's shared REST budget (bitbucket-api.md §5),
 * and never works less well than the REST API did.
 *
 * After git fails, it is not asked again for GIT_RETRY_MS: a pass does not wait on a git host
 * that a proxy blocks. Each reason is logged once per reader.
 */
import { join } from 'node:path'
import type { Session } from '../../auth/auth-service.js'
import type { ApiClient } from '../../bitbucket/api-client.js'
import { gitAuthorizer } from '../../git/git-authorizer.js'
import { GitObjectError } from '../../git/git-objects.js'
import { GitRefsUnavailable } from '../../git/ref-advertisement.js'
import { UploadPackFetch } from '../../git/upload-pack-fetch.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { restCommit, type WalkedCommit } from '../pass/branch-position.js'
import type { RemoteChange } from '../pass/reconcile.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import { GitMirror } from './git-mirror.js'
import { treeChanges, treeFile, treeFiles, TreeMissing, type TreeSource } from './git-tree-diff.js'
import type { BlobSource } from './remote-download.js'
import { usable, type RepoRef } from './remote-tree.js'

/** How long git rests after it failed, before a pass asks it again. */
export const GIT_RETRY_MS = 10 * 60 * 1000

export interface GitBranchReaderOptions {
  mirror: GitMirror
  api: ApiClient
  ref: RepoRef
  now?: () => number
}

export class GitBranchReader {
  private resting = 0
  private readonly logged = new Set<string>()
  private readonly source: TreeSource

  constructor(private readonly options: GitBranchReaderOptions) {
    const { mirror } = options
    this.source = { tree: (oid) => mirror.tree(oid), rootOf: (commit) => mirror.commit(commit)?.tree ?? null }
  }

  /** Where the reader and its mirror log: the current pass's logger (set by readerOf). */
  log: Logger = silentLogger

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** Whether the mirror holds `tip` (fetching it if not); false when git cannot be used now. */
  async ready(tip: string): Promise<boolean> {
    if (this.now() < this.resting) return false
    try {
      await this.options.mirror.bring(tip)
      return true
    } catch (error) {
      if (!(error instanceof GitRefsUnavailable) && !(error instanceof GitObjectError)) throw error
      this.resting = this.now() + GIT_RETRY_MS
      this.note('git-unavailable', error instanceof GitRefsUnavailable ? error.reason : 'damaged', error.message)
      return false
    }
  }

  /** A commit of the walk from `tip`: the mirror's, or the REST API's when the mirror does not have it. */
  readonly commit = async (tip: string, sha: string): Promise<WalkedCommit> => {
    const found = (await this.ready(tip)) ? this.options.mirror.commit(sha) : null
    if (found) return { hash: sha, message: found.message, parents: found.parents.map((hash) => ({ hash })) }
    return restCommit(this.options.api, this.options.ref, sha)
  }

  /** The changes from `base` to `tip` under `prefix`, or null when git cannot tell them. */
  async changes(base: string, tip: string, prefix: string): Promise<Map<string, RemoteChange> | null> {
    if (!(await this.ready(tip))) return null
    return this.orNull('changes', () => {
      const changes = treeChanges(this.source, base, tip, prefix)
      for (const path of changes.keys()) if (!usable(path, prefix, this.log)) changes.delete(path)
      return changes
    })
  }

  /** The files of `tip` under `prefix`, or null when git cannot list them. */
  async files(tip: string, prefix: string): Promise<Set<string> | null> {
    if (!(await this.ready(tip))) return null
    return this.orNull('files', () => {
      const paths = new Set<string>()
      for (const path of treeFiles(this.source, tip, prefix).keys()) if (usable(path, prefix, this.log)) paths.add(path)
      return paths
    })
  }

  /** The bytes of `repoPath` at `commit` from the mirror, or null when they are not there. */
  readonly blob = async (commit: string, repoPath: string): Promise<BlobSource | null> => {
    if (!(await this.ready(commit))) return null
    const { mirror } = this.options
    const file = this.orNull('blob', () => treeFile(this.source, commit, repoPath))
    const packed = file ? mirror.blob(file.oid) : null
    // Not in this fetch's pack (a version from before the complete commits): the REST API has it.
    if (!file || !packed) return null
    return { size: packed.size, mode: file.mode, read: (write) => mirror.streamBlob(file.oid, write) }
  }

  /** Ends a pass: the fetch's pack (its blobs) is removed; commits and trees stay. */
  async endPass(): Promise<void> {
    await this.options.mirror.drop()
  }

  private orNull<T>(what: string, read: () => T): T | null {
    try {
      return read()
    } catch (error) {
      if (!(error instanceof TreeMissing) && !(error instanceof GitObjectError)) throw error
      this.note('git-incomplete', what, error.message)
      return null
    }
  }

  private note(event: string, reason: string, message: string): void {
    const key = `${event}:${reason}`
    if (this.logged.has(key)) return
    this.logged.add(key)
    const { workspace, repository } = this.options.ref
    this.log.warn(`sync.${event}`, { workspace, repository, reason, error: message })
  }
}

/** One reader per pair and sign-in: its mirror's objects in memory and its rest after a failure outlive a pass. */
const readers = new WeakMap<Session, Map<string, GitBranchReader>>()

/** The pair's reader for this session, logging to `logger` from now on. */
export function gitReaderOf(session: Session, pair: SyncPair, stateDir: string, logger: Logger): GitBranchReader {
  let mine = readers.get(session)
  if (!mine) readers.set(session, (mine = new Map()))
  const key = `${pair.id}\0${stateDir}`
  let reader = mine.get(key)
  if (!reader) {
    const ref = { workspace: pair.workspace, repository: pair.repository }
    const log: Logger = {
      info: (event, fields) => reader!.log.info(event, fields),
      warn: (event, fields) => reader!.log.warn(event, fields),
      error: (event, fields) => reader!.log.error(event, fields),
    }
    reader = new GitBranchReader({
      mirror: new GitMirror({
        dir: join(stateDir, 'git'),
        ref,
        fetcher: new UploadPackFetch({ webUrl: session.account.webUrl, authorizer: gitAuthorizer(session.tokens) }),
        logger: log,
      }),
      api: session.api,
      ref,
    })
    mine.set(key, reader)
  }
  reader.log = logger
  return reader
}
