/**
 * Importing the provisioning file the admin handed out (the OAuth consumer's key and secret): read
 * in the window as text and sent to the core, which checks it and keeps it in Pail's home.
 */
import { useId, useState, type ChangeEvent } from 'react'
import type { AppInfo } from '../../shared/ipc/views.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'
import { ErrorMessage } from './error-message.js'

/** The largest file the contract takes (`auth:import-provisioning`). */
const MAX_BYTES = 64 * 1024

/** The "Provisioning file" input and what became of the file. */
export function ProvisioningImport() {
  const { api, info } = usePailState()
  const inputId = useId()
  const [done, setDone] = useState(false)
  const importing = useAction((text: string) => api.authImportProvisioning({ text }))
  const [tooLarge, setTooLarge] = useState(false)

  const picked = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0]
    event.target.value = ''
    setDone(false)
    setTooLarge(false)
    if (!file) return
    if (file.size > MAX_BYTES) {
      setTooLarge(true)
      return
    }
    const value: AppInfo | null = await importing.run(await file.text())
    if (value) {
      info.set(value)
      setDone(true)
    }
  }

  return (
    <div className="field">
      <label htmlFor={inputId}>Provisioning file</label>
      <input
        id={inputId}
        type="file"
        accept=".json,application/json,text/plain"
        disabled={importing.busy}
        onChange={(event) => void picked(event)}
      />
      <p className="small">The file your admin gave you. Pail checks it and keeps it; nothing is sent anywhere.</p>
      {importing.busy ? <p role="status">Reading the file…</p> : null}
      {done ? (
        <p role="status" className="message message-ok">
          Pail is set up for your Bitbucket. You can sign in now.
        </p>
      ) : null}
      {tooLarge ? (
        <ErrorMessage
          error={{
            code: 'provisioning.too-large',
            message: 'That file is too large to be a provisioning file.',
            action: 'Check that you picked the file your admin gave you.',
          }}
        />
      ) : null}
      <ErrorMessage error={importing.error} />
    </div>
  )
}
