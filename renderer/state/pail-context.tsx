/**
 * The window's live state, made once and shared by every screen: `window.pail`, and the values the
 * core pushes (app info, sign-in, folders, settings) plus the repositories, which are asked for
 * when a screen first needs them. Everything reloads when the event stream opens again.
 */
import { createContext, useContext, useEffect, type ReactNode } from 'react'
import type { RendererApi } from '../../shared/ipc/contract.js'
import type { AppInfo, AuthState, FolderView, SettingsView, WorkspaceView } from '../../shared/ipc/views.js'
import { createLiveValue, type LiveValue } from '../lib/live-value.js'
import type { Connection } from '../transport/connection.js'

/** What every screen can reach. */
export interface PailState {
  api: RendererApi<File>
  connection: Connection
  info: LiveValue<AppInfo>
  auth: LiveValue<AuthState>
  folders: LiveValue<FolderView[]>
  settings: LiveValue<SettingsView>
  /** Loaded when first used (useRepositories), again after each sign-in. */
  repositories: LiveValue<WorkspaceView[]>
}

const PailContext = createContext<PailState | null>(null)

const noEvents = (): (() => void) => () => undefined

/** The live values over `api`; not started (PailProvider starts them). */
export function createPailState(api: RendererApi<File>, connection: Connection): PailState {
  return {
    api,
    connection,
    info: createLiveValue({ load: () => api.appGetInfo(), listen: noEvents }),
    auth: createLiveValue({ load: () => api.authGetState(), listen: (push) => api.onAuthChanged(push) }),
    folders: createLiveValue({ load: () => api.foldersList(), listen: (push) => api.onFoldersChanged(push) }),
    settings: createLiveValue({ load: () => api.settingsGet(), listen: (push) => api.onSettingsChanged(push) }),
    repositories: createLiveValue({ load: () => api.reposList(), listen: noEvents }),
  }
}

/** Starts the live values for the window's lifetime and gives them to the screens below. */
export function PailProvider({ state, children }: { state: PailState; children: ReactNode }) {
  useEffect(() => {
    const stops = [state.info.start(), state.auth.start(), state.folders.start(), state.settings.start()]
    let last = state.connection.get()
    const unwatch = state.connection.subscribe(() => {
      const now = state.connection.get()
      // What was pushed while the stream was down is lost: ask again for all of it.
      if (now === 'open' && last !== 'open') {
        void state.auth.reload()
        void state.folders.reload()
        void state.settings.reload()
      }
      last = now
    })
    let signedIn = false
    const unwatchAuth = state.auth.subscribe(() => {
      const auth = state.auth.get()
      const now = auth.status === 'ready' && auth.value.status === 'signed-in'
      // Another sign-in may see other repositories; a list not asked for yet stays unasked.
      if (now && !signedIn && state.repositories.get().status !== 'loading') void state.repositories.reload()
      signedIn = now
    })
    return () => {
      unwatch()
      unwatchAuth()
      stops.forEach((stop) => stop())
    }
  }, [state])
  return <PailContext value={state}>{children}</PailContext>
}

/** The shared state; only inside PailProvider. */
export function usePailState(): PailState {
  const state = useContext(PailContext)
  if (!state) throw new Error('usePailState is used outside PailProvider')
  return state
}

/** `window.pail`, for actions. */
export function usePail(): RendererApi<File> {
  return usePailState().api
}
