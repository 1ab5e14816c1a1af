/**
 * The on-disk format of a pair's index (index-store.ts): the schemas of the snapshot (format 1,
 * and format 2 with a journal beside it) and of a journal line, the fast check of the many
 * entries, and the error for an index that cannot be used.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { describeIssue } from '../../store/store-file.js'
import type { IndexEntry, PairIndex } from '../types.js'

/** The index file exists but cannot be used; the message is meant for the person using Pail. */
export class IndexCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(
      `Pail's record of what it last synced for this folder is damaged, so Pail has stopped syncing the folder rather than guess what changed. Your files are untouched. (${file}: ${detail})`,
    )
  }
}

// A key becomes a repository path under the pair's prefix; one with "..", an empty segment or a
// leading slash could name (and delete) a path outside that prefix, so it is refused on load.
const NOT_RELATIVE = /^\/|\/$|\/\/|\0|(?:^|\/)\.\.?(?:\/|$)/
function isRelativePath(p: string): boolean {
  return p !== '' && !NOT_RELATIVE.test(p)
}
const relativePath = z.string().refine(isRelativePath, 'is not a relative path inside the folder')
const sha1 = /^[0-9a-f]{40}$/
const commitHash = z.string().regex(sha1, 'is not a commit hash').nullable()

export const indexEntrySchema = z
  .object({
    size: z.number().int().nonnegative(),
    mtimeMs: z.number(),
    sha: z.string().regex(sha1, 'is not a git SHA-1'),
    mode: z.enum(['file', 'executable', 'link']),
  })
  .strict()

/** The index in memory (and in the snapshots of Pail before the journal: format 1). */
const indexSchema = z
  .object({
    version: z.literal(1),
    base: commitHash,
    branch: z.string().min(1),
    files: z.record(relativePath, indexEntrySchema),
  })
  .strict()

/** The format of snapshots with a journal beside them; an older Pail refuses it rather than miss the journal. */
export const FORMAT = 2
const generation = z.string().regex(/^[0-9a-f]{16}$/, 'is not a generation')
const snapshotSchema = z
  .object({
    version: z.literal(FORMAT),
    generation,
    base: commitHash,
    branch: z.string().min(1),
    files: z.record(relativePath, indexEntrySchema),
  })
  .strict()

export const journalLineSchema = z
  .object({
    generation,
    base: commitHash,
    branch: z.string().min(1),
    set: z.record(relativePath, indexEntrySchema),
    delete: z.array(relativePath),
  })
  .strict()
export type JournalLine = z.infer<typeof journalLineSchema>

const MODES = new Set(['file', 'executable', 'link'])

/**
 * The schema's own check of one entry, without zod's cost (measured: zod took most of loading a
 * 100,000-entry index). Anything it refuses is checked again by zod, whose message is reported.
 */
function isEntry(value: unknown): value is IndexEntry {
  if (typeof value !== 'object' || value === null) return false
  const entry = value as Record<string, unknown>
  let keys = 0
  for (const key in entry) if (Object.hasOwn(entry, key)) keys++
  return (
    keys === 4 &&
    typeof entry.size === 'number' &&
    Number.isInteger(entry.size) &&
    entry.size >= 0 &&
    typeof entry.mtimeMs === 'number' &&
    Number.isFinite(entry.mtimeMs) &&
    typeof entry.sha === 'string' &&
    sha1.test(entry.sha) &&
    typeof entry.mode === 'string' &&
    MODES.has(entry.mode)
  )
}

function allEntries(files: unknown): boolean {
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return false
  const record = files as Record<string, unknown>
  for (const path in record)
    if (Object.hasOwn(record, path) && (!isRelativePath(path) || !isEntry(record[path]))) return false
  return true
}

/**
 * Checks `value` against `schema`: the header by zod, the (many) entries by the fast check, and
 * the whole by zod only when something is wrong, for its message. Returns the value or the problem.
 */
export function check<T>(schema: z.ZodType<T>, value: unknown, entriesKey = 'files'): { ok: T } | { problem: string } {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && entriesKey in value) {
    const header = schema.safeParse({ ...value, [entriesKey]: {} })
    if (header.success && allEntries((value as Record<string, unknown>)[entriesKey])) return { ok: value as T }
  }
  const full = schema.safeParse(value)
  return full.success ? { ok: full.data } : { problem: describeIssue(full.error) }
}

/** The index checked against the schema (a save never writes what a load would refuse). */
export function checked(index: PairIndex): PairIndex {
  const found = check(indexSchema, index)
  if ('problem' in found) throw new Error(`Pail refused to save an index it could not read back: ${found.problem}`)
  return found.ok
}

/** A snapshot of either format; generation null for format 1 (no journal belongs to it). */
export function parseSnapshot(
  file: string,
  text: string,
): { generation: string | null; base: string | null; branch: string; files: Record<string, IndexEntry> } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new IndexCorruptError(file, text.trim() === '' ? 'the file is empty' : 'the file is not valid JSON')
  }
  const version = (json as { version?: unknown } | null)?.version
  // A newer Pail's index is not damage, but this Pail cannot use it: say so rather than guess.
  if (typeof version === 'number' && version > FORMAT)
    throw new IndexCorruptError(file, `it was written by a newer version of Pail (format ${version})`)
  if (version === 1) {
    const found = check(indexSchema, json)
    if ('problem' in found) throw new IndexCorruptError(file, found.problem)
    return { ...found.ok, generation: null }
  }
  const found = check(snapshotSchema, json)
  if ('problem' in found) throw new IndexCorruptError(file, found.problem)
  return found.ok
}

/** A file's text; null when it does not exist. Other errors are damage (e.g. the name is a folder). */
export async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new IndexCorruptError(file, `cannot be read: ${(error as Error).message}`)
  }
}
