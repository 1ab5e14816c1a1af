/**
 * Settings: launch at login (desktop only; hidden where it does not apply), notifications, the
 * commit message template, ignore rules per folder, pausing everything, and the way to the admin's
 * check of a Bitbucket consumer.
 */
import { useEffect, useId, useState } from 'react'
import type { FolderView, SettingsView } from '../../shared/ipc/views.js'
import type { Result } from '../../shared/result.js'
import { ErrorMessage } from '../components/error-message.js'
import { IgnoreRules } from '../components/ignore-rules.js'
import { LiveGate } from '../components/live-gate.js'
import { Screen } from '../components/screen.js'
import { formatUntil } from '../lib/format.js'
import { routeHref } from '../lib/route.js'
import { pauseChoices, pauseUntil } from '../lib/pause-choices.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'
import { useFolders, useSettings, useTimeStyle } from '../state/use-live.js'

function SettingsForm({ settings, folders }: { settings: SettingsView; folders: FolderView[] }) {
  const { api, settings: live } = usePailState()
  const style = useTimeStyle()
  const ids = { login: useId(), notify: useId(), template: useId() }
  const [template, setTemplate] = useState(settings.commitMessageTemplate)
  const [templateSaved, setTemplateSaved] = useState(false)
  useEffect(() => setTemplate(settings.commitMessageTemplate), [settings.commitMessageTemplate])
  // Every settings request answers the new settings; they also arrive as `settings:changed`.
  const update = useAction(async (request: () => Promise<Result<SettingsView>>) => {
    const result = await request()
    if (result.ok) live.set(result.value)
    return result
  })
  return (
    <>
      <section className="panel" aria-labelledby="settings-general">
        <h2 id="settings-general">General</h2>
        {settings.launchAtLogin !== null ? (
          <div className="check">
            <input
              id={ids.login}
              type="checkbox"
              checked={settings.launchAtLogin}
              disabled={update.busy}
              onChange={(e) => void update.run(() => api.settingsUpdate({ launchAtLogin: e.target.checked }))}
            />
            <label htmlFor={ids.login}>Start Pail when I log in to this computer</label>
          </div>
        ) : null}
        <div className="check">
          <input
            id={ids.notify}
            type="checkbox"
            checked={settings.notifications}
            disabled={update.busy}
            onChange={(e) => void update.run(() => api.settingsUpdate({ notifications: e.target.checked }))}
          />
          <label htmlFor={ids.notify}>Tell me when something needs my attention (notifications)</label>
        </div>
        <div className="field">
          <label htmlFor={ids.template}>Commit message template</label>
          <input
            id={ids.template}
            type="text"
            value={template}
            onChange={(e) => {
              setTemplate(e.target.value)
              setTemplateSaved(false)
            }}
          />
          <p className="small">The note saved with each version on Bitbucket.</p>
        </div>
        <div className="actions">
          <button
            type="button"
            disabled={update.busy || template === settings.commitMessageTemplate}
            onClick={() =>
              void update
                .run(() => api.settingsUpdate({ commitMessageTemplate: template }))
                .then((value) => {
                  if (value) setTemplateSaved(true)
                })
            }
          >
            Save message template
          </button>
          {templateSaved ? (
            <span role="status" className="small">
              Saved.
            </span>
          ) : null}
        </div>
        <ErrorMessage error={update.error} />
      </section>

      <section className="panel" aria-labelledby="settings-pause">
        <h2 id="settings-pause">Pause everything</h2>
        {settings.pausedAll ? (
          <>
            <p>Every folder is paused {formatUntil(settings.pausedAll.until, style)}. Changes wait; nothing is lost.</p>
            <div className="actions">
              <button
                type="button"
                disabled={update.busy}
                onClick={() => void update.run(() => api.settingsResumeAll())}
              >
                Resume everything
              </button>
            </div>
          </>
        ) : (
          <>
            <p>Stops saving every folder to Bitbucket for a while; changes wait until then.</p>
            <div className="actions">
              {pauseChoices.map(({ choice, phrase }) => (
                <button
                  key={choice}
                  type="button"
                  disabled={update.busy}
                  onClick={() => void update.run(() => api.settingsPauseAll({ until: pauseUntil(choice, Date.now()) }))}
                >
                  Pause everything {phrase}
                </button>
              ))}
            </div>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="settings-ignore">
        <h2 id="settings-ignore">Files to leave out</h2>
        <IgnoreRules folders={folders} />
      </section>

      <section className="panel" aria-labelledby="settings-admin">
        <h2 id="settings-admin">For Bitbucket admins</h2>
        <p>
          Check the OAuth consumer staff sign in with, and save the provisioning file to hand them:{' '}
          <a href={routeHref('admin-check')}>Check a Bitbucket consumer</a>
        </p>
      </section>
    </>
  )
}

/** The Settings screen. */
export function SettingsScreen() {
  const { settings: live } = usePailState()
  const settings = useSettings()
  const folders = useFolders()
  return (
    <Screen title="Settings">
      <LiveGate snapshot={settings} what="your settings" onRetry={() => void live.reload()}>
        {(value) => <SettingsForm settings={value} folders={folders.status === 'ready' ? folders.value : []} />}
      </LiveGate>
    </Screen>
  )
}
