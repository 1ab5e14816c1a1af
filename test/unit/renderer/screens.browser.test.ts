/**
 * Every screen of the built window, in Chromium, in the light and the dark scheme, over a fake
 * `window.pail`: the controls carry the names issue 9 lists (the journey's handles), axe-core finds
 * no serious or critical violation, and a screenshot of each is kept (screenshotDir()).
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import type { Page } from 'playwright-core'
import { pailFixtures, type PailFixtures } from '../../fakes/pail-fixtures.js'
import { usePage } from '../../support/browser.js'
import { openWindow, screenshotDir, seriousViolations, serveBuiltWindow } from './window-page.js'

const NOW = Date.parse('2026-03-03T10:00:00Z')

interface ScreenCase {
  name: string
  start?: PailFixtures['start']
  hash?: string
  /** Changes to the fixtures for this screen. */
  fixtures?: (f: PailFixtures) => void
  /** Brings the screen to the state to look at, and checks its named controls. */
  check: (page: Page) => Promise<void>
}

const exact = { exact: true } as const

async function visible(page: Page, role: Parameters<Page['getByRole']>[0], name: string): Promise<void> {
  await page.getByRole(role, { name, exact: true }).first().waitFor({ state: 'visible', timeout: 5000 })
}

const cases: ScreenCase[] = [
  {
    name: 'first-run',
    start: 'signed-out',
    fixtures: (f) => {
      f.info.hasConsumer = false
    },
    check: async (page) => {
      await visible(page, 'button', 'Sign in with Bitbucket')
      await visible(page, 'button', 'Copy these instructions')
      await page.getByText('http://127.0.0.1:8417/callback').first().waitFor()
      await visible(page, 'button', 'Provisioning file')
    },
  },
  {
    name: 'waiting',
    start: 'signed-out',
    check: async (page) => {
      await page.getByRole('button', { name: 'Sign in with Bitbucket', ...exact }).click()
      await page.getByText('Waiting for your browser…').waitFor()
      await visible(page, 'button', 'Cancel')
      await visible(page, 'button', 'Try again')
    },
  },
  {
    name: 'expired',
    start: 'expired',
    check: async (page) => {
      await visible(page, 'button', 'Sign in')
      await page.getByText('withdrawn').waitFor()
    },
  },
  {
    name: 'account',
    hash: '#/account',
    check: async (page) => {
      for (const name of ['Account', 'Repositories', 'Folders', 'History', 'Upload', 'Settings'])
        await visible(page, 'link', name)
      await page.getByText('Alice Martin').first().waitFor()
      await visible(page, 'button', 'Sign out')
    },
  },
  {
    name: 'repositories',
    hash: '#/repositories',
    check: async (page) => {
      await page.getByRole('searchbox', { name: 'Search repositories' }).waitFor()
      await visible(page, 'link', 'Sync a folder with acme/reports')
      await page.getByText('Branches').first().click()
      await page.getByText('drafts').first().waitFor()
    },
  },
  {
    name: 'folders',
    hash: '#/folders',
    check: async (page) => {
      const reports = page.getByRole('listitem', { name: '/home/alice/Documents/Reports' })
      await reports.getByRole('button', { name: 'Sync now', ...exact }).waitFor()
      await reports.getByRole('button', { name: 'Pause', ...exact }).waitFor()
      await reports.getByRole('button', { name: 'Remove', ...exact }).waitFor()
      const site = page.getByRole('listitem', { name: '/home/alice/Pictures/Site' })
      await site.getByRole('button', { name: 'Delete them from Bitbucket too', ...exact }).waitFor()
      await site.getByRole('button', { name: 'Put them back from Bitbucket', ...exact }).waitFor()
      await page.getByRole('progressbar', { name: 'Saving to Bitbucket' }).waitFor()
    },
  },
  {
    name: 'folders-pause',
    hash: '#/folders',
    check: async (page) => {
      const reports = page.getByRole('listitem', { name: '/home/alice/Documents/Reports' })
      await reports.getByRole('button', { name: 'Pause', ...exact }).click()
      await page.getByRole('dialog', { name: 'Pause syncing' }).waitFor()
      await visible(page, 'button', 'For 1 hour')
      await visible(page, 'button', 'Until I resume')
    },
  },
  {
    name: 'folders-add-preview',
    hash: '#/folders',
    check: async (page) => {
      await page.getByRole('button', { name: 'Add folder', ...exact }).click()
      await page.getByRole('textbox', { name: 'Folder', ...exact }).fill('/home/alice/Documents/Letters')
      await page.getByRole('combobox', { name: 'Repository', ...exact }).selectOption('acme/reports')
      assert.equal(await page.getByLabel('Branch', exact).inputValue(), 'main')
      await page.getByRole('textbox', { name: 'Path in repository', ...exact }).fill('letters')
      await page.getByRole('button', { name: 'Preview', ...exact }).click()
      await page.getByText('128 files').waitFor()
      await page.getByText('55 MB', { exact: false }).first().waitFor()
      await page.getByText('7 files are left out').waitFor()
      await page.getByText('2 files (4 KB) will come down').waitFor()
      await visible(page, 'button', 'Start syncing')
    },
  },
  {
    name: 'folders-browse',
    hash: '#/folders?add=acme/reports',
    check: async (page) => {
      assert.equal(await page.getByRole('combobox', { name: 'Repository', ...exact }).inputValue(), 'acme/reports')
      await page.getByRole('button', { name: 'Choose…', ...exact }).click()
      await page.getByRole('dialog', { name: 'Choose a folder' }).waitFor()
      await visible(page, 'button', 'Documents')
      await visible(page, 'button', 'Choose this folder')
    },
  },
  {
    name: 'history',
    hash: '#/history',
    check: async (page) => {
      await page.getByRole('searchbox', { name: 'Search history', ...exact }).waitFor()
      await page.getByRole('combobox', { name: 'Folder', ...exact }).waitFor()
      await page.getByRole('combobox', { name: 'Outcome', ...exact }).waitFor()
      const link = page.getByRole('link', { name: 'See this version on Bitbucket' }).first()
      assert.match((await link.getAttribute('href')) ?? '', /\/commits\/4f3c2b1a0e9d/)
      await page.getByText('1 added, 1 changed, 1 removed').waitFor()
      await page.getByText('Bitbucket did not answer in time', { exact: false }).waitFor()
    },
  },
  {
    name: 'upload',
    hash: '#/upload',
    check: async (page) => {
      await page.getByLabel('Files', exact).setInputFiles([
        { name: 'brochure.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2048) },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
      ])
      await page.getByRole('combobox', { name: 'Repository', ...exact }).selectOption('acme/reports')
      await page.getByRole('textbox', { name: 'Path in repository', ...exact }).fill('downloads')
      await page.getByRole('textbox', { name: 'Message', ...exact }).fill('The new brochure')
      await page.getByRole('button', { name: 'Upload', ...exact }).click()
      await page.getByRole('progressbar').waitFor()
      await page.getByText('Saved to Bitbucket.').waitFor()
      const link = page.getByRole('link', { name: 'See this version on Bitbucket' })
      assert.match((await link.getAttribute('href')) ?? '', /\/commits\/c0ffee/)
    },
  },
  {
    name: 'settings',
    hash: '#/settings',
    check: async (page) => {
      await page.getByRole('checkbox', { name: /notifications/ }).waitFor()
      // Under `pail serve` launch at login does not apply: hidden.
      assert.equal(await page.getByRole('checkbox', { name: /log in/ }).count(), 0)
      await page.getByRole('textbox', { name: 'Commit message template', ...exact }).waitFor()
      await page.getByRole('textbox', { name: 'Ignore rules', ...exact }).waitFor()
      await page.getByText('*.tmp').first().waitFor({ state: 'attached' })
      await visible(page, 'button', 'Pause everything for 1 hour')
      await visible(page, 'button', 'Pause everything until I resume')
    },
  },
  {
    name: 'admin-check',
    start: 'signed-out',
    hash: '#/admin-check',
    check: async (page) => {
      await page.getByRole('heading', { name: 'Check a Bitbucket consumer', level: 1 }).waitFor()
      const secret = page.getByLabel('Secret', exact)
      assert.equal(await secret.getAttribute('type'), 'password', 'the secret is typed unseen')
      await page.getByRole('textbox', { name: 'Key', ...exact }).fill('KeyOfPail')
      await secret.fill('the-right-secret')
      await page.getByRole('textbox', { name: 'Default repository (optional)', ...exact }).fill('acme/reports')
      await page.getByRole('button', { name: 'Check', ...exact }).click()
      await page.getByText('Staff can sign in and upload.').waitFor()
      const found = page.getByRole('list', { name: 'What the check found' })
      await found.getByText("Bitbucket accepts the consumer's key and secret.").waitFor()
      assert.equal(await found.getByText('Works', exact).count(), 2)
      await found.getByText('Sync folders and upload files').waitFor()
      const downloaded = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Save the provisioning file', ...exact }).click()
      const download = await downloaded
      assert.equal(download.suggestedFilename(), 'provisioning.json')
      const chunks: Buffer[] = []
      for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
      const saved = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      assert.deepEqual(saved, {
        consumer: { key: 'KeyOfPail', secret: 'the-right-secret' },
        defaultRepository: { workspace: 'acme', slug: 'reports' },
      })
      await page.getByText('Saved as provisioning.json.').waitFor()
      assert.equal(await page.getByText('the-right-secret').count(), 0, 'the secret is never shown')
    },
  },
  {
    name: 'admin-check-fix',
    start: 'signed-out',
    hash: '#/admin-check',
    check: async (page) => {
      await page.getByRole('textbox', { name: 'Key', ...exact }).fill('KeyOfPail')
      await page.getByLabel('Secret', exact).fill('not-the-secret')
      await page.getByRole('button', { name: 'Check', ...exact }).click()
      await page.getByText('Staff cannot sign in and upload yet', { exact: false }).waitFor()
      const found = page.getByRole('list', { name: 'What the check found' })
      await found.getByText('To fix', exact).waitFor()
      await found.getByText('Copy the Key and the Secret again', { exact: false }).waitFor()
      await found.getByText('Not checked', exact).waitFor()
      await found.getByText('Open the sign-in page in a browser', { exact: false }).waitFor()
      assert.equal(await page.getByRole('button', { name: 'Save the provisioning file' }).count(), 0)
      // A change to what was checked takes the stale result away.
      await page.getByLabel('Secret', exact).fill('the-right-secret')
      await found.waitFor({ state: 'detached' })
    },
  },
]

describe('the window, screen by screen, in Chromium', () => {
  for (const screen of cases) {
    test(`${screen.name}: named controls; no serious axe violation, light or dark`, async (t: TestContext) => {
      const base = await serveBuiltWindow(t)
      const fixtures = { ...pailFixtures(NOW), start: screen.start ?? 'signed-in' }
      screen.fixtures?.(fixtures)
      const page = await openWindow(t, `${base}${screen.hash ?? ''}`, fixtures, 'light')
      if (!page) return
      await screen.check(page)
      // The same screen in both schemes: the theme follows the system, no reload.
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        await page.screenshot({ path: join(await screenshotDir(), `${screen.name}-${scheme}.png`), fullPage: true })
        assert.deepEqual(await seriousViolations(page), [], `${scheme} scheme`)
      }
    })
  }
})

