/**
 * The History screen's words: entries grouped by day, what changed in each ("2 added, 1 removed"),
 * and each outcome in plain words. Pure functions of the views the core sends.
 */
import type { HistoryOutcome, HistoryView } from '../../shared/ipc/views.js'
import { formatDay, type TimeStyle } from './format.js'

/** One day's entries, newest first, under a heading such as "Today" or "3 March". */
export interface HistoryDay {
  key: string
  heading: string
  entries: HistoryView[]
}

/** Entries grouped by calendar day (in the style's time zone), newest day and entry first. */
export function groupByDay(entries: readonly HistoryView[], style: TimeStyle): HistoryDay[] {
  const days = new Map<string, HistoryDay>()
  for (const entry of [...entries].sort((a, b) => b.time - a.time)) {
    const heading = formatDay(entry.time, style)
    let day = days.get(heading)
    if (!day) {
      day = { key: heading, heading, entries: [] }
      days.set(heading, day)
    }
    day.entries.push(entry)
  }
  return [...days.values()]
}

type Operation = HistoryView['files'][number]['operation']

/** The files of an entry by what happened to them, in the order added, changed, removed. */
export function filesByOperation(
  files: HistoryView['files'],
): { operation: Operation; word: string; paths: string[] }[] {
  const words: Record<Operation, string> = { add: 'Added', change: 'Changed', delete: 'Removed' }
  return (['add', 'change', 'delete'] as const)
    .map((operation) => ({
      operation,
      word: words[operation],
      paths: files.filter((f) => f.operation === operation).map((f) => f.path),
    }))
    .filter((group) => group.paths.length > 0)
}

/** "2 added, 1 changed, 3 removed"; "No files" for an entry without any. */
export function changeSummary(files: HistoryView['files']): string {
  const parts = filesByOperation(files).map((g) => `${g.paths.length.toLocaleString('en')} ${g.word.toLowerCase()}`)
  return parts.length > 0 ? parts.join(', ') : 'No files'
}

/** Each outcome as people read it; the first words of an entry. */
export const outcomeWords: Record<HistoryOutcome, string> = {
  uploading: 'Saving to Bitbucket…',
  committed: 'Saved to Bitbucket',
  failed: 'Not saved',
  held: 'Waiting for your answer',
  conflict: 'Saved, with both versions kept',
}

/** The outcomes as filter choices, in the order the filter lists them. */
export const outcomeChoices: { value: HistoryOutcome; label: string }[] = [
  { value: 'committed', label: outcomeWords.committed },
  { value: 'failed', label: outcomeWords.failed },
  { value: 'conflict', label: outcomeWords.conflict },
  { value: 'held', label: outcomeWords.held },
  { value: 'uploading', label: 'Still saving' },
]

/** Where an entry came from, to follow its change summary: "from /home/a/Reports", or "uploaded by hand". */
export function entrySource(entry: Pick<HistoryView, 'folder'>): string {
  return entry.folder ? `from ${entry.folder.path}` : 'uploaded by hand'
}

/** Where it went, as the window names repositories: "workspace/slug", with the branch and path when useful. */
export function entryTarget(entry: HistoryView): string {
  return `${entry.workspace}/${entry.repository} (branch ${entry.branch})`
}
