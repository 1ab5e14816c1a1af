/**
 * Real bare git repositories, written only by git itself (plumbing commands), so that `git log`
 * and `git clone` are the judges of what the emulator did.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { parseRawNumstat, type DiffEntry, type DiffOptions } from './git-diff.js'
import { importBlobs, importCommit, type BlobSource, type ImportChange } from './fast-import.js'
import { fitsOneLine, ObjectReader, type ObjectInfo } from './object-reader.js'

export type { BlobSource } from './fast-import.js'
export type { ObjectInfo } from './object-reader.js'

export const ZERO_SHA = '0'.repeat(40)

/**
 * From this many blobs on, one write goes into a pack rather than loose files: git's own line for
 * a push (`transfer.unpackLimit`, 100 by default), and on a slow disk a hundred file creations
 * cost more than a process.
 */
const PACK_FROM_BLOBS = 100

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(message)
  }
}

/** ident.c's `crud`: what git trims from both ends of a name or an email. */
function isCrud(c: string): boolean {
  return c.charCodeAt(0) <= 32 || '.,:;<>"\\\''.includes(c)
}

/** ident.c's `strbuf_addstr_without_crud`: trimmed of crud, and no `<`, `>` or line break inside. */
function withoutCrud(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isCrud(text[start]!)) start++
  while (end > start && isCrud(text[end - 1]!)) end--
  return text.slice(start, end).replace(/[<>\n]/g, '')
}

/**
 * `Name <email>` as `git commit-tree` writes an identity from GIT_AUTHOR_NAME and
 * GIT_AUTHOR_EMAIL; throws, as git does, for a name with nothing left.
 */
export function identity(name: string, email: string): string {
  const cleanName = withoutCrud(name)
  if (cleanName === '')
    throw new GitError(
      name.trim() === '' ? 'empty ident name not allowed' : `name consists only of disallowed characters: ${name}`,
      '',
      128,
    )
  return `${cleanName} <${withoutCrud(email)}>`
}

interface RunOptions {
  env?: Record<string, string>
  input?: Buffer | string
}

/** The environment of every git the store runs on `gitDir`. */
function storeEnv(gitDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    GIT_DIR: gitDir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  }
}

/** Runs git in `gitDir` and resolves with its stdout; rejects with stderr on a non-zero exit. */
export function git(gitDir: string, args: string[], options: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: storeEnv(gitDir, options.env), stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', reject)
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8')
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new GitError(`git ${args[0]} failed: ${stderr.trim()}`, stderr, code))
    })
    // A git command that exits without reading stdin closes the pipe: the EPIPE is not an error, the exit code tells.
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
  })
}

export interface TreeEntry {
  /** Path from the repository root, no leading slash. */
  path: string
  type: 'blob' | 'tree' | 'commit'
  mode: string
  sha: string
  /** Bytes, for blobs. */
  size: number | null
}

export interface CommitInfo {
  hash: string
  parents: string[]
  authorName: string
  authorEmail: string
  /** ISO-8601 with offset. */
  date: string
  message: string
}

export interface FileChange {
  path: string
  /** A blob already written with `writeBlob*`. */
  blob: string
  /** '100644', '100755' (executable) or '120000' (link). */
  mode: string
}

/** One file of a new commit: a blob already written (`blob`) or bytes the commit writes (`content`). */
export type CommitChange = ImportChange

export interface NewCommit {
  parent: string | null
  changes: readonly CommitChange[]
  deletions: readonly string[]
  message: string
  authorName: string
  authorEmail: string
  committerName?: string
  committerEmail?: string
}

/** The branches and the branch HEAD names, read in one go. */
export interface RefState {
  /** The branch HEAD points at (the main branch), whether or not it exists yet. */
  head: string
  /** Branch name → tip SHA, every branch. */
  branches: ReadonlyMap<string, string>
}

/** A commit's files and links (and submodules): path → "mode sha", in git's tree order. */
export type BlobListing = ReadonlyMap<string, string>

/**
 * One bare repository and the operations the emulator needs on it. Object lookups go through
 * one long-lived `git cat-file --batch-command` (started on first use, ended by `close`); a commit
 * is one `git fast-import`, whatever the number of files.
 */
