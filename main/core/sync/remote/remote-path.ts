/**
 * Paths that come from Bitbucket (diffstat, listings) become paths in the person's folder, so each
 * is checked before it is used (issue #7, point 5): one that could name a place outside the folder,
 * or that no filesystem spells the same way, is refused and logged, never written.
 */
import { isUnderFolder } from '../../../../shared/bitbucket/repo-path.js'

/**
 * Why a repository path may not become a local path, or null when it may: a leading slash, an
 * empty, `.` or `..` segment, a backslash (a separator on Windows), NUL, or a `.git` segment (a
 * repository's own files, which a folder that holds a git checkout would run as hooks).
 */
export function unsafeRemotePath(path: string): string | null {
  if (path === '') return 'it is empty'
  if (path.startsWith('/')) return 'it starts with a slash'
  if (path.includes('\\')) return 'it holds a backslash'
  if (path.includes('\0')) return 'it holds a NUL character'
  for (const segment of path.split('/')) {
    if (segment === '') return 'it has an empty segment'
    if (segment === '.' || segment === '..') return `it has a “${segment}” segment`
    if (segment.toLowerCase() === '.git') return 'it names a .git folder'
  }
  return null
}

/** What a check of a repository path found: use it, leave it (outside the pair's folder), or refuse it. */
export type RemotePathVerdict = 'use' | 'outside' | { refused: string }

/** Whether a repository path may become a local path of a pair whose folder in the repository is `prefix`. */
export function judgeRemotePath(path: string, prefix: string): RemotePathVerdict {
  const unsafe = unsafeRemotePath(path)
  if (unsafe) return { refused: unsafe }
  return isUnderFolder(path, prefix) ? 'use' : 'outside'
}
