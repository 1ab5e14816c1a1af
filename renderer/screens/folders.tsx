/**
 * The paired folders, each with its state and controls (components/folder-card.tsx), and "Add
 * folder" (components/add-folder.tsx). `#/folders?add=workspace/slug` opens the form with that
 * repository chosen.
 */
import { useState } from 'react'
import { AddFolder } from '../components/add-folder.js'
import { FolderCard } from '../components/folder-card.js'
import { LiveGate } from '../components/live-gate.js'
import { Screen } from '../components/screen.js'
import { usePailState } from '../state/pail-context.js'
import { useFolders, useRepositories, useTimeStyle } from '../state/use-live.js'

/** The Folders screen; `addRepository` (`workspace/slug`) opens "Add a folder" with it chosen. */
export function FoldersScreen({ addRepository }: { addRepository: string | null }) {
  const { folders, repositories } = usePailState()
  const snapshot = useFolders()
  const repos = useRepositories()
  const style = useTimeStyle()
  const [adding, setAdding] = useState(addRepository !== null)
  return (
    <Screen title="Folders" intro="Folders on this computer that Pail keeps saved to Bitbucket.">
      {adding ? (
        <LiveGate snapshot={repos} what="your repositories" onRetry={() => void repositories.reload()}>
          {(workspaces) => (
            <AddFolder
              workspaces={workspaces}
              initialRepository={addRepository ?? ''}
              onDone={() => setAdding(false)}
            />
          )}
        </LiveGate>
      ) : (
        <div className="actions">
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add folder
          </button>
        </div>
      )}
      <LiveGate snapshot={snapshot} what="your folders" onRetry={() => void folders.reload()}>
        {(list) =>
          list.length === 0 ? (
            <p>No folders yet. Add one and Pail keeps it saved to Bitbucket from then on.</p>
          ) : (
            <ul className="cards" aria-label="Your folders">
              {list.map((folder) => (
                <FolderCard key={folder.id} folder={folder} style={style} />
              ))}
            </ul>
          )
        }
      </LiveGate>
    </Screen>
  )
}
