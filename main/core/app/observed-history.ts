/**
 * The history store of the window's core: every entry it starts or finishes (a sync pass's, a
 * manual upload's) is also told as a `HistoryView`, so the History screen updates by itself.
 */
import type { HistoryView } from '../../../shared/ipc/views.js'
import { HistoryStore, type HistoryEntry, type HistoryOutcome } from '../history/history-store.js'
import type { HomeLocks } from '../store/home-locks.js'

/** An entry as the History screen shows it. */
export function historyView(entry: HistoryEntry, who: string | null): HistoryView {
  return {
    id: entry.id,
    time: entry.time,
    folder: entry.source.kind === 'pair' ? { id: entry.source.pairId, path: entry.source.folder } : null,
    workspace: entry.workspace,
    repository: entry.repository,
    branch: entry.branch,
    files: entry.files.map((f) => ({ path: f.path, operation: f.operation, bytes: f.bytes })),
    outcome: entry.status,
    who,
    commit: entry.commit && entry.link ? { hash: entry.commit, link: entry.link } : null,
    error: entry.error,
    note: entry.note,
  }
}

export class ObservedHistoryStore extends HistoryStore {
  constructor(
    home: string,
    locks: HomeLocks,
    private readonly told: (entry: HistoryEntry) => void,
  ) {
    super(home, undefined, locks)
  }

  override async start(entry: Parameters<HistoryStore['start']>[0]): Promise<HistoryEntry> {
    const started = await super.start(entry)
    this.told(started)
    return started
  }

  override async finish(entry: HistoryEntry, outcome: HistoryOutcome): Promise<HistoryEntry> {
    const finished = await super.finish(entry, outcome)
    this.told(finished)
    return finished
  }
}

/** Whether `entry` matches the History screen's search and filters. */
export function matchesHistoryQuery(
  entry: HistoryEntry,
  query: { query?: string | undefined; pairId?: string | undefined; outcome?: HistoryEntry['status'] | undefined },
): boolean {
  if (query.pairId !== undefined && (entry.source.kind !== 'pair' || entry.source.pairId !== query.pairId)) return false
  if (query.outcome !== undefined && entry.status !== query.outcome) return false
  const words = query.query?.trim().toLowerCase()
  if (!words) return true
  const haystack = [
    `${entry.workspace}/${entry.repository}`,
    entry.branch,
    entry.note ?? '',
    entry.error ?? '',
    entry.source.kind === 'pair' ? entry.source.folder : '',
    ...entry.files.map((f) => f.path),
  ]
    .join('\n')
    .toLowerCase()
  return words.split(/\s+/).every((word) => haystack.includes(word))
}
