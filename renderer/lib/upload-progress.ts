/**
 * One progress bar for a manual upload that moves with the bytes sent. In the browser an upload
 * has two legs — the files go to `pail serve` (staging), then Pail sends them to Bitbucket — so the
 * bar counts the bytes of both legs against both totals; on the desktop only the second leg exists.
 */
import type { UploadProgress } from '../../shared/ipc/views.js'
import { formatBytes } from './format.js'

/** Bytes sent of a total. */
export interface Leg {
  sent: number
  total: number
}

/** Where an upload stands, as the Upload screen tracks it. */
export interface UploadLegs {
  /** Sending the files to `pail serve`; null where there is no such leg (desktop) or before it starts. */
  staging: Leg | null
  /** Pail sending to Bitbucket, from `upload:progressed`; null until the first event. */
  commit: Leg | null
}

/** The bar: a whole percent (0–100), and the same in words for screen readers. */
export interface Bar {
  percent: number
  words: string
}

function clampLeg(leg: Leg | null): Leg {
  if (!leg) return { sent: 0, total: 0 }
  const total = Math.max(0, leg.total)
  return { sent: Math.min(Math.max(0, leg.sent), total), total }
}

/** The bar for where an upload stands; "Sending to Pail" then "Saving to Bitbucket" in words. */
export function uploadBar(legs: UploadLegs): Bar {
  const staging = clampLeg(legs.staging)
  // Until Bitbucket's leg reports a total (none yet, or 0 while the core counts), count it as large
  // as the files picked: a leg of 0 bytes would read as done and fill the bar before anything went.
  const known = legs.commit !== null && legs.commit.total > 0
  const commit = known ? clampLeg(legs.commit) : { sent: 0, total: staging.total }
  const total = staging.total + commit.total
  const sent = staging.sent + commit.sent
  const percent = total === 0 ? 0 : Math.floor((sent / total) * 100)
  const leg = legs.commit ? commit : staging
  const what = legs.commit ? 'Saving to Bitbucket' : 'Sending to Pail'
  return { percent, words: `${what}: ${formatBytes(leg.sent)} of ${formatBytes(leg.total)}` }
}

/** The commit leg from an `upload:progressed` event. */
export function commitLeg(progress: Pick<UploadProgress, 'bytesSent' | 'bytesTotal'>): Leg {
  return { sent: progress.bytesSent, total: progress.bytesTotal }
}

/** The bar to show after `previous`: it never moves back (a leg's total can grow as the core counts). */
export function forward(previous: Bar | null, next: Bar): Bar {
  return previous && previous.percent > next.percent ? { ...next, percent: previous.percent } : next
}
