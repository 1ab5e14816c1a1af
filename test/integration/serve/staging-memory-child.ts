/**
 * The server side of staging-memory.test.ts, in a process of its own so its memory is measured
 * alone: starts `pail serve`'s server with a staging area in PAIL_TEST_HOME, prints its address
 * as a JSON line, and when standard input ends prints its peak RSS and exits.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startServeServer } from '../../../main/cli/serve/serve-server.js'
import { StagingArea } from '../../../main/cli/serve/staging-area.js'
import { AppEventBus } from '../../../main/core/app/index.js'
import { echoHandlers } from './serve-harness.js'

const home = process.env.PAIL_TEST_HOME!
const rendererDir = join(home, '..', 'renderer')
await mkdir(rendererDir, { recursive: true })
await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>\n')
const staging = await StagingArea.open(home)
const serve = await startServeServer({ handlers: echoHandlers(), events: new AppEventBus(), rendererDir, staging })
const baselineRssBytes = process.memoryUsage().rss
process.stdout.write(`${JSON.stringify({ url: serve.url, port: serve.port, stagingDir: staging.dir })}\n`)
process.stdin.resume()
process.stdin.once('end', () => {
  const maxRssBytes = process.resourceUsage().maxRSS * 1024
  process.stdout.write(`${JSON.stringify({ baselineRssBytes, maxRssBytes })}\n`)
  void serve
    .stop()
    .then(() => staging.close())
    .then(() => process.exit(0))
})
