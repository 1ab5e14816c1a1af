/**
 * A pair's index file (DESIGN.md §4): what was last synced and the commit it was synced to. It is
 * replaced atomically (temporary file, fsync, rename) and only after a commit landed.
 *
 * A missing file is a pair that never synced. A damaged one is an error, never an empty index:
 * an empty index would make every file look new, and, worse, an index that silently lost entries
 * would stop protecting the paths it no longer lists.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { writeJsonFile } from '../../store/json-file.js'
import type { PairIndex } from '../types.js'

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
const relativePath = z
  .string()
  .refine(
    (p) => p !== '' && !p.includes('\0') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'is not a relative path inside the folder',
  )

const entrySchema = z
  .object({
    size: z.number().int().nonnegative(),
    mtimeMs: z.number(),
    sha: z.string().regex(/^[0-9a-f]{40}$/, 'is not a git SHA-1'),
    mode: z.enum(['file', 'executable', 'link']),
  })
  .strict()

const indexSchema = z
  .object({
    version: z.literal(1),
    base: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'is not a commit hash')
      .nullable(),
    branch: z.string().min(1),
    files: z.record(relativePath, entrySchema),
  })
  .strict()

/** The index of a pair that has never synced. */
export function emptyIndex(branch: string): PairIndex {
  return { version: 1, base: null, branch, files: {} }
}

/** Reads an index; a missing file is `emptyIndex(branch)`, a damaged one IndexCorruptError. */
export async function loadIndex(file: string, branch: string): Promise<PairIndex> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex(branch)
    throw new IndexCorruptError(file, `cannot be read: ${(error as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new IndexCorruptError(file, text.trim() === '' ? 'the file is empty' : 'the file is not valid JSON')
  }
  const version = (json as { version?: unknown } | null)?.version
  if (typeof version === 'number' && version > 1)
    throw new IndexCorruptError(file, `it was written by a newer version of Pail (format ${version})`)
  const parsed = indexSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    // A refused key is reported by zod as "Invalid key in record"; the reason is one level down.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message
    throw new IndexCorruptError(file, `problem at "${issue.path.join('.') || '(top)'}": ${message}`)
  }
  return parsed.data
}

/** Replaces the index file atomically; entries are written in path order so diffs stay readable. */
export async function saveIndex(file: string, index: PairIndex): Promise<void> {
  const checked = indexSchema.parse(index)
  const files = Object.fromEntries(
    Object.keys(checked.files)
      .sort()
      .map((path) => [path, checked.files[path]!]),
  )
  await writeJsonFile(file, { ...checked, files })
}

/** One pair's index file, with saves run one at a time (two saves in one millisecond would share a temporary file name). */
export class IndexStore {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly file: string,
    private readonly branch: string,
  ) {}

  /** The index as last saved (see loadIndex). */
  load(): Promise<PairIndex> {
    return loadIndex(this.file, this.branch)
  }

  /** Saves after any save already under way. */
  save(index: PairIndex): Promise<void> {
    const run = this.queue.then(() => saveIndex(this.file, index))
    this.queue = run.catch(() => undefined)
    return run
  }
}
