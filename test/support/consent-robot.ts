/**
 * An Opener that plays the user's browser over plain HTTP: it opens the emulator's consent page,
 * clicks Grant (or Deny) in its form and follows the redirect to Pail's loopback listener. For
 * tests where the browser itself is not the subject (the real browser is in browser-sign-in.test.ts).
 */
import type { Opener } from '../../main/core/ports.js'
import { parseConsentForm } from '../emulator/oauth/testing.js'

export function consentRobot(button: 'grant' | 'deny' = 'grant'): Opener & { done: Promise<number> } {
  let finish!: (status: number) => void
  let fail!: (error: Error) => void
  const done = new Promise<number>((resolve, reject) => {
    finish = resolve
    fail = reject
  })
  done.catch(() => undefined)
  return {
    done,
    async open(url) {
      void (async () => {
        const page = await fetch(url, { redirect: 'manual' })
        const form = parseConsentForm(await page.text())
        const choice = form.buttons[button]!
        const answer = await fetch(new URL(form.action, url), {
          method: form.method,
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...form.hidden, [choice.name]: choice.value }).toString(),
        })
        const callback = answer.headers.get('location')
        if (!callback) throw new Error(`The consent form answered ${answer.status} without a redirect`)
        finish((await fetch(callback)).status)
      })().catch((error: Error) => fail(error))
      return true
    },
  }
}
