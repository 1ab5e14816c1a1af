/**
 * The printed table: one section per benchmark, one row per figure, Pail's value next to each
 * peer's (measured in the same run) and the ratio Pail / peer.
 */

/** One figure: Pail's value and each peer's; `null` where a peer has no such figure. */
export interface Row {
  label: string
  unit: 'ms' | 'bytes' | 'count'
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

/** A value with its unit: `12.3 s`, `85 ms`, `1.02 GiB`, `140 MiB`, `1,000`. */
export function formatValue(value: number, unit: Row['unit']): string {
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

/** Pail / peer, e.g. `0.12×`; `—` when there is nothing to divide by. */
export function formatRatio(pail: number, peer: number | null): string {
  if (peer === null || peer === 0) return '—'
  const ratio = pail / peer
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(2) : String(Number(ratio.toPrecision(2)))}×`
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
    ...section.targets.map((target) => `  ${target.held ? 'HELD  ' : 'MISSED'} ${target.label}: ${target.figure}`),
    '',
  ]
}
