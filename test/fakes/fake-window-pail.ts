/**
 * A fake `window.pail` for looking at the screens in a real browser before the core exists: it
 * answers every channel of the contract from fixtures (pail-fixtures.ts), keeps what the window
 * changes (folders added, paused, settings), and pushes events as the core would. Tests drive it
 * through `window.pailFake` (emit an event, change the sign-in, read the calls made).
 *
 * `fakeWindowPail` runs in the page (Playwright `addInitScript`), so it is self-contained: it uses
 * nothing from outside its body but its argument. The method and listener names come from the
 * contract (`fakePailArgument`), so the fake serves exactly the contract's channels.
 */
import { channelNames, eventNames, listenerName, methodName } from '../../shared/ipc/contract.js'
import type { AuthState } from '../../shared/ipc/views.js'
import type { PailFixtures } from './pail-fixtures.js'

/** What the page gets: the fixtures and the contract's names. */
export interface FakePailArgument {
  fixtures: PailFixtures
  methods: string[]
  listeners: { event: string; listener: string }[]
}

/** The argument for `fakeWindowPail`, from fixtures. */
export function fakePailArgument(fixtures: PailFixtures): FakePailArgument {
  return {
    fixtures,
    methods: channelNames.map((name) => methodName(name)),
    listeners: eventNames.map((event) => ({ event, listener: listenerName(event) })),
  }
}

