/**
 * What choosing a tray item does, as data: requests to the core's handlers (the contract's
 * channels, so the tray and the window ask the core the same things) or things only the shell
 * can do (open the window or the upload screen, open a link, quit).
 */
import type { ChannelName, InputOf } from '../../../shared/ipc/contract.js'
import type { TrayMenuItem } from './tray-menu-model.js'
import type { TrayState } from './tray-state.js'

/** "Pause for 1 hour". */
export const PAUSE_HOUR_MS = 60 * 60 * 1000

/** A request to one of the core's handlers, typed by its channel. */
export type TrayRequest = { [K in ChannelName]: { kind: 'request'; channel: K; input: InputOf<K> } }[ChannelName]

/** What the shell does for an item. */
export type TrayCommand =
  | TrayRequest
  | { kind: 'open-window' }
  | { kind: 'open-upload' }
  | { kind: 'open-link'; url: string }
  | { kind: 'quit' }

function request<K extends ChannelName>(channel: K, input: InputOf<K>): TrayCommand {
  return { kind: 'request', channel, input } as TrayCommand
}

/**
 * The commands for `item`, chosen at `now`. "Sync now" asks for a pass of every folder that is
 * not paused (a paused one stays paused). An item with nothing to do (a heading) answers none.
 */
export function trayCommands(item: TrayMenuItem, state: Pick<TrayState, 'folders'>, now: number): TrayCommand[] {
  switch (item.action) {
    case 'sync-now':
      return state.folders.filter((f) => f.paused === null).map((f) => request('folders:sync-now', { pairId: f.id }))
    case 'pause-hour':
      return [request('settings:pause-all', { until: now + PAUSE_HOUR_MS })]
    case 'pause-until-resumed':
      return [request('settings:pause-all', { until: null })]
    case 'resume':
      return [request('settings:resume-all', undefined)]
    case 'sign-in':
      return [request('auth:sign-in', undefined)]
    case 'cancel-sign-in':
      return [request('auth:cancel-sign-in', undefined)]
    case 'sign-out':
      return [request('auth:sign-out', undefined)]
    case 'upload':
      return [{ kind: 'open-upload' }]
    case 'open-window':
      return [{ kind: 'open-window' }]
    case 'open-commit':
      return item.link ? [{ kind: 'open-link', url: item.link }] : []
    case 'quit':
      return [{ kind: 'quit' }]
    case null:
      return []
  }
}

/**
 * What a plain click on the icon does, beside showing the menu: on Windows, where a left click
 * opening the app is the convention, it opens the window; on macOS and Linux a click shows the
 * menu (macOS emits no click once a menu is set; Linux's AppIndicator shows the menu itself).
 */
export function clickCommand(platform: NodeJS.Platform): TrayCommand | null {
  return platform === 'win32' ? { kind: 'open-window' } : null
}
