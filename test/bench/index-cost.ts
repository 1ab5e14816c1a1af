/**
 * Case 6 of issue #11: what recording a one-file commit in the index costs (time and bytes
 * written), for indexes of 1,000, 10,000 and 100,000 files (at full size). Pail's store appends
 * what changed to the index's journal (index-store.ts); the peer is what every commit cost before
 * it, and still costs at a compaction: the whole index written anew (IndexStore.compact). Target:
 * O(changed files), not O(folder): the bytes for one file do not grow with the index.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { IndexStore } from '../../main/core/sync/local/index-store.js'
import type { PairIndex } from '../../main/core/sync/types.js'
import { formatValue, target, type Row, type Section } from './report.js'
import type { BenchContext } from './support.js'

const COMMITS = 20
/** Bytes for one file may grow by at most this factor from the smallest index to the largest. */
const MAX_GROWTH = 1.5

/** An index of `count` entries spread over folders of 50, as after a first sync. */
function indexOf(count: number): PairIndex {
  const files: PairIndex['files'] = {}
  for (let i = 0; i < count; i++)
    files[`d${String(Math.floor(i / 50)).padStart(4, '0')}/f${i}.bin`] = {
      size: 512 + (i % 3584),
      mtimeMs: 1764633600000 + i * 1.5,
      sha: (i * 2654435761).toString(16).padStart(40, '0').slice(-40),
      mode: 'file',
    }
  return { version: 1, base: 'c'.repeat(40), branch: 'main', files }
}

/** What a one-file commit does to the index: one entry changed, the base moved. */
function commitOne(index: PairIndex, n: number): void {
  const path = `d0000/f${n % 50}.bin`
  index.files[path] = { size: 100 + n, mtimeMs: 1764640000000 + n, sha: n.toString(16).padStart(40, 'a'), mode: 'file' }
  index.base = n.toString(16).padStart(40, 'b')
}

interface Cost {
  count: number
  /** Median milliseconds and bytes written per one-file commit, journal and full rewrite. */
  journalMs: number
  journalBytes: number
  rewriteMs: number
  rewriteBytes: number
  compactions: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function measure(dir: string, count: number): Promise<Cost> {
  const file = join(dir, `index-${count}.json`)
  const store = new IndexStore(file, 'main')
  await store.compact(indexOf(count))
  // As a pass does: the index is read at its start, then each commit is recorded.
  const index = await new IndexStore(file, 'main').load()
  const journal = new IndexStore(file, 'main')
  await journal.load()
  const times: number[] = []
  const bytes: number[] = []
  let compactions = 0
  for (let n = 1; n <= COMMITS; n++) {
    commitOne(index, n)
    const started = performance.now()
    await journal.save(index)
    times.push(performance.now() - started)
    if (journal.lastSave?.kind === 'snapshot') compactions++
    else bytes.push(journal.lastSave?.bytes ?? 0)
  }
  const reloaded = await new IndexStore(file, 'main').load()
  if (JSON.stringify(reloaded) !== JSON.stringify(index))
    throw new Error(`index of ${count}: a reload differs from what was saved`)
  const rewrites: number[] = []
  const rewriter = new IndexStore(join(dir, `rewrite-${count}.json`), 'main')
  for (let n = 1; n <= 5; n++) {
    commitOne(index, COMMITS + n)
    const started = performance.now()
    await rewriter.compact(index)
    rewrites.push(performance.now() - started)
  }
  return {
    count,
    journalMs: median(times),
    journalBytes: median(bytes),
    rewriteMs: median(rewrites),
    rewriteBytes: rewriter.lastSave?.bytes ?? 0,
    compactions,
  }
}

/** Runs case 6 with indexes of up to `largest` files (1k, 10k, 100k at full size) and returns its section. */
export async function indexCostBench(ctx: BenchContext, largest: number): Promise<Section> {
  const dir = join(ctx.root, 'index-cost')
  await mkdir(dir)
  try {
    const sizes = [largest / 100, largest / 10, largest].map(Math.round).filter((n) => n > 0)
    const costs: Cost[] = []
    for (const count of sizes) costs.push(await measure(dir, count))
    const rows: Row[] = costs.flatMap((c) => {
      const n = c.count.toLocaleString('en-US')
      return [
        { label: `${n}-file index: ms per one-file commit`, unit: 'ms', pail: c.journalMs, peers: [c.rewriteMs] },
        { label: `${n}-file index: bytes written`, unit: 'count', pail: c.journalBytes, peers: [c.rewriteBytes] },
      ] satisfies Row[]
    })
    const first = costs[0]!
    const last = costs.at(-1)!
    const growth = last.journalBytes / first.journalBytes
    const figures = costs.map((c) => `${c.journalBytes} B at ${c.count.toLocaleString('en-US')}`).join(', ')
    return {
      title: `6. Index cost: recording a one-file commit (median of ${COMMITS})`,
      peers: ['whole index'],
      rows: rows.map((row) => (row.unit === 'ms' ? { ...row, pail: Number(row.pail.toFixed(2)) } : row)),
      targets: [
        target(
          'one-file commit costs O(changed files), not O(folder)',
          growth <= MAX_GROWTH,
          `${figures} entries (×${growth.toFixed(2)} for ×${(last.count / first.count).toFixed(0)} the files)`,
        ),
      ],
      notes: [
        `Pail appends one fsynced journal line per commit; the journal is compacted into a new snapshot once past a quarter of it (${costs.map((c) => `${c.compactions} of ${COMMITS} commits at ${c.count.toLocaleString('en-US')}`).join(', ')}).`,
        'whole index: the same commit written as a new snapshot (temporary file, fsync, rename), as every commit did before the journal.',
        `A save still compares the whole index in memory with what is on disk to find what changed: that part grows with the folder (${formatValue(last.journalMs, 'ms')} at ${last.count.toLocaleString('en-US')}, fsync included).`,
      ],
      summary: `index cost, one-file commit: ${figures} entries (whole index: ${last.rewriteBytes.toLocaleString('en-US')} B)`,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
