/**
 * A modal dialog on the native `<dialog>`: the browser keeps focus inside it and Escape closes it;
 * closing gives focus back to whatever had it before (the button that opened it).
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'

/** A modal dialog named by its title, open while mounted; `onClose` when Escape closes it. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const latestClose = useRef(onClose)
  latestClose.current = onClose
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.showModal()
    const closed = (): void => latestClose.current()
    dialog.addEventListener('close', closed)
    return () => {
      dialog.removeEventListener('close', closed)
      if (dialog.open) dialog.close()
      opener?.focus()
    }
  }, [])
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  )
}
