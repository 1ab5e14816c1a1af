/**
 * The whole journey of issue 9 in Debian's Chromium, against `pail serve` (the built command, with
 * its own Pail home) and the emulator: first run, sign-in through the emulator's consent page in a
 * new tab, Account, Repositories, a folder added with its preview, the first sync in History with
 * its commit link, a manual upload of two files (one of 24 MiB) with the progress bar moving, pause
 * and resume, a revoked sign-in and the way back, dark mode. axe-core checks each screen; every
 * screen's screenshot goes to test-artifacts/e2e (not committed).
 *
 * The steps run in order, each a subtest; a step after a failed one fails too, naming the step it
 * needed (it is not skipped), except after the two that nothing later builds on (the upload,
 * Settings). Without Chromium the whole journey is skipped with the reason.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { useEmulator, type RunningEmulator } from '../emulator/harness.js'
import { usePage } from '../support/browser.js'
import { freePort } from '../support/net.js'
import { commitMessage, fileSize } from './support/bitbucket-checks.js'
import {
  button,
  commitLinks,
  hashOfLink,
  isShown,
  navigationEntry,
  openScreen,
  setField,
  STEP_DEADLINE_MS,
  visible,
  waitUntil,
  waitUntilNoAlert,
} from './support/controls.js'
import { recordProgress } from './support/progress-recorder.js'
import { checkScreen, freshArtifactsDir, screenshot, screenshots } from './support/screen-checks.js'
import { redactAddress, startPailServe, type RunningPailServe } from './support/serve-process.js'

const REPOSITORY = 'pail-demo/handbook'
const FOLDER_PATH_IN_REPO = 'journey/folder'
const UPLOAD_PATH_IN_REPO = 'journey/upload'
/** The folder's files: three of 1 KB ("3 files", "3 KB" in the preview), and litter Pail ignores. */
const FOLDER_FILES: Record<string, number> = { 'notes.txt': 1024, 'plan.md': 1024, 'docs/agenda.txt': 1024 }
const BIG_FILE_BYTES = 24 * 1024 * 1024
/**
 * The browser's upload speed during the upload step (Chromium's own network throttling): an office
 * network rather than loopback, so the 24 MiB take about a second and the bar has time to move.
 */
const UPLOAD_BYTES_PER_SECOND = 24 * 1024 * 1024

interface Journey {
  page: Page
  emu: RunningEmulator
  serve: RunningPailServe
  folder: string
  uploads: string
  /** The first sync's commit. */
  syncHash?: string
}

/** Files of `sizes` under `root` (relative paths, '/'-separated). */
async function writeFiles(root: string, sizes: Record<string, number>): Promise<void> {
  for (const [path, bytes] of Object.entries(sizes)) {
    const file = join(root, ...path.split('/'))
    await mkdir(join(file, '..'), { recursive: true })
    await writeFile(file, 'x'.repeat(bytes - 1) + '\n')
  }
}

/** The Pail tab's body background colour, which the theme sets. */
function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor)
}

/** "Sign in with Bitbucket" or "Sign in": Bitbucket's page opens in a new tab; Grant access there; the Pail tab updates by itself. */
async function signInThroughNewTab(j: Journey, buttonName: string, screenName: string): Promise<void> {
  const { page, emu } = j
  const [consent] = await Promise.all([
    page.context().waitForEvent('page', { timeout: STEP_DEADLINE_MS }),
    button(page, buttonName).click(),
  ])
  try {
    await consent.waitForLoadState('domcontentloaded')
    assert.ok(
      consent.url().startsWith(`${emu.info.webUrl}/site/oauth2/authorize?`),
      `the new tab shows ${consent.url()}, not Bitbucket's consent page`,
    )
    // While the person is on Bitbucket's page, the Pail tab says it waits, with a way out.
    await visible(page.getByText('Waiting for your browser…'))
    await visible(button(page, 'Cancel'))
    await checkScreen(page, `${screenName}-waiting-for-browser`)
    await consent.getByRole('button', { name: 'Grant access' }).click()
    await consent.waitForURL(/\/pail\/callback/, { timeout: STEP_DEADLINE_MS })
    await visible(consent.getByText('You are signed in'))
  } finally {
    await consent.close()
  }
  // No reload, no click: the navigation of the signed-in window appears by itself.
  await visible(navigationEntry(page, 'Account'))
}

