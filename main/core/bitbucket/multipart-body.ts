/**
 * A `multipart/form-data` body for `POST …/src`, produced as a stream (bitbucket-api.md §3).
 *
 * Hand-built rather than undici's FormData because Bitbucket marks executables and links with a
 * non-standard `x-attributes:"executable"` parameter inside the part's Content-Disposition, which
 * FormData cannot express; FormData would also percent-encode `"` in names, where Bitbucket's
 * parser expects backslash escapes. File contents are pulled lazily from their sources, so a body
 * of any size passes through in constant memory, and the exact length is known in advance.
 */
import { randomBytes } from 'node:crypto'
import { isUploadableName } from '../../../shared/bitbucket/names.js'

/** A text field (a meta field such as `message`, or one `files` deletion). */
export interface FieldPart {
  kind: 'field'
  name: string
  value: string
}

/** A file; `content` is called when the part is reached and must yield exactly `size` bytes. */
export interface FilePart {
  kind: 'file'
  name: string
  filename: string
  /** Bitbucket's `x-attributes` value; null for a plain file. */
  attributes: 'executable' | 'link' | null
  size: number
  content: () => AsyncIterable<Uint8Array>
}

/** One part of the body. */
export type Part = FieldPart | FilePart

/** A name that cannot be carried in a part header (CR, LF or NUL would end or corrupt it). */
export class UnsafeNameError extends Error {
  readonly code = 'commit.unsafe-name'

  constructor(readonly value: string) {
    super(
      `Pail cannot upload "${value.replace(/[\r\n\0]/g, '�')}": its name contains a line break or a NUL character, which Bitbucket cannot accept. Rename it.`,
    )
  }
}

const CRLF = Buffer.from('\r\n', 'latin1')

/** A fresh boundary; 144 random bits make a clash with file content practically impossible. */
export function newBoundary(): string {
  return `----PailFormBoundary${randomBytes(18).toString('base64url')}`
}

/** The Content-Type header value for a body with `boundary`. */
export function multipartContentType(boundary: string): string {
  return `multipart/form-data; boundary=${boundary}`
}

/** Throws UnsafeNameError for text that contains CR, LF or NUL. */
export function assertSafeName(value: string): void {
  if (!isUploadableName(value)) throw new UnsafeNameError(value)
}

/**
 * A quoted-string for a header parameter: `\` and `"` escaped with a backslash (what
 * Bitbucket's and the emulator's parsers undo); everything else, Unicode included, kept as is.
 */
export function quoteParam(value: string): string {
  assertSafeName(value)
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** The delimiter line and headers of a part, up to and including the blank line. */
function partHead(boundary: string, part: Part): Buffer {
  let disposition = `form-data; name=${quoteParam(part.name)}`
  const lines = [`--${boundary}`]
  if (part.kind === 'file') {
    // Always a filename: it is what makes a part named `message` or `files` a file (§8.1.4).
    disposition += `; filename=${quoteParam(part.filename)}`
    // The colon form of [SPEC]'s example; the emulator accepts both (§3).
    if (part.attributes) disposition += `; x-attributes:"${part.attributes}"`
    lines.push(`Content-Disposition: ${disposition}`, 'Content-Type: application/octet-stream')
  } else {
    lines.push(`Content-Disposition: ${disposition}`)
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8')
}

function closing(boundary: string): Buffer {
  return Buffer.from(`--${boundary}--\r\n`, 'latin1')
}

/** Checks every name before a byte is sent, so a bad path fails the attempt up front. */
function validate(parts: readonly Part[]): void {
  for (const part of parts) {
    assertSafeName(part.name)
    if (part.kind === 'file') assertSafeName(part.filename)
  }
}

/** The exact length in bytes of the body `multipartBody` produces. */
export function multipartLength(boundary: string, parts: readonly Part[]): number {
  validate(parts)
  let total = closing(boundary).length
  for (const part of parts) {
    const body = part.kind === 'file' ? part.size : Buffer.byteLength(part.value, 'utf8')
    total += partHead(boundary, part).length + body + CRLF.length
  }
  return total
}

/** The body, part after part; file contents are read only when their part is reached. */
export async function* multipartBody(boundary: string, parts: readonly Part[]): AsyncGenerator<Uint8Array> {
  validate(parts)
  for (const part of parts) {
    yield partHead(boundary, part)
    if (part.kind === 'file') yield* part.content()
    else if (part.value !== '') yield Buffer.from(part.value, 'utf8')
    yield CRLF
  }
  yield closing(boundary)
}
