/**
 * The Electron shell's entry point. Everything is composed once in desktop-app.ts (the core, IPC,
 * the window, the tray, notifications, the lifecycle); behaviour lives in main/core.
 */
import { runDesktopApp } from './desktop-app.js'

runDesktopApp()
