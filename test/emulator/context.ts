/**
 * What every handler of the emulator can reach: the world, the settings, the git repositories,
 * the public URLs and the log of requests.
 */
import type { GitRepository } from './git/git-store.js'
import type { Repository, World } from './model.js'
import type { SharedBudgets } from './rate-limit.js'
import type { EmulatorSettings } from './settings.js'

/** What a request was, for counting: a REST API call, a git smart-HTTP request, or another page of the web listener. */
export type RequestKind = 'api' | 'git' | 'web'

export interface RequestLogEntry {
  at: number
  server: 'web' | 'api'
  kind: RequestKind
  method: string
  /** Path and query; never contains a credential (the query `access_token` is masked). */
  path: string
  status: number
  credential: string | null
  /** The OAuth consumer whose token made the request, when one did. */
  consumer: string | null
}

export interface Emulator {
  readonly world: World
  settings: EmulatorSettings
  /** e.g. http://127.0.0.1:40001 — stands for https://bitbucket.org */
  readonly webUrl: string
  /** e.g. http://127.0.0.1:40002 — stands for https://api.bitbucket.org */
  readonly apiUrl: string
  readonly dataDir: string
  /** The bare repository behind a repository record. */
  git(repo: Repository): GitRepository
  /** Every secret the emulator issued since it started, so tests can scan output for them. */
  readonly issuedSecrets: string[]
  /** Records an issued secret (token, code, consumer secret) for the leak scan. */
  issued(secret: string): void
  readonly requestLog: RequestLogEntry[]
  /** The consumers' and git's hourly allowances (bitbucket-api.md §5). */
  readonly budgets: SharedBudgets
  /** Protocol v2 ref advertisements and ls-refs answered without git processes (git/native-refs.ts). */
  readonly nativeRefAdvertisement: boolean
}
