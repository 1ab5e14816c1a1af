/**
 * Benchmark 3b, beside case 3 (cold-warm.ts): a folder of many small files (20,000 by default).
 * Pail scans it, hashes every file against an empty index (a first sync), then scans again
 * against the index it just built (the steady state: nothing to hash). For scale, git on the same
 * folder: `git add -A` (which also compresses and stores every blob) and then `git status`.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildChangeSet } from '../../main/core/sync/pass/change-set.js'
import { emptyIndex } from '../../main/core/sync/local/index-store.js'
import { scanFolder } from '../../main/core/sync/local/scanner.js'
import type { PairIndex } from '../../main/core/sync/types.js'
import { formatValue, perItem, type Section } from './report.js'
import { blobSha, timedGit, timedGitSteps, type BenchContext } from './support.js'

const PER_FOLDER = 100

/** Writes `count` files of 0.5–4 KiB into folders of PER_FOLDER, and returns path → blob sha. */
async function writeTree(root: string, count: number): Promise<Map<string, string>> {
  const expected = new Map<string, string>()
  for (let start = 0; start < count; start += PER_FOLDER) {
    const folder = `d${String(start / PER_FOLDER).padStart(3, '0')}`
    await mkdir(join(root, folder))
    const batch = Array.from({ length: Math.min(PER_FOLDER, count - start) }, (_, i) => {
      const content = randomBytes(512 + Math.floor(Math.random() * 3584))
      const path = `${folder}/f${start + i}.bin`
      expected.set(path, blobSha(content))
      return writeFile(join(root, path), content)
    })
    await Promise.all(batch)
  }
  return expected
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await work()
  return { ms: performance.now() - started, value }
}

/** Runs benchmark 3 with `count` files and returns its section of the table. */
export async function scanBench(ctx: BenchContext, count: number): Promise<Section> {
  const folder = join(ctx.root, 'scan')
  await mkdir(folder)
  try {
    const expected = await writeTree(folder, count)
    // Files are hashed moments after they were written; without racyWindowMs 0 the index would
    // mark them all "racily clean" and the second scan would hash them again, which it would not
    // do for files written minutes before.
    const first = await timed(() => scanFolder(folder))
    if (first.value.entries.size !== count)
      throw new Error(`scan: found ${first.value.entries.size} files, expected ${count}`)
    const hashed = await timed(() => buildChangeSet(first.value, emptyIndex('main'), { racyWindowMs: 0 }))
    if (hashed.value.uploads.length !== count)
      throw new Error(`hash: ${hashed.value.uploads.length} files to upload, expected ${count}`)
    const index: PairIndex = { ...emptyIndex('main'), files: Object.fromEntries(hashed.value.hashed) }
    const wrong = [...expected].filter(([path, sha]) => index.files[path]?.sha !== sha)
    if (wrong.length) throw new Error(`hash: ${wrong.length} files hashed wrong, e.g. ${wrong[0]![0]}`)
    const rescan = await timed(async () => buildChangeSet(await scanFolder(folder), index))
    if (rescan.value.uploads.length || rescan.value.deletions.length || rescan.value.unchanged.size)
      throw new Error('rescan: an unchanged folder produced changes')

    // git on the same folder: the token is not needed, nothing goes over the network.
    const git = { cwd: folder, token: '' }
    await timedGit(['init', '--quiet'], git)
    const add = await timedGitSteps([['add', '-A']], git)
    await timedGit(['commit', '--quiet', '-m', 'scan'], git)
    const status = await timedGit(['status', '--porcelain'], git)
    if (status.stdout.trim() !== '') throw new Error('git status: the folder is not clean after git add -A')
    const n = count.toLocaleString('en-US')
    return {
      title: `3b. Scan and hash alone, in the bench process: ${n} small files (0.5–4 KiB, ${Math.ceil(count / PER_FOLDER)} folders)`,
      peers: ['git'],
      rows: [
        { label: 'full scan (walk + stat)', unit: 'ms', pail: first.ms, peers: [null] },
        { label: 'hash every file', unit: 'ms', pail: hashed.ms, peers: [null] },
        { label: 'scan + hash (git: add -A)', unit: 'ms', pail: first.ms + hashed.ms, peers: [add.ms] },
        { label: 'rescan, nothing changed (git: status)', unit: 'ms', pail: rescan.ms, peers: [status.ms] },
      ],
      targets: [],
      notes: [
        `Pail: scan ${perItem(first.ms, count, 'file')}, hash ${perItem(hashed.ms, count, 'file')}, rescan ${perItem(rescan.ms, count, 'file')}; every sha checked against one computed here.`,
        `git add -A also compresses and writes every blob, so it does more than hashing; git status runs after a commit, as Pail's rescan follows a sync; files are in the page cache for both.`,
      ],
      summary: `${n}-file folder: scan + hash ${formatValue(first.ms + hashed.ms, 'ms')}, rescan ${formatValue(rescan.ms, 'ms')} (git status ${formatValue(status.ms, 'ms')})`,
    }
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
