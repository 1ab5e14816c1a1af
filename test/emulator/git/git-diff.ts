/**
 * Tree-to-tree diffs as git reports them (`git diff-tree --raw --numstat -z`), for the diffstat
 * endpoint: one entry per changed path with git's status letter, modes and line counts.
 */

/** One path of a tree-to-tree diff: git's raw record joined with its `--numstat` line counts. */
export interface DiffEntry {
  /** git's status letter: A(dded), D(eleted), M(odified), T(ype changed) or R(enamed). */
  status: 'A' | 'D' | 'M' | 'T' | 'R'
  /** Null for an added path. */
  oldPath: string | null
  /** Null for a deleted path. */
  newPath: string | null
  oldMode: string
  newMode: string
  /** Line counts; null for both when git calls the content binary (`-` in numstat). */
  linesAdded: number | null
  linesRemoved: number | null
  /** False when numstat left the pair out (with `ignoreWhitespace`, a whitespace-only change). */
  counted: boolean
}

/** How `diffTrees` diffs: rename detection (similarity percent, or null for none), `-w`, literal pathspecs. */
export interface DiffOptions {
  renameSimilarity: number | null
  ignoreWhitespace: boolean
  paths: readonly string[]
}

const DIFF_STATUSES = new Set(['A', 'D', 'M', 'T', 'R'])

/**
 * Parses `git diff-tree -z --raw --numstat`: every raw record (`:mode mode sha sha S\0path\0`,
 * two paths for R/C) comes first, then every numstat record (`added\tremoved\tpath\0`, or
 * `added\tremoved\t\0old\0new\0` for a rename), in the same pair order.
 */
export function parseRawNumstat(out: string): DiffEntry[] {
  const tokens = out.split('\0')
  if (tokens.at(-1) === '') tokens.pop()
  const entries: DiffEntry[] = []
  const counts = new Map<string, { added: number | null; removed: number | null }>()
  const key = (oldPath: string | null, newPath: string | null): string => `${oldPath ?? ''}\0${newPath ?? ''}`
  let i = 0
  while (i < tokens.length) {
    const token = tokens[i++]!
    if (token.startsWith(':')) {
      const [oldMode, newMode, , , score] = token.slice(1).split(' ')
      const letter = score!.charAt(0)
      if (!DIFF_STATUSES.has(letter)) throw new Error(`Unexpected diff status ${score}`)
      const status = letter as DiffEntry['status']
      const first = tokens[i++]!
      const second = status === 'R' ? tokens[i++]! : first
      entries.push({
        status,
        oldPath: status === 'A' ? null : first,
        newPath: status === 'D' ? null : second,
        oldMode: oldMode!,
        newMode: newMode!,
        linesAdded: null,
        linesRemoved: null,
        counted: false,
      })
      continue
    }
    // A path may hold tabs itself: only the first two separate the counts.
    const tab1 = token.indexOf('\t')
    const tab2 = token.indexOf('\t', tab1 + 1)
    const added = token.slice(0, tab1)
    const removed = token.slice(tab1 + 1, tab2)
    const path = token.slice(tab2 + 1)
    const count = { added: added === '-' ? null : Number(added), removed: removed === '-' ? null : Number(removed) }
    if (path === '') {
      counts.set(`rename:${key(tokens[i]!, tokens[i + 1]!)}`, count)
      i += 2
    } else {
      counts.set(path, count)
    }
  }
  for (const entry of entries) {
    const count =
      entry.status === 'R'
        ? counts.get(`rename:${key(entry.oldPath, entry.newPath)}`)
        : counts.get((entry.newPath ?? entry.oldPath)!)
    if (!count) continue
    entry.counted = true
    entry.linesAdded = count.added
    entry.linesRemoved = count.removed
  }
  return entries
}
