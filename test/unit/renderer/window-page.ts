/**
 * The built window (out/renderer) in Debian's Chromium with a fake `window.pail`
 * (test/fakes/fake-window-pail.ts): a small static server for out/renderer on 127.0.0.1, a page
 * per colour scheme, axe-core on what is shown, and screenshots kept for people to look at.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, relative, sep } from 'node:path'
import type { TestContext } from 'node:test'
import axe from 'axe-core'
import type { Page } from 'playwright-core'
import { builtRendererDir } from '../../../main/core/build-output.js'
import { usePage } from '../../support/browser.js'
import { fakePailArgument, fakeWindowPail } from '../../fakes/fake-window-pail.js'
import type { PailFixtures } from '../../fakes/pail-fixtures.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/** How long to wait for a build someone else is running to finish writing out/renderer. */
const BUILD_WAIT_MS = 15_000

/**
 * out/renderer's files, read once: other helpers' `npm run build` empties and rewrites out/ while
 * these tests run, so the page is served from this copy, taken when the build is whole.
 */
async function snapshotBuiltWindow(root: string): Promise<Map<string, Buffer>> {
  const deadline = Date.now() + BUILD_WAIT_MS
  for (;;) {
    try {
      const files = new Map<string, Buffer>()
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue
        const file = join(entry.parentPath, entry.name)
        files.set(`/${relative(root, file).split(sep).join('/')}`, await readFile(file))
      }
      const index = files.get('/index.html')?.toString('utf8')
      // Whole when index.html and every asset it names are there.
      const assets = index ? [...index.matchAll(/(?:src|href)="\.(\/assets\/[^"]+)"/g)].map((m) => m[1]!) : []
      if (index && assets.length > 0 && assets.every((asset) => files.has(asset))) return files
    } catch {
      // A build is rewriting the folder: look again.
    }
    if (Date.now() > deadline) throw new Error(`${root} has no complete build: run "npm run build" first.`)
    // Not a stand-in for a condition: the pause between two looks at the folder.
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Answers the requests under /api/ (a stand-in for `pail serve`); true when it answered. */
export type ApiStandIn = (path: string, request: IncomingMessage, response: ServerResponse) => boolean

/** Serves out/renderer on 127.0.0.1, and /api/ through `api` when given; its address. Stopped when the test ends. */
export async function serveBuiltWindow(t: TestContext, api?: ApiStandIn): Promise<string> {
  const files = await snapshotBuiltWindow(builtRendererDir())
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    if (api && path.startsWith('/api/') && api(path, request, response)) return
    const body = files.get(path === '/' ? '/index.html' : decodeURIComponent(path))
    // The browser asks for an icon by itself; the window has none.
    if (path === '/favicon.ico') response.writeHead(204).end()
    else if (!body) response.writeHead(404).end()
    else response.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'text/html; charset=utf-8' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise((resolve) => {
        // An event stream stays open, and the browser, still running, may open it again on a
        // kept-alive connection while the server closes: close every connection, not only the
        // responses known now, or the server never closes (seen: the file hung in CI).
        server.close(resolve)
        server.closeAllConnections()
      }),
  )
  const { port } = server.address() as { port: number }
  return `http://127.0.0.1:${port}/`
}

/** A page showing the window at `hash`, over the fake answering `fixtures`; null when Chromium is absent. */
export async function openWindow(
  t: TestContext,
  base: string,
  fixtures: PailFixtures,
  scheme: 'light' | 'dark',
): Promise<Page | null> {
  const page = await usePage(t)
  if (!page) return null
  // The fixtures' times are relative to their `now`: the page's clock shows that moment (timers still run).
  await page.clock.setFixedTime(fixtures.now)
  await page.emulateMedia({ colorScheme: scheme })
  await page.setViewportSize({ width: 1000, height: 800 })
  // tsx keeps function names with a helper the page does not have: give it one.
  await page.addInitScript('globalThis.__name = (target) => target')
  await page.addInitScript(fakeWindowPail, fakePailArgument(fixtures))
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  t.after(() => {
    if (errors.length > 0) throw new Error(`The page reported errors:\n${errors.join('\n')}`)
  })
  await page.goto(base)
  return page
}

/** axe-core's serious and critical violations on the page, one line each (empty when none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a script tag: the window's content security policy forbids inline scripts.
  // (@axe-core/playwright's AxeBuilder wants a page of browser.newContext(); test/support/browser.ts gives newPage().)
  await page.evaluate(axe.source)
  const results = await page.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run())
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** Where screenshots go: $PAIL_SCREENSHOTS, else a folder in the system's temporary folder. */
export async function screenshotDir(): Promise<string> {
  const dir = process.env.PAIL_SCREENSHOTS ?? join(tmpdir(), 'pail-screens')
  await mkdir(dir, { recursive: true })
  return dir
}
