/**
 * A pair's index file (DESIGN.md §4): what was last synced and the commit it was synced to. It is
 * replaced atomically (temporary file, fsync, rename) and only after a commit landed.
 *
 * A missing file is a pair that never synced. A damaged one is an error, never an empty index:
 * an empty index would make every file look new, and, worse, an index that silently lost entries
 * would stop protecting the paths it no longer lists.
 */
import { z } from 'zod'
import pLimit from 'p-limit'
import { writeFileAtomic } from '../../fs/atomic-write.js'
import { readStoreFile } from '../../store/store-file.js'
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

export const indexEntrySchema = z
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
    files: z.record(relativePath, indexEntrySchema),
  })
  .strict()

// A newer Pail's index is not damage, but this Pail cannot use it: say so rather than guess.
const versionedIndexSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const version = (value as { version?: unknown } | null)?.version
    if (typeof version === 'number' && version > 1)
      ctx.addIssue({ code: 'custom', message: `it was written by a newer version of Pail (format ${version})` })
  })
  .pipe(indexSchema)

/** The index of a pair that has never synced. */
export function emptyIndex(branch: string): PairIndex {
  return { version: 1, base: null, branch, files: {} }
}

/** Reads an index; a missing file is `emptyIndex(branch)`, a damaged one IndexCorruptError. */
export async function loadIndex(file: string, branch: string): Promise<PairIndex> {
  let found
  try {
    found = await readStoreFile(file, versionedIndexSchema)
  } catch (error) {
    throw new IndexCorruptError(file, `cannot be read: ${(error as Error).message}`)
  }
  if (found.kind === 'missing') return emptyIndex(branch)
  if (found.kind === 'damaged') throw new IndexCorruptError(file, found.detail)
  return found.value
}

/** Replaces the index file atomically; entries are written in path order so diffs stay readable. */
export async function saveIndex(file: string, index: PairIndex): Promise<void> {
  const checked = indexSchema.parse(index)
  const files = Object.fromEntries(
    Object.keys(checked.files)
      .sort()
      .map((path) => [path, checked.files[path]!]),
  )
  await writeFileAtomic(file, `${JSON.stringify({ ...checked, files }, null, 2)}\n`)
}

/** One pair's index file, with saves run one at a time and in order. */
export class IndexStore {
  private readonly serial = pLimit(1)

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
    return this.serial(() => saveIndex(this.file, index))
  }
}
