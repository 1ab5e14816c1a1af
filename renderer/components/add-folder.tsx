/**
 * Pairing a new folder: the folder (typed, or chosen: the native dialog on the desktop, the folder
 * browser under `pail serve`), the repository (`workspace/slug`), the branch, the path in the
 * repository; "Preview" shows what would happen before anything is sent; "Start syncing" pairs it.
 * Changing any field after a preview asks for a new one, so what starts is what was shown.
 */
import { useEffect, useId, useState, type FormEvent } from 'react'
import type { FolderPreview, FolderTarget, WorkspaceView } from '../../shared/ipc/views.js'
import { allRepositories, defaultBranch, findRepository, splitFullName } from '../lib/repositories.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'
import { useAppInfo } from '../state/use-live.js'
import { useBranches } from '../state/use-branches.js'
import { ErrorMessage } from './error-message.js'
import { FolderBrowser } from './folder-browser.js'
import { PreviewSummary } from './preview-summary.js'
import { BranchField, PathInRepositoryField, RepositoryField } from './repository-fields.js'

interface Fields {
  folder: string
  repository: string
  branch: string
  pathInRepo: string
}

function targetOf(fields: Fields): FolderTarget {
  const names = splitFullName(fields.repository)
  return {
    folder: fields.folder.trim(),
    workspace: names?.workspace ?? '',
    repository: names?.repository ?? '',
    branch: fields.branch.trim(),
    pathInRepo: fields.pathInRepo.trim().replace(/^\/+|\/+$/g, ''),
  }
}

/** The "Add a folder" form over the repositories the account can write to; `onDone` after "Start syncing" or "Cancel". */
export function AddFolder({
  workspaces,
  initialRepository,
  onDone,
}: {
  workspaces: WorkspaceView[]
  /** `workspace/slug` to start with (the Repositories screen's shortcut). */
  initialRepository: string
  onDone: () => void
}) {
  const { api, folders } = usePailState()
  const info = useAppInfo()
  const ids = { folder: useId() }
  const repositories = allRepositories(workspaces)
  const startRepository = findRepository(workspaces, initialRepository)
  const [fields, setFields] = useState<Fields>({
    folder: '',
    repository: startRepository?.fullName ?? '',
    branch: startRepository?.mainBranch ?? '',
    pathInRepo: '',
  })
  const [preview, setPreview] = useState<FolderPreview | null>(null)
  const [browsing, setBrowsing] = useState(false)
  const previewing = useAction((target: FolderTarget) => api.foldersPreview(target))
  const adding = useAction((target: FolderTarget) => api.foldersAdd(target))
  const choosing = useAction(() => api.foldersChoose())

  const { branches, loaded } = useBranches(fields.repository)
  // Once the branches are known, an empty branch field gets the repository's usual one.
  useEffect(() => {
    if (!loaded) return
    setFields((old) =>
      old.branch === '' ? { ...old, branch: defaultBranch(findRepository(workspaces, old.repository), branches) } : old,
    )
  }, [loaded, branches, workspaces])

  const change = (name: keyof Fields, value: string): void => {
    setFields((old) => {
      const next = { ...old, [name]: value }
      // A new repository starts on its main branch unless a branch was written already.
      if (
        name === 'repository' &&
        (old.branch === '' || old.branch === findRepository(workspaces, old.repository)?.mainBranch)
      )
        next.branch = findRepository(workspaces, value)?.mainBranch ?? ''
      return next
    })
    setPreview(null)
  }

  const choose = async (): Promise<void> => {
    if (info.status === 'ready' && info.value.shell === 'headless') {
      setBrowsing(true)
      return
    }
    const path = await choosing.run()
    if (path) change('folder', path)
  }

  const submitPreview = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setPreview(await previewing.run(targetOf(fields)))
  }

  const start = async (): Promise<void> => {
    if (!preview) return
    const added = await adding.run(preview.target)
    if (added) {
      void folders.reload()
      onDone()
    }
  }

  return (
    <form
      className="panel add-folder"
      onSubmit={(event) => void submitPreview(event)}
      aria-labelledby="add-folder-title"
    >
      <h2 id="add-folder-title">Add a folder</h2>
      <div className="field">
        <label htmlFor={ids.folder}>Folder</label>
        <div className="with-button">
          <input
            id={ids.folder}
            type="text"
            value={fields.folder}
            onChange={(e) => change('folder', e.target.value)}
            placeholder="/home/you/Documents/Reports"
            autoComplete="off"
            spellCheck={false}
          />
          <button type="button" className="secondary" onClick={() => void choose()} disabled={choosing.busy}>
            Choose…
          </button>
        </div>
        <ErrorMessage error={choosing.error} />
      </div>
      <RepositoryField
        repositories={repositories}
        value={fields.repository}
        onChange={(fullName) => change('repository', fullName)}
      />
      <BranchField
        branches={branches}
        value={fields.branch}
        onChange={(branch) => change('branch', branch)}
        hint="Usually the repository’s main branch. A new name starts a new branch."
      />
      <PathInRepositoryField
        value={fields.pathInRepo}
        onChange={(path) => change('pathInRepo', path)}
        placeholder="Leave empty for the whole repository"
      />
      <div className="actions">
        <button type="submit" disabled={previewing.busy}>
          Preview
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
      {previewing.busy ? <p role="status">Looking at the folder and the repository…</p> : null}
      <ErrorMessage error={previewing.error} />
      {preview ? (
        <>
          <PreviewSummary preview={preview} />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void start()} disabled={adding.busy}>
              Start syncing
            </button>
          </div>
          <ErrorMessage error={adding.error} />
        </>
      ) : null}
      {browsing ? (
        <FolderBrowser
          start={fields.folder}
          onChoose={(path) => {
            change('folder', path)
            setBrowsing(false)
          }}
          onClose={() => setBrowsing(false)}
        />
      ) : null}
    </form>
  )
}
