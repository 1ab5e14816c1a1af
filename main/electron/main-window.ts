/**
 * Pail's one window: created with the hardened options (main/core/shell/window-policy.ts) when
 * it is first needed, shown and focused when asked for again (a second launch, the tray's "Open
 * Pail", a notification's click, which also picks the screen), and simply closed when the person
 * closes it: Pail stays in the tray, and the next "Open Pail" makes a fresh one. The core's events
 * are forwarded to whichever window lives.
 */
import { BrowserWindow } from 'electron'
import type { AppEvents } from '../core/app/index.js'
import { windowOptions } from '../core/shell/window-policy.js'
import { forwardEvents } from './ipc/index.js'

export interface MainWindowOptions {
  preload: string
  rendererIndex: string
  events: AppEvents
}

export class MainWindow {
  private window: BrowserWindow | null = null

  constructor(private readonly options: MainWindowOptions) {}

  /** Shows the window (making it if needed), on `screen` (`#/folders`) when given. */
  show(screen?: string): void {
    const hash = screen?.replace(/^#/, '')
    const existing = this.window
    if (existing && !existing.isDestroyed()) {
      // A change of the hash only is an in-page navigation: the page keeps its state.
      if (hash) void existing.loadFile(this.options.rendererIndex, { hash })
      if (existing.isMinimized()) existing.restore()
      existing.show()
      existing.focus()
      return
    }
    const window = new BrowserWindow(windowOptions(this.options.preload))
    this.window = window
    forwardEvents(this.options.events, window.webContents)
    window.once('ready-to-show', () => window.show())
    window.on('closed', () => {
      if (this.window === window) this.window = null
    })
    void window.loadFile(this.options.rendererIndex, hash ? { hash } : {})
  }

  /** Whether a window is open now. */
  get isOpen(): boolean {
    return this.window !== null && !this.window.isDestroyed()
  }
}
