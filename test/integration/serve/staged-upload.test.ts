/**
 * A browser upload end to end, through the real core: files PUT to `pail serve`'s staging area,
 * `upload:start` with `{kind:'staged'}` commits them to the emulated Bitbucket (the progress and
 * the commit arrive as `upload:progressed` over SSE), and the staging folder is gone afterwards.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { UploadProgress } from '../../../shared/ipc/views.js'
import { stagedFileRoute, STAGING_ROUTE } from '../../../shared/ipc/serve-routes.js'
import { runCli } from '../../../main/cli/pail.js'
import { startServeServer } from '../../../main/cli/serve/serve-server.js'
import { StagingArea } from '../../../main/cli/serve/staging-area.js'
import { createPailCore } from '../../../main/core/app/index.js'
import { useEmulator } from '../../emulator/harness.js'
import { raw } from './serve-harness.js'

test(
  'files staged from the browser are committed by upload:start, and their staging goes',
  { timeout: 120_000 },
  async (t) => {
    const emu = await useEmulator(t)
    const scratch = await mkdtemp(join(tmpdir(), 'pail-staged-upload-'))
    t.after(() => rm(scratch, { recursive: true, force: true }))
    const home = join(scratch, 'home')
    await mkdir700(home)
    const env = { ...process.env, PAIL_HOME: home, PAIL_WEB_URL: emu.info.webUrl, PAIL_API_URL: emu.info.apiUrl }
    let said = ''
    const output = { out: (text: string) => (said += text), err: (text: string) => (said += text) }
    const login = ['login', '--client-credentials', '--key', emu.info.privateConsumer.key, '--secret']
    assert.equal(await runCli(login, output, env, async () => `${emu.info.privateConsumer.secret}\n`), 0, said)

    const staging = await StagingArea.open(home)
    const core = await createPailCore({
      home,
      shell: 'headless',
      env,
      opener: { open: async () => false },
      launchAtLogin: null,
      staging,
      watch: false,
    })
    const rendererDir = join(scratch, 'renderer')
    const serve = await startServeServer({ handlers: core.handlers, events: core.events, rendererDir, staging })
    t.after(async () => {
      await serve.stop()
      await core.close()
      await staging.close()
    })
    const url = new URL(serve.url)
    const h = { serve, host: url.host }
    const opened = await raw(h, { path: url.pathname + url.search })
    const cookie = opened.headers['set-cookie']![0]!.split(';')[0]!
    const headers = { cookie, origin: url.origin }

    // The window listens for the upload's progress over SSE.
    let stream = ''
    const events = httpRequest(
      {
        host: '127.0.0.1',
        port: serve.port,
        path: '/api/events',
        headers: { host: url.host, cookie, 'sec-fetch-site': 'same-origin' },
        setHost: false,
      },
      (response) => response.on('data', (chunk: Buffer) => (stream += chunk.toString())),
    )
    events.end()
    t.after(() => events.destroy())
    const deadline = Date.now() + 10_000
    while (serve.events.clientCount === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10))

    const created = await raw(h, { method: 'POST', path: STAGING_ROUTE, headers })
    const { stagingId } = (JSON.parse(created.body) as { value: { stagingId: string } }).value
    for (const [path, body] of [
      ['Minutes.txt', 'We met.\n'],
      ['Photos/Team.txt', 'not really a photo\n'],
    ] as const) {
      const put = await raw(h, { method: 'PUT', path: stagedFileRoute(stagingId, path), headers, body })
      assert.equal(put.status, 200, put.body)
    }
    const start = await raw(h, {
      method: 'POST',
      path: '/api/invoke/upload:start',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { kind: 'staged', stagingId },
        workspace: emu.info.workspace,
        repository: emu.info.repository.slug,
        branch: emu.info.repository.mainBranch,
        pathInRepo: 'from-browser',
        message: 'Uploaded from the browser',
      }),
    })
    const started = JSON.parse(start.body) as { ok: boolean; value: { uploadId: string } }
    assert.equal(started.ok, true, start.body)

    const done = (): UploadProgress | undefined =>
      stream
        .split('\n\n')
        .filter((block) => block.startsWith('event: upload:progressed\n'))
        .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as UploadProgress)
        .find((progress) => progress.uploadId === started.value.uploadId && progress.done !== null)
    const until = Date.now() + 60_000
    while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25))
    const finished = done()
    assert.ok(finished, `no finished upload:progressed event:\n${stream}`)
    assert.ok(finished.done && 'commit' in finished.done, JSON.stringify(finished.done))
    const hash = finished.done.commit.hash

    const token = await emu.oauthToken()
    const file = await fetch(
      `${emu.info.apiUrl}/2.0/repositories/${emu.info.workspace}/${emu.info.repository.slug}/src/${hash}/from-browser/Photos/Team.txt`,
      { headers: { authorization: `Bearer ${token}` } },
    )
    assert.equal(await file.text(), 'not really a photo\n')
    // Discarded after the commit (forgotten first, then removed from disk: both are waited for).
    const left = Date.now() + 10_000
    while ((staging.openCount > 0 || (await readdir(staging.dir)).length > 0) && Date.now() < left)
      await new Promise((resolve) => setTimeout(resolve, 25))
    assert.equal(staging.openCount, 0)
    assert.deepEqual(await readdir(staging.dir), [])
  },
)

async function mkdir700(path: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises')
  await mkdir(path, { mode: 0o700 })
}