export class GitRepository {
  private lock: Promise<unknown> = Promise.resolve()
  private readonly reader: ObjectReader
  /** The last listing read: a commit's listing is the next commit's base listing. */
  private lastListing: { commit: string; listing: BlobListing } | null = null
  private emptyTreeSha: string | null = null
  /** The last `sizeBytes` count, while no write came after it; see `knownSizeBytes`. */
  private counted: number | null = null
  /** Writes begun, so that a count overlapping one is not kept. */
  private writes = 0

  constructor(readonly gitDir: string) {
    this.reader = new ObjectReader(() => storeEnv(gitDir))
  }

  /**
   * Creates the bare repository (main branch `initialBranch`). Pushes over HTTP and fetches of
   * any SHA are allowed by the settings git-http.ts gives `git http-backend`.
   */
  async init(initialBranch: string): Promise<void> {
    this.objectsWritten()
    await git(this.gitDir, ['init', '--quiet', '--bare', `--initial-branch=${initialBranch}`, this.gitDir])
  }

  /** Ends the long-lived reader (the next lookup starts a new one). */
  async close(): Promise<void> {
    await this.reader.close()
  }

  /**
   * The object a name (`rev^{commit}`, `commit:path`, `commit^{tree}`, a SHA) resolves to, or
   * null when it names nothing, as `git rev-parse --verify` would resolve it.
   */
  async objectInfo(name: string): Promise<ObjectInfo | null> {
    if (fitsOneLine(name)) return this.reader.info(name)
    // A path may hold a line break, which one batch line cannot carry: rev-parse resolves it.
    try {
      const sha = (await git(this.gitDir, ['rev-parse', '--verify', '--quiet', name])).toString().trim()
      return sha === '' ? null : this.reader.info(sha)
    } catch {
      return null
    }
  }

  /**
   * The entries of a tree object, name → mode (`40000` for a directory) and SHA, in tree order;
   * null when `sha` is not a tree. Read through the long-lived reader: no git process.
   */
  async treeEntries(sha: string): Promise<Map<string, { mode: string; sha: string }> | null> {
    const tree = await this.reader.contents(sha)
    if (tree?.type !== 'tree') return null
    const { bytes } = tree
    const idLength = tree.sha.length / 2
    const entries = new Map<string, { mode: string; sha: string }>()
    // Each entry: `<mode> <name>\0` and the binary object id.
    for (let at = 0; at < bytes.length;) {
      const space = bytes.indexOf(0x20, at)
      const nul = space === -1 ? -1 : bytes.indexOf(0, space)
      if (nul === -1 || nul + 1 + idLength > bytes.length) throw new GitError(`Tree ${sha} is malformed`, '', null)
      const id = bytes.subarray(nul + 1, nul + 1 + idLength).toString('hex')
      entries.set(bytes.toString('utf8', space + 1, nul), { mode: bytes.toString('latin1', at, space), sha: id })
      at = nul + 1 + idLength
    }
    return entries
  }

  /** The object type at `path` in `commit` (`rev:path` takes the path literally), or null. */
  async typeAt(commit: string, path: string): Promise<ObjectInfo['type'] | null> {
    return (await this.objectInfo(`${commit}:${path}`))?.type ?? null
  }

  /** The root tree of a commit. */
  async treeOf(commit: string): Promise<string> {
    const info = await this.objectInfo(`${commit}^{tree}`)
    if (!info) throw new GitError(`No tree for ${commit}`, '', null)
    return info.sha
  }

  /** Runs `fn` with no other writer on this repository. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => undefined)
    return run
  }

  /** The full SHA of a commit named by SHA (full or abbreviated) or branch; null when unknown. */
  async resolveCommit(rev: string): Promise<string | null> {
    if (rev.startsWith('-') || rev.includes('..') || rev.length === 0) return null
    const candidates = /^[0-9a-f]{4,40}$/i.test(rev)
      ? [`${rev}^{commit}`, `refs/heads/${rev}^{commit}`]
      : [`refs/heads/${rev}^{commit}`, `refs/tags/${rev}^{commit}`]
    for (const candidate of candidates) {
      const info = await this.objectInfo(candidate)
      if (info?.type === 'commit') return info.sha
    }
    return null
  }

