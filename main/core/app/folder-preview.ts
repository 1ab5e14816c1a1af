/**
 * "Preview" before a folder is paired and anything is sent: the same checks as adding the pair,
 * then what the folder holds (files, size), what the ignore rules leave out, what is skipped and
 * why, what comes down from the branch under the path, and the files found on both sides.
 */
import type { FolderPreview, FolderTarget } from '../../../shared/ipc/views.js'
import { toLocalPath } from '../../../shared/bitbucket/repo-path.js'
import type { Session } from '../auth/auth-service.js'
import type { ReadGuard } from '../fs/read-guard.js'
import { IgnoreRules } from '../sync/local/ignore-rules.js'
import { scanFolder } from '../sync/local/scanner.js'
import { formatBytes } from '../sync/local/skipped.js'
import type { PairStore } from '../sync/pairs/pair-store.js'
import { branchTip, listFiles } from '../sync/remote/remote-tree.js'
import { skipView } from './folder-view.js'

/** How many paths each list of the preview shows; counts say how many in all. */
const SAMPLE = 20
/** Above this a first sync takes a while: the preview says so. */
const LARGE_BYTES = 1024 ** 3
const LARGE_FILES = 20_000

/** The folder's ignore rules, remembering what they left out (an ignored folder once, with a slash). */
class CountingIgnoreRules extends IgnoreRules {
  readonly ignored = new Set<string>()

  override isIgnored(relativePath: string, isDirectory: boolean): boolean {
    const ignored = super.isIgnored(relativePath, isDirectory)
    if (ignored) {
      // A path inside an ignored folder is that folder's, already counted.
      const parent = relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : ''
      if (parent === '' || !super.isIgnored(parent, true))
        this.ignored.add(isDirectory ? `${relativePath}/` : relativePath)
    }
    return ignored
  }
}

export async function previewFolder(
  deps: { pairs: PairStore; session: Session; guard: ReadGuard },
  target: FolderTarget,
): Promise<FolderPreview> {
  const checked = await deps.pairs.check(target)
  const rules = new CountingIgnoreRules(checked.folder)
  await rules.refresh('')
  const scan = await scanFolder(checked.folder, { rules, guard: deps.guard })
  const local = new Map<string, number>()
  for (const entry of scan.entries.values()) local.set(entry.path, entry.size)
  const bytes = [...local.values()].reduce((a, b) => a + b, 0)
  const warnings: string[] = []

  const ref = { workspace: target.workspace, repository: target.repository }
  const tip = await branchTip(deps.session.api, ref, target.branch)
  const incoming: string[] = []
  let incomingBytes = 0
  const bothSides: string[] = []
  if (tip === null) {
    warnings.push(
      `The branch “${target.branch}” does not exist in ${target.workspace}/${target.repository} yet: Pail creates it with the folder's files.`,
    )
  } else {
    const remote = await listFiles(deps.session.api, ref, tip, checked.pathInRepo, deps.session.logger)
    for (const file of remote.values()) {
      const path = toLocalPath(file.path, checked.pathInRepo)
      const here = local.get(path)
      if (here === undefined) {
        incoming.push(path)
        incomingBytes += file.size
      } else if (here !== file.size) bothSides.push(path)
    }
  }
  if (bytes > LARGE_BYTES || local.size > LARGE_FILES)
    warnings.push(
      `The folder is large (${local.size.toLocaleString('en')} files, ${formatBytes(bytes)}): the first sync takes a while.`,
    )
  if (bothSides.length > 0)
    warnings.push(
      `${bothSides.length} file(s) differ here and in Bitbucket: Pail keeps both versions, the one from here as a copy beside the file.`,
    )
  const ignored = [...rules.ignored].sort()
  incoming.sort()
  bothSides.sort()
  return {
    target: { ...target, folder: checked.folder, pathInRepo: checked.pathInRepo },
    files: local.size,
    bytes,
    ignored: { sample: ignored.slice(0, SAMPLE), count: ignored.length },
    skipped: { sample: scan.skipped.slice(0, SAMPLE).map(skipView), count: scan.skipped.length },
    incoming: { files: incoming.length, bytes: incomingBytes, sample: incoming.slice(0, SAMPLE) },
    bothSides: { count: bothSides.length, sample: bothSides.slice(0, SAMPLE) },
    warnings,
  }
}
