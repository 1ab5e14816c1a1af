import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { promptHidden, takeSecretFlags } from '../../../../main/cli/secret-input.js'

const FLAGS = ['access-token', 'api-token', 'secret']

test('a secret flag followed by nothing or by another option has no value; otherwise the next word is its value', () => {
  assert.deepEqual(takeSecretFlags(['--access-token', '--repo', 'ws/r'], FLAGS), {
    argv: ['--repo', 'ws/r'],
    asked: new Set(['access-token']),
  })
  assert.deepEqual(takeSecretFlags(['--repo', 'ws/r', '--access-token'], FLAGS), {
    argv: ['--repo', 'ws/r'],
    asked: new Set(['access-token']),
  })
  assert.deepEqual(takeSecretFlags(['--access-token', 'T0KEN', '--repo', 'ws/r'], FLAGS), {
    argv: ['--access-token', 'T0KEN', '--repo', 'ws/r'],
    asked: new Set(),
  })
  assert.deepEqual(takeSecretFlags(['--access-token=-odd', '--api-token='], FLAGS), {
    argv: ['--access-token=-odd'],
    asked: new Set(['api-token']),
  })
  assert.deepEqual(takeSecretFlags(['--key', 'k', '--secret', '--', '--secret'], FLAGS), {
    argv: ['--key', 'k', '--', '--secret'],
    asked: new Set(['secret']),
  })
})

test('the terminal prompt does not echo what is typed', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: true })
  const output = Object.assign(new PassThrough(), { isTTY: true })
  let shown = ''
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()))
  const answer = promptHidden('Access token (not shown as you type): ', input, output)
  input.write('s3cret-typed-here\r')
  assert.equal(await answer, 's3cret-typed-here')
  assert.match(shown, /Access token \(not shown as you type\): /)
  assert.ok(!shown.includes('s3cret'), 'the secret never reaches the screen')
})
