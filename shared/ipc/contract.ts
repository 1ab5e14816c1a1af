/**
 * The typed contract between the window and the core, reviewed like an API (style-anchors.md §7.3).
 *
 * Every request the window makes is a channel here, with a zod schema for its payload (checked by
 * the core's side before anything reaches core code) and the type of its answer; every event the
 * core pushes is listed with its payload. Both shells serve exactly these channels — the Electron
 * shell over IPC (main/preload, main/electron/ipc), `pail serve` over HTTP and server-sent events —
 * and the renderer sees them as `window.pail`: one named method per channel, `onX` per event.
 * Renaming or removing a channel fails the type check of the preload, the Electron handlers, the
 * HTTP server and the renderer alike.
 *
 * Channels are `area:verb-noun`; events are `area:past-participle`.
 */
import { z } from 'zod'
import type { Result } from '../result.js'
import type {
  AppInfo,
  AuthState,
  ConsumerCheckView,
  FolderListing,
  FolderPreview,
  FolderView,
  HistoryView,
  ProvisioningFileView,
  SettingsView,
  UploadProgress,
  WorkspaceView,
} from './views.js'

/** A channel: its payload's schema, and (as a type only) its answer. */
export interface Channel<I extends z.ZodType, O> {
  input: I
  /** Never set: carries the answer's type. */
  output?: O
}

function channel<O>(): <I extends z.ZodType>(input: I) => Channel<I, O> {
  return (input) => ({ input })
}

const none = z.undefined()
const text = (max: number) => z.string().max(max)
const pairId = z.object({ pairId: z.string().regex(/^[0-9a-f]{8}$/, 'is not a folder id') })
/** Where a folder goes; the core checks names and paths in full (shared/bitbucket/names.ts). */
const target = z.object({
  folder: text(4096).min(1, 'Choose a folder.'),
  workspace: text(200).min(1, 'Choose a repository.'),
  repository: text(200).min(1, 'Choose a repository.'),
  branch: text(250).min(1, 'Write the branch name.'),
  pathInRepo: text(1024),
})

/**
 * The OAuth consumer an admin checks (`admin:*`): its key and secret as Bitbucket shows them, and
 * optionally the default repository ("workspace/repository") and branch for the provisioning file.
 * The secret is never logged, echoed back or put in an error.
 */
const consumerCheck = z.object({
  key: text(200).min(1, 'Write the consumer’s key.'),
  secret: text(500).min(1, 'Write the consumer’s secret.'),
  repository: text(401).optional(),
  branch: text(250).optional(),
})

/** What a manual upload sends: paths on this computer (desktop) or files staged by `pail serve`. */
export const uploadSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('paths'), paths: z.array(text(4096).min(1)).min(1).max(10_000) }),
  z.object({ kind: z.literal('staged'), stagingId: z.string().regex(/^[0-9a-f]{16,64}$/) }),
])
export type UploadSource = z.infer<typeof uploadSourceSchema>

