import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createStagingUpload, type RequestLike } from '../../../renderer/transport/staging-upload.js'

const STAGING_ID = '0123456789abcdef0123456789abcdef'

interface Sent {
  method: string
  url: string
  body: unknown
}

/** XMLHttpRequest as the test wants it: progress in `steps` chunks, then `status` with `responseText`. */
function fakeRequests(answer: (url: string) => { status: number; body: string }, steps = 2) {
  const sent: Sent[] = []
  const newRequest = (): RequestLike => {
    let method = ''
    let url = ''
    const progress: ((event: { loaded: number }) => void)[] = []
    const done: Record<string, (() => void)[]> = { load: [], error: [], abort: [] }
    const request = {
      status: 0,
      responseText: '',
      open: (m: string, u: string) => {
        method = m
        url = u
      },
      setRequestHeader: () => undefined,
      upload: { addEventListener: (_type: 'progress', l: (event: { loaded: number }) => void) => progress.push(l) },
      addEventListener: (type: 'load' | 'error' | 'abort', l: () => void) => done[type]!.push(l),
      send: (body: unknown) => {
        sent.push({ method, url, body })
        const size = (body as { size: number }).size
        queueMicrotask(() => {
          for (let i = 1; i <= steps; i++) for (const l of progress) l({ loaded: Math.floor((size * i) / steps) })
          const reply = answer(url)
          if (reply.status === 0) return done.error!.forEach((l) => l())
          request.status = reply.status
          request.responseText = reply.body
          done.load!.forEach((l) => l())
        })
      },
    }
    return request
  }
  return { sent, newRequest }
}

function fakeFetch(created = `{"ok":true,"value":{"stagingId":"${STAGING_ID}"}}`) {
  const calls: { url: string; method: string }[] = []
  const fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET' })
    return { status: 200, text: async () => (init.method === 'POST' ? created : '{"ok":true,"value":null}') }
  }
  return { calls, fetch }
}

const file = (name: string, size: number, webkitRelativePath = '') => ({ name, size, webkitRelativePath })

test('the server makes the staging; each file is PUT to its encoded path, the File itself as the body', async () => {
  const requests = fakeRequests(() => ({ status: 200, body: '{"ok":true,"value":{"path":"x","bytes":1}}' }))
  const http = fakeFetch()
  const upload = createStagingUpload({ newRequest: requests.newRequest, fetch: http.fetch })
  const files = [file('big.bin', 1000), file('Q3 report #1.txt', 10, 'notes/Q3 report #1.txt')]
  const result = await upload(files)
  assert.deepEqual(result, { ok: true, value: { kind: 'staged', stagingId: STAGING_ID } })
  assert.deepEqual(http.calls, [{ url: '/api/staging', method: 'POST' }])
  assert.deepEqual(
    requests.sent.map((s) => [s.method, s.url]),
    [
      ['PUT', `/api/staging/${STAGING_ID}/big.bin`],
      ['PUT', `/api/staging/${STAGING_ID}/notes/Q3%20report%20%231.txt`],
    ],
  )
  assert.equal(requests.sent[0]!.body, files[0])
})

test('progress counts the bytes of all files together and ends at the total', async () => {
  const requests = fakeRequests(() => ({ status: 200, body: '{"ok":true,"value":null}' }), 4)
  const upload = createStagingUpload({ newRequest: requests.newRequest, fetch: fakeFetch().fetch })
  const seen: [number, number][] = []
  await upload([file('a', 400), file('b', 100)], (sent, total) => seen.push([sent, total]))
  assert.deepEqual(seen[0], [0, 500])
  assert.deepEqual(seen.at(-1), [500, 500])
  assert.ok(
    seen.some(([sent]) => sent > 0 && sent < 400),
    'no progress inside the first file',
  )
  assert.ok(
    seen.some(([sent]) => sent > 400 && sent < 500),
    'no progress inside the second file',
  )
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0], 'progress went back')
})

test("a refused file: the server's words come back, and the staging is given up", async () => {
  const refusal = '{"ok":false,"error":{"code":"serve.staging-too-large","message":"That file is too large."}}'
  const requests = fakeRequests((url) =>
    url.endsWith('/b') ? { status: 413, body: refusal } : { status: 200, body: '' },
  )
  const http = fakeFetch()
  const upload = createStagingUpload({ newRequest: requests.newRequest, fetch: http.fetch })
  const result = await upload([file('a', 1), file('b', 2), file('c', 3)])
  assert.deepEqual(result, {
    ok: false,
    error: { code: 'serve.staging-too-large', message: 'That file is too large.' },
  })
  assert.equal(requests.sent.length, 2, 'files after the refused one were sent')
  assert.deepEqual(http.calls.at(-1), { url: `/api/staging/${STAGING_ID}`, method: 'DELETE' })
})

test('a dropped connection says Pail is not answering', async () => {
  const requests = fakeRequests(() => ({ status: 0, body: '' }))
  const upload = createStagingUpload({ newRequest: requests.newRequest, fetch: fakeFetch().fetch })
  const result = await upload([file('a', 1)])
  assert.equal(result.ok ? null : result.error.code, 'serve.unreachable')
})

test('bad picks are refused before anything is sent', async () => {
  const requests = fakeRequests(() => ({ status: 200, body: '' }))
  const http = fakeFetch()
  const upload = createStagingUpload({ newRequest: requests.newRequest, fetch: http.fetch })
  const result = await upload([file('a', 1), file('a', 1)])
  assert.equal(result.ok ? null : result.error.code, 'upload.files-invalid')
  assert.equal(http.calls.length + requests.sent.length, 0)
})

test('a staging answer without an id is an error, not an upload to "undefined"', async () => {
  const requests = fakeRequests(() => ({ status: 200, body: '' }))
  const upload = createStagingUpload({
    newRequest: requests.newRequest,
    fetch: fakeFetch('{"ok":true,"value":{}}').fetch,
  })
  const result = await upload([file('a', 1)])
  assert.equal(result.ok ? null : result.error.code, 'serve.unexpected-answer')
  assert.equal(requests.sent.length, 0)
})
