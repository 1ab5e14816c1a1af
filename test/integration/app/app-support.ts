/**
 * The window's core (createPailCore) against a running emulator: a fresh Pail home whose
 * provisioning names the emulator's public consumer on a free callback port, a consent robot as
 * the browser, and a record of every event the core pushes, with waiting for one (a deadline,
 * never a sleep).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { EventChannels, EventName } from '../../../shared/ipc/contract.js'
import { createPailCore, dispatch, type PailCore, type PailCorePorts } from '../../../main/core/app/index.js'
import type { Result } from '../../../shared/result.js'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'
import type { EmulatorSettings } from '../../emulator/settings.js'
import { consentRobot } from '../../support/consent-robot.js'
import { freePort } from '../../support/net.js'

export interface AppFixture {
  emu: RunningEmulator
  core: PailCore
  home: string
  /** The provisioning file's text (in the home unless `withoutProvisioning`). */
  provisioning: string
  /** A folder outside the home, for pairing. */
  root: string
  /** Every event pushed so far, in order. */
  seen: { name: EventName; payload: unknown }[]
  /** The channel through dispatch, as a shell calls it. */
  call(channel: string, payload?: unknown): Promise<Result<unknown>>
  /** The channel's answer; throws with the error's sentence when it fails. */
  value<T>(channel: string, payload?: unknown): Promise<T>
  /** Waits for an event (pushed from now on, or already seen when `since` is given) that `match` accepts. */
  event<K extends EventName>(
    name: K,
    match: (payload: EventChannels[K]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<EventChannels[K]>
  /** Signs in through the consent page and waits for `auth:changed` signed in. */
  signIn(): Promise<void>
}

export async function appFixture(
  t: TestContext,
  options: {
    settings?: Partial<EmulatorSettings>
    ports?: Partial<PailCorePorts>
    button?: 'grant' | 'deny'
    withoutProvisioning?: boolean
  } = {},
): Promise<AppFixture> {
  const port = await freePort()
  const emu = await useEmulator(t, options.settings ?? {}, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  const home = await mkdtemp(join(tmpdir(), 'pail-app-home-'))
  const root = await mkdtemp(join(tmpdir(), 'pail-app-folders-'))
  const started: PailCore[] = []
  // One hook, in this order: the core stops (its last pass and status writes end) before its
  // folders go; with separate hooks the folders could go first (ENOTEMPTY while it still writes).
  t.after(async () => {
    for (const core of started) await core.close()
    await rm(home, { recursive: true, force: true })
    await rm(root, { recursive: true, force: true })
  })
  await mkdir(home, { recursive: true })
  const provisioning = JSON.stringify({
    consumer: { key: emu.info.publicConsumer.key, secret: emu.info.publicConsumer.secret },
    callback: { port, path: '/pail/callback' },
    webUrl: emu.info.webUrl,
    apiUrl: emu.info.apiUrl,
  })
  if (!options.withoutProvisioning) await writeFile(join(home, 'provisioning.json'), provisioning)
  const core = await createPailCore({
    home,
    shell: 'headless',
    env: {},
    opener: consentRobot(options.button ?? 'grant'),
    launchAtLogin: null,
    watchTuning: { pollMs: 1000, quietMs: 200 },
    ...options.ports,
  })
  started.push(core)
  const seen: AppFixture['seen'] = []
  const waiters = new Set<() => void>()
  for (const name of [
    'auth:changed',
    'folders:changed',
    'history:changed',
    'upload:progressed',
    'settings:changed',
  ] as const)
    core.events.on(name, (payload) => {
      seen.push({ name, payload })
      for (const wake of [...waiters]) wake()
    })
  const fixture: AppFixture = {
    emu,
    core,
    home,
    provisioning,
    root,
    seen,
    call: (channel, payload) => dispatch(core.handlers, channel, payload),
    async value<T>(channel: string, payload?: unknown): Promise<T> {
      const result = await fixture.call(channel, payload)
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`)
      return result.value as T
    },
    event(name, match, what, timeoutMs = 30_000) {
      const from = seen.length
      const waited = new Promise<EventChannels[typeof name]>((resolve, reject) => {
        let next = from
        const look = (): boolean => {
          for (; next < seen.length; next++) {
            const e = seen[next]!
            if (e.name === name && match(e.payload as EventChannels[typeof name])) {
              resolve(e.payload as EventChannels[typeof name])
              return true
            }
          }
          return false
        }
        const wake = (): void => {
          if (look()) finish()
        }
        const timer = setTimeout(() => {
          finish()
          reject(new Error(`timed out waiting for ${name}: ${what}`))
        }, timeoutMs)
        const finish = (): void => {
          clearTimeout(timer)
          waiters.delete(wake)
        }
        waiters.add(wake)
      })
      // A wait the test never reaches (it failed before) must not fail the run later.
      waited.catch(() => undefined)
      return waited
    },
    async signIn() {
      const signedIn = fixture.event('auth:changed', (s) => s.status === 'signed-in', 'signed in')
      await fixture.value('auth:sign-in')
      await signedIn
    },
  }
  return fixture
}
