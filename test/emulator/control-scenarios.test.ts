/**
 * The scenario control routes (control-scenarios.ts) and the fault additions they come with
 * (faults.ts): branches created and deleted as a person would on Bitbucket, a download cut off
 * mid-body, a request held until its client dies, faults narrowed to one consumer, skipping
 * requests, matching a pattern, and disarmed one by one; token expiry for one consumer.
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { useEmulator, type RunningEmulator } from './harness.js'
import { SEED } from './seed.js'

interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Whether the whole body arrived (false: the connection was cut). */
  complete: boolean
}

/** A GET that keeps whatever part of the body arrives, and says whether it was all of it. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      const done = (): void =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          complete: res.complete,
        })
      res.on('end', done)
      res.on('aborted', done)
      res.on('error', done)
    })
    req.on('error', reject)
    req.end()
  })
}

/** A private consumer and a client-credentials access token issued to it. */
async function consumerWithToken(emu: RunningEmulator): Promise<{ key: string; token: string }> {
  const { key, secret } = await emu.control<{ key: string; secret: string }>('POST', '/consumers', { isPrivate: true })
  const res = await fetch(`${emu.info.webUrl}/site/oauth2/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  assert.equal(res.status, 200)
  return { key, token: ((await res.json()) as { access_token: string }).access_token }
}

async function controlStatus(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${emu.info.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  await res.arrayBuffer()
  return res.status
}

/** Polls `condition` every 10 ms until it holds or `ms` pass. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

test('scenario control routes and fault additions', async (t) => {
  const emu = await useEmulator(t)
  const repo = emu.server.world.repository(SEED.workspace, SEED.repository)!
  const git = emu.server.git(repo)
  const alice = await consumerWithToken(emu)
  const bob = await consumerWithToken(emu)
  const api = `${emu.info.apiUrl}/2.0/repositories/${SEED.workspace}/${SEED.repository}`
  const branchStatus = async (name: string, token = alice.token): Promise<number> => {
    const res = await fetch(`${api}/refs/branches/${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    await res.arrayBuffer()
    return res.status
  }
  t.beforeEach(() => emu.control('DELETE', '/faults'))

  await t.test('POST /branches creates a branch at the main tip, or at a given commit', async () => {
    const main = (await git.branchTip('main'))!
    assert.deepEqual(await emu.control('POST', '/branches', { repository: SEED.repository, name: 'topic' }), {
      name: 'topic',
      hash: main,
    })
    assert.equal(await branchStatus('topic'), 200, 'the API sees the new branch')
    const moved = await emu.control<{ hash: string }>('POST', '/commit', { files: { 'x.txt': 'x\n' } })
    const made = await emu.control<{ hash: string }>('POST', '/branches', {
      repository: SEED.repository,
      name: 'at-old-tip',
      from: main,
    })
    assert.equal(made.hash, main)
    assert.equal(await git.branchTip('at-old-tip'), main)
    assert.notEqual(moved.hash, main)
  })

  await t.test('POST /branches refuses an existing name, a bad name and an unknown start', async () => {
    assert.equal(await controlStatus(emu, 'POST', '/branches', { repository: SEED.repository, name: 'topic' }), 400)
    assert.equal(await controlStatus(emu, 'POST', '/branches', { repository: SEED.repository, name: 'a..b' }), 400)
    assert.equal(
      await controlStatus(emu, 'POST', '/branches', { repository: SEED.repository, name: 'n', from: 'nowhere' }),
      404,
    )
    assert.equal(await controlStatus(emu, 'POST', '/branches', { repository: 'no-such-repo', name: 'n' }), 404)
    assert.equal(await controlStatus(emu, 'POST', '/branches', '[1]'), 400)
  })

  await t.test('DELETE /branches deletes a branch; the main branch and unknown ones are refused', async () => {
    const tip = await git.branchTip('topic')
    assert.deepEqual(await emu.control('DELETE', '/branches', { repository: SEED.repository, name: 'topic' }), {
      deleted: 'topic',
      hash: tip,
    })
    assert.equal(await branchStatus('topic'), 404, 'the API no longer has it')
    assert.equal(await controlStatus(emu, 'DELETE', '/branches', { repository: SEED.repository, name: 'topic' }), 404)
    assert.equal(await controlStatus(emu, 'DELETE', '/branches', { repository: SEED.repository, name: 'main' }), 400)
    assert.ok(await git.branchTip('main'), 'main is still there')
  })

  await t.test('a cut fault sends the headers with the full length, then stops the body short', async () => {
    const content = 'abcdefghij'.repeat(5000)
    await emu.control('POST', '/commit', { files: { 'big.txt': content } })
    const url = `${api}/src/main/big.txt`
    const auth = { authorization: `Bearer ${alice.token}` }
    await emu.control('POST', '/faults', { kind: 'cut', afterBytes: 1000, path: 'big.txt' })
    const cut = await rawGet(url, auth)
    assert.equal(cut.status, 200)
    assert.equal(cut.headers['content-length'], String(content.length), 'the real length is announced')
    assert.equal(cut.complete, false, 'the body did not complete')
    assert.equal(cut.body.toString(), content.slice(0, 1000), 'exactly the first 1,000 bytes arrived')
    await emu.control('POST', '/faults', { kind: 'cut', afterBytes: 0, path: 'big.txt' })
    const headersOnly = await rawGet(url, auth)
    assert.equal(headersOnly.status, 200)
    assert.equal(headersOnly.body.length, 0)
    assert.equal(headersOnly.complete, false)
    const whole = await rawGet(url, auth)
    assert.equal(whole.complete, true, 'the fault fired once; the next download is whole')
    assert.equal(whole.body.toString(), content)
  })

  await t.test('a hang fault never answers; the request ends when its client goes away', async () => {
    const { id } = await emu.control<{ id: number }>('POST', '/faults', { kind: 'hang', path: '/2.0/user' })
    const abort = new AbortController()
    let settled = false
    const pending = fetch(`${emu.info.apiUrl}/2.0/user`, { signal: abort.signal }).finally(() => (settled = true))
    pending.catch(() => undefined)
    await eventually(() => !emu.server.faults.list().some((f) => f.id === id), 'the request arrived')
    const answered = await Promise.race([
      pending.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 300)),
    ])
    assert.equal(answered, false, 'no answer while the client waits')
    assert.equal(settled, false)
    const before = emu.server.requestLog.length
    abort.abort()
    await assert.rejects(pending)
    await eventually(
      () => emu.server.requestLog.slice(before).some((r) => r.path === '/2.0/user' && r.status === 0),
      'the emulator logged the abandoned request',
    )
  })

  await t.test(
    'a request whose client goes away before the answer ends is logged all the same, with status 0',
    async () => {
      // A delayed answer (any slow answer): the client gives up while the emulator is still working.
      await emu.control('POST', '/faults', { kind: 'delay', ms: 2000, path: '/2.0/user' })
      const before = emu.server.requestLog.length
      const abort = new AbortController()
      const pending = fetch(`${emu.info.apiUrl}/2.0/user`, { signal: abort.signal })
      pending.catch(() => undefined)
      await eventually(() => emu.server.faults.list().length === 0, 'the request arrived')
      abort.abort()
      await assert.rejects(pending)
      await eventually(
        () => emu.server.requestLog.slice(before).some((r) => r.path === '/2.0/user' && r.status === 0),
        'the emulator logged the abandoned request',
      )
    },
  )

  await t.test('a fault narrowed to a consumer hits its callers only, at the API and the token endpoint', async () => {
    await emu.control('POST', '/faults', { kind: 'status', status: 503, consumer: alice.key, count: -1 })
    assert.equal(await branchStatus('main', bob.token), 200, "another consumer's token is served")
    assert.equal(await branchStatus('main', alice.token), 503)
    const token = await fetch(`${emu.info.webUrl}/site/oauth2/access_token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${alice.key}:wrong`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    assert.equal(token.status, 503, "the consumer's own Basic credentials are recognised")
  })

  await t.test('skip lets matching requests through first; pattern matches the path and query', async () => {
    await emu.control('POST', '/faults', { kind: 'status', status: 500, skip: 2, pattern: '/refs/branches/ma[i]n$' })
    assert.equal(await branchStatus('topic-none'), 404, 'a path not matching the pattern is not counted')
    assert.equal(await branchStatus('main'), 200)
    assert.equal(await branchStatus('main'), 200)
    assert.equal(await branchStatus('main'), 500, 'the third matching request suffers it')
    assert.equal(await branchStatus('main'), 200, 'and only that one')
  })

  await t.test('DELETE /faults/{id} disarms one fault and leaves the others', async () => {
    const a = await emu.control<{ id: number }>('POST', '/faults', { kind: 'status', status: 500, path: '/nothing-a' })
    const b = await emu.control<{ id: number }>('POST', '/faults', { kind: 'status', status: 500, path: '/nothing-b' })
    assert.deepEqual(await emu.control('DELETE', `/faults/${a.id}`), { removed: a.id })
    assert.deepEqual(
      emu.server.faults.list().map((f) => f.id),
      [b.id],
    )
    assert.equal(await controlStatus(emu, 'DELETE', `/faults/${a.id}`), 404)
    assert.equal(await controlStatus(emu, 'DELETE', '/faults/abc'), 400)
  })

  await t.test('malformed additions are refused: cut without bytes, a bad pattern, a negative skip', async () => {
    for (const body of [
      { kind: 'cut' },
      { kind: 'cut', afterBytes: -1 },
      { kind: 'status', status: 500, pattern: '(' },
      { kind: 'status', status: 500, skip: -1 },
      { kind: 'hang', consumer: 7 },
    ])
      assert.equal(await controlStatus(emu, 'POST', '/faults', body), 400, JSON.stringify(body))
    assert.deepEqual(emu.server.faults.list(), [])
  })

  await t.test("tokens/expire with a consumer expires that consumer's tokens only", async () => {
    const { expired } = await emu.control<{ expired: number }>('POST', '/tokens/expire', { consumer: alice.key })
    assert.equal(expired, 1)
    assert.equal(await branchStatus('main', alice.token), 401)
    assert.equal(await branchStatus('main', bob.token), 200)
  })
})
