import assert from 'node:assert/strict'
import { test } from 'node:test'
import { takeBatch } from '../../../../../../main/core/sync/pass/commit-batches.js'
import { sizeWarning } from '../../../../../../main/core/sync/service/sync-service.js'

test('the repository size warns from 2 GB and says Bitbucket refuses commits at 4 GB', () => {
  assert.equal(sizeWarning(1.9 * 1024 ** 3), null)
  assert.match(sizeWarning(2.5 * 1024 ** 3) ?? '', /uses 2\.5 GB of Bitbucket's 4 GB limit/)
  assert.match(sizeWarning(4 * 1024 ** 3) ?? '', /reached Bitbucket's 4 GB limit .* refuses new commits/)
})

test('batches respect the caps but always take at least one file', () => {
  const files = [{ size: 5 }, { size: 5 }, { size: 5 }]
  assert.deepEqual(takeBatch(files, 2, 100), { batch: files.slice(0, 2), rest: 1 })
  assert.deepEqual(takeBatch(files, 10, 9), { batch: files.slice(0, 1), rest: 2 })
  assert.deepEqual(takeBatch([{ size: 500 }], 10, 9), { batch: [{ size: 500 }], rest: 0 })
})
