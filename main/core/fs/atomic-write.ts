/**
 * Replacing a file so that a crash leaves the old content or the new, never half of either:
 * the bytes go to a uniquely named temporary file beside the target, are flushed to disk, and
 * the temporary file is renamed over the target; then the folder itself is flushed, so the
 * rename survives a power cut too. A failure at any step removes the temporary file.
 *
 * Hand-written rather than write-file-atomic, which flushes the file but not its folder, so a
 * power cut right after the rename can bring the old file back (or none, on a new file).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export interface AtomicWriteOptions {
  /** Permissions of the new file (default 0600: Pail's files are the user's alone). */
  mode?: number
}

/** The temporary name a write of `file` uses: hidden, unique per call, ending in `.tmp`. */
export function temporaryNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
}

/** Writes `data` to `file` atomically, creating the folder (0700) when it is missing. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const folder = dirname(file)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const temporary = temporaryNameFor(file)
  try {
    // 'wx': a name that exists (it cannot, but a clash must not overwrite another writer's file).
    const handle = await open(temporary, 'wx', options.mode ?? 0o600)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  await syncFolder(folder)
}

/**
 * Appends `data` to `file` and flushes it to disk before returning (a new file's folder entry
 * too). A crash can leave only a prefix of `data` at the end of the file; readers must treat an
 * unfinished last record as not written.
 */
export async function appendFileDurably(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const folder = dirname(file)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const handle = await open(file, 'a', options.mode ?? 0o600)
  let created: boolean
  try {
    created = (await handle.stat()).size === 0
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  if (created) await syncFolder(folder)
}

/** Flushes a folder's entries (a rename, a new or removed file) to disk; Windows cannot open folders and needs none. */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
