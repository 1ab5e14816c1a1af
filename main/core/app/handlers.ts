/**
 * Every channel of the contract, implemented once over the composed core. Payloads arrive checked
 * by their schemas (dispatch.ts); errors are thrown as the core's own errors or AppError, and
 * dispatch turns them into sentences. Every change the window shows is also pushed as an event.
 */
import { lstat, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Handlers } from '../../../shared/ipc/contract.js'
import type { AppInfo, RepositoryView, WorkspaceView } from '../../../shared/ipc/views.js'
import { appManifest } from '../app-info.js'
import { branchNames, writableRepositories, type RepositoryJson } from '../bitbucket/writable-repositories.js'
import { callbackUrl } from '../config/endpoints.js'
import { provisioningSchema } from '../config/provisioning.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { RULES_FILE } from '../sync/local/ignore-rules.js'
import { isPaused, type SyncPair } from '../sync/pairs/sync-pair.js'
import { HoldStore } from '../sync/pass/hold-store.js'
import { AppError } from './app-error.js'
import { checkConsumer, provisioningFile } from './consumer-check.js'
import { toUserError } from './dispatch.js'
import { browseFolders } from './folder-browser.js'
import { previewFolder } from './folder-preview.js'
import { matchesHistoryQuery, historyView } from './observed-history.js'
import type { CoreState } from './pail-core.js'

function unknownFolder(): AppError {
  return new AppError(
    'folders.unknown',
    'Pail does not sync this folder (any more).',
    'Look at the list of folders again: it may have been removed.',
  )
}

/**
 * Every handler, telling the core of its failures (a refused sign-in shows at once) and throwing
 * them in words for people (AppError), so the detail of an unexpected one reaches the core's log
 * whatever logger the shell gives dispatch.
 */
function watched(core: CoreState, handlers: Handlers): Handlers {
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([channel, handler]) => [
      channel,
      async (input: never) => {
        try {
          return await (handler as (input: never) => Promise<unknown>)(input)
        } catch (error) {
          core.afterFailure(error)
          const told = toUserError(error, core.logger, channel)
          throw new AppError(told.code, told.message, told.action)
        }
      },
    ]),
  )
  // Same channels, same functions' types: only a try/catch was put around each.
  return wrapped as unknown as Handlers
}

export function buildHandlers(core: CoreState): Handlers {
  return watched(core, channelHandlers(core))
}

