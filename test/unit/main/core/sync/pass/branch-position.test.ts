import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ApiClient } from '../../../../../../main/core/bitbucket/api-client.js'
import { descendsFrom, MAX_ANCESTRY_WALK } from '../../../../../../main/core/sync/pass/branch-position.js'

const REF = { workspace: 'pail-demo', repository: 'handbook' }
const sha = (n: number): string => n.toString(16).padStart(40, '0')

/** A fake ApiClient answering `GET …/commit/{sha}` from a parents map; counts the requests. */
function history(parents: Record<string, string[]>): { api: ApiClient; asked: () => number } {
  let asked = 0
  const fake = {
    async getJson(url: string) {
      asked++
      const hash = url.split('/').at(-1)!
      return { hash, parents: (parents[hash] ?? []).map((p) => ({ hash: p })) }
    },
  }
  // Only getJson is reached by descendsFrom.
  return { api: fake as unknown as ApiClient, asked: () => asked }
}

test('the last synced commit is found through first and merge parents, one request per new commit', async () => {
  const h = history({ [sha(4)]: [sha(3), sha(9)], [sha(3)]: [sha(2)], [sha(9)]: [sha(1)], [sha(2)]: [sha(1)] })
  assert.equal(await descendsFrom(h.api, REF, sha(4), sha(1)), true)
  assert.ok(h.asked() <= 3)
  const one = history({ [sha(5)]: [sha(1)] })
  assert.equal(await descendsFrom(one.api, REF, sha(5), sha(1)), true)
  assert.equal(one.asked(), 1)
})

test('another line of history, or one longer than the walk, does not descend', async () => {
  const other = history({ [sha(7)]: [sha(6)], [sha(6)]: [] })
  assert.equal(await descendsFrom(other.api, REF, sha(7), sha(1)), false)
  const long = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [sha(i + 2), [sha(i + 1)]]))
  const far = history(long)
  assert.equal(await descendsFrom(far.api, REF, sha(400), sha(1)), false)
  assert.equal(far.asked(), MAX_ANCESTRY_WALK)
})
