/**
 * Finding and using the window's controls by role and accessible name (issue 9, "Screens, and the
 * names people and tests find them by"), whatever element carries them: a field may be a textbox, a
 * select or a combobox; the navigation may be links or tabs. No waiting by time: Playwright's
 * actions wait for their element, and `waitUntil` polls a condition up to a deadline.
 */
import type { Locator, Page } from 'playwright-core'

/** The deadline of one step's condition unless told otherwise. */
export const STEP_DEADLINE_MS = 30_000

/** A navigation entry ("Account", "Folders", …): a link or a tab with exactly that name. */
export function navigationEntry(page: Page, name: string): Locator {
  return page
    .getByRole('link', { name, exact: true })
    .or(page.getByRole('tab', { name, exact: true }))
    .first()
}

/** Goes to a screen through the navigation. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await navigationEntry(page, name).click()
}

/** A button with exactly this name. */
export function button(scope: Page | Locator, name: string): Locator {
  return scope.getByRole('button', { name, exact: true })
}

/** Whether `locator` has a visible match now. */
export async function isShown(locator: Locator): Promise<boolean> {
  return (await locator.filter({ visible: true }).count()) > 0
}

/** Waits until `locator` has a visible match (the first, when it has several; hidden ones do not count). */
export async function visible(locator: Locator, timeout = STEP_DEADLINE_MS): Promise<Locator> {
  const shown = locator.filter({ visible: true }).first()
  await shown.waitFor({ state: 'visible', timeout })
  return shown
}

/**
 * Sets the field labelled `label` to `value`: a select gets the option shown as `value` (or with that
 * value), anything else is filled, and a combobox's matching option is picked when it lists one.
 */
export async function setField(scope: Page, label: string, value: string): Promise<void> {
  const field = scope.getByLabel(label, { exact: true }).first()
  await field.waitFor({ state: 'visible', timeout: STEP_DEADLINE_MS })
  const tag = await field.evaluate((element) => element.tagName)
  if (tag === 'SELECT') {
    // An option may still be arriving (the repositories load after the screen): wait for it.
    await field.locator('option', { hasText: value }).first().waitFor({ state: 'attached', timeout: STEP_DEADLINE_MS })
    await field.selectOption({ label: value })
    return
  }
  await field.fill(value)
  if ((await field.getAttribute('role')) === 'combobox') {
    const option = scope.getByRole('option', { name: value, exact: true })
    if ((await option.count()) > 0) await option.first().click()
  }
}

/** Polls `condition` until it answers true; throws `what` when the deadline passes first. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeout = STEP_DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`Waited ${timeout / 1000} s for ${what}`)
    // Not a stand-in for the condition: the pause between two checks of it.
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The commit links on the page (`…/commits/<hash>`), as hrefs. */
export async function commitLinks(scope: Page | Locator): Promise<string[]> {
  return scope
    .locator('a[href*="/commits/"]')
    .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href))
}

/** The hash at the end of a commit link. */
export function hashOfLink(href: string): string {
  const match = /\/commits\/([0-9a-f]{40})$/.exec(href)
  if (!match) throw new Error(`${href} is not a link to a commit (…/commits/<40-hex hash>)`)
  return match[1]!
}

/** The texts of the window's visible alerts (its errors for people, role "alert"). */
export async function alertTexts(page: Page): Promise<string[]> {
  return page.getByRole('alert').filter({ visible: true }).allInnerTexts()
}

/**
 * Like `waitUntil`, but an error the window shows (an alert) ends the wait at once, with its
 * words: the window already said the step failed.
 */
export async function waitUntilNoAlert(
  page: Page,
  what: string,
  condition: () => Promise<boolean>,
  timeout = STEP_DEADLINE_MS,
): Promise<void> {
  let shown: string[] = []
  await waitUntil(
    what,
    async () => {
      shown = (await alertTexts(page)).filter((text) => text.trim() !== '')
      return shown.length > 0 || (await condition())
    },
    timeout,
  )
  if (shown.length > 0) throw new Error(`Waiting for ${what}, the window showed an error: ${shown.join(' / ')}`)
}
