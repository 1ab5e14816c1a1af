/**
 * "Check a Bitbucket consumer", for the admin who sets Pail up for staff (`pail admin check` and
 * `pail admin provision` in the window): the consumer's key and secret, optionally the default
 * repository and branch; the check's lines with their status, each fix in words; and, once nothing
 * is left to fix, the provisioning file to save and hand to staff. Reached from the first screen's
 * admin set-up and from Settings, signed in or not. The secret stays in this form only.
 */
import { useId, useState, type FormEvent } from 'react'
import type { ConsumerCheckItemView, ConsumerCheckView } from '../../shared/ipc/views.js'
import { ErrorMessage } from '../components/error-message.js'
import { Screen } from '../components/screen.js'
import { saveTextFile } from '../lib/save-file.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'

interface ConsumerFields {
  key: string
  secret: string
  repository: string
  branch: string
}

const empty: ConsumerFields = { key: '', secret: '', repository: '', branch: '' }

/** Each status's mark and badge; the words come from the core. */
const looks: Record<ConsumerCheckItemView['status'], { mark: string; badge: string }> = {
  ok: { mark: '✓', badge: 'badge-ok' },
  fix: { mark: '✗', badge: 'badge-error' },
  unverified: { mark: '?', badge: 'badge-attention' },
  info: { mark: 'i', badge: 'badge-busy' },
}

/** What the contract takes: optional fields left out when empty. */
function request(fields: ConsumerFields) {
  return {
    key: fields.key,
    secret: fields.secret,
    ...(fields.repository.trim() ? { repository: fields.repository } : {}),
    ...(fields.branch.trim() ? { branch: fields.branch } : {}),
  }
}

function CheckLine({ item, view }: { item: ConsumerCheckItemView; view: ConsumerCheckView }) {
  const look = looks[item.status]
  return (
    <li className={`check-item check-${item.status}`}>
      <span className={`badge ${look.badge}`}>
        <span aria-hidden="true">{look.mark}</span> <span>{item.statusWords}</span>
      </span>{' '}
      {item.text}
      {item.id === 'permissions' && view.features ? (
        <ul className="features">
          {view.features.map((feature) => (
            <li key={feature.label}>
              <span className={`badge ${feature.ready ? 'badge-ok' : 'badge-error'}`}>
                {feature.ready ? 'Ready' : 'Not ready'}
              </span>{' '}
              {feature.label}
              {feature.ready ? null : ` — needs ${feature.missing.join(' and ')}`}
            </li>
          ))}
        </ul>
      ) : null}
      {item.fix ? (
        <p className="advice">
          <strong>To fix:</strong> {item.fix}
        </p>
      ) : null}
      {item.byHand ? (
        <p className="advice">
          <strong>By hand:</strong> {item.byHand}
        </p>
      ) : null}
    </li>
  )
}

function CheckResult({ view, fields }: { view: ConsumerCheckView; fields: ConsumerFields }) {
  const { api } = usePailState()
  const [saved, setSaved] = useState<string | null>(null)
  const making = useAction(() => api.adminBuildProvisioning(request(fields)))
  const save = async (): Promise<void> => {
    setSaved(null)
    const file = await making.run()
    if (!file) return
    saveTextFile(file.fileName, file.text)
    setSaved(file.fileName)
  }
  return (
    <section className="panel" aria-labelledby="consumer-check-result">
      <h2 id="consumer-check-result">
        The consumer {view.consumerKey} on {view.webUrl}
      </h2>
      <p className={`message ${view.ready ? 'message-ok' : view.canProvision ? 'message-attention' : 'message-error'}`}>
        {view.summary}
      </p>
      <ul className="features check-list" aria-label="What the check found">
        {view.items.map((item) => (
          <CheckLine key={item.id} item={item} view={view} />
        ))}
      </ul>
      {view.canProvision ? (
        <>
          <h3>The provisioning file for staff</h3>
          <p>
            It holds this consumer, the callback URL checked above
            {fields.repository.trim() ? ' and the default repository' : ''}. Staff import it on Pail’s first screen. It
            holds the consumer’s secret too: hand it only to your staff.
          </p>
          <div className="actions">
            <button type="button" className="primary" disabled={making.busy} onClick={() => void save()}>
              Save the provisioning file
            </button>
            {making.busy ? <span role="status">Checking again and making the file…</span> : null}
            {saved ? (
              <span role="status" className="small">
                Saved as {saved}.
              </span>
            ) : null}
          </div>
          <ErrorMessage error={making.error} />
        </>
      ) : null}
    </section>
  )
}

/** The admin's check of an OAuth consumer; `back` is where "Back" leads. */
export function AdminCheckScreen({ back }: { back: { href: string; label: string } }) {
  const { api } = usePailState()
  const ids = { key: useId(), secret: useId(), repository: useId(), branch: useId() }
  const [fields, setFields] = useState<ConsumerFields>(empty)
  // The result with the fields it was made for: a change to them makes it stale, so it goes.
  const [result, setResult] = useState<{ view: ConsumerCheckView; fields: ConsumerFields } | null>(null)
  const checking = useAction((checked: ConsumerFields) => api.adminCheckConsumer(request(checked)))
  const change = (name: keyof ConsumerFields, value: string): void => {
    setFields((was) => ({ ...was, [name]: value }))
    setResult(null)
  }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setResult(null)
    const checked = fields
    const view = await checking.run(checked)
    if (view) setResult({ view, fields: checked })
  }
  return (
    <Screen
      title="Check a Bitbucket consumer"
      intro="For Bitbucket admins: Pail asks Bitbucket about the OAuth consumer staff sign in with, and says what works and what to fix."
    >
      <p>
        <a href={back.href}>{back.label}</a>
      </p>
      <form className="panel" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={ids.key}>Key</label>
          <input
            id={ids.key}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={fields.key}
            onChange={(e) => change('key', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.secret}>Secret</label>
          <input
            id={ids.secret}
            type="password"
            autoComplete="off"
            value={fields.secret}
            onChange={(e) => change('secret', e.target.value)}
          />
          <p className="small">
            Both are on Bitbucket: Workspace settings → OAuth consumers → click the consumer’s name. Pail keeps neither.
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.repository}>Default repository (optional)</label>
          <input
            id={ids.repository}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="workspace/repository"
            value={fields.repository}
            onChange={(e) => change('repository', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.branch}>Default branch (optional)</label>
          <input
            id={ids.branch}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={fields.branch}
            onChange={(e) => change('branch', e.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={checking.busy}>
            Check
          </button>
          {checking.busy ? <span role="status">Asking Bitbucket…</span> : null}
        </div>
        <ErrorMessage error={checking.error} />
      </form>
      {result ? <CheckResult view={result.view} fields={result.fields} /> : null}
    </Screen>
  )
}
