/**
 * One upload attempt: when, what changed (added / changed / removed, with the file names), who,
 * where it went, what went wrong in plain words, and the version on Bitbucket (the hash as a detail).
 */
import type { HistoryView } from '../../shared/ipc/views.js'
import { formatBytes, formatCount, type TimeStyle } from '../lib/format.js'
import { changeSummary, entrySource, entryTarget, filesByOperation, outcomeWords } from '../lib/history-words.js'
import { When } from './when.js'

const outcomeTone: Record<HistoryView['outcome'], string> = {
  uploading: 'busy',
  committed: 'ok',
  failed: 'error',
  held: 'attention',
  conflict: 'attention',
}

/** Up to this many files are listed in the entry itself; more fold away. */
const SHOWN_FILES = 10

function FileGroups({ groups }: { groups: ReturnType<typeof filesByOperation> }) {
  return (
    <dl className="file-groups">
      {groups.map((group) => (
        <div key={group.operation}>
          <dt>{group.word}</dt>
          {group.paths.map((path) => (
            <dd key={path}>{path}</dd>
          ))}
        </div>
      ))}
    </dl>
  )
}

/** One history entry, as an item of a day's list. */
export function HistoryEntry({ entry, style }: { entry: HistoryView; style: TimeStyle }) {
  const groups = filesByOperation(entry.files)
  const bytes = entry.files.reduce((sum, f) => sum + f.bytes, 0)
  return (
    <li className="card history-entry">
      <div className="folder-head">
        <span className={`badge badge-${outcomeTone[entry.outcome]}`}>{outcomeWords[entry.outcome]}</span>
        <When time={entry.time} style={style} />
      </div>
      <p>
        <strong>{changeSummary(entry.files)}</strong>
        {bytes > 0 ? ` (${formatBytes(bytes)})` : ''} {entrySource(entry)} to {entryTarget(entry)}
        {entry.who ? `, by ${entry.who}` : ''}.
      </p>
      {entry.error ? <p className="message message-error">{entry.error}</p> : null}
      {entry.note ? <p className="small">{entry.note}</p> : null}
      {groups.length > 0 ? (
        entry.files.length <= SHOWN_FILES ? (
          <FileGroups groups={groups} />
        ) : (
          <details>
            <summary>{formatCount(entry.files.length, 'file')}</summary>
            <FileGroups groups={groups} />
          </details>
        )
      ) : null}
      {entry.commit ? (
        <p className="small">
          <a href={entry.commit.link} target="_blank" rel="noopener noreferrer">
            See this version on Bitbucket
          </a>{' '}
          <code>{entry.commit.hash.slice(0, 12)}</code>
        </p>
      ) : null}
    </li>
  )
}
