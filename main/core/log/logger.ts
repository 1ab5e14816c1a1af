/**
 * Pail's log: one JSON object per line in `<pail home>/logs/pail.log`, rotated at 5 MB (one old
 * file kept). Fields are redacted before they are written: values under secret-sounding keys,
 * Authorization headers, credentials in URLs and anything shaped like a token never reach the file.
 *
 * Logging never blocks: a call formats its line and queues it; one writer per file appends the
 * queued lines in order, in batches, with asynchronous file operations (Electron's main process
 * must not wait on the disk). `flush()` waits for the lines logged so far.
 */
import { appendFile, mkdir, rename, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import pLimit from 'p-limit'

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  error(event: string, fields?: Record<string, unknown>): void
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }

// Keys are compared in lower case without `_` and `-`: access_token, accessToken and Access-Token
// are one key. A key holding one of these words holds a secret, whatever the rest of its name.
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|verifier|credential|apikey|privatekey/
// A key naming a code (code, errorCode, authCode) is ambiguous: an OAuth authorization code is a
// secret, an error code (ENOENT, ERR_INVALID_URL, commit.stale-parent, invalid_request) is what a
// log is read for. An error code is words in one case of letters, joined by `.`, `-` or `_`. An
// authorization code is random URL-safe text, which mixes cases and digits: for 18 random
// characters the odds of it passing as an error code are below 1 in a million. So a value under a
// code key is kept when it reads as an error code (or is a number, as exit codes and statuses
// are) and redacted otherwise; error codes with digits (E2BIG) are redacted too, on the safe side.
const CODE_KEY = /code/
const ERROR_CODE = /^(?:[a-z]+(?:[._-][a-z]+)*|[A-Z]+(?:[._-][A-Z]+)*)$/
const MAX_ERROR_CODE_LENGTH = 64
// Bearer/Basic credentials, and long runs of token characters: Bitbucket's tokens run to thousands
// of characters, while commit hashes (40) and paths (split by / and .) stay readable.
const SECRET_TEXT = /\b(Bearer|Basic)\s+\S+|[A-Za-z0-9_\-+=~]{80,}/g
// Credentials in a URL's query or fragment, such as the OAuth callback's `?code=…&state=…`.
const SECRET_PARAMETER =
  /([?&#;](?:code|state|access_token|refresh_token|id_token|token|client_secret|code_verifier|password)=)[^&#\s"']+/gi

function isSecretKey(key: string, value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return false
  const name = key.toLowerCase().replace(/[-_]/g, '')
  if (SECRET_KEY.test(name)) return true
  if (!CODE_KEY.test(name)) return false
  return !(typeof value === 'string' && value.length <= MAX_ERROR_CODE_LENGTH && ERROR_CODE.test(value))
}

function redactText(text: string): string {
  return text
    .replace(SECRET_TEXT, (_match, scheme: string | undefined) => (scheme ? `${scheme} [redacted]` : '[redacted]'))
    .replace(SECRET_PARAMETER, '$1[redacted]')
}

/** An error's name and message (not enumerable, so JSON would drop them), its cause and its own fields. */
function errorFields(error: Error): object {
  const cause = error.cause === undefined ? {} : { cause: error.cause }
  return Object.assign({ name: error.name, message: error.message }, cause, error)
}

/**
 * A copy of `value` with every secret-looking part replaced by "[redacted]".
 *
 * Errors keep their name, message and own fields (code, path, cause…); values JSON cannot hold
 * (bigint, a cycle) become text, so that a line can always be written.
 */
export function redact(value: unknown, key = '', seen = new WeakSet<object>()): unknown {
  if (isSecretKey(key, value)) return '[redacted]'
  if (typeof value === 'string') return redactText(value)
  if (typeof value === 'bigint') return value.toString()
  if (!value || typeof value !== 'object') return value
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  const copy = Array.isArray(value)
    ? value.map((item) => redact(item, '', seen))
    : Object.fromEntries(
        Object.entries(value instanceof Error ? errorFields(value) : value).map(([k, v]) => [k, redact(v, k, seen)]),
      )
  seen.delete(value)
  return copy
}

const MAX_BYTES = 5 * 1024 * 1024

/**
 * The one queue of lines for one log file. Every FileLogger on that file in this process shares it,
 * so their lines keep one order and one rotation.
 */
class LogWriter {
  private pending: string[] = []
  private isScheduled = false
  // One batch at a time: a batch starts only when the one before it has been written.
  private readonly queue = pLimit(1)

  constructor(private readonly file: string) {}

  push(line: string): void {
    this.pending.push(line)
    if (this.isScheduled) return
    this.isScheduled = true
    void this.queue(() => this.writePending())
  }

  /** Resolves when every line pushed before the call has been written (or could not be). */
  flush(): Promise<void> {
    return this.queue(() => undefined)
  }

  private async writePending(): Promise<void> {
    // Lines pushed from here on go into the next batch.
    this.isScheduled = false
    const lines = this.pending
    this.pending = []
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 })
      await this.append(lines)
    } catch {
      // A log that cannot be written must not stop Pail from working: this batch is dropped.
    }
  }

  /** Appends `lines`, moving the file to `<file>.1` first whenever it would pass MAX_BYTES. */
  private async append(lines: string[]): Promise<void> {
    let size = (await stat(this.file).catch(() => undefined))?.size ?? 0
    let chunk = ''
    let chunkBytes = 0
    for (const line of lines) {
      const bytes = Buffer.byteLength(line)
      if (size + chunkBytes > 0 && size + chunkBytes + bytes > MAX_BYTES) {
        if (chunk) await appendFile(this.file, chunk, { mode: 0o600 })
        // If the move fails (another process moved the file first, or holds it open on Windows), the
        // file grows past the limit until the next try: better than losing the lines.
        await rename(this.file, `${this.file}.1`).catch(() => undefined)
        size = 0
        chunk = ''
        chunkBytes = 0
      }
      chunk += line
      chunkBytes += bytes
    }
    if (chunk) await appendFile(this.file, chunk, { mode: 0o600 })
  }
}

