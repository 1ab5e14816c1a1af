import type { RendererApi } from '../shared/ipc/contract.js'

declare global {
  interface Window {
    /** Provided by the preload (desktop) or the browser client (`pail serve`). */
    pail: RendererApi<File>
  }
}