test(
  'The journey: first run to dark mode, in Chromium against pail serve and the emulator',
  { timeout: 10 * 60_000 },
  async (t) => {
    // Registered first, so it runs first: pail serve ends before its home and the emulator go.
    const teardown: (() => Promise<unknown>)[] = []
    t.after(async () => {
      for (const step of teardown.reverse()) await step().catch((error: Error) => t.diagnostic(error.message))
    })
    const page = await usePage(t)
    if (!page) return
    page.setDefaultTimeout(STEP_DEADLINE_MS)
    const artifacts = await freshArtifactsDir()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(redactAddress(error.message)))

    const callbackPort = await freePort()
    const emu = await useEmulator(t, {}, { callbackUrl: `http://127.0.0.1:${callbackPort}/pail/callback` })
    const folder = await mkdtemp(join(tmpdir(), 'pail-journey-folder-'))
    const uploads = await mkdtemp(join(tmpdir(), 'pail-journey-uploads-'))
    teardown.push(() => rm(folder, { recursive: true, force: true }))
    teardown.push(() => rm(uploads, { recursive: true, force: true }))
    await writeFiles(folder, FOLDER_FILES)
    await writeFile(join(folder, '.DS_Store'), 'litter')
    await writeFile(join(uploads, 'big.bin'), randomBytes(BIG_FILE_BYTES))
    await writeFile(join(uploads, 'letter.txt'), 'Dear Robin,\nthe minutes are attached.\n')

    const started = Date.now()
    const serve = await startPailServe(t, emu, callbackPort)
    teardown.push(async () => t.diagnostic(`pail serve ${await serve.stop()}`))
    // The window closes first (its event stream with it), as a person closes the tab before Ctrl+C.
    teardown.push(() => page.close())
    t.diagnostic(`pail serve printed its address after ${Date.now() - started} ms`)
    const j: Journey = { page, emu, serve, folder, uploads }

    /**
     * The first failed step that later steps need. A step that leaves nothing later steps build on
     * (`blocks: false`: the upload, Settings) fails alone.
     */
    let failed: string | null = null
    const step = (name: string, body: () => Promise<void>, { blocks = true } = {}): Promise<void> =>
      t.test(name, { timeout: 120_000 }, async () => {
        if (failed !== null) throw new Error(`Not run: it needs the step "${failed}", which failed`)
        const begun = Date.now()
        try {
          await body()
        } catch (error) {
          if (blocks) failed = name
          // Browser errors quote addresses; none of their secrets goes into the test's output.
          if (error instanceof Error) error.message = redactAddress(error.message)
          await screenshot(
            page,
            `failed-${name
              .replace(/[^a-z0-9]+/gi, '-')
              .toLowerCase()
              .slice(0, 40)}`,
          ).catch(() => undefined)
          throw error
        } finally {
          t.diagnostic(`${name}: ${Date.now() - begun} ms`)
        }
      })

    await step(
      'first run: the address pail serve printed opens the window, with "Sign in with Bitbucket"',
      async () => {
        try {
          await page.goto(serve.url)
        } catch (error) {
          // Not the error itself as the cause: its message carries the address with the secret.
          // eslint-disable-next-line preserve-caught-error
          throw new Error(redactAddress((error as Error).message))
        }
        assert.ok(!page.url().includes('s='), 'the address bar still carries the one-time secret')
        await visible(button(page, 'Sign in with Bitbucket'))
        await checkScreen(page, 'first-run-light')
        await page.emulateMedia({ colorScheme: 'dark' })
        await checkScreen(page, 'first-run-dark')
        await page.emulateMedia({ colorScheme: 'light' })
        // A mark on the window: had anything reloaded the page, it would be gone.
        await page.evaluate(() => ((globalThis as unknown as Record<string, boolean>).__pailJourneyMark = true))
      },
    )

    await step(
      'sign in: Bitbucket opens in a new tab, Grant access there, the Pail tab updates by itself',
      async () => {
        await signInThroughNewTab(j, 'Sign in with Bitbucket', 'sign-in')
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as Record<string, boolean>).__pailJourneyMark),
          true,
          'the Pail tab was reloaded: it must update by itself',
        )
      },
    )

    await step('Account shows the name and the permissions', async () => {
      await openScreen(page, 'Account')
      await visible(page.getByText(emu.info.user.displayName))
      await visible(page.getByText('Account: Read'))
      await visible(page.getByText('Repositories: Write'))
      await visible(button(page, 'Sign out'))
      await checkScreen(page, 'account-light')
    })

    await step('Repositories lists the workspace and its repositories', async () => {
      await openScreen(page, 'Repositories')
      await visible(page.getByRole('heading', { name: new RegExp(`^${emu.info.workspace}\\b`) }))
      await visible(page.getByText(REPOSITORY))
      await checkScreen(page, 'repositories-light')
    })

    await step(
      'Folders: "Add folder", its fields, "Preview" shows "3 files" and "3 KB", then "Start syncing"',
      async () => {
        await openScreen(page, 'Folders')
        await button(page, 'Add folder').click()
        await setField(page, 'Folder', folder)
        await setField(page, 'Repository', REPOSITORY)
        await setField(page, 'Branch', emu.info.repository.mainBranch)
        await setField(page, 'Path in repository', FOLDER_PATH_IN_REPO)
        await button(page, 'Preview').click()
        await waitUntilNoAlert(page, 'the preview', () => isShown(page.getByText(/\b3 files\b/)))
        await visible(page.getByText(/\b3 files\b/))
        await visible(page.getByText(/\b3 KB\b/))
        await checkScreen(page, 'folders-preview-light')
        await button(page, 'Start syncing').click()
        await waitUntilNoAlert(page, 'the folder to be added', () => isShown(button(page, 'Sync now')))
        await visible(button(page, 'Pause'))
        await checkScreen(page, 'folders-light')
      },
    )

    await step('History shows the first sync, with its commit link to a commit Bitbucket has', async () => {
      await openScreen(page, 'History')
      await visible(page.getByRole('searchbox', { name: 'Search history' }).or(page.getByLabel('Search history')))
      await waitUntilNoAlert(
        page,
        'a link to the first sync’s commit in History',
        async () => (await commitLinks(page)).length > 0,
      )
      const [link] = await commitLinks(page)
      const hash = hashOfLink(link!)
      assert.ok(
        link!.startsWith(`${emu.info.webUrl}/${REPOSITORY}/commits/`),
        `${link} is not the repository's commit page`,
      )
      await commitMessage(emu, hash)
      for (const [path, bytes] of Object.entries(FOLDER_FILES))
        assert.equal(await fileSize(emu, hash, `${FOLDER_PATH_IN_REPO}/${path}`), bytes, `${path} in the first sync`)
      assert.equal(await fileSize(emu, hash, `${FOLDER_PATH_IN_REPO}/.DS_Store`), null, 'litter was uploaded')
      await visible(page.getByText(/notes\.txt/))
      j.syncHash = hash
      await checkScreen(page, 'history-light')
    })

    await step(
      'Upload: two files (one of 24 MiB) through "Files", the progress bar moves, then the commit link',
      async () => {
        await openScreen(page, 'Upload')
        await page
          .getByLabel('Files', { exact: true })
          .setInputFiles([join(uploads, 'big.bin'), join(uploads, 'letter.txt')])
        await setField(page, 'Repository', REPOSITORY)
        await setField(page, 'Path in repository', UPLOAD_PATH_IN_REPO)
        await setField(page, 'Message', 'Minutes and the recording')
        await checkScreen(page, 'upload-light')
        const progress = await recordProgress(page)
        const cdp = await page.context().newCDPSession(page)
        await cdp.send('Network.enable')
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: 0,
          downloadThroughput: -1,
          uploadThroughput: UPLOAD_BYTES_PER_SECOND,
        })
        try {
          await button(page, 'Upload').click()
          // The bar while the bytes go (the slowed network gives it seconds); a screenshot of it.
          const bar = page.getByRole('progressbar')
          const uploaded = async (): Promise<boolean> =>
            (await commitLinks(page)).some((href) => !href.endsWith(`/${j.syncHash}`))
          await waitUntilNoAlert(page, 'the progress bar', async () => (await isShown(bar)) || (await uploaded()))
          if (await isShown(bar)) await screenshot(page, 'upload-progress-light')
          await waitUntilNoAlert(page, 'a link to the upload’s commit', uploaded, 60_000)
        } finally {
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: 0,
            downloadThroughput: -1,
            uploadThroughput: -1,
          })
          await cdp.detach()
        }
        const link = (await commitLinks(page)).find((href) => !href.endsWith(`/${j.syncHash}`))!
        assert.ok(
          link.startsWith(`${emu.info.webUrl}/${REPOSITORY}/commits/`),
          `${link} is not the repository's commit page`,
        )
        const hash = hashOfLink(link)
        assert.match(await commitMessage(emu, hash), /Minutes and the recording/)
        assert.equal(
          await fileSize(emu, hash, `${UPLOAD_PATH_IN_REPO}/big.bin`),
          BIG_FILE_BYTES,
          'big.bin in the upload',
        )
        assert.ok((await fileSize(emu, hash, `${UPLOAD_PATH_IN_REPO}/letter.txt`)) !== null, 'letter.txt in the upload')
        await checkScreen(page, 'upload-done-light')
        // The bar, last: what reached Bitbucket is known by then, whatever the bar did.
        const values = await progress()
        t.diagnostic(`progress bar values: ${values.join(', ')}`)
        assert.ok(
          new Set(values).size >= 3 && values.some((value) => value > 0 && value < 100),
          `the progress bar did not move with the bytes (values seen: ${values.join(', ') || 'none'})`,
        )
        const back = values.findIndex((value, i) => i > 0 && value < values[i - 1]!)
        assert.equal(
          back,
          -1,
          `the progress bar went back from ${values[back - 1]}% to ${values[back]}% (values seen: ${values.join(', ')})`,
        )
      },
      { blocks: false },
    )

    await step(
      'Settings shows',
      async () => {
        await openScreen(page, 'Settings')
        await visible(page.getByRole('heading', { name: 'Settings' }))
        await checkScreen(page, 'settings-light')
      },
      { blocks: false },
    )

    await step('Folders: "Pause", then "Resume"', async () => {
      await openScreen(page, 'Folders')
      await button(page, 'Pause').click()
      // Pausing offers "for 1 hour, or until resumed" (issue 9); when it asks, until resumed.
      const resume = button(page, 'Resume')
      const untilResumed = page
        .getByRole('button', { name: 'Until I resume' })
        .or(page.getByRole('menuitem', { name: 'Until I resume' }))
        .or(page.getByRole('radio', { name: 'Until I resume' }))
      await visible(resume.or(untilResumed))
      if (!(await isShown(resume))) {
        await checkScreen(page, 'folders-pause-choice-light')
        await untilResumed.first().click()
      }
      await visible(resume)
      await visible(page.getByText(/^Paused/))
      await checkScreen(page, 'folders-paused-light')
      await resume.click()
      await visible(button(page, 'Pause'))
      await waitUntil(
        'the folder to say it is no longer paused',
        async () => !(await isShown(page.getByText(/^Paused/))),
      )
    })

    await step(
      'a sign-in revoked on Bitbucket: the window shows the signed-out state with "Sign in", and the way back',
      async () => {
        const { revoked } = await emu.control<{ revoked: number }>('POST', '/tokens/revoke', {
          consumer: emu.info.publicConsumer.key,
        })
        assert.ok(revoked > 0, 'the emulator revoked nothing')
        // The person keeps working: a new file in the folder makes Pail talk to Bitbucket, which refuses.
        await writeFile(join(folder, 'after-revoke.txt'), 'written after the sign-in was revoked\n')
        await visible(button(page, 'Sign in'), 60_000)
        await checkScreen(page, 'signed-out-light')
        await page.emulateMedia({ colorScheme: 'dark' })
        await checkScreen(page, 'signed-out-dark')
        await page.emulateMedia({ colorScheme: 'light' })
        await signInThroughNewTab(j, 'Sign in', 'sign-in-again')
      },
    )

    await step('dark mode: every screen follows the system', async () => {
      await openScreen(page, 'Account')
      const light = await background(page)
      await page.emulateMedia({ colorScheme: 'dark' })
      await waitUntil('the window to turn dark', async () => (await background(page)) !== light, 5_000)
      // Each screen once its content is there (what the light steps found on it).
      const screens: [string, string, Locator][] = [
        ['Account', 'account', page.getByText('Repositories: Write')],
        ['Repositories', 'repositories', page.getByText(REPOSITORY)],
        ['Folders', 'folders', button(page, 'Sync now')],
        ['History', 'history', page.locator('a[href*="/commits/"]')],
        ['Upload', 'upload', page.getByLabel('Files', { exact: true })],
        ['Settings', 'settings', page.getByRole('heading', { name: 'Settings' })],
      ]
      for (const [screen, name, content] of screens) {
        await openScreen(page, screen)
        await visible(content)
        await checkScreen(page, `${name}-dark`)
      }
    })

    await step('the window threw no uncaught error', async () => {
      assert.deepEqual(pageErrors, [])
    })

    t.diagnostic(`screenshots in ${artifacts}: ${screenshots.join(', ')}`)
  },
)
