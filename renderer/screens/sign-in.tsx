/**
 * The window before anyone is signed in: the first run (sign in with Bitbucket, what the admin
 * must set up, importing a provisioning file), the wait for the browser, and the way back after
 * Bitbucket stopped accepting the sign-in. In the browser (`pail serve`) Bitbucket's page opens in
 * a new tab; in the desktop app the core opens the system browser. Either way the outcome arrives
 * as `auth:changed`, so this screen changes by itself.
 */
import type { AppInfo, AuthState } from '../../shared/ipc/views.js'
import { AdminSetup } from '../components/admin-setup.js'
import { ErrorMessage } from '../components/error-message.js'
import { ProvisioningImport } from '../components/provisioning-import.js'
import { Screen } from '../components/screen.js'
import { routeHref } from '../lib/route.js'
import { usePailState } from '../state/pail-context.js'
import { useAction } from '../state/use-action.js'

type NotSignedIn = Exclude<AuthState, { status: 'signed-in' }>

/** Starts the sign-in; in the browser, opens Bitbucket's page in a new tab. */
function useSignIn(info: AppInfo) {
  const { api, auth } = usePailState()
  return useAction(async () => {
    const result = await api.authSignIn()
    if (result.ok) {
      auth.set(result.value)
      if (info.shell === 'headless' && result.value.status === 'waiting-for-browser')
        window.open(result.value.authorizationUrl, '_blank', 'noopener')
    }
    return result
  })
}

function Waiting({ state, info }: { state: Extract<AuthState, { status: 'waiting-for-browser' }>; info: AppInfo }) {
  const { api, auth } = usePailState()
  const signIn = useSignIn(info)
  const cancel = useAction(async () => {
    const result = await api.authCancelSignIn()
    if (result.ok) auth.set(result.value)
    return result
  })
  return (
    <Screen title="Sign in with Bitbucket">
      <p role="status" className="waiting">
        Waiting for your browser…
      </p>
      <p>
        {info.shell === 'headless'
          ? 'Bitbucket’s sign-in page opened in a new tab. Allow Pail there; this page updates by itself.'
          : 'Bitbucket’s sign-in page opened in your web browser. Allow Pail there, then come back here.'}
      </p>
      <p>
        Nothing opened?{' '}
        <a href={state.authorizationUrl} target="_blank" rel="noopener noreferrer">
          Open Bitbucket’s sign-in page
        </a>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void signIn.run()} disabled={signIn.busy}>
          Try again
        </button>
        <button type="button" className="secondary" onClick={() => void cancel.run()} disabled={cancel.busy}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={signIn.error ?? cancel.error} />
    </Screen>
  )
}

function FirstRun({ reason, info }: { reason: string | null; info: AppInfo }) {
  const signIn = useSignIn(info)
  return (
    <Screen
      title="Welcome to Pail"
      intro="Pail keeps a folder on this computer saved to Bitbucket, and lets you upload files to it."
    >
      {reason ? <p className="message message-info">{reason}</p> : null}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void signIn.run()} disabled={signIn.busy}>
          Sign in with Bitbucket
        </button>
      </div>
      <ErrorMessage error={signIn.error} />
      <details className="panel" open={!info.hasConsumer}>
        <summary>
          {info.hasConsumer ? 'What your Bitbucket admin set up' : 'Before the first sign-in: what your admin sets up'}
        </summary>
        {info.hasConsumer ? null : (
          <p>Pail is not set up for your Bitbucket yet. Send these steps to your Bitbucket admin:</p>
        )}
        <AdminSetup info={info} />
        <p>
          Are you the admin? Once the consumer exists, <a href={routeHref('admin-check')}>check it here</a>, and save
          the provisioning file for staff.
        </p>
      </details>
      <div className="panel">
        <h2>Got a file from your admin?</h2>
        <ProvisioningImport />
      </div>
    </Screen>
  )
}

function Expired({ state, info }: { state: Extract<AuthState, { status: 'expired' }>; info: AppInfo }) {
  const signIn = useSignIn(info)
  return (
    <Screen title="You are signed out">
      <p className="message message-error">{state.reason}</p>
      <p>
        {state.account.displayName} was signed in with {state.account.kindWords}. Your folders wait, nothing is lost:
        sign in again and Pail carries on where it stopped.
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void signIn.run()} disabled={signIn.busy}>
          Sign in
        </button>
      </div>
      <ErrorMessage error={signIn.error} />
    </Screen>
  )
}

/** The screen for a window where nobody is signed in. */
export function SignInScreen({ state, info }: { state: NotSignedIn; info: AppInfo }) {
  switch (state.status) {
    case 'waiting-for-browser':
      return <Waiting state={state} info={info} />
    case 'expired':
      return <Expired state={state} info={info} />
    case 'signed-out':
      return <FirstRun reason={state.reason} info={info} />
  }
}