/** Renderer → core requests. Each answer reaches the window as a `Result`. */
export const invokeChannels = {
  'app:get-info': channel<AppInfo>()(none),

  'auth:get-state': channel<AuthState>()(none),
  /** Starts the browser sign-in; the outcome arrives as `auth:changed`. */
  'auth:sign-in': channel<AuthState>()(none),
  'auth:cancel-sign-in': channel<AuthState>()(none),
  'auth:sign-out': channel<AuthState>()(none),
  /** The admin's provisioning file, as text: checked, then kept in Pail's home. */
  'auth:import-provisioning': channel<AppInfo>()(z.object({ text: text(64 * 1024) })),

  /** Asks Bitbucket about an OAuth consumer, as `pail admin check` does (without the browser sign-in). */
  'admin:check-consumer': channel<ConsumerCheckView>()(consumerCheck),
  /** The same check, then the provisioning file's text, as `pail admin provision`; refused when there is something to fix. */
  'admin:build-provisioning': channel<ProvisioningFileView>()(consumerCheck),

  'repos:list': channel<WorkspaceView[]>()(none),
  'repos:list-branches': channel<string[]>()(z.object({ workspace: text(200).min(1), repository: text(200).min(1) })),

  'folders:list': channel<FolderView[]>()(none),
  'folders:preview': channel<FolderPreview>()(target),
  'folders:add': channel<FolderView>()(target),
  'folders:remove': channel<FolderView[]>()(pairId),
  'folders:sync-now': channel<FolderView>()(pairId),
  /** Pauses until `until` (epoch ms) or until resumed (null). */
  'folders:pause': channel<FolderView>()(pairId.extend({ until: z.number().int().positive().nullable() })),
  'folders:resume': channel<FolderView>()(pairId),
  'folders:answer-hold': channel<FolderView>()(
    pairId.extend({ choice: z.enum(['delete', 'restore', 'recreate-branch']) }),
  ),
  /** The native folder chooser (desktop); null when the person cancelled. */
  'folders:choose': channel<string | null>()(none),
  /** The folders inside `path` (default: the person's home), for the browser's folder chooser. */
  'folders:browse': channel<FolderListing>()(z.object({ path: text(4096).optional() })),
  'folders:get-ignore-rules': channel<string>()(pairId),
  'folders:set-ignore-rules': channel<string>()(pairId.extend({ text: text(256 * 1024) })),

  'history:list': channel<HistoryView[]>()(
    z.object({
      query: text(200).optional(),
      pairId: pairId.shape.pairId.optional(),
      outcome: z.enum(['uploading', 'committed', 'failed', 'held', 'conflict']).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
  ),

  /** Starts a manual upload; its progress arrives as `upload:progressed`. Answers the upload's id. */
  'upload:start': channel<{ uploadId: string }>()(
    z.object({
      source: uploadSourceSchema,
      workspace: text(200).min(1, 'Choose a repository.'),
      repository: text(200).min(1, 'Choose a repository.'),
      branch: text(250).min(1),
      pathInRepo: text(1024),
      message: text(10_000).optional(),
    }),
  ),

  'settings:get': channel<SettingsView>()(none),
  'settings:update': channel<SettingsView>()(
    z.object({
      launchAtLogin: z.boolean().optional(),
      notifications: z.boolean().optional(),
      commitMessageTemplate: text(2000).optional(),
    }),
  ),
  'settings:pause-all': channel<SettingsView>()(z.object({ until: z.number().int().positive().nullable() })),
  'settings:resume-all': channel<SettingsView>()(none),
} as const

/** Core → renderer pushes, with their payloads. */
export interface EventChannels {
  'auth:changed': AuthState
  'folders:changed': FolderView[]
  'history:changed': HistoryView
  'upload:progressed': UploadProgress
  'settings:changed': SettingsView
}

export type InvokeChannels = typeof invokeChannels
export type ChannelName = keyof InvokeChannels
export type EventName = keyof EventChannels

/** The payload a channel takes. */
export type InputOf<K extends ChannelName> = z.infer<InvokeChannels[K]['input']>
/** The answer a channel gives. */
export type OutputOf<K extends ChannelName> = InvokeChannels[K] extends Channel<z.ZodType, infer O> ? O : never

/** Every channel, listed: the shells and the tests compare what they serve with it. */
export const channelNames = Object.keys(invokeChannels) as ChannelName[]
export const eventNames = [
  'auth:changed',
  'folders:changed',
  'history:changed',
  'upload:progressed',
  'settings:changed',
] as const satisfies readonly EventName[]

/**
 * What the core's side implements: one function per channel, given a checked payload. Both shells
 * take exactly this object, so a channel added here and not implemented fails the build.
 */
export type Handlers = { [K in ChannelName]: (input: InputOf<K>) => Promise<OutputOf<K>> }

/** `auth:sign-in` → `authSignIn`; `folders:sync-now` → `foldersSyncNow`. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S
export type MethodName<K extends string> = K extends `${infer Area}:${infer Verb}`
  ? `${Area}${Capitalize<Camel<Verb>>}`
  : never
/** `auth:changed` → `onAuthChanged`. */
export type ListenerName<K extends string> = `on${Capitalize<MethodName<K>>}`

/** The method name of a channel, at run time (the preload and the browser client build `window.pail` with it). */
export function methodName<K extends string>(name: K): MethodName<K> {
  const [area, verb = ''] = name.split(':')
  const camel = verb.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
  return `${area}${camel.charAt(0).toUpperCase()}${camel.slice(1)}` as MethodName<K>
}

/** The listener name of an event, at run time. */
export function listenerName<K extends string>(name: K): ListenerName<K> {
  const method = methodName(name)
  return `on${method.charAt(0).toUpperCase()}${method.slice(1)}` as ListenerName<K>
}

type ChannelMethods = {
  [K in ChannelName as MethodName<K>]: InputOf<K> extends undefined
    ? () => Promise<Result<OutputOf<K>>>
    : (input: InputOf<K>) => Promise<Result<OutputOf<K>>>
}
type EventListeners = {
  [K in EventName as ListenerName<K>]: (listener: (payload: EventChannels[K]) => void) => () => void
}

/**
 * What the renderer sees as `window.pail`: named methods only (Electron security checklist #20),
 * each answering a Result; `onX(listener)` returns the function that stops listening. `File` is
 * the browser's file type (the renderer's own lib names it; shared/ has no DOM).
 */
export type RendererApi<File = unknown> = ChannelMethods &
  EventListeners & {
    /**
     * Turns files the person dropped or picked into something `uploadStart` takes: their paths on
     * this computer (desktop), or the files streamed to `pail serve` (browser), reporting bytes sent.
     */
    prepareUpload(
      files: readonly File[],
      onProgress?: (bytesSent: number, bytesTotal: number) => void,
    ): Promise<Result<UploadSource>>
  }