// One writer per log file this process has logged to, kept for the life of the process (a few
// small objects: Pail logs to one file; tests make one per temporary home).
const writers = new Map<string, LogWriter>()

function writerFor(file: string): LogWriter {
  const path = resolve(file)
  let writer = writers.get(path)
  if (!writer) writers.set(path, (writer = new LogWriter(path)))
  return writer
}

/** Waits until every line logged so far in this process, to any file, has been written. */
export async function flushLogs(): Promise<void> {
  await Promise.all([...writers.values()].map((writer) => writer.flush()))
}

/**
 * Writes Pail's log to `file`; see the top of this module.
 *
 * `info`, `warn` and `error` return at once and never throw. A process that is about to exit calls
 * `flush()` first, or the lines still queued are lost.
 */
export class FileLogger implements Logger {
  private readonly writer: LogWriter

  constructor(file: string) {
    this.writer = writerFor(file)
  }

  info(event: string, fields: Record<string, unknown> = {}): void {
    this.write('info', event, fields)
  }

  warn(event: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', event, fields)
  }

  error(event: string, fields: Record<string, unknown> = {}): void {
    this.write('error', event, fields)
  }

  /** Resolves when every line logged before the call is in the file (or could not be written); never rejects. */
  flush(): Promise<void> {
    return this.writer.flush()
  }

  private write(level: string, event: string, fields: Record<string, unknown>): void {
    const time = new Date().toISOString()
    let line: string
    try {
      line = JSON.stringify({ time, level, event, ...(redact(fields) as Record<string, unknown>) })
    } catch {
      // A field that cannot be turned into JSON (a getter that throws, say) costs its fields, not the line.
      line = JSON.stringify({ time, level, event, fields: '[not loggable]' })
    }
    this.writer.push(`${line}\n`)
  }
}
