/**
 * The tray presenter against a fake view and a core of fake handlers with the real event bus:
 * what it shows first, that every change of the menu is set again (and only then), the icon
 * throttled, each item reaching the core's handlers or the shell, failures told, events during
 * the first reads kept, and nothing after dispose.
 */
import assert from 'node:assert/strict'
import { afterEach, test, mock } from 'node:test'
import { channelNames, type Handlers } from '../../../../../shared/ipc/contract.js'
import type { AuthState, SettingsView } from '../../../../../shared/ipc/views.js'
import { AppError } from '../../../../../main/core/app/app-error.js'
import { AppEventBus } from '../../../../../main/core/app/events.js'
import type { TrayIconState } from '../../../../../main/core/tray/tray-icon.js'
import type { TrayMenu, TrayMenuItem } from '../../../../../main/core/tray/tray-menu-model.js'
import { startTrayPresenter, type TrayShell } from '../../../../../main/core/tray/tray-presenter.js'
import { folder, formatTime, NOW, upload } from './tray-fixtures.js'

const account = {
  displayName: 'Alex',
  nickname: 'alex',
  kind: 'oauth',
  kindWords: 'your Bitbucket account',
  permissions: [],
  features: [],
  renewedAt: null,
  expiresAt: null,
} as unknown as Extract<AuthState, { status: 'signed-in' }>['account']
const settings: SettingsView = { launchAtLogin: null, notifications: true, commitMessageTemplate: '', pausedAll: false }

/** Handlers that record their calls; any not given here fails the test when called. */
function fakeCore(given: Partial<Handlers> = {}) {
  const calls: [string, unknown][] = []
  const overrides: Partial<Handlers> = {
    'auth:get-state': async () => ({ status: 'signed-in', account }),
    'folders:list': async () => [folder()],
    'history:list': async () => [upload('u1', NOW - 3600_000)],
    'settings:get': async () => settings,
    ...given,
  }
  const handlers = Object.fromEntries(
    channelNames.map((name) => [
      name,
      async (input: unknown) => {
        calls.push([name, input])
        const own = overrides[name] as ((input: unknown) => Promise<unknown>) | undefined
        if (!own) throw new Error(`${name} was not expected`)
        return own(input)
      },
    ]),
  ) as unknown as Handlers
  return { core: { handlers, events: new AppEventBus() }, calls }
}

/** A view that records what it was told, and the latest menu's choose function. */
function fakeView() {
  const log: string[] = []
  const menus: TrayMenu[] = []
  let choose: (item: TrayMenuItem) => void = () => assert.fail('no menu yet')
  return {
    log,
    menus,
    choose: (id: string) => {
      const item = menus.at(-1)!.items.find((i) => i.id === id)
      assert.ok(item, `no ${id} in the menu`)
      choose(item)
    },
    view: {
      setIcon: (state: TrayIconState) => log.push(`icon ${state}`),
      setMenu: (menu: TrayMenu, c: (item: TrayMenuItem) => void) => {
        log.push(`menu ${menu.items[0]!.label}`)
        menus.push(menu)
        choose = c
      },
      setTooltip: (tooltip: string) => log.push(`tooltip ${tooltip}`),
    },
  }
}

function fakeShell(): TrayShell & { done: string[] } {
  const done: string[] = []
  return {
    done,
    openWindow: () => done.push('window'),
    openUpload: () => done.push('upload'),
    openLink: async (url) => {
      done.push(`link ${url}`)
      return true
    },
    quit: () => done.push('quit'),
  }
}

