/**
 * Scans a folder and builds its change set in a child process, as the unprivileged `nobody` user
 * when the tests run as root (root reads any file, so "unreadable" could not be tested otherwise).
 * Run directly, it prints `{ scan, changeSet }` as JSON for the folder and index given.
 */
import { execFile } from 'node:child_process'
import { chmod } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildChangeSet } from '../../main/core/sync/pass/change-set.js'
import { scanFolder } from '../../main/core/sync/local/scanner.js'
import type { PairIndex } from '../../main/core/sync/types.js'

const SELF = fileURLToPath(import.meta.url)
const NOBODY = 65534

/** What the child reports. */
export interface ChildScan {
  scan: { rootStatus: string; paths: string[]; skipped: { path: string; reason: string; message: string }[] }
  changeSet: { uploads: string[]; deletions: string[]; skipped: { path: string; reason: string }[] }
}

/** Scans `root` against `index` in a child, as `nobody` if this process is root. */
export async function scanAsUser(root: string, index: PairIndex): Promise<ChildScan> {
  const asRoot = process.getuid?.() === 0
  // mkdtemp makes 0700 folders; `nobody` must be able to enter the test folder and its parent.
  if (asRoot) for (const dir of [dirname(root), root]) await chmod(dir, 0o755)
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', SELF, root, JSON.stringify(index)],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
        env: { ...process.env, HOME: '/tmp' },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as ChildScan),
    )
  })
}

async function main(root: string, indexText: string): Promise<void> {
  const index = JSON.parse(indexText) as PairIndex
  const scan = await scanFolder(root)
  const changeSet = await buildChangeSet(scan, index)
  const report: ChildScan = {
    scan: { rootStatus: scan.rootStatus, paths: [...scan.entries.keys()].sort(), skipped: scan.skipped },
    changeSet: {
      uploads: changeSet.uploads.map((u) => u.repoPath),
      deletions: changeSet.deletions,
      skipped: changeSet.skipped.map((s) => ({ path: s.path, reason: s.reason })),
    },
  }
  process.stdout.write(JSON.stringify(report))
}

if (process.argv[1] === SELF) await main(process.argv[2]!, process.argv[3]!)
