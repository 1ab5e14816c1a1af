/**
 * The tray in the desktop app: Electron's `Tray` as the core's `TrayView`
 * (main/core/tray/tray-presenter.ts), which decides the menu, the tooltip, the icon and what
 * every item does. This file only applies them.
 *
 * Electron's tray rules it follows (docs/api/tray.md, style-anchors.md §6): create it after
 * `ready` and keep a reference (or it is garbage-collected); call `setContextMenu` with a new
 * Menu after every change (Linux shows a menu only as it was set); template images on macOS.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron'
import type { PailCore } from '../../core/app/index.js'
import { silentLogger, type Logger } from '../../core/log/logger.js'
import { trayIconFile, type TrayIconState } from '../../core/tray/tray-icon.js'
import type { TrayMenu, TrayMenuItem } from '../../core/tray/tray-menu-model.js'
import { startTrayPresenter, type TrayPresenter, type TrayShell } from '../../core/tray/tray-presenter.js'

/** What the composition root gives the tray. */
export interface TrayOptions extends TrayShell {
  core: Pick<PailCore, 'handlers' | 'events'>
  /** The folder of build/tray's files: `build/tray` unpackaged, the packaged resources' copy otherwise. */
  iconDir: string
  logger?: Logger
}

/** The running tray. */
export interface TrayHandle {
  /** The Electron Tray (for the `_electron.launch` tests); null once disposed. */
  readonly tray: Tray | null
  /** Stops following the core and removes the icon. */
  dispose(): void
}

/** Electron's template for the model's items; choosing one hands it back to the presenter. */
function menuTemplate(menu: TrayMenu, choose: (item: TrayMenuItem) => void): MenuItemConstructorOptions[] {
  return menu.items.map((item): MenuItemConstructorOptions =>
    item.type === 'separator'
      ? { id: item.id, type: 'separator' }
      : { id: item.id, type: 'normal', label: item.label, enabled: item.enabled, click: () => choose(item) },
  )
}

/**
 * Puts Pail in the tray (after `app` is ready and the core is composed) and keeps it in step with
 * the core's events until disposed. Signing in from it needs no window: `auth:sign-in` opens the
 * browser through the core's opener.
 */
export async function startTray(options: TrayOptions): Promise<TrayHandle> {
  const logger = options.logger ?? silentLogger
  const platform = process.platform
  const images = new Map<TrayIconState, NativeImage>()
  const imageOf = (state: TrayIconState): NativeImage => {
    let image = images.get(state)
    if (!image) {
      const file = trayIconFile(options.iconDir, state, platform)
      image = nativeImage.createFromPath(file)
      // An empty image is an invisible tray: a packaging mistake, logged with the file it missed.
      if (image.isEmpty()) logger.warn('tray.icon-missing', { file })
      if (platform === 'darwin') image.setTemplateImage(true)
      images.set(state, image)
    }
    return image
  }

  let tray: Tray | null = null
  const live = (): Tray | null => (tray && !tray.isDestroyed() ? tray : null)
  // Set once the first menu is shown; a click before that does nothing.
  let presenter: TrayPresenter | null = null
  presenter = await startTrayPresenter({
    core: options.core,
    platform,
    logger,
    shell: options,
    view: {
      setIcon(state) {
        const current = live()
        if (current) return current.setImage(imageOf(state))
        tray = new Tray(imageOf(state))
        // Mullvad: listening for double clicks makes single clicks wait (macOS, Windows).
        tray.setIgnoreDoubleClickEvents(true)
        tray.on('click', () => presenter?.click())
      },
      setMenu(menu, choose) {
        live()?.setContextMenu(Menu.buildFromTemplate(menuTemplate(menu, choose)))
      },
      setTooltip(tooltip) {
        live()?.setToolTip(tooltip)
      },
    },
  })

  return {
    get tray() {
      return live()
    },
    dispose() {
      presenter?.dispose()
      live()?.destroy()
      tray = null
    },
  }
}
