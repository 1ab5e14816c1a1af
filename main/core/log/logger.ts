/**
 * Pail's log: one JSON object per line in `<pail home>/logs/pail.log`, rotated at 5 MB (one old
 * file kept). Fields are redacted before they are written: values under secret-sounding keys,
 * Authorization headers and anything shaped like a token never reach the file.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  error(event: string, fields?: Record<string, unknown>): void
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }

const SECRET_KEY = /token|secret|password|authorization|code|verifier|cookie/i
// Bearer/Basic credentials, and long runs of token characters: Bitbucket's tokens run to thousands
// of characters, while commit hashes (40) and paths (split by / and .) stay readable.
const SECRET_TEXT = /\b(Bearer|Basic)\s+\S+|[A-Za-z0-9_\-+=~]{80,}/g

/** A copy of `value` with every secret-looking part replaced by "[redacted]". */
export function redact(value: unknown, key = ''): unknown {
  if (
    SECRET_KEY.test(key) &&
    value !== null &&
    value !== undefined &&
    typeof value !== 'boolean' &&
    typeof value !== 'number'
  )
    return '[redacted]'
  if (typeof value === 'string')
    return value.replace(SECRET_TEXT, (_match, scheme: string | undefined) =>
      scheme ? `${scheme} [redacted]` : '[redacted]',
    )
  if (Array.isArray(value)) return value.map((item) => redact(item))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]))
  return value
}

const MAX_BYTES = 5 * 1024 * 1024

export class FileLogger implements Logger {
  constructor(private readonly file: string) {}

  info(event: string, fields: Record<string, unknown> = {}): void {
    this.write('info', event, fields)
  }

  warn(event: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', event, fields)
  }

  error(event: string, fields: Record<string, unknown> = {}): void {
    this.write('error', event, fields)
  }

  private write(level: string, event: string, fields: Record<string, unknown>): void {
    const line = `${JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields) as Record<string, unknown>) })}\n`
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
      if ((statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES)
        renameSync(this.file, `${this.file}.1`)
      appendFileSync(this.file, line, { mode: 0o600 })
    } catch {
      // A log that cannot be written must not stop Pail from working.
    }
  }
}
