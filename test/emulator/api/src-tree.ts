/**
 * Tree entries of `GET …/src/{commit}/{path}` as `commit_file` / `commit_directory` objects
 * (bitbucket-api.md §4.7): attributes as a list, `escaped_path`, links with a trailing slash for
 * directories, `commit` = the commit of the URL, and `max_depth` breadth-first walks.
 */
import type { Emulator } from '../context.js'
import type { GitRepository, TreeEntry } from '../git/git-store.js'
import type { Repository } from '../model.js'
import { commitRefJson } from './commit-serializers.js'
import { encodePath, link, repoApiBase } from './serializers.js'

/** git's own binary test: a NUL in the first 8000 bytes (xdiff `buffer_is_binary`). */
const FIRST_FEW_BYTES = 8000

/** Blob SHA → binary; blobs are immutable, so the answer never goes stale. */
const binaryCache = new Map<string, boolean>()

async function isBinaryBlob(git: GitRepository, sha: string): Promise<boolean> {
  const cached = binaryCache.get(sha)
  if (cached !== undefined) return cached
  const stream = git.readBlob(sha)
  let seen = Buffer.alloc(0)
  try {
    for await (const chunk of stream) {
      seen = Buffer.concat([seen, chunk as Buffer])
      if (seen.length >= FIRST_FEW_BYTES) break
    }
  } finally {
    stream.destroy()
  }
  const binary = seen.subarray(0, FIRST_FEW_BYTES).includes(0)
  binaryCache.set(sha, binary)
  return binary
}

/** `link`, `executable`, `subrepository`, `binary` (§4.7) from the git mode and the content. */
export async function entryAttributes(git: GitRepository, entry: TreeEntry): Promise<string[]> {
  if (entry.type === 'commit') return ['subrepository']
  if (entry.mode === '120000') return ['link']
  const attributes: string[] = []
  if (entry.mode === '100755') attributes.push('executable')
  if (await isBinaryBlob(git, entry.sha)) attributes.push('binary')
  return attributes
}

/** Whether a path needs quoting in `git diff` output (core.quotePath's default rule). */
function needsQuoting(bytes: Buffer): boolean {
  return bytes.some((b) => b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f)
}

const C_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
}

/** The path as `git diff` prints it: unchanged, or C-quoted with octal bytes (git's `quote_c_style`). */
export function gitQuotedPath(path: string): string {
  const bytes = Buffer.from(path, 'utf8')
  if (!needsQuoting(bytes)) return path
  let out = '"'
  for (const b of bytes)
    out += C_ESCAPES[b] ?? (b < 0x20 || b >= 0x7f ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b))
  return `${out}"`
}

/** The `links` of a src object; directories end in a slash, the root is `…/src/{sha}/`. */
function srcLinks(
  emulator: Emulator,
  repo: Repository,
  sha: string,
  path: string,
  directory: boolean,
): Record<string, unknown> {
  const self = `${repoApiBase(emulator, repo)}/src/${sha}/${encodePath(path)}${directory && path !== '' ? '/' : ''}`
  return { self: link(self), meta: link(`${self}?format=meta`) }
}

/** One `commit_file` or `commit_directory` object for an entry of commit `sha`. */
export async function entryJson(
  emulator: Emulator,
  repo: Repository,
  sha: string,
  entry: TreeEntry,
): Promise<Record<string, unknown>> {
  const commit = commitRefJson(emulator, repo, sha)
  if (entry.type === 'tree')
    return {
      path: entry.path,
      type: 'commit_directory',
      links: srcLinks(emulator, repo, sha, entry.path, true),
      commit,
    }
  const git = emulator.git(repo)
  return {
    links: srcLinks(emulator, repo, sha, entry.path, false),
    path: entry.path,
    escaped_path: emulator.settings.escapedPathStyle === 'git-quoted' ? gitQuotedPath(entry.path) : entry.path,
    commit,
    attributes: await entryAttributes(git, entry),
    type: 'commit_file',
    size: entry.size ?? 0,
  }
}

/**
 * The entries under `dir` down to `maxDepth` levels, breadth-first (§4.7): all of level 1 in git
 * order, then level 2 in the order of their parents, and so on. Sorting git's depth-first
 * listing stably by depth gives exactly that order.
 */
export async function walkDirectory(
  git: GitRepository,
  sha: string,
  dir: string,
  maxDepth: number,
): Promise<TreeEntry[]> {
  if (maxDepth <= 1) return git.listTree(sha, dir)
  const base = dir === '' ? 0 : dir.split('/').length
  return (await git.listTree(sha, dir, true))
    .map((entry, index) => ({ entry, index, depth: entry.path.split('/').length - base }))
    .filter((item) => item.depth <= maxDepth)
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((item) => item.entry)
}

/** Serializes entries a few at a time (binary detection reads each blob's first bytes). */
export async function entriesJson(
  emulator: Emulator,
  repo: Repository,
  sha: string,
  entries: readonly TreeEntry[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for (let i = 0; i < entries.length; i += 8)
    out.push(...(await Promise.all(entries.slice(i, i + 8).map((entry) => entryJson(emulator, repo, sha, entry)))))
  return out
}
