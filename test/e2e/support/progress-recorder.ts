/**
 * Records every value a `progressbar` shows, as the page renders it: a MutationObserver in the
 * page notes each `aria-valuenow` of every element with role progressbar (a native `<progress>`'s
 * value too), so that no value is missed between two looks from the test.
 */
import type { Page } from 'playwright-core'

const KEY = '__pailJourneyProgress'

/**
 * The in-page recorder, as text: tsx names the functions it compiles with a helper (`__name`) that
 * does not exist in the page, so a function passed to `page.evaluate` must not contain named ones.
 */
const RECORDER = `(() => {
  const store = { values: [] }
  globalThis[${JSON.stringify(KEY)}] = store
  const note = () => {
    for (const bar of Array.from(document.querySelectorAll('[role="progressbar"], progress'))) {
      const text = bar.getAttribute('aria-valuenow') ?? (bar instanceof HTMLProgressElement ? String(bar.value) : null)
      if (text === null) continue
      const value = Number(text)
      if (Number.isFinite(value) && store.values.at(-1) !== value) store.values.push(value)
    }
  }
  new MutationObserver(note).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['aria-valuenow', 'value'],
  })
  note()
})()`

/** Starts recording on `page`; the answer reads the values shown so far, in order (each change once). */
export async function recordProgress(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(RECORDER)
  return async () => {
    return (await page.evaluate(`globalThis[${JSON.stringify(KEY)}]?.values ?? []`)) as number[]
  }
}
