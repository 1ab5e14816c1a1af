/**
 * Who is signed in and how, what works with this sign-in and what to ask the admin for the rest,
 * when the sign-in was last renewed, and "Sign out". Permission ids are details only.
 */
import type { AccountView } from '../../shared/ipc/views.js'
import { ErrorMessage } from '../components/error-message.js'
import { Screen } from '../components/screen.js'
import { When } from '../components/when.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'
import { useTimeStyle } from '../state/use-live.js'

/** The Account screen of the signed-in `account`. */
export function AccountScreen({ account }: { account: AccountView }) {
  const { api, auth } = usePailState()
  const style = useTimeStyle()
  const signOut = useAction(async () => {
    const result = await api.authSignOut()
    if (result.ok) auth.set(result.value)
    return result
  })
  const missing = account.features.filter((f) => !f.ready)
  return (
    <Screen title="Account">
      <div className="panel">
        <p className="lead">
          Signed in as <strong>{account.displayName}</strong>
          {account.nickname ? <span className="small"> ({account.nickname})</span> : null}
        </p>
        <p>With {account.kindWords}.</p>
        <p>
          Sign-in last renewed:{' '}
          {account.renewedAt === null ? 'not known' : <When time={account.renewedAt} style={style} />}
        </p>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void signOut.run()} disabled={signOut.busy}>
            Sign out
          </button>
        </div>
        <ErrorMessage error={signOut.error} />
      </div>

      <h2>What you can do</h2>
      <p>
        {missing.length === 0
          ? 'Everything Pail does works with this sign-in.'
          : `${missing.length === 1 ? 'One thing does' : `${missing.length} things do`} not work yet: ask your Bitbucket admin for the permission it needs.`}
      </p>
      <ul className="features">
        {account.features.map((feature) => (
          <li key={feature.feature} className={feature.ready ? 'feature-ready' : 'feature-missing'}>
            <span className={`badge ${feature.ready ? 'badge-ok' : 'badge-error'}`}>
              {feature.ready ? 'Ready' : 'Not ready'}
            </span>{' '}
            {feature.label}
            {feature.ready ? null : <p className="advice">{feature.advice}</p>}
          </li>
        ))}
      </ul>

      <h2>Permissions Bitbucket gave Pail</h2>
      <ul>
        {account.permissions.map((permission) => (
          <li key={permission.id}>
            <strong>{permission.label}</strong>: {permission.description}
          </li>
        ))}
      </ul>
      <details>
        <summary>Details</summary>
        <p className="small">
          Scopes: {account.permissions.map((p) => p.id).join(', ') || 'none'}.
          {account.expiresAt !== null ? (
            <>
              {' '}
              The current access key works until <When time={account.expiresAt} style={style} />; Pail renews it by
              itself.
            </>
          ) : null}
        </p>
      </details>
    </Screen>
  )
}
