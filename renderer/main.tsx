/**
 * The window's entry point. A placeholder until the screens land: it shows which Pail is running.
 */
import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'

/** Pail's name and version, or the sentence saying why they could not be read. */
function AppInfo(): React.JSX.Element {
  const [text, setText] = useState('')
  useEffect(() => {
    void window.pail.appGetInfo().then((result) => {
      setText(result.ok ? `${result.value.name} ${result.value.version}` : result.error.message)
    })
  }, [])
  return <footer>{text}</footer>
}

const container = document.querySelector('#root')
if (container) {
  createRoot(container).render(
    <StrictMode>
      <main>
        <h1>Pail</h1>
      </main>
      <AppInfo />
    </StrictMode>,
  )
}
