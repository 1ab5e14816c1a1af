import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import {
  multipartBody,
  multipartContentType,
  multipartLength,
  newBoundary,
  quoteParam,
  UnsafeNameError,
  type Part,
} from '../../../../../main/core/bitbucket/multipart-body.js'
import { boundaryOf, parseMultipart, type PartHead } from '../../../../emulator/api/multipart.js'

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** Parses a body with the emulator's parser (the one that stands for Bitbucket's). */
async function parse(body: Buffer, contentType: string): Promise<{ head: PartHead; body: Buffer }[]> {
  const parts: { head: PartHead; body: Buffer }[] = []
  await parseMultipart(Readable.from([body]), boundaryOf(contentType)!, async (head) => {
    const chunks: Buffer[] = []
    return {
      write: async (chunk) => void chunks.push(chunk),
      end: async () => void parts.push({ head, body: Buffer.concat(chunks) }),
    }
  })
  return parts
}

function file(name: string, content: Buffer, attributes: 'executable' | 'link' | null = null): Part {
  return {
    kind: 'file',
    name,
    filename: name.split('/').at(-1)!,
    attributes,
    size: content.length,
    content: async function* () {
      yield content
    },
  }
}

test('fields, files, attributes and hostile names survive a real multipart parser', async () => {
  const names = ['say "hi"/back\\slash.txt', 'caf\u00e9.txt', 'cafe\u0301.txt', 'a b#c%20+d.txt', 'message', '日本.txt']
  const parts: Part[] = [
    { kind: 'field', name: 'message', value: 'Line one\r\nline two "quoted"' },
    { kind: 'field', name: 'branch', value: 'main' },
    ...names.map((n, i) => file(n, Buffer.from(`content ${i}`))),
    file('run.sh', Buffer.from('#!/bin/sh\n'), 'executable'),
    file('link', Buffer.from('target'), 'link'),
    file('empty', Buffer.alloc(0)),
    { kind: 'field', name: 'files', value: 'gone "old".txt' },
  ]
  const boundary = newBoundary()
  const body = await collect(multipartBody(boundary, parts))
  assert.equal(body.length, multipartLength(boundary, parts))
  const parsed = await parse(body, multipartContentType(boundary))
  assert.equal(parsed.length, parts.length)
  for (const [i, part] of parts.entries()) {
    const { head, body: got } = parsed[i]!
    const params = head.disposition!.params
    assert.equal(params.get('name')?.value, part.name)
    if (part.kind === 'field') {
      assert.equal(params.has('filename'), false)
      assert.equal(got.toString('utf8'), part.value)
    } else {
      // Every file part has a filename: that is what makes `message` a file (§8.1.4).
      assert.equal(params.get('filename')?.value, part.filename)
      assert.equal(head.headers.get('content-type'), 'application/octet-stream')
      assert.deepEqual(
        params.get('x-attributes') ?? null,
        part.attributes ? { value: part.attributes, separator: ':' } : null,
      )
      assert.equal(got.length, part.size)
    }
  }
})

test('quoteParam escapes backslash and quote only, and refuses CR, LF and NUL', () => {
  assert.equal(quoteParam('a"b\\c d%20#é'), '"a\\"b\\\\c d%20#é"')
  for (const bad of ['a\rb', 'a\nb', 'a\0b']) assert.throws(() => quoteParam(bad), UnsafeNameError)
})

test('a file or filename with a line break fails before the first byte', async () => {
  const boundary = newBoundary()
  const parts: Part[] = [
    { kind: 'field', name: 'message', value: 'x' },
    file('evil\r\nContent-Type: text/html', Buffer.from('x')),
  ]
  assert.throws(() => multipartLength(boundary, parts), UnsafeNameError)
  const body = multipartBody(boundary, parts)
  await assert.rejects(
    body.next(),
    (error: unknown) => error instanceof UnsafeNameError && /line break or a NUL/.test(error.message),
  )
})

test('boundaries are fresh and valid (RFC 2046: at most 70 characters)', () => {
  const a = newBoundary()
  assert.notEqual(a, newBoundary())
  assert.ok(a.length <= 70)
  assert.equal(boundaryOf(multipartContentType(a)), a)
})
