/**
 * The vocabulary of sync (DESIGN.md §4): what a folder holds now, what the index says was last
 * synced, and the change set between them that becomes one commit.
 */

/** How a path is stored in git: a plain file (100644), an executable (100755) or a link (120000). */
export type FileMode = 'file' | 'executable' | 'link'

/** A file in the folder as it is now. Paths are relative to the folder, '/'-separated, as on disk. */
export interface LocalEntry {
  path: string
  size: number
  mtimeMs: number
  mode: FileMode
  /** For links: the target text, which is what git stores as the link's content. */
  linkTarget?: string
}

/** What the index remembers of a path after a commit landed. */
export interface IndexEntry {
  size: number
  /** 0 when the file was hashed within moments of being written: the next scan hashes it again (git's "racily clean" rule). */
  mtimeMs: number
  /** Git blob SHA-1 of the bytes that were committed. */
  sha: string
  mode: FileMode
}

/** A pair's index: everything last synced, and the commit it was synced to (the base). */
export interface PairIndex {
  version: 1
  /** The commit the folder was last synced to; null before the first sync. */
  base: string | null
  branch: string
  files: Record<string, IndexEntry>
}

/** One file to send in a commit. */
export interface Upload {
  /** Path in the repository (no leading slash). */
  repoPath: string
  /** Where its bytes are read from. */
  absolutePath: string
  mode: FileMode
  /** For links: the target text that was hashed, which is the content to send (not the file it points at). */
  linkTarget?: string
}

/** What one commit changes: uploads and deletions (repository paths). */
export interface ChangeSet {
  uploads: Upload[]
  deletions: string[]
}
