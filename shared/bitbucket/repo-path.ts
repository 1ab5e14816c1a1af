/**
 * Folders and files inside a repository, as Pail writes them: '/'-separated, no leading or
 * trailing slash, '' for the repository's root. One place decides what such a path may be, so the
 * window, the CLI and the engine refuse the same things.
 */

/** A path a person gave that cannot name a folder inside the repository; the message is for people. */
export class RepoPathError extends Error {
  readonly code = 'repo-path.invalid'
}

/**
 * The canonical form of a folder inside a repository ('' for the root): slashes at either end
 * dropped, doubled slashes folded. Refuses `.` and `..` (they would name a place outside the
 * folder), `.git` (git refuses it), backslashes and control characters.
 */
export function repoFolder(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '')
  for (const segment of segments) {
    if (
      segment === '.' ||
      segment === '..' ||
      segment.toLowerCase() === '.git' ||
      /[\\]/.test(segment) ||
      hasControlCharacter(segment)
    )
      throw new RepoPathError(
        `"${path}" is not a usable folder inside the repository: write it like reports/2026, without "..", ".git" or backslashes.`,
      )
  }
  return segments.join('/')
}

/** The repository path of a folder-relative path under the pair's folder in the repository. */
export function toRepoPath(localPath: string, folder: string): string {
  return folder === '' ? localPath : `${folder}/${localPath}`
}

/** The folder-relative path of a repository path under `folder` (toRepoPath's inverse). */
export function toLocalPath(repoPath: string, folder: string): string {
  return folder === '' ? repoPath : repoPath.slice(folder.length + 1)
}

/** Whether a repository path lies in `folder` ('' holds everything). */
export function isUnderFolder(repoPath: string, folder: string): boolean {
  return folder === '' || repoPath.startsWith(`${folder}/`)
}

/** Whether text holds a control character (a line break, a tab, NUL…), which no path may carry. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