function channelHandlers(core: CoreState): Handlers {
  const appInfo = (): AppInfo => ({
    name: appManifest.name,
    version: appManifest.version,
    shell: core.ports.shell,
    callbackUrl: callbackUrl(core.provisioning),
    webUrl: core.endpoints.webUrl,
    hasConsumer: core.provisioning.consumer !== undefined,
  })

  const pairOf = async (pairId: string): Promise<SyncPair> => {
    const pair = (await core.pairs.list()).find((p) => p.id === pairId)
    if (!pair) throw unknownFolder()
    return pair
  }

  /** The folder's view after a change, and every folder's pushed. */
  const changedFolder = async (pairId: string) => {
    core.foldersChanged()
    return core.folderViewOf(await pairOf(pairId))
  }

  const repositoryView = (repo: RepositoryJson, workspace: string): RepositoryView => {
    const slug = repo.slug ?? repo.full_name.split('/')[1] ?? repo.name
    return {
      workspace,
      slug,
      fullName: `${workspace}/${slug}`,
      name: repo.name,
      isPrivate: repo.is_private,
      mainBranch: repo.mainbranch?.name ?? null,
      link: repo.links?.html?.href ?? `${core.endpoints.webUrl}/${workspace}/${slug}`,
    }
  }

  const settingsChanged = async () => {
    const view = await core.settings.view()
    core.events.emit('settings:changed', view)
    return view
  }

  return {
    'app:get-info': async () => appInfo(),

    'auth:get-state': () => core.authState(),
    'auth:sign-in': async () => {
      if (!core.provisioning.consumer)
        throw new AppError(
          'auth.no-consumer',
          'Pail does not know which Bitbucket sign-in to use yet.',
          "Ask your admin for Pail's provisioning file and import it here.",
        )
      const waiting = await core.flow.start(core.auth)
      core.events.emit('auth:changed', waiting)
      return waiting
    },
    'auth:cancel-sign-in': async () => {
      core.flow.cancel()
      return core.authState()
    },
    'auth:sign-out': async () => {
      core.flow.cancel()
      await core.runner.stop()
      await core.auth.signOut()
      await core.authChanged(true)
      return core.authState()
    },
    'auth:import-provisioning': async ({ text }) => {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new AppError(
          'auth.provisioning-invalid',
          'This is not a provisioning file: it is not valid JSON.',
          'Ask your admin for a correct copy.',
        )
      }
      const parsed = provisioningSchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        const where = issue.path.length > 0 ? `“${issue.path.join('.')}”` : 'the file'
        throw new AppError(
          'auth.provisioning-invalid',
          `The provisioning file has a problem at ${where}: ${issue.message}.`,
          'Ask your admin for a correct copy.',
        )
      }
      await writeFileAtomic(join(core.ports.home, 'provisioning.json'), `${JSON.stringify(parsed.data, null, 2)}\n`)
      if ((core.ports.env ?? process.env).PAIL_PROVISIONING?.trim())
        core.logger.warn('app.provisioning-overridden', {
          note: 'PAIL_PROVISIONING names another file, which the next start reads instead of the imported one',
        })
      // A sign-in waiting with the old consumer holds the callback port: let it go first.
      core.flow.cancel()
      await core.loadAuth(parsed.data)
      await core.authChanged(true)
      return appInfo()
    },

    // The provisioning in force is read at each call: one imported meanwhile gives its callback and addresses.
    'admin:check-consumer': (request) => checkConsumer(core, request),
    'admin:build-provisioning': (request) => provisioningFile(core, request),

    'repos:list': async () => {
      const listed = await writableRepositories(await core.requireSession())
      return listed.map(({ workspace, repositories }): WorkspaceView => ({
        slug: workspace,
        repositories: repositories.map((repo) => repositoryView(repo, workspace)),
      }))
    },
    'repos:list-branches': async ({ workspace, repository }) =>
      branchNames(await core.requireSession(), { workspace, repository }),

    'folders:list': () => core.folderViews(),
    'folders:preview': async (target) =>
      previewFolder({ pairs: core.pairs, session: await core.requireSession(), guard: core.guard }, target),
    'folders:add': async (target) => {
      await core.requireSession()
      const pair = await core.pairs.add(target)
      await core.runner.pairsChanged()
      return changedFolder(pair.id)
    },
    'folders:remove': async ({ pairId }) => {
      const pair = await pairOf(pairId)
      await core.pairs.remove(pair.id)
      await core.runner.pairsChanged()
      core.foldersChanged()
      return core.folderViews()
    },
    'folders:sync-now': async ({ pairId }) => {
      const pair = await pairOf(pairId)
      if (await core.settings.pausedAll())
        throw new AppError(
          'folders.paused-all',
          'Everything is paused, so Pail does not sync now.',
          'Resume everything first (in Settings).',
        )
      // A paused folder stays paused: "Sync now" answers it as it is.
      if (isPaused(pair, core.clock.now())) return core.folderViewOf(pair)
      const service = await core.serviceFor()
      const watching = core.runner.watching
      const result = await service.syncNow(pair.id)
      if (result && !watching) core.passEnded(result)
      return changedFolder(pair.id)
    },
    'folders:pause': async ({ pairId, until }) => {
      const pair = await pairOf(pairId)
      await core.pairs.pause(pair.id, until)
      return changedFolder(pair.id)
    },
    'folders:resume': async ({ pairId }) => {
      const pair = await pairOf(pairId)
      await core.pairs.resume(pair.id)
      // The watch sees the pair resumed at its next pass; ask for one now.
      if (core.runner.watching) void core.serviceFor().then((service) => service.syncNow(pair.id))
      return changedFolder(pair.id)
    },
    'folders:answer-hold': async ({ pairId, choice }) => {
      const pair = await pairOf(pairId)
      await new HoldStore(join(core.ports.home, 'pairs', pair.id), core.logger).resolve(choice)
      // The answer is applied by the next pass: run it now, in the background.
      void core
        .serviceFor()
        .then(async (service) => {
          const watching = core.runner.watching
          const result = await service.syncNow(pair.id)
          if (result && !watching) core.passEnded(result)
        })
        .catch((error: unknown) => core.logger.warn('app.hold-pass-failed', { error: (error as Error).message }))
      return changedFolder(pair.id)
    },
    'folders:choose': async () => {
      if (!core.ports.chooseFolder)
        throw new AppError(
          'folders.no-chooser',
          'There is no folder dialog here.',
          'Use the folder browser below, or type the folder’s full path.',
        )
      return core.ports.chooseFolder()
    },
    'folders:browse': ({ path }) => browseFolders(core.guard, path),
    'folders:get-ignore-rules': async ({ pairId }) => {
      const pair = await pairOf(pairId)
      const file = join(pair.folder, RULES_FILE)
      const info = await lstat(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null
        throw error
      })
      if (!info) return ''
      if (!info.isFile())
        throw new AppError(
          'folders.ignore-rules-unusable',
          `${file} is not a plain file, so Pail does not read or change it.`,
          'Replace it with a plain text file.',
        )
      return readFile(file, 'utf8')
    },
    'folders:set-ignore-rules': async ({ pairId, text }) => {
      const pair = await pairOf(pairId)
      const file = join(pair.folder, RULES_FILE)
      const info = await lstat(file).catch(() => null)
      if (info && !info.isFile())
        throw new AppError(
          'folders.ignore-rules-unusable',
          `${file} is not a plain file, so Pail does not change it.`,
          'Replace it with a plain text file.',
        )
      // Replacing (not writing through) the file: a link put in its place is replaced, never followed.
      await writeFileAtomic(file, text, { mode: 0o644 })
      return text
    },

    'history:list': async ({ query, pairId, outcome, limit }) => {
      const who = (await core.liveSession())?.tokens.current.displayName ?? null
      const entries = (await core.history.list(1000)).filter((e) => matchesHistoryQuery(e, { query, pairId, outcome }))
      return entries.slice(0, limit ?? 200).map((e) => historyView(e, who))
    },

    'upload:start': async (request) => core.uploads.start(await core.requireSession(), request),

    'settings:get': () => core.settings.view(),
    'settings:update': async (change) => {
      await core.settings.update(change)
      await core.refreshTemplate()
      return settingsChanged()
    },
    'settings:pause-all': async ({ until }) => {
      await core.settings.pauseAll(until)
      await core.followAuth()
      return settingsChanged()
    },
    'settings:resume-all': async () => {
      await core.settings.resumeAll()
      await core.followAuth()
      return settingsChanged()
    },
  }
}
