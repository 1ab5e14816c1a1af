/**
 * Git keeps one executable bit per file, the owner's (mode 100755 vs 100644). Windows has no such
 * bit, so there a file is never executable by its mode.
 */

/** Whether a stat `mode` makes a file executable for git. */
export function isExecutableMode(mode: number, platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32' && (mode & 0o100) !== 0
}
