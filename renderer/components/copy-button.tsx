/**
 * A button that copies a text to the clipboard and says whether it worked; where the clipboard is
 * not allowed, it says to copy the text by hand.
 */
import { useState } from 'react'

/** A button named `label` that copies `text`. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null)
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setOutcome('copied')
    } catch {
      setOutcome('failed')
    }
  }
  return (
    <div className="copy">
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="small">
        {outcome === 'copied' ? 'Copied. Paste them into an email to your admin.' : null}
        {outcome === 'failed' ? 'Could not copy here: select the text above and copy it yourself.' : null}
      </span>
    </div>
  )
}
