/**
 * The benchmark's table and JSON (report.ts): values with their units, ratios per peer, targets
 * printed HELD or MISSED with their figure, and the JSON naming each peer's value and ratio.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatRatio, formatValue, renderSection, sectionJson, target, type Section } from './report.js'

const MiB = 1024 * 1024

const section: Section = {
  title: '9. Example',
  peers: ['curl -F', 'git push'],
  rows: [
    { label: 'throughput', unit: 'bytes/s', pail: 40 * MiB, peers: [50 * MiB, null] },
    { label: 'wall time', unit: 'ms', pail: 1500, peers: [3000, 0] },
  ],
  notes: ['a note'],
  targets: [target('fast enough', true, '0.80×'), target('small enough', false, '160 MB')],
  summary: 'example',
}

test('values carry their unit; throughput is in MiB/s', () => {
  assert.equal(formatValue(40 * MiB, 'bytes/s'), '40 MiB/s')
  assert.equal(formatValue(2.5 * MiB, 'bytes/s'), '2.5 MiB/s')
  assert.equal(formatValue(1500, 'ms'), '1.50 s')
  assert.equal(formatValue(12_345, 'count'), '12,345')
  assert.equal(formatRatio(1, 4), '0.25×')
  assert.equal(formatRatio(1, 0), '—')
})

test('a section prints its rows, then each target HELD or MISSED with its figure', () => {
  const lines = renderSection(section)
  assert.equal(lines[0], '9. Example')
  assert.match(
    lines.find((l) => l.includes('throughput'))!,
    /40 MiB\/s\s+50 MiB\/s\s+0\.80×\s+—\s+—/,
  )
  assert.ok(lines.includes('  HELD   fast enough: 0.80×'), lines.join('\n'))
  assert.ok(lines.includes('  MISSED small enough: 160 MB'), lines.join('\n'))
})

test('the JSON names each peer with its value and ratio, null where there is none', () => {
  const json = sectionJson(section, { name: 'example', size: 3, sizeUnit: 'files', durationMs: 12 })
  assert.deepEqual(json.rows[0]!.peers, [
    { peer: 'curl -F', value: 50 * MiB, ratio: 0.8 },
    { peer: 'git push', value: null, ratio: null },
  ])
  assert.deepEqual(json.rows[1]!.peers[1], { peer: 'git push', value: 0, ratio: null })
  assert.deepEqual(json.targets, [
    { label: 'fast enough', held: true, figure: '0.80×' },
    { label: 'small enough', held: false, figure: '160 MB' },
  ])
  assert.equal(json.error, null)
  assert.equal(json.name, 'example')
})
