/**
 * The repositories the signed-in account can write to, by workspace, with a search, their branches,
 * and a shortcut to sync a folder with one (the Folders screen, with the repository chosen).
 */
import { useId, useState } from 'react'
import type { WorkspaceView } from '../../shared/ipc/views.js'
import { BranchList } from '../components/branch-list.js'
import { LiveGate } from '../components/live-gate.js'
import { Screen } from '../components/screen.js'
import { formatCount } from '../lib/format.js'
import { searchWorkspaces } from '../lib/repositories.js'
import { routeHref } from '../lib/route.js'
import { usePailState } from '../state/pail-context.js'
import { useRepositories } from '../state/use-live.js'

function RepositoryList({ workspaces }: { workspaces: WorkspaceView[] }) {
  const searchId = useId()
  const workspaceId = useId()
  const [search, setSearch] = useState('')
  const [workspace, setWorkspace] = useState('')
  const shown = searchWorkspaces(workspaces, search, workspace || null)
  if (workspaces.length === 0)
    return <p>This account cannot write to any repository yet. Ask your Bitbucket admin for access to one.</p>
  return (
    <>
      <div className="filters">
        <div className="field">
          <label htmlFor={searchId}>Search repositories</label>
          <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={workspaceId}>Workspace</label>
          <select id={workspaceId} value={workspace} onChange={(e) => setWorkspace(e.target.value)}>
            <option value="">All workspaces</option>
            {workspaces.map((w) => (
              <option key={w.slug} value={w.slug}>
                {w.slug}
              </option>
            ))}
          </select>
        </div>
      </div>
      {shown.length === 0 ? <p role="status">No repository matches “{search}”.</p> : null}
      {shown.map((w) => (
        <section key={w.slug} className="workspace" aria-labelledby={`workspace-${w.slug}`}>
          <h2 id={`workspace-${w.slug}`}>
            {w.slug} <span className="small">{formatCount(w.repositories.length, 'repository', 'repositories')}</span>
          </h2>
          <ul className="cards">
            {w.repositories.map((r) => (
              <li key={r.fullName} className="card">
                <h3>{r.name}</h3>
                <p className="small">
                  {r.fullName} · {r.isPrivate ? 'Private' : 'Public'}
                  {r.mainBranch ? ` · main branch: ${r.mainBranch}` : ''}
                </p>
                <BranchList repository={r} />
                <p className="actions">
                  <a className="button-link" href={routeHref('folders', { add: r.fullName })}>
                    Sync a folder with {r.fullName}
                  </a>
                  <a href={r.link} target="_blank" rel="noopener noreferrer">
                    Open on Bitbucket
                  </a>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  )
}

/** The Repositories screen. */
export function RepositoriesScreen() {
  const { repositories } = usePailState()
  const snapshot = useRepositories()
  return (
    <Screen title="Repositories" intro="The repositories you can save files to.">
      <LiveGate snapshot={snapshot} what="your repositories" onRetry={() => void repositories.reload()}>
        {(workspaces) => <RepositoryList workspaces={workspaces} />}
      </LiveGate>
    </Screen>
  )
}