/** Installs the fake in the page. Runs in the browser; self-contained. */
export function fakeWindowPail({ fixtures, methods, listeners }: FakePailArgument): void {
  type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; action?: string } }
  type Handler = (input: never) => unknown
  const win = window as unknown as Record<string, unknown>
  const f = structuredClone(fixtures)
  const subscribers = new Map<string, Set<(payload: unknown) => void>>()
  const calls: { method: string; input: unknown }[] = []
  const emit = (event: string, payload: unknown): void => {
    for (const listener of subscribers.get(event) ?? []) listener(structuredClone(payload))
  }
  const initial: Record<PailFixtures['start'], AuthState> = {
    'signed-in': { status: 'signed-in', account: f.account },
    'signed-out': { status: 'signed-out', reason: null },
    waiting: {
      status: 'waiting-for-browser',
      authorizationUrl: `${f.info.webUrl}/site/oauth2/authorize?client_id=demo`,
      startedAt: f.now,
    },
    expired: {
      status: 'expired',
      reason: 'Bitbucket no longer accepts your sign-in: it was withdrawn. Sign in again to carry on.',
      account: { displayName: f.account.displayName, kindWords: f.account.kindWords },
    },
  }
  let auth: AuthState = initial[f.start]
  const setAuth = (next: AuthState): AuthState => {
    auth = next
    emit('auth:changed', auth)
    return auth
  }
  const folder = (pairId: string) => f.folders.find((x) => x.id === pairId)
  const changedFolder = (pairId: string, change: (x: PailFixtures['folders'][number]) => void) => {
    const found = folder(pairId)
    if (!found) return { ok: false, error: { code: 'folders.unknown', message: 'Pail has no such folder.' } } as Answer
    change(found)
    emit('folders:changed', f.folders)
    return { ok: true, value: found } as Answer
  }
  let uploads = 0
  const handlers: Record<string, Handler> = {
    appGetInfo: () => f.info,
    authGetState: () => auth,
    authSignIn: () => setAuth(initial.waiting),
    authCancelSignIn: () => setAuth(initial['signed-out']),
    authSignOut: () => setAuth(initial['signed-out']),
    authImportProvisioning: () => ({ ...f.info, hasConsumer: true }),
    adminCheckConsumer: ({ secret }: { secret: string }) =>
      secret === 'not-the-secret' ? f.consumerCheck.failing : f.consumerCheck.passing,
    adminBuildProvisioning: ({ key, secret, repository }: { key: string; secret: string; repository?: string }) => {
      if (secret === 'not-the-secret')
        return {
          ok: false,
          error: {
            code: 'admin.check-failed',
            message: 'Pail did not make the provisioning file: the check found something to fix.',
          },
        } as Answer
      const [workspace, slug] = (repository ?? '').split('/')
      const file = { consumer: { key, secret }, ...(slug ? { defaultRepository: { workspace, slug } } : {}) }
      return {
        fileName: 'provisioning.json',
        text: `${JSON.stringify(file, null, 2)}\n`,
        check: f.consumerCheck.passing,
      }
    },
    reposList: () => f.workspaces,
    reposListBranches: () => f.branches,
    foldersList: () => f.folders,
    foldersPreview: (target: never) => ({ ...f.preview, target }),
    foldersAdd: (target: { folder: string }) => {
      const added = {
        ...f.folders[0]!,
        ...(target as object),
        id: (0x10000000 + f.folders.length).toString(16),
        state: 'syncing' as const,
        message: 'Saving to Bitbucket for the first time…',
        lastSyncAt: null,
        lastCommit: null,
        skipped: [],
        skippedCount: 0,
      }
      f.folders.push(added)
      emit('folders:changed', f.folders)
      return added
    },
    foldersRemove: ({ pairId }: { pairId: string }) => {
      f.folders = f.folders.filter((x) => x.id !== pairId)
      emit('folders:changed', f.folders)
      return f.folders
    },
    foldersSyncNow: ({ pairId }: { pairId: string }) => changedFolder(pairId, (x) => (x.state = 'syncing')),
    foldersPause: ({ pairId, until }: { pairId: string; until: number | null }) =>
      changedFolder(pairId, (x) => {
        x.paused = { until }
        x.state = 'paused'
      }),
    foldersResume: ({ pairId }: { pairId: string }) =>
      changedFolder(pairId, (x) => {
        x.paused = null
        x.state = 'up-to-date'
      }),
    foldersAnswerHold: ({ pairId }: { pairId: string }) =>
      changedFolder(pairId, (x) => {
        x.hold = null
        x.state = 'syncing'
      }),
    foldersChoose: () => '/home/alice/Documents/Chosen',
    foldersBrowse: ({ path }: { path?: string }) =>
      path && path !== f.listing.path
        ? { path, parent: f.listing.path, folders: [{ name: 'Reports', path: `${path}/Reports` }] }
        : f.listing,
    foldersGetIgnoreRules: () => '# Files Pail leaves out\n*.tmp\ndrafts/\n',
    foldersSetIgnoreRules: ({ text }: { text: string }) => text,
    historyList: ({ query, outcome }: { query?: string; outcome?: string }) =>
      f.history.filter(
        (h) =>
          (!outcome || h.outcome === outcome) &&
          (!query || JSON.stringify(h.files).toLowerCase().includes(query.toLowerCase())),
      ),
    uploadStart: () => {
      const uploadId = `u${++uploads}`
      const total = 25_165_824
      let sent = 0
      const step = (): void => {
        sent = Math.min(total, sent + total / 4)
        const done =
          sent >= total
            ? {
                commit: {
                  hash: 'c0ffee0123456789abcdef0123456789abcdef01',
                  link: `${f.info.webUrl}/acme/reports/commits/c0ffee0123456789abcdef0123456789abcdef01`,
                },
              }
            : null
        emit('upload:progressed', { uploadId, bytesSent: sent, bytesTotal: total, currentPath: 'brochure.pdf', done })
        if (!done) setTimeout(step, 150)
      }
      setTimeout(step, 150)
      return { uploadId }
    },
    settingsGet: () => f.settings,
    settingsUpdate: (change: object) => {
      f.settings = { ...f.settings, ...change }
      emit('settings:changed', f.settings)
      return f.settings
    },
    settingsPauseAll: ({ until }: { until: number | null }) => {
      f.settings = { ...f.settings, pausedAll: { until } }
      emit('settings:changed', f.settings)
      return f.settings
    },
    settingsResumeAll: () => {
      f.settings = { ...f.settings, pausedAll: false }
      emit('settings:changed', f.settings)
      return f.settings
    },
  }
  const api: Record<string, unknown> = {}
  for (const method of methods) {
    api[method] = async (input: never): Promise<Answer> => {
      calls.push({ method, input })
      const handler = handlers[method]
      if (!handler)
        return { ok: false, error: { code: 'fake.unanswered', message: `The fake has no answer for ${method}.` } }
      const value = handler(input)
      // Some handlers answer a whole Result (an unknown folder); the rest answer a value.
      const answer =
        typeof value === 'object' && value !== null && 'ok' in value ? (value as Answer) : { ok: true, value }
      return structuredClone(answer) as Answer
    }
  }
  for (const { event, listener } of listeners) {
    api[listener] = (callback: (payload: unknown) => void) => {
      let set = subscribers.get(event)
      if (!set) subscribers.set(event, (set = new Set()))
      set.add(callback)
      return () => set.delete(callback)
    }
  }
  api.prepareUpload = async (files: { size: number }[], onProgress?: (sent: number, total: number) => void) => {
    const total = files.reduce((sum, file) => sum + file.size, 0)
    onProgress?.(0, total)
    onProgress?.(total, total)
    return { ok: true, value: { kind: 'staged', stagingId: '0123456789abcdef0123456789abcdef' } }
  }
  win.pail = api
  win.pailFake = { emit, setAuth, calls, initial }
}
