/**
 * React's view of the live values (lib/live-value.ts) and of the clock: a screen re-renders when
 * the value it reads changes, and relative times ("5 minutes ago") move on by themselves.
 */
import { useEffect, useState, useSyncExternalStore } from 'react'
import type { AppInfo, AuthState, FolderView, SettingsView, WorkspaceView } from '../../shared/ipc/views.js'
import type { LiveSnapshot, LiveValue } from '../lib/live-value.js'
import type { TimeStyle } from '../lib/format.js'
import type { ConnectionStatus } from '../transport/connection.js'
import { usePailState } from './pail-context.js'

/** The current snapshot of a live value. */
export function useLive<T>(value: LiveValue<T>): LiveSnapshot<T> {
  return useSyncExternalStore(value.subscribe, value.get)
}

/** Facts about the running Pail. */
export function useAppInfo(): LiveSnapshot<AppInfo> {
  return useLive(usePailState().info)
}

/** The sign-in. */
export function useAuth(): LiveSnapshot<AuthState> {
  return useLive(usePailState().auth)
}

/** The paired folders. */
export function useFolders(): LiveSnapshot<FolderView[]> {
  return useLive(usePailState().folders)
}

/** The settings. */
export function useSettings(): LiveSnapshot<SettingsView> {
  return useLive(usePailState().settings)
}

/** The repositories the account can write to, asked for the first time a screen needs them. */
export function useRepositories(): LiveSnapshot<WorkspaceView[]> {
  const { repositories } = usePailState()
  useEffect(() => {
    // Not stopped on unmount: the list stays for the next screen that shows it.
    repositories.start()
  }, [repositories])
  return useLive(repositories)
}

/** Whether the core's events are heard. */
export function useConnection(): ConnectionStatus {
  const { connection } = usePailState()
  return useSyncExternalStore(connection.subscribe, connection.get)
}

/** The time, moving on every `everyMs`, as the formatting helpers take it (system locale and zone). */
export function useTimeStyle(everyMs = 30_000): TimeStyle {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs)
    return () => window.clearInterval(timer)
  }, [everyMs])
  return { now }
}
