/**
 * A moment as people read it ("Today at 14:05", or "5 minutes ago"), with the full date and time
 * for machines and a tooltip.
 */
import { formatDateTime, formatRelative, type TimeStyle } from '../lib/format.js'

/** A `<time>` for `time`: the date and time, or how long ago with `relative`. */
export function When({ time, style, relative = false }: { time: number; style: TimeStyle; relative?: boolean }) {
  const full = formatDateTime(time, style)
  return (
    <time dateTime={new Date(time).toISOString()} title={full}>
      {relative ? formatRelative(time, style.now) : full}
    </time>
  )
}
