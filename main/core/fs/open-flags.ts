/**
 * How Pail opens files in a synced folder: never through a link.
 *
 * Reading (to hash a file or to upload it):
 * O_NOFOLLOW: a file swapped for a link since the folder was listed is refused rather than read
 * through the link, which may point outside the folder (or at Pail's own secrets). O_NONBLOCK: a
 * file swapped for a FIFO cannot hang the read. Both are absent on Windows, where neither applies.
 */
import { constants } from 'node:fs'

export const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)

/**
 * Creating a new file (a download's temporary file): O_EXCL | O_NOFOLLOW, so not even a link
 * planted at the new name is followed.
 */
export const CREATE_NEW_NO_FOLLOW =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
