/**
 * The relative path of a file the browser stages for upload, from the URL it was PUT to: each part
 * URL-decoded and checked, so that whatever is sent the file lands inside its staging folder and
 * can become a path in the repository. Refused: an absolute path or an empty part (`//`), `.` and
 * `..`, an encoded `/` or `\` inside a part, NUL and other control characters, `.git`, a part longer
 * than file systems allow (255 bytes) and a path longer than 4096 characters.
 */
import { hasControlCharacter } from '../../../shared/bitbucket/repo-path.js'

/** A staged path that cannot be used; the message is for people. */
export class StagedPathError extends Error {
  readonly code = 'serve.staged-path'
}

const MAX_SEGMENT_BYTES = 255
const MAX_PATH_LENGTH = 4096

function refuse(shown: string, why: string): never {
  throw new StagedPathError(`Pail cannot take the file “${shown}”: ${why}. Rename it, or upload the files without it.`)
}

/**
 * The '/'-separated relative path that `rawSegments` (the URL's parts after the staging id, still
 * URL-encoded) name; throws StagedPathError when they name no usable place inside the folder.
 */
export function stagedPath(rawSegments: readonly string[]): string {
  const segments: string[] = []
  for (const raw of rawSegments) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      refuse(raw, 'its name is not written correctly in the address')
    }
    segments.push(segment)
  }
  const shown = segments.join('/')
  if (segments.length === 0 || segments.every((s) => s === '')) refuse(shown, 'it has no name')
  if (segments[0] === '') refuse(shown, 'the path must be relative, inside the upload')
  if (shown.length > MAX_PATH_LENGTH) refuse(shown.slice(0, 80), 'its path is too long')
  for (const segment of segments) {
    if (segment === '') refuse(shown, 'its path has an empty part')
    if (segment === '.' || segment === '..') refuse(shown, 'its path may not contain “.” or “..”')
    if (/[/\\]/.test(segment)) refuse(shown, 'a name in its path holds a slash or a backslash')
    if (hasControlCharacter(segment)) refuse(shown, 'its path holds a control character')
    if (segment.toLowerCase() === '.git') refuse(shown, 'Bitbucket keeps “.git” for itself')
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) refuse(shown, 'a name in its path is too long')
  }
  return shown
}
