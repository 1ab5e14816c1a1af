/**
 * One paired folder: its state and last sync, "Sync now", "Pause" (for an hour, or until resumed) /
 * "Resume", a held change with its choices, conflicts with where both versions are, skipped files
 * with their reasons, and "Remove". A region named by the folder's path, so each folder's buttons
 * can be told apart.
 */
import { useId, useState } from 'react'
import type { FolderView, HoldChoice } from '../../shared/ipc/views.js'
import type { Result } from '../../shared/result.js'
import { conflictSentence, folderDestination, folderStateWords, holdChoiceLabels } from '../lib/folder-words.js'
import { formatBytes, formatCount, type TimeStyle } from '../lib/format.js'
import { pauseChoices, pauseUntil, type PauseChoice } from '../lib/pause-choices.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'
import { Dialog } from './dialog.js'
import { ErrorMessage } from './error-message.js'
import { ProgressBar } from './progress-bar.js'
import { StateBadge } from './state-badge.js'
import { When } from './when.js'

function Progress({ progress }: { progress: NonNullable<FolderView['progress']> }) {
  const percent = progress.bytesTotal === 0 ? 0 : (progress.bytesSent / progress.bytesTotal) * 100
  return (
    <ProgressBar
      label="Saving to Bitbucket"
      percent={percent}
      words={`${progress.filesDone.toLocaleString('en')} of ${formatCount(progress.filesTotal, 'file')}, ${formatBytes(progress.bytesSent)} of ${formatBytes(progress.bytesTotal)}`}
    />
  )
}

function Hold({
  hold,
  onAnswer,
  busy,
}: {
  hold: NonNullable<FolderView['hold']>
  onAnswer: (c: HoldChoice) => void
  busy: boolean
}) {
  return (
    <div className="message message-attention" role="group" aria-label="Waiting for your answer">
      <p>{hold.message}</p>
      {hold.files.length > 0 ? (
        <details>
          <summary>{formatCount(hold.count, 'file')}</summary>
          <ul>
            {hold.files.map((path) => (
              <li key={path}>{path}</li>
            ))}
            {hold.count > hold.files.length ? (
              <li className="small">and {hold.count - hold.files.length} more</li>
            ) : null}
          </ul>
        </details>
      ) : null}
      <div className="actions">
        {hold.choices.map((choice) => (
          <button key={choice} type="button" onClick={() => onAnswer(choice)} disabled={busy}>
            {holdChoiceLabels[choice]}
          </button>
        ))}
      </div>
    </div>
  )
}

/** One paired folder with its state and controls, as an item of the folders list. */
export function FolderCard({ folder, style }: { folder: FolderView; style: TimeStyle }) {
  const { api, folders } = usePailState()
  const titleId = useId()
  const [asking, setAsking] = useState<'pause' | 'remove' | null>(null)
  // Each action answers the folder's new view; the list also arrives as `folders:changed`.
  const act = useAction(async (request: () => Promise<Result<unknown>>) => {
    const result = await request()
    if (result.ok) void folders.reload()
    return result
  })
  const id = { pairId: folder.id }
  const pause = (choice: PauseChoice): void => {
    setAsking(null)
    void act.run(() => api.foldersPause({ ...id, until: pauseUntil(choice, Date.now()) }))
  }
  const remove = (): void => {
    setAsking(null)
    void act.run(() => api.foldersRemove(id))
  }
  return (
    <li className="card folder" aria-labelledby={titleId}>
      <div className="folder-head">
        <h3 id={titleId}>{folder.folder}</h3>
        <StateBadge words={folderStateWords(folder, style)} />
      </div>
      <p className="small">
        To{' '}
        <a href={folder.link} target="_blank" rel="noopener noreferrer">
          {folderDestination(folder)}
        </a>
      </p>
      {folder.message ? <p>{folder.message}</p> : null}
      <p className="small">
        Last saved to Bitbucket:{' '}
        {folder.lastSyncAt === null ? 'not yet' : <When time={folder.lastSyncAt} style={style} relative />}
        {folder.lastCommit ? (
          <>
            {' · '}
            <a href={folder.lastCommit.link} target="_blank" rel="noopener noreferrer">
              See this version on Bitbucket
            </a>{' '}
            <code>{folder.lastCommit.hash.slice(0, 12)}</code>
          </>
        ) : null}
        {folder.nextAttemptAt !== null ? (
          <>
            {' · '}Trying again <When time={folder.nextAttemptAt} style={style} relative />
          </>
        ) : null}
      </p>
      {folder.progress ? <Progress progress={folder.progress} /> : null}
      {folder.hold ? (
        <Hold
          hold={folder.hold}
          busy={act.busy}
          onAnswer={(choice) => void act.run(() => api.foldersAnswerHold({ ...id, choice }))}
        />
      ) : null}
      {folder.conflicts.length > 0 ? (
        <div className="message message-attention">
          <p>{formatCount(folder.conflicts.length, 'file was', 'files were')} changed here and in Bitbucket:</p>
          <ul>
            {folder.conflicts.map((conflict) => (
              <li key={conflict.path}>{conflictSentence(conflict)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {folder.skippedCount > 0 ? (
        <details>
          <summary>{formatCount(folder.skippedCount, 'file is', 'files are')} not synced</summary>
          <ul>
            {folder.skipped.map((skip) => (
              <li key={skip.path}>
                <strong>{skip.path}</strong> — {skip.label}. {skip.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <div className="actions">
        <button type="button" onClick={() => void act.run(() => api.foldersSyncNow(id))} disabled={act.busy}>
          Sync now
        </button>
        {folder.paused ? (
          <button type="button" onClick={() => void act.run(() => api.foldersResume(id))} disabled={act.busy}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => setAsking('pause')} disabled={act.busy}>
            Pause
          </button>
        )}
        <button type="button" className="secondary" onClick={() => setAsking('remove')} disabled={act.busy}>
          Remove
        </button>
      </div>
      <ErrorMessage error={act.error} />
      {asking === 'pause' ? (
        <Dialog title="Pause syncing" onClose={() => setAsking(null)}>
          <p>Pail stops saving {folder.folder} to Bitbucket for a while. Nothing is lost: changes wait until then.</p>
          <div className="actions">
            {pauseChoices.map(({ choice, label }) => (
              <button key={choice} type="button" onClick={() => pause(choice)}>
                {label}
              </button>
            ))}
            <button type="button" className="secondary" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
      {asking === 'remove' ? (
        <Dialog title="Stop syncing this folder?" onClose={() => setAsking(null)}>
          <p>Pail stops syncing {folder.folder}. Nothing is deleted: the files stay in the folder and on Bitbucket.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={remove}>
              Yes, stop syncing
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(null)}>
              Keep syncing
            </button>
          </div>
        </Dialog>
      ) : null}
    </li>
  )
}
