/**
 * How a large change set is split into several commits: caps per commit (files and bytes), at
 * least one file each however large, deletions with the last batch so a move never deletes
 * before the new copy is stored.
 */

/** Default caps per commit. */
export const MAX_FILES_PER_COMMIT = 2000
export const MAX_BYTES_PER_COMMIT = 1024 ** 3

/** The uploads that fit in one commit under the caps (at least one, however large). */
export function takeBatch<T extends { size: number }>(
  uploads: readonly T[],
  maxFiles: number,
  maxBytes: number,
): { batch: T[]; rest: number } {
  const batch: T[] = []
  let bytes = 0
  for (const upload of uploads) {
    if (batch.length > 0 && (batch.length >= maxFiles || bytes + upload.size > maxBytes)) break
    batch.push(upload)
    bytes += upload.size
  }
  return { batch, rest: uploads.length - batch.length }
}
