/**
 * The window's settings, kept in Pail's settings file beside the pairs: notifications, the commit
 * message template (which the sync service uses), "pause everything"; launch at login lives in the
 * desktop's own login items (the port), null where there is none.
 */
import { z } from 'zod'
import type { SettingsView } from '../../../shared/ipc/views.js'
import type { SettingsStore } from '../settings/settings-store.js'
import { DEFAULT_TEMPLATE } from '../sync/pass/commit-message.js'
import type { LaunchAtLoginPort } from './ports.js'

/** What the window keeps under `app` in settings.json. */
const appSettingsSchema = z.object({
  notifications: z.boolean().default(true),
  pausedAll: z.object({ until: z.number().nullable() }).nullable().default(null),
})
type AppSettings = z.infer<typeof appSettingsSchema>

export interface SettingsChange {
  launchAtLogin?: boolean | undefined
  notifications?: boolean | undefined
  commitMessageTemplate?: string | undefined
}

function appSettingsOf(data: Record<string, unknown>): AppSettings {
  // A hand-edited value Pail cannot read counts as the default; the next change writes it afresh.
  const parsed = appSettingsSchema.safeParse(data.app ?? {})
  return parsed.success ? parsed.data : appSettingsSchema.parse({})
}

export class AppSettingsStore {
  constructor(
    private readonly store: SettingsStore,
    private readonly launchAtLogin: LaunchAtLoginPort | null,
    private readonly now: () => number,
  ) {}

  async view(): Promise<SettingsView> {
    const data = await this.store.read()
    const app = appSettingsOf(data)
    return {
      launchAtLogin: this.launchAtLogin ? await this.launchAtLogin.get() : null,
      notifications: app.notifications,
      commitMessageTemplate: data.commitMessageTemplate ?? DEFAULT_TEMPLATE,
      pausedAll: this.activePause(app.pausedAll),
    }
  }

  /** The commit message template, as the sync service takes it (commit-message.ts). */
  async messageTemplate(): Promise<string> {
    return (await this.store.read()).commitMessageTemplate ?? DEFAULT_TEMPLATE
  }

  /** Whether everything is paused now, and until when. */
  async pausedAll(): Promise<{ until: number | null } | false> {
    return this.activePause(appSettingsOf(await this.store.read()).pausedAll)
  }

  async update(change: SettingsChange): Promise<SettingsView> {
    if (change.launchAtLogin !== undefined && this.launchAtLogin) await this.launchAtLogin.set(change.launchAtLogin)
    await this.store.update((data) => {
      const app = appSettingsOf(data)
      if (change.notifications !== undefined) app.notifications = change.notifications
      if (change.commitMessageTemplate !== undefined) {
        const template = change.commitMessageTemplate.trim()
        if (template === '' || template === DEFAULT_TEMPLATE) delete data.commitMessageTemplate
        else data.commitMessageTemplate = change.commitMessageTemplate
      }
      data.app = app
    })
    return this.view()
  }

  async pauseAll(until: number | null): Promise<SettingsView> {
    await this.store.update((data) => {
      data.app = { ...appSettingsOf(data), pausedAll: { until } }
    })
    return this.view()
  }

  async resumeAll(): Promise<SettingsView> {
    await this.store.update((data) => {
      data.app = { ...appSettingsOf(data), pausedAll: null }
    })
    return this.view()
  }

  private activePause(paused: AppSettings['pausedAll']): { until: number | null } | false {
    if (!paused) return false
    if (paused.until !== null && paused.until <= this.now()) return false
    return { until: paused.until }
  }
}
