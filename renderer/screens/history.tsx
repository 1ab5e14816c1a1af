/**
 * Every upload attempt, newest first and grouped by day, with a search and filters by folder and
 * outcome. The list is asked for again when the filters change and when a new entry is pushed.
 */
import { useEffect, useId, useState } from 'react'
import type { HistoryOutcome, HistoryView } from '../../shared/ipc/views.js'
import type { UserError } from '../../shared/result.js'
import { ErrorMessage } from '../components/error-message.js'
import { HistoryEntry } from '../components/history-entry.js'
import { Screen } from '../components/screen.js'
import { groupByDay, outcomeChoices } from '../lib/history-words.js'
import { usePailState } from '../state/pail-context.js'
import { useFolders, useTimeStyle } from '../state/use-live.js'

/** How long typing must stop before the search is asked (not a wait for a condition: a debounce). */
const SEARCH_DEBOUNCE_MS = 250
const LIMIT = 200

/** An element id for a day's heading ("3 March" has a space, which an id reference cannot hold). */
const dayId = (key: string): string => `day-${key.replace(/[^A-Za-z0-9]+/g, '-')}`

/** The History screen. */
export function HistoryScreen() {
  const { api } = usePailState()
  const folders = useFolders()
  const style = useTimeStyle()
  const ids = { search: useId(), folder: useId(), outcome: useId() }
  const [query, setQuery] = useState('')
  const [asked, setAsked] = useState('')
  const [pairId, setPairId] = useState('')
  const [outcome, setOutcome] = useState<HistoryOutcome | ''>('')
  const [entries, setEntries] = useState<HistoryView[] | null>(null)
  const [error, setError] = useState<UserError | null>(null)
  const [pushed, setPushed] = useState(0)

  useEffect(() => {
    const timer = window.setTimeout(() => setAsked(query.trim()), SEARCH_DEBOUNCE_MS)
    return () => window.clearTimeout(timer)
  }, [query])

  useEffect(() => api.onHistoryChanged(() => setPushed((n) => n + 1)), [api])

  useEffect(() => {
    let current = true
    void api
      .historyList({
        ...(asked ? { query: asked } : {}),
        ...(pairId ? { pairId } : {}),
        ...(outcome ? { outcome } : {}),
        limit: LIMIT,
      })
      .then((result) => {
        if (!current) return
        if (result.ok) {
          setEntries(result.value)
          setError(null)
        } else setError(result.error)
      })
    return () => {
      current = false
    }
  }, [api, asked, pairId, outcome, pushed])

  const folderList = folders.status === 'ready' ? folders.value : []
  return (
    <Screen title="History" intro="What Pail saved to Bitbucket, and what it could not.">
      <div className="filters">
        <div className="field">
          <label htmlFor={ids.search}>Search history</label>
          <input id={ids.search} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.folder}>Folder</label>
          <select id={ids.folder} value={pairId} onChange={(e) => setPairId(e.target.value)}>
            <option value="">All folders and uploads</option>
            {folderList.map((f) => (
              <option key={f.id} value={f.id}>
                {f.folder}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.outcome}>Outcome</label>
          <select id={ids.outcome} value={outcome} onChange={(e) => setOutcome(e.target.value as HistoryOutcome | '')}>
            <option value="">Any outcome</option>
            {outcomeChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={error} />
      {entries === null && error === null ? <p role="status">Loading history…</p> : null}
      {entries && entries.length === 0 ? (
        <p role="status">
          {asked || pairId || outcome ? 'Nothing in the history matches.' : 'Nothing has been saved to Bitbucket yet.'}
        </p>
      ) : null}
      {entries
        ? groupByDay(entries, style).map((day) => (
            <section key={day.key} aria-labelledby={dayId(day.key)}>
              <h2 id={dayId(day.key)}>{day.heading}</h2>
              <ul className="cards">
                {day.entries.map((entry) => (
                  <HistoryEntry key={entry.id} entry={entry} style={style} />
                ))}
              </ul>
            </section>
          ))
        : null}
    </Screen>
  )
}
