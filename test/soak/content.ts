/**
 * File contents of the soak schedules, described by a tag and a size so a schedule stays small
 * and readable: the bytes are the tag's line, then text (or bytes) drawn from a stream seeded by
 * the tag. Every write in a schedule has its own tag, so every version is distinguishable.
 */
import { createHash } from 'node:crypto'
import { hashString, Random } from './prng.js'

/** What a write puts in a file. */
export interface ContentSpec {
  /** Unique within the run of one schedule, e.g. "s3.w7". */
  tag: string
  /** Bytes in all (the tag's line is part of them, unless the size is smaller). */
  size: number
  /** Random bytes instead of text. */
  binary?: boolean
}

const WORDS = [
  'pail',
  'folder',
  'sync',
  'report',
  'draft',
  'budget',
  'notes',
  'über',
  'naïve',
  '📎',
  'line',
  'of',
  'text',
]

/** The bytes a ContentSpec stands for. */
export function contentBytes(spec: ContentSpec): Buffer {
  const random = new Random(hashString(spec.tag))
  const head = Buffer.from(`${spec.tag}\n`)
  if (spec.size <= head.length) return head.subarray(0, spec.size)
  const body = Buffer.alloc(spec.size - head.length)
  if (spec.binary) random.fill(body)
  else {
    let offset = 0
    while (offset < body.length) {
      const word = Buffer.from(`${random.pick(WORDS)}${random.chance(0.1) ? '\n' : ' '}`)
      offset += word.copy(body, offset)
    }
  }
  return Buffer.concat([head, body])
}

/** Git's blob id of some bytes: what the repository stores them as. */
export function blobSha(bytes: Buffer | string): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex')
}

/** "1.2 KB" for people reading a schedule. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** A ContentSpec in a schedule listing. */
export function describeContent(spec: ContentSpec): string {
  return `${sizeText(spec.size)}${spec.binary ? ' binary' : ''} «${spec.tag}»`
}
