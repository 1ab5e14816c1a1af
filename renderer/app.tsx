/**
 * The window: before sign-in the sign-in screens; after, a header with the overall state, the
 * navigation (links "Account", "Repositories", "Folders", "History", "Upload", "Settings"), the
 * screen the address names, and a footer with Pail's version. The admin's consumer check
 * (`#/admin-check`) opens signed in or not. Everything follows the pushed state.
 */
import type { AppInfo, AccountView } from '../shared/ipc/views.js'
import { LiveGate } from './components/live-gate.js'
import { overallStatus } from './lib/folder-words.js'
import { routeHref, screenLabels, screens, type Route } from './lib/route.js'
import { AccountScreen } from './screens/account.js'
import { AdminCheckScreen } from './screens/admin-check.js'
import { FoldersScreen } from './screens/folders.js'
import { HistoryScreen } from './screens/history.js'
import { RepositoriesScreen } from './screens/repositories.js'
import { SettingsScreen } from './screens/settings.js'
import { SignInScreen } from './screens/sign-in.js'
import { UploadScreen } from './screens/upload.js'
import { usePailState } from './state/pail-context.js'
import { useAppInfo, useAuth, useConnection, useFolders, useSettings, useTimeStyle } from './state/use-live.js'
import { useRoute } from './state/use-route.js'

/** Says so when the window no longer hears Pail (only under `pail serve`). */
function ConnectionNotice() {
  const connection = useConnection()
  if (connection !== 'lost') return null
  return (
    <p className="message message-error connection" role="alert">
      Pail is not answering, so this page may be out of date. It reconnects by itself; if it does not, check that “pail
      serve” is still running.
    </p>
  )
}

function StatusLine() {
  const folders = useFolders()
  const settings = useSettings()
  const style = useTimeStyle()
  if (folders.status !== 'ready') return null
  return (
    <p className="status-line" role="status">
      {overallStatus(folders.value, settings.status === 'ready' ? settings.value : null, style)}
    </p>
  )
}

function Navigation({ current }: { current: Route['screen'] }) {
  return (
    <nav aria-label="Pail">
      <ul>
        {screens.map((screen) => (
          <li key={screen}>
            <a href={routeHref(screen)} aria-current={current === screen ? 'page' : undefined}>
              {screenLabels[screen]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

function SignedIn({ account }: { account: AccountView }) {
  const route = useRoute()
  const screen = route.screen ?? 'folders'
  return (
    <>
      <header className="top">
        <div className="brand">
          <span className="name">Pail</span>
          <StatusLine />
        </div>
        <Navigation current={screen} />
      </header>
      <main id="main">
        {screen === 'account' ? <AccountScreen account={account} /> : null}
        {screen === 'repositories' ? <RepositoriesScreen /> : null}
        {screen === 'folders' ? <FoldersScreen addRepository={route.params.get('add')} /> : null}
        {screen === 'history' ? <HistoryScreen /> : null}
        {screen === 'upload' ? <UploadScreen /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
        {screen === 'admin-check' ? (
          <AdminCheckScreen back={{ href: routeHref('settings'), label: 'Back to Settings' }} />
        ) : null}
      </main>
    </>
  )
}

function Footer({ info }: { info: AppInfo }) {
  return (
    <footer className="bottom small">
      Pail {info.version}
      {info.shell === 'headless' ? ' · in your browser (pail serve)' : ''}
    </footer>
  )
}

/** The whole window. */
export function App() {
  const { info: liveInfo, auth: liveAuth } = usePailState()
  const info = useAppInfo()
  const auth = useAuth()
  const route = useRoute()
  return (
    <div className="app">
      <ConnectionNotice />
      <LiveGate snapshot={info} what="Pail" onRetry={() => void liveInfo.reload()}>
        {(appInfo) => (
          <>
            <LiveGate snapshot={auth} what="your sign-in" onRetry={() => void liveAuth.reload()}>
              {(state) =>
                state.status === 'signed-in' ? (
                  <SignedIn account={state.account} />
                ) : (
                  <main id="main">
                    {/* The admin's check works signed out too: an admin sets Pail up before anyone signs in. */}
                    {route.screen === 'admin-check' ? (
                      <AdminCheckScreen back={{ href: '#/', label: 'Back to signing in' }} />
                    ) : (
                      <SignInScreen state={state} info={appInfo} />
                    )}
                  </main>
                )
              }
            </LiveGate>
            <Footer info={appInfo} />
          </>
        )}
      </LiveGate>
    </div>
  )
}
