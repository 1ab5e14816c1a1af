/**
 * What a folder holds, as the oracle sees it: every file and link (never followed), with its git
 * blob id, whether it is executable, and a link's target. Folders themselves are not entries
 * (git stores none). Nothing is ignored: a leftover `.pail-*.tmp` is an entry like any other.
 */
import type { Stats } from 'node:fs'
import { chmod, lstat, readdir, readFile, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { blobSha } from './content.js'

export interface SnapshotEntry {
  kind: 'file' | 'executable' | 'link'
  /** Git blob id of the content (of the target text, for a link). */
  sha: string
  /** For links. */
  target?: string
}

export interface Snapshot {
  entries: Map<string, SnapshotEntry>
  /** Paths that could not be read (only when `forceReadable` is off and the process is not root). */
  unreadable: string[]
}

export interface SnapshotOptions {
  /** Names not entered at the top level (a clone's `.git`). */
  skipTop?: ReadonlySet<string>
  /** Grant read permission for a moment where it is missing (the final look at a folder with chmod 000 in it). */
  forceReadable?: boolean
}

/** Hashes by (inode, size, mtime, mode), so repeated snapshots of a large folder stay cheap. */
const cache = new Map<string, { key: string; sha: string }>()

function statKey(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.mode}`
}

async function withPermission<T>(path: string, info: Stats, bits: number, fn: () => Promise<T>): Promise<T> {
  await chmod(path, info.mode | bits)
  try {
    return await fn()
  } finally {
    await chmod(path, info.mode & 0o7777)
  }
}

/** Snapshots `root` (which must exist). */
export async function snapshotFolder(root: string, options: SnapshotOptions = {}): Promise<Snapshot> {
  const entries = new Map<string, SnapshotEntry>()
  const unreadable: string[] = []
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES' && options.forceReadable && prefix !== '') {
        const info = await lstat(dir)
        return withPermission(dir, info, 0o500, () => walk(dir, prefix))
      }
      if (code === 'ENOENT' || code === 'ENOTDIR') return
      unreadable.push(prefix.replace(/\/$/, ''))
      return
    }
    for (const name of names.sort()) {
      if (prefix === '' && options.skipTop?.has(name)) continue
      const abs = join(dir, name)
      const rel = prefix + name
      let info: Stats
      try {
        info = await lstat(abs)
      } catch {
        continue
      }
      if (info.isSymbolicLink()) {
        const target = await readlink(abs)
        entries.set(rel, { kind: 'link', sha: blobSha(target), target })
      } else if (info.isDirectory()) await walk(abs, `${rel}/`)
      else if (info.isFile()) {
        const sha = await fileSha(abs, info, options.forceReadable === true)
        if (sha === null) unreadable.push(rel)
        else entries.set(rel, { kind: (info.mode & 0o100) !== 0 ? 'executable' : 'file', sha })
      }
    }
  }
  await walk(root, '')
  return { entries, unreadable }
}

async function fileSha(abs: string, info: Stats, forceReadable: boolean): Promise<string | null> {
  const key = statKey(info)
  const cached = cache.get(abs)
  if (cached?.key === key) return cached.sha
  let bytes: Buffer
  try {
    bytes = await readFile(abs)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES' || !forceReadable) return null
    bytes = await withPermission(abs, info, 0o400, () => readFile(abs))
  }
  const sha = blobSha(bytes)
  if (cache.size > 50_000) cache.clear()
  cache.set(abs, { key, sha })
  return sha
}

/** One line per entry, for a readable difference between two snapshots. */
export function describeEntry(entry: SnapshotEntry | undefined): string {
  if (!entry) return 'absent'
  if (entry.kind === 'link') return `link → ${JSON.stringify(entry.target)}`
  return `${entry.kind} ${entry.sha.slice(0, 10)}`
}