/** Waits for `condition`, polling, at most a second. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 1000
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

const start = (
  core: ReturnType<typeof fakeCore>['core'],
  view: ReturnType<typeof fakeView>,
  shell = fakeShell(),
  platform: NodeJS.Platform = 'linux',
) => startTrayPresenter({ core, view: view.view, shell, platform, now: () => NOW, formatTime, iconThrottleMs: 200 })

afterEach(() => mock.timers.reset())

test('first the icon, then the menu and the tooltip, from what the core answers', async () => {
  const { core } = fakeCore()
  const view = fakeView()
  await start(core, view)
  assert.deepEqual(view.log, ['icon up-to-date', 'menu Up to date · 1 folder', 'tooltip Pail: Up to date · 1 folder'])
  assert.deepEqual(
    view.menus[0]!.items.filter((i) => i.action === 'open-commit').map((i) => i.link),
    ['https://bitbucket.org/pail-demo/handbook/commits/u1'],
  )
})

test('every change of the menu is set again; a push that changes nothing is not', async () => {
  const { core } = fakeCore()
  const view = fakeView()
  await start(core, view)
  core.events.emit('folders:changed', [folder(), folder({ id: '0123abce' })])
  assert.equal(view.menus.at(-1)!.items[0]!.label, 'Up to date · 2 folders')
  assert.equal(view.menus.length, 2)
  core.events.emit('folders:changed', [folder(), folder({ id: '0123abce' })])
  assert.equal(view.menus.length, 2)
  core.events.emit('history:changed', upload('u2', NOW))
  assert.equal(view.menus.length, 3)
  assert.deepEqual(
    view.menus
      .at(-1)!
      .items.filter((i) => i.action === 'open-commit')
      .map((i) => i.id),
    ['recent-u2', 'recent-u1'],
  )
  core.events.emit('auth:changed', { status: 'signed-out', reason: null })
  assert.ok(view.menus.at(-1)!.items.some((i) => i.id === 'sign-in'))
})

test('the icon swaps at most every 200 ms, ending on the latest state', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW })
  const { core } = fakeCore()
  const view = fakeView()
  await start(core, view)
  core.events.emit('folders:changed', [folder({ state: 'syncing' })])
  core.events.emit('folders:changed', [folder({ state: 'error' })])
  core.events.emit('folders:changed', [folder({ state: 'syncing' })])
  assert.deepEqual(
    view.log.filter((l) => l.startsWith('icon')),
    ['icon up-to-date'],
  )
  mock.timers.tick(200)
  assert.deepEqual(
    view.log.filter((l) => l.startsWith('icon')),
    ['icon up-to-date', 'icon syncing'],
  )
  assert.equal(view.menus.length, 4, 'the menu itself follows every change')
})

test('Sign in… asks the core, and opens no window', async () => {
  const { core, calls } = fakeCore({
    'auth:get-state': async () => ({ status: 'signed-out', reason: null }),
    'auth:sign-in': async () => ({ status: 'waiting-for-browser', authorizationUrl: 'https://x', startedAt: 1 }),
  })
  const view = fakeView()
  const shell = fakeShell()
  await start(core, view, shell)
  view.choose('sign-in')
  await until(() => calls.some(([name]) => name === 'auth:sign-in'), 'auth:sign-in')
  assert.deepEqual(shell.done, [])
})

test('the items reach the handlers with their payloads, and the shell', async () => {
  const { core, calls } = fakeCore({
    'settings:pause-all': async () => settings,
    'folders:sync-now': async () => folder(),
    'auth:sign-out': async () => ({ status: 'signed-out', reason: null }),
  })
  const view = fakeView()
  const shell = fakeShell()
  await start(core, view, shell)
  for (const id of ['pause-hour', 'sync-now', 'sign-out', 'upload', 'open-window', 'recent-u1', 'quit']) view.choose(id)
  await until(() => calls.length >= 7 && shell.done.length === 4, 'every item')
  assert.deepEqual(calls.slice(4), [
    ['settings:pause-all', { until: NOW + 3600_000 }],
    ['folders:sync-now', { pairId: '0123abcd' }],
    ['auth:sign-out', undefined],
  ])
  assert.deepEqual(shell.done, ['upload', 'window', 'link https://bitbucket.org/pail-demo/handbook/commits/u1', 'quit'])
})

test("a request that fails is told in the core's words; by default the window opens", async () => {
  const refused = async () => {
    throw new AppError('folders.paused-all', 'Everything is paused, so Pail does not sync now.', 'Resume first.')
  }
  const told: string[] = []
  const { core } = fakeCore({ 'folders:sync-now': refused })
  const view = fakeView()
  await start(core, view, { ...fakeShell(), onActionFailed: (error) => told.push(error.message) })
  view.choose('sync-now')
  await until(() => told.length > 0, 'the failure')
  assert.deepEqual(told, ['Everything is paused, so Pail does not sync now.'])
  const plain = fakeShell()
  const other = fakeView()
  await start(fakeCore({ 'folders:sync-now': refused }).core, other, plain)
  other.choose('sync-now')
  await until(() => plain.done.length > 0, 'the window')
  assert.deepEqual(plain.done, ['window'])
})

test('an event during the first reads wins over their older answer', async () => {
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => (release = resolve))
  const { core } = fakeCore({
    'folders:list': async () => {
      await gate
      return [folder()]
    },
  })
  const view = fakeView()
  const started = start(core, view)
  await new Promise((resolve) => setImmediate(resolve))
  core.events.emit('folders:changed', [folder({ state: 'syncing' })])
  release()
  await started
  assert.equal(view.menus[0]!.items[0]!.label, 'Syncing…')
})

test('a click opens the window on Windows; after dispose nothing is applied and no listener is left', async () => {
  const { core } = fakeCore()
  const view = fakeView()
  const shell = fakeShell()
  const presenter = await start(core, view, shell, 'win32')
  presenter.click()
  await until(() => shell.done.length > 0, 'the click')
  assert.deepEqual(shell.done, ['window'])
  presenter.dispose()
  const before = view.log.length
  core.events.emit('folders:changed', [])
  assert.equal(view.log.length, before)
  for (const name of ['auth:changed', 'folders:changed', 'settings:changed', 'history:changed'] as const)
    assert.equal(core.events.listenerCount(name), 0, name)
  const linux = fakeShell()
  ;(await start(fakeCore().core, fakeView(), linux, 'linux')).click()
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(linux.done, [])
})

test('a disabled item does nothing (macOS shows top-level items enabled whatever they say)', async () => {
  const { core, calls } = fakeCore({ 'auth:get-state': async () => ({ status: 'signed-out', reason: null }) })
  const view = fakeView()
  const shell = fakeShell()
  await start(core, view, shell)
  view.choose('sync-now')
  view.choose('upload')
  view.choose('open-window')
  await until(() => shell.done.length > 0, 'Open Pail')
  assert.deepEqual(shell.done, ['window'])
  assert.equal(calls.length, 4, 'only the first reads')
})
