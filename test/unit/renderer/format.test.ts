import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  daysAgo,
  formatBytes,
  formatCount,
  formatDateTime,
  formatDay,
  formatRelative,
  formatUntil,
  type TimeStyle,
} from '../../../renderer/lib/format.js'

const NOW = Date.parse('2026-03-03T14:05:00Z')
const style: TimeStyle = { now: NOW, locale: 'en-GB', timeZone: 'UTC' }
const MINUTE = 60_000
const DAY = 86_400_000

test('sizes read like a file manager: bytes below 1 KB, one decimal below 10, none above', () => {
  assert.equal(formatBytes(0), '0 bytes')
  assert.equal(formatBytes(1), '1 byte')
  assert.equal(formatBytes(812), '812 bytes')
  assert.equal(formatBytes(1023), '1023 bytes')
  assert.equal(formatBytes(1024), '1 KB')
  assert.equal(formatBytes(1536), '1.5 KB')
  assert.equal(formatBytes(3072), '3 KB')
  assert.equal(formatBytes(24 * 1024 * 1024), '24 MB')
  assert.equal(formatBytes(57_671_680), '55 MB')
  assert.equal(formatBytes(1024 ** 3), '1 GB')
  assert.equal(formatBytes(5 * 1024 ** 5), '5120 TB')
})

test('a size that is not one says so instead of showing NaN', () => {
  assert.equal(formatBytes(Number.NaN), 'unknown size')
  assert.equal(formatBytes(-1), 'unknown size')
})

test('counts take the singular for one and group thousands', () => {
  assert.equal(formatCount(1, 'file'), '1 file')
  assert.equal(formatCount(0, 'file'), '0 files')
  assert.equal(formatCount(1234, 'file'), '1,234 files')
  assert.equal(formatCount(2, 'repository', 'repositories'), '2 repositories')
})

test('days are today, yesterday, tomorrow, or a date with the year only when it is another', () => {
  assert.equal(formatDay(NOW - 5 * MINUTE, style), 'Today')
  assert.equal(formatDay(NOW - DAY, style), 'Yesterday')
  assert.equal(formatDay(NOW + DAY, style), 'Tomorrow')
  assert.equal(formatDay(Date.parse('2026-01-15T09:00:00Z'), style), '15 January')
  assert.equal(formatDay(Date.parse('2025-12-31T09:00:00Z'), style), '31 December 2025')
})

test('calendar days count in the time zone given, not in 24-hour steps', () => {
  // 23:30 the evening before is yesterday although it is less than 24 hours ago.
  const lateLastNight = Date.parse('2026-03-02T23:30:00Z')
  assert.equal(daysAgo(lateLastNight, style), 1)
  // In Tokyo (UTC+9) both moments are on 3 March.
  assert.equal(daysAgo(lateLastNight, { ...style, timeZone: 'Asia/Tokyo' }), 0)
})

test('a moment is its day and its time', () => {
  assert.equal(formatDateTime(NOW - 5 * MINUTE, style), 'Today at 14:00')
  assert.equal(formatDateTime(Date.parse('2026-01-15T09:00:00Z'), style), '15 January at 09:00')
})

test('relative times: just now, minutes, hours, days, both ways', () => {
  assert.equal(formatRelative(NOW - 10_000, NOW), 'just now')
  assert.equal(formatRelative(NOW - 5 * MINUTE, NOW), '5 minutes ago')
  assert.equal(formatRelative(NOW + 2 * 60 * MINUTE, NOW), 'in 2 hours')
  assert.equal(formatRelative(NOW - DAY, NOW), 'yesterday')
  assert.equal(formatRelative(NOW - 3 * DAY, NOW), '3 days ago')
  assert.equal(formatRelative(NOW - 400 * DAY, NOW), 'last year')
})

test('a pause ends until you resume, at a time today, or on another day', () => {
  assert.equal(formatUntil(null, style), 'until you resume')
  assert.equal(formatUntil(NOW + 60 * MINUTE, style), 'until 15:05')
  assert.equal(formatUntil(Date.parse('2026-03-04T09:00:00Z'), style), 'until tomorrow at 09:00')
})
