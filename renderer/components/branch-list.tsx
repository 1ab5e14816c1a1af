/** A repository's branches, asked for when the person opens the list. */
import { useState } from 'react'
import type { RepositoryView } from '../../shared/ipc/views.js'
import type { UserError } from '../../shared/result.js'
import { usePail } from '../state/pail-context.js'
import { ErrorMessage } from './error-message.js'

/** A repository's branches, behind a "Branches" disclosure. */
export function BranchList({ repository }: { repository: RepositoryView }) {
  const api = usePail()
  const [branches, setBranches] = useState<string[] | null>(null)
  const [error, setError] = useState<UserError | null>(null)
  const toggled = async (open: boolean): Promise<void> => {
    if (!open || branches) return
    const result = await api.reposListBranches({ workspace: repository.workspace, repository: repository.slug })
    if (result.ok) setBranches(result.value)
    else setError(result.error)
  }
  return (
    <details onToggle={(event) => void toggled(event.currentTarget.open)}>
      <summary>Branches</summary>
      {branches === null && error === null ? <p role="status">Loading branches…</p> : null}
      {branches && branches.length === 0 ? <p>No branches yet: the repository is empty.</p> : null}
      {branches && branches.length > 0 ? (
        <ul className="inline-list">
          {branches.map((branch) => (
            <li key={branch}>
              <code>{branch}</code>
              {branch === repository.mainBranch ? <span className="small"> (the main branch)</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage error={error} />
    </details>
  )
}
