/**
 * The three fields that say where files go on Bitbucket, shared by "Add a folder" and "Upload":
 * "Repository" (a select of the repositories the account can write to, as `workspace/slug`),
 * "Branch" (typed, with the repository's branches suggested), "Path in repository".
 */
import { useId } from 'react'
import type { RepositoryView } from '../../shared/ipc/views.js'

/** "Repository": `value` is a `workspace/slug`, or '' before one is chosen. */
export function RepositoryField({
  repositories,
  value,
  onChange,
}: {
  repositories: readonly RepositoryView[]
  value: string
  onChange: (fullName: string) => void
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Repository</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose a repository</option>
        {repositories.map((r) => (
          <option key={r.fullName} value={r.fullName}>
            {r.fullName}
          </option>
        ))}
      </select>
    </div>
  )
}

/** "Branch", with the chosen repository's branches as suggestions and an optional hint below. */
export function BranchField({
  branches,
  value,
  onChange,
  hint,
}: {
  branches: readonly string[]
  value: string
  onChange: (branch: string) => void
  hint?: string
}) {
  const id = useId()
  const listId = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Branch</label>
      <input
        id={id}
        type="text"
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      <datalist id={listId}>
        {branches.map((b) => (
          <option key={b} value={b} />
        ))}
      </datalist>
      {hint ? <p className="small">{hint}</p> : null}
    </div>
  )
}

/** "Path in repository": the folder in the repository the files go to ('' for the top). */
export function PathInRepositoryField({
  value,
  onChange,
  placeholder,
}: {
  value: string
  onChange: (path: string) => void
  placeholder: string
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Path in repository</label>
      <input
        id={id}
        type="text"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  )
}
