/**
 * Uploading files by hand: drop or choose files (folders too), the repository, branch, path in the
 * repository and a message; "Upload" sends them (in the browser the files first stream to
 * `pail serve`), a progress bar moves with the bytes sent, and the version on Bitbucket is linked
 * at the end.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { UploadProgress, WorkspaceView } from '../../shared/ipc/views.js'
import type { UserError } from '../../shared/result.js'
import { DropZone } from '../components/drop-zone.js'
import { ErrorMessage } from '../components/error-message.js'
import { LiveGate } from '../components/live-gate.js'
import { ProgressBar } from '../components/progress-bar.js'
import { BranchField, PathInRepositoryField, RepositoryField } from '../components/repository-fields.js'
import { Screen } from '../components/screen.js'
import { formatBytes, formatCount } from '../lib/format.js'
import { allRepositories, defaultBranch, findRepository, splitFullName } from '../lib/repositories.js'
import { relativePathOf } from '../lib/staging-paths.js'
import { commitLeg, forward, uploadBar, type Bar, type Leg, type UploadLegs } from '../lib/upload-progress.js'
import { usePailState } from '../state/pail-context.js'
import { useBranches } from '../state/use-branches.js'
import { useAppInfo, useRepositories } from '../state/use-live.js'

type Stage =
  | { step: 'choosing' }
  | { step: 'sending'; legs: UploadLegs }
  | { step: 'done'; commit: { hash: string; link: string } }
  | { step: 'failed'; error: UserError }

function UploadForm({ workspaces, readFolders }: { workspaces: WorkspaceView[]; readFolders: boolean }) {
  const { api } = usePailState()
  const ids = { message: useId() }
  const repositories = allRepositories(workspaces)
  const [files, setFiles] = useState<File[]>([])
  const [repository, setRepository] = useState(repositories.length === 1 ? repositories[0]!.fullName : '')
  const [branch, setBranch] = useState(repositories.length === 1 ? (repositories[0]!.mainBranch ?? '') : '')
  const [pathInRepo, setPathInRepo] = useState('')
  const [message, setMessage] = useState('')
  const [stage, setStage] = useState<Stage>({ step: 'choosing' })
  // Progress pushed for each upload, kept from the start: the first events can come before its id.
  const progress = useRef(new Map<string, UploadProgress>())
  const current = useRef<{ uploadId: string | null; staging: Leg | null }>({ uploadId: null, staging: null })

  const { branches, loaded } = useBranches(repository)
  // Once the branches are known, an empty branch field gets the repository's usual one.
  useEffect(() => {
    if (loaded) setBranch((old) => (old === '' ? defaultBranch(findRepository(workspaces, repository), branches) : old))
  }, [loaded, branches, workspaces, repository])

  const follow = (event: UploadProgress): void => {
    const id = current.current.uploadId
    if (id !== event.uploadId) return
    if (event.done && 'commit' in event.done) setStage({ step: 'done', commit: event.done.commit })
    else if (event.done) setStage({ step: 'failed', error: { code: 'upload.failed', message: event.done.error } })
    else setStage({ step: 'sending', legs: { staging: current.current.staging, commit: commitLeg(event) } })
  }
  useEffect(
    () =>
      api.onUploadProgressed((event) => {
        progress.current.set(event.uploadId, event)
        follow(event)
      }),
    // follow reads refs only.
    [api],
  )

  const chooseRepository = (value: string): void => {
    const old = findRepository(workspaces, repository)
    if (branch === '' || branch === old?.mainBranch) setBranch(findRepository(workspaces, value)?.mainBranch ?? '')
    setRepository(value)
  }

  const upload = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const names = splitFullName(repository)
    if (files.length === 0)
      return setStage({
        step: 'failed',
        error: { code: 'upload.no-files', message: 'Choose the files to upload first.' },
      })
    if (!names)
      return setStage({ step: 'failed', error: { code: 'upload.no-repository', message: 'Choose a repository.' } })
    if (branch.trim() === '')
      return setStage({
        step: 'failed',
        error: { code: 'upload.no-branch', message: 'Write the branch name.', action: 'Usually it is "main".' },
      })
    current.current = { uploadId: null, staging: null }
    setStage({ step: 'sending', legs: { staging: null, commit: null } })
    const source = await api.prepareUpload(files, (sent, total) => {
      current.current.staging = { sent, total }
      setStage({ step: 'sending', legs: { staging: { sent, total }, commit: null } })
    })
    if (!source.ok) return setStage({ step: 'failed', error: source.error })
    const started = await api.uploadStart({
      source: source.value,
      ...names,
      branch: branch.trim(),
      pathInRepo: pathInRepo.trim().replace(/^\/+|\/+$/g, ''),
      ...(message.trim() ? { message: message.trim() } : {}),
    })
    if (!started.ok) return setStage({ step: 'failed', error: started.error })
    current.current.uploadId = started.value.uploadId
    const early = progress.current.get(started.value.uploadId)
    if (early) follow(early)
    else setStage({ step: 'sending', legs: { staging: current.current.staging, commit: null } })
  }

  const sending = stage.step === 'sending'
  const total = files.reduce((sum, f) => sum + f.size, 0)
  // The bar of this upload never moves back (uploadBar's estimate of the second leg can be corrected).
  const shown = useRef<Bar | null>(null)
  if (!sending) shown.current = null
  const bar = sending ? (shown.current = forward(shown.current, uploadBar(stage.legs))) : null
  return (
    <form className="panel" onSubmit={(event) => void upload(event)} aria-label="Upload files">
      <DropZone
        readFolders={readFolders}
        disabled={sending}
        onFiles={(picked) => {
          setFiles(picked)
          setStage({ step: 'choosing' })
        }}
      />
      {files.length > 0 ? (
        <div className="chosen">
          <p>
            {formatCount(files.length, 'file')} chosen, {formatBytes(total)}.{' '}
            <button type="button" className="link-button" onClick={() => setFiles([])} disabled={sending}>
              Clear the list
            </button>
          </p>
          <details>
            <summary>Chosen files</summary>
            <ul>
              {files.slice(0, 200).map((file) => (
                <li key={relativePathOf(file)}>
                  {relativePathOf(file)} <span className="small">({formatBytes(file.size)})</span>
                </li>
              ))}
              {files.length > 200 ? <li className="small">and {files.length - 200} more</li> : null}
            </ul>
          </details>
        </div>
      ) : null}
      <RepositoryField repositories={repositories} value={repository} onChange={chooseRepository} />
      <BranchField branches={branches} value={branch} onChange={setBranch} />
      <PathInRepositoryField
        value={pathInRepo}
        onChange={setPathInRepo}
        placeholder="Leave empty for the top of the repository"
      />
      <div className="field">
        <label htmlFor={ids.message}>Message</label>
        <textarea id={ids.message} rows={2} value={message} onChange={(e) => setMessage(e.target.value)} />
        <p className="small">What these files are, for the people who look at the repository. Optional.</p>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={sending}>
          Upload
        </button>
      </div>
      {bar ? <ProgressBar label="Upload progress" percent={bar.percent} words={bar.words} /> : null}
      {stage.step === 'done' ? (
        <p role="status" className="message message-ok">
          Saved to Bitbucket.{' '}
          <a href={stage.commit.link} target="_blank" rel="noopener noreferrer">
            See this version on Bitbucket
          </a>{' '}
          <code className="small">{stage.commit.hash.slice(0, 12)}</code>
        </p>
      ) : null}
      {stage.step === 'failed' ? <ErrorMessage error={stage.error} /> : null}
    </form>
  )
}

/** The Upload screen. */
export function UploadScreen() {
  const { repositories } = usePailState()
  const repos = useRepositories()
  const info = useAppInfo()
  const readFolders = info.status === 'ready' && info.value.shell === 'headless'
  return (
    <Screen title="Upload" intro="Send files to a repository once, without syncing a folder.">
      <LiveGate snapshot={repos} what="your repositories" onRetry={() => void repositories.reload()}>
        {(workspaces) => <UploadForm workspaces={workspaces} readFolders={readFolders} />}
      </LiveGate>
    </Screen>
  )
}
