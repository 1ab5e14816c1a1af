/**
 * The printed table: one section per benchmark, one row per figure, Pail's value next to each
 * peer's (measured in the same run) and the ratio Pail / peer; the targets each benchmark judges;
 * and the same as JSON (`--json FILE`, shape BenchJson below, documented in README.md).
 */

/** One figure: Pail's value and each peer's; `null` where a peer has no such figure. */
export interface Row {
  label: string
  /** `bytes/s` is a throughput: for it alone a ratio above 1× means Pail is better. */
  unit: 'ms' | 'bytes' | 'count' | 'bytes/s'
  pail: number
  peers: (number | null)[]
}

/** A target from issue #11, judged on this run's figures: printed as held or missed, with the figure. */
export interface Target {
  /** What must hold, e.g. "≤ 3 API requests for the burst". */
  label: string
  held: boolean
  /** The figure it was judged on, e.g. "2 requests" or "0.93× git push". */
  figure: string
}

/** One benchmark's rows, with the names of its peers and notes printed under it. */
export interface Section {
  title: string
  peers: string[]
  rows: Row[]
  notes: string[]
  /** The targets this benchmark judges; empty when it only measures. */
  targets: Target[]
  /** The section's part of the closing one-line summary. */
  summary: string
}

const MiB = 1024 * 1024

/** A value with its unit: `12.3 s`, `85 ms`, `1.02 GiB`, `140 MiB`, `1,000`, `96 MiB/s`. */
export function formatValue(value: number, unit: Row['unit']): string {
  if (unit === 'bytes/s') return `${value / MiB >= 10 ? Math.round(value / MiB) : (value / MiB).toFixed(1)} MiB/s`
  if (unit === 'ms')
    return value >= 10_000
      ? `${(value / 1000).toFixed(1)} s`
      : value >= 1000
        ? `${(value / 1000).toFixed(2)} s`
        : `${Math.round(value)} ms`
  if (unit === 'bytes')
    return value >= 1024 * MiB ? `${(value / (1024 * MiB)).toFixed(2)} GiB` : `${Math.round(value / MiB)} MiB`
  return value.toLocaleString('en-US')
}

/** Pail / peer, or null when there is nothing to divide by. */
export function ratioOf(pail: number, peer: number | null): number | null {
  return peer === null || peer === 0 ? null : pail / peer
}

/** Pail / peer, e.g. `0.12×`; `—` when there is nothing to divide by. */
export function formatRatio(pail: number, peer: number | null): string {
  const ratio = ratioOf(pail, peer)
  if (ratio === null) return '—'
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(2) : String(Number(ratio.toPrecision(2)))}×`
}

/** A target judged on a figure: `{ label, held, figure }` with the figure in words. */
export function target(label: string, held: boolean, figure: string): Target {
  return { label, held, figure }
}

/** Milliseconds per unit of work, for notes: `0.41 ms/file`. */
export function perItem(ms: number, count: number, item: string): string {
  return `${(ms / count).toFixed(ms / count >= 10 ? 0 : 2)} ms/${item}`
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width)
}

/** The section as lines of text: a header, a rule, the rows, then its notes. */
export function renderSection(section: Section): string[] {
  const header = ['', 'Pail', ...section.peers.flatMap((peer) => [peer, 'Pail/peer'])]
  const body = section.rows.map((row) => [
    row.label,
    formatValue(row.pail, row.unit),
    ...row.peers.flatMap((peer) =>
      peer === null ? ['—', '—'] : [formatValue(peer, row.unit), formatRatio(row.pail, peer)],
    ),
  ])
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => cells[i]!.length)))
  const line = (cells: string[]): string =>
    `  ${cells.map((cell, i) => pad(cell, widths[i]!, i > 0)).join('   ')}`.trimEnd()
  return [
    section.title,
    line(header),
    `  ${'-'.repeat(line(header).length - 2)}`,
    ...body.map(line),
    ...section.notes.map((note) => `  · ${note}`),
    ...section.targets.map((t) => `  ${t.held ? 'HELD  ' : 'MISSED'} ${t.label}: ${t.figure}`),
    '',
  ]
}

/** One row in the JSON: each peer by name, with its value and the ratio Pail / peer (null where none). */
export interface RowJson {
  label: string
  unit: Row['unit']
  pail: number
  peers: { peer: string; value: number | null; ratio: number | null }[]
}

/** One benchmark in the JSON; `error` is set (and rows empty) when its result was wrong or it crashed. */
export interface SectionJson {
  /** The benchmark's name in run.ts's list (`burst`, `large-file`, …). */
  name: string
  /** Its size in this run (files, MiB, saves… as the list says) and what that counts. */
  size: number
  sizeUnit: string
  durationMs: number
  title: string | null
  peers: string[]
  rows: RowJson[]
  targets: Target[]
  notes: string[]
  error: string | null
}

/** What `--json FILE` writes (version 1; a change that breaks readers bumps `version`). */
export interface BenchJson {
  format: 'pail-bench'
  version: 1
  /** `quick`: small sizes, only correctness counts; `full`: the sizes of issue #11. */
  mode: 'quick' | 'full'
  startedAt: string
  durationMs: number
  environment: { node: string; git: string; cpus: number; memoryBytes: number; platform: string }
  /** False when any benchmark's result was wrong (the run then exits 1). */
  ok: boolean
  benchmarks: SectionJson[]
  targets: { held: number; missed: number }
}

/** A section as JSON, with each peer's value and ratio named by peer. */
export function sectionJson(
  section: Section,
  run: { name: string; size: number; sizeUnit: string; durationMs: number },
): SectionJson {
  return {
    ...run,
    title: section.title,
    peers: section.peers,
    rows: section.rows.map((row) => ({
      // The table indents a row that is part of the one above; the JSON keeps the words only.
      label: row.label.trim(),
      unit: row.unit,
      pail: row.pail,
      peers: row.peers.map((value, i) => ({
        peer: section.peers[i] ?? `peer ${i + 1}`,
        value,
        ratio: ratioOf(row.pail, value),
      })),
    })),
    targets: section.targets,
    notes: section.notes,
    error: null,
  }
}
