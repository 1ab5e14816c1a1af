/**
 * Paths Pail saw but will not sync this time, each with a reason and a message in plain words for
 * the window. A skipped path is never treated as deleted: Bitbucket keeps its last synced version.
 */
import { z } from 'zod'

/** Why a path is not synced. */
export type SkipReason =
  /** Pail may not read it (permissions, a file locked by another program, a disk error). */
  | 'unreadable'
  /** A link whose target lies outside the folder. */
  | 'link-outside'
  /** A link whose target does not exist. */
  | 'link-dangling'
  /** A socket, pipe or device: not a file git can store. */
  | 'special'
  /** Bigger than the per-file limit. */
  | 'too-large'
  /** It changed while Pail was reading it; it will be looked at again. */
  | 'changing'

/** A skipped path as stored in a pair's status. */
export const skippedPathSchema = z.object({
  path: z.string(),
  reason: z.enum(['unreadable', 'link-outside', 'link-dangling', 'special', 'too-large', 'changing']),
  message: z.string(),
})

/** One path not synced, and why. `path` is relative to the folder; it may name a folder. */
export interface SkippedPath {
  path: string
  reason: SkipReason
  message: string
}

/** A skipped path with its standard message. */
export function skippedPath(path: string, reason: SkipReason, detail?: string): SkippedPath {
  return { path, reason, message: skipMessage(path, reason, detail) }
}

/** Bytes as people read them: "1.5 GB", "100 MB", "812 KB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '')
  return `${shown} ${units[unit]}`
}

function skipMessage(path: string, reason: SkipReason, detail?: string): string {
  const extra = detail ? ` (${detail})` : ''
  switch (reason) {
    case 'unreadable':
      return `Pail can't open “${path}”${extra}. It may be open in another program or you may not have permission to read it. Pail will try again; the copy in Bitbucket stays as it is.`
    case 'link-outside':
      return `“${path}” is a shortcut (symbolic link) to something outside the synced folder, so Pail does not upload it.`
    case 'link-dangling':
      return `“${path}” is a shortcut (symbolic link) to something that no longer exists, so Pail does not upload it.`
    case 'special':
      return `“${path}” is not a regular file (it is a system object such as a pipe or device), so Pail does not upload it.`
    case 'too-large':
      return `“${path}” is too big to upload${extra}. Keep it somewhere else, or add it to .pailignore to hide this message.`
    case 'changing':
      return `“${path}” changed while Pail was reading it. Pail will upload it once it stops changing.`
  }
}
