/**
 * The typed contract between the renderer and the main process. The preload (Electron IPC) and
 * the browser client of `pail serve` (HTTP) both implement `RendererApi`; a renamed channel fails
 * the type check in every place that uses it.
 */
import type { Result } from '../result.js'

/** Facts about the running Pail, shown in the window's footer and `pail --version`. */
export interface AppInfo {
  name: string
  version: string
  /** 'electron' in the desktop app, 'headless' under `pail serve`. */
  shell: 'electron' | 'headless'
}

/** Renderer → main requests; main answers each with a Result. Channels are `area:verb-noun`. */
export interface InvokeChannels {
  'app:get-info': () => AppInfo
}

/** Main → renderer pushes. Channels are `area:past-participle`. */
export type EventChannels = Record<never, never>

/** What the renderer sees as `window.pail`: named methods only (Electron security checklist #20). */
export interface RendererApi {
  getAppInfo(): Promise<Result<AppInfo>>
}

export const invokeChannelNames = ['app:get-info'] as const satisfies readonly (keyof InvokeChannels)[]
