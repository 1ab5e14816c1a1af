/**
 * The window's hardening, as data (Electron's security checklist, style-anchors.md §4): the
 * options every Pail window is created with, the Content-Security-Policy its page carries, and the
 * answers to navigation and permission requests. The Electron shell only applies these
 * (main/electron/window.ts); a test pins each value, and that the CSP here is the one
 * renderer/index.html carries.
 */

/**
 * The webPreferences of every window, the checklist's items spelled out even where Electron 45's
 * default is the same, so a changed default or a careless edit cannot loosen them unseen.
 */
export interface HardenedWebPreferences {
  preload: string
  /** #3: the page's JavaScript and the preload's live in separate worlds. */
  contextIsolation: true
  /** #4: the renderer runs in Chromium's sandbox (also forced app-wide by `app.enableSandbox()`). */
  sandbox: true
  /** #2: no Node.js in the page, its workers or its frames. */
  nodeIntegration: false
  nodeIntegrationInWorker: false
  nodeIntegrationInSubFrames: false
  /** #6: same-origin policy on. */
  webSecurity: true
  /** #1: no http content inside an https page. */
  allowRunningInsecureContent: false
  /** #12: no `<webview>`. */
  webviewTag: false
  /** #9: no experimental Chromium features. */
  experimentalFeatures: false
  /** A file dropped on the window must not replace the page. */
  navigateOnDragDrop: false
  /** A page that opens dialog after dialog gets a "stop" choice. */
  safeDialogs: true
  /** Pail's texts are short and typed rarely; the spellchecker's downloads are not needed. */
  spellcheck: false
}

/** The options of Pail's window. */
export interface WindowOptions {
  width: number
  height: number
  minWidth: number
  minHeight: number
  title: string
  /** Shown once painted (`ready-to-show`), so the person never sees an empty frame. */
  show: false
  webPreferences: HardenedWebPreferences
}

/** The window's options, with `preload` the built preload script. */
export function windowOptions(preload: string): WindowOptions {
  return {
    width: 1000,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    title: 'Pail',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  }
}

/**
 * The window's Content-Security-Policy (#7): only the app's own scripts, styles and fonts, no
 * plugins, no `<base>`, no forms posting anywhere. renderer/index.html carries it as a meta tag
 * (the page is loaded from file:, which has no response headers); a test keeps the two equal.
 */
export const WINDOW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/**
 * Whether the window may navigate to `url` (#13): never. The window is one page whose screens are
 * `#/…` addresses, which do not navigate; links to Bitbucket open in the browser instead.
 */
export function mayNavigate(_url: string): false {
  return false
}

/**
 * Whether a permission the page asks for is granted (#5): none is. Pail needs no camera,
 * microphone, notifications from the page (the main process shows them), geolocation, clipboard
 * reading or anything else Chromium can ask for; Electron would grant them all by default.
 */
export function mayGrantPermission(_permission: string): false {
  return false
}
