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
  /** Its name has a line break (or NUL), which Bitbucket cannot take. */
  | 'bad-name'
  /** Its name is not valid UTF-8, so it cannot be spelled to Bitbucket (or even addressed as text). */
  | 'not-utf8'
  /** It is Pail's own home (settings, sign-in secrets), reached inside the folder: never read. */
  | 'pail-home'

/** Every skip reason, for schemas and for the window. */
export const SKIP_REASONS = [
  'unreadable',
  'link-outside',
  'link-dangling',
  'special',
  'too-large',
  'changing',
  'bad-name',
  'not-utf8',
  'pail-home',
] as const satisfies readonly SkipReason[]

/** Each reason in a few plain words, for lists ("pail status", the window). */
export const SKIP_REASON_LABELS: Readonly<Record<SkipReason, string>> = {
  unreadable: "can't be read",
  'link-outside': 'shortcut to outside the folder',
  'link-dangling': 'broken shortcut',
  special: 'not a regular file',
  'too-large': 'too big',
  changing: 'still changing',
  'bad-name': "name Bitbucket can't take",
  'not-utf8': 'name is not valid text',
  'pail-home': "Pail's own folder",
}

/** A skipped path as stored in a pair's status. */
export const skippedPathSchema = z.object({
  path: z.string(),
  reason: z.enum(SKIP_REASONS),
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

/**
 * A path as it can be shown in a sentence: line breaks and other control characters as visible
 * marks (↵ for a line break, � for the rest), so one odd name cannot break the text around it.
 */
export function displayPath(path: string): string {
  let shown = ''
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i)
    if (code === 0x0d && path.charCodeAt(i + 1) === 0x0a) continue
    shown += code === 0x0a || code === 0x0d ? '↵' : code < 0x20 || code === 0x7f ? '\uFFFD' : path[i]
  }
  return shown
}

function skipMessage(rawPath: string, reason: SkipReason, detail?: string): string {
  const extra = detail ? ` (${detail})` : ''
  const path = displayPath(rawPath)
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
    case 'bad-name':
      return `“${path}” has a line break in its name, which Bitbucket cannot take, so Pail does not upload it. Rename it without the line break and Pail will sync it; the rest of the folder syncs as usual.`
    case 'not-utf8':
      return `The name of “${path}” is not valid text (a program that uses another character set made it), so Pail cannot send it to Bitbucket. Rename it and Pail will sync it; the rest of the folder syncs as usual.`
    case 'pail-home':
      return `“${path}” is Pail's own folder, which holds your sign-in secrets, so Pail never reads or uploads it. Keep it out of synced folders (or add it to .pailignore to hide this message).`
  }
}
