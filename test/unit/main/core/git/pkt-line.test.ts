import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DELIM, FLUSH, parsePktLines, pktLine, PktLineError } from '../../../../../main/core/git/pkt-line.js'

test('packets, flushes and delimiters come apart; a trailing newline is dropped', () => {
  const body = Buffer.concat([pktLine('# service=git-upload-pack'), FLUSH, pktLine('version 2'), DELIM, FLUSH])
  assert.deepEqual(parsePktLines(body), [
    '# service=git-upload-pack',
    { special: 'flush' },
    'version 2',
    { special: 'delim' },
    { special: 'flush' },
  ])
  assert.equal(pktLine('ls-refs').toString(), '000cls-refs\n')
  assert.deepEqual(parsePktLines(Buffer.from('0009x\0cap')), ['x\0cap'], 'a payload without newline is kept whole')
})

test('what is not pkt-lines is refused: an HTML page, a cut-off packet, length 3', () => {
  assert.throws(() => parsePktLines(Buffer.from('<!doctype html>')), PktLineError)
  assert.throws(() => parsePktLines(Buffer.from('0020short')), /cut off/)
  assert.throws(() => parsePktLines(Buffer.from('0003')), PktLineError)
})
