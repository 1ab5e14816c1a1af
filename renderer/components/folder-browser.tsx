/**
 * The browser's folder chooser (under `pail serve` there is no native dialog): the folders inside
 * one folder, from `folders:browse`, to open one level at a time and choose.
 */
import { useEffect, useState } from 'react'
import type { FolderListing } from '../../shared/ipc/views.js'
import type { UserError } from '../../shared/result.js'
import { usePail } from '../state/pail-context.js'
import { Dialog } from './dialog.js'
import { ErrorMessage } from './error-message.js'

/** The folder chooser dialog of `pail serve`, opening at `start`. */
export function FolderBrowser({
  start,
  onChoose,
  onClose,
}: {
  /** Where to open; the person's home when empty. */
  start: string
  onChoose: (path: string) => void
  onClose: () => void
}) {
  const api = usePail()
  const [listing, setListing] = useState<FolderListing | null>(null)
  const [error, setError] = useState<UserError | null>(null)
  const open = async (path: string | undefined): Promise<void> => {
    setError(null)
    const result = await api.foldersBrowse(path ? { path } : {})
    if (result.ok) setListing(result.value)
    else setError(result.error)
  }
  useEffect(() => {
    void open(start || undefined)
    // Opens once, where it starts; later moves are the person's.
  }, [])
  return (
    <Dialog title="Choose a folder" onClose={onClose}>
      {listing ? (
        <>
          <p>
            In <code>{listing.path}</code>
          </p>
          <ul className="folder-list">
            {listing.parent ? (
              <li>
                <button type="button" className="link-button" onClick={() => void open(listing.parent ?? undefined)}>
                  ↑ Up one level
                </button>
              </li>
            ) : null}
            {listing.folders.map((folder) => (
              <li key={folder.path}>
                <button type="button" className="link-button" onClick={() => void open(folder.path)}>
                  {folder.name}
                </button>
              </li>
            ))}
            {listing.folders.length === 0 ? <li className="small">No folders in here.</li> : null}
          </ul>
        </>
      ) : error ? null : (
        <p role="status">Loading folders…</p>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="primary" disabled={!listing} onClick={() => listing && onChoose(listing.path)}>
          Choose this folder
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
