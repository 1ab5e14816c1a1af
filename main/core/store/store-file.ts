/**
 * Reading one of Pail's own JSON files and telling apart the three things it can be: missing
 * (never written), usable (parsed and matching its schema), or damaged (cut off by a crash, edited
 * by hand, written as `[]` or `null`, from a newer Pail…). Nothing here decides what to do about
 * damage; each store does (JsonStore, the index store).
 */
import { readFile, rename } from 'node:fs/promises'
import type { z } from 'zod'

export type StoreFileRead<T> = { kind: 'missing' } | { kind: 'ok'; value: T } | { kind: 'damaged'; detail: string }

/** Reads and checks `file` against `schema`. Only a missing file is 'missing'; an unreadable one throws. */
export async function readStoreFile<T>(file: string, schema: z.ZodType<T>): Promise<StoreFileRead<T>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    throw error
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'damaged', detail: text.trim() === '' ? 'the file is empty' : 'the file is not valid JSON' }
  }
  const parsed = schema.safeParse(json)
  if (parsed.success) return { kind: 'ok', value: parsed.data }
  return { kind: 'damaged', detail: describeIssue(parsed.error) }
}

/** The first problem zod found, as "problem at "a.b": message". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!
  // A refused key is reported as "Invalid key in record"; the reason is one level down.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message
  return `problem at "${issue.path.join('.') || '(top)'}": ${message}`
}

/**
 * Moves a damaged file aside as `<file>.damaged-<time>` so nothing reads it again and support can
 * still look at it. Returns the copy's path; null when the file was already gone (another Pail
 * process moved it first).
 */
export async function keepDamagedCopy(file: string, now = new Date()): Promise<string | null> {
  const copy = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`
  try {
    await rename(file, copy)
    return copy
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}
