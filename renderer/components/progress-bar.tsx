/**
 * A progress bar with a name and its progress in words ("Saving to Bitbucket: 12 MB of 24 MB"), for
 * screen readers and for the eye. Its width is set through the CSS object model, which the
 * content security policy allows (it forbids style attributes written in markup, not this).
 */
import { useId } from 'react'

/** A named progress bar at `percent`, with `words` saying the same. */
export function ProgressBar({ label, percent, words }: { label: string; percent: number; words: string }) {
  const id = useId()
  const value = Math.max(0, Math.min(100, Math.round(percent)))
  return (
    <div className="progress">
      <div className="progress-label">
        <span id={`${id}-label`}>{label}</span>
        <span aria-hidden="true">{value}%</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value}%. ${words}`}
      >
        <div className="progress-fill" style={{ width: `${value}%` }} />
      </div>
      <p className="small">{words}</p>
    </div>
  )
}
