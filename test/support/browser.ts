/**
 * Debian's Chromium driven by playwright-core. Where Chromium is not installed the caller's test
 * is reported as skipped with the reason — never as passed.
 */
import { existsSync } from 'node:fs'
import type { TestContext } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.PAIL_CHROMIUM ?? '/usr/bin/chromium'

/** A fresh browser page, or null (test skipped, saying why) when Chromium is absent. */
export async function usePage(t: TestContext): Promise<Page | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    t.skip(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium): this browser test did not run`)
    return null
  }
  // Flags from the machine notes: no background traffic to hosts this machine cannot reach.
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  // Playwright gives the browser a new, empty profile of its own and removes it on close.
  t.after(() => browser.close())
  return browser.newPage()
}