describe('the window, live and from the keyboard', () => {
  test('the sign-in finishing elsewhere shows the signed-in window by itself, with no reload', async (t) => {
    const base = await serveBuiltWindow(t)
    const page = await openWindow(t, base, { ...pailFixtures(NOW), start: 'waiting' }, 'light')
    if (!page) return
    await page.getByText('Waiting for your browser…').waitFor()
    await page.evaluate(() => ((globalThis as unknown as Record<string, boolean>).mark = true))
    await page.evaluate(() => {
      const fake = (
        globalThis as unknown as { pailFake: { setAuth: (s: unknown) => void; initial: Record<string, unknown> } }
      ).pailFake
      fake.setAuth(fake.initial['signed-in'])
    })
    await visible(page, 'link', 'Account')
    assert.equal(await page.evaluate(() => (globalThis as unknown as Record<string, boolean>).mark), true)
  })

  test('a folder pushed by the core appears without a reload', async (t) => {
    const base = await serveBuiltWindow(t)
    const fixtures = pailFixtures(NOW)
    const page = await openWindow(t, `${base}#/folders`, fixtures, 'light')
    if (!page) return
    await page.getByRole('listitem', { name: '/home/alice/Notes' }).waitFor()
    const moved = { ...fixtures.folders[2]!, folder: '/home/alice/Moved', state: 'up-to-date', progress: null }
    await page.evaluate(
      (folders) => {
        ;(globalThis as unknown as { pailFake: { emit: (e: string, p: unknown) => void } }).pailFake.emit(
          'folders:changed',
          folders,
        )
      },
      [moved],
    )
    await page.getByRole('listitem', { name: '/home/alice/Moved' }).waitFor()
    assert.equal(await page.getByRole('listitem', { name: '/home/alice/Notes' }).count(), 0)
  })

  test('the navigation works from the keyboard, and a dialog gives the focus back when it closes', async (t) => {
    const base = await serveBuiltWindow(t)
    const page = await openWindow(t, `${base}#/account`, pailFixtures(NOW), 'light')
    if (!page) return
    await visible(page, 'button', 'Sign out')
    // From the top of the page, Tab reaches the navigation; Enter on "Folders" opens it.
    await page.getByRole('link', { name: 'Account', exact: true }).focus()
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Folders')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Folders', level: 1 }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus is not on the new screen')
    const pause = page
      .getByRole('listitem', { name: '/home/alice/Documents/Reports' })
      .getByRole('button', { name: 'Pause', exact: true })
    await pause.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: 'Pause syncing' }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'For 1 hour')
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    assert.ok(
      await pause.evaluate((el) => el === document.activeElement),
      'Escape: the focus did not come back to "Pause"',
    )
    // Closed by its own button, the dialog leaves the page while open: the focus must come back too.
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Cancel', exact: true }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    assert.ok(
      await pause.evaluate((el) => el === document.activeElement),
      'Cancel: the focus did not come back to "Pause"',
    )
  })

  test('the admin check opens from the first screen’s admin set-up and from Settings', async (t) => {
    const base = await serveBuiltWindow(t)
    const signedOut = await openWindow(t, base, { ...pailFixtures(NOW), start: 'signed-out' }, 'light')
    if (!signedOut) return
    await signedOut.getByText('What your Bitbucket admin set up').click()
    await signedOut.getByRole('link', { name: 'check it here', exact: true }).click()
    await signedOut.getByRole('heading', { name: 'Check a Bitbucket consumer', level: 1 }).waitFor()
    await signedOut.getByRole('link', { name: 'Back to signing in', exact: true }).click()
    await visible(signedOut, 'button', 'Sign in with Bitbucket')

    // Signed in (as the sign-in finishing elsewhere would), the same check from Settings.
    const signedIn = signedOut
    await signedIn.evaluate(() => {
      const fake = (
        globalThis as unknown as { pailFake: { setAuth: (s: unknown) => void; initial: Record<string, unknown> } }
      ).pailFake
      fake.setAuth(fake.initial['signed-in'])
    })
    await signedIn.getByRole('link', { name: 'Settings', exact: true }).click()
    await signedIn.getByRole('link', { name: 'Check a Bitbucket consumer', exact: true }).click()
    await signedIn.getByRole('heading', { name: 'Check a Bitbucket consumer', level: 1 }).waitFor()
    // Not a screen of the navigation: staff do not need it there.
    assert.equal(
      await signedIn
        .getByRole('navigation')
        .getByRole('link', { name: /consumer/ })
        .count(),
      0,
    )
    await signedIn.getByRole('link', { name: 'Back to Settings', exact: true }).click()
    await signedIn.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
  })

  test('files dropped on the Upload screen are chosen, with their count and size', async (t) => {
    const base = await serveBuiltWindow(t)
    const page = await openWindow(t, `${base}#/upload`, pailFixtures(NOW), 'light')
    if (!page) return
    const zone = page.getByText('Drop files or folders here').locator('..')
    await zone.waitFor()
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer()
      transfer.items.add(new File(['a'.repeat(2048)], 'minutes.txt'))
      transfer.items.add(new File(['b'], 'agenda.txt'))
      return transfer
    })
    await zone.dispatchEvent('dragover', { dataTransfer: dropped })
    await zone.dispatchEvent('drop', { dataTransfer: dropped })
    await page.getByText('2 files chosen, 2 KB.').waitFor()
  })

  test('in a plain browser the window talks to pail serve itself, and says so while it cannot hear it', async (t) => {
    const fixtures = pailFixtures(NOW)
    let eventsUp = false
    const base = await serveBuiltWindow(t, (path, request, response) => {
      const answers: Record<string, unknown> = {
        '/api/invoke/app:get-info': fixtures.info,
        '/api/invoke/auth:get-state': { status: 'signed-out', reason: null },
      }
      if (path in answers) {
        assert.equal(request.method, 'POST')
        response
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ ok: true, value: answers[path] }))
        return true
      }
      if (path === '/api/events') {
        if (!eventsUp) response.writeHead(503).end()
        else response.writeHead(200, { 'Content-Type': 'text/event-stream' }).write(': open\n\n')
        return true
      }
      response.writeHead(404).end()
      return true
    })
    const page = await usePage(t)
    if (!page) return
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(base)
    // No preload here: window.pail is the browser client, over /api/invoke/… and /api/events.
    await visible(page, 'button', 'Sign in with Bitbucket')
    const notice = page.getByRole('alert').filter({ hasText: 'Pail is not answering' })
    await notice.waitFor()
    eventsUp = true
    // The client opens the stream again by itself (after a second), and the notice goes.
    await notice.waitFor({ state: 'detached', timeout: 10_000 })
    assert.deepEqual(errors, [])
  })

  test('in the desktop app: "Choose…" is the native chooser, and launch at login is offered', async (t) => {
    const base = await serveBuiltWindow(t)
    const fixtures = pailFixtures(NOW)
    fixtures.info.shell = 'electron'
    fixtures.settings.launchAtLogin = false
    const page = await openWindow(t, `${base}#/folders?add=acme/reports`, fixtures, 'light')
    if (!page) return
    await page.getByRole('button', { name: 'Choose…', exact: true }).click()
    const folder = page.getByRole('textbox', { name: 'Folder', exact: true })
    await page.waitForFunction((input) => (input as HTMLInputElement).value !== '', await folder.elementHandle())
    assert.equal(await folder.inputValue(), '/home/alice/Documents/Chosen')
    assert.equal(await page.getByRole('dialog').count(), 0, 'the browser folder chooser opened in the desktop app')
    await page.getByRole('link', { name: 'Settings', exact: true }).click()
    const login = page.getByRole('checkbox', { name: /log in/ })
    await login.check()
    await page.waitForFunction(() =>
      (globalThis as unknown as { pailFake: { calls: { method: string }[] } }).pailFake.calls.some(
        (c) => c.method === 'settingsUpdate',
      ),
    )
    assert.ok(await login.isChecked())
    assert.deepEqual(await seriousViolations(page), [])
  })
})
