/**
 * The read guard for one staged upload. `pail serve` stages the browser's files inside Pail's home
 * (main/cli/serve/staging-area.ts), which the read guard protects as a whole; the files of the one
 * staging being committed are the person's own files, written there by the server (never through
 * a link), so exactly that folder is let through and everything else in the home stays refused.
 */
import { isAbsolute, relative } from 'node:path'
import { ReadGuard } from '../fs/read-guard.js'

/** Whether `path` is `root` or inside it (both real, absolute paths). */
function isAtOrInside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

export class StagedReadGuard extends ReadGuard {
  constructor(
    base: ReadGuard,
    /** The staging's real root: its files may be read for this upload. */
    private readonly stagedRoot: string,
  ) {
    super(base.roots)
  }

  override covers(realPath: string): boolean {
    return !isAtOrInside(realPath, this.stagedRoot) && super.covers(realPath)
  }
}
