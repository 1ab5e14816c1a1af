/**
 * Sizes, counts and times as the window writes them for people: "24 MB", "3 files",
 * "Today at 14:05", "5 minutes ago". Pure functions; `now`, the locale and the time zone are
 * parameters so the tests can pin them.
 */

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const

/** A size in bytes the way file managers show it: "0 bytes", "1 byte", "812 bytes", "1.5 KB", "24 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size'
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  // One decimal below 10 ("1.5 MB"), none above ("24 MB"); "10.0" would read as more precise than it is.
  const shown = value < 10 ? (Math.round(value * 10) / 10).toString() : Math.round(value).toString()
  return `${shown} ${UNITS[unit]}`
}

/** "1 file", "1,234 files"; `plural` defaults to `singular` + "s". */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? singular : plural}`
}

/** How dates and times are written; the window uses the system's, the tests pin them. */
export interface TimeStyle {
  now: number
  locale?: string
  timeZone?: string
}

function dayKey(time: number, style: TimeStyle): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: style.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(time)
}

/** Whole calendar days from `time` to `now` in the style's time zone: 0 today, 1 yesterday. */
export function daysAgo(time: number, style: TimeStyle): number {
  const parse = (key: string): number => Date.parse(`${key}T00:00:00Z`)
  return Math.round((parse(dayKey(style.now, style)) - parse(dayKey(time, style))) / 86_400_000)
}

function clock(time: number, style: TimeStyle): string {
  return new Intl.DateTimeFormat(style.locale, { timeZone: style.timeZone, hour: '2-digit', minute: '2-digit' }).format(
    time,
  )
}

/** The day alone: "Today", "Yesterday", "Tomorrow", "3 March", "3 March 2023" (another year). */
export function formatDay(time: number, style: TimeStyle): string {
  const days = daysAgo(time, style)
  if (days === 0) return 'Today'
  if (days === 1) return 'Yesterday'
  if (days === -1) return 'Tomorrow'
  const sameYear =
    new Intl.DateTimeFormat('en', { timeZone: style.timeZone, year: 'numeric' }).format(time) ===
    new Intl.DateTimeFormat('en', { timeZone: style.timeZone, year: 'numeric' }).format(style.now)
  return new Intl.DateTimeFormat(style.locale, {
    timeZone: style.timeZone,
    day: 'numeric',
    month: 'long',
    year: sameYear ? undefined : 'numeric',
  }).format(time)
}

/** A moment: "Today at 14:05", "Yesterday at 09:12", "3 March at 10:00". */
export function formatDateTime(time: number, style: TimeStyle): string {
  return `${formatDay(time, style)} at ${clock(time, style)}`
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60],
  ['hour', 60],
  ['day', 24],
  ['week', 7],
  ['month', 4.35],
  ['year', 12],
]

/** How long ago, or how long until: "just now", "5 minutes ago", "in 2 hours", "yesterday". */
export function formatRelative(time: number, now: number): string {
  const seconds = (time - now) / 1000
  if (Math.abs(seconds) < 45) return 'just now'
  let value = seconds / 60
  for (let i = 0; i < STEPS.length; i++) {
    const [unit] = STEPS[i]!
    const next = STEPS[i + 1]
    if (!next || Math.abs(value) < next[1]) return relative.format(Math.round(value), unit)
    value /= next[1]
  }
  return relative.format(Math.round(value), 'year')
}

/** A pause's end: "until you resume", "until 15:30", "until tomorrow at 09:00". */
export function formatUntil(until: number | null, style: TimeStyle): string {
  if (until === null) return 'until you resume'
  if (daysAgo(until, style) === 0) return `until ${clock(until, style)}`
  return `until ${formatDateTime(until, style).replace(/^[A-Z]/, (c) => c.toLowerCase())}`
}
