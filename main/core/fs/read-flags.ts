/**
 * How Pail opens a file it reads from a synced folder (to hash it or to upload it).
 *
 * O_NOFOLLOW: a file swapped for a link since the folder was listed is refused rather than read
 * through the link, which may point outside the folder (or at Pail's own secrets). O_NONBLOCK: a
 * file swapped for a FIFO cannot hang the read. Both are absent on Windows, where neither applies.
 */
import { constants } from 'node:fs'

export const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
