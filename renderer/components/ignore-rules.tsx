/**
 * The ignore rules (`.pailignore`) of one chosen folder: read when the folder is chosen, saved by
 * "Save ignore rules". Written like .gitignore.
 */
import { useEffect, useId, useState } from 'react'
import type { FolderView } from '../../shared/ipc/views.js'
import type { UserError } from '../../shared/result.js'
import { usePail } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'
import { ErrorMessage } from './error-message.js'

/** The ignore rules editor, for one of `folders` at a time. */
export function IgnoreRules({ folders }: { folders: FolderView[] }) {
  const api = usePail()
  const ids = { folder: useId(), rules: useId() }
  const [pairId, setPairId] = useState(folders[0]?.id ?? '')
  const [text, setText] = useState<string | null>(null)
  const [loadError, setLoadError] = useState<UserError | null>(null)
  const [saved, setSaved] = useState(false)
  const saving = useAction((id: string, rules: string) => api.foldersSetIgnoreRules({ pairId: id, text: rules }))

  useEffect(() => {
    setText(null)
    setLoadError(null)
    setSaved(false)
    if (!pairId) return
    let live = true
    void api.foldersGetIgnoreRules({ pairId }).then((result) => {
      if (!live) return
      if (result.ok) setText(result.value)
      else setLoadError(result.error)
    })
    return () => {
      live = false
    }
  }, [api, pairId])

  if (folders.length === 0) return <p>Add a folder first; then you can say here which of its files Pail leaves out.</p>
  return (
    <div>
      <div className="field">
        <label htmlFor={ids.folder}>Folder to edit</label>
        <select id={ids.folder} value={pairId} onChange={(e) => setPairId(e.target.value)}>
          {folders.map((f) => (
            <option key={f.id} value={f.id}>
              {f.folder}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={loadError} />
      <div className="field">
        <label htmlFor={ids.rules}>Ignore rules</label>
        <textarea
          id={ids.rules}
          rows={6}
          className="code"
          spellCheck={false}
          value={text ?? ''}
          disabled={text === null}
          onChange={(e) => {
            setText(e.target.value)
            setSaved(false)
          }}
        />
        <p className="small">
          One rule a line, like <code>*.tmp</code> or <code>drafts/</code>. Files they match stay on this computer.
          Temporary and system files are always left out.
        </p>
      </div>
      <div className="actions">
        <button
          type="button"
          disabled={text === null || saving.busy}
          onClick={() =>
            void saving.run(pairId, text ?? '').then((value) => {
              if (value !== null) setSaved(true)
            })
          }
        >
          Save ignore rules
        </button>
        {saved ? (
          <span role="status" className="small">
            Saved.
          </span>
        ) : null}
      </div>
      <ErrorMessage error={saving.error} />
    </div>
  )
}