  async branches(): Promise<{ name: string; sha: string }[]> {
    const out = (
      await git(this.gitDir, ['for-each-ref', '--format=%(objectname) %(refname:strip=2)', 'refs/heads/'])
    ).toString()
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ sha: line.slice(0, 40), name: line.slice(41) }))
  }

  async branchTip(name: string): Promise<string | null> {
    const info = await this.objectInfo(`refs/heads/${name}^{commit}`)
    return info?.type === 'commit' ? info.sha : null
  }

  /** Every branch and the HEAD branch: one git process when the HEAD branch exists. */
  async refState(): Promise<RefState> {
    const out = (
      await git(this.gitDir, ['for-each-ref', '--format=%(objectname) %(HEAD) %(refname:strip=2)', 'refs/heads/'])
    ).toString()
    const branches = new Map<string, string>()
    let head: string | null = null
    for (const line of out.split('\n')) {
      if (!line) continue
      const name = line.slice(43)
      branches.set(name, line.slice(0, 40))
      if (line.charAt(41) === '*') head = name
    }
    // `%(HEAD)` marks only a branch that exists; an unborn one takes symbolic-ref.
    return { head: head ?? (await this.headBranch()), branches }
  }

  /** The branch HEAD points at (the repository's main branch). */
  async headBranch(): Promise<string> {
    return (await git(this.gitDir, ['symbolic-ref', '--short', 'HEAD'])).toString().trim()
  }

  async setHeadBranch(name: string): Promise<void> {
    await git(this.gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${name}`])
  }

  async isEmpty(): Promise<boolean> {
    return (await this.branches()).length === 0
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    const out = (await git(this.gitDir, ['show', '-s', '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%B', sha])).toString()
    const [hash, parents, authorName, authorEmail, date, ...rest] = out.split('\0')
    return {
      hash: hash!,
      parents: parents ? parents.split(' ').filter(Boolean) : [],
      authorName: authorName!,
      authorEmail: authorEmail!,
      date: date!,
      message: rest.join('\0').replace(/\n+$/, ''),
    }
  }

  /**
   * Entries of a tree. `dir` is '' for the root; `recursive` walks every level below it
   * (breadth-first order is the caller's business).
   */
  async listTree(commit: string, dir: string, recursive = false): Promise<TreeEntry[]> {
    const treeish = dir === '' ? commit : `${commit}:${dir}`
    const args = ['ls-tree', '-z', '-l', '-t']
    if (recursive) args.push('-r')
    args.push(treeish)
    const out = (await git(this.gitDir, args)).toString('utf8')
    const prefix = dir === '' ? '' : `${dir}/`
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t')
        const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/)
        return {
          mode: mode!,
          type: type as TreeEntry['type'],
          sha: sha!,
          size: size === '-' ? null : Number(size),
          path: prefix + line.slice(tab + 1),
        }
      })
  }

  /** The entry at `path` in `commit`, or null. '' is the root tree. */
  async entry(commit: string, path: string): Promise<TreeEntry | null> {
    if (path === '') return { path: '', type: 'tree', mode: '040000', sha: await this.treeOf(commit), size: null }
    const out = (await git(this.gitDir, ['ls-tree', '-z', '-l', commit, '--', path])).toString('utf8')
    const line = out.split('\0').find(Boolean)
    if (!line) return null
    const tab = line.indexOf('\t')
    if (line.slice(tab + 1) !== path) return null
    const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/)
    return { mode: mode!, type: type as TreeEntry['type'], sha: sha!, size: size === '-' ? null : Number(size), path }
  }

  /** A blob's bytes as a stream. */
  readBlob(sha: string): Readable {
    const child = spawn('git', ['cat-file', 'blob', sha], {
      env: { ...process.env, GIT_DIR: this.gitDir },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return child.stdout
  }

  async readBlobBuffer(sha: string): Promise<Buffer> {
    return git(this.gitDir, ['cat-file', 'blob', sha])
  }

  /** Writes a file from disk as a blob (git streams large files) and returns its SHA. */
  async writeBlobFromFile(file: string): Promise<string> {
    return (await this.writeBlobsFrom([{ file }]))[0]!
  }

  async writeBlob(content: Buffer | string): Promise<string> {
    return this.writing(async () =>
      (await git(this.gitDir, ['hash-object', '-w', '--no-filters', '--stdin'], { input: content })).toString().trim(),
    )
  }

  /** Writes several contents as blobs with one git process; SHAs in order. */
  async writeBlobs(contents: readonly (Buffer | string)[]): Promise<string[]> {
    return this.writeBlobsFrom(contents.map((content) => ({ bytes: Buffer.from(content) })))
  }

  /**
   * Writes blobs from memory or files with one git process and returns their SHAs in order:
   * from `PACK_FROM_BLOBS` on, one `git fast-import` into one pack; fewer, loose objects through
   * one `git hash-object` (in-memory bytes passing through temporary files). git reads or
   * receives each file in chunks, so large ones are never held whole.
   */
  async writeBlobsFrom(sources: readonly BlobSource[]): Promise<string[]> {
    if (sources.length === 0) return []
    return this.writing(() => this.writeSomeBlobs(sources))
  }

  private async writeSomeBlobs(sources: readonly BlobSource[]): Promise<string[]> {
    if (sources.length >= PACK_FROM_BLOBS) return importBlobs(storeEnv(this.gitDir), sources)
    const only = sources[0]!
    if (sources.length === 1 && 'bytes' in only) return [await this.writeBlob(only.bytes)]
    const dir = sources.some((source) => 'bytes' in source) ? await mkdtemp(join(tmpdir(), 'emu-blobs-')) : null
    try {
      const files: string[] = []
      for (const [i, source] of sources.entries()) {
        if ('file' in source) files.push(source.file)
        else {
          files.push(join(dir!, String(i)))
          await writeFile(files[i]!, source.bytes, { mode: 0o600 })
        }
      }
      return await this.hashFiles(files)
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true })
    }
  }

  /** Files as loose blobs through one `git hash-object --stdin-paths`; SHAs in order. */
  private async hashFiles(files: readonly string[]): Promise<string[]> {
    // One path a line (absolute, so none starts with the quote git would read as C quoting):
    // a name with a line break goes on its own.
    const paths = files.map((file) => resolve(file))
    if (!paths.every(fitsOneLine)) {
      const shas: string[] = []
      for (const path of paths)
        shas.push((await git(this.gitDir, ['hash-object', '-w', '--no-filters', '--', path])).toString().trim())
      return shas
    }
    const out = await git(this.gitDir, ['hash-object', '-w', '--no-filters', '--stdin-paths'], {
      input: `${paths.join('\n')}\n`,
    })
    const shas = out.toString().split('\n').filter(Boolean)
    if (shas.length !== files.length)
      throw new GitError(`git hash-object wrote ${shas.length} blobs for ${files.length} files`, '', null)
    return shas
  }

  /**
   * Builds a commit from `parent`'s tree plus the deletions and changes, blobs, trees and commit
   * all through one `git fast-import`, and returns its SHA. No ref moves: the caller decides with
   * `moveBranch`. Paths are written as given: `gitAcceptsPath` (verify-path.ts) is the caller's
   * check of what git's index would refuse.
   */
  async createCommit(spec: NewCommit): Promise<string> {
    const author = identity(spec.authorName, spec.authorEmail)
    const committer = identity(spec.committerName ?? spec.authorName, spec.committerEmail ?? spec.authorEmail)
    return this.writing(() =>
      importCommit(storeEnv(this.gitDir), {
        parent: spec.parent,
        deletions: spec.deletions,
        changes: spec.changes,
        message: spec.message,
        author,
        committer,
      }),
    )
  }

  /** The empty tree's id (written if missing): what a root commit is diffed against. */
  async emptyTree(): Promise<string> {
    // git knows the empty tree even when no repository stores it: asking once is enough.
    this.emptyTreeSha ??= (await git(this.gitDir, ['mktree'], { input: '' })).toString().trim()
    return this.emptyTreeSha
  }

  /** The best common ancestor of two commits (`git merge-base`), or null for unrelated histories. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    try {
      return (await git(this.gitDir, ['merge-base', a, b])).toString().trim() || null
    } catch (error) {
      if (error instanceof GitError && error.code === 1) return null
      throw error
    }
  }

  /**
   * The paths that differ from tree-ish `from` (null: the empty tree) to `to`, with line counts
   * (`git diff-tree -r -z --raw --numstat`). Paths are literal pathspecs: a directory limits to
   * everything below it, and no glob characters are special.
   */
  async diffTrees(from: string | null, to: string, options: DiffOptions): Promise<DiffEntry[]> {
    const args = ['diff-tree', '-r', '-z', '--raw', '--numstat', '--no-ext-diff', '--no-textconv']
    args.push(options.renameSimilarity === null ? '--no-renames' : `--find-renames=${options.renameSimilarity}%`)
    if (options.ignoreWhitespace) args.push('--ignore-all-space')
    args.push(from ?? (await this.emptyTree()), to, '--', ...options.paths)
    const out = await git(this.gitDir, args, { env: { GIT_LITERAL_PATHSPECS: '1' } })
    return parseRawNumstat(out.toString('utf8'))
  }

  /**
   * Every file, link and submodule of a commit (`git ls-tree -r`), path → "mode sha". The last
   * listing is kept, so a commit made on top of the one listed before costs no second listing.
   */
  async listBlobs(commit: string): Promise<BlobListing> {
    if (this.lastListing?.commit === commit) return this.lastListing.listing
    const out = (await git(this.gitDir, ['ls-tree', '-r', '-z', commit])).toString('utf8')
    const listing = new Map<string, string>()
    for (const line of out.split('\0')) {
      if (!line) continue
      const tab = line.indexOf('\t')
      const [mode, , sha] = line.slice(0, tab).split(' ')
      listing.set(line.slice(tab + 1), `${mode} ${sha}`)
    }
    // Keyed by the SHA given; a branch name would go stale, so only full SHAs are kept.
    if (/^[0-9a-f]{40,64}$/.test(commit)) this.lastListing = { commit, listing }
    return listing
  }

  /** Paths present in a commit's tree (files and links), for deletion checks. */
  async hasPath(commit: string, path: string): Promise<boolean> {
    return (await this.entry(commit, path)) !== null
  }

  /**
   * Moves (or creates) a branch only if it still points at `expected` (null: must not exist).
   * Returns false when another writer got there first.
   */
  async moveBranch(name: string, sha: string, expected: string | null): Promise<boolean> {
    try {
      await git(this.gitDir, ['update-ref', `refs/heads/${name}`, sha, expected ?? ZERO_SHA])
      return true
    } catch {
      return false
    }
  }

  /** Bytes used on disk by objects (loose and packed), counted now. */
  async sizeBytes(): Promise<number> {
    const generation = this.writes
    const out = (await git(this.gitDir, ['count-objects', '-v'])).toString()
    const kib = (key: string): number => Number(new RegExp(`^${key}: (\\d+)`, 'm').exec(out)?.[1] ?? 0)
    const bytes = (kib('size') + kib('size-pack') + kib('size-garbage')) * 1024
    // Kept only when no write began or ended while git counted.
    if (generation === this.writes) this.counted = bytes
    return bytes
  }

  /**
   * The size as last counted when no object was written since (through this store, or a push
   * that called `objectsWritten`), else counted now: a `POST /src` counts once, after its commit.
   */
  async knownSizeBytes(): Promise<number> {
    return this.counted ?? this.sizeBytes()
  }

  /** Forgets the counted size: objects were written by something other than this store (a push). */
  objectsWritten(): void {
    this.writes++
    this.counted = null
  }

  /** Runs a write; a count begun before it ends is not kept. */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    this.objectsWritten()
    try {
      return await write()
    } finally {
      this.objectsWritten()
    }
  }
}
