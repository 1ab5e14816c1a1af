/**
 * POST /src with large files: the body streams through the emulator into git (bitbucket-api.md
 * §3 "contents are treated as bytes"), so memory stays flat and the blob is exact.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { request, type IncomingMessage } from 'node:http'
import { test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { freshRepo, g, lsTree } from './src-test-helpers.js'

const CHUNK = 64 * 1024

/** A full garbage collection on demand, without starting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** Streams `head`, then `chunks` random chunks (each transformed by `encode`), then `tail`; hashes the raw bytes as git would. */
async function streamUpload(
  emu: RunningEmulator,
  token: string,
  slug: string,
  contentType: string,
  head: string,
  tail: string,
  chunks: number,
  encode: (raw: Buffer) => Buffer,
): Promise<{ res: IncomingMessage; blobSha: string; size: number }> {
  const size = chunks * CHUNK
  const hash = createHash('sha1').update(`blob ${size}\0`)
  const req = request(`${emu.info.apiUrl}/2.0/repositories/pail-demo/${slug}/src`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
  })
  const response = once(req, 'response') as Promise<[IncomingMessage]>
  req.write(head)
  for (let i = 0; i < chunks; i++) {
    const raw = randomBytes(CHUNK)
    hash.update(raw)
    if (!req.write(encode(raw))) await once(req, 'drain')
  }
  req.end(tail)
  const [res] = await response
  res.resume()
  await once(res, 'end')
  return { res, blobSha: hash.digest('hex'), size }
}

/** Peak `arrayBuffers` growth over a full GC while `work` runs (the emulator runs in this process). */
async function peakBuffersDuring(work: () => Promise<void>): Promise<number> {
  const gc = collector()
  gc()
  const baseline = process.memoryUsage().arrayBuffers
  let peak = baseline
  const sampler = setInterval(() => {
    gc()
    peak = Math.max(peak, process.memoryUsage().arrayBuffers)
  }, 100)
  try {
    await work()
  } finally {
    clearInterval(sampler)
  }
  return peak - baseline
}

test('POST /src streams large files', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken()

  await t.test('a 48 MiB multipart file: exact blob, and the process does not hold it in memory', async () => {
    const dir = await freshRepo(emu, 'large')
    const boundary = `----pail${randomBytes(16).toString('hex')}`
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nBig file\r\n--${boundary}\r\nContent-Disposition: form-data; name="assets/big.bin"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`
    const tail = `\r\n--${boundary}--\r\n`
    // Garbage buffers of a streamed body are only freed at the next GC, so the sampler collects
    // first: what stays is what the process really holds (the emulator runs in this process).
    const gc = collector()
    gc()
    const baseline = process.memoryUsage()
    let peakBuffers = baseline.arrayBuffers
    let peakRss = baseline.rss
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
      gc()
      peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers)
    }, 100)
    let upload: Awaited<ReturnType<typeof streamUpload>>
    try {
      upload = await streamUpload(
        emu,
        token,
        'large',
        `multipart/form-data; boundary=${boundary}`,
        head,
        tail,
        768,
        (raw) => raw,
      )
    } finally {
      clearInterval(sampler)
    }
    assert.equal(upload.res.statusCode, 201)
    const sha = upload.res.headers.location!.split('/').at(-1)!
    const entry = (await lsTree(dir, sha)).get('assets/big.bin')
    assert.deepEqual(entry, { mode: '100644', sha: upload.blobSha })
    assert.equal(await g(dir, 'cat-file', '-s', upload.blobSha), String(upload.size))
    assert.equal(await g(dir, 'log', '-1', '--format=%B', sha), 'Big file')
    // Buffering the file (let alone concatenating it) would hold at least its size. Streaming holds
    // what is in flight between the in-process client and server, which grows on a loaded
    // machine (17 MiB seen under CI), so the bound sits between the two, not at a tuned figure.
    const mib = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`
    const held = peakBuffers - baseline.arrayBuffers
    assert.ok(held < upload.size * 0.75, `${mib(held)} of buffers held for a ${mib(upload.size)} upload`)
    const growth = peakRss - baseline.rss
    assert.ok(growth < upload.size, `RSS grew by ${mib(growth)} for a ${mib(upload.size)} upload`)
  })

  await t.test('many small files: the request holds a bounded share of them in memory, the rest on disk', async () => {
    const dir = await freshRepo(emu, 'many-small')
    const boundary = `----pail${randomBytes(16).toString('hex')}`
    const files = 1600
    const size = 60 * 1024
    const shas = new Map<string, string>()
    let res: IncomingMessage | undefined
    const held = await peakBuffersDuring(async () => {
      const req = request(`${emu.info.apiUrl}/2.0/repositories/pail-demo/many-small/src`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      })
      const response = once(req, 'response') as Promise<[IncomingMessage]>
      for (let i = 0; i < files; i++) {
        const path = `small/f${i}.bin`
        // Distinct but compressible content: git's time goes to the commit, not to zlib.
        const bytes = Buffer.alloc(size, i % 251)
        bytes.writeUInt32BE(i)
        shas.set(path, createHash('sha1').update(`blob ${size}\0`).update(bytes).digest('hex'))
        const head = `--${boundary}\r\nContent-Disposition: form-data; name="${path}"; filename="f"\r\n\r\n`
        if (!req.write(Buffer.concat([Buffer.from(head), bytes, Buffer.from('\r\n')]))) await once(req, 'drain')
      }
      req.end(`--${boundary}--\r\n`)
      ;[res] = await response
      res.resume()
      await once(res, 'end')
    })
    assert.equal(res?.statusCode, 201)
    const tree = await lsTree(dir, res.headers.location!.split('/').at(-1)!)
    for (const [path, sha] of shas) assert.equal(tree.get(path)?.sha, sha, path)
    // Every file is small enough for memory, but not all of them together (94 MiB): past the
    // request's budget they go to temporary files.
    const mib = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`
    assert.ok(held < (files * size) / 2, `${mib(held)} of buffers held for ${mib(files * size)} of small files`)
  })

  await t.test('a 4 MiB urlencoded value of random bytes round-trips through percent-decoding', async () => {
    const dir = await freshRepo(emu, 'large-form')
    const hex = Buffer.from('0123456789ABCDEF')
    const percent = (raw: Buffer): Buffer => {
      const out = Buffer.allocUnsafe(raw.length * 3)
      for (let i = 0; i < raw.length; i++) {
        out[i * 3] = 0x25
        out[i * 3 + 1] = hex[raw[i]! >> 4]!
        out[i * 3 + 2] = hex[raw[i]! & 15]!
      }
      return out
    }
    const upload = await streamUpload(
      emu,
      token,
      'large-form',
      'application/x-www-form-urlencoded',
      'message=form&%2Fdata%2Fbytes.bin=',
      '&author=Form+Sender+%3Cform%40example.com%3E',
      64,
      percent,
    )
    assert.equal(upload.res.statusCode, 201)
    const sha = upload.res.headers.location!.split('/').at(-1)!
    assert.equal((await lsTree(dir, sha)).get('data/bytes.bin')?.sha, upload.blobSha)
    assert.equal(await g(dir, 'log', '-1', '--format=%an <%ae>|%B', sha), 'Form Sender <form@example.com>|form')
  })
})
