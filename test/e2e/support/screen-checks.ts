/**
 * What the journey does on every screen: a screenshot kept as a test artifact (never committed:
 * the folder is in .gitignore) and an axe-core check that finds no serious or critical violation.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** Where the journey's screenshots go: $PAIL_TEST_ARTIFACTS/e2e, or test-artifacts/e2e in the checkout. */
export const ARTIFACTS_DIR = join(process.env.PAIL_TEST_ARTIFACTS ?? join(ROOT, 'test-artifacts'), 'e2e')

/** Empties the artifacts folder, so that what is in it after a run is that run's. */
export async function freshArtifactsDir(): Promise<string> {
  await rm(ARTIFACTS_DIR, { recursive: true, force: true })
  await mkdir(ARTIFACTS_DIR, { recursive: true })
  return ARTIFACTS_DIR
}

/** The screenshots taken, in order (file names inside ARTIFACTS_DIR). */
export const screenshots: string[] = []

/** A full-page screenshot named `NN-name.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = `${String(screenshots.length + 1).padStart(2, '0')}-${name}.png`
  await page.screenshot({ path: join(ARTIFACTS_DIR, file), fullPage: true })
  screenshots.push(file)
}

/** The impacts that fail a screen (issue 9: "no serious or critical violation"). */
const FAILING_IMPACTS = new Set(['serious', 'critical'])

/**
 * Runs axe-core on the page as it is; throws, listing each rule and where it failed, when a
 * serious or critical violation is found.
 */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  // Legacy mode: one axe run inside the page. The default mode opens a helper page in the page's
  // context, which the page of test/support/browser.ts (browser.newPage) does not allow; the window
  // has no frames, which are all the default mode adds.
  const results = await new AxeBuilder({ page }).setLegacyMode().analyze()
  const failing = results.violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''))
  if (failing.length === 0) return
  const lines = failing.map(
    (violation) =>
      `- ${violation.id} (${violation.impact}): ${violation.help}; at ${violation.nodes
        .slice(0, 5)
        .map((node) => node.target.join(' '))
        .join(', ')}`,
  )
  throw new Error(`axe-core found serious or critical violations on ${screen}:\n${lines.join('\n')}`)
}

/** Screenshot, then the accessibility check, under one name. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await screenshot(page, name)
  await assertAccessible(page, name)
}
