/**
 * Keeps the tray in step with the core: reads the views once, follows the core's events, builds
 * the menu (tray-menu-model.ts) and hands it to a `TrayView` — Electron's Tray in the desktop app
 * (main/electron/tray/tray-controller.ts), a fake in tests — and runs what a chosen item asks for
 * (tray-commands.ts) through the core's handlers or the shell's callbacks.
 */
import type { ChannelName } from '../../../shared/ipc/contract.js'
import type { UserError } from '../../../shared/result.js'
import { dispatch } from '../app/dispatch.js'
import type { PailCore } from '../app/pail-core.js'
import { silentLogger, type Logger } from '../log/logger.js'
import { LatestThrottle } from './latest-throttle.js'
import { clickCommand, trayCommands, type TrayCommand } from './tray-commands.js'
import type { TrayIconState } from './tray-icon.js'
import { trayMenuModel, type TrayMenu, type TrayMenuItem } from './tray-menu-model.js'
import { timeFormatter, trayStateFrom, withHistoryEntry, type TrayState, type TrayViews } from './tray-state.js'

/** Mullvad's figure: faster swaps than this are lost on some desktops (style-anchors.md §6). */
export const ICON_THROTTLE_MS = 200
/** How many history entries the tray keeps to pick the recent uploads from. */
const HISTORY_KEPT = 20

/** Where the tray is shown. `setIcon` is called before anything else, and then throttled. */
export interface TrayView {
  setIcon(state: TrayIconState): void
  /** The menu changed: show this one (Linux needs the whole menu set again). */
  setMenu(menu: TrayMenu, choose: (item: TrayMenuItem) => void): void
  setTooltip(tooltip: string): void
}

/** What only the shell can do. */
export interface TrayShell {
  openWindow(): void
  openUpload(): void
  openLink(url: string): Promise<unknown>
  quit(): void
  /** An item's request failed. Default: logged, and the window opened, which shows the state in full. */
  onActionFailed?(error: UserError): void
}

export interface TrayPresenterOptions {
  core: Pick<PailCore, 'handlers' | 'events'>
  view: TrayView
  shell: TrayShell
  platform: NodeJS.Platform
  logger?: Logger
  now?: () => number
  formatTime?: TrayState['formatTime']
  iconThrottleMs?: number
}

/** The running presenter. */
export interface TrayPresenter {
  /** A plain click on the icon (what it does depends on the platform). */
  click(): void
  /** Stops following the core; nothing is applied after. */
  dispose(): void
}

type LatestViews = Omit<TrayViews, 'now' | 'formatTime'>

/** Reads the views the tray needs; one that cannot be read starts empty (the next push fills it). */
async function loadViews(core: TrayPresenterOptions['core'], logger: Logger): Promise<LatestViews> {
  const read = async <T>(channel: ChannelName, input: unknown, fallback: T): Promise<T> => {
    const result = await dispatch(core.handlers, channel, input, logger)
    if (result.ok) return result.value as T
    logger.warn('tray.view-unreadable', { channel, error: result.error.message })
    return fallback
  }
  const [auth, folders, history, settings] = await Promise.all([
    read<TrayViews['auth']>('auth:get-state', undefined, { status: 'signed-out', reason: null }),
    read<TrayViews['folders']>('folders:list', undefined, []),
    read<TrayViews['history']>('history:list', { limit: HISTORY_KEPT }, []),
    read<TrayViews['settings']>('settings:get', undefined, { pausedAll: false }),
  ])
  return { auth, folders, history, settings }
}

/** Shows the tray and keeps it in step with the core's events until disposed. */
export async function startTrayPresenter(options: TrayPresenterOptions): Promise<TrayPresenter> {
  const { core, view, shell } = options
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  const formatTime = options.formatTime ?? timeFormatter()
  const onActionFailed =
    shell.onActionFailed?.bind(shell) ??
    ((error: UserError) => {
      logger.warn('tray.action-failed', { code: error.code, error: error.message })
      shell.openWindow()
    })

  let isDisposed = false
  // Events that arrive while the first reads are under way win over their (older) answers.
  const pushed: Partial<LatestViews> = {}
  let views: LatestViews | null = null
  const update = (change: Partial<LatestViews>): void => {
    if (isDisposed) return
    if (views) {
      Object.assign(views, change)
      refresh()
    } else Object.assign(pushed, change)
  }
  const stops = [
    core.events.on('auth:changed', (auth) => update({ auth })),
    core.events.on('folders:changed', (folders) => update({ folders })),
    core.events.on('settings:changed', (settings) => update({ settings })),
    core.events.on('history:changed', (entry) =>
      update({ history: withHistoryEntry(views?.history ?? pushed.history ?? [], entry, HISTORY_KEPT) }),
    ),
  ]
  const loaded = await loadViews(core, logger)
  if (pushed.history) pushed.history = loaded.history.reduce((list, e) => withHistoryEntry(list, e), pushed.history)
  views = { ...loaded, ...pushed }

  const stateNow = (): TrayState => trayStateFrom({ ...views!, now: now(), formatTime })

  const execute = async (command: TrayCommand): Promise<void> => {
    if (command.kind === 'request') {
      const result = await dispatch(core.handlers, command.channel, command.input, logger)
      if (!result.ok) onActionFailed(result.error)
    } else if (command.kind === 'open-window') shell.openWindow()
    else if (command.kind === 'open-upload') shell.openUpload()
    else if (command.kind === 'open-link') await shell.openLink(command.url)
    else shell.quit()
  }
  const runAll = (commands: TrayCommand[], what: string): void => {
    for (const command of commands)
      execute(command).catch((error: unknown) =>
        logger.error('tray.command-failed', { action: what, error: (error as Error).message }),
      )
  }
  // macOS ignores `enabled` on a tray menu's top-level items (docs/api/tray.md): a disabled item does nothing here.
  const choose = (item: TrayMenuItem): void => {
    if (!isDisposed && item.enabled) runAll(trayCommands(item, stateNow(), now()), String(item.action))
  }

  const icon = new LatestThrottle<TrayIconState>(
    (state) => view.setIcon(state),
    options.iconThrottleMs ?? ICON_THROTTLE_MS,
  )
  let appliedItems = ''
  let appliedTooltip: string | null = null
  function refresh(): void {
    if (isDisposed) return
    const menu = trayMenuModel(stateNow())
    icon.push(menu.icon)
    const items = JSON.stringify(menu.items)
    if (items !== appliedItems) view.setMenu(menu, choose)
    appliedItems = items
    if (menu.tooltip !== appliedTooltip) view.setTooltip(menu.tooltip)
    appliedTooltip = menu.tooltip
  }
  refresh()

  return {
    click() {
      const command = clickCommand(options.platform)
      if (command && !isDisposed) runAll([command], 'click')
    },
    dispose() {
      isDisposed = true
      for (const stop of stops) stop()
      icon.dispose()
    },
  }
}
