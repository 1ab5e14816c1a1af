/**
 * The window's entry point: `window.pail` (the preload's, or the browser client's under
 * `pail serve`), the live state over it, and the App.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.js'
import { createPailState, PailProvider } from './state/pail-context.js'
import { installPail } from './transport/install.js'
import './styles.css'

const { api, connection } = installPail(window)
const state = createPailState(api, connection)

const container = document.querySelector('#root')
if (container) {
  createRoot(container).render(
    <StrictMode>
      <PailProvider state={state}>
        <App />
      </PailProvider>
    </StrictMode>,
  )
}
